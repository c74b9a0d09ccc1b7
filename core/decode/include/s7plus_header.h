/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7plus_header.h — S7comm-plus (protocol id 0x72) header parser for raw COTP payloads (its
 * vocabulary: s7plus_names.h).
 * Stock tshark leaves these payloads undissected (data.data); the plugin's own S7comm-plus
 * dissector and the analyzer both use this parser. */
#ifndef S7DIAG_S7PLUS_HEADER_H
#define S7DIAG_S7PLUS_HEADER_H

#include <glib.h>

#include "s7_event.h"
#include "s7plus_names.h"

G_BEGIN_DECLS

/* Parses the S7comm-plus PDU at data[0..len). Returns FALSE if it is not one (first byte
 * not 0x72, too short). Never reads past len; fields it cannot reach stay 0. */
gboolean s7plus_parse(const guint8 *data, gsize len, S7PlusPdu *out);

/* Where s7plus_parse found each part, for a dissector's tree (offsets into data; 0 = absent). */
typedef struct {
  gsize integrity;    /* the integrity part (digest length byte + 32-byte digest) */
  gsize opcode;       /* the operation header: opcode, reserved, function, reserved, seq */
  gsize session;      /* a request's session id (4 bytes) */
  gsize ret;          /* a response's return value (VLQ) */
  guint ret_len;
} S7PlusLayout;

gboolean s7plus_parse_layout(const guint8 *data, gsize len, S7PlusPdu *out, S7PlusLayout *layout);

/* Reads a big-endian variable-length quantity (7 bits per byte, top bit = more; the 9th
 * byte carries 8 bits) as S7comm-plus encodes 64-bit values. Returns the bytes used,
 * 0 when len runs out first. */
guint s7plus_read_vlq64(const guint8 *data, gsize len, guint64 *value);

G_END_DECLS

#endif
