/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_address.c — addresses as engineers write them, and TSAPs decoded to rack/slot. */
#include "s7_address.h"

#include <stdio.h>
#include <string.h>

#include "s7_codes.h"

guint s7_transport_size_bytes(guint8 ts)
{
  switch (ts) {
  case 1: case 2: case 3: return 1;          /* BIT, BYTE, CHAR */
  case 4: case 5: return 2;                  /* WORD, INT */
  case 6: case 7: case 8: return 4;          /* DWORD, DINT, REAL */
  case 28: case 29: return 2;                /* COUNTER, TIMER */
  default: return 1;
  }
}

/* The size letter engineers put after the area: X bit, B byte, W word, D double word */
static char size_letter(guint8 ts)
{
  switch (s7_transport_size_bytes(ts)) {
  case 2: return 'W';
  case 4: return 'D';
  default: return ts == 1 ? 'X' : 'B';
  }
}

static gboolean is_counter_or_timer(guint8 area)
{
  return area == S7_AREA_C || area == S7_AREA_T || area == S7_AREA_C200 || area == S7_AREA_T200;
}

const char *s7_format_address(const S7ReqItem *item, char *buf)
{
  if (item->syntax_id != 0x10) {
    g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "(syntax 0x%02x)", item->syntax_id);
    return buf;
  }
  const char *area = s7_area_name(item->area);
  if (!area) {
    g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "area 0x%02x:%u", item->area, item->address >> 3);
    return buf;
  }
  if (is_counter_or_timer(item->area)) {
    g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "%s%u", area, item->address);
    return buf;
  }
  guint byte = item->address >> 3, bit = item->address & 7;
  char letter = size_letter(item->transport_size);
  gboolean db = item->area == S7_AREA_DB || item->area == S7_AREA_DI;
  if (letter == 'X') {
    if (db)
      g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "%s%u.%sX%u.%u", area, item->db, area, byte, bit);
    else
      g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "%s%u.%u", area, byte, bit);
  } else if (db) {
    g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "%s%u.%s%c%u", area, item->db, area, letter, byte);
  } else {
    g_snprintf(buf, S7_ADDRESS_TEXT_MAX, "%s%c%u", area, letter, byte);
  }
  return buf;
}

void s7_item_byte_range(const S7ReqItem *item, guint32 *first, guint32 *len)
{
  if (is_counter_or_timer(item->area)) {
    *first = item->address;
    *len = item->length ? item->length : 1;
    return;
  }
  *first = item->address >> 3;
  guint32 n = item->length ? item->length : 1;
  *len = item->transport_size == 1 ? 1 : n * s7_transport_size_bytes(item->transport_size);
}

S7Tsap s7_decode_tsap(const guint8 *bytes, guint len)
{
  S7Tsap t = { 0 };
  if (len != 2)
    return t;
  t.valid = TRUE;
  t.type = (bytes[0] >= 1 && bytes[0] <= 3) ? (S7ConnType)bytes[0] : S7_CONN_UNKNOWN;
  t.rack = bytes[1] >> 5;
  t.slot = bytes[1] & 0x1f;
  return t;
}

const char *s7_conn_type_name(S7ConnType type)
{
  switch (type) {
  case S7_CONN_PG: return "PG";
  case S7_CONN_OP: return "OP";
  case S7_CONN_BASIC: return "S7 basic";
  default: return "other";
  }
}

char *s7_tsap_to_string(const guint8 *bytes, guint len)
{
  gboolean printable = len > 2;
  for (guint i = 0; i < len && printable; i++)
    printable = bytes[i] >= 0x20 && bytes[i] < 0x7f;
  if (printable)
    return g_strndup((const char *)bytes, len);
  static const char hex[] = "0123456789abcdef";
  char *s = g_malloc(2 + 2 * (gsize)len + 1), *p = s;
  *p++ = '0';
  *p++ = 'x';
  for (guint i = 0; i < len; i++) {
    *p++ = hex[bytes[i] >> 4];
    *p++ = hex[bytes[i] & 0xf];
  }
  *p = '\0';
  return s;
}

const char *s7_endpoint_format(const S7Endpoint *ep, char *buf)
{
  g_snprintf(buf, S7_ENDPOINT_TEXT_MAX, strchr(ep->addr, ':') ? "[%s]:%u" : "%s:%u", ep->addr, ep->port);
  return buf;
}

char *s7_endpoint_host(const char *ep)
{
  if (ep[0] == '[') {
    const char *end = strchr(ep, ']');
    return g_strndup(ep + 1, end ? (gsize)(end - ep - 1) : strlen(ep + 1));
  }
  const char *colon = strchr(ep, ':');
  /* one colon: IPv4 with a port; more: a bare IPv6 address */
  return colon && !strchr(colon + 1, ':') ? g_strndup(ep, (gsize)(colon - ep)) : g_strdup(ep);
}
