/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules_tcp.c — TCP segments and ICMP errors of S7 connections (see rules.h): SYNs refused,
 * never answered or answered by an ICMP error; a connect the client gave up on; who ended a
 * connection and how, and the PLC's closes (held back a second: several at once are one). */
#include <string.h>

#include "rules.h"

static void add_syn_frames(Ctx *x, Agg *a, Conn *c)
{
  for (guint i = 0; i < c->syn_count && i < MAX_SYN_FRAMES; i++)
    s7_agg_add_frame(x->fs, a, c->syn_frames[i], i == 0 ? c->first_syn_ts : c->last_syn_ts);
}

/* The client closes a connection whose COTP CR is still unanswered: it gave up waiting. */
static void client_gave_up(Ctx *x, Conn *c, const S7Event *ev)
{
  if (!s7_cr_pending(c) || s7_conn_plc_unseen(c))
    return;
  c->cr_resolved = TRUE;
  c->abandoned = TRUE;
  if ((ev->ts_us - c->cr_ts) >= (gint64)(x->cfg->connect_timeout_s * 1e6)) {
    Agg *a = s7_conn_finding(x->fs, c, S7K_CONNECT_NO_ANSWER, NULL);
    a->x.waited_us = ev->ts_us - c->cr_ts;
    s7_agg_add_frame(x->fs, a, c->cr_frame, c->cr_ts);
    s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
  }
}

static void unseen_start_close(Ctx *x, Conn *c);

void s7_rule_tcp_conn_end(Ctx *x, Conn *c, gint64 now)
{
  unseen_start_close(x, c);
  /* SYNs nobody answered: two or more; or one, unanswered for a second or more, when an earlier
   * attempt of the same client to the same port went unanswered (a PLC's second attempt at a
   * configured connection, the capture ending before its retry) */
  gboolean unanswered = !c->synack && !c->port_refused && !c->icmp_seen;
  PairRecord *pair = unanswered && c->syn_count ? s7_conn_pair(x->rec, c) : NULL;
  if (unanswered && (c->syn_count >= 2 || (c->syn_count == 1 && pair->syns_unanswered &&
                                           now - c->first_syn_ts >= G_USEC_PER_SEC))) {
    Agg *a = s7_conn_finding(x->fs, c, S7K_PORT_NO_ANSWER, NULL);
    pair->syns_unanswered = TRUE;
    a->x.syns += c->syn_count;
    a->x.attempts++;
    if (c->last_syn_ts >= a->x.last_syn_ts) {
      a->x.last_syn_ts = c->last_syn_ts;
      a->x.last_syn_gap_us = c->syn_count >= 2 ? c->last_syn_ts - c->prev_syn_ts : a->x.last_syn_gap_us;
    }
    add_syn_frames(x, a, c);
  }
  if (s7_cr_pending(c) && (now - c->cr_ts) >= (gint64)(x->cfg->connect_timeout_s * 1e6) &&
      !s7_conn_plc_unseen(c)) {
    Agg *a = s7_conn_finding(x->fs, c, S7K_CONNECT_NO_ANSWER, NULL);
    a->x.waited_us = now - c->cr_ts;
    s7_agg_add_frame(x->fs, a, c->cr_frame, c->cr_ts);
  }
}

static const char *const close_details[] = {
  [CLOSE_AFTER_JOB] = "right after a job", [CLOSE_IDLE] = "after idle time",
  [CLOSE_BEFORE_S7] = "before any S7 traffic", [CLOSE_DURING] = "during the session",
  [CLOSE_UNSEEN_START] = "idle since before the capture",
};

void s7_rule_plc_closes(Ctx *x, const char *plc, PlcRecord *p)
{
  guint n = p->burst->len;
  if (!n)
    return;
  if (n >= 2) {
    g_autoptr(GHashTable) hosts = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < n; i++)
      g_hash_table_add(hosts, g_array_index(p->burst, PlcClose, i).client_ip);
    guint nh = g_hash_table_size(hosts);
    const PlcClose *first = &g_array_index(p->burst, PlcClose, 0);
    const char *who = nh == 1 ? first->client_ip : "several clients";
    for (guint i = 0; i < n; i++) {
      const PlcClose *c = &g_array_index(p->burst, PlcClose, i);
      Agg *a = s7_agg_get(x->fs, S7K_PLC_CLOSED, plc, who, who, "several connections at once", c->conn_key);
      if (!a->x.close_how)
        a->x.close_how = c->how;
      a->x.closes++;
      a->x.close_clients = MAX(a->x.close_clients, nh);
      s7_agg_add_frame(x->fs, a, c->frame, c->ts_us);
    }
  } else {
    const PlcClose *c = &g_array_index(p->burst, PlcClose, 0);
    Agg *a = s7_agg_get(x->fs, S7K_PLC_CLOSED, plc, c->client_ip, c->client_s, close_details[c->variant],
                        c->conn_key);
    if (!a->x.close_how) {
      a->x.close_how = c->how;
      a->x.idle_us = c->idle_us;
      a->x.job_frame = c->job_frame;
      a->x.function = c->job_function;
      a->x.ud_group = c->job_ud_group;
      a->x.ud_subfunc = c->job_ud_subfunc;
      a->x.waited_us = c->ts_us - c->job_ts_us;
    }
    a->x.closes++;
    if (c->job_frame)
      s7_agg_add_frame(x->fs, a, c->job_frame, c->job_ts_us);
    s7_agg_add_frame(x->fs, a, c->frame, c->ts_us);
  }
  g_array_set_size(p->burst, 0);
}

/* A PLC close joins its PLC's latest closes: those within a second of each other are one
 * finding (the burst) */
static void push_close(Ctx *x, Conn *c, PlcClose pc, const char *how, guint32 frame, gint64 ts_us)
{
  PlcRecord *p = s7_conn_plc(x->rec, c);
  if (p->burst->len) {
    const PlcClose *last = &g_array_index(p->burst, PlcClose, p->burst->len - 1);
    if (ts_us - last->ts_us > PLC_CLOSE_BURST_US || p->burst->len >= MAX_BURST)
      s7_rule_plc_closes(x, c->plc_s, p);
  }
  pc.client_ip = g_strdup(c->client.addr);
  pc.client_s = g_strdup(c->client_s);
  pc.conn_key = g_strdup(c->key);
  pc.how = how;
  pc.frame = frame;
  pc.ts_us = ts_us;
  g_array_append_val(p->burst, pc);
}

/* The PLC side ends a connection the client still used. Not a PLC close: a refused connect
 * (connect-refused), a reset SYN (port-refused), the PLC answering the client's own FIN or
 * RST (an S7-1200 sends RST/ACK after the client's FIN), or a job so long unanswered that
 * no-response tells it. A connection whose start the capture missed, with nothing on it
 * before the close, is kept until the client shows it still held it (unseen_close_*). */
static void plc_close(Ctx *x, Conn *c, const S7Event *ev, const char *how)
{
  gboolean unseen_start = c->syn_count == 0 && !c->synack && !c->cr_seen && c->n_s7 == 0 && !c->data_segments;
  gboolean established = c->synack || c->cc_seen || c->n_s7 > 0 || unseen_start;
  if (!established || c->refused || c->port_refused || c->fin_client || c->ended)
    return;
  if (unseen_start) {
    c->unseen_close_frame = ev->frame;
    c->unseen_close_ts = ev->ts_us;
    c->unseen_close_how = how;
    return;
  }
  PlcClose pc = { 0 };
  S7Exchange *j = g_queue_peek_head(&c->jobs);
  if (j) {
    if (ev->ts_us - j->job_ts_us >= (gint64)(x->cfg->no_response_timeout_s * 1e6))
      return;   /* the unanswered job is the fault: no-response says the PLC closed */
    pc.variant = CLOSE_AFTER_JOB;
    pc.job_frame = j->job_frame;
    pc.job_ts_us = j->job_ts_us;
    pc.job_function = j->function;
    pc.job_ud_group = j->ud_group;
    pc.job_ud_subfunc = j->ud_subfunc;
  } else if (c->n_s7 == 0) {
    pc.variant = CLOSE_BEFORE_S7;
  } else {
    pc.idle_us = ev->ts_us - c->last_s7_ts;
    pc.variant = pc.idle_us >= (gint64)(x->cfg->idle_close_s * 1e6) ? CLOSE_IDLE : CLOSE_DURING;
  }
  push_close(x, c, pc, how, ev->frame, ev->ts_us);
}

/* At the connection's end: the PLC's close of a connection begun before the capture, when the
 * client went on after it (it had not closed first); judged alone, not with other closes */
static void unseen_start_close(Ctx *x, Conn *c)
{
  if (!c->unseen_close_frame || !c->unseen_close_held)
    return;
  PlcRecord *p = s7_conn_plc(x->rec, c);
  s7_rule_plc_closes(x, c->plc_s, p);
  PlcClose pc = { .variant = CLOSE_UNSEEN_START, .idle_us = c->unseen_close_ts - c->start_ts };
  push_close(x, c, pc, c->unseen_close_how, c->unseen_close_frame, c->unseen_close_ts);
  s7_rule_plc_closes(x, c->plc_s, p);
  c->unseen_close_frame = 0;
}

void s7_rule_tcp(Ctx *x, const S7Event *ev, Outcome *o)
{
  Conn *c = o->conn;
  gboolean from_client = o->from_client;
  guint8 fl = ev->u.tcp.flags;
  gboolean syn_only = (fl & S7_TCP_SYN) && !(fl & S7_TCP_ACK);
  if (ev->u.tcp.capture_gap) {
    c->capture_gap = TRUE;
    c->gap_frame = ev->frame;
    x->stats->capture_gaps = TRUE;
  }
  if (syn_only && from_client) {
    if (c->syn_count < MAX_SYN_FRAMES)
      c->syn_frames[c->syn_count] = ev->frame;
    if (c->syn_count == 0)
      c->first_syn_ts = ev->ts_us;
    c->prev_syn_ts = c->syn_count ? c->last_syn_ts : ev->ts_us;
    c->last_syn_ts = ev->ts_us;
    c->syn_count++;
    s7_pair_count_start(x->rec, c);
    return;
  }
  if ((fl & S7_TCP_SYN) && (fl & S7_TCP_ACK) && !from_client) {
    if (!c->synack)
      c->synack_ts = ev->ts_us;
    c->synack = TRUE;
    return;
  }
  if (from_client && ev->u.tcp.retransmission && ev->u.tcp.payload_len > 0 && !g_queue_is_empty(&c->early))
    s7_exchange_late_segment(x, c, ev);
  if (!from_client && (fl & S7_TCP_ACK) && !(fl & (S7_TCP_RST | S7_TCP_FIN)) &&
      ev->u.tcp.payload_len == 0) {
    c->plc_ack_frame = ev->frame;
    c->plc_ack_ts = ev->ts_us;
  }
  if ((fl & (S7_TCP_RST | S7_TCP_FIN)) && from_client)
    client_gave_up(x, c, ev);
  if (from_client && c->unseen_close_frame && ((fl & (S7_TCP_RST | S7_TCP_FIN)) || ev->u.tcp.payload_len > 0))
    c->unseen_close_held = TRUE;
  if (fl & S7_TCP_RST) {
    if (!from_client && c->syn_count > 0 && !c->synack) {
      c->port_refused = TRUE;
      Agg *a = s7_conn_finding(x->fs, c, S7K_PORT_REFUSED, NULL);
      add_syn_frames(x, a, c);
      s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
    } else if (s7_cr_pending(c) && !from_client) {
      s7_connect_refused(x, c, ev->frame, ev->ts_us, "TCP RST", -1);
    }
    if (!from_client)
      plc_close(x, c, ev, "RST");
    s7_conn_mark_end(c, ev, from_client ? END_RST_CLIENT : END_RST_PLC);
    o->check_jobs = o->closing = o->ended = TRUE;
    return;
  }
  if (fl & S7_TCP_FIN) {
    if (s7_cr_pending(c) && !from_client)
      s7_connect_refused(x, c, ev->frame, ev->ts_us, "FIN", -1);
    if (!from_client)
      plc_close(x, c, ev, "FIN");
    if (from_client)
      c->fin_client = TRUE;
    else
      c->fin_plc = TRUE;
    s7_conn_mark_end(c, ev, from_client ? END_FIN_CLIENT : END_FIN_PLC);
    o->check_jobs = o->closing = TRUE;
    o->ended = c->fin_client && c->fin_plc;
  }
}

void s7_rule_icmp(Ctx *x, const S7Event *ev, Outcome *o)
{
  Conn *c = o->conn;
  const char *icmp = ev->u.icmp.v6 ? "ICMPv6" : "ICMP";
  c->icmp_seen = TRUE;
  g_autofree char *detail = g_strdup_printf("%s type %u code %u from %s", icmp, ev->u.icmp.icmp_type,
                                            ev->u.icmp.icmp_code, ev->src.addr);
  Agg *a = s7_conn_finding(x->fs, c, S7K_PORT_UNREACHABLE, detail);
  a->x.icmp_type = ev->u.icmp.icmp_type;
  a->x.icmp_code = ev->u.icmp.icmp_code;
  a->x.icmp_v6 = ev->u.icmp.v6;
  g_strlcpy(a->x.router, ev->src.addr, sizeof a->x.router);
  g_autofree char *code = g_strdup_printf("%s %u/%u", icmp, ev->u.icmp.icmp_type, ev->u.icmp.icmp_code);
  s7_agg_set_code(a, SRC_FRAMES, 0, code);
  add_syn_frames(x, a, c);
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}
