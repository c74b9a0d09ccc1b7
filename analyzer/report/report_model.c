/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_model.c — the report document: built from analyses, merged, written as JSON. */
#include "report_model.h"

#include <string.h>

#include "bytes_text.h"
#include "s7_address.h"

/* A string, its bytes that are not UTF-8 escaped (JSON must be UTF-8) */
static json_t *text(const char *s)
{
  return s7_json_bytes(s);
}

static json_t *str_or_null(const char *s)
{
  return s ? text(s) : json_null();
}

static json_t *iso_time(gint64 us)
{
  if (us <= 0)
    return json_null();
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
  if (!dt)
    return json_null();
  g_autofree char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *s = g_strdup_printf("%s.%06dZ", base, (int)(us % G_USEC_PER_SEC));
  return text(s);
}

static json_t *seconds(gint64 us)
{
  return json_real((double)(us / 1000) / 1000.0);   /* millisecond precision */
}

/* guint32 frame numbers, ascending */
static json_t *frames_json(const GArray *frames)
{
  json_t *a = json_array();
  for (guint i = 0; i < frames->len; i++)
    json_array_append_new(a, json_integer(g_array_index(frames, guint32, i)));
  return a;
}

static json_t *finding_json(const S7Finding *f)
{
  json_t *o = json_object();
  json_object_set_new(o, "kind", text(s7_kind_info(f->kind)->id));
  json_object_set_new(o, "severity", text(s7_severity_name(f->severity)));
  json_object_set_new(o, "title", text(f->title));
  json_object_set_new(o, "plc", text(f->plc));
  json_object_set_new(o, "client", str_or_null(f->client));
  json_object_set_new(o, "code", str_or_null(f->code));
  json_object_set_new(o, "detail", str_or_null(f->detail));
  json_object_set_new(o, "frames", frames_json(f->frames));
  json_object_set_new(o, "occurrences", json_integer((json_int_t)f->occurrences));
  json_object_set_new(o, "connections", json_integer(f->connections));
  json_object_set_new(o, "first_time", iso_time(f->first_ts_us));
  json_object_set_new(o, "last_time", iso_time(f->last_ts_us));
  json_object_set_new(o, "filter", text(f->filter));
  json_object_set_new(o, "explanation", text(f->explanation));
  json_object_set_new(o, "action", text(f->action));
  json_object_set_new(o, "client_says", str_or_null(f->client_says && *f->client_says ? f->client_says : NULL));
  json_object_set_new(o, "confidence", text(f->confidence));
  json_object_set_new(o, "confidence_reason", text(f->confidence_reason));
  return o;
}

static json_t *connection_json(const S7ConnSummary *c)
{
  json_t *o = json_object();
  json_object_set_new(o, "client", text(c->client));
  json_object_set_new(o, "plc", text(c->plc));
  json_object_set_new(o, "calling_tsap", str_or_null(c->calling_tsap));
  json_object_set_new(o, "called_tsap", str_or_null(c->called_tsap));
  if (c->tsap_valid) {
    json_object_set_new(o, "rack", json_integer(c->rack));
    json_object_set_new(o, "slot", json_integer(c->slot));
  } else {
    json_object_set_new(o, "rack", json_null());
    json_object_set_new(o, "slot", json_null());
  }
  json_object_set_new(o, "connection_type", str_or_null(c->conn_type));
  json_object_set_new(o, "iso_connected", json_boolean(c->iso_connected));
  json_object_set_new(o, "s7", json_boolean(c->s7_traffic));
  json_object_set_new(o, "pdu_size", c->pdu_size ? json_integer(c->pdu_size) : json_null());
  json_object_set_new(o, "max_amq_calling", c->pdu_size ? json_integer(c->max_amq_calling) : json_null());
  json_object_set_new(o, "max_amq_called", c->pdu_size ? json_integer(c->max_amq_called) : json_null());
  json_object_set_new(o, "tpdu_size", c->tpdu_size ? json_integer(c->tpdu_size) : json_null());
  json_object_set_new(o, "peak_jobs_in_flight", json_integer(c->peak_in_flight));
  json_object_set_new(o, "first_frame", json_integer(c->first_frame));
  json_object_set_new(o, "last_frame", json_integer(c->last_frame));
  json_object_set_new(o, "start", iso_time(c->start_ts_us));
  json_object_set_new(o, "end", iso_time(c->end_ts_us));
  json_object_set_new(o, "ended", text(c->ended));
  json_object_set_new(o, "s7_jobs", json_integer((json_int_t)c->s7_jobs));
  json_object_set_new(o, "s7_errors", json_integer((json_int_t)c->s7_errors));
  if (c->answered) {
    json_t *rt = json_object();
    json_object_set_new(rt, "answered", json_integer((json_int_t)c->answered));
    json_object_set_new(rt, "mean", json_real((double)(c->response_mean_us / 10) / 100.0));
    json_object_set_new(rt, "max", json_real((double)(c->response_max_us / 10) / 100.0));
    json_object_set_new(o, "response_ms", rt);
  } else {
    json_object_set_new(o, "response_ms", json_null());
  }
  json_object_set_new(o, "handshake_seen", json_boolean(c->handshake_seen));
  json_object_set_new(o, "directions", text(c->directions));
  json_object_set_new(o, "tls", json_boolean(c->tls));
  if (c->s7plus_version) {
    json_t *p = json_object();
    json_object_set_new(p, "version", json_integer(c->s7plus_version));
    json_object_set_new(p, "session_id", c->s7plus_session ? json_integer(c->s7plus_session) : json_null());
    json_object_set_new(p, "pdus", json_integer((json_int_t)c->s7plus_pdus));
    json_object_set_new(o, "s7plus", p);
  } else {
    json_object_set_new(o, "s7plus", json_null());
  }
  return o;
}

static json_t *area_json(const S7AreaSummary *a)
{
  json_t *o = json_object();
  json_object_set_new(o, "plc", text(a->plc));
  json_object_set_new(o, "area", text(a->area));
  json_object_set_new(o, "reads", json_integer((json_int_t)a->reads));
  json_object_set_new(o, "writes", json_integer((json_int_t)a->writes));
  json_object_set_new(o, "errors", json_integer((json_int_t)a->errors));
  /* bytes for memory areas, numbers for timers and counters; what worked apart from what failed */
  json_object_set_new(o, "first_byte", a->numbered ? json_null() : json_integer(a->lowest));
  json_object_set_new(o, "end_byte", a->numbered ? json_null() : json_integer(a->highest));
  json_object_set_new(o, "unit", text(a->numbered ? "number" : "byte"));
  json_object_set_new(o, "first", json_integer(a->lowest));
  json_object_set_new(o, "end", json_integer(a->highest));
  json_object_set_new(o, "ok_first", a->ok ? json_integer(a->ok_lo) : json_null());
  json_object_set_new(o, "ok_end", a->ok ? json_integer(a->ok_hi) : json_null());
  json_object_set_new(o, "failed_first", a->failed ? json_integer(a->failed_lo) : json_null());
  json_object_set_new(o, "failed_end", a->failed ? json_integer(a->failed_hi) : json_null());
  return o;
}

static json_t *text_or_null(const char *s)
{
  return s && *s ? text(s) : json_null();
}

static json_t *plc_json(const S7PlcSummary *p)
{
  json_t *o = json_object();
  json_object_set_new(o, "plc", text(p->plc));
  const S7Identity *id = &p->identity;
  json_object_set_new(o, "order_number", text_or_null(id->order_number));
  json_object_set_new(o, "family", text_or_null(p->family));
  json_object_set_new(o, "firmware", text_or_null(id->firmware));
  json_object_set_new(o, "cpu_type", text_or_null(id->cpu_type));
  json_object_set_new(o, "module_name", text_or_null(id->module_name));
  json_object_set_new(o, "system_name", text_or_null(id->system_name));
  json_object_set_new(o, "plant", text_or_null(id->plant));
  json_object_set_new(o, "serial", text_or_null(id->serial));
  json_t *peers = json_array();
  for (guint i = 0; i < p->peers->len; i++) {
    const S7Peer *h = g_ptr_array_index(p->peers, i);
    json_t *q = json_object();
    json_object_set_new(q, "host", text(h->host));
    json_object_set_new(q, "access", text(s7_access_name(h->needed)));
    g_autofree char *plc_ip = s7_endpoint_host(p->plc);
    g_autofree char *line = g_strdup_printf("%s %s %s", h->host, plc_ip, s7_access_name(h->needed));
    json_object_set_new(q, "partner_line", text(line));
    json_object_set_new(q, "connections", json_integer((json_int_t)h->connections));
    json_object_set_new(q, "read_jobs", json_integer((json_int_t)h->read_jobs));
    json_object_set_new(q, "write_jobs", json_integer((json_int_t)h->write_jobs));
    json_object_set_new(q, "control_jobs", json_integer((json_int_t)h->control_jobs));
    json_object_set_new(q, "other_jobs", json_integer((json_int_t)h->other_jobs));
    json_array_append_new(peers, q);
  }
  json_object_set_new(o, "peers", peers);
  return o;
}

static void count_severity(json_t *summary, const GPtrArray *findings)
{
  json_int_t n[3] = { 0 };
  json_t *by_kind = json_object();
  for (guint i = 0; findings && i < findings->len; i++) {
    const S7Finding *f = g_ptr_array_index(findings, i);
    n[f->severity]++;
    const char *id = s7_kind_info(f->kind)->id;
    json_t *c = json_object_get(by_kind, id);
    json_object_set_new(by_kind, id, json_integer(c ? json_integer_value(c) + 1 : 1));
  }
  json_object_set_new(summary, "findings", json_integer(n[0] + n[1] + n[2]));
  json_object_set_new(summary, "errors", json_integer(n[S7_SEV_ERROR]));
  json_object_set_new(summary, "warnings", json_integer(n[S7_SEV_WARNING]));
  json_object_set_new(summary, "notes", json_integer(n[S7_SEV_NOTE]));
  json_object_set_new(summary, "by_kind", by_kind);
}

/* Jobs, fault frames (errors and warnings) and note frames per PLC in S7_TIMELINE_BUCKETS
 * equal slices of the capture; the histograms behind them are finer than a slice. */
typedef struct {
  gint64 jobs[S7_TIMELINE_BUCKETS], faults[S7_TIMELINE_BUCKETS], notes[S7_TIMELINE_BUCKETS];
} Series;

static json_t *series_json(const gint64 *b)
{
  json_t *a = json_array();
  for (guint i = 0; i < S7_TIMELINE_BUCKETS; i++)
    json_array_append_new(a, json_integer(b[i]));
  return a;
}

static Series *series_for(GHashTable *plcs, const char *plc)
{
  Series *s = g_hash_table_lookup(plcs, plc);
  if (!s) {
    s = g_new0(Series, 1);
    g_hash_table_insert(plcs, g_strdup(plc), s);
  }
  return s;
}

static json_t *timeline_json(const S7CaptureResult *r)
{
  gint64 span_us = MAX(r->last_ts_us - r->first_ts_us, 1);
  gint64 from = r->first_ts_us;
  g_autoptr(GHashTable) plcs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, r->jobs_activity);
  while (g_hash_table_iter_next(&it, &k, &v))
    s7_hist_fold(v, from, span_us, S7_TIMELINE_BUCKETS, series_for(plcs, k)->jobs);
  const GPtrArray *findings = s7_engine_findings(r->engine);
  for (guint i = 0; i < findings->len; i++) {
    const S7Finding *f = g_ptr_array_index(findings, i);
    const S7Histogram *h = g_hash_table_lookup(r->finding_activity, f);
    if (!h)
      continue;
    Series *s = series_for(plcs, f->plc);
    s7_hist_fold(h, from, span_us, S7_TIMELINE_BUCKETS, f->severity == S7_SEV_NOTE ? s->notes : s->faults);
  }
  json_t *out = json_array();
  GList *keys = g_list_sort(g_hash_table_get_keys(plcs), (GCompareFunc)strcmp);
  for (GList *l = keys; l; l = l->next) {
    const Series *s = g_hash_table_lookup(plcs, l->data);
    json_t *p = json_object();
    json_object_set_new(p, "plc", text(l->data));
    json_object_set_new(p, "jobs", series_json(s->jobs));
    json_object_set_new(p, "fault_frames", series_json(s->faults));
    json_object_set_new(p, "note_frames", series_json(s->notes));
    json_array_append_new(out, p);
  }
  g_list_free(keys);
  double bucket_s = (double)span_us / 1e6 / S7_TIMELINE_BUCKETS;
  json_t *o = json_object();
  json_object_set_new(o, "bucket_s", json_real((double)(gint64)(bucket_s * 1e6) / 1e6));
  json_object_set_new(o, "plcs", out);
  return o;
}

json_t *s7_report_capture(const S7CaptureResult *r)
{
  json_t *o = json_object();
  /* a name that is not UTF-8: shown escaped, its bytes kept in file_base64 */
  json_object_set_new(o, "file", text(r->file));
  if (s7_bytes_need_escape(r->file)) {
    g_autofree char *b64 = g_base64_encode((const guchar *)r->file, strlen(r->file));
    json_object_set_new(o, "file_base64", json_string(b64));
  }
  if (r->error) {
    json_object_set_new(o, "error", text(r->error));
    return o;
  }
  json_object_set_new(o, "sha256", text(r->sha256));
  json_object_set_new(o, "size_bytes", json_integer((json_int_t)r->size_bytes));
  json_object_set_new(o, "packets", json_integer((json_int_t)r->packets));
  json_object_set_new(o, "first_packet_time", iso_time(r->first_ts_us));
  json_object_set_new(o, "last_packet_time", iso_time(r->last_ts_us));
  json_object_set_new(o, "duration_s", seconds(r->last_ts_us - r->first_ts_us));
  json_object_set_new(o, "complete", json_boolean(r->complete));
  json_t *w = json_array();
  for (guint i = 0; i < r->warnings->len; i++)
    json_array_append_new(w, text(g_ptr_array_index(r->warnings, i)));
  json_object_set_new(o, "warnings", w);
  json_t *la = json_array();
  const GPtrArray *limits = s7_engine_limitations(r->engine);
  for (guint i = 0; i < limits->len; i++) {
    const S7Limitation *l = g_ptr_array_index(limits, i);
    json_t *lo = json_object();
    json_object_set_new(lo, "id", text(l->id));
    json_object_set_new(lo, "subject", str_or_null(l->subject));
    json_object_set_new(lo, "count", json_integer((json_int_t)l->count));
    json_object_set_new(lo, "frames", frames_json(l->frames));
    json_object_set_new(lo, "text", text(l->text));
    if (l->summary)
      json_object_set_new(lo, "summary", text(l->summary));
    json_array_append_new(la, lo);
  }
  json_object_set_new(o, "limitations", la);

  const GPtrArray *findings = s7_engine_findings(r->engine);
  json_t *fa = json_array();
  for (guint i = 0; i < findings->len; i++)
    json_array_append_new(fa, finding_json(g_ptr_array_index(findings, i)));
  json_object_set_new(o, "findings", fa);

  const GPtrArray *conns = s7_engine_connections(r->engine);
  json_t *ca = json_array();
  for (guint i = 0; i < conns->len; i++)
    json_array_append_new(ca, connection_json(g_ptr_array_index(conns, i)));
  json_object_set_new(o, "connections", ca);
  json_object_set_new(o, "connections_not_listed",
                      json_integer((json_int_t)s7_engine_connections_not_listed(r->engine)));

  const GPtrArray *areas = s7_engine_areas(r->engine);
  json_t *aa = json_array();
  for (guint i = 0; i < areas->len; i++)
    json_array_append_new(aa, area_json(g_ptr_array_index(areas, i)));
  json_object_set_new(o, "areas", aa);

  const GPtrArray *plcs = s7_engine_plcs(r->engine);
  json_t *pa = json_array();
  for (guint i = 0; i < plcs->len; i++)
    json_array_append_new(pa, plc_json(g_ptr_array_index(plcs, i)));
  json_object_set_new(o, "plcs", pa);

  const S7EngineStats *st = s7_engine_stats(r->engine);
  json_t *summary = json_object();
  count_severity(summary, findings);
  json_object_set_new(summary, "s7_pdus", json_integer((json_int_t)st->s7_pdus));
  json_object_set_new(summary, "s7plus_pdus", json_integer((json_int_t)st->s7plus_pdus));
  json_int_t s7_conns = (json_int_t)s7_engine_connections_not_listed(r->engine), tcp_only = 0;
  for (guint i = 0; i < conns->len; i++) {
    if (((const S7ConnSummary *)g_ptr_array_index(conns, i))->s7_traffic)
      s7_conns++;
    else
      tcp_only++;
  }
  json_object_set_new(summary, "s7_connections", json_integer(s7_conns));
  json_object_set_new(summary, "tcp_only_connections", json_integer(tcp_only));
  json_object_set_new(summary, "unpaired_responses", json_integer((json_int_t)st->unpaired_responses));
  json_object_set_new(summary, "reordered_responses", json_integer((json_int_t)st->reordered_responses));
  json_object_set_new(o, "summary", summary);
  json_object_set_new(o, "timeline", timeline_json(r));
  return o;
}

/* ------------------------------------------------------------------ the report */

const char *s7_json_str(const json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

const char *s7_json_text(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

json_int_t s7_json_int(const json_t *o, const char *key)
{
  return json_integer_value(json_object_get(o, key));
}

char *s7_report_capture_file(const json_t *capture)
{
  const char *b64 = s7_json_str(capture, "file_base64");
  if (b64) {
    gsize len = 0;
    guchar *raw = g_base64_decode(b64, &len);
    char *name = g_strndup((const char *)raw, len);
    g_free(raw);
    return name;
  }
  return g_strdup(s7_json_text(capture, "file"));
}

static gint cmp_captures(gconstpointer pa, gconstpointer pb)
{
  const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
  int c = g_strcmp0(s7_json_str(a, "file"), s7_json_str(b, "file"));
  if (c)
    return c;
  c = g_strcmp0(s7_json_str(a, "sha256"), s7_json_str(b, "sha256"));
  if (c)
    return c;
  /* identical names and contents: order by the whole text, so any order merges the same */
  g_autofree char *ta = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
  g_autofree char *tb = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
  return g_strcmp0(ta, tb);
}

json_t *s7_report_new(const char *s7diag_version, const char *tshark_version, GPtrArray *captures)
{
  g_ptr_array_sort(captures, cmp_captures);
  json_int_t failed = 0, counts[4] = { 0 };   /* findings, errors, warnings, notes */
  static const char *const keys[4] = { "findings", "errors", "warnings", "notes" };
  json_t *arr = json_array();
  for (guint i = 0; i < captures->len; i++) {
    json_t *c = g_ptr_array_index(captures, i);
    if (json_object_get(c, "error"))
      failed++;
    json_t *summary = json_object_get(c, "summary");
    for (int k = 0; k < 4; k++)
      counts[k] += s7_json_int(summary, keys[k]);
    json_array_append_new(arr, c);
  }
  json_t *root = json_object();
  json_object_set_new(root, "schema", text(S7DIAG_JSON_SCHEMA));
  json_object_set_new(root, "s7diag_version", text(s7diag_version));
  json_object_set_new(root, "tshark_version", str_or_null(tshark_version));
  json_t *totals = json_object();
  json_object_set_new(totals, "captures", json_integer(captures->len));
  json_object_set_new(totals, "failed", json_integer(failed));
  for (int k = 0; k < 4; k++)
    json_object_set_new(totals, keys[k], json_integer(counts[k]));
  json_object_set_new(root, "totals", totals);
  json_object_set_new(root, "captures", arr);
  return root;
}

/* "a, b" of the distinct values, sorted: versions of merged reports */
static char *join_distinct(GPtrArray *values)
{
  g_ptr_array_sort(values, (GCompareFunc)(void (*)(void))g_strcmp0);
  GString *s = g_string_new(NULL);
  const char *prev = NULL;
  for (guint i = 0; i < values->len; i++) {
    const char *v = g_ptr_array_index(values, i);
    if (prev && !strcmp(prev, v))
      continue;
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", v);
    prev = v;
  }
  return g_string_free(s, FALSE);
}

json_t *s7_report_merge(json_t *const *reports, guint n, char **error)
{
  g_autoptr(GPtrArray) captures = g_ptr_array_new();
  g_autoptr(GPtrArray) s7v = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) tsv = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < n; i++) {
    const char *schema = s7_json_str(reports[i], "schema");
    json_t *caps = json_object_get(reports[i], "captures");
    if (!schema || strcmp(schema, S7DIAG_JSON_SCHEMA) != 0 || !json_is_array(caps)) {
      *error = g_strdup_printf("not an %s report", S7DIAG_JSON_SCHEMA);
      g_ptr_array_foreach(captures, (GFunc)(void (*)(void))json_decref, NULL);
      return NULL;
    }
    /* a merged report lists several versions already: split them back */
    const char *fields[2] = { "s7diag_version", "tshark_version" };
    GPtrArray *into[2] = { s7v, tsv };
    for (int f = 0; f < 2; f++) {
      const char *v = s7_json_str(reports[i], fields[f]);
      g_auto(GStrv) parts = g_strsplit(v ? v : "", ", ", -1);
      for (char **p = parts; *p; p++)
        if (**p)
          g_ptr_array_add(into[f], g_strdup(*p));
    }
    size_t k;
    json_t *c;
    json_array_foreach(caps, k, c)
      g_ptr_array_add(captures, json_deep_copy(c));
  }
  g_autofree char *s7 = join_distinct(s7v);
  g_autofree char *ts = join_distinct(tsv);
  return s7_report_new(s7, *ts ? ts : NULL, captures);
}

int s7_report_worst(const json_t *report, gboolean *failed)
{
  int worst = -1;
  *failed = FALSE;
  size_t i, j;
  json_t *c, *f;
  json_array_foreach(json_object_get(report, "captures"), i, c) {
    if (json_object_get(c, "error"))
      *failed = TRUE;
    json_array_foreach(json_object_get(c, "findings"), j, f) {
      worst = MAX(worst, (int)s7_severity_from_name(s7_json_str(f, "severity")));
    }
  }
  return worst;
}

gboolean s7_report_write_json(FILE *out, const json_t *report)
{
  int rc = json_dumpf(report, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  fputc('\n', out);
  return rc == 0 && !ferror(out);
}

