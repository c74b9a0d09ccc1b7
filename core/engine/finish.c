/* SPDX-License-Identifier: GPL-2.0-or-later */
/* finish.c — the end of a capture (or a live snapshot's copy of it): every live connection's end
 * hooks (the same as when one closes: ends.c), the capture-wide rules (the PLCs' closes, write
 * conflicts, reconnect storms, the partner list), then each finding's texts from its facts and a
 * read-only view of the records, and the inventory, areas, PLCs and limitations as views. */
#include <string.h>

#include "engine_struct.h"
#include "rules.h"
#include "texts.h"
#include "views.h"

/* A table's string keys in order: what finish makes from a table must not depend on how the
 * table was filled (a live snapshot finishes an engine's copy, built in another order) */
static GList *sorted_keys(GHashTable *t)
{
  return g_list_sort(g_hash_table_get_keys(t), (GCompareFunc)strcmp);
}

static gint cmp_conn_seq(gconstpointer pa, gconstpointer pb)
{
  const Conn *a = pa, *b = pb;
  return a->seqno < b->seqno ? -1 : a->seqno > b->seqno;
}

/* What a finding's texts may read of the records */
static TextView text_view(const S7Engine *e, const Agg *a)
{
  g_autofree char *plc_host = s7_endpoint_host(a->f->plc);
  return (TextView){
    .cfg = &e->cfg,
    .capture_end = e->last_ts,
    .plc = s7_plc_lookup(&e->rec, a->f->plc),
    .pair = s7_pair_lookup(&e->rec, a->client_ip, a->f->plc),
    .client_host = s7_host_lookup(&e->rec, a->client_ip),
    .plc_host = s7_host_lookup(&e->rec, plc_host),
  };
}

/* Every finding gets its texts, evidence order and filter; the results are a sorted view of the
 * findings under construction (which stay their owners) */
static GPtrArray *settle_findings(S7Engine *e)
{
  GPtrArray *list = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->fs.aggs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    Agg *a = v;
    s7_agg_settle(a);
    TextView view = text_view(e, a);
    s7_finding_texts(&view, a);
    g_free(a->f->filter);
    a->f->filter = s7_agg_filter(a);
    g_ptr_array_add(list, a->f);
  }
  g_ptr_array_sort(list, s7_finding_cmp);
  return list;
}

void s7_engine_finish(S7Engine *e)
{
  if (e->finished)
    return;
  Ctx x = s7_engine_ctx(e);
  s7_rule_leaks(&x, e->last_ts);
  /* live connections end in the order they appeared, so results are deterministic */
  GList *live = g_list_sort(g_hash_table_get_values(e->rec.conns), cmp_conn_seq);
  for (GList *l = live; l; l = l->next)
    s7_conn_end(&x, l->data, e->last_ts);
  g_list_free(live);
  g_autoptr(GList) plcs = sorted_keys(e->rec.plcs);
  for (GList *k = plcs; k; k = k->next) {
    PlcRecord *p = g_hash_table_lookup(e->rec.plcs, k->data);
    s7_rule_plc_closes(&x, k->data, p);
    s7_rule_write_conflicts(&x, k->data, p);
  }
  s7_rule_pairs(&x);
  s7_rule_partners(&x);
  e->findings = settle_findings(e);
  s7_view_connections(&e->rec);
  e->area_list = s7_view_areas(&e->rec);
  e->plc_list = s7_view_plcs(&e->rec, &e->cfg);
  e->limitations = s7_quality_limitations(&e->quality);
  e->finished = TRUE;
}
