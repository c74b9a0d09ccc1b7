# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the bench scripts that measure the plugin on each Wireshark version side by side
# (bench/plugin_versions, bench/wanted_items). From the source tree's top, as root.
#
# bench_stage CAPTURE: a copy of CAPTURE that nobody (tshark's user) can read and the chroots
#   see (build/bench-stage/cap.pcap, at /src/build/bench-stage/cap.pcap inside); removed on exit
# bench_measure COMMAND...: runs COMMAND, which has `/usr/bin/time -f "$BENCH_TIME"` in it
#   (after any chroot prefix), and writes "CPU wall kB" of its run (CPU: user + sys) to stderr
# bench_interleaved REPS NAME...: the commands held in the arrays named NAME... (each made for
#   bench_measure), one after the other, REPS rounds of them: a slower spell of a shared machine
#   falls on every command alike, not on the one measured then; each round starts one command
#   later. Sets BENCH_RESULT[NAME] to "CPU wall kB" of each command's median run by CPU time.
#   The NAMEs must not begin with _bi_ (the function's own variables).
# bench_versions ROW_FUNC COLUMNS: ROW_FUNC LABEL BUILD CAPTURE [PREFIX...] on this machine's
#   Wireshark (build/), then in the trixie (4.4) and sid (4.6) chroots scripts/chroot keeps,
#   with their builds (build-trixie/, build-sid/) and PREFIX the chroot; a chroot or build that
#   is not there gets a row saying so (COLUMNS cells). The benchmark postdissector is built
#   first in each (it is not in a default build).

bench_stage() {
  BENCH_STAGE="$(pwd)/build/bench-stage"
  mkdir -p "$BENCH_STAGE"; chmod 755 build "$BENCH_STAGE"
  cp "$1" "$BENCH_STAGE/cap.pcap"   # a copy: the mode changes for nobody, not the caller's file's
  chmod 644 "$BENCH_STAGE/cap.pcap"
  trap 'rm -rf "$BENCH_STAGE"' EXIT
}

bench_interleaved() {
  local _bi_reps=$1 _bi_r _bi_i _bi_n _bi_name; shift
  [ "$_bi_reps" -ge 1 ] || { echo "bench_interleaved: REPS must be at least 1" >&2; return 2; }
  local -A _bi_runs=()
  declare -gA BENCH_RESULT=()
  _bi_n=$#
  for ((_bi_r = 0; _bi_r < _bi_reps; _bi_r++)); do
    for ((_bi_i = 0; _bi_i < _bi_n; _bi_i++)); do
      # each round starts one command later, so no command always comes first or last
      local -n _bi_cmd=${@:1 + (_bi_r + _bi_i) % _bi_n:1}
      _bi_name=${!_bi_cmd}
      _bi_runs[$_bi_name]+="$(bench_measure "${_bi_cmd[@]}" 2>&1 > /dev/null | tail -1)"$'\n'
    done
  done
  for _bi_name in "$@"; do
    BENCH_RESULT[$_bi_name]=$(printf '%s' "${_bi_runs[$_bi_name]}" | sort -n | sed -n "$(( (_bi_reps + 1) / 2 ))p")
  done
}

BENCH_TIME="%e %M %U %S"
bench_measure() {
  "$@" 2>&1 > /dev/null | tail -1 | awk '{ printf "%.2f %s %s\n", $3 + $4, $1, $2 }' >&2
}

bench_versions() {
  local row=$1 columns=$2 v suite cache=${S7DIAG_CHROOT_CACHE:-/var/cache/s7diag/chroot}
  [ -d build ] && cmake --build build --target s7diag_bench_floor > /dev/null
  v=$(tshark --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
  if [ -f build/plugin/s7diag.so ] && [ -f build/bench/s7diag-bench-floor.so ]; then
    "$row" "$v (this machine)" build "$BENCH_STAGE/cap.pcap"
  fi
  for suite in trixie sid; do
    if [ ! -d "$cache/$suite" ] || [ ! -f "build-$suite/plugin/s7diag.so" ]; then
      printf '| %s | (no chroot or no build-%s: scripts/chroot %s, then build there) |' "$suite" "$suite" "$suite"
      printf '%.0s |' $(seq $((columns - 2))); echo
      continue
    fi
    scripts/chroot "$suite" bash -c "cd /src && cmake --build build-$suite --target s7diag_bench_floor" > /dev/null
    v=$(scripts/chroot "$suite" tshark --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
    "$row" "$v (Debian $suite chroot)" "/src/build-$suite" /src/build/bench-stage/cap.pcap scripts/chroot "$suite"
  done
}
