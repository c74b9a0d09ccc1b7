/* SPDX-License-Identifier: GPL-2.0-or-later */
/* live.c — a running engine and its snapshots (see engine_live.h). */
#include "engine_live.h"

struct S7Live {
  S7EngineConfig cfg;
  S7Engine *running;        /* fed now */
  S7Engine *snapshot;       /* finished; what the front end shows */
  guint32 snapshot_last_frame;
  guint64 n_events, n_at_snapshot;
  guint32 last_frame;
  gint64 capture_end, end_at_snapshot;
  S7FrameNoteFunc frame_fn;
  S7EventNoteFunc event_fn;
  S7LiveForkFunc fork_fn;
  gpointer note_data;
};

S7Live *s7_live_new(const S7EngineConfig *cfg)
{
  S7Live *l = g_new0(S7Live, 1);
  if (cfg)
    l->cfg = *cfg;
  else
    s7_engine_config_init(&l->cfg);
  l->running = s7_engine_new(&l->cfg);
  return l;
}

void s7_live_free(S7Live *l)
{
  if (!l)
    return;
  s7_engine_free(l->running);
  if (l->snapshot)
    s7_engine_free(l->snapshot);
  g_free(l);
}

static void set_notes(S7Live *l, S7Engine *e)
{
  s7_engine_set_frame_note(e, l->frame_fn, l->note_data);
  s7_engine_set_event_note(e, l->event_fn, l->note_data);
}

void s7_live_set_notes(S7Live *l, S7FrameNoteFunc frame_fn, S7EventNoteFunc event_fn,
                       S7LiveForkFunc fork_fn, gpointer user_data)
{
  l->frame_fn = frame_fn;
  l->event_fn = event_fn;
  l->fork_fn = fork_fn;
  l->note_data = user_data;
  set_notes(l, l->running);
}

void s7_live_feed(S7Live *l, const S7Event *ev)
{
  s7_engine_feed(l->running, ev);
  l->n_events++;
  l->last_frame = MAX(l->last_frame, ev->frame);
}

void s7_live_set_capture_end(S7Live *l, gint64 ts_us)
{
  l->capture_end = ts_us;
}

gboolean s7_live_stale(const S7Live *l)
{
  return !l->snapshot || l->n_events != l->n_at_snapshot || l->capture_end != l->end_at_snapshot;
}

const S7Engine *s7_live_snapshot(S7Live *l)
{
  if (!s7_live_stale(l))
    return l->snapshot;
  /* the copy goes on; the original, which heard every event, is finished */
  GHashTable *successors = l->fork_fn ? g_hash_table_new(g_direct_hash, g_direct_equal) : NULL;
  S7Engine *next = s7_engine_clone(l->running, successors);
  if (l->fork_fn)
    l->fork_fn(successors, l->note_data);
  if (successors)
    g_hash_table_unref(successors);
  if (l->capture_end)
    s7_engine_set_capture_end(l->running, l->capture_end);
  s7_engine_finish(l->running);
  if (l->snapshot)
    s7_engine_free(l->snapshot);
  l->snapshot = l->running;
  l->running = next;
  set_notes(l, next);
  l->n_at_snapshot = l->n_events;
  l->end_at_snapshot = l->capture_end;
  l->snapshot_last_frame = l->last_frame;
  return l->snapshot;
}

const S7Engine *s7_live_current(const S7Live *l) { return l->snapshot; }
guint32 s7_live_snapshot_last_frame(const S7Live *l) { return l->snapshot ? l->snapshot_last_frame : 0; }
guint64 s7_live_events(const S7Live *l) { return l->n_events; }

const S7EngineStats *s7_live_stats(const S7Live *l)
{
  return s7_engine_stats(l->running);
}
