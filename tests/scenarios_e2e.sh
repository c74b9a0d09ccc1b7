#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The analyzer on every scenario capture matches the expected result beside it
# (captures/NAME.expected: kind, severity, evidence frames, PLC, client, code, detail; and where
# a scenario pins down more, captures/NAME.checks: conditions on titles, confidence, counts;
# captures/NAME.partners: the partner list it is analyzed with),
# and the exit code follows --fail-on. The reports come from one run over all captures (small
# captures share a tshark: prefilter-equivalence shows that changes nothing), each capture's exit
# status from a run of its own; the captures are checked in parallel (S7DIAG_TEST_JOBS).
# Usage: scenarios_e2e.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
. "$src/tests/lib/parallel.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# filter_selects CAPTURE FILTER FRAMES WHAT: the filter selects frames, each of them in FRAMES
filter_selects() {
  local sel fr
  sel=$(tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>&1 | grep -v '^Running as user' | tr '\n' ' ')
  [ -n "${sel// /}" ] || { echo "FAIL $4 filter '$2' selects nothing"; return 1; }
  for fr in $sel; do
    case ",$3," in *",$fr,"*) ;; *) echo "FAIL $4 filter '$2' selects frame $fr, not evidence ($3)" | cut -c1-400; return 1 ;; esac
  done
}

scenario() {
  local cap=$1 name fail=0 json rc got check want_rc
  name=$(basename "$cap"); name=${name%.pcapng}; name=${name%.pcap}
  local exp="$src/captures/$name.expected" diffs="$work/$EACH_INDEX.diff"
  [ -f "$exp" ] || { echo "FAIL $name: no expected result"; return 1; }
  # a scenario of the segmentation audit comes with its partner list (captures/NAME.partners)
  local args=(); [ -f "$src/captures/$name.partners" ] && args=(--partners "$src/captures/$name.partners")
  if [ ${#args[@]} -eq 0 ]; then json=$(cat "$work/all/$(basename "$cap").json"); else json=$("$s7diag" analyze -q "${args[@]}" "$cap"); fi
  "$s7diag" analyze -q "${args[@]}" "$cap" > /dev/null; rc=$?
  got=$(printf '%s' "$json" | jq -r -f "$src/tests/findings_projection.jq")
  if ! diff -u "$exp" <(printf '%s\n' "$got" | sed '/^$/d') > "$diffs"; then
    echo "FAIL $name: findings differ from $exp"; cat "$diffs"; fail=1
  fi
  # what the expected file cannot say (titles, confidence, counts, inventory): NAME.checks holds
  # jq conditions on the capture's report, one per line, each must hold
  if [ -f "$src/captures/$name.checks" ]; then
    while IFS= read -r check; do
      case "$check" in \#*|"") continue;; esac
      printf '%s' "$json" | jq -e ".captures[0] | ($check)" > /dev/null 2>&1 \
        || { echo "FAIL $name: check does not hold: $check"; fail=1; }
    done < "$src/captures/$name.checks"
  fi
  # every finding's display filter works in tshark and selects evidence frames only (signature
  # filters select the PLC's faulty answers; frame filters all evidence frames); past the
  # first 24 findings of a capture, the rest's filters are checked together (their union
  # selects only their evidence): a tshark start each would cost minutes
  local k=0 rest_filter="" rest_frames=""
  while IFS=$'\t' read -r kind filter frames; do
    [ -n "$filter" ] || continue
    k=$((k + 1))
    if [ $k -gt 24 ]; then
      rest_filter="${rest_filter:+$rest_filter || }($filter)"; rest_frames="$rest_frames,$frames"
      continue
    fi
    filter_selects "$cap" "$filter" "$frames" "$name: $kind" || fail=1
  done < <(printf '%s' "$json" | jq -r '.captures[0].findings[] | [.kind, .filter, (.frames | map(tostring) | join(","))] | @tsv')
  if [ -n "$rest_filter" ]; then filter_selects "$cap" "$rest_filter" "${rest_frames#,}" "$name: the findings past the 24th" || fail=1; fi
  want_rc=0; grep -q $'\terror\t' "$exp" && want_rc=1
  [ $rc -eq $want_rc ] || { echo "FAIL $name: exit $rc, want $want_rc"; fail=1; }
  return $fail
}

caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
"$s7diag" analyze -q -F json --fail-on never -o "$work/all/" "${caps[@]}" || { echo "FAIL: the run over all captures"; exit 1; }
run_each scenario "${caps[@]}"; fail=$?
# --fail-on never always exits 0; --fail-on note exits 1 whenever there is a finding, 0 without
"$s7diag" analyze -q --fail-on never "${caps[@]}" > /dev/null || { echo "FAIL: --fail-on never"; fail=1; }
quiet=(); for cap in "${caps[@]}"; do n=${cap##*/}; n=${n%.pcapng}; n=${n%.pcap}; [ -s "$src/captures/$n.expected" ] || quiet+=("$cap"); done
"$s7diag" analyze -q --fail-on note "${quiet[@]}" > /dev/null || { echo "FAIL: --fail-on note on the captures without findings"; fail=1; }
"$s7diag" analyze -q --fail-on note "$src/captures/plc-error.pcap" > /dev/null; [ $? = 1 ] || { echo "FAIL: --fail-on note on a note-only capture"; fail=1; }
echo "scenarios: ${#caps[@]} captures, $( [ $fail -eq 0 ] && echo all match || echo MISMATCH )"
exit $fail
