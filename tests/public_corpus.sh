#!/usr/bin/env bash
# The public real-device captures against ../shared/captures/public/EXPECTED.md
# (tests/public-expected.tsv): every "must" found, no "never" reported.
# Usage: public_corpus.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
pub="$src/../shared/captures/public"
if [ ! -d "$pub" ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: $pub is missing (CI must have ../shared)"; exit 1; fi
  echo "SKIP: $pub not found (clone with ../shared beside the repo)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; checks=0
report() { # capture -> cached JSON path
  local out="$tmp/$(basename "$1").json"
  if [ ! -f "$out" ]; then
    "$s7diag" analyze -q --fail-on never "$pub/$1" > "$out"; local rc=$?
    if [ $rc -ne 0 ]; then echo "FAIL $1: exit $rc"; fail=1; fi
  fi
  echo "$out"
}
while IFS=$'\t' read -r cap rule kind arg; do
  case "$cap" in \#*|"") continue;; esac
  checks=$((checks+1))
  j=$(report "$cap")
  case "$rule" in
    must)
      if [ -n "${arg:-}" ]; then
        n=$(jq --arg k "$kind" --argjson f "$arg" '[.captures[0].findings[] | select(.kind==$k and (.frames|index($f)))] | length' "$j")
      else
        n=$(jq --arg k "$kind" '[.captures[0].findings[] | select(.kind==$k)] | length' "$j")
      fi
      [ "$n" -gt 0 ] || { echo "FAIL $cap: must report $kind ${arg:-}"; fail=1; } ;;
    must-note)
      n=$(jq --arg k "$kind" --arg c "$arg" '[.captures[0].findings[] | select(.kind==$k and .code==$c and .severity=="note")] | length' "$j")
      [ "$n" -gt 0 ] || { echo "FAIL $cap: must report $kind $arg as a note"; fail=1; } ;;
    never)
      n=$(jq --arg k "$kind" '[.captures[0].findings[] | select(.kind==$k)] | length' "$j")
      [ "$n" -eq 0 ] || { echo "FAIL $cap: must never report $kind"; fail=1; } ;;
    nothing-above-note)
      n=$(jq '[.captures[0].findings[] | select(.severity!="note")] | length' "$j")
      [ "$n" -eq 0 ] || { echo "FAIL $cap: findings above note"; fail=1; } ;;
    no-errors)
      n=$(jq '[.captures[0].findings[] | select(.severity=="error")] | length' "$j")
      [ "$n" -eq 0 ] || { echo "FAIL $cap: error-severity findings"; fail=1; } ;;
    must-s7plus)
      n=$(jq '[.captures[0].connections[] | select(.s7plus != null)] | length' "$j")
      [ "$n" -gt 0 ] || { echo "FAIL $cap: no S7comm-plus session in the inventory"; fail=1; } ;;
    *) echo "FAIL: unknown rule $rule"; fail=1 ;;
  esac
done < "$src/tests/public-expected.tsv"
# every public capture is analyzed without error
for f in "$pub"/*.pcap "$pub"/*.pcapng; do report "$(basename "$f")" > /dev/null; done
echo "public corpus: $checks checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
