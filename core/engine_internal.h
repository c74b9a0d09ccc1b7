/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_internal.h — state shared by the engine's parts (not a public API). */
#ifndef S7DIAG_ENGINE_INTERNAL_H
#define S7DIAG_ENGINE_INTERNAL_H

#include "engine.h"
#include "s7_address.h"

#define MAX_PENDING_JOBS 256     /* a client never legitimately has more open jobs */
#define MAX_SYN_FRAMES 8
#define S7_MAX_AGGS_PER_PLC 256  /* distinct findings per kind and PLC; the rest share one */

typedef struct {
  guint16 pdu_ref;
  guint8 rosctr;
  guint16 function;
  guint8 ud_group, ud_subfunc;
  guint32 frame;
  gint64 ts_us;
  guint n_items;
  S7ReqItem *items;            /* owned, n_items long */
} Job;

typedef enum { END_OPEN = 0, END_FIN_CLIENT, END_FIN_PLC, END_RST_CLIENT, END_RST_PLC,
               END_COTP_DR } EndReason;

typedef struct {
  char *key;
  guint32 seqno;               /* order of appearance */
  S7Endpoint plc, client;
  char *plc_s, *client_s;      /* "ip:port" */
  guint32 first_frame, last_frame;
  gint64 start_ts, last_ts;
  /* TCP */
  guint syn_count;
  guint32 syn_frames[MAX_SYN_FRAMES];
  gboolean synack, icmp_seen, port_refused;
  gboolean fin_client, fin_plc;
  EndReason ended;
  gint64 end_ts;
  gboolean capture_gap;
  /* COTP */
  gboolean cr_seen, cc_seen, refused;
  gboolean cr_resolved;        /* CC, refusal or the client's give-up was seen */
  guint32 cr_frame;
  gint64 cr_ts;
  guint8 calling_tsap[S7_TSAP_MAX], called_tsap[S7_TSAP_MAX];
  guint8 calling_len, called_len;
  /* S7 */
  guint16 pdu_size, amq_calling, amq_called;
  GQueue jobs;                 /* of Job*, oldest first */
  guint64 n_jobs, n_errors;
  /* S7comm-plus */
  guint8 s7plus_version;
  guint32 s7plus_session;
  guint64 s7plus_pdus;
  guint32 s7plus_first_frame;
  gint64 s7plus_first_ts;
} Conn;

/* Capture-wide context per PLC (ip:port) */
typedef struct {
  guint64 data_jobs, data_jobs_8104, data_jobs_ok;
  guint64 szl_ok;
  guint live_iso;              /* ISO-connected connections now */
  GHashTable *tsap_ok;         /* called TSAP text -> count of confirmed connections */
  GHashTable *dbs_ok;          /* DB number + 1 of DBs that answered an item with success */
} PlcContext;

/* Connection starts per client host -> PLC, for reconnect storms */
typedef struct {
  char *client_ip, *plc;
  guint64 short_connections, connections;
  guint32 frames[8];
  guint n_frames;
  gint64 first_ts, last_ts;
} PairContext;

/* A refused ISO connect awaiting capture-wide context */
typedef struct {
  char *plc, *client;
  char *called_tsap;
  S7Tsap tsap;
  guint32 cr_frame, answer_frame;
  gint64 ts;
  const char *how;             /* "TCP RST", "FIN", "COTP DR" */
  int dr_cause;                /* -1 when none */
  guint concurrent;            /* ISO connections to this PLC open at the time */
} Refusal;

/* One aggregated finding under construction */
typedef struct {
  S7Finding *f;                /* moves to the result list at finish; stable pointer */
  char *client_ip;             /* client host, for the aggregation key */
  GHashTable *conn_keys;       /* distinct connections (capped) */
  guint code_source;           /* SRC_* below: which field the filter names */
  guint code_value;
  guint8 s7_function_seen;
  char *extra;                 /* kind-specific context text, appended to the explanation */
  int db;                      /* DB number of an item finding, -1 otherwise */
  gboolean offset0;            /* an item at byte 0 of the DB failed */
} Agg;

enum { SRC_NONE, SRC_HEADER, SRC_PARAM, SRC_ITEM, SRC_FRAMES };

struct S7Engine {
  S7EngineConfig cfg;
  GHashTable *conns;           /* key -> Conn* (live) */
  Conn *last_conn;             /* the connection of the previous event (a cache) */
  guint32 conn_seq;
  GHashTable *plcs;            /* plc "ip:port" -> PlcContext* */
  GHashTable *pairs;           /* "client_ip>plc" -> PairContext* */
  GHashTable *aggs;            /* agg key -> Agg* */
  GHashTable *agg_counts;      /* "kind|plc" -> distinct aggregates (capped) */
  GPtrArray *refusals;         /* Refusal*, capped */
  GPtrArray *listed;           /* S7ConnSummary* */
  guint64 not_listed;
  GHashTable *areas;           /* "plc|area" -> S7AreaSummary* */
  GPtrArray *findings;         /* S7Finding*, after finish */
  GPtrArray *area_list;
  S7EngineStats stats;
  gint64 last_ts;
  gboolean finished;
  S7FrameNoteFunc note_fn;
  gpointer note_data;
  S7EventNoteFunc event_fn;
  gpointer event_data;
};

/* engine.c */
void s7_engine_note_event(S7Engine *e, const Conn *c, const S7Event *ev, gboolean from_client,
                          const Job *job);

/* findings.c */
Agg *s7_agg_get(S7Engine *e, S7Kind kind, const char *plc, const char *client_ip,
                const char *client_full, const char *detail, const char *conn_key);
void s7_agg_add_frame(S7Engine *e, Agg *a, guint32 frame, gint64 ts_us);
void s7_agg_set_code(Agg *a, guint source, guint value, const char *code_text);
void s7_findings_finalize(S7Engine *e);
void s7_finding_free(S7Finding *f);
char *s7_endpoint_string(const S7Endpoint *ep);
char *s7_addr_filter(const char *field, const char *ip_and_port);

/* engine_s7.c */
void s7_engine_on_s7(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client);
void s7_engine_on_s7plus(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client);
void s7_engine_check_stale_jobs(S7Engine *e, Conn *c, gint64 now_us, gboolean closing);
void s7_job_free(Job *j);
void s7_engine_s7plus_conn_end(S7Engine *e, Conn *c);
PlcContext *s7_plc_context(S7Engine *e, const char *plc);

#endif
