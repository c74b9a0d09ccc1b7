/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_text.c — the plain-text report writer (the default on a terminal). Colour only when
 * asked for (stdout is a TTY and NO_COLOR is unset; decided by the caller). */

#include "report_doc.h"

static const char *tone_color(const S7DocWriter *w, S7Tone tone)
{
  if (!w->color)
    return "";
  switch (tone) {
  case S7_TONE_ERROR: return "\033[1;31m";
  case S7_TONE_WARNING: return "\033[1;33m";
  case S7_TONE_NOTE: return "\033[36m";
  case S7_TONE_OK: return "\033[32m";
  default: return "\033[1m";
  }
}

static const char *reset(const S7DocWriter *w) { return w->color ? "\033[0m" : ""; }

/* display width of UTF-8 text (code points; the texts hold no wide characters) */
static guint width(const char *s)
{
  return s ? (guint)g_utf8_strlen(s, -1) : 0;
}

static void begin(S7DocWriter *w, const char *title)
{
  fprintf(w->out, "%s%s%s\n", tone_color(w, S7_TONE_PLAIN), title, reset(w));
}

static void end(S7DocWriter *w) { (void)w; }

static void heading(S7DocWriter *w, int level, const char *text, S7Tone tone)
{
  fputc('\n', w->out);
  if (level == 3) {
    fprintf(w->out, "%s%s%s\n", tone_color(w, tone), text, reset(w));
    return;
  }
  fprintf(w->out, "%s%s%s\n", tone_color(w, tone), text, reset(w));
  for (guint i = 0, n = width(text); i < n; i++)
    fputc(level == 1 ? '=' : '-', w->out);
  fputc('\n', w->out);
}

static void paragraph(S7DocWriter *w, const char *text) { fprintf(w->out, "%s\n", text); }
static void list_begin(S7DocWriter *w) { (void)w; }
static void list_end(S7DocWriter *w) { (void)w; }

static void item(S7DocWriter *w, const char *text, S7Tone tone)
{
  if (tone == S7_TONE_PLAIN)
    fprintf(w->out, "  * %s\n", text);
  else
    fprintf(w->out, "  %s*%s %s\n", tone_color(w, tone), reset(w), text);
}

static void fields_begin(S7DocWriter *w) { (void)w; }
static void fields_end(S7DocWriter *w) { (void)w; }

static void field(S7DocWriter *w, const char *label, const char *value, gboolean code)
{
  (void)code;
  fprintf(w->out, "  %s:%*s %s\n", label, (int)(24 - MIN(width(label), 24)), "", value);
}

static void table(S7DocWriter *w, guint ncols, const char *const *head, const GPtrArray *rows)
{
  guint *wd = g_new0(guint, ncols);
  for (guint c = 0; c < ncols; c++)
    wd[c] = width(head[c]);
  for (guint r = 0; r < rows->len; r++) {
    char **row = g_ptr_array_index(rows, r);
    for (guint c = 0; c < ncols; c++)
      wd[c] = MAX(wd[c], width(row[c]));
  }
  for (guint r = 0; r <= rows->len + 1; r++) {
    fputs(" ", w->out);
    for (guint c = 0; c < ncols; c++) {
      const char *cell = r == 0 ? head[c] : r == 1 ? NULL : ((char **)g_ptr_array_index(rows, r - 2))[c];
      if (!cell) {
        for (guint i = 0; i < wd[c] + 1; i++)
          fputc('-', w->out);
        continue;
      }
      fprintf(w->out, " %s%*s", cell, c + 1 < ncols ? (int)(wd[c] - width(cell)) : 0, "");
    }
    fputc('\n', w->out);
  }
  g_free(wd);
}

static const S7DocWriter writer = {
  .begin = begin, .end = end, .heading = heading, .paragraph = paragraph,
  .list_begin = list_begin, .item = item, .list_end = list_end,
  .fields_begin = fields_begin, .field = field, .fields_end = fields_end,
  .table = table,
};

void s7_doc_text_init(S7DocWriter *w, FILE *out, gboolean color)
{
  *w = writer;
  w->out = out;
  w->color = color;
}
