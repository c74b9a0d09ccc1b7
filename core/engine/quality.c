/* SPDX-License-Identifier: GPL-2.0-or-later */
/* quality.c — the capture's own limitations (see quality.h). */
#include "quality.h"

#include <string.h>

#define COPY_WINDOW_US 50000      /* a copy follows its original this closely (SPAN, bridge) */
#define COPY_WINDOW_NO_ID_US 1000 /* without an IP identification to compare (IPv6) */
#define MAX_OTHER_PORTS 16
#define S7_HEADERS_MIN (4 + 3 + 10)  /* TPKT, COTP DT and the S7 header: what a PDU needs to be read */

typedef struct {
  guint8 ttl;
  guint32 frame;
} PlcTtl;

static void count(QualityCount *q, guint32 frame)
{
  q->n++;
  if (q->n_frames < QUALITY_FRAMES)
    q->frames[q->n_frames++] = frame;
}

void s7_quality_init(QualityState *q)
{
  memset(q, 0, sizeof *q);
  q->other_ports = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  q->plc_ttl = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void s7_quality_clear(QualityState *q)
{
  g_clear_pointer(&q->other_ports, g_hash_table_unref);
  g_clear_pointer(&q->plc_ttl, g_hash_table_unref);
}

void s7_quality_copy(QualityState *to, const QualityState *from)
{
  GHashTable *other_ports = to->other_ports, *plc_ttl = to->plc_ttl;
  *to = *from;
  to->other_ports = other_ports;
  to->plc_ttl = plc_ttl;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, from->other_ports);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(to->other_ports, k, g_memdup2(v, sizeof(QualityCount)));
  g_hash_table_iter_init(&it, from->plc_ttl);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(to->plc_ttl, g_strdup(k), g_memdup2(v, sizeof(PlcTtl)));
}

static gboolean is_copy(const LastSegment *l, const S7Event *ev)
{
  if (!l->set || l->seq != ev->u.tcp.seq || l->ack != ev->u.tcp.ack ||
      l->len != ev->u.tcp.payload_len || l->flags != ev->u.tcp.flags ||
      l->have_ip_id != ev->u.tcp.have_ip_id)
    return FALSE;
  gint64 dt = ev->ts_us - l->ts_us;
  if (l->have_ip_id)
    return l->ip_id == ev->u.tcp.ip_id && dt >= 0 && dt <= COPY_WINDOW_US;
  return dt >= 0 && dt <= COPY_WINDOW_NO_ID_US;
}

gboolean s7_quality_tcp(QualityState *q, Conn *c, const S7Event *ev, gboolean from_client)
{
  q->tcp_frames++;
  LastSegment *l = &c->last_seg[from_client ? 1 : 0];
  if (is_copy(l, ev)) {
    count(&q->copies, ev->frame);
    return TRUE;
  }
  l->set = TRUE;
  l->seq = ev->u.tcp.seq;
  l->ack = ev->u.tcp.ack;
  l->len = ev->u.tcp.payload_len;
  l->flags = ev->u.tcp.flags;
  l->have_ip_id = ev->u.tcp.have_ip_id;
  l->ip_id = ev->u.tcp.ip_id;
  l->ts_us = ev->ts_us;
  if (ev->u.tcp.payload_len) {
    c->data_segments++;
    q->data_segments++;
  }
  if (ev->u.tcp.payload_cut) {
    count(&q->snapped, ev->frame);
    if (ev->u.tcp.payload_len - ev->u.tcp.payload_cut < S7_HEADERS_MIN)
      q->snapped_headers++;
  }
  if (from_client) {
    c->pkts_client++;
    if (ev->u.tcp.flags & S7_TCP_ACK)
      c->client_acks = TRUE;
  } else {
    c->pkts_plc++;
    if (ev->u.tcp.ttl) {
      PlcTtl *t = g_hash_table_lookup(q->plc_ttl, c->plc_s);
      if (!t) {
        t = g_new0(PlcTtl, 1);
        t->ttl = ev->u.tcp.ttl;
        t->frame = ev->frame;
        g_hash_table_insert(q->plc_ttl, g_strdup(c->plc_s), t);
      } else if (ev->u.tcp.ttl < t->ttl) {
        /* the lowest: the farthest path the PLC's packets took */
        t->ttl = ev->u.tcp.ttl;
        t->frame = ev->frame;
      }
    }
  }
  return FALSE;
}

void s7_quality_other_port(QualityState *q, const S7Event *ev)
{
  if (ev->type != S7_EV_TCP || !ev->u.tcp.tpkt)
    return;
  /* the server's port: the lower one (clients use ephemeral ports) */
  guint port = MIN(ev->src.port, ev->dst.port);
  QualityCount *qc = g_hash_table_lookup(q->other_ports, GUINT_TO_POINTER(port));
  if (!qc) {
    if (g_hash_table_size(q->other_ports) >= MAX_OTHER_PORTS)
      return;
    qc = g_new0(QualityCount, 1);
    g_hash_table_insert(q->other_ports, GUINT_TO_POINTER(port), qc);
  }
  count(qc, ev->frame);
}

void s7_quality_conn_end(QualityState *q, const Conn *c)
{
  if (c->capture_gap)
    count(&q->gaps, c->gap_frame);
  if (s7_conn_began_before(c))
    count(&q->no_handshake, c->first_frame);
  if (!c->data_segments)
    return;   /* handshakes, refusals, the stray ACK or RST after a close: nothing to miss */
  if (s7_conn_plc_unseen(c))
    count(&q->client_only, c->first_frame);
  else if (c->pkts_client == 0 && c->pkts_plc > 0)
    count(&q->plc_only, c->first_frame);
  if (c->tls_records)
    count(&q->tls, c->tls_frame);
}

/* ------------------------------------------------------------------ the limitations */

static const char *const limit_ids[] = {
  [S7_LIMIT_ONE_SIDED] = "one-sided",
  [S7_LIMIT_NO_HANDSHAKE] = "no-handshake",
  [S7_LIMIT_COPIES] = "duplicated-frames",
  [S7_LIMIT_OTHER_PORT] = "other-port",
  [S7_LIMIT_FAR_FROM_PLC] = "far-from-plc",
  [S7_LIMIT_TLS] = "tls",
  [S7_LIMIT_SNAP_LENGTH] = "snap-length",
  [S7_LIMIT_MISSING_SEGMENTS] = "missing-segments",
};

static const char *const limit_about[] = {
  [S7_LIMIT_ONE_SIDED] = "Only one direction of a connection is in the capture (the client's segments "
                         "acknowledge data the capture never held, or only the PLC's side is there): a "
                         "SPAN port mirroring one direction, asymmetric routing. Unanswered jobs and "
                         "connects on such connections are not reported.",
  [S7_LIMIT_NO_HANDSHAKE] = "A connection began before the capture: its COTP connect and Setup "
                            "Communication (TSAPs, rack/slot, PDU size) are not known.",
  [S7_LIMIT_COPIES] = "Frames captured twice (same sequence numbers and IP identification moments "
                      "apart): a SPAN port copying both directions of a link, or two bridged "
                      "interfaces. Each frame is counted once.",
  [S7_LIMIT_OTHER_PORT] = "ISO-on-TCP (TPKT + COTP) on a TCP port that was not analyzed: analyze it "
                          "with --port N; in Wireshark, Decode As TPKT.",
  [S7_LIMIT_FAR_FROM_PLC] = "The PLC's packets arrive with a TTL that says routers lie between the "
                            "capture point and the PLC: what the PLC sees may differ.",
  [S7_LIMIT_TLS] = "TLS-protected S7comm-plus (secure PG/PC and HMI communication): the content "
                   "cannot be read without the client's key log; TCP, ISO connect, InitSsl and "
                   "closes are still diagnosed.",
  [S7_LIMIT_SNAP_LENGTH] = "Packets cut short by the capture's snap length (dumpcap, tcpdump -s, a "
                           "switch's or tap's capture length): what was cut off cannot be read, "
                           "before the S7 headers no S7 PDU at all. Capture again without a snap "
                           "length limit (-s 0).",
  [S7_LIMIT_MISSING_SEGMENTS] = "TCP segments of a connection are not in the capture (capture loss, a "
                                "filtered export): what they carried is unknown, so unanswered jobs "
                                "on such connections are not reported as no-response.",
};

const char *s7_limitation_id(S7LimitKind kind)
{
  return kind < S7_LIMIT_COUNT ? limit_ids[kind] : NULL;
}

const char *s7_limitation_about(S7LimitKind kind)
{
  return kind < S7_LIMIT_COUNT ? limit_about[kind] : NULL;
}

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

static void limitation_free(S7Limitation *l)
{
  g_free(l->subject);
  g_free(l->text);
  g_free(l->summary);
  g_array_unref(l->frames);
  g_free(l);
}

static S7Limitation *add(GPtrArray *out, S7LimitKind kind, char *subject, guint64 n, char *text)
{
  S7Limitation *l = g_new0(S7Limitation, 1);
  l->kind = kind;
  l->id = limit_ids[kind];
  l->subject = subject;
  l->count = n;
  l->text = text;
  l->frames = g_array_new(FALSE, FALSE, sizeof(guint32));
  g_ptr_array_add(out, l);
  return l;
}

static void add_frames(S7Limitation *l, const QualityCount *qc)
{
  for (guint i = 0; i < qc->n_frames; i++)
    g_array_append_val(l->frames, qc->frames[i]);
  g_array_sort(l->frames, cmp_u32);
}

static const char *conns(guint64 n)
{
  return n == 1 ? "connection" : "connections";
}

/* The initial TTLs stacks use (Siemens CPUs and CPs among them); the nearest one at or above
 * what arrived gives the fewest routers the packets can have passed */
static guint routers_passed(guint8 ttl)
{
  static const guint initial[] = { 30, 32, 60, 64, 128, 255 };
  for (guint i = 0; i < G_N_ELEMENTS(initial); i++)
    if (ttl <= initial[i])
      return initial[i] - ttl;
  return 0;
}

static gint cmp_key_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *s7_quality_limitations(const QualityState *q)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)limitation_free);

  if (q->client_only.n || q->plc_only.n) {
    guint64 n = q->client_only.n + q->plc_only.n;
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "Only one direction of %" G_GUINT64_FORMAT " %s is in the capture", n, conns(n));
    if (q->client_only.n && q->plc_only.n)
      g_string_append_printf(t, " (%" G_GUINT64_FORMAT " without the PLC's packets, %" G_GUINT64_FORMAT
                             " without the client's)", q->client_only.n, q->plc_only.n);
    else
      g_string_append(t, q->client_only.n ? " (the PLC's packets are missing)" : " (the client's packets are missing)");
    g_string_append(t, ": the capture point saw one direction only (a SPAN port mirroring one "
                       "direction, asymmetric routing). Mirror both directions (or tap the PLC's "
                       "port). Jobs and connects without answers on these connections are not "
                       "reported as unanswered.");
    S7Limitation *l = add(out, S7_LIMIT_ONE_SIDED, NULL, n, g_string_free(t, FALSE));
    add_frames(l, &q->client_only);
    add_frames(l, &q->plc_only);
    if (l->frames->len > QUALITY_FRAMES)
      g_array_set_size(l->frames, QUALITY_FRAMES);
  }
  if (q->no_handshake.n) {
    guint64 n = q->no_handshake.n;
    S7Limitation *l = add(out, S7_LIMIT_NO_HANDSHAKE, NULL, n,
      g_strdup_printf("%" G_GUINT64_FORMAT " %s began before the capture (no TCP handshake in it): "
                      "their ISO connect and Setup Communication (TSAPs, rack/slot, PDU size) are "
                      "not known, and answers to jobs sent before the capture have no job. Start "
                      "the capture before the client connects (or restart the client's connection) "
                      "to see them.", n, conns(n)));
    add_frames(l, &q->no_handshake);
  }
  if (q->copies.n) {
    guint64 n = q->copies.n;
    guint pct = q->tcp_frames ? (guint)(100 * n / q->tcp_frames) : 0;
    S7Limitation *l = add(out, S7_LIMIT_COPIES, NULL, n,
      g_strdup_printf("%" G_GUINT64_FORMAT " %s of S7 connections %s an exact copy of the frame before "
                      "(%u%% of their TCP frames)%s: a SPAN port copying both directions of a link, "
                      "or a capture on two bridged interfaces. s7diag counted each frame once.",
                      n, n == 1 ? "frame" : "frames", n == 1 ? "is" : "are", pct,
                      pct >= 40 ? ", nearly every frame was captured twice" : ""));
    add_frames(l, &q->copies);
  }
  if (g_hash_table_size(q->other_ports)) {
    GArray *sorted = g_array_new(FALSE, FALSE, sizeof(guint));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, q->other_ports);
    while (g_hash_table_iter_next(&it, &k, &v)) {
      guint p = GPOINTER_TO_UINT(k);
      g_array_append_val(sorted, p);
    }
    g_array_sort(sorted, cmp_u32);
    for (guint i = 0; i < sorted->len; i++) {
      guint port = g_array_index(sorted, guint, i);
      const QualityCount *qc = g_hash_table_lookup(q->other_ports, GUINT_TO_POINTER(port));
      S7Limitation *l = add(out, S7_LIMIT_OTHER_PORT, g_strdup_printf("%u", port), qc->n,
        g_strdup_printf("ISO-on-TCP (TPKT and COTP) on TCP port %u, which was not analyzed "
                        "(%" G_GUINT64_FORMAT " %s): S7 on a port other than 102, e.g. behind NAT or "
                        "a port forward. Analyze it with --port %u; in Wireshark, Decode As… TCP "
                        "port %u as TPKT.", port, qc->n, qc->n == 1 ? "frame" : "frames", port, port));
      add_frames(l, qc);
    }
    g_array_unref(sorted);
  }
  {
    GPtrArray *plcs = g_ptr_array_new();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, q->plc_ttl);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_ptr_array_add(plcs, k);
    g_ptr_array_sort(plcs, cmp_key_str);
    for (guint i = 0; i < plcs->len; i++) {
      const char *plc = g_ptr_array_index(plcs, i);
      const PlcTtl *t = g_hash_table_lookup(q->plc_ttl, plc);
      guint hops = routers_passed(t->ttl);
      if (!hops)
        continue;
      S7Limitation *l = add(out, S7_LIMIT_FAR_FROM_PLC, g_strdup(plc), 1,
        g_strdup_printf("PLC %s's packets arrive with TTL %u: at least %u %s between the capture "
                        "point and the PLC. The capture shows what reached the capture point; a "
                        "firewall or router nearer the PLC may drop, reject or reset what is seen "
                        "here. Capture at the PLC's switch port to see what the PLC sees.",
                        plc, t->ttl, hops, hops == 1 ? "router" : "routers"));
      g_array_append_val(l->frames, t->frame);
    }
    g_ptr_array_unref(plcs);
  }
  if (q->tls.n) {
    guint64 n = q->tls.n;
    S7Limitation *l = add(out, S7_LIMIT_TLS, NULL, n,
      g_strdup_printf("%" G_GUINT64_FORMAT " %s carried TLS-protected S7comm-plus (Secure PG/PC and "
                      "HMI communication: TIA Portal V17 and later with S7-1500 from firmware V2.9, "
                      "S7-1200 from V4.5): the functions, return values and the PLC's identity inside "
                      "cannot be read without the client's TLS key log. Still diagnosed: the TCP and "
                      "ISO connect, the InitSsl exchange, who closed or reset the connection and "
                      "when, and how long the PLC took to answer at TCP level.", n, conns(n)));
    add_frames(l, &q->tls);
  }
  if (q->snapped.n) {
    guint64 n = q->snapped.n, h = q->snapped_headers;
    gboolean all = h && h == q->data_segments;
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "%" G_GUINT64_FORMAT " %s of S7 connections %s cut short by the capture's snap "
                           "length", n, n == 1 ? "packet" : "packets", n == 1 ? "was" : "were");
    if (h == n)
      g_string_append_printf(t, ", %s before %s TPKT, COTP and S7 headers: %s S7 PDUs cannot be read",
                             n == 1 ? "it" : "all of them", n == 1 ? "its" : "their", n == 1 ? "its" : "their");
    else if (h)
      g_string_append_printf(t, " (%" G_GUINT64_FORMAT " before their TPKT, COTP and S7 headers, whose S7 "
                             "PDUs cannot be read; the others lost the end of their data)", h);
    else
      g_string_append(t, " after their S7 headers: the end of their data (items, values) is missing");
    g_string_append(t, ". Faults in what was cut off are not seen. Capture again without a snap length "
                       "limit (dumpcap or tcpdump -s 0; on a switch or tap, its full capture length).");
    S7Limitation *l = add(out, S7_LIMIT_SNAP_LENGTH, NULL, n, g_string_free(t, FALSE));
    add_frames(l, &q->snapped);
    if (all)
      l->summary = g_strdup_printf("The capture cannot show S7 faults: its snap length cut every packet of "
                                   "the S7 connections (%" G_GUINT64_FORMAT ") before the S7 headers.", n);
    else if (h)
      l->summary = g_strdup_printf("The capture cannot show every S7 fault: its snap length cut %" G_GUINT64_FORMAT
                                   " %s of the S7 connections before the S7 headers.", h,
                                   h == 1 ? "packet" : "packets");
  }
  if (q->gaps.n) {
    guint64 n = q->gaps.n;
    S7Limitation *l = add(out, S7_LIMIT_MISSING_SEGMENTS, NULL, n,
      g_strdup_printf("%" G_GUINT64_FORMAT " %s %s TCP segments that are not in the capture (capture "
                      "loss or a filtered export): what they carried is unknown, and unanswered jobs "
                      "on %s are not reported as no-response.", n, conns(n), n == 1 ? "has" : "have",
                      n == 1 ? "it" : "them"));
    add_frames(l, &q->gaps);
  }
  return out;
}
