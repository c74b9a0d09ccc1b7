#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""s7sim_clients.py PORT — hostile clients against s7sim, and a well-formed one among them.
Prints one line per check; exit 1 when the well-formed client was not served."""
import os, random, socket, struct, sys, time

port = int(sys.argv[1])
random.seed(7)
CR = bytes.fromhex('0300001611e00000000100c0010ac1020100c2020301')
SETUP = bytes.fromhex('0300001902f08032010000000000080000f0000001000101e0')
READ = bytes.fromhex('0300001f02f080320100000001000e00000401120a10020004000184000000')

def conn():
    s = socket.create_connection(('127.0.0.1', port), timeout=3)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def recv_tpkt(s):
    h = b''
    while len(h) < 4:
        c = s.recv(4 - len(h))
        if not c:
            return None
        h += c
    n = struct.unpack('!H', h[2:4])[0]
    body = b''
    while len(body) < n - 4:
        c = s.recv(n - 4 - len(body))
        if not c:
            return None
        body += c
    return h + body

def good_client():
    s = conn()
    s.sendall(CR); cc = recv_tpkt(s)
    s.sendall(SETUP); su = recv_tpkt(s)
    s.sendall(READ); rd = recv_tpkt(s)
    s.close()
    return cc is not None and cc[5] == 0xD0 and su is not None and rd is not None and len(rd) > 21 and rd[21] == 0xFF

held = []
results = []
# random bytes
for i in range(50):
    try:
        s = conn(); s.sendall(os.urandom(random.randint(1, 300))); held.append(s)
    except OSError:
        pass
# slow loris: half a TPKT header, then nothing
for i in range(50):
    try:
        s = conn(); s.sendall(b'\x03\x00'); held.append(s)
    except OSError:
        pass
# oversized length
for i in range(20):
    try:
        s = conn(); s.sendall(b'\x03\x00\xff\xff' + b'A' * 100); held.append(s)
    except OSError:
        pass
results.append(('well-formed client served among hostile ones', good_client()))
# many connections: ISO-connect as many as we can
iso = 0
for i in range(1000):
    try:
        s = conn(); s.sendall(CR); r = recv_tpkt(s)
        if r and r[5] == 0xD0:
            iso += 1
        held.append(s)
    except OSError:
        pass
results.append(('ISO connections confirmed while 1000 clients tried: %d' % iso, iso <= int(sys.argv[2])))
for s in held:
    try: s.close()
    except OSError: pass
time.sleep(0.3)
results.append(('well-formed client served after the storm', good_client()))
ok = True
for name, passed in results:
    print(('ok   ' if passed else 'FAIL ') + name)
    ok = ok and passed
sys.exit(0 if ok else 1)
