/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_live.h — a diagnosis that keeps up with a growing capture (live capture, watch).
 *
 * An engine's finish settles the capture-wide verdicts (a refused connect's likely cause,
 * jobs unanswered at the end, confidence from context) and cannot be undone. S7Live keeps
 * every event it is fed (packed), feeds them to a running engine at once, and on request
 * finishes that engine as a snapshot of the diagnosis so far. Feeding goes on: the next
 * event rebuilds a running engine from the kept events, which announces every evidence
 * frame again. So a frame's own verdict is known as soon as its evidence is fed (the
 * running engine's frame note: a provisional finding, kind and frames only) and the settled
 * findings come with each snapshot. Offline, with one snapshot at the end, the result is
 * exactly the plain engine's (the same engine, fed the same events, finished once). */
#ifndef S7DIAG_ENGINE_LIVE_H
#define S7DIAG_ENGINE_LIVE_H

#include "engine.h"

G_BEGIN_DECLS

typedef struct S7Live S7Live;

/* Called when a running engine is replaced: the provisional notes heard so far belong to
 * the engine just finished; the rebuilt engine announces its frames again. */
typedef void (*S7LiveRestartFunc)(gpointer user_data);

/* cfg is copied (its partners must live on); NULL: the defaults */
S7Live *s7_live_new(const S7EngineConfig *cfg);
void s7_live_free(S7Live *l);
/* frame_fn: every evidence frame of the running engine (also while it is rebuilt from the
 * kept events); event_fn: each event once, when it is fed. */
void s7_live_set_notes(S7Live *l, S7FrameNoteFunc frame_fn, S7EventNoteFunc event_fn,
                       S7LiveRestartFunc restart_fn, gpointer user_data);

void s7_live_feed(S7Live *l, const S7Event *ev);
void s7_live_set_capture_end(S7Live *l, gint64 ts_us);

/* Events fed since the last snapshot (or no snapshot yet) */
gboolean s7_live_stale(const S7Live *l);
/* Finishes what was fed so far and keeps it as the current snapshot (freeing the previous);
 * returns the current one without work when nothing was fed since. */
const S7Engine *s7_live_snapshot(S7Live *l);
const S7Engine *s7_live_current(const S7Live *l);   /* the last snapshot, or NULL */
guint32 s7_live_snapshot_last_frame(const S7Live *l);  /* the last frame it covers, 0: none */
guint64 s7_live_events(const S7Live *l);
/* The running engine's statistics (all events so far) */
const S7EngineStats *s7_live_stats(const S7Live *l);
gsize s7_live_kept_bytes(const S7Live *l);

G_END_DECLS

#endif
