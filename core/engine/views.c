/* SPDX-License-Identifier: GPL-2.0-or-later */
/* views.c — the inventory as the results show it, made from the records at finish (see
 * views.h): the connections in order, the DBs and areas accessed, every PLC with its identity
 * and the hosts that reached it. */
#include "views.h"

#include <string.h>

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

static gint cmp_peer(gconstpointer pa, gconstpointer pb)
{
  return g_strcmp0((*(S7Peer *const *)pa)->host, (*(S7Peer *const *)pb)->host);
}

static gint cmp_plc(gconstpointer pa, gconstpointer pb)
{
  return g_strcmp0((*(S7PlcSummary *const *)pa)->plc, (*(S7PlcSummary *const *)pb)->plc);
}

/* Every PLC with its identity and the hosts that reached its S7 port */
GPtrArray *s7_view_plcs(const Records *r, const S7EngineConfig *cfg)
{
  GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)plc_summary_free);
  g_autoptr(GHashTable) by_plc = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->pairs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    PairRecord *p = v;
    g_autofree char *target = s7_endpoint_host(p->plc);
    if (!p->listed && s7_hosts_plc_initiated(s7_host_lookup(r, p->client_ip), s7_host_lookup(r, target)))
      continue;   /* a PLC's attempts at a configured connection to a partner: the partner is no PLC */
    S7PlcSummary *s = g_hash_table_lookup(by_plc, p->plc);
    if (!s) {
      s = g_new0(S7PlcSummary, 1);
      s->plc = g_strdup(p->plc);
      s->peers = g_ptr_array_new_with_free_func((GDestroyNotify)peer_free);
      const PlcRecord *pc = s7_plc_lookup(r, p->plc);
      if (pc)
        s->identity = pc->identity;
      s->family = s7_plc_family(s->identity.order_number);
      g_hash_table_insert(by_plc, s->plc, s);
      g_ptr_array_add(list, s);
    }
    S7Peer *peer = g_new0(S7Peer, 1);
    peer->host = g_strdup(p->client_ip);
    peer->connections = p->listed;   /* as many as the Connections table lists for it */
    peer->read_jobs = p->read_jobs;
    peer->write_jobs = p->write_jobs;
    peer->control_jobs = p->control_jobs;
    peer->other_jobs = p->other_jobs;
    peer->needed = s7_access_needed(p);
    if (cfg->partners) {
      g_autofree char *plc_ip = s7_endpoint_host(p->plc);
      peer->granted = s7_partners_access(cfg->partners, p->client_ip, plc_ip, NULL);
    }
    g_ptr_array_add(s->peers, peer);
  }
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_sort(((S7PlcSummary *)g_ptr_array_index(list, i))->peers, cmp_peer);
  g_ptr_array_sort(list, cmp_plc);
  return list;
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

void s7_view_connections(Records *r)
{
  g_ptr_array_sort(r->listed, cmp_summary);
}

GPtrArray *s7_view_areas(Records *r)
{
  GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)s7_area_summary_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->areas);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_ptr_array_add(list, v);
    g_hash_table_iter_steal(&it);
    s7_area_key_free(k);
  }
  g_ptr_array_sort(list, cmp_area);
  return list;
}
