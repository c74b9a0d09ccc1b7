#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin and the analyzer give the engine the same events: the plugin decodes the bytes of
# the stock dissectors' protocol items (plugin/epan_wire.c), the analyzer reads tshark's fields
# (core/decode/field_row.c). On every scenario capture, every public capture (when ../shared is
# there) and a few cut and hostile ones, the events the plugin fed its engine in a one-pass
# tshark (S7DIAG_PLUGIN_EVENTS) equal `s7diag events` of the same capture, line for line
# (its lines on port 102 and its ICMP errors: `events` prints every TCP segment; the plugin's
# handling of other ports is plugin-scenarios' iso-other-port). Known difference, not
# compared: several COTP connect TPDUs in one segment (the analyzer gives the TSAPs to the
# first only).
# Usage: plugin_events.sh PLUGIN.so S7DIAG SRC_DIR
set -u
plugin=$1; s7diag=$(readlink -f "$2"); src=$(readlink -f "$3")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; chmod 777 "$work"
mkdir "$work/home"   # `s7diag events` runs tshark with default preferences, as the plugin's does
. "$src/tests/lib/parallel.sh"
fail=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
[ -d "$src/../shared/captures/public" ] && caps+=("$src"/../shared/captures/public/*.pcap*)
# cut short by the snap length: inside the TCP header (48, 50), TCP headers and 6 payload bytes
# (60), COTP and S7 headers without their parameters (72). A PDU cut inside its parameters or
# data can differ in the part cut off: the analyzer has the fields the dissector read before it
# stopped, the plugin zeros.
for cut in 48:putget-denied 50:putget-denied 60:putget-denied 72:write-conflict; do
  editcap -s "${cut%%:*}" "$src/captures/${cut#*:}.pcap" "$work/snaplen-${cut%%:*}.pcap" ||
    { echo "FAIL: editcap"; fail=1; }
done
python3 "$src/tests/hostile/make_hostile.py" "$work" > /dev/null || { echo "FAIL: make_hostile.py"; fail=1; }
caps+=("$work"/*.pcap)
# one capture: the plugin's events against the analyzer's; its count of events in lines.INDEX
compare() {
  local cap=$1 name rc fail=0 w="$work/$EACH_INDEX"
  [ -f "$cap" ] || return 0
  name=$(basename "$cap")
  "$src/scripts/with-plugin" "$plugin" env S7DIAG_PLUGIN_EVENTS="$w.plugin.ev" \
      tshark -n -r "$cap" -T fields -e frame.number > /dev/null 2> "$w.err"
  rc=$?
  [ $rc -le 2 ] || { echo "FAIL $name: tshark with the plugin exit $rc"; fail=1; }
  if grep -q -i 's7diag\|critical\|warning' "$w.err"; then
    echo "FAIL $name: tshark with the plugin said:"; head -3 "$w.err"; fail=1
  fi
  HOME="$work/home" "$s7diag" events "$cap" > "$w.all.ev" 2> "$w.err"
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL $name: s7diag events exit $rc: $(head -1 "$w.err")"; fail=1; }
  awk '$3 ~ /^ICMP/ || $4 ~ /:102$/ || $6 ~ /:102$/' "$w.all.ev" > "$w.analyzer.ev"
  [ -f "$w.plugin.ev" ] || : > "$w.plugin.ev"
  if ! cmp -s "$w.analyzer.ev" "$w.plugin.ev"; then
    echo "FAIL $name: the plugin's events differ from the analyzer's (< analyzer, > plugin):"
    diff "$w.analyzer.ev" "$w.plugin.ev" | head -6 | cut -c1-300
    fail=1
  fi
  wc -l < "$w.analyzer.ev" > "$work/lines.$EACH_INDEX"
  rm -f "$w".*
  return $fail
}
existing=(); for cap in "${caps[@]}"; do [ -f "$cap" ] && existing+=("$cap"); done
run_each compare "${existing[@]}" || fail=1
n=${#existing[@]}
lines=$(cat "$work"/lines.* | paste -sd+ | bc)
[ "$n" -ge 100 ] || { echo "FAIL: only $n captures"; fail=1; }
[ "$lines" -ge 100000 ] || { echo "FAIL: only $lines events compared"; fail=1; }
echo "plugin events: $n captures, $lines events: $( [ $fail -eq 0 ] && echo same as the analyzer || echo DIFFERENT )"
exit $fail
