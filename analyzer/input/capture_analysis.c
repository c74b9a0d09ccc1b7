/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_analysis.c — one capture through tshark and the engine. */
#include "capture_analysis.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "s7_address.h"
#include "sharded_run.h"

typedef struct {
  S7CaptureResult *r;
  const S7TsharkOptions *topt;
  const S7EngineConfig *cfg;
  S7Progress *progress;
  guint32 frame;             /* the event being fed */
  gint64 ts_us;
  guint64 fed;
} RowCtx;

static S7Histogram *histogram(GHashTable *table, gconstpointer key, gboolean copy_key)
{
  S7Histogram *h = g_hash_table_lookup(table, key);
  if (!h) {
    h = g_new0(S7Histogram, 1);
    g_hash_table_insert(table, copy_key ? g_strdup(key) : (gpointer)key, h);
  }
  return h;
}

static void on_fault_frame(guint32 frame, const S7Finding *f, gpointer user_data)
{
  RowCtx *ctx = user_data;
  /* frames noted later (connection ends, capture end) carry the finding's last time */
  s7_hist_add(histogram(ctx->r->finding_activity, f, FALSE), frame == ctx->frame ? ctx->ts_us : f->last_ts_us);
}

/* A self-check of the engine's copy, which live diagnosis goes on with after each snapshot:
 * with S7DIAG_CLONE_EVERY=N in the environment the engine is replaced by its copy after every
 * N events. The report must not change (tests/live_clone.sh). */
static guint64 clone_every(void)
{
  static gsize once;
  static guint64 every;
  if (g_once_init_enter(&once)) {
    const char *s = g_getenv("S7DIAG_CLONE_EVERY");
    every = s ? g_ascii_strtoull(s, NULL, 10) : 0;
    g_once_init_leave(&once, 1);
  }
  return every;
}

static void on_fault_frame(guint32 frame, const S7Finding *f, gpointer user_data);

static void continue_with_copy(RowCtx *ctx)
{
  S7CaptureResult *r = ctx->r;
  GHashTable *successors = g_hash_table_new(g_direct_hash, g_direct_equal);
  S7Engine *copy = s7_engine_clone(r->engine, successors);
  GHashTable *activity = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->finding_activity);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_hash_table_iter_steal(&it);
    g_hash_table_insert(activity, g_hash_table_lookup(successors, k), v);
  }
  g_hash_table_unref(r->finding_activity);
  r->finding_activity = activity;
  g_hash_table_unref(successors);
  s7_engine_set_frame_note(copy, on_fault_frame, ctx);
  s7_engine_free(r->engine);
  r->engine = copy;
}

static void feed_event(const S7Event *ev, gpointer user_data)
{
  RowCtx *ctx = user_data;
  ctx->frame = ev->frame;
  ctx->ts_us = ev->ts_us;
  if (ev->type == S7_EV_S7 && s7_pdu_is_request(&ev->u.s7) && s7_port_listed(ctx->cfg->ports, ctx->cfg->n_ports, ev->dst.port)) {
    char plc[S7_ENDPOINT_TEXT_MAX];
    s7_hist_add(histogram(ctx->r->jobs_activity, s7_endpoint_format(&ev->dst, plc), TRUE), ev->ts_us);
  }
  s7_engine_feed(ctx->r->engine, ev);
  if (clone_every() && ++ctx->fed % clone_every() == 0)
    continue_with_copy(ctx);
}

static void on_row(const S7FieldRow *row, gpointer user_data)
{
  RowCtx *ctx = user_data;
  s7_row_to_events(row, &ctx->topt->tshark->profile, &ctx->r->rows, feed_event, ctx);
  if (ctx->progress)
    g_atomic_int_inc(&ctx->progress->packets);
}

/* SHA-256 of the file with libcrypto (it uses the CPU's SHA instructions: 5x GLib's speed
 * here); also proves the file is readable. A regular file is mapped (8 MB at a time) rather
 * than read, which saves copying it through a buffer (a fifth of the hash's time on a large
 * capture). NULL with the reason in *why. */
#define S7_HASH_WINDOW ((guint64)8 << 20)    /* mapped at a time: the process's RSS stays small */

static gboolean digest_mapped(int fd, guint64 size, EVP_MD_CTX *md)
{
  if (size == 0 || size > (guint64)G_MAXSIZE)
    return FALSE;
  gboolean ok = TRUE;
  for (guint64 at = 0; ok && at < size; at += S7_HASH_WINDOW) {
    size_t len = (size_t)MIN(S7_HASH_WINDOW, size - at);
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, (off_t)at);
    if (map == MAP_FAILED) {   /* read it instead, from the start */
      EVP_DigestInit_ex(md, EVP_sha256(), NULL);
      return FALSE;
    }
    madvise(map, len, MADV_SEQUENTIAL);
    ok = EVP_DigestUpdate(md, map, len);
    munmap(map, len);
  }
  return ok;
}

static char *file_sha256(const char *file, guint64 *size, char **why)
{
  FILE *f = fopen(file, "rb");
  if (!f) {
    *why = g_strdup(g_strerror(errno));
    return NULL;
  }
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  gboolean ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
  struct stat st;
  gboolean failed = FALSE;
  int saved = 0;
  *size = 0;
  if (ok && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && digest_mapped(fileno(f), (guint64)st.st_size, md)) {
    *size = (guint64)st.st_size;
  } else if (ok) {
    guchar *buf = g_malloc(1 << 20);
    size_t n;
    while (ok && (n = fread(buf, 1, 1 << 20, f)) > 0) {
      ok = EVP_DigestUpdate(md, buf, n);
      *size += n;
    }
    g_free(buf);
    failed = ferror(f);
    saved = errno;
  }
  fclose(f);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ok = ok && !failed && EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  /* this thread's OpenSSL state goes now: a worker of the analysis pool may still be parked
   * when the program exits, and its state would count as leaked (LeakSanitizer saw 904 bytes
   * of it once); the next digest on the thread makes it again */
  OPENSSL_thread_stop();
  if (!ok) {
    *why = g_strdup(failed ? g_strerror(saved) : "SHA-256 failed (libcrypto)");
    return NULL;
  }
  GString *hex = g_string_sized_new(2 * len);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf(hex, "%02x", digest[i]);
  return g_string_free(hex, FALSE);
}

/* The hash runs in its own thread while tshark reads the capture */
typedef struct {
  const char *file;
  char *sha256, *why;
  guint64 size;
} HashJob;

static gpointer hash_file(gpointer data)
{
  HashJob *h = data;
  h->sha256 = file_sha256(h->file, &h->size, &h->why);
  return NULL;
}

static S7CaptureResult *result_new(const char *file)
{
  S7CaptureResult *r = g_new0(S7CaptureResult, 1);
  r->jobs_activity = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  r->finding_activity = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  r->file = g_strdup(file);
  r->warnings = g_ptr_array_new_with_free_func(g_free);
  r->complete = TRUE;
  return r;
}

S7CaptureResult *s7_capture_result_failed(const char *file, const char *error)
{
  S7CaptureResult *r = result_new(file);
  r->error = g_strdup(error);
  return r;
}

S7CaptureResult *s7_analyze_events(const char *name, const S7Event *events, guint n, gint64 end_ts_us,
                                   const S7EngineConfig *ecfg)
{
  S7CaptureResult *r = result_new(name);
  r->engine = s7_engine_new(ecfg);
  RowCtx ctx = { r, NULL, ecfg, NULL, 0, 0, 0 };
  s7_engine_set_frame_note(r->engine, on_fault_frame, &ctx);
  for (guint i = 0; i < n; i++)
    feed_event(&events[i], &ctx);
  r->packets = n ? events[n - 1].frame : 0;
  r->first_ts_us = n ? events[0].ts_us : end_ts_us;
  r->last_ts_us = MAX(end_ts_us, r->first_ts_us);
  s7_engine_set_capture_end(r->engine, r->last_ts_us);
  s7_engine_finish(r->engine);
  s7_engine_set_frame_note(r->engine, NULL, NULL);
  return r;
}

/* Can the file be analyzed at all? A result with the reason when not, NULL when it can */
static S7CaptureResult *unreadable(const char *file)
{
  const char *why = NULL;
  g_autofree char *errno_text = NULL;
  if (g_file_test(file, G_FILE_TEST_IS_DIR)) {
    why = "is a directory";
  } else {
    FILE *probe = fopen(file, "rb");
    if (!probe) {
      errno_text = g_strdup_printf("cannot read: %s", g_strerror(errno));
      why = errno_text;
    } else {
      gboolean empty = fgetc(probe) == EOF;
      fclose(probe);
      if (empty)
        why = "empty file (0 bytes): not a capture";
    }
  }
  return why ? s7_capture_result_failed(file, why) : NULL;
}

/* The end of a capture's analysis, once tshark ran (or did not: err) and the file was hashed */
static void finish(S7CaptureResult *r, gboolean ran, GError *err, char *sha256, guint64 size, char *hash_why,
                   gboolean truncated, char *warning)
{
  r->sha256 = sha256;
  r->size_bytes = size;
  if (!ran || !r->sha256) {
    r->error = ran ? g_strdup_printf("cannot read the whole file: %s", hash_why) : g_strdup(err->message);
  } else if (truncated && r->rows.rows == 0) {
    /* nothing could be read: that is no "no fault found" */
    r->error = g_strdup_printf("damaged before its first packet, nothing could be read (%s)", warning);
  }
  g_free(hash_why);
  if (r->error) {
    g_free(warning);
    s7_engine_free(r->engine);
    r->engine = NULL;
    return;
  }
  if (truncated) {
    r->complete = FALSE;
    g_ptr_array_add(r->warnings,
                    g_strdup_printf("capture is truncated or damaged; the report covers the %" G_GUINT64_FORMAT
                                    " packets read before the damage (%s)", r->rows.rows, warning));
  } else if (warning && *warning) {
    g_ptr_array_add(r->warnings, g_strdup_printf("tshark: %s", warning));
  }
  g_free(warning);
  if (r->rows.malformed_rows)
    g_ptr_array_add(r->warnings, g_strdup_printf("%" G_GUINT64_FORMAT " tshark rows could not be read",
                                                 r->rows.malformed_rows));
  if (r->rows.ambiguous_rows)
    g_ptr_array_add(r->warnings, g_strdup_printf("%" G_GUINT64_FORMAT " frames held S7 PDUs whose fields "
                                                 "could not be assigned unambiguously; their items "
                                                 "may be incomplete", r->rows.ambiguous_rows));
  r->packets = r->rows.rows - r->rows.malformed_rows;
  r->first_ts_us = r->rows.first_ts_us;
  r->last_ts_us = r->rows.last_ts_us;
  s7_engine_set_capture_end(r->engine, r->last_ts_us);   /* the same in plain and sharded runs */
  s7_engine_finish(r->engine);
  s7_engine_set_frame_note(r->engine, NULL, NULL);
  /* the missing segments with their count and first frames (the limitation that tells them) */
  const GPtrArray *lims = s7_engine_limitations(r->engine);
  for (guint i = 0; lims && i < lims->len; i++) {
    const S7Limitation *l = g_ptr_array_index(lims, i);
    if (l->kind != S7_LIMIT_MISSING_SEGMENTS)
      continue;
    GString *at = g_string_new(NULL);
    for (guint f = 0; f < l->frames->len && f < 4; f++)
      g_string_append_printf(at, "%s%u", f ? ", " : "", g_array_index(l->frames, guint32, f));
    g_ptr_array_add(r->warnings, g_strdup_printf("segments are missing from the capture on %" G_GUINT64_FORMAT
                                                 " %s (filtered export or capture loss; %s %s%s): "
                                                 "unanswered jobs are not reported as no-response on %s",
                                                 l->count, l->count == 1 ? "connection" : "connections",
                                                 l->frames->len == 1 ? "frame" : "frames", at->str, l->frames->len > 4 ? ", ..." : "",
                                                 l->count == 1 ? "it" : "them"));
    g_string_free(at, TRUE);
  }
}

/* A sharded run's rows: every packet was read, most never needed tshark */
static void take_sharded(S7CaptureResult *r, const S7ShardedResult *sr)
{
  r->rows = sr->rows;
  r->rows.rows = sr->packets;
}

S7CaptureResult *s7_analyze_capture(const char *file, const S7TsharkOptions *topt,
                                    const S7EngineConfig *ecfg, guint shards, S7Progress *progress)
{
  S7CaptureResult *r = unreadable(file);
  if (r)
    return r;
  r = result_new(file);
  /* hashed while tshark works (a SHA-256 of a large capture costs seconds of CPU) */
  HashJob hash = { file, NULL, NULL, 0 };
  GThread *hasher = g_thread_new("s7diag-sha256", hash_file, &hash);
  r->engine = s7_engine_new(ecfg);
  RowCtx ctx = { r, topt, ecfg, progress, 0, 0, 0 };
  s7_engine_set_frame_note(r->engine, on_fault_frame, &ctx);
  S7TsharkResult tr = { 0 };
  GError *err = NULL;
  gboolean ran = FALSE;
  if (shards) {
    /* libwiretap reads it as tshark would: what it cannot read, tshark cannot either */
    S7ShardedResult sr;
    ran = s7_sharded_run(file, topt, shards, feed_event, &ctx, progress ? &progress->packets : NULL, &sr, &err);
    take_sharded(r, &sr);
    tr.truncated = sr.truncated;
    tr.warning = sr.warning;
  } else {
    ran = s7_tshark_run(topt, file, -1, on_row, &ctx, &r->rows, &tr, &err);
  }
  g_thread_join(hasher);
  finish(r, ran, err, hash.sha256, hash.size, hash.why, tr.truncated, tr.warning);
  g_clear_error(&err);
  return r;
}

static void batch_event(guint file, const S7Event *ev, gpointer user_data)
{
  RowCtx *ctx = user_data;
  feed_event(ev, &ctx[file]);
}

void s7_analyze_batch(const char *const *files, guint n, const S7TsharkOptions *topt, const S7EngineConfig *ecfg,
                      guint shards, S7Progress *progress, S7CaptureResult **results)
{
  S7ShardedFile *sf = g_new0(S7ShardedFile, n);
  RowCtx *ctx = g_new0(RowCtx, n);
  for (guint i = 0; i < n; i++) {
    S7CaptureResult *r = results[i] = result_new(files[i]);
    r->engine = s7_engine_new(ecfg);
    ctx[i] = (RowCtx){ r, topt, ecfg, progress, 0, 0, 0 };
    s7_engine_set_frame_note(r->engine, on_fault_frame, &ctx[i]);
    sf[i].path = files[i];
  }
  GError *err = NULL;
  gboolean ran = s7_sharded_run_files(sf, n, topt, shards, TRUE, batch_event, ctx, progress ? &progress->packets : NULL, &err);
  for (guint i = 0; i < n; i++) {
    S7CaptureResult *r = results[i];
    if (!ran || sf[i].error) {   /* each alone, which says what is wrong with which */
      s7_capture_result_free(r);
      results[i] = s7_analyze_capture(files[i], topt, ecfg, shards, NULL);
      g_free(sf[i].res.warning);
    } else {
      char *why = NULL;
      guint64 size = 0;
      char *sha = file_sha256(files[i], &size, &why);
      take_sharded(r, &sf[i].res);
      finish(r, TRUE, NULL, sha, size, why, sf[i].res.truncated, sf[i].res.warning);
    }
    g_free(sf[i].error);
  }
  g_clear_error(&err);
  g_free(sf);
  g_free(ctx);
}

void s7_capture_result_free(S7CaptureResult *r)
{
  if (!r)
    return;
  g_free(r->file);
  g_free(r->error);
  g_free(r->sha256);
  g_ptr_array_unref(r->warnings);
  s7_engine_free(r->engine);
  g_hash_table_unref(r->jobs_activity);
  g_hash_table_unref(r->finding_activity);
  g_free(r);
}
