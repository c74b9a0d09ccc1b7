/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_options.c — the options several commands share: --format/--output/--fail-on, --redact,
 * --port and the engine's timeouts and partner list, and which tshark to run. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_tables.h"
#include "redact.h"

/* --format, --output and --fail-on, one table for every command that writes a report */
static struct {
  char *format, *output, *fail_on;
} report_opts;

static const GOptionEntry report_entries[] = {
  { "format", 'F', 0, G_OPTION_ARG_STRING, &report_opts.format,
    "Report format: text, markdown, json, html, junit (default: by -o's extension, text on a terminal, else json; merge: json)", "FORMAT" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &report_opts.output,
    "Write the report to FILE (default: stdout); analyze and merge: to a DIR (existing, or ending in /), one file per capture and s7diag-report.EXT", "FILE|DIR" },
  { "fail-on", 0, 0, G_OPTION_ARG_STRING, &report_opts.fail_on,
    "Exit 1 on findings (check: and failed steps; diff: findings only the failing side has) of this severity or worse: error (default), warning, note, never", "LEVEL" },
  { NULL, 0, 0, 0, NULL, NULL, NULL }
};

void s7_report_choice_from_cli(gboolean json_default, S7Format *format, const char **output, int *threshold)
{
  *output = report_opts.output;
  if (!json_default)
    *format = s7_format_default(report_opts.output);
  else if (!report_opts.output || !s7_format_from_path(report_opts.output, format))
    *format = S7_FMT_JSON;
  if (report_opts.format && !s7_format_parse(report_opts.format, format))
    s7_die_usage("--format: '%s' is not one of text, markdown, json, html, junit", report_opts.format);
  *threshold = s7_fail_threshold(report_opts.fail_on);
}

/* --redact and --redact-key, one table for every command that writes reports */
static struct {
  gboolean redact;
  char *key_file;
} redact_opts;

static const GOptionEntry redact_entries[] = {
  { "redact", 0, 0, G_OPTION_ARG_NONE, &redact_opts.redact,
    "Replace addresses (subnets kept), MACs (vendor kept), PLC names, serials, file paths and comments by pseudonyms, the same for the same value, in the report and the capture files written", NULL },
  { "redact-key", 0, 0, G_OPTION_ARG_FILENAME, &redact_opts.key_file,
    "Redact with pseudonyms keyed by FILE's content: the same in every run, to compare reports (implies --redact)", "FILE" },
  { NULL, 0, 0, 0, NULL, NULL, NULL }
};

S7Redactor *s7_redactor_from_cli(void)
{
  if (!redact_opts.redact && !redact_opts.key_file)
    return NULL;
  char *why = NULL;
  s7_input_file_note(redact_opts.key_file);
  S7Redactor *r = s7_redactor_new(redact_opts.key_file, &why);
  if (!r)
    s7_die_usage("%s", why);
  g_free(redact_opts.key_file);
  redact_opts.key_file = NULL;
  return r;
}

const GOptionEntry *s7_cli_report_entries(void)
{
  return report_entries;
}

const GOptionEntry *s7_cli_redact_entries(void)
{
  return redact_entries;
}

int s7_fail_threshold(const char *fail_on)
{
  if (!fail_on || !strcmp(fail_on, "error"))
    return 2;
  if (!strcmp(fail_on, "warning"))
    return 1;
  if (!strcmp(fail_on, "note"))
    return 0;
  if (!strcmp(fail_on, "never"))
    return 99;
  s7_die_usage("--fail-on: '%s' is not one of error, warning, note, never", fail_on);
}

void s7_parse_ports(char **ports, S7EngineConfig *cfg)
{
  for (char **p = ports; p && *p; p++) {
    char *end;
    guint64 v = g_ascii_strtoull(*p, &end, 10);
    if (*end || v == 0 || v > 65535)
      s7_die_usage("--port: '%s' is not a TCP port", *p);
    if (cfg->n_ports >= S7_MAX_PORTS)
      s7_die_usage("--port: at most %d ports", S7_MAX_PORTS - 1);
    gboolean dup = FALSE;
    for (guint i = 0; i < cfg->n_ports; i++)
      dup |= cfg->ports[i] == v;
    if (!dup)
      cfg->ports[cfg->n_ports++] = (guint16)v;
  }
}

S7Partners *s7_engine_config_from_options(char **ports, double no_response_timeout_s,
                                          double connect_timeout_s, const char *partners_file,
                                          S7EngineConfig *cfg)
{
  s7_engine_config_init(cfg);
  s7_parse_ports(ports, cfg);
  cfg->no_response_timeout_s = no_response_timeout_s;
  cfg->connect_timeout_s = connect_timeout_s;
  g_autoptr(GError) err = NULL;
  s7_input_file_note(partners_file);
  S7Partners *partners = partners_file ? s7_partners_load(partners_file, &err) : NULL;
  if (partners_file && !partners)
    s7_die_usage("--partners: %s", err->message);
  cfg->partners = partners;
  return partners;
}

gboolean s7_probe_tshark_or_say(const char *path, S7Tshark *tshark)
{
  GError *err = NULL;
  if (s7_tshark_probe(path ? path : "tshark", tshark, &err))
    return TRUE;
  fprintf(stderr, "s7diag: %s\n", err->message);
  g_error_free(err);
  return FALSE;
}
