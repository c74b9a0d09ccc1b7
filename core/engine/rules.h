/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.h — the rules, one file per kind of event: the sequencer (feed.c) finds an event's
 * connection and gives the event to exactly one of them; a rule records facts in the records
 * and findings (downward only) and returns its outcome. The end hooks of a connection and the
 * capture-wide rules are here too: ends.c and finish.c run them. Private to core/engine. */
#ifndef S7DIAG_RULES_H
#define S7DIAG_RULES_H

#include "context.h"

/* rules_tcp.c: TCP segments and ICMP errors: ports refused, dropped or unreachable, who closed
 * a connection and how (the PLC's closes: plc-closed) */
void s7_rule_tcp(Ctx *x, const S7Event *ev, Outcome *o);
void s7_rule_icmp(Ctx *x, const S7Event *ev, Outcome *o);
/* a connection's end: SYNs never answered, a connect never answered */
void s7_rule_tcp_conn_end(Ctx *x, Conn *c, gint64 now);
/* the PLC's closes of one burst: one finding for several at once, else each its own */
void s7_rule_plc_closes(Ctx *x, const char *plc, PlcRecord *p);

/* rules_cotp.c: COTP connect, confirm, disconnect and error TPDUs */
void s7_rule_cotp(Ctx *x, const S7Event *ev, Outcome *o);
void s7_rule_cotp_conn_end(Ctx *x, Conn *c);
/* connect.c: a refused connect (RST, FIN, DR or ER after the CR), for the TCP and COTP rules */
void s7_connect_refused(Ctx *x, Conn *c, guint32 frame, gint64 ts, const char *how, int dr_cause);

/* rules_s7.c: S7comm jobs and responses: pairing, error codes, items, the DB/area inventory */
void s7_rule_s7(Ctx *x, const S7Event *ev, Outcome *o);
/* jobs unanswered too long: no-response (closing: as the connection closes) */
void s7_rule_stale_jobs(Ctx *x, Conn *c, gint64 now_us, gboolean closing);
/* a connection's end: Read/Write Var answers far slower than its usual time (slow-response) */
void s7_rule_s7_conn_end(Ctx *x, Conn *c);
/* two or more clients writing overlapping ranges of a PLC */
void s7_rule_write_conflicts(Ctx *x, const char *plc, PlcRecord *p);

/* rules_s7plus.c: S7comm-plus PDUs and sessions */
void s7_rule_s7plus(Ctx *x, const S7Event *ev, Outcome *o);
void s7_rule_s7plus_conn_end(Ctx *x, Conn *c);

/* rules_capture.c: what needs the whole capture: connections left open (before the live
 * connections end), reconnect storms, the partner list */
void s7_rule_leaks(Ctx *x, gint64 capture_end);
void s7_rule_pairs(Ctx *x);
void s7_rule_partners(Ctx *x);

/* exchanges.c: jobs and their responses paired on a connection (PDU ref, FIFO fallback, a
 * response captured before its job) */
S7Exchange *s7_exchange_push(Records *r, Conn *c, const S7Event *ev);
void s7_exchange_init(S7Exchange *x, const S7Event *ev);
void s7_exchange_answer(S7Exchange *x, const S7Event *ev);
S7Exchange *s7_exchange_take(Conn *c, const S7Pdu *p);
gboolean s7_exchange_answered_early(Ctx *x, Conn *c, const S7Pdu *p, gint64 ts_us);
void s7_exchange_remember_early(Conn *c, const S7Event *ev);
void s7_exchange_late_segment(Ctx *x, Conn *c, const S7Event *ev);

#endif
