#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The generator rebuilds every committed scenario capture byte for byte.
# Usage: captures_regenerate.sh S7CAPGEN SRC_DIR
set -u
gen=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp" || { echo "FAIL: generator exited $?"; exit 1; }
fail=0
for f in "$tmp"/*.pcap "$tmp"/*.pcapng; do
  cmp -s "$f" "$src/captures/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs from the committed capture"; fail=1; }
done
for f in "$src"/captures/*.pcap "$src"/captures/*.pcapng; do
  [ -f "$tmp/$(basename "$f")" ] || { echo "FAIL: $(basename "$f") is committed but not generated"; fail=1; }
done
echo "regenerate: $(ls "$tmp" | wc -l) captures, $( [ $fail -eq 0 ] && echo identical || echo DIFFERENT )"
exit $fail
