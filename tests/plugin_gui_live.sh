#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real Wireshark (Qt) under Xvfb capturing live on lo with the plugin and the "S7
# Diagnostics" profile, while s7sim refuses PUT/GET and a snap7 client (node-snap7) tries:
# the refused answers are coloured as S7 errors as they arrive; then a click on a packet
# (which re-dissects it and refreshes the diagnosis), the client tries again, and the new
# refused answers must be coloured too: the diagnosis keeps going after clicks (before, it
# froze at the first revisited frame). Screenshots: docs/img/wireshark-live.png when
# S7DIAG_GUI_SHOT is set. Needs root (dumpcap is given the capture capabilities for the
# unprivileged user Wireshark runs as, and restored after).
# Usage: plugin_gui_live.sh S7SIM PLUGIN.so SRC_DIR BUILD_DIR
set -u
s7sim=$(readlink -f "$1"); plugin=$(readlink -f "$2"); src=$(readlink -f "$3"); build=$(readlink -f "$4")
skip() { if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi; echo "SKIP: $1"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (port 102, dumpcap capabilities)"
for t in wireshark Xvfb xwd convert xdotool node npm setcap getcap; do
  command -v $t > /dev/null || skip "$t not installed (scripts/setup --tests)"
done
. "$src/tests/live/peers.sh"
work=$(mktemp -d); chmod 755 "$work"
dumpcap=$(command -v dumpcap)
caps_before=$(getcap "$dumpcap" | sed 's/^[^ ]* //')
display=:$((90 + RANDOM % 100))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "$caps_before" ]; then setcap "$caps_before" "$dumpcap"; else setcap -r "$dumpcap" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
setcap cap_net_raw,cap_net_admin+eip "$dumpcap"
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp > /dev/null 2>&1 & pids+=($!)
"$s7sim" --listen 127.0.0.1 --putget off --db 1:100 2> "$work/server.log" & pids+=($!)
sleep 1
DISPLAY=$display QT_QPA_PLATFORM=xcb "$src/scripts/with-plugin" "$plugin" \
  wireshark -C "S7 Diagnostics" -o gui.packet_list_show_minimap:FALSE -o gui.update.enabled:FALSE \
  -o gui.layout_content_3:NONE -i lo -f "tcp port 102" -k > "$work/ws.log" 2>&1 &
ws=$!; pids+=($ws)
sleep "${S7DIAG_GUI_WAIT:-8}"
kill -0 $ws 2>/dev/null || { echo "FAIL: wireshark exited:"; cat "$work/ws.log"; exit 1; }
for w in $(DISPLAY=$display xdotool search --onlyvisible --class 'wireshark' 2>/dev/null); do
  DISPLAY=$display xdotool windowmove "$w" 0 0 windowsize "$w" 1440 900
done
sleep 1
client() { timeout 20 node "$peers/clients.js" snap7 127.0.0.1 102 0 1 read:1:0:4 write:1:0:7 >> "$work/client.log" 2>&1; }
share() { # the share of S7-error-coloured pixels on the screen now
  xwd -root -display "$display" -silent | convert xwd:- "$work/$1.png"
  convert "$work/$1.png" -fuzz 4% -fill black +opaque "rgb(255,165,165)" -fill white \
    -opaque "rgb(255,165,165)" -format '%[fx:mean]' info:
}
fail=0
client; sleep 3
s1=$(share first)
awk -v s="$s1" 'BEGIN { exit !(s > 0.003) }' && echo "ok   live: refused answers coloured as they arrive ($s1)" \
  || { echo "FAIL live: no S7 error colouring while capturing ($s1)"; fail=1; }
# a click on the first packet row re-dissects it (the packet details open)
DISPLAY=$display xdotool mousemove 300 140 click 1; sleep 2
client; sleep 3
s2=$(share second)
awk -v a="$s1" -v b="$s2" 'BEGIN { exit !(b > 1.5 * a) }' \
  && echo "ok   live: after a click, the next refused answers are coloured too ($s1 -> $s2)" \
  || { echo "FAIL live: the diagnosis stopped after a click ($s1 -> $s2)"; fail=1; }
[ -n "${S7DIAG_GUI_SHOT:-}" ] && convert "$work/second.png" -resize 1280x "$src/docs/img/wireshark-live.png"
grep -c '"ok":false' "$work/client.log" | grep -q '^4$' || { echo "FAIL: the client was not refused 4 times"; cat "$work/client.log"; fail=1; }
[ $fail = 0 ] && echo "plugin GUI live: the diagnosis grows with the capture" || echo "plugin GUI live: FAILED"
exit $fail
