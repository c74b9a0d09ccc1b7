/* report_json.c — the versioned JSON report (schema: docs/json-schema.md). */
#include "report_json.h"

#include <jansson.h>

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
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
  return json_string(s);
}

static json_t *seconds(gint64 us)
{
  return json_real((double)(us / 1000) / 1000.0);   /* millisecond precision */
}

static json_t *finding_json(const S7Finding *f)
{
  json_t *o = json_object();
  json_object_set_new(o, "kind", json_string(s7_kind_info(f->kind)->id));
  json_object_set_new(o, "severity", json_string(s7_severity_name(f->severity)));
  json_object_set_new(o, "title", json_string(f->title));
  json_object_set_new(o, "plc", json_string(f->plc));
  json_object_set_new(o, "client", str_or_null(f->client));
  json_object_set_new(o, "code", str_or_null(f->code));
  json_object_set_new(o, "detail", str_or_null(f->detail));
  json_t *frames = json_array();
  for (guint i = 0; i < f->frames->len; i++)
    json_array_append_new(frames, json_integer(g_array_index(f->frames, guint32, i)));
  json_object_set_new(o, "frames", frames);
  json_object_set_new(o, "occurrences", json_integer((json_int_t)f->occurrences));
  json_object_set_new(o, "connections", json_integer(f->connections));
  json_object_set_new(o, "first_time", iso_time(f->first_ts_us));
  json_object_set_new(o, "last_time", iso_time(f->last_ts_us));
  json_object_set_new(o, "filter", json_string(f->filter));
  json_object_set_new(o, "explanation", json_string(f->explanation));
  json_object_set_new(o, "action", json_string(f->action));
  json_object_set_new(o, "client_says", str_or_null(f->client_says && *f->client_says ? f->client_says : NULL));
  json_object_set_new(o, "confidence", json_string(f->confidence));
  json_object_set_new(o, "confidence_reason", json_string(f->confidence_reason));
  return o;
}

static json_t *connection_json(const S7ConnSummary *c)
{
  json_t *o = json_object();
  json_object_set_new(o, "client", json_string(c->client));
  json_object_set_new(o, "plc", json_string(c->plc));
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
  json_object_set_new(o, "pdu_size", c->pdu_size ? json_integer(c->pdu_size) : json_null());
  json_object_set_new(o, "max_amq_calling", c->pdu_size ? json_integer(c->max_amq_calling) : json_null());
  json_object_set_new(o, "max_amq_called", c->pdu_size ? json_integer(c->max_amq_called) : json_null());
  json_object_set_new(o, "first_frame", json_integer(c->first_frame));
  json_object_set_new(o, "last_frame", json_integer(c->last_frame));
  json_object_set_new(o, "start", iso_time(c->start_ts_us));
  json_object_set_new(o, "end", iso_time(c->end_ts_us));
  json_object_set_new(o, "ended", json_string(c->ended));
  json_object_set_new(o, "s7_jobs", json_integer((json_int_t)c->s7_jobs));
  json_object_set_new(o, "s7_errors", json_integer((json_int_t)c->s7_errors));
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
  json_object_set_new(o, "plc", json_string(a->plc));
  json_object_set_new(o, "area", json_string(a->area));
  json_object_set_new(o, "reads", json_integer((json_int_t)a->reads));
  json_object_set_new(o, "writes", json_integer((json_int_t)a->writes));
  json_object_set_new(o, "errors", json_integer((json_int_t)a->errors));
  json_object_set_new(o, "first_byte", json_integer(a->lowest_byte));
  json_object_set_new(o, "end_byte", json_integer(a->highest_byte));
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

static json_t *capture_json(const S7CaptureResult *r)
{
  json_t *o = json_object();
  json_object_set_new(o, "file", json_string(r->file));
  if (r->error) {
    json_object_set_new(o, "error", json_string(r->error));
    return o;
  }
  json_object_set_new(o, "sha256", json_string(r->sha256));
  json_object_set_new(o, "size_bytes", json_integer((json_int_t)r->size_bytes));
  json_object_set_new(o, "packets", json_integer((json_int_t)r->packets));
  json_object_set_new(o, "first_packet_time", iso_time(r->first_ts_us));
  json_object_set_new(o, "last_packet_time", iso_time(r->last_ts_us));
  json_object_set_new(o, "duration_s", seconds(r->last_ts_us - r->first_ts_us));
  json_object_set_new(o, "complete", json_boolean(r->complete));
  json_t *w = json_array();
  for (guint i = 0; i < r->warnings->len; i++)
    json_array_append_new(w, json_string(g_ptr_array_index(r->warnings, i)));
  json_object_set_new(o, "warnings", w);

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

  const S7EngineStats *st = s7_engine_stats(r->engine);
  json_t *summary = json_object();
  count_severity(summary, findings);
  json_object_set_new(summary, "s7_pdus", json_integer((json_int_t)st->s7_pdus));
  json_object_set_new(summary, "s7plus_pdus", json_integer((json_int_t)st->s7plus_pdus));
  json_object_set_new(summary, "s7_connections", json_integer((json_int_t)(conns->len + s7_engine_connections_not_listed(r->engine))));
  json_object_set_new(summary, "unpaired_responses", json_integer((json_int_t)st->unpaired_responses));
  json_object_set_new(o, "summary", summary);
  return o;
}

gboolean s7_report_json_write(FILE *out, const S7ReportMeta *meta, S7CaptureResult *const *captures,
                              guint n)
{
  json_t *root = json_object();
  json_object_set_new(root, "schema", json_string(S7DIAG_JSON_SCHEMA));
  json_object_set_new(root, "s7diag_version", json_string(meta->s7diag_version));
  json_object_set_new(root, "tshark_version", str_or_null(meta->tshark_version));
  json_t *arr = json_array();
  for (guint i = 0; i < n; i++)
    json_array_append_new(arr, capture_json(captures[i]));
  json_object_set_new(root, "captures", arr);
  int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  json_decref(root);
  fputc('\n', out);
  return rc == 0 && !ferror(out);
}
