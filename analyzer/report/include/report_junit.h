/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_junit.h — the JUnit XML report for CI: one test suite per capture, one test case per
 * check (the capture could be analyzed; then one per fault kind of the catalogue), failing
 * when a finding of that kind is at or above the --fail-on severity. */
#ifndef S7DIAG_REPORT_JUNIT_H
#define S7DIAG_REPORT_JUNIT_H

#include <stdio.h>
#include <glib.h>
#include <jansson.h>

/* threshold: 0 note, 1 warning, 2 error, >2 never */
gboolean s7_report_write_junit(FILE *out, const json_t *report, int threshold);

#endif
