/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_merge.c — `merge`'s JSON input: arbitrary text as a report, merged with itself and
 * rendered in every format. */
#include <stdint.h>
#include <stdio.h>

#include "report_doc.h"
#include "report_junit.h"
#include "report_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_error_t err;
  json_t *in = json_loadb((const char *)data, size, 0, &err);
  if (!in)
    return 0;
  json_t *both[2] = { in, in };
  char *why = NULL;
  json_t *m = s7_report_merge(both, 2, &why);
  g_free(why);
  if (m) {
    FILE *null = fopen("/dev/null", "w");
    S7DocWriter w;
    s7_doc_text_init(&w, null, TRUE);
    s7_report_render(m, &w);
    s7_doc_markdown_init(&w, null);
    s7_report_render(m, &w);
    s7_doc_html_init(&w, null);
    s7_report_render(m, &w);
    s7_report_write_junit(null, m, 0);
    s7_report_write_json(null, m);
    fclose(null);
    json_decref(m);
  }
  json_decref(in);
  return 0;
}
