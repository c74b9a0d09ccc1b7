#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# s7sim facing hostile clients: random bytes, slow-loris partial TPKTs, oversized lengths,
# 1000 connections — it keeps serving a well-formed client, never confirms more ISO
# connections than --max-connections, and stops cleanly on SIGTERM.
# Usage: s7sim_hostile.sh S7SIM SRC_DIR
set -u
s7sim=$1; src=$2
port=$((20000 + RANDOM % 20000))
log=$(mktemp); trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
ulimit -n 4096 2>/dev/null
"$s7sim" --listen 127.0.0.1 --port $port --max-connections 5 --db 1:100 2> "$log" &
pid=$!
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
fail=0
timeout 120 python3 "$src/tests/hostile/s7sim_clients.py" $port 5 || fail=1
kill -0 $pid 2>/dev/null || { echo "FAIL: s7sim died"; tail -5 "$log"; fail=1; }
most=$(grep -o '(\([0-9]*\) connections*)' "$log" | tr -dc '0-9\n' | sort -n | tail -1)
[ "${most:-0}" -le 5 ] || { echo "FAIL: s7sim confirmed $most ISO connections at once (limit 5)"; fail=1; }
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 0 ] && grep -q "s7sim: stopped" "$log" || { echo "FAIL: no clean stop on SIGTERM (exit $rc)"; fail=1; }
# 1024 clients that connect and stay silent take every connection s7sim has; its idle timeout
# (60 s by default, as CPUs and CPs drop silent connections; 20 s here, so that 1024 connects on
# a loaded machine under the sanitizers stay well inside it) frees them for the next
port=$((port + 1))
"$s7sim" --listen 127.0.0.1 --port $port --idle-timeout 20 --db 1:100 -q 2> "$log" &
pid=$!
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
python3 - "$port" <<'PY' || fail=1
import socket, sys, time
port = int(sys.argv[1])
start = time.monotonic()
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(1024)]
took = time.monotonic() - start
if took > 15:
    print(f"FAIL: the 1024 connects took {took:.1f} s, too close to the 20 s idle timeout to prove anything")
    sys.exit(1)
time.sleep(0.2)
cr = bytes.fromhex('0300001611e00000000100c0010ac1020100c2020301')
def served():
    s = socket.create_connection(('127.0.0.1', port), timeout=2)
    try:
        s.sendall(cr)
        return s.recv(64)[5:6] == b'\xd0'
    except OSError:
        return False
    finally:
        s.close()
if served():
    print("FAIL: a client was served while 1024 idle ones held every connection (the test proves nothing)")
    sys.exit(1)
time.sleep(max(0.0, start + 21 - time.monotonic()))   # the first idle ones are past 20 s
if not served():
    print("FAIL: idle clients still hold every connection after the idle timeout")
    sys.exit(1)
print("ok   idle clients are dropped after the idle timeout; the next client is served")
PY
kill -TERM $pid; wait $pid
echo "s7sim hostile: $( [ $fail -eq 0 ] && echo held || echo FAILED ) (most ISO connections at once: ${most:-0})"
exit $fail
