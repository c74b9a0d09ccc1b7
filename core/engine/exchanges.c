/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exchanges.c — jobs and their responses on a connection (see rules.h): a job waits in its
 * connection's queue until a response with its PDU ref takes it (the oldest of its family when
 * a client reuses PDU refs), and a response captured before its job is remembered for a moment,
 * so the job that follows is paired with it. */
#include "rules.h"

#define REORDER_WINDOW_US 2000000 /* a job this soon after an unpaired response with its ref */

/* The bytes a Read/Write Var job takes, and its answer: the S7 header (10, an Ack_Data 12),
 * the parameter (2 + 12 per item for a job, 2 for an answer) and the data (4 + the value,
 * padded to an even length between items) */
gboolean s7_exchange_sizes(const S7Exchange *x, guint32 *request, guint32 *answer)
{
  if (x->rosctr != S7_ROSCTR_JOB || (x->function != S7_FUNC_READ_VAR && x->function != S7_FUNC_WRITE_VAR))
    return FALSE;
  guint32 data_req = 0, data_ans = 0;
  for (guint i = 0; i < x->n_items; i++) {
    guint32 first, len;
    s7_item_byte_range(&x->items[i], &first, &len);
    guint32 pad = i + 1 < x->n_items ? (len & 1) : 0;
    data_ans += 4 + len + pad;
    if (x->function == S7_FUNC_WRITE_VAR)
      data_req += 4 + len + pad;
  }
  *request = 10 + 2 + 12 * x->n_items + data_req;
  *answer = 12 + 2 + (x->function == S7_FUNC_READ_VAR ? data_ans : x->n_items);
  return TRUE;
}

/* The exchange a job begins, as its event says (id 0: not kept; its items are the event's
 * until the caller copies them) */
void s7_exchange_init(S7Exchange *x, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  *x = (S7Exchange){ .pdu_ref = p->pdu_ref, .rosctr = p->rosctr, .function = p->function,
                     .ud_group = p->ud_group, .ud_subfunc = p->ud_subfunc,
                     .szl_id = p->ud_group == S7_UD_GRP_CPU && p->ud_subfunc == 1 ? p->szl_id : 0,
                     .job_frame = ev->frame, .job_ts_us = ev->ts_us,
                     .n_items = p->n_items, .items = p->n_items ? (S7ReqItem *)p->items : NULL };
}

/* The response's part of an exchange: its frame, time, error and item results */
void s7_exchange_answer(S7Exchange *x, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  x->response_frame = ev->frame;
  x->response_ts_us = ev->ts_us;
  x->error = s7_pdu_error(p);
  x->n_results = p->n_retcodes;
  x->results = p->retcodes;
}

S7Exchange *s7_exchange_push(Records *r, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  if (g_queue_get_length(&c->jobs) >= MAX_PENDING_JOBS)
    s7_exchange_free(g_queue_pop_head(&c->jobs));
  S7Exchange *j = g_new(S7Exchange, 1);
  s7_exchange_init(j, ev);
  j->id = ++r->exchange_seq;
  j->items = p->n_items ? g_memdup2(p->items, sizeof(S7ReqItem) * p->n_items) : NULL;
  g_queue_push_tail(&c->jobs, j);
  c->peak_in_flight = MAX(c->peak_in_flight, g_queue_get_length(&c->jobs));
  return j;
}

S7Exchange *s7_exchange_take(Conn *c, const S7Pdu *p)
{
  gboolean want_ud = p->rosctr == S7_ROSCTR_USERDATA;
  for (GList *l = c->jobs.head; l; l = l->next) {
    S7Exchange *j = l->data;
    if (j->pdu_ref == p->pdu_ref && (j->rosctr == S7_ROSCTR_USERDATA) == want_ud) {
      g_queue_delete_link(&c->jobs, l);
      return j;
    }
  }
  /* FIFO fallback: the oldest job of the same family */
  for (GList *l = c->jobs.head; l; l = l->next) {
    S7Exchange *j = l->data;
    if ((j->rosctr == S7_ROSCTR_USERDATA) == want_ud &&
        (p->function == S7_FUNC_NONE || j->function == p->function || want_ud)) {
      g_queue_delete_link(&c->jobs, l);
      return j;
    }
  }
  return NULL;
}

/* A job whose response was captured before it (the capture's order is not the wire's): the
 * response's TCP segment acknowledged the job's bytes before they were captured, and the job
 * follows within the window. Without that acknowledgement an unpaired response is the answer
 * to a job sent before the capture started (and a client reusing PDU ref 0 is not reordered). */
gboolean s7_exchange_answered_early(Ctx *x, Conn *c, const S7Pdu *p, gint64 ts_us)
{
  gboolean ud = p->rosctr == S7_ROSCTR_USERDATA;
  for (GList *l = c->early.head; l; l = l->next) {
    EarlyResponse *r = l->data;
    if (r->pdu_ref == p->pdu_ref && r->userdata == ud && r->acks_unseen &&
        ts_us - r->ts_us <= REORDER_WINDOW_US &&
        r->ts_us - ts_us <= REORDER_WINDOW_US) {
      g_free(r);
      g_queue_delete_link(&c->early, l);
      x->stats->reordered_responses++;
      if (x->stats->unpaired_responses > 0)
        x->stats->unpaired_responses--;
      return TRUE;
    }
  }
  return FALSE;
}

/* A client segment that tshark calls a retransmission, though its data was never captured
 * before: the job of an early response, captured after it (tshark does not decode it again) */
void s7_exchange_late_segment(Ctx *x, Conn *c, const S7Event *ev)
{
  for (GList *l = c->early.head; l; l = l->next) {
    EarlyResponse *r = l->data;
    if (r->acks_unseen && ev->ts_us - r->ts_us <= REORDER_WINDOW_US && ev->frame > r->frame) {
      g_free(r);
      g_queue_delete_link(&c->early, l);
      x->stats->reordered_responses++;
      if (x->stats->unpaired_responses > 0)
        x->stats->unpaired_responses--;
      return;
    }
  }
}

void s7_exchange_remember_early(Conn *c, const S7Event *ev)
{
  if (g_queue_get_length(&c->early) >= MAX_EARLY_RESPONSES)
    g_free(g_queue_pop_head(&c->early));
  EarlyResponse *r = g_new0(EarlyResponse, 1);
  r->pdu_ref = ev->u.s7.pdu_ref;
  r->userdata = ev->u.s7.rosctr == S7_ROSCTR_USERDATA;
  r->acks_unseen = c->gap_frame == ev->frame;
  r->frame = ev->frame;
  r->ts_us = ev->ts_us;
  g_queue_push_tail(&c->early, r);
}

