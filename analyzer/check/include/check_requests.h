/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_requests.h — the only packets `s7diag check` sends, and the gate each passes.
 *
 * A check must never change a PLC: it sends a COTP connect request, Setup Communication,
 * SZL reads and Read Var jobs, nothing else. s7_check_request_allowed() decodes every packet
 * before it is sent and refuses anything else (no Write Var, PLC control, block functions or
 * password attempts can leave, whatever the code above it does). */
#ifndef S7DIAG_CHECK_REQUESTS_H
#define S7DIAG_CHECK_REQUESTS_H

#include <glib.h>

G_BEGIN_DECLS

/* The calling TSAP of the check: a PG connection's (0x0100), as programming tools use */
#define S7_CHECK_CALLING_TSAP 0x0100

void s7_check_build_cr(GByteArray *out, guint16 called_tsap);
void s7_check_build_setup(GByteArray *out, guint16 pdu_ref, guint16 max_amq, guint16 pdu_size);
void s7_check_build_szl_read(GByteArray *out, guint16 pdu_ref, guint16 szl_id, guint16 index);
/* One item of byte_count bytes at area (S7_AREA_DB with db, or S7_AREA_M …), byte offset */
void s7_check_build_read(GByteArray *out, guint16 pdu_ref, guint8 area, guint16 db, guint32 offset,
                         guint16 byte_count);

/* TRUE when pkt (one TPKT packet) is one of the packets above; FALSE with *why otherwise */
gboolean s7_check_request_allowed(const guint8 *pkt, gsize len, const char **why);

G_END_DECLS

#endif
