/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_report.h — a check's part of the report: the "check" object of its capture entry
 * (docs/json-schema.md) with the steps, the rack/slot search, the negotiated sizes and the
 * identity; every report format renders it (report_doc.c, report_junit.c). */
#ifndef S7DIAG_CHECK_REPORT_H
#define S7DIAG_CHECK_REPORT_H

#include <jansson.h>

#include "check_run.h"

G_BEGIN_DECLS

/* host: as the user gave it; capture: the -w file, NULL without; capture_note: why there is
 * none although -w was given, NULL otherwise */
json_t *s7_check_json(const S7CheckResult *r, const S7CheckOptions *o, const char *host, const char *capture,
                      const char *capture_note);

G_END_DECLS

#endif
