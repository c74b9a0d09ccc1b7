/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_diff_doc.c — a working-vs-failing comparison as a document (text, Markdown, HTML
 * through report_doc.h's writers) and as JUnit (see report_diff.h). */
#include "report_diff.h"

#include <string.h>

#include "report_model.h"
#include "report_svg.h"
#include "s7_codes.h"

#define STR(o, k) s7_json_text(o, k)

static S7Tone tone(const char *severity)
{
  S7Severity s = s7_severity_from_name(severity);
  return s == S7_SEV_ERROR ? S7_TONE_ERROR : s == S7_SEV_WARNING ? S7_TONE_WARNING : S7_TONE_NOTE;
}

static char *side_text(const json_t *side)
{
  GString *s = g_string_new(STR(side, "name"));
  const json_t *files = json_object_get(side, "files");
  if (json_array_size(files) > 1 || (json_array_size(files) == 1 &&
                                     strcmp(json_string_value(json_array_get(files, 0)), STR(side, "name")))) {
    g_string_append(s, " (");
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
      g_string_append_printf(s, "%s%s", i ? ", " : "", json_string_value(f));
    g_string_append(s, ")");
  }
  g_string_append_printf(s, ": %" JSON_INTEGER_FORMAT " S7 connection%s, %" JSON_INTEGER_FORMAT " jobs",
                         s7_json_int(side, "s7_connections"), s7_json_int(side, "s7_connections") == 1 ? "" : "s",
                         s7_json_int(side, "s7_jobs"));
  return g_string_free(s, FALSE);
}

static void findings_list(S7DocWriter *w, const json_t *list, gboolean with_action)
{
  w->list_begin(w);
  size_t i;
  json_t *f;
  json_array_foreach(list, i, f) {
    g_autofree char *t = with_action && *STR(f, "action")
        ? g_strdup_printf("[%s] %s. What to do: %s", STR(f, "severity"), STR(f, "title"), STR(f, "action"))
        : g_strdup_printf("[%s] %s", STR(f, "severity"), STR(f, "title"));
    w->item(w, t, tone(STR(f, "severity")));
  }
  w->list_end(w);
}

void s7_diff_render(const json_t *d, S7DocWriter *w)
{
  w->begin(w, "s7diag diff");
  w->fields_begin(w);
  g_autofree char *good = side_text(json_object_get(d, "good"));
  g_autofree char *bad = side_text(json_object_get(d, "bad"));
  w->field(w, "Working", good, FALSE);
  w->field(w, "Failing", bad, FALSE);
  w->field(w, "s7diag", STR(d, "s7diag_version"), FALSE);
  w->fields_end(w);

  const json_t *only_bad = json_object_get(d, "only_in_bad");
  w->heading(w, 1, "Only the failing side has", json_array_size(only_bad) ? S7_TONE_ERROR : S7_TONE_OK);
  if (json_array_size(only_bad))
    findings_list(w, only_bad, TRUE);
  else
    w->paragraph(w, "No finding: everything the failing side shows, the working side shows too.");

  const json_t *diffs = json_object_get(d, "differences");
  w->heading(w, 2, "What it does differently", S7_TONE_PLAIN);
  if (json_array_size(diffs)) {
    static const char *const head[] = { "Aspect", "Working", "Failing" };
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    size_t i;
    json_t *x;
    json_array_foreach(diffs, i, x) {
      char **r = g_new0(char *, 4);
      r[0] = g_strdup(STR(x, "aspect"));
      r[1] = g_strdup(STR(x, "good"));
      r[2] = g_strdup(STR(x, "bad"));
      g_ptr_array_add(rows, r);
    }
    w->table(w, 3, head, rows);
    g_ptr_array_unref(rows);
    w->list_begin(w);
    json_array_foreach(diffs, i, x)
      w->item(w, STR(x, "text"), S7_TONE_PLAIN);
    w->list_end(w);
  } else {
    w->paragraph(w, "Nothing: the same TSAPs, PDU size, Max AmQ, functions, areas, answers, PLC, connection "
                    "pattern and ends on both sides.");
  }

  const json_t *only_good = json_object_get(d, "only_in_good");
  if (json_array_size(only_good)) {
    w->heading(w, 2, "Only the working side has", S7_TONE_PLAIN);
    findings_list(w, only_good, FALSE);
  }
  const json_t *both = json_object_get(d, "in_both");
  if (json_array_size(both)) {
    w->heading(w, 2, "Both sides have", S7_TONE_PLAIN);
    w->list_begin(w);
    size_t i;
    json_t *f;
    json_array_foreach(both, i, f) {
      g_autofree char *t = g_strdup_printf("[%s] %s (working side %" JSON_INTEGER_FORMAT ", failing side %"
                                           JSON_INTEGER_FORMAT " times)", STR(f, "severity"), STR(f, "title"),
                                           s7_json_int(f, "good_occurrences"), s7_json_int(f, "occurrences"));
      w->item(w, t, tone(STR(f, "severity")));
    }
    w->list_end(w);
  }
  w->end(w);
}

gboolean s7_diff_write_junit(FILE *out, const json_t *d, int threshold)
{
  const json_t *only_bad = json_object_get(d, "only_in_bad");
  guint failures = 0;
  size_t i;
  json_t *f;
  json_array_foreach(only_bad, i, f)
    failures += (int)s7_severity_from_name(STR(f, "severity")) >= threshold;
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"s7diag diff\">\n  <testsuite name=\"", out);
  s7_xml_text(out, STR(json_object_get(d, "bad"), "name"));
  fprintf(out, "\" tests=\"%zu\" failures=\"%u\" errors=\"0\">\n", json_array_size(only_bad) + 1, failures);
  fputs("    <testcase classname=\"s7diag.diff\" name=\"compared\"/>\n", out);
  json_array_foreach(only_bad, i, f) {
    fputs("    <testcase classname=\"s7diag.diff.only-in-failing\" name=\"", out);
    s7_xml_text(out, STR(f, "kind"));
    fputs("\">", out);
    if ((int)s7_severity_from_name(STR(f, "severity")) >= threshold) {
      fputs("<failure message=\"", out);
      s7_xml_text(out, STR(f, "title"));
      fprintf(out, "\" type=\"%s\">", STR(f, "severity"));
      s7_xml_text(out, STR(f, "action"));
      fputs("</failure>", out);
    }
    fputs("</testcase>\n", out);
  }
  fputs("  </testsuite>\n</testsuites>\n", out);
  return !ferror(out);
}

const S7DocKind s7_doc_diff = { S7DIAG_DIFF_SCHEMA, s7_diff_render, s7_diff_write_junit, "s7diag-diff" };
