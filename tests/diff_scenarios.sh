#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `s7diag diff GOOD BAD` on the generator's working-vs-failing pairs (captures/diff-*.pcap): a
# wrong slot, PUT/GET off, an optimized DB, a read past the end of a DB. Each: exit 1, the
# failing side's finding first, and the aspect that explains it with the failing side's value;
# reversed, exit 0 and the finding only in the working side; a capture against itself: no
# difference; JSON reports as inputs give the same comparison; every format holds the finding;
# bad inputs exit 2. Usage: diff_scenarios.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
command -v jq > /dev/null || { echo "SKIP: jq not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
good="$src/captures/diff-good.pcap"

# pair KIND ASPECT JQ-TEST-ON-THE-ASPECT DESCRIPTION
pair() {
  local name=$1 kind=$2 aspect=$3 test=$4 what=$5 rc
  "$s7diag" diff -F json -o "$work/$name.json" "$good" "$src/captures/diff-$name.pcap" 2> "$work/$name.err"; rc=$?
  local first
  first=$(jq -r '.only_in_bad[0].kind' "$work/$name.json" 2>/dev/null)
  local got
  got=$(jq -r --arg a "$aspect" '.differences[] | select(.aspect == $a) | '"$test" "$work/$name.json" 2>/dev/null)
  if [ $rc = 1 ] && [ "$first" = "$kind" ] && [ "$got" = true ]; then
    ok "diff $name: exit 1, only the failing side has $kind, and $what"
  else
    bad "diff $name: exit $rc, first only-in-failing '$first' (want $kind), aspect $aspect: '$got'; $(jq -c .differences "$work/$name.json" 2>/dev/null) $(cat "$work/$name.err")"
  fi
  # reversed: the failing one as GOOD: its finding is only in the working side, exit 0
  "$s7diag" diff -F json "$src/captures/diff-$name.pcap" "$good" > "$work/$name.rev.json" 2>/dev/null; rc=$?
  [ $rc = 0 ] && [ "$(jq -r '.only_in_good[0].kind' "$work/$name.rev.json")" = "$kind" ] &&
    [ "$(jq '.only_in_bad | length' "$work/$name.rev.json")" = 0 ] &&
    ok "diff $name reversed: exit 0, $kind only in the working side" || bad "diff $name reversed: exit $rc $(jq -c '.only_in_good' "$work/$name.rev.json")"
}
pair wrong-slot connect-refused called-tsap '.bad | startswith("0x0302 (rack 0, slot 2")' "the failing client connects to slot 2, the working one to slot 1"
pair putget-off putget-denied codes '.bad == "0x8104"' "the PLC answers 0x8104 to the failing side only"
pair optimized invalid-address "area DB1" '.text | test("fail on the failing side only")' "DB1 accesses fail on the failing side only"
pair read-past-end invalid-address "area DB1" '.text | test("up to byte 1849, past what the working side reaches \\(byte 9\\)")' "the failing client reads DB1 up to byte 1849, past the working one's 9"

# the same capture twice: nothing differs
"$s7diag" diff -F json "$good" "$good" > "$work/same.json"; rc=$?
[ $rc = 0 ] && [ "$(jq '(.differences | length) + (.only_in_bad | length) + (.only_in_good | length)' "$work/same.json")" = 0 ] &&
  ok "diff of a capture with itself: exit 0, no difference" || bad "diff same: exit $rc $(cat "$work/same.json")"
# JSON reports as inputs: the same comparison (names aside)
"$s7diag" analyze -q -F json "$good" > "$work/good.json"
"$s7diag" analyze -q -F json "$src/captures/diff-read-past-end.pcap" > "$work/bad.json"
"$s7diag" diff -F json "$work/good.json" "$work/bad.json" > "$work/fromjson.json"
a=$(jq -c 'del(.good.name, .bad.name)' "$work/read-past-end.json"); b=$(jq -c 'del(.good.name, .bad.name)' "$work/fromjson.json")
[ "$a" = "$b" ] && ok "diff of JSON reports equals diff of the captures" || bad "diff from JSON differs: $b"
# every format holds the failing side's finding and the explaining difference
title=$(jq -r '.only_in_bad[0].title' "$work/read-past-end.json")
for fmt in text markdown html junit; do
  "$s7diag" diff -F $fmt "$good" "$src/captures/diff-read-past-end.pcap" > "$work/out.$fmt" 2>/dev/null
  grep -qF "$title" "$work/out.$fmt" && ok "diff -F $fmt: holds the finding" || bad "diff -F $fmt: no '$title'"
done
grep -q "past what the working side reaches" "$work/out.text" && ok "diff -F text: explains the read past the end" || bad "diff -F text: no explanation"
grep -q '<failure' "$work/out.junit" && ok "diff -F junit: the failing side's finding is a failure" || bad "diff -F junit: no failure"
# bad inputs
"$s7diag" diff "$good" > /dev/null 2>&1; [ $? = 2 ] && ok "diff with one input: exit 2" || bad "diff with one input: not 2"
printf 'not a capture' > "$work/junk.pcap"
"$s7diag" diff "$good" "$work/junk.pcap" > /dev/null 2> "$work/err"; rc=$?
[ $rc = 2 ] && grep -q "junk.pcap" "$work/err" && ok "diff with a non-capture: exit 2, names it" || bad "diff junk: exit $rc $(cat "$work/err")"
printf '{"schema": "other"}' > "$work/other.json"
"$s7diag" diff "$work/other.json" "$good" > /dev/null 2> "$work/err"; rc=$?
[ $rc = 2 ] && grep -q "not an s7diag JSON report" "$work/err" && ok "diff with a foreign JSON: exit 2" || bad "diff foreign JSON: exit $rc $(cat "$work/err")"
exit $fail
