/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap_writer.c — deterministic Ethernet/IPv4/TCP/ICMP packets into a pcap or pcapng file. */
#include "pcap_writer.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void le32(FILE *f, uint32_t v)
{
  uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  fwrite(b, 1, 4, f);
}

static void le16(FILE *f, uint16_t v)
{
  uint8_t b[2] = { v & 0xff, v >> 8 };
  fwrite(b, 1, 2, f);
}

static int open_out(PcapOut *o, const char *path, uint64_t start_us, int pcapng)
{
  memset(o, 0, sizeof *o);
  o->f = fopen(path, "wb");
  o->now_us = start_us;
  o->pcapng = pcapng;
  return o->f ? 0 : -1;
}

int pcap_open(PcapOut *o, const char *path, uint64_t start_us)
{
  if (open_out(o, path, start_us, 0) != 0)
    return -1;
  le32(o->f, 0xa1b2c3d4);
  le16(o->f, 2);
  le16(o->f, 4);
  le32(o->f, 0);
  le32(o->f, 0);
  le32(o->f, 65535);
  le32(o->f, 1);   /* LINKTYPE_ETHERNET */
  return 0;
}

void pcap_set_snaplen(PcapOut *o, uint32_t snaplen)
{
  o->snaplen = snaplen;
  long at = ftell(o->f);
  fseek(o->f, 16, SEEK_SET);   /* the file header's snaplen */
  le32(o->f, snaplen);
  fseek(o->f, at, SEEK_SET);
}

/* pcapng: a block of type with body, padded to 32 bits, with both length fields */
static void pcapng_block(FILE *f, uint32_t type, const uint8_t *body, uint32_t len)
{
  static const uint8_t pad[4] = { 0 };
  uint32_t padded = (len + 3) & ~3u;
  le32(f, type);
  le32(f, 12 + padded);
  fwrite(body, 1, len, f);
  fwrite(pad, 1, padded - len, f);
  le32(f, 12 + padded);
}

static void put_le32(uint8_t *p, uint32_t v) { p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; p[2] = (v >> 16) & 0xff; p[3] = v >> 24; }
static void put_le16(uint8_t *p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }

int pcapng_open(PcapOut *o, const char *path, uint64_t start_us)
{
  if (open_out(o, path, start_us, 1) != 0)
    return -1;
  uint8_t shb[16];
  put_le32(shb, 0x1a2b3c4d);             /* byte-order magic */
  put_le16(shb + 4, 1);
  put_le16(shb + 6, 0);
  memset(shb + 8, 0xff, 8);              /* section length unknown */
  pcapng_block(o->f, 0x0a0d0d0a, shb, sizeof shb);
  static const uint16_t links[2] = { 1 /* ETHERNET */, 0 /* NULL */ };
  for (int i = 0; i < 2; i++) {
    uint8_t idb[8];
    put_le16(idb, links[i]);
    put_le16(idb + 2, 0);
    put_le32(idb + 4, 65535);
    pcapng_block(o->f, 0x00000001, idb, sizeof idb);   /* µs timestamps: the default */
  }
  return 0;
}

void pcap_set_mac(PcapOut *o, uint32_t ip, const uint8_t mac[6])
{
  if (o->n_macs < PCAP_MAX_MACS) {
    o->macs[o->n_macs].ip = ip;
    memcpy(o->macs[o->n_macs].mac, mac, 6);
    o->n_macs++;
  }
}

void pcap_set_ttl(PcapOut *o, uint32_t ip, uint8_t ttl)
{
  if (o->n_ttls < PCAP_MAX_MACS) {
    o->ttls[o->n_ttls].ip = ip;
    o->ttls[o->n_ttls].ttl = ttl;
    o->n_ttls++;
  }
}

static uint8_t ttl_for(const PcapOut *o, uint32_t ip)
{
  for (int i = 0; i < o->n_ttls; i++)
    if (o->ttls[i].ip == ip)
      return o->ttls[i].ttl;
  return 64;
}

int pcap_close(PcapOut *o)
{
  return fclose(o->f);
}

void pcap_advance(PcapOut *o, uint64_t us) { o->now_us += us; }

static uint32_t write_frame(PcapOut *o, uint8_t iface, const uint8_t *data, size_t len)
{
  if (o->pcapng) {
    uint8_t epb[20 + 2048];
    put_le32(epb, iface);
    put_le32(epb + 4, (uint32_t)(o->now_us >> 32));
    put_le32(epb + 8, (uint32_t)o->now_us);
    put_le32(epb + 12, (uint32_t)len);
    put_le32(epb + 16, (uint32_t)len);
    memcpy(epb + 20, data, len);
    pcapng_block(o->f, 0x00000006, epb, (uint32_t)(20 + len));
    o->now_us += 150;
    return ++o->frames;
  }
  size_t caplen = o->snaplen && len > o->snaplen ? o->snaplen : len;
  le32(o->f, (uint32_t)(o->now_us / 1000000));
  le32(o->f, (uint32_t)(o->now_us % 1000000));
  le32(o->f, (uint32_t)caplen);
  le32(o->f, (uint32_t)len);
  fwrite(data, 1, caplen, o->f);
  o->now_us += 150;   /* every packet moves the clock a little */
  return ++o->frames;
}

uint32_t ip4(int a, int b, int c, int d)
{
  return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

static uint16_t csum_fold(uint32_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += (uint32_t)(p[len - 1] << 8);
  return sum;
}

/* MAC addresses derived from the IP, so every host keeps its own, unless it has a vendor MAC */
static void mac_for(const PcapOut *o, uint8_t *mac, uint32_t ip)
{
  for (int i = 0; i < o->n_macs; i++) {
    if (o->macs[i].ip == ip) {
      memcpy(mac, o->macs[i].mac, 6);
      return;
    }
  }
  mac[0] = 0x02; mac[1] = 0x00;
  put32(mac + 2, ip);
}

/* An Ethernet header (+ 802.1Q when vlan) from src to dst; returns its length */
static size_t put_ethernet(const PcapOut *o, uint8_t *pkt, uint32_t src, uint32_t dst, uint16_t vlan,
                           uint16_t ethertype)
{
  size_t off = 12;
  mac_for(o, pkt, dst);
  mac_for(o, pkt + 6, src);
  if (vlan) {
    put16(pkt + off, 0x8100);
    put16(pkt + off + 2, vlan);
    off += 4;
  }
  put16(pkt + off, ethertype);
  return off + 2;
}

/* The packet src sent, as the capture sees it: not at all (unseen_src), once, or twice
 * (copy_frames); returns its frame number */
static uint32_t capture_packet(PcapOut *o, uint8_t iface, uint32_t src, const uint8_t *pkt, size_t len)
{
  if (o->unseen_src && src == o->unseen_src)
    return o->frames;   /* sent, never captured */
  uint32_t frame = write_frame(o, iface, pkt, len);
  if (o->copy_frames) {
    o->now_us -= 130;   /* the copy 20 µs after the original */
    write_frame(o, iface, pkt, len);
  }
  return frame;
}

/* Ethernet (+ optional 802.1Q) or BSD loopback + IPv4 header around an L4 payload */
static uint32_t emit_ip(PcapOut *o, uint8_t iface, uint16_t vlan, uint16_t *ip_id, uint32_t src,
                        uint32_t dst, uint8_t proto, const uint8_t *l4, size_t l4len)
{
  uint8_t pkt[2048];
  size_t off = 0;
  if (o->pcapng && iface == IFACE_LOOPBACK) {
    put_le32(pkt, 2);   /* AF_INET, in the capturing host's byte order */
    off = 4;
  } else {
    off = put_ethernet(o, pkt, src, dst, vlan, 0x0800);
  }
  uint8_t *ip = pkt + off;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  put16(ip + 2, (uint16_t)(20 + l4len));
  put16(ip + 4, (*ip_id)++);
  ip[6] = 0x40;  /* DF */
  ip[8] = ttl_for(o, src);
  ip[9] = proto;
  put32(ip + 12, src);
  put32(ip + 16, dst);
  put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
  memcpy(ip + 20, l4, l4len);
  return capture_packet(o, iface, src, pkt, off + 20 + l4len);
}

void pcap_ip6(uint8_t out[16], uint32_t ip4)
{
  static const uint8_t prefix[12] = { 0xfd, 0x00, 0x00, 0x00, 0x53, 0x37 };
  memcpy(out, prefix, 12);
  put32(out + 12, ip4);
}

/* The IPv6 pseudo-header's sum (RFC 8200 8.1) for an upper-layer packet of len bytes */
static uint32_t pseudo6_sum(uint32_t src, uint32_t dst, uint8_t next, size_t len)
{
  uint8_t p[40] = { 0 };
  pcap_ip6(p, src);
  pcap_ip6(p + 16, dst);
  put32(p + 32, (uint32_t)len);
  p[39] = next;
  return csum_add(0, p, sizeof p);
}

/* Ethernet + IPv6 header around an L4 payload */
static uint32_t emit_ip6(PcapOut *o, uint16_t vlan, uint32_t src, uint32_t dst, uint8_t next,
                         const uint8_t *l4, size_t l4len)
{
  uint8_t pkt[2048];
  size_t off = put_ethernet(o, pkt, src, dst, vlan, 0x86dd);
  uint8_t *ip = pkt + off;
  memset(ip, 0, 40);
  ip[0] = 0x60;
  put16(ip + 4, (uint16_t)l4len);
  ip[6] = next;
  ip[7] = ttl_for(o, src);
  pcap_ip6(ip + 8, src);
  pcap_ip6(ip + 24, dst);
  memcpy(ip + 40, l4, l4len);
  return capture_packet(o, IFACE_ETHERNET, src, pkt, off + 40 + l4len);
}

static size_t build_tcp(uint8_t *seg, int v6, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                        uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data, size_t len)
{
  memset(seg, 0, 20);
  put16(seg, sport);
  put16(seg + 2, dport);
  put32(seg + 4, seq);
  put32(seg + 8, (flags & F_ACK) ? ack : 0);
  seg[12] = 5 << 4;
  seg[13] = flags;
  put16(seg + 14, 8192);
  if (len)
    memcpy(seg + 20, data, len);
  uint8_t pseudo[12];
  put32(pseudo, src);
  put32(pseudo + 4, dst);
  pseudo[8] = 0;
  pseudo[9] = 6;
  put16(pseudo + 10, (uint16_t)(20 + len));
  uint32_t sum = csum_add(v6 ? pseudo6_sum(src, dst, 6, 20 + len) : csum_add(0, pseudo, 12), seg, 20 + len);
  put16(seg + 16, csum_fold(sum));
  return 20 + len;
}

void tcp_init(TcpConn *c, PcapOut *o, uint32_t cli, uint16_t cport, uint32_t srv, uint16_t sport)
{
  memset(c, 0, sizeof *c);
  c->out = o;
  c->cli_ip = cli;
  c->srv_ip = srv;
  c->cli_port = cport;
  c->srv_port = sport;
  c->cli_seq = 1000u * cport;          /* deterministic initial sequence numbers */
  c->srv_seq = 7000u * cport + 13;
  c->ip_id = (uint16_t)(cport * 3);
}

uint32_t tcp_segment(TcpConn *c, int from_client, uint8_t flags, const uint8_t *data, size_t len)
{
  uint8_t seg[2048];
  uint32_t *seq = from_client ? &c->cli_seq : &c->srv_seq;
  uint32_t ack = from_client ? c->srv_seq : c->cli_seq;
  uint32_t src = from_client ? c->cli_ip : c->srv_ip, dst = from_client ? c->srv_ip : c->cli_ip;
  size_t n = from_client
                 ? build_tcp(seg, c->v6, src, dst, c->cli_port, c->srv_port, *seq, ack, flags, data, len)
                 : build_tcp(seg, c->v6, src, dst, c->srv_port, c->cli_port, *seq, ack, flags, data, len);
  uint32_t frame = c->v6 ? emit_ip6(c->out, c->vlan, src, dst, 6, seg, n)
                         : emit_ip(c->out, c->iface, c->vlan, &c->ip_id, src, dst, 6, seg, n);
  *seq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
  return frame;
}

void tcp_handshake(TcpConn *c)
{
  tcp_segment(c, 1, F_SYN, NULL, 0);
  tcp_segment(c, 0, F_SYN | F_ACK, NULL, 0);
  tcp_segment(c, 1, F_ACK, NULL, 0);
}

void tcp_close(TcpConn *c, int from_client)
{
  tcp_segment(c, from_client, F_FIN | F_ACK, NULL, 0);
  tcp_segment(c, !from_client, F_FIN | F_ACK, NULL, 0);
  tcp_segment(c, from_client, F_ACK, NULL, 0);
}

/* ICMPv6 destination unreachable (type 1) quoting the client's SYN: its IPv6 header and TCP
 * header, as much of the packet as fits (RFC 4443) */
static uint32_t icmp6_unreachable(TcpConn *c, uint32_t router, uint8_t code)
{
  uint8_t seg[64], icmp[8 + 40 + 20];
  build_tcp(seg, 1, c->cli_ip, c->srv_ip, c->cli_port, c->srv_port, c->cli_seq - 1, 0, F_SYN, NULL, 0);
  memset(icmp, 0, sizeof icmp);
  icmp[0] = 1;
  icmp[1] = code;
  uint8_t *q = icmp + 8;
  q[0] = 0x60;
  put16(q + 4, 20);
  q[6] = 6;
  q[7] = 63;
  pcap_ip6(q + 8, c->cli_ip);
  pcap_ip6(q + 24, c->srv_ip);
  memcpy(q + 40, seg, 20);
  put16(icmp + 2, csum_fold(csum_add(pseudo6_sum(router, c->cli_ip, 58, sizeof icmp), icmp, sizeof icmp)));
  return emit_ip6(c->out, c->vlan, router, c->cli_ip, 58, icmp, sizeof icmp);
}

uint32_t icmp_unreachable(TcpConn *c, uint32_t router, uint8_t code)
{
  if (c->v6)
    return icmp6_unreachable(c, router, code);
  /* quote the client's SYN: its IP header + first 8 bytes of TCP */
  uint8_t seg[64], quoted[28], icmp[8 + 28];
  build_tcp(seg, 0, c->cli_ip, c->srv_ip, c->cli_port, c->srv_port, c->cli_seq - 1, 0, F_SYN, NULL, 0);
  memset(quoted, 0, 20);
  quoted[0] = 0x45;
  put16(quoted + 2, 40);
  put16(quoted + 4, (uint16_t)(c->ip_id - 1));
  quoted[6] = 0x40;
  quoted[8] = 63;
  quoted[9] = 6;
  put32(quoted + 12, c->cli_ip);
  put32(quoted + 16, c->srv_ip);
  put16(quoted + 10, csum_fold(csum_add(0, quoted, 20)));
  memcpy(quoted + 20, seg, 8);
  memset(icmp, 0, 8);
  icmp[0] = 3;
  icmp[1] = code;
  memcpy(icmp + 8, quoted, 28);
  put16(icmp + 2, csum_fold(csum_add(0, icmp, sizeof icmp)));
  uint16_t id = 1;
  return emit_ip(c->out, c->iface, c->vlan, &id, router, c->cli_ip, 1, icmp, sizeof icmp);
}
