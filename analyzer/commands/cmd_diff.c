/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_diff.c — `s7diag diff GOOD BAD`: a working and a failing capture (or their JSON reports)
 * compared (report_diff.h). */
#include <stdio.h>
#include <string.h>

#include "bytes_text.h"
#include "capture_analysis.h"
#include "inputs.h"
#include "commands.h"
#include "redact.h"
#include "report_diff.h"
#include "report_model.h"
#include "report_output.h"

static struct {
  char *tshark;
  char **ports;
} o;

static const GOptionEntry *diff_options(void)
{
  static const GOptionEntry entries[] = {
    { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &o.tshark, "The tshark to run for captures (default: tshark on PATH)", "PATH" },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.ports, "Also treat this TCP port as S7 (repeatable; 102 always)", "PORT" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  return entries;
}

static gboolean looks_like_json(const char *path)
{
  if (g_str_has_suffix(path, ".json"))
    return TRUE;
  FILE *f = fopen(path, "rb");
  if (!f)
    return FALSE;
  int c;
  while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\t' || c == '\r')
    ;
  fclose(f);
  return c == '{';
}

/* A side: its report, loaded or made; NULL with the reason on stderr. What is not a regular file
 * is read once, into a spool (inputs.h). */
static json_t *side_of(const S7Input *in, S7Tshark *tshark, gboolean *tshark_ready, const S7EngineConfig *ecfg)
{
  g_autofree char *shown = s7_bytes_text(in->name);
  if (in->error) {
    fprintf(stderr, "s7diag: %s: %s\n", shown, in->error);
    return NULL;
  }
  const char *path = in->path;
  if (looks_like_json(path)) {
    json_error_t jerr;
    json_t *r = json_load_file(path, 0, &jerr);
    if (!r || g_strcmp0(s7_json_str(r, "schema"), S7DIAG_JSON_SCHEMA)) {
      fprintf(stderr, "s7diag: %s: not an s7diag JSON report%s%s\n", shown, r ? "" : ": ", r ? "" : jerr.text);
      json_decref(r);
      return NULL;
    }
    return r;
  }
  if (!*tshark_ready) {
    if (!s7_probe_tshark_or_say(o.tshark, tshark))
      return NULL;
    *tshark_ready = TRUE;
  }
  S7TsharkOptions topt = { tshark, ecfg->ports, ecfg->n_ports, FALSE, 0 };
  S7CaptureResult *r = s7_analyze_capture(path, &topt, ecfg, 1, NULL);
  if (r->error) {
    fprintf(stderr, "s7diag: %s: %s\n", shown, r->error);
    s7_capture_result_free(r);
    return NULL;
  }
  g_free(r->file);
  r->file = g_strdup(in->name);
  GPtrArray *caps = g_ptr_array_new();
  g_ptr_array_add(caps, s7_report_capture(r));
  json_t *rep = s7_report_new(S7DIAG_VERSION, tshark->version, caps);
  g_ptr_array_unref(caps);
  s7_capture_result_free(r);
  return rep;
}

static json_t *side(const char *arg, S7Tshark *tshark, gboolean *tshark_ready, const S7EngineConfig *ecfg)
{
  S7Input *in = s7_input_open(arg);
  json_t *rep = side_of(in, tshark, tshark_ready, ecfg);
  s7_input_free(in);
  return rep;
}

static void opts_clear(void)
{
g_free(o.tshark);
  g_strfreev(o.ports);
  memset(&o, 0, sizeof o);
}

static int cmd_diff(int argc, char **argv)
{
  memset(&o, 0, sizeof o);
  s7_command_parse(&s7_cmd_diff_entry, &argc, &argv);
  if (argc != 3)
    s7_die_usage("diff: give the working and the failing capture (or report): s7diag diff GOOD BAD");
  S7Format format;
  const char *output;
  int threshold;
  s7_report_choice_from_cli(FALSE, &format, &output, &threshold);
  S7Redactor *redact = s7_redactor_from_cli();
  s7_input_file_note(argv[1]);
  s7_input_file_note(argv[2]);
  g_autoptr(GPtrArray) paths = s7_report_output_paths(&s7_doc_diff, format, output, NULL, 0);
  for (guint i = 0; i < paths->len; i++)
    s7_output_check("-o", g_ptr_array_index(paths, i), S7_OUT_REPORT);
  S7EngineConfig ecfg;
  s7_engine_config_from_options(o.ports, 5.0, 3.0, NULL, &ecfg);
  S7Tshark tshark;
  gboolean tshark_ready = FALSE;
  json_t *good = side(argv[1], &tshark, &tshark_ready, &ecfg);
  json_t *bad = good ? side(argv[2], &tshark, &tshark_ready, &ecfg) : NULL;
  int rc = EXIT_USAGE;
  if (good && bad) {
    json_t *d = s7_report_diff(good, bad, argv[1], argv[2]);
    int worst = s7_diff_worst(d);
    rc = worst >= 0 && worst >= threshold ? EXIT_FINDINGS : EXIT_CLEAN;
    if (redact) {
      s7_redactor_learn_report(redact, good);
      s7_redactor_learn_report(redact, bad);
      s7_redactor_add_secret(redact, S7_SECRET_FILE, argv[1]);
      s7_redactor_add_secret(redact, S7_SECRET_FILE, argv[2]);
    }
    rc = s7_report_finish(d, redact, NULL, format, output, threshold, rc);
    json_decref(d);
  }
  json_decref(good);
  json_decref(bad);
  if (tshark_ready)
    s7_tshark_clear(&tshark);
  s7_redactor_free(redact);
  opts_clear();
  return rc;
}

const S7Command s7_cmd_diff_entry = {
  "diff", "GOOD BAD", "compare a working and a failing capture: what the failing one does differently",
  "Compares a working capture (or client) with a failing one, each a capture or a JSON report, and "
  "says what differs that explains the failure: the findings only the failing side has first, "
  "then the called and calling TSAP (rack/slot), negotiated PDU size and Max AmQ, functions used, "
  "areas and addresses accessed (the failing client reads DB1.DBB1848, past what the working one "
  "reads), the codes the PLC answered, PLC identity and firmware, a new connection per poll or a "
  "persistent one, response times, and who closed the connections. Any format. Exit status: 1 when "
  "the failing side has findings (at or above --fail-on) the working side has not, 0 otherwise, 2 "
  "usage error or an input that could not be read.",
  diff_options, cmd_diff, "file", TRUE, TRUE
};
