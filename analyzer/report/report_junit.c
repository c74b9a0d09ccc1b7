/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_junit.c — the JUnit XML report (see report_junit.h). */
#include "report_junit.h"

#include <string.h>

#include "report_model.h"
#include "report_svg.h"
#include "s7_codes.h"

static void finding_text(FILE *out, const json_t *f)
{
  s7_xml_text(out, s7_json_text(f, "title"));
  fprintf(out, " [%s] frames", s7_json_text(f, "severity"));
  size_t i;
  json_t *n;
  json_array_foreach(json_object_get(f, "frames"), i, n)
    fprintf(out, "%s%" JSON_INTEGER_FORMAT, i ? "," : " ", json_integer_value(n));
  fputs("\nFilter: ", out);
  s7_xml_text(out, s7_json_text(f, "filter"));
  fputs("\nAction: ", out);
  s7_xml_text(out, s7_json_text(f, "action"));
  fputc('\n', out);
}

/* A check's steps as test cases: failed ones fail, skipped ones are skipped */
static void check_cases(FILE *out, const json_t *k)
{
  size_t i;
  json_t *st;
  json_array_foreach(json_object_get(k, "steps"), i, st) {
    fprintf(out, "    <testcase classname=\"s7diag.check\" name=\"%s\">", s7_json_text(st, "id"));
    const char *status = s7_json_text(st, "status");
    if (!strcmp(status, "failed")) {
      fputs("<failure message=\"", out);
      s7_xml_text(out, s7_json_text(st, "result"));
      fputs("\" type=\"step\"/>", out);
    } else if (!strcmp(status, "skipped")) {
      fputs("<skipped message=\"", out);
      s7_xml_text(out, s7_json_text(st, "result"));
      fputs("\"/>", out);
    }
    fputs("</testcase>\n", out);
  }
}

static guint check_failures(const json_t *k)
{
  guint n = 0;
  size_t i;
  json_t *st;
  json_array_foreach(json_object_get(k, "steps"), i, st)
    n += !strcmp(s7_json_text(st, "status"), "failed");
  return n;
}

static void capture_suite(FILE *out, const json_t *c, int threshold)
{
  const json_t *check = json_object_get(c, "check");
  const char *file = s7_json_text(c, "file");
  const char *error = s7_json_str(c, "error");   /* NULL: analyzed */
  const json_t *findings = json_object_get(c, "findings");
  guint failures = 0;
  for (int k = 0; k < S7K_COUNT && !error; k++) {
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
      if (!g_strcmp0(s7_json_text(f, "kind"), s7_kind_info((S7Kind)k)->id) &&
          (int)s7_severity_from_name(s7_json_text(f, "severity")) >= threshold) {
        failures++;
        break;
      }
    }
  }
  fputs("  <testsuite name=\"", out);
  s7_xml_text(out, file);
  guint steps = check ? (guint)json_array_size(json_object_get(check, "steps")) : 0;
  if (check)
    failures += check_failures(check);
  fprintf(out, "\" tests=\"%u\" failures=\"%u\" errors=\"%d\">\n", error ? 1u : 1u + S7K_COUNT + steps, failures,
          error ? 1 : 0);
  if (check && !error)
    check_cases(out, check);
  fputs("    <testcase classname=\"s7diag.capture\" name=\"analyzed\">", out);
  if (error) {
    fputs("<error message=\"", out);
    s7_xml_text(out, error);
    fputs("\"/></testcase>\n  </testsuite>\n", out);
    return;
  }
  fputs("</testcase>\n", out);
  for (int k = 0; k < S7K_COUNT; k++) {
    const S7KindInfo *info = s7_kind_info((S7Kind)k);
    fprintf(out, "    <testcase classname=\"s7diag.fault\" name=\"%s\">", info->id);
    gboolean open = FALSE;
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
      if (g_strcmp0(s7_json_text(f, "kind"), info->id) ||
          (int)s7_severity_from_name(s7_json_text(f, "severity")) < threshold)
        continue;
      if (!open) {
        fputs("\n      <failure message=\"", out);
        s7_xml_text(out, s7_json_text(f, "title"));
        fprintf(out, "\" type=\"%s\">", s7_json_text(f, "severity"));
        open = TRUE;
      }
      finding_text(out, f);
    }
    if (open)
      fputs("</failure>\n    ", out);
    fputs("</testcase>\n", out);
  }
  fputs("  </testsuite>\n", out);
}

gboolean s7_report_write_junit(FILE *out, const json_t *report, int threshold)
{
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"s7diag\">\n", out);
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(report, "captures"), i, c)
    capture_suite(out, c, threshold);
  fputs("</testsuites>\n", out);
  return !ferror(out);
}
