/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.c — connection tracking (TCP, ICMP, COTP) and the engine's life cycle.
 * S7 and S7comm-plus rules live in engine_s7.c, finding texts in findings.c. */
#include <string.h>

#include "engine_internal.h"
#include "s7_address.h"

#define MAX_REFUSALS 4096

void s7_engine_config_init(S7EngineConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->ports[0] = 102;
  cfg->n_ports = 1;
  cfg->no_response_timeout_s = 5.0;
  cfg->connect_timeout_s = 3.0;
  cfg->storm_min_connections = 10;
  cfg->storm_short_s = 10.0;
  cfg->max_evidence_frames = 32;
  cfg->max_listed_connections = 10000;
}

static void agg_free(Agg *a)
{
  s7_finding_free(a->f);   /* NULL once it moved to the result list */
  g_free(a->client_ip);
  g_free(a->extra);
  g_hash_table_unref(a->conn_keys);
  g_free(a);
}

static void plc_free(PlcContext *p)
{
  g_hash_table_unref(p->tsap_ok);
  g_hash_table_unref(p->dbs_ok);
  g_free(p);
}

static void pair_free(PairContext *p)
{
  g_free(p->client_ip);
  g_free(p->plc);
  g_free(p);
}

static void refusal_free(Refusal *r)
{
  g_free(r->plc); g_free(r->client); g_free(r->called_tsap);
  g_free(r);
}

static void summary_free(S7ConnSummary *s)
{
  g_free(s->client); g_free(s->plc); g_free(s->calling_tsap); g_free(s->called_tsap);
  g_free(s);
}

static void area_free(S7AreaSummary *a)
{
  g_free(a->plc);
  g_free(a->area);
  g_free(a);
}

static void conn_free(Conn *c)
{
  Job *j;
  while ((j = g_queue_pop_head(&c->jobs)))
    s7_job_free(j);
  g_free(c->key);
  g_free(c->plc_s);
  g_free(c->client_s);
  g_free(c);
}

S7Engine *s7_engine_new(const S7EngineConfig *cfg)
{
  S7Engine *e = g_new0(S7Engine, 1);
  if (cfg)
    e->cfg = *cfg;
  else
    s7_engine_config_init(&e->cfg);
  if (e->cfg.max_evidence_frames == 0)
    e->cfg.max_evidence_frames = 32;
  e->conns = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)conn_free);
  e->plcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)plc_free);
  e->pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pair_free);
  e->aggs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)agg_free);
  e->agg_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  e->refusals = g_ptr_array_new_with_free_func((GDestroyNotify)refusal_free);
  e->listed = g_ptr_array_new_with_free_func((GDestroyNotify)summary_free);
  e->areas = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)area_free);
  return e;
}

void s7_engine_free(S7Engine *e)
{
  if (!e)
    return;
  g_hash_table_unref(e->conns);
  g_hash_table_unref(e->plcs);
  g_hash_table_unref(e->pairs);
  g_hash_table_unref(e->aggs);
  g_hash_table_unref(e->agg_counts);
  g_ptr_array_unref(e->refusals);
  g_ptr_array_unref(e->listed);
  if (e->area_list)
    g_ptr_array_unref(e->area_list);
  g_hash_table_unref(e->areas);
  if (e->findings)
    g_ptr_array_unref(e->findings);
  g_free(e);
}

void s7_engine_set_frame_note(S7Engine *e, S7FrameNoteFunc fn, gpointer user_data)
{
  e->note_fn = fn;
  e->note_data = user_data;
}

void s7_engine_set_event_note(S7Engine *e, S7EventNoteFunc fn, gpointer user_data)
{
  e->event_fn = fn;
  e->event_data = user_data;
}

void s7_engine_note_event(S7Engine *e, const Conn *c, const S7Event *ev, gboolean from_client,
                          const Job *job)
{
  if (!e->event_fn)
    return;
  S7EventContext ctx = {
    .plc = c->plc_s, .client = c->client_s, .from_client = from_client,
    .calling_tsap = c->calling_tsap, .called_tsap = c->called_tsap,
    .calling_tsap_len = c->calling_len, .called_tsap_len = c->called_len,
    .pdu_size = c->pdu_size, .max_amq_calling = c->amq_calling, .max_amq_called = c->amq_called,
  };
  if (job) {
    ctx.job_frame = job->frame;
    ctx.job_ts_us = job->ts_us;
    ctx.job_function = job->function;
    ctx.n_job_items = job->n_items;
    ctx.job_items = job->items;
  }
  e->event_fn(ev, &ctx, e->event_data);
}

PlcContext *s7_plc_context(S7Engine *e, const char *plc)
{
  PlcContext *p = g_hash_table_lookup(e->plcs, plc);
  if (!p) {
    p = g_new0(PlcContext, 1);
    p->tsap_ok = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->dbs_ok = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(e->plcs, g_strdup(plc), p);
  }
  return p;
}

/* ------------------------------------------------------------------ connections */

static gboolean is_s7_port(const S7Engine *e, guint16 port)
{
  return s7_port_listed(e->cfg.ports, e->cfg.n_ports, port);
}

/* Which side of a packet is the PLC: the S7 port's side; if both or neither, the side the
 * packet is sent to when it opens something (SYN, CR), else the lower port. */
static gboolean dst_is_plc(const S7Engine *e, const S7Endpoint *src, const S7Endpoint *dst,
                           gboolean opening)
{
  gboolean s = is_s7_port(e, src->port), d = is_s7_port(e, dst->port);
  if (d != s)
    return d;
  if (opening)
    return TRUE;
  return dst->port <= src->port;
}

static gboolean endpoint_eq(const S7Endpoint *a, const S7Endpoint *b)
{
  return a->port == b->port && strcmp(a->addr, b->addr) == 0;
}

static char *conn_key(const S7Endpoint *plc, const S7Endpoint *client)
{
  return g_strdup_printf("%s|%u|%s|%u", plc->addr, plc->port, client->addr, client->port);
}

static const char *end_text(EndReason r)
{
  switch (r) {
  case END_FIN_CLIENT: return "FIN by client";
  case END_FIN_PLC: return "FIN by PLC";
  case END_RST_CLIENT: return "RST by client";
  case END_RST_PLC: return "RST by PLC";
  case END_COTP_DR: return "COTP DR";
  default: return "open at capture end";
  }
}

static gboolean conn_is_s7(const Conn *c)
{
  return c->cr_seen || c->n_jobs > 0 || c->s7plus_pdus > 0 || c->cc_seen;
}

static void list_connection(S7Engine *e, Conn *c)
{
  if (!conn_is_s7(c))
    return;
  if (e->listed->len >= e->cfg.max_listed_connections) {
    e->not_listed++;
    return;
  }
  S7ConnSummary *s = g_new0(S7ConnSummary, 1);
  s->client = g_strdup(c->client_s);
  s->plc = g_strdup(c->plc_s);
  if (c->cr_seen) {
    s->calling_tsap = s7_tsap_to_string(c->calling_tsap, c->calling_len);
    s->called_tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
    S7Tsap t = s7_decode_tsap(c->called_tsap, c->called_len);
    s->tsap_valid = t.valid;
    s->rack = t.rack;
    s->slot = t.slot;
    s->conn_type = t.valid ? s7_conn_type_name(t.type) : "other";
  }
  s->pdu_size = c->pdu_size;
  s->max_amq_calling = c->amq_calling;
  s->max_amq_called = c->amq_called;
  s->first_frame = c->first_frame;
  s->last_frame = c->last_frame;
  s->start_ts_us = c->start_ts;
  s->end_ts_us = c->ended ? c->end_ts : c->last_ts;
  s->ended = end_text(c->ended);
  s->iso_connected = c->cc_seen;
  s->s7_jobs = c->n_jobs;
  s->s7_errors = c->n_errors;
  s->s7plus_version = c->s7plus_version;
  s->s7plus_session = c->s7plus_session;
  s->s7plus_pdus = c->s7plus_pdus;
  g_ptr_array_add(e->listed, s);
}

static void note_storm_candidate(S7Engine *e, Conn *c)
{
  if (c->syn_count == 0 && !c->cr_seen)
    return;  /* picked up mid-stream: not a connection start we saw */
  g_autofree char *key = g_strdup_printf("%s>%s", c->client.addr, c->plc_s);
  PairContext *p = g_hash_table_lookup(e->pairs, key);
  if (!p) {
    p = g_new0(PairContext, 1);
    p->client_ip = g_strdup(c->client.addr);
    p->plc = g_strdup(c->plc_s);
    p->first_ts = c->start_ts;
    g_hash_table_insert(e->pairs, g_steal_pointer(&key), p);
  }
  p->connections++;
  gint64 end = c->ended ? c->end_ts : c->last_ts;
  if (c->ended && (end - c->start_ts) < (gint64)(e->cfg.storm_short_s * 1e6)) {
    p->short_connections++;
    if (p->n_frames < G_N_ELEMENTS(p->frames))
      p->frames[p->n_frames++] = c->first_frame;
  }
  p->last_ts = MAX(p->last_ts, end);
}

static void add_simple(S7Engine *e, Conn *c, S7Kind kind, const char *detail, guint32 frame,
                       gint64 ts)
{
  Agg *a = s7_agg_get(e, kind, c->plc_s, c->client.addr, c->client_s, detail, c->key);
  s7_agg_add_frame(e, a, frame, ts);
}

static void add_syn_frames(S7Engine *e, Agg *a, Conn *c)
{
  for (guint i = 0; i < c->syn_count && i < MAX_SYN_FRAMES; i++)
    s7_agg_add_frame(e, a, c->syn_frames[i], c->start_ts);
}

static gboolean cr_pending(const Conn *c)
{
  return c->cr_seen && !c->cc_seen && !c->refused && !c->cr_resolved;
}

/* The client closes a connection whose COTP CR is still unanswered: it gave up waiting. */
static void client_gave_up(S7Engine *e, Conn *c, const S7Event *ev)
{
  if (!cr_pending(c))
    return;
  c->cr_resolved = TRUE;
  if ((ev->ts_us - c->cr_ts) >= (gint64)(e->cfg.connect_timeout_s * 1e6)) {
    Agg *a = s7_agg_get(e, S7K_CONNECT_NO_ANSWER, c->plc_s, c->client.addr, c->client_s, NULL, c->key);
    s7_agg_add_frame(e, a, c->cr_frame, c->cr_ts);
    s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
  }
}

/* Connection-level checks when a connection ends or the capture does. */
static void conn_close_checks(S7Engine *e, Conn *c, gint64 now)
{
  if (c->syn_count >= 2 && !c->synack && !c->port_refused && !c->icmp_seen) {
    Agg *a = s7_agg_get(e, S7K_PORT_NO_ANSWER, c->plc_s, c->client.addr, c->client_s, NULL, c->key);
    add_syn_frames(e, a, c);
  }
  if (cr_pending(c) &&
      (now - c->cr_ts) >= (gint64)(e->cfg.connect_timeout_s * 1e6)) {
    add_simple(e, c, S7K_CONNECT_NO_ANSWER, NULL, c->cr_frame, c->cr_ts);
  }
}

static void conn_finish(S7Engine *e, Conn *c, gint64 now)
{
  conn_close_checks(e, c, now);
  s7_engine_s7plus_conn_end(e, c);
  if (c->cc_seen && !c->refused) {
    PlcContext *p = s7_plc_context(e, c->plc_s);
    if (p->live_iso > 0)
      p->live_iso--;
  }
  note_storm_candidate(e, c);
  list_connection(e, c);
  if (e->last_conn == c)
    e->last_conn = NULL;
  g_hash_table_remove(e->conns, c->key);
}

static Conn *conn_new(S7Engine *e, const S7Endpoint *plc, const S7Endpoint *client,
                      const S7Event *ev, char *key)
{
  Conn *c = g_new0(Conn, 1);
  c->key = key;
  c->seqno = e->conn_seq++;
  c->plc = *plc;
  c->client = *client;
  c->plc_s = s7_endpoint_string(plc);
  c->client_s = s7_endpoint_string(client);
  c->first_frame = ev->frame;
  c->start_ts = ev->ts_us;
  g_queue_init(&c->jobs);
  g_hash_table_insert(e->conns, c->key, c);
  e->stats.tcp_connections++;
  guint live = g_hash_table_size(e->conns);
  if (live > e->stats.live_connections_peak)
    e->stats.live_connections_peak = live;
  return c;
}

static Conn *conn_for(S7Engine *e, const S7Endpoint *src, const S7Endpoint *dst, const S7Event *ev,
                      gboolean opening, gboolean *from_client)
{
  /* consecutive events mostly belong to one connection: no key to build then */
  Conn *last = e->last_conn;
  if (last) {
    gboolean fwd = endpoint_eq(src, &last->client) && endpoint_eq(dst, &last->plc);
    gboolean rev = endpoint_eq(src, &last->plc) && endpoint_eq(dst, &last->client);
    if (fwd || rev) {
      *from_client = fwd;
      return last;
    }
  }
  gboolean to_plc = dst_is_plc(e, src, dst, opening);
  const S7Endpoint *plc = to_plc ? dst : src, *client = to_plc ? src : dst;
  char *key = conn_key(plc, client);
  Conn *c = g_hash_table_lookup(e->conns, key);
  if (!c) {
    /* the other orientation may already be known (both sides on S7 ports) */
    g_autofree char *rkey = conn_key(client, plc);
    c = g_hash_table_lookup(e->conns, rkey);
    if (c)
      to_plc = !to_plc;
  }
  if (c) {
    g_free(key);
  } else {
    c = conn_new(e, plc, client, ev, key);
  }
  *from_client = to_plc;
  e->last_conn = c;
  return c;
}

/* ------------------------------------------------------------------ event handlers */

static void record_refusal(S7Engine *e, Conn *c, guint32 frame, const char *how, int dr_cause)
{
  c->refused = TRUE;
  if (e->refusals->len >= MAX_REFUSALS)
    return;
  Refusal *r = g_new0(Refusal, 1);
  r->plc = g_strdup(c->plc_s);
  r->client = g_strdup(c->client_s);
  r->called_tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
  r->tsap = s7_decode_tsap(c->called_tsap, c->called_len);
  r->cr_frame = c->cr_frame;
  r->answer_frame = frame;
  r->ts = c->cr_ts;
  r->how = how;
  r->dr_cause = dr_cause;
  r->concurrent = s7_plc_context(e, c->plc_s)->live_iso;
  g_ptr_array_add(e->refusals, r);
}

static void on_tcp(S7Engine *e, const S7Event *ev)
{
  guint8 fl = ev->u.tcp.flags;
  gboolean syn_only = (fl & S7_TCP_SYN) && !(fl & S7_TCP_ACK);
  gboolean from_client;
  Conn *c = conn_for(e, &ev->src, &ev->dst, ev, syn_only, &from_client);

  if (syn_only && from_client && (c->synack || c->ended || c->cr_seen)) {
    /* the 4-tuple is reused by a new connection */
    conn_finish(e, c, ev->ts_us);
    c = conn_for(e, &ev->src, &ev->dst, ev, TRUE, &from_client);
  }
  c->last_frame = ev->frame;
  c->last_ts = ev->ts_us;
  if (ev->u.tcp.capture_gap) {
    c->capture_gap = TRUE;
    e->stats.capture_gaps = TRUE;
  }

  if (syn_only && from_client) {
    if (c->syn_count < MAX_SYN_FRAMES)
      c->syn_frames[c->syn_count] = ev->frame;
    c->syn_count++;
    return;
  }
  if ((fl & S7_TCP_SYN) && (fl & S7_TCP_ACK) && !from_client) {
    c->synack = TRUE;
    return;
  }
  if ((fl & (S7_TCP_RST | S7_TCP_FIN)) && from_client)
    client_gave_up(e, c, ev);
  if (fl & S7_TCP_RST) {
    if (!from_client && c->syn_count > 0 && !c->synack) {
      c->port_refused = TRUE;
      Agg *a = s7_agg_get(e, S7K_PORT_REFUSED, c->plc_s, c->client.addr, c->client_s, NULL, c->key);
      add_syn_frames(e, a, c);
      s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
    } else if (cr_pending(c) && !from_client) {
      record_refusal(e, c, ev->frame, "TCP RST", -1);
    }
    if (!c->ended) {
      c->ended = from_client ? END_RST_CLIENT : END_RST_PLC;
      c->end_ts = ev->ts_us;
    }
    s7_engine_check_stale_jobs(e, c, ev->ts_us, TRUE);
    conn_finish(e, c, ev->ts_us);
    return;
  }
  if (fl & S7_TCP_FIN) {
    if (cr_pending(c) && !from_client)
      record_refusal(e, c, ev->frame, "FIN", -1);
    if (from_client)
      c->fin_client = TRUE;
    else
      c->fin_plc = TRUE;
    if (!c->ended) {
      c->ended = from_client ? END_FIN_CLIENT : END_FIN_PLC;
      c->end_ts = ev->ts_us;
    }
    s7_engine_check_stale_jobs(e, c, ev->ts_us, TRUE);
    if (c->fin_client && c->fin_plc)
      conn_finish(e, c, ev->ts_us);
  }
}

static void on_icmp(S7Engine *e, const S7Event *ev)
{
  if (ev->u.icmp.icmp_type != 3 && ev->u.icmp.icmp_type != 1)  /* IPv4 / ICMPv6 unreachable */
    return;
  const S7Endpoint *qs = &ev->u.icmp.quoted_src, *qd = &ev->u.icmp.quoted_dst;
  if (!is_s7_port(e, qd->port) && !is_s7_port(e, qs->port))
    return;
  gboolean from_client;
  Conn *c = conn_for(e, qs, qd, ev, TRUE, &from_client);
  c->icmp_seen = TRUE;
  c->last_ts = ev->ts_us;
  g_autofree char *detail = g_strdup_printf("ICMP type %u code %u from %s", ev->u.icmp.icmp_type,
                                            ev->u.icmp.icmp_code, ev->src.addr);
  Agg *a = s7_agg_get(e, S7K_PORT_UNREACHABLE, c->plc_s, c->client.addr, c->client_s, detail, c->key);
  g_autofree char *code = g_strdup_printf("ICMP %u/%u", ev->u.icmp.icmp_type, ev->u.icmp.icmp_code);
  s7_agg_set_code(a, SRC_FRAMES, 0, code);
  if (!a->extra && ev->u.icmp.icmp_code == 13 && ev->u.icmp.icmp_type == 3)
    a->extra = g_strdup_printf("Code 13 (communication administratively prohibited): a firewall "
                               "at %s rejects the traffic.", ev->src.addr);
  add_syn_frames(e, a, c);
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

static void on_cotp(S7Engine *e, const S7Event *ev)
{
  guint8 t = ev->u.cotp.tpdu;
  gboolean from_client;
  Conn *c = conn_for(e, &ev->src, &ev->dst, ev, t == S7_COTP_CR, &from_client);
  c->last_frame = ev->frame;
  c->last_ts = ev->ts_us;
  switch (t) {
  case S7_COTP_CR:
    if (!from_client)
      break;
    c->cr_seen = TRUE;
    c->cr_frame = ev->frame;
    c->cr_ts = ev->ts_us;
    c->calling_len = MIN(ev->u.cotp.src_tsap_len, S7_TSAP_MAX);
    c->called_len = MIN(ev->u.cotp.dst_tsap_len, S7_TSAP_MAX);
    memcpy(c->calling_tsap, ev->u.cotp.src_tsap, c->calling_len);
    memcpy(c->called_tsap, ev->u.cotp.dst_tsap, c->called_len);
    break;
  case S7_COTP_CC:
    if (from_client || c->cc_seen)
      break;
    c->cc_seen = TRUE;
    {
      PlcContext *p = s7_plc_context(e, c->plc_s);
      p->live_iso++;
      char *tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
      gpointer n = g_hash_table_lookup(p->tsap_ok, tsap);
      g_hash_table_replace(p->tsap_ok, tsap, GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
    }
    break;
  case S7_COTP_DR:
    if (cr_pending(c) && !from_client)
      record_refusal(e, c, ev->frame, "COTP DR", ev->u.cotp.cause);
    if (!c->ended) {
      c->ended = END_COTP_DR;
      c->end_ts = ev->ts_us;
    }
    break;
  case S7_COTP_ER:
    if (cr_pending(c) && !from_client) {
      record_refusal(e, c, ev->frame, "COTP ER", -1);
    } else {
      Agg *a = s7_agg_get(e, S7K_PLC_ERROR, c->plc_s, c->client.addr, c->client_s,
                          "COTP error TPDU", c->key);
      g_autofree char *code = g_strdup_printf("ER 0x%02x", ev->u.cotp.cause);
      s7_agg_set_code(a, SRC_FRAMES, 0, code);
      s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
    }
    break;
  default:
    break;
  }
  s7_engine_note_event(e, c, ev, from_client, NULL);
}

static void on_s7_event(S7Engine *e, const S7Event *ev)
{
  gboolean from_client;
  gboolean opening = ev->type == S7_EV_S7 && (ev->u.s7.rosctr == S7_ROSCTR_JOB);
  Conn *c = conn_for(e, &ev->src, &ev->dst, ev, opening, &from_client);
  c->last_frame = ev->frame;
  c->last_ts = ev->ts_us;
  if (ev->type == S7_EV_S7) {
    e->stats.s7_pdus++;
    s7_engine_on_s7(e, c, ev, from_client);
  } else {
    e->stats.s7plus_pdus++;
    s7_engine_on_s7plus(e, c, ev, from_client);
    s7_engine_note_event(e, c, ev, from_client, NULL);
  }
}

void s7_engine_set_capture_end(S7Engine *e, gint64 ts_us)
{
  if (ts_us > e->last_ts)
    e->last_ts = ts_us;
}

/* The engine decides what is S7, whatever a front end passes on: TCP, COTP and S7 traffic to
 * or from an S7 port, and ICMP errors quoting such a packet (on_icmp checks the quote). So a
 * prefiltered, an unfiltered and a plugin run see the same connections. */
static gboolean event_is_s7(const S7Engine *e, const S7Event *ev)
{
  return ev->type == S7_EV_ICMP_UNREACH || is_s7_port(e, ev->src.port) || is_s7_port(e, ev->dst.port);
}

void s7_engine_feed(S7Engine *e, const S7Event *ev)
{
  g_return_if_fail(!e->finished);
  if (ev->ts_us > e->last_ts)
    e->last_ts = ev->ts_us;
  if (!event_is_s7(e, ev)) {
    e->stats.not_s7_events++;
    return;
  }
  e->stats.events++;
  switch (ev->type) {
  case S7_EV_TCP: on_tcp(e, ev); break;
  case S7_EV_ICMP_UNREACH: on_icmp(e, ev); break;
  case S7_EV_COTP: on_cotp(e, ev); break;
  case S7_EV_S7:
  case S7_EV_S7PLUS: on_s7_event(e, ev); break;
  }
}

/* ------------------------------------------------------------------ capture-wide context */

static void finalize_refusals(S7Engine *e)
{
  for (guint i = 0; i < e->refusals->len; i++) {
    Refusal *r = g_ptr_array_index(e->refusals, i);
    PlcContext *p = s7_plc_context(e, r->plc);
    guint same_ok = GPOINTER_TO_UINT(g_hash_table_lookup(p->tsap_ok, r->called_tsap));
    guint other_ok = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, p->tsap_ok);
    while (g_hash_table_iter_next(&it, &k, &v))
      if (strcmp(k, r->called_tsap) != 0)
        other_ok += GPOINTER_TO_UINT(v);

    g_autofree char *tsap_text = r->tsap.valid
        ? g_strdup_printf("called TSAP %s (rack %u, slot %u, %s)", r->called_tsap, r->tsap.rack,
                          r->tsap.slot, s7_conn_type_name(r->tsap.type))
        : g_strdup_printf("called TSAP %s", r->called_tsap);
    const char *client_ip_end = strrchr(r->client, ':');
    g_autofree char *client_ip = client_ip_end ? g_strndup(r->client, client_ip_end - r->client)
                                               : g_strdup(r->client);
    if (client_ip[0] == '[') {
      char *t = g_strndup(client_ip + 1, strlen(client_ip) - 2);
      g_free(client_ip);
      client_ip = t;
    }
    Agg *a = s7_agg_get(e, S7K_CONNECT_REFUSED, r->plc, client_ip, r->client, r->called_tsap,
                        r->client);
    s7_agg_add_frame(e, a, r->cr_frame, r->ts);
    s7_agg_add_frame(e, a, r->answer_frame, r->ts);
    if (a->f->code)
      continue;  /* the first refusal of the group sets the texts */
    if (r->dr_cause >= 0) {
      g_autofree char *code = g_strdup_printf("DR 0x%02x", r->dr_cause);
      s7_agg_set_code(a, SRC_FRAMES, 0, code);
    } else {
      s7_agg_set_code(a, SRC_FRAMES, 0, r->how);
    }
    const char *dr_text = r->dr_cause >= 0 ? s7_cotp_dr_cause_text((guint8)r->dr_cause) : NULL;
    gboolean dr_congestion = r->dr_cause == 0x01 || r->dr_cause == 0x81;
    gboolean dr_address = r->dr_cause == 0x03 || r->dr_cause == 0x02;
    const char *cause;
    const char *level;
    char *reason;
    if (dr_congestion) {
      cause = "connection resources exhausted";
      level = "high";
      reason = g_strdup_printf("the PLC's Disconnect Request gives cause 0x%02x (%s)", r->dr_cause,
                               dr_text ? dr_text : "?");
    } else if (dr_address) {
      cause = "wrong TSAP (rack/slot)";
      level = "high";
      reason = g_strdup_printf("the PLC's Disconnect Request gives cause 0x%02x (%s)", r->dr_cause,
                               dr_text ? dr_text : "?");
    } else if (same_ok > 0 && r->concurrent > 0) {
      cause = "connection resources exhausted";
      level = "high";
      reason = g_strdup_printf("%u other connection%s with the same TSAP %s confirmed, and %u "
                               "connection%s to this PLC %s open when it refused",
                               same_ok, same_ok == 1 ? " was" : "s were", r->called_tsap,
                               r->concurrent, r->concurrent == 1 ? "" : "s",
                               r->concurrent == 1 ? "was" : "were");
    } else if (same_ok > 0) {
      cause = "connection resources exhausted";
      level = "medium";
      reason = g_strdup_printf("%u other connection%s with the same TSAP %s confirmed, so the "
                               "rack/slot is right", same_ok, same_ok == 1 ? " was" : "s were",
                               r->called_tsap);
    } else if (other_ok > 0) {
      cause = "wrong TSAP (rack/slot)";
      level = "medium";
      reason = g_strdup_printf("this PLC confirmed %u connection%s with other TSAPs but none with %s",
                               other_ok, other_ok == 1 ? "" : "s", r->called_tsap);
    } else {
      cause = "connection resources exhausted or wrong TSAP (rack/slot)";
      level = "low";
      reason = g_strdup("no other connection to this PLC in the capture to compare with: a single "
                        "refusal cannot tell the two causes apart");
    }
    a->f->confidence = level;
    a->f->confidence_reason = reason;
    a->f->title = g_strdup_printf("PLC %s refused the ISO connection from %s (%s after COTP CR): %s",
                                 r->plc, client_ip, r->how, cause);
    g_autofree char *open_text = r->concurrent
        ? g_strdup_printf("; %u other ISO connection(s) were open to this PLC", r->concurrent)
        : g_strdup("");
    a->extra = g_strdup_printf("This connection asked for %s%s%s%s.", tsap_text,
                               dr_text ? "; the PLC's DR says: " : "", dr_text ? dr_text : "",
                               open_text);
  }
}

static void finalize_storms(S7Engine *e)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->pairs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    PairContext *p = v;
    if (p->short_connections < e->cfg.storm_min_connections)
      continue;
    Agg *a = s7_agg_get(e, S7K_RECONNECT_STORM, p->plc, p->client_ip, p->client_ip, NULL, NULL);
    for (guint i = 0; i < p->n_frames; i++)
      s7_agg_add_frame(e, a, p->frames[i], p->first_ts);
    a->f->occurrences = p->short_connections;
    double span = (p->last_ts - p->first_ts) / 1e6;
    a->f->title = g_strdup_printf("Client %s opened %" G_GUINT64_FORMAT " short connections to PLC %s "
                                 "in %.1f s", p->client_ip, p->short_connections, p->plc, span);
    a->f->confidence = "high";
    a->f->confidence_reason = g_strdup_printf("%" G_GUINT64_FORMAT " connections shorter than %.0f s "
                                             "from one client to one PLC", p->short_connections,
                                             e->cfg.storm_short_s);
  }
}

static gint cmp_summary(gconstpointer pa, gconstpointer pb)
{
  const S7ConnSummary *a = *(S7ConnSummary *const *)pa, *b = *(S7ConnSummary *const *)pb;
  return a->first_frame < b->first_frame ? -1 : a->first_frame > b->first_frame;
}

static gint cmp_area(gconstpointer pa, gconstpointer pb)
{
  const S7AreaSummary *a = *(S7AreaSummary *const *)pa, *b = *(S7AreaSummary *const *)pb;
  int c = g_strcmp0(a->plc, b->plc);
  return c ? c : g_strcmp0(a->area, b->area);
}

static gint cmp_conn_seq(gconstpointer pa, gconstpointer pb)
{
  const Conn *a = pa, *b = pb;
  return a->seqno < b->seqno ? -1 : a->seqno > b->seqno;
}

void s7_engine_finish(S7Engine *e)
{
  if (e->finished)
    return;
  /* close live connections in the order they appeared, so results are deterministic */
  GList *live = g_list_sort(g_hash_table_get_values(e->conns), cmp_conn_seq);
  for (GList *l = live; l; l = l->next)
    conn_finish(e, l->data, e->last_ts);
  g_list_free(live);
  finalize_refusals(e);
  finalize_storms(e);
  s7_findings_finalize(e);
  g_ptr_array_sort(e->listed, cmp_summary);
  e->area_list = g_ptr_array_new_with_free_func((GDestroyNotify)area_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->areas);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_ptr_array_add(e->area_list, v);
    g_hash_table_iter_steal(&it);
    g_free(k);
  }
  g_ptr_array_sort(e->area_list, cmp_area);
  e->finished = TRUE;
}

const GPtrArray *s7_engine_findings(const S7Engine *e) { return e->findings; }
const GPtrArray *s7_engine_connections(const S7Engine *e) { return e->listed; }
guint64 s7_engine_connections_not_listed(const S7Engine *e) { return e->not_listed; }
const GPtrArray *s7_engine_areas(const S7Engine *e) { return e->area_list; }
const S7EngineStats *s7_engine_stats(const S7Engine *e) { return &e->stats; }
