/* SPDX-License-Identifier: GPL-2.0-or-later */
/* quality.h — what the capture itself hides or distorts (not a fault of the network):
 * one direction of a connection missing, connections begun before the capture, frames
 * captured twice, ISO-on-TCP on a port s7diag does not analyze, a capture point routers away
 * from the PLC, TLS-protected sessions. The engine feeds it; at finish it writes the
 * limitations (engine.h, S7Limitation) with counts and frames. Private to core/engine. */
#ifndef S7DIAG_QUALITY_H
#define S7DIAG_QUALITY_H

#include "records.h"

#define QUALITY_FRAMES 8         /* frames kept per limitation */

typedef struct {
  guint64 n;
  guint32 frames[QUALITY_FRAMES];
  guint n_frames;
} QualityCount;

typedef struct {
  guint64 tcp_frames;          /* TCP segments of S7 connections (copies included) */
  QualityCount copies;         /* frames that are copies of the frame before them */
  QualityCount client_only, plc_only;  /* connections seen in one direction */
  QualityCount no_handshake;   /* connections begun before the capture */
  QualityCount tls;            /* connections with TLS records in COTP */
  QualityCount snapped;        /* segments whose payload the snap length cut */
  QualityCount gaps;           /* connections with segments missing (the frame after the gap) */
  guint64 snapped_headers;     /* … before the TPKT, COTP and S7 headers */
  guint64 data_segments;       /* segments with payload (copies excluded) */
  GHashTable *other_ports;     /* port -> QualityCount*: ISO-on-TCP on other ports */
  GHashTable *plc_ttl;         /* PLC "ip:port" -> PlcTtl* (lowest TTL of its packets) */
} QualityState;

void s7_quality_init(QualityState *q);
void s7_quality_clear(QualityState *q);
void s7_quality_copy(QualityState *to, const QualityState *from);   /* to: initialized */

/* A TCP segment of an S7 connection. TRUE when it is a copy of the segment before it in its
 * direction (same sequence, acknowledgement, length, flags and IP identification, moments
 * later): the engine then ignores it. */
gboolean s7_quality_tcp(QualityState *q, Conn *c, const S7Event *ev, gboolean from_client);
/* A TCP segment on a port that is not an S7 port */
void s7_quality_other_port(QualityState *q, const S7Event *ev);
/* A connection ended: what of it the capture misses */
void s7_quality_conn_end(QualityState *q, const Conn *c);
/* The limitations, ordered by kind and subject */
GPtrArray *s7_quality_limitations(const QualityState *q);

#endif
