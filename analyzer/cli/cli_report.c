/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_report.c — the end of every report-writing command: redaction, the report written, the
 * exit status. */
#include <stdio.h>
#include <glib/gstdio.h>

#include "cli.h"
#include "redact.h"
#include "report_model.h"

int s7_exit_status(const json_t *report, int threshold)
{
  gboolean failed;
  int worst = s7_report_worst(report, &failed);
  if (failed)
    return EXIT_USAGE;
  return worst >= 0 && worst >= threshold ? EXIT_FINDINGS : EXIT_CLEAN;
}

int s7_report_finish(json_t *report, S7Redactor *redact, const char *capture, S7Format format,
                     const char *output, int threshold, int rc)
{
  if (redact) {
    s7_redactor_learn_report(redact, report);
    char *why = NULL;
    if (capture && !s7_redact_capture_in_place(redact, capture, &why)) {
      fprintf(stderr, "s7diag: %s (removed: it would not be redacted)\n", why);
      g_unlink(capture);
      g_free(why);
      rc = EXIT_USAGE;
    }
    s7_redact_report(redact, report);
  }
  char *werr = NULL;
  if (!s7_report_output(report, format, output, threshold, &werr)) {
    fprintf(stderr, "s7diag: %s\n", werr);
    g_free(werr);
    rc = EXIT_USAGE;
  }
  return rc;
}
