#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# s7diag on Wireshark 4.0 (this Debian 12), 4.4 (Debian 13 "trixie") and 4.6 (Debian sid),
# each in its own cached chroot (scripts/chroot):
#   1. the project builds with -Werror against that Wireshark, and the suites that depend on
#      it pass there (ctest -L wireshark: units, scenarios, CLI errors, public corpus, report
#      goldens, prefilter equivalence, the plugin's scenarios, stats, public corpus, profile);
#   2. the analyzer's JSON report over every scenario and public capture is byte-identical to
#      4.0's apart from the version line, and the engine's events are the same
#      (versions_compare.py says which one difference of tshark's TCP analysis is tolerated);
#   3. the .deb packages install into a bare Debian of that version and work (package_check.sh);
#   4. the README's demo command runs in a fresh Debian 13 as on Debian 12.
# Run by scripts/test after the host's own suites (build/ holds the 4.0 build).
# S7DIAG_VERSIONS="trixie" limits the suites; S7DIAG_SKIP_DEMO=1 skips step 4.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
suites=${S7DIAG_VERSIONS:-trixie sid}
fail=0
t0=$(date +%s)
step() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }

# 4.0 here: the reference results and the packages
mkdir -p build-versions
step "Wireshark 4.0 (this machine): reference results and packages"
tests/versions_results.sh build/analyzer/s7diag build-versions/4.0 || { echo "FAIL 4.0 reference run"; exit 1; }
cmake -S . -B build-pkg -DS7DIAG_PACKAGE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null \
  && cmake --build build-pkg -j"$(nproc)" > build-versions/build-pkg.log 2>&1 \
  && (cd build-pkg && rm -f ./*.deb && cpack -G DEB > cpack.log 2>&1) \
  || { tail -20 build-versions/build-pkg.log; echo "FAIL packages for 4.0"; exit 1; }
scripts/chroot --runtime bookworm bash /src/tests/package_check.sh /src/build-pkg /src/captures || fail=1

for s in $suites; do
  step "Debian $s: build with -Werror, ctest -L wireshark, packages"
  # one build for the tests and the packages (-DS7DIAG_PACKAGE only sets install paths)
  if ! scripts/chroot "$s" bash -c "cd /src && cmake -S . -B build-$s -DS7DIAG_PACKAGE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null \
        && cmake --build build-$s -j\$(nproc) > build-versions/build-$s.log 2>&1"; then
    tail -30 "build-versions/build-$s.log"; echo "FAIL build on $s"; fail=1; continue
  fi
  scripts/chroot "$s" bash -c "cd /src/build-$s && ctest -L wireshark -j2 --output-on-failure" \
    > "build-$s/ctest.log" 2>&1 || { cat "build-$s/ctest.log"; fail=1; }
  tail -3 "build-$s/ctest.log"
  scripts/chroot "$s" bash -c "cd /src && tests/versions_results.sh build-$s/analyzer/s7diag build-versions/$s" \
    || { echo "FAIL results run on $s"; fail=1; }
  python3 tests/versions_compare.py build-versions/4.0 "build-versions/$s" "$s" || fail=1
  scripts/chroot "$s" bash -c "cd /src/build-$s && rm -f ./*.deb && cpack -G DEB > cpack.log 2>&1" \
    || { echo "FAIL cpack on $s"; fail=1; continue; }
  scripts/chroot --runtime "$s" bash /src/tests/package_check.sh "/src/build-$s" /src/captures || fail=1
done

if [ "${S7DIAG_SKIP_DEMO:-}" != 1 ]; then
  step "The README's demo command in a fresh Debian 13"
  # a copy of the tree without build output, in a throwaway copy of the bare trixie chroot
  scripts/chroot --scratch trixie bash -c 'mkdir /demo && tar -C /src --exclude="./build*" -cf - . | tar -C /demo -xf - \
      && cd /demo && scripts/demo' > build-versions/demo-trixie.log 2>&1
  rc=$?
  if [ $rc -ne 0 ] || ! grep -q "PLC 10.10.1.5:102 refuses PUT/GET" build-versions/demo-trixie.log \
     || ! grep -qP "^10\tputget-denied\t" build-versions/demo-trixie.log; then
    tail -30 build-versions/demo-trixie.log; echo "FAIL demo on Debian 13 (exit $rc)"; fail=1
  else
    echo "demo on Debian 13: the analyzer and the plugin diagnose PUT/GET denied"
  fi
fi
step "Wireshark versions: $( [ $fail -eq 0 ] && echo "4.0, ${suites// /, }: all passed" || echo FAILED )"
exit $fail
