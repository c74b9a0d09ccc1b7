/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.h — one live diagnosis per opened capture, and what it says about each frame.
 *
 * The first pass feeds the engine frame by frame (core/engine/include/engine_live.h): each frame's events are
 * kept in a few bytes (the connection context shared, a job and its response one record), and
 * a frame's own verdict is known as soon as its evidence is fed (a provisional finding: kind
 * and frames). Findings that need the whole
 * capture (refused connects, unanswered jobs, S7comm-plus sessions, confidence) settle with a
 * snapshot, taken when a frame is dissected again and frames were fed since: at the first
 * revisited frame of a file, and again after every new frame of a live capture. */
#ifndef S7DIAG_SESSION_H
#define S7DIAG_SESSION_H

#include <epan/packet.h>

#include "engine.h"
#include "s7_address.h"

/* A connection's context as it was at an event: shared by every event that saw the same one
 * (a connection has one before its Setup Communication and one after), file scope. What the
 * tree shows of it is formatted once, when the context is first seen. */
typedef struct {
  const char *plc, *client;         /* file-scope strings */
  guint8 calling_tsap[S7_TSAP_MAX], called_tsap[S7_TSAP_MAX];
  guint8 calling_len, called_len;
  guint16 pdu_size, amq_calling, amq_called;
  /* made from the fields above (not part of the context's identity) */
  const char *calling_text, *called_text;   /* the TSAPs as text; NULL without */
  S7Tsap called;                    /* the called TSAP decoded: rack, slot, connection type */
} S7dContext;

/* What the engine saw in one event of a frame: kept for every S7 frame, so it is small */
typedef struct S7dEvent {
  struct S7dEvent *next;            /* the frame's next event, NULL after the last */
  const S7dContext *ctx;
  const S7Exchange *exchange;       /* S7 jobs and responses: the engine's record of the job and
                                       its response, kept in file scope (both frames' events
                                       point at the same one); else NULL */
  const S7PlusPdu *s7plus;          /* S7_EV_S7PLUS only, else NULL */
  guint16 function, pdu_ref;
  guint16 error;                    /* header class<<8|code, or the parameter error */
  guint8 type;                      /* S7EventType */
  guint8 from_client, is_request, is_response;
  guint8 tpdu, cause;               /* COTP */
  guint8 rosctr, ud_type, ud_group, ud_subfunc;
  guint32 frame;                    /* the frame it is in (fills what would be padding) */
} S7dEvent;

typedef struct {
  const S7dEvent *events;           /* the frame's first event (then ->next), or NULL */
  guint n_events;
  /* for the current diagnosis; valid until the next feed */
  const GPtrArray *findings;        /* of const S7Finding*, or NULL */
  const GPtrArray *limitations;     /* of const S7Limitation*: what the capture hides here */
  gboolean provisional;             /* findings of the running engine, not yet settled: use
                                       their kind, severity, code and detail only */
} S7dFrame;

void s7d_session_start(const S7EngineConfig *cfg);   /* init routine */
void s7d_session_end(void);                          /* cleanup routine */
void s7d_session_feed(const S7Event *ev);                 /* the first pass, in frame order */
void s7d_session_refresh(void);                      /* a snapshot when frames were fed since */
gboolean s7d_session_settled(guint32 frame);         /* the current snapshot covers the frame */
/* What the engine says about the frame, allocated in scope (the packet's pool); NULL when it
 * said nothing */
S7dFrame *s7d_session_frame(guint32 frame, wmem_allocator_t *scope);
const S7Identity *s7d_session_identity(const char *plc);   /* NULL: unknown */
const S7EngineStats *s7d_session_stats(void);

#endif
