/* fuzz_field_row.c — tshark's field rows (arbitrary lines, separators, huge fields, missing
 * columns) through the row parser into the engine, then the report model and its writers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "field_row.h"

static void feed(const S7Event *ev, gpointer e) { s7_engine_feed(e, ev); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = g_strndup((const char *)data, size);
  S7Engine *e = s7_engine_new(NULL);
  S7RowStats st = { 0 };
  char *line = text, *nl;
  while (line) {
    nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    s7_row_to_events(line, &st, feed, e);
    line = nl ? nl + 1 : NULL;
  }
  s7_engine_finish(e);
  const GPtrArray *f = s7_engine_findings(e);
  for (guint i = 0; i < f->len; i++) {
    char tag[S7_TAG_MAX];
    s7_finding_tag(g_ptr_array_index(f, i), tag);
  }
  s7_engine_free(e);
  g_free(text);
  return 0;
}
