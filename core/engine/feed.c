/* SPDX-License-Identifier: GPL-2.0-or-later */
/* feed.c — the sequencer: one place owns the order of what happens to an event.
 *
 *   1. the gate: what is not S7 (TCP on other ports) is counted for the capture's quality only;
 *   2. the hosts' roles the frame shows (a Siemens Ethernet address);
 *   3. the event's connection: found or made, a reused 4-tuple ending the old one first;
 *   4. copies: a TCP segment that repeats the one before it is counted, not seen twice;
 *   5. exactly one rules file by event type (rules.h), which returns its outcome;
 *   6. the after-steps, each once: the front end's event note, jobs unanswered too long, the
 *      connection's end hooks (ends.c). */
#include <string.h>

#include "engine_struct.h"
#include "rules.h"

/* The engine decides what is S7, whatever a front end passes on: TCP, COTP and S7 traffic to
 * or from an S7 port, and ICMP errors quoting such a packet. So a prefiltered, an unfiltered
 * and a plugin run see the same connections. */
static gboolean event_is_s7(const S7EngineConfig *cfg, const S7Event *ev)
{
  return ev->type == S7_EV_ICMP_UNREACH || s7_is_s7_port(cfg, ev->src.port) || s7_is_s7_port(cfg, ev->dst.port);
}

/* Siemens AG's Ethernet OUIs (IEEE registry), as on CPUs, CPs and HMIs */
static gboolean siemens_oui(const guint8 *mac)
{
  static const guint8 ouis[][3] = {
    { 0x00, 0x1b, 0x1b }, { 0x00, 0x0e, 0x8c }, { 0x08, 0x00, 0x06 }, { 0x28, 0x63, 0x36 },
    { 0x00, 0x1c, 0x06 }, { 0x8c, 0xf3, 0x19 }, { 0xac, 0x64, 0x17 }, { 0xe0, 0xdc, 0xa0 },
    { 0x20, 0x87, 0x56 }, { 0x00, 0x0b, 0xa3 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(ouis); i++)
    if (memcmp(mac, ouis[i], 3) == 0)
      return TRUE;
  return FALSE;
}

static void note_macs(Records *r, const S7Event *ev)
{
  if (!ev->have_mac)
    return;
  if (siemens_oui(ev->src_mac))
    s7_host_record(r, ev->src.addr)->siemens = TRUE;
  if (siemens_oui(ev->dst_mac))
    s7_host_record(r, ev->dst.addr)->siemens = TRUE;
}

/* The event's connection; NULL for an ICMP error that is not a destination unreachable
 * quoting a packet to or from an S7 port */
static Conn *connection_of(Ctx *x, const S7Event *ev, gboolean *from_client)
{
  gboolean opening = FALSE;
  const S7Endpoint *src = &ev->src, *dst = &ev->dst;
  switch (ev->type) {
  case S7_EV_TCP: {
    guint8 fl = ev->u.tcp.flags;
    opening = (fl & S7_TCP_SYN) && !(fl & S7_TCP_ACK);
    Conn *c = s7_conn_for(x->rec, x->cfg, x->stats, src, dst, ev, opening, from_client);
    if (opening && *from_client && (c->synack || c->ended || c->cr_seen)) {
      /* the 4-tuple is reused by a new connection */
      s7_conn_end(x, c, ev->ts_us);
      c = s7_conn_for(x->rec, x->cfg, x->stats, src, dst, ev, TRUE, from_client);
    }
    return c;
  }
  case S7_EV_ICMP_UNREACH:
    /* destination unreachable: ICMP type 3, ICMPv6 type 1 */
    if (ev->u.icmp.icmp_type != (ev->u.icmp.v6 ? 1 : 3))
      return NULL;
    src = &ev->u.icmp.quoted_src;
    dst = &ev->u.icmp.quoted_dst;
    if (!s7_is_s7_port(x->cfg, dst->port) && !s7_is_s7_port(x->cfg, src->port))
      return NULL;
    opening = TRUE;
    break;
  case S7_EV_COTP:
    opening = ev->u.cotp.tpdu == S7_COTP_CR;
    break;
  case S7_EV_S7:
    opening = ev->u.s7.rosctr == S7_ROSCTR_JOB;
    break;
  case S7_EV_S7PLUS:
    break;
  }
  return s7_conn_for(x->rec, x->cfg, x->stats, src, dst, ev, opening, from_client);
}

/* What the engine knew about the event when it was fed, for the front end */
static void note_event(S7Engine *e, const Conn *c, const S7Event *ev, gboolean from_client, const S7Exchange *kept)
{
  S7EventContext ctx = {
    .plc = c->plc_s, .client = c->client_s, .from_client = from_client,
    .calling_tsap = c->calling_tsap, .called_tsap = c->called_tsap,
    .calling_tsap_len = c->calling_len, .called_tsap_len = c->called_len,
    .pdu_size = c->pdu_size, .max_amq_calling = c->amq_calling, .max_amq_called = c->amq_called,
  };
  const PlcRecord *pc = c->plc_rec ? c->plc_rec : s7_plc_lookup(&e->rec, c->plc_s);
  ctx.plc_identity = pc ? &pc->identity : NULL;
  /* every S7 job and response has its exchange: the one kept, or one for this event alone (a
   * response without its job, a job not waited for) */
  S7Exchange one;
  if (kept) {
    ctx.exchange = kept;
  } else if (ev->type == S7_EV_S7 && s7_pdu_is_request(&ev->u.s7)) {
    s7_exchange_init(&one, ev);
    ctx.exchange = &one;
  } else if (ev->type == S7_EV_S7 && s7_pdu_is_response(&ev->u.s7)) {
    const S7Pdu *p = &ev->u.s7;
    one = (S7Exchange){ .pdu_ref = p->pdu_ref, .function = p->function, .ud_group = p->ud_group,
                        .ud_subfunc = p->ud_subfunc,
                        .rosctr = p->rosctr == S7_ROSCTR_USERDATA ? S7_ROSCTR_USERDATA : S7_ROSCTR_JOB };
    s7_exchange_answer(&one, ev);
    ctx.exchange = &one;
  }
  e->event_fn(ev, &ctx, e->event_data);
}

void s7_engine_feed(S7Engine *e, const S7Event *ev)
{
  g_return_if_fail(!e->finished);
  if (ev->ts_us > e->last_ts)
    e->last_ts = ev->ts_us;
  Ctx x = s7_engine_ctx(e);
  /* 1. the gate */
  if (!event_is_s7(&e->cfg, ev)) {
    e->stats.not_s7_events++;
    s7_quality_other_port(&e->quality, ev);
    return;
  }
  e->stats.events++;
  /* 2. hosts */
  note_macs(&e->rec, ev);
  /* 3. the connection */
  Outcome o = { 0 };
  o.conn = connection_of(&x, ev, &o.from_client);
  if (!o.conn)
    return;
  /* 4. copies; the connection's last sign of life */
  if (ev->type == S7_EV_TCP && s7_quality_tcp(&e->quality, o.conn, ev, o.from_client))
    return;   /* a copy of the frame before: counted, not seen twice */
  if (ev->type != S7_EV_ICMP_UNREACH)
    o.conn->last_frame = ev->frame;
  o.conn->last_ts = ev->ts_us;
  /* 5. one rules file */
  switch (ev->type) {
  case S7_EV_TCP: s7_rule_tcp(&x, ev, &o); break;
  case S7_EV_ICMP_UNREACH: s7_rule_icmp(&x, ev, &o); break;
  case S7_EV_COTP: s7_rule_cotp(&x, ev, &o); break;
  case S7_EV_S7:
  case S7_EV_S7PLUS:
    o.conn->n_s7++;
    o.conn->last_s7_ts = ev->ts_us;
    if (ev->type == S7_EV_S7) {
      e->stats.s7_pdus++;
      s7_rule_s7(&x, ev, &o);
    } else {
      e->stats.s7plus_pdus++;
      s7_rule_s7plus(&x, ev, &o);
    }
    break;
  }
  /* 6. the after-steps */
  if (o.note && e->event_fn)
    note_event(e, o.conn, ev, o.from_client, o.exchange);
  if (o.answered)
    s7_exchange_free(o.exchange);
  if (o.check_jobs)
    s7_rule_stale_jobs(&x, o.conn, ev->ts_us, o.closing);
  if (o.ended)
    s7_conn_end(&x, o.conn, ev->ts_us);
}

void s7_engine_set_capture_end(S7Engine *e, gint64 ts_us)
{
  if (ts_us > e->last_ts)
    e->last_ts = ts_us;
}
