/* SPDX-License-Identifier: GPL-2.0-or-later */
/* records.c — the engine's records and their tables (see records.h). */
#include "records.h"

#include <string.h>

static void plc_close_clear(PlcClose *c)
{
  g_free(c->client_ip);
  g_free(c->client_s);
  g_free(c->conn_key);
}

static void plc_free(PlcRecord *p)
{
  g_array_unref(p->writes);
  g_array_unref(p->burst);
  g_hash_table_unref(p->tsap_ok);
  g_hash_table_unref(p->db_ok);
  g_hash_table_unref(p->data_clients);
  g_free(p);
}

static void pair_free(PairRecord *p)
{
  g_free(p->client_ip);
  g_free(p->plc);
  g_free(p);
}

static void host_free(HostRecord *h)
{
  g_free(h->ip);
  g_free(h);
}

void s7_conn_summary_free(S7ConnSummary *s)
{
  g_free(s->client); g_free(s->plc); g_free(s->calling_tsap); g_free(s->called_tsap);
  g_free(s);
}

void s7_area_summary_free(S7AreaSummary *a)
{
  g_free(a->plc);
  g_free(a->area);
  g_free(a);
}

void s7_exchange_free(S7Exchange *j)
{
  g_free(j->items);
  g_free(j);
}

void s7_conn_free(Conn *c)
{
  if (c->slow)
    g_array_unref(c->slow);
  S7Exchange *j;
  while ((j = g_queue_pop_head(&c->jobs)))
    s7_exchange_free(j);
  g_queue_clear_full(&c->early, g_free);
  g_free(c->key);
  g_free(c->plc_s);
  g_free(c->client_s);
  g_free(c);
}

/* ------------------------------------------------------------------ connections */

static gboolean endpoint_eq(const S7Endpoint *a, const S7Endpoint *b)
{
  return a->port == b->port && strcmp(a->addr, b->addr) == 0;
}

static guint conn_key_hash(gconstpointer key)
{
  const ConnKey *k = key;
  return (g_str_hash(k->plc->addr) * 31u + k->plc->port) * 31u + g_str_hash(k->client->addr) * 7u +
         k->client->port;
}

static gboolean conn_key_equal(gconstpointer a, gconstpointer b)
{
  const ConnKey *x = a, *y = b;
  return endpoint_eq(x->plc, y->plc) && endpoint_eq(x->client, y->client);
}

guint s7_area_key_hash(gconstpointer key)
{
  const AreaKey *k = key;
  return g_str_hash(k->plc) * 31u + k->area;
}

gboolean s7_area_key_equal(gconstpointer a, gconstpointer b)
{
  const AreaKey *x = a, *y = b;
  return x->area == y->area && strcmp(x->plc, y->plc) == 0;
}

void s7_area_key_free(gpointer key)
{
  g_free(key);   /* its plc is the summary's */
}

void s7_records_init(Records *r)
{
  memset(r, 0, sizeof *r);
  r->conns = g_hash_table_new_full(conn_key_hash, conn_key_equal, NULL, (GDestroyNotify)s7_conn_free);
  r->plcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)plc_free);
  r->pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pair_free);
  r->hosts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)host_free);
  r->areas = g_hash_table_new_full(s7_area_key_hash, s7_area_key_equal, s7_area_key_free,
                                   (GDestroyNotify)s7_area_summary_free);
  r->listed = g_ptr_array_new_with_free_func((GDestroyNotify)s7_conn_summary_free);
}

void s7_records_clear(Records *r)
{
  g_clear_pointer(&r->conns, g_hash_table_unref);
  g_clear_pointer(&r->plcs, g_hash_table_unref);
  g_clear_pointer(&r->pairs, g_hash_table_unref);
  g_clear_pointer(&r->hosts, g_hash_table_unref);
  g_clear_pointer(&r->areas, g_hash_table_unref);
  g_clear_pointer(&r->listed, g_ptr_array_unref);
}

gboolean s7_is_s7_port(const S7EngineConfig *cfg, guint16 port)
{
  return s7_port_listed(cfg->ports, cfg->n_ports, port);
}

/* Which side of a packet is the PLC: the S7 port's side; if both or neither, the side the
 * packet is sent to when it opens something (SYN, CR), else the lower port. (Who really is
 * the PLC, when it opens connections itself, the texts tell from the capture.) */
static gboolean dst_is_plc(const S7EngineConfig *cfg, const S7Endpoint *src, const S7Endpoint *dst,
                           gboolean opening)
{
  gboolean s = s7_is_s7_port(cfg, src->port), d = s7_is_s7_port(cfg, dst->port);
  if (d != s)
    return d;
  if (opening)
    return TRUE;
  return dst->port <= src->port;
}

static char *endpoint_string(const S7Endpoint *ep)
{
  char buf[S7_ENDPOINT_TEXT_MAX];
  return g_strdup(s7_endpoint_format(ep, buf));
}

static Conn *conn_new(Records *r, S7EngineStats *stats, const S7Endpoint *plc, const S7Endpoint *client,
                      const S7Event *ev)
{
  Conn *c = g_new0(Conn, 1);
  c->key = g_strdup_printf("%s|%u|%s|%u", plc->addr, plc->port, client->addr, client->port);
  c->seqno = r->conn_seq++;
  c->plc = *plc;
  c->client = *client;
  c->hkey.plc = &c->plc;
  c->hkey.client = &c->client;
  c->plc_s = endpoint_string(plc);
  c->client_s = endpoint_string(client);
  c->first_frame = ev->frame;
  c->start_ts = ev->ts_us;
  g_queue_init(&c->jobs);
  g_queue_init(&c->early);
  g_hash_table_insert(r->conns, &c->hkey, c);
  stats->tcp_connections++;
  guint live = g_hash_table_size(r->conns);
  if (live > stats->live_connections_peak)
    stats->live_connections_peak = live;
  return c;
}

Conn *s7_conn_for(Records *r, const S7EngineConfig *cfg, S7EngineStats *stats, const S7Endpoint *src,
                  const S7Endpoint *dst, const S7Event *ev, gboolean opening, gboolean *from_client)
{
  /* consecutive events mostly belong to one connection: no key to build then */
  Conn *last = r->last_conn;
  if (last) {
    gboolean fwd = endpoint_eq(src, &last->client) && endpoint_eq(dst, &last->plc);
    gboolean rev = endpoint_eq(src, &last->plc) && endpoint_eq(dst, &last->client);
    if (fwd || rev) {
      *from_client = fwd;
      return last;
    }
  }
  gboolean to_plc = dst_is_plc(cfg, src, dst, opening);
  const S7Endpoint *plc = to_plc ? dst : src, *client = to_plc ? src : dst;
  ConnKey key = { plc, client }, rkey = { client, plc };
  Conn *c = g_hash_table_lookup(r->conns, &key);
  if (!c) {
    /* the other orientation may already be known (both sides on S7 ports) */
    c = g_hash_table_lookup(r->conns, &rkey);
    if (c)
      to_plc = !to_plc;
  }
  if (!c)
    c = conn_new(r, stats, plc, client, ev);
  *from_client = to_plc;
  r->last_conn = c;
  return c;
}

void s7_conn_forget(Records *r, Conn *c)
{
  if (r->last_conn == c)
    r->last_conn = NULL;
  g_hash_table_remove(r->conns, &c->hkey);
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

void s7_conn_mark_end(Conn *c, const S7Event *ev, EndReason how)
{
  if (c->ended)
    return;   /* the first end counts */
  c->ended = how;
  c->end_frame = ev->frame;
  c->end_ts = ev->ts_us;
}

gboolean s7_conn_is_s7(const Conn *c)
{
  return c->cr_seen || c->n_jobs > 0 || c->s7plus_pdus > 0 || c->cc_seen || c->n_s7 > 0 ||
         c->tls_records > 0;
}

gboolean s7_cr_pending(const Conn *c)
{
  return c->cr_seen && !c->cc_seen && !c->refused && !c->cr_resolved;
}

gboolean s7_conn_plc_unseen(const Conn *c)
{
  return c->pkts_plc == 0 && c->client_acks;
}

/* ------------------------------------------------------------------ PLCs, pairs, hosts */

static GHashTable *string_set(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

PlcRecord *s7_plc_record(Records *r, const char *plc)
{
  PlcRecord *p = g_hash_table_lookup(r->plcs, plc);
  if (!p) {
    p = g_new0(PlcRecord, 1);
    p->tsap_ok = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->db_ok = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    p->data_clients = string_set();
    p->writes = g_array_new(FALSE, FALSE, sizeof(WriteCell));
    p->burst = g_array_new(FALSE, FALSE, sizeof(PlcClose));
    g_array_set_clear_func(p->burst, (GDestroyNotify)plc_close_clear);
    g_hash_table_insert(r->plcs, g_strdup(plc), p);
  }
  return p;
}

const PlcRecord *s7_plc_lookup(const Records *r, const char *plc)
{
  return plc ? g_hash_table_lookup(r->plcs, plc) : NULL;
}

void s7_plc_learn_identity(PlcRecord *p, const S7Identity *id)
{
  S7Identity *have = &p->identity;
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

const PairRecord *s7_pair_lookup(const Records *r, const char *client_ip, const char *plc)
{
  g_autofree char *key = g_strdup_printf("%s>%s", client_ip, plc);
  return g_hash_table_lookup(r->pairs, key);
}

PairRecord *s7_pair_record(Records *r, const char *client_ip, const char *plc)
{
  PairRecord *p = (PairRecord *)s7_pair_lookup(r, client_ip, plc);
  if (!p) {
    p = g_new0(PairRecord, 1);
    p->client_ip = g_strdup(client_ip);
    p->plc = g_strdup(plc);
    g_hash_table_insert(r->pairs, g_strdup_printf("%s>%s", client_ip, plc), p);
  }
  return p;
}

PlcRecord *s7_conn_plc(Records *r, Conn *c)
{
  if (!c->plc_rec)
    c->plc_rec = s7_plc_record(r, c->plc_s);
  return c->plc_rec;
}

PairRecord *s7_conn_pair(Records *r, Conn *c)
{
  if (!c->pair_rec)
    c->pair_rec = s7_pair_record(r, c->client.addr, c->plc_s);
  return c->pair_rec;
}

HostRecord *s7_host_record(Records *r, const char *ip)
{
  HostRecord *h = g_hash_table_lookup(r->hosts, ip);
  if (!h) {
    h = g_new0(HostRecord, 1);
    h->ip = g_strdup(ip);
    g_hash_table_insert(r->hosts, h->ip, h);
  }
  return h;
}

const HostRecord *s7_host_lookup(const Records *r, const char *ip)
{
  return ip ? g_hash_table_lookup(r->hosts, ip) : NULL;
}

void s7_pair_count_start(Records *r, Conn *c)
{
  if (c->counted)
    return;
  c->counted = TRUE;
  PairRecord *p = s7_conn_pair(r, c);
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

void s7_pair_count_end(Records *r, const S7EngineConfig *cfg, Conn *c)
{
  if (!c->counted)
    return;
  PairRecord *p = s7_conn_pair(r, c);
  if (p->open_now > 0)
    p->open_now--;
  c->abandoned = c->abandoned || !g_queue_is_empty(&c->jobs) || s7_cr_pending(c);
  if (c->refused || c->port_refused)
    p->refused++;
  else if (c->abandoned)
    p->abandoned++;
  else if ((c->ended == END_FIN_CLIENT || c->ended == END_RST_CLIENT) &&
           c->end_ts - c->start_ts < (gint64)(cfg->storm_short_s * 1e6))
    p->short_clean++;
}

/* What a client host did to a PLC, as the access it needs */
S7Access s7_access_needed(const PairRecord *p)
{
  if (p->control_jobs)
    return S7_ACCESS_FULL;
  if (p->write_jobs)
    return S7_ACCESS_READ_WRITE;
  return S7_ACCESS_READ_ONLY;   /* read, asked the CPU, or only connected */
}

/* ------------------------------------------------------------------ the inventory */

gboolean s7_conn_began_before(const Conn *c)
{
  /* a FIN of one side alone (with its ACK) is the tail of a connection that closed before the
   * capture or just before in it (a copy of its last segments) */
  return c->syn_count == 0 && !c->synack &&
         (c->data_segments > 0 || (c->fin_client && c->fin_plc) || c->unseen_close_held);
}

gboolean s7_conn_is_connection(const Conn *c)
{
  return c->synack || s7_conn_is_s7(c) || s7_conn_began_before(c);
}

/* Every TCP connection to an S7 port is in the inventory, with or without S7 traffic, and counts
 * for its host in the partners table (a SYN nobody answered is an attempt, no connection:
 * port-no-answer tells of it) */
void s7_conn_list(Records *r, const S7EngineConfig *cfg, Conn *c)
{
  if (!s7_conn_is_connection(c))
    return;
  s7_conn_pair(r, c)->listed++;
  if (r->listed->len >= cfg->max_listed_connections) {
    r->not_listed++;
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
  s->s7_traffic = s7_conn_is_s7(c);
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
  s->directions = s7_conn_plc_unseen(c) ? "client only"
                  : c->pkts_client == 0 && c->pkts_plc > 0 ? "PLC only" : "both";
  g_ptr_array_add(r->listed, s);
}

gboolean s7_hosts_plc_initiated(const HostRecord *sender, const HostRecord *target)
{
  gboolean sender_serves = sender && sender->serves_s7, target_serves = target && target->serves_s7;
  if (sender_serves && !target_serves)
    return TRUE;
  return sender && sender->siemens && !(target && target->siemens);
}
