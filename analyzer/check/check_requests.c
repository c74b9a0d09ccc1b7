/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_requests.c — what `s7diag check` sends (see check_requests.h). */
#include "check_requests.h"

#include "s7_event.h"
#include "s7_wire.h"

static void put8(GByteArray *b, guint v) { guint8 x = (guint8)v; g_byte_array_append(b, &x, 1); }
static void put16(GByteArray *b, guint v) { put8(b, v >> 8); put8(b, v & 0xff); }

/* TPKT + COTP DT (last unit) + an S7 header; the lengths are set by end_s7 */
static void begin_s7(GByteArray *out, guint8 rosctr, guint16 pdu_ref)
{
  g_byte_array_set_size(out, 0);
  static const guint8 head[] = { 3, 0, 0, 0, 2, 0xF0, 0x80, 0x32 };
  g_byte_array_append(out, head, sizeof head);
  put8(out, rosctr);
  put16(out, 0);
  put16(out, pdu_ref);
  put16(out, 0);   /* parameter length */
  put16(out, 0);   /* data length */
}

static void end_s7(GByteArray *out, guint param_len)
{
  guint data_len = out->len - 17 - param_len;
  out->data[13] = (guint8)(param_len >> 8);
  out->data[14] = (guint8)param_len;
  out->data[15] = (guint8)(data_len >> 8);
  out->data[16] = (guint8)data_len;
  out->data[2] = (guint8)(out->len >> 8);
  out->data[3] = (guint8)out->len;
}

void s7_check_build_cr(GByteArray *out, guint16 called_tsap)
{
  g_byte_array_set_size(out, 0);
  static const guint8 head[] = { 3, 0, 0, 22, 17, 0xE0, 0, 0, 0, 1, 0, 0xC0, 1, 0x0A, 0xC1, 2 };
  g_byte_array_append(out, head, sizeof head);
  put16(out, S7_CHECK_CALLING_TSAP);
  put8(out, 0xC2);
  put8(out, 2);
  put16(out, called_tsap);
}

void s7_check_build_setup(GByteArray *out, guint16 pdu_ref, guint16 max_amq, guint16 pdu_size)
{
  begin_s7(out, S7_ROSCTR_JOB, pdu_ref);
  put8(out, S7_FUNC_SETUP_COMM);
  put8(out, 0);
  put16(out, max_amq);   /* the PLC answers the most it allows, up to this */
  put16(out, max_amq);
  put16(out, pdu_size);
  end_s7(out, 8);
}

void s7_check_build_szl_read(GByteArray *out, guint16 pdu_ref, guint16 szl_id, guint16 index)
{
  begin_s7(out, S7_ROSCTR_USERDATA, pdu_ref);
  static const guint8 par[] = { 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00 };  /* CPU functions, read SZL */
  g_byte_array_append(out, par, sizeof par);
  static const guint8 data[] = { 0xFF, 0x09, 0x00, 0x04 };
  g_byte_array_append(out, data, sizeof data);
  put16(out, szl_id);
  put16(out, index);
  end_s7(out, sizeof par);
}

void s7_check_build_read(GByteArray *out, guint16 pdu_ref, guint8 area, guint16 db, guint32 offset,
                         guint16 byte_count)
{
  begin_s7(out, S7_ROSCTR_JOB, pdu_ref);
  put8(out, S7_FUNC_READ_VAR);
  put8(out, 1);
  static const guint8 spec[] = { 0x12, 0x0A, 0x10, 0x02 };   /* S7ANY, transport size BYTE */
  g_byte_array_append(out, spec, sizeof spec);
  put16(out, byte_count);
  put16(out, area == S7_AREA_DB ? db : 0);
  put8(out, area);
  guint32 bits = offset << 3;
  put8(out, (bits >> 16) & 0xff);
  put8(out, (bits >> 8) & 0xff);
  put8(out, bits & 0xff);
  end_s7(out, 14);
}

gboolean s7_check_request_allowed(const guint8 *pkt, gsize len, const char **why)
{
  S7Event ev;
  const guint8 *data;
  gsize data_len;
  gboolean last;
  S7WireKind k = s7_wire_decode_packet(pkt, len, &ev, &data, &data_len, &last, why);
  if (k == S7_WIRE_COTP) {
    if (ev.u.cotp.tpdu == S7_COTP_CR)
      return TRUE;
    *why = "only a COTP connect request may be sent";
    return FALSE;
  }
  if (k != S7_WIRE_DATA || !last || !s7_wire_decode_s7(data, data_len, &ev, why))
    return FALSE;
  const S7Pdu *p = &ev.u.s7;
  if (10u + p->param_len + p->data_len != data_len) {
    *why = "the S7 PDU must fill its packet exactly";
    return FALSE;
  }
  if (p->rosctr == S7_ROSCTR_JOB && (p->function == S7_FUNC_SETUP_COMM || p->function == S7_FUNC_READ_VAR))
    return TRUE;
  if (p->rosctr == S7_ROSCTR_USERDATA && p->ud_type == S7_UD_TYPE_REQUEST && p->ud_group == S7_UD_GRP_CPU &&
      p->ud_subfunc == 1)
    return TRUE;
  *why = "only Setup Communication, Read Var and SZL reads may be sent";
  return FALSE;
}
