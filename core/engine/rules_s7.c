/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules_s7.c — S7comm jobs and responses (see rules.h): error codes answering jobs, per-item
 * return codes, jobs that do not fit the PDU or exceed Max AmQ, unanswered jobs, control jobs
 * and password attempts; the DB/area inventory and what worked on each DB; every client's
 * writes of each address (write conflicts). The rules record facts; texts.c writes what they
 * mean. */
#include <math.h>
#include <string.h>

#include "rules.h"

#define MAX_LISTED_ITEMS 8        /* failing items named in one finding's detail */

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

/* The area an item of a job addresses, made when first addressed */
static S7AreaSummary *area_of(Ctx *x, Conn *c, const S7ReqItem *it)
{
  const char *name = s7_area_name(it->area);
  gboolean numbered_db = it->area == S7_AREA_DB || it->area == S7_AREA_DI;
  AreaKey key = { c->plc_s, !name ? G_MAXUINT32 : (guint32)it->area << 16 | (numbered_db ? it->db : 0) };
  S7AreaSummary *a = g_hash_table_lookup(x->rec->areas, &key);
  if (!a) {
    guint32 first, len;
    s7_item_byte_range(it, &first, &len);
    a = g_new0(S7AreaSummary, 1);
    a->plc = g_strdup(c->plc_s);
    a->area = numbered_db ? g_strdup_printf("%s%u", name, it->db) : g_strdup(name ? name : "?");
    a->numbered = is_counter_or_timer(it->area);
    a->lowest = first;
    a->highest = first + len;
    AreaKey *kept = g_new(AreaKey, 1);
    kept->plc = a->plc;
    kept->area = key.area;
    g_hash_table_insert(x->rec->areas, kept, a);
  }
  return a;
}

/* Every Read/Write Var job's items touch their areas when the job is sent, answered or not */
static void areas_touch(Ctx *x, Conn *c, const S7Pdu *p)
{
  gboolean write = p->function == S7_FUNC_WRITE_VAR;
  for (guint i = 0; i < p->n_items; i++) {
    const S7ReqItem *it = &p->items[i];
    if (it->syntax_id != 0x10)
      continue;
    S7AreaSummary *a = area_of(x, c, it);
    guint32 first, len;
    s7_item_byte_range(it, &first, &len);
    if (write)
      a->writes++;
    else
      a->reads++;
    a->lowest = MIN(a->lowest, first);
    a->highest = MAX(a->highest, first + len);
  }
}

/* What the answer said of one item of a job: it worked, or failed (an item code, or the whole
 * job refused) */
static void area_result(Ctx *x, Conn *c, const S7ReqItem *it, gboolean error)
{
  if (it->syntax_id != 0x10)
    return;
  S7AreaSummary *a = area_of(x, c, it);
  guint32 first, len;
  s7_item_byte_range(it, &first, &len);
  if (error) {
    a->errors++;
    widen(&a->failed, &a->failed_lo, &a->failed_hi, first, first + len);
  } else {
    widen(&a->ok, &a->ok_lo, &a->ok_hi, first, first + len);
  }
}

/* What worked on a DB: success there proves the DB exists and allows absolute access */
static void note_db_ok(Ctx *x, Conn *c, const S7ReqItem *it, gboolean write)
{
  if (it->area != S7_AREA_DB || it->syntax_id != 0x10)
    return;
  PlcRecord *pc = s7_conn_plc(x->rec, c);
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
static void note_write(Ctx *x, Conn *c, const S7ReqItem *it, const S7Event *ev, const S7Exchange *job)
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
  PlcRecord *pc = s7_conn_plc(x->rec, c);
  WriteCell *w = NULL;
  for (guint i = 0; i < pc->writes->len && !w; i++) {
    WriteCell *q = &g_array_index(pc->writes, WriteCell, i);
    if (q->area == it->area && q->db == it->db && q->lo_bit == lo && q->hi_bit == hi &&
        !strcmp(q->client, c->client.addr))
      w = q;
  }
  gint64 ts = job ? job->job_ts_us : ev->ts_us;
  guint32 frame = job ? job->job_frame : ev->frame;
  if (!w) {
    if (pc->writes->len >= MAX_WRITE_CELLS)
      return;
    WriteCell n = { .area = it->area, .db = it->db, .lo_bit = lo, .hi_bit = hi, .tsize = it->transport_size,
                    .first_ts = ts, .vlen = it->data_len };
    g_strlcpy(n.client, c->client.addr, sizeof n.client);
    s7_format_address(it, n.address);
    guint32 first_byte, nbytes;
    s7_item_byte_range(it, &first_byte, &nbytes);
    if ((it->transport_size == 2 || it->transport_size == 3) && it->length > 1 && nbytes > 1) {
      gsize l = strlen(n.address);   /* several bytes: the range they cover, "DB5.DBB0-7" */
      g_snprintf(n.address + l, sizeof n.address - l, "-%u", first_byte + nbytes - 1);
    }
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

/* A REAL's value: 40.0 for a whole number, else as %g */
static void real_text(GString *s, guint32 u)
{
  float f;
  memcpy(&f, &u, sizeof f);
  double d = f;
  if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
    g_string_append_printf(s, "%.1f", d);
  else
    g_string_append_printf(s, "%g", d);
}

/* An S7 STRING as written (max length, actual length, characters): TRUE when it is one */
static gboolean s7_string_text(GString *s, const guint8 *v, guint n)
{
  if (n < 3 || v[1] > v[0] || (guint)v[1] + 2 > n || n > (guint)v[0] + 2)
    return FALSE;
  for (guint i = 2; i < 2u + v[1]; i++)
    if (v[i] < 0x20 || v[i] > 0x7e)
      return FALSE;
  g_string_append_printf(s, "STRING[%u] '%.*s'", v[0], (int)v[1], (const char *)v + 2);
  return TRUE;
}

/* A value as written, decoded by its transport size (BOOL, BYTE, CHAR, WORD, INT, DWORD, DINT,
 * REAL, several of one, an S7 STRING in bytes); as_real: 4 bytes of another type also as the
 * REAL they make (another writer writes a REAL there) */
static void value_text(const WriteCell *w, gboolean as_real, char *buf, gsize size)
{
  const guint8 *v = w->value;
  guint n = w->vlen;
  GString *s = g_string_new(NULL);
  guint el = w->tsize == 4 || w->tsize == 5 ? 2 : w->tsize >= 6 && w->tsize <= 8 ? 4 : 1;
  if (!n) {
    g_string_assign(s, "?");
  } else if (w->tsize == 1) {
    g_string_printf(s, "%u", v[0] & 1);
  } else if (w->tsize == 3 && n == 1 && v[0] >= 0x20 && v[0] <= 0x7e) {
    g_string_printf(s, "'%c'", v[0]);
  } else if (w->tsize == 2 && n == 1) {
    g_string_printf(s, "%u (0x%02X)", v[0], v[0]);
  } else if ((w->tsize == 2 || w->tsize == 3) && s7_string_text(s, v, n)) {
    /* written */
  } else if (w->tsize >= 4 && w->tsize <= 8 && n % el == 0 && n / el <= 4) {
    for (guint i = 0; i < n; i += el) {
      guint32 u = el == 2 ? (guint32)(v[i] << 8 | v[i + 1])
                          : (guint32)v[i] << 24 | (guint32)v[i + 1] << 16 | (guint32)v[i + 2] << 8 | v[i + 3];
      if (i)
        g_string_append(s, ", ");
      switch (w->tsize) {
      case 5: g_string_append_printf(s, "%d", (gint16)u); break;
      case 7: g_string_append_printf(s, "%d", (gint32)u); break;
      case 8: real_text(s, u); break;
      default: g_string_append_printf(s, "%u", u); break;
      }
    }
  } else {
    g_string_append(s, "0x");
    for (guint i = 0; i < n && i < 16; i++)
      g_string_append_printf(s, "%02X", v[i]);
    if (n > 16)
      g_string_append(s, "...");
  }
  if (as_real && n == 4 && w->tsize != 8) {
    g_string_append(s, " (as REAL ");
    real_text(s, (guint32)v[0] << 24 | (guint32)v[1] << 16 | (guint32)v[2] << 8 | v[3]);
    g_string_append(s, ")");
  }
  g_strlcpy(buf, s->str, size);
  g_string_free(s, TRUE);
}

/* The name of a whole-byte range as one address: MB8, MW8, MD8 (DB1.DBD8 ...), else the bytes */
static void range_name(const WriteCell *w, guint32 lo_bit, guint32 hi_bit, char *out)
{
  guint32 bytes = (hi_bit - lo_bit) / 8;
  guint8 ts = bytes == 4 ? 6 : bytes == 2 ? 4 : 2;
  S7ReqItem it = S7_ITEM(0x10, w->area, ts, w->db, lo_bit, bytes == 4 || bytes == 2 ? 1 : bytes);
  s7_format_address(&it, out);
}

/* Two or more clients writing overlapping ranges of a PLC: one finding per address */
void s7_rule_write_conflicts(Ctx *x, const char *plc, PlcRecord *p)
{
  guint n = p->writes->len;
  for (guint i = 0; i < n; i++) {
    WriteCell *a = &g_array_index(p->writes, WriteCell, i);
    for (guint j = i + 1; j < n; j++) {
      WriteCell *b = &g_array_index(p->writes, WriteCell, j);
      if (a->area != b->area || a->db != b->db || !strcmp(a->client, b->client) ||
          a->hi_bit <= b->lo_bit || b->hi_bit <= a->lo_bit)
        continue;
      /* the narrower range names the place ("M101.1" inside "MB101"); two writers of the same
       * whole bytes are one name for both, by its width (MB8 as 4 bytes and MD8 as a REAL: MD8) */
      const WriteCell *narrow = (a->hi_bit - a->lo_bit) <= (b->hi_bit - b->lo_bit) ? a : b;
      const WriteCell *cells[2] = { a, b };
      char same[S7_ADDRESS_TEXT_MAX] = "";
      if (a->lo_bit == b->lo_bit && a->hi_bit == b->hi_bit && a->lo_bit % 8 == 0 && a->hi_bit % 8 == 0)
        range_name(a, a->lo_bit, a->hi_bit, same);
      const char *first = strcmp(a->client, b->client) < 0 ? a->client : b->client;
      const char *second = first == a->client ? b->client : a->client;
      g_autofree char *clients = g_strdup_printf("%s, %s", first, second);
      Agg *g = s7_agg_get(x->fs, S7K_WRITE_CONFLICT, plc, clients, clients, *same ? same : narrow->address, NULL);
      g->f->occurrences = 0;
      for (guint k = 0; k < 2; k++) {
        const WriteCell *w = cells[k];
        guint slot = g->x.n_writers;
        for (guint m = 0; m < g->x.n_writers; m++)
          if (!strcmp(g->x.writers[m].client, w->client) &&
              !strcmp(g->x.writers[m].address, *same ? same : w->address))
            slot = m;
        if (slot == g->x.n_writers) {
          if (slot >= G_N_ELEMENTS(g->x.writers))
            continue;
          g->x.n_writers++;
          g_strlcpy(g->x.writers[slot].client, w->client, sizeof g->x.writers[slot].client);
          g_strlcpy(g->x.writers[slot].address, *same ? same : w->address, sizeof g->x.writers[slot].address);
          g->x.writers[slot].count = w->count;
          g->x.writers[slot].first_ts = w->first_ts;
          g->x.writers[slot].last_ts = w->last_ts;
          g->x.writers[slot].changes = w->changes;
          const WriteCell *other = cells[1 - k];
          value_text(w, other->tsize == 8 && other->vlen == 4, g->x.writers[slot].value,
                     sizeof g->x.writers[slot].value);
          for (guint f = 0; f < w->n_frames; f++)
            s7_agg_add_frame(x->fs, g, w->frames[f], w->frame_ts[f]);
          s7_agg_span(g, w->first_ts, w->last_ts);   /* every write, not only the evidence */
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

static Agg *finding(Ctx *x, Conn *c, S7Kind kind, const char *detail)
{
  return s7_conn_finding(x->fs, c, kind, detail);
}

static void add_evidence(Ctx *x, Agg *a, const S7Exchange *job, const S7Event *ev)
{
  if (job)
    s7_agg_add_frame(x->fs, a, job->job_frame, job->job_ts_us);
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}

/* An error code (header or userdata parameter) answering a job */
static Agg *on_error_code(Ctx *x, Conn *c, const S7Event *ev, const S7Exchange *job, guint16 code,
                          CodeSource src, guint16 func, guint8 ud_group, guint8 ud_subfunc)
{
  gboolean harmless;
  S7Kind kind = s7_kind_for_error(code, func, &harmless);
  Agg *a = c->err_agg;
  guint16 szl = job ? job->szl_id : 0;
  if (a && c->err_code == code && c->err_func == func && c->err_ud_group == ud_group &&
      c->err_ud_subfunc == ud_subfunc && c->err_szl == szl) {
    s7_agg_again(a);   /* the finding the same answer made on this connection: its code is set */
  } else {
    char fbuf[S7_FUNCTION_TEXT_MAX];
    const char *ftext = s7_job_text(func, ud_group, ud_subfunc, szl, fbuf);
    a = finding(x, c, kind, kind == S7K_PUTGET_DENIED ? "Read/Write Var" : ftext);
    char code_text[8];
    g_snprintf(code_text, sizeof code_text, "0x%04X", code);
    s7_agg_set_code(a, src, code, code_text);
    c->err_agg = a;
    c->err_code = code;
    c->err_func = func;
    c->err_ud_group = ud_group;
    c->err_ud_subfunc = ud_subfunc;
    c->err_szl = szl;
  }
  if (!a->x.code) {
    a->x.code = code;
    a->x.function = func;
    a->x.ud_group = ud_group;
    a->x.ud_subfunc = ud_subfunc;
    a->x.szl_id = szl;
    a->x.job_frame = job ? job->job_frame : 0;
  }
  a->x.harmless |= harmless;   /* a probe's answer, as when an engineering tool goes online */
  if (kind == S7K_PUTGET_DENIED) {
    a->x.refused_jobs++;
    s7_conn_pair(x->rec, c)->data_jobs_8104++;
  }
  add_evidence(x, a, job, ev);
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

static void group_emit(Ctx *x, Conn *c, const S7Event *ev, const S7Exchange *job, S7Kind kind,
                       FailGroup *g, gboolean write)
{
  if (!g->detail)
    return;
  Agg *a = finding(x, c, kind, g->detail->str);
  g_autofree char *code_text = g_strdup_printf("0x%02X", g->rc);
  s7_agg_set_code(a, SRC_ITEM, g->rc, code_text);
  if (!a->x.n_items) {
    a->x.n_items = g->n;
    a->x.code = g->rc;
    a->x.write = write;
    a->x.function = write ? S7_FUNC_WRITE_VAR : S7_FUNC_READ_VAR;
    a->x.job_frame = job ? job->job_frame : 0;
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
  add_evidence(x, a, job, ev);
  g_string_free(g->detail, TRUE);
}

/* Per-item return codes of a Read/Write Var Ack_Data */
static void on_item_codes(Ctx *x, Conn *c, const S7Event *ev, const S7Exchange *job, gboolean write)
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
      area_result(x, c, it, bad);
    if (!bad) {
      if (it && rc == 0xFF) {
        note_db_ok(x, c, it, write);
        if (write)
          note_write(x, c, it, ev, job);
      }
      continue;
    }
    all_ok = FALSE;
    group_add(&groups[kind], it, i, rc);
  }
  if (!all_ok && p->n_retcodes)
    c->n_errors++;   /* a failed job, however many of its items failed */
  for (guint k = 0; k < S7K_COUNT; k++)
    group_emit(x, c, ev, job, (S7Kind)k, &groups[k], write);
  if (write && all_ok) {
    Agg *a = finding(x, c, S7K_UNAUTHENTICATED_WRITE, NULL);
    for (guint i = 0; job && i < job->n_items; i++)
      s7_agg_add_range(a, &job->items[i]);
    add_evidence(x, a, job, ev);
  }
}

void s7_rule_stale_jobs(Ctx *x, Conn *c, gint64 now_us, gboolean closing)
{
  gint64 limit = (gint64)(x->cfg->no_response_timeout_s * 1e6);
  GList *l = c->jobs.head;
  while (l) {
    GList *next = l->next;
    S7Exchange *j = l->data;
    if (now_us - j->job_ts_us >= limit && !c->capture_gap && !s7_conn_plc_unseen(c)) {
      char fbuf[S7_FUNCTION_TEXT_MAX];
      const char *ftext = s7_job_text(j->function, j->ud_group, j->ud_subfunc, j->szl_id, fbuf);
      Agg *a = finding(x, c, S7K_NO_RESPONSE, ftext);
      if (!a->x.job_frame) {
        a->x.job_frame = j->job_frame;
        a->x.function = j->function;
        a->x.ud_group = j->ud_group;
        a->x.ud_subfunc = j->ud_subfunc;
        a->x.szl_id = j->szl_id;
        a->x.waited_us = now_us - j->job_ts_us;
        a->x.closed_how = closing ? c->ended : END_OPEN;
        a->x.close_frame = closing ? c->end_frame : 0;
        a->x.ack_frame = c->plc_ack_frame > j->job_frame ? c->plc_ack_frame : 0;
        a->x.ack_delay_us = a->x.ack_frame ? c->plc_ack_ts - j->job_ts_us : 0;
        a->x.rtt_us = c->synack && c->syn_count ? c->synack_ts - c->last_syn_ts : 0;
      }
      s7_agg_add_frame(x->fs, a, j->job_frame, j->job_ts_us);
      if (a->x.ack_frame && c->plc_ack_frame > j->job_frame)
        s7_agg_add_frame(x->fs, a, c->plc_ack_frame, c->plc_ack_ts);
      if (closing && c->end_frame)
        s7_agg_add_frame(x->fs, a, c->end_frame, c->end_ts);
      g_queue_delete_link(&c->jobs, l);
      s7_exchange_free(j);
    }
    l = next;
  }
}

/* More jobs in flight than the negotiated Max AmQ (the client's own parallel jobs) */
static void check_amq(Ctx *x, Conn *c, const S7Event *ev)
{
  guint open = g_queue_get_length(&c->jobs);
  if (!c->amq_calling || open <= c->amq_calling)
    return;
  Agg *a = finding(x, c, S7K_AMQ_EXCEEDED, NULL);
  a->x.in_flight = MAX(a->x.in_flight, open);
  a->x.amq = c->amq_calling;
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}

/* A job that does not fit the negotiated PDU, or whose answer would not: known before the
 * CPU answers 0x8500 (which then tells it itself) */
static gboolean job_too_big(const Conn *c, const S7Exchange *j)
{
  guint32 request, answer;
  return c->pdu_size && s7_exchange_sizes(j, &request, &answer) &&
         (request > c->pdu_size || answer > c->pdu_size);
}

static void size_facts(Agg *a, const Conn *c, const S7Exchange *j)
{
  guint32 request, answer;
  if (a->x.job_bytes || !s7_exchange_sizes(j, &request, &answer))
    return;
  gboolean req = request > c->pdu_size;
  a->x.pdu_size = c->pdu_size;
  a->x.job_bytes = req ? request : answer;
  a->x.answer_too_big = !req;
  a->x.function = j->function;
  a->x.job_frame = j->job_frame;
}

/* A job larger than the negotiated PDU itself (its answer's size is told with the 0x8500) */
static void check_job_size(Ctx *x, Conn *c, const S7Exchange *j, const S7Event *ev)
{
  guint32 request, answer;
  if (!c->pdu_size || !s7_exchange_sizes(j, &request, &answer) || request <= c->pdu_size)
    return;
  Agg *a = finding(x, c, S7K_PDU_SIZE_EXCEEDED, "job larger than the PDU");
  size_facts(a, c, j);
  s7_agg_add_frame(x->fs, a, j->job_frame, j->job_ts_us);
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}

/* A negotiated S7 PDU that does not fit the COTP TPDU: large answers arrive in fragments */
static void check_fragmentation(Ctx *x, Conn *c, const S7Event *ev)
{
  if (c->fragment_noted || !c->tpdu_size || !c->pdu_size || (guint32)c->pdu_size + 3 <= c->tpdu_size)
    return;
  c->fragment_noted = TRUE;
  Agg *a = finding(x, c, S7K_PDU_FRAGMENTED, NULL);
  a->x.pdu_size = c->pdu_size;
  a->x.tpdu_size = c->tpdu_size;
  s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
}

static S7Exchange *on_request(Ctx *x, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  c->n_jobs++;
  x->stats->jobs++;
  PairRecord *pair = s7_conn_pair(x->rec, c);
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
      Agg *a = finding(x, c, S7K_PLC_CONTROL, what ? what : pi);
      a->x.function = p->function;
      s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
      break;
    }
    case S7_FUNC_READ_VAR:
    case S7_FUNC_WRITE_VAR: {
      PlcRecord *pc = s7_conn_plc(x->rec, c);
      pc->data_jobs++;
      if (!c->data_client_noted && !g_hash_table_contains(pc->data_clients, c->client.addr))
        g_hash_table_add(pc->data_clients, g_strdup(c->client.addr));
      c->data_client_noted = TRUE;
      s7_conn_pair(x->rec, c)->data_jobs++;
      areas_touch(x, c, p);
      break;
    }
    default:
      break;
    }
  } else if (p->ud_group == S7_UD_GRP_SECURITY && p->ud_subfunc == 1) {
    Agg *a = finding(x, c, S7K_PASSWORD_ATTEMPT, NULL);
    s7_agg_add_frame(x->fs, a, ev->frame, ev->ts_us);
  }
  if (s7_exchange_answered_early(x, c, p, ev->ts_us))
    return NULL;   /* its response came first: nothing left to wait for */
  S7Exchange *job = s7_exchange_push(x->rec, c, ev);
  check_amq(x, c, ev);
  return job;
}

/* A Read/Write Var answer's time: into the connection's histogram, and kept when it is slow
 * enough to be a candidate (judged against the usual time at the connection's end) */
static void note_answer_time(Conn *c, const S7Exchange *job, const S7Event *ev, gint64 took)
{
  guint k = 0;
  for (gint64 t = took >> 6; t > 1 && k < RT_BUCKETS - 1; t >>= 1)
    k++;
  c->rt_hist[k]++;
  if (took < SLOW_MIN_US)
    return;
  if (!c->slow)
    c->slow = g_array_new(FALSE, FALSE, sizeof(SlowAnswer));
  if (c->slow->len >= MAX_SLOW) {
    c->slow_more++;
    return;
  }
  SlowAnswer s = { job->job_frame, ev->frame, job->job_ts_us, ev->ts_us, job->function };
  g_array_append_val(c->slow, s);
}

/* The usual answer time of a connection: the upper bound of its median bucket */
static gint64 usual_answer_us(const Conn *c)
{
  guint64 n = 0, seen = 0;
  for (guint k = 0; k < RT_BUCKETS; k++)
    n += c->rt_hist[k];
  for (guint k = 0; k < RT_BUCKETS; k++) {
    seen += c->rt_hist[k];
    if (n && seen * 2 >= n)
      return (gint64)128 << k;
  }
  return 0;
}

void s7_rule_s7_conn_end(Ctx *x, Conn *c)
{
  if (!c->slow || !c->slow->len)
    return;
  gint64 usual = usual_answer_us(c);
  gint64 limit = MAX(SLOW_MIN_US, 10 * usual);
  const SlowAnswer *worst = NULL;
  guint64 n = 0;
  for (guint i = 0; i < c->slow->len; i++) {
    const SlowAnswer *s = &g_array_index(c->slow, SlowAnswer, i);
    if (s->ts_us - s->job_ts_us < limit)
      continue;
    n++;
    if (!worst || s->ts_us - s->job_ts_us > worst->ts_us - worst->job_ts_us)
      worst = s;
  }
  if (!worst)
    return;
  Agg *a = s7_conn_finding(x->fs, c, S7K_SLOW_RESPONSE, NULL);
  gint64 took = worst->ts_us - worst->job_ts_us;
  a->x.slow += n + (limit <= SLOW_MIN_US ? c->slow_more : 0);
  for (guint k = 0; k < RT_BUCKETS; k++)
    a->x.answers += c->rt_hist[k];
  if (took > a->x.slow_worst_us) {
    a->x.slow_worst_us = took;
    a->x.usual_us = usual;
    a->x.function = worst->function;
  }
  s7_agg_add_frame(x->fs, a, worst->job_frame, worst->job_ts_us);
  s7_agg_add_frame(x->fs, a, worst->frame, worst->ts_us);
  for (guint i = 0; i < c->slow->len; i++) {
    const SlowAnswer *s = &g_array_index(c->slow, SlowAnswer, i);
    if (s->ts_us - s->job_ts_us >= limit) {
      s7_agg_add_frame(x->fs, a, s->frame, s->ts_us);
      s7_agg_span(a, s->job_ts_us, s->ts_us);
    }
  }
}

/* A response: its job (taken from the queue, handed to the sequencer with the outcome) */
static S7Exchange *on_response(Ctx *x, Conn *c, const S7Event *ev)
{
  const S7Pdu *p = &ev->u.s7;
  x->stats->responses++;
  if (!c->server_noted)
    s7_host_record(x->rec, c->plc.addr)->serves_s7 = TRUE;
  c->server_noted = TRUE;
  S7Exchange *job = s7_exchange_take(c, p);
  if (job) {
    s7_exchange_answer(job, ev);
    c->n_answered++;
    gint64 took = MAX(ev->ts_us - job->job_ts_us, 0);
    c->response_sum_us += took;
    c->response_max_us = MAX(c->response_max_us, took);
    if (job->function == S7_FUNC_READ_VAR || job->function == S7_FUNC_WRITE_VAR)
      note_answer_time(c, job, ev, took);
  } else {
    x->stats->unpaired_responses++;
    s7_exchange_remember_early(c, ev);
  }
  guint16 func = job ? job->function : p->function;
  guint8 ud_group = job ? job->ud_group : p->ud_group;
  guint8 ud_sub = job ? job->ud_subfunc : p->ud_subfunc;
  PlcRecord *pc = s7_conn_plc(x->rec, c);
  gboolean data = func == S7_FUNC_READ_VAR || func == S7_FUNC_WRITE_VAR;

  if (p->rosctr == S7_ROSCTR_USERDATA) {
    const S7Identity *id = &p->identity;
    if (id->order_number[0] || id->firmware[0] || id->system_name[0] || id->module_name[0] ||
        id->plant[0] || id->serial[0] || id->cpu_type[0])
      s7_plc_learn_identity(pc, id);
    if (p->param_error) {
      c->n_errors++;
      on_error_code(x, c, ev, job, p->param_error, SRC_PARAM, S7_FUNC_NONE, ud_group, ud_sub);
    } else if (ud_group == S7_UD_GRP_CPU) {
      pc->szl_ok++;
    }
  } else {
    guint16 code = (guint16)(p->err_class << 8 | p->err_code);
    if (code) {
      c->n_errors++;
      if (data && code == 0x8104)
        pc->data_jobs_8104++;
      for (guint i = 0; data && job && i < job->n_items; i++)
        area_result(x, c, &job->items[i], TRUE);   /* the whole job refused */
      Agg *a = on_error_code(x, c, ev, job, code, SRC_HEADER, func, 0, 0);
      if (job && code == 0x8500 && job_too_big(c, job))
        size_facts(a, c, job);   /* the size it would have needed, for the text */
    } else if (func == S7_FUNC_SETUP_COMM) {
      c->pdu_size = p->pdu_size;
      c->amq_calling = p->max_amq_calling;
      c->amq_called = p->max_amq_called;
      check_fragmentation(x, c, ev);
    } else if (data) {
      pc->data_jobs_ok++;
      on_item_codes(x, c, ev, job, func == S7_FUNC_WRITE_VAR);
      if (job)
        check_job_size(x, c, job, ev);
    }
  }
  return job;
}

void s7_rule_s7(Ctx *x, const S7Event *ev, Outcome *o)
{
  const S7Pdu *p = &ev->u.s7;
  o->note = TRUE;
  if (s7_pdu_is_response(p) && !o->from_client) {
    o->exchange = on_response(x, o->conn, ev);   /* told with the response, then freed */
    o->answered = o->exchange != NULL;
    o->check_jobs = TRUE;
  } else if (s7_pdu_is_request(p) && o->from_client) {
    o->exchange = on_request(x, o->conn, ev);
  }
}

