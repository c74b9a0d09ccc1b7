#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real Wireshark (Qt) under Xvfb with the plugin and the "S7 Diagnostics" profile:
# scripts/gui-screenshot opens the PUT/GET-denied capture and selects the 0x8104 response;
# the screenshot must show the profile's error colouring (rows coloured #FFA5A5 only when the
# plugin's s7diag.severity == "error" matched in the GUI). Skips (77) without the GUI tools.
# Usage: plugin_gui.sh SRC_DIR
set -u
src=$1
for tool in wireshark Xvfb xwd convert xdotool; do
  if ! command -v "$tool" > /dev/null; then
    if [ -n "${CI:-}" ]; then echo "FAIL: $tool missing (scripts/setup installs it)"; exit 1; fi
    echo "SKIP: $tool not installed (scripts/setup --tests)"; exit 77
  fi
done
out=$(mktemp --suffix=.png); trap 'rm -f "$out"' EXIT
"$src/scripts/gui-screenshot" "$src/captures/putget-denied.pcap" 11 "$out" || exit 1
share=$(convert "$out" -fuzz 4% -fill black +opaque "rgb(255,165,165)" -fill white \
          -opaque "rgb(255,165,165)" -format '%[fx:mean]' info:)
echo "share of S7-error-coloured pixels: $share"
awk -v s="$share" 'BEGIN { exit !(s > 0.02) }' || { echo "FAIL: no S7 fault colouring in the GUI"; exit 1; }
echo "plugin GUI: colouring rules of the plugin visible in Wireshark"
