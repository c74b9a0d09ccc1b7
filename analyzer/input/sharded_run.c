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

#include "address_remap.h"
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
  gboolean ambiguous;          /* the end: its row's PDUs could not be told apart for sure */
} ShardItem;

typedef struct {
  guint32 frame;               /* in its capture */
  guint32 local;               /* in its shard's stream */
  guint16 shard;
  guint file;
} Dispatch;

typedef struct {
  guint index;
  S7TsharkOptions opt;         /* line-buffered when there are several shards */
  int read_fd;                 /* tshark's stdin */
  int write_fd;                /* the writer's end of the pipe: one section per capture on it */
  S7CaptureWriter *writer;     /* the current capture's section, NULL when it could not start */
  guint32 written;             /* packets written to it (the writer's count) */
  BQueue items;                /* ShardItem, closed when tshark is done */
  S7RowStats rows;
  S7TsharkResult tr;
  GError *error;               /* tshark's (its reader's thread) */
  GError *section_error;       /* a section that could not start (the writer's thread) */
} Shard;

static void shard_event(const S7Event *ev, gpointer user_data)
{
  Shard *s = user_data;
  ShardItem it = { g_memdup2(ev, sizeof *ev), ev->frame, FALSE };
  bq_push(&s->items, &it);
}

static void shard_row(const S7FieldRow *row, gpointer user_data)
{
  Shard *s = user_data;
  guint64 ambiguous = s->rows.ambiguous_rows;
  s7_row_to_events(row, &s->opt.tshark->profile, &s->rows, shard_event, s);
  ShardItem end = { NULL, row->frame, s->rows.ambiguous_rows != ambiguous };
  bq_push(&s->items, &end);
}

static gpointer shard_reader(gpointer data)
{
  Shard *s = data;
  s7_tshark_run(&s->opt, "-", s->read_fd, shard_row, s, &s->rows, &s->tr, &s->error);
  bq_close(&s->items);
  return NULL;
}

/* ------------------------------------------------------------------ the writer */

typedef struct {
  S7ShardedFile *files;
  guint n_files;
  Shard *shards;
  guint n;
  const S7TsharkOptions *opt;
  S7Remap *remap;              /* several captures: their stand-in addresses */
  volatile gint *seen;
  guint sections;              /* captures that could be read */
  BQueue dispatch;             /* Dispatch, closed when every capture is read */
} Writer;

/* One capture: a section of every shard's stream, its packets dispatched */
static void write_file(Writer *w, guint f)
{
  S7ShardedFile *file = &w->files[f];
  S7ShardedResult *res = &file->res;
  GError *err = NULL;
  S7CaptureReader *reader = s7_capture_reader_open(file->path, &err);
  if (!reader) {
    file->error = g_strdup(err->message);
    g_error_free(err);
    return;
  }
  w->sections++;
  for (guint i = 0; i < w->n; i++) {
    Shard *s = &w->shards[i];
    int fd = dup(s->write_fd);
    /* a section that cannot start leaves that shard's packets of the capture unwritten */
    s->writer = fd >= 0 ? s7_capture_writer_open(reader, fd, s->section_error ? NULL : &s->section_error) : NULL;
    if (fd < 0 && !s->section_error)
      g_set_error(&s->section_error, s7_sharded_error_quark(), S7_SHARDED_FAILED,
                  "cannot write the capture for tshark: %s", g_strerror(errno));
  }
  if (w->remap)
    s7_remap_next_capture(w->remap);
  S7Record rec;
  Shard *last = NULL;
  while (s7_capture_reader_next(reader, &rec)) {
    res->packets++;
    if (res->packets == 1 || rec.ts_us < res->first_ts_us)
      res->first_ts_us = rec.ts_us;
    if (rec.ts_us > res->last_ts_us)
      res->last_ts_us = rec.ts_us;
    if (w->seen)
      g_atomic_int_inc(w->seen);
    guint32 hash;
    if (!rec.is_packet ||
        !s7_prefilter_keep(rec.link, rec.data, rec.caplen, w->opt->ports, w->opt->n_ports, &hash))
      continue;
    if (w->remap)   /* the captures were scanned for it (s7_remap_scan): it cannot fail */
      s7_remap_packet(w->remap, rec.link, s7_capture_reader_data_mut(reader), rec.caplen);
    Shard *s = &w->shards[hash % w->n];
    if (!s->writer)
      continue;   /* its section could not start (the error is the shard's) */
    /* what the merge may wait for is never left in a buffer: the previous shard's stream goes
     * out when the next packet is for another, all of it before the writer waits */
    if (last && last != s && last->writer)
      s7_capture_writer_flush(last->writer);
    Dispatch d = { rec.frame, ++s->written, (guint16)s->index, f };
    if (!bq_try_push(&w->dispatch, &d)) {
      if (last && last->writer)
        s7_capture_writer_flush(last->writer);
      bq_push(&w->dispatch, &d);
    }
    s7_capture_writer_write(s->writer, reader);   /* a broken pipe: that tshark failed */
    last = s;
    res->kept++;
  }
  const char *damage = s7_capture_reader_damage(reader);
  if (damage) {   /* truncated or damaged: the report covers what was read, as tshark's */
    res->truncated = TRUE;
    res->warning = g_strdup(damage);
  }
  for (guint i = 0; i < w->n; i++) {
    s7_capture_writer_close(w->shards[i].writer);   /* the section ends; the pipe stays */
    w->shards[i].writer = NULL;
  }
  s7_capture_reader_close(reader);
}

static gpointer writer_run(gpointer data)
{
  Writer *w = data;
  for (guint f = 0; f < w->n_files; f++)
    write_file(w, f);
  for (guint i = 0; i < w->n; i++) {
    close(w->shards[i].write_fd);   /* tshark sees the end */
    w->shards[i].write_fd = -1;
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
static void merge_frame(Writer *w, const Dispatch *d, S7FileEventSink sink, gpointer sink_data)
{
  Shard *s = &w->shards[d->shard];
  S7RowStats *rows = &w->files[d->file].res.rows;
  ShardItem it;
  while (bq_take(&s->items, &it, TRUE)) {   /* closed and empty: tshark ended, nothing more */
    if (it.local > d->local)
      break;                    /* a frame without a row (a line tshark garbled) */
    bq_take(&s->items, &it, FALSE);
    if (!it.event) {
      if (it.local == d->local) {
        rows->rows++;
        rows->ambiguous_rows += it.ambiguous;
        return;
      }
      continue;                 /* the end of a frame never dispatched: cannot be, skipped */
    }
    if (it.local == d->local) {
      it.event->frame = d->frame;
      if (w->remap) {   /* the real addresses back */
        s7_remap_restore(w->remap, it.event->src.addr);
        s7_remap_restore(w->remap, it.event->dst.addr);
        if (it.event->type == S7_EV_ICMP_UNREACH) {
          s7_remap_restore(w->remap, it.event->u.icmp.quoted_src.addr);
          s7_remap_restore(w->remap, it.event->u.icmp.quoted_dst.addr);
        }
      }
      sink(d->file, it.event, sink_data);
    }
    g_free(it.event);
  }
  rows->malformed_rows++;
}

gboolean s7_sharded_run_files(S7ShardedFile *files, guint n_files, const S7TsharkOptions *opt, guint n_shards,
                              gboolean remap, S7FileEventSink sink, gpointer sink_data, volatile gint *packets_seen,
                              GError **error)
{
  for (guint f = 0; f < n_files; f++) {
    memset(&files[f].res, 0, sizeof files[f].res);
    files[f].error = NULL;
  }
  n_shards = CLAMP(n_shards, 1, S7_MAX_SHARDS);
  Writer w = { .files = files, .n_files = n_files, .opt = opt, .seen = packets_seen,
               .remap = remap ? s7_remap_new() : NULL };
  if (n_files == 1) {   /* one capture that cannot be read: no tshark for it */
    GError *rerr = NULL;
    S7CaptureReader *r = s7_capture_reader_open(files[0].path, &rerr);
    if (!r) {
      g_set_error_literal(error, s7_sharded_error_quark(), S7_SHARDED_FAILED, rerr->message);
      g_error_free(rerr);
      s7_remap_free(w.remap);
      return FALSE;
    }
    s7_capture_reader_close(r);
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
      s7_remap_free(w.remap);
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
    s->opt.gather_us = n_shards > 1 ? 2000 : 0;
    s->read_fd = fds[2 * i];
    s->write_fd = fds[2 * i + 1];
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
    merge_frame(&w, &d, sink, sink_data);
  g_thread_join(writer);
  gboolean ok = TRUE;
  for (guint i = 0; i < n_shards; i++) {
    Shard *s = &shards[i];
    ShardItem it;
    while (bq_take(&s->items, &it, FALSE))   /* anything left, so its reader can end */
      g_free(it.event);
    g_thread_join(readers[i]);
    /* a tshark that got no section at all (no capture could be read) has nothing to say */
    GError **why = s->error ? &s->error : &s->section_error;
    if (*why && ok && w.sections) {
      g_propagate_error(error, *why);
      *why = NULL;
      ok = FALSE;
    }
    g_clear_error(&s->error);
    g_clear_error(&s->section_error);
    for (guint f = 0; f < n_files; f++)
      if (s->tr.warning && !files[f].res.warning && !s->tr.truncated)
        files[f].res.warning = g_strdup(s->tr.warning);
    g_free(s->tr.warning);
    bq_clear(&s->items);
  }
  bq_clear(&w.dispatch);
  for (guint f = 0; f < n_files; f++) {
    S7ShardedResult *res = &files[f].res;
    res->rows.first_ts_us = res->first_ts_us;
    res->rows.last_ts_us = res->last_ts_us;
    res->rows.last_frame = (guint32)res->packets;
  }
  s7_remap_free(w.remap);
  g_free(readers);
  g_free(shards);
  return ok;
}

typedef struct {
  S7EventSink sink;
  gpointer data;
} OneFile;

static void one_file_event(guint file, const S7Event *ev, gpointer user_data)
{
  (void)file;
  OneFile *o = user_data;
  o->sink(ev, o->data);
}

gboolean s7_sharded_run(const char *path, const S7TsharkOptions *opt, guint n_shards,
                        S7EventSink sink, gpointer sink_data, volatile gint *packets_seen,
                        S7ShardedResult *res, GError **error)
{
  S7ShardedFile file = { .path = path };
  OneFile o = { sink, sink_data };
  gboolean ok = s7_sharded_run_files(&file, 1, opt, n_shards, FALSE, one_file_event, &o, packets_seen, error);
  *res = file.res;
  if (ok && file.error) {
    g_set_error_literal(error, s7_sharded_error_quark(), S7_SHARDED_FAILED, file.error);
    ok = FALSE;
  }
  g_free(file.error);
  return ok;
}
