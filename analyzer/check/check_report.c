/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_report.c — a check's part of the report (see check_report.h). */
#include "check_report.h"

#include "bytes_text.h"
#include "s7_address.h"

static json_t *text_or_null(const char *s)
{
  return s && *s ? s7_json_bytes(s) : json_null();
}

static json_t *tsap_json(guint16 tsap)
{
  guint8 b[2] = { (guint8)(tsap >> 8), (guint8)tsap };
  S7Tsap t = s7_decode_tsap(b, 2);
  json_t *o = json_object();
  g_autofree char *hex = g_strdup_printf("0x%04x", tsap);
  json_object_set_new(o, "tsap", s7_json_bytes(hex));
  json_object_set_new(o, "connection_type", s7_json_bytes(s7_conn_type_name(t.type)));
  json_object_set_new(o, "rack", json_integer(t.rack));
  json_object_set_new(o, "slot", json_integer(t.slot));
  return o;
}

json_t *s7_check_json(const S7CheckResult *r, const S7CheckOptions *o, const char *host, const char *capture,
                      const char *capture_note)
{
  json_t *c = json_object();
  char ep[S7_ENDPOINT_TEXT_MAX];
  json_object_set_new(c, "host", s7_json_bytes(host));
  json_object_set_new(c, "plc", s7_json_bytes(s7_endpoint_format(&r->plc, ep)));
  json_object_set_new(c, "client", r->client.addr[0] ? s7_json_bytes(s7_endpoint_format(&r->client, ep)) : json_null());
  json_object_set_new(c, "timeout_s", json_real(o->timeout_s));
  json_object_set_new(c, "asked", tsap_json(o->called_tsap));
  json_object_set_new(c, "rack_slot_assumed", json_boolean(o->tsap_default));
  json_object_set_new(c, "accepted", r->accepted_tsap ? tsap_json(r->accepted_tsap) : json_null());
  json_t *tries = json_array();
  for (guint i = 0; i < r->tries->len; i++)
    json_array_append_new(tries, s7_json_bytes(g_ptr_array_index(r->tries, i)));
  json_object_set_new(c, "connects", tries);
  json_object_set_new(c, "pdu_size", r->pdu_size ? json_integer(r->pdu_size) : json_null());
  json_object_set_new(c, "max_amq_calling", r->pdu_size ? json_integer(r->max_amq_calling) : json_null());
  json_object_set_new(c, "max_amq_called", r->pdu_size ? json_integer(r->max_amq_called) : json_null());
  json_t *steps = json_array();
  for (guint i = 0; i < S7_CHECK_STEPS; i++) {
    json_t *s = json_object();
    json_object_set_new(s, "id", s7_json_bytes(r->steps[i].id));
    json_object_set_new(s, "name", s7_json_bytes(r->steps[i].name));
    json_object_set_new(s, "status", s7_json_bytes(s7_step_status_name(r->steps[i].status)));
    json_object_set_new(s, "result", s7_json_bytes(r->steps[i].result));
    json_array_append_new(steps, s);
  }
  json_object_set_new(c, "steps", steps);
  json_object_set_new(c, "passed", json_boolean(!s7_check_failed(r)));
  json_object_set_new(c, "capture", text_or_null(capture));
  json_object_set_new(c, "capture_note", text_or_null(capture_note));
  return c;
}
