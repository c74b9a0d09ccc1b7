/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_state.h — the engine's capture-wide state: per PLC, per client/PLC pair, the
 * findings and the inventory; struct S7Engine itself. Private to core/ (front ends see the
 * opaque S7Engine of engine.h). */
#ifndef S7DIAG_ENGINE_STATE_H
#define S7DIAG_ENGINE_STATE_H

#include "capture_quality.h"
#include "engine_agg.h"
#include "engine_conn.h"
#include "s7_address.h"

/* What worked on one DB of a PLC: the byte range that answered success */
typedef struct {
  guint32 lo, hi;              /* [lo, hi) */
  gboolean by_write, by_read;
} DbAccess;

/* A connection the PLC closed, held back for a second: several at once make one finding */
typedef enum { CLOSE_AFTER_JOB, CLOSE_IDLE, CLOSE_BEFORE_S7, CLOSE_DURING } CloseVariant;
typedef struct {
  CloseVariant variant;
  char *client_ip, *client_s, *conn_key;
  const char *how;             /* "RST" or "FIN" */
  guint32 frame, job_frame;
  gint64 ts_us, job_ts_us, idle_us;
  guint16 job_function;
  guint8 job_ud_group, job_ud_subfunc;
} PlcClose;

#define PLC_CLOSE_BURST_US G_USEC_PER_SEC   /* closes this close together are one event */
#define MAX_BURST 64

/* An area of a PLC (S7Engine's areas): the PLC ("ip:port") and the area's name as a number
 * (areas without a name are one, "?") */
typedef struct {
  const char *plc;             /* a kept key's: its S7AreaSummary's plc; a lookup's: borrowed */
  guint32 area;
} AreaKey;

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
#define MAX_WRITE_CELLS 512      /* per PLC */

/* Capture-wide facts per PLC (ip:port) */
typedef struct {
  S7Identity identity;         /* what the PLC said about itself (SZL 0x0011/0x001C, S7comm-plus) */
  GArray *writes;              /* WriteCell */
  GArray *burst;               /* PlcClose: the PLC's latest closes, within a second */
  guint64 data_jobs, data_jobs_8104, data_jobs_ok;
  GHashTable *data_clients;    /* client hosts that sent Read/Write Var jobs (set) */
  guint64 szl_ok;
  guint live_iso;              /* ISO-connected connections now */
  GHashTable *tsap_ok;         /* called TSAP text -> count of confirmed connections */
  GHashTable *db_ok;           /* DB number + 1 -> DbAccess* */
} PlcContext;

/* Per client host and PLC: connection starts (reconnect storms), data jobs (PUT/GET),
 * S7comm-plus sessions that worked (probes) */
#define MAX_PAIR_FRAMES 32
typedef struct {
  char *client_ip, *plc;
  guint64 connections;         /* starts seen (a SYN or a COTP CR) */
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
} PairContext;

struct S7Engine {
  S7EngineConfig cfg;
  GHashTable *conns;           /* ConnKey (its endpoints) -> Conn* (live) */
  Conn *last_conn;             /* the connection of the previous event (a cache) */
  guint32 conn_seq;
  GHashTable *plcs;            /* plc "ip:port" -> PlcContext* */
  GHashTable *pairs;           /* "client_ip>plc" -> PairContext* */
  GHashTable *s7_servers;      /* hosts that answered S7 jobs (set) */
  GHashTable *siemens_hosts;   /* hosts whose Ethernet address has a Siemens OUI (set) */
  GHashTable *aggs;            /* agg key -> Agg* (owns the findings) */
  GHashTable *agg_counts;      /* "kind|plc" -> distinct aggregates (capped) */
  GPtrArray *listed;           /* S7ConnSummary* */
  guint64 not_listed;
  GHashTable *areas;           /* AreaKey (engine_s7.c: PLC and area) -> S7AreaSummary* */
  GPtrArray *findings;         /* S7Finding* (owned by aggs), after finish */
  GPtrArray *area_list;
  GPtrArray *plc_list;         /* S7PlcSummary*, after finish */
  QualityState quality;
  GPtrArray *limitations;      /* S7Limitation*, after finish */
  S7EngineStats stats;
  gint64 last_ts;
  gboolean finished;
  S7FrameNoteFunc note_fn;
  gpointer note_data;
  S7EventNoteFunc event_fn;
  gpointer event_data;
};

/* engine.c */
void s7_plc_flush_closes(S7Engine *e, const char *plc, PlcContext *p);
void s7_engine_note_event(S7Engine *e, const Conn *c, const S7Event *ev, gboolean from_client,
                          const Job *job);
PlcContext *s7_plc_context(S7Engine *e, const char *plc);
/* Takes over what a PLC said about itself (fields it did not say stay as they were) */
void s7_plc_learn_identity(S7Engine *e, const char *plc, const S7Identity *id);
PairContext *s7_pair_context(S7Engine *e, const char *client_ip, const char *plc);
PairContext *s7_pair_lookup(const S7Engine *e, const char *client_ip, const char *plc);
/* The same for a connection's PLC and client/PLC pair, looked up once per connection */
PlcContext *s7_conn_plc(S7Engine *e, Conn *c);
PairContext *s7_conn_pair(S7Engine *e, Conn *c);

/* findings.c */
void s7_findings_finalize(S7Engine *e);
char *s7_endpoint_string(const S7Endpoint *ep);
char *s7_addr_filter(const char *field, const char *ip_and_port);

/* engine_s7.c */
void s7_engine_on_s7(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client);
void s7_engine_on_s7plus(S7Engine *e, Conn *c, const S7Event *ev, gboolean from_client);
void s7_engine_check_stale_jobs(S7Engine *e, Conn *c, gint64 now_us, gboolean closing);
void s7_engine_s7plus_conn_end(S7Engine *e, Conn *c);
void s7_engine_on_late_segment(S7Engine *e, Conn *c, const S7Event *ev);
void s7_writes_to_findings(S7Engine *e, const char *plc, PlcContext *p);
guint s7_area_key_hash(gconstpointer key);       /* e->areas */
gboolean s7_area_key_equal(gconstpointer a, gconstpointer b);
void s7_area_key_free(gpointer key);

#endif
