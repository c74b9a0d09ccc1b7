/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sharded_run.h — one capture through the prefilter and N parallel tsharks.
 *
 * libwiretap reads the capture (whatever tshark reads: capture_reader.h); the packets the
 * engine may need (prefilter.h) go, by connection, to N shards, each a tshark reading a pcapng
 * stream from a pipe. Every shard's rows become events with the ORIGINAL frame numbers; the
 * events of all shards are merged back into capture order as they come (a streaming merge in
 * the order the frames were dispatched), so the engine sees exactly what a plain run over the
 * whole file shows it, and memory is bounded by the queues, not by the capture. */
#ifndef S7DIAG_SHARDED_RUN_H
#define S7DIAG_SHARDED_RUN_H

#include <glib.h>

#include "field_row.h"
#include "tshark_run.h"

#define S7_SHARDED_FAILED 2        /* error code: unreadable, no pipe, tshark failed */

typedef struct {
  guint64 packets;            /* all packets of the capture */
  gint64 first_ts_us, last_ts_us;
  guint64 kept;               /* packets passed on to tshark */
  gboolean truncated;         /* the capture ends in the middle of a packet / is damaged */
  char *warning;              /* what libwiretap or tshark said about it */
  S7RowStats rows;            /* summed over the shards */
} S7ShardedResult;

/* Several captures through the same shards, one after the other: each a section of every
 * shard's pcapng stream (tshark reads several sections in one stream). With remap, each
 * capture's addresses have stand-ins of their own in the streams (address_remap.h: the
 * captures must have passed s7_remap_scan), so tshark keeps no state across them and each
 * capture's events are what a run of its own gives. The sink is told which capture (index
 * into files). A capture that cannot be opened gets its error and no events; FALSE with error
 * when a tshark failed (every capture's events are then incomplete). */
typedef struct {
  const char *path;
  S7ShardedResult res;        /* filled by the run (rows: the frames tshark gave rows for,
                                 those without one counted as malformed) */
  char *error;                /* it could not be opened (the caller frees it) */
} S7ShardedFile;
typedef void (*S7FileEventSink)(guint file, const S7Event *ev, gpointer user_data);
gboolean s7_sharded_run_files(S7ShardedFile *files, guint n_files, const S7TsharkOptions *opt, guint n_shards,
                              gboolean remap, S7FileEventSink sink, gpointer sink_data, volatile gint *packets_seen,
                              GError **error);

/* One capture; packets_seen: counted as they are read (for a progress display; may be NULL). */
gboolean s7_sharded_run(const char *path, const S7TsharkOptions *opt, guint n_shards,
                        S7EventSink sink, gpointer sink_data, volatile gint *packets_seen,
                        S7ShardedResult *result, GError **error);

/* What sharding a capture would give, from its first packets: how many packets the prefilter
 * would pass on (scaled by the file's size; 0 when it cannot be read), and the share of them
 * the busiest of n_shards would get (connections are not split: with one connection it is 1).
 * A capture whose S7 part is small, or is mostly one connection, is not worth more than one
 * tshark (each costs ~0.2 s to start and a core). */
typedef struct {
  guint64 kept;
  double busiest_share;
} S7ShardEstimate;
S7ShardEstimate s7_sharded_estimate(const char *path, const S7TsharkOptions *opt, guint64 file_size, guint n_shards);

GQuark s7_sharded_error_quark(void);

#endif
