/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ends.c — a connection's end hooks, the same whether it closes, its 4-tuple is reused or the
 * capture ends (see engine_struct.h): what its end says (SYNs or a connect never answered, the
 * S7comm-plus session's facts, an ISO connection no longer open), its pair's count, what the
 * capture missed of it; then its row of the inventory. */
#include "engine_struct.h"
#include "rules.h"

void s7_conn_end(Ctx *x, Conn *c, gint64 now)
{
  s7_rule_tcp_conn_end(x, c, now);
  s7_rule_s7_conn_end(x, c);
  s7_rule_s7plus_conn_end(x, c);
  s7_rule_cotp_conn_end(x, c);
  s7_pair_count_end(x->rec, x->cfg, c);
  s7_quality_conn_end(x->q, c);
  s7_conn_list(x->rec, x->cfg, c);
  s7_conn_forget(x->rec, c);
}
