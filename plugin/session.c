/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c — one live diagnosis per opened capture, and its notes per frame (see session.h). */
#include "session.h"

#include <string.h>

#include "engine_live.h"
#include "field_row.h"

static S7Live *live;
static wmem_map_t *frames;        /* frame number -> S7dFrame* (file scope) */
static wmem_map_t *strings;       /* interned "ip:port" strings (file scope) */
static const char *recent[2];     /* the last two interned: a connection's PLC and client */
static S7RowStats row_stats;
/* frame number -> GPtrArray of const S7Finding*: the running engine's notes (pending) and
 * the current snapshot's (settled, the same engine once finished); the snapshot's
 * limitations by frame */
static GHashTable *pending, *settled, *limits;

static GHashTable *note_set(void)
{
  return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                               (GDestroyNotify)g_ptr_array_unref);
}

static void note_add(GHashTable *set, guint32 frame, gconstpointer what)
{
  GPtrArray *a = g_hash_table_lookup(set, GUINT_TO_POINTER(frame));
  if (!a) {
    a = g_ptr_array_new();
    g_hash_table_insert(set, GUINT_TO_POINTER(frame), a);
  }
  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i] == what)
      return;
  g_ptr_array_add(a, (gpointer)what);
}

static const char *intern(const char *s)
{
  if (!s)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS(recent); i++)
    if (recent[i] && !strcmp(recent[i], s))
      return recent[i];
  const char *v = wmem_map_lookup(strings, s);
  if (!v) {
    char *copy = wmem_strdup(wmem_file_scope(), s);
    wmem_map_insert(strings, copy, copy);
    v = copy;
  }
  recent[1] = recent[0];
  recent[0] = v;
  return v;
}

static S7dFrame *frame_get(guint32 num, gboolean create)
{
  S7dFrame *f = wmem_map_lookup(frames, GUINT_TO_POINTER(num));
  if (!f && create) {
    f = wmem_new0(wmem_file_scope(), S7dFrame);
    f->events = wmem_array_new(wmem_file_scope(), sizeof(S7dEvent *));
    wmem_map_insert(frames, GUINT_TO_POINTER(num), f);
  }
  return f;
}

static void on_finding_frame(guint32 frame, const S7Finding *finding, gpointer unused)
{
  (void)unused;
  frame_get(frame, TRUE);
  if (!pending)
    pending = note_set();
  note_add(pending, frame, finding);
}

/* A new running engine announces every frame again */
static void on_restart(gpointer unused)
{
  (void)unused;
  g_clear_pointer(&pending, g_hash_table_unref);
  pending = note_set();
}

/* A request gets its response frame when the response arrives. */
static void link_request(guint32 job_frame, const S7Event *resp, gint64 delta_us)
{
  S7dFrame *f = frame_get(job_frame, FALSE);
  if (!f)
    return;
  guint n = wmem_array_get_count(f->events);
  S7dEvent **evs = (S7dEvent **)wmem_array_get_raw(f->events);
  S7dEvent *fallback = NULL;
  for (guint i = 0; i < n; i++) {
    S7dEvent *e = evs[i];
    if (e->type != S7_EV_S7 || !e->is_request || e->partner_frame)
      continue;
    if (e->pdu_ref == resp->u.s7.pdu_ref) {
      fallback = e;
      break;
    }
    if (!fallback)
      fallback = e;
  }
  if (fallback) {
    fallback->partner_frame = resp->frame;
    fallback->delta_us = delta_us;
  }
}

static void on_event(const S7Event *ev, const S7EventContext *ctx, gpointer unused)
{
  (void)unused;
  S7dEvent *e = wmem_new0(wmem_file_scope(), S7dEvent);
  e->type = ev->type;
  e->from_client = ctx->from_client;
  e->plc = intern(ctx->plc);
  e->client = intern(ctx->client);
  e->calling_len = (guint8)MIN(ctx->calling_tsap_len, S7_TSAP_MAX);
  e->called_len = (guint8)MIN(ctx->called_tsap_len, S7_TSAP_MAX);
  memcpy(e->calling_tsap, ctx->calling_tsap, e->calling_len);
  memcpy(e->called_tsap, ctx->called_tsap, e->called_len);
  e->pdu_size = ctx->pdu_size;
  e->amq_calling = ctx->max_amq_calling;
  e->amq_called = ctx->max_amq_called;
  switch (ev->type) {
  case S7_EV_COTP:
    e->tpdu = ev->u.cotp.tpdu;
    e->cause = ev->u.cotp.cause;
    break;
  case S7_EV_S7: {
    const S7Pdu *p = &ev->u.s7;
    e->rosctr = p->rosctr;
    e->ud_type = p->ud_type;
    e->ud_group = p->ud_group;
    e->ud_subfunc = p->ud_subfunc;
    e->pdu_ref = p->pdu_ref;
    e->function = p->function;
    e->error = p->rosctr == S7_ROSCTR_USERDATA ? p->param_error
                                                : (guint16)(p->err_class << 8 | p->err_code);
    e->is_request = s7_pdu_is_request(p);
    e->is_response = s7_pdu_is_response(p);
    const S7ReqItem *items = e->is_request ? p->items : ctx->job_items;
    guint n_items = e->is_request ? p->n_items : ctx->n_job_items;
    if (e->is_response && ctx->job_frame) {
      e->partner_frame = ctx->job_frame;
      e->delta_us = ev->ts_us - ctx->job_ts_us;
      e->function = ctx->job_function;
      link_request(ctx->job_frame, ev, e->delta_us);
    }
    if (n_items) {
      e->n_items = n_items;
      e->items = wmem_memdup(wmem_file_scope(), items, n_items * sizeof *items);
    }
    if (e->is_response && p->rosctr == S7_ROSCTR_ACK_DATA && p->n_retcodes) {
      e->n_retcodes = p->n_retcodes;
      e->retcodes = wmem_memdup(wmem_file_scope(), p->retcodes, p->n_retcodes);
    }
    break;
  }
  case S7_EV_S7PLUS:
    e->s7plus = wmem_memdup(wmem_file_scope(), &ev->u.s7plus, sizeof ev->u.s7plus);
    break;
  default:
    break;
  }
  wmem_array_append_one(frame_get(ev->frame, TRUE)->events, e);
}

static void feed(const S7Event *ev, gpointer unused)
{
  (void)unused;
  s7_live_feed(live, ev);
}

void s7d_session_start(const S7EngineConfig *cfg)
{
  s7d_session_end();
  live = s7_live_new(cfg);
  s7_live_set_notes(live, on_finding_frame, on_event, on_restart, NULL);
  memset(&row_stats, 0, sizeof row_stats);
  frames = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
  strings = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
  pending = note_set();
}

void s7d_session_end(void)
{
  g_clear_pointer(&live, s7_live_free);
  g_clear_pointer(&pending, g_hash_table_unref);
  g_clear_pointer(&settled, g_hash_table_unref);
  g_clear_pointer(&limits, g_hash_table_unref);
  frames = NULL;     /* file-scope memory is released by epan */
  strings = NULL;
  recent[0] = recent[1] = NULL;
}

void s7d_session_feed_row(const S7FieldRow *row, const S7FieldProfile *profile)
{
  if (live)
    s7_row_to_events(row, profile, &row_stats, feed, NULL);
}

void s7d_session_refresh(void)
{
  if (!live || !s7_live_stale(live))
    return;
  const S7Engine *snap = s7_live_snapshot(live);
  /* the running engine, now finished, is the snapshot: its notes are the settled ones */
  g_clear_pointer(&settled, g_hash_table_unref);
  settled = pending;
  pending = NULL;
  g_clear_pointer(&limits, g_hash_table_unref);
  limits = note_set();
  const GPtrArray *ls = s7_engine_limitations(snap);
  for (guint i = 0; i < ls->len; i++) {
    const S7Limitation *l = g_ptr_array_index(ls, i);
    for (guint k = 0; k < l->frames->len; k++) {
      guint32 num = g_array_index(l->frames, guint32, k);
      frame_get(num, TRUE);
      note_add(limits, num, l);
    }
  }
}

gboolean s7d_session_settled(guint32 frame)
{
  return live && s7_live_current(live) && frame <= s7_live_snapshot_last_frame(live);
}

S7dFrame *s7d_session_frame(guint32 frame)
{
  S7dFrame *f = frames ? frame_get(frame, FALSE) : NULL;
  if (!f)
    return NULL;
  gpointer key = GUINT_TO_POINTER(frame);
  f->provisional = !s7d_session_settled(frame);
  f->findings = f->provisional ? (pending ? g_hash_table_lookup(pending, key) : NULL)
                               : (settled ? g_hash_table_lookup(settled, key) : NULL);
  f->limitations = !f->provisional && limits ? g_hash_table_lookup(limits, key) : NULL;
  if (!f->findings && !f->limitations && wmem_array_get_count(f->events) == 0)
    return NULL;
  return f;
}

const S7Identity *s7d_session_identity(const char *plc)
{
  const S7Engine *e = live ? s7_live_current(live) : NULL;
  const S7Identity *id = e ? s7_engine_plc_identity(e, plc) : NULL;
  return id && (id->order_number[0] || id->cpu_type[0] || id->module_name[0] || id->firmware[0])
         ? id : NULL;
}

const S7EngineStats *s7d_session_stats(void)
{
  return live ? s7_live_stats(live) : NULL;
}
