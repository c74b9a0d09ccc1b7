#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live diagnosis goes on, after each snapshot, with a copy of the running engine
# (core/engine_clone.c): the copy must go on exactly as the original would have. The analyzer
# can replace its engine by its copy after every N events (S7DIAG_CLONE_EVERY=N, a self-check):
# on every scenario capture and every public capture (when ../shared is there) the JSON report
# with a copy after every event, and after every 7th, equals the plain one byte for byte.
# Usage: live_clone.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; n=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
[ -d "$src/../shared/captures/public" ] && caps+=("$src"/../shared/captures/public/*.pcap*)
for cap in "${caps[@]}"; do
  [ -f "$cap" ] || continue
  name=$(basename "$cap"); n=$((n+1))
  "$s7diag" analyze -F json -o "$work/plain.json" "$cap" > /dev/null 2>&1
  rc=$?
  for every in 1 7; do
    S7DIAG_CLONE_EVERY=$every "$s7diag" analyze -F json -o "$work/copy.json" "$cap" > /dev/null 2>&1
    rc2=$?
    if [ $rc != $rc2 ]; then
      echo "FAIL $name (a copy every $every events): exit $rc2, plain $rc"; fail=1
    elif ! cmp -s "$work/plain.json" "$work/copy.json"; then
      echo "FAIL $name (a copy every $every events): the report differs"
      diff "$work/plain.json" "$work/copy.json" | head -8; fail=1
    fi
  done
done
[ $n -gt 20 ] || { echo "FAIL: only $n captures"; fail=1; }
[ $fail = 0 ] && echo "OK: $n captures, the same report with a copy of the engine after every event and every 7th"
exit $fail
