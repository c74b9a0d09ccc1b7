#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# hostile_plc.py PORT MODE — a malicious "PLC" on 127.0.0.1:PORT for the check's tests: it
# accepts connections and answers in one bad way (MODE) until killed.
#   garbage      bytes that are not TPKT
#   huge-length  a TPKT header claiming 65000 bytes
#   lying-length a TPKT header claiming 4000 bytes, then 10 bytes and silence
#   silent       reads, never answers
#   close-cr     closes (FIN) after the COTP connect request
#   close-first-cr  closes (FIN) after the first connection's connect request, ignores the others
#   fragments    connect confirm, then DT fragments without end to every job
#   trickle      connect confirm, then a Setup Communication answer one byte a second
#   bad-s7       connect confirm, then an S7 header whose lengths are past the PDU
#   flood        connect confirm, then COTP messages without end instead of an answer
import socket, sys, threading, time

port, mode = int(sys.argv[1]), sys.argv[2]
CC = bytes.fromhex('0300001611d00001000100c0010ac1020100c2020101')
SETUP = bytes.fromhex('0300001b02f080320300000001000800000000f0000003000301e0')

connections = 0

def serve(c):
    global connections
    connections += 1
    first = connections == 1
    try:
        c.recv(4096)
        if mode == 'garbage':
            c.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n' * 3)
        elif mode == 'huge-length':
            c.sendall(bytes.fromhex('0300fde8') + b'\x00' * 20)
        elif mode == 'lying-length':
            c.sendall(bytes.fromhex('03000fa0') + b'\x11' * 10)
        elif mode == 'close-cr' or (mode == 'close-first-cr' and first):
            c.shutdown(socket.SHUT_WR)
            time.sleep(0.5)
            return
        elif mode in ('fragments', 'trickle', 'bad-s7', 'flood'):
            c.sendall(CC)
            c.recv(4096)
            if mode == 'fragments':
                for _ in range(100000):
                    c.sendall(bytes.fromhex('0300000b02f000') + b'\x32\x03\x00\x00')
                    time.sleep(0.001)
            elif mode == 'flood':
                dc = bytes.fromhex('03000007' '02c000') * 1000
                for _ in range(100000):
                    c.sendall(dc)
            elif mode == 'trickle':
                for b in SETUP:
                    c.sendall(bytes([b]))
                    time.sleep(1)
            else:
                c.sendall(bytes.fromhex('0300001802f08032030000000100ff00ff0000f000000300'))
        time.sleep(30)
    except OSError:
        pass
    finally:
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port))
s.listen(16)
print('hostile PLC listening on', port, mode, flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
