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

/* Many connection starts of one client to one PLC: a finding whose facts are the pair's */
void s7_rule_pairs(Ctx *x)
{
  g_autoptr(GList) keys = sorted_keys(x->rec->pairs);
  for (GList *k = keys; k; k = k->next) {
    PairRecord *p = g_hash_table_lookup(x->rec->pairs, k->data);
    if (p->connections < x->cfg->storm_min_connections)
      continue;
    gboolean storm = p->refused + p->abandoned > 0 || p->open_peak >= 3;
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

