#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `s7diag check` against a malicious "PLC" (tests/check/hostile_plc.py: garbage, lying or
# impossible TPKT lengths, endless fragments, a flood of other messages, answers that never
# come or trickle in, S7 lengths past the PDU) and a closed port: each check ends within its timeouts with a failed
# step that says what was wrong, exit 1, never a crash or a hang. Also its usage errors.
# Runs under the sanitizers too. Usage: check_hostile.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
command -v python3 > /dev/null || { echo "SKIP: python3 not installed"; exit 77; }
command -v jq > /dev/null || { echo "SKIP: jq not installed"; exit 77; }
work=$(mktemp -d)
srv=
trap 'kill $srv 2>/dev/null; rm -rf "$work"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
port=$(( 20000 + RANDOM % 20000 ))

# mode STEP_INDEX REGEX: the check's step STEP_INDEX fails with a result matching REGEX
hostile() {
  local mode=$1 idx=$2 re=$3 start rc secs
  port=$((port + 1))
  : > "$work/srv.log"   # emptied here, not in the child: an old "listening" must not pass the wait
  python3 "$src/tests/check/hostile_plc.py" $port "$mode" > "$work/srv.log" 2>&1 & srv=$!
  for _ in $(seq 50); do grep -q listening "$work/srv.log" && break; sleep 0.1; done
  grep -q listening "$work/srv.log" || bad "hostile $mode: the server did not start: $(cat "$work/srv.log")"
  start=$(date +%s%N)
  timeout 60 "$s7diag" check 127.0.0.1 -p $port -t 1 -F json -o "$work/$mode.json" 2> "$work/$mode.err"
  rc=$?
  secs=$(( ($(date +%s%N) - start) / 1000000000 ))
  kill $srv 2>/dev/null; wait $srv 2>/dev/null
  local got
  got=$(jq -r --argjson i "$idx" '.captures[0].check.steps[$i] | "\(.status): \(.result)"' "$work/$mode.json" 2>/dev/null)
  if [ $rc = 1 ] && [[ "$got" =~ ^failed:\ .*$re ]] && [ $secs -le 12 ]; then
    ok "hostile $mode: exit 1 in ${secs} s, $got"
  else
    bad "hostile $mode: exit $rc in ${secs} s, step $idx: '$got' (want failed: /$re/); all steps: $(jq -c '[.captures[0].check.steps[] | [.status, .result]]' "$work/$mode.json" 2>/dev/null); $(tail -3 "$work/$mode.err")"
  fi
}
hostile garbage 1 "not ISO-on-TCP"
hostile huge-length 1 "TPKT length is impossible"
hostile lying-length 1 "stopped before the length"
hostile silent 1 "not answered within 1.0 s"
hostile close-cr 1 "refused, and so were the 7 other usual rack/slot pairs"
# refused once, then no answer to the other pairs: said as such, not "refused" (issue 26.10)
hostile close-first-cr 1 "refused; the 7 other usual rack/slot pairs tried were not answered within 1.0 s"
hostile fragments 2 "more fragments than any S7 PDU"
hostile trickle 2 "stopped before the length|no answer"
hostile bad-s7 2 "lengths are past the PDU"
hostile flood 2 "other messages instead of the answer"
# close-cr: the rack/slot search stops at 8 connections
n=$(jq '.captures[0].check.connects | length' "$work/close-cr.json" 2>/dev/null)
[ "$n" = 8 ] && ok "hostile close-cr: the rack/slot search tried 8 connections" || bad "hostile close-cr: $n connections"

# a closed port
"$s7diag" check 127.0.0.1 -p 1 -F json -o "$work/closed.json" 2> /dev/null; rc=$?
k=$(jq -r '[.captures[0].findings[].kind] | join(" ")' "$work/closed.json" 2>/dev/null)
[ $rc = 1 ] && [ "$k" = port-refused ] && ok "closed port: exit 1, port-refused" || bad "closed port: exit $rc, [$k]"

# -w without a dumpcap: the check runs all the same, and the report says why there is no capture
"$s7diag" check 127.0.0.1 -p 1 -w "$work/none.pcapng" --dumpcap /nonexistent/dumpcap -F json -o "$work/nocap.json" 2> "$work/nocap.err"; rc=$?
note=$(jq -r '.captures[0].check.capture_note' "$work/nocap.json" 2>/dev/null)
[ $rc = 1 ] && [[ "$note" == *"dumpcap not found"* ]] && grep -q "warning: no capture" "$work/nocap.err" &&
  ok "check -w without dumpcap: runs, and says why there is no capture" || bad "check -w without dumpcap: exit $rc, note '$note', $(cat "$work/nocap.err")"

# usage errors: exit 2 and one line
usage() {
  local want=$1; shift
  "$s7diag" check "$@" > /dev/null 2> "$work/usage.err"; local rc=$?
  [ $rc = 2 ] && grep -q "$want" "$work/usage.err" && ok "usage: check $* -> exit 2, '$want'" ||
    bad "usage: check $*: exit $rc, $(cat "$work/usage.err")"
}
usage "which PLC"
usage "one HOST only" 127.0.0.1 127.0.0.2
usage "cannot resolve" no-such-host.invalid
usage "not a 2-byte TSAP" 127.0.0.1 --tsap 0x12345
usage "not both" 127.0.0.1 --tsap 0x0101 --slot 2
usage "is not N or N.OFFSET" 127.0.0.1 --db x
usage "outside 1 to 120" 127.0.0.1 --timeout 0.1
usage "Unknown option" 127.0.0.1 --write-var
exit $fail
