#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin in the real tshark on every scenario capture: its s7diag.fault values and their
# frames equal the expected result beside the capture (captures/NAME.expected, the same
# source of truth as the analyzer's test), its capture limitations those the analyzer names
# (tests/plugin-limitations.tsv), and its fields are registered and it loaded.
# Usage: plugin_scenarios.sh PLUGIN.so SRC_DIR
set -u
plugin=$1; src=$2
run() { "$src/scripts/with-plugin" "$plugin" "$@"; }
fail=0; n=0
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; chmod 755 "$work"

# Loaded, with its fields and its S7comm-plus dissector registered
run tshark -G plugins > "$work/plugins" 2>&1
grep -q '^s7diag\.so' "$work/plugins" || { echo "FAIL plugin not loaded:"; cat "$work/plugins"; exit 1; }
run tshark -G fields > "$work/fields" 2>&1
for f in s7diag.fault s7diag.severity s7diag.title s7diag.action s7diag.confidence \
         s7diag.request_in s7diag.response_in s7diag.response_time s7diag.item.address \
         s7diag.tsap.called s7diag.rack s7diag.slot s7diag.pdu_size s7diag_s7p.version \
         s7diag_s7p.error_code; do
  grep -q "	$f	" "$work/fields" || { echo "FAIL field $f not registered"; fail=1; }
done
run tshark -G heuristic-decodes > "$work/heur" 2>&1
grep -q "^cotp	s7diag_s7p	T" "$work/heur" || { echo "FAIL S7comm-plus heuristic on cotp missing"; fail=1; }

# With the built-in s7comm dissector disabled the plugin says so once instead of going quiet
msg=$(run tshark -2 -n -r "$src/captures/putget-denied.pcap" --disable-protocol s7comm \
        -Y s7diag.s7comm_disabled -T fields -e frame.number -e _ws.expert.message 2>&1)
case "$msg" in
  *"S7comm dissector is disabled"*) [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] \
      || { echo "FAIL s7comm disabled: said more than once: $msg"; fail=1; } ;;
  *) echo "FAIL s7comm disabled: no expert info ($msg)"; fail=1 ;;
esac

for cap in "$src"/captures/*.pcap "$src"/captures/*.pcapng; do
  name=$(basename "$cap"); name=${name%.pcapng}; name=${name%.pcap}; n=$((n+1))
  exp="$src/captures/$name.expected"
  # expected: one "frame<TAB>kind" line per evidence frame
  awk -F'\t' '{ n = split($3, fr, ","); for (i = 1; i <= n; i++) print fr[i] "\t" $1 }' "$exp" \
    | sort -u > "$work/want"
  popt=(); [ -f "$src/captures/$name.partners" ] && popt=(-o "s7diag.partners:$src/captures/$name.partners")
  run tshark -2 -n -r "$cap" "${popt[@]}" -Y s7diag.fault -T fields -E occurrence=a -E aggregator=, \
      -e frame.number -e s7diag.fault > "$work/out" 2> "$work/err"
  # a finding lists at most 32 evidence frames; the plugin marks every frame of it: past a full
  # list, more frames of that kind are no difference
  awk -F'\t' '{ if (split($3, fr, ",") >= 32) print $1 }' "$exp" | sort -u > "$work/capped"
  awk -F'\t' '{ n = split($2, k, ","); for (i = 1; i <= n; i++) print $1 "\t" k[i] }' "$work/out" \
    | sort -u > "$work/got.all"
  comm -13 "$work/want" "$work/got.all" | awk -F'\t' 'NR == FNR { capped[$1] = 1; next } !($2 in capped)' "$work/capped" - \
    | sort -u > "$work/extra"
  comm -12 "$work/want" "$work/got.all" | sort -u - "$work/extra" > "$work/got"
  if ! diff -u "$work/want" "$work/got" > "$work/diff"; then
    echo "FAIL $name: plugin findings differ from $name.expected (- expected, + plugin)"
    cat "$work/diff"; fail=1
  fi
  # the capture's limitations on the frames the analyzer names (tests/plugin-limitations.tsv)
  awk -F'\t' -v n="$name" '$1 == n { print $2 "\t" $3 }' "$src/tests/plugin-limitations.tsv" | sort > "$work/lwant"
  run tshark -2 -n -r "$cap" -Y s7diag.limitation -T fields -E occurrence=a -E aggregator=, \
      -e frame.number -e s7diag.limitation 2>> "$work/err" \
    | awk -F'\t' '{ n = split($2, k, ","); for (i = 1; i <= n; i++) print $1 "\t" k[i] }' | sort > "$work/lgot"
  if ! diff -u "$work/lwant" "$work/lgot" > "$work/diff"; then
    echo "FAIL $name: plugin limitations differ from tests/plugin-limitations.tsv (- expected, + plugin)"
    cat "$work/diff"; fail=1
  fi
  if [ -s "$work/err" ]; then
    echo "FAIL $name: tshark wrote to stderr:"; cat "$work/err"; fail=1
  fi
done
# One pass (as in a live capture, where each frame is dissected once when it arrives): a
# frame's own verdict is there when the frame is, provisional; with -2 it is settled.
single() { # CAPTURE "FRAME KIND ..." : the frames marked in one pass, each provisional
  local got
  got=$(run tshark -n -r "$src/captures/$1.pcap" -Y s7diag.fault -T fields -e frame.number -e s7diag.fault \
        -e s7diag.provisional 2>> "$work/err" | awk -F'\t' '$3 == "1" || $3 == "True" { printf "%s %s ", $1, $2 }')
  [ "$got" = "$2 " ] || { echo "FAIL $1 in one pass: [$got], want [$2]"; fail=1; }
}
: > "$work/err"
single putget-denied "11 putget-denied 13 putget-denied 15 putget-denied 17 putget-denied"
single optimized-db "9 invalid-address 11 invalid-address"
single connect-refused-tsap "17 connect-refused"
settled=$(run tshark -2 -n -r "$src/captures/putget-denied.pcap" -Y s7diag.provisional -T fields -e frame.number 2>> "$work/err" | wc -l)
[ "$settled" = 0 ] || { echo "FAIL putget-denied: $settled provisional frames with -2, want none"; fail=1; }
# A filter on a detail field in one pass, where the tree is not shown: the plugin builds the
# connection and PDU details only when something names them, and this names them
got=$(run tshark -n -r "$src/captures/optimized-db.pcap" -Y 's7diag.item.address == "DB5.DBW0"' -T fields \
      -e frame.number -e s7diag.request_in 2>> "$work/err" | tr '\t\n' ': ')
[ "$got" = "8: 9:8 10: 11:10 " ] || { echo "FAIL a filter on s7diag.item.address == DB5.DBW0 in one pass: [$got]"; fail=1; }
# the same with no detail field among the printed ones: the filter alone names it
got=$(run tshark -n -r "$src/captures/optimized-db.pcap" -Y 's7diag.item.address == "DB5.DBW0"' -T fields \
      -e frame.number 2>> "$work/err" | tr '\n' ' ')
[ "$got" = "8 9 10 11 " ] || { echo "FAIL a filter on s7diag.item.address == DB5.DBW0 (frame numbers only) in one pass: [$got]"; fail=1; }
[ -s "$work/err" ] && { echo "FAIL one pass: tshark wrote to stderr:"; cat "$work/err"; fail=1; }
echo "plugin scenarios: $n captures, $( [ $fail -eq 0 ] && echo all match || echo MISMATCH )"
exit $fail
