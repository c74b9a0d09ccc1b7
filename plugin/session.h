/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.h — one engine per opened capture, and what it said about each frame.
 *
 * The first pass feeds the engine frame by frame; the engine's notes (events with their
 * connection context, findings with their evidence frames) are kept per frame, so every
 * later dissection of a frame (clicks in the GUI, tshark's second pass) shows them. Findings
 * that need the whole capture (refused connects, unanswered jobs at the end, S7comm-plus
 * sessions) are complete once the engine is finished: at the first revisited frame. */
#ifndef S7DIAG_SESSION_H
#define S7DIAG_SESSION_H

#include <epan/packet.h>

#include "engine.h"
#include "field_row.h"

typedef struct {
  S7EventType type;
  gboolean from_client;
  const char *plc, *client;         /* file-scope strings */
  const S7Identity *identity;       /* the PLC's, as the engine knows it (the engine owns it) */
  /* connection context at this event */
  guint8 calling_tsap[S7_TSAP_MAX], called_tsap[S7_TSAP_MAX];
  guint8 calling_len, called_len;
  guint16 pdu_size, amq_calling, amq_called;
  /* COTP */
  guint8 tpdu, cause;
  /* S7 */
  guint8 rosctr, ud_type, ud_group, ud_subfunc;
  guint16 function, pdu_ref;
  guint16 error;                    /* header class<<8|code, or the parameter error */
  gboolean is_request, is_response;
  guint32 partner_frame;            /* request: its response; response: its job */
  gint64 delta_us;                  /* response time */
  guint n_items;                    /* request: its items; response: its job's items */
  S7ReqItem *items;
  guint n_retcodes;
  guint8 *retcodes;
  /* S7comm-plus */
  S7PlusPdu s7plus;
} S7dEvent;

typedef struct {
  wmem_array_t *events;             /* of S7dEvent* */
  wmem_array_t *findings;           /* of const S7Finding*, valid until the file closes */
  wmem_array_t *limitations;        /* of const S7Limitation*: what the capture hides here */
} S7dFrame;

void s7d_session_start(const S7EngineConfig *cfg);   /* init routine */
void s7d_session_end(void);                          /* cleanup routine */
void s7d_session_feed_row(const S7FieldRow *row, const S7FieldProfile *profile);
void s7d_session_finish(void);                       /* idempotent */
gboolean s7d_session_finished(void);
S7dFrame *s7d_session_frame(guint32 frame);          /* NULL when the engine said nothing */
const S7EngineStats *s7d_session_stats(void);

#endif
