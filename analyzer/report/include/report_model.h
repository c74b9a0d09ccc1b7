/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_model.h — the report: one JSON document (schema docs/json-schema.md) that every
 * writer renders (text, Markdown, HTML, JUnit, JSON) and that `merge` combines.
 *
 * Captures are ordered by file name, then SHA-256, whatever the order they ran in, so a
 * report is the same for any -j, argument order, or way of merging per-capture reports. */
#ifndef S7DIAG_REPORT_MODEL_H
#define S7DIAG_REPORT_MODEL_H

#include <stdio.h>
#include <glib.h>
#include <jansson.h>

#include "capture_analysis.h"

G_BEGIN_DECLS

#define S7DIAG_JSON_SCHEMA "s7diag-report/1"
#define S7_TIMELINE_BUCKETS 48

/* One capture's part of the report. */
json_t *s7_report_capture(const S7CaptureResult *r);

/* The report over captures (json objects from s7_report_capture; references are stolen).
 * tshark_version may be NULL (not runnable). */
json_t *s7_report_new(const char *s7diag_version, const char *tshark_version, GPtrArray *captures);

/* Combines reports into one (associative and commutative). FALSE with *error naming the
 * problem when one is not an s7diag report. */
json_t *s7_report_merge(json_t *const *reports, guint n, char **error);

/* The worst severity found over all captures: 0 note, 1 warning, 2 error, -1 none;
 * *failed is set when a capture could not be analyzed. */
int s7_report_worst(const json_t *report, gboolean *failed);

gboolean s7_report_write_json(FILE *out, const json_t *report);

/* Accessors the writers share */
const char *s7_json_str(const json_t *o, const char *key);      /* NULL if absent or not a string */
const char *s7_json_text(const json_t *o, const char *key);     /* "" if absent or not a string */
json_int_t s7_json_int(const json_t *o, const char *key);        /* 0 if absent */
/* A capture's file name as its bytes (a name that is not UTF-8 is carried in file_base64, shown
 * escaped in file); newly allocated */
char *s7_report_capture_file(const json_t *capture);

G_END_DECLS

#endif
