#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Batch analysis and the commands around it, as a user runs them: directories (recursive),
# gzip and pcapng captures, stdin, one bad capture among good ones, -o DIR, merge (order and
# grouping do not matter; GNU parallel then merge equals one run), explain on every code,
# --evidence read back with tshark, --fail-on levels, help, man page text, bash completion,
# the progress line on a terminal. Usage: cli_batch.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; n=0
ok() { n=$((n+1)); if ! eval "$1"; then echo "FAIL $2"; fail=1; fi; }
cd "$src" || exit 1
caps=captures

# --- directories, pcapng, gzip -------------------------------------------------
mkdir -p "$work/tree/a/b"
cp $caps/putget-denied.pcap "$work/tree/a/"
editcap -F pcapng $caps/optimized-db.pcap "$work/tree/a/b/optimized-db.pcapng" 2>/dev/null
gzip -c $caps/connect-refused-tsap.pcap > "$work/tree/connect-refused-tsap.pcap.gz"
echo notes > "$work/tree/a/readme.txt"
"$s7diag" analyze -q -F json "$work/tree" > "$work/tree.json"; rc=$?
ok '[ $rc -eq 1 ]' "directory: exit $rc, want 1"
ok '[ "$(jq -r "[.captures[].file | sub(\".*/tree/\"; \"\")] | join(\" \")" "$work/tree.json")" = "a/b/optimized-db.pcapng a/putget-denied.pcap connect-refused-tsap.pcap.gz" ]' \
   "directory: captures found $(jq -c '[.captures[].file]' "$work/tree.json")"
ok '[ "$(jq -r "[.captures[].findings[].kind] | sort | join(\" \")" "$work/tree.json")" = "connect-refused invalid-address putget-denied" ]' \
   "directory: findings $(jq -c '[.captures[].findings[].kind]' "$work/tree.json")"

# --- ISO-on-TCP on another port: the limitation's advice works -----------------------
"$s7diag" analyze -q -F json --port 10102 $caps/iso-other-port.pcap > "$work/port.json"; rc=$?
ok '[ $rc -eq 1 ]' "--port 10102: exit $rc, want 1 (PUT/GET denied on that port)"
ok '[ "$(jq -r "[.captures[0].findings[].kind] | join(\" \")" "$work/port.json")" = putget-denied ]' \
   "--port 10102: findings $(jq -c '[.captures[0].findings[].kind]' "$work/port.json")"
ok '[ "$(jq -r ".captures[0].limitations | length" "$work/port.json")" = 0 ]' "--port 10102: no other-port limitation left"

# --- the segmentation audit needs its partner list; without it, the inventory offers the lines
"$s7diag" analyze -q -F json $caps/segmentation-audit.pcap > "$work/audit.json"
ok '[ "$(jq "[.captures[0].findings[] | select(.kind == \"unexpected-partner\")] | length" "$work/audit.json")" = 0 ]' \
   "no --partners: no unexpected-partner findings"
ok '[ "$(jq -r ".captures[0].plcs[0].peers | map(.partner_line) | length" "$work/audit.json")" = 5 ]' "no --partners: 5 partner lines"
jq -r '.captures[0].plcs[0].peers[].partner_line' "$work/audit.json" > "$work/all.partners"
"$s7diag" analyze -q -F json --partners "$work/all.partners" $caps/segmentation-audit.pcap > "$work/audit2.json"
ok '[ "$(jq "[.captures[0].findings[] | select(.kind == \"unexpected-partner\")] | length" "$work/audit2.json")" = 0 ]' \
   "the inventory's lines as --partners allow everything the capture holds"
"$s7diag" analyze -q -F text --partners $caps/segmentation-audit.partners $caps/segmentation-audit.pcap > "$work/audit.txt"
ok 'grep -q "As a --partners line" "$work/audit.txt" && grep -q "Host 10.10.9.11 is not an allowed partner" "$work/audit.txt"' \
   "text report: partner lines and the audit's findings"

# --- the fault catalogue is the code table's, never edited by hand ----------------------
ok '"$s7diag" explain --catalogue | diff -q - docs/faults.md > /dev/null' \
   "docs/faults.md differs from 's7diag explain --catalogue' (regenerate it)"
ok '"$s7diag" explain TooManySessions | grep -q "connection resources are used up"' "explain TooManySessions"
ok '"$s7diag" explain tls | grep -q "key log"' "explain a limitation id"

# --- stdin ------------------------------------------------------------------------
"$s7diag" analyze -q -F json - < $caps/putget-denied.pcap > "$work/stdin.json"
ok '[ "$(jq -r ".captures[0].file" "$work/stdin.json")" = "-" ]' "stdin: file name"
ok '[ "$(jq -r ".captures[0].findings[0].kind" "$work/stdin.json")" = putget-denied ]' "stdin: finding"
ok '[ "$(jq -r ".captures[0].sha256" "$work/stdin.json")" = "$(sha256sum < $caps/putget-denied.pcap | cut -d" " -f1)" ]' "stdin: sha256"

# --- one bad capture does not stop the others ----------------------------------------
echo "not a capture" > "$work/bad.pcap"
"$s7diag" analyze -q -F json "$work/bad.pcap" $caps/putget-denied.pcap > "$work/mixed.json" 2> "$work/mixed.err"; rc=$?
ok '[ $rc -eq 2 ]' "bad among good: exit $rc, want 2"
ok 'grep -q "bad.pcap: not a capture file" "$work/mixed.err"' "bad among good: stderr names the file"
ok '[ "$(jq -r ".captures[] | select(.file | endswith(\"bad.pcap\")) | .error" "$work/mixed.json")" != null ]' "bad among good: error in the report"
ok '[ "$(jq -r ".totals.failed, .captures[1].findings[0].kind" "$work/mixed.json" | tr "\n" " ")" = "1 putget-denied " ]' "bad among good: the good one is reported"

# --- -o DIR ---------------------------------------------------------------------
"$s7diag" analyze -q -F markdown -o "$work/out/" $caps/putget-denied.pcap $caps/healthy.pcap; rc=$?
ok '[ $rc -eq 1 ] && [ -f "$work/out/putget-denied.pcap.md" ] && [ -f "$work/out/healthy.pcap.md" ] && [ -f "$work/out/s7diag-report.md" ]' \
   "-o DIR: files $(ls "$work/out" 2>&1 | tr '\n' ' ')"
ok 'grep -q "refuses PUT/GET" "$work/out/putget-denied.pcap.md" && ! grep -q "refuses PUT/GET" "$work/out/healthy.pcap.md"' "-o DIR: per-capture content"

# --- merge: any order and grouping, and GNU parallel + merge == one run ------------------
for c in putget-denied optimized-db multi-plc; do "$s7diag" analyze -q -o "$work/$c.json" $caps/$c.pcap; done
"$s7diag" analyze -q -o "$work/one.json" $caps/putget-denied.pcap $caps/optimized-db.pcap $caps/multi-plc.pcap
"$s7diag" merge -o "$work/ab.json" "$work/putget-denied.json" "$work/optimized-db.json"
"$s7diag" merge -o "$work/bc.json" "$work/optimized-db.json" "$work/multi-plc.json"
"$s7diag" merge -o "$work/ab_c.json" "$work/ab.json" "$work/multi-plc.json"
"$s7diag" merge -o "$work/a_bc.json" "$work/putget-denied.json" "$work/bc.json"
"$s7diag" merge -o "$work/cba.json" "$work/multi-plc.json" "$work/optimized-db.json" "$work/putget-denied.json"
ok 'cmp -s "$work/ab_c.json" "$work/a_bc.json"' "merge is not associative"
ok 'cmp -s "$work/ab_c.json" "$work/cba.json"' "merge depends on the order"
ok 'cmp -s "$work/ab_c.json" "$work/one.json"' "merge differs from one run"
if command -v parallel > /dev/null; then
  mkdir -p "$work/par"
  parallel --will-cite -j 2 "$s7diag" analyze -q -o "$work/par/{/}.json" {} ::: $caps/*.pcap $caps/*.pcapng
  "$s7diag" merge -o "$work/par-merged.json" "$work"/par/*.json
  "$s7diag" analyze -q -o "$work/single.json" $caps
  ok 'cmp -s "$work/par-merged.json" "$work/single.json"' "GNU parallel + merge differs from one run"
else
  if [ -n "${CI:-}" ]; then echo "FAIL: GNU parallel missing"; fail=1; else echo "skip: GNU parallel not installed"; fi
fi

# --- explain on every code and kind -------------------------------------------------
"$s7diag" explain --list > "$work/list"
ok '[ "$(wc -l < "$work/list")" -gt 200 ]' "explain --list: $(wc -l < "$work/list") entries"
bad=0
while read -r code; do
  out=$("$s7diag" explain "$code" 2>&1); rc=$?
  if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q -i -- "${code#0x}"; then echo "  explain $code: exit $rc: $out" | head -3; bad=1; fi
done < "$work/list"
ok '[ $bad -eq 0 ]' "explain fails on some code of the table"
ok '"$s7diag" explain 8104 | grep -q "Permit access with PUT/GET"' "explain 8104: no fix"
ok '"$s7diag" explain "DR 0x81" | grep -q "connect-refused"' "explain DR 0x81: no kind"

# --- --evidence, read back with tshark ---------------------------------------------
"$s7diag" analyze -q --evidence "$work/ev.pcapng" $caps/connect-refused-tsap.pcap > /dev/null
tshark -n -r "$work/ev.pcapng" -T fields -e frame.comment 2>/dev/null | grep . > "$work/comments"
ok 'grep -q "^frame 16 of captures/connect-refused-tsap.pcap: s7diag connect-refused (error)" "$work/comments"' \
   "evidence: comments $(head -2 "$work/comments")"
ok '[ "$(tshark -n -r "$work/ev.pcapng" 2>/dev/null | wc -l)" -eq 5 ]' "evidence: only the refused connection's 5 frames"

# --- --fail-on levels on a capture with a warning and notes only ------------------------
for lv in error:0 warning:1 note:1 never:0; do
  "$s7diag" analyze -q --fail-on "${lv%%:*}" $caps/plc-error.pcap > /dev/null; rc=$?
  ok '[ $rc -eq ${lv##*:} ]' "--fail-on ${lv%%:*}: exit $rc, want ${lv##*:}"
done

# --- help, man page text, completion, progress ---------------------------------------
ok '"$s7diag" analyze --help | grep -q -- "--jobs"' "analyze --help lacks --jobs"
ok '"$s7diag" merge --help | grep -q -- "--format"' "merge --help lacks --format"
ok '"$s7diag" help --all | grep -q -- "--evidence"' "help --all (the man page source) lacks --evidence"
manpage="$(dirname "$s7diag")/s7diag.1"
if [ -f "$manpage" ]; then
  ok 'man -l "$manpage" 2>/dev/null | grep -q -- "--evidence"' "man page lacks --evidence"
elif [ -n "${CI:-}" ]; then
  echo "FAIL: no man page built (help2man missing)"; fail=1
fi
"$s7diag" completion bash > "$work/completion.bash"
got=$(bash -c 'source "$1"; COMP_WORDS=(s7diag analyze --format ""); COMP_CWORD=3; _s7diag; echo "${COMPREPLY[*]}"' _ "$work/completion.bash")
ok '[ "$got" = "text markdown json html junit" ]' "completion of --format: '$got'"
got=$(bash -c 'source "$1"; COMP_WORDS=(s7diag ex); COMP_CWORD=1; _s7diag; echo "${COMPREPLY[*]}"' _ "$work/completion.bash")
ok '[ "$got" = "explain" ]' "completion of commands: '$got'"
script -q -e -c "$s7diag analyze -o $work/p.json $caps" "$work/typescript" > /dev/null 2>&1
ncaps=$(ls "$caps"/*.pcap "$caps"/*.pcapng | wc -l)
ok 'grep -q "$ncaps/$ncaps captures" "$work/typescript"' "no progress line on a terminal: $(tail -c 200 "$work/typescript")"
script -q -e -c "$s7diag analyze -q -o $work/p.json $caps" "$work/typescript2" > /dev/null 2>&1
ok '! grep -q "captures," "$work/typescript2"' "-q does not silence the progress line"

echo "cli batch: $n checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
