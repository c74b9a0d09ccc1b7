#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The public real-device captures against ../shared/captures/public/EXPECTED.md
# (tests/public-expected.tsv): every "must" found, no "never" reported — by the analyzer, or
# by the plugin in the real tshark (its s7diag.* fields, grouped like the analyzer's findings),
# which must also add no dissector bug, malformed packet or warning of its own.
# Usage: public_corpus.sh analyzer S7DIAG SRC_DIR | public_corpus.sh plugin PLUGIN.so SRC_DIR
set -u
mode=$1; tool=$2; src=$3
pub="$src/../shared/captures/public"
if [ ! -d "$pub" ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: $pub is missing (CI must have ../shared)"; exit 1; fi
  echo "SKIP: $pub not found (clone with ../shared beside the repo)"; exit 77
fi
tmp=$(mktemp -d); [ -n "${S7DIAG_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
fail=0; checks=0
# The plugin's view as the analyzer's JSON shape: findings {kind, severity, code, frames},
# and one connection with "s7plus" when its S7comm-plus dissector saw a PDU.
plugin_report() {
  local cap=$1 out=$2 raw="$tmp/raw" err="$tmp/err"
  "$src/scripts/with-plugin" "$tool" tshark -2 -n -r "$cap" -T fields -e _ws.malformed \
      -e _ws.col.Info > "$raw" 2> "$err"
  local rc=$?
  [ $rc -eq 0 ] || { echo "FAIL $(basename "$cap"): tshark with the plugin exit $rc"; fail=1; }
  if [ -s "$err" ]; then echo "FAIL $(basename "$cap"): stderr:"; head -5 "$err"; fail=1; fi
  if grep -q -i 'Dissector bug\|Malformed Packet: S7DIAG' "$raw"; then
    echo "FAIL $(basename "$cap"): the plugin adds a dissector bug or malformed packet:"
    grep -i 'Dissector bug\|Malformed Packet: S7DIAG' "$raw" | head -3; fail=1
  fi
  # each Fault item's subtree holds its severity and code (--no-duplicate-keys: arrays)
  "$src/scripts/with-plugin" "$tool" tshark -2 -n -r "$cap" -Y 's7diag || s7diag_s7p' \
      -T json -J 'frame s7diag s7diag_s7p' --no-duplicate-keys 2>> "$err" | jq '
    def arr: if . == null then [] elif type == "array" then . else [.] end;
    [ .[]._source.layers | (.frame["frame.number"] | tonumber) as $f
      | { f: $f, s7p: (.s7diag_s7p != null),
          faults: ([ .s7diag["s7diag.fault"] | arr[] ] as $k | [ .s7diag["s7diag.fault_tree"] | arr[] ] as $t
                   | [ range(0; $k | length) as $i
                       | { kind: $k[$i], severity: $t[$i]["s7diag.severity"],
                           code: ($t[$i]["s7diag.code"] // null), frame: $f } ]) } ] as $rows
    | { captures: [ {
        findings: ( [ $rows[].faults[] ] | group_by([.kind, .severity, .code])
                    | map({ kind: .[0].kind, severity: .[0].severity, code: .[0].code,
                            frames: map(.frame) }) ),
        connections: ( if any($rows[]; .s7p) then [ { s7plus: true } ] else [] end ) } ] }
  ' > "$out"
}
report() { # capture -> cached JSON path
  local out="$tmp/$(basename "$1").json"
  if [ ! -f "$out" ]; then
    if [ "$mode" = plugin ]; then
      plugin_report "$pub/$1" "$out"
    else
      "$tool" analyze -q --fail-on never "$pub/$1" > "$out"; local rc=$?
      if [ $rc -ne 0 ]; then echo "FAIL $1: exit $rc"; fail=1; fi
    fi
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
echo "public corpus ($mode): $checks checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
