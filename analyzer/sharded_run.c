/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sharded_run.c — the prefilter and N parallel tsharks for one capture (see sharded_run.h).
 *
 * Threads: one writer reads the capture with libwiretap and writes each needed packet to its
 * shard's pipe (a pcapng stream with the capture's interfaces); one reader per shard runs
 * tshark on that pipe and turns its rows into events; the caller's thread merges the shards'
 * events by frame number. */
#include "sharded_run.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "capture_reader.h"
#include "prefilter.h"

G_DEFINE_QUARK(s7diag-sharded-error-quark, s7_sharded_error)

#define S7_MAX_SHARDS 64

typedef struct {
  guint index;
  const S7TsharkOptions *opt;
  int read_fd;                 /* tshark's stdin */
  S7CaptureWriter *writer;     /* the writer's end */
  gboolean no_writer;          /* the pcapng stream could not start: error says why */
  GMutex lock;                 /* guards map */
  GArray *map;                 /* guint32: original frame number of local frame base+1+i */
  guint32 base;
  GAsyncQueue *events;         /* S7Event*, then the end marker */
  S7RowStats rows;
  S7TsharkResult tr;
  GError *error;
} Shard;

static S7Event end_marker;

/* ------------------------------------------------------------------ shard readers */

static guint32 original_frame(Shard *s, guint32 local)
{
  g_mutex_lock(&s->lock);
  guint32 orig = 0;
  if (local > s->base && local - s->base - 1 < s->map->len)
    orig = g_array_index(s->map, guint32, local - s->base - 1);
  /* drop what no later row can ask for (rows come in frame order) */
  if (local > s->base + 65536) {
    guint drop = local - s->base - 1;
    g_array_remove_range(s->map, 0, drop);
    s->base += drop;
  }
  g_mutex_unlock(&s->lock);
  return orig;
}

static void shard_event(const S7Event *ev, gpointer user_data)
{
  Shard *s = user_data;
  S7Event *copy = g_memdup2(ev, sizeof *ev);
  copy->frame = original_frame(s, ev->frame);
  g_async_queue_push(s->events, copy);
}

static void shard_row(const S7FieldRow *row, gpointer user_data)
{
  Shard *s = user_data;
  s7_row_to_events(row, &s->opt->tshark->profile, &s->rows, shard_event, s);
}

static gpointer shard_reader(gpointer data)
{
  Shard *s = data;
  if (s->no_writer)
    close(s->read_fd);
  else
    s7_tshark_run(s->opt, "-", s->read_fd, shard_row, s, &s->rows, &s->tr, &s->error);
  g_async_queue_push(s->events, &end_marker);
  return NULL;
}

/* ------------------------------------------------------------------ the writer */

typedef struct {
  S7CaptureReader *reader;
  Shard *shards;
  guint n;
  const S7TsharkOptions *opt;
  volatile gint *seen;
  S7ShardedResult *res;
} Writer;

static gpointer writer_run(gpointer data)
{
  Writer *w = data;
  S7Record rec;
  while (s7_capture_reader_next(w->reader, &rec)) {
    w->res->packets++;
    if (w->res->packets == 1 || rec.ts_us < w->res->first_ts_us)
      w->res->first_ts_us = rec.ts_us;
    if (rec.ts_us > w->res->last_ts_us)
      w->res->last_ts_us = rec.ts_us;
    if (w->seen)
      g_atomic_int_inc(w->seen);
    guint32 hash;
    if (!rec.is_packet ||
        !s7_prefilter_keep(rec.link, rec.data, rec.caplen, w->opt->ports, w->opt->n_ports, &hash))
      continue;
    Shard *s = &w->shards[hash % w->n];
    g_mutex_lock(&s->lock);
    g_array_append_val(s->map, rec.frame);
    g_mutex_unlock(&s->lock);
    s7_capture_writer_write(s->writer, w->reader);   /* a broken pipe: that tshark failed */
    w->res->kept++;
  }
  const char *damage = s7_capture_reader_damage(w->reader);
  if (damage) {   /* truncated or damaged: the report covers what was read, as tshark's */
    w->res->truncated = TRUE;
    w->res->warning = g_strdup(damage);
  }
  for (guint i = 0; i < w->n; i++) {
    s7_capture_writer_close(w->shards[i].writer);   /* closes the pipe: tshark sees the end */
    w->shards[i].writer = NULL;
  }
  return NULL;
}

/* ------------------------------------------------------------------ the estimate */

#define S7_ESTIMATE_SAMPLE 20000

guint64 s7_sharded_estimate_kept(const char *path, const S7TsharkOptions *opt, guint64 file_size)
{
  S7CaptureReader *r = s7_capture_reader_open(path, NULL);
  if (!r)
    return 0;
  S7Record rec;
  guint64 n = 0, kept = 0, bytes = 0;
  while (n < S7_ESTIMATE_SAMPLE && s7_capture_reader_next(r, &rec)) {
    n++;
    bytes += rec.caplen + 24;   /* a record's header in the file, about */
    guint32 hash;
    if (!rec.is_packet || s7_prefilter_keep(rec.link, rec.data, rec.caplen, opt->ports, opt->n_ports, &hash))
      kept++;
  }
  s7_capture_reader_close(r);
  if (!n)
    return 0;
  if (n < S7_ESTIMATE_SAMPLE)   /* read it all */
    return kept;
  return (guint64)((double)kept / (double)n * ((double)file_size / ((double)bytes / (double)n)));
}

/* ------------------------------------------------------------------ the run */

gboolean s7_sharded_run(const char *path, const S7TsharkOptions *opt, guint n_shards,
                        S7EventSink sink, gpointer sink_data, volatile gint *packets_seen,
                        S7ShardedResult *res, GError **error)
{
  memset(res, 0, sizeof *res);
  n_shards = CLAMP(n_shards, 1, S7_MAX_SHARDS);
  Writer w = { .opt = opt, .seen = packets_seen, .res = res };
  GError *rerr = NULL;
  w.reader = s7_capture_reader_open(path, &rerr);
  if (!w.reader) {
    g_set_error_literal(error, s7_sharded_error_quark(), S7_SHARDED_FAILED, rerr->message);
    g_error_free(rerr);
    return FALSE;
  }
  /* all pipes first: when the process is out of descriptors, fail before any thread runs */
  int *fds = g_new0(int, 2 * n_shards);   /* read end, write end per shard */
  for (guint i = 0; i < n_shards; i++) {
    if (pipe(&fds[2 * i]) != 0) {
      int saved = errno;
      for (guint j = 0; j < 2 * i; j++)
        close(fds[j]);
      g_free(fds);
      g_set_error(error, s7_sharded_error_quark(), S7_SHARDED_FAILED, "cannot create a pipe: %s",
                  g_strerror(saved));
      s7_capture_reader_close(w.reader);
      return FALSE;
    }
  }
  Shard *shards = g_new0(Shard, n_shards);
  GThread **readers = g_new0(GThread *, n_shards);
  for (guint i = 0; i < n_shards; i++) {
    Shard *s = &shards[i];
    s->index = i;
    s->opt = opt;
    s->read_fd = fds[2 * i];
    /* a writer that cannot start leaves its tshark an empty pipe, and its error */
    s->writer = s7_capture_writer_open(w.reader, fds[2 * i + 1], &s->error);
    s->no_writer = s->writer == NULL;
    g_mutex_init(&s->lock);
    s->map = g_array_new(FALSE, FALSE, sizeof(guint32));
    s->events = g_async_queue_new();
    readers[i] = g_thread_new("s7diag-shard", shard_reader, s);
  }
  g_free(fds);
  w.shards = shards;
  w.n = n_shards;
  GThread *writer = g_thread_new("s7diag-prefilter", writer_run, &w);
  /* merge: always the shard whose next event has the lowest frame number */
  S7Event **head = g_new0(S7Event *, n_shards);
  gboolean *done = g_new0(gboolean, n_shards);
  for (;;) {
    int best = -1;
    for (guint i = 0; i < n_shards; i++) {
      if (done[i])
        continue;
      if (!head[i]) {
        head[i] = g_async_queue_pop(shards[i].events);
        if (head[i] == &end_marker) {
          head[i] = NULL;
          done[i] = TRUE;
          continue;
        }
      }
      if (best < 0 || head[i]->frame < head[best]->frame)
        best = (int)i;
    }
    if (best < 0)
      break;
    sink(head[best], sink_data);
    g_free(head[best]);
    head[best] = NULL;
  }
  g_thread_join(writer);
  gboolean ok = TRUE;
  for (guint i = 0; i < n_shards; i++) {
    Shard *s = &shards[i];
    g_thread_join(readers[i]);
    res->rows.rows += s->rows.rows;
    res->rows.malformed_rows += s->rows.malformed_rows;
    res->rows.ambiguous_rows += s->rows.ambiguous_rows;
    if (s->error && ok) {
      g_propagate_error(error, s->error);
      s->error = NULL;
      ok = FALSE;
    }
    g_clear_error(&s->error);
    if (s->tr.warning && !res->warning && !s->tr.truncated)
      res->warning = g_strdup(s->tr.warning);
    g_free(s->tr.warning);
    g_array_unref(s->map);
    g_async_queue_unref(s->events);
    g_mutex_clear(&s->lock);
  }
  res->rows.first_ts_us = res->first_ts_us;
  res->rows.last_ts_us = res->last_ts_us;
  res->rows.last_frame = (guint32)res->packets;
  s7_capture_reader_close(w.reader);
  g_free(head);
  g_free(done);
  g_free(readers);
  g_free(shards);
  return ok;
}
