/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_s7.c — S7comm and S7comm-plus rules: job/response pairing, error codes, items,
 * security observations, the DB/area inventory. The rules record facts; finding_texts.c
 * writes what they mean. */
#include <string.h>

#include "engine_state.h"
#include "s7_address.h"
#include "s7plus_names.h"

#define MAX_LISTED_ITEMS 8        /* failing items named in one finding's detail */
#define REORDER_WINDOW_US 2000000 /* a job this soon after an unpaired response with its ref */

void s7_job_free(Job *j)
{
  g_free(j->items);
  g_free(j);
}

static gboolean is_counter_or_timer(guint8 area)
{
  return area == S7_AREA_C || area == S7_AREA_T || area == S7_AREA_C200 || area == S7_AREA_T200;
}

/* ------------------------------------------------------------------ inventory of areas */

static void widen(gboolean *have, guint32 *lo, guint32 *hi, guint32 first, guint32 end)
{
  if (!*have) {
    *have = TRUE;
    *lo = first;
    *hi = end;
    return;
  }
  *lo = MIN(*lo, first);
  *hi = MAX(*hi, end);
}

guint s7_area_key_hash(gconstpointer key)
{
  const AreaKey *k = key;
  return g_str_hash(k->plc) * 31u + k->area;
}

gboolean s7_area_key_equal(gconstpointer a, gconstpointer b)
{
  const AreaKey *x = a, *y = b;
  return x->area == y->area && strcmp(x->plc, y->plc) == 0;
}

void s7_area_key_free(gpointer key)
{
  g_free(key);   /* its plc is the summary's */
}

static void area_touch(S7Engine *e, Conn *c, const S7ReqItem *it, gboolean write, gboolean error)
{
  if (it->syntax_id != 0x10)
    return;
  const char *name = s7_area_name(it->area);
  gboolean numbered_db = it->area == S7_AREA_DB || it->area == S7_AREA_DI;
  AreaKey key = { c->plc_s, !name ? G_MAXUINT32 : (guint32)it->area << 16 | (numbered_db ? it->db : 0) };
  S7AreaSummary *a = g_hash_table_lookup(e->areas, &key);
  guint32 first, len;
  s7_item_byte_range(it, &first, &len);
  if (!a) {
    a = g_new0(S7AreaSummary, 1);
    a->plc = g_strdup(c->plc_s);
    a->area = numbered_db ? g_strdup_printf("%s%u", name, it->db) : g_strdup(name ? name : "?");
    a->numbered = is_counter_or_timer(it->area);
    a->lowest = first;
    a->highest = first + len;
    AreaKey *kept = g_new(AreaKey, 1);
    kept->plc = a->plc;
    kept->area = key.area;
    g_hash_table_insert(e->areas, kept, a);
  }
  if (write)
    a->writes++;
  else
    a->reads++;
  a->lowest = MIN(a->lowest, first);
  a->highest = MAX(a->highest, first + len);
  if (error) {
    a->errors++;
    widen(&a->failed, &a->failed_lo, &a->failed_hi, first, first + len);
  } else {
    widen(&a->ok, &a->ok_lo, &a->ok_hi, first, first + len);
  }
}

/* What worked on a DB: success there proves the DB exists and allows absolute access */
static void note_db_ok(S7Engine *e, Conn *c, const S7ReqItem *it, gboolean write)
{
  if (it->area != S7_AREA_DB || it->syntax_id != 0x10)
    return;
  PlcContext *pc = s7_conn_plc(e, c);
  gpointer key = GUINT_TO_POINTER((guint)it->db + 1);
  DbAccess *d = g_hash_table_lookup(pc->db_ok, key);
  guint32 first, len;
  s7_item_byte_range(it, &first, &len);
  if (!d) {
    d = g_new0(DbAccess, 1);
    d->lo = first;
    d->hi = first + len;
    g_hash_table_insert(pc->db_ok, key, d);
  }
  d->lo = MIN(d->lo, first);
  d->hi = MAX(d->hi, first + len);
  if (write)
    d->by_write = TRUE;
  else
    d->by_read = TRUE;
}

/* ------------------------------------------------------------------ writes of each address */

static gboolean is_numbered(guint8 area)
{
  return is_counter_or_timer(area);
}

/* A successful write of one item by this client: kept per (address range, client) */
static void note_write(S7Engine *e, Conn *c, const S7ReqItem *it, const S7Event *ev, const Job *job)
{
  if (it->syntax_id != 0x10)
    return;
  guint32 lo, hi;
  if (is_numbered(it->area)) {
    lo = it->address * 16;
    hi = lo + 16 * MAX(it->length, 1);
  } else if (it->transport_size == 1) {
    lo = it->address;   /* byte << 3 | bit */
    hi = lo + 1;
  } else {
    guint32 first, len;
    s7_item_byte_range(it, &first, &len);
    lo = first * 8;
    hi = (first + len) * 8;
  }
  PlcContext *pc = s7_conn_plc(e, c);
  WriteCell *w = NULL;
  for (guint i = 0; i < pc->writes->len && !w; i++) {
    WriteCell *q = &g_array_index(pc->writes, WriteCell, i);
    if (q->area == it->area && q->db == it->db && q->lo_bit == lo && q->hi_bit == hi &&
        !strcmp(q->client, c->client.addr))
      w = q;
  }
  gint64 ts = job ? job->ts_us : ev->ts_us;
  guint32 frame = job ? job->frame : ev->frame;
  if (!w) {
    if (pc->writes->len >= MAX_WRITE_CELLS)
      return;
    WriteCell n = { .area = it->area, .db = it->db, .lo_bit = lo, .hi_bit = hi, .tsize = it->transport_size,
                    .first_ts = ts, .vlen = it->data_len };
    g_strlcpy(n.client, c->client.addr, sizeof n.client);
    s7_format_address(it, n.address);
    memcpy(n.value, it->data, it->data_len);
    memcpy(n.first_value, it->data, it->data_len);
    g_array_append_val(pc->writes, n);
    w = &g_array_index(pc->writes, WriteCell, pc->writes->len - 1);
  } else if (w->vlen != it->data_len || memcmp(w->value, it->data, it->data_len)) {
    w->changes = TRUE;
    w->vlen = it->data_len;
    memcpy(w->value, it->data, it->data_len);
  }
  w->count++;
  w->last_ts = ts;
  if (w->n_frames < G_N_ELEMENTS(w->frames)) {
    w->frames[w->n_frames] = frame;
    w->frame_ts[w->n_frames] = ts;
    w->n_frames++;
  }
}

/* A value as written, decoded by its transport size */
static void value_text(const WriteCell *w, char *buf, gsize size)
{
  const guint8 *v = w->value;
  guint n = w->vlen;
  switch (w->tsize) {
  case 1: if (n >= 1) { g_snprintf(buf, size, "%u", v[0] & 1); return; } break;
  case 2: case 3: if (n == 1) { g_snprintf(buf, size, "%u (0x%02X)", v[0], v[0]); return; } break;
  case 4: if (n == 2) { g_snprintf(buf, size, "%u", (guint)(v[0] << 8 | v[1])); return; } break;
  case 5: if (n == 2) { g_snprintf(buf, size, "%d", (gint16)(v[0] << 8 | v[1])); return; } break;
  case 6: case 7: case 8:
    if (n == 4) {
      guint32 u = (guint32)v[0] << 24 | (guint32)v[1] << 16 | (guint32)v[2] << 8 | v[3];
      if (w->tsize == 6)
        g_snprintf(buf, size, "%u", u);
      else if (w->tsize == 7)
        g_snprintf(buf, size, "%d", (gint32)u);
      else {
        float f;
        memcpy(&f, &u, sizeof f);
        g_snprintf(buf, size, "%g", (double)f);
      }
      return;
    }
    break;
  default: break;
  }
  GString *hex = g_string_new("0x");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(hex, "%02X", v[i]);
  if (n < 1)
    g_string_assign(hex, "?");
  g_strlcpy(buf, hex->str, size);
  g_string_free(hex, TRUE);
}

/* Two or more clients writing overlapping ranges of a PLC: one finding per address */
void s7_writes_to_findings(S7Engine *e, const char *plc, PlcContext *p)
{
  guint n = p->writes->len;
  for (guint i = 0; i < n; i++) {
    WriteCell *a = &g_array_index(p->writes, WriteCell, i);
    for (guint j = i + 1; j < n; j++) {
      WriteCell *b = &g_array_index(p->writes, WriteCell, j);
      if (a->area != b->area || a->db != b->db || !strcmp(a->client, b->client) ||
          a->hi_bit <= b->lo_bit || b->hi_bit <= a->lo_bit)
        continue;
      /* the narrower range names the place ("M101.1" inside "MB101") */
      const WriteCell *narrow = (a->hi_bit - a->lo_bit) <= (b->hi_bit - b->lo_bit) ? a : b;
      const WriteCell *cells[2] = { a, b };
      const char *first = strcmp(a->client, b->client) < 0 ? a->client : b->client;
      const char *second = first == a->client ? b->client : a->client;
      g_autofree char *clients = g_strdup_printf("%s, %s", first, second);
      Agg *g = s7_agg_get(e, S7K_WRITE_CONFLICT, plc, clients, clients, narrow->address, NULL);
      g->f->occurrences = 0;
      for (guint k = 0; k < 2; k++) {
        const WriteCell *w = cells[k];
        guint slot = g->x.n_writers;
        for (guint m = 0; m < g->x.n_writers; m++)
          if (!strcmp(g->x.writers[m].client, w->client) && !strcmp(g->x.writers[m].address, w->address))
            slot = m;
        if (slot == g->x.n_writers) {
          if (slot >= G_N_ELEMENTS(g->x.writers))
            continue;
          g->x.n_writers++;
          g_strlcpy(g->x.writers[slot].client, w->client, sizeof g->x.writers[slot].client);
          g_strlcpy(g->x.writers[slot].address, w->address, sizeof g->x.writers[slot].address);
          g->x.writers[slot].count = w->count;
          g->x.writers[slot].first_ts = w->first_ts;
          g->x.writers[slot].last_ts = w->last_ts;
          g->x.writers[slot].changes = w->changes;
          value_text(w, g->x.writers[slot].value, sizeof g->x.writers[slot].value);
          for (guint f = 0; f < w->n_frames; f++)
            s7_agg_add_frame(e, g, w->frames[f], w->frame_ts[f]);
        }
      }
      guint64 total = 0;
      for (guint m = 0; m < g->x.n_writers; m++)
        total += g->x.writers[m].count;
      g->f->occurrences = total;
      g->x.values_differ = g->x.n_writers > 1 && strcmp(g->x.writers[0].value, g->x.writers[1].value) != 0;
    }
  }
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
static Agg *on_error_code(S7Engine *e, Conn *c, const S7Event *ev, const Job *job, guint16 code,
                          CodeSource src, guint16 func, guint8 ud_group, guint8 ud_subfunc)
{
  gboolean harmless;
  S7Kind kind = s7_kind_for_error(code, func, &harmless);
  Agg *a = c->err_agg;
  if (a && c->err_code == code && c->err_func == func && c->err_ud_group == ud_group &&
      c->err_ud_subfunc == ud_subfunc) {
    s7_agg_again(a);   /* the finding the same answer made on this connection: its code is set */
  } else {
    char fbuf[S7_FUNCTION_TEXT_MAX];
    const char *ftext = s7_function_text(func, ud_group, ud_subfunc, fbuf);
    a = finding(e, c, kind, kind == S7K_PUTGET_DENIED ? "Read/Write Var" : ftext);
    char code_text[8];
    g_snprintf(code_text, sizeof code_text, "0x%04X", code);
    s7_agg_set_code(a, src, code, code_text);
    c->err_agg = a;
    c->err_code = code;
    c->err_func = func;
    c->err_ud_group = ud_group;
    c->err_ud_subfunc = ud_subfunc;
  }
  if (!a->x.code) {
    a->x.code = code;
    a->x.function = func;
    a->x.ud_group = ud_group;
    a->x.ud_subfunc = ud_subfunc;
    a->x.job_frame = job ? job->frame : 0;
  }
  a->x.harmless |= harmless;   /* a probe's answer, as when an engineering tool goes online */
  if (kind == S7K_PUTGET_DENIED) {
    a->x.refused_jobs++;
    s7_conn_pair(e, c)->data_jobs_8104++;
  }
  add_evidence(e, a, job, ev);
  return a;
}

/* The failing items of one response with one kind: one finding that lists them */
typedef struct {
  GString *detail;
  guint n, first_index;
  const S7ReqItem *first;
  gboolean all_db, one_db, offset0;
  guint16 db;
  guint8 rc;
} FailGroup;

static void group_add(FailGroup *g, const S7ReqItem *it, guint index, guint8 rc)
{
  char abuf[S7_ADDRESS_TEXT_MAX];
  const char *addr = it ? s7_format_address(it, abuf) : "item (request not captured)";
  if (!g->detail) {
    g->detail = g_string_new(NULL);
    g->first_index = index;
    g->first = it;
    g->all_db = TRUE;
    g->one_db = TRUE;
    g->db = it ? it->db : 0;
    g->rc = rc;
  }
  if (g->n < MAX_LISTED_ITEMS)
    g_string_append_printf(g->detail, "%s%s", g->n ? ", " : "", addr);
  else if (g->n == MAX_LISTED_ITEMS)
    g_string_append(g->detail, ", …");
  g->n++;
  gboolean db = it && it->area == S7_AREA_DB;
  g->all_db = g->all_db && db;
  g->one_db = g->one_db && db && it->db == g->db;
  if (db && (it->address >> 3) == 0)
    g->offset0 = TRUE;
}

static void group_emit(S7Engine *e, Conn *c, const S7Event *ev, const Job *job, S7Kind kind,
                       FailGroup *g, gboolean write)
{
  if (!g->detail)
    return;
  Agg *a = finding(e, c, kind, g->detail->str);
  g_autofree char *code_text = g_strdup_printf("0x%02X", g->rc);
  s7_agg_set_code(a, SRC_ITEM, g->rc, code_text);
  if (!a->x.n_items) {
    a->x.n_items = g->n;
    a->x.code = g->rc;
    a->x.write = write;
    a->x.function = write ? S7_FUNC_WRITE_VAR : S7_FUNC_READ_VAR;
    a->x.job_frame = job ? job->frame : 0;
    a->x.first_item = g->first_index + 1;
    a->x.item_count = g->first ? g->first->length : 0;
    a->x.item_bits = g->first && g->first->transport_size == 1;
    a->x.all_db = g->all_db;
    a->x.db = g->one_db ? (int)g->db : -1;
    if (g->first) {
      guint32 first, len;
      s7_item_byte_range(g->first, &first, &len);
      a->x.fail_lo = first;
      a->x.fail_hi = first + len;
    }
  }
  a->x.offset0 |= g->offset0;
  add_evidence(e, a, job, ev);
  g_string_free(g->detail, TRUE);
}

/* Per-item return codes of a Read/Write Var Ack_Data */
static void on_item_codes(S7Engine *e, Conn *c, const S7Event *ev, const Job *job, gboolean write)
{
  const S7Pdu *p = &ev->u.s7;
  FailGroup groups[S7K_COUNT];
  memset(groups, 0, sizeof groups);
  gboolean all_ok = p->n_retcodes > 0;
  for (guint i = 0; i < p->n_retcodes; i++) {
    guint8 rc = p->retcodes[i];
    const S7ReqItem *it = (job && i < job->n_items) ? &job->items[i] : NULL;
    S7Kind kind;
    gboolean bad = s7_kind_for_item_return(rc, &kind);
    if (it)
      area_touch(e, c, it, write, bad);
    if (!bad) {
      if (it && rc == 0xFF) {
        note_db_ok(e, c, it, write);
        if (write)
          note_write(e, c, it, ev, job);
      }
      continue;
    }
    all_ok = FALSE;
    c->n_errors++;
    group_add(&groups[kind], it, i, rc);
  }
  for (guint k = 0; k < S7K_COUNT; k++)
    group_emit(e, c, ev, job, (S7Kind)k, &groups[k], write);
  if (write && all_ok) {
    Agg *a = finding(e, c, S7K_UNAUTHENTICATED_WRITE, NULL);
    for (guint i = 0; job && i < job->n_items; i++)
      s7_agg_add_range(a, &job->items[i]);
    add_evidence(e, a, job, ev);
  }
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

/* A job whose response was captured before it (the capture's order is not the wire's): the
 * response's TCP segment acknowledged the job's bytes before they were captured, and the job
 * follows within the window. Without that acknowledgement an unpaired response is the answer
 * to a job sent before the capture started (and a client reusing PDU ref 0 is not reordered). */
static gboolean answered_early(S7Engine *e, Conn *c, const S7Pdu *p, gint64 ts_us)
{
  gboolean ud = p->rosctr == S7_ROSCTR_USERDATA;
  for (GList *l = c->early.head; l; l = l->next) {
    EarlyResponse *r = l->data;
    if (r->pdu_ref == p->pdu_ref && r->userdata == ud && r->acks_unseen &&
        ts_us - r->ts_us <= REORDER_WINDOW_US &&
        r->ts_us - ts_us <= REORDER_WINDOW_US) {
      g_free(r);
      g_queue_delete_link(&c->early, l);
      e->stats.reordered_responses++;
      if (e->stats.unpaired_responses > 0)
        e->stats.unpaired_responses--;
      return TRUE;
    }
  }
  return FALSE;
}

/* A client segment that tshark calls a retransmission, though its data was never captured
 * before: the job of an early response, captured after it (tshark does not decode it again) */
void s7_engine_on_late_segment(S7Engine *e, Conn *c, const S7Event *ev)
{
  for (GList *l = c->early.head; l; l = l->next) {
    EarlyResponse *r = l->data;
    if (r->acks_unseen && ev->ts_us - r->ts_us <= REORDER_WINDOW_US && ev->frame > r->frame) {
      g_free(r);
      g_queue_delete_link(&c->early, l);
      e->stats.reordered_responses++;
      if (e->stats.unpaired_responses > 0)
        e->stats.unpaired_responses--;
      return;
    }
  }
}

static void remember_early(Conn *c, const S7Event *ev)
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

void s7_engine_check_stale_jobs(S7Engine *e, Conn *c, gint64 now_us, gboolean closing)
{
  gint64 limit = (gint64)(e->cfg.no_response_timeout_s * 1e6);
  GList *l = c->jobs.head;
  while (l) {
    GList *next = l->next;
    Job *j = l->data;
    if (now_us - j->ts_us >= limit && !c->capture_gap && !s7_quality_plc_unseen(c)) {
      char fbuf[S7_FUNCTION_TEXT_MAX];
      const char *ftext = s7_function_text(j->function, j->ud_group, j->ud_subfunc, fbuf);
      Agg *a = finding(e, c, S7K_NO_RESPONSE, ftext);
      if (!a->x.job_frame) {
        a->x.job_frame = j->frame;
        a->x.function = j->function;
        a->x.waited_us = now_us - j->ts_us;
        a->x.closed_how = closing ? c->ended : END_OPEN;
        a->x.close_frame = closing ? c->end_frame : 0;
        a->x.ack_frame = c->plc_ack_frame > j->frame ? c->plc_ack_frame : 0;
      }
      s7_agg_add_frame(e, a, j->frame, j->ts_us);
      if (a->x.ack_frame && c->plc_ack_frame > j->frame)
        s7_agg_add_frame(e, a, c->plc_ack_frame, c->plc_ack_ts);
      if (closing && c->end_frame)
        s7_agg_add_frame(e, a, c->end_frame, c->end_ts);
      g_queue_delete_link(&c->jobs, l);
      s7_job_free(j);
    }
    l = next;
  }
}

/* The bytes a Read/Write Var job takes, and its answer: the S7 header (10, an Ack_Data 12),
 * the parameter (2 + 12 per item for a job, 2 for an answer) and the data (4 + the value,
 * padded to an even length between items) */
static void job_sizes(const S7Pdu *p, guint32 *request, guint32 *answer)
{
  guint32 data_req = 0, data_ans = 0;
  for (guint i = 0; i < p->n_items; i++) {
    guint32 first, len;
    s7_item_byte_range(&p->items[i], &first, &len);
    guint32 pad = i + 1 < p->n_items ? (len & 1) : 0;
    data_ans += 4 + len + pad;
    if (p->function == S7_FUNC_WRITE_VAR)
      data_req += 4 + len + pad;
  }
  *request = 10 + 2 + 12 * p->n_items + data_req;
  *answer = 12 + 2 + (p->function == S7_FUNC_READ_VAR ? data_ans : p->n_items);
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
  if (p->rosctr == S7_ROSCTR_JOB && (p->function == S7_FUNC_READ_VAR || p->function == S7_FUNC_WRITE_VAR))
    job_sizes(p, &j->request_size, &j->answer_size);
  g_queue_push_tail(&c->jobs, j);
  c->peak_in_flight = MAX(c->peak_in_flight, g_queue_get_length(&c->jobs));
}

/* More jobs in flight than the negotiated Max AmQ (the client's own parallel jobs) */
static void check_amq(S7Engine *e, Conn *c, const S7Event *ev)
{
  guint open = g_queue_get_length(&c->jobs);
  if (!c->amq_calling || open <= c->amq_calling)
    return;
  Agg *a = finding(e, c, S7K_AMQ_EXCEEDED, NULL);
  a->x.in_flight = MAX(a->x.in_flight, open);
  a->x.amq = c->amq_calling;
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

/* A job that does not fit the negotiated PDU, or whose answer would not: known before the
 * CPU answers 0x8500 (which then tells it itself) */
static gboolean job_too_big(const Conn *c, const Job *j)
{
  return c->pdu_size && j->request_size &&
         (j->request_size > c->pdu_size || j->answer_size > c->pdu_size);
}

static void size_facts(Agg *a, const Conn *c, const Job *j)
{
  if (a->x.job_bytes)
    return;
  gboolean req = j->request_size > c->pdu_size;
  a->x.pdu_size = c->pdu_size;
  a->x.job_bytes = req ? j->request_size : j->answer_size;
  a->x.answer_too_big = !req;
  a->x.function = j->function;
  a->x.job_frame = j->frame;
}

/* A job larger than the negotiated PDU itself (its answer's size is told with the 0x8500) */
static void check_job_size(S7Engine *e, Conn *c, const Job *j, const S7Event *ev)
{
  if (!c->pdu_size || !j->request_size || j->request_size <= c->pdu_size)
    return;
  Agg *a = finding(e, c, S7K_PDU_SIZE_EXCEEDED, "job larger than the PDU");
  size_facts(a, c, j);
  s7_agg_add_frame(e, a, j->frame, j->ts_us);
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

/* A negotiated S7 PDU that does not fit the COTP TPDU: large answers arrive in fragments */
static void check_fragmentation(S7Engine *e, Conn *c, const S7Event *ev)
{
  if (c->fragment_noted || !c->tpdu_size || !c->pdu_size || (guint32)c->pdu_size + 3 <= c->tpdu_size)
    return;
  c->fragment_noted = TRUE;
  Agg *a = finding(e, c, S7K_PDU_FRAGMENTED, NULL);
  a->x.pdu_size = c->pdu_size;
  a->x.tpdu_size = c->tpdu_size;
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

static void on_request(S7Engine *e, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  c->n_jobs++;
  e->stats.jobs++;
  PairContext *pair = s7_conn_pair(e, c);
  guint32 *first = NULL;
  gint64 *first_ts = NULL;
  if (p->rosctr == S7_ROSCTR_JOB && p->function == S7_FUNC_READ_VAR) {
    pair->read_jobs++;
    first = &pair->first_read_frame, first_ts = &pair->first_read_ts;
  } else if (p->rosctr == S7_ROSCTR_JOB && p->function == S7_FUNC_WRITE_VAR) {
    pair->write_jobs++;
    first = &pair->first_write_frame, first_ts = &pair->first_write_ts;
  } else if (p->rosctr == S7_ROSCTR_JOB && (p->function == S7_FUNC_PLC_STOP || p->function == S7_FUNC_PI_SERVICE ||
                                           p->function == S7_FUNC_REQ_DOWNLOAD)) {
    pair->control_jobs++;
    first = &pair->first_control_frame, first_ts = &pair->first_control_ts;
  } else if (p->rosctr == S7_ROSCTR_JOB && p->function == S7_FUNC_SETUP_COMM) {
    first = NULL;   /* part of every connection, not a job of the application */
  } else {
    pair->other_jobs++;
    first = &pair->first_read_frame, first_ts = &pair->first_read_ts;   /* informational */
  }
  if (first && !*first) {
    *first = ev->frame;
    *first_ts = ev->ts_us;
  }
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
      a->x.function = p->function;
      s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
      break;
    }
    case S7_FUNC_READ_VAR:
    case S7_FUNC_WRITE_VAR: {
      PlcContext *pc = s7_conn_plc(e, c);
      pc->data_jobs++;
      if (!c->data_client_noted && !g_hash_table_contains(pc->data_clients, c->client.addr))
        g_hash_table_add(pc->data_clients, g_strdup(c->client.addr));
      c->data_client_noted = TRUE;
      s7_conn_pair(e, c)->data_jobs++;
      break;
    }
    default:
      break;
    }
  } else if (p->ud_group == S7_UD_GRP_SECURITY && p->ud_subfunc == 1) {
    Agg *a = finding(e, c, S7K_PASSWORD_ATTEMPT, NULL);
    s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
  }
  if (answered_early(e, c, p, ev->ts_us))
    return;   /* its response came first: nothing left to wait for */
  push_job(c, ev);
  check_amq(e, c, ev);
}

static void on_response(S7Engine *e, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  e->stats.responses++;
  if (!c->server_noted && !g_hash_table_contains(e->s7_servers, c->plc.addr))
    g_hash_table_add(e->s7_servers, g_strdup(c->plc.addr));
  c->server_noted = TRUE;
  Job *job = take_job(c, p);
  if (job) {
    c->n_answered++;
    gint64 took = MAX(ev->ts_us - job->ts_us, 0);
    c->response_sum_us += took;
    c->response_max_us = MAX(c->response_max_us, took);
  } else {
    e->stats.unpaired_responses++;
    remember_early(c, ev);
  }
  guint16 func = job ? job->function : p->function;
  guint8 ud_group = job ? job->ud_group : p->ud_group;
  guint8 ud_sub = job ? job->ud_subfunc : p->ud_subfunc;
  PlcContext *pc = s7_conn_plc(e, c);
  gboolean data = func == S7_FUNC_READ_VAR || func == S7_FUNC_WRITE_VAR;

  if (p->rosctr == S7_ROSCTR_USERDATA) {
    const S7Identity *id = &p->identity;
    if (id->order_number[0] || id->firmware[0] || id->system_name[0] || id->module_name[0] ||
        id->plant[0] || id->serial[0] || id->cpu_type[0])
      s7_plc_learn_identity(e, c->plc_s, id);
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
      Agg *a = on_error_code(e, c, ev, job, code, SRC_HEADER, func, 0, 0);
      if (job && code == 0x8500 && job_too_big(c, job))
        size_facts(a, c, job);   /* the size it would have needed, for the text */
    } else if (func == S7_FUNC_SETUP_COMM) {
      c->pdu_size = p->pdu_size;
      c->amq_calling = p->max_amq_calling;
      c->amq_called = p->max_amq_called;
      check_fragmentation(e, c, ev);
    } else if (data) {
      pc->data_jobs_ok++;
      on_item_codes(e, c, ev, job, func == S7_FUNC_WRITE_VAR);
      if (job)
        check_job_size(e, c, job, ev);
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

/* ------------------------------------------------------------------ S7comm-plus */

void s7_engine_on_s7plus(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client)
{
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
    s7_plc_learn_identity(e, c->plc_s, &p->identity);
  if (from_client && p->opcode == S7PLUS_OP_REQUEST)
    c->s7plus_request = p->function;
  if (from_client || !p->has_return)
    return;
  if (p->error_code >= 0) {
    c->s7plus_ok++;
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
    s7_agg_add_frame(e, first, ev->frame, ev->ts_us);
    return;
  }
  Agg *a = finding(e, c, S7K_S7PLUS_ERROR, detail);
  g_autofree char *code = g_strdup_printf("%d", p->error_code);
  s7_agg_set_code(a, SRC_FRAMES, 0, code);
  if (!a->x.s7plus_error) {
    a->x.s7plus_error = p->error_code;
    a->x.s7plus_generic = p->generic_error;
    a->x.function = function;
  }
  c->s7plus_first_error = a;
  s7_agg_add_frame(e, a, ev->frame, ev->ts_us);
}

/* At the end of a connection: the session's facts. A session whose highest version is 1 or 2
 * has no (or weak) integrity protection; every session starts with a V1 CreateObject, so only
 * the highest version seen says what the session used, and only of a session the CPU accepted
 * that did not continue inside TLS. */
void s7_engine_s7plus_conn_end(S7Engine *e, Conn *c)
{
  if (!c->s7plus_pdus)
    return;
  Agg *err = c->s7plus_first_error;
  if (err) {
    err->x.session_ended_normally = c->ended == END_FIN_CLIENT || c->ended == END_FIN_PLC;
    err->x.session_end_ts = c->ended ? c->end_ts : c->last_ts;
  } else if (c->s7plus_ok) {
    PairContext *p = s7_conn_pair(e, c);
    p->s7plus_ok_start = MAX(p->s7plus_ok_start, c->s7plus_first_ts);
  }
  /* a session that was never set up (CreateObject refused), or that went on inside TLS
   * (whose version the capture does not show), used no legacy protocol */
  if ((c->s7plus_version != 1 && c->s7plus_version != 2) || !c->s7plus_ok || c->tls_records)
    return;
  g_autofree char *detail = g_strdup_printf("V%u", c->s7plus_version);
  Agg *a = finding(e, c, S7K_S7PLUS_LEGACY, detail);
  s7_agg_add_frame(e, a, c->s7plus_first_frame, c->s7plus_first_ts);
}
