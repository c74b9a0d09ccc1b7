/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules_capture.c — what needs the whole capture (see rules.h): many connection starts of one
 * client to one PLC (reconnect-storm, or a clean connect per poll), and the segmentation audit:
 * every host that reached a PLC's S7 port against the partner list. */
#include <string.h>

#include "rules.h"

/* A table's string keys in order: what finish makes from a table must not depend on how the
 * table was filled (a live snapshot finishes an engine's copy, built in another order) */
static GList *sorted_keys(GHashTable *t)
{
  return g_list_sort(g_hash_table_get_keys(t), (GCompareFunc)strcmp);
}

/* Connections left open: at the capture's end, a client's connections to one PLC that carried
 * an ISO connection or S7, were never closed (no FIN, RST or DR) and have been idle at least
 * LEAK_IDLE_US, two or more, and the client opened a connection to the PLC after one of them
 * went idle (it did not come back to it) */
#define LEAK_IDLE_US (10 * G_USEC_PER_SEC)

/* When the connection was last used: its last S7 PDU (TCP keep-alives do not count) */
static gint64 last_use(const Conn *c)
{
  return c->n_s7 ? c->last_s7_ts : c->last_ts;
}

static gint cmp_conn_start(gconstpointer pa, gconstpointer pb)
{
  const Conn *a = *(Conn *const *)pa, *b = *(Conn *const *)pb;
  return a->seqno < b->seqno ? -1 : a->seqno > b->seqno;
}

void s7_rule_leaks(Ctx *x, gint64 capture_end)
{
  g_autoptr(GHashTable) by_pair = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                        (GDestroyNotify)g_ptr_array_unref);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, x->rec->conns);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    Conn *c = v;
    if (c->ended || !(c->cc_seen || c->n_s7) || capture_end - last_use(c) < LEAK_IDLE_US)
      continue;
    PairRecord *p = s7_conn_pair(x->rec, c);
    GPtrArray *list = g_hash_table_lookup(by_pair, p);
    if (!list)
      g_hash_table_insert(by_pair, p, list = g_ptr_array_new());
    g_ptr_array_add(list, c);
  }
  g_autoptr(GList) keys = sorted_keys(x->rec->pairs);
  for (GList *l = keys; l; l = l->next) {
    PairRecord *p = g_hash_table_lookup(x->rec->pairs, l->data);
    GPtrArray *list = g_hash_table_lookup(by_pair, p);
    if (!list || list->len < 2)
      continue;
    g_ptr_array_sort(list, cmp_conn_start);
    const Conn *first = g_ptr_array_index(list, 0);
    if (p->last_ts <= last_use(first))
      continue;   /* no connection started after the first went idle */
    p->leaked = TRUE;
    for (guint i = 0; i < list->len; i++) {
      Conn *c = g_ptr_array_index(list, i);
      Agg *a = s7_conn_finding(x->fs, c, S7K_LEAKED_CONNECTIONS, NULL);   /* one per pair */
      if (!a->x.leaked)
        a->x.idle_min_us = G_MAXINT64;
      a->x.leaked++;
      gint64 idle = capture_end - last_use(c);
      a->x.idle_min_us = MIN(a->x.idle_min_us, idle);
      a->x.idle_max_us = MAX(a->x.idle_max_us, idle);
      s7_agg_add_frame(x->fs, a, c->first_frame, c->start_ts);
      s7_agg_span(a, c->start_ts, last_use(c));
    }
  }
}

/* Many connection starts of one client to one PLC: a finding whose facts are the pair's */
void s7_rule_pairs(Ctx *x)
{
  g_autoptr(GList) keys = sorted_keys(x->rec->pairs);
  for (GList *k = keys; k; k = k->next) {
    PairRecord *p = g_hash_table_lookup(x->rec->pairs, k->data);
    if (p->connections < x->cfg->storm_min_connections)
      continue;
    /* connections open at once because the client left them open are leaked-connections */
    gboolean storm = p->refused + p->abandoned > 0 || (p->open_peak >= 3 && !p->leaked);
    gboolean per_poll = p->short_clean == p->connections;
    if (!storm && !per_poll)
      continue;
    Agg *a = s7_agg_get(x->fs, S7K_RECONNECT_STORM, p->plc, p->client_ip, p->client_ip, NULL, NULL);
    a->x.pair = p;
    a->f->occurrences = p->connections;
    for (guint i = 0; i < p->n_frames; i++)
      s7_agg_add_frame(x->fs, a, p->frames[i], p->frame_ts[i]);
    s7_agg_span(a, p->first_ts, p->last_ts);   /* every connection start, past the evidence */
  }
}

/* The segmentation audit: every host that reached a PLC's S7 port against the partner list */
void s7_rule_partners(Ctx *x)
{
  if (!x->cfg->partners)
    return;
  g_autoptr(GList) keys = sorted_keys(x->rec->pairs);
  for (GList *k = keys; k; k = k->next) {
    PairRecord *p = g_hash_table_lookup(x->rec->pairs, k->data);
    g_autofree char *plc_ip = s7_endpoint_host(p->plc);
    guint line = 0;
    S7Access granted = s7_partners_access(x->cfg->partners, p->client_ip, plc_ip, &line);
    S7Access needed = s7_access_needed(p);
    if (granted >= needed)
      continue;
    const char *detail = granted == S7_ACCESS_NONE ? "not allowed"
                         : granted == S7_ACCESS_READ_ONLY ? "beyond read-only" : "beyond read-write";
    Agg *a = s7_agg_get(x->fs, S7K_UNEXPECTED_PARTNER, p->plc, p->client_ip, p->client_ip, detail, NULL);
    a->x.pair = p;
    a->x.granted = granted;
    a->x.needed = needed;
    a->x.rule_line = line;
    a->f->occurrences = p->connections ? p->connections : 1;
    /* the evidence: what went beyond the list first, then the connection starts */
    if (needed == S7_ACCESS_FULL)
      s7_agg_add_frame(x->fs, a, p->first_control_frame, p->first_control_ts);
    if (needed >= S7_ACCESS_READ_WRITE && p->first_write_frame)
      s7_agg_add_frame(x->fs, a, p->first_write_frame, p->first_write_ts);
    if (granted == S7_ACCESS_NONE && p->first_read_frame)
      s7_agg_add_frame(x->fs, a, p->first_read_frame, p->first_read_ts);
    for (guint i = 0; i < p->n_frames && i < 4; i++)
      s7_agg_add_frame(x->fs, a, p->frames[i], p->frame_ts[i]);
  }
}

