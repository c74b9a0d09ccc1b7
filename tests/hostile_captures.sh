#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Broken and hostile captures: each ends within its time bound with a clear message or a
# report (partial ones marked so), and s7diag's own memory stays within its bound (run alone:
# the bounds are times). The plugin on the same captures: tests/plugin_strict.sh.
# Usage: hostile_captures.sh S7DIAG SRC_DIR [BIG_MB [sanitized]]
# ("sanitized": an ASan build, whose shadow memory and quarantine say nothing about s7diag's
# own memory; the memory bounds are held by the normal build's run)
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2"); big=${3:-2048}; sanitized=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/s7diag-hostile.XXXXXX"); chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
fail=0; n=0
python3 "$src/tests/hostile/make_hostile.py" "$work" "$big" || { echo "FAIL: cannot make the captures"; exit 1; }
cap=$src/captures/putget-denied.pcap
head -c 1500 "$cap" > "$work/truncated-mid-packet.pcap"
head -c 24 "$cap" > "$work/header-only.pcap"
printf '\xd4\xc3\xb2\xa0garbage-not-a-capture-header' > "$work/wrong-magic.pcap"
editcap -s 60 "$cap" "$work/snaplen-60.pcap" 2>/dev/null
# pcapng with an unknown block (type 0x00000BAD) after the interface description
editcap -F pcapng "$cap" "$work/plain.pcapng" 2>/dev/null
python3 - "$work/plain.pcapng" "$work/unknown-block.pcapng" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
shb_len = struct.unpack_from('<I', d, 4)[0]
idb_len = struct.unpack_from('<I', d, shb_len + 4)[0]
cut = shb_len + idb_len
body = b'hostile custom block'.ljust(24, b'\0')
blk = struct.pack('<II', 0x0BAD, 12 + len(body)) + body + struct.pack('<I', 12 + len(body))
open(sys.argv[2], 'wb').write(d[:cut] + blk + d[cut:])
PY
chmod 644 "$work"/*

# name  want_exit  stderr_regex  time_s  own_mb  [check]
check() {
  local name=$1 want=$2 re=$3 tmax=$4 mmax=$5 extra=${6:-}
  n=$((n+1))
  local start=$(date +%s.%N)
  S7DIAG_REPORT_RSS=1 timeout "$tmax" "$s7diag" analyze -F json --fail-on never "$work/$name" > "$work/out.json" 2> "$work/err"
  local rc=$? took; took=$(echo "$(date +%s.%N) - $start" | bc)
  local mem; mem=$(sed -n 's/.*own peak memory[[:space:]]*\([0-9]*\) kB.*/\1/p' "$work/err")
  if [ $rc -ne "$want" ]; then echo "FAIL $name: exit $rc, want $want (took ${took}s)"; cat "$work/err"; fail=1; return; fi
  if [ -n "$re" ] && ! grep -Eq "$re" "$work/err"; then echo "FAIL $name: stderr lacks /$re/"; cat "$work/err"; fail=1; fi
  if [ -z "$sanitized" ] && [ -n "$mem" ] && [ "$mem" -gt $((mmax * 1024)) ]; then echo "FAIL $name: own memory $((mem / 1024)) MB > $mmax MB"; fail=1; fi
  case "$extra" in
    partial) [ "$(jq '.captures[0].complete' "$work/out.json")" = false ] || { echo "FAIL $name: not marked partial"; fail=1; } ;;
    report) jq -e '.captures[0].packets >= 0' "$work/out.json" > /dev/null || { echo "FAIL $name: no report"; fail=1; } ;;
  esac
  printf 'ok   %-26s exit %d in %5.1f s, own memory %s MB\n' "$name" $rc "$took" "$(( ${mem:-0} / 1024 ))"
}
check truncated-mid-packet.pcap 0 "warning: capture is truncated" 30 64 partial
check header-only.pcap 0 "" 30 64 report
check wrong-magic.pcap 2 "wrong-magic.pcap: not a capture file" 30 64
check snaplen-60.pcap 0 "" 30 64 report
check unknown-block.pcapng 0 "" 30 64 report
check tpkt-lies.pcap 0 "" 60 64 report
check cotp-endless.pcap 0 "" 120 64 report
# 100,000 connections to 100,000 PLCs: about 2.7 kB each, most of it the JSON report tree
check conns-100k.pcap 0 "" 180 300 report
[ -f "$work/nons7-big.pcap" ] && check nons7-big.pcap 0 "" 300 64 report
# the unknown block changes nothing but the numbering: Wireshark shows it as frame 1 ("Custom
# Block"), so every evidence frame is one later, as tshark and the GUI number them
"$s7diag" analyze -q -F json --fail-on never "$cap" | jq -c '[.captures[0].findings[] | [.kind, (.frames | map(. + 1))]]' > "$work/a"
"$s7diag" analyze -q -F json --fail-on never "$work/unknown-block.pcapng" | jq -c '[.captures[0].findings[] | [.kind, .frames]]' > "$work/b"
cmp -s "$work/a" "$work/b" || { echo "FAIL unknown-block.pcapng: findings differ from the plain capture (frames + 1)"; cat "$work/a" "$work/b"; fail=1; }

echo "hostile captures: $n checks, $( [ $fail -eq 0 ] && echo all held || echo FAILED )"
exit $fail
