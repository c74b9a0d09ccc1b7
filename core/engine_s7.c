/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_s7.c — S7comm and S7comm-plus rules: job/response pairing, error codes, items,
 * security observations, the DB/area inventory. */
#include <string.h>

#include "engine_internal.h"
#include "s7_address.h"
#include "s7plus_header.h"

void s7_job_free(Job *j)
{
  g_free(j->items);
  g_free(j);
}

/* ------------------------------------------------------------------ inventory of areas */

static void area_touch(S7Engine *e, Conn *c, const S7ReqItem *it, gboolean write, gboolean error)
{
  if (it->syntax_id != 0x10)
    return;
  const char *name = s7_area_name(it->area);
  g_autofree char *area = (it->area == S7_AREA_DB || it->area == S7_AREA_DI)
                              ? g_strdup_printf("%s%u", name, it->db)
                              : g_strdup(name ? name : "?");
  g_autofree char *key = g_strdup_printf("%s|%s", c->plc_s, area);
  S7AreaSummary *a = g_hash_table_lookup(e->areas, key);
  guint32 first, len;
  s7_item_byte_range(it, &first, &len);
  if (!a) {
    a = g_new0(S7AreaSummary, 1);
    a->plc = g_strdup(c->plc_s);
    a->area = g_steal_pointer(&area);
    a->lowest_byte = first;
    a->highest_byte = first + len;
    g_hash_table_insert(e->areas, g_steal_pointer(&key), a);
  }
  if (write)
    a->writes++;
  else
    a->reads++;
  if (error)
    a->errors++;
  a->lowest_byte = MIN(a->lowest_byte, first);
  a->highest_byte = MAX(a->highest_byte, first + len);
}

/* ------------------------------------------------------------------ findings helpers */

static Agg *finding(S7Engine *e, Conn *c, S7Kind kind, const char *detail)
{
  return s7_agg_get(e, kind, c->plc_s, c->client.addr, c->client_s, detail, c->key);
}

static void add_evidence(S7Engine *e, Agg *a, const Job *job, const S7Event *ev)
{
  if (job)
    s7_agg_add_frame(e, a, job->frame, job->ts_us);
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

/* An error code (header or userdata parameter) answering a job */
static void on_error_code(S7Engine *e, Conn *c, const S7Event *ev, const Job *job, guint16 code,
                          guint src, guint16 func, guint8 ud_group, guint8 ud_subfunc)
{
  gboolean note;
  S7Kind kind = s7_kind_for_error(code, func, &note);
  char fbuf[S7_FUNCTION_TEXT_MAX];
  const char *ftext = s7_function_text(func, ud_group, ud_subfunc, fbuf);
  Agg *a = finding(e, c, kind, kind == S7K_PUTGET_DENIED ? "Read/Write Var" : ftext);
  g_autofree char *code_text = g_strdup_printf("0x%04X", code);
  s7_agg_set_code(a, src, code, code_text);
  if (note && kind == S7K_PLC_ERROR)
    a->f->severity = S7_SEV_NOTE;
  if (!a->extra) {
    const char *text = s7_error_text(code);
    a->extra = g_strdup_printf("The PLC answered %s with 0x%04X: %s.", ftext, code,
                               text ? text : (s7_error_class_text(code >> 8) ? s7_error_class_text(code >> 8) : "unknown code"));
    if (kind == S7K_PLC_ERROR)
      a->f->title = g_strdup_printf("PLC %s answered %s with 0x%04X (%s)", c->plc_s, ftext, code,
                                   text ? text : "unknown code");
    else if (kind == S7K_SETUP_REJECTED)
      a->f->title = g_strdup_printf("PLC %s rejected Setup Communication from %s with 0x%04X",
                                   c->plc_s, c->client.addr, code);
  }
  add_evidence(e, a, job, ev);
}

/* Per-item return codes of a Read/Write Var Ack_Data */
static void on_item_codes(S7Engine *e, Conn *c, const S7Event *ev, const Job *job, gboolean write)
{
  const S7Pdu *p = &ev->u.s7;
  gboolean all_ok = p->n_retcodes > 0;
  for (guint i = 0; i < p->n_retcodes; i++) {
    guint8 rc = p->retcodes[i];
    const S7ReqItem *it = (job && i < job->n_items) ? &job->items[i] : NULL;
    S7Kind kind;
    gboolean bad = s7_kind_for_item_return(rc, &kind);
    if (it)
      area_touch(e, c, it, write, bad);
    if (!bad)
      continue;
    all_ok = FALSE;
    c->n_errors++;
    char abuf[S7_ADDRESS_TEXT_MAX];
    const char *addr = it ? s7_format_address(it, abuf) : "item (request not captured)";
    Agg *a = finding(e, c, kind, addr);
    g_autofree char *code_text = g_strdup_printf("0x%02X", rc);
    s7_agg_set_code(a, SRC_ITEM, rc, code_text);
    const char *says = s7_item_return_client_says(rc);
    if (says && !a->f->client_says)
      a->f->client_says = g_strdup(says);
    if (it && it->area == S7_AREA_DB) {
      a->db = (int)it->db;
      a->offset0 |= (it->address >> 3) == 0;
    }
    if (!a->f->title) {
      const char *rt = s7_item_return_text(rc);
      g_autofree char *len = it ? g_strdup_printf(", %u × %s", it->length,
                                                  it->transport_size == 1 ? "bit" : "element")
                                : g_strdup("");
      a->f->title = g_strdup_printf("%s %s on PLC %s: %s (item code 0x%02X)",
                                   write ? "Write of" : "Read of", addr, c->plc_s,
                                   rt ? rt : "error", rc);
      a->f->explanation = g_strdup_printf("%s Item %u of the %s job in frame %u%s.",
                                         s7_kind_info(kind)->cause, i + 1,
                                         write ? "Write Var" : "Read Var", job ? job->frame : 0, len);
    }
    add_evidence(e, a, job, ev);
  }
  if (write && all_ok) {
    Agg *a = finding(e, c, S7K_UNAUTHENTICATED_WRITE, NULL);
    add_evidence(e, a, job, ev);
    if (!a->f->title)
      a->f->title = g_strdup_printf("PLC %s accepts unauthenticated Write Var from %s", c->plc_s,
                                   c->client.addr);
  }
}

/* DBs that answered some item fine: an 0x05 elsewhere in them means "out of range". */
static void note_dbs_ok(S7Engine *e, Conn *c, const S7Event *ev, const Job *job)
{
  const S7Pdu *p = &ev->u.s7;
  PlcContext *pc = s7_plc_context(e, c->plc_s);
  for (guint i = 0; job && i < p->n_retcodes && i < job->n_items; i++)
    if (p->retcodes[i] == 0xFF && job->items[i].area == S7_AREA_DB)
      g_hash_table_add(pc->dbs_ok, GUINT_TO_POINTER((guint)job->items[i].db + 1));
}

/* ------------------------------------------------------------------ pairing */

static Job *take_job(Conn *c, const S7Pdu *p)
{
  gboolean want_ud = p->rosctr == S7_ROSCTR_USERDATA;
  for (GList *l = c->jobs.head; l; l = l->next) {
    Job *j = l->data;
    if (j->pdu_ref == p->pdu_ref && (j->rosctr == S7_ROSCTR_USERDATA) == want_ud) {
      g_queue_delete_link(&c->jobs, l);
      return j;
    }
  }
  /* FIFO fallback: the oldest job of the same family */
  for (GList *l = c->jobs.head; l; l = l->next) {
    Job *j = l->data;
    if ((j->rosctr == S7_ROSCTR_USERDATA) == want_ud &&
        (p->function == S7_FUNC_NONE || j->function == p->function || want_ud)) {
      g_queue_delete_link(&c->jobs, l);
      return j;
    }
  }
  return NULL;
}

void s7_engine_check_stale_jobs(S7Engine *e, Conn *c, gint64 now_us, gboolean closing)
{
  gint64 limit = (gint64)(e->cfg.no_response_timeout_s * 1e6);
  GList *l = c->jobs.head;
  while (l) {
    GList *next = l->next;
    Job *j = l->data;
    if (now_us - j->ts_us >= limit && !c->capture_gap) {
      char fbuf[S7_FUNCTION_TEXT_MAX];
      const char *ftext = s7_function_text(j->function, j->ud_group, j->ud_subfunc, fbuf);
      Agg *a = finding(e, c, S7K_NO_RESPONSE, ftext);
      s7_agg_add_frame(e, a, j->frame, j->ts_us);
      if (!a->f->title)
        a->f->title = g_strdup_printf("PLC %s never answered %s from %s (%s after %.1f s)",
                                     c->plc_s, ftext, c->client.addr,
                                     closing ? "connection closed" : "later traffic",
                                     (now_us - j->ts_us) / 1e6);
      g_queue_delete_link(&c->jobs, l);
      s7_job_free(j);
    }
    l = next;
  }
}

static void push_job(Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  if (g_queue_get_length(&c->jobs) >= MAX_PENDING_JOBS)
    s7_job_free(g_queue_pop_head(&c->jobs));
  Job *j = g_new0(Job, 1);
  j->pdu_ref = p->pdu_ref;
  j->rosctr = p->rosctr;
  j->function = p->function;
  j->ud_group = p->ud_group;
  j->ud_subfunc = p->ud_subfunc;
  j->frame = ev->frame;
  j->ts_us = ev->ts_us;
  j->n_items = p->n_items;
  if (p->n_items)
    j->items = g_memdup2(p->items, sizeof(S7ReqItem) * p->n_items);
  g_queue_push_tail(&c->jobs, j);
}

static void on_request(S7Engine *e, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  c->n_jobs++;
  e->stats.jobs++;
  if (p->rosctr == S7_ROSCTR_JOB) {
    switch (p->function) {
    case S7_FUNC_PLC_STOP:
    case S7_FUNC_PI_SERVICE:
    case S7_FUNC_REQ_DOWNLOAD: {
      const char *what = p->function == S7_FUNC_PLC_STOP ? "PLC Stop"
                         : p->function == S7_FUNC_REQ_DOWNLOAD ? "block download" : NULL;
      g_autofree char *pi = what ? NULL : g_strdup_printf("PI service %s",
                                                          p->pi_service[0] ? p->pi_service : "");
      Agg *a = finding(e, c, S7K_PLC_CONTROL, what ? what : pi);
      s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
      if (!a->f->title)
        a->f->title = g_strdup_printf("%s sent %s to PLC %s", c->client.addr, what ? what : pi,
                                     c->plc_s);
      break;
    }
    case S7_FUNC_READ_VAR:
    case S7_FUNC_WRITE_VAR:
      s7_plc_context(e, c->plc_s)->data_jobs++;
      break;
    default:
      break;
    }
  } else if (p->ud_group == S7_UD_GRP_SECURITY && p->ud_subfunc == 1) {
    Agg *a = finding(e, c, S7K_PASSWORD_ATTEMPT, NULL);
    s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
    if (!a->f->title)
      a->f->title = g_strdup_printf("%s sent a PLC password to %s", c->client.addr, c->plc_s);
  }
  push_job(c, ev);
}

static void on_response(S7Engine *e, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  e->stats.responses++;
  Job *job = take_job(c, p);
  if (!job)
    e->stats.unpaired_responses++;
  guint16 func = job ? job->function : p->function;
  guint8 ud_group = job ? job->ud_group : p->ud_group;
  guint8 ud_sub = job ? job->ud_subfunc : p->ud_subfunc;
  PlcContext *pc = s7_plc_context(e, c->plc_s);
  gboolean data = func == S7_FUNC_READ_VAR || func == S7_FUNC_WRITE_VAR;

  if (p->rosctr == S7_ROSCTR_USERDATA) {
    if (p->param_error) {
      c->n_errors++;
      on_error_code(e, c, ev, job, p->param_error, SRC_PARAM, S7_FUNC_NONE, ud_group, ud_sub);
    } else if (ud_group == S7_UD_GRP_CPU) {
      pc->szl_ok++;
    }
  } else {
    guint16 code = (guint16)(p->err_class << 8 | p->err_code);
    if (code) {
      c->n_errors++;
      if (data && code == 0x8104)
        pc->data_jobs_8104++;
      on_error_code(e, c, ev, job, code, SRC_HEADER, func, 0, 0);
    } else if (func == S7_FUNC_SETUP_COMM) {
      c->pdu_size = p->pdu_size;
      c->amq_calling = p->max_amq_calling;
      c->amq_called = p->max_amq_called;
    } else if (data) {
      pc->data_jobs_ok++;
      on_item_codes(e, c, ev, job, func == S7_FUNC_WRITE_VAR);
      if (func == S7_FUNC_READ_VAR)
        note_dbs_ok(e, c, ev, job);
    }
  }
  s7_engine_note_event(e, c, ev, FALSE, job);
  if (job)
    s7_job_free(job);
  s7_engine_check_stale_jobs(e, c, ev->ts_us, FALSE);
}

void s7_engine_on_s7(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client)
{
  const S7Pdu *p = &ev->u.s7;
  gboolean request = s7_pdu_is_request(p);
  gboolean response = s7_pdu_is_response(p);
  if (response && !from_client) {
    on_response(e, c, ev);  /* notes the event with its job */
    return;
  }
  if (request && from_client)
    on_request(e, c, ev);
  s7_engine_note_event(e, c, ev, from_client, NULL);
}

void s7_engine_on_s7plus(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client)
{
  const S7PlusPdu *p = &ev->u.s7plus;
  c->s7plus_pdus++;
  if (p->version != S7PLUS_VERSION_KEEPALIVE && p->version > c->s7plus_version)
    c->s7plus_version = p->version;
  if (from_client && p->opcode == S7PLUS_OP_REQUEST && p->session_id && !c->s7plus_session)
    c->s7plus_session = p->session_id;
  if (!c->s7plus_first_frame) {
    c->s7plus_first_frame = ev->frame;
    c->s7plus_first_ts = ev->ts_us;
  }
  if (!from_client && p->has_return && p->error_code < 0) {
    const char *fn = s7plus_function_name(p->function);
    g_autofree char *detail = fn ? g_strdup(fn) : g_strdup_printf("function 0x%04x", p->function);
    Agg *a = finding(e, c, S7K_S7PLUS_ERROR, detail);
    g_autofree char *code = g_strdup_printf("%d", p->error_code);
    s7_agg_set_code(a, SRC_FRAMES, 0, code);
    s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
    if (!a->f->title) {
      const char *t = s7_s7plus_error_text(p->error_code);
      a->f->title = g_strdup_printf("PLC %s answered S7comm-plus %s with error %d (%s)", c->plc_s,
                                   detail, p->error_code, t ? t : "unknown");
    }
  }
}

/* At the end of a connection: a session whose highest version is 1 or 2 has no (or weak)
 * integrity protection. Every session starts with a V1 CreateObject, so only the highest
 * version seen says what the session used. */
void s7_engine_s7plus_conn_end(S7Engine *e, Conn *c)
{
  if (c->s7plus_version != 1 && c->s7plus_version != 2)
    return;
  g_autofree char *detail = g_strdup_printf("V%u", c->s7plus_version);
  Agg *a = finding(e, c, S7K_S7PLUS_LEGACY, detail);
  s7_agg_add_frame(e, a, c->s7plus_first_frame, c->s7plus_first_ts);
  if (!a->f->title)
    a->f->title = g_strdup_printf("S7comm-plus V%u session between %s and PLC %s", c->s7plus_version,
                                 c->client.addr, c->plc_s);
}
