#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live diagnosis while the fault happens, on loopback: s7sim refuses PUT/GET, a real snap7
# client (node-snap7 from npm) tries, and (also for a wrong slot and a port dropped by an
# nftables rule in a test namespace, with nodes7)
#   1. `s7diag watch -i lo` prints the putget-denied line while it still captures (within 2 s
#      of the client's error), then writes a report equal to analyze's of its -w capture,
#      also when SIGTERM or SIGINT ends it;
#   2. the plugin in a single-pass live tshark (`tshark -i lo -Y s7diag.fault`, run as an
#      unprivileged user with dumpcap given the capture capabilities) shows each refused job's
#      frame as it is captured;
#   3. watch's errors: no such interface, no capture rights, no dumpcap (exit 2, one line);
#   and a ring of files (-b filesize:KB -b files:N) as dumpcap's, for long runs.
# Usage: live_diagnosis.sh S7DIAG S7SIM PLUGIN.so|- SRC_DIR BUILD_DIR
set -u
s7diag=$(readlink -f "$1"); s7sim=$(readlink -f "$2"); plugin=$3; [ "$plugin" = - ] || plugin=$(readlink -f "$3")
src=$(readlink -f "$4"); build=$(readlink -f "$5")
skip() { if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi; echo "SKIP: $1"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (port 102, capture on lo)"
for t in node npm dumpcap setcap getcap; do command -v $t > /dev/null || skip "$t not installed (scripts/setup --tests)"; done
. "$src/tests/live/peers.sh"
. "$src/tests/live/redacted_capture.sh"

work=$(mktemp -d); chmod 755 "$work"
dumpcap=$(command -v dumpcap)
caps_before=$(getcap "$dumpcap" | sed 's/^[^ ]* //')
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "$caps_before" ]; then setcap "$caps_before" "$dumpcap"; else setcap -r "$dumpcap" 2>/dev/null; fi
  ip netns del s7diag-live 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

server() { : > "$work/server.log"; "$s7sim" --listen 127.0.0.1 --putget off --db 1:100 2> "$work/server.log" & srv=$!; pids+=($srv)
  for _ in $(seq 50); do grep -q listening "$work/server.log" 2>/dev/null && break; sleep 0.1; done; }
client() { timeout 20 node "$peers/clients.js" snap7 127.0.0.1 102 0 1 read:1:0:4 write:1:0:7 > "$work/client.log" 2>&1; }
# wait_for FILE REGEX SECONDS PID: the line must come while PID still runs
wait_for() {
  local i
  for i in $(seq $(( $3 * 10 ))); do
    grep -Eq "$2" "$1" 2>/dev/null && { kill -0 "$4" 2>/dev/null && return 0; return 2; }
    sleep 0.1
  done
  return 1
}

# --- 1. s7diag watch ------------------------------------------------------------------------
server
"$s7diag" watch -i lo --duration 12 -F json -o "$work/watch.json" -w "$work/watch.pcapng" \
  > "$work/watch.out" 2> "$work/watch.err" &
watch=$!; pids+=($watch)
for _ in $(seq 50); do grep -q watching "$work/watch.err" && break; sleep 0.1; done
sleep 1.5                                   # dumpcap is capturing
client
grep -q '"ok":false' "$work/client.log" || bad "watch: the client was not refused: $(cat "$work/client.log")"
wait_for "$work/watch.out" 'error +putget-denied +PLC 127\.0\.0\.1:102' 2 $watch
case $? in
  0) ok "watch: putget-denied printed within 2 s of the client's error, while capturing" ;;
  2) bad "watch: the line came only after watch ended" ;;
  *) bad "watch: no putget-denied line within 2 s: $(cat "$work/watch.out" "$work/watch.err")" ;;
esac
wait $watch; rc=$?
[ $rc = 1 ] && ok "watch: exit 1 (a finding at error)" || bad "watch: exit $rc, want 1: $(cat "$work/watch.err")"
kinds=$(jq -r '[.captures[0].findings[].kind] | unique | join(" ")' "$work/watch.json" 2>/dev/null)
[ "$kinds" = putget-denied ] && ok "watch: report holds putget-denied" || bad "watch: report kinds [$kinds]"
n=$(jq '[.captures[0].findings[] | select(.kind == "putget-denied") | .occurrences] | add' "$work/watch.json")
[ "$n" = 2 ] && ok "watch: 2 refused jobs (read and write)" || bad "watch: $n refused jobs, want 2"
chmod 644 "$work/watch.pcapng"
"$s7diag" analyze -q -F json "$work/watch.pcapng" > "$work/analyze.json"
proj='[.captures[0].findings[] | {kind, severity, plc, client, frames, occurrences, title}]'
if [ "$(jq -S "$proj" "$work/watch.json")" = "$(jq -S "$proj" "$work/analyze.json")" ]; then
  ok "watch: report equals analyze of its -w capture"
else
  bad "watch: report differs from analyze of the capture"
fi
# a refused connect (wrong slot) and a dropped port (nftables DROP in a test namespace), each
# printed while watch still captures
watch_case() { # NAME KIND SECONDS: watch (inside "${NS[@]}") while run_case runs the client
  local name=$1 kind=$2 secs=$3
  "${NS[@]}" "$s7diag" watch -i lo --duration 15 -F json -o "$work/$name.json" > "$work/$name.out" 2> "$work/$name.err" &
  local w=$!; pids+=($w)
  for _ in $(seq 50); do grep -q watching "$work/$name.err" && break; sleep 0.1; done
  sleep 1.5
  run_case
  wait_for "$work/$name.out" " $kind +PLC 127\.0\.0\.1:102" "$secs" $w
  case $? in
    0) ok "watch $name: $kind printed within $secs s of the client giving up, while capturing" ;;
    2) bad "watch $name: $kind came only after watch ended" ;;
    *) bad "watch $name: no $kind line within $secs s: $(cat "$work/$name.out" "$work/$name.err")" ;;
  esac
  kill -TERM $w; wait $w
  jq -e --arg k "$kind" '[.captures[0].findings[].kind] | index($k)' "$work/$name.json" > /dev/null \
    && ok "watch $name: the report holds $kind" || bad "watch $name: the report lacks $kind"
}
NS=()
"$s7sim" --listen 127.0.0.1 --rack 0 --slot 1 --db 1:100 2> "$work/server2.log" & srv2=$!; pids+=($srv2)
for _ in $(seq 50); do grep -q listening "$work/server2.log" 2>/dev/null && break; sleep 0.1; done
run_case() { timeout 20 node "$peers/clients.js" snap7 127.0.0.1 102 0 2 read:1:0:2 > "$work/client.log" 2>&1; }
watch_case wrong-slot connect-refused 2
kill $srv2 2>/dev/null; wait $srv2 2>/dev/null
if ip netns add s7diag-live 2> /dev/null && ip netns exec s7diag-live ip link set lo up &&
   printf 'table inet s7diag {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 102 drop\n }\n}\n' |
   ip netns exec s7diag-live nft -f - 2> "$work/nft.err"; then
  NS=(ip netns exec s7diag-live)
  # nodes7 waits 3.5 s for its connect: the kernel sends the SYN again meanwhile
  run_case() { S7_TIMEOUT_MS=3500 timeout 20 "${NS[@]}" node "$peers/clients.js" nodes7 127.0.0.1 102 0 1 read:1:0:2 > "$work/client.log" 2>&1; }
  watch_case port-dropped port-no-answer 3
  NS=()
  ip netns del s7diag-live
else
  bad "cannot make a network namespace with an nftables rule (needs root, iproute2, nftables): $(cat "$work/nft.err")"
fi

# --redact: the report and the kept capture hold no 127.0.0.1, and the capture still diagnoses
"$s7diag" watch -i lo --duration 10 --redact -F json -o "$work/red.json" -w "$work/red.pcapng" > /dev/null 2> "$work/red.err" &
w=$!; pids+=($w)
for _ in $(seq 50); do grep -q watching "$work/red.err" && break; sleep 0.1; done
sleep 1.5; client; wait $w
why=$(redaction_leaks "$work/red.pcapng" 127.0.0.1 "$s7diag" putget-denied)
grep -q '127\.0\.0\.1' "$work/red.json" && why="$why; the report names 127.0.0.1 $(grep -c '127.0.0.1' "$work/red.json") times"
if [ -z "$why" ]; then
  ok "watch --redact: no 127.0.0.1 in the report or the kept capture, which still gives putget-denied"
else
  bad "watch --redact$why; client: $(cat "$work/client.log"); $(tail -2 "$work/red.err")"
fi

# stopped by a signal instead of --duration: the report is written all the same
for sig in TERM INT; do
  "$s7diag" watch -i lo -F json -o "$work/sig.json" > /dev/null 2> "$work/sig.err" &
  w=$!; pids+=($w)
  for _ in $(seq 50); do grep -q watching "$work/sig.err" && break; sleep 0.1; done
  sleep 1.5; client; sleep 1
  kill -$sig $w; wait $w; rc=$?
  k=$(jq -r '[.captures[0].findings[].kind] | unique | join(" ")' "$work/sig.json" 2>/dev/null)
  [ $rc = 1 ] && [ "$k" = putget-denied ] && ok "watch: SIG$sig ends it with the report (exit 1, $k)" \
    || bad "watch: SIG$sig: exit $rc, report kinds [$k]: $(cat "$work/sig.err")"
  rm -f "$work/sig.json"
done

# a ring buffer (-b) for long runs: dumpcap's file names, only the last files kept, each a
# capture; the findings printed over the whole run; at the end the -w file holds the kept
# files' packets and the report equals analyze of it
"$s7diag" watch -i lo --duration 14 -w "$work/ring.pcapng" -b filesize:2 -b files:3 -F json -o "$work/ring.json" \
  > "$work/ring.out" 2> "$work/ring.err" &
w=$!; pids+=($w)
for _ in $(seq 50); do grep -q watching "$work/ring.err" && break; sleep 0.1; done
sleep 1; for _ in 1 2 3 4 5 6; do client; done; wait $w; rc=$?
ring=("$work"/ring_*_*.pcapng)
made=$(sed -n 's/.*last [0-9]* of \([0-9]*\) files.*/\1/p' "$work/ring.err")
"$s7diag" analyze -q -F json "$work/ring.pcapng" > "$work/ring-analyze.json"
lines=$(grep -c 'putget-denied' "$work/ring.out")
kept=0; for f in "${ring[@]}"; do kept=$((kept + $(capinfos -c -M "$f" 2>/dev/null | sed -n 's/.*packets: *//p'))); done
joined=$(capinfos -c -M "$work/ring.pcapng" 2>/dev/null | sed -n 's/.*packets: *//p')
if [ $rc = 1 ] && [ ${#ring[@]} = 3 ] && [ "${made:-0}" -ge 4 ] && [ "$kept" -gt 0 ] && [ "$kept" = "$joined" ] &&
   [ "$lines" -ge 1 ] && [ "$(jq -S "$proj" "$work/ring.json")" = "$(jq -S "$proj" "$work/ring-analyze.json")" ] &&
   [ "$(jq -r '[.captures[0].findings[].kind] | unique | join(" ")' "$work/ring.json")" = putget-denied ]; then
  ok "watch -b: 3 of $made files kept ($(basename "${ring[0]}") …), -w holds their $kept packets, putget-denied printed, the report equals analyze of -w"
else
  bad "watch -b: exit $rc, ${#ring[@]} files kept of ${made:-?} ($kept packets, -w $joined), $lines putget-denied lines, report kinds $(jq -c '[.captures[0].findings[].kind]' "$work/ring.json" 2>&1), analyze of them $(jq -c '[.captures[0].findings[] | [.kind, .occurrences]]' "$work/ring-analyze.json" 2>&1); $(tail -2 "$work/ring.err")"
fi
"$s7diag" watch -i lo --duration 1 -b filesize:2 > /dev/null 2> "$work/e0"; rc=$?
[ $rc = 2 ] && grep -q "needs -w" "$work/e0" && ok "watch -b without -w: exit 2, $(tail -1 "$work/e0")" \
  || bad "watch -b without -w: exit $rc: $(cat "$work/e0")"
"$s7diag" watch -i lo --duration 1 -w /nonexistent-dir/x.pcapng -b filesize:2 > /dev/null 2> "$work/e0"; rc=$?
[ $rc = 2 ] && grep -q "cannot write the ring's files in /nonexistent-dir" "$work/e0" && ok "watch -b in a missing directory: exit 2 at once" \
  || bad "watch -b in a missing directory: exit $rc: $(cat "$work/e0")"
"$s7diag" watch -i lo --duration 1 -w "$work/x.pcapng" -b files:0 > /dev/null 2> "$work/e0"; rc=$?
[ $rc = 2 ] && grep -q "filesize:KB or files:N" "$work/e0" && ok "watch -b files:0: exit 2" \
  || bad "watch -b files:0: exit $rc: $(cat "$work/e0")"
kill $srv 2>/dev/null; wait $srv 2>/dev/null

# --- 2. the plugin in a live single-pass tshark ----------------------------------------------
if [ "$plugin" != - ]; then
  setcap cap_net_raw,cap_net_admin+eip "$dumpcap"
  server
  "$src/scripts/with-plugin" "$plugin" tshark -i lo -f "tcp port 102" -a duration:12 -l -n -Y s7diag.fault \
    -T fields -e frame.number -e s7diag.fault -e s7diag.severity -e s7diag.provisional \
    > "$work/tshark.out" 2> "$work/tshark.err" &
  ts=$!; pids+=($ts)
  for _ in $(seq 80); do grep -q "Capturing on" "$work/tshark.err" && break; sleep 0.1; done
  sleep 1
  client
  wait_for "$work/tshark.out" $'putget-denied\terror' 2 $ts
  case $? in
    0) ok "plugin live: putget-denied shown while capturing" ;;
    2) bad "plugin live: shown only after tshark ended" ;;
    *) bad "plugin live: nothing within 2 s: $(cat "$work/tshark.out"; tail -3 "$work/tshark.err")" ;;
  esac
  wait $ts
  n=$(grep -c $'putget-denied\terror' "$work/tshark.out")
  [ "$n" = 2 ] && ok "plugin live: both refused jobs' answers marked ($(cut -f1 "$work/tshark.out" | tr '\n' ' '))" \
               || bad "plugin live: $n frames marked, want 2: $(cat "$work/tshark.out")"
  kill $srv 2>/dev/null; wait $srv 2>/dev/null
  if [ -n "$caps_before" ]; then setcap "$caps_before" "$dumpcap"; else setcap -r "$dumpcap"; fi
fi

# --- 3. watch's errors -----------------------------------------------------------------------
"$s7diag" watch -i s7diag-no-such-if --duration 3 > /dev/null 2> "$work/e1"; rc=$?
[ $rc = 2 ] && grep -qi "s7diag-no-such-if" "$work/e1" && ok "watch: unknown interface: exit 2, $(tail -1 "$work/e1" | cut -c1-110)" \
  || bad "watch: unknown interface: exit $rc: $(cat "$work/e1")"
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$s7diag" watch -i lo --duration 3 > /dev/null 2> "$work/e2"; rc=$?
[ $rc = 2 ] && grep -q "capture rights" "$work/e2" && ok "watch: no capture rights: exit 2 with what to do" \
  || bad "watch: no capture rights: exit $rc: $(cat "$work/e2")"
"$s7diag" watch --dumpcap /nonexistent/dumpcap -i lo --duration 1 > /dev/null 2> "$work/e3"; rc=$?
[ $rc = 2 ] && grep -q "dumpcap not found" "$work/e3" && ok "watch: no dumpcap: exit 2" \
  || bad "watch: no dumpcap: exit $rc: $(cat "$work/e3")"
# killed with SIGKILL (no chance to stop anything): its dumpcap and tshark end with it, not at
# the next packet they would write (issue 26.8)
"$s7diag" watch -i lo -q -w "$work/killed.pcapng" > /dev/null 2>&1 &
watch=$!; pids+=($watch)
for _ in $(seq 50); do [ -n "$(pgrep -P $watch dumpcap)" ] && [ -n "$(pgrep -P $watch tshark)" ] && break; sleep 0.1; done
kids=$(pgrep -P $watch | tr '\n' ' ')
[ -n "$kids" ] || bad "watch -9: no dumpcap or tshark seen"
kill -9 $watch; wait $watch 2>/dev/null
left=""
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null); [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }   # zombies have ended
for _ in $(seq 30); do left=$(for k in $kids; do running "$k" && echo "$k"; done); [ -z "$left" ] && break; sleep 0.1; done
[ -z "$left" ] && ok "watch killed with SIGKILL: its dumpcap and tshark ended within 3 s" \
  || { bad "watch killed with SIGKILL: still running: $(ps -o pid,ppid,comm -p ${left//$'\n'/,} 2>&1 | tail -n +2)"; kill $left 2>/dev/null; }

[ $fail = 0 ] && echo "live diagnosis: all hold" || echo "live diagnosis: FAILED"
exit $fail
