/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sharded_run.c — the prefilter and N parallel tsharks for one capture (see sharded_run.h).
 *
 * Threads: one writer reads the capture with libwiretap and writes each needed packet to its
 * shard's pipe (a pcapng stream with the capture's interfaces), noting in the dispatch queue
 * which shard got which frame; one reader per shard runs tshark on that pipe and queues each
 * row's events, then an end-of-frame mark; the caller's thread takes the frames in the order
 * they were dispatched, each from its shard's queue, so the events reach the sink in capture
 * order as soon as their frame is done.
 *
 * Memory is bounded by the queues' capacities, not by the capture: every queue blocks its
 * producer when full. That cannot deadlock because the merge only ever waits for the oldest
 * dispatched frame, and everything ahead of that frame is on its way to it: the writer flushes
 * a shard's stream when it turns to another shard or is about to wait, and with several shards
 * each tshark prints a row as soon as it has read its packet (-l), so no finished row sits in a
 * buffer while the merge waits for it. */
#include "sharded_run.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "capture_reader.h"
#include "prefilter.h"

G_DEFINE_QUARK(s7diag-sharded-error-quark, s7_sharded_error)

#define S7_MAX_SHARDS 64
#define SHARD_QUEUE_ITEMS 4096      /* events and frame ends queued per shard (an event ~3 KB) */
#define DISPATCH_QUEUE_ITEMS 16384  /* frames dispatched and not yet merged */

/* ------------------------------------------------------------------ a bounded blocking queue */

typedef struct {
  GMutex lock;
  GCond not_empty, not_full;
  guint8 *items;
  gsize size;                   /* of an item */
  guint cap, head, len;
  gboolean closed;              /* the producer is done: pops end when it is empty */
} BQueue;

static void bq_init(BQueue *q, gsize size, guint cap)
{
  memset(q, 0, sizeof *q);
  g_mutex_init(&q->lock);
  g_cond_init(&q->not_empty);
  g_cond_init(&q->not_full);
  q->items = g_malloc(size * cap);
  q->size = size;
  q->cap = cap;
}

static void bq_clear(BQueue *q)
{
  g_free(q->items);
  g_mutex_clear(&q->lock);
  g_cond_clear(&q->not_empty);
  g_cond_clear(&q->not_full);
}

/* Waits while full unless try; FALSE when try and full */
static gboolean bq_push_(BQueue *q, const void *item, gboolean try)
{
  g_mutex_lock(&q->lock);
  while (q->len == q->cap) {
    if (try) {
      g_mutex_unlock(&q->lock);
      return FALSE;
    }
    g_cond_wait(&q->not_full, &q->lock);
  }
  memcpy(q->items + (gsize)((q->head + q->len) % q->cap) * q->size, item, q->size);
  q->len++;
  g_cond_signal(&q->not_empty);
  g_mutex_unlock(&q->lock);
  return TRUE;
}

static void bq_push(BQueue *q, const void *item) { bq_push_(q, item, FALSE); }
static gboolean bq_try_push(BQueue *q, const void *item) { return bq_push_(q, item, TRUE); }

/* The next item (removed unless peek), waiting for one; FALSE when closed and empty */
static gboolean bq_take(BQueue *q, void *item, gboolean peek)
{
  g_mutex_lock(&q->lock);
  while (q->len == 0 && !q->closed)
    g_cond_wait(&q->not_empty, &q->lock);
  gboolean have = q->len > 0;
  if (have) {
    memcpy(item, q->items + (gsize)q->head * q->size, q->size);
    if (!peek) {
      q->head = (q->head + 1) % q->cap;
      q->len--;
      g_cond_signal(&q->not_full);
    }
  }
  g_mutex_unlock(&q->lock);
  return have;
}

static void bq_close(BQueue *q)
{
  g_mutex_lock(&q->lock);
  q->closed = TRUE;
  g_cond_broadcast(&q->not_empty);
  g_mutex_unlock(&q->lock);
}

/* ------------------------------------------------------------------ shards */

typedef struct {
  S7Event *event;              /* NULL: the end of the frame's events */
  guint32 local;               /* the frame's number in its shard's stream */
} ShardItem;

typedef struct {
  guint32 frame;               /* in the capture */
  guint32 local;               /* in its shard's stream */
  guint shard;
} Dispatch;

typedef struct {
  guint index;
  S7TsharkOptions opt;         /* line-buffered when there are several shards */
  int read_fd;                 /* tshark's stdin */
  S7CaptureWriter *writer;     /* the writer's end */
  gboolean no_writer;          /* the pcapng stream could not start: error says why */
  guint32 written;             /* packets written to it (the writer's count) */
  BQueue items;                /* ShardItem, closed when tshark is done */
  S7RowStats rows;
  S7TsharkResult tr;
  GError *error;
} Shard;

static void shard_event(const S7Event *ev, gpointer user_data)
{
  Shard *s = user_data;
  ShardItem it = { g_memdup2(ev, sizeof *ev), ev->frame };
  bq_push(&s->items, &it);
}

static void shard_row(const S7FieldRow *row, gpointer user_data)
{
  Shard *s = user_data;
  s7_row_to_events(row, &s->opt.tshark->profile, &s->rows, shard_event, s);
  ShardItem end = { NULL, row->frame };
  bq_push(&s->items, &end);
}

static gpointer shard_reader(gpointer data)
{
  Shard *s = data;
  if (s->no_writer)
    close(s->read_fd);
  else
    s7_tshark_run(&s->opt, "-", s->read_fd, shard_row, s, &s->rows, &s->tr, &s->error);
  bq_close(&s->items);
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
  BQueue dispatch;             /* Dispatch, closed when the capture is read */
} Writer;

static gpointer writer_run(gpointer data)
{
  Writer *w = data;
  S7Record rec;
  Shard *last = NULL;
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
    /* what the merge may wait for is never left in a buffer: the previous shard's stream goes
     * out when the next packet is for another, all of it before the writer waits */
    if (last && last != s && last->writer)
      s7_capture_writer_flush(last->writer);
    Dispatch d = { rec.frame, ++s->written, s->index };
    if (!bq_try_push(&w->dispatch, &d)) {
      if (last && last->writer)
        s7_capture_writer_flush(last->writer);
      bq_push(&w->dispatch, &d);
    }
    if (s->writer)
      s7_capture_writer_write(s->writer, w->reader);   /* a broken pipe: that tshark failed */
    last = s;
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
  bq_close(&w->dispatch);
  return NULL;
}

/* ------------------------------------------------------------------ the estimate */

#define S7_ESTIMATE_SAMPLE 20000

S7ShardEstimate s7_sharded_estimate(const char *path, const S7TsharkOptions *opt, guint64 file_size, guint n_shards)
{
  S7ShardEstimate est = { 0, 1.0 };
  S7CaptureReader *r = s7_capture_reader_open(path, NULL);
  if (!r)
    return est;
  n_shards = CLAMP(n_shards, 1, S7_MAX_SHARDS);
  guint64 per_shard[S7_MAX_SHARDS] = { 0 };
  S7Record rec;
  guint64 n = 0, kept = 0, bytes = 0;
  while (n < S7_ESTIMATE_SAMPLE && s7_capture_reader_next(r, &rec)) {
    n++;
    bytes += rec.caplen + 24;   /* a record's header in the file, about */
    guint32 hash;
    if (!rec.is_packet) {
      kept++;
    } else if (s7_prefilter_keep(rec.link, rec.data, rec.caplen, opt->ports, opt->n_ports, &hash)) {
      kept++;
      per_shard[hash % n_shards]++;
    }
  }
  s7_capture_reader_close(r);
  if (!n)
    return est;
  guint64 busiest = 0, sharded = 0;
  for (guint i = 0; i < n_shards; i++) {
    busiest = MAX(busiest, per_shard[i]);
    sharded += per_shard[i];
  }
  est.busiest_share = sharded ? (double)busiest / (double)sharded : 1.0;
  est.kept = n < S7_ESTIMATE_SAMPLE   /* read it all */
      ? kept : (guint64)((double)kept / (double)n * ((double)file_size / ((double)bytes / (double)n)));
  return est;
}

/* ------------------------------------------------------------------ the run */

/* The events of one dispatched frame, from its shard's queue, to the sink */
static void merge_frame(Shard *s, const Dispatch *d, S7EventSink sink, gpointer sink_data)
{
  ShardItem it;
  while (bq_take(&s->items, &it, TRUE)) {   /* closed and empty: tshark ended, nothing more */
    if (it.local > d->local)
      return;                   /* a frame without a row (a line tshark garbled): done */
    bq_take(&s->items, &it, FALSE);
    if (!it.event) {
      if (it.local == d->local)
        return;
      continue;                 /* the end of a frame never dispatched: cannot be, skipped */
    }
    if (it.local == d->local) {
      it.event->frame = d->frame;
      sink(it.event, sink_data);
    }
    g_free(it.event);
  }
}

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
  bq_init(&w.dispatch, sizeof(Dispatch), DISPATCH_QUEUE_ITEMS);
  Shard *shards = g_new0(Shard, n_shards);
  GThread **readers = g_new0(GThread *, n_shards);
  for (guint i = 0; i < n_shards; i++) {
    Shard *s = &shards[i];
    s->index = i;
    s->opt = *opt;
    /* several shards: each row out as soon as its packet is read (-l), and read in gathers
     * of 2 ms (a wakeup per row costs more than tshark's own work on it) */
    s->opt.line_buffered = n_shards > 1;
    s->opt.gather_us = n_shards > 1 ? 2000 : 0;   /* each row out as soon as its packet is read */
    s->read_fd = fds[2 * i];
    /* a writer that cannot start leaves its tshark an empty pipe, and its error */
    s->writer = s7_capture_writer_open(w.reader, fds[2 * i + 1], &s->error);
    s->no_writer = s->writer == NULL;
    bq_init(&s->items, sizeof(ShardItem), SHARD_QUEUE_ITEMS);
    readers[i] = g_thread_new("s7diag-shard", shard_reader, s);
  }
  g_free(fds);
  w.shards = shards;
  w.n = n_shards;
  GThread *writer = g_thread_new("s7diag-prefilter", writer_run, &w);
  /* merge: the frames in the order they were dispatched */
  Dispatch d;
  while (bq_take(&w.dispatch, &d, FALSE))
    merge_frame(&shards[d.shard], &d, sink, sink_data);
  g_thread_join(writer);
  gboolean ok = TRUE;
  for (guint i = 0; i < n_shards; i++) {
    Shard *s = &shards[i];
    ShardItem it;
    while (bq_take(&s->items, &it, FALSE))   /* anything left, so its reader can end */
      g_free(it.event);
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
    bq_clear(&s->items);
  }
  bq_clear(&w.dispatch);
  res->rows.first_ts_us = res->first_ts_us;
  res->rows.last_ts_us = res->last_ts_us;
  res->rows.last_frame = (guint32)res->packets;
  s7_capture_reader_close(w.reader);
  g_free(readers);
  g_free(shards);
  return ok;
}
