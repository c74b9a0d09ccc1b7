/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect.c — a refused ISO connect, told alike whether the PLC answered the COTP CR with a TCP
 * RST, a FIN, a COTP DR or an ER (see rules.h). */
#include <string.h>

#include "rules.h"

/* The PLC's close of the same connection just before, still held back (a server at its limit
 * sends FIN, then resets the CR), is part of the refusal: its frame is evidence of it, not a
 * plc-closed of its own */
static void fold_close(Ctx *x, Conn *c, Agg *a)
{
  PlcRecord *p = s7_conn_plc(x->rec, c);
  for (guint i = p->burst->len; i-- > 0;) {
    const PlcClose *pc = &g_array_index(p->burst, PlcClose, i);
    if (strcmp(pc->conn_key, c->key) != 0)
      continue;
    s7_agg_add_frame(x->fs, a, pc->frame, pc->ts_us);
    g_array_remove_index(p->burst, i);
  }
}

void s7_connect_refused(Ctx *x, Conn *c, guint32 frame, gint64 ts, const char *how, int dr_cause)
{
  c->refused = TRUE;
  g_autofree char *tsap = s7_tsap_to_string(c->called_tsap, c->called_len);
  Agg *a = s7_conn_finding(x->fs, c, S7K_CONNECT_REFUSED, tsap);
  if (!a->x.refusal_how) {   /* the first refusal of the group tells how */
    a->x.refusal_how = how;
    a->x.dr_cause = dr_cause;
    a->x.called_tsap = g_strdup(tsap);
    a->x.tsap = s7_decode_tsap(c->called_tsap, c->called_len);
    a->x.concurrent = s7_conn_plc(x->rec, c)->live_iso;
    if (dr_cause >= 0) {
      g_autofree char *code = g_strdup_printf("DR 0x%02x", dr_cause);
      s7_agg_set_code(a, SRC_FRAMES, 0, code);
    } else {
      s7_agg_set_code(a, SRC_FRAMES, 0, how);
    }
  }
  fold_close(x, c, a);
  s7_agg_add_frame(x->fs, a, c->cr_frame, c->cr_ts);
  s7_agg_add_frame(x->fs, a, frame, ts);
}
