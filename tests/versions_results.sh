#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The results that must be the same on every Wireshark version: one JSON report over every
# scenario and public capture, and the engine's events of each capture (s7diag events).
# Usage: versions_results.sh S7DIAG OUTDIR   (run from the source tree, here or in a chroot)
set -u
s7diag=$1; out=$2
rm -rf "$out"; mkdir -p "$out/events"
caps=(captures/*.pcap captures/*.pcapng)
[ -d ../shared/captures/public ] && caps+=(../shared/captures/public/*.pcap ../shared/captures/public/*.pcapng)
"$s7diag" analyze -q --fail-on never -F json "${caps[@]}" > "$out/report.json" || exit 1
for c in "${caps[@]}"; do
  "$s7diag" events "$c" > "$out/events/$(basename "$c").ev" 2> /dev/null || exit 1
done
echo "${#caps[@]}" > "$out/count"
