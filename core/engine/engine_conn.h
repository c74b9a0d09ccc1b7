/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_conn.h — the engine's per-connection state: one TCP connection to an S7 port, its
 * ISO connection and S7 session, and the jobs in flight (not a public API). */
#ifndef S7DIAG_ENGINE_CONN_H
#define S7DIAG_ENGINE_CONN_H

#include "engine.h"

#define MAX_PENDING_JOBS 256     /* a client never legitimately has more open jobs */
#define MAX_SYN_FRAMES 8
#define MAX_EARLY_RESPONSES 8    /* responses that may have been captured before their jobs */

/* A job in flight: a Job, or a userdata request */
typedef struct {
  guint16 pdu_ref;
  guint8 rosctr;
  guint16 function;
  guint8 ud_group, ud_subfunc;
  guint32 frame;
  gint64 ts_us;
  guint n_items;
  S7ReqItem *items;            /* owned, n_items long */
  guint32 request_size, answer_size;  /* Read/Write Var: the job's size and its answer's (bytes) */
} Job;

/* A response that had no job: the capture started after its job, or the capture's order is
 * not the wire's and its job follows (then it is paired when the job comes) */
typedef struct {
  guint16 pdu_ref;
  gboolean userdata;
  gboolean acks_unseen;        /* its TCP segment acknowledged client data not yet captured */
  guint32 frame;
  gint64 ts_us;
} EarlyResponse;

/* A TCP segment, to know its copy */
typedef struct {
  gint64 ts_us;
  guint32 seq, ack, len;
  guint16 ip_id;
  guint8 flags;
  guint8 set : 1, have_ip_id : 1;
} LastSegment;

typedef enum { END_OPEN = 0, END_FIN_CLIENT, END_FIN_PLC, END_RST_CLIENT, END_RST_PLC,
               END_COTP_DR } EndReason;

/* What the engine's table of connections is keyed by: the two endpoints (no text to build
 * for a lookup) */
typedef struct {
  const S7Endpoint *plc, *client;
} ConnKey;

typedef struct {
  char *key;                   /* "plc|port|client|port": names the connection in aggregates */
  ConnKey hkey;                /* points at plc and client below */
  guint32 seqno;               /* order of appearance */
  S7Endpoint plc, client;
  char *plc_s, *client_s;      /* "ip:port" */
  guint32 first_frame, last_frame;
  gint64 start_ts, last_ts;
  /* TCP */
  guint syn_count;
  guint32 syn_frames[MAX_SYN_FRAMES];
  gint64 first_syn_ts, last_syn_ts, prev_syn_ts;
  EndReason ended;
  guint32 end_frame;
  gint64 end_ts;
  guint32 plc_ack_frame;       /* the PLC's last bare TCP ACK (no payload) */
  guint32 gap_frame;           /* the last frame whose TCP segment showed a capture gap */
  gint64 plc_ack_ts;
  /* COTP */
  guint32 cr_frame;
  gint64 cr_ts;
  guint8 calling_tsap[S7_TSAP_MAX], called_tsap[S7_TSAP_MAX];
  guint8 calling_len, called_len;
  guint32 tpdu_size;           /* agreed in CR/CC (the CC's when it has one) */
  /* S7 */
  guint16 pdu_size, amq_calling, amq_called;
  GQueue jobs;                 /* of Job*, oldest first */
  GQueue early;                /* of EarlyResponse*, oldest first */
  guint64 n_jobs, n_errors, n_answered;
  gint64 response_sum_us, response_max_us;   /* answered jobs: time from job to response */
  guint64 n_s7;                /* S7 and S7comm-plus PDUs either way */
  gint64 last_s7_ts;
  guint peak_in_flight;        /* most jobs open at once */
  /* S7comm-plus */
  guint8 s7plus_version;
  guint32 s7plus_session;
  guint64 s7plus_pdus, s7plus_ok, s7plus_errors;
  guint16 s7plus_request;        /* the function of the client's latest request */
  guint32 s7plus_first_frame;
  gint64 s7plus_first_ts;
  gpointer s7plus_first_error;   /* the Agg of the session's first error (consequences fold in) */
  guint64 tls_records;           /* TLS records in COTP (a protected session) */
  guint32 tls_frame;
  /* capture quality */
  guint64 pkts_client, pkts_plc;
  guint64 data_segments;         /* segments with payload (a connection's stray last ACK has none) */
  LastSegment last_seg[2];       /* [from_client] */
  gpointer plc_ctx, pair_ctx;    /* its PlcContext and PairContext (s7_conn_plc/pair: cached) */
  /* the finding of its latest error answer and what it answered (on_error_code: a PLC that
   * refuses a job refuses it again, and the finding's key is made once) */
  gpointer err_agg;
  guint16 err_code, err_func;
  guint8 err_ud_group, err_ud_subfunc;
  /* flags, packed (a record is kept for every connection) */
  guint counted : 1;            /* counted as a connection start of its client/PLC pair */
  guint synack : 1, icmp_seen : 1, port_refused : 1;
  guint fin_client : 1, fin_plc : 1;
  guint capture_gap : 1;
  guint cr_seen : 1, cc_seen : 1, refused : 1;
  guint cr_resolved : 1;        /* CC, refusal or the client's give-up was seen */
  guint abandoned : 1;          /* ended with a job or the connect unanswered */
  guint amq_noted : 1, fragment_noted : 1;
  guint server_noted : 1;       /* its PLC is in the engine's S7 servers */
  guint data_client_noted : 1;  /* its client is in its PLC's data clients */
  guint client_acks : 1;          /* the client sent ACKs: the PLC's side exists */
} Conn;

void s7_job_free(Job *j);
guint s7_conn_key_hash(gconstpointer key);
gboolean s7_conn_key_equal(gconstpointer a, gconstpointer b);
const char *s7_end_text(EndReason r);

#endif
