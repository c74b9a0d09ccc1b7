#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The analyzer on every scenario capture matches the expected result beside it
# (captures/NAME.expected: kind, severity, evidence frames, PLC, client, code, detail; and where
# a scenario pins down more, captures/NAME.checks: conditions on titles, confidence, counts;
# captures/NAME.partners: the partner list it is analyzed with),
# and the exit code follows --fail-on.  Usage: scenarios_e2e.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
fail=0; n=0
for cap in "$src"/captures/*.pcap "$src"/captures/*.pcapng; do
  name=$(basename "$cap"); name=${name%.pcapng}; name=${name%.pcap}; n=$((n+1))
  exp="$src/captures/$name.expected"
  [ -f "$exp" ] || { echo "FAIL $name: no expected result"; fail=1; continue; }
  # a scenario of the segmentation audit comes with its partner list (captures/NAME.partners)
  args=(); [ -f "$src/captures/$name.partners" ] && args=(--partners "$src/captures/$name.partners")
  json=$("$s7diag" analyze -q "${args[@]}" "$cap"); rc=$?
  got=$(printf '%s' "$json" | jq -r -f "$src/tests/findings_projection.jq")
  if ! diff -u "$exp" <(printf '%s\n' "$got" | sed '/^$/d') > /tmp/s7diag-diff.$$; then
    echo "FAIL $name: findings differ from $exp"; cat /tmp/s7diag-diff.$$; fail=1
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
  # filters select the PLC's faulty answers; frame filters all evidence frames)
  while IFS=$'\t' read -r kind filter frames; do
    [ -n "$filter" ] || continue
    sel=$(tshark -n -r "$cap" -Y "$filter" -T fields -e frame.number 2>&1 | grep -v '^Running as user' | tr '\n' ' ')
    [ -n "${sel// /}" ] || { echo "FAIL $name: $kind filter '$filter' selects nothing"; fail=1; continue; }
    for fr in $sel; do
      case ",$frames," in *",$fr,"*) ;; *) echo "FAIL $name: $kind filter '$filter' selects frame $fr, not evidence ($frames)"; fail=1; break ;; esac
    done
  done < <(printf '%s' "$json" | jq -r '.captures[0].findings[] | [.kind, .filter, (.frames | map(tostring) | join(","))] | @tsv')
  want_rc=0; grep -q $'\terror\t' "$exp" && want_rc=1
  [ $rc -eq $want_rc ] || { echo "FAIL $name: exit $rc, want $want_rc"; fail=1; }
  # --fail-on never always exits 0; --fail-on note exits 1 whenever there is a finding
  "$s7diag" analyze -q "${args[@]}" --fail-on never "$cap" > /dev/null || { echo "FAIL $name: --fail-on never"; fail=1; }
  "$s7diag" analyze -q "${args[@]}" --fail-on note "$cap" > /dev/null; rc=$?
  want_rc=0; [ -s "$exp" ] && want_rc=1
  [ $rc -eq $want_rc ] || { echo "FAIL $name: --fail-on note exit $rc, want $want_rc"; fail=1; }
done
rm -f /tmp/s7diag-diff.$$
echo "scenarios: $n captures, $( [ $fail -eq 0 ] && echo all match || echo MISMATCH )"
exit $fail
