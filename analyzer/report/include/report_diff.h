/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_diff.h — `s7diag diff GOOD BAD`: what a failing capture (or client) does differently
 * from a working one, as one JSON document (schema s7diag-diff/1, docs/json-schema.md) that
 * every format renders: the findings only the failing side has, then each aspect that differs
 * (TSAPs and rack/slot, negotiated PDU and Max AmQ, functions used, areas and addresses
 * accessed, the answers and codes, PLC identity, connect-per-poll or persistent, response
 * times, who closed the connections), then findings only the working side has and those of both. */
#ifndef S7DIAG_REPORT_DIFF_H
#define S7DIAG_REPORT_DIFF_H

#include <stdio.h>
#include <jansson.h>

#include "report_doc.h"

G_BEGIN_DECLS

#define S7DIAG_DIFF_SCHEMA "s7diag-diff/1"

/* good, bad: s7diag reports (every capture of each counts as that side) */
json_t *s7_report_diff(const json_t *good, const json_t *bad, const char *good_name, const char *bad_name);

/* The worst severity of the findings only the failing side has: 0 note … 2 error, -1 none */
int s7_diff_worst(const json_t *diff);

void s7_diff_render(const json_t *diff, S7DocWriter *w);
gboolean s7_diff_write_junit(FILE *out, const json_t *diff, int threshold);
/* The diff as a document kind: one file, s7diag-diff.EXT, in a directory output */
extern const S7DocKind s7_doc_diff;

G_END_DECLS

#endif
