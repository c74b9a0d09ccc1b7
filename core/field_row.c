/* tshark_fields.c — one tshark field row -> engine events (see field_row.h). */
#include "field_row.h"

#include <stdlib.h>
#include <string.h>

#include "s7plus_header.h"

static const char *const field_names[] = {
#define S7_FIELD_NAME(name, field) field,
  S7_TSHARK_FIELDS(S7_FIELD_NAME)
#undef S7_FIELD_NAME
  NULL
};

const char *const *s7_tshark_field_names(void) { return field_names; }

/* A column's occurrences, consumed left to right. */
typedef struct {
  char *next;   /* NULL when exhausted */
} Occ;

static void occ_init(Occ *o, char *col)
{
  o->next = (col && *col) ? col : NULL;
}

static char *occ_take(Occ *o)
{
  if (!o->next)
    return NULL;
  char *tok = o->next;
  char *comma = strchr(tok, ',');
  if (comma) {
    *comma = '\0';
    o->next = comma + 1;
  } else {
    o->next = NULL;
  }
  return tok;
}

static gboolean parse_u64(const char *tok, guint64 *out)
{
  if (!tok || !*tok)
    return FALSE;
  char *end;
  guint64 v = g_ascii_strtoull(tok, &end, 0);  /* "0x1f" or "31" */
  if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

/* Takes the next occurrence as a number; def when missing or not a number. */
static guint64 occ_uint(Occ *o, guint64 def, gboolean *ok)
{
  guint64 v;
  if (parse_u64(occ_take(o), &v))
    return v;
  if (ok)
    *ok = FALSE;
  return def;
}

static char *occ_last(Occ *o)
{
  char *last = NULL, *t;
  while ((t = occ_take(o)))
    last = t;
  return last;
}

#define S7_EPOCH_MAX_S G_GINT64_CONSTANT(100000000000)   /* year 5138: beyond any capture */

static gint64 parse_epoch_us(const char *s)
{
  if (!s || !*s)
    return 0;
  char *end;
  gint64 sec = g_ascii_strtoll(s, &end, 10);
  if (sec < -S7_EPOCH_MAX_S || sec > S7_EPOCH_MAX_S)
    return 0;   /* not a capture time (found by fuzzing: it overflowed the microseconds) */
  gint64 us = 0;
  if (*end == '.') {
    int digits = 0;
    for (const char *p = end + 1; *p >= '0' && *p <= '9' && digits < 6; p++, digits++)
      us = us * 10 + (*p - '0');
    for (; digits < 6; digits++)
      us *= 10;
  }
  return sec * 1000000 + us;
}

static guint hex_to_bytes(const char *hex, guint8 *out, guint max)
{
  guint n = 0;
  while (hex[0] && hex[1] && n < max) {
    int hi = g_ascii_xdigit_value(hex[0]), lo = g_ascii_xdigit_value(hex[1]);
    if (hi < 0 || lo < 0)
      break;
    out[n++] = (guint8)(hi << 4 | lo);
    hex += 2;
  }
  return n;
}

static void set_endpoint(S7Endpoint *ep, const char *addr, guint16 port)
{
  g_strlcpy(ep->addr, addr ? addr : "", sizeof ep->addr);
  ep->port = port;
}

static guint8 cotp_tpdu(guint64 type_nibble)
{
  /* tshark's cotp.type is the TPDU code's upper nibble: 0x0e CR, 0x0d CC, 0x08 DR … */
  return (guint8)((type_nibble & 0x0f) << 4);
}

typedef struct {
  Occ o[S7F_COUNT];
} Row;

/* One S7 PDU from the S7 columns, consuming exactly the occurrences this PDU type carries. */
static gboolean take_s7_pdu(Row *r, S7Pdu *p, gboolean *ok)
{
  memset(p, 0, offsetof(S7Pdu, items));
  p->n_items = 0;
  p->n_retcodes = 0;
  guint64 rosctr;
  if (!parse_u64(occ_take(&r->o[S7F_S7_ROSCTR]), &rosctr))
    return FALSE;
  p->rosctr = (guint8)rosctr;
  p->pdu_ref = (guint16)occ_uint(&r->o[S7F_S7_PDUREF], 0, ok);
  p->param_len = (guint16)occ_uint(&r->o[S7F_S7_PARLG], 0, ok);
  p->data_len = (guint16)occ_uint(&r->o[S7F_S7_DATLG], 0, ok);
  p->function = S7_FUNC_NONE;
  p->pi_service[0] = '\0';
  p->ud_type = p->ud_group = p->ud_subfunc = 0;
  p->szl_id = 0;
  gboolean ack = p->rosctr == S7_ROSCTR_ACK || p->rosctr == S7_ROSCTR_ACK_DATA;
  if (ack) {
    p->err_class = (guint8)occ_uint(&r->o[S7F_S7_ERRCLS], 0, ok);
    p->err_code = (guint8)occ_uint(&r->o[S7F_S7_ERRCOD], 0, ok);
    if (p->err_class || p->err_code)
      p->param_error = (guint16)occ_uint(&r->o[S7F_S7_PARAM_ERRCOD], 0, NULL);
  }
  if (p->rosctr == S7_ROSCTR_USERDATA) {
    guint64 ud_len = occ_uint(&r->o[S7F_S7_UD_LENGTH], 0, ok);
    p->ud_type = (guint8)occ_uint(&r->o[S7F_S7_UD_TYPE], 0, ok);
    p->ud_group = (guint8)occ_uint(&r->o[S7F_S7_UD_GROUP], 0, ok);
    p->ud_subfunc = (guint8)occ_uint(&r->o[S7F_S7_UD_SUBFUNC], 0, ok);
    if (ud_len >= 8)
      p->param_error = (guint16)occ_uint(&r->o[S7F_S7_PARAM_ERRCOD], 0, ok);
    if (p->data_len >= 4 && p->n_retcodes < S7_MAX_ITEMS)
      p->retcodes[p->n_retcodes++] = (guint8)occ_uint(&r->o[S7F_S7_RETCODE], 0, ok);
    return TRUE;
  }
  if (p->param_len == 0)
    return TRUE;
  p->function = (guint16)occ_uint(&r->o[S7F_S7_FUNC], S7_FUNC_NONE, ok);
  switch (p->function) {
  case S7_FUNC_SETUP_COMM:
    p->max_amq_calling = (guint16)occ_uint(&r->o[S7F_S7_AMQ_CALLING], 0, ok);
    p->max_amq_called = (guint16)occ_uint(&r->o[S7F_S7_AMQ_CALLED], 0, ok);
    p->pdu_size = (guint16)occ_uint(&r->o[S7F_S7_PDU_LENGTH], 0, ok);
    break;
  case S7_FUNC_PI_SERVICE:
  case S7_FUNC_PLC_STOP:
    if (p->rosctr == S7_ROSCTR_JOB) {
      char *svc = occ_take(&r->o[S7F_S7_PI_SERVICE]);
      if (svc)
        g_strlcpy(p->pi_service, svc, sizeof p->pi_service);
    }
    break;
  case S7_FUNC_READ_VAR:
  case S7_FUNC_WRITE_VAR: {
    if (p->rosctr != S7_ROSCTR_JOB && p->rosctr != S7_ROSCTR_ACK_DATA)
      break;
    /* the item count is one byte on the wire; a row claiming more is not tshark's (found by
     * fuzzing: a count of 4 billion looped for minutes) */
    guint64 claimed = occ_uint(&r->o[S7F_S7_ITEMCOUNT], 0, ok);
    guint count = (guint)MIN(claimed, 255);
    for (guint i = 0; i < count; i++) {
      if (p->rosctr == S7_ROSCTR_JOB) {
        S7ReqItem it = { 0 };
        it.syntax_id = (guint8)occ_uint(&r->o[S7F_S7_ITEM_SYNTAX], 0, ok);
        if (it.syntax_id == 0x10) {
          it.transport_size = (guint8)occ_uint(&r->o[S7F_S7_ITEM_TSIZE], 0, ok);
          it.length = (guint16)occ_uint(&r->o[S7F_S7_ITEM_LENGTH], 0, ok);
          it.db = (guint16)occ_uint(&r->o[S7F_S7_ITEM_DB], 0, ok);
          it.area = (guint8)occ_uint(&r->o[S7F_S7_ITEM_AREA], 0, ok);
          it.address = (guint32)occ_uint(&r->o[S7F_S7_ITEM_ADDRESS], 0, ok);
        }
        if (p->n_items < S7_MAX_ITEMS)
          p->items[p->n_items++] = it;
        if (p->function == S7_FUNC_WRITE_VAR)
          occ_take(&r->o[S7F_S7_RETCODE]);  /* a write job's data items carry a reserved 0x00 */
      } else {
        guint8 rc = (guint8)occ_uint(&r->o[S7F_S7_RETCODE], 0, ok);
        if (p->n_retcodes < S7_MAX_ITEMS)
          p->retcodes[p->n_retcodes++] = rc;
      }
    }
    break;
  }
  default:
    break;
  }
  return TRUE;
}

static gboolean any_left(const Row *r, int from, int to)
{
  for (int i = from; i <= to; i++)
    if (r->o[i].next)
      return TRUE;
  return FALSE;
}

void s7_row_to_events(char *row, S7RowStats *stats, S7EventSink sink, gpointer user_data)
{
  static _Thread_local S7Event ev;   /* large (items); reused, one row at a time per thread */
  char *cols[S7F_COUNT] = { 0 };
  guint n = 0;
  char *p = row;
  while (n < S7F_COUNT) {
    cols[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab)
      break;
    *tab = '\0';
    p = tab + 1;
  }
  stats->rows++;
  guint64 frame;
  if (n < S7F_COUNT || !parse_u64(cols[S7F_FRAME_NUMBER], &frame)) {
    stats->malformed_rows++;
    return;
  }
  Row r;
  for (guint i = 0; i < S7F_COUNT; i++)
    occ_init(&r.o[i], cols[i]);

  memset(&ev, 0, offsetof(S7Event, u));
  ev.frame = (guint32)frame;
  ev.ts_us = parse_epoch_us(cols[S7F_TIME_EPOCH]);
  stats->last_frame = ev.frame;
  if (stats->rows == 1 || ev.ts_us < stats->first_ts_us)
    stats->first_ts_us = ev.ts_us;
  if (ev.ts_us > stats->last_ts_us)
    stats->last_ts_us = ev.ts_us;

  gboolean v6 = r.o[S7F_IPV6_SRC].next != NULL && r.o[S7F_IP_SRC].next == NULL;
  Occ *src = &r.o[v6 ? S7F_IPV6_SRC : S7F_IP_SRC], *dst = &r.o[v6 ? S7F_IPV6_DST : S7F_IP_DST];
  guint64 sport = 0, dport = 0;
  gboolean have_tcp = parse_u64(cols[S7F_TCP_SRCPORT], &sport) && parse_u64(cols[S7F_TCP_DSTPORT], &dport);
  guint64 icmp_type, icmp_code = 0;
  gboolean icmp = parse_u64(occ_take(&r.o[v6 ? S7F_ICMPV6_TYPE : S7F_ICMP_TYPE]), &icmp_type);
  if (icmp)
    icmp_code = occ_uint(&r.o[v6 ? S7F_ICMPV6_CODE : S7F_ICMP_CODE], 0, NULL);

  if (icmp) {
    if (!have_tcp)
      return;  /* ICMP quoting something other than TCP */
    char *outer_src = occ_take(src);
    char *outer_dst = occ_take(dst);
    char *inner_src = occ_last(src);
    char *inner_dst = occ_last(dst);
    if (!outer_src || !inner_src || !inner_dst)
      return;
    ev.type = S7_EV_ICMP_UNREACH;
    set_endpoint(&ev.src, outer_src, 0);
    set_endpoint(&ev.dst, outer_dst, 0);
    memset(&ev.u.icmp, 0, sizeof ev.u.icmp);
    ev.u.icmp.icmp_type = (guint8)icmp_type;
    ev.u.icmp.icmp_code = (guint8)icmp_code;
    set_endpoint(&ev.u.icmp.quoted_src, inner_src, (guint16)sport);
    set_endpoint(&ev.u.icmp.quoted_dst, inner_dst, (guint16)dport);
    sink(&ev, user_data);
    return;
  }
  if (!have_tcp)
    return;
  char *ip_s = occ_last(src), *ip_d = occ_last(dst);
  if (!ip_s || !ip_d) {
    stats->malformed_rows++;
    return;
  }
  set_endpoint(&ev.src, ip_s, (guint16)sport);
  set_endpoint(&ev.dst, ip_d, (guint16)dport);

  guint64 flags;
  if (parse_u64(cols[S7F_TCP_FLAGS], &flags)) {
    ev.type = S7_EV_TCP;
    memset(&ev.u.tcp, 0, sizeof ev.u.tcp);
    ev.u.tcp.flags = (guint8)flags;
    ev.u.tcp.capture_gap = cols[S7F_TCP_LOST][0] || cols[S7F_TCP_ACK_LOST][0];
    sink(&ev, user_data);
  }

  /* COTP TPDUs other than DT */
  char *t;
  gboolean tsap_used = FALSE, cause_used = FALSE;
  while ((t = occ_take(&r.o[S7F_COTP_TYPE]))) {
    guint64 type;
    if (!parse_u64(t, &type))
      continue;
    guint8 tpdu = cotp_tpdu(type);
    if (tpdu == S7_COTP_DT)
      continue;
    ev.type = S7_EV_COTP;
    memset(&ev.u.cotp, 0, sizeof ev.u.cotp);
    ev.u.cotp.tpdu = tpdu;
    if ((tpdu == S7_COTP_CR || tpdu == S7_COTP_CC) && !tsap_used) {
      tsap_used = TRUE;
      char *s = occ_take(&r.o[S7F_COTP_SRC_TSAP]), *d = occ_take(&r.o[S7F_COTP_DST_TSAP]);
      if (s)
        ev.u.cotp.src_tsap_len = (guint8)hex_to_bytes(s, ev.u.cotp.src_tsap, S7_TSAP_MAX);
      if (d)
        ev.u.cotp.dst_tsap_len = (guint8)hex_to_bytes(d, ev.u.cotp.dst_tsap, S7_TSAP_MAX);
    } else if (tpdu == S7_COTP_DR && !cause_used) {
      cause_used = TRUE;
      ev.u.cotp.cause = (guint8)occ_uint(&r.o[S7F_COTP_CAUSE], 0, NULL);
    } else if (tpdu == S7_COTP_ER) {
      ev.u.cotp.cause = (guint8)occ_uint(&r.o[S7F_COTP_REJECT_CAUSE], 0, NULL);
    }
    sink(&ev, user_data);
  }

  /* S7comm PDUs */
  gboolean ok = TRUE;
  ev.type = S7_EV_S7;
  guint n_pdus = 0;
  while (take_s7_pdu(&r, &ev.u.s7, &ok)) {
    n_pdus++;
    sink(&ev, user_data);
  }
  /* Only with several PDUs in one frame can a field land on the wrong PDU; one PDU gets
   * every occurrence whatever the splitting rules say. */
  if (n_pdus > 1 && (!ok || any_left(&r, S7F_S7_PDUREF, S7F_S7_PDU_LENGTH)))
    stats->ambiguous_rows++;

  /* S7comm-plus PDUs: undissected COTP payloads starting with 0x72 */
  while ((t = occ_take(&r.o[S7F_DATA]))) {
    if (t[0] != '7' || t[1] != '2')
      continue;
    guint8 buf[128];
    guint len = hex_to_bytes(t, buf, sizeof buf);
    ev.type = S7_EV_S7PLUS;
    if (s7plus_parse(buf, len, &ev.u.s7plus))
      sink(&ev, user_data);
  }
}
