/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_svg.c — inline SVG pictures for the HTML report (see report_svg.h). */
#include "report_svg.h"

#include <string.h>
#include <glib.h>

#include "report_model.h"
#include "s7_address.h"

void s7_xml_text(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

#define TL_W 760
#define TL_ROW 64
#define TL_LABEL 170

void s7_svg_timeline(FILE *out, const json_t *capture)
{
  const json_t *tl = json_object_get(capture, "timeline");
  const json_t *plcs = json_object_get(tl, "plcs");
  size_t n = json_array_size(plcs);
  if (!n)
    return;
  int h = (int)n * TL_ROW + 24;
  fprintf(out, "<svg class=\"timeline\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "xmlns=\"http://www.w3.org/2000/svg\">\n<title>Jobs, fault frames and note frames per PLC over the capture</title>\n",
          TL_W, h, TL_W, h);
  double plot_w = TL_W - TL_LABEL - 10;
  size_t i;
  json_t *p;
  json_array_foreach(plcs, i, p) {
    const json_t *jobs = json_object_get(p, "jobs"), *faults = json_object_get(p, "fault_frames");
    const json_t *notes = json_object_get(p, "note_frames");   /* absent in 0.1 reports */
    size_t nb = json_array_size(jobs);
    json_int_t max = 1;
    for (size_t b = 0; b < nb; b++)
      max = MAX(max, MAX(json_integer_value(json_array_get(jobs, b)),
                         MAX(json_integer_value(json_array_get(faults, b)),
                             json_integer_value(json_array_get(notes, b)))));
    int y0 = (int)i * TL_ROW + 8;
    fprintf(out, "<text x=\"0\" y=\"%d\" class=\"tl-label\">", y0 + TL_ROW / 2);
    s7_xml_text(out, s7_json_text(p, "plc"));
    fputs("</text>\n", out);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", TL_LABEL,
            y0 + TL_ROW - 12, TL_W - 10, y0 + TL_ROW - 12);
    double bw = plot_w / (double)MAX(nb, 1);
    for (size_t b = 0; b < nb; b++) {
      json_int_t j = json_integer_value(json_array_get(jobs, b));
      json_int_t f = json_integer_value(json_array_get(faults, b));
      json_int_t nt = json_integer_value(json_array_get(notes, b));
      double x = TL_LABEL + b * bw;
      double hj = (TL_ROW - 16) * (double)j / (double)max, hf = (TL_ROW - 16) * (double)f / (double)max;
      double hn = (TL_ROW - 16) * (double)nt / (double)max;
      if (j)
        fprintf(out, "<rect class=\"tl-jobs\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#7a9cc6\">"
                     "<title>%" JSON_INTEGER_FORMAT " jobs</title></rect>\n",
                x + 1, y0 + TL_ROW - 12 - hj, bw * 0.3, hj, j);
      if (f)
        fprintf(out, "<rect class=\"tl-faults\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#d9534f\">"
                     "<title>%" JSON_INTEGER_FORMAT " fault frames</title></rect>\n",
                x + 1 + bw * 0.3, y0 + TL_ROW - 12 - hf, bw * 0.3, hf, f);
      if (nt)
        fprintf(out, "<rect class=\"tl-notes\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b0b0b0\">"
                     "<title>%" JSON_INTEGER_FORMAT " note frames</title></rect>\n",
                x + 1 + bw * 0.6, y0 + TL_ROW - 12 - hn, bw * 0.3, hn, nt);
    }
  }
  fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tl-axis\">", TL_LABEL, h - 2);
  s7_xml_text(out, s7_json_text(capture, "first_packet_time"));
  fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"tl-axis\">", TL_W - 10, h - 2);
  s7_xml_text(out, s7_json_text(capture, "last_packet_time"));
  fputs("</text>\n</svg>\n", out);
}

typedef struct {
  char *client, *plc;
  GPtrArray *kinds;   /* fault kinds on this edge (char*, owned by the JSON) */
  gboolean error;
} Edge;

static Edge *edge_get(GPtrArray *edges, const char *client, const char *plc)
{
  for (guint i = 0; i < edges->len; i++) {
    Edge *e = g_ptr_array_index(edges, i);
    if (!strcmp(e->client, client) && !strcmp(e->plc, plc))
      return e;
  }
  Edge *e = g_new0(Edge, 1);
  e->client = g_strdup(client);
  e->plc = g_strdup(plc);
  e->kinds = g_ptr_array_new();
  g_ptr_array_add(edges, e);
  return e;
}

static void edge_free(Edge *e)
{
  g_free(e->client);
  g_free(e->plc);
  g_ptr_array_unref(e->kinds);
  g_free(e);
}

static int index_of(GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (!strcmp(g_ptr_array_index(names, i), name))
      return (int)i;
  g_ptr_array_add(names, g_strdup(name));
  return (int)names->len - 1;
}

#define CD_W 760
#define CD_ROW 44

void s7_svg_connections(FILE *out, const json_t *capture)
{
  GPtrArray *edges = g_ptr_array_new_with_free_func((GDestroyNotify)edge_free);
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(capture, "connections"), i, o) {
    g_autofree char *client = s7_endpoint_host(s7_json_text(o, "client"));
    edge_get(edges, client, s7_json_text(o, "plc"));
  }
  json_array_foreach(json_object_get(capture, "findings"), i, o) {
    const char *sev = s7_json_text(o, "severity");
    if (!g_strcmp0(sev, "note"))
      continue;
    g_autofree char *client = s7_endpoint_host(s7_json_text(o, "client"));
    Edge *e = edge_get(edges, client, s7_json_text(o, "plc"));
    const char *kind = s7_json_text(o, "kind");
    gboolean dup = FALSE;
    for (guint k = 0; k < e->kinds->len; k++)
      dup = dup || !strcmp(g_ptr_array_index(e->kinds, k), kind);
    if (!dup)
      g_ptr_array_add(e->kinds, (gpointer)kind);
    e->error = e->error || !g_strcmp0(sev, "error");
  }
  if (!edges->len) {
    g_ptr_array_unref(edges);
    return;
  }
  GPtrArray *clients = g_ptr_array_new_with_free_func(g_free);
  GPtrArray *plcs = g_ptr_array_new_with_free_func(g_free);
  for (guint k = 0; k < edges->len; k++) {
    Edge *e = g_ptr_array_index(edges, k);
    index_of(clients, e->client);
    index_of(plcs, e->plc);
  }
  guint rows = MAX(clients->len, plcs->len);
  int h = (int)rows * CD_ROW + 16;
  fprintf(out, "<svg class=\"connections\" role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "xmlns=\"http://www.w3.org/2000/svg\">\n<title>Clients and PLCs; red edges carry faults</title>\n",
          CD_W, h, CD_W, h);
  for (guint k = 0; k < edges->len; k++) {
    Edge *e = g_ptr_array_index(edges, k);
    int yc = index_of(clients, e->client) * CD_ROW + 28, yp = index_of(plcs, e->plc) * CD_ROW + 28;
    const char *color = e->error ? "#d9534f" : e->kinds->len ? "#f0ad4e" : "#5cb85c";
    fprintf(out, "<line class=\"edge%s\" x1=\"190\" y1=\"%d\" x2=\"570\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%d\">",
            e->kinds->len ? " faulty" : "", yc, yp, color, e->kinds->len ? 3 : 2);
    fputs("<title>", out);
    s7_xml_text(out, e->client);
    fputs(" → ", out);
    s7_xml_text(out, e->plc);
    for (guint n = 0; n < e->kinds->len; n++) {
      fputs(n ? ", " : ": ", out);
      s7_xml_text(out, g_ptr_array_index(e->kinds, n));
    }
    fputs("</title></line>\n", out);
    if (e->kinds->len) {
      fprintf(out, "<text x=\"380\" y=\"%d\" text-anchor=\"middle\" class=\"edge-label\">", (yc + yp) / 2 - 4);
      for (guint n = 0; n < e->kinds->len; n++) {
        if (n)
          fputs(", ", out);
        s7_xml_text(out, g_ptr_array_index(e->kinds, n));
      }
      fputs("</text>\n", out);
    }
  }
  const GPtrArray *sides[2] = { clients, plcs };
  for (int s = 0; s < 2; s++) {
    for (guint k = 0; k < sides[s]->len; k++) {
      int y = (int)k * CD_ROW + 28;
      fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"180\" height=\"26\" rx=\"4\" fill=\"%s\" stroke=\"#555\"/>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"node\">",
              s ? 570 : 10, y - 13, s ? "#e8eef7" : "#f4f4f4", s ? 660 : 100, y + 5);
      fputs(s ? "PLC " : "", out);
      s7_xml_text(out, g_ptr_array_index(sides[s], k));
      fputs("</text>\n", out);
    }
  }
  fputs("</svg>\n", out);
  g_ptr_array_unref(clients);
  g_ptr_array_unref(plcs);
  g_ptr_array_unref(edges);
}
