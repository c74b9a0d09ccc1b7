/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7plus_header.c — S7comm-plus header parser (see s7plus_header.h). */
#include "s7plus_header.h"

#include <string.h>

guint s7plus_read_vlq64(const guint8 *data, gsize len, guint64 *value)
{
  guint64 v = 0;
  for (guint i = 0; i < 9; i++) {
    if (i >= len)
      return 0;
    if (i == 8) {
      v = (v << 8) | data[i];
      *value = v;
      return 9;
    }
    v = (v << 7) | (data[i] & 0x7f);
    if (!(data[i] & 0x80)) {
      *value = v;
      return i + 1;
    }
  }
  return 0;
}

static gboolean is_opcode(guint8 b)
{
  return b == S7PLUS_OP_REQUEST || b == S7PLUS_OP_RESPONSE || b == S7PLUS_OP_NOTIFICATION ||
         b == S7PLUS_OP_RESPONSE2;
}

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }

/* A CreateObject response carries the ServerSessionVersion (attribute 306), whose member 319
 * is a text "1;6ES7 214-1AG40-0XB0 ;V4.5": the PLC's order number and firmware */
static void find_session_version(const guint8 *d, gsize len, S7Identity *id)
{
  for (gsize i = 0; i + 6 < len; i++) {
    if (memcmp(d + i, "6ES7", 4) != 0)
      continue;
    gsize end = i;
    while (end < len && end - i < S7_IDENT_MAX - 1 && d[end] >= 0x20 && d[end] < 0x7f && d[end] != ';')
      end++;
    memcpy(id->order_number, d + i, end - i);
    id->order_number[end - i] = '\0';
    g_strchomp(id->order_number);
    if (end + 2 < len && d[end] == ';' && d[end + 1] == 'V') {
      gsize v = end + 1, ve = v;
      while (ve < len && ve - v < sizeof id->firmware - 1 && (d[ve] == 'V' || d[ve] == '.' || g_ascii_isdigit(d[ve])))
        ve++;
      memcpy(id->firmware, d + v, ve - v);
      id->firmware[ve - v] = '\0';
    }
    return;
  }
}

gboolean s7plus_parse(const guint8 *d, gsize len, S7PlusPdu *out)
{
  S7PlusLayout unused;
  return s7plus_parse_layout(d, len, out, &unused);
}

gboolean s7plus_parse_layout(const guint8 *d, gsize len, S7PlusPdu *out, S7PlusLayout *lay)
{
  memset(out, 0, sizeof *out);
  memset(lay, 0, sizeof *lay);
  if (len < 4 || d[0] != 0x72)
    return FALSE;
  out->version = d[1];
  if (out->version == S7PLUS_VERSION_KEEPALIVE)
    return TRUE;
  gsize off = 4;
  /* V2/V3 carry an integrity part before the operation: digest length 0x20 + 32 bytes */
  if (len > off + 33 && d[off] == 0x20 && is_opcode(d[off + 33])) {
    out->has_integrity = TRUE;
    lay->integrity = off;
    off += 33;
  }
  if (len < off + 9 || !is_opcode(d[off]))
    return TRUE;  /* a fragment continuation: header only */
  out->opcode = d[off];
  lay->opcode = off;
  out->function = be16(d + off + 3);
  out->seq = be16(d + off + 7);
  off += 9;
  if (out->opcode == S7PLUS_OP_REQUEST) {
    if (len >= off + 4) {
      lay->session = off;
      out->session_id = (guint32)be16(d + off) << 16 | be16(d + off + 2);
    }
  } else if (out->opcode == S7PLUS_OP_RESPONSE || out->opcode == S7PLUS_OP_RESPONSE2) {
    off += 1;  /* transport flags */
    guint64 rv;
    guint used;
    if (len > off && (used = s7plus_read_vlq64(d + off, len - off, &rv))) {
      lay->ret = off;
      lay->ret_len = used;
      out->has_return = TRUE;
      out->return_value = rv;
      out->error_code = (gint16)(rv & 0xffff);
      out->generic_error = (guint8)((rv >> 40) & 0x7f);
      out->server_error = (rv >> 47) & 1;
    }
    if (out->function == S7PLUS_FUNC_CREATE_OBJECT && len > off)   /* off may be past the end */
      find_session_version(d + off, len - off, &out->identity);
  }
  return TRUE;
}
