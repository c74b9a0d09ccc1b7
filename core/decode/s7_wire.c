/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_wire.c — TPKT, COTP and S7 PDUs from bytes (see s7_wire.h). */
#include "s7_wire.h"

#include <string.h>

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }

gssize s7_wire_tpkt_length(const guint8 *buf, gsize len, gsize max_len)
{
  if (len >= 1 && buf[0] != 3)
    return -1;
  if (len < 4)
    return 0;
  gsize n = be16(buf + 2);
  if (n < 7 || n > max_len)
    return -1;
  return (gssize)n;
}

/* CR/CC parameters: code, length, value; the TSAPs and the TPDU size */
static void cotp_params(const guint8 *p, gsize len, S7Event *ev)
{
  gsize i = 0;
  while (i + 2 <= len) {
    guint8 code = p[i], plen = p[i + 1];
    if (i + 2 + plen > len)
      break;
    const guint8 *v = p + i + 2;
    /* as the cotp dissector reads them: the size's low nibble as a power of two, a TSAP's
     * first S7_TSAP_MAX bytes */
    if (code == 0xC0 && plen >= 1)
      ev->u.cotp.tpdu_size = 1u << (v[0] & 0x0F);
    else if (code == 0xC1) {
      ev->u.cotp.src_tsap_len = MIN(plen, S7_TSAP_MAX);
      memcpy(ev->u.cotp.src_tsap, v, ev->u.cotp.src_tsap_len);
    } else if (code == 0xC2) {
      ev->u.cotp.dst_tsap_len = MIN(plen, S7_TSAP_MAX);
      memcpy(ev->u.cotp.dst_tsap, v, ev->u.cotp.dst_tsap_len);
    }
    i += 2 + (gsize)plen;
  }
}

S7WireKind s7_wire_decode_cotp(const guint8 *p, gsize len, gboolean captured, S7Event *ev,
                               const guint8 **data, gsize *data_len, gboolean *last,
                               const char **why)
{
  *data = NULL;
  *data_len = 0;
  *last = FALSE;
  guint li = len >= 1 ? p[0] : 0;
  if (li < 2 || len < 2 || (1 + (gsize)li > len && (!captured || len < 3))) {
    *why = "the COTP header's length is past the TPKT packet";
    return S7_WIRE_BAD;
  }
  /* a capture's snap length may cut the header: what is there is read */
  gsize have = MIN(1 + (gsize)li, len);
  guint8 code = p[1] & 0xF0;
  if (code == S7_COTP_DT) {
    if (1 + (gsize)li <= len) {    /* a header cut short has no payload */
      *data = p + 1 + li;
      *data_len = len - 1 - li;
    }
    *last = (p[2] & 0x80) != 0;
    return S7_WIRE_DATA;
  }
  ev->type = S7_EV_COTP;
  memset(&ev->u.cotp, 0, sizeof ev->u.cotp);
  ev->u.cotp.tpdu = code;
  switch (code) {
  case S7_COTP_CR:
  case S7_COTP_CC:
    if (li < 6) {
      *why = "a COTP connect TPDU shorter than its fixed part";
      return S7_WIRE_BAD;
    }
    if (have > 7)
      cotp_params(p + 7, have - 7, ev);
    return S7_WIRE_COTP;
  case S7_COTP_DR:
    if (li < 6) {
      *why = "a COTP disconnect request shorter than its fixed part";
      return S7_WIRE_BAD;
    }
    ev->u.cotp.cause = have > 6 ? p[6] : 0;
    return S7_WIRE_COTP;
  case S7_COTP_DC:
    return S7_WIRE_COTP;
  case S7_COTP_ER:
    ev->u.cotp.cause = li >= 4 && have > 4 ? p[4] : 0;
    return S7_WIRE_COTP;
  default:
    *why = "a COTP TPDU type ISO-on-TCP does not use";
    return S7_WIRE_BAD;
  }
}

S7WireKind s7_wire_decode_packet(const guint8 *pkt, gsize len, S7Event *ev, const guint8 **data,
                                 gsize *data_len, gboolean *last, const char **why)
{
  *data = NULL;
  *data_len = 0;
  *last = FALSE;
  if (len < 7 || pkt[0] != 3 || be16(pkt + 2) != len) {
    *why = "not a TPKT packet (RFC 1006: version 3 and its length)";
    return S7_WIRE_BAD;
  }
  return s7_wire_decode_cotp(pkt + 4, len - 4, FALSE, ev, data, data_len, last, why);
}

void s7_szl_text(const guint8 *p, gsize n, char *out, gsize size)
{
  gsize k = MIN(n, size - 1);
  for (gsize i = 0; i < k; i++)
    out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : (p[i] ? ' ' : '\0');
  out[k] = '\0';
  g_strchomp(out);
}

gsize s7_szl1c_text_len(guint index, gsize rec_len)
{
  if (rec_len < 2)
    return 0;
  return MIN(rec_len - 2, (index == 1 || index == 2 || index == 5) ? 24u : 32u);
}

/* SZL answer records (0x0011 module identification, 0x001C component identification) into
 * the identity; rec points at the records, n_rec records of rec_len bytes, avail bytes there */
static void szl_identity(guint16 szl_id, const guint8 *rec, guint rec_len, guint n_rec, gsize avail,
                         S7Identity *id)
{
  if (rec_len < 4)
    return;
  for (guint r = 0; r < n_rec && (gsize)(r + 1) * rec_len <= avail; r++) {
    const guint8 *x = rec + (gsize)r * rec_len;
    guint16 index = be16(x);
    if ((szl_id & 0xff) == 0x11 && rec_len >= 28) {
      if (index == 1)
        s7_szl_text(x + 2, 20, id->order_number, sizeof id->order_number);
      else if (index == 7 && x[24] == 'V')
        g_snprintf(id->firmware, sizeof id->firmware, "V%u.%u.%u", x[25], x[26], x[27]);
    } else if (szl_id == 0x001C) {
      /* the names (1, 2) and the serial (5) are 24 characters and 8 reserved bytes; the plant
       * designation (3) and the CPU type (7) 32 characters (as tshark's fields) */
      const guint8 *t = x + 2;
      gsize tn = s7_szl1c_text_len(index, rec_len);
      switch (index) {
      case 1: s7_szl_text(t, tn, id->system_name, sizeof id->system_name); break;
      case 2: s7_szl_text(t, tn, id->module_name, sizeof id->module_name); break;
      case 3: s7_szl_text(t, tn, id->plant, sizeof id->plant); break;
      case 5: s7_szl_text(t, tn, id->serial, sizeof id->serial); break;
      case 7: s7_szl_text(t, tn, id->cpu_type, sizeof id->cpu_type); break;
      default: break;
      }
    }
  }
}

void s7_wire_szl(const guint8 *p, gsize len, S7Pdu *s)
{
  if (len < 4)
    return;
  s->szl_id = be16(p);
  if (s->ud_type == S7_UD_TYPE_RESPONSE && !s->param_error && len >= 8)
    szl_identity(s->szl_id, p + 8, be16(p + 4), be16(p + 6), len - 8, &s->identity);
}

static void userdata(const guint8 *par, guint plen, const guint8 *data, guint dlen, S7Pdu *s)
{
  if (plen < 8 || par[0] != 0x00 || par[1] != 0x01 || par[2] != 0x12)
    return;
  guint head = par[3];
  s->ud_type = (guint8)(par[5] >> 4);
  s->ud_group = (guint8)(par[5] & 0x0f);
  s->ud_subfunc = par[6];
  if (head >= 8 && plen >= 12)
    s->param_error = be16(par + 10);
  if (dlen >= 4) {
    s->retcodes[0] = data[0];
    s->n_retcodes = 1;
  }
  /* an SZL answer's head (id, index, record length and count) is in its first data unit; the
   * first of several ("last data unit" 1) is left to the front end, which may have them
   * reassembled (s7_wire_szl) */
  gboolean first_of_several = head >= 8 && plen >= 10 && par[9] != 0;
  if (s->ud_group == S7_UD_GRP_CPU && s->ud_subfunc == 1 && dlen >= 8 && data[0] == 0xFF &&
      !first_of_several)
    s7_wire_szl(data + 4, dlen - 4, s);
}

/* A Read Var answer's data items, as the dissector walks them: return code, transport size,
 * length (bits for sizes 3, 4 and 5), the value and a fill byte after an odd length but the
 * last; an item answering an error (but "object does not exist") is its 4-byte head only */
static void read_answer(const guint8 *data, guint dlen, guint count, S7Pdu *s)
{
  gsize i = 0;
  for (guint k = 0; k < count && i + 1 <= dlen && s->n_retcodes < S7_MAX_ITEMS; k++) {
    guint8 rc = data[i];
    s->retcodes[s->n_retcodes++] = rc;
    gsize n = 0;
    if ((rc == 0x00 || rc == 0xFF || rc == 0x0A) && i + 4 <= dlen) {
      guint8 tsize = data[i + 1];
      n = be16(data + i + 2);
      if (tsize == 3 || tsize == 4 || tsize == 5)
        n = (n + 7) / 8;
      if ((n & 1) && k + 1 < count)
        n++;
    }
    i += 4 + n;
  }
}

static void var_job_items(const guint8 *par, guint plen, S7Pdu *s)
{
  guint count = par[1];
  gsize i = 2;
  for (guint k = 0; k < count && i + 2 <= plen && s->n_items < S7_MAX_ITEMS; k++) {
    guint speclen = par[i + 1];
    if (i + 2 + speclen > plen)
      break;
    S7ReqItem it = { 0 };
    if (speclen >= 10 && par[i + 2] == 0x10) {
      const guint8 *x = par + i + 2;
      it = S7_ITEM(0x10, x[6], x[1], be16(x + 4), (guint32)(x[7] << 16 | x[8] << 8 | x[9]), be16(x + 2));
    } else if (speclen >= 1) {
      it.syntax_id = par[i + 2];
    }
    s->items[s->n_items++] = it;
    i += 2 + speclen;
  }
}

/* A Write Var job's data items, after its parameter items: return code (reserved 0x00),
 * transport size, length (bits for sizes 3, 4 and 5), the value and a fill byte after an odd
 * length but the last; each value's first bytes go to its item */
static void write_job_data(const guint8 *data, guint dlen, guint count, S7Pdu *s)
{
  gsize i = 0;
  for (guint k = 0; k < count && i + 4 <= dlen; k++) {
    guint8 rc = data[i], tsize = data[i + 1];
    gsize n = be16(data + i + 2);
    if (tsize == 3 || tsize == 4 || tsize == 5)
      n = (n + 7) / 8;
    i += 4;
    if (rc != 0x00 && rc != 0xFF)
      continue;
    if (k < s->n_items && n) {
      S7ReqItem *it = &s->items[k];
      gsize have = MIN(n, dlen - i);
      it->data_total = (guint16)MIN(have, G_MAXUINT16);
      it->data_len = (guint8)MIN(have, S7_ITEM_DATA_MAX);
      memcpy(it->data, data + i, it->data_len);
    }
    i += n + ((n & 1) && k + 1 < count);
  }
}

/* A PLC control job's service name: after a parameter block for PI services (0x28: 7 bytes,
 * the block's 2-byte length, the block), after 5 bytes for PLC Stop (0x29); a length byte and
 * the name */
static void pi_service(const guint8 *par, guint plen, S7Pdu *s)
{
  gsize at;
  if (s->function == S7_FUNC_PI_SERVICE) {
    if (plen < 10)
      return;
    at = 10 + (gsize)be16(par + 8);
  } else {
    at = 6;
  }
  /* a name longer than the parameter is not read (the dissector calls the packet malformed) */
  if (at >= plen || (gsize)par[at] > plen - at - 1)
    return;
  gsize n = MIN((gsize)par[at], sizeof s->pi_service - 1);
  memcpy(s->pi_service, par + at + 1, n);
  s->pi_service[n] = '\0';
}

gboolean s7_wire_s7_header(const guint8 *p, gsize len, S7Pdu *s)
{
  memset(s, 0, sizeof *s);
  s->function = S7_FUNC_NONE;
  if (len < 10 || p[0] != 0x32)
    return FALSE;
  s->rosctr = p[1];
  s->pdu_ref = be16(p + 4);
  s->param_len = be16(p + 6);
  s->data_len = be16(p + 8);
  return TRUE;
}

gboolean s7_wire_decode_s7(const guint8 *p, gsize len, S7Event *ev, const char **why)
{
  ev->type = S7_EV_S7;
  S7Pdu *s = &ev->u.s7;
  if (!s7_wire_s7_header(p, len, s)) {
    *why = "not an S7 PDU (protocol id 0x32)";
    return FALSE;
  }
  gsize hdr = 10;
  if (s->rosctr == S7_ROSCTR_ACK || s->rosctr == S7_ROSCTR_ACK_DATA) {
    if (len < 12) {
      *why = "an S7 acknowledgement shorter than its header";
      return FALSE;
    }
    s->err_class = p[10];
    s->err_code = p[11];
    hdr = 12;
  } else if (s->rosctr != S7_ROSCTR_JOB && s->rosctr != S7_ROSCTR_USERDATA) {
    *why = "an S7 PDU type (ROSCTR) that is not Job, Ack, Ack_Data or Userdata";
    return FALSE;
  }
  if (hdr + s->param_len + s->data_len > len) {
    *why = "the S7 header's parameter and data lengths are past the PDU";
    return FALSE;
  }
  const guint8 *par = p + hdr, *data = par + s->param_len;
  if (s->rosctr == S7_ROSCTR_USERDATA) {
    userdata(par, s->param_len, data, s->data_len, s);
    return TRUE;
  }
  /* as tshark gives it: an acknowledgement's error is also its parameter error code */
  if (s->err_class || s->err_code)
    s->param_error = (guint16)(s->err_class << 8 | s->err_code);
  if (s->param_len == 0)
    return TRUE;
  s->function = par[0];
  switch (s->function) {
  case S7_FUNC_SETUP_COMM:
    if (s->param_len >= 8) {
      s->max_amq_calling = be16(par + 2);
      s->max_amq_called = be16(par + 4);
      s->pdu_size = be16(par + 6);
    }
    break;
  case S7_FUNC_READ_VAR:
  case S7_FUNC_WRITE_VAR:
    if (s->param_len < 2)
      break;
    if (s->rosctr == S7_ROSCTR_JOB) {
      var_job_items(par, s->param_len, s);
      if (s->function == S7_FUNC_WRITE_VAR)
        write_job_data(data, s->data_len, par[1], s);
    } else if (s->rosctr != S7_ROSCTR_ACK_DATA)
      break;
    else if (s->function == S7_FUNC_READ_VAR)
      read_answer(data, s->data_len, par[1], s);
    else
      for (guint k = 0; k < par[1] && k < s->data_len && s->n_retcodes < S7_MAX_ITEMS; k++)
        s->retcodes[s->n_retcodes++] = data[k];
    break;
  case S7_FUNC_PI_SERVICE:
  case S7_FUNC_PLC_STOP:
    if (s->rosctr == S7_ROSCTR_JOB)
      pi_service(par, s->param_len, s);
    break;
  default:
    break;
  }
  return TRUE;
}
