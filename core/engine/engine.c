/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.c — the engine's life cycle and its connection rules: TCP, ICMP and COTP events,
 * who opened and who closed a connection, refused and unanswered connects, connection starts
 * per client (reconnect storms). S7 and S7comm-plus rules live in engine_s7.c; findings are
 * aggregated in findings.c and get their texts in finding_texts.c. */
#include <string.h>

#include "engine_state.h"
#include "s7_address.h"

void s7_engine_config_init(S7EngineConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->ports[0] = 102;
  cfg->n_ports = 1;
  cfg->no_response_timeout_s = 5.0;
  cfg->connect_timeout_s = 3.0;
  cfg->storm_min_connections = 10;
  cfg->storm_short_s = 10.0;
  cfg->idle_close_s = 1.0;
  cfg->max_evidence_frames = 32;
  cfg->max_listed_connections = 10000;
}

static void plc_close_clear(PlcClose *c)
{
  g_free(c->client_ip);
  g_free(c->client_s);
  g_free(c->conn_key);
}

static void plc_free(PlcContext *p)
{
  g_array_unref(p->writes);
  g_array_unref(p->burst);
  g_hash_table_unref(p->tsap_ok);
  g_hash_table_unref(p->db_ok);
  g_hash_table_unref(p->data_clients);
  g_free(p);
}

static void pair_free(PairContext *p)
{
  g_free(p->client_ip);
  g_free(p->plc);
  g_free(p);
}

static void summary_free(S7ConnSummary *s)
{
  g_free(s->client); g_free(s->plc); g_free(s->calling_tsap); g_free(s->called_tsap);
  g_free(s);
}

static void peer_free(S7Peer *p)
{
  g_free(p->host);
  g_free(p);
}

static void plc_summary_free(S7PlcSummary *p)
{
  g_free(p->plc);
  g_ptr_array_unref(p->peers);
  g_free(p);
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
  g_queue_clear_full(&c->early, g_free);
  g_free(c->key);
  g_free(c->plc_s);
  g_free(c->client_s);
  g_free(c);
}

static GHashTable *string_set(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
  e->conns = g_hash_table_new_full(s7_conn_key_hash, s7_conn_key_equal, NULL, (GDestroyNotify)conn_free);
  e->plcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)plc_free);
  e->pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pair_free);
  e->s7_servers = string_set();
  e->siemens_hosts = string_set();
  e->aggs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)s7_agg_free);
  e->agg_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  e->listed = g_ptr_array_new_with_free_func((GDestroyNotify)summary_free);
  e->areas = g_hash_table_new_full(s7_area_key_hash, s7_area_key_equal, s7_area_key_free,
                                   (GDestroyNotify)area_free);
  s7_quality_init(&e->quality);
  return e;
}

void s7_engine_free(S7Engine *e)
{
  if (!e)
    return;
  g_hash_table_unref(e->conns);
  g_hash_table_unref(e->plcs);
  g_hash_table_unref(e->pairs);
  g_hash_table_unref(e->s7_servers);
  g_hash_table_unref(e->siemens_hosts);
  if (e->findings)
    g_ptr_array_unref(e->findings);    /* a view: the aggregates own the findings */
  g_hash_table_unref(e->aggs);
  g_hash_table_unref(e->agg_counts);
  g_ptr_array_unref(e->listed);
  if (e->area_list)
    g_ptr_array_unref(e->area_list);
  if (e->plc_list)
    g_ptr_array_unref(e->plc_list);
  g_hash_table_unref(e->areas);
  s7_quality_clear(&e->quality);
  if (e->limitations)
    g_ptr_array_unref(e->limitations);
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
  PlcContext *pc = c->plc_ctx ? c->plc_ctx : g_hash_table_lookup(e->plcs, c->plc_s);
  ctx.plc_identity = pc ? &pc->identity : NULL;
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
    p->db_ok = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    p->data_clients = string_set();
    p->writes = g_array_new(FALSE, FALSE, sizeof(WriteCell));
    p->burst = g_array_new(FALSE, FALSE, sizeof(PlcClose));
    g_array_set_clear_func(p->burst, (GDestroyNotify)plc_close_clear);
    g_hash_table_insert(e->plcs, g_strdup(plc), p);
  }
  return p;
}

void s7_plc_learn_identity(S7Engine *e, const char *plc, const S7Identity *id)
{
  S7Identity *have = &s7_plc_context(e, plc)->identity;
#define TAKE(field) if (id->field[0]) g_strlcpy(have->field, id->field, sizeof have->field)
  TAKE(order_number);
  TAKE(firmware);
  TAKE(system_name);
  TAKE(module_name);
  TAKE(plant);
  TAKE(serial);
  TAKE(cpu_type);
#undef TAKE
}

PlcContext *s7_conn_plc(S7Engine *e, Conn *c)
{
  if (!c->plc_ctx)
    c->plc_ctx = s7_plc_context(e, c->plc_s);
  return c->plc_ctx;
}

PairContext *s7_conn_pair(S7Engine *e, Conn *c)
{
  if (!c->pair_ctx)
    c->pair_ctx = s7_pair_context(e, c->client.addr, c->plc_s);
  return c->pair_ctx;
}

PairContext *s7_pair_lookup(const S7Engine *e, const char *client_ip, const char *plc)
{
  g_autofree char *key = g_strdup_printf("%s>%s", client_ip, plc);
  return g_hash_table_lookup(e->pairs, key);
}

PairContext *s7_pair_context(S7Engine *e, const char *client_ip, const char *plc)
{
  PairContext *p = s7_pair_lookup(e, client_ip, plc);
  if (!p) {
    p = g_new0(PairContext, 1);
    p->client_ip = g_strdup(client_ip);
    p->plc = g_strdup(plc);
    g_hash_table_insert(e->pairs, g_strdup_printf("%s>%s", client_ip, plc), p);
  }
  return p;
}

const char *s7_end_text(EndReason r)
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

/* ------------------------------------------------------------------ connections */

static gboolean is_s7_port(const S7Engine *e, guint16 port)
{
  return s7_port_listed(e->cfg.ports, e->cfg.n_ports, port);
}

/* Which side of a packet is the PLC: the S7 port's side; if both or neither, the side the
 * packet is sent to when it opens something (SYN, CR), else the lower port. (Who really is
 * the PLC, when it opens connections itself, finding_texts.c tells from the capture.) */
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

guint s7_conn_key_hash(gconstpointer key)
{
  const ConnKey *k = key;
  return (g_str_hash(k->plc->addr) * 31u + k->plc->port) * 31u + g_str_hash(k->client->addr) * 7u +
         k->client->port;
}

gboolean s7_conn_key_equal(gconstpointer a, gconstpointer b)
{
  const ConnKey *x = a, *y = b;
  return endpoint_eq(x->plc, y->plc) && endpoint_eq(x->client, y->client);
}

static gboolean conn_is_s7(const Conn *c)
{
  return c->cr_seen || c->n_jobs > 0 || c->s7plus_pdus > 0 || c->cc_seen || c->n_s7 > 0 ||
         c->tls_records > 0;
}

/* Every TCP connection to an S7 port is in the inventory, with or without S7 traffic (a SYN
 * nobody answered is no connection: port-no-answer tells of it) */
static void list_connection(S7Engine *e, Conn *c)
{
  if (!conn_is_s7(c) && !c->synack)
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
  s->tpdu_size = c->tpdu_size;
  s->peak_in_flight = c->peak_in_flight;
  s->max_amq_calling = c->amq_calling;
  s->max_amq_called = c->amq_called;
  s->first_frame = c->first_frame;
  s->last_frame = c->last_frame;
  s->start_ts_us = c->start_ts;
  s->end_ts_us = c->ended ? c->end_ts : c->last_ts;
  s->ended = s7_end_text(c->ended);
  s->iso_connected = c->cc_seen;
  s->s7_traffic = conn_is_s7(c);
  s->s7_jobs = c->n_jobs;
  s->s7_errors = c->n_errors;
  s->answered = c->n_answered;
  s->response_mean_us = c->n_answered ? c->response_sum_us / (gint64)c->n_answered : 0;
  s->response_max_us = c->response_max_us;
  s->s7plus_version = c->s7plus_version;
  s->s7plus_session = c->s7plus_session;
  s->s7plus_pdus = c->s7plus_pdus;
  s->tls = c->tls_records > 0;
  s->handshake_seen = c->syn_count > 0 || c->synack;
  s->directions = s7_quality_plc_unseen(c) ? "client only"
                  : c->pkts_client == 0 && c->pkts_plc > 0 ? "PLC only" : "both";
  g_ptr_array_add(e->listed, s);
}

static gboolean cr_pending(const Conn *c)
{
  return c->cr_seen && !c->cc_seen && !c->refused && !c->cr_resolved;
}

/* A connection start of a client/PLC pair: a SYN or a COTP CR we saw */
static void count_start(S7Engine *e, Conn *c)
{
  if (c->counted)
    return;
  c->counted = TRUE;
  PairContext *p = s7_conn_pair(e, c);
  if (p->connections == 0)
    p->first_ts = c->start_ts;
  p->connections++;
  p->last_ts = c->start_ts;
  if (p->n_frames < MAX_PAIR_FRAMES) {
    p->frames[p->n_frames] = c->first_frame;
    p->frame_ts[p->n_frames] = c->start_ts;
    p->n_frames++;
  }
  p->open_now++;
  p->open_peak = MAX(p->open_peak, p->open_now);
}

/* How a counted connection ended, for its pair */
static void count_end(S7Engine *e, Conn *c)
{
  if (!c->counted)
    return;
  PairContext *p = s7_conn_pair(e, c);
  if (p->open_now > 0)
    p->open_now--;
  c->abandoned = c->abandoned || !g_queue_is_empty(&c->jobs) || cr_pending(c);
  if (c->refused || c->port_refused)
    p->refused++;
  else if (c->abandoned)
    p->abandoned++;
  else if ((c->ended == END_FIN_CLIENT || c->ended == END_RST_CLIENT) &&
           c->end_ts - c->start_ts < (gint64)(e->cfg.storm_short_s * 1e6))
    p->short_clean++;
}

static void add_syn_frames(S7Engine *e, Agg *a, Conn *c)
{
  for (guint i = 0; i < c->syn_count && i < MAX_SYN_FRAMES; i++)
    s7_agg_add_frame(e, a, c->syn_frames[i], i == 0 ? c->first_syn_ts : c->last_syn_ts);
}

static Agg *conn_finding(S7Engine *e, Conn *c, S7Kind kind, const char *detail)
{
  return s7_agg_get(e, kind, c->plc_s, c->client.addr, c->client_s, detail, c->key);
}

/* The client closes a connection whose COTP CR is still unanswered: it gave up waiting. */
static void client_gave_up(S7Engine *e, Conn *c, const S7Event *ev)
{
  if (!cr_pending(c) || s7_quality_plc_unseen(c))
    return;
  c->cr_resolved = TRUE;
  c->abandoned = TRUE;
  if ((ev->ts_us - c->cr_ts) >= (gint64)(e->cfg.connect_timeout_s * 1e6)) {
    Agg *a = conn_finding(e, c, S7K_CONNECT_NO_ANSWER, NULL);
    a->x.waited_us = ev->ts_us - c->cr_ts;
    s7_agg_add_frame(e, a, c->cr_frame, c->cr_ts);
    s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
  }
}

/* Connection-level checks when a connection ends or the capture does. */
static void conn_close_checks(S7Engine *e, Conn *c, gint64 now)
{
  if (c->syn_count >= 2 && !c->synack && !c->port_refused && !c->icmp_seen) {
    Agg *a = conn_finding(e, c, S7K_PORT_NO_ANSWER, NULL);
    a->x.syns += c->syn_count;
    a->x.attempts++;
    a->x.last_syn_ts = c->last_syn_ts;
    a->x.last_syn_gap_us = c->last_syn_ts - c->prev_syn_ts;
    add_syn_frames(e, a, c);
  }
  if (cr_pending(c) && (now - c->cr_ts) >= (gint64)(e->cfg.connect_timeout_s * 1e6) &&
      !s7_quality_plc_unseen(c)) {
    Agg *a = conn_finding(e, c, S7K_CONNECT_NO_ANSWER, NULL);
    a->x.waited_us = now - c->cr_ts;
    s7_agg_add_frame(e, a, c->cr_frame, c->cr_ts);
  }
}

static void conn_finish(S7Engine *e, Conn *c, gint64 now)
{
  conn_close_checks(e, c, now);
  s7_engine_s7plus_conn_end(e, c);
  if (c->cc_seen && !c->refused) {
    PlcContext *p = s7_conn_plc(e, c);
    if (p->live_iso > 0)
      p->live_iso--;
  }
  count_end(e, c);
  s7_quality_conn_end(e, c);
  list_connection(e, c);
  if (e->last_conn == c)
    e->last_conn = NULL;
  g_hash_table_remove(e->conns, &c->hkey);
}

static Conn *conn_new(S7Engine *e, const S7Endpoint *plc, const S7Endpoint *client,
                      const S7Event *ev, char *key)
{
  Conn *c = g_new0(Conn, 1);
  c->key = key;
  c->seqno = e->conn_seq++;
  c->plc = *plc;
  c->client = *client;
  c->hkey.plc = &c->plc;
  c->hkey.client = &c->client;
  c->plc_s = s7_endpoint_string(plc);
  c->client_s = s7_endpoint_string(client);
  c->first_frame = ev->frame;
  c->start_ts = ev->ts_us;
  g_queue_init(&c->jobs);
  g_queue_init(&c->early);
  g_hash_table_insert(e->conns, &c->hkey, c);
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
  ConnKey key = { plc, client }, rkey = { client, plc };
  Conn *c = g_hash_table_lookup(e->conns, &key);
  if (!c) {
    /* the other orientation may already be known (both sides on S7 ports) */
    c = g_hash_table_lookup(e->conns, &rkey);
    if (c)
      to_plc = !to_plc;
  }
  if (!c)
    c = conn_new(e, plc, client, ev, conn_key(plc, client));
  *from_client = to_plc;
  e->last_conn = c;
  return c;
}

/* ------------------------------------------------------------------ event handlers */

/* Siemens AG's Ethernet OUIs (IEEE registry), as on CPUs, CPs and HMIs */
static gboolean siemens_oui(const guint8 *mac)
{
  static const guint8 ouis[][3] = {
    { 0x00, 0x1b, 0x1b }, { 0x00, 0x0e, 0x8c }, { 0x08, 0x00, 0x06 }, { 0x28, 0x63, 0x36 },
    { 0x00, 0x1c, 0x06 }, { 0x8c, 0xf3, 0x19 }, { 0xac, 0x64, 0x17 }, { 0xe0, 0xdc, 0xa0 },
    { 0x20, 0x87, 0x56 }, { 0x00, 0x0b, 0xa3 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(ouis); i++)
    if (memcmp(mac, ouis[i], 3) == 0)
      return TRUE;
  return FALSE;
}

static void note_macs(S7Engine *e, const S7Event *ev)
{
  if (!ev->have_mac)
    return;
  if (siemens_oui(ev->src_mac) && !g_hash_table_contains(e->siemens_hosts, ev->src.addr))
    g_hash_table_add(e->siemens_hosts, g_strdup(ev->src.addr));
  if (siemens_oui(ev->dst_mac) && !g_hash_table_contains(e->siemens_hosts, ev->dst.addr))
    g_hash_table_add(e->siemens_hosts, g_strdup(ev->dst.addr));
}

static void record_refusal(S7Engine *e, Conn *c, guint32 frame, gint64 ts, const char *how,
                           int dr_cause)
{
  c->refused = TRUE;
  g_autofree char *tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
  Agg *a = s7_agg_get(e, S7K_CONNECT_REFUSED, c->plc_s, c->client.addr, c->client_s, tsap,
                      c->key);
  if (!a->x.refusal_how) {   /* the first refusal of the group tells how */
    a->x.refusal_how = how;
    a->x.dr_cause = dr_cause;
    a->x.called_tsap = g_strdup(tsap);
    a->x.tsap = s7_decode_tsap(c->called_tsap, c->called_len);
    a->x.concurrent = s7_conn_plc(e, c)->live_iso;
    if (dr_cause >= 0) {
      g_autofree char *code = g_strdup_printf("DR 0x%02x", dr_cause);
      s7_agg_set_code(a, SRC_FRAMES, 0, code);
    } else {
      s7_agg_set_code(a, SRC_FRAMES, 0, how);
    }
  }
  s7_agg_add_frame(e, a, c->cr_frame, c->cr_ts);
  s7_agg_add_frame(e, a, frame, ts);
}

static const char *const close_details[] = {
  [CLOSE_AFTER_JOB] = "right after a job", [CLOSE_IDLE] = "after idle time",
  [CLOSE_BEFORE_S7] = "before any S7 traffic", [CLOSE_DURING] = "during the session",
};

/* The PLC's closes of one burst: one finding for several at once, else each its own */
void s7_plc_flush_closes(S7Engine *e, const char *plc, PlcContext *p)
{
  guint n = p->burst->len;
  if (!n)
    return;
  if (n >= 2) {
    g_autoptr(GHashTable) hosts = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < n; i++)
      g_hash_table_add(hosts, g_array_index(p->burst, PlcClose, i).client_ip);
    guint nh = g_hash_table_size(hosts);
    const PlcClose *first = &g_array_index(p->burst, PlcClose, 0);
    const char *who = nh == 1 ? first->client_ip : "several clients";
    for (guint i = 0; i < n; i++) {
      const PlcClose *c = &g_array_index(p->burst, PlcClose, i);
      Agg *a = s7_agg_get(e, S7K_PLC_CLOSED, plc, who, who, "several connections at once", c->conn_key);
      if (!a->x.close_how)
        a->x.close_how = c->how;
      a->x.closes++;
      a->x.close_clients = MAX(a->x.close_clients, nh);
      s7_agg_add_frame(e, a, c->frame, c->ts_us);
    }
  } else {
    const PlcClose *c = &g_array_index(p->burst, PlcClose, 0);
    Agg *a = s7_agg_get(e, S7K_PLC_CLOSED, plc, c->client_ip, c->client_s, close_details[c->variant],
                        c->conn_key);
    if (!a->x.close_how) {
      a->x.close_how = c->how;
      a->x.idle_us = c->idle_us;
      a->x.job_frame = c->job_frame;
      a->x.function = c->job_function;
      a->x.ud_group = c->job_ud_group;
      a->x.ud_subfunc = c->job_ud_subfunc;
      a->x.waited_us = c->ts_us - c->job_ts_us;
    }
    a->x.closes++;
    if (c->job_frame)
      s7_agg_add_frame(e, a, c->job_frame, c->job_ts_us);
    s7_agg_add_frame(e, a, c->frame, c->ts_us);
  }
  g_array_set_size(p->burst, 0);
}

/* The PLC side ends a connection the client still used. Not a PLC close: a refused connect
 * (connect-refused), a reset SYN (port-refused), the PLC answering the client's own FIN or
 * RST (an S7-1200 sends RST/ACK after the client's FIN), or a job so long unanswered that
 * no-response tells it. */
static void on_plc_close(S7Engine *e, Conn *c, const S7Event *ev, const char *how)
{
  gboolean established = c->synack || c->cc_seen || c->n_s7 > 0;
  if (!established || c->refused || c->port_refused || c->fin_client || c->ended)
    return;
  PlcClose pc = { 0 };
  Job *j = g_queue_peek_head(&c->jobs);
  if (j) {
    if (ev->ts_us - j->ts_us >= (gint64)(e->cfg.no_response_timeout_s * 1e6))
      return;   /* the unanswered job is the fault: no-response says the PLC closed */
    pc.variant = CLOSE_AFTER_JOB;
    pc.job_frame = j->frame;
    pc.job_ts_us = j->ts_us;
    pc.job_function = j->function;
    pc.job_ud_group = j->ud_group;
    pc.job_ud_subfunc = j->ud_subfunc;
  } else if (c->n_s7 == 0) {
    pc.variant = CLOSE_BEFORE_S7;
  } else {
    pc.idle_us = ev->ts_us - c->last_s7_ts;
    pc.variant = pc.idle_us >= (gint64)(e->cfg.idle_close_s * 1e6) ? CLOSE_IDLE : CLOSE_DURING;
  }
  PlcContext *p = s7_conn_plc(e, c);
  if (p->burst->len) {
    const PlcClose *last = &g_array_index(p->burst, PlcClose, p->burst->len - 1);
    if (ev->ts_us - last->ts_us > PLC_CLOSE_BURST_US || p->burst->len >= MAX_BURST)
      s7_plc_flush_closes(e, c->plc_s, p);
  }
  pc.client_ip = g_strdup(c->client.addr);
  pc.client_s = g_strdup(c->client_s);
  pc.conn_key = g_strdup(c->key);
  pc.how = how;
  pc.frame = ev->frame;
  pc.ts_us = ev->ts_us;
  g_array_append_val(p->burst, pc);
}

static void mark_end(Conn *c, const S7Event *ev, EndReason r)
{
  if (c->ended)
    return;
  c->ended = r;
  c->end_frame = ev->frame;
  c->end_ts = ev->ts_us;
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
  if (s7_quality_tcp(e, c, ev, from_client))
    return;   /* a copy of the frame before: counted, not seen twice */
  c->last_frame = ev->frame;
  c->last_ts = ev->ts_us;
  if (ev->u.tcp.capture_gap) {
    c->capture_gap = TRUE;
    c->gap_frame = ev->frame;
    e->stats.capture_gaps = TRUE;
  }

  if (syn_only && from_client) {
    if (c->syn_count < MAX_SYN_FRAMES)
      c->syn_frames[c->syn_count] = ev->frame;
    if (c->syn_count == 0)
      c->first_syn_ts = ev->ts_us;
    c->prev_syn_ts = c->syn_count ? c->last_syn_ts : ev->ts_us;
    c->last_syn_ts = ev->ts_us;
    c->syn_count++;
    count_start(e, c);
    return;
  }
  if ((fl & S7_TCP_SYN) && (fl & S7_TCP_ACK) && !from_client) {
    c->synack = TRUE;
    return;
  }
  if (from_client && ev->u.tcp.retransmission && ev->u.tcp.payload_len > 0 && !g_queue_is_empty(&c->early))
    s7_engine_on_late_segment(e, c, ev);
  if (!from_client && (fl & S7_TCP_ACK) && !(fl & (S7_TCP_RST | S7_TCP_FIN)) &&
      ev->u.tcp.payload_len == 0) {
    c->plc_ack_frame = ev->frame;
    c->plc_ack_ts = ev->ts_us;
  }
  if ((fl & (S7_TCP_RST | S7_TCP_FIN)) && from_client)
    client_gave_up(e, c, ev);
  if (fl & S7_TCP_RST) {
    if (!from_client && c->syn_count > 0 && !c->synack) {
      c->port_refused = TRUE;
      Agg *a = conn_finding(e, c, S7K_PORT_REFUSED, NULL);
      add_syn_frames(e, a, c);
      s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
    } else if (cr_pending(c) && !from_client) {
      record_refusal(e, c, ev->frame, ev->ts_us, "TCP RST", -1);
    }
    if (!from_client)
      on_plc_close(e, c, ev, "RST");
    mark_end(c, ev, from_client ? END_RST_CLIENT : END_RST_PLC);
    s7_engine_check_stale_jobs(e, c, ev->ts_us, TRUE);
    conn_finish(e, c, ev->ts_us);
    return;
  }
  if (fl & S7_TCP_FIN) {
    if (cr_pending(c) && !from_client)
      record_refusal(e, c, ev->frame, ev->ts_us, "FIN", -1);
    if (!from_client)
      on_plc_close(e, c, ev, "FIN");
    if (from_client)
      c->fin_client = TRUE;
    else
      c->fin_plc = TRUE;
    mark_end(c, ev, from_client ? END_FIN_CLIENT : END_FIN_PLC);
    s7_engine_check_stale_jobs(e, c, ev->ts_us, TRUE);
    if (c->fin_client && c->fin_plc)
      conn_finish(e, c, ev->ts_us);
  }
}

static void on_icmp(S7Engine *e, const S7Event *ev)
{
  /* destination unreachable: ICMP type 3, ICMPv6 type 1 */
  if (ev->u.icmp.icmp_type != (ev->u.icmp.v6 ? 1 : 3))
    return;
  const char *icmp = ev->u.icmp.v6 ? "ICMPv6" : "ICMP";
  const S7Endpoint *qs = &ev->u.icmp.quoted_src, *qd = &ev->u.icmp.quoted_dst;
  if (!is_s7_port(e, qd->port) && !is_s7_port(e, qs->port))
    return;
  gboolean from_client;
  Conn *c = conn_for(e, qs, qd, ev, TRUE, &from_client);
  c->icmp_seen = TRUE;
  c->last_ts = ev->ts_us;
  g_autofree char *detail = g_strdup_printf("%s type %u code %u from %s", icmp, ev->u.icmp.icmp_type,
                                            ev->u.icmp.icmp_code, ev->src.addr);
  Agg *a = conn_finding(e, c, S7K_PORT_UNREACHABLE, detail);
  a->x.icmp_type = ev->u.icmp.icmp_type;
  a->x.icmp_code = ev->u.icmp.icmp_code;
  a->x.icmp_v6 = ev->u.icmp.v6;
  g_strlcpy(a->x.router, ev->src.addr, sizeof a->x.router);
  g_autofree char *code = g_strdup_printf("%s %u/%u", icmp, ev->u.icmp.icmp_type, ev->u.icmp.icmp_code);
  s7_agg_set_code(a, SRC_FRAMES, 0, code);
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
    c->tpdu_size = ev->u.cotp.tpdu_size;
    count_start(e, c);
    break;
  case S7_COTP_CC:
    if (from_client || c->cc_seen)
      break;
    c->cc_seen = TRUE;
    if (ev->u.cotp.tpdu_size)
      c->tpdu_size = ev->u.cotp.tpdu_size;
    {
      PlcContext *p = s7_conn_plc(e, c);
      p->live_iso++;
      char *tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
      gpointer n = g_hash_table_lookup(p->tsap_ok, tsap);
      g_hash_table_replace(p->tsap_ok, tsap, GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
    }
    break;
  case S7_COTP_DR:
    if (cr_pending(c) && !from_client)
      record_refusal(e, c, ev->frame, ev->ts_us, "COTP DR", ev->u.cotp.cause);
    mark_end(c, ev, END_COTP_DR);
    break;
  case S7_COTP_ER:
    if (cr_pending(c) && !from_client) {
      record_refusal(e, c, ev->frame, ev->ts_us, "COTP ER", -1);
    } else {
      Agg *a = conn_finding(e, c, S7K_PLC_ERROR, "COTP error TPDU");
      a->x.code = ev->u.cotp.cause;
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
  c->n_s7++;
  c->last_s7_ts = ev->ts_us;
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
    s7_quality_other_port(e, ev);
    return;
  }
  e->stats.events++;
  note_macs(e, ev);
  switch (ev->type) {
  case S7_EV_TCP: on_tcp(e, ev); break;
  case S7_EV_ICMP_UNREACH: on_icmp(e, ev); break;
  case S7_EV_COTP: on_cotp(e, ev); break;
  case S7_EV_S7:
  case S7_EV_S7PLUS: on_s7_event(e, ev); break;
  }
}

/* ------------------------------------------------------------------ capture-wide context */

/* A table's string keys in order: what finish makes from a table must not depend on how the
 * table was filled (a live snapshot finishes an engine's copy, built in another order) */
static GList *sorted_keys(GHashTable *t)
{
  return g_list_sort(g_hash_table_get_keys(t), (GCompareFunc)strcmp);
}

/* Many connection starts of one client to one PLC: a finding whose facts are the pair's */
static void pairs_to_findings(S7Engine *e)
{
  g_autoptr(GList) keys = sorted_keys(e->pairs);
  for (GList *k = keys; k; k = k->next) {
    PairContext *p = g_hash_table_lookup(e->pairs, k->data);
    if (p->connections < e->cfg.storm_min_connections)
      continue;
    gboolean storm = p->refused + p->abandoned > 0 || p->open_peak >= 3;
    gboolean per_poll = p->short_clean == p->connections;
    if (!storm && !per_poll)
      continue;
    Agg *a = s7_agg_get(e, S7K_RECONNECT_STORM, p->plc, p->client_ip, p->client_ip, NULL, NULL);
    a->x.pair = p;
    a->f->occurrences = p->connections;
    for (guint i = 0; i < p->n_frames; i++)
      s7_agg_add_frame(e, a, p->frames[i], p->frame_ts[i]);
  }
}

/* What a client host did to a PLC, as the access it needs */
static S7Access access_needed(const PairContext *p)
{
  if (p->control_jobs)
    return S7_ACCESS_FULL;
  if (p->write_jobs)
    return S7_ACCESS_READ_WRITE;
  return S7_ACCESS_READ_ONLY;   /* read, asked the CPU, or only connected */
}

/* The segmentation audit: every host that reached a PLC's S7 port against the partner list */
static void partners_to_findings(S7Engine *e)
{
  if (!e->cfg.partners)
    return;
  g_autoptr(GList) keys = sorted_keys(e->pairs);
  for (GList *k = keys; k; k = k->next) {
    PairContext *p = g_hash_table_lookup(e->pairs, k->data);
    g_autofree char *plc_ip = s7_endpoint_host(p->plc);
    guint line = 0;
    S7Access granted = s7_partners_access(e->cfg.partners, p->client_ip, plc_ip, &line);
    S7Access needed = access_needed(p);
    if (granted >= needed)
      continue;
    const char *detail = granted == S7_ACCESS_NONE ? "not allowed"
                         : granted == S7_ACCESS_READ_ONLY ? "beyond read-only" : "beyond read-write";
    Agg *a = s7_agg_get(e, S7K_UNEXPECTED_PARTNER, p->plc, p->client_ip, p->client_ip, detail, NULL);
    a->x.pair = p;
    a->x.granted = granted;
    a->x.needed = needed;
    a->x.rule_line = line;
    a->f->occurrences = p->connections ? p->connections : 1;
    /* the evidence: what went beyond the list first, then the connection starts */
    if (needed == S7_ACCESS_FULL)
      s7_agg_add_frame(e, a, p->first_control_frame, p->first_control_ts);
    if (needed >= S7_ACCESS_READ_WRITE && p->first_write_frame)
      s7_agg_add_frame(e, a, p->first_write_frame, p->first_write_ts);
    if (granted == S7_ACCESS_NONE && p->first_read_frame)
      s7_agg_add_frame(e, a, p->first_read_frame, p->first_read_ts);
    for (guint i = 0; i < p->n_frames && i < 4; i++)
      s7_agg_add_frame(e, a, p->frames[i], p->frame_ts[i]);
  }
}

static gint cmp_peer(gconstpointer pa, gconstpointer pb)
{
  return g_strcmp0((*(S7Peer *const *)pa)->host, (*(S7Peer *const *)pb)->host);
}

static gint cmp_plc(gconstpointer pa, gconstpointer pb)
{
  return g_strcmp0((*(S7PlcSummary *const *)pa)->plc, (*(S7PlcSummary *const *)pb)->plc);
}

/* Every PLC with its identity and the hosts that reached its S7 port */
static void list_plcs(S7Engine *e)
{
  e->plc_list = g_ptr_array_new_with_free_func((GDestroyNotify)plc_summary_free);
  g_autoptr(GHashTable) by_plc = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->pairs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    PairContext *p = v;
    S7PlcSummary *s = g_hash_table_lookup(by_plc, p->plc);
    if (!s) {
      s = g_new0(S7PlcSummary, 1);
      s->plc = g_strdup(p->plc);
      s->peers = g_ptr_array_new_with_free_func((GDestroyNotify)peer_free);
      PlcContext *pc = g_hash_table_lookup(e->plcs, p->plc);
      if (pc)
        s->identity = pc->identity;
      s->family = s7_plc_family(s->identity.order_number);
      g_hash_table_insert(by_plc, s->plc, s);
      g_ptr_array_add(e->plc_list, s);
    }
    S7Peer *peer = g_new0(S7Peer, 1);
    peer->host = g_strdup(p->client_ip);
    peer->connections = p->connections;
    peer->read_jobs = p->read_jobs;
    peer->write_jobs = p->write_jobs;
    peer->control_jobs = p->control_jobs;
    peer->other_jobs = p->other_jobs;
    peer->needed = access_needed(p);
    if (e->cfg.partners) {
      g_autofree char *plc_ip = s7_endpoint_host(p->plc);
      peer->granted = s7_partners_access(e->cfg.partners, p->client_ip, plc_ip, NULL);
    }
    g_ptr_array_add(s->peers, peer);
  }
  for (guint i = 0; i < e->plc_list->len; i++)
    g_ptr_array_sort(((S7PlcSummary *)g_ptr_array_index(e->plc_list, i))->peers, cmp_peer);
  g_ptr_array_sort(e->plc_list, cmp_plc);
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
  g_autoptr(GList) plcs = sorted_keys(e->plcs);
  for (GList *k = plcs; k; k = k->next) {
    PlcContext *p = g_hash_table_lookup(e->plcs, k->data);
    s7_plc_flush_closes(e, k->data, p);
    s7_writes_to_findings(e, k->data, p);
  }
  pairs_to_findings(e);
  partners_to_findings(e);
  s7_findings_finalize(e);
  g_ptr_array_sort(e->listed, cmp_summary);
  e->area_list = g_ptr_array_new_with_free_func((GDestroyNotify)area_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->areas);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_ptr_array_add(e->area_list, v);
    g_hash_table_iter_steal(&it);
    s7_area_key_free(k);
  }
  g_ptr_array_sort(e->area_list, cmp_area);
  list_plcs(e);
  e->limitations = s7_quality_limitations(e);
  e->finished = TRUE;
}

const GPtrArray *s7_engine_findings(const S7Engine *e) { return e->findings; }
const GPtrArray *s7_engine_connections(const S7Engine *e) { return e->listed; }
guint64 s7_engine_connections_not_listed(const S7Engine *e) { return e->not_listed; }
const GPtrArray *s7_engine_areas(const S7Engine *e) { return e->area_list; }
const GPtrArray *s7_engine_plcs(const S7Engine *e) { return e->plc_list; }
const GPtrArray *s7_engine_limitations(const S7Engine *e) { return e->limitations; }
const S7EngineStats *s7_engine_stats(const S7Engine *e) { return &e->stats; }

const S7Identity *s7_engine_plc_identity(const S7Engine *e, const char *plc)
{
  const PlcContext *p = plc ? g_hash_table_lookup(e->plcs, plc) : NULL;
  return p ? &p->identity : NULL;
}
