/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_engine.c — unit tests of the engine, the code table and the parsers (GLib GTest). */
#include <string.h>
#include <glib/gstdio.h>

#include "check_requests.h"
#include "engine.h"
#include "engine_live.h"
#include "pcapng_ring.h"
#include "redact.h"
#include "s7_address.h"
#include "s7_codes.h"
#include "s7plus_header.h"
#include "field_row.h"
#include "s7_event_text.h"
#include "s7_wire.h"
#include "tshark_probe.h"
#include "tshark_row.h"

/* ------------------------------------------------------------------ event builders */

/* Every event the builders feed is also recorded, to feed it again elsewhere (live engine) */
static GArray *recorded;
static void feed_recorded(S7Engine *e, const S7Event *ev)
{
  if (recorded)
    g_array_append_val(recorded, *ev);
  s7_engine_feed(e, ev);
}
#define s7_engine_feed(e, ev) feed_recorded((e), (ev))

static guint32 frame_no;
static gint64 now_us;

static S7Event base(S7EventType t, gboolean from_client, guint16 cport)
{
  S7Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = t;
  ev.frame = ++frame_no;
  ev.ts_us = now_us += 1000;
  S7Endpoint cli = { "10.0.0.20", cport }, plc = { "10.0.0.5", 102 };
  ev.src = from_client ? cli : plc;
  ev.dst = from_client ? plc : cli;
  return ev;
}

static void tcp(S7Engine *e, gboolean from_client, guint16 cport, guint8 flags)
{
  S7Event ev = base(S7_EV_TCP, from_client, cport);
  ev.u.tcp.flags = flags;
  s7_engine_feed(e, &ev);
}

static void cotp(S7Engine *e, gboolean from_client, guint16 cport, guint8 tpdu, guint8 called_slot)
{
  S7Event ev = base(S7_EV_COTP, from_client, cport);
  ev.u.cotp.tpdu = tpdu;
  ev.u.cotp.src_tsap[0] = 1;
  ev.u.cotp.src_tsap_len = 2;
  ev.u.cotp.dst_tsap[0] = 3;
  ev.u.cotp.dst_tsap[1] = called_slot;
  ev.u.cotp.dst_tsap_len = 2;
  s7_engine_feed(e, &ev);
}

static void read_job(S7Engine *e, guint16 cport, guint16 ref, guint16 db, guint32 byte)
{
  S7Event ev = base(S7_EV_S7, TRUE, cport);
  ev.u.s7.rosctr = S7_ROSCTR_JOB;
  ev.u.s7.pdu_ref = ref;
  ev.u.s7.function = S7_FUNC_READ_VAR;
  ev.u.s7.n_items = 1;
  ev.u.s7.items[0] = S7_ITEM(0x10, S7_AREA_DB, 4, db, byte << 3, 1);
  s7_engine_feed(e, &ev);
}

static void read_resp(S7Engine *e, guint16 cport, guint16 ref, guint8 rc)
{
  S7Event ev = base(S7_EV_S7, FALSE, cport);
  ev.u.s7.rosctr = S7_ROSCTR_ACK_DATA;
  ev.u.s7.pdu_ref = ref;
  ev.u.s7.function = S7_FUNC_READ_VAR;
  ev.u.s7.n_retcodes = 1;
  ev.u.s7.retcodes[0] = rc;
  s7_engine_feed(e, &ev);
}

static void ack_error(S7Engine *e, guint16 cport, guint16 ref, guint8 cls, guint8 code)
{
  S7Event ev = base(S7_EV_S7, FALSE, cport);
  ev.u.s7.rosctr = S7_ROSCTR_ACK;
  ev.u.s7.pdu_ref = ref;
  ev.u.s7.function = S7_FUNC_NONE;
  ev.u.s7.err_class = cls;
  ev.u.s7.err_code = code;
  s7_engine_feed(e, &ev);
}

static void userdata(S7Engine *e, gboolean from_client, guint16 cport, guint16 ref, guint8 group,
                     guint16 errcod, guint8 rc)
{
  S7Event ev = base(S7_EV_S7, from_client, cport);
  ev.u.s7.rosctr = S7_ROSCTR_USERDATA;
  ev.u.s7.pdu_ref = ref;
  ev.u.s7.function = S7_FUNC_NONE;
  ev.u.s7.ud_type = from_client ? S7_UD_TYPE_REQUEST : S7_UD_TYPE_RESPONSE;
  ev.u.s7.ud_group = group;
  ev.u.s7.ud_subfunc = 1;
  ev.u.s7.param_error = errcod;
  ev.u.s7.n_retcodes = 1;
  ev.u.s7.retcodes[0] = rc;
  s7_engine_feed(e, &ev);
}

static void open_conn(S7Engine *e, guint16 cport)
{
  tcp(e, TRUE, cport, S7_TCP_SYN);
  tcp(e, FALSE, cport, S7_TCP_SYN | S7_TCP_ACK);
  tcp(e, TRUE, cport, S7_TCP_ACK);
  cotp(e, TRUE, cport, S7_COTP_CR, 1);
  cotp(e, FALSE, cport, S7_COTP_CC, 1);
}

static S7Engine *fresh(void)
{
  frame_no = 0;
  now_us = 1700000000000000;
  return s7_engine_new(NULL);
}

static const S7Finding *find_kind(S7Engine *e, S7Kind kind)
{
  const GPtrArray *f = s7_engine_findings(e);
  for (guint i = 0; i < f->len; i++)
    if (((S7Finding *)g_ptr_array_index(f, i))->kind == kind)
      return g_ptr_array_index(f, i);
  return NULL;
}

/* ------------------------------------------------------------------ engine */

static void test_pduref_zero_fifo(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4000);
  read_job(e, 4000, 0, 7, 0);
  read_resp(e, 4000, 0, 0xff);
  read_job(e, 4000, 0, 8, 2);
  read_resp(e, 4000, 0, 0x0a);
  s7_engine_finish(e);
  const S7Finding *f = find_kind(e, S7K_OBJECT_MISSING);
  g_assert_nonnull(f);
  g_assert_cmpstr(f->detail, ==, "DB8.DBW2");
  g_assert_cmpuint(f->frames->len, ==, 2);
  g_assert_cmpuint(g_array_index(f->frames, guint32, 0), ==, 8);
  g_assert_cmpuint(s7_engine_findings(e)->len, ==, 1);
  s7_engine_free(e);
}

static void test_open_job_at_capture_end_is_not_no_response(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4001);
  read_job(e, 4001, 1, 1, 0);
  now_us += 60 * G_USEC_PER_SEC;     /* long silence, then the capture ends */
  tcp(e, FALSE, 4001, S7_TCP_ACK);
  s7_engine_finish(e);
  g_assert_null(find_kind(e, S7K_NO_RESPONSE));
  s7_engine_free(e);
}

static void test_no_response_when_later_job_answered(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4002);
  read_job(e, 4002, 1, 1, 0);
  now_us += 6 * G_USEC_PER_SEC;
  read_job(e, 4002, 2, 1, 2);
  read_resp(e, 4002, 2, 0xff);
  s7_engine_finish(e);
  const S7Finding *f = find_kind(e, S7K_NO_RESPONSE);
  g_assert_nonnull(f);
  g_assert_cmpuint(g_array_index(f->frames, guint32, 0), ==, 6);
  s7_engine_free(e);
}

static void test_syn_retransmitted_then_answered(void)
{
  S7Engine *e = fresh();
  tcp(e, TRUE, 4003, S7_TCP_SYN);
  now_us += G_USEC_PER_SEC;
  tcp(e, TRUE, 4003, S7_TCP_SYN);
  tcp(e, FALSE, 4003, S7_TCP_SYN | S7_TCP_ACK);
  s7_engine_finish(e);
  g_assert_null(find_kind(e, S7K_PORT_NO_ANSWER));
  s7_engine_free(e);

  e = fresh();
  tcp(e, TRUE, 4004, S7_TCP_SYN);
  now_us += G_USEC_PER_SEC;   /* a retransmission, not a copy of the same frame */
  tcp(e, TRUE, 4004, S7_TCP_SYN);
  s7_engine_finish(e);
  g_assert_nonnull(find_kind(e, S7K_PORT_NO_ANSWER));
  s7_engine_free(e);
}

static void test_userdata_empty_answer_is_normal(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4005);
  userdata(e, TRUE, 4005, 5, 2, 0, 0x0a);
  userdata(e, FALSE, 4005, 5, 2, 0, 0x0a);   /* return code 0x0A, no error code */
  s7_engine_finish(e);
  g_assert_cmpuint(s7_engine_findings(e)->len, ==, 0);
  s7_engine_free(e);
}

static void test_putget_confidence_from_context(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4006);
  userdata(e, TRUE, 4006, 1, S7_UD_GRP_CPU, 0, 0xff);
  userdata(e, FALSE, 4006, 1, S7_UD_GRP_CPU, 0, 0xff);
  read_job(e, 4006, 2, 1, 0);
  ack_error(e, 4006, 2, 0x81, 0x04);
  s7_engine_finish(e);
  const S7Finding *f = find_kind(e, S7K_PUTGET_DENIED);
  g_assert_nonnull(f);
  g_assert_cmpstr(f->confidence, ==, "high");
  g_assert_nonnull(strstr(f->confidence_reason, "SZL"));
  g_assert_nonnull(strstr(f->title, "1 of 1"));
  g_assert_nonnull(strstr(f->client_says, "CPU : Function not available"));
  g_assert_nonnull(strstr(f->action, "Permit access with PUT/GET"));
  s7_engine_free(e);

  e = fresh();
  open_conn(e, 4007);
  read_job(e, 4007, 1, 1, 0);
  read_resp(e, 4007, 1, 0xff);
  read_job(e, 4007, 2, 1, 0);
  ack_error(e, 4007, 2, 0x81, 0x04);
  s7_engine_finish(e);
  f = find_kind(e, S7K_PUTGET_DENIED);
  g_assert_cmpstr(f->confidence, ==, "medium");
  s7_engine_free(e);
}

/* The same answer again on a connection counts on the finding it made there; another answer
 * in between, or another connection, makes or finds its own */
static void test_repeated_error_answers(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4010);
  open_conn(e, 4011);
  static const struct { guint16 port; guint8 cls, code; } answers[] = {
    { 4010, 0x81, 0x04 }, { 4010, 0x81, 0x04 }, { 4010, 0x85, 0x00 }, { 4010, 0x81, 0x04 },
    { 4011, 0x81, 0x04 }, { 4010, 0x85, 0x00 }, { 4011, 0x81, 0x04 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(answers); i++) {
    read_job(e, answers[i].port, (guint16)(i + 1), 1, 0);
    ack_error(e, answers[i].port, (guint16)(i + 1), answers[i].cls, answers[i].code);
  }
  s7_engine_finish(e);
  const GPtrArray *fs = s7_engine_findings(e);
  guint found = 0;
  for (guint i = 0; i < fs->len; i++) {
    const S7Finding *f = g_ptr_array_index(fs, i);
    if (!f->code)
      continue;
    if (!strcmp(f->code, "0x8104")) {
      g_assert_cmpuint(f->occurrences, ==, 5);
      g_assert_cmpuint(f->connections, ==, 2);
      found++;
    } else if (!strcmp(f->code, "0x8500")) {
      g_assert_cmpuint(f->occurrences, ==, 2);
      g_assert_cmpuint(f->connections, ==, 1);
      found++;
    }
  }
  g_assert_cmpuint(found, ==, 2);
  s7_engine_free(e);
}

static void test_connect_refused_context(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4010);                           /* one confirmed connection stays open */
  tcp(e, TRUE, 4011, S7_TCP_SYN);
  tcp(e, FALSE, 4011, S7_TCP_SYN | S7_TCP_ACK);
  cotp(e, TRUE, 4011, S7_COTP_CR, 1);
  tcp(e, FALSE, 4011, S7_TCP_RST | S7_TCP_ACK);
  s7_engine_finish(e);
  const S7Finding *f = find_kind(e, S7K_CONNECT_REFUSED);
  g_assert_nonnull(f);
  g_assert_cmpstr(f->confidence, ==, "high");
  g_assert_nonnull(strstr(f->title, "resources exhausted"));
  g_assert_cmpstr(f->code, ==, "TCP RST");
  s7_engine_free(e);

  e = fresh();                                  /* a lone refusal: cannot tell */
  tcp(e, TRUE, 4012, S7_TCP_SYN);
  tcp(e, FALSE, 4012, S7_TCP_SYN | S7_TCP_ACK);
  cotp(e, TRUE, 4012, S7_COTP_CR, 2);
  tcp(e, FALSE, 4012, S7_TCP_RST | S7_TCP_ACK);
  s7_engine_finish(e);
  f = find_kind(e, S7K_CONNECT_REFUSED);
  g_assert_cmpstr(f->confidence, ==, "low");
  s7_engine_free(e);
}

static void test_client_rst_after_work_is_not_refused(void)
{
  S7Engine *e = fresh();
  open_conn(e, 4013);
  read_job(e, 4013, 1, 1, 0);
  read_resp(e, 4013, 1, 0xff);
  tcp(e, TRUE, 4013, S7_TCP_RST | S7_TCP_ACK);
  s7_engine_finish(e);
  g_assert_cmpuint(s7_engine_findings(e)->len, ==, 0);
  const GPtrArray *c = s7_engine_connections(e);
  g_assert_cmpuint(c->len, ==, 1);
  g_assert_cmpstr(((S7ConnSummary *)g_ptr_array_index(c, 0))->ended, ==, "RST by client");
  g_assert_cmpuint(((S7ConnSummary *)g_ptr_array_index(c, 0))->slot, ==, 1);
  s7_engine_free(e);
}

static void test_memory_bounded_by_live_connections(void)
{
  S7Engine *e = fresh();
  for (guint i = 0; i < 20000; i++) {
    guint16 port = (guint16)(10000 + i % 40000);
    open_conn(e, port);
    tcp(e, TRUE, port, S7_TCP_FIN | S7_TCP_ACK);
    tcp(e, FALSE, port, S7_TCP_FIN | S7_TCP_ACK);
  }
  const S7EngineStats *st = s7_engine_stats(e);
  g_assert_cmpuint(st->live_connections_peak, <=, 2);
  s7_engine_finish(e);
  g_assert_cmpuint(s7_engine_connections(e)->len + s7_engine_connections_not_listed(e), ==, 20000);
  g_assert_cmpuint(s7_engine_connections(e)->len, ==, 10000);
  s7_engine_free(e);
}

/* ------------------------------------------------------------------ codes and formats */

/* A CPU's connection resources come from its order number (spaces or not) and, for an S7-1200,
 * its firmware; unknown models have none */
static void test_connection_resources(void)
{
  g_autofree char *a = s7_connection_resources_text("6ES7 516-3AN01-0AB0", "V2.9.4");
  g_autofree char *b = s7_connection_resources_text("6ES7516-3AN01-0AB0", NULL);
  g_assert_nonnull(a);
  g_assert_true(strstr(a, "256 connection resources") != NULL);
  g_assert_cmpstr(a, ==, b);
  g_autofree char *c = s7_connection_resources_text("6ES7 214-1AG40-0XB0", "V4.5.2");
  g_assert_true(c && strstr(c, "8 of them reserved for PUT/GET clients"));
  g_assert_null(s7_connection_resources_text("6ES7 214-1AG40-0XB0", "V4.2.3"));
  g_assert_null(s7_connection_resources_text("6ES7 511-1AK02-0AB0", "V2.8"));
  g_assert_null(s7_connection_resources_text("", NULL));
}

static void test_code_table(void)
{
  g_assert_cmpstr(s7_error_text(0x8104), ==,
                  "This service is not implemented on the module or a frame error was reported");
  g_assert_nonnull(s7_error_text(0xD241));
  g_assert_nonnull(s7_error_text(0x810A));
  g_assert_cmpstr(s7_cotp_dr_cause_text(0x81), ==, "Remote transport entity congestion at connect request time");
  g_assert_cmpstr(s7_s7plus_error_text(-12), ==, "Object not found");
  gboolean note;
  g_assert_cmpint(s7_kind_for_error(0x8104, S7_FUNC_READ_VAR, &note), ==, S7K_PUTGET_DENIED);
  g_assert_cmpint(s7_kind_for_error(0x8104, S7_FUNC_START_UPLOAD, &note), ==, S7K_FUNCTION_NOT_AVAILABLE);
  g_assert_cmpint(s7_kind_for_error(0xD402, S7_FUNC_NONE, &note), ==, S7K_PLC_ERROR);
  g_assert_true(note);
  g_assert_cmpint(s7_kind_for_error(0x8304, S7_FUNC_READ_VAR, &note), ==, S7K_RESOURCE_ERROR);
  g_assert_cmpint(s7_kind_for_error(0x8304, S7_FUNC_SETUP_COMM, &note), ==, S7K_SETUP_REJECTED);
  /* every kind has its texts, and ids are unique and round-trip */
  for (guint k = 0; k < S7K_COUNT; k++) {
    const S7KindInfo *i = s7_kind_info(k);
    g_assert_cmpint(i->kind, ==, k);
    g_assert_true(i->title && *i->title && i->cause && *i->cause && i->action && *i->action);
    S7Kind back;
    g_assert_true(s7_kind_from_id(i->id, &back));
    g_assert_cmpint(back, ==, k);
  }
  gsize n;
  const S7CodeText *t = s7_error_table(&n);
  g_assert_cmpuint(n, >, 200);
  for (gsize i = 0; i < n; i++)
    g_assert_true(t[i].text && *t[i].text);
}

static void test_addresses(void)
{
  char b[S7_ADDRESS_TEXT_MAX];
  S7ReqItem it = S7_ITEM(0x10, S7_AREA_DB, 4, 12, 40 << 3, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "DB12.DBW40");
  it = S7_ITEM(0x10, S7_AREA_DB, 1, 3, 0 << 3 | 1, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "DB3.DBX0.1");
  it = S7_ITEM(0x10, S7_AREA_M, 4, 0, 100 << 3, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "MW100");
  it = S7_ITEM(0x10, S7_AREA_I, 1, 0, 0, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "I0.0");
  it = S7_ITEM(0x10, S7_AREA_Q, 1, 0, 4 << 3, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "Q4.0");
  it = S7_ITEM(0x10, S7_AREA_T, 29, 0, 5, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "T5");
  it = S7_ITEM(0x10, S7_AREA_C, 28, 0, 2, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "C2");
  it = S7_ITEM(0x10, S7_AREA_DB, 6, 1, 8 << 3, 1);
  g_assert_cmpstr(s7_format_address(&it, b), ==, "DB1.DBD8");
  guint8 tsap[2] = { 0x03, 0x22 };
  S7Tsap t = s7_decode_tsap(tsap, 2);
  g_assert_true(t.valid);
  g_assert_cmpuint(t.rack, ==, 1);
  g_assert_cmpuint(t.slot, ==, 2);
  g_assert_cmpint(t.type, ==, S7_CONN_BASIC);

  /* endpoints as text and back to their host (filters, diagrams): a bare IPv6 address keeps
   * all of its colons */
  S7Endpoint v4 = { "10.0.0.5", 102 }, v6 = { "fe80::1", 102 };
  char ep[S7_ENDPOINT_TEXT_MAX];
  g_assert_cmpstr(s7_endpoint_format(&v4, ep), ==, "10.0.0.5:102");
  g_assert_cmpstr(s7_endpoint_format(&v6, ep), ==, "[fe80::1]:102");
  const char *const hosts[][2] = { { "10.0.0.5:102", "10.0.0.5" }, { "[fe80::1]:102", "fe80::1" },
                                   { "10.0.0.5", "10.0.0.5" }, { "fe80::1", "fe80::1" } };
  for (guint i = 0; i < G_N_ELEMENTS(hosts); i++) {
    g_autofree char *h = s7_endpoint_host(hosts[i][0]);
    g_assert_cmpstr(h, ==, hosts[i][1]);
  }
}

static void test_s7plus_parser(void)
{
  guint64 v;
  const guint8 one[] = { 0x11 }, three[] = { 0x83, 0xff, 0x74 };
  g_assert_cmpuint(s7plus_read_vlq64(one, 1, &v), ==, 1);
  g_assert_cmpuint(v, ==, 17);
  g_assert_cmpuint(s7plus_read_vlq64(three, 3, &v), ==, 3);
  g_assert_cmpint((gint16)v, ==, -12);
  g_assert_cmpuint(s7plus_read_vlq64(three, 2, &v), ==, 0);   /* runs out: no value */

  /* V1 response as an S7-1200 sends it */
  const guint8 v1[] = { 0x72, 0x01, 0x00, 0x0e, 0x32, 0, 0, 0x04, 0xca, 0, 0, 0x00, 0x01, 0x36, 0x11 };
  S7PlusPdu p;
  g_assert_true(s7plus_parse(v1, sizeof v1, &p));
  g_assert_cmpuint(p.version, ==, 1);
  g_assert_cmpuint(p.opcode, ==, S7PLUS_OP_RESPONSE);
  g_assert_cmpuint(p.function, ==, 0x04ca);
  g_assert_true(p.has_return);
  g_assert_cmpint(p.error_code, ==, 17);

  guint8 v3[4 + 33 + 16] = { 0x72, 0x03, 0x00, 49, 0x20 };
  memcpy(v3 + 37, (const guint8[]){ 0x32, 0, 0, 0x05, 0x4c, 0, 0, 0, 2, 0x34, 0x83, 0xff, 0x74 }, 13);
  g_assert_true(s7plus_parse(v3, sizeof v3, &p));
  g_assert_true(p.has_integrity);
  g_assert_cmpint(p.error_code, ==, -12);

  const guint8 ka[] = { 0x72, 0xfe, 0x00, 0x00 };
  g_assert_true(s7plus_parse(ka, sizeof ka, &p));
  g_assert_cmpuint(p.version, ==, 0xfe);
  g_assert_false(s7plus_parse(ka, 3, &p));
  const guint8 notplus[] = { 0x32, 0x01, 0, 0 };
  g_assert_false(s7plus_parse(notplus, sizeof notplus, &p));
}

static void test_s7plus_layout(void)
{
  guint8 v3[4 + 33 + 16] = { 0x72, 0x03, 0x00, 49, 0x20 };
  memcpy(v3 + 37, (const guint8[]){ 0x32, 0, 0, 0x05, 0x4c, 0, 0, 0, 2, 0x34, 0x83, 0xff, 0x74 }, 13);
  S7PlusPdu p;
  S7PlusLayout lay;
  g_assert_true(s7plus_parse_layout(v3, sizeof v3, &p, &lay));
  g_assert_cmpuint(lay.integrity, ==, 4);
  g_assert_cmpuint(lay.opcode, ==, 37);
  g_assert_cmpuint(lay.ret, ==, 47);       /* after opcode, function, seq and transport flags */
  g_assert_cmpuint(lay.ret_len, ==, 3);
  g_assert_cmpuint(lay.session, ==, 0);    /* responses carry none */
}

/* ------------------------------------------------------------------ per-frame notes (the plugin) */

typedef struct {
  GHashTable *frames;             /* frame -> last finding announced for it */
  guint32 resp_frame, job_frame;  /* one response's link to its job */
  guint job_items;
  guint64 job_id, resp_id;        /* the first job's exchange, and the record its response names */
  guint8 result;                  /* the response's first item result */
  gboolean from_client_seen;
} Notes;

static void note_frame(guint32 frame, const S7Finding *f, gpointer ud)
{
  g_hash_table_insert(((Notes *)ud)->frames, GUINT_TO_POINTER(frame), (gpointer)f);
}

static void note_event(const S7Event *ev, const S7EventContext *ctx, gpointer ud)
{
  Notes *n = ud;
  const S7Exchange *x = ctx->exchange;
  g_assert_true((ev->type == S7_EV_S7) == (x != NULL));   /* every S7 job and response has one */
  if (x && s7_pdu_is_request(&ev->u.s7) && !n->job_id)
    n->job_id = x->id;
  if (x && x->response_frame == ev->frame && x->job_frame && !n->resp_frame) {
    n->resp_frame = ev->frame;
    n->job_frame = x->job_frame;
    n->job_items = x->n_items;
    n->resp_id = x->id;
    n->result = x->n_results ? x->results[0] : 0;
  }
  g_assert_cmpstr(ctx->plc, ==, "10.0.0.5:102");
  n->from_client_seen |= ctx->from_client;
}

static void test_frame_notes_past_evidence_cap(void)
{
  S7EngineConfig cfg;
  s7_engine_config_init(&cfg);
  cfg.max_evidence_frames = 2;
  frame_no = 0;
  now_us = 1700000000000000;
  S7Engine *e = s7_engine_new(&cfg);
  Notes n = { g_hash_table_new(g_direct_hash, g_direct_equal), 0, 0, 0, 0, 0, 0, FALSE };
  s7_engine_set_frame_note(e, note_frame, &n);
  s7_engine_set_event_note(e, note_event, &n);
  open_conn(e, 50000);                     /* frames 1-5 */
  for (guint16 ref = 1; ref <= 5; ref++) { /* frames 6-15: 5 refused reads of DB3 */
    read_job(e, 50000, ref, 3, 0);
    read_resp(e, 50000, ref, 0x05);
  }
  s7_engine_finish(e);
  const S7Finding *f = find_kind(e, S7K_INVALID_ADDRESS);
  g_assert_nonnull(f);
  g_assert_cmpuint(f->frames->len, ==, 2);          /* the evidence list is capped … */
  for (guint32 fr = 6; fr <= 15; fr++)              /* … the per-frame notes are not */
    g_assert_true(g_hash_table_lookup(n.frames, GUINT_TO_POINTER(fr)) == f);  /* same pointer */
  g_assert_cmpuint(n.resp_frame, ==, 7);
  g_assert_cmpuint(n.job_frame, ==, 6);
  g_assert_cmpuint(n.job_items, ==, 1);
  g_assert_cmpuint(n.job_id, !=, 0);                /* the job's and the response's record: one */
  g_assert_cmpuint(n.resp_id, ==, n.job_id);
  g_assert_cmpuint(n.result, ==, 0x05);
  g_assert_true(n.from_client_seen);
  char tag[S7_TAG_MAX];
  g_assert_cmpstr(s7_finding_tag(f, tag), ==, "DB3: optimized or out of range");
  g_hash_table_unref(n.frames);
  s7_engine_free(e);
}

/* An engine's copy goes on with the same exchange records: the response to a job the original
 * saw names that job's record, and a new job gets a new id (the plugin keeps records by id) */
typedef struct { guint64 ids[8]; guint32 frames[8]; guint n; } Ids;

static void note_ids(const S7Event *ev, const S7EventContext *ctx, gpointer ud)
{
  Ids *ids = ud;
  (void)ev;
  if (ctx->exchange && ids->n < G_N_ELEMENTS(ids->ids)) {
    ids->frames[ids->n] = ctx->exchange->job_frame;
    ids->ids[ids->n++] = ctx->exchange->id;
  }
}

static void test_clone_keeps_exchanges(void)
{
  S7EngineConfig cfg;
  s7_engine_config_init(&cfg);
  frame_no = 0;
  now_us = 1700000000000000;
  S7Engine *e = s7_engine_new(&cfg);
  Ids before = { 0 }, after = { 0 };
  s7_engine_set_event_note(e, note_ids, &before);
  open_conn(e, 50000);                     /* frames 1-5 */
  read_job(e, 50000, 1, 3, 0);             /* frame 6: exchange 1 */
  S7Engine *copy = s7_engine_clone(e, NULL);
  s7_engine_set_event_note(copy, note_ids, &after);
  read_resp(copy, 50000, 1, 0xff);         /* frame 7 */
  read_job(copy, 50000, 2, 3, 0);          /* frame 8 */
  g_assert_cmpuint(before.n, ==, 1);
  g_assert_cmpuint(before.ids[0], ==, 1);
  g_assert_cmpuint(after.n, ==, 2);
  g_assert_cmpuint(after.ids[0], ==, 1);   /* the response: the original's job's record */
  g_assert_cmpuint(after.frames[0], ==, 6);
  g_assert_cmpuint(after.ids[1], ==, 2);   /* a new job: a new record */
  s7_engine_free(copy);
  s7_engine_free(e);
}

/* ------------------------------------------------------------------ tshark rows */

typedef struct { S7Event evs[8]; guint n; } Sink;

static void collect(const S7Event *ev, gpointer ud)
{
  Sink *s = ud;
  if (s->n < G_N_ELEMENTS(s->evs))
    s->evs[s->n++] = *ev;
}

/* A tshark text row with the given field values, parsed with the columns the profile has */
static gboolean parse_row(const char *const *kv, const S7FieldProfile *prof, S7FieldRow *row)
{
  S7Field cols[S7F_COUNT];
  guint n = 0;
  GString *text = g_string_new(NULL);
  for (guint i = 0; i < S7F_COUNT; i++) {
    if (!prof->have[i])
      continue;
    if (n)
      g_string_append_c(text, '\t');
    cols[n++] = (S7Field)i;
    for (const char *const *p = kv; *p; p += 2)
      if (!strcmp(p[0], s7_field_info((S7Field)i)->name))
        g_string_append(text, p[1]);
  }
  gboolean ok = s7_tshark_row_parse(text->str, cols, n, row);
  g_string_free(text, TRUE);
  return ok;
}

static void to_events(const char *const *kv, const S7FieldProfile *prof, S7RowStats *st, Sink *s)
{
  S7FieldRow row;
  s7_field_row_init(&row);
  g_assert_true(parse_row(kv, prof, &row));
  s7_row_to_events(&row, prof, st, collect, s);
  s7_field_row_clear(&row);
}

static void test_row_two_pdus_in_one_frame(void)
{
  const char *kv[] = {
    "frame.number", "9", "frame.time_epoch", "1700000000.250000000",
    "ip.src", "10.0.0.5", "ip.dst", "10.0.0.20", "tcp.srcport", "102", "tcp.dstport", "4000",
    "tcp.flags", "0x0018", "cotp.type", "0x0f,0x0f",
    "s7comm.header.rosctr", "3,3", "s7comm.header.pduref", "1,2", "s7comm.header.parlg", "2,2",
    "s7comm.header.datlg", "6,4", "s7comm.header.errcls", "0x00,0x00", "s7comm.header.errcod", "0x00,0x00",
    "s7comm.param.func", "0x04,0x04", "s7comm.param.itemcount", "1,1",
    "s7comm.data.returncode", "0xff,0x05", NULL };
  S7FieldProfile prof;
  s7_field_profile_wireshark40(&prof);
  S7RowStats st = { 0 };
  Sink s = { 0 };
  to_events(kv, &prof, &st, &s);
  g_assert_cmpuint(s.n, ==, 3);
  g_assert_cmpint(s.evs[0].type, ==, S7_EV_TCP);
  g_assert_cmpint(s.evs[1].type, ==, S7_EV_S7);
  g_assert_cmpuint(s.evs[1].u.s7.pdu_ref, ==, 1);
  g_assert_cmpuint(s.evs[1].u.s7.retcodes[0], ==, 0xff);
  g_assert_cmpuint(s.evs[2].u.s7.pdu_ref, ==, 2);
  g_assert_cmpuint(s.evs[2].u.s7.retcodes[0], ==, 0x05);
  g_assert_cmpuint(s.evs[2].ts_us, ==, 1700000000250000);
  g_assert_cmpuint(st.ambiguous_rows, ==, 0);
}

/* The userdata "Get block info" response of snap7_s300_everything.pcapng frame 24 as
 * Wireshark 4.0 and as 4.4/4.6 decode it (tshark -G fields / -T fields of each): the same
 * event, and a Read Var job after it in the same frame still gets its own items. */
static void test_row_userdata_layouts(void)
{
  const char *common[] = {
    "frame.number", "24", "frame.time_epoch", "1454969290.000000000",
    "ip.src", "134.217.61.211", "ip.dst", "134.217.61.131", "tcp.srcport", "102",
    "tcp.dstport", "51212", "tcp.flags", "0x0018", "cotp.type", "0x0f,0x0f",
    "s7comm.header.rosctr", "7,1", "s7comm.header.pduref", "2816,5", "s7comm.header.parlg", "12,14",
    "s7comm.header.datlg", "4,0", "s7comm.param.errcod", "0xd209",
    "s7comm.param.userdata.subfunc", "3", "s7comm.data.returncode", "0x0a",
    "s7comm.param.item.transp_size", "2", "s7comm.param.item.length", "4",
    "s7comm.param.item.db", "12", "s7comm.param.item.area", "0x84",
    "s7comm.param.item.address", "0x000140", NULL };
  /* 4.0: the parameter head has its own fields; the Read Var job's var-spec item */
  const char *v40[] = { "s7comm.param.userdata.length", "8", "s7comm.param.userdata.type", "8",
    "s7comm.param.userdata.funcgroup", "3", "s7comm.param.func", "0x04", "s7comm.param.itemcount", "1",
    "s7comm.param.item.varspec_length", "10", "s7comm.param.item.syntaxid", "0x10", NULL };
  /* 4.4: the head is a var-spec item (func 0x00, 1 item, spec length 8, syntax 0x12);
   * userdata.type has the bitmask 0xc0 (Response = 2), funcgroup 0x3f */
  const char *v44[] = { "s7comm.param.userdata.type", "2",
    "s7comm.param.userdata.funcgroup", "3", "s7comm.param.func", "0x00,0x04",
    "s7comm.param.itemcount", "1,1", "s7comm.param.item.varspec_length", "8,10",
    "s7comm.param.item.syntaxid", "0x12,0x10", NULL };
  S7FieldProfile p40, p44;
  s7_field_profile_wireshark40(&p40);
  s7_field_profile_init(&p44);
  for (guint i = 0; i < S7F_COUNT; i++)
    if (i != S7F_S7_UD_LENGTH)
      s7_field_profile_add(&p44, s7_field_info((S7Field)i)->name, 0);
  s7_field_profile_add(&p44, "s7comm.param.userdata.type", 0xc0);
  s7_field_profile_add(&p44, "s7comm.param.userdata.funcgroup", 0x3f);
  g_assert_true(s7_field_profile_finish(&p44, NULL));
  g_assert_cmpint(p44.ud_layout, ==, S7_UD_LAYOUT_VARSPEC);
  g_assert_cmpint(p40.ud_layout, ==, S7_UD_LAYOUT_HEAD);

  Sink got[2];
  memset(got, 0, sizeof got);
  const char *const *extra[2] = { v40, v44 };
  const S7FieldProfile *profs[2] = { &p40, &p44 };
  for (guint k = 0; k < 2; k++) {
    const char *kv[80];
    guint n = 0;
    for (const char *const *p = common; *p; p++) kv[n++] = *p;
    for (const char *const *p = extra[k]; *p; p++) kv[n++] = *p;
    kv[n] = NULL;
    S7RowStats st = { 0 };
    to_events(kv, profs[k], &st, &got[k]);
    g_assert_cmpuint(got[k].n, ==, 3);
    g_assert_cmpuint(st.ambiguous_rows, ==, 0);
    const S7Pdu *ud = &got[k].evs[1].u.s7, *job = &got[k].evs[2].u.s7;
    g_assert_cmpuint(ud->rosctr, ==, S7_ROSCTR_USERDATA);
    g_assert_cmpuint(ud->ud_type, ==, S7_UD_TYPE_RESPONSE);
    g_assert_cmpuint(ud->ud_group, ==, S7_UD_GRP_BLOCK);
    g_assert_cmpuint(ud->ud_subfunc, ==, 3);
    g_assert_cmphex(ud->param_error, ==, 0xd209);
    g_assert_cmpuint(ud->n_retcodes, ==, 1);
    g_assert_cmphex(ud->retcodes[0], ==, 0x0a);
    g_assert_cmpuint(job->function, ==, S7_FUNC_READ_VAR);
    g_assert_cmpuint(job->n_items, ==, 1);
    g_assert_cmpuint(job->items[0].db, ==, 12);
    g_assert_cmphex(job->items[0].address, ==, 0x140);
  }
  for (guint i = 0; i < 3; i++) {
    g_autoptr(GString) a = g_string_new(NULL), b = g_string_new(NULL);
    s7_event_append_text(a, &got[0].evs[i]);
    s7_event_append_text(b, &got[1].evs[i]);
    g_assert_cmpstr(a->str, ==, b->str);
  }
}

/* A frame flagged as a retransmission gives its TCP event only (4.4 sometimes decodes the
 * repeated S7 PDU, 4.0 never) */
static void test_row_retransmission(void)
{
  const char *kv[] = {
    "frame.number", "2299", "frame.time_epoch", "1496995456.349952000",
    "ip.src", "192.168.0.2", "ip.dst", "192.168.0.21", "tcp.srcport", "102", "tcp.dstport", "65371",
    "tcp.flags", "0x0018", "tcp.analysis.spurious_retransmission", "1", "cotp.type", "0x0f",
    "s7comm.header.rosctr", "3", "s7comm.header.pduref", "35594", "s7comm.header.parlg", "2",
    "s7comm.header.datlg", "5", "s7comm.header.errcls", "0x00", "s7comm.header.errcod", "0x00",
    "s7comm.param.func", "0x04", "s7comm.param.itemcount", "1", "s7comm.data.returncode", "0xff", NULL };
  S7FieldProfile prof;
  s7_field_profile_wireshark40(&prof);
  S7RowStats st = { 0 };
  Sink s = { 0 };
  to_events(kv, &prof, &st, &s);
  g_assert_cmpuint(s.n, ==, 1);
  g_assert_cmpint(s.evs[0].type, ==, S7_EV_TCP);
  g_assert_true(s.evs[0].u.tcp.retransmission);
}

static void test_row_garbage(void)
{
  const char *rows[] = { "", "\t\t\t", "x\ty", "12", "999999999999999999999\t1", "1\t\t1.2.3.4,\t,,,\t" };
  S7FieldProfile prof;
  s7_field_profile_wireshark40(&prof);
  S7Field cols[S7F_COUNT];
  for (guint i = 0; i < S7F_COUNT; i++)
    cols[i] = (S7Field)i;
  for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
    g_autofree char *r = g_strdup(rows[i]);
    S7FieldRow row;
    s7_field_row_init(&row);
    g_assert_false(s7_tshark_row_parse(r, cols, S7F_COUNT, &row));
    s7_field_row_clear(&row);
  }
}

/* tshark --version's first line, as 4.0, 4.4 and 4.6 print it */
static void test_tshark_version(void)
{
  const char *outs[][2] = {
    { "TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u1).\n\nCopyright", "4.0.17" },
    { "TShark (Wireshark) 4.4.19.\n\nCopyright 1998-2026", "4.4.19" },
    { "TShark (Wireshark) 4.6.9.\n", "4.6.9" },
    { "TShark (Wireshark) 4.7.0 (v4.7.0rc0-1234-gabcdef)\n", "4.7.0" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(outs); i++) {
    g_autofree char *v = s7_tshark_parse_version(outs[i][0]);
    g_assert_cmpstr(v, ==, outs[i][1]);
  }
  g_assert_null(s7_tshark_parse_version("bash: tshark: command not found\n"));
}

/* A profile without a needed field names it; without userdata.length it is the 4.4 layout */
static void test_field_profile(void)
{
  S7FieldProfile p;
  const char *missing = NULL;
  s7_field_profile_init(&p);
  for (guint i = 0; i < S7F_COUNT; i++)
    if (i != S7F_COTP_REJECT_CAUSE)
      s7_field_profile_add(&p, s7_field_info((S7Field)i)->name, 0);
  g_assert_false(s7_field_profile_finish(&p, &missing));
  g_assert_cmpstr(missing, ==, "cotp.reject_cause");
  s7_field_profile_add(&p, "cotp.reject_cause", 0);
  s7_field_profile_add(&p, "no.such.field", 0);
  g_assert_true(s7_field_profile_finish(&p, NULL));
  g_assert_cmpint(p.ud_layout, ==, S7_UD_LAYOUT_HEAD);
  g_assert_cmpuint(s7_field_by_name("s7comm.param.userdata.type"), ==, S7F_S7_UD_TYPE);
}

/* ------------------------------------------------------------------ live engine */

typedef struct {
  guint32 frame;
  S7Kind kind;
} Note;

static void live_note(guint32 frame, const S7Finding *f, gpointer ud)
{
  Note n = { frame, f->kind };
  g_array_append_val((GArray *)ud, n);
}

static GString *describe(const S7Engine *e)
{
  GString *s = g_string_new(NULL);
  const GPtrArray *fs = s7_engine_findings(e);
  for (guint i = 0; i < fs->len; i++) {
    const S7Finding *f = g_ptr_array_index(fs, i);
    g_string_append_printf(s, "%s %s %s [%s] x%" G_GUINT64_FORMAT " frames", s7_kind_info(f->kind)->id,
                           s7_severity_name(f->severity), f->title, f->confidence, f->occurrences);
    for (guint k = 0; k < f->frames->len; k++)
      g_string_append_printf(s, " %u", g_array_index(f->frames, guint32, k));
    g_string_append_c(s, '\n');
  }
  g_string_append_printf(s, "%u connections, %u PLCs\n", s7_engine_connections(e)->len, s7_engine_plcs(e)->len);
  return s;
}

/* Snapshots after every event, feeding on: the last one equals the plain engine's result;
 * a frame's own verdict is noted when its evidence is fed. */
static void test_live_snapshots_equal_offline(void)
{
  recorded = g_array_new(FALSE, FALSE, sizeof(S7Event));
  S7Engine *e = fresh();
  open_conn(e, 4100);
  userdata(e, TRUE, 4100, 1, S7_UD_GRP_CPU, 0, 0xff);
  S7Event id = base(S7_EV_S7, FALSE, 4100);   /* an SZL answer with the identity */
  id.u.s7.rosctr = S7_ROSCTR_USERDATA;
  id.u.s7.pdu_ref = 1;
  id.u.s7.function = S7_FUNC_NONE;
  id.u.s7.ud_type = S7_UD_TYPE_RESPONSE;
  id.u.s7.ud_group = S7_UD_GRP_CPU;
  id.u.s7.ud_subfunc = 1;
  id.u.s7.szl_id = 0x0011;
  id.u.s7.n_retcodes = 1;
  id.u.s7.retcodes[0] = 0xff;
  g_strlcpy(id.u.s7.identity.order_number, "6ES7 315-2EH14-0AB0", S7_IDENT_MAX);
  s7_engine_feed(e, &id);
  read_job(e, 4100, 2, 1, 0);
  ack_error(e, 4100, 2, 0x81, 0x04);           /* frame 9: PUT/GET refused */
  guint32 refused_frame = frame_no;
  read_job(e, 4100, 3, 5, 40);
  read_resp(e, 4100, 3, 0x05);
  read_job(e, 4100, 4, 9, 0);
  read_resp(e, 4100, 4, 0x0a);
  read_job(e, 4100, 5, 1, 0);                  /* open at the end */
  tcp(e, TRUE, 4101, S7_TCP_SYN);
  tcp(e, FALSE, 4101, S7_TCP_SYN | S7_TCP_ACK);
  cotp(e, TRUE, 4101, S7_COTP_CR, 2);
  tcp(e, FALSE, 4101, S7_TCP_RST | S7_TCP_ACK);
  s7_engine_finish(e);
  g_autoptr(GString) want = describe(e);
  g_assert_nonnull(strstr(want->str, "putget-denied"));
  g_assert_nonnull(strstr(want->str, "connect-refused"));

  GArray *notes = g_array_new(FALSE, FALSE, sizeof(Note));
  S7Live *l = s7_live_new(NULL);
  s7_live_set_notes(l, live_note, NULL, NULL, notes);
  gboolean noted_at_once = FALSE;
  for (guint i = 0; i < recorded->len; i++) {
    const S7Event *ev = &g_array_index(recorded, S7Event, i);
    g_array_set_size(notes, 0);
    s7_live_feed(l, ev);
    for (guint k = 0; k < notes->len; k++)
      if (ev->frame == refused_frame && g_array_index(notes, Note, k).frame == refused_frame &&
          g_array_index(notes, Note, k).kind == S7K_PUTGET_DENIED)
        noted_at_once = TRUE;
    const S7Engine *snap = s7_live_snapshot(l);
    g_assert_true(snap == s7_live_snapshot(l));   /* nothing fed: the same snapshot */
    g_assert_cmpuint(s7_live_snapshot_last_frame(l), ==, ev->frame);
  }
  g_assert_true(noted_at_once);
  g_autoptr(GString) got = describe(s7_live_current(l));
  g_assert_cmpstr(got->str, ==, want->str);
  const S7Identity *ident = s7_engine_plc_identity(s7_live_current(l), "10.0.0.5:102");
  g_assert_nonnull(ident);
  g_assert_cmpstr(ident->order_number, ==, "6ES7 315-2EH14-0AB0");
  g_assert_cmpuint(s7_live_events(l), ==, recorded->len);
  s7_live_free(l);
  g_array_unref(notes);
  s7_engine_free(e);
  g_clear_pointer(&recorded, g_array_unref);

  /* many events, a snapshot now and then: each copies the running engine, which goes on */
  recorded = g_array_new(FALSE, FALSE, sizeof(S7Event));
  e = fresh();
  open_conn(e, 4200);
  for (guint i = 0; i < 6000; i++) {
    read_job(e, 4200, (guint16)(i + 1), (guint16)(1 + i % 7), i % 50);
    if (i % 9 == 4)
      ack_error(e, 4200, (guint16)(i + 1), 0x81, 0x04);
    else
      read_resp(e, 4200, (guint16)(i + 1), i % 13 == 0 ? 0x0a : 0xff);
  }
  s7_engine_finish(e);
  g_autoptr(GString) want2 = describe(e);
  l = s7_live_new(NULL);
  for (guint i = 0; i < recorded->len; i++) {
    s7_live_feed(l, &g_array_index(recorded, S7Event, i));
    if (i % 2500 == 0)
      s7_live_snapshot(l);
  }
  g_autoptr(GString) got2 = describe(s7_live_snapshot(l));
  g_assert_cmpstr(got2->str, ==, want2->str);
  s7_live_free(l);
  s7_engine_free(e);
  g_clear_pointer(&recorded, g_array_unref);
}

/* watch -b: a pcapng stream into a ring of files, in pieces that cut its blocks */
static void put32(GByteArray *b, guint32 v) { g_byte_array_append(b, (const guint8 *)&v, 4); }  /* host order */

static void test_pcapng_ring(void)
{
  GByteArray *s = g_byte_array_new();
  put32(s, 0x0A0D0D0A); put32(s, 28); put32(s, 0x1A2B3C4D); put32(s, 1); put32(s, 0xffffffff);
  put32(s, 0xffffffff); put32(s, 28);                              /* section header, 28 bytes */
  put32(s, 1); put32(s, 20); put32(s, 1); put32(s, 65535); put32(s, 20);   /* interface, 20 */
  guint head = s->len;
  for (guint i = 0; i < 20; i++) {                                 /* 20 packets of 132 bytes */
    put32(s, 6); put32(s, 132); put32(s, 0); put32(s, 0); put32(s, i); put32(s, 100); put32(s, 100);
    for (guint k = 0; k < 25; k++)
      put32(s, i);
    put32(s, 132);
  }
  g_autofree char *dir = g_dir_make_tmp("s7diag-ring-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "cap.pcapng", NULL);
  S7Ring *r = s7_ring_new(path, 1, 2);           /* a new file after 1 kB, the last 2 kept */
  char *err = NULL;
  for (guint at = 0; at < s->len; at += 7)
    g_assert_true(s7_ring_write(r, s->data + at, MIN(7, s->len - at), &err));
  g_assert_null(err);
  /* 48 + 8 * 132 bytes reach 1 kB: 8, 8 and 4 packets in 3 files, the first deleted */
  g_assert_cmpuint(s7_ring_files_made(r), ==, 3);
  const GPtrArray *files = s7_ring_files(r);
  g_assert_cmpuint(files->len, ==, 2);
  g_autofree char *base = g_path_get_basename(g_ptr_array_index(files, 0));
  g_assert_true(g_str_has_prefix(base, "cap_00002_") && g_str_has_suffix(base, ".pcapng"));
  g_autofree char *joined = g_build_filename(dir, "joined.pcapng", NULL);
  g_assert_true(s7_ring_join(r, joined, &err));
  gchar *a = NULL, *b = NULL;
  gsize na, nb;
  g_assert_true(g_file_get_contents(g_ptr_array_index(files, 0), &a, &na, NULL));
  g_assert_cmpuint(na, ==, head + 8 * 132);                        /* a capture of its own */
  g_assert_cmpmem(a, head, s->data, head);
  g_free(a);
  g_assert_true(g_file_get_contents(joined, &b, &nb, NULL));
  g_assert_cmpuint(nb, ==, head + 12 * 132);
  g_assert_cmpmem(b, head, s->data, head);                         /* the header, then packets 8-19 */
  g_assert_cmpmem(b + head, nb - head, s->data + head + 8 * 132, 12 * 132);
  g_free(b);
  for (guint i = 0; i < files->len; i++)
    g_unlink(g_ptr_array_index(files, i));
  g_unlink(joined);
  s7_ring_free(r);

  r = s7_ring_new(path, 1, 0);                   /* not pcapng: said, nothing made */
  g_assert_false(s7_ring_write(r, (const guint8 *)"not a capture", 13, &err));
  g_assert_nonnull(strstr(err, "not pcapng"));
  g_clear_pointer(&err, g_free);
  g_assert_cmpuint(s7_ring_files_made(r), ==, 0);
  s7_ring_free(r);
  guint64 kb = 0;
  guint n = 0;
  g_assert_true(s7_ring_option("filesize:100", &kb, &n) && kb == 100);
  g_assert_true(s7_ring_option("files:4", &kb, &n) && n == 4);
  g_assert_false(s7_ring_option("files:0", &kb, &n));
  g_assert_false(s7_ring_option("duration:5", &kb, &n));
  g_rmdir(dir);
  g_byte_array_unref(s);
}

/* The check's gate: its own packets pass, anything that could change a PLC does not */
static void test_check_gate(void)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  const char *why = NULL;
  s7_check_build_cr(b, 0x0101);
  g_assert_true(s7_check_request_allowed(b->data, b->len, &why));
  s7_check_build_setup(b, 1, 8, 960);
  g_assert_true(s7_check_request_allowed(b->data, b->len, &why));
  s7_check_build_szl_read(b, 2, 0x0011, 0);
  g_assert_true(s7_check_request_allowed(b->data, b->len, &why));
  b->data[22] = 0x45;   /* userdata group 5: security (passwords) */
  g_assert_false(s7_check_request_allowed(b->data, b->len, &why));
  static const guint8 refused[] = { S7_FUNC_WRITE_VAR, S7_FUNC_PLC_STOP, S7_FUNC_PI_SERVICE, S7_FUNC_REQ_DOWNLOAD,
                                    S7_FUNC_START_UPLOAD };
  for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
    s7_check_build_read(b, 3, S7_AREA_DB, 1, 0, 1);
    b->data[17] = refused[i];
    g_assert_false(s7_check_request_allowed(b->data, b->len, &why));
  }
  /* the read job decodes to what was asked: DB12.DBB40, 1 byte */
  s7_check_build_read(b, 3, S7_AREA_DB, 12, 40, 1);
  g_assert_true(s7_check_request_allowed(b->data, b->len, &why));
  S7Event ev;
  const guint8 *data;
  gsize n;
  gboolean last;
  g_assert_cmpint(s7_wire_decode_packet(b->data, b->len, &ev, &data, &n, &last, &why), ==, S7_WIRE_DATA);
  g_assert_true(last);
  g_assert_true(s7_wire_decode_s7(data, n, &ev, &why));
  char addr[S7_ADDRESS_TEXT_MAX];
  g_assert_cmpuint(ev.u.s7.n_items, ==, 1);
  g_assert_cmpstr(s7_format_address(&ev.u.s7.items[0], addr), ==, "DB12.DBB40");
  /* a PLC's Ack_Data with item return code 0x05; then one whose lengths lie */
  static const guint8 ack[] = { 0x32, 3, 0, 0, 0, 3, 0, 2, 0, 4, 0, 0, 0x04, 1, 0x05, 0x00, 0x00, 0x00 };
  g_assert_true(s7_wire_decode_s7(ack, sizeof ack, &ev, &why));
  g_assert_cmpuint(ev.u.s7.n_retcodes, ==, 1);
  g_assert_cmpuint(ev.u.s7.retcodes[0], ==, 0x05);
  guint8 lying[sizeof ack];
  memcpy(lying, ack, sizeof ack);
  lying[9] = 200;
  g_assert_false(s7_wire_decode_s7(lying, sizeof lying, &ev, &why));
  /* a PDU type s7comm does not decode (ROSCTR 5): not decoded, its header read (the plugin
   * tells it as a PDU without function); not S7 at all: no header */
  static const guint8 other[] = { 0x32, 5, 0, 0, 0x12, 0x34, 0, 2, 0, 3, 1, 2, 3, 4, 5 };
  g_assert_false(s7_wire_decode_s7(other, sizeof other, &ev, &why));
  S7Pdu hdr;
  g_assert_true(s7_wire_s7_header(other, sizeof other, &hdr));
  g_assert_cmpuint(hdr.rosctr, ==, 5);
  g_assert_cmpuint(hdr.pdu_ref, ==, 0x1234);
  g_assert_cmpuint(hdr.param_len, ==, 2);
  g_assert_cmpuint(hdr.data_len, ==, 3);
  g_assert_cmpuint(hdr.function, ==, S7_FUNC_NONE);
  g_assert_false(s7_wire_s7_header(ack + 1, sizeof ack - 1, &hdr));
  g_assert_false(s7_wire_s7_header(other, 9, &hdr));
}

/* --redact's text scanner: every address form found (end of a sentence, glued to a word, with
 * a port, MAC with ':' or '-', upper case), secrets before addresses, the vendor prefix kept */
static void test_redact_text(void)
{
  char *err = NULL;
  S7Redactor *r = s7_redactor_new(NULL, &err);
  g_assert_nonnull(r);
  s7_redactor_add_secret(r, S7_SECRET_STATION, "Brewhouse Nord 10.10.1.5");
  s7_redactor_add_secret(r, S7_SECRET_FILE, "/home/jdoe/Brauerei.Nord.2024.pcapng");
  static const char *const in[] = { "PLC 10.0.0.5.", "host_10.0.0.5 ip10.0.0.5 10.0.0.5x", "10.0.0.5:102 10.0.0.5.102",
                                    "MAC 00:1B:1B:12:34:56. 00-1b-1b-12-34-56", "[2001:db8::5]:102 2001:db8::5.",
                                    "station Brewhouse Nord 10.10.1.5", "/home/jdoe/Brauerei.Nord.2024.pcapng" };
  static const char *const gone[] = { "10.0.0.5", "12:34:56", "12-34-56", "2001:db8::5", "Brewhouse", "Brauerei",
                                      "10.10.1.5", "Nord" };
  for (guint i = 0; i < G_N_ELEMENTS(in); i++) {
    g_autofree char *out = s7_redact_text(r, in[i]);
    for (guint k = 0; k < G_N_ELEMENTS(gone); k++)
      if (strstr(out, gone[k]))
        g_error("'%s' redacted to '%s' still holds '%s'", in[i], out, gone[k]);
  }
  g_autofree char *mac = s7_redact_text(r, "00:1b:1b:12:34:56");
  g_assert_true(g_str_has_prefix(mac, "00:1b:1b:"));
  g_autofree char *file = s7_redact_text(r, "/home/jdoe/Brauerei.Nord.2024.pcapng");
  g_assert_true(g_str_has_prefix(file, "capture-") && g_str_has_suffix(file, ".pcapng") && strlen(file) == 23);
  g_autofree char *kept = s7_redact_text(r, "0x8104 DB12.DBW40 2026-12-01T15:14:05.279517Z V4.5.0 12:36:42 1.5 s");
  g_assert_cmpstr(kept, ==, "0x8104 DB12.DBW40 2026-12-01T15:14:05.279517Z V4.5.0 12:36:42 1.5 s");
  /* one subnet stays one subnet, and two addresses never share a pseudonym */
  guint8 a[4] = { 10, 10, 1, 5 }, b[4] = { 10, 10, 1, 20 }, c[4] = { 10, 10, 2, 7 }, pa[4], pb[4], pc[4];
  s7_redact_ipv4(r, a, pa);
  s7_redact_ipv4(r, b, pb);
  s7_redact_ipv4(r, c, pc);
  g_assert_true(memcmp(pa, pb, 3) == 0 && pa[3] != pb[3]);
  g_assert_true(memcmp(pa, pc, 2) == 0 && pa[2] != pc[2]);
  s7_redactor_free(r);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/engine/pduref-zero-fifo", test_pduref_zero_fifo);
  g_test_add_func("/codes/connection-resources", test_connection_resources);
  g_test_add_func("/engine/open-job-at-capture-end", test_open_job_at_capture_end_is_not_no_response);
  g_test_add_func("/engine/no-response", test_no_response_when_later_job_answered);
  g_test_add_func("/engine/syn-retransmitted", test_syn_retransmitted_then_answered);
  g_test_add_func("/engine/userdata-empty-answer", test_userdata_empty_answer_is_normal);
  g_test_add_func("/engine/putget-confidence", test_putget_confidence_from_context);
  g_test_add_func("/engine/connect-refused-context", test_connect_refused_context);
  g_test_add_func("/engine/repeated-error-answers", test_repeated_error_answers);
  g_test_add_func("/engine/client-rst-after-work", test_client_rst_after_work_is_not_refused);
  g_test_add_func("/engine/memory-bounded", test_memory_bounded_by_live_connections);
  g_test_add_func("/engine/live-snapshots", test_live_snapshots_equal_offline);
  g_test_add_func("/codes/table", test_code_table);
  g_test_add_func("/codes/addresses", test_addresses);
  g_test_add_func("/s7plus/parser", test_s7plus_parser);
  g_test_add_func("/s7plus/layout", test_s7plus_layout);
  g_test_add_func("/engine/frame-notes-past-evidence-cap", test_frame_notes_past_evidence_cap);
  g_test_add_func("/engine/clone-keeps-exchanges", test_clone_keeps_exchanges);
  g_test_add_func("/rows/two-pdus-one-frame", test_row_two_pdus_in_one_frame);
  g_test_add_func("/rows/garbage", test_row_garbage);
  g_test_add_func("/rows/userdata-layouts", test_row_userdata_layouts);
  g_test_add_func("/rows/retransmission", test_row_retransmission);
  g_test_add_func("/tshark/version", test_tshark_version);
  g_test_add_func("/tshark/field-profile", test_field_profile);
  g_test_add_func("/check/gate-and-wire", test_check_gate);
  g_test_add_func("/redact/text", test_redact_text);
  g_test_add_func("/watch/pcapng-ring", test_pcapng_ring);
  return g_test_run();
}
