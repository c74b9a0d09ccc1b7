/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules_cotp.c — COTP TPDUs of S7 connections (see rules.h): the ISO connect (its TSAPs and
 * TPDU size), its confirm (a TSAP that works on the PLC), a disconnect or error instead of the
 * confirm (connect-refused), an error TPDU outside a connect. */
#include <string.h>

#include "rules.h"

void s7_rule_cotp(Ctx *x, const S7Event *ev, Outcome *o)
{
  Conn *c = o->conn;
  gboolean from_client = o->from_client;
  o->note = TRUE;
  switch (ev->u.cotp.tpdu) {
  case S7_COTP_CR:
    if (!from_client)
      break;
    c->cr_seen = TRUE;
    c->cr_frame = ev->frame;
    c->cr_ts = ev->ts_us;
    c->calling_len = MIN(ev->u.cotp.src_tsap_len, S7_TSAP_MAX);
    c->called_len = MIN(ev->u.cotp.dst_tsap_len, S7_TSAP_MAX);
    memcpy(c->calling_tsap, ev->u.cotp.src_tsap, c->calling_len);
    memcpy(c->called_tsap, ev->u.cotp.dst_tsap, c->called_len);
    c->tpdu_size = ev->u.cotp.tpdu_size;
    s7_pair_count_start(x->rec, c);
    break;
  case S7_COTP_CC:
    if (from_client || c->cc_seen)
      break;
    c->cc_seen = TRUE;
    if (ev->u.cotp.tpdu_size)
      c->tpdu_size = ev->u.cotp.tpdu_size;
    {
      PlcRecord *p = s7_conn_plc(x->rec, c);
      p->live_iso++;
      char *tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
      gpointer n = g_hash_table_lookup(p->tsap_ok, tsap);
      g_hash_table_replace(p->tsap_ok, tsap, GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
    }
    break;
  case S7_COTP_DR:
    if (s7_cr_pending(c) && !from_client)
      s7_connect_refused(x, c, ev->frame, ev->ts_us, "COTP DR", ev->u.cotp.cause);
    s7_conn_mark_end(c, ev, END_COTP_DR);
    break;
  case S7_COTP_ER:
    if (s7_cr_pending(c) && !from_client) {
      s7_connect_refused(x, c, ev->frame, ev->ts_us, "COTP ER", -1);
    } else {
      Agg *a = s7_conn_finding(x->fs, c, S7K_PLC_ERROR, "COTP error TPDU");
      a->x.code = ev->u.cotp.cause;
      g_autofree char *code = g_strdup_printf("ER 0x%02x", ev->u.cotp.cause);
      s7_agg_set_code(a, SRC_FRAMES, 0, code);
      s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
    }
    break;
  default:
    break;
  }
}

/* An ISO connection that ends is no longer open on its PLC */
void s7_rule_cotp_conn_end(Ctx *x, Conn *c)
{
  if (c->cc_seen && !c->refused) {
    PlcRecord *p = s7_conn_plc(x->rec, c);
    if (p->live_iso > 0)
      p->live_iso--;
  }
}
