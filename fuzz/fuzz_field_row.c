/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_field_row.c — tshark's field rows (arbitrary lines, separators, huge fields, missing
 * columns) through the text parser, the typed row and the engine, in both userdata layouts
 * (Wireshark 4.0 and 4.4+). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "field_row.h"
#include "tshark_row.h"

static void feed(const S7Event *ev, gpointer e) { s7_engine_feed(e, ev); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  S7FieldProfile prof[2];
  S7Field cols[2][S7F_COUNT];
  guint ncols[2] = { 0, 0 };
  s7_field_profile_wireshark40(&prof[0]);
  s7_field_profile_init(&prof[1]);           /* 4.4+: no userdata.length, other bitmasks */
  for (guint i = 0; i < S7F_COUNT; i++)
    if (i != S7F_S7_UD_LENGTH)
      s7_field_profile_add(&prof[1], s7_field_info((S7Field)i)->name, 0);
  s7_field_profile_add(&prof[1], "s7comm.param.userdata.type", 0xc0);
  s7_field_profile_add(&prof[1], "s7comm.param.userdata.funcgroup", 0x3f);
  s7_field_profile_finish(&prof[1], NULL);
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < S7F_COUNT; i++)
      if (prof[k].have[i])
        cols[k][ncols[k]++] = (S7Field)i;

  for (guint k = 0; k < 2; k++) {
    char *text = g_strndup((const char *)data, size);
    S7Engine *e = s7_engine_new(NULL);
    S7RowStats st = { 0 };
    S7FieldRow row;
    s7_field_row_init(&row);
    char *line = text, *nl;
    while (line) {
      nl = strchr(line, '\n');
      if (nl)
        *nl = '\0';
      if (s7_tshark_row_parse(line, cols[k], ncols[k], &row))
        s7_row_to_events(&row, &prof[k], &st, feed, e);
      line = nl ? nl + 1 : NULL;
    }
    s7_engine_finish(e);
    const GPtrArray *f = s7_engine_findings(e);
    for (guint i = 0; i < f->len; i++) {
      char tag[S7_TAG_MAX];
      s7_finding_tag(g_ptr_array_index(f, i), tag);
    }
    s7_field_row_clear(&row);
    s7_engine_free(e);
    g_free(text);
  }
  return 0;
}
