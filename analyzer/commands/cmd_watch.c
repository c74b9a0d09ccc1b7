/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_watch.c — `s7diag watch`: live diagnosis. dumpcap captures (the program Wireshark
 * captures with), its pcapng stream is written to the capture file (or, with -b, to a ring of
 * files: pcapng_ring.h) and piped into tshark (-l, a row per packet as it comes), the rows
 * feed a live engine (core/engine/include/engine_live.h), and each finding is printed on one line when a
 * snapshot first shows it (snapshots every 500 ms while packets come, and as time passes, for
 * answers that never come). At the end (Ctrl-C, SIGTERM, --duration) the capture (what the
 * ring holds) is analyzed as `analyze` would and the report written: the same report the
 * ticket would get from the file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "capture_analysis.h"
#include "commands.h"
#include "dumpcap_run.h"
#include "engine_live.h"
#include "pcapng_ring.h"
#include "redact.h"
#include "report_model.h"
#include "report_output.h"

typedef struct {
  char **ifaces, **ports, **ring;
  char *filter, *write, *tshark, *dumpcap, *partners;
  double duration, no_response_timeout, connect_timeout;
  gboolean quiet;
} WatchOpts;

static WatchOpts o;

static const GOptionEntry *watch_options(void)
{
  static const GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &o.ifaces,
      "Capture on this interface (repeatable; default: dumpcap's first)", "IFACE" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &o.filter,
      "Capture filter (BPF; default: the S7 ports and ICMP: 'tcp port 102 or icmp or icmp6')", "BPF" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &o.duration, "Stop after S seconds (default: at Ctrl-C or SIGTERM)", "S" },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &o.write, "Keep the capture as FILE (pcapng) for the ticket", "FILE" },
    { "ring-buffer", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &o.ring,
      "With -w FILE, a ring of files as dumpcap's (FILE_NNNNN_TIME.pcapng): filesize:KB (a new file after KB), "
      "files:N (keep the last N); at the end FILE is what the ring holds, and the report covers it",
      "filesize:KB|files:N" },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.ports, "Also treat this TCP port as S7 (repeatable; 102 always)", "PORT" },
    { "no-response-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.no_response_timeout,
      "Seconds a job may stay unanswered on a live connection (default 5)", "S" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.connect_timeout,
      "Seconds a COTP connect may stay unanswered (default 3)", "S" },
    { "partners", 0, 0, G_OPTION_ARG_FILENAME, &o.partners, "Audit the segmentation as analyze --partners does", "FILE" },
    { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &o.tshark, "The tshark to run (default: tshark on PATH)", "PATH" },
    { "dumpcap", 0, 0, G_OPTION_ARG_FILENAME, &o.dumpcap, "The dumpcap to capture with (default: dumpcap on PATH)", "PATH" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No status line and no warnings on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  return entries;
}

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

/* ------------------------------------------------------------------ the stream */

typedef struct {
  GInputStream *from;       /* dumpcap's stdout */
  int file_fd, pipe_fd;     /* the capture file (-1 with a ring), tshark's stdin */
  S7Ring *ring;             /* -b: the ring of files instead of the file */
  volatile gint bytes;      /* copied so far (atomic; saturates) */
  char *error;
} Copier;

static gpointer copy_stream(gpointer data)
{
  Copier *c = data;
  char buf[65536];
  gssize n;
  while ((n = g_input_stream_read(c->from, buf, sizeof buf, NULL, NULL)) > 0) {
    if (c->ring) {
      char *why = NULL;
      if (!c->error && !s7_ring_write(c->ring, (const guint8 *)buf, (gsize)n, &why))
        c->error = why;
      else
        g_free(why);
    } else if (!s7_write_all(c->file_fd, buf, (gsize)n) && !c->error) {
      c->error = g_strdup_printf("cannot write the capture file: %s", g_strerror(errno));
    }
    if (c->pipe_fd >= 0 && !s7_write_all(c->pipe_fd, buf, (gsize)n)) {
      close(c->pipe_fd);     /* tshark is gone: keep writing the file */
      c->pipe_fd = -1;
    }
    gint have = g_atomic_int_get(&c->bytes);
    g_atomic_int_set(&c->bytes, have > G_MAXINT - (gint)n ? G_MAXINT : have + (gint)n);
  }
  if (c->pipe_fd >= 0)
    close(c->pipe_fd);
  c->pipe_fd = -1;
  return NULL;
}

typedef struct {
  const S7TsharkOptions *topt;
  int stdin_fd;
  GAsyncQueue *events;      /* S7Event* (g_malloc'd); a NULL-type marker ends it */
  S7RowStats stats;
  gboolean ok;
  char *error;
} Reader;

static void push_event(const S7Event *ev, gpointer user_data)
{
  Reader *r = user_data;
  g_async_queue_push(r->events, g_memdup2(ev, sizeof *ev));
}

static void on_row(const S7FieldRow *row, gpointer user_data)
{
  Reader *r = user_data;
  s7_row_to_events(row, &r->topt->tshark->profile, &r->stats, push_event, r);
}

static S7Event end_marker;

static gpointer read_rows(gpointer data)
{
  Reader *r = data;
  S7TsharkResult tr;
  GError *err = NULL;
  r->ok = s7_tshark_run(r->topt, "-", r->stdin_fd, on_row, r, &r->stats, &tr, &err);
  if (!r->ok) {
    r->error = g_strdup(err->message);
    g_error_free(err);
  }
  g_free(tr.warning);
  g_async_queue_push(r->events, &end_marker);
  return NULL;
}

/* ------------------------------------------------------------------ findings as they come */

static char *finding_key(const S7Finding *f)
{
  return g_strdup_printf("%s|%s|%s|%s|%s", s7_kind_info(f->kind)->id, f->plc ? f->plc : "",
                         f->client ? f->client : "", f->code ? f->code : "", f->detail ? f->detail : "");
}

static void print_new_findings(const S7Engine *snap, GHashTable *printed, gboolean status_line)
{
  const GPtrArray *fs = s7_engine_findings(snap);
  for (guint i = 0; i < fs->len; i++) {
    const S7Finding *f = g_ptr_array_index(fs, i);
    char *key = finding_key(f);
    if (g_hash_table_contains(printed, key)) {
      g_free(key);
      continue;
    }
    g_hash_table_add(printed, key);
    time_t t = (time_t)(f->first_ts_us / G_USEC_PER_SEC);
    struct tm tm;
    char when[16] = "--:--:--";
    if (localtime_r(&t, &tm))
      strftime(when, sizeof when, "%H:%M:%S", &tm);
    if (status_line)
      fputs("\r\033[K", stderr);
    printf("%s %-7s %s  PLC %s  client %s  frame %u: %s\n", when, s7_severity_name(f->severity),
           s7_kind_info(f->kind)->id, f->plc ? f->plc : "-", f->client ? f->client : "-",
           f->first_frame, f->title ? f->title : s7_kind_info(f->kind)->title);
    fflush(stdout);
  }
}

static void print_status(const S7Live *live, const char *ifaces, gint64 start_us, guint n_printed)
{
  const S7EngineStats *st = s7_live_stats(live);
  double secs = (double)(g_get_monotonic_time() - start_us) / G_USEC_PER_SEC;
  fprintf(stderr, "\r\033[Kwatching %s: %.0f s, %" G_GUINT64_FORMAT " connections, %.1f jobs/s, %u finding%s",
          ifaces, secs, st->tcp_connections, secs > 0 ? (double)st->jobs / secs : 0.0, n_printed,
          n_printed == 1 ? "" : "s");
}

static void opts_clear(void)
{
  g_strfreev(o.ifaces); g_strfreev(o.ports); g_strfreev(o.ring);
  g_free(o.filter); g_free(o.write); 
  g_free(o.tshark); g_free(o.dumpcap); g_free(o.partners);
  memset(&o, 0, sizeof o);
}

/* Everything set up before the capture ran, released on an early error: exit 2 */
static int give_up(int file_fd, const char *tmp_path, S7Tshark *tshark, S7Partners *partners, S7Redactor *redact)
{
  s7_redactor_free(redact);
  if (file_fd >= 0)
    close(file_fd);
  if (tmp_path)
    g_unlink(tmp_path);
  if (tshark)
    s7_tshark_clear(tshark);
  s7_partners_free(partners);
  opts_clear();
  return EXIT_USAGE;
}

static int cmd_watch(int argc, char **argv)
{
  memset(&o, 0, sizeof o);
  o.no_response_timeout = 5.0;
  o.connect_timeout = 3.0;
  s7_command_parse(&s7_cmd_watch_entry, &argc, &argv);
  GError *err = NULL;
  if (argc > 1)
    s7_die_usage("watch: unexpected argument '%s' (interfaces are given with -i)", argv[1]);
  S7Format format;
  const char *output;
  int threshold;
  s7_report_choice_from_cli(FALSE, &format, &output, &threshold);
  if (!s7_seconds_ok(o.duration, TRUE) || !s7_seconds_ok(o.no_response_timeout, FALSE) ||
      !s7_seconds_ok(o.connect_timeout, FALSE))
    s7_die_usage("durations and timeouts must be positive numbers of seconds");
  guint64 ring_kb = 0;
  guint ring_files = 0;
  for (char **b = o.ring; b && *b; b++)
    if (!s7_ring_option(*b, &ring_kb, &ring_files))
      s7_die_usage("watch: -b %s: want filesize:KB or files:N (a positive number)", *b);
  if (o.ring && !o.write)
    s7_die_usage("watch: a ring buffer (-b) needs -w FILE: its files are named after it");
  if (o.ring && !ring_kb)
    s7_die_usage("watch: a ring buffer (-b) needs filesize:KB");
  if (o.ring) {   /* its files are made as the capture runs: say now that they cannot be */
    g_autofree char *dir = g_path_get_dirname(o.write);
    if (g_access(dir, W_OK) != 0)
      s7_die_usage("watch: cannot write the ring's files in %s: %s", dir, g_strerror(errno));
  }
  S7Redactor *redact = s7_redactor_from_cli();

  S7EngineConfig ecfg;
  S7Partners *partners = s7_engine_config_from_options(o.ports, o.no_response_timeout, o.connect_timeout,
                                                       o.partners, &ecfg);
  /* no output may be an input (the partner list, the key file), nor a report a capture */
  s7_output_check("-o", output, S7_OUT_REPORT);
  s7_output_check("-w", o.write, S7_OUT_CAPTURE);
  S7Tshark tshark;
  if (!s7_probe_tshark_or_say(o.tshark, &tshark))
    return give_up(-1, NULL, NULL, partners, redact);

  /* the capture file: the user's, or a temporary one for the final analysis */
  g_autofree char *tmp_path = NULL;
  int file_fd;
  S7Ring *ring = NULL;
  if (o.ring) {
    /* the ring's files are made as the stream comes; at the end FILE is what they hold,
     * joined, and the report is made from it */
    ring = s7_ring_new(o.write, ring_kb, ring_files);
    file_fd = -1;
  } else if (o.write) {
    file_fd = g_open(o.write, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file_fd < 0) {
      fprintf(stderr, "s7diag: %s: %s\n", o.write, g_strerror(errno));
      return give_up(-1, NULL, &tshark, partners, redact);
    }
  } else {
    file_fd = g_file_open_tmp("s7diag-watch-XXXXXX.pcapng", &tmp_path, &err);
    if (file_fd < 0) {
      fprintf(stderr, "s7diag: %s\n", err->message);
      g_clear_error(&err);
      return give_up(-1, NULL, &tshark, partners, redact);
    }
  }
  const char *capture = o.write ? o.write : tmp_path;

  /* dumpcap */
  GString *iface_text = g_string_new(NULL);
  for (char **i = o.ifaces; i && *i; i++)
    g_string_append_printf(iface_text, "%s%s", iface_text->len ? ", " : "", *i);
  if (!iface_text->len)
    g_string_append(iface_text, "the default interface");
  GString *bpf = g_string_new(NULL);
  if (o.filter) {
    g_string_append(bpf, o.filter);
  } else {
    for (guint p = 0; p < ecfg.n_ports; p++)
      g_string_append_printf(bpf, "%stcp port %u", p ? " or " : "", ecfg.ports[p]);
    g_string_append(bpf, " or icmp or icmp6");
  }
  char *spawn_error = NULL;
  GSubprocess *dumpcap = s7_dumpcap_spawn(o.dumpcap, o.ifaces, bpf->str, "-", &spawn_error);
  g_string_free(bpf, TRUE);
  if (!dumpcap) {
    fprintf(stderr, "s7diag: %s\n", spawn_error);
    g_free(spawn_error);
    g_string_free(iface_text, TRUE);
    s7_ring_free(ring);
    return give_up(file_fd, tmp_path, &tshark, partners, redact);
  }

  int fds[2];
  if (!g_unix_open_pipe(fds, FD_CLOEXEC, &err)) {
    fprintf(stderr, "s7diag: %s\n", err->message);
    g_clear_error(&err);
    g_subprocess_force_exit(dumpcap);
    g_object_unref(dumpcap);
    g_string_free(iface_text, TRUE);
    s7_ring_free(ring);
    return give_up(file_fd, tmp_path, &tshark, partners, redact);
  }
  Copier copier = { g_subprocess_get_stdout_pipe(dumpcap), file_fd, fds[1], ring, 0, NULL };
  GThread *copy_thread = g_thread_new("s7diag-copy", copy_stream, &copier);
  S7TsharkOptions topt = { &tshark, ecfg.ports, ecfg.n_ports, TRUE, 0 };
  Reader reader = { &topt, fds[0], g_async_queue_new(), { 0 }, FALSE, NULL };
  GThread *read_thread = g_thread_new("s7diag-tshark", read_rows, &reader);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  gboolean status_line = !o.quiet && isatty(STDERR_FILENO);
  if (!o.quiet)
    fprintf(stderr, "s7diag: watching %s (%s); Ctrl-C ends it and writes the report\n",
            iface_text->str, o.write ? o.write : "capture kept until the report is written");
  S7Live *live = s7_live_new(&ecfg);
  GHashTable *printed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gint64 start = g_get_monotonic_time(), last_tick = start, last_status = 0;
  gint64 wall_offset = g_get_real_time() - start;
  gboolean tshark_done = FALSE, stopping = FALSE;
  while (!tshark_done) {
    S7Event *ev = g_async_queue_timeout_pop(reader.events, 100000);
    if (ev == &end_marker) {
      tshark_done = TRUE;
    } else if (ev) {
      s7_live_feed(live, ev);
      g_free(ev);
      continue;   /* drain what is there before the next snapshot */
    }
    gint64 now = g_get_monotonic_time();
    if (!stopping && (stop_requested || (o.duration > 0 && now - start >= (gint64)(o.duration * G_USEC_PER_SEC)) ||
                      g_subprocess_get_identifier(dumpcap) == NULL)) {
      stopping = TRUE;
      g_subprocess_send_signal(dumpcap, SIGTERM);   /* dumpcap ends its file; the stream ends */
    }
    if (tshark_done || now - last_tick >= 500000) {
      last_tick = now;
      /* answers that never come: judge as if the capture ended a second ago (the pipe's latency) */
      gint64 end_ts = now + wall_offset - G_USEC_PER_SEC;
      if (s7_live_events(live)) {
        s7_live_set_capture_end(live, end_ts);
        print_new_findings(s7_live_snapshot(live), printed, status_line);
      }
      if (status_line && now - last_status >= 1000000 && !tshark_done) {
        last_status = now;
        print_status(live, iface_text->str, start, g_hash_table_size(printed));
      }
    }
  }
  if (status_line)
    fputs("\r\033[K", stderr);
  g_thread_join(read_thread);
  g_thread_join(copy_thread);
  g_autofree char *derr = NULL;
  int dstatus = s7_dumpcap_stop(dumpcap, &derr);
  if (file_fd >= 0)
    close(file_fd);
  s7_live_free(live);
  g_hash_table_unref(printed);
  g_async_queue_unref(reader.events);

  int rc;
  guint64 bytes = (guint64)g_atomic_int_get(&copier.bytes);
  if (bytes == 0 || (dstatus != 0 && !stop_requested && !(o.duration > 0))) {
    fprintf(stderr, "s7diag: capture on %s failed: %s\n", iface_text->str, derr);
    rc = EXIT_USAGE;
  } else if (copier.error) {
    fprintf(stderr, "s7diag: %s\n", copier.error);
    rc = EXIT_USAGE;
  } else if (ring && !s7_ring_join(ring, o.write, &copier.error)) {
    fprintf(stderr, "s7diag: %s\n", copier.error);
    rc = EXIT_USAGE;
  } else {
    rc = EXIT_CLEAN;
  }
  if (rc == EXIT_USAGE && redact && o.write) {
    /* no report, so nothing learned to redact with: what was captured does not stay */
    for (guint i = 0; ring && i < s7_ring_files(ring)->len; i++)
      g_unlink(g_ptr_array_index(s7_ring_files(ring), i));
    g_unlink(o.write);
    fprintf(stderr, "s7diag: %s%s removed: it would not be redacted\n", o.write, ring ? " and the ring's files" : "");
  }
  if (rc != EXIT_USAGE) {
    if (ring && !o.quiet)
      fprintf(stderr, "s7diag: the ring holds the last %u of %u files (from %s); %s is them joined, "
              "the report covers it\n", s7_ring_files(ring)->len, s7_ring_files_made(ring),
              s7_ring_files(ring)->len ? (const char *)g_ptr_array_index(s7_ring_files(ring), 0) : "-", o.write);
    if (!reader.ok && !o.quiet && !stop_requested)   /* Ctrl-C also reaches tshark */
      fprintf(stderr, "s7diag: warning: the live diagnosis stopped (%s); the report is made from the capture\n",
              reader.error);
    /* the report: the capture, analyzed as `analyze` would */
    S7CaptureResult *r = s7_analyze_capture(capture, &(S7TsharkOptions){ &tshark, ecfg.ports, ecfg.n_ports, FALSE, 0 },
                                            &ecfg, 1, NULL);
    if (r->error)
      fprintf(stderr, "s7diag: %s: %s\n", capture, r->error);
    else if (!o.quiet && r->packets == 0)
      fprintf(stderr, "s7diag: warning: no packet matched the capture filter on %s\n", iface_text->str);
    GPtrArray *caps = g_ptr_array_new();
    g_ptr_array_add(caps, s7_report_capture(r));
    json_t *report = s7_report_new(S7DIAG_VERSION, tshark.version, caps);
    g_ptr_array_unref(caps);
    rc = s7_exit_status(report, threshold);
    rc = s7_report_finish(report, redact, o.write, format, output, threshold, rc);
    for (guint i = 0; ring && redact && i < s7_ring_files(ring)->len; i++) {
      const char *file = g_ptr_array_index(s7_ring_files(ring), i);
      char *why = NULL;
      if (!s7_redact_capture_in_place(redact, file, &why)) {
        fprintf(stderr, "s7diag: %s (removed: it would not be redacted)\n", why);
        g_unlink(file);
        g_free(why);
        rc = EXIT_USAGE;
      }
    }
    json_decref(report);
    s7_capture_result_free(r);
  }
  if (tmp_path)
    g_unlink(tmp_path);
  s7_ring_free(ring);
  g_free(reader.error);
  g_free(copier.error);
  g_string_free(iface_text, TRUE);
  s7_tshark_clear(&tshark);
  s7_partners_free(partners);
  s7_redactor_free(redact);
  opts_clear();
  return rc;
}

const S7Command s7_cmd_watch_entry = {
  "watch", "[-i IFACE]...", "diagnose live: capture, print each finding as it happens, then report",
  "Captures with dumpcap (default filter: the S7 ports and ICMP), diagnoses while it captures "
  "and prints each finding on one line the moment it is known (a status line on a terminal). "
  "Ctrl-C, SIGTERM or --duration ends it: the capture is analyzed as analyze would and the "
  "report written (-F, -o); -w keeps the capture for the ticket. Needs the right to capture "
  "(root, or a member of the wireshark group). Exit status as for analyze.",
  watch_options, cmd_watch, "", TRUE, TRUE
};
