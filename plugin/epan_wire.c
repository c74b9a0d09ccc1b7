/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epan_wire.c — one frame's engine events from its protocol items' bytes (see epan_wire.h). */
#include "epan_wire.h"

#include <string.h>
#include <epan/proto_data.h>
#include <wsutil/inet_addr.h>

#include "engine.h"
#include "s7_wire.h"
#include "s7diag_plugin.h"
#include "s7plus_header.h"
#include "wire_sniff.h"

/* What the plugin asks epan for: protocol items, facts that are not in the bytes (TCP's
 * analysis), and where s7comm put an SZL answer it reassembled */
#define WIRE_ITEMS(X) \
  X(ETH, "eth") X(IP, "ip") X(IPV6, "ipv6") X(TCP, "tcp") X(ICMP, "icmp") X(ICMPV6, "icmpv6") \
  X(COTP, "cotp") X(S7COMM, "s7comm") X(DATA, "data") X(SZL_ID, "s7comm.data.userdata.szl_id") \
  X(TCP_LOST, "tcp.analysis.lost_segment") X(TCP_ACK_LOST, "tcp.analysis.ack_lost_segment") \
  X(TCP_RETRANS, "tcp.analysis.retransmission") \
  X(TCP_SPURIOUS, "tcp.analysis.spurious_retransmission")

#define WIRE_ENUM(id, name) W_##id,
typedef enum { WIRE_ITEMS(WIRE_ENUM) W_EXTRA, W_COUNT } WireItem;
#undef WIRE_ENUM
#define WIRE_NAME(id, name) name,
static const char *const item_names[] = { WIRE_ITEMS(WIRE_NAME) };
#undef WIRE_NAME

static int hfids[W_COUNT];

#define DATA_BYTES_MAX 256   /* of an undissected payload: a TLS record's head, an S7comm-plus
                                header (its plugin dissector's parse is used when it is on) */

GArray *s7diag_wire_wanted_hfids(int extra_proto, const char **missing)
{
  *missing = NULL;
  for (guint i = 0; i < G_N_ELEMENTS(item_names); i++) {
    header_field_info *h = proto_registrar_get_byname(item_names[i]);
    hfids[i] = h ? h->id : -1;
    if (!h && !*missing)
      *missing = item_names[i];
  }
  hfids[W_EXTRA] = extra_proto;
  GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < W_COUNT; i++)
    if (hfids[i] > 0)
      g_array_append_val(wanted, hfids[i]);
  return wanted;
}

/* This frame's items of each kind asked for (NULL: none), from one walk over what epan kept for
 * the frame's asked-for fields: most kinds are absent from a frame, and a lookup of each
 * (proto_get_finfo_ptr_array) cost more than the walk */
static GPtrArray *kept[W_COUNT];

static void gather_items(proto_tree *tree)
{
  memset(kept, 0, sizeof kept);
  GHashTable *h = PTREE_DATA(tree)->interesting_hfids;
  if (!h)
    return;
  GHashTableIter it;
  gpointer id, a;
  g_hash_table_iter_init(&it, h);
  while (g_hash_table_iter_next(&it, &id, &a)) {
    for (guint w = 0; w < W_COUNT; w++) {
      if (hfids[w] > 0 && hfids[w] == GPOINTER_TO_INT(id)) {
        kept[w] = a && ((GPtrArray *)a)->len ? a : NULL;
        break;
      }
    }
  }
}

static GPtrArray *items(WireItem w)
{
  return kept[w];
}

static field_info *item_at(GPtrArray *a, guint i)
{
  return g_ptr_array_index(a, i);
}

/* At most max bytes of the data source from the item's start (*len of them are there) */
static const guint8 *item_bytes(const field_info *fi, guint max, guint *len)
{
  *len = 0;
  if (!fi->ds_tvb || fi->start < 0)
    return NULL;
  gint n = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
  n = MIN(n, (gint)max);
  if (n <= 0)
    return NULL;
  *len = (guint)n;
  return tvb_get_ptr(fi->ds_tvb, fi->start, n);
}

/* The item's own bytes (its length in the tree), at most max */
static const guint8 *item_own_bytes(const field_info *fi, guint max, guint *len)
{
  const guint8 *b = item_bytes(fi, max, len);
  if (b && fi->length >= 0 && (guint)fi->length < *len)
    *len = (guint)fi->length;
  return b;
}

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }
static guint32 be32(const guint8 *p) { return (guint32)be16(p) << 16 | be16(p + 2); }

/* An address as text, as tshark prints it. A capture's packets name a few hosts again and
 * again: the texts of the last few addresses are kept (file scope would do; a few suffice). */
#define ADDR_CACHE 8
typedef struct {
  guint8 raw[16], len;
  char text[S7_ADDR_MAX];
} AddrText;

static void addr_text(const guint8 *raw, gboolean v6, char *out)
{
  static AddrText cache[ADDR_CACHE];
  static guint next;
  guint8 len = v6 ? 16 : 4;
  for (guint i = 0; i < ADDR_CACHE; i++) {
    if (cache[i].len == len && memcmp(cache[i].raw, raw, len) == 0) {
      memcpy(out, cache[i].text, S7_ADDR_MAX);
      return;
    }
  }
  AddrText *a = &cache[next++ % ADDR_CACHE];
  memset(a, 0, sizeof *a);
  a->len = len;
  memcpy(a->raw, raw, len);
  if (v6)
    ws_inet_ntop6(raw, a->text, sizeof a->text);
  else
    ws_inet_ntop4(raw, a->text, sizeof a->text);
  memcpy(out, a->text, S7_ADDR_MAX);
}

/* An IP header's source and destination as text */
static gboolean ip_endpoints(const field_info *fi, gboolean v6, S7Endpoint *src, S7Endpoint *dst)
{
  guint n;
  const guint8 *b = item_bytes(fi, 40, &n);
  if (v6 ? n < 40 : n < 20)
    return FALSE;
  addr_text(b + (v6 ? 8 : 12), v6, src->addr);
  addr_text(b + (v6 ? 24 : 16), v6, dst->addr);
  return TRUE;
}

static gboolean tcp_ports(const field_info *fi, guint16 *sport, guint16 *dport)
{
  guint n;
  const guint8 *b = item_bytes(fi, 4, &n);
  if (n < 4)
    return FALSE;
  *sport = be16(b);
  *dport = be16(b + 2);
  return TRUE;
}

static gboolean port_wanted(GPtrArray *tcp, const guint16 *ports, guint n_ports)
{
  for (guint i = 0; tcp && i < tcp->len; i++) {
    guint16 sp, dp;
    if (tcp_ports(item_at(tcp, i), &sp, &dp) &&
        (s7_port_listed(ports, n_ports, sp) || s7_port_listed(ports, n_ports, dp)))
      return TRUE;
  }
  return FALSE;
}

/* ICMP destination unreachable / ICMPv6 type 1 quoting a TCP packet: the outer IP header is
 * the first, the quoted one the last */
static void icmp_event(S7Event *ev, GPtrArray *icmp, gboolean v6, GPtrArray *tcp,
                       S7dWireSink sink, gpointer user_data)
{
  guint n;
  const guint8 *b = item_bytes(item_at(icmp, 0), 2, &n);
  GPtrArray *ip = items(v6 ? W_IPV6 : W_IP);
  guint16 sport, dport;
  if (n < 2 || !ip || !tcp || !tcp_ports(item_at(tcp, 0), &sport, &dport))
    return;
  S7Endpoint inner_src = { "", 0 }, inner_dst = { "", 0 };
  if (!ip_endpoints(item_at(ip, 0), v6, &ev->src, &ev->dst) ||
      !ip_endpoints(item_at(ip, ip->len - 1), v6, &inner_src, &inner_dst))
    return;
  ev->type = S7_EV_ICMP_UNREACH;
  memset(&ev->u.icmp, 0, sizeof ev->u.icmp);
  ev->u.icmp.icmp_type = b[0];
  ev->u.icmp.icmp_code = b[1];
  ev->u.icmp.v6 = v6 != 0;
  ev->u.icmp.quoted_src = inner_src;
  ev->u.icmp.quoted_dst = inner_dst;
  ev->u.icmp.quoted_src.port = sport;
  ev->u.icmp.quoted_dst.port = dport;
  sink(ev, user_data);
}

/* The TCP payload's length as the tcp dissector counts it: to the end of the IP packet its
 * header says (the frame's end when it says 0, as with TCP segmentation offload, or more
 * than there is) from the end of the TCP header */
static guint32 tcp_payload_len(const field_info *tcp, const guint8 *th, GPtrArray *ip, gboolean v6)
{
  const field_info *hdr = NULL;
  for (guint i = 0; i < ip->len; i++)   /* the IP header carrying this TCP header */
    if (item_at(ip, i)->ds_tvb == tcp->ds_tvb && item_at(ip, i)->start < tcp->start)
      hdr = item_at(ip, i);
  gint64 end = tvb_reported_length(tcp->ds_tvb);
  guint n;
  const guint8 *h = hdr ? item_bytes(hdr, 6, &n) : NULL;
  if (h && n >= 6) {
    guint16 length = v6 ? be16(h + 4) : be16(h + 2);   /* payload / total length */
    gint64 claimed = (v6 ? 40 : 0) + (gint64)length;
    if (length && hdr->start + claimed < end)
      end = hdr->start + claimed;
  }
  gint64 len = end - tcp->start - 4 * (th[12] >> 4);
  return len > 0 ? (guint32)len : 0;
}

static void tcp_event(S7Event *ev, const field_info *tcp, GPtrArray *ip, gboolean v6, gboolean retransmission,
                      guint32 pkt_len, guint32 cap_len, S7dWireSink sink, gpointer user_data)
{
  /* the tcp dissector gives the flags when it has read enough of the header (ws_compat.h) and
   * the header length is at least the fixed part's */
  guint n;
  const guint8 *b = item_own_bytes(tcp, S7D_TCP_FLAGS_NEED, &n);
  if (n < S7D_TCP_FLAGS_NEED || (b[12] >> 4) < 5)
    return;
  ev->type = S7_EV_TCP;
  memset(&ev->u.tcp, 0, sizeof ev->u.tcp);
  ev->u.tcp.flags = b[13];
  ev->u.tcp.payload_len = tcp_payload_len(tcp, b, ip, v6);
  ev->u.tcp.payload_cut = s7_payload_cut(ev->u.tcp.payload_len, pkt_len, cap_len);
  ev->u.tcp.retransmission = retransmission;
  ev->u.tcp.capture_gap = items(W_TCP_LOST) || items(W_TCP_ACK_LOST);
  ev->u.tcp.seq = be32(b + 4);
  ev->u.tcp.ack = be32(b + 8);
  /* TTL and identification of the outermost IP header */
  const guint8 *h = item_bytes(item_at(ip, 0), 20, &n);
  if (v6 && n >= 8) {
    ev->u.tcp.ttl = h[7];
  } else if (!v6 && n >= 9) {
    ev->u.tcp.ttl = h[8];
    ev->u.tcp.have_ip_id = TRUE;
    ev->u.tcp.ip_id = be16(h + 4);
  }
  /* a payload no dissector took: ISO-on-TCP? */
  GPtrArray *data = items(W_DATA);
  if (data) {
    const guint8 *d = item_own_bytes(item_at(data, 0), DATA_BYTES_MAX, &n);
    ev->u.tcp.tpkt = d && s7_sniff_tpkt(d, n);
  }
  sink(ev, user_data);
}

static void cotp_events(S7Event *ev, S7dWireSink sink, gpointer user_data)
{
  GPtrArray *cotp = items(W_COTP);
  for (guint i = 0; cotp && i < cotp->len; i++) {
    guint n;
    const guint8 *b = item_own_bytes(item_at(cotp, i), 256, &n);
    const guint8 *data;
    gsize data_len;
    gboolean last;
    const char *why;
    if (b && s7_wire_decode_cotp(b, n, TRUE, ev, &data, &data_len, &last, &why) == S7_WIRE_COTP)
      sink(ev, user_data);
  }
}

/* An SZL answer in several PDUs: the s7comm dissector reassembles it and decodes it at the
 * last one, in a data source of its own (where its SZL id field lies) */
static void szl_reassembled(GPtrArray *pdus, const field_info *pdu, S7Pdu *s)
{
  GPtrArray *ids = items(W_SZL_ID);
  /* which SZL id is this PDU's is known only when the frame has one PDU */
  if (!ids || pdus->len != 1 || s->rosctr != S7_ROSCTR_USERDATA || s->ud_type != S7_UD_TYPE_RESPONSE ||
      s->ud_group != S7_UD_GRP_CPU || s->ud_subfunc != 1)
    return;
  for (guint i = 0; i < ids->len; i++) {
    const field_info *id = item_at(ids, i);
    guint n;
    const guint8 *b;
    if (id->ds_tvb != pdu->ds_tvb && (b = item_bytes(id, G_MAXUINT16, &n))) {
      memset(&s->identity, 0, sizeof s->identity);
      s7_wire_szl(b, n, s);
      return;
    }
  }
}

/* A PDU shorter than its header says (the capture's snap length cut it, or it lies): the
 * dissector decodes what is there and the analyzer reads no more; here the missing bytes read
 * as zeros, which is what the analyzer takes for a field that is not there */
static const guint8 *s7_uncut(const guint8 *b, guint *n, gboolean *no_function)
{
  *no_function = FALSE;
  static guint8 whole[10 + 2 + 2 * G_MAXUINT16];
  if (*n < 10 || b[0] != 0x32)
    return b;
  guint hdr = (b[1] == S7_ROSCTR_ACK || b[1] == S7_ROSCTR_ACK_DATA) ? 12 : 10;
  guint need = hdr + be16(b + 6) + be16(b + 8);
  if (*n >= need)
    return b;
  *no_function = *n <= hdr && be16(b + 6);   /* not even the function byte is there */
  memcpy(whole, b, *n);
  memset(whole + *n, 0, need - *n);
  *n = need;
  return whole;
}

static void s7_events(S7Event *ev, S7dWireSink sink, gpointer user_data)
{
  GPtrArray *s7 = items(W_S7COMM);
  for (guint i = 0; s7 && i < s7->len; i++) {
    guint n;
    const field_info *pdu = item_at(s7, i);
    const guint8 *b = item_own_bytes(pdu, G_MAXUINT16, &n);
    const char *why;
    gboolean no_function;
    if (b && n >= 10 && b[0] == 0x32 && b[1] >= 4 && b[1] <= 6) {   /* s7comm does not decode these */
      ev->type = S7_EV_S7;
      s7_wire_s7_header(b, n, &ev->u.s7);
      sink(ev, user_data);
    } else if (b && (b = s7_uncut(b, &n, &no_function)) && s7_wire_decode_s7(b, n, ev, &why)) {
      if (no_function && ev->u.s7.rosctr != S7_ROSCTR_USERDATA)
        ev->u.s7.function = S7_FUNC_NONE;
      szl_reassembled(s7, pdu, &ev->u.s7);
      sink(ev, user_data);
    }
  }
}

/* S7comm-plus PDUs and TLS records in COTP (a session protected after InitSsl: only the fact
 * is told). A COTP payload starting with 0x72 is the plugin's own dissector's (it parsed it
 * and left the result in the frame's proto data, in the order of its items), or data when
 * that dissector is off. */
static void s7plus_events(packet_info *pinfo, S7Event *ev, S7dWireSink sink,
                          gpointer user_data)
{
  GPtrArray *a = items(W_DATA);
  ev->type = S7_EV_S7PLUS;
  for (guint i = 0; a && i < a->len; i++) {
    guint n;
    const guint8 *b = item_own_bytes(item_at(a, i), DATA_BYTES_MAX, &n);
    if (!b || !n)
      continue;
    if (b[0] == 0x72) {
      if (s7plus_parse(b, n, &ev->u.s7plus))
        sink(ev, user_data);
    } else if (s7_sniff_tls_record(b, n)) {
      memset(&ev->u.s7plus, 0, sizeof ev->u.s7plus);
      ev->u.s7plus.tls = TRUE;
      sink(ev, user_data);
    }
  }
  a = items(W_EXTRA);
  for (guint i = 0; a && i < a->len; i++) {
    const S7PlusPdu *p = p_get_proto_data(pinfo->pool, pinfo, hfids[W_EXTRA], i);
    if (p) {
      ev->u.s7plus = *p;
      sink(ev, user_data);
    }
  }
}

gboolean s7diag_wire_events(proto_tree *tree, packet_info *pinfo, const guint16 *ports,
                            guint n_ports, S7dWireSink sink, gpointer user_data)
{
  static S7Event ev;   /* large (items); one frame at a time */
  if (!tree)
    return FALSE;
  gather_items(tree);
  GPtrArray *icmp4 = items(W_ICMP), *icmp6 = items(W_ICMPV6);
  GPtrArray *tcp = items(W_TCP);
  if (!icmp4 && !icmp6 && !port_wanted(tcp, ports, n_ports))
    return FALSE;
  memset(&ev, 0, offsetof(S7Event, u));
  ev.frame = pinfo->num;
  ev.ts_us = (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000;
  GPtrArray *ip4 = items(W_IP), *ip6 = items(W_IPV6);
  gboolean v6 = ip6 && !ip4;
  GPtrArray *icmp = v6 ? icmp6 : icmp4;
  if (icmp) {
    icmp_event(&ev, icmp, v6, tcp, sink, user_data);
    return TRUE;
  }
  GPtrArray *ip = v6 ? ip6 : ip4;
  if (!tcp || !ip || !tcp_ports(item_at(tcp, 0), &ev.src.port, &ev.dst.port))
    return TRUE;
  /* the innermost IP header's addresses (a tunnel may carry more); the ports stay */
  if (!ip_endpoints(item_at(ip, ip->len - 1), v6, &ev.src, &ev.dst))
    return TRUE;
  /* the outermost Ethernet header (an ICMP error or a tunnel may carry more) */
  GPtrArray *eth = items(W_ETH);
  guint n;
  const guint8 *m = eth ? item_bytes(item_at(eth, 0), 12, &n) : NULL;
  if (m && n == 12) {
    ev.have_mac = TRUE;
    memcpy(ev.dst_mac, m, 6);
    memcpy(ev.src_mac, m + 6, 6);
  }
  gboolean retransmission = items(W_TCP_RETRANS) || items(W_TCP_SPURIOUS);
  tcp_event(&ev, item_at(tcp, 0), ip, v6, retransmission, pinfo->fd->pkt_len, pinfo->fd->cap_len, sink, user_data);
  /* A retransmitted segment repeats what its original carried: Wireshark 4.0 does not
   * decode it again, 4.4 sometimes does; the engine never sees it twice. */
  if (retransmission)
    return TRUE;
  cotp_events(&ev, sink, user_data);
  s7_events(&ev, sink, user_data);
  s7plus_events(pinfo, &ev, sink, user_data);
  return TRUE;
}
