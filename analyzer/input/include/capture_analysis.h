/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_analysis.h — one capture through tshark and the engine. */
#ifndef S7DIAG_CAPTURE_ANALYSIS_H
#define S7DIAG_CAPTURE_ANALYSIS_H

#include <glib.h>

#include "activity.h"
#include "engine.h"
#include "field_row.h"
#include "tshark_run.h"

G_BEGIN_DECLS

typedef struct {
  char *file;                /* as given on the command line */
  char *error;               /* set when the capture could not be analyzed at all */
  char *sha256;
  guint64 size_bytes;
  guint64 packets;
  gint64 first_ts_us, last_ts_us;
  gboolean complete;         /* FALSE: truncated or damaged, results cover what was read */
  GPtrArray *warnings;       /* char* */
  S7RowStats rows;
  S7Engine *engine;          /* finished; NULL on error */
  /* for the report's timeline: when jobs were sent to each PLC, and when each finding's
   * evidence frames came (its final severity decides fault or note) */
  GHashTable *jobs_activity;     /* PLC "ip:port" -> S7Histogram* */
  GHashTable *finding_activity;  /* const S7Finding* -> S7Histogram* */
} S7CaptureResult;

/* Counted while captures run, for a progress display (may be NULL). */
typedef struct {
  volatile gint packets;     /* rows read, all captures (atomic) */
} S7Progress;

/* shards: 0 runs tshark on the whole file (--no-prefilter); N >= 1 prefilters with libpcap
 * into N parallel tsharks (falling back to the whole file when libpcap cannot read it). */
S7CaptureResult *s7_analyze_capture(const char *file, const S7TsharkOptions *topt,
                                    const S7EngineConfig *ecfg, guint shards, S7Progress *progress);
/* Small captures through the same tshark(s) (sharded_run.h: one section each, addresses of
 * their own), each with its own engine: results[i] is what s7_analyze_capture(files[i], …,
 * shards) gives. The files must have passed s7_remap_scan; one that fails in the batch is
 * analyzed alone. */
void s7_analyze_batch(const char *const *files, guint n, const S7TsharkOptions *topt, const S7EngineConfig *ecfg,
                      guint shards, S7Progress *progress, S7CaptureResult **results);
/* Events a front end made itself (`check`: its own exchange with a PLC), in order, through the
 * same engine; end_ts_us is when the exchange ended. No file, no SHA-256. */
S7CaptureResult *s7_analyze_events(const char *name, const S7Event *events, guint n, gint64 end_ts_us,
                                   const S7EngineConfig *ecfg);
/* A capture that could not be analyzed, and why */
S7CaptureResult *s7_capture_result_failed(const char *file, const char *error);
void s7_capture_result_free(S7CaptureResult *r);

G_END_DECLS

#endif
