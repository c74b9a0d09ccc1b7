/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_run.c — the steps of `s7diag check` (see check_run.h). */
#include "check_run.h"

#include <string.h>

#include "check_net.h"
#include "check_requests.h"
#include "s7_address.h"
#include "s7_codes.h"
#include "s7_wire.h"

/* An S7 PDU reassembled from DT fragments: at most this many bytes and fragments */
#define MAX_S7_BYTES 8192
#define MAX_FRAGMENTS 64
/* The PDU size and Max AmQ asked for: the PLC answers the most it allows, up to these */
#define ASK_PDU_SIZE 960
#define ASK_MAX_AMQ 8
/* rack/slot pairs tried, in this order, when the connect is refused (at most 8 connections) */
static const guint8 usual_rack_slot[][2] = { { 0, 1 }, { 0, 2 }, { 0, 0 }, { 1, 1 }, { 0, 3 }, { 1, 2 },
                                             { 0, 4 }, { 1, 3 }, { 0, 5 } };
#define MAX_TRIES 8

static const char *const step_ids[S7_CHECK_STEPS] = { "port", "iso-connect", "setup-communication",
                                                      "identity", "read" };
static const char *const step_names[S7_CHECK_STEPS] = {
  "TCP port reachable", "ISO connect (COTP) accepted", "Setup Communication",
  "Identity (SZL 0x0011, 0x001C)", "Read Var (PUT/GET, absolute access)" };

typedef struct {
  const S7CheckOptions *o;
  S7CheckResult *r;
  S7NetConn conn;
  gboolean open;
  gboolean record;        /* this connection's messages are kept as events, its results told */
  gboolean reset;         /* the PLC reset it */
  gboolean peer_fin;      /* the PLC closed it (its FIN is kept) */
  guint32 cseq, pseq;     /* relative sequence numbers, client and PLC */
  guint16 pdu_ref;
  GByteArray *pkt;
  gboolean job_open;      /* a job went unanswered: no other job goes over this connection */
  gboolean reopening;     /* a new connection after it: events kept, no step result told */
  guint reopens;
} Run;

typedef enum {
  ANS_OK, ANS_FIN, ANS_RST, ANS_TIMEOUT, ANS_BAD,
  ANS_ERROR,        /* the connection failed (an ICMP error, a local error): why */
  ANS_SEND,         /* sending failed: why */
  ANS_DISCONNECT,   /* a COTP disconnect (DR, ER) instead of an answer */
} Answer;
/* New connections after unanswered jobs: at most this many (there are three jobs after Setup
 * Communication) */
#define MAX_REOPENS 2
/* A code's text in parentheses after it, or nothing: three %s */
#define PAREN(t) (t) ? " (" : "", (t) ? (t) : "", (t) ? ")" : ""
/* Messages of the PLC that are not the awaited answer: at most this many per job */
#define MAX_SKIPPED 16

const char *s7_step_status_name(S7StepStatus s)
{
  return s == S7_STEP_PASSED ? "passed" : s == S7_STEP_FAILED ? "failed" : "skipped";
}

static void step(S7CheckResult *r, S7CheckStepId id, S7StepStatus st, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void step(S7CheckResult *r, S7CheckStepId id, S7StepStatus st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_free(r->steps[id].result);
  r->steps[id].result = g_strdup_vprintf(fmt, ap);
  r->steps[id].status = st;
  va_end(ap);
}

/* ------------------------------------------------------------------ the kept events */

static S7Event *new_event(Run *x, gboolean from_client, S7EventType type, gboolean new_frame)
{
  GArray *a = x->r->events;
  guint32 frame = a->len ? g_array_index(a, S7Event, a->len - 1).frame : 0;
  g_array_set_size(a, a->len + 1);
  S7Event *ev = &g_array_index(a, S7Event, a->len - 1);
  ev->type = type;
  ev->frame = new_frame ? frame + 1 : MAX(frame, 1);
  ev->ts_us = g_get_real_time();
  ev->src = from_client ? x->conn.local : x->conn.remote;
  ev->dst = from_client ? x->conn.remote : x->conn.local;
  return ev;
}

static void tcp_event(Run *x, gboolean from_client, guint8 flags, guint32 len, gboolean tpkt, gint64 ts_us)
{
  if (!x->record)
    return;
  S7Event *ev = new_event(x, from_client, S7_EV_TCP, TRUE);
  if (ts_us)
    ev->ts_us = ts_us;
  ev->u.tcp.flags = flags;
  ev->u.tcp.payload_len = len;
  ev->u.tcp.tpkt = tpkt;
  guint32 *mine = from_client ? &x->cseq : &x->pseq, *theirs = from_client ? &x->pseq : &x->cseq;
  ev->u.tcp.seq = (flags & S7_TCP_SYN) ? 0 : *mine;
  ev->u.tcp.ack = (flags & S7_TCP_ACK) ? *theirs : 0;
  *mine = ((flags & S7_TCP_SYN) ? 1 : *mine) + len + ((flags & S7_TCP_FIN) ? 1 : 0);
}

/* a decoded COTP or S7 event, in the frame of the TCP segment before it */
static void proto_event(Run *x, gboolean from_client, const S7Event *decoded)
{
  if (!x->record)
    return;
  S7Event *ev = new_event(x, from_client, decoded->type, FALSE);
  ev->u = decoded->u;
}

static void record_packet(Run *x, gboolean from_client, gsize len)
{
  tcp_event(x, from_client, 0x18, (guint32)len, TRUE, 0);
}

/* ------------------------------------------------------------------ sending and receiving */

/* ANS_OK when sent; ANS_RST or ANS_SEND with *why otherwise */
static Answer send_packet(Run *x, GByteArray *b, const char **why)
{
  S7Event ev;
  const guint8 *data;
  gsize data_len;
  gboolean last, reset;
  const char *refused;
  if (!s7_net_send(&x->conn, b->data, b->len, &reset, why)) {
    if (reset) {
      x->reset = TRUE;
      tcp_event(x, FALSE, S7_TCP_RST | S7_TCP_ACK, 0, FALSE, 0);
    }
    return reset ? ANS_RST : ANS_SEND;
  }
  record_packet(x, TRUE, b->len);
  S7WireKind k = s7_wire_decode_packet(b->data, b->len, &ev, &data, &data_len, &last, &refused);
  if (k == S7_WIRE_COTP || (k == S7_WIRE_DATA && s7_wire_decode_s7(data, data_len, &ev, &refused)))
    proto_event(x, TRUE, &ev);
  return ANS_OK;
}

/* The next COTP TPDU or whole S7 PDU from the PLC into *out */
static Answer receive(Run *x, gint64 deadline, S7Event *out, const char **why)
{
  guint8 s7[MAX_S7_BYTES];
  gsize s7_len = 0;
  guint fragments = 0;
  for (;;) {
    S7RecvResult rr = s7_net_recv_tpkt(&x->conn, deadline, x->pkt, why);
    if (rr == S7_RECV_FIN) {
      if (!x->peer_fin)
        tcp_event(x, FALSE, S7_TCP_FIN | S7_TCP_ACK, 0, FALSE, 0);
      x->peer_fin = TRUE;
      return ANS_FIN;
    }
    if (rr == S7_RECV_ERROR)
      return ANS_ERROR;
    if (rr == S7_RECV_RST) {
      x->reset = TRUE;
      tcp_event(x, FALSE, S7_TCP_RST | S7_TCP_ACK, 0, FALSE, 0);
      return ANS_RST;
    }
    if (rr == S7_RECV_TIMEOUT) {
      if (x->conn.in->len) {
        tcp_event(x, FALSE, 0x18, x->conn.in->len, FALSE, 0);
        *why = fragments ? "the answer's fragments stopped before its last one"
                         : "the answer stopped before the length its TPKT header gives";
        return ANS_BAD;
      }
      if (fragments) {
        *why = "the answer's fragments stopped before its last one";
        return ANS_BAD;
      }
      return ANS_TIMEOUT;
    }
    if (rr == S7_RECV_BAD) {
      tcp_event(x, FALSE, 0x18, x->conn.in->len, FALSE, 0);
      return ANS_BAD;
    }
    record_packet(x, FALSE, x->pkt->len);
    const guint8 *data;
    gsize data_len;
    gboolean last;
    S7WireKind k = s7_wire_decode_packet(x->pkt->data, x->pkt->len, out, &data, &data_len, &last, why);
    if (k == S7_WIRE_BAD)
      return ANS_BAD;
    if (k == S7_WIRE_COTP) {
      proto_event(x, FALSE, out);
      return ANS_OK;
    }
    if (++fragments > MAX_FRAGMENTS || s7_len + data_len > sizeof s7) {
      *why = "the answer comes in more fragments than any S7 PDU needs";
      return ANS_BAD;
    }
    memcpy(s7 + s7_len, data, data_len);
    s7_len += data_len;
    if (!last)
      continue;
    if (!s7_wire_decode_s7(s7, s7_len, out, why))
      return ANS_BAD;
    proto_event(x, FALSE, out);
    return ANS_OK;
  }
}

/* Sends a job and waits for the S7 response with its PDU reference (others are kept and
 * skipped); *what tells a failure */
static Answer job(Run *x, GByteArray *b, S7Event *resp, const char **what)
{
  Answer sent = send_packet(x, b, what);
  if (sent != ANS_OK)
    return sent;
  gint64 deadline = g_get_monotonic_time() + (gint64)(x->o->timeout_s * G_USEC_PER_SEC);
  guint16 ref = x->pdu_ref;
  for (guint skipped = 0;; skipped++) {
    if (skipped > MAX_SKIPPED) {
      *what = "the PLC sends other messages instead of the answer";
      return ANS_BAD;
    }
    if (g_get_monotonic_time() >= deadline) {
      x->job_open = TRUE;
      return ANS_TIMEOUT;
    }
    Answer a = receive(x, deadline, resp, what);
    x->job_open = a == ANS_TIMEOUT;
    if (a != ANS_OK)
      return a;
    if (resp->type == S7_EV_COTP) {
      if (resp->u.cotp.tpdu == S7_COTP_DR || resp->u.cotp.tpdu == S7_COTP_ER) {
        *what = resp->u.cotp.tpdu == S7_COTP_DR ? "a COTP disconnect request (DR)" : "a COTP error (ER)";
        return ANS_DISCONNECT;
      }
      continue;
    }
    if (s7_pdu_is_response(&resp->u.s7) && resp->u.s7.pdu_ref == ref)
      return ANS_OK;
  }
}

static const char *failure_text(Answer a, const char *why, double timeout_s, char *buf, gsize size)
{
  switch (a) {
  case ANS_FIN: g_snprintf(buf, size, "the PLC closed the connection (FIN) instead of answering"); break;
  case ANS_RST: g_snprintf(buf, size, "the PLC reset the connection (RST) instead of answering"); break;
  case ANS_TIMEOUT: g_snprintf(buf, size, "not answered within %.1f s", timeout_s); break;
  case ANS_BAD: g_snprintf(buf, size, "invalid answer: %s", why); break;
  case ANS_ERROR: g_snprintf(buf, size, "the connection failed: %s", why); break;
  case ANS_SEND: g_snprintf(buf, size, "sending failed: %s", why); break;
  case ANS_DISCONNECT: g_snprintf(buf, size, "the PLC disconnected instead of answering: %s", why); break;
  default: g_snprintf(buf, size, "answered"); break;
  }
  return buf;
}

/* ------------------------------------------------------------------ connections */

static void close_conn(Run *x)
{
  if (!x->open)
    return;
  if (!x->reset)
    tcp_event(x, TRUE, S7_TCP_FIN | S7_TCP_ACK, 0, FALSE, 0);
  if (s7_net_close(&x->conn, x->reset ? 0 : 0.5) && !x->peer_fin)
    tcp_event(x, FALSE, S7_TCP_FIN | S7_TCP_ACK, 0, FALSE, 0);
  x->open = FALSE;
  x->reset = FALSE;
  x->peer_fin = FALSE;
}

/* The SYNs the kernel sent for a connect that got no SYN-ACK, at the times Linux sends them
 * (1 s, then doubling), none after now */
static void syn_events(Run *x, gint64 start_us, guint syns)
{
  gint64 now = g_get_real_time(), t = start_us, rto = G_USEC_PER_SEC;
  for (guint i = 0; i < syns; i++) {
    tcp_event(x, TRUE, S7_TCP_SYN, 0, FALSE, MIN(t, now));
    t += rto;
    rto *= 2;
  }
}

/* The port step: a TCP connect. TRUE when it is open. */
static gboolean port_step(Run *x)
{
  S7CheckResult *r = x->r;
  S7CheckResult unreported = { 0 };   /* the rack/slot search's connects are not steps */
  if (!x->record || x->reopening)
    r = &unreported;
  r->plc = x->r->plc;
  gint64 t0 = g_get_real_time(), m0 = g_get_monotonic_time();
  S7ConnectResult cr = s7_net_connect((const struct sockaddr *)&x->o->addr, x->o->addr_len, x->o->timeout_s, &x->conn);
  r->client = x->conn.local;
  gboolean open = FALSE;
  double ms = (double)(g_get_monotonic_time() - m0) / 1000.0;
  x->cseq = x->pseq = 0;
  switch (cr) {
  case S7_CONNECT_OK:
    x->open = TRUE;
    syn_events(x, t0, x->conn.syns);
    tcp_event(x, FALSE, S7_TCP_SYN | S7_TCP_ACK, 0, FALSE, 0);
    tcp_event(x, TRUE, S7_TCP_ACK, 0, FALSE, 0);
    step(r, S7_CHECK_PORT, S7_STEP_PASSED, "open: the connect was accepted (SYN-ACK) in %.1f ms", ms);
    open = TRUE;
    break;
  case S7_CONNECT_REFUSED:
    syn_events(x, t0, x->conn.syns);
    tcp_event(x, FALSE, S7_TCP_RST | S7_TCP_ACK, 0, FALSE, 0);
    step(r, S7_CHECK_PORT, S7_STEP_FAILED,
         "closed: the host answered the connect with a TCP reset (RST): nothing listens on port %u, or a "
         "firewall rejects it", r->plc.port);
    break;
  case S7_CONNECT_ICMP: {
    syn_events(x, t0, x->conn.syns);
    S7Event spare, *ev = x->record ? new_event(x, FALSE, S7_EV_ICMP_UNREACH, TRUE) : &spare;
    g_strlcpy(ev->src.addr, x->conn.icmp_from, sizeof ev->src.addr);
    ev->src.port = 0;
    ev->dst.port = 0;
    ev->u.icmp.icmp_type = x->conn.icmp_type;
    ev->u.icmp.icmp_code = x->conn.icmp_code;
    ev->u.icmp.v6 = x->conn.icmp_v6;
    ev->u.icmp.quoted_src = x->conn.local;
    ev->u.icmp.quoted_dst = x->conn.remote;
    step(r, S7_CHECK_PORT, S7_STEP_FAILED, "unreachable: %s answered with %s type %u code %u", x->conn.icmp_from,
         x->conn.icmp_v6 ? "ICMPv6" : "ICMP", x->conn.icmp_type, x->conn.icmp_code);
    break;
  }
  case S7_CONNECT_TIMEOUT:
    syn_events(x, t0, x->conn.syns);
    step(r, S7_CHECK_PORT, S7_STEP_FAILED,
         "no answer: %u SYN%s in %.1f s got neither a SYN-ACK, a reset nor an ICMP error (a firewall drops "
         "it, or the host is down)", x->conn.syns, x->conn.syns == 1 ? "" : "s", x->o->timeout_s);
    break;
  case S7_CONNECT_ERROR:
    step(r, S7_CHECK_PORT, S7_STEP_FAILED, "could not try from this machine: %s", x->conn.error);
    break;
  }
  g_free(unreported.steps[S7_CHECK_PORT].result);
  if (!open)
    s7_net_close(&x->conn, 0);
  return open;
}

static char *tsap_text(guint16 tsap)
{
  guint8 b[2] = { (guint8)(tsap >> 8), (guint8)tsap };
  S7Tsap t = s7_decode_tsap(b, 2);
  return g_strdup_printf("TSAP 0x%04x (%s, rack %u, slot %u)", tsap, s7_conn_type_name(t.type), t.rack, t.slot);
}

/* One COTP connect on the open connection: ANS_OK when accepted; *how tells a refusal */
static Answer iso_connect(Run *x, guint16 tsap, char *how, gsize size)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  s7_check_build_cr(b, tsap);
  const char *why = "";
  Answer sent = send_packet(x, b, &why);
  if (sent != ANS_OK) {
    g_snprintf(how, size, "%s", why);
    return sent;
  }
  gint64 deadline = g_get_monotonic_time() + (gint64)(x->o->timeout_s * G_USEC_PER_SEC);
  S7Event ev;
  Answer a = receive(x, deadline, &ev, &why);
  if (a == ANS_OK && ev.type == S7_EV_COTP && ev.u.cotp.tpdu == S7_COTP_CC)
    return ANS_OK;
  if (a == ANS_OK && ev.type == S7_EV_COTP && ev.u.cotp.tpdu == S7_COTP_DR) {
    const char *t = s7_cotp_dr_cause_text(ev.u.cotp.cause);
    g_snprintf(how, size, "refused with a COTP disconnect request, cause 0x%02x%s%s%s", ev.u.cotp.cause,
               PAREN(t));
    return ANS_DISCONNECT;
  }
  if (a == ANS_OK) {
    g_snprintf(how, size, "answered with something other than a connect confirm");
    return ANS_BAD;
  }
  if (a == ANS_RST)
    g_snprintf(how, size, "refused: the PLC reset the connection (RST) after the connect request");
  else if (a == ANS_FIN)
    g_snprintf(how, size, "refused: the PLC closed the connection (FIN) after the connect request");
  else
    failure_text(a, why, x->o->timeout_s, how, size);
  return a;
}

/* The ISO step, with the rack/slot search when the connect is refused. TRUE: connected. */
static gboolean iso_step(Run *x)
{
  S7CheckResult *r = x->r;
  guint16 tsap = x->o->called_tsap;
  char how[256];
  g_autofree char *first = tsap_text(tsap);
  Answer a = iso_connect(x, tsap, how, sizeof how);
  g_ptr_array_add(r->tries, g_strdup_printf("%s: %s", first, a == ANS_OK ? "accepted" : how));
  if (a == ANS_OK) {
    r->accepted_tsap = tsap;
    step(r, S7_CHECK_ISO, S7_STEP_PASSED, "%s accepted (COTP connect confirm)%s", first,
         x->o->tsap_default ? "; rack 0 slot 1 was assumed (give --rack/--slot or --tsap)" : "");
    return TRUE;
  }
  close_conn(x);
  if (a != ANS_RST && a != ANS_FIN && a != ANS_DISCONNECT) {
    step(r, S7_CHECK_ISO, S7_STEP_FAILED, "%s: %s", first, how);
    return FALSE;
  }
  if (x->o->tsap_given) {   /* a TSAP of its own (OP, S7 basic, a LOGO!): no rack/slot to try */
    step(r, S7_CHECK_ISO, S7_STEP_FAILED, "%s: %s (no rack/slot search with --tsap)", first, how);
    return FALSE;
  }
  /* refused: the usual rack/slot pairs, one connection at a time, not kept as events (the
   * engine is told of the user's connect, and of the one accepted) */
  guint others = 0, refused = 0, unanswered = 0;
  gboolean port_lost = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(usual_rack_slot) && others + 1 < MAX_TRIES; i++) {
    guint16 t = (guint16)(0x0100 | usual_rack_slot[i][0] << 5 | usual_rack_slot[i][1]);
    if (t == tsap)
      continue;
    g_autofree char *tt = tsap_text(t);
    x->record = FALSE;
    if (!port_step(x)) {
      g_ptr_array_add(r->tries, g_strdup_printf("%s: not tried, the TCP connect failed", tt));
      port_lost = TRUE;
      break;
    }
    others++;
    Answer b = iso_connect(x, t, how, sizeof how);
    g_ptr_array_add(r->tries, g_strdup_printf("%s: %s", tt, b == ANS_OK ? "accepted" : how));
    refused += b == ANS_RST || b == ANS_FIN || b == ANS_DISCONNECT;
    unanswered += b == ANS_TIMEOUT;
    if (b == ANS_OK) {
      /* go on with the accepted one: closed and opened again, as events */
      close_conn(x);
      x->record = TRUE;
      if (!port_step(x)) {
        step(r, S7_CHECK_ISO, S7_STEP_FAILED, "%s refused; %s accepted once, then the TCP connect failed", first, tt);
        return FALSE;
      }
      if (iso_connect(x, t, how, sizeof how) != ANS_OK) {
        step(r, S7_CHECK_ISO, S7_STEP_FAILED, "%s refused; %s accepted once, then: %s", first, tt, how);
        close_conn(x);
        return FALSE;
      }
      r->accepted_tsap = t;
      step(r, S7_CHECK_ISO, S7_STEP_FAILED,
           "%s refused; the CPU accepts %s: use that rack/slot (the remaining steps ran with it)", first, tt);
      return TRUE;
    }
    close_conn(x);
  }
  x->record = TRUE;
  if (port_lost)
    step(r, S7_CHECK_ISO, S7_STEP_FAILED,
         "%s refused; the rack/slot search stopped after %u other pair%s: the TCP connect failed then", first,
         others, others == 1 ? "" : "s");
  else if (refused == others)
    step(r, S7_CHECK_ISO, S7_STEP_FAILED,
         "%s refused, and so were the %u other usual rack/slot pairs tried: the CPU's connection "
         "resources are in use, or a CP or gateway in between refuses", first, others);
  else if (unanswered == others)
    step(r, S7_CHECK_ISO, S7_STEP_FAILED,
         "%s refused; the %u other usual rack/slot pairs tried were not answered within %.1f s: a device "
         "that ignores connects for a rack/slot it does not have (a LOGO!, a gateway), or one that stopped "
         "answering", first, others, x->o->timeout_s);
  else
    step(r, S7_CHECK_ISO, S7_STEP_FAILED,
         "%s refused; of the %u other usual rack/slot pairs tried, %u %s refused, %u not answered within "
         "%.1f s and %u failed otherwise (see the connects tried)", first, others, refused,
         refused == 1 ? "was" : "were", unanswered, x->o->timeout_s, others - refused - unanswered);
  return FALSE;
}

/* A job the PLC did not answer within the timeout ends its connection: the check never sends a
 * second job while one is open (so never more than the negotiated Max AmQ, which is at least 1),
 * and the next job goes over a new connection, with the TSAP accepted before and Setup
 * Communication again, one connection at a time. FALSE with *what when that fails. */
static gboolean reopen(Run *x, const char **what)
{
  close_conn(x);
  x->job_open = FALSE;
  if (x->reopens >= MAX_REOPENS) {
    *what = "the earlier jobs were not answered (the check opens no more connections for it)";
    return FALSE;
  }
  x->reopens++;
  x->reopening = TRUE;
  char how[256];
  gboolean ok = port_step(x);
  if (!ok)
    *what = "the earlier job was not answered, and a new TCP connection failed";
  else if (iso_connect(x, x->r->accepted_tsap, how, sizeof how) != ANS_OK)
    *what = "the earlier job was not answered, and the ISO connect of a new connection failed", ok = FALSE;
  if (ok) {
    g_autoptr(GByteArray) b = g_byte_array_new();
    s7_check_build_setup(b, ++x->pdu_ref, ASK_MAX_AMQ, ASK_PDU_SIZE);
    S7Event resp;
    const char *why = "";
    if (job(x, b, &resp, &why) != ANS_OK || resp.u.s7.err_class || resp.u.s7.err_code) {
      *what = "the earlier job was not answered, and Setup Communication of a new connection failed";
      ok = FALSE;
      x->job_open = FALSE;
    }
  }
  x->reopening = FALSE;
  if (!ok)
    close_conn(x);
  return ok;
}

/* ------------------------------------------------------------------ the S7 steps */

static gboolean setup_step(Run *x)
{
  S7CheckResult *r = x->r;
  g_autoptr(GByteArray) b = g_byte_array_new();
  s7_check_build_setup(b, ++x->pdu_ref, ASK_MAX_AMQ, ASK_PDU_SIZE);
  S7Event resp;
  const char *why = "";
  char buf[256];
  Answer a = job(x, b, &resp, &why);
  if (a != ANS_OK) {
    step(r, S7_CHECK_SETUP, S7_STEP_FAILED, "%s", failure_text(a, why, x->o->timeout_s, buf, sizeof buf));
    return FALSE;
  }
  const S7Pdu *p = &resp.u.s7;
  guint16 code = (guint16)(p->err_class << 8 | p->err_code);
  if (!code && p->function != S7_FUNC_SETUP_COMM) {
    step(r, S7_CHECK_SETUP, S7_STEP_FAILED, "the answer is not a Setup Communication (function 0x%02x)", p->function);
    return FALSE;
  }
  if (code) {
    const char *t = s7_error_text(code);
    step(r, S7_CHECK_SETUP, S7_STEP_FAILED, "rejected with 0x%04x%s%s%s", code, PAREN(t));
    return FALSE;
  }
  r->pdu_size = p->pdu_size;
  r->max_amq_calling = p->max_amq_calling;
  r->max_amq_called = p->max_amq_called;
  step(r, S7_CHECK_SETUP, S7_STEP_PASSED, "PDU size %u bytes, Max AmQ %u/%u (%u and %u asked for)", p->pdu_size,
       p->max_amq_calling, p->max_amq_called, ASK_PDU_SIZE, ASK_MAX_AMQ);
  return TRUE;
}

static void learn(S7Identity *into, const S7Identity *from)
{
#define TAKE(f) if (from->f[0]) g_strlcpy(into->f, from->f, sizeof into->f)
  TAKE(order_number); TAKE(firmware); TAKE(system_name); TAKE(module_name); TAKE(plant); TAKE(serial);
  TAKE(cpu_type);
#undef TAKE
}

/* One SZL read: NULL when answered, else what went wrong */
static char *szl_read(Run *x, guint16 id, gboolean *connection_lost)
{
  g_autoptr(GByteArray) b = g_byte_array_new();
  S7Event resp;
  const char *why = "";
  char buf[256];
  if (x->job_open && !reopen(x, &why)) {
    *connection_lost = TRUE;
    return g_strdup_printf("SZL 0x%04X not read: %s", id, why);
  }
  s7_check_build_szl_read(b, ++x->pdu_ref, id, 0);
  Answer a = job(x, b, &resp, &why);
  if (a != ANS_OK) {
    *connection_lost = a != ANS_TIMEOUT;
    if (a == ANS_TIMEOUT)
      return g_strdup_printf("SZL 0x%04X not answered within %.1f s", id, x->o->timeout_s);
    return g_strdup_printf("SZL 0x%04x: %s", id, failure_text(a, why, x->o->timeout_s, buf, sizeof buf));
  }
  const S7Pdu *p = &resp.u.s7;
  if (p->param_error) {
    const char *t = s7_error_text(p->param_error);
    return g_strdup_printf("SZL 0x%04x refused with 0x%04x%s%s%s", id, p->param_error, PAREN(t));
  }
  if (p->n_retcodes && p->retcodes[0] != 0xFF) {
    const char *t = s7_item_return_text(p->retcodes[0]);
    return g_strdup_printf("SZL 0x%04x answered with return code 0x%02x%s%s%s", id, p->retcodes[0],
                           PAREN(t));
  }
  learn(&x->r->identity, &p->identity);
  return NULL;
}

static gboolean identity_step(Run *x)
{
  S7CheckResult *r = x->r;
  gboolean lost = FALSE;
  g_autofree char *e11 = szl_read(x, 0x0011, &lost);
  g_autofree char *e1c = lost ? g_strdup("SZL 0x001C: not read (the connection was lost)") : szl_read(x, 0x001C, &lost);
  const S7Identity *id = &r->identity;
  GString *s = g_string_new(NULL);
  if (id->order_number[0])
    g_string_append_printf(s, "order number %s", id->order_number);
  if (id->firmware[0])
    g_string_append_printf(s, "%sfirmware %s", s->len ? ", " : "", id->firmware);
  if (id->cpu_type[0])
    g_string_append_printf(s, "%s%s", s->len ? ", " : "", id->cpu_type);
  if (id->module_name[0])
    g_string_append_printf(s, "%smodule name \"%s\"", s->len ? ", " : "", id->module_name);
  if (id->system_name[0])
    g_string_append_printf(s, "%sstation \"%s\"", s->len ? ", " : "", id->system_name);
  if (id->serial[0])
    g_string_append_printf(s, "%sserial %s", s->len ? ", " : "", id->serial);
  if (!e11 && !e1c) {
    step(r, S7_CHECK_IDENTITY, S7_STEP_PASSED, "%s", s->len ? s->str : "answered, with no identification records");
  } else {
    step(r, S7_CHECK_IDENTITY, S7_STEP_FAILED, "%s%s%s%s%s", e11 ? e11 : "", e11 && e1c ? "; " : "", e1c ? e1c : "",
         s->len ? "; known: " : "", s->str);
  }
  g_string_free(s, TRUE);
  return !lost;
}

static void read_step(Run *x)
{
  S7CheckResult *r = x->r;
  const S7CheckOptions *o = x->o;
  g_autoptr(GByteArray) b = g_byte_array_new();
  guint8 area = o->db_given ? S7_AREA_DB : S7_AREA_M;
  S7ReqItem item = S7_ITEM(0x10, area, 2, o->db_given ? o->db : 0, (o->db_given ? o->offset : 0) << 3, 1);
  char addr[S7_ADDRESS_TEXT_MAX];
  s7_format_address(&item, addr);
  S7Event resp;
  const char *why = "";
  char buf[256];
  if (x->job_open && !reopen(x, &why)) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s not sent: %s", addr, why);
    return;
  }
  s7_check_build_read(b, ++x->pdu_ref, area, o->db, o->db_given ? o->offset : 0, 1);
  Answer a = job(x, b, &resp, &why);
  if (a != ANS_OK) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s: %s", addr, failure_text(a, why, o->timeout_s, buf, sizeof buf));
    return;
  }
  const S7Pdu *p = &resp.u.s7;
  guint16 code = (guint16)(p->err_class << 8 | p->err_code);
  if (code == 0x8104) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s refused with 0x8104: PUT/GET access is not permitted on this CPU",
         addr);
  } else if (code) {
    const char *t = s7_error_text(code);
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s refused with 0x%04x%s%s%s", addr, code, PAREN(t));
  } else if (!p->n_retcodes) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s: the answer holds no item", addr);
  } else if (p->retcodes[0] == 0xFF) {
    if (o->db_given)
      step(r, S7_CHECK_READ, S7_STEP_PASSED, "read 1 byte of %s: PUT/GET is permitted and DB%u allows absolute access "
           "(not optimized)", addr, o->db);
    else
      step(r, S7_CHECK_READ, S7_STEP_PASSED, "read 1 byte of %s: PUT/GET is permitted (give --db N to check a DB)", addr);
  } else if (p->retcodes[0] == 0x05 && o->db_given) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s answered 0x05: DB%u is optimized (no absolute access) or "
         "shorter than byte %u", addr, o->db, o->offset + 1);
  } else if (p->retcodes[0] == 0x05) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s answered 0x05: the CPU has no such address", addr);
  } else if (p->retcodes[0] == 0x0A) {
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s answered 0x0A: %s does not exist in the CPU", addr,
         o->db_given ? "the DB" : "the area");
  } else {
    const char *t = s7_item_return_text(p->retcodes[0]);
    step(r, S7_CHECK_READ, S7_STEP_FAILED, "read of %s answered 0x%02x%s%s%s", addr, p->retcodes[0], PAREN(t));
  }
}

/* ------------------------------------------------------------------ the check */

void s7_check_run(const S7CheckOptions *o, S7CheckResult *r)
{
  memset(r, 0, sizeof *r);
  r->events = g_array_new(FALSE, TRUE, sizeof(S7Event));
  r->tries = g_ptr_array_new_with_free_func(g_free);
  s7_net_endpoint((const struct sockaddr *)&o->addr, &r->plc);
  for (guint i = 0; i < S7_CHECK_STEPS; i++) {
    r->steps[i].id = step_ids[i];
    r->steps[i].name = step_names[i];
    r->steps[i].status = S7_STEP_SKIPPED;
    r->steps[i].result = g_strdup("not run: an earlier step failed");
  }
  r->start_ts_us = g_get_real_time();
  Run x = { .o = o, .r = r, .record = TRUE, .pkt = g_byte_array_new() };
  x.conn.fd = -1;
  if (port_step(&x) && iso_step(&x) && setup_step(&x) && identity_step(&x))
    read_step(&x);
  close_conn(&x);
  g_byte_array_unref(x.pkt);
  r->end_ts_us = g_get_real_time();
}

gboolean s7_check_failed(const S7CheckResult *r)
{
  for (guint i = 0; i < S7_CHECK_STEPS; i++)
    if (r->steps[i].status == S7_STEP_FAILED)
      return TRUE;
  return FALSE;
}

void s7_check_result_clear(S7CheckResult *r)
{
  for (guint i = 0; i < S7_CHECK_STEPS; i++)
    g_free(r->steps[i].result);
  if (r->events)
    g_array_unref(r->events);
  if (r->tries)
    g_ptr_array_unref(r->tries);
  memset(r, 0, sizeof *r);
}
