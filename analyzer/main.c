/* main.c — the s7diag command line. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_analysis.h"
#include "report_json.h"

#ifndef S7DIAG_VERSION
#define S7DIAG_VERSION "0.0.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

static void die_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die_usage(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("s7diag: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\nTry 's7diag --help'.\n", stderr);
  va_end(ap);
  exit(EXIT_USAGE);
}

static const char *usage_text =
    "Usage: s7diag COMMAND [OPTION…]\n"
    "\n"
    "Finds and explains the faults that break Siemens S7 communication (ISO-on-TCP, port 102)\n"
    "in packet captures, using the stock tshark.\n"
    "\n"
    "Commands:\n"
    "  analyze [OPTION…] CAPTURE…   diagnose captures and write a report\n"
    "  version                     print the version\n"
    "\n"
    "Run 's7diag analyze --help' for the analyzer's options.\n"
    "\n"
    "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.\n";

typedef struct {
  char *format;
  char *output;
  char *tshark;
  char *fail_on;
  char **ports;
  double no_response_timeout;
  double connect_timeout;
  gboolean quiet;
} AnalyzeOpts;

static gboolean parse_ports(char **ports, S7EngineConfig *cfg)
{
  if (!ports)
    return TRUE;
  for (char **p = ports; *p; p++) {
    char *end;
    guint64 v = g_ascii_strtoull(*p, &end, 10);
    if (*end || v == 0 || v > 65535)
      die_usage("--port: '%s' is not a TCP port", *p);
    if (cfg->n_ports >= S7_MAX_PORTS)
      die_usage("--port: at most %d ports", S7_MAX_PORTS - 1);
    gboolean dup = FALSE;
    for (guint i = 0; i < cfg->n_ports; i++)
      dup |= cfg->ports[i] == v;
    if (!dup)
      cfg->ports[cfg->n_ports++] = (guint16)v;
  }
  return TRUE;
}

static int severity_threshold(const char *fail_on)
{
  if (!fail_on || !strcmp(fail_on, "error"))
    return S7_SEV_ERROR;
  if (!strcmp(fail_on, "warning"))
    return S7_SEV_WARNING;
  if (!strcmp(fail_on, "note"))
    return S7_SEV_NOTE;
  if (!strcmp(fail_on, "never"))
    return 99;
  die_usage("--fail-on: '%s' is not one of error, warning, note, never", fail_on);
  return 0;
}

static int cmd_analyze(int argc, char **argv)
{
  AnalyzeOpts o = { .no_response_timeout = 5.0, .connect_timeout = 3.0 };
  GOptionEntry entries[] = {
    { "format", 'F', 0, G_OPTION_ARG_STRING, &o.format, "Report format: json (default json)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "Write the report to FILE instead of stdout", "FILE" },
    { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &o.tshark, "The tshark to run (default: tshark on PATH)", "PATH" },
    { "fail-on", 0, 0, G_OPTION_ARG_STRING, &o.fail_on, "Exit 1 on findings of this severity or worse: error (default), warning, note, never", "LEVEL" },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.ports, "Also treat this TCP port as S7 (repeatable; 102 always)", "PORT" },
    { "no-response-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.no_response_timeout, "Seconds a job may stay unanswered on a live connection (default 5)", "S" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.connect_timeout, "Seconds a COTP connect may stay unanswered (default 3)", "S" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No warnings on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("CAPTURE… — diagnose S7 captures");
  g_option_context_set_summary(ctx,
      "Runs tshark on each capture, diagnoses S7 faults and writes a JSON report.\n"
      "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err))
    die_usage("%s", err->message);
  if (argc < 2)
    die_usage("analyze: no capture given");
  if (o.format && strcmp(o.format, "json") != 0)
    die_usage("--format: '%s' is not a known format (json)", o.format);
  if (o.no_response_timeout <= 0 || o.connect_timeout <= 0)
    die_usage("timeouts must be positive");
  int threshold = severity_threshold(o.fail_on);

  S7EngineConfig ecfg;
  s7_engine_config_init(&ecfg);
  parse_ports(o.ports, &ecfg);
  ecfg.no_response_timeout_s = o.no_response_timeout;
  ecfg.connect_timeout_s = o.connect_timeout;
  S7TsharkOptions topt = { o.tshark ? o.tshark : "tshark", ecfg.ports, ecfg.n_ports };

  FILE *out = stdout;
  if (o.output) {
    out = fopen(o.output, "w");
    if (!out) {
      fprintf(stderr, "s7diag: %s: cannot write: %s\n", o.output, g_strerror(errno));
      return EXIT_USAGE;
    }
  }

  g_autofree char *tshark_version = s7_tshark_version(topt.tshark);
  int rc = EXIT_CLEAN;
  guint n = (guint)argc - 1;
  S7CaptureResult **results = g_new0(S7CaptureResult *, n);
  for (guint i = 0; i < n; i++) {
    results[i] = s7_analyze_capture(argv[i + 1], &topt, &ecfg);
    S7CaptureResult *r = results[i];
    if (r->error) {
      fprintf(stderr, "s7diag: %s: %s\n", r->file, r->error);
      rc = EXIT_USAGE;
      continue;
    }
    if (!o.quiet)
      for (guint w = 0; w < r->warnings->len; w++)
        fprintf(stderr, "s7diag: %s: warning: %s\n", r->file, (char *)g_ptr_array_index(r->warnings, w));
    const GPtrArray *f = s7_engine_findings(r->engine);
    for (guint k = 0; k < f->len && rc == EXIT_CLEAN; k++)
      if ((int)((S7Finding *)g_ptr_array_index(f, k))->severity >= threshold)
        rc = EXIT_FINDINGS;
  }
  S7ReportMeta meta = { S7DIAG_VERSION, tshark_version };
  gboolean written = s7_report_json_write(out, &meta, results, n);
  if (out != stdout && fclose(out) != 0)
    written = FALSE;
  if (!written) {
    fprintf(stderr, "s7diag: %s: write error\n", o.output ? o.output : "stdout");
    rc = EXIT_USAGE;
  }
  for (guint i = 0; i < n; i++)
    s7_capture_result_free(results[i]);
  g_free(results);
  g_free(o.format); g_free(o.output); g_free(o.tshark); g_free(o.fail_on);
  g_strfreev(o.ports);
  return rc;
}

int main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  if (argc < 2)
    die_usage("no command given");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return EXIT_CLEAN;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("s7diag %s\n", S7DIAG_VERSION);
    return EXIT_CLEAN;
  }
  if (!strcmp(cmd, "analyze"))
    return cmd_analyze(argc - 1, argv + 1);
  die_usage("unknown command '%s'", cmd);
  return EXIT_USAGE;
}
