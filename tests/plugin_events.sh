#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin and the analyzer give the engine the same events: the plugin decodes the bytes of
# the stock dissectors' protocol items (plugin/epan_wire.c), the analyzer reads tshark's fields
# (core/field_row.c). On every scenario capture, every public capture (when ../shared is
# there) and a few cut and hostile ones, the events the plugin fed its engine in a one-pass
# tshark (S7DIAG_PLUGIN_EVENTS) equal `s7diag events` of the same capture, line for line
# (its lines on the S7 port and its ICMP errors: `events` prints every TCP segment).
# Usage: plugin_events.sh PLUGIN.so S7DIAG SRC_DIR
set -u
plugin=$1; s7diag=$(readlink -f "$2"); src=$(readlink -f "$3")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; chmod 777 "$work"
fail=0; n=0; lines=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
[ -d "$src/../shared/captures/public" ] && caps+=("$src"/../shared/captures/public/*.pcap*)
# cut short: snap length 60 (TCP headers, no payload) and 72 (COTP, S7 headers without their
# parameters). A PDU cut inside its parameters or data can differ in the part cut off: the
# analyzer has the fields the dissector read before it stopped, the plugin zeros.
editcap -s 60 "$src/captures/putget-denied.pcap" "$work/snaplen-60.pcap" 2>/dev/null
editcap -s 72 "$src/captures/write-conflict.pcap" "$work/snaplen-72.pcap" 2>/dev/null
python3 "$src/tests/hostile/make_hostile.py" "$work" 64 > /dev/null 2>&1
caps+=("$work"/*.pcap)
for cap in "${caps[@]}"; do
  [ -f "$cap" ] || continue
  name=$(basename "$cap"); n=$((n+1))
  "$src/scripts/with-plugin" "$plugin" env S7DIAG_PLUGIN_EVENTS="$work/plugin.ev" \
      tshark -n -r "$cap" -T fields -e frame.number > /dev/null 2> "$work/err"
  "$s7diag" events "$cap" 2> /dev/null |
      awk '$3 ~ /^ICMP/ || $4 ~ /:102$/ || $6 ~ /:102$/' > "$work/analyzer.ev"
  if [ ! -s "$work/analyzer.ev" ] && [ ! -f "$work/plugin.ev" ]; then continue; fi
  if ! cmp -s "$work/analyzer.ev" "$work/plugin.ev"; then
    echo "FAIL $name: the plugin's events differ from the analyzer's (< analyzer, > plugin):"
    diff "$work/analyzer.ev" "$work/plugin.ev" | head -6 | cut -c1-300
    fail=1
  fi
  lines=$((lines + $(wc -l < "$work/analyzer.ev")))
  rm -f "$work/plugin.ev"
done
[ "$n" -ge 100 ] || { echo "FAIL: only $n captures"; fail=1; }
echo "plugin events: $n captures, $lines events: $( [ $fail -eq 0 ] && echo same as the analyzer || echo DIFFERENT )"
exit $fail
