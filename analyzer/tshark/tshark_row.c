/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_row.c — a tshark field line -> a typed field row (see tshark_row.h). */
#include "tshark_row.h"

#include <string.h>

static gboolean parse_u64(const char *tok, guint64 *out)
{
  if (!tok || !*tok)
    return FALSE;
  char *end;
  guint64 v = g_ascii_strtoull(tok, &end, 0);  /* BASE_HEX fields print "0x1f", others "31" */
  if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

#define S7_EPOCH_MAX_S G_GINT64_CONSTANT(100000000000)   /* year 5138: beyond any capture */

/* "1709280000.000150000" (seconds since the epoch) -> microseconds; 0 when it is not one */
static gint64 parse_epoch_us(const char *s)
{
  if (!s || !*s)
    return 0;
  char *end;
  gint64 sec = g_ascii_strtoll(s, &end, 10);
  if (sec < -S7_EPOCH_MAX_S || sec > S7_EPOCH_MAX_S)
    return 0;   /* not a capture time (found by fuzzing: it overflowed the microseconds) */
  gint64 us = 0;
  if (*end == '.') {
    int digits = 0;
    for (const char *p = end + 1; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
      us = us * 10 + (*p - '0');
    for (; digits < 6; digits++)
      us *= 10;
  }
  return sec * 1000000 + us;
}

/* hex -> bytes in place (the bytes are never longer than their text); returns the count */
static guint hex_in_place(char *hex)
{
  guint n = 0;
  for (const char *p = hex; p[0] && p[1]; p += 2) {
    int hi = g_ascii_xdigit_value(p[0]), lo = g_ascii_xdigit_value(p[1]);
    if (hi < 0 || lo < 0)
      break;
    hex[n++] = (char)(hi << 4 | lo);
  }
  return n;
}

static void add_occurrence(S7FieldRow *row, S7Field f, char *tok)
{
  guint64 v = 0;
  switch (s7_field_info(f)->kind) {
  case S7FK_NUM:
    parse_u64(tok, &v);   /* a value that is not a number stays in its place, as 0 */
    s7_field_row_add_uint(row, f, v);
    break;
  case S7FK_FLAG:
    s7_field_row_add_uint(row, f, 1);
    break;
  case S7FK_BYTES:
    s7_field_row_add_bytes(row, f, tok, hex_in_place(tok));
    break;
  case S7FK_ADDR:
  case S7FK_STR:
    s7_field_row_add_bytes(row, f, tok, (guint)strlen(tok));
    break;
  case S7FK_MAC: {
    /* "00:1b:1b:12:34:56" */
    guint8 mac[6];
    guint n = 0;
    for (const char *p = tok; n < 6 && g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]); n++) {
      mac[n] = (guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
      p += 2;
      if (*p == ':')
        p++;
    }
    s7_field_row_add_bytes(row, f, mac, n);
    break;
  }
  case S7FK_TIME:
    break;
  }
}

gboolean s7_tshark_row_parse(char *line, const S7Field *columns, guint n_columns, S7FieldRow *row)
{
  char *cols[S7F_COUNT];
  guint n = 0;
  char *p = line;
  while (n < n_columns) {
    cols[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab)
      break;
    *tab = '\0';
    p = tab + 1;
  }
  if (n < n_columns)
    return FALSE;
  guint64 frame = 0;
  gint64 ts = 0;
  for (guint i = 0; i < n_columns; i++) {
    if (columns[i] == S7F_FRAME_NUMBER && !parse_u64(cols[i], &frame))
      return FALSE;
    if (columns[i] == S7F_TIME_EPOCH)
      ts = parse_epoch_us(cols[i]);
  }
  s7_field_row_reset(row, (guint32)frame, ts);
  for (guint i = 0; i < n_columns; i++) {
    S7Field f = columns[i];
    if (f == S7F_FRAME_NUMBER || f == S7F_TIME_EPOCH || !*cols[i])
      continue;
    /* occurrences joined by ',' (-E aggregator=,) */
    for (char *tok = cols[i]; tok;) {
      char *comma = strchr(tok, ',');
      if (comma)
        *comma = '\0';
      add_occurrence(row, f, tok);
      tok = comma ? comma + 1 : NULL;
    }
  }
  return TRUE;
}
