/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_output.c — a report in a format to stdout, a file or a directory (see report_output.h). */
#include "report_output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "report_diff.h"
#include "report_doc.h"
#include "report_model.h"
#include "bytes_text.h"
#include "outfile.h"

static const struct { const char *name; S7Format f; const char *ext; } formats[] = {
  { "text", S7_FMT_TEXT, "txt" }, { "markdown", S7_FMT_MARKDOWN, "md" }, { "md", S7_FMT_MARKDOWN, "md" },
  { "json", S7_FMT_JSON, "json" }, { "html", S7_FMT_HTML, "html" }, { "junit", S7_FMT_JUNIT, "xml" },
};

gboolean s7_format_parse(const char *name, S7Format *out)
{
  for (guint i = 0; i < G_N_ELEMENTS(formats); i++)
    if (!g_ascii_strcasecmp(name, formats[i].name)) {
      *out = formats[i].f;
      return TRUE;
    }
  return FALSE;
}

gboolean s7_format_from_path(const char *path, S7Format *out)
{
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (!dot || strchr(dot, '/'))
    return FALSE;
  if (!g_ascii_strcasecmp(dot + 1, "htm")) {
    *out = S7_FMT_HTML;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS(formats); i++)
    if (!g_ascii_strcasecmp(dot + 1, formats[i].ext)) {
      *out = formats[i].f;
      return TRUE;
    }
  return FALSE;
}

const char *s7_format_extension(S7Format f)
{
  for (guint i = 0; i < G_N_ELEMENTS(formats); i++)
    if (formats[i].f == f)
      return formats[i].ext;
  return "txt";
}

static gboolean is_dir_target(const char *output)
{
  return output && (g_str_has_suffix(output, "/") || g_file_test(output, G_FILE_TEST_IS_DIR));
}

S7Format s7_format_default(const char *output)
{
  S7Format f;
  if (output && !is_dir_target(output) && s7_format_from_path(output, &f))
    return f;
  if (!output && isatty(STDOUT_FILENO))
    return S7_FMT_TEXT;
  return S7_FMT_JSON;
}

/* The kinds of document, by schema; anything else is taken for a report (merge checks its input) */
static const S7DocKind *const kinds[] = { &s7_doc_report, &s7_doc_diff };

const S7DocKind *s7_doc_kind(const json_t *doc)
{
  const char *schema = s7_json_str(doc, "schema");
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (!g_strcmp0(schema, kinds[i]->schema))
      return kinds[i];
  return &s7_doc_report;
}

static gboolean write_one(const json_t *report, S7Format format, FILE *out, gboolean color, int threshold)
{
  const S7DocKind *kind = s7_doc_kind(report);
  S7DocWriter w;
  switch (format) {
  case S7_FMT_JSON:
    return s7_report_write_json(out, report);
  case S7_FMT_JUNIT:
    return kind->write_junit(out, report, threshold);
  case S7_FMT_TEXT:
    s7_doc_text_init(&w, out, color);
    break;
  case S7_FMT_MARKDOWN:
    s7_doc_markdown_init(&w, out);
    break;
  case S7_FMT_HTML:
    s7_doc_html_init(&w, out);
    break;
  }
  kind->render(report, &w);
  return !ferror(out);
}

typedef struct {
  const json_t *report;
  S7Format format;
  const char *path;
  int threshold;
} ReportFile;

static gboolean fill_report(S7OutFile *out, gpointer data, char **error)
{
  const ReportFile *f = data;
  if (write_one(f->report, f->format, s7_outfile_stream(out), FALSE, f->threshold))
    return TRUE;
  g_autofree char *shown = s7_bytes_text(f->path);
  *error = g_strdup_printf("%s: write error", shown);
  return FALSE;
}

static gboolean write_file(const json_t *report, S7Format format, const char *path, int threshold,
                           char **error)
{
  ReportFile f = { report, format, path, threshold };
  return s7_outfile_write(path, fill_report, &f, error);
}

/* The files of a directory output: one per capture named after it (NAME.EXT, NAME-2.EXT for a
 * name seen before), then the combined one; or the one file of a kind that is not split (a diff) */
static GPtrArray *dir_paths(const S7DocKind *kind, const char *dir, S7Format format, const char *const *files,
                            guint n)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  const char *ext = s7_format_extension(format);
  if (kind->dir_file) {
    g_autofree char *name = g_strdup_printf("%s.%s", kind->dir_file, ext);
    g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
    return paths;
  }
  g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++) {
    g_autofree char *base = g_path_get_basename(files[i]);
    char *name = g_strdup_printf("%s.%s", base, ext);
    for (guint k = 2; g_hash_table_contains(used, name); k++) {   /* same name in two folders */
      g_free(name);
      name = g_strdup_printf("%s-%u.%s", base, k, ext);
    }
    g_hash_table_add(used, name);
    g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
  }
  g_autofree char *combined = g_strdup_printf("s7diag-report.%s", ext);
  g_ptr_array_add(paths, g_build_filename(dir, combined, NULL));
  return paths;
}

GPtrArray *s7_report_output_paths(const S7DocKind *kind, S7Format format, const char *output,
                                  const char *const *files, guint n)
{
  if (!output)
    return g_ptr_array_new_with_free_func(g_free);
  if (is_dir_target(output))
    return dir_paths(kind, output, format, files, n);
  GPtrArray *one = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(one, g_strdup(output));
  return one;
}

/* A one-capture report with the same versions */
static json_t *single(const json_t *report, json_t *capture)
{
  GPtrArray *one = g_ptr_array_new();
  g_ptr_array_add(one, json_incref(capture));
  json_t *r = s7_report_new(s7_json_str(report, "s7diag_version"), s7_json_str(report, "tshark_version"), one);
  g_ptr_array_unref(one);
  return r;
}

gboolean s7_report_output(const json_t *report, S7Format format, const char *output, int threshold,
                          char **error)
{
  if (!output) {
    gboolean color = format == S7_FMT_TEXT && isatty(STDOUT_FILENO) && !g_getenv("NO_COLOR");
    gboolean ok = write_one(report, format, stdout, color, threshold) && fflush(stdout) == 0;
    if (!ok)
      *error = g_strdup("stdout: write error");
    return ok;
  }
  if (!is_dir_target(output))
    return s7_output_allowed("-o", output, S7_OUT_REPORT, error) && write_file(report, format, output, threshold, error);
  if (g_mkdir_with_parents(output, 0755) != 0) {
    *error = g_strdup_printf("%s: cannot create directory: %s", output, g_strerror(errno));
    return FALSE;
  }
  const S7DocKind *kind = s7_doc_kind(report);
  const json_t *captures = json_object_get(report, "captures");
  guint n = kind->dir_file ? 0 : (guint)json_array_size(captures);
  char **files = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++)
    files[i] = s7_report_capture_file(json_array_get(captures, i));
  g_autoptr(GPtrArray) paths = s7_report_output_paths(kind, format, output, (const char *const *)files, n);
  g_strfreev(files);
  /* none of them an input, none a capture: checked before the first is written */
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < paths->len; i++)
    ok = s7_output_allowed("-o", g_ptr_array_index(paths, i), S7_OUT_REPORT, error);
  for (guint i = 0; ok && i < n; i++) {
    json_t *one = single(report, json_array_get(captures, i));
    ok = write_file(one, format, g_ptr_array_index(paths, i), threshold, error);
    json_decref(one);
  }
  return ok && write_file(report, format, g_ptr_array_index(paths, paths->len - 1), threshold, error);
}
