/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire_sniff.h — what a TCP or COTP payload looks like from its first bytes, for traffic no
 * dissector decoded: ISO-on-TCP (TPKT + COTP) on a port that is not an S7 port, and TLS
 * records inside COTP (an S7comm-plus session protected with TLS). The prefilter and the
 * field row ask the same questions, so a prefiltered and a plain run agree. */
#ifndef S7DIAG_WIRE_SNIFF_H
#define S7DIAG_WIRE_SNIFF_H

#include <glib.h>

G_BEGIN_DECLS

/* A TCP payload starting with a TPKT header (version 3, length ≥ 7) and a COTP header whose
 * TPDU code is one ISO-on-TCP uses (CR, CC, DR, DC, DT, ER) */
gboolean s7_sniff_tpkt(const guint8 *p, gsize len);

/* A COTP payload starting with a TLS record header: content type 20–23 (change cipher spec,
 * alert, handshake, application data), version 3.x */
gboolean s7_sniff_tls_record(const guint8 *p, gsize len);

G_END_DECLS

#endif
