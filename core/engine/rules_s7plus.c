/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules_s7plus.c — S7comm-plus PDUs (see rules.h): the session's version, id and the PLC's
 * identity; an error answer (later errors of the same session fold into the first); at the
 * connection's end, the session's facts (a legacy protocol, a probe before a session that
 * worked); TLS-protected sessions counted. */
#include <string.h>

#include "rules.h"
#include "s7plus_names.h"

void s7_rule_s7plus(Ctx *x, const S7Event *ev, Outcome *o)
{
  Conn *c = o->conn;
  gboolean from_client = o->from_client;
  o->note = TRUE;
  const S7PlusPdu *p = &ev->u.s7plus;
  if (p->tls) {
    if (!c->tls_records++)
      c->tls_frame = ev->frame;
    return;
  }
  c->s7plus_pdus++;
  if (p->version != S7PLUS_VERSION_KEEPALIVE && p->version > c->s7plus_version)
    c->s7plus_version = p->version;
  if (from_client && p->opcode == S7PLUS_OP_REQUEST && p->session_id && !c->s7plus_session)
    c->s7plus_session = p->session_id;
  if (!c->s7plus_first_frame) {
    c->s7plus_first_frame = ev->frame;
    c->s7plus_first_ts = ev->ts_us;
  }
  if (!from_client && p->identity.order_number[0])
    s7_plc_learn_identity(s7_conn_plc(x->rec, c), &p->identity);
  if (from_client && p->opcode == S7PLUS_OP_REQUEST)
    c->s7plus_request = p->function;
  if (from_client || !p->has_return)
    return;
  if (p->error_code >= 0) {
    c->s7plus_ok++;
    if (c->s7plus_first_error)
      c->s7plus_first_error->x.ok_after++;   /* the session worked after its error */
    return;
  }
  c->s7plus_errors++;
  /* an Error / Error2 PDU answers the client's latest request: name that */
  guint16 function = (p->function == S7PLUS_FUNC_ERROR || p->function == S7PLUS_FUNC_ERROR2) &&
                     c->s7plus_request ? c->s7plus_request : p->function;
  const char *fn = s7plus_function_name(function);
  g_autofree char *detail = fn ? g_strdup(fn) : g_strdup_printf("function 0x%04x", function);
  Agg *first = c->s7plus_first_error;
  if (first) {
    /* a later error of the same session follows from the first one: fold it in */
    first->x.consequences++;
    if (!first->x.consequence_functions)
      first->x.consequence_functions = g_strdup(detail);
    else if (!strstr(first->x.consequence_functions, detail) &&
             strlen(first->x.consequence_functions) < 120) {
      char *t = g_strdup_printf("%s, %s", first->x.consequence_functions, detail);
      g_free(first->x.consequence_functions);
      first->x.consequence_functions = t;
    }
    s7_agg_add_frame(x->fs, first, ev->frame, ev->ts_us);
    return;
  }
  Agg *a = s7_conn_finding(x->fs, c, S7K_S7PLUS_ERROR, detail);
  g_autofree char *code = g_strdup_printf("%d", p->error_code);
  s7_agg_set_code(a, SRC_FRAMES, 0, code);
  if (!a->x.s7plus_error) {
    a->x.s7plus_error = p->error_code;
    a->x.s7plus_generic = p->generic_error;
    a->x.function = function;
  }
  c->s7plus_first_error = a;
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}

/* At the end of a connection: the session's facts. A session whose highest version is 1 or 2
 * has no (or weak) integrity protection; every session starts with a V1 CreateObject, so only
 * the highest version seen says what the session used, and only of a session the CPU accepted
 * that did not continue inside TLS. */
void s7_rule_s7plus_conn_end(Ctx *x, Conn *c)
{
  if (!c->s7plus_pdus)
    return;
  Agg *err = c->s7plus_first_error;
  if (err) {
    err->x.session_ended_normally = c->ended == END_FIN_CLIENT || c->ended == END_FIN_PLC;
    err->x.session_end_ts = c->ended ? c->end_ts : c->last_ts;
  } else if (c->s7plus_ok) {
    PairRecord *p = s7_conn_pair(x->rec, c);
    p->s7plus_ok_start = MAX(p->s7plus_ok_start, c->s7plus_first_ts);
  }
  /* a session that was never set up (CreateObject refused), or that went on inside TLS
   * (whose version the capture does not show), used no legacy protocol */
  if ((c->s7plus_version != 1 && c->s7plus_version != 2) || !c->s7plus_ok || c->tls_records)
    return;
  g_autofree char *detail = g_strdup_printf("V%u", c->s7plus_version);
  Agg *a = s7_conn_finding(x->fs, c, S7K_S7PLUS_LEGACY, detail);
  s7_agg_add_frame(x->fs, a, c->s7plus_first_frame, c->s7plus_first_ts);
}
