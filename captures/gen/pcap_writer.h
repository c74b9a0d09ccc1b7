/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap_writer.h — deterministic Ethernet/IPv4/TCP/ICMP packets into a pcap file,
 * with real handshakes, sequence numbers and checksums. Used by the scenario generator. */
#ifndef S7DIAG_PCAP_WRITER_H
#define S7DIAG_PCAP_WRITER_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
  FILE *f;
  uint64_t now_us;        /* capture clock */
  uint32_t frames;
} PcapOut;

typedef struct {
  PcapOut *out;
  uint32_t cli_ip, srv_ip;
  uint16_t cli_port, srv_port;
  uint32_t cli_seq, srv_seq;   /* next sequence number each side sends */
  uint16_t vlan;               /* 0 = untagged */
  uint16_t ip_id;
} TcpConn;

int pcap_open(PcapOut *o, const char *path, uint64_t start_us);
int pcap_close(PcapOut *o);
void pcap_advance(PcapOut *o, uint64_t us);

uint32_t ip4(int a, int b, int c, int d);
void tcp_init(TcpConn *c, PcapOut *o, uint32_t cli, uint16_t cport, uint32_t srv, uint16_t sport);

/* One TCP segment; from_client chooses the direction. Returns the frame number. */
uint32_t tcp_segment(TcpConn *c, int from_client, uint8_t flags, const uint8_t *data, size_t len);
/* SYN, SYN/ACK, ACK */
void tcp_handshake(TcpConn *c);
/* FIN/ACK both ways plus the last ACK, starting from from_client */
void tcp_close(TcpConn *c, int from_client);
/* ICMP destination unreachable from router, quoting the client's SYN */
uint32_t icmp_unreachable(TcpConn *c, uint32_t router, uint8_t code);

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

#endif
