#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `s7diag check` against live peers on loopback and in test network namespaces:
#   s7sim in each of its fault modes (healthy, PUT/GET off, optimized DB, missing DB, wrong
#   slot, connection limit with a snap7 client holding the only connection, small PDU);
#   snap7's own server (node-snap7 from npm); a closed port; a port dropped by nftables and one
#   rejected with ICMP administratively prohibited, each in a namespace; and over IPv6 (::1:
#   PUT/GET off, dropped, rejected with ICMPv6).
# Each gives the expected findings, step statuses and exit status. With -w the check's own
# traffic is captured: the analyzer finds the same kinds in it, and it holds no job but Setup
# Communication, Read Var and SZL reads (the safety test).
# Usage: check_live.sh S7DIAG S7SIM SRC_DIR BUILD_DIR
set -u
s7diag=$(readlink -f "$1"); s7sim=$(readlink -f "$2"); src=$(readlink -f "$3"); build=$(readlink -f "$4")
skip() { if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi; echo "SKIP: $1"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (port 102, network namespaces)"
for t in node npm dumpcap nft ip jq tshark; do command -v $t > /dev/null || skip "$t not installed (scripts/setup --tests)"; done
. "$src/tests/live/peers.sh"
. "$src/tests/live/redacted_capture.sh"

work=$(mktemp -d); chmod 755 "$work"   # the plugin runs as nobody and reads the captures
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del s7diag-check 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

start_sim() {   # s7sim options...: on 127.0.0.1:102
  : > "$work/sim.log"   # emptied here, not in the child: the last run's "listening" must not pass the wait
  "$s7sim" --listen 127.0.0.1 "$@" 2> "$work/sim.log" & sim=$!; pids+=($sim)
  for _ in $(seq 50); do grep -q listening "$work/sim.log" 2>/dev/null && return; sleep 0.1; done
  bad "s7sim did not start: $(cat "$work/sim.log")"
}
stop_sim() { kill $sim 2>/dev/null; wait $sim 2>/dev/null; }

# check NAME ARGS...: runs the check (JSON report in $work/NAME.json), rc in $rc
check() {
  local name=$1; shift
  "$s7diag" check "$@" -F json -o "$work/$name.json" 2> "$work/$name.err"
  rc=$?
}
kinds() { jq -r '[.captures[0].findings[].kind] | unique | join(" ")' "$work/$1.json" 2>/dev/null; }
steps() { jq -r '[.captures[0].check.steps[].status] | join(" ")' "$work/$1.json" 2>/dev/null; }
# expect NAME RC "KINDS" "STEP STATUSES"
expect() {
  local k s
  k=$(kinds "$1"); s=$(steps "$1")
  if [ "$rc" = "$2" ] && [ "$k" = "$3" ] && [ "$s" = "$4" ]; then
    ok "check $1: exit $rc, findings [$k], steps [$s]"
  else
    bad "check $1: exit $rc (want $2), findings [$k] (want [$3]), steps [$s] (want [$4]); $(cat "$work/$1.err")"
  fi
}
jq_is() {   # NAME FILTER WANT DESCRIPTION
  local got
  got=$(jq -r "$2" "$work/$1.json" 2>/dev/null)
  [ "$got" = "$3" ] && ok "check $1: $4" || bad "check $1: $4: got '$got', want '$3'"
}
P5='passed passed passed passed passed'

# --- s7sim in each of its modes ---------------------------------------------------------------
start_sim --db 1:100
check healthy 127.0.0.1 --db 1
expect healthy 0 "" "$P5"
jq_is healthy '.captures[0].check.steps[1].result | test("rack 0 slot 1 was assumed")' true "says rack 0 slot 1 was assumed"
jq_is healthy '.captures[0].check | "\(.pdu_size) \(.max_amq_calling)/\(.max_amq_called)"' "480 3/3" "negotiated PDU 480, Max AmQ 3/3"
jq_is healthy '.captures[0].check.steps[4].result | test("DB1 allows absolute access")' true "DB1 allows absolute access"
check healthy-mb0 127.0.0.1 --rack 0 --slot 1
expect healthy-mb0 0 "" "$P5"
jq_is healthy-mb0 '.captures[0].check.steps[4].result | test("MB0: PUT/GET is permitted")' true "MB0 read without --db"
check missing-db 127.0.0.1 --db 9
expect missing-db 1 "object-missing" "passed passed passed passed failed"
jq_is missing-db '[.captures[0].findings[] | select(.kind == "object-missing") | .detail] | join(",")' "DB9.DBB0" "the finding names DB9.DBB0"
stop_sim

start_sim --putget off --db 1:100
check putget-off 127.0.0.1 --db 1 -w "$work/putget-off.pcapng"
expect putget-off 1 "putget-denied" "passed passed passed passed failed"
jq_is putget-off '.captures[0].findings[0].action | test("Permit access with PUT/GET")' true "action: the TIA Portal path"
# --redact: neither the report nor the check's capture holds the PLC's address; still diagnosed alike
check putget-redacted 127.0.0.1 --db 1 --redact -w "$work/redacted.pcapng"
why=$(redaction_leaks "$work/redacted.pcapng" 127.0.0.1 "$s7diag" putget-denied)
grep -q '127\.0\.0\.1' "$work/putget-redacted.json" && why="$why; the report names 127.0.0.1"
if [ -z "$why" ]; then
  ok "check --redact -w: no 127.0.0.1 in the report or the capture, which still gives putget-denied"
else
  bad "check --redact -w$why; $(cat "$work/putget-redacted.err")"
fi
jq_is putget-off '.captures[0].findings[0].frames | length > 0' true "the finding has evidence frames"
"$s7diag" check 127.0.0.1 --db 1 -F text > "$work/putget-off.txt" 2>&1
grep -q "Checks: failed" "$work/putget-off.txt" && grep -q "Read Var (PUT/GET, absolute access) *failed" "$work/putget-off.txt" &&
  grep -q "refuses PUT/GET" "$work/putget-off.txt" && ok "check putget-off: the text report has the steps table and the finding" ||
  bad "check putget-off: text report: $(head -30 "$work/putget-off.txt")"
"$s7diag" check 127.0.0.1 --db 1 -F junit > "$work/putget-off.xml" 2>/dev/null
grep -q 'classname="s7diag.check" name="read"><failure' "$work/putget-off.xml" && ok "check putget-off: JUnit fails the read step" ||
  bad "check putget-off: JUnit: $(grep s7diag.check "$work/putget-off.xml")"
stop_sim

start_sim --db 1:100 --db 2:50:optimized
check optimized 127.0.0.1 --db 2 -w "$work/optimized.pcapng"
expect optimized 1 "invalid-address" "passed passed passed passed failed"
jq_is optimized '.captures[0].findings[0].detail' "DB2.DBB0" "the finding names DB2.DBB0"
stop_sim

start_sim --slot 2 --db 1:100
check wrong-slot 127.0.0.1 --rack 0 --slot 1 --db 1 -w "$work/wrong-slot.pcapng"
expect wrong-slot 1 "connect-refused" "passed failed passed passed passed"
jq_is wrong-slot '.captures[0].check.accepted | "\(.rack)/\(.slot) \(.tsap)"' "0/2 0x0102" "the CPU accepts rack 0 slot 2"
jq_is wrong-slot '.captures[0].check.connects | length' 2 "two connects, one at a time"
stop_sim

start_sim --max-connections 1 --db 1:100
timeout 30 node "$peers/clients.js" snap7 127.0.0.1 102 0 1 hold:12000 > "$work/holder.log" 2>&1 & holder=$!; pids+=($holder)
for _ in $(seq 50); do grep -q '"ok":true' "$work/holder.log" && break; sleep 0.1; done
grep -q '"ok":true' "$work/holder.log" || bad "the snap7 client holding the connection did not connect: $(cat "$work/holder.log")"
start=$(date +%s)
check exhausted 127.0.0.1 --db 1
expect exhausted 1 "connect-refused" "passed failed skipped skipped skipped"
jq_is exhausted '.captures[0].check.connects | length' 8 "at most 8 connects tried"
jq_is exhausted '.captures[0].check.steps[1].result | test("connection resources are in use")' true "says the resources are likely in use"
jq_is exhausted '.captures[0].check.accepted' null "no rack/slot accepted"
[ $(( $(date +%s) - start )) -lt 20 ] && ok "check exhausted: done in $(( $(date +%s) - start )) s" || bad "check exhausted: took $(( $(date +%s) - start )) s"
kill $holder 2>/dev/null
stop_sim

# A responder that answers only COTP, Setup Communication (Max AmQ 1) and Read Var, never an SZL
# read (issue 28): the check never has more than one job open (an unanswered SZL read ends its
# connection; the next step gets a new one), says each unanswered step in its own words, and its
# report blames neither itself (no amq-exceeded) nor a "function 0x100"
start_sim --userdata off --max-amq 1 --db 1:100
check no-szl 127.0.0.1 --db 1 --timeout 2 -w "$work/no-szl.pcapng"
expect no-szl 1 "no-response" "passed passed passed failed passed"
jq_is no-szl '.captures[0].check.steps[3].result' "SZL 0x0011 not answered within 2.0 s; SZL 0x001C not answered within 2.0 s" "the identity step says which SZL reads went unanswered"
jq_is no-szl '[.captures[0].findings[] | select(.kind == "amq-exceeded")] | length' 0 "no amq-exceeded of its own making"
jq_is no-szl '[.captures[0].findings[].title | select(test("function 0x"))] | length' 0 "no finding names a 'function 0x...'"
jq_is no-szl '[.captures[0].findings[].detail] | join(",")' "Read SZL 0x0011,Read SZL 0x001C" "the unanswered jobs are named by what they read"
jq_is no-szl '[.captures[0].connections[] | .s7_jobs] | join(",")' "2,2,2" "three connections, one after the other, each with Setup Communication and one job"
inflight=$("$s7diag" analyze -F json --fail-on never "$work/no-szl.pcapng" 2>/dev/null | jq '[.captures[0].connections[].peak_jobs_in_flight] | max')
[ "$inflight" = 1 ] && ok "check no-szl: its own capture shows at most 1 job in flight" || bad "check no-szl: $inflight jobs in flight at once in its capture"
stop_sim

start_sim --pdu 240 --max-amq 2 --db 1:100
check small-pdu 127.0.0.1 --db 1
expect small-pdu 0 "" "$P5"
jq_is small-pdu '.captures[0].check | "\(.pdu_size) \(.max_amq_calling)/\(.max_amq_called)"' "240 2/2" "negotiated PDU 240, Max AmQ 2/2"
stop_sim

# --- snap7's own server -----------------------------------------------------------------------
node "$peers/snap7_server.js" 102 8 1:64 2> "$work/snap7.log" & s7srv=$!; pids+=($s7srv)
for _ in $(seq 50); do grep -q listening "$work/snap7.log" 2>/dev/null && break; sleep 0.1; done
check snap7-server 127.0.0.1 --db 1 -w "$work/snap7-server.pcapng"
expect snap7-server 0 "" "$P5"
jq_is snap7-server '.captures[0].plcs[0] | "\(.order_number) \(.firmware) \(.system_name)"' "6ES7 315-2EH14-0AB0 V3.2.6 SNAP7-SERVER" "the identity from SZL 0x0011 and 0x001C"
check snap7-missing 127.0.0.1 --db 7
expect snap7-missing 1 "object-missing" "passed passed passed passed failed"
kill $s7srv; wait $s7srv 2>/dev/null

# --- IPv6: the same check on ::1 (the PLC is [::1]:102), and its -w capture ---------------------
ipv6=; ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/' && ipv6=1
if [ -n "$ipv6" ]; then
  start_sim --listen ::1 --putget off --db 1:100
  check ipv6 ::1 --db 1 -w "$work/ipv6.pcapng"
  expect ipv6 1 "putget-denied" "passed passed passed passed failed"
  jq_is ipv6 '.captures[0].findings[0].plc' "[::1]:102" "the finding names the PLC [::1]:102"
  stop_sim
else
  echo "skip IPv6: this machine's loopback has no ::1"
fi

# --- a closed port, a dropped one, a rejected one ---------------------------------------------
check closed 127.0.0.1 --port 10999
expect closed 1 "port-refused" "failed skipped skipped skipped skipped"
if ip netns add s7diag-check 2>/dev/null && ip netns exec s7diag-check ip link set lo up; then
  NS=(ip netns exec s7diag-check)
  printf 'table ip s7diag {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 102 drop\n  tcp dport 103 reject with icmp type admin-prohibited\n }\n}\n' |
    "${NS[@]}" nft -f - 2> "$work/nft.err" || bad "nftables: $(cat "$work/nft.err")"
  start=$(date +%s)
  rc=0; "${NS[@]}" "$s7diag" check 127.0.0.1 -t 3 -F json -o "$work/dropped.json" 2> "$work/dropped.err" || rc=$?
  expect dropped 1 "port-no-answer" "failed skipped skipped skipped skipped"
  [ $(( $(date +%s) - start )) -le 6 ] && ok "check dropped: gave up after its timeout" || bad "check dropped: took $(( $(date +%s) - start )) s"
  rc=0; "${NS[@]}" "$s7diag" check 127.0.0.1 --port 103 -F json -o "$work/rejected.json" 2> "$work/rejected.err" || rc=$?
  expect rejected 1 "port-unreachable" "failed skipped skipped skipped skipped"
  jq_is rejected '.captures[0].findings[0].code' "ICMP 3/13" "ICMP type 3 code 13 (administratively prohibited)"
  # the same over IPv6: dropped, and rejected with ICMPv6 administratively prohibited (1/1)
  if [ -n "$ipv6" ]; then
    printf 'table ip6 s7diag6 {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 102 drop\n  tcp dport 103 reject with icmpv6 type admin-prohibited\n }\n}\n' |
      "${NS[@]}" nft -f - 2> "$work/nft6.err" || bad "nftables (ip6): $(cat "$work/nft6.err")"
    rc=0; "${NS[@]}" "$s7diag" check ::1 -t 2 -F json -o "$work/dropped6.json" 2> "$work/dropped6.err" || rc=$?
    expect dropped6 1 "port-no-answer" "failed skipped skipped skipped skipped"
    rc=0; "${NS[@]}" "$s7diag" check ::1 --port 103 -F json -o "$work/rejected6.json" 2> "$work/rejected6.err" || rc=$?
    expect rejected6 1 "port-unreachable" "failed skipped skipped skipped skipped"
    jq_is rejected6 '.captures[0].findings[0].code' "ICMPv6 1/1" "ICMPv6 type 1 code 1 (administratively prohibited)"
  fi
  ip netns del s7diag-check
else
  bad "cannot make a network namespace (needs root, iproute2)"
fi

# --- the captures of -w: the same diagnosis, and nothing but reads ----------------------------
for name in putget-off optimized wrong-slot snap7-server ${ipv6:+ipv6}; do
  cap="$work/$name.pcapng"
  if [ ! -s "$cap" ]; then bad "check $name -w: no capture written ($(cat "$work/$name.err"))"; continue; fi
  jq_is "$name" '.captures[0].check.capture | test("pcapng$")' true "the report names its capture"
  ids=$("$s7diag" analyze -q -F json "$cap" | jq -c '[.captures[0].plcs[] | del(.peers)]')
  [ "$ids" = "$(jq -c '[.captures[0].plcs[] | del(.peers)]' "$work/$name.json")" ] &&
    ok "check $name -w: analyze tells the same PLC identity" || bad "check $name -w: identity differs: $ids"
  want=$(kinds "$name")
  if [ -f "$build/plugin/s7diag.so" ]; then   # the plugin marks the same kinds (faults: errors, warnings)
    chmod 644 "$cap"
    plug=$("$src/scripts/with-plugin" "$build/plugin/s7diag.so" tshark -2 -n -r "$cap" -Y s7diag.fault -T fields \
             -E occurrence=a -E aggregator=, -e s7diag.fault 2>/dev/null | tr ',' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//')
    faults=$(jq -r '[.captures[0].findings[] | select(.severity != "note") | .kind] | unique | join(" ")' "$work/$name.json")
    [ "$plug" = "$faults" ] && ok "check $name -w: the plugin marks the same faults ([$plug])" ||
      bad "check $name -w: the plugin marks [$plug], the check found [$faults]"
  fi
  got=$("$s7diag" analyze -q -F json "$cap" | jq -r '[.captures[0].findings[].kind] | unique | join(" ")')
  [ "$got" = "$want" ] && ok "check $name -w: analyze finds the same kinds in the capture ($got)" ||
    bad "check $name -w: analyze of the capture finds [$got], the check [$want]"
  # safety: every S7 PDU the check sent is Setup Communication (0xf0), Read Var (0x04) or an
  # SZL read (userdata group 4, subfunction 1); the PLC's answers (Ack, Ack_Data, userdata
  # responses) are the rest
  tshark -n -r "$cap" -Y 's7comm' -T fields -e s7comm.header.rosctr -e s7comm.param.func \
    -e s7comm.param.userdata.type -e s7comm.param.userdata.funcgroup -e s7comm.param.userdata.subfunc 2>/dev/null > "$work/$name.pdus"
  read -r n_jobs forbidden < <(awk -F'\t' '
    $1 == 1 && ($2 == "0xf0" || $2 == "0x04") { jobs++; next }
    $1 == 7 && $3 == 4 && $4 == 4 && $5 == 1 { jobs++; next }
    $1 == 2 || $1 == 3 || ($1 == 7 && $3 == 8) { next }
    { bad++ } END { print jobs + 0, bad + 0 }' "$work/$name.pdus")
  [ "$forbidden" = 0 ] && [ "$n_jobs" -ge 3 ] && ok "check $name -w: safety: $n_jobs jobs, all Setup Communication, Read Var or SZL reads" ||
    bad "check $name -w: safety: $forbidden other S7 PDUs among: $(sort "$work/$name.pdus" | uniq -c)"
done

exit $fail
