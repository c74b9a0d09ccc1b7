#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live diagnosis goes on, after each snapshot, with a copy of the running engine
# (core/engine/clone.c): the copy must go on exactly as the original would have. The analyzer
# can replace its engine by its copy after every N events (S7DIAG_CLONE_EVERY=N, a self-check):
# on every scenario capture and every public capture (when ../shared is there) the JSON report
# with a copy after every event, and after every 7th, equals the plain one byte for byte. One
# run over all captures each (every capture has an engine of its own, copied on its own count).
# Usage: live_clone.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
[ -d "$src/../shared/captures/public" ] && caps+=("$src"/../shared/captures/public/*.pcap*)
"$s7diag" analyze -q -F json -o "$work/plain.json" "${caps[@]}" > /dev/null 2>&1
rc=$?
for every in 1 7; do
  S7DIAG_CLONE_EVERY=$every "$s7diag" analyze -q -F json -o "$work/copy.json" "${caps[@]}" > /dev/null 2>&1
  rc2=$?
  if [ $rc != $rc2 ]; then
    echo "FAIL (a copy every $every events): exit $rc2, plain $rc"; fail=1
  elif ! cmp -s "$work/plain.json" "$work/copy.json"; then
    echo "FAIL (a copy every $every events): the report differs"
    diff <(jq . "$work/plain.json") <(jq . "$work/copy.json") | head -12; fail=1
  fi
done
n=$(jq '[.captures[] | select(.error == null)] | length' "$work/plain.json")
[ "${n:-0}" -gt 100 ] || { echo "FAIL: only ${n:-0} captures analyzed"; fail=1; }
[ $fail = 0 ] && echo "OK: $n captures, the same report with a copy of the engine after every event and every 7th"
exit $fail
