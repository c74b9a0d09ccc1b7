#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every capture tshark reads, s7diag reads (libwiretap), prefiltered or not, with the same
# findings: pcap and pcapng of a scenario, the generator's pcapng with an Ethernet and a
# loopback interface, each also gzip-, zstd- and lz4-compressed (where this tshark reads those;
# where it does not, s7diag must say "not analyzed", exit 2, never report a healthy capture), and a
# real dumpcap capture on two interfaces of different link types (lo: Ethernet, any: Linux
# cooked) while s7sim refuses PUT/GET.
# Usage: capture_formats.sh S7DIAG S7SIM SRC_DIR
set -u
s7diag=$1; s7sim=$2; src=$3
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
fail=0; n=0
proj="$src/tests/findings_projection.jq"

# expected findings; the same prefiltered (1 and 3 shards) and on the whole file
same_findings() { # name file expected_file
  local name=$1 f=$2 want=$3
  n=$((n+1))
  "$s7diag" analyze -q -F json --fail-on never "$f" > "$work/pre.json" 2> "$work/err"; local rc=$?
  "$s7diag" analyze -q -F json --fail-on never --no-prefilter "$f" > "$work/plain.json" 2>> "$work/err"
  "$s7diag" analyze -q -F json --fail-on never --shards 3 "$f" > "$work/sh.json" 2>> "$work/err"
  [ $rc -eq 0 ] || { echo "FAIL $name: exit $rc"; cat "$work/err"; fail=1; return; }
  jq -r -f "$proj" "$work/pre.json" > "$work/got"
  diff -u "$want" "$work/got" > "$work/diff" || { echo "FAIL $name: findings differ from $(basename "$want")"; cat "$work/diff"; fail=1; }
  for v in plain sh; do
    cmp -s <(jq 'del(.captures[0].file)' "$work/pre.json") <(jq 'del(.captures[0].file)' "$work/$v.json") \
      || { echo "FAIL $name: the $v run differs from the prefiltered one"; diff <(jq . "$work/pre.json") <(jq . "$work/$v.json") | head; fail=1; }
  done
  [ "$(jq '.captures[0].complete' "$work/pre.json")" = true ] || { echo "FAIL $name: not complete"; fail=1; }
  local want_packets
  want_packets=$(tshark -n -r "$f" 2>/dev/null | wc -l)
  [ "$(jq '.captures[0].packets' "$work/pre.json")" = "$want_packets" ] || { echo "FAIL $name: packets $(jq '.captures[0].packets' "$work/pre.json"), tshark reads $want_packets"; fail=1; }
}

compressed() { # name file expected_file: gzip, zstd, lz4 of the file
  local name=$1 f=$2 want=$3
  for z in gzip:gz zstd:zst lz4:lz4; do
    local tool=${z%%:*} ext=${z##*:}
    command -v "$tool" > /dev/null || { echo "FAIL $name: $tool not installed (scripts/setup --tests)"; fail=1; continue; }
    "$tool" -c "$f" > "$work/$name.$ext" 2> /dev/null
    if tshark -n -r "$work/$name.$ext" -c 1 > /dev/null 2>&1; then
      same_findings "$name.$ext" "$work/$name.$ext" "$want"
    else
      # this Wireshark cannot read it: never a healthy report
      n=$((n+1))
      "$s7diag" analyze -q -F json "$work/$name.$ext" > "$work/z.json" 2> "$work/zerr"; local rc=$?
      [ $rc -eq 2 ] && [ "$(jq -r '.captures[0].error != null' "$work/z.json")" = true ] \
        || { echo "FAIL $name.$ext: tshark cannot read it, s7diag exit $rc"; cat "$work/zerr"; fail=1; }
      echo "note: this tshark does not read $tool-compressed captures; s7diag says not analyzed (exit 2)"
    fi
  done
}

# a pcap scenario, the same as pcapng, and the two-interface pcapng of the generator
cp "$src/captures/putget-denied.pcap" "$work/putget.pcap"
editcap -F pcapng "$work/putget.pcap" "$work/putget.pcapng"
cp "$src/captures/multi-interface.pcapng" "$work/multi.pcapng"
[ "$(capinfos -m "$work/multi.pcapng" 2>/dev/null | grep -c 'Encapsulation = ')" -eq 2 ] \
  || { echo "FAIL the generator's multi-interface capture has not two interfaces"; fail=1; }
for c in putget.pcap:putget-denied putget.pcapng:putget-denied multi.pcapng:multi-interface; do
  f="$work/${c%%:*}"; want="$src/captures/${c##*:}.expected"
  same_findings "$(basename "$f")" "$f" "$want"
  compressed "$(basename "$f")" "$f" "$want"
done

# a real dumpcap on two interfaces of different link types, while s7sim refuses PUT/GET
if [ "$(id -u)" = 0 ] && command -v python3 > /dev/null; then
  port=10102
  dumpcap -q -i lo -i any -f "tcp port $port" -w "$work/live.pcapng" 2> "$work/dumpcap.err" &
  dpid=$!
  for i in $(seq 50); do grep -q "File:" "$work/dumpcap.err" 2>/dev/null && break; sleep 0.1; done
  sleep 1
  "$s7diag" --version > /dev/null
  "$s7sim" --listen 127.0.0.1 --port $port --putget off --db 1:100 2> "$work/sim.log" &
  spid=$!
  sleep 0.5
  python3 - "$port" <<'EOF'
import socket, struct, sys, time
port = int(sys.argv[1])
CR = bytes.fromhex('0300001611e00000000100c0010ac1020100c2020301')
SETUP = bytes.fromhex('0300001902f08032010000000000080000f0000001000101e0')
READ = bytes.fromhex('0300001f02f080320100000001000e00000401120a10020004000184000000')
def recv(s):
    h = s.recv(4); n = struct.unpack('!H', h[2:4])[0]; b = b''
    while len(b) < n - 4: b += s.recv(n - 4 - len(b))
    return h + b
s = socket.create_connection(('127.0.0.1', port), timeout=3)
for pdu in (CR, SETUP, READ, READ):
    s.sendall(pdu); recv(s); time.sleep(0.05)
s.close()
EOF
  sleep 1
  kill $spid; wait $spid 2>/dev/null
  kill -INT $dpid; wait $dpid 2>/dev/null
  chmod 644 "$work/live.pcapng"
  encaps=$(capinfos -m "$work/live.pcapng" 2>/dev/null | grep 'Encapsulation = ' | sort -u | wc -l)
  [ "$encaps" -eq 2 ] || { echo "FAIL live: dumpcap did not write two link types ($encaps)"; capinfos "$work/live.pcapng"; fail=1; }
  # each packet is there twice (lo and any): the duplicates are TCP retransmissions to tshark
  printf 'putget-denied\n' > "$work/live.want"
  n=$((n+1))
  "$s7diag" analyze -q -F json --fail-on never -p $port "$work/live.pcapng" > "$work/live-pre.json"
  "$s7diag" analyze -q -F json --fail-on never --no-prefilter -p $port "$work/live.pcapng" > "$work/live-plain.json"
  jq -r '[.captures[0].findings[].kind] | unique | .[]' "$work/live-pre.json" > "$work/live.got"
  diff -u "$work/live.want" "$work/live.got" || { echo "FAIL live: findings"; fail=1; }
  cmp -s "$work/live-pre.json" "$work/live-plain.json" || { echo "FAIL live: prefiltered and plain runs differ"; diff <(jq . "$work/live-pre.json") <(jq . "$work/live-plain.json") | head; fail=1; }
  [ "$(jq '.captures[0].packets' "$work/live-pre.json")" = "$(tshark -n -r "$work/live.pcapng" 2>/dev/null | wc -l)" ] \
    || { echo "FAIL live: packet count differs from tshark's"; fail=1; }
else
  echo "note: the live two-interface capture needs root and python3: skipped"
fi
echo "capture formats: $n captures, $( [ $fail -eq 0 ] && echo all read with the same findings || echo FAILED )"
exit $fail
