/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.h — the diagnosis engine: events in (capture order), findings and an inventory out.
 *
 * The rules record facts per finding (kind, PLC, client host, detail); at finish one step per
 * kind writes each finding's texts from them. Memory is bounded by live connections plus one
 * aggregate per distinct finding; evidence frames per finding are capped.
 */
#ifndef S7DIAG_ENGINE_H
#define S7DIAG_ENGINE_H

#include <glib.h>

#include "partners.h"
#include "s7_codes.h"
#include "s7_event.h"

G_BEGIN_DECLS

#define S7_MAX_PORTS 8

typedef struct {
  guint16 ports[S7_MAX_PORTS];   /* S7 server ports; the side using one is the PLC */
  guint n_ports;
  double no_response_timeout_s;  /* a job unanswered this long while the connection lives */
  double connect_timeout_s;      /* a COTP CR unanswered this long */
  guint storm_min_connections;   /* short connections client→PLC that make a storm */
  double storm_short_s;          /* a connection shorter than this is "short" */
  double idle_close_s;           /* a PLC close after this much silence is an idle timeout */
  guint max_evidence_frames;     /* evidence frames kept per finding */
  guint max_listed_connections;  /* connections kept for the inventory */
  const S7Partners *partners;    /* the allowed partners (not owned); NULL: no audit */
} S7EngineConfig;

void s7_engine_config_init(S7EngineConfig *cfg);

/* Is port one of the S7 server ports? (engine, prefilter, analyzer and plugin alike) */
static inline gboolean s7_port_listed(const guint16 *ports, guint n_ports, guint32 port)
{
  for (guint i = 0; i < n_ports; i++)
    if (ports[i] == port)
      return TRUE;
  return FALSE;
}

typedef struct {
  S7Kind kind;
  S7Severity severity;
  char *plc;            /* "ip:port" */
  char *client;         /* "ip:port", or "ip" when several connections are involved */
  char *code;           /* "0x8104", "0x05", "DR 0x81", or NULL */
  char *detail;         /* stable detail: address ("DB12.DBW40"), function, TSAP … */
  char *title;          /* one definite sentence */
  char *explanation;
  char *action;
  char *client_says;
  char *filter;         /* Wireshark display filter selecting the evidence */
  const char *confidence;  /* "high" | "medium" | "low" */
  char *confidence_reason;
  GArray *frames;       /* guint32, ascending, capped at max_evidence_frames */
  guint64 occurrences;  /* how many times it happened */
  guint connections;    /* distinct connections involved */
  guint32 first_frame;
  gint64 first_ts_us, last_ts_us;
} S7Finding;

/* The short tag for a finding, as the Info column and one-line summaries show it:
 * "PUT/GET denied", "DB12: optimized or out of range". Writes into buf and returns it. */
#define S7_TAG_MAX 96
const char *s7_finding_tag(const S7Finding *f, char *buf);

typedef struct {
  char *client, *plc;
  char *calling_tsap, *called_tsap;   /* NULL without COTP CR */
  gboolean tsap_valid;
  guint rack, slot;
  const char *conn_type;              /* "PG", "OP", "S7 basic", "other" */
  guint16 pdu_size, max_amq_calling, max_amq_called;  /* 0 = not negotiated */
  guint32 tpdu_size;                  /* COTP TPDU size from CR/CC (0: not in the capture) */
  guint peak_in_flight;               /* most S7 jobs open at once */
  guint32 first_frame, last_frame;
  gint64 start_ts_us, end_ts_us;
  const char *ended;                  /* "FIN by client", "RST by PLC", "open at capture end", … */
  gboolean iso_connected;
  gboolean s7_traffic;                /* COTP connect, S7 or S7comm-plus seen (else TCP only) */
  guint64 s7_jobs, s7_errors;
  guint64 answered;                   /* S7 jobs answered in the capture */
  gint64 response_mean_us, response_max_us;  /* job to response, over the answered ones */
  guint8 s7plus_version;              /* 0 = none */
  guint32 s7plus_session;
  guint64 s7plus_pdus;
  gboolean tls;                       /* TLS records in COTP: a protected S7comm-plus session */
  gboolean handshake_seen;            /* the TCP handshake is in the capture */
  const char *directions;             /* "both", "client only", "PLC only" */
} S7ConnSummary;

typedef struct {
  char *plc;
  char *area;                         /* "DB12", "M", "I", "T", … */
  gboolean numbered;                  /* timers and counters: numbers, not bytes */
  guint64 reads, writes, errors;
  guint32 lowest, highest;            /* touched: [lowest, highest), bytes or numbers */
  gboolean ok, failed;                /* some item answered success / an error */
  guint32 ok_lo, ok_hi;               /* what answered success: [ok_lo, ok_hi) */
  guint32 failed_lo, failed_hi;       /* what answered an error */
} S7AreaSummary;

/* A PLC of the capture: what it said about itself, and every host that reached its S7 port */
typedef struct {
  char *host;
  guint64 connections;                /* TCP connections to the PLC's port, as the inventory lists
                                         them (an unanswered SYN is an attempt, none) */
  guint64 read_jobs, write_jobs, control_jobs;  /* Read Var, Write Var, PLC control */
  guint64 other_jobs;                 /* userdata and other functions */
  S7Access needed;                    /* the access what it did needs (a partner list's line) */
  S7Access granted;                   /* what the partner list allows it; NONE without a list */
} S7Peer;

typedef struct {
  char *plc;                          /* "ip:port" */
  S7Identity identity;                /* fields empty when the capture does not hold them */
  const char *family;                 /* "S7-1200", "S7-1500", … from the order number; NULL */
  GPtrArray *peers;                   /* S7Peer*, by host */
} S7PlcSummary;

/* What the capture itself hides or distorts: told beside the findings, in every format */
typedef enum {
  S7_LIMIT_ONE_SIDED,      /* only one direction of connections captured */
  S7_LIMIT_NO_HANDSHAKE,   /* connections begun before the capture */
  S7_LIMIT_COPIES,         /* frames captured twice */
  S7_LIMIT_OTHER_PORT,     /* ISO-on-TCP on a TCP port that was not analyzed */
  S7_LIMIT_FAR_FROM_PLC,   /* routers between the capture point and the PLC (TTL) */
  S7_LIMIT_TLS,            /* TLS-protected S7comm-plus sessions */
  S7_LIMIT_SNAP_LENGTH,    /* packets cut by the capture's snap length */
  S7_LIMIT_MISSING_SEGMENTS, /* connections whose TCP segments the capture lost */
  S7_LIMIT_COUNT
} S7LimitKind;

typedef struct {
  S7LimitKind kind;
  const char *id;          /* stable: "one-sided", "no-handshake", "duplicated-frames",
                              "other-port", "far-from-plc", "tls", "snap-length",
                              "missing-segments" */
  char *subject;           /* the PLC ("ip:port") or the port it concerns; NULL: the capture */
  char *text;              /* what it hides and what to do, with the counts */
  char *summary;           /* when it hides S7 faults from the whole diagnosis: one sentence
                              for the report's summary (NULL otherwise) */
  guint64 count;           /* connections, frames or PLCs concerned */
  GArray *frames;          /* guint32, ascending: the first few concerned */
} S7Limitation;

typedef struct S7Engine S7Engine;

/* Called when a finding gains an evidence frame (for per-frame annotation, e.g. the plugin). */
typedef void (*S7FrameNoteFunc)(guint32 frame, const S7Finding *finding, gpointer user_data);

/* One S7 job and its response: the engine's record of the exchange, from the job until its
 * response (or until it is given up as unanswered). The event note hands it to the front end
 * with the job's event and again with the response's. */
typedef struct {
  guint64 id;                  /* 1, 2, ... in the order the jobs came (an engine's copy goes on
                                  counting); 0: a record made for one event only (a response
                                  without its job, a job whose response came first) */
  guint16 pdu_ref;
  guint8 rosctr;               /* the job's: Job or Userdata */
  guint8 ud_group, ud_subfunc;
  guint16 szl_id;              /* an SZL read's id (CPU functions, subfunction 1), else 0 */
  guint16 function;            /* S7_FUNC_* */
  guint32 job_frame, response_frame;   /* 0: not seen (yet) */
  gint64 job_ts_us, response_ts_us;
  guint n_items;
  S7ReqItem *items;            /* the job's Read/Write Var items, n_items long (owned) */
  guint n_results;
  const guint8 *results;       /* the response's item return codes (the engine's: the
                                  response event's, valid during its note) */
  guint16 error;               /* the response's header error class<<8|code, or a userdata
                                  response's parameter error */
} S7Exchange;

/* The bytes a Read/Write Var job takes on the wire and its answer's: FALSE for other jobs */
gboolean s7_exchange_sizes(const S7Exchange *x, guint32 *request, guint32 *answer);

/* What the engine knew about a COTP, S7 or S7comm-plus event of an S7 connection when it was
 * fed (for per-frame annotation: roles, TSAPs, negotiated sizes, request/response links).
 * Pointers are valid only during the call. */
typedef struct {
  const char *plc, *client;           /* "ip:port" */
  gboolean from_client;
  const guint8 *calling_tsap, *called_tsap;
  guint calling_tsap_len, called_tsap_len;  /* 0 without a COTP CR */
  guint16 pdu_size, max_amq_calling, max_amq_called;  /* 0 = not negotiated (yet) */
  const S7Exchange *exchange;         /* an S7 job or response: its exchange; else NULL */
  const S7Identity *plc_identity;     /* what the PLC said about itself so far */
} S7EventContext;

typedef void (*S7EventNoteFunc)(const S7Event *ev, const S7EventContext *ctx, gpointer user_data);

S7Engine *s7_engine_new(const S7EngineConfig *cfg);
void s7_engine_free(S7Engine *e);
void s7_engine_set_frame_note(S7Engine *e, S7FrameNoteFunc fn, gpointer user_data);
void s7_engine_set_event_note(S7Engine *e, S7EventNoteFunc fn, gpointer user_data);

/* A copy of a running (not yet finished) engine that goes on as the original would
 * (clone.c); each finding of e -> its copy goes into successors when it is not NULL.
 * The copy's notes are not set. */
S7Engine *s7_engine_clone(const S7Engine *e, GHashTable *successors);
void s7_engine_feed(S7Engine *e, const S7Event *ev);
/* The capture's last packet time (packets that carried no event included), so "the end of
 * the capture" does not depend on which packets a front end passed on. */
void s7_engine_set_capture_end(S7Engine *e, gint64 ts_us);

/* End of capture: closes live connections, applies capture-wide context. */
void s7_engine_finish(S7Engine *e);

/* Results, valid after finish. Findings are ordered by severity (error first), then by
 * first frame, then kind; connections by first frame; areas by PLC and area. */
const GPtrArray *s7_engine_findings(const S7Engine *e);
const GPtrArray *s7_engine_connections(const S7Engine *e);
guint64 s7_engine_connections_not_listed(const S7Engine *e);
const GPtrArray *s7_engine_areas(const S7Engine *e);
const GPtrArray *s7_engine_plcs(const S7Engine *e);   /* S7PlcSummary*, by PLC */
const GPtrArray *s7_engine_limitations(const S7Engine *e);   /* S7Limitation* */
/* What a PLC ("ip:port") said about itself so far; NULL when the engine does not know it.
 * Valid until the next feed. Works before and after finish. */
const S7Identity *s7_engine_plc_identity(const S7Engine *e, const char *plc);
/* A limitation kind's stable id and what it means, for the catalogue and `explain` */
const char *s7_limitation_id(S7LimitKind kind);
const char *s7_limitation_about(S7LimitKind kind);

typedef struct {
  guint64 events, s7_pdus, s7plus_pdus, jobs, responses, unpaired_responses;
  guint64 not_s7_events;              /* TCP events on other ports: not S7, ignored */
  guint64 reordered_responses;        /* captured before their jobs, paired when the job came */
  guint64 tcp_connections;
  guint64 live_connections_peak;
  gboolean capture_gaps;              /* segments missing from the capture */
} S7EngineStats;
const S7EngineStats *s7_engine_stats(const S7Engine *e);

G_END_DECLS

#endif
