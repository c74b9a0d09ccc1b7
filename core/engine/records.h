/* SPDX-License-Identifier: GPL-2.0-or-later */
/* records.h — the engine's records, one per fact: a connection (Conn: one TCP connection to an
 * S7 port, its ISO connection and S7 session, its jobs in flight), a PLC (PlcRecord: what it
 * said about itself and capture-wide counts), a client/PLC pair (PairRecord: connection starts,
 * jobs by kind), a host (HostRecord: the roles the wire shows), a DB or area accessed
 * (S7AreaSummary). Findings, the inventory and the notes are views of them. Records point at
 * each other with typed pointers; the copy of an engine copies them (clone.c). Private to
 * core/engine. */
#ifndef S7DIAG_RECORDS_H
#define S7DIAG_RECORDS_H

#include "engine.h"
#include "s7_address.h"

#define MAX_PENDING_JOBS 256     /* a client never legitimately has more open jobs */
#define MAX_SYN_FRAMES 8
#define MAX_EARLY_RESPONSES 8    /* responses that may have been captured before their jobs */
#define MAX_WRITE_CELLS 512      /* per PLC */
#define MAX_PAIR_FRAMES 32
#define PLC_CLOSE_BURST_US G_USEC_PER_SEC   /* closes this close together are one event */
#define MAX_BURST 64

typedef struct Agg Agg;          /* a finding under construction (findings.h) */
typedef struct PlcRecord PlcRecord;
typedef struct PairRecord PairRecord;

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

/* Answer times of a connection's Read/Write Var jobs: a histogram of powers of two from 128 µs
 * (bucket 0: under 128 µs, bucket k: [64 << k, 128 << k) µs, the last open), for the usual time */
#define RT_BUCKETS 24
/* A Read/Write Var answer that took SLOW_MIN_US or more (slow-response, at the connection's end) */
#define SLOW_MIN_US 100000
#define MAX_SLOW 64
typedef struct {
  guint32 job_frame, frame;
  gint64 job_ts_us, ts_us;
  guint16 function;
} SlowAnswer;

typedef enum { END_OPEN = 0, END_FIN_CLIENT, END_FIN_PLC, END_RST_CLIENT, END_RST_PLC,
               END_COTP_DR } EndReason;

/* What the table of connections is keyed by: the two endpoints (no text to build for a lookup) */
typedef struct {
  const S7Endpoint *plc, *client;
} ConnKey;

typedef struct {
  char *key;                   /* "plc|port|client|port": names the connection in findings */
  ConnKey hkey;                /* points at plc and client below */
  guint32 seqno;               /* order of appearance */
  S7Endpoint plc, client;
  char *plc_s, *client_s;      /* "ip:port" */
  PlcRecord *plc_rec;          /* its PLC and client/PLC pair (looked up once, when needed) */
  PairRecord *pair_rec;
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
  /* the PLC's close of a connection begun before the capture, kept until the client shows it
   * still held the connection (its own FIN, RST or data after it): then it was the PLC's close */
  guint32 unseen_close_frame;
  gint64 unseen_close_ts;
  const char *unseen_close_how;
  guint32 gap_frame;           /* the last frame whose TCP segment showed a capture gap */
  gint64 plc_ack_ts;
  gint64 synack_ts;            /* the PLC's SYN/ACK: with the SYN before it, the round trip */
  /* COTP */
  guint32 cr_frame;
  gint64 cr_ts;
  guint8 calling_tsap[S7_TSAP_MAX], called_tsap[S7_TSAP_MAX];
  guint8 calling_len, called_len;
  guint32 tpdu_size;           /* agreed in CR/CC (the CC's when it has one) */
  /* S7 */
  guint16 pdu_size, amq_calling, amq_called;
  GQueue jobs;                 /* of S7Exchange*: jobs in flight, oldest first */
  GQueue early;                /* of EarlyResponse*, oldest first */
  guint64 n_jobs, n_errors, n_answered;
  gint64 response_sum_us, response_max_us;   /* answered jobs: time from job to response */
  guint64 n_s7;                /* S7 and S7comm-plus PDUs either way */
  gint64 last_s7_ts;
  guint peak_in_flight;        /* most jobs open at once */
  guint32 rt_hist[RT_BUCKETS]; /* Read/Write Var answer times (above) */
  GArray *slow;                /* SlowAnswer: the first MAX_SLOW answers of SLOW_MIN_US or more */
  guint64 slow_more;           /* those past MAX_SLOW */
  /* S7comm-plus */
  guint8 s7plus_version;
  guint32 s7plus_session;
  guint64 s7plus_pdus, s7plus_ok, s7plus_errors;
  guint16 s7plus_request;      /* the function of the client's latest request */
  guint32 s7plus_first_frame;
  gint64 s7plus_first_ts;
  Agg *s7plus_first_error;     /* the finding of the session's first error (consequences fold in) */
  guint64 tls_records;         /* TLS records in COTP (a protected session) */
  guint32 tls_frame;
  /* capture quality */
  guint64 pkts_client, pkts_plc;
  guint64 data_segments;       /* segments with payload (a connection's stray last ACK has none) */
  LastSegment last_seg[2];     /* [from_client] */
  /* the finding of its latest error answer and what it answered (a PLC that refuses a job
   * refuses it again, and the finding's key is made once) */
  Agg *err_agg;
  guint16 err_code, err_func;
  guint8 err_ud_group, err_ud_subfunc;
  guint16 err_szl;
  /* flags, packed (a record is kept for every connection) */
  guint counted : 1;            /* counted as a connection start of its client/PLC pair */
  guint synack : 1, icmp_seen : 1, port_refused : 1;
  guint fin_client : 1, fin_plc : 1;
  guint capture_gap : 1;
  guint cr_seen : 1, cc_seen : 1, refused : 1;
  guint cr_resolved : 1;        /* CC, refusal or the client's give-up was seen */
  guint abandoned : 1;          /* ended with a job or the connect unanswered */
  guint amq_noted : 1, fragment_noted : 1;
  guint server_noted : 1;       /* its PLC's host is known to answer S7 jobs */
  guint data_client_noted : 1;  /* its client is in its PLC's data clients */
  guint client_acks : 1;        /* the client sent ACKs: the PLC's side exists */
  guint unseen_close_held : 1;  /* the client went on after the PLC's close (above) */
} Conn;

/* What worked on one DB of a PLC: the byte range that answered success */
typedef struct {
  guint32 lo, hi;              /* [lo, hi) */
  gboolean by_write, by_read;
} DbAccess;

/* A connection the PLC closed, held back for a second: several at once make one finding */
typedef enum { CLOSE_AFTER_JOB, CLOSE_IDLE, CLOSE_BEFORE_S7, CLOSE_DURING, CLOSE_UNSEEN_START } CloseVariant;
typedef struct {
  CloseVariant variant;
  char *client_ip, *client_s, *conn_key;
  const char *how;             /* "RST" or "FIN" */
  guint32 frame, job_frame;
  gint64 ts_us, job_ts_us, idle_us;
  guint16 job_function;
  guint8 job_ud_group, job_ud_subfunc;
} PlcClose;

/* A client's writes of one address range of a PLC (write conflicts) */
typedef struct {
  guint8 area;
  guint16 db;
  guint32 lo_bit, hi_bit;      /* [lo, hi) in bits (timers/counters: number * 16) */
  char client[S7_ADDR_MAX];    /* the writing host */
  char address[S7_ADDRESS_TEXT_MAX];
  guint8 tsize;
  guint8 value[S7_ITEM_DATA_MAX], first_value[S7_ITEM_DATA_MAX];
  guint8 vlen;
  gboolean changes;            /* the client wrote different values over time */
  guint64 count;
  gint64 first_ts, last_ts;
  guint32 frames[4];
  gint64 frame_ts[4];
  guint n_frames;
} WriteCell;

/* Capture-wide facts per PLC (ip:port) */
struct PlcRecord {
  S7Identity identity;         /* what the PLC said about itself (SZL 0x0011/0x001C, S7comm-plus) */
  GArray *writes;              /* WriteCell */
  GArray *burst;               /* PlcClose: the PLC's latest closes, within a second */
  guint64 data_jobs, data_jobs_8104, data_jobs_ok;
  GHashTable *data_clients;    /* client hosts that sent Read/Write Var jobs (set) */
  guint64 szl_ok;
  guint live_iso;              /* ISO-connected connections now */
  GHashTable *tsap_ok;         /* called TSAP text -> count of confirmed connections */
  GHashTable *db_ok;           /* DB number + 1 -> DbAccess* */
};

/* Per client host and PLC: connection starts (reconnect storms), data jobs (PUT/GET),
 * S7comm-plus sessions that worked (probes) */
struct PairRecord {
  char *client_ip, *plc;
  guint64 connections;         /* starts seen (a SYN or a COTP CR) */
  guint64 listed;              /* its connections in the inventory (listed or past the list's cap) */
  guint64 short_clean;         /* ended within storm_short_s, closed by the client, all answered */
  guint64 refused, abandoned;
  guint open_now, open_peak;   /* connections open at once */
  guint32 frames[MAX_PAIR_FRAMES];
  gint64 frame_ts[MAX_PAIR_FRAMES];
  guint n_frames;
  gint64 first_ts, last_ts;    /* first and last connection start */
  guint64 data_jobs, data_jobs_8104;
  guint64 read_jobs, write_jobs, control_jobs, other_jobs;
  guint32 first_read_frame, first_write_frame, first_control_frame;   /* 0: none */
  gint64 first_read_ts, first_write_ts, first_control_ts;
  gint64 s7plus_ok_start;      /* start of the last S7comm-plus session without errors */
  gboolean leaked;             /* it left connections open and idle (leaked-connections) */
  gboolean syns_unanswered;    /* a connection of it sent SYNs nobody answered (port-no-answer) */
};

/* A host (an address): the roles the wire shows */
typedef struct {
  char *ip;
  guint serves_s7 : 1;         /* it answered S7 jobs */
  guint siemens : 1;           /* its Ethernet address has a Siemens OUI */
} HostRecord;

/* An area of a PLC (the areas table): the PLC ("ip:port") and the area's name as a number
 * (areas without a name are one, "?") */
typedef struct {
  const char *plc;             /* a kept key's: its S7AreaSummary's plc; a lookup's: borrowed */
  guint32 area;
} AreaKey;

/* All the records of one engine */
typedef struct {
  GHashTable *conns;           /* ConnKey (its endpoints) -> Conn* (live) */
  Conn *last_conn;             /* the connection of the previous event (a cache) */
  guint32 conn_seq;
  guint64 exchange_seq;        /* the last S7Exchange id given */
  GHashTable *plcs;            /* plc "ip:port" -> PlcRecord* */
  GHashTable *pairs;           /* "client_ip>plc" -> PairRecord* */
  GHashTable *hosts;           /* ip -> HostRecord* */
  GHashTable *areas;           /* AreaKey -> S7AreaSummary* */
  GPtrArray *listed;           /* S7ConnSummary*: connections that ended, for the inventory */
  guint64 not_listed;
} Records;

void s7_records_init(Records *r);
void s7_records_clear(Records *r);

/* Connections */
gboolean s7_is_s7_port(const S7EngineConfig *cfg, guint16 port);
/* The live connection of a packet between src and dst (created when there is none); opening:
 * it opens something (SYN, CR, a job), which says the PLC is its destination when the ports do
 * not tell. *from_client: the packet comes from the client. */
Conn *s7_conn_for(Records *r, const S7EngineConfig *cfg, S7EngineStats *stats, const S7Endpoint *src,
                  const S7Endpoint *dst, const S7Event *ev, gboolean opening, gboolean *from_client);
/* Takes the connection out of the table (its end hooks ran) */
void s7_conn_forget(Records *r, Conn *c);
void s7_conn_free(Conn *c);
void s7_exchange_free(S7Exchange *j);
const char *s7_end_text(EndReason r);
void s7_conn_mark_end(Conn *c, const S7Event *ev, EndReason how);   /* who ended it, how, when */
gboolean s7_conn_is_s7(const Conn *c);
gboolean s7_cr_pending(const Conn *c);
gboolean s7_conn_plc_unseen(const Conn *c);   /* the client acknowledges a PLC the capture misses */

/* PLCs, pairs, hosts */
PlcRecord *s7_plc_record(Records *r, const char *plc);
const PlcRecord *s7_plc_lookup(const Records *r, const char *plc);
void s7_plc_learn_identity(PlcRecord *p, const S7Identity *id);
PairRecord *s7_pair_record(Records *r, const char *client_ip, const char *plc);
const PairRecord *s7_pair_lookup(const Records *r, const char *client_ip, const char *plc);
/* The same for a connection's PLC and pair, looked up once per connection */
PlcRecord *s7_conn_plc(Records *r, Conn *c);
PairRecord *s7_conn_pair(Records *r, Conn *c);
HostRecord *s7_host_record(Records *r, const char *ip);
const HostRecord *s7_host_lookup(const Records *r, const char *ip);
/* What a client host did to a PLC, as the access it needs (a partner list's line) */
S7Access s7_access_needed(const PairRecord *p);
/* A connection start (a SYN or a COTP CR) and its end, counted for its pair */
void s7_pair_count_start(Records *r, Conn *c);
void s7_pair_count_end(Records *r, const S7EngineConfig *cfg, Conn *c);

/* Areas */
guint s7_area_key_hash(gconstpointer key);
gboolean s7_area_key_equal(gconstpointer a, gconstpointer b);
void s7_area_key_free(gpointer key);
void s7_area_summary_free(S7AreaSummary *a);

/* A connection, not an attempt: answered (SYN/ACK), S7 on it, or begun before the capture with
 * data (a stray ACK after a close is none) */
gboolean s7_conn_is_connection(const Conn *c);
/* Is the sender of SYNs a PLC calling a partner's port 102 (a configured connection), by the
 * roles the wire shows: it answers S7 jobs and the target does not, or it has a Siemens Ethernet
 * address and the target has not? */
gboolean s7_hosts_plc_initiated(const HostRecord *sender, const HostRecord *target);
/* It began before the capture: no SYN nor SYN/ACK seen, yet data, or a close both sides took
 * part in */
gboolean s7_conn_began_before(const Conn *c);
/* The inventory's row of a connection that ended (kept up to the configured number), counted
 * for its host and PLC */
void s7_conn_list(Records *r, const S7EngineConfig *cfg, Conn *c);
void s7_conn_summary_free(S7ConnSummary *s);

#endif
