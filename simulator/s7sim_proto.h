/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7sim_proto.h — the simulated CPU's protocol: one complete TPKT in, the answer out.
 * No sockets here (s7sim_main.c has them), so the whole protocol is unit-testable and can be
 * fed arbitrary bytes: every length is checked against what was received. */
#ifndef S7SIM_PROTO_H
#define S7SIM_PROTO_H

#include <glib.h>

#include "s7sim_config.h"

#define S7SIM_TPKT_MAX 8192   /* larger TPKTs are refused (connection closed) */

typedef struct {
  S7SimConfig *cfg;
  guint *live_iso;          /* ISO connections confirmed and still open (server-wide) */
  gboolean iso_connected;
  guint16 pdu_size;         /* negotiated; 240 until Setup Communication */
  guint16 local_ref;
  guint64 *answers;         /* S7 answers so far (server-wide), for drop-every */
} S7SimSession;

typedef enum {
  S7SIM_REPLY,              /* send out */
  S7SIM_SILENT,             /* nothing to send (e.g. a dropped answer) */
  S7SIM_CLOSE,              /* close the connection (FIN) */
  S7SIM_RESET,              /* reset the connection (RST), as CPUs refuse a COTP CR */
} S7SimAction;

/* Length of the TPKT at the start of buf, 0 while fewer than 4 bytes are there, -1 when the
 * bytes are not a TPKT (or exceed S7SIM_TPKT_MAX). */
gssize s7sim_tpkt_length(const guint8 *buf, gsize len);

/* Handles one complete TPKT; appends the answer to out and one log line to log. */
S7SimAction s7sim_handle(S7SimSession *s, const guint8 *tpkt, gsize len, GByteArray *out, GString *log);

/* Called when a connection ends, to free its ISO connection slot. */
void s7sim_session_end(S7SimSession *s);

#endif
