/* report_json.h — the versioned JSON report (schema: docs/json-schema.md). */
#ifndef S7DIAG_REPORT_JSON_H
#define S7DIAG_REPORT_JSON_H

#include <stdio.h>
#include <glib.h>

#include "capture_analysis.h"

G_BEGIN_DECLS

#define S7DIAG_JSON_SCHEMA "s7diag-report/1"

typedef struct {
  const char *s7diag_version;
  const char *tshark_version;
} S7ReportMeta;

/* Writes the report for all captures to out; returns FALSE on a write error. */
gboolean s7_report_json_write(FILE *out, const S7ReportMeta *meta, S7CaptureResult *const *captures,
                              guint n);

G_END_DECLS

#endif
