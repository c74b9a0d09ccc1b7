/* SPDX-License-Identifier: GPL-2.0-or-later */
/* field_row.c — one frame's typed field values -> engine events (see field_row.h). */
#include "field_row.h"

#include <string.h>

#include "s7plus_header.h"
#include "wire_sniff.h"

/* ------------------------------------------------------------------ the row */

void s7_field_row_init(S7FieldRow *row)
{
  memset(row, 0, sizeof *row);
}

void s7_field_row_clear(S7FieldRow *row)
{
  g_free(row->values);
  g_free(row->data);
  memset(row, 0, sizeof *row);
}

void s7_field_row_reset(S7FieldRow *row, guint32 frame, gint64 ts_us)
{
  row->frame = frame;
  row->ts_us = ts_us;
  memset(row->count, 0, sizeof row->count);
  row->n_values = 0;
  row->n_data = 0;
  row->last = 0;
}

static S7FieldValue *add_value(S7FieldRow *row, S7Field f)
{
  g_return_val_if_fail(f < S7F_COUNT && f >= row->last, NULL);
  if (row->count[f] == 0)
    row->first[f] = row->n_values;
  else if (row->first[f] + row->count[f] != row->n_values)
    g_return_val_if_reached(NULL);  /* another field came in between */
  row->last = f;
  if (row->n_values == row->cap_values) {
    row->cap_values = row->cap_values ? 2 * row->cap_values : 64;
    row->values = g_renew(S7FieldValue, row->values, row->cap_values);
  }
  row->count[f]++;
  S7FieldValue *v = &row->values[row->n_values++];
  memset(v, 0, sizeof *v);
  return v;
}

void s7_field_row_add_uint(S7FieldRow *row, S7Field f, guint64 value)
{
  S7FieldValue *v = add_value(row, f);
  if (v)
    v->u = value;
}

void s7_field_row_add_bytes(S7FieldRow *row, S7Field f, const void *bytes, guint len)
{
  S7FieldValue *v = add_value(row, f);
  if (!v)
    return;
  if (row->n_data + len + 1 > row->cap_data) {
    row->cap_data = MAX(2 * row->cap_data, row->n_data + len + 1 + 256);
    row->data = g_realloc(row->data, row->cap_data);
  }
  v->off = row->n_data;
  v->len = len;
  v->u = 1;
  if (len)
    memcpy(row->data + row->n_data, bytes, len);
  row->data[row->n_data + len] = '\0';
  row->n_data += len + 1;
}

void s7_row_stats_malformed(S7RowStats *stats)
{
  stats->rows++;
  stats->malformed_rows++;
}

/* ------------------------------------------------------------------ occurrences */

/* A field's occurrences, consumed left to right */
typedef struct {
  const S7FieldRow *row;
  guint i, end;
} Occ;

typedef struct {
  Occ o[S7F_COUNT];
  const S7FieldProfile *prof;
} Cursor;

static const S7FieldValue *occ_take(Occ *o)
{
  return o->i < o->end ? &o->row->values[o->i++] : NULL;
}

static gboolean occ_left(const Occ *o)
{
  return o->i < o->end;
}

/* The next occurrence as a number; def when there is none (then *ok = FALSE) */
static guint64 occ_uint(Occ *o, guint64 def, gboolean *ok)
{
  const S7FieldValue *v = occ_take(o);
  if (v)
    return v->u;
  if (ok)
    *ok = FALSE;
  return def;
}

static const S7FieldValue *occ_last(Occ *o)
{
  const S7FieldValue *last = NULL, *v;
  while ((v = occ_take(o)))
    last = v;
  return last;
}

static const char *occ_text(const Occ *o, const S7FieldValue *v)
{
  return v ? (const char *)s7_field_row_bytes(o->row, v) : NULL;
}

/* A bitmask field's value put back at its bit position in the byte */
static guint8 occ_bits(Cursor *c, S7Field f, gboolean *ok)
{
  return (guint8)(occ_uint(&c->o[f], 0, ok) << c->prof->shift[f]);
}

static void set_endpoint(S7Endpoint *ep, const char *addr, guint16 port)
{
  g_strlcpy(ep->addr, addr ? addr : "", sizeof ep->addr);
  ep->port = port;
}

static guint8 cotp_tpdu(guint64 type_nibble)
{
  /* cotp.type is the TPDU code's upper nibble: 0x0e CR, 0x0d CC, 0x08 DR … */
  return (guint8)((type_nibble & 0x0f) << 4);
}

static guint8 copy_bytes(const Occ *o, const S7FieldValue *v, guint8 *out, guint max)
{
  guint n = MIN(v->len, max);
  memcpy(out, s7_field_row_bytes(o->row, v), n);
  return (guint8)n;
}

/* ------------------------------------------------------------------ S7 PDUs */

/* A text field into buf, without the padding devices put after it (spaces, NULs) */
static void take_text(Cursor *c, S7Field f, char *buf, gsize size)
{
  const S7FieldValue *v = occ_take(&c->o[f]);
  if (!v)
    return;
  gsize n = MIN(v->len, size - 1);
  memcpy(buf, s7_field_row_bytes(c->o[f].row, v), n);
  buf[n] = '\0';
  for (gsize i = 0; i < n; i++)
    if ((guchar)buf[i] < 0x20 || (guchar)buf[i] >= 0x7f)
      buf[i] = buf[i] ? ' ' : '\0';
  g_strchomp(buf);
}

/* SZL 0x0011 (module identification): records of index, order number, version words; index 1
 * is the module's order number, index 7 the firmware ('V' major, minor, patch) */
static void take_szl11(Cursor *c, S7Identity *id)
{
  const S7FieldValue *ix;
  while ((ix = occ_take(&c->o[S7F_SZL11_INDEX]))) {
    char order[S7_IDENT_MAX] = "";
    take_text(c, S7F_SZL11_ORDER, order, sizeof order);
    guint64 ausbg = occ_uint(&c->o[S7F_SZL11_AUSBG], 0, NULL);
    guint64 ausbe = occ_uint(&c->o[S7F_SZL11_AUSBE], 0, NULL);
    if (ix->u == 1 && order[0])
      g_strlcpy(id->order_number, order, sizeof id->order_number);
    if (ix->u == 7 && (ausbg >> 8) == 'V')
      g_snprintf(id->firmware, sizeof id->firmware, "V%u.%u.%u", (guint)(ausbg & 0xff),
                 (guint)((ausbe >> 8) & 0xff), (guint)(ausbe & 0xff));
  }
}

/* SZL 0x001C (component identification): the names, plant designation, serial, CPU type */
static void take_szl1c(Cursor *c, S7Identity *id)
{
  while (occ_take(&c->o[S7F_SZL1C_INDEX]))
    ;
  take_text(c, S7F_SZL1C_SYSTEM, id->system_name, sizeof id->system_name);
  take_text(c, S7F_SZL1C_MODULE, id->module_name, sizeof id->module_name);
  take_text(c, S7F_SZL1C_PLANT, id->plant, sizeof id->plant);
  take_text(c, S7F_SZL1C_SERIAL, id->serial, sizeof id->serial);
  take_text(c, S7F_SZL1C_TYPE, id->cpu_type, sizeof id->cpu_type);
}

/* The userdata parameter head: its length (4 request, 8 response with an error code), then
 * type, function group, subfunction. */
static void take_userdata_head(Cursor *c, S7Pdu *p, gboolean *ok)
{
  guint64 ud_len;
  if (c->prof->ud_layout == S7_UD_LAYOUT_HEAD) {
    ud_len = occ_uint(&c->o[S7F_S7_UD_LENGTH], 0, ok);
  } else {
    /* decoded as a var-spec item: function 0x00, one item, its spec length, the method */
    occ_take(&c->o[S7F_S7_FUNC]);
    occ_take(&c->o[S7F_S7_ITEMCOUNT]);
    ud_len = occ_uint(&c->o[S7F_S7_ITEM_VARSPEC_LEN], 0, ok);
    occ_take(&c->o[S7F_S7_ITEM_SYNTAX]);
  }
  guint8 type_bits = occ_bits(c, S7F_S7_UD_TYPE, ok);
  guint8 group_bits = occ_bits(c, S7F_S7_UD_GROUP, ok);
  p->ud_type = (guint8)(type_bits >> 4);
  p->ud_group = (guint8)(group_bits & 0x0f);
  p->ud_subfunc = (guint8)occ_uint(&c->o[S7F_S7_UD_SUBFUNC], 0, ok);
  if (ud_len >= 8)
    p->param_error = (guint16)occ_uint(&c->o[S7F_S7_PARAM_ERRCOD], 0, ok);
}

/* One data item's length, and its bytes when it has any (item may be NULL: not kept). The
 * dissector gives the bytes only for return code 0x00 (reserved, a write job's) or 0xFF. */
static void take_item_data(Cursor *c, S7ReqItem *item, guint8 rc)
{
  guint64 len = occ_uint(&c->o[S7F_S7_DATA_LENGTH], 0, NULL);
  if (!len || (rc != 0x00 && rc != 0xFF))
    return;
  const S7FieldValue *d = occ_take(&c->o[S7F_S7_ITEM_DATA]);
  if (!item || !d)
    return;
  item->data_total = (guint16)MIN(d->len, G_MAXUINT16);
  item->data_len = (guint8)MIN(d->len, S7_ITEM_DATA_MAX);
  memcpy(item->data, s7_field_row_bytes(c->o[S7F_S7_ITEM_DATA].row, d), item->data_len);
}

static void take_var_items(Cursor *c, S7Pdu *p, gboolean *ok)
{
  /* the item count is one byte on the wire; a row claiming more is not a dissector's (found
   * by fuzzing: a count of 4 billion looped for minutes) */
  guint64 claimed = occ_uint(&c->o[S7F_S7_ITEMCOUNT], 0, ok);
  guint count = (guint)MIN(claimed, 255);
  guint first_item = p->n_items;
  for (guint i = 0; i < count; i++) {
    if (p->rosctr == S7_ROSCTR_JOB) {
      S7ReqItem it = { 0 };
      occ_take(&c->o[S7F_S7_ITEM_VARSPEC_LEN]);
      it.syntax_id = (guint8)occ_uint(&c->o[S7F_S7_ITEM_SYNTAX], 0, ok);
      if (it.syntax_id == 0x10) {
        it.transport_size = (guint8)occ_uint(&c->o[S7F_S7_ITEM_TSIZE], 0, ok);
        it.length = (guint16)occ_uint(&c->o[S7F_S7_ITEM_LENGTH], 0, ok);
        it.db = (guint16)occ_uint(&c->o[S7F_S7_ITEM_DB], 0, ok);
        it.area = (guint8)occ_uint(&c->o[S7F_S7_ITEM_AREA], 0, ok);
        it.address = (guint32)occ_uint(&c->o[S7F_S7_ITEM_ADDRESS], 0, ok);
      }
      if (p->n_items < S7_MAX_ITEMS)
        p->items[p->n_items++] = it;
    } else {
      guint8 rc = (guint8)occ_uint(&c->o[S7F_S7_RETCODE], 0, ok);
      if (p->n_retcodes < S7_MAX_ITEMS)
        p->retcodes[p->n_retcodes++] = rc;
      take_item_data(c, NULL, rc);   /* a read's data: not kept */
    }
  }
  /* a write job's data items: a reserved return code 0x00, a length and the value each */
  if (p->rosctr == S7_ROSCTR_JOB && p->function == S7_FUNC_WRITE_VAR) {
    for (guint i = 0; i < count; i++) {
      guint8 rc = (guint8)occ_uint(&c->o[S7F_S7_RETCODE], 0, NULL);
      guint k = first_item + i;
      take_item_data(c, k < p->n_items ? &p->items[k] : NULL, rc);
    }
  }
}

/* One S7 PDU, consuming exactly the occurrences this PDU type carries. */
static gboolean take_s7_pdu(Cursor *c, S7Pdu *p, gboolean *ok)
{
  memset(p, 0, offsetof(S7Pdu, items));
  p->n_items = 0;
  p->n_retcodes = 0;
  p->ud_type = p->ud_group = p->ud_subfunc = 0;   /* not left from the frame's previous PDU */
  p->szl_id = 0;
  memset(&p->identity, 0, sizeof p->identity);
  const S7FieldValue *rv = occ_take(&c->o[S7F_S7_ROSCTR]);
  if (!rv)
    return FALSE;
  p->rosctr = (guint8)rv->u;
  p->pdu_ref = (guint16)occ_uint(&c->o[S7F_S7_PDUREF], 0, ok);
  p->param_len = (guint16)occ_uint(&c->o[S7F_S7_PARLG], 0, ok);
  p->data_len = (guint16)occ_uint(&c->o[S7F_S7_DATLG], 0, ok);
  p->function = S7_FUNC_NONE;
  p->pi_service[0] = '\0';
  gboolean ack = p->rosctr == S7_ROSCTR_ACK || p->rosctr == S7_ROSCTR_ACK_DATA;
  if (ack) {
    p->err_class = (guint8)occ_uint(&c->o[S7F_S7_ERRCLS], 0, ok);
    p->err_code = (guint8)occ_uint(&c->o[S7F_S7_ERRCOD], 0, ok);
    if (p->err_class || p->err_code)
      p->param_error = (guint16)occ_uint(&c->o[S7F_S7_PARAM_ERRCOD], 0, NULL);
  }
  if (p->rosctr == S7_ROSCTR_USERDATA) {
    take_userdata_head(c, p, ok);
    if (p->data_len >= 4) {
      if (p->n_retcodes < S7_MAX_ITEMS)
        p->retcodes[p->n_retcodes++] = (guint8)occ_uint(&c->o[S7F_S7_RETCODE], 0, ok);
      occ_take(&c->o[S7F_S7_DATA_LENGTH]);
    }
    /* an SZL read (CPU functions, subfunction 1): its id, and what an answer says */
    if (p->ud_group == S7_UD_GRP_CPU && p->ud_subfunc == 1 && p->data_len >= 8) {
      p->szl_id = (guint16)occ_uint(&c->o[S7F_S7_SZL_ID], 0, NULL);
      if (p->ud_type == S7_UD_TYPE_RESPONSE && !p->param_error) {
        if ((p->szl_id & 0xff) == 0x11)
          take_szl11(c, &p->identity);
        else if (p->szl_id == 0x001c)
          take_szl1c(c, &p->identity);
      }
    }
    return TRUE;
  }
  if (p->param_len == 0)
    return TRUE;
  p->function = (guint16)occ_uint(&c->o[S7F_S7_FUNC], S7_FUNC_NONE, ok);
  switch (p->function) {
  case S7_FUNC_SETUP_COMM:
    p->max_amq_calling = (guint16)occ_uint(&c->o[S7F_S7_AMQ_CALLING], 0, ok);
    p->max_amq_called = (guint16)occ_uint(&c->o[S7F_S7_AMQ_CALLED], 0, ok);
    p->pdu_size = (guint16)occ_uint(&c->o[S7F_S7_PDU_LENGTH], 0, ok);
    break;
  case S7_FUNC_PI_SERVICE:
  case S7_FUNC_PLC_STOP:
    if (p->rosctr == S7_ROSCTR_JOB) {
      const char *svc = occ_text(&c->o[S7F_S7_PI_SERVICE], occ_take(&c->o[S7F_S7_PI_SERVICE]));
      if (svc)
        g_strlcpy(p->pi_service, svc, sizeof p->pi_service);
    }
    break;
  case S7_FUNC_READ_VAR:
  case S7_FUNC_WRITE_VAR:
    if (p->rosctr == S7_ROSCTR_JOB || p->rosctr == S7_ROSCTR_ACK_DATA)
      take_var_items(c, p, ok);
    break;
  default:
    break;
  }
  return TRUE;
}

static gboolean any_left(const Cursor *c, int from, int to)
{
  for (int i = from; i <= to; i++)
    if (occ_left(&c->o[i]))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ the row's events */

static gboolean emit_icmp(Cursor *c, S7Event *ev, guint64 type, gboolean v6, gboolean have_tcp,
                          guint64 sport, guint64 dport, S7EventSink sink, gpointer user_data)
{
  guint64 code = occ_uint(&c->o[v6 ? S7F_ICMPV6_CODE : S7F_ICMP_CODE], 0, NULL);
  if (!have_tcp)
    return FALSE;  /* ICMP quoting something other than TCP */
  Occ *src = &c->o[v6 ? S7F_IPV6_SRC : S7F_IP_SRC], *dst = &c->o[v6 ? S7F_IPV6_DST : S7F_IP_DST];
  const char *outer_src = occ_text(src, occ_take(src));
  const char *outer_dst = occ_text(dst, occ_take(dst));
  const char *inner_src = occ_text(src, occ_last(src));
  const char *inner_dst = occ_text(dst, occ_last(dst));
  if (!outer_src || !inner_src || !inner_dst)
    return FALSE;
  ev->type = S7_EV_ICMP_UNREACH;
  set_endpoint(&ev->src, outer_src, 0);
  set_endpoint(&ev->dst, outer_dst, 0);
  memset(&ev->u.icmp, 0, sizeof ev->u.icmp);
  ev->u.icmp.icmp_type = (guint8)type;
  ev->u.icmp.icmp_code = (guint8)code;
  ev->u.icmp.v6 = v6 != 0;
  set_endpoint(&ev->u.icmp.quoted_src, inner_src, (guint16)sport);
  set_endpoint(&ev->u.icmp.quoted_dst, inner_dst, (guint16)dport);
  sink(ev, user_data);
  return TRUE;
}

static void emit_cotp(Cursor *c, S7Event *ev, S7EventSink sink, gpointer user_data)
{
  const S7FieldValue *t;
  gboolean tsap_used = FALSE, cause_used = FALSE;
  while ((t = occ_take(&c->o[S7F_COTP_TYPE]))) {
    guint8 tpdu = cotp_tpdu(t->u);
    if (tpdu == S7_COTP_DT)
      continue;
    ev->type = S7_EV_COTP;
    memset(&ev->u.cotp, 0, sizeof ev->u.cotp);
    ev->u.cotp.tpdu = tpdu;
    if ((tpdu == S7_COTP_CR || tpdu == S7_COTP_CC) && !tsap_used) {
      tsap_used = TRUE;
      Occ *so = &c->o[S7F_COTP_SRC_TSAP], *dO = &c->o[S7F_COTP_DST_TSAP];
      const S7FieldValue *s = occ_take(so), *d = occ_take(dO);
      if (s)
        ev->u.cotp.src_tsap_len = copy_bytes(so, s, ev->u.cotp.src_tsap, S7_TSAP_MAX);
      if (d)
        ev->u.cotp.dst_tsap_len = copy_bytes(dO, d, ev->u.cotp.dst_tsap, S7_TSAP_MAX);
      ev->u.cotp.tpdu_size = (guint32)occ_uint(&c->o[S7F_COTP_TPDU_SIZE], 0, NULL);
    } else if (tpdu == S7_COTP_DR && !cause_used) {
      cause_used = TRUE;
      ev->u.cotp.cause = (guint8)occ_uint(&c->o[S7F_COTP_CAUSE], 0, NULL);
    } else if (tpdu == S7_COTP_ER) {
      ev->u.cotp.cause = (guint8)occ_uint(&c->o[S7F_COTP_REJECT_CAUSE], 0, NULL);
    }
    sink(ev, user_data);
  }
}

void s7_row_to_events(const S7FieldRow *row, const S7FieldProfile *prof, S7RowStats *stats,
                      S7EventSink sink, gpointer user_data)
{
  static _Thread_local S7Event ev;   /* large (items); reused, one row at a time per thread */
  Cursor c = { .prof = prof };
  for (guint i = 0; i < S7F_COUNT; i++) {
    c.o[i].row = row;
    c.o[i].i = row->count[i] ? row->first[i] : 0;
    c.o[i].end = row->count[i] ? row->first[i] + row->count[i] : 0;
  }
  stats->rows++;
  memset(&ev, 0, offsetof(S7Event, u));
  ev.frame = row->frame;
  ev.ts_us = row->ts_us;
  stats->last_frame = ev.frame;
  if (stats->rows == 1 || ev.ts_us < stats->first_ts_us)
    stats->first_ts_us = ev.ts_us;
  if (ev.ts_us > stats->last_ts_us)
    stats->last_ts_us = ev.ts_us;

  gboolean v6 = occ_left(&c.o[S7F_IPV6_SRC]) && !occ_left(&c.o[S7F_IP_SRC]);
  const S7FieldValue *sp = occ_take(&c.o[S7F_TCP_SRCPORT]), *dp = occ_take(&c.o[S7F_TCP_DSTPORT]);
  gboolean have_tcp = sp && dp;
  guint64 sport = sp ? sp->u : 0, dport = dp ? dp->u : 0;
  const S7FieldValue *icmp = occ_take(&c.o[v6 ? S7F_ICMPV6_TYPE : S7F_ICMP_TYPE]);
  if (icmp) {
    emit_icmp(&c, &ev, icmp->u, v6, have_tcp, sport, dport, sink, user_data);
    return;
  }
  if (!have_tcp)
    return;
  Occ *src = &c.o[v6 ? S7F_IPV6_SRC : S7F_IP_SRC], *dst = &c.o[v6 ? S7F_IPV6_DST : S7F_IP_DST];
  const char *ip_s = occ_text(src, occ_last(src)), *ip_d = occ_text(dst, occ_last(dst));
  if (!ip_s || !ip_d) {
    stats->malformed_rows++;
    return;
  }
  set_endpoint(&ev.src, ip_s, (guint16)sport);
  set_endpoint(&ev.dst, ip_d, (guint16)dport);

  /* the outermost Ethernet header (an ICMP error or a tunnel may carry more) */
  const S7FieldValue *ms = occ_take(&c.o[S7F_ETH_SRC]), *md = occ_take(&c.o[S7F_ETH_DST]);
  if (ms && md && ms->len == 6 && md->len == 6) {
    ev.have_mac = TRUE;
    memcpy(ev.src_mac, s7_field_row_bytes(row, ms), 6);
    memcpy(ev.dst_mac, s7_field_row_bytes(row, md), 6);
  }

  const S7FieldValue *flags = occ_take(&c.o[S7F_TCP_FLAGS]);
  gboolean retransmission = row->count[S7F_TCP_RETRANS] || row->count[S7F_TCP_SPURIOUS];
  if (flags) {
    ev.type = S7_EV_TCP;
    memset(&ev.u.tcp, 0, sizeof ev.u.tcp);
    ev.u.tcp.flags = (guint8)flags->u;
    ev.u.tcp.payload_len = (guint32)occ_uint(&c.o[S7F_TCP_LEN], 0, NULL);
    ev.u.tcp.retransmission = retransmission;
    ev.u.tcp.capture_gap = row->count[S7F_TCP_LOST] || row->count[S7F_TCP_ACK_LOST];
    ev.u.tcp.seq = (guint32)occ_uint(&c.o[S7F_TCP_SEQ], 0, NULL);
    ev.u.tcp.ack = (guint32)occ_uint(&c.o[S7F_TCP_ACK], 0, NULL);
    ev.u.tcp.ttl = (guint8)occ_uint(&c.o[v6 ? S7F_IPV6_HLIM : S7F_IP_TTL], 0, NULL);
    const S7FieldValue *id = v6 ? NULL : occ_take(&c.o[S7F_IP_ID]);
    ev.u.tcp.have_ip_id = id != NULL;
    ev.u.tcp.ip_id = id ? (guint16)id->u : 0;
    ev.u.tcp.payload_cut = s7_payload_cut(ev.u.tcp.payload_len, occ_uint(&c.o[S7F_FRAME_LEN], 0, NULL),
                                          occ_uint(&c.o[S7F_FRAME_CAP_LEN], 0, NULL));
    /* a payload no dissector took (data.data is the whole TCP payload then): ISO-on-TCP? */
    if (occ_left(&c.o[S7F_DATA])) {
      const S7FieldValue *d = &row->values[c.o[S7F_DATA].i];
      ev.u.tcp.tpkt = s7_sniff_tpkt(s7_field_row_bytes(row, d), d->len);
    }
    sink(&ev, user_data);
  }
  /* A retransmitted segment repeats what its original carried: Wireshark 4.0 does not
   * decode it again, 4.4 sometimes does; the engine never sees it twice. */
  if (retransmission)
    return;

  emit_cotp(&c, &ev, sink, user_data);

  /* S7comm PDUs */
  gboolean ok = TRUE;
  ev.type = S7_EV_S7;
  guint n_pdus = 0;
  while (take_s7_pdu(&c, &ev.u.s7, &ok)) {
    n_pdus++;
    sink(&ev, user_data);
  }
  /* Only with several PDUs in one frame can a field land on the wrong PDU; one PDU gets
   * every occurrence whatever the splitting rules say. */
  if (n_pdus > 1 && (!ok || any_left(&c, S7F_S7_PDUREF, S7F_S7_PDU_LENGTH)))
    stats->ambiguous_rows++;

  /* S7comm-plus PDUs: COTP payloads starting with 0x72 (undissected by the stock tshark),
   * and TLS records in COTP (a session protected after InitSsl: only the fact is told) */
  const S7FieldValue *d;
  while ((d = occ_take(&c.o[S7F_DATA]))) {
    const guint8 *b = s7_field_row_bytes(row, d);
    ev.type = S7_EV_S7PLUS;
    if (d->len >= 1 && b[0] == 0x72) {
      if (s7plus_parse(b, d->len, &ev.u.s7plus))
        sink(&ev, user_data);
    } else if (s7_sniff_tls_record(b, d->len)) {
      memset(&ev.u.s7plus, 0, sizeof ev.u.s7plus);
      ev.u.s7plus.tls = TRUE;
      sink(&ev, user_data);
    }
  }
}
