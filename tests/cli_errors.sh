#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a user sees for bad input: one clear line naming the file, exit 2; a truncated
# capture still gives a report marked incomplete; output identical run to run.
# Usage: cli_errors.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
check() { # name expected_rc stderr_regex -- command...
  local name=$1 want=$2 re=$3; shift 4
  n=$((n+1))
  "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
  if [ $rc -ne "$want" ]; then echo "FAIL $name: exit $rc, want $want"; cat "$tmp/err"; fail=1; return; fi
  if [ -n "$re" ] && ! grep -Eq -e "$re" "$tmp/err"; then echo "FAIL $name: stderr lacks /$re/:"; cat "$tmp/err"; fail=1; fi
}
cap="$src/captures/putget-denied.pcap"
printf 'this is not a capture\n' > "$tmp/notes.txt"
: > "$tmp/empty.pcap"
head -c 1500 "$cap" > "$tmp/truncated.pcap"

check missing-tshark 2 "tshark not found .*--tshark" -- "$s7diag" analyze --tshark /nonexistent/tshark "$cap"
# a tshark whose dissectors lack a field s7diag reads (as a future Wireshark might): one line
# naming the field and the version, never tshark's own message or a silently shorter row
printf '#!/bin/sh\nif [ "$1" = -G ] && [ "$2" = fields ]; then tshark -G fields | grep -v "\ts7comm\\.param\\.item\\.syntaxid\t"; exit 0; fi\nexec tshark "$@"\n' > "$tmp/other-tshark"
chmod +x "$tmp/other-tshark"
check field-missing 2 "^s7diag: tshark [0-9]+\.[0-9]+\.[0-9]+ \(.*other-tshark\) has no field 's7comm\.param\.item\.syntaxid', which s7diag reads" \
  -- env XDG_CACHE_HOME="$tmp/cache" "$s7diag" analyze --tshark "$tmp/other-tshark" "$cap"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL field-missing: more than one line on stderr"; cat "$tmp/err"; fail=1; }
check not-tshark 2 "does not answer like tshark" -- env XDG_CACHE_HOME="$tmp/cache" "$s7diag" analyze --tshark /bin/true "$cap"
check missing-file 2 "nothere.pcap: cannot read: No such file" -- "$s7diag" analyze "$tmp/nothere.pcap"
check not-a-capture 2 "notes.txt: not a capture file" -- "$s7diag" analyze "$tmp/notes.txt"
check empty-file 2 "empty.pcap: empty file" -- "$s7diag" analyze "$tmp/empty.pcap"
mkdir -p "$tmp/nocaps"; : > "$tmp/nocaps/readme.txt"
check directory-without-captures 2 "nocaps: no captures" -- "$s7diag" analyze "$tmp/nocaps"
check unknown-option 2 "Unknown option" -- "$s7diag" analyze --bogus "$cap"
check unknown-command 2 "unknown command 'frobnicate'" -- "$s7diag" frobnicate
check no-capture 2 "no capture given" -- "$s7diag" analyze
check bad-fail-on 2 "--fail-on" -- "$s7diag" analyze --fail-on sometimes "$cap"
check bad-format 2 "--format" -- "$s7diag" analyze --format yaml "$cap"
check bad-port 2 "--port" -- "$s7diag" analyze --port 70000 "$cap"
check bad-jobs 2 "-j" -- "$s7diag" analyze -j 0 "$cap"
printf '10.10.1.20 10.10.1.5 read-write\n10.10.3.0/33 10.10.1.5\n' > "$tmp/bad.partners"
check bad-partners 2 "--partners: .*bad.partners:2: the client is not an address, a CIDR prefix or \\*" \
  -- "$s7diag" analyze --partners "$tmp/bad.partners" "$cap"
printf '10.10.1.20 10.10.1.5 read-mostly\n' > "$tmp/bad-access.partners"
check bad-partners-access 2 "bad-access.partners:1: the access is not read-only, read-write or full" \
  -- "$s7diag" analyze --partners "$tmp/bad-access.partners" "$cap"
check missing-partners 2 "--partners: .*nothere.partners.*No such file" -- "$s7diag" analyze --partners "$tmp/nothere.partners" "$cap"
check stdin-twice 2 "stdin can be read only once" -- "$s7diag" analyze - - < "$cap"
check merge-not-json 2 "notes.txt: not a JSON report" -- "$s7diag" merge "$tmp/notes.txt"
echo '{"schema":"other/1","captures":[]}' > "$tmp/other.json"
check merge-wrong-schema 2 "not an s7diag-report/1 report" -- "$s7diag" merge "$tmp/other.json"
check explain-unknown 2 "neither an S7 code nor a fault kind" -- "$s7diag" explain banana
check evidence-needs-dir 2 "--evidence: give a directory" -- "$s7diag" analyze --evidence "$tmp/e.pcapng" "$cap" "$cap"
# out of file descriptors while splitting into shards: a clear error, not an abort
check no-descriptors 2 "putget-denied.pcap: cannot (create a pipe|run tshark)" -- \
  bash -c 'ulimit -n 9 && exec "$0" analyze --shards 4 "$1"' "$s7diag" "$cap"
check help 0 "" -- "$s7diag" --help
grep -q "analyze" "$tmp/out" || { echo "FAIL help: no usage text"; fail=1; }
check version 0 "" -- "$s7diag" --version
grep -Eq "^s7diag [0-9]+\.[0-9]+\.[0-9]+$" "$tmp/out" || { echo "FAIL version: $(cat "$tmp/out")"; fail=1; }

# truncated: a report of what was read, marked incomplete, with a warning on stderr
check truncated 1 "truncated.pcap: warning: capture is truncated" -- "$s7diag" analyze "$tmp/truncated.pcap"
[ "$(jq '.captures[0].complete' "$tmp/out")" = "false" ] || { echo "FAIL truncated: not marked incomplete"; fail=1; }
[ "$(jq '.captures[0].packets' "$tmp/out")" -gt 0 ] || { echo "FAIL truncated: no packets read"; fail=1; }

# one bad capture among good ones: the others are still reported, exit 2
check mixed 2 "notes.txt" -- "$s7diag" analyze "$cap" "$tmp/notes.txt"
[ "$(jq '.captures | length' "$tmp/out")" = 2 ] || { echo "FAIL mixed: both captures must be in the report"; fail=1; }
[ "$(jq -r '.captures[] | select(.file | endswith("notes.txt")) | .error' "$tmp/out")" = "not a capture file tshark can read" ] || { echo "FAIL mixed: error not in the report"; fail=1; }

# identical output run to run, and -o writes the same report
"$s7diag" analyze --fail-on never "$src"/captures/*.pcap "$src"/captures/*.pcapng > "$tmp/a.json"
"$s7diag" analyze --fail-on never -o "$tmp/b.json" "$src"/captures/*.pcap "$src"/captures/*.pcapng
cmp -s "$tmp/a.json" "$tmp/b.json" || { echo "FAIL determinism: two runs differ"; fail=1; }
n=$((n+1))
echo "cli: $n checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
