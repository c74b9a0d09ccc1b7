/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_clone.c — a running engine's copy (see s7_engine_clone in engine_state.h): every
 * connection, PLC, client/PLC pair, finding under construction, inventory entry and capture
 * quality count, so the copy goes on as the original would. A field added to the engine's
 * state (engine_state.h, engine_conn.h, engine_agg.h, capture_quality.h) is copied here. */
#include <string.h>

#include "engine_state.h"

static GHashTable *copy_string_set(GHashTable *to, GHashTable *from)
{
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, from);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_hash_table_add(to, g_strdup(k));
  return to;
}

/* string -> number (a pointer's worth) */
static void copy_string_counts(GHashTable *to, GHashTable *from)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, from);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(to, g_strdup(k), v);
}

static S7Finding *copy_finding(const S7Finding *f)
{
  S7Finding *n = g_memdup2(f, sizeof *f);
  n->plc = g_strdup(f->plc);
  n->client = g_strdup(f->client);
  n->code = g_strdup(f->code);
  n->detail = g_strdup(f->detail);
  n->title = g_strdup(f->title);
  n->explanation = g_strdup(f->explanation);
  n->action = g_strdup(f->action);
  n->client_says = g_strdup(f->client_says);
  n->filter = g_strdup(f->filter);
  n->confidence_reason = g_strdup(f->confidence_reason);
  if (f->frames) {
    n->frames = g_array_sized_new(FALSE, FALSE, sizeof(guint32), f->frames->len);
    g_array_append_vals(n->frames, f->frames->data, f->frames->len);
  }
  return n;
}

static void copy_plc(S7Engine *to, const char *plc, const PlcContext *p)
{
  PlcContext *n = s7_plc_context(to, plc);   /* new, with its tables */
  n->identity = p->identity;
  g_array_append_vals(n->writes, p->writes->data, p->writes->len);
  for (guint i = 0; i < p->burst->len; i++) {
    PlcClose c = g_array_index(p->burst, PlcClose, i);
    c.client_ip = g_strdup(c.client_ip);
    c.client_s = g_strdup(c.client_s);
    c.conn_key = g_strdup(c.conn_key);
    g_array_append_val(n->burst, c);
  }
  n->data_jobs = p->data_jobs;
  n->data_jobs_8104 = p->data_jobs_8104;
  n->data_jobs_ok = p->data_jobs_ok;
  copy_string_set(n->data_clients, p->data_clients);
  n->szl_ok = p->szl_ok;
  n->live_iso = p->live_iso;
  copy_string_counts(n->tsap_ok, p->tsap_ok);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, p->db_ok);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(n->db_ok, k, g_memdup2(v, sizeof(DbAccess)));
}

static Conn *copy_conn(const Conn *c, GHashTable *aggs)
{
  Conn *n = g_memdup2(c, sizeof *c);
  n->key = g_strdup(c->key);
  n->hkey.plc = &n->plc;
  n->hkey.client = &n->client;
  n->plc_s = g_strdup(c->plc_s);
  n->client_s = g_strdup(c->client_s);
  g_queue_init(&n->jobs);
  for (GList *l = c->jobs.head; l; l = l->next) {
    const Job *j = l->data;
    Job *nj = g_memdup2(j, sizeof *j);
    nj->items = j->n_items ? g_memdup2(j->items, j->n_items * sizeof *j->items) : NULL;
    g_queue_push_tail(&n->jobs, nj);
  }
  g_queue_init(&n->early);
  for (GList *l = c->early.head; l; l = l->next)
    g_queue_push_tail(&n->early, g_memdup2(l->data, sizeof(EarlyResponse)));
  n->s7plus_first_error = c->s7plus_first_error ? g_hash_table_lookup(aggs, c->s7plus_first_error) : NULL;
  n->err_agg = c->err_agg ? g_hash_table_lookup(aggs, c->err_agg) : NULL;
  n->plc_ctx = n->pair_ctx = NULL;   /* looked up again when needed */
  return n;
}

S7Engine *s7_engine_clone(const S7Engine *e, GHashTable *successors)
{
  g_return_val_if_fail(!e->finished, NULL);
  S7Engine *n = s7_engine_new(&e->cfg);
  GHashTableIter it;
  gpointer k, v;

  /* client/PLC pairs first: findings point at theirs */
  GHashTable *pairs = g_hash_table_new(g_direct_hash, g_direct_equal);   /* old -> new */
  g_hash_table_iter_init(&it, e->pairs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const PairContext *p = v;
    PairContext *np = g_memdup2(p, sizeof *p);
    np->client_ip = g_strdup(p->client_ip);
    np->plc = g_strdup(p->plc);
    g_hash_table_insert(n->pairs, g_strdup(k), np);
    g_hash_table_insert(pairs, v, np);
  }

  /* findings under construction: connections point at theirs */
  GHashTable *aggs = g_hash_table_new(g_direct_hash, g_direct_equal);    /* old -> new */
  g_hash_table_iter_init(&it, e->aggs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const Agg *a = v;
    Agg *na = g_memdup2(a, sizeof *a);
    na->f = copy_finding(a->f);
    na->client_ip = g_strdup(a->client_ip);
    na->conn_keys = copy_string_set(g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                                    a->conn_keys);
    na->x.called_tsap = g_strdup(a->x.called_tsap);
    na->x.consequence_functions = g_strdup(a->x.consequence_functions);
    na->x.pair = a->x.pair ? g_hash_table_lookup(pairs, a->x.pair) : NULL;
    g_hash_table_insert(n->aggs, g_strdup(k), na);
    g_hash_table_insert(aggs, v, na);
    if (successors)
      g_hash_table_insert(successors, a->f, na->f);
  }
  copy_string_counts(n->agg_counts, e->agg_counts);

  g_hash_table_iter_init(&it, e->conns);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    Conn *c = copy_conn(v, aggs);
    g_hash_table_insert(n->conns, &c->hkey, c);
  }
  n->conn_seq = e->conn_seq;

  g_hash_table_iter_init(&it, e->plcs);
  while (g_hash_table_iter_next(&it, &k, &v))
    copy_plc(n, k, v);
  copy_string_set(n->s7_servers, e->s7_servers);
  copy_string_set(n->siemens_hosts, e->siemens_hosts);

  for (guint i = 0; i < e->listed->len; i++) {
    const S7ConnSummary *s = g_ptr_array_index(e->listed, i);
    S7ConnSummary *ns = g_memdup2(s, sizeof *s);
    ns->client = g_strdup(s->client);
    ns->plc = g_strdup(s->plc);
    ns->calling_tsap = g_strdup(s->calling_tsap);
    ns->called_tsap = g_strdup(s->called_tsap);
    g_ptr_array_add(n->listed, ns);
  }
  n->not_listed = e->not_listed;

  g_hash_table_iter_init(&it, e->areas);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const AreaKey *ak = k;
    const S7AreaSummary *a = v;
    S7AreaSummary *na = g_memdup2(a, sizeof *a);
    na->plc = g_strdup(a->plc);
    na->area = g_strdup(a->area);
    AreaKey *nk = g_new(AreaKey, 1);
    nk->plc = na->plc;
    nk->area = ak->area;
    g_hash_table_insert(n->areas, nk, na);
  }

  s7_quality_copy(&n->quality, &e->quality);
  n->stats = e->stats;
  n->last_ts = e->last_ts;
  g_hash_table_unref(pairs);
  g_hash_table_unref(aggs);
  return n;
}
