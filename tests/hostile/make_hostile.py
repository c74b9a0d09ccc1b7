#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make_hostile.py DIR — broken and hostile captures for tests/hostile_captures.sh.

tpkt-lies.pcap       TPKT headers claiming 65535 bytes, then garbage, on port 102
cotp-endless.pcap    20000 COTP DT fragments without the last-data-unit flag
conns-100k.pcap      100000 connections to port 102 opened (handshake + COTP CR) and never closed
nons7-big.pcap       SIZE_MB of UDP/TCP traffic that is not S7 (default 2048)
decoder-edges.pcap   what a dissector and a byte decoder could read differently: a TPDU size
                     code above 13, an 18-byte TSAP, ROSCTR 4, a PI service name longer than
                     its parameter, a Write Var item answered 0x0A before one with data, a
                     TCP header length below 20
"""
import os
import struct
import sys


def pcap_header(f, linktype=1, snaplen=65535):
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype))


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split('.'))


class Writer:
    def __init__(self, path):
        self.f = open(path, 'wb', buffering=1 << 20)
        pcap_header(self.f)
        self.t = 1700000000.0

    def frame(self, payload_l3, proto=0x0800):
        eth = b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x02' + struct.pack('!H', proto)
        data = eth + payload_l3
        self.t += 0.0001
        sec = int(self.t)
        usec = int((self.t - sec) * 1e6)
        self.f.write(struct.pack('<IIII', sec, usec, len(data), len(data)) + data)

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b'', doff=5):
        tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, doff << 4, flags, 8192, 0, 0) + payload
        pseudo = ip4(src) + ip4(dst) + struct.pack('!BBH', 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, ip4(src), ip4(dst))
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        self.frame(ip + tcp)

    def close(self):
        self.f.close()


def handshake(w, cli, srv, cport, sport=102):
    w.tcp(cli, srv, cport, sport, 1000, 0, 0x02)
    w.tcp(srv, cli, sport, cport, 5000, 1001, 0x12)
    w.tcp(cli, srv, cport, sport, 1001, 5001, 0x10)
    return 1001, 5001


CR = bytes.fromhex('0300001611e00000000100c0010ac1020100c2020301')


def tpkt_lies(path):
    w = Writer(path)
    cseq, sseq = handshake(w, '10.9.0.20', '10.9.0.5', 50001)
    w.tcp('10.9.0.20', '10.9.0.5', 50001, 102, cseq, sseq, 0x18, CR)
    cseq += len(CR)
    for i in range(200):
        seg = b'\x03\x00\xff\xff' + bytes((i * 7 + k) & 0xff for k in range(100))
        w.tcp('10.9.0.20', '10.9.0.5', 50001, 102, cseq, sseq, 0x18, seg)
        cseq += len(seg)
    w.close()


def cotp_endless(path):
    w = Writer(path)
    cseq, sseq = handshake(w, '10.9.0.21', '10.9.0.5', 50002)
    for i in range(20000):
        # TPKT + COTP DT without EOT + a piece of an S7 job that never ends
        seg = b'\x03\x00\x00\x17' + b'\x02\xf0\x00' + b'\x32\x01\x00\x00' + struct.pack('!H', i & 0xffff) + b'\x00' * 10
        w.tcp('10.9.0.21', '10.9.0.5', 50002, 102, cseq, sseq, 0x18, seg)
        cseq += len(seg)
    w.close()


def conns_100k(path):
    w = Writer(path)
    for i in range(100000):
        cli = '10.%d.%d.%d' % (10 + i // 60000, (i // 250) % 240, 1 + i % 250)
        cseq, sseq = handshake(w, cli, '10.9.0.5', 40000 + i % 20000)
        w.tcp(cli, '10.9.0.5', 40000 + i % 20000, 102, cseq, sseq, 0x18, CR)
    w.close()


def nons7_big(path, size_mb):
    w = Writer(path)
    payload = bytes(range(256)) * 5 + bytes(120)
    target = size_mb * 1024 * 1024
    n = 0
    while w.f.tell() < target:
        n += 1
        udp = struct.pack('!HHHH', 5353 + n % 7, 9999, 8 + len(payload), 0) + payload
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, ip4('192.168.1.2'), ip4('192.168.1.3'))
        w.frame(ip + udp)
    w.close()


def s7_dt(pdu):
    return struct.pack('!BBH', 3, 0, 7 + len(pdu)) + b'\x02\xf0\x80' + pdu


def decoder_edges(path):
    w = Writer(path)
    cli, srv = '10.9.0.30', '10.9.0.5'
    cseq, sseq = handshake(w, cli, srv, 50010)
    params = b'\xc0\x01\x0e' + b'\xc1\x12' + bytes(range(1, 19)) + b'\xc2\x02\x03\x01'
    cotp = bytes([6 + len(params)]) + b'\xe0\x00\x00\x00\x01\x00' + params
    segs = [struct.pack('!BBH', 3, 0, 4 + len(cotp)) + cotp,
            s7_dt(b'\x32\x04\x00\x00\x00\x07\x00\x00\x00\x00'),
            s7_dt(b'\x32\x01\x00\x00\x00\x08\x00\x10\x00\x00' + b'\x28' + bytes(7) + b'\x00\x00\x20_INSE')]
    item = lambda addr: b'\x12\x0a\x10\x02\x00\x01\x00\x01\x84' + struct.pack('!I', addr)[1:]
    par = b'\x05\x02' + item(0) + item(16)
    data = b'\x0a\x04\x00\x10' + b'\x00\x04\x00\x10\x11\x22'
    segs.append(s7_dt(b'\x32\x01\x00\x00\x00\x09' + struct.pack('!HH', len(par), len(data)) + par + data))
    for seg in segs:
        w.tcp(cli, srv, 50010, 102, cseq, sseq, 0x18, seg)
        cseq += len(seg)
    w.tcp(cli, srv, 50010, 102, cseq, sseq, 0x18, s7_dt(b'\x32\x01\x00\x00\x00\x0a\x00\x00\x00\x00'), doff=4)
    w.close()


if __name__ == '__main__':
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    tpkt_lies(os.path.join(d, 'tpkt-lies.pcap'))
    cotp_endless(os.path.join(d, 'cotp-endless.pcap'))
    conns_100k(os.path.join(d, 'conns-100k.pcap'))
    decoder_edges(os.path.join(d, 'decoder-edges.pcap'))
    if len(sys.argv) > 2:
        nons7_big(os.path.join(d, 'nons7-big.pcap'), int(sys.argv[2]))
