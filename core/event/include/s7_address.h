/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_address.h — addresses as engineers write them, and TSAPs decoded to rack/slot. */
#ifndef S7DIAG_S7_ADDRESS_H
#define S7DIAG_S7_ADDRESS_H

#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

#define S7_ADDRESS_TEXT_MAX 48

/* "DB12.DBW40", "DB3.DBX0.1", "MW100", "I0.0", "Q4.0", "T5", "C2", "DB1.DBB0" …
 * Writes into buf (S7_ADDRESS_TEXT_MAX) and returns it. Non-S7ANY items: "(syntax 0xb0)". */
const char *s7_format_address(const S7ReqItem *item, char *buf);

/* Size in bytes of one element of a request transport size (BIT/BYTE/CHAR = 1, WORD/INT = 2,
 * DWORD/DINT/REAL = 4, TIMER/COUNTER = 2); 1 for unknown sizes. */
guint s7_transport_size_bytes(guint8 transport_size);

/* Byte range [first, first+len) an S7ANY item covers in its area. */
void s7_item_byte_range(const S7ReqItem *item, guint32 *first, guint32 *len);

typedef enum { S7_CONN_UNKNOWN = 0, S7_CONN_PG = 1, S7_CONN_OP = 2, S7_CONN_BASIC = 3 } S7ConnType;

typedef struct {
  gboolean valid;      /* a 2-byte S7 TSAP */
  S7ConnType type;     /* from the high byte: 0x01 PG, 0x02 OP, 0x03 S7 basic */
  guint rack, slot;    /* from the low byte: rack = bits 5..7, slot = bits 0..4 */
} S7Tsap;

S7Tsap s7_decode_tsap(const guint8 *bytes, guint len);
const char *s7_conn_type_name(S7ConnType type);
/* "0x0102" or the TSAP as text when it is printable (e.g. "SIMATIC-ROOT-HMI") */
char *s7_tsap_to_string(const guint8 *bytes, guint len);

/* An endpoint as the reports write it: "10.0.0.5:102", "[fe80::1]:102". Writes into buf
 * (S7_ENDPOINT_TEXT_MAX) and returns it. */
#define S7_ENDPOINT_TEXT_MAX (S7_ADDR_MAX + 8)
const char *s7_endpoint_format(const S7Endpoint *ep, char *buf);

/* The host of "ip:port", "[v6]:port" or a bare address (IPv4 or IPv6); newly allocated. */
char *s7_endpoint_host(const char *endpoint);

G_END_DECLS

#endif
