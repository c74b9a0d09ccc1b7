/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_merge.c — `s7diag merge REPORT.json...`: one report from many (see report_model.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "commands.h"
#include "redact.h"
#include "report_model.h"
#include "report_output.h"


static int cmd_merge(int argc, char **argv)
{
  s7_command_parse(&s7_cmd_merge_entry, &argc, &argv);
  if (argc < 2)
    s7_die_usage("merge: no report given");
  S7Format format;
  const char *m_output;
  int threshold;
  s7_report_choice_from_cli(TRUE, &format, &m_output, &threshold);
  S7Redactor *redact = s7_redactor_from_cli();

  guint n = (guint)argc - 1;
  /* one report given twice would count its captures twice */
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++) {
    GStatBuf st;
    if (g_stat(argv[i + 1], &st) != 0)
      continue;   /* said when it is read */
    char *id = g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
    if (!g_hash_table_add(seen, id))
      s7_die_usage("merge: %s is given twice (its captures would be counted twice)", argv[i + 1]);
    s7_input_file_note(argv[i + 1]);
  }
  s7_output_check("-o", m_output, S7_OUT_REPORT);
  json_t **reports = g_new0(json_t *, n);
  int rc = EXIT_CLEAN;
  for (guint i = 0; i < n && rc == EXIT_CLEAN; i++) {
    json_error_t jerr;
    reports[i] = json_load_file(argv[i + 1], 0, &jerr);
    if (!reports[i]) {
      fprintf(stderr, "s7diag: %s: not a JSON report: %s (line %d)\n", argv[i + 1], jerr.text, jerr.line);
      rc = EXIT_USAGE;
    }
  }
  json_t *merged = NULL;
  if (rc == EXIT_CLEAN) {
    char *why = NULL;
    merged = s7_report_merge(reports, n, &why);
    if (!merged) {
      fprintf(stderr, "s7diag: merge: %s\n", why);
      g_free(why);
      rc = EXIT_USAGE;
    }
  }
  if (merged) {
    rc = s7_exit_status(merged, threshold);
    rc = s7_report_finish(merged, redact, NULL, format, m_output, threshold, rc);
    json_decref(merged);
  }
  for (guint i = 0; i < n; i++)
    json_decref(reports[i]);
  g_free(reports);
  s7_redactor_free(redact);
  return rc;
}

const S7Command s7_cmd_merge_entry = {
  "merge", "REPORT.json...", "combine JSON reports into one",
  "Combines JSON reports (for example of per-capture runs on several machines) into one report. "
  "The result does not depend on the order or grouping of the inputs. Writes JSON unless "
  "--format says otherwise; exit status as for analyze.",
  NULL, cmd_merge, "json", TRUE, TRUE
};
