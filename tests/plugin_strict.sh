#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin in tshark (two passes) adds no dissector bug, no malformed packet of its own and no
# warning under Wireshark's strict wmem checks and G_SLICE=always-malloc, over the hostile
# captures (tests/hostile/make_hostile.py, without the big one), every scenario capture and the
# public corpus; in parallel (S7DIAG_TEST_JOBS). Usage: plugin_strict.sh PLUGIN.so SRC_DIR
set -u
plugin=$(readlink -f "$1"); src=$(readlink -f "$2")
. "$src/tests/lib/parallel.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/s7diag-strict.XXXXXX"); chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
python3 "$src/tests/hostile/make_hostile.py" "$work" > /dev/null || { echo "FAIL: cannot make the captures"; exit 1; }
cap=$src/captures/putget-denied.pcap
head -c 1500 "$cap" > "$work/truncated-mid-packet.pcap"
printf '\xd4\xc3\xb2\xa0garbage-not-a-capture-header' > "$work/wrong-magic.pcap"
editcap -s 60 "$cap" "$work/snaplen-60.pcap" 2>/dev/null
chmod 644 "$work"/*

strict() {
  local f=$1 out rc fail=0 err="$work/$EACH_INDEX.err"
  out=$("$src/scripts/with-plugin" "$plugin" env WIRESHARK_DEBUG_WMEM_OVERRIDE=strict G_SLICE=always-malloc \
        timeout 300 tshark -2 -n -r "$f" -T fields -e _ws.malformed -e _ws.col.Info 2> "$err")
  rc=$?
  if grep -q -i "dissector bug\|Malformed Packet: S7DIAG" <<< "$out"; then
    echo "FAIL plugin on $(basename "$f"): dissector bug or malformed packet of its own"; fail=1
  fi
  if grep -v "appears to have been cut short\|isn't a capture file\|unknown file format\|appears to be damaged" "$err" | grep -q .; then
    echo "FAIL plugin on $(basename "$f"): tshark warned:"; head -3 "$err"; fail=1
  fi
  [ $rc -le 2 ] || { echo "FAIL plugin on $(basename "$f"): tshark exit $rc"; fail=1; }
  return $fail
}
caps=(); for f in "$work"/*.pcap* "$src"/captures/*.pcap "$src"/captures/*.pcapng "$src"/../shared/captures/public/*.pcap*; do
  [ -f "$f" ] && caps+=("$f")
done
run_each strict "${caps[@]}"; fail=$?
echo "plugin strict: ${#caps[@]} captures, $( [ $fail -eq 0 ] && echo "no dissector bug or warning (strict wmem)" || echo FAILED )"
exit $fail
