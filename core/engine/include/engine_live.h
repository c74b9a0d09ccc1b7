/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_live.h — a diagnosis that keeps up with a growing capture (live capture, watch).
 *
 * An engine's finish settles the capture-wide verdicts (a refused connect's likely cause,
 * jobs unanswered at the end, confidence from context) and cannot be undone. S7Live feeds a
 * running engine; a snapshot copies it (core/engine/clone.c: its state, not its events), finishes
 * the original as the diagnosis so far, and lets the copy go on. So a frame's own verdict is
 * known as soon as its evidence is fed (the running engine's frame note: a provisional finding,
 * kind and frames only), the settled findings come with each snapshot, and a snapshot costs
 * what the engine holds (connections, findings), not what was fed. Offline, with one snapshot
 * at the end, the result is exactly the plain engine's (the same engine, fed the same events,
 * finished once). */
#ifndef S7DIAG_ENGINE_LIVE_H
#define S7DIAG_ENGINE_LIVE_H

#include "engine.h"

G_BEGIN_DECLS

typedef struct S7Live S7Live;

/* Called at a snapshot, before the running engine is finished: the provisional notes heard so
 * far name its findings; the copy that goes on has its own, successors maps each of the first
 * (const S7Finding*) to the second. The finish's notes follow (the frame note function). */
typedef void (*S7LiveForkFunc)(GHashTable *successors, gpointer user_data);

/* cfg is copied (its partners must live on); NULL: the defaults */
S7Live *s7_live_new(const S7EngineConfig *cfg);
void s7_live_free(S7Live *l);
/* frame_fn: every evidence frame of the running engine, and of its finish at a snapshot;
 * event_fn: each event once, when it is fed. */
void s7_live_set_notes(S7Live *l, S7FrameNoteFunc frame_fn, S7EventNoteFunc event_fn,
                       S7LiveForkFunc fork_fn, gpointer user_data);

void s7_live_feed(S7Live *l, const S7Event *ev);
void s7_live_set_capture_end(S7Live *l, gint64 ts_us);

/* Events fed or the capture's end moved since the last snapshot (or no snapshot yet) */
gboolean s7_live_stale(const S7Live *l);
/* Finishes what was fed so far and keeps it as the current snapshot (freeing the previous);
 * returns the current one without work when nothing was fed since. */
const S7Engine *s7_live_snapshot(S7Live *l);
const S7Engine *s7_live_current(const S7Live *l);   /* the last snapshot, or NULL */
guint32 s7_live_snapshot_last_frame(const S7Live *l);  /* the last frame it covers, 0: none */
guint64 s7_live_events(const S7Live *l);
/* The running engine's statistics (all events so far) */
const S7EngineStats *s7_live_stats(const S7Live *l);

G_END_DECLS

#endif
