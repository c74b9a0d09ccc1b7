/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prefilter.c — packets the engine needs, from raw bytes (see prefilter.h). */
#include "prefilter.h"

#include <string.h>

#include "engine.h"
#include "wire_sniff.h"

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }

/* FNV-1a over both endpoints in a fixed order, so both directions hash alike */
static guint32 conn_hash(const guint8 *a, const guint8 *b, guint alen, guint16 pa, guint16 pb)
{
  int c = memcmp(a, b, alen);
  if (c > 0 || (c == 0 && pa > pb)) {
    const guint8 *t = a; a = b; b = t;
    guint16 tp = pa; pa = pb; pb = tp;
  }
  guint32 h = 2166136261u;
  for (guint i = 0; i < alen; i++) h = (h ^ a[i]) * 16777619u;
  for (guint i = 0; i < alen; i++) h = (h ^ b[i]) * 16777619u;
  h = (h ^ (pa >> 8)) * 16777619u; h = (h ^ (pa & 0xff)) * 16777619u;
  h = (h ^ (pb >> 8)) * 16777619u; h = (h ^ (pb & 0xff)) * 16777619u;
  return h;
}

/* An IP packet (v4 or v6) at p: its transport protocol, payload and addresses */
typedef struct {
  guint8 proto;
  const guint8 *src, *dst;
  guint alen;
  const guint8 *payload;
  guint payload_len;
  gboolean later_fragment;
} Ip;

static gboolean parse_ip(const guint8 *p, guint len, Ip *ip)
{
  if (len < 1)
    return FALSE;
  memset(ip, 0, sizeof *ip);
  if ((p[0] >> 4) == 4) {
    guint ihl = (p[0] & 0x0f) * 4u;
    if (ihl < 20 || len < ihl)
      return FALSE;
    ip->proto = p[9];
    ip->src = p + 12;
    ip->dst = p + 16;
    ip->alen = 4;
    ip->later_fragment = (be16(p + 6) & 0x1fff) != 0;
    ip->payload = p + ihl;
    ip->payload_len = len - ihl;
    return TRUE;
  }
  if ((p[0] >> 4) == 6) {
    if (len < 40)
      return FALSE;
    guint8 next = p[6];
    guint off = 40;
    /* hop-by-hop, routing, destination options, fragment */
    for (int n = 0; n < 8 && (next == 0 || next == 43 || next == 60 || next == 44); n++) {
      if (off + 8 > len)
        return FALSE;
      guint hl = next == 44 ? 8 : (p[off + 1] + 1u) * 8;
      if (next == 44 && (be16(p + off + 2) & 0xfff8))
        ip->later_fragment = TRUE;
      next = p[off];
      off += hl;
    }
    if (off > len)
      return FALSE;
    ip->proto = next;
    ip->src = p + 8;
    ip->dst = p + 24;
    ip->alen = 16;
    ip->payload = p + off;
    ip->payload_len = len - off;
    return TRUE;
  }
  return FALSE;
}

static gboolean tcp_keep(const Ip *ip, const guint16 *ports, guint n, guint32 *hash)
{
  if (ip->later_fragment || ip->payload_len < 4)
    return FALSE;
  guint16 sp = be16(ip->payload), dp = be16(ip->payload + 2);
  if (!s7_port_listed(ports, n, sp) && !s7_port_listed(ports, n, dp)) {
    /* ISO-on-TCP on another port: the engine tells of it (analyze it with --port) */
    guint doff = ip->payload_len >= 13 ? (ip->payload[12] >> 4) * 4u : 0;
    if (doff < 20 || doff >= ip->payload_len ||
        !s7_sniff_tpkt(ip->payload + doff, ip->payload_len - doff))
      return FALSE;
  }
  *hash = conn_hash(ip->src, ip->dst, ip->alen, sp, dp);
  return TRUE;
}

static gboolean ip_keep(const guint8 *p, guint len, const guint16 *ports, guint n, guint32 *hash)
{
  Ip ip;
  if (!parse_ip(p, len, &ip))
    return FALSE;
  if (ip.proto == 6)
    return tcp_keep(&ip, ports, n, hash);
  /* ICMP destination unreachable / ICMPv6 type 1 quoting a TCP packet to an S7 port */
  gboolean icmp4 = ip.proto == 1 && ip.alen == 4, icmp6 = ip.proto == 58 && ip.alen == 16;
  if ((icmp4 || icmp6) && ip.payload_len >= 8 && ip.payload[0] == (icmp4 ? 3 : 1)) {
    Ip inner;
    if (parse_ip(ip.payload + 8, ip.payload_len - 8, &inner) && inner.proto == 6)
      return tcp_keep(&inner, ports, n, hash);
  }
  return FALSE;
}

gssize s7_link_ip_offset(S7Link link, const guint8 *pkt, guint caplen)
{
  switch (link) {
  case S7_LINK_ETHERNET: {
    if (caplen < 14)
      return -1;
    guint off = 12;
    guint16 type = be16(pkt + off);
    for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
      off += 4;
      if (off + 2 > caplen)
        return -1;
      type = be16(pkt + off);
    }
    off += 2;
    return type == 0x0800 || type == 0x86DD ? (gssize)off : -1;
  }
  case S7_LINK_SLL:
    return caplen >= 16 && (be16(pkt + 14) == 0x0800 || be16(pkt + 14) == 0x86DD) ? 16 : -1;
  case S7_LINK_SLL2:
    return caplen >= 20 && (be16(pkt) == 0x0800 || be16(pkt) == 0x86DD) ? 20 : -1;
  case S7_LINK_NULL:
    return caplen >= 4 ? 4 : -1;
  case S7_LINK_RAW_IP:
    return 0;
  case S7_LINK_OTHER:
  default:
    return -1;
  }
}

gboolean s7_prefilter_addresses(S7Link link, guint8 *pkt, guint caplen, S7AddressFunc fn, gpointer data)
{
  gssize off = link == S7_LINK_OTHER ? -1 : s7_link_ip_offset(link, pkt, caplen);
  Ip ip;
  if (off < 0 || !parse_ip(pkt + off, caplen - (guint)off, &ip))
    return FALSE;
  guint8 *base = pkt + off;
  fn(base + (ip.src - base), ip.alen, data);
  fn(base + (ip.dst - base), ip.alen, data);
  gboolean icmp4 = ip.proto == 1 && ip.alen == 4, icmp6 = ip.proto == 58 && ip.alen == 16;
  Ip inner;
  if ((icmp4 || icmp6) && ip.payload_len >= 8 && parse_ip(ip.payload + 8, ip.payload_len - 8, &inner)) {
    guint8 *q = base + (ip.payload - base) + 8;
    if (inner.alen == 4 || inner.alen == 16) {
      fn(q + (inner.src - q), inner.alen, data);
      fn(q + (inner.dst - q), inner.alen, data);
    }
  }
  return TRUE;
}

gboolean s7_prefilter_keep(S7Link link, const guint8 *pkt, guint caplen, const guint16 *ports,
                           guint n_ports, guint32 *hash)
{
  *hash = 0;
  if (link == S7_LINK_OTHER)
    return TRUE;
  gssize off = s7_link_ip_offset(link, pkt, caplen);
  return off >= 0 && ip_keep(pkt + off, caplen - (guint)off, ports, n_ports, hash);
}
