/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap_writer.h — deterministic Ethernet/IPv4/TCP/ICMP packets into a pcap or pcapng file,
 * with real handshakes, sequence numbers and checksums. Used by the scenario generator. */
#ifndef S7DIAG_PCAP_WRITER_H
#define S7DIAG_PCAP_WRITER_H

#include <stdint.h>
#include <stdio.h>

#define PCAP_MAX_MACS 16

typedef struct {
  FILE *f;
  uint64_t now_us;        /* capture clock */
  uint32_t frames;
  int pcapng;             /* pcapng with interface 0 Ethernet, interface 1 BSD loopback (NULL) */
  struct { uint32_t ip; uint8_t mac[6]; } macs[PCAP_MAX_MACS];   /* hosts with a vendor MAC */
  int n_macs;
  struct { uint32_t ip; uint8_t ttl; } ttls[PCAP_MAX_MACS];      /* hosts far away (default 64) */
  int n_ttls;
  /* capture faults: every frame written twice (a SPAN port copying both directions), or the
   * packets of one host never captured (a SPAN port mirroring one direction) */
  int copy_frames;
  uint32_t unseen_src;
  uint32_t snaplen;       /* pcap: frames cut to this many bytes (0: whole) */
} PcapOut;

/* Interfaces of a pcapng file (pcapng_open) */
enum { IFACE_ETHERNET = 0, IFACE_LOOPBACK = 1 };

typedef struct {
  PcapOut *out;
  uint32_t cli_ip, srv_ip;
  uint16_t cli_port, srv_port;
  uint32_t cli_seq, srv_seq;   /* next sequence number each side sends */
  uint16_t vlan;               /* 0 = untagged */
  uint8_t iface;               /* pcapng: IFACE_ETHERNET or IFACE_LOOPBACK */
  uint16_t ip_id;
  int v6;                      /* IPv6 (always on the Ethernet interface, iface is not used):
                                  each host's address is pcap_ip6() of its IPv4 one; ICMP errors
                                  are ICMPv6 */
} TcpConn;

int pcap_open(PcapOut *o, const char *path, uint64_t start_us);
/* A pcapng file with two interfaces of different link types: Ethernet and BSD loopback, as
 * `dumpcap -i eth0 -i lo` on a BSD or Wireshark on Windows writes them */
int pcapng_open(PcapOut *o, const char *path, uint64_t start_us);
/* The host's Ethernet address (default 02:00 + its IPv4 address); e.g. a Siemens OUI */
void pcap_set_mac(PcapOut *o, uint32_t ip, const uint8_t mac[6]);
/* The TTL the host's packets arrive with at the capture point (64 unless set) */
void pcap_set_ttl(PcapOut *o, uint32_t ip, uint8_t ttl);
/* pcap: every later frame cut to snaplen bytes, as a capture with a snap length (-s) has them */
void pcap_set_snaplen(PcapOut *o, uint32_t snaplen);
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
/* ICMP destination unreachable (type 3; ICMPv6 type 1 on an IPv6 connection) with code, from
 * router, quoting the client's SYN */
uint32_t icmp_unreachable(TcpConn *c, uint32_t router, uint8_t code);
/* The IPv6 address a host has on an IPv6 connection: fd00:0:5337::a.b.c.d of its IPv4 one */
void pcap_ip6(uint8_t out[16], uint32_t ip4);

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

#endif
