/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_html.c — the HTML report writer: one self-contained file (inline CSS and SVG, no
 * scripts, no network), with a timeline and a connection diagram per capture. */

#include "report_doc.h"
#include "report_svg.h"

static const char *tone_class(S7Tone tone)
{
  switch (tone) {
  case S7_TONE_ERROR: return "error";
  case S7_TONE_WARNING: return "warning";
  case S7_TONE_NOTE: return "note";
  case S7_TONE_OK: return "ok";
  default: return "plain";
  }
}

static void begin(S7DocWriter *w, const char *title)
{
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", w->out);
  s7_xml_text(w->out, title);
  fputs("</title>\n<style>\n"
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:80em;color:#222;padding:0 1em}\n"
        "h1{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:1.6em}h2{border-bottom:1px solid #bbb;margin-top:1.4em}\n"
        "h3{margin:1.2em 0 .3em;padding:.3em .5em;border-radius:4px}\n"
        "h3.error{background:#fbe3e2;border-left:6px solid #d9534f}h3.warning{background:#fdf1dc;border-left:6px solid #f0ad4e}\n"
        "h3.note{background:#e4f1f7;border-left:6px solid #5bc0de}\n"
        "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;margin:.3em 0 1em}dt{font-weight:600;color:#555}dd{margin:0}\n"
        "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\n"
        "th{background:#f0f0f0}code{background:#f4f4f4;padding:0 .2em;border-radius:3px;word-break:break-all}\n"
        "li.error{color:#a52a2a;font-weight:600}li.warning{color:#8a5a00;font-weight:600}li.note{color:#31708f}li.ok{color:#2d6a2d}\n"
        ".pictures{display:flex;flex-wrap:wrap;gap:1em}.pictures figure{margin:0}\n"
        "svg text{font-size:12px;font-family:system-ui,sans-serif}svg .edge-label{fill:#a52a2a}\n"
        "</style>\n</head>\n<body>\n<h1 class=\"report-title\">", w->out);
  s7_xml_text(w->out, title);
  fputs("</h1>\n", w->out);
}

static void end(S7DocWriter *w) { fputs("</body>\n</html>\n", w->out); }

static void heading(S7DocWriter *w, int level, const char *text, S7Tone tone)
{
  int h = level;
  fprintf(w->out, "<h%d class=\"%s\">", h, tone_class(tone));
  s7_xml_text(w->out, text);
  fprintf(w->out, "</h%d>\n", h);
}

static void paragraph(S7DocWriter *w, const char *text)
{
  fputs("<p>", w->out);
  s7_xml_text(w->out, text);
  fputs("</p>\n", w->out);
}

static void list_begin(S7DocWriter *w) { fputs("<ul>\n", w->out); }
static void list_end(S7DocWriter *w) { fputs("</ul>\n", w->out); }

static void item(S7DocWriter *w, const char *text, S7Tone tone)
{
  fprintf(w->out, "<li class=\"%s\">", tone_class(tone));
  s7_xml_text(w->out, text);
  fputs("</li>\n", w->out);
}

static void fields_begin(S7DocWriter *w) { fputs("<dl>\n", w->out); }
static void fields_end(S7DocWriter *w) { fputs("</dl>\n", w->out); }

static void field(S7DocWriter *w, const char *label, const char *value, gboolean code)
{
  fputs("<dt>", w->out);
  s7_xml_text(w->out, label);
  fputs(code ? "</dt><dd><code>" : "</dt><dd>", w->out);
  s7_xml_text(w->out, value);
  fputs(code ? "</code></dd>\n" : "</dd>\n", w->out);
}

static void table(S7DocWriter *w, guint ncols, const char *const *head, const GPtrArray *rows)
{
  fputs("<table>\n<thead><tr>", w->out);
  for (guint c = 0; c < ncols; c++) {
    fputs("<th>", w->out);
    s7_xml_text(w->out, head[c]);
    fputs("</th>", w->out);
  }
  fputs("</tr></thead>\n<tbody>\n", w->out);
  for (guint r = 0; r < rows->len; r++) {
    char **row = g_ptr_array_index(rows, r);
    fputs("<tr>", w->out);
    for (guint c = 0; c < ncols; c++) {
      fputs("<td>", w->out);
      s7_xml_text(w->out, row[c]);
      fputs("</td>", w->out);
    }
    fputs("</tr>\n", w->out);
  }
  fputs("</tbody>\n</table>\n", w->out);
}

static void picture(S7DocWriter *w, const json_t *capture)
{
  fputs("<div class=\"pictures\">\n<figure>\n<figcaption>Jobs (blue) and fault frames (red) per PLC "
        "over the capture</figcaption>\n", w->out);
  s7_svg_timeline(w->out, capture);
  fputs("</figure>\n<figure>\n<figcaption>Clients → PLCs (red: errors, orange: warnings)</figcaption>\n",
        w->out);
  s7_svg_connections(w->out, capture);
  fputs("</figure>\n</div>\n", w->out);
}

static const S7DocWriter writer = {
  .begin = begin, .end = end, .heading = heading, .paragraph = paragraph,
  .list_begin = list_begin, .item = item, .list_end = list_end,
  .fields_begin = fields_begin, .field = field, .fields_end = fields_end,
  .table = table, .picture = picture,
};

void s7_doc_html_init(S7DocWriter *w, FILE *out)
{
  *w = writer;
  w->out = out;
}
