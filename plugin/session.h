/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.h — one live diagnosis per opened capture, and what it says about each frame.
 *
 * The first pass feeds the engine frame by frame (core/engine_live.h): the events with their
 * connection context are kept per frame, and a frame's own verdict is known as soon as its
 * evidence is fed (a provisional finding: kind and frames). Findings that need the whole
 * capture (refused connects, unanswered jobs, S7comm-plus sessions, confidence) settle with a
 * snapshot, taken when a frame is dissected again and frames were fed since: at the first
 * revisited frame of a file, and again after every new frame of a live capture. */
#ifndef S7DIAG_SESSION_H
#define S7DIAG_SESSION_H

#include <epan/packet.h>

#include "engine.h"
#include "field_row.h"

typedef struct {
  S7EventType type;
  gboolean from_client;
  const char *plc, *client;         /* file-scope strings */
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
  /* S7comm-plus (S7_EV_S7PLUS only, else NULL) */
  const S7PlusPdu *s7plus;
} S7dEvent;

typedef struct {
  wmem_array_t *events;             /* of S7dEvent* */
  /* set by s7d_session_frame() for the current diagnosis; valid until the next feed */
  const GPtrArray *findings;        /* of const S7Finding*, or NULL */
  const GPtrArray *limitations;     /* of const S7Limitation*: what the capture hides here */
  gboolean provisional;             /* findings of the running engine, not yet settled: use
                                       their kind, severity, code and detail only */
} S7dFrame;

void s7d_session_start(const S7EngineConfig *cfg);   /* init routine */
void s7d_session_end(void);                          /* cleanup routine */
void s7d_session_feed_row(const S7FieldRow *row, const S7FieldProfile *profile);
void s7d_session_refresh(void);                      /* a snapshot when frames were fed since */
gboolean s7d_session_settled(guint32 frame);         /* the current snapshot covers the frame */
S7dFrame *s7d_session_frame(guint32 frame);          /* NULL when the engine said nothing */
const S7Identity *s7d_session_identity(const char *plc);   /* NULL: unknown */
const S7EngineStats *s7d_session_stats(void);

#endif
