/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_analyze.c — `s7diag analyze`: captures in, one report out; parallel (-j), with a
 * progress line on a terminal, evidence files on request. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <sys/stat.h>

#include "address_remap.h"
#include "bytes_text.h"
#include "capture_analysis.h"
#include "commands.h"
#include "evidence.h"
#include "inputs.h"
#include "report_model.h"
#include "redact.h"
#include "report_output.h"
#include "sharded_run.h"

typedef struct {
  char *tshark, *evidence, *partners;
  char **ports;
  double no_response_timeout, connect_timeout;
  gboolean quiet, no_prefilter, no_batch;
  gint jobs, shards;
} AnalyzeOpts;

static AnalyzeOpts o;

static const GOptionEntry *analyze_options(void)
{
  static const GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "Captures analyzed in parallel (default: number of cores)", "N" },
    { "evidence", 'e', 0, G_OPTION_ARG_FILENAME, &o.evidence,
      "Write the connections holding findings to FILE.pcapng, each evidence frame commented with its finding (a DIR for several captures)", "FILE|DIR" },
    { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &o.tshark, "The tshark to run (default: tshark on PATH)", "PATH" },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.ports, "Also treat this TCP port as S7 (repeatable; 102 always)", "PORT" },
    { "no-response-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.no_response_timeout,
      "Seconds a job may stay unanswered on a live connection (default 5)", "S" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.connect_timeout,
      "Seconds a COTP connect may stay unanswered (default 3)", "S" },
    { "no-prefilter", 0, 0, G_OPTION_ARG_NONE, &o.no_prefilter,
      "Run tshark on the whole file instead of prefiltering S7 traffic with libpcap into parallel shards", NULL },
    { "no-batch", 0, 0, G_OPTION_ARG_NONE, &o.no_batch,
      "Analyze every capture with a tshark of its own, also small ones (they share one by default)", NULL },
    { "shards", 0, 0, G_OPTION_ARG_INT, &o.shards,
      "Split each capture into N shards whatever its size (default: -j for one capture of 32 MB or more, else 1)", "N" },
    { "partners", 0, 0, G_OPTION_ARG_FILENAME, &o.partners,
      "Audit the segmentation: the allowed client -> PLC pairs, one 'CLIENT PLC [read-only|read-write|full]' per line (addresses, CIDR prefixes, *); every other host that reached a PLC is an unexpected-partner", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress and no warnings on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  return entries;
}

/* ------------------------------------------------------------------ parallel analysis */

/* A unit of work: one capture, or small captures through one tshark (a batch) */
typedef struct {
  guint *inputs;                /* indices into the inputs */
  guint n;
} Unit;

typedef struct {
  GPtrArray *inputs;            /* S7Input* */
  S7CaptureResult **results;
  const S7TsharkOptions *topt;
  const S7EngineConfig *ecfg;
  guint shards;                 /* for one capture; several captures run one shard each */
  GArray *units;                /* Unit */
  S7Progress progress;
  volatile gint done;
} Batch;

/* Shards for one capture: none without the prefilter; one for small captures (a tshark
 * start costs ~0.2 s and a core), for captures whose S7 part is small (a large plant capture
 * with little S7 in it: tshark is not what takes the time, reading and hashing the file is),
 * for a capture that is mostly one connection (a connection is never split, so one shard
 * would do nearly all the work and the others only cost), or when several captures already
 * share the cores. */
#define S7_SHARD_MIN_BYTES (32 * 1024 * 1024)
#define S7_SHARD_MIN_KEPT 100000
#define S7_SHARD_MAX_BUSIEST 0.75
static guint shards_for(const Batch *b, const char *path)
{
  if (o.no_prefilter)
    return 0;
  if (o.shards > 0)
    return (guint)o.shards;
  GStatBuf st;
  if (b->inputs->len > 1 || b->shards <= 1 || g_stat(path, &st) != 0 || st.st_size < S7_SHARD_MIN_BYTES)
    return 1;
  S7ShardEstimate est = s7_sharded_estimate(path, b->topt, (guint64)st.st_size, b->shards);
  if (est.kept < S7_SHARD_MIN_KEPT || est.busiest_share > S7_SHARD_MAX_BUSIEST)
    return 1;
  return b->shards;
}

/* Small captures share a tshark (its start costs ~0.4 s and 160 MB, more than a small capture's
 * analysis): captures of at most S7_BATCH_FILE_BYTES go, in their order, into batches of about
 * an equal share of their bytes for each job (at most S7_BATCH_MAX_BYTES, and the stand-in
 * addresses a batch has); a capture address_remap cannot give stand-ins runs alone. */
#define S7_BATCH_FILE_BYTES (2 * 1024 * 1024)
#define S7_BATCH_MAX_BYTES (64 * 1024 * 1024)
static void plan_units(Batch *b)
{
  b->units = g_array_new(FALSE, FALSE, sizeof(Unit));
  guint n = b->inputs->len;
  gboolean *small = g_new0(gboolean, n);
  guint *n4 = g_new0(guint, n), *n6 = g_new0(guint, n);
  guint64 *size = g_new0(guint64, n), total = 0;
  for (guint i = 0; i < n && n > 1 && !o.no_prefilter && !o.no_batch; i++) {
    const S7Input *in = g_ptr_array_index(b->inputs, i);
    GStatBuf st;
    if (in->error || g_stat(in->path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
        st.st_size > S7_BATCH_FILE_BYTES)
      continue;
    small[i] = s7_remap_scan(in->path, b->topt->ports, b->topt->n_ports, &n4[i], &n6[i]);
    size[i] = (guint64)st.st_size;
    total += small[i] ? size[i] : 0;
  }
  guint64 share = CLAMP(total / MAX(b->shards, 1) + 1, 1, S7_BATCH_MAX_BYTES);
  GArray *cur = g_array_new(FALSE, FALSE, sizeof(guint));
  guint64 bytes = 0;
  guint c4 = 0, c6 = 0;
  for (guint i = 0; i <= n; i++) {
    gboolean fits = i < n && small[i] && bytes + size[i] <= share && c4 + n4[i] <= S7_REMAP_MAX4 &&
                    c6 + n6[i] <= S7_REMAP_MAX6;
    if (cur->len && (i == n || !fits)) {   /* the batch is full: it is a unit */
      gsize len = 0;
      Unit u = { NULL, 0 };
      u.inputs = (guint *)(void *)g_array_steal(cur, &len);
      u.n = (guint)len;
      g_array_append_val(b->units, u);
      bytes = c4 = c6 = 0;
    }
    if (i == n)
      break;
    if (small[i]) {
      g_array_append_val(cur, i);
      bytes += size[i];
      c4 += n4[i];
      c6 += n6[i];
    } else {
      Unit u = { g_memdup2(&i, sizeof i), 1 };
      g_array_append_val(b->units, u);
    }
  }
  g_array_unref(cur);
  g_free(small);
  g_free(n4);
  g_free(n6);
  g_free(size);
}

static void analyze_unit(gpointer data, gpointer user_data)
{
  Batch *b = user_data;
  const Unit *u = &g_array_index(b->units, Unit, GPOINTER_TO_UINT(data) - 1);
  if (u->n > 1) {
    const char **paths = g_new0(const char *, u->n);
    S7CaptureResult **rs = g_new0(S7CaptureResult *, u->n);
    for (guint k = 0; k < u->n; k++)
      paths[k] = ((const S7Input *)g_ptr_array_index(b->inputs, u->inputs[k]))->path;
    s7_analyze_batch(paths, u->n, b->topt, b->ecfg, o.shards > 0 ? (guint)o.shards : 1, &b->progress, rs);
    for (guint k = 0; k < u->n; k++)
      b->results[u->inputs[k]] = rs[k];
    g_free(paths);
    g_free(rs);
  } else {
    const S7Input *in = g_ptr_array_index(b->inputs, u->inputs[0]);
    b->results[u->inputs[0]] = in->error ? s7_capture_result_failed(in->name, in->error)
        : s7_analyze_capture(in->path, b->topt, b->ecfg, shards_for(b, in->path), &b->progress);
  }
  for (guint k = 0; k < u->n; k++) {
    S7CaptureResult *r = b->results[u->inputs[k]];
    g_free(r->file);
    r->file = g_strdup(((const S7Input *)g_ptr_array_index(b->inputs, u->inputs[k]))->name);
  }
  g_atomic_int_add(&b->done, (gint)u->n);
}

static void show_progress(Batch *b, gint64 start_us, gboolean final)
{
  guint n = b->inputs->len;
  gint done = g_atomic_int_get(&b->done), pk = g_atomic_int_get(&b->progress.packets);
  double s = (g_get_monotonic_time() - start_us) / 1e6;
  int bar = n ? (int)(20.0 * done / n) : 20;
  fprintf(stderr, "\r[%.*s%*s] %d/%u captures, %d packets, %.0f packets/s%s", bar,
          "====================", 20 - bar, "", done, n, pk, s > 0 ? pk / s : 0.0, final ? "\n" : "");
  fflush(stderr);
}

static void run_all(Batch *b, guint jobs, gboolean progress)
{
  plan_units(b);
  guint n = b->units->len;
  gint64 start = g_get_monotonic_time();
  if (jobs <= 1 || n == 1) {
    for (guint i = 0; i < n; i++) {
      analyze_unit(GUINT_TO_POINTER(i + 1), b);
      if (progress)
        show_progress(b, start, FALSE);
    }
  } else {
    GThreadPool *pool = g_thread_pool_new(analyze_unit, b, (gint)MIN(jobs, n), TRUE, NULL);
    for (guint i = 0; i < n; i++)
      g_thread_pool_push(pool, GUINT_TO_POINTER(i + 1), NULL);
    while (g_atomic_int_get(&b->done) < (gint)b->inputs->len) {
      g_usleep(progress ? 200000 : 20000);
      if (progress)
        show_progress(b, start, FALSE);
    }
    g_thread_pool_free(pool, FALSE, TRUE);
  }
  if (progress)
    show_progress(b, start, TRUE);
  for (guint i = 0; i < n; i++)
    g_free(g_array_index(b->units, Unit, i).inputs);
  g_array_unref(b->units);
}

static int cmd_analyze(int argc, char **argv)
{
  memset(&o, 0, sizeof o);
  o.no_response_timeout = 5.0;
  o.connect_timeout = 3.0;
  o.jobs = (gint)g_get_num_processors();
  s7_command_parse(&s7_cmd_analyze_entry, &argc, &argv);
  if (argc < 2)
    s7_die_usage("analyze: no capture given");
  S7Format format;
  const char *output;
  int threshold;
  s7_report_choice_from_cli(FALSE, &format, &output, &threshold);
  if (!s7_seconds_ok(o.no_response_timeout, FALSE) || !s7_seconds_ok(o.connect_timeout, FALSE))
    s7_die_usage("timeouts must be positive numbers of seconds");
  if (o.jobs < 1)
    s7_die_usage("-j: needs at least 1");
  if (o.shards < 0 || o.shards > 64)
    s7_die_usage("--shards: 1 to 64");
  S7Redactor *redact = s7_redactor_from_cli();

  S7EngineConfig ecfg;
  S7Partners *partners = s7_engine_config_from_options(o.ports, o.no_response_timeout, o.connect_timeout,
                                                       o.partners, &ecfg);
  /* which tshark, and how its dissectors decode S7 (once per tshark binary, cached) */
  S7Tshark tshark;
  if (!s7_probe_tshark_or_say(o.tshark, &tshark)) {
    s7_partners_free(partners);
    s7_redactor_free(redact);
    return EXIT_USAGE;
  }
  S7TsharkOptions topt = { &tshark, ecfg.ports, ecfg.n_ports, FALSE, 0 };

  char *why = NULL;
  GPtrArray *inputs = s7_inputs_expand(argv + 1, (guint)argc - 1, &why);
  if (!inputs) {
    fprintf(stderr, "s7diag: %s\n", why);
    g_free(why);
    s7_tshark_clear(&tshark);
    s7_redactor_free(redact);
    return EXIT_USAGE;
  }
  gboolean evidence_dir = o.evidence && (g_file_test(o.evidence, G_FILE_TEST_IS_DIR) || g_str_has_suffix(o.evidence, "/"));
  if (o.evidence && inputs->len > 1 && !evidence_dir)
    s7_die_usage("--evidence: give a directory when analyzing several captures");
  /* no output may be an input, and a report never replaces a capture: said before anything is
   * written (a redacted evidence file's name is known later, and checked then) */
  char **names = g_new0(char *, inputs->len + 1);
  for (guint i = 0; i < inputs->len; i++)
    names[i] = g_strdup(((S7Input *)g_ptr_array_index(inputs, i))->name);
  g_autoptr(GPtrArray) report_paths = s7_report_output_paths(&s7_doc_report, format, output, (const char *const *)names, inputs->len);
  for (guint i = 0; i < report_paths->len; i++)
    s7_output_check("-o", g_ptr_array_index(report_paths, i), S7_OUT_REPORT);
  for (guint i = 0; o.evidence && !(redact && evidence_dir) && i < inputs->len; i++) {
    g_autofree char *ev = s7_evidence_path(o.evidence, evidence_dir, names[i], NULL);
    s7_output_check("-e", ev, S7_OUT_CAPTURE);
  }
  g_strfreev(names);

  Batch b = { inputs, g_new0(S7CaptureResult *, inputs->len), &topt, &ecfg, (guint)o.jobs, NULL, { 0 }, 0 };
  run_all(&b, (guint)o.jobs, !o.quiet && isatty(STDERR_FILENO) && inputs->len > 0);

  GPtrArray *caps = g_ptr_array_new();
  for (guint i = 0; i < inputs->len; i++) {
    S7CaptureResult *r = b.results[i];
    g_autofree char *shown = s7_bytes_text(r->file);
    if (r->error)
      fprintf(stderr, "s7diag: %s: %s\n", shown, r->error);
    else if (!o.quiet)
      for (guint w = 0; w < r->warnings->len; w++)
        fprintf(stderr, "s7diag: %s: warning: %s\n", shown, (char *)g_ptr_array_index(r->warnings, w));
    g_ptr_array_add(caps, s7_report_capture(r));
  }
  json_t *report = s7_report_new(S7DIAG_VERSION, tshark.version, caps);
  g_ptr_array_unref(caps);
  int rc = s7_exit_status(report, threshold);
  if (redact)
    s7_redactor_learn_report(redact, report);   /* the evidence's comments name them too */

  if (o.evidence) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(report, "captures"), i, c) {
      g_autofree char *file = s7_report_capture_file(c);
      const S7Input *in = NULL;
      for (guint k = 0; k < inputs->len && !in; k++)
        if (!strcmp(((S7Input *)g_ptr_array_index(inputs, k))->name, file))
          in = g_ptr_array_index(inputs, k);
      char *ew = NULL;
      gboolean truncated = FALSE;
      if (in && !s7_evidence_write(c, in->path, tshark.path, o.evidence, evidence_dir, redact, &truncated, &ew)) {
        fprintf(stderr, "s7diag: %s\n", ew);
        g_free(ew);
        rc = EXIT_USAGE;
      } else if (truncated && !o.quiet) {
        fprintf(stderr, "s7diag: %s: warning: the capture is truncated or damaged; the evidence holds what was read\n",
                s7_json_text(c, "file"));
      }
    }
  }

  rc = s7_report_finish(report, redact, NULL, format, output, threshold, rc);
  json_decref(report);
  s7_redactor_free(redact);
  for (guint i = 0; i < inputs->len; i++)
    s7_capture_result_free(b.results[i]);
  g_free(b.results);
  g_ptr_array_unref(inputs);
  s7_tshark_clear(&tshark);
  s7_partners_free(partners);
g_free(o.tshark); g_free(o.evidence);
  g_free(o.partners);
  g_strfreev(o.ports);
  return rc;
}

const S7Command s7_cmd_analyze_entry = {
  "analyze", "CAPTURE|DIR|-...", "diagnose captures and write a report",
  "Runs the stock tshark on each capture (pcap, pcapng, gzip-compressed too; directories are "
  "searched recursively for .pcap, .pcapng and .cap files; - reads one capture from stdin), "
  "diagnoses S7 faults and writes one report. Captures are analyzed in parallel (-j) and "
  "reported in file-name order. Exit status: 0 no finding at or above --fail-on, 1 findings, "
  "2 a usage error or a capture that could not be analyzed (the others are still reported).",
  analyze_options, cmd_analyze, "file", TRUE, TRUE
};
