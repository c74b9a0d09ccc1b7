/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_doc.c — the content and order of a report, for every document format
 * (see report_doc.h). */
#include "report_doc.h"

#include <string.h>

#include "code_lookup.h"
#include "report_junit.h"
#include "report_model.h"
#include "s7_codes.h"

/* A missing or non-string value reads as "": merged reports are input too (fuzzed) */
#define STR(o, k) s7_json_text((o), (k))
#define INT(o, k) s7_json_int((o), (k))

static S7Tone tone_of(const char *severity)
{
  switch (s7_severity_from_name(severity)) {
  case S7_SEV_ERROR: return S7_TONE_ERROR;
  case S7_SEV_WARNING: return S7_TONE_WARNING;
  default: return S7_TONE_NOTE;
  }
}

static gboolean is_security(const json_t *finding)
{
  S7Kind k;
  return s7_kind_from_id(STR(finding, "kind"), &k) && s7_kind_info(k)->group == S7_GROUP_SECURITY;
}

static void field(S7DocWriter *w, const char *label, const char *value, gboolean code)
{
  if (value && *value)
    w->field(w, label, value, code);
}

static void field_int(S7DocWriter *w, const char *label, json_int_t v)
{
  char buf[32];
  g_snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, v);
  w->field(w, label, buf, FALSE);
}

static char *join_frames(const json_t *frames)
{
  GString *s = g_string_new(NULL);
  size_t i;
  json_t *f;
  json_array_foreach(frames, i, f)
    g_string_append_printf(s, "%s%" JSON_INTEGER_FORMAT, i ? ", " : "", json_integer_value(f));
  return g_string_free(s, FALSE);
}

static const char *or_dash(const char *s)
{
  return s && *s ? s : "–";
}

static char *num_or_dash(const json_t *v)
{
  return json_is_integer(v) ? g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v))
                            : g_strdup("–");
}

/* ------------------------------------------------------------------ sections */

/* A check's header: what was checked, when, and where its capture is */
static void check_header(S7DocWriter *w, const json_t *c, const json_t *k)
{
  field(w, "PLC", STR(k, "plc"), TRUE);
  field(w, "From", json_is_string(json_object_get(k, "client")) ? STR(k, "client") : "–", TRUE);
  field(w, "Started", STR(c, "first_packet_time"), FALSE);
  g_autofree char *dur = g_strdup_printf("%.3f s", json_number_value(json_object_get(c, "duration_s")));
  field(w, "Duration", dur, FALSE);
  g_autofree char *msgs = g_strdup_printf("%" JSON_INTEGER_FORMAT " (the frames below are their numbers)",
                                          INT(c, "packets"));
  field(w, "Messages", msgs, FALSE);
  const char *cap = STR(k, "capture"), *note = STR(k, "capture_note");
  field(w, "Capture", cap ? cap : note ? note : "none (-w FILE keeps one)", cap != NULL);
  w->fields_end(w);
}

/* A check's steps, in order, and what the ISO connect and Setup Communication gave */
static void check_steps(S7DocWriter *w, const json_t *k)
{
  w->heading(w, 2, json_is_true(json_object_get(k, "passed")) ? "Checks: all passed" : "Checks: failed",
             json_is_true(json_object_get(k, "passed")) ? S7_TONE_OK : S7_TONE_ERROR);
  static const char *const head[] = { "Step", "Status", "Result" };
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  size_t i;
  json_t *st;
  json_array_foreach(json_object_get(k, "steps"), i, st) {
    char **r = g_new0(char *, 4);
    r[0] = g_strdup(STR(st, "name"));
    r[1] = g_strdup(STR(st, "status"));
    r[2] = g_strdup(STR(st, "result"));
    g_ptr_array_add(rows, r);
  }
  w->table(w, 3, head, rows);
  g_ptr_array_unref(rows);
  const json_t *tries = json_object_get(k, "connects");
  if (json_array_size(tries) > 1) {
    w->paragraph(w, "ISO connects tried, one connection at a time:");
    w->list_begin(w);
    json_t *t;
    json_array_foreach(tries, i, t)
      w->item(w, json_string_value(t), S7_TONE_PLAIN);
    w->list_end(w);
  }
}

static void header(S7DocWriter *w, const json_t *c)
{
  w->fields_begin(w);
  const json_t *k = json_object_get(c, "check");
  if (k) {
    check_header(w, c, k);
    return;
  }
  field(w, "File", STR(c, "file"), TRUE);
  if (json_object_get(c, "error")) {
    w->fields_end(w);
    return;
  }
  g_autofree char *size = g_strdup_printf("%" JSON_INTEGER_FORMAT " bytes", INT(c, "size_bytes"));
  field(w, "Size", size, FALSE);
  field(w, "SHA-256", STR(c, "sha256"), TRUE);
  field(w, "Capture start", STR(c, "first_packet_time"), FALSE);
  field(w, "Capture end", STR(c, "last_packet_time"), FALSE);
  g_autofree char *dur = g_strdup_printf("%.3f s", json_number_value(json_object_get(c, "duration_s")));
  field(w, "Duration", dur, FALSE);
  field_int(w, "Packets", INT(c, "packets"));
  field(w, "Read completely", json_is_true(json_object_get(c, "complete")) ? "yes" : "no (truncated or damaged)", FALSE);
  w->fields_end(w);
}

static guint distinct_plcs(const json_t *conns)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  size_t i;
  json_t *c;
  json_array_foreach(conns, i, c)
    if (STR(c, "plc"))
      g_hash_table_add(seen, (gpointer)STR(c, "plc"));
  return g_hash_table_size(seen);
}

static void summary(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Summary", S7_TONE_PLAIN);
  const json_t *findings = json_object_get(c, "findings");
  const json_t *sum = json_object_get(c, "summary");
  w->list_begin(w);
  size_t i;
  json_t *f;
  guint faults = 0, notes = 0;
  /* what the notes are about: each kind's tag and count, in the order of the findings */
  g_autoptr(GPtrArray) note_kinds = g_ptr_array_new();
  g_autoptr(GArray) note_counts = g_array_new(FALSE, TRUE, sizeof(guint));
  json_array_foreach(findings, i, f) {
    if (is_security(f) || !g_strcmp0(STR(f, "severity"), "note")) {
      notes++;
      S7Kind kind;
      const char *about = s7_kind_from_id(STR(f, "kind"), &kind) ? s7_kind_info(kind)->tag : STR(f, "kind");
      guint k = 0;
      while (k < note_kinds->len && g_strcmp0(g_ptr_array_index(note_kinds, k), about))
        k++;
      if (k == note_kinds->len) {
        g_ptr_array_add(note_kinds, (gpointer)about);
        g_array_set_size(note_counts, k + 1);
      }
      g_array_index(note_counts, guint, k)++;
      continue;
    }
    faults++;
    w->item(w, STR(f, "title"), tone_of(STR(f, "severity")));
  }
  /* what the capture hides from the whole diagnosis comes before "no fault" */
  gboolean hidden = FALSE;
  json_t *l;
  json_array_foreach(json_object_get(c, "limitations"), i, l) {
    if (STR(l, "summary")) {
      w->item(w, STR(l, "summary"), S7_TONE_WARNING);
      hidden = TRUE;
    }
  }
  json_int_t conns = INT(sum, "s7_connections");
  guint plcs = distinct_plcs(json_object_get(c, "connections"));
  g_autofree char *traffic = g_strdup_printf(
      "%s S7 traffic: %" JSON_INTEGER_FORMAT " S7 PDUs and %" JSON_INTEGER_FORMAT
      " S7comm-plus PDUs on %" JSON_INTEGER_FORMAT " connection%s to %u PLC%s.",
      faults ? "" : hidden ? "No S7 fault found in what the capture shows." : "No S7 fault found.",
      INT(sum, "s7_pdus"), INT(sum, "s7plus_pdus"), conns,
      conns == 1 ? "" : "s", plcs, plcs == 1 ? "" : "s");
  w->item(w, g_strstrip(traffic), faults || hidden ? S7_TONE_PLAIN : S7_TONE_OK);
  if (notes) {
    GString *n = g_string_new(NULL);
    g_string_printf(n, "%u note%s below: ", notes, notes == 1 ? "" : "s");
    for (guint k = 0; k < note_kinds->len; k++)
      g_string_append_printf(n, "%s%s (%u)", k ? ", " : "", (const char *)g_ptr_array_index(note_kinds, k),
                             g_array_index(note_counts, guint, k));
    g_string_append_c(n, '.');
    w->item(w, n->str, S7_TONE_NOTE);
    g_string_free(n, TRUE);
  }
  w->list_end(w);
}

static void finding(S7DocWriter *w, const json_t *f)
{
  const char *sev = STR(f, "severity");
  g_autofree char *head = g_strdup_printf("[%s] %s", sev, STR(f, "title"));
  for (char *p = head + 1; *p && *p != ']'; p++)
    *p = g_ascii_toupper(*p);
  w->heading(w, 3, head, tone_of(sev));
  w->fields_begin(w);
  field(w, "Kind", STR(f, "kind"), TRUE);
  g_autofree char *conf = g_strdup_printf("%s — %s", STR(f, "confidence"), STR(f, "confidence_reason"));
  field(w, "Confidence", conf, FALSE);
  field(w, "PLC", STR(f, "plc"), FALSE);
  field(w, "Client", STR(f, "client"), FALSE);
  field(w, "Code", STR(f, "code"), TRUE);
  field(w, "Detail", STR(f, "detail"), FALSE);
  json_int_t occ = INT(f, "occurrences"), nconn = INT(f, "connections");
  g_autofree char *times = g_strdup_printf("%" JSON_INTEGER_FORMAT " time%s on %" JSON_INTEGER_FORMAT
                                           " connection%s, %s to %s", occ, occ == 1 ? "" : "s", nconn,
                                           nconn == 1 ? "" : "s", or_dash(STR(f, "first_time")),
                                           or_dash(STR(f, "last_time")));
  field(w, "Occurred", times, FALSE);
  g_autofree char *frames = join_frames(json_object_get(f, "frames"));
  field(w, "Evidence frames", frames, FALSE);
  field(w, "Wireshark filter", STR(f, "filter"), TRUE);
  field(w, "Cause", STR(f, "explanation"), FALSE);
  field(w, "Action", STR(f, "action"), FALSE);
  field(w, "Client libraries report", STR(f, "client_says"), FALSE);
  w->fields_end(w);
}

static void findings(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Findings", S7_TONE_PLAIN);
  size_t i;
  json_t *f;
  guint n = 0;
  json_array_foreach(json_object_get(c, "findings"), i, f) {
    if (is_security(f))
      continue;
    finding(w, f);
    n++;
  }
  if (!n)
    w->paragraph(w, "No S7 fault found.");
}

static void connections(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Connections", S7_TONE_PLAIN);
  const json_t *conns = json_object_get(c, "connections");
  if (!json_array_size(conns)) {
    w->paragraph(w, "No connection to an S7 port in the capture.");
    return;
  }
  static const char *const head[] = { "Client", "PLC", "Calling TSAP", "Called TSAP", "Rack/slot",
                                      "Type", "TPDU", "PDU size", "Max AmQ", "Start", "End", "Ended",
                                      "Jobs", "Errors", "Response ms (mean/max)", "S7comm-plus" };
  guint ncols = G_N_ELEMENTS(head);
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  size_t i;
  json_t *k;
  json_array_foreach(conns, i, k) {
    char **r = g_new0(char *, ncols + 1);
    r[0] = g_strdup(STR(k, "client"));
    r[1] = g_strdup(STR(k, "plc"));
    r[2] = g_strdup(or_dash(STR(k, "calling_tsap")));
    r[3] = g_strdup(or_dash(STR(k, "called_tsap")));
    r[4] = json_is_integer(json_object_get(k, "rack"))
               ? g_strdup_printf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, INT(k, "rack"), INT(k, "slot"))
               : g_strdup("–");
    /* a TCP connection to an S7 port that never carried S7 (0.1 reports: no "s7" key) */
    gboolean tcp_only = json_is_false(json_object_get(k, "s7"));
    r[5] = g_strdup(tcp_only ? "TCP only" : or_dash(STR(k, "connection_type")));
    r[6] = num_or_dash(json_object_get(k, "tpdu_size"));
    r[7] = num_or_dash(json_object_get(k, "pdu_size"));
    r[8] = json_is_integer(json_object_get(k, "max_amq_calling"))
               ? g_strdup_printf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, INT(k, "max_amq_calling"),
                                 INT(k, "max_amq_called"))
               : g_strdup("–");
    /* what the capture missed of the connection (0.2 reports: no such keys) */
    gboolean began_before = json_is_false(json_object_get(k, "handshake_seen"));
    const char *dirs = STR(k, "directions");
    r[9] = began_before ? g_strdup_printf("%s (began before the capture)", or_dash(STR(k, "start")))
                        : g_strdup(or_dash(STR(k, "start")));
    r[10] = g_strdup(or_dash(STR(k, "end")));
    r[11] = dirs && *dirs && strcmp(dirs, "both") != 0
                ? g_strdup_printf("%s (%s captured)", or_dash(STR(k, "ended")), dirs)
                : g_strdup(or_dash(STR(k, "ended")));
    r[12] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(k, "s7_jobs"));
    r[13] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(k, "s7_errors"));
    const json_t *rt = json_object_get(k, "response_ms");   /* 0.2 */
    r[14] = json_is_object(rt) ? g_strdup_printf("%.2f/%.2f", json_number_value(json_object_get(rt, "mean")),
                                                 json_number_value(json_object_get(rt, "max")))
                               : g_strdup("–");
    const json_t *p = json_object_get(k, "s7plus");
    gboolean tls = json_is_true(json_object_get(k, "tls"));
    r[15] = json_is_object(p) ? g_strdup_printf("V%" JSON_INTEGER_FORMAT ", %" JSON_INTEGER_FORMAT " PDUs%s",
                                                INT(p, "version"), INT(p, "pdus"), tls ? ", then TLS" : "")
                              : g_strdup(tls ? "TLS" : "–");
    g_ptr_array_add(rows, r);
  }
  w->table(w, ncols, head, rows);
  g_ptr_array_unref(rows);
  json_int_t more = INT(c, "connections_not_listed");
  if (more) {
    g_autofree char *t = g_strdup_printf("%" JSON_INTEGER_FORMAT " more S7 connections are not listed.", more);
    w->paragraph(w, t);
  }
}

/* "bytes 0–199", "bytes 0–199 answered, 200–299 failed", "T0–T7" (ranges inclusive) */
static char *span_text(const char *prefix, json_int_t first, json_int_t end)
{
  if (end - 1 <= first)
    return g_strdup_printf("%s%" JSON_INTEGER_FORMAT, prefix, first);
  return g_strdup_printf("%s%" JSON_INTEGER_FORMAT "–%s%" JSON_INTEGER_FORMAT, prefix, first, prefix, end - 1);
}

static char *area_range_text(const json_t *a)
{
  gboolean numbered = !g_strcmp0(STR(a, "unit"), "number");
  const char *prefix = numbered ? STR(a, "area") : "";
  if (!json_object_get(a, "ok_first"))   /* a report of s7diag 0.1 (merged): the range touched */
    return span_text("bytes ", INT(a, "first_byte"), INT(a, "end_byte"));
  const json_t *ok = json_object_get(a, "ok_first"), *bad = json_object_get(a, "failed_first");
  g_autofree char *oks = json_is_integer(ok) ? span_text(prefix, INT(a, "ok_first"), INT(a, "ok_end")) : NULL;
  g_autofree char *bads = json_is_integer(bad) ? span_text(prefix, INT(a, "failed_first"), INT(a, "failed_end")) : NULL;
  const char *unit = numbered ? "" : "bytes ";
  if (oks && bads)
    return g_strdup_printf("%s%s answered, %s failed", unit, oks, bads);
  if (bads)
    return g_strdup_printf("%s%s failed", unit, bads);
  return g_strdup_printf("%s%s", unit, oks ? oks : "");
}

static void areas(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Data areas accessed", S7_TONE_PLAIN);
  const json_t *areas = json_object_get(c, "areas");
  if (!json_array_size(areas)) {
    w->paragraph(w, "No Read/Write Var access in the capture.");
    return;
  }
  static const char *const head[] = { "PLC", "Area", "Direction", "Reads", "Writes", "Errors", "Range" };
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  size_t i;
  json_t *a;
  json_array_foreach(areas, i, a) {
    json_int_t rd = INT(a, "reads"), wr = INT(a, "writes");
    char **r = g_new0(char *, 8);
    r[0] = g_strdup(STR(a, "plc"));
    r[1] = g_strdup(STR(a, "area"));
    r[2] = g_strdup(rd && wr ? "read/write" : wr ? "write" : "read");
    r[3] = g_strdup_printf("%" JSON_INTEGER_FORMAT, rd);
    r[4] = g_strdup_printf("%" JSON_INTEGER_FORMAT, wr);
    r[5] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(a, "errors"));
    r[6] = area_range_text(a);
    g_ptr_array_add(rows, r);
  }
  w->table(w, 7, head, rows);
  g_ptr_array_unref(rows);
}

/* Each PLC: what it said about itself, and who reached its S7 port and what they did (the
 * list to start a partners file from) */
static void plcs(S7DocWriter *w, const json_t *c)
{
  const json_t *list = json_object_get(c, "plcs");
  if (!json_array_size(list))
    return;   /* 0.1 reports have no "plcs" */
  w->heading(w, 2, "PLCs and their partners", S7_TONE_PLAIN);
  size_t i;
  json_t *p;
  json_array_foreach(list, i, p) {
    const char *order = STR(p, "order_number");
    g_autofree char *ident = *order
        ? g_strdup_printf("PLC %s: %s%s%s%s%s%s%s%s", STR(p, "plc"), order,
                          *STR(p, "family") ? " (" : "", *STR(p, "family") ? STR(p, "family") : "",
                          *STR(p, "family") ? ")" : "", *STR(p, "firmware") ? ", firmware " : "",
                          *STR(p, "firmware") ? STR(p, "firmware") : "",
                          *STR(p, "cpu_type") ? ", " : "", *STR(p, "cpu_type") ? STR(p, "cpu_type") : "")
        : *STR(p, "cpu_type")
        ? g_strdup_printf("PLC %s: %s (its order number is not in the capture)", STR(p, "plc"), STR(p, "cpu_type"))
        : *STR(p, "module_name") || *STR(p, "system_name") || *STR(p, "plant") || *STR(p, "serial")
        ? g_strdup_printf("PLC %s: model not in the capture (what it said of itself is below)", STR(p, "plc"))
        : g_strdup_printf("PLC %s: unknown model (the capture holds no identity of it)", STR(p, "plc"));
    w->paragraph(w, ident);
    const char *names[][2] = { { "module_name", "Module name" }, { "system_name", "Station" },
                               { "plant", "Plant designation" }, { "serial", "Serial number" } };
    gboolean any = FALSE;
    for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
      if (!*STR(p, names[k][0]))
        continue;
      if (!any)
        w->fields_begin(w);
      any = TRUE;
      w->field(w, names[k][1], STR(p, names[k][0]), FALSE);
    }
    if (any)
      w->fields_end(w);
    static const char *const head[] = { "Host", "Connections", "Read Var", "Write Var", "PLC control", "Other jobs",
                                        "As a --partners line" };
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    size_t j;
    json_t *h;
    json_array_foreach(json_object_get(p, "peers"), j, h) {
      char **r = g_new0(char *, 8);
      r[0] = g_strdup(STR(h, "host"));
      r[1] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(h, "connections"));
      r[2] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(h, "read_jobs"));
      r[3] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(h, "write_jobs"));
      r[4] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(h, "control_jobs"));
      r[5] = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(h, "other_jobs"));
      r[6] = g_strdup(or_dash(STR(h, "partner_line")));   /* 0.2 reports: none */
      g_ptr_array_add(rows, r);
    }
    w->table(w, 7, head, rows);
    g_ptr_array_unref(rows);
  }
}

static void security(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Security notes", S7_TONE_PLAIN);
  size_t i;
  json_t *f;
  guint n = 0;
  json_array_foreach(json_object_get(c, "findings"), i, f) {
    if (!is_security(f))
      continue;
    if (!n++)
      w->list_begin(w);
    g_autofree char *frames = join_frames(json_object_get(f, "frames"));
    g_autofree char *t = g_strdup_printf("%s (%s; %" JSON_INTEGER_FORMAT " time%s; frames %s)",
                                         STR(f, "title"), STR(f, "kind"), INT(f, "occurrences"),
                                         INT(f, "occurrences") == 1 ? "" : "s", frames);
    w->item(w, t, S7_TONE_NOTE);
  }
  if (n)
    w->list_end(w);
  else
    w->paragraph(w, "None observed: no unauthenticated writes, PLC control, password attempts or "
                    "legacy S7comm-plus sessions.");
}

static void legend(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Codes seen", S7_TONE_PLAIN);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(c, "findings"), i, f) {
    const char *code = STR(f, "code");
    S7CodeInfo info;
    if (!code || g_hash_table_contains(seen, code) || !s7_code_lookup(code, &info))
      continue;
    g_hash_table_add(seen, (gpointer)code);
    char **r = g_new0(char *, 4);
    r[0] = g_strdup(code);
    r[1] = g_strdup(info.category_name);
    r[2] = g_strdup(info.meaning ? info.meaning : "not in Siemens' published list");
    g_ptr_array_add(rows, r);
  }
  if (rows->len) {
    static const char *const head[] = { "Code", "Kind of code", "Meaning" };
    w->table(w, 3, head, rows);
  } else {
    w->paragraph(w, "No error code in the findings.");
  }
  g_ptr_array_unref(rows);
}

static void limitations(S7DocWriter *w, const json_t *c)
{
  w->heading(w, 2, "Limitations", S7_TONE_PLAIN);
  guint n = 0;
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(c, "warnings"), i, v) {
    if (!n++)
      w->list_begin(w);
    w->item(w, json_string_value(v), S7_TONE_WARNING);
  }
  json_array_foreach(json_object_get(c, "limitations"), i, v) {
    if (!n++)
      w->list_begin(w);
    GString *t = g_string_new(STR(v, "text"));
    const json_t *frames = json_object_get(v, "frames");
    size_t k;
    json_t *fr;
    json_array_foreach(frames, k, fr)
      g_string_append_printf(t, "%s%" JSON_INTEGER_FORMAT, k ? ", " : (json_array_size(frames) == 1 ? " Frame " : " Frames "),
                             json_integer_value(fr));
    if (json_array_size(frames))
      g_string_append(t, json_array_size(frames) < (size_t)INT(v, "count") ? ", …" : ".");
    w->item(w, t->str, S7_TONE_PLAIN);
    g_string_free(t, TRUE);
  }
  json_int_t unpaired = INT(json_object_get(c, "summary"), "unpaired_responses");
  if (unpaired) {
    if (!n++)
      w->list_begin(w);
    g_autofree char *t = g_strdup_printf("%" JSON_INTEGER_FORMAT " S7 response%s without %s job in the "
                                         "capture (the capture started during the conversation).",
                                         unpaired, unpaired == 1 ? "" : "s", unpaired == 1 ? "its" : "their");
    w->item(w, t, S7_TONE_PLAIN);
  }
  json_int_t reordered = INT(json_object_get(c, "summary"), "reordered_responses");
  if (reordered) {
    if (!n++)
      w->list_begin(w);
    g_autofree char *t = g_strdup_printf("%" JSON_INTEGER_FORMAT " S7 response%s captured before %s job "
                                         "(the capture's packet order is not the wire's: several "
                                         "interfaces or a SPAN port); paired with %s job.",
                                         reordered, reordered == 1 ? " was" : "s were",
                                         reordered == 1 ? "its" : "their", reordered == 1 ? "its" : "their");
    w->item(w, t, S7_TONE_PLAIN);
  }
  if (n)
    w->list_end(w);
  else
    w->paragraph(w, "None: the capture was read completely and every response had its job.");
}

static void capture(S7DocWriter *w, const json_t *c)
{
  g_autofree char *title = json_object_get(c, "check") ? g_strdup_printf("Check of %s", STR(json_object_get(c, "check"), "host"))
                                                       : g_strdup_printf("Capture %s", STR(c, "file"));
  w->heading(w, 1, title, S7_TONE_PLAIN);
  header(w, c);
  if (json_object_get(c, "error")) {
    g_autofree char *t = g_strdup_printf("Not analyzed: %s.", STR(c, "error"));
    w->paragraph(w, t);
    return;
  }
  if (json_object_get(c, "check"))
    check_steps(w, json_object_get(c, "check"));
  summary(w, c);
  if (w->picture)
    w->picture(w, c);
  findings(w, c);
  connections(w, c);
  plcs(w, c);
  areas(w, c);
  security(w, c);
  legend(w, c);
  limitations(w, c);
}

static void overview(S7DocWriter *w, const json_t *report)
{
  const json_t *caps = json_object_get(report, "captures");
  w->heading(w, 1, "Overview", S7_TONE_PLAIN);
  static const char *const head[] = { "Capture", "Packets", "Errors", "Warnings", "Notes", "Status" };
  GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  size_t i;
  json_t *c;
  json_array_foreach(caps, i, c) {
    const json_t *s = json_object_get(c, "summary");
    char **r = g_new0(char *, 7);
    r[0] = g_strdup(STR(c, "file"));
    gboolean err = json_object_get(c, "error") != NULL;
    r[1] = err ? g_strdup("–") : g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(c, "packets"));
    r[2] = err ? g_strdup("–") : g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(s, "errors"));
    r[3] = err ? g_strdup("–") : g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(s, "warnings"));
    r[4] = err ? g_strdup("–") : g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(s, "notes"));
    r[5] = err ? g_strdup_printf("not analyzed: %s", STR(c, "error"))
               : g_strdup(INT(s, "errors") ? "faults" : INT(s, "warnings") ? "warnings" : "clean");
    g_ptr_array_add(rows, r);
  }
  w->table(w, 6, head, rows);
  g_ptr_array_unref(rows);
}

static gboolean only_checks(const json_t *caps)
{
  size_t i;
  json_t *c;
  json_array_foreach(caps, i, c)
    if (!json_object_get(c, "check"))
      return FALSE;
  return json_array_size(caps) > 0;
}

void s7_report_render(const json_t *report, S7DocWriter *w)
{
  const json_t *caps = json_object_get(report, "captures");
  w->begin(w, "s7diag report");
  w->fields_begin(w);
  field(w, "s7diag", STR(report, "s7diag_version"), FALSE);
  field(w, "tshark", *STR(report, "tshark_version") ? STR(report, "tshark_version")
                    : only_checks(caps) ? "not used (a check talks to the PLC itself)" : "not available", FALSE);
  const json_t *t = json_object_get(report, "totals");
  json_int_t nc = INT(t, "captures"), ne = INT(t, "errors"), nw = INT(t, "warnings"), nn = INT(t, "notes");
  g_autofree char *tot = g_strdup_printf(
      "%" JSON_INTEGER_FORMAT " capture%s (%" JSON_INTEGER_FORMAT " not analyzed): %" JSON_INTEGER_FORMAT
      " error%s, %" JSON_INTEGER_FORMAT " warning%s, %" JSON_INTEGER_FORMAT " note%s",
      nc, nc == 1 ? "" : "s", INT(t, "failed"), ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s",
      nn, nn == 1 ? "" : "s");
  field(w, "Captures", tot, FALSE);
  w->fields_end(w);
  if (json_array_size(caps) > 1)
    overview(w, report);
  size_t i;
  json_t *c;
  json_array_foreach(caps, i, c)
    capture(w, c);
  w->end(w);
}

const S7DocKind s7_doc_report = { S7DIAG_JSON_SCHEMA, s7_report_render, s7_report_write_junit, NULL };
