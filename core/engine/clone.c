/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clone.c — a running engine's copy (s7_engine_clone, engine.h): every record (connections,
 * PLCs, client/PLC pairs, hosts, areas, the inventory so far), every finding under construction
 * and the capture's quality counts, so the copy goes on as the original would. Records point at
 * each other with typed pointers; the copy points at the copies (a map of old to new per kind
 * of record). A field added to a record is copied here. */
#include <string.h>

#include "engine_struct.h"

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

static PlcRecord *copy_plc(Records *to, const char *plc, const PlcRecord *p)
{
  PlcRecord *n = s7_plc_record(to, plc);   /* new, with its tables */
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
  return n;
}

/* old record -> its copy */
typedef struct {
  GHashTable *plcs, *pairs, *aggs;
} Copies;

static gpointer copy_of(GHashTable *map, gconstpointer old)
{
  return old ? g_hash_table_lookup(map, old) : NULL;
}

static Conn *copy_conn(const Conn *c, const Copies *m)
{
  Conn *n = g_memdup2(c, sizeof *c);
  n->key = g_strdup(c->key);
  n->hkey.plc = &n->plc;
  n->hkey.client = &n->client;
  n->plc_s = g_strdup(c->plc_s);
  n->client_s = g_strdup(c->client_s);
  g_queue_init(&n->jobs);
  for (GList *l = c->jobs.head; l; l = l->next) {
    const S7Exchange *j = l->data;
    S7Exchange *nj = g_memdup2(j, sizeof *j);
    nj->items = j->n_items ? g_memdup2(j->items, j->n_items * sizeof *j->items) : NULL;
    g_queue_push_tail(&n->jobs, nj);
  }
  g_queue_init(&n->early);
  for (GList *l = c->early.head; l; l = l->next)
    g_queue_push_tail(&n->early, g_memdup2(l->data, sizeof(EarlyResponse)));
  n->slow = c->slow ? g_array_copy(c->slow) : NULL;
  n->plc_rec = copy_of(m->plcs, c->plc_rec);
  n->pair_rec = copy_of(m->pairs, c->pair_rec);
  n->s7plus_first_error = copy_of(m->aggs, c->s7plus_first_error);
  n->err_agg = copy_of(m->aggs, c->err_agg);
  return n;
}

static void copy_records(Records *to, const Records *r, Copies *m)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->plcs);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_hash_table_insert(m->plcs, v, copy_plc(to, k, v));
  g_hash_table_iter_init(&it, r->pairs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const PairRecord *p = v;
    PairRecord *np = g_memdup2(p, sizeof *p);
    np->client_ip = g_strdup(p->client_ip);
    np->plc = g_strdup(p->plc);
    g_hash_table_insert(to->pairs, g_strdup(k), np);
    g_hash_table_insert(m->pairs, v, np);
  }
  g_hash_table_iter_init(&it, r->hosts);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const HostRecord *h = v;
    HostRecord *nh = s7_host_record(to, h->ip);
    nh->serves_s7 = h->serves_s7;
    nh->siemens = h->siemens;
  }
  g_hash_table_iter_init(&it, r->areas);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const AreaKey *ak = k;
    const S7AreaSummary *a = v;
    S7AreaSummary *na = g_memdup2(a, sizeof *a);
    na->plc = g_strdup(a->plc);
    na->area = g_strdup(a->area);
    AreaKey *nk = g_new(AreaKey, 1);
    nk->plc = na->plc;
    nk->area = ak->area;
    g_hash_table_insert(to->areas, nk, na);
  }
  for (guint i = 0; i < r->listed->len; i++) {
    const S7ConnSummary *s = g_ptr_array_index(r->listed, i);
    S7ConnSummary *ns = g_memdup2(s, sizeof *s);
    ns->client = g_strdup(s->client);
    ns->plc = g_strdup(s->plc);
    ns->calling_tsap = g_strdup(s->calling_tsap);
    ns->called_tsap = g_strdup(s->called_tsap);
    g_ptr_array_add(to->listed, ns);
  }
  to->not_listed = r->not_listed;
  to->conn_seq = r->conn_seq;
  to->exchange_seq = r->exchange_seq;   /* the copy's exchanges are new records */
}

static void copy_findings(Findings *to, const Findings *fs, Copies *m, GHashTable *successors)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, fs->aggs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const Agg *a = v;
    Agg *na = g_memdup2(a, sizeof *a);
    na->f = s7_finding_copy(a->f);
    na->client_ip = g_strdup(a->client_ip);
    na->conn_keys = copy_string_set(g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                                    a->conn_keys);
    na->x.called_tsap = g_strdup(a->x.called_tsap);
    na->x.consequence_functions = g_strdup(a->x.consequence_functions);
    na->x.pair = copy_of(m->pairs, a->x.pair);
    g_hash_table_insert(to->aggs, g_strdup(k), na);
    g_hash_table_insert(m->aggs, v, na);
    if (successors)
      g_hash_table_insert(successors, a->f, na->f);
  }
  copy_string_counts(to->agg_counts, fs->agg_counts);
}

S7Engine *s7_engine_clone(const S7Engine *e, GHashTable *successors)
{
  g_return_val_if_fail(!e->finished, NULL);
  S7Engine *n = s7_engine_new(&e->cfg);
  Copies m = { g_hash_table_new(g_direct_hash, g_direct_equal), g_hash_table_new(g_direct_hash, g_direct_equal),
               g_hash_table_new(g_direct_hash, g_direct_equal) };
  copy_records(&n->rec, &e->rec, &m);
  copy_findings(&n->fs, &e->fs, &m, successors);   /* connections point at findings */
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->rec.conns);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    Conn *c = copy_conn(v, &m);
    g_hash_table_insert(n->rec.conns, &c->hkey, c);
  }
  s7_quality_copy(&n->quality, &e->quality);
  n->stats = e->stats;
  n->last_ts = e->last_ts;
  g_hash_table_unref(m.plcs);
  g_hash_table_unref(m.pairs);
  g_hash_table_unref(m.aggs);
  return n;
}
