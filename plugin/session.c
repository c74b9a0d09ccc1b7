/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c — one live diagnosis per opened capture, and its notes per frame (see session.h). */
#include "session.h"

#include <stddef.h>
#include <string.h>

#include "engine_live.h"
#include "s7_address.h"

static S7Live *live;
static GPtrArray *by_frame;       /* each frame's first S7dEvent*, ascending by frame (events
                                     come in frame order): 8 bytes per frame with events */
static S7dEvent *tail;            /* the last event appended, of frame tail_frame */
static guint32 tail_frame;
static wmem_map_t *strings;       /* interned "ip:port" strings (file scope) */
static wmem_map_t *contexts;      /* interned S7dContext (file scope) */
static wmem_map_t *exchanges;     /* S7Exchange id -> the record kept (file scope), while its
                                     job is in flight */
static const char *recent[2];     /* the last two interned: a connection's PLC and client */
static const S7dContext *recent_ctx;
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

/* contexts are compared as bytes up to their texts: built zeroed, strings interned, and
 * without padding */
#define CONTEXT_KEY offsetof(S7dContext, calling_text)
G_STATIC_ASSERT(CONTEXT_KEY == 2 * sizeof(char *) + 2 * S7_TSAP_MAX + 2 + 3 * sizeof(guint16));
static guint context_hash(gconstpointer p)
{
  const guint8 *b = p;
  guint h = 2166136261u;
  for (gsize i = 0; i < CONTEXT_KEY; i++)
    h = (h ^ b[i]) * 16777619u;
  return h;
}

static gboolean context_equal(gconstpointer a, gconstpointer b)
{
  return memcmp(a, b, CONTEXT_KEY) == 0;
}

static const char *tsap_text(const guint8 *tsap, guint len)
{
  if (!len)
    return NULL;
  char *s = s7_tsap_to_string(tsap, len);
  char *v = wmem_strdup(wmem_file_scope(), s);
  g_free(s);
  return v;
}

static const S7dContext *context_of(const S7EventContext *ctx)
{
  S7dContext c;
  memset(&c, 0, sizeof c);
  c.plc = intern(ctx->plc);
  c.client = intern(ctx->client);
  c.calling_len = (guint8)MIN(ctx->calling_tsap_len, S7_TSAP_MAX);
  c.called_len = (guint8)MIN(ctx->called_tsap_len, S7_TSAP_MAX);
  memcpy(c.calling_tsap, ctx->calling_tsap, c.calling_len);
  memcpy(c.called_tsap, ctx->called_tsap, c.called_len);
  c.pdu_size = ctx->pdu_size;
  c.amq_calling = ctx->max_amq_calling;
  c.amq_called = ctx->max_amq_called;
  if (recent_ctx && context_equal(recent_ctx, &c))
    return recent_ctx;
  const S7dContext *v = wmem_map_lookup(contexts, &c);
  if (!v) {
    S7dContext *copy = wmem_memdup(wmem_file_scope(), &c, sizeof c);
    copy->calling_text = tsap_text(c.calling_tsap, c.calling_len);
    copy->called_text = tsap_text(c.called_tsap, c.called_len);
    copy->called = s7_decode_tsap(c.called_tsap, c.called_len);
    wmem_map_insert(contexts, copy, copy);
    v = copy;
  }
  recent_ctx = v;
  return v;
}

#define FIRST(i) ((S7dEvent *)g_ptr_array_index(by_frame, (i)))

/* The index of frame's first event in by_frame, or where it would go (*found FALSE) */
static guint frame_index(guint32 frame, gboolean *found)
{
  guint lo = 0, hi = by_frame->len;
  if (hi && FIRST(hi - 1)->frame <= frame)   /* the newest frame, most of the time */
    lo = hi - 1;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (FIRST(mid)->frame < frame)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < by_frame->len && FIRST(lo)->frame == frame;
  return lo;
}

static S7dEvent *first_event(guint32 frame)
{
  if (!by_frame)
    return NULL;
  gboolean found;
  guint i = frame_index(frame, &found);
  return found ? FIRST(i) : NULL;
}

/* Events come in frame order: to the newest frame's, or a new newest frame */
static void frame_append(guint32 frame, S7dEvent *e)
{
  e->frame = frame;
  guint n = by_frame->len;
  if (tail && frame == tail_frame) {
    tail->next = e;
  } else if (n == 0 || FIRST(n - 1)->frame < frame) {
    g_ptr_array_add(by_frame, e);
  } else {   /* an older frame (not seen from the engine today): kept in order all the same */
    gboolean found;
    guint i = frame_index(frame, &found);
    if (found) {
      S7dEvent *t = FIRST(i);
      while (t->next)
        t = t->next;
      t->next = e;
    } else {
      g_ptr_array_insert(by_frame, (gint)i, e);
    }
  }
  tail = e;
  tail_frame = frame;
}

static void on_finding_frame(guint32 frame, const S7Finding *finding, gpointer unused)
{
  (void)unused;
  if (!pending)
    pending = note_set();
  note_add(pending, frame, finding);
}

/* At a snapshot the running engine is finished (its notes, with the finish's, become the
 * settled ones) and a copy goes on: the provisional notes so far, for the copy's findings */
static GHashTable *forked;

static void on_fork(GHashTable *successors, gpointer unused)
{
  (void)unused;
  g_clear_pointer(&forked, g_hash_table_unref);
  forked = note_set();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, pending);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const GPtrArray *a = v;
    for (guint i = 0; i < a->len; i++) {
      gconstpointer next = g_hash_table_lookup(successors, a->pdata[i]);
      if (next)
        note_add(forked, GPOINTER_TO_UINT(k), next);
    }
  }
}

/* The engine's record of an exchange, kept in file scope: the one of the job's frame when the
 * engine keeps it (its id), a new one for an event of its own. The engine's copy is the truth:
 * what the response adds (its frame, time, error, results) is copied in. */
static const S7Exchange *exchange_keep(const S7Exchange *from)
{
  S7Exchange *x = from->id ? wmem_map_lookup(exchanges, &from->id) : NULL;
  if (!x) {
    x = wmem_new(wmem_file_scope(), S7Exchange);
    *x = *from;
    x->items = from->n_items ? wmem_memdup(wmem_file_scope(), from->items, from->n_items * sizeof *from->items) : NULL;
    x->results = NULL;
    x->n_results = 0;
    if (from->id)
      wmem_map_insert(exchanges, &x->id, x);
  }
  if (from->response_frame && !x->response_frame) {
    x->response_frame = from->response_frame;
    x->response_ts_us = from->response_ts_us;
    x->error = from->error;
    x->n_results = from->n_results;
    x->results = from->n_results ? wmem_memdup(wmem_file_scope(), from->results, from->n_results) : NULL;
    /* answered: the engine lets the exchange go, no event names its id again; the events that
     * point at the record keep it, the lookup needs only the exchanges in flight */
    if (from->id)
      wmem_map_remove(exchanges, &x->id);
  }
  return x;
}

static void on_event(const S7Event *ev, const S7EventContext *ctx, gpointer unused)
{
  (void)unused;
  S7dEvent *e = wmem_new0(wmem_file_scope(), S7dEvent);
  e->type = (guint8)ev->type;
  e->from_client = ctx->from_client != 0;
  e->ctx = context_of(ctx);
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
    e->error = s7_pdu_error(p);
    e->is_request = s7_pdu_is_request(p);
    e->is_response = s7_pdu_is_response(p);
    if ((e->is_request || e->is_response) && ctx->exchange) {
      e->exchange = exchange_keep(ctx->exchange);
      if (e->is_response && e->exchange->job_frame)
        e->function = e->exchange->function;   /* the job's */
    }
    break;
  }
  case S7_EV_S7PLUS:
    e->s7plus = wmem_memdup(wmem_file_scope(), &ev->u.s7plus, sizeof ev->u.s7plus);
    break;
  default:
    break;
  }
  frame_append(ev->frame, e);
}

void s7d_session_start(const S7EngineConfig *cfg)
{
  s7d_session_end();
  live = s7_live_new(cfg);
  s7_live_set_notes(live, on_finding_frame, on_event, on_fork, NULL);
  by_frame = g_ptr_array_new();
  strings = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
  contexts = wmem_map_new(wmem_file_scope(), context_hash, context_equal);
  exchanges = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
  pending = note_set();
}

void s7d_session_end(void)
{
  g_clear_pointer(&live, s7_live_free);
  g_clear_pointer(&pending, g_hash_table_unref);
  g_clear_pointer(&forked, g_hash_table_unref);
  g_clear_pointer(&settled, g_hash_table_unref);
  g_clear_pointer(&limits, g_hash_table_unref);
  g_clear_pointer(&by_frame, g_ptr_array_unref);
  strings = contexts = exchanges = NULL;     /* file-scope memory is released by epan */
  recent[0] = recent[1] = NULL;
  recent_ctx = NULL;
  tail = NULL;
  tail_frame = 0;
}

void s7d_session_feed(const S7Event *ev)
{
  if (live)
    s7_live_feed(live, ev);
}

void s7d_session_refresh(void)
{
  if (!live || !s7_live_stale(live))
    return;
  const S7Engine *snap = s7_live_snapshot(live);
  /* the running engine, now finished, is the snapshot: its notes are the settled ones; its
   * copy's go on */
  g_clear_pointer(&settled, g_hash_table_unref);
  settled = pending;
  pending = g_steal_pointer(&forked);
  g_clear_pointer(&limits, g_hash_table_unref);
  limits = note_set();
  const GPtrArray *ls = s7_engine_limitations(snap);
  for (guint i = 0; i < ls->len; i++) {
    const S7Limitation *l = g_ptr_array_index(ls, i);
    for (guint k = 0; k < l->frames->len; k++) {
      guint32 num = g_array_index(l->frames, guint32, k);
      note_add(limits, num, l);
    }
  }
}

gboolean s7d_session_settled(guint32 frame)
{
  return live && s7_live_current(live) && frame <= s7_live_snapshot_last_frame(live);
}

S7dFrame *s7d_session_frame(guint32 frame, wmem_allocator_t *scope)
{
  if (!live)
    return NULL;
  gpointer key = GUINT_TO_POINTER(frame);
  gboolean provisional = !s7d_session_settled(frame);
  const GPtrArray *findings = provisional ? (pending ? g_hash_table_lookup(pending, key) : NULL)
                                          : (settled ? g_hash_table_lookup(settled, key) : NULL);
  const GPtrArray *limitations = !provisional && limits ? g_hash_table_lookup(limits, key) : NULL;
  const S7dEvent *events = first_event(frame);
  if (!findings && !limitations && !events)
    return NULL;
  S7dFrame *f = wmem_new0(scope, S7dFrame);
  f->events = events;
  for (const S7dEvent *e = events; e; e = e->next)
    f->n_events++;
  f->findings = findings;
  f->limitations = limitations;
  f->provisional = provisional;
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
