/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_doc.h — what a report says and in which order, once, for every document format.
 *
 * s7_report_render walks the report model (report_model.h) and calls a writer's primitives
 * (headings, paragraphs, lists, label/value fields, tables, pictures); the text, Markdown and
 * HTML writers only decide how each primitive looks. So all formats hold the same content in
 * the same order. */
#ifndef S7DIAG_REPORT_DOC_H
#define S7DIAG_REPORT_DOC_H

#include <stdio.h>
#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef enum { S7_TONE_PLAIN, S7_TONE_ERROR, S7_TONE_WARNING, S7_TONE_NOTE, S7_TONE_OK } S7Tone;

typedef struct S7DocWriter S7DocWriter;
struct S7DocWriter {
  FILE *out;
  gboolean color;                      /* text: ANSI colours */
  void (*begin)(S7DocWriter *w, const char *title);
  void (*end)(S7DocWriter *w);
  void (*heading)(S7DocWriter *w, int level, const char *text, S7Tone tone);
  void (*paragraph)(S7DocWriter *w, const char *text);
  void (*list_begin)(S7DocWriter *w);
  void (*item)(S7DocWriter *w, const char *text, S7Tone tone);
  void (*list_end)(S7DocWriter *w);
  void (*fields_begin)(S7DocWriter *w);
  void (*field)(S7DocWriter *w, const char *label, const char *value, gboolean code);
  void (*fields_end)(S7DocWriter *w);
  /* rows: GPtrArray of char** (ncols strings each) */
  void (*table)(S7DocWriter *w, guint ncols, const char *const *head, const GPtrArray *rows);
  /* optional: pictures of one capture (HTML: timeline and connection diagram) */
  void (*picture)(S7DocWriter *w, const json_t *capture);
};

void s7_report_render(const json_t *report, S7DocWriter *w);

/* A kind of document the formats write (report_output.c picks it by the document's schema): what
 * its content walk is, its JUnit form, and what a directory output holds of it */
typedef struct {
  const char *schema;
  void (*render)(const json_t *doc, S7DocWriter *w);
  gboolean (*write_junit)(FILE *out, const json_t *doc, int threshold);
  /* a directory output: NULL for one file per capture (NAME.EXT) and the combined NAME.EXT
   * after them; else the one file's name without its extension */
  const char *dir_file;
} S7DocKind;

/* The capture report (schema s7diag-report/1) */
extern const S7DocKind s7_doc_report;

/* The writers */
void s7_doc_text_init(S7DocWriter *w, FILE *out, gboolean color);
void s7_doc_markdown_init(S7DocWriter *w, FILE *out);
void s7_doc_html_init(S7DocWriter *w, FILE *out);

G_END_DECLS

#endif
