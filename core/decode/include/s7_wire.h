/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_wire.h — ISO-on-TCP packets as bytes (TPKT + COTP [+ S7]) decoded into the engine's
 * events. For `s7diag check`, which talks to a PLC itself instead of reading a capture, and
 * for the plugin, which decodes the bytes the stock dissectors' protocol items cover (asking
 * epan for each of their fields costs more than the whole diagnosis): both are diagnosed by
 * the same engine with the same texts as the analyzer, which reads tshark's fields.
 *
 * The bytes come from the PLC (or whatever answers on its port): untrusted input. Every
 * length is checked against the bytes there are; fuzz/fuzz_wire.c runs these functions. */
#ifndef S7DIAG_S7_WIRE_H
#define S7DIAG_S7_WIRE_H

#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

/* The length of the TPKT packet at the start of buf (header included): 0 when fewer than 4
 * bytes are there, -1 when it is not TPKT (version not 3, or its length below 7 or above
 * max_len). */
gssize s7_wire_tpkt_length(const guint8 *buf, gsize len, gsize max_len);

typedef enum {
  S7_WIRE_COTP,     /* a COTP CR, CC, DR, DC or ER: ev->type S7_EV_COTP, ev->u.cotp filled */
  S7_WIRE_DATA,     /* a COTP DT: *data / *data_len its payload, *last its EOT bit */
  S7_WIRE_BAD,      /* not a COTP packet of ISO-on-TCP: *why says what is wrong */
} S7WireKind;

/* One whole TPKT packet (as s7_wire_tpkt_length measured it). Sets only ev->type and ev->u;
 * the caller sets frame, time and endpoints. */
S7WireKind s7_wire_decode_packet(const guint8 *pkt, gsize len, S7Event *ev, const guint8 **data,
                                 gsize *data_len, gboolean *last, const char **why);

/* The same for one COTP TPDU without its TPKT header (p at its length indicator, len its
 * bytes: what a dissector's COTP item covers). captured: the bytes come from a capture whose
 * snap length may have cut the header short; what is there is read (as a dissector does)
 * instead of refused, and a DT cut short has no payload (*data NULL, *data_len 0). */
S7WireKind s7_wire_decode_cotp(const guint8 *p, gsize len, gboolean captured, S7Event *ev,
                               const guint8 **data, gsize *data_len, gboolean *last,
                               const char **why);

/* An S7 PDU's 10-byte header (protocol id 0x32): its type (ROSCTR), PDU reference, parameter
 * and data lengths into s, the rest cleared (function S7_FUNC_NONE). FALSE when it is none.
 * For a PDU type the S7 dissector accepts without decoding it (ROSCTR 4 to 6), this is all. */
gboolean s7_wire_s7_header(const guint8 *p, gsize len, S7Pdu *s);

/* One S7 PDU (protocol id 0x32), reassembled from its DT packets, into ev->u.s7 (ev->type
 * S7_EV_S7). FALSE with *why when it is not a well-formed S7 PDU. */
gboolean s7_wire_decode_s7(const guint8 *p, gsize len, S7Event *ev, const char **why);

/* An SZL read's id and, in an answer, what it says of the device (SZL 0x0011, 0x001C), from
 * the bytes at its SZL id (id, index, record length, record count, the records) into s, a
 * decoded userdata PDU: for an answer in several PDUs, which the front end has reassembled */
void s7_wire_szl(const guint8 *p, gsize len, S7Pdu *s);

/* An SZL text field as every front end reads it: printable ASCII kept, other bytes a blank, a
 * NUL ends it, trailing blanks dropped; into out (size bytes) */
void s7_szl_text(const guint8 *p, gsize n, char *out, gsize size);
/* How many bytes of an SZL 0x001C record (after its 2-byte index) are its text: 24 for the
 * names (index 1, 2) and the serial (5), followed by reserved bytes; the rest of the record
 * for the others */
gsize s7_szl1c_text_len(guint index, gsize rec_len);

G_END_DECLS

#endif
