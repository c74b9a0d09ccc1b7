/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_output.h — a report in a format to stdout, a file, or a directory (one file per
 * capture plus the combined report). */
#ifndef S7DIAG_REPORT_OUTPUT_H
#define S7DIAG_REPORT_OUTPUT_H

#include <glib.h>
#include <jansson.h>

#include "report_doc.h"

typedef enum { S7_FMT_TEXT, S7_FMT_MARKDOWN, S7_FMT_JSON, S7_FMT_HTML, S7_FMT_JUNIT } S7Format;

/* "text", "markdown"/"md", "json", "html", "junit"; FALSE when unknown */
gboolean s7_format_parse(const char *name, S7Format *out);
/* The format a file name asks for by its extension (.txt .md .json .html .xml); FALSE if none */
gboolean s7_format_from_path(const char *path, S7Format *out);
const char *s7_format_extension(S7Format f);

/* The default when --format is not given: by -o's extension, else text on a terminal, else json */
S7Format s7_format_default(const char *output);

/* Writes the report. output NULL: stdout (colour for text when stdout is a TTY and NO_COLOR is
 * unset). output an existing directory or ending in '/': one file per capture named after it,
 * and s7diag-report.EXT with all of them. threshold: the --fail-on level (JUnit failures).
 * FALSE with *error ("PATH: reason") on a write error. */
/* The kind of document (report_doc.h) a JSON document is, by its schema */
const S7DocKind *s7_doc_kind(const json_t *doc);
/* The files s7_report_output writes of a document of that kind for captures named files (their
 * "file" as reported; none for a kind written as one file), the combined report last; none
 * for stdout */
GPtrArray *s7_report_output_paths(const S7DocKind *kind, S7Format format, const char *output,
                                  const char *const *files, guint n);

/* Writes the report, each file whole or not at all (outfile.h). */
gboolean s7_report_output(const json_t *report, S7Format format, const char *output, int threshold,
                          char **error);

#endif
