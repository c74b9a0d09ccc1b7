/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_markdown.c — the Markdown report writer: the body of a support ticket. */
#include <string.h>

#include "report_doc.h"

/* Markdown-safe inline text: table pipes and emphasis characters escaped */
static void put_text(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    if (strchr("|*_`<>[]\\", *s))
      fputc('\\', out);
    fputc(*s == '\n' ? ' ' : *s, out);
  }
}

static void put_code(FILE *out, const char *s)
{
  const char *fence = strchr(s, '`') ? "`` " : "`";
  fputs(fence, out);
  for (; *s; s++)
    fputc(*s == '|' ? '/' : *s, out);   /* a pipe would end a table cell; never in our codes */
  fputs(!strcmp(fence, "`") ? "`" : " ``", out);
}

static void begin(S7DocWriter *w, const char *title) { fprintf(w->out, "# %s\n\n", title); }
static void end(S7DocWriter *w) { (void)w; }

static void heading(S7DocWriter *w, int level, const char *text, S7Tone tone)
{
  (void)tone;
  fprintf(w->out, "%s ", level == 1 ? "##" : level == 2 ? "###" : "####");
  put_text(w->out, text);
  fputs("\n\n", w->out);
}

static void paragraph(S7DocWriter *w, const char *text)
{
  put_text(w->out, text);
  fputs("\n\n", w->out);
}

static void list_begin(S7DocWriter *w) { (void)w; }
static void list_end(S7DocWriter *w) { fputc('\n', w->out); }

static void item(S7DocWriter *w, const char *text, S7Tone tone)
{
  fputs(tone == S7_TONE_ERROR ? "- **Error:** " : tone == S7_TONE_WARNING ? "- **Warning:** " : "- ",
        w->out);
  put_text(w->out, text);
  fputc('\n', w->out);
}

static void fields_begin(S7DocWriter *w) { (void)w; }
static void fields_end(S7DocWriter *w) { fputc('\n', w->out); }

static void field(S7DocWriter *w, const char *label, const char *value, gboolean code)
{
  fprintf(w->out, "- **%s:** ", label);
  if (code)
    put_code(w->out, value);
  else
    put_text(w->out, value);
  fputc('\n', w->out);
}

static void table(S7DocWriter *w, guint ncols, const char *const *head, const GPtrArray *rows)
{
  for (guint c = 0; c < ncols; c++) {
    fputs("| ", w->out);
    put_text(w->out, head[c]);
    fputc(' ', w->out);
  }
  fputs("|\n", w->out);
  for (guint c = 0; c < ncols; c++)
    fputs("|---", w->out);
  fputs("|\n", w->out);
  for (guint r = 0; r < rows->len; r++) {
    char **row = g_ptr_array_index(rows, r);
    for (guint c = 0; c < ncols; c++) {
      fputs("| ", w->out);
      put_text(w->out, row[c]);
      fputc(' ', w->out);
    }
    fputs("|\n", w->out);
  }
  fputc('\n', w->out);
}

static const S7DocWriter writer = {
  .begin = begin, .end = end, .heading = heading, .paragraph = paragraph,
  .list_begin = list_begin, .item = item, .list_end = list_end,
  .fields_begin = fields_begin, .field = field, .fields_end = fields_end,
  .table = table,
};

void s7_doc_markdown_init(S7DocWriter *w, FILE *out)
{
  *w = writer;
  w->out = out;
}
