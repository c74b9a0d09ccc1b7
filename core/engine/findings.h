/* SPDX-License-Identifier: GPL-2.0-or-later */
/* findings.h — findings under construction, one per kind, PLC, client host and detail (Agg):
 * what the rules recorded about each (its facts), from which the texts step of its kind
 * (texts.c) writes title, explanation, action and confidence. No rule writes finding text.
 * The store (Findings) owns them and tells the front end of every evidence frame. Private to
 * core/engine. */
#ifndef S7DIAG_FINDINGS_H
#define S7DIAG_FINDINGS_H

#include "records.h"

#define S7_MAX_AGGS_PER_PLC 256  /* distinct findings per kind and PLC; the rest share one */
#define MAX_RANGES 8             /* address ranges kept per finding (written areas) */

/* An address range in an area: bytes, or the numbers of timers/counters */
typedef struct {
  guint8 area;
  guint16 db;
  guint32 lo, hi;              /* [lo, hi) */
} S7Range;

typedef enum { SRC_NONE, SRC_HEADER, SRC_PARAM, SRC_ITEM, SRC_FRAMES } CodeSource;

/* The facts of one finding. Which fields a kind uses is its rules' and finalizer's business. */
typedef struct {
  /* the job the finding is about */
  guint16 function;
  guint8 ud_group, ud_subfunc;
  guint16 szl_id;              /* an SZL read's id (its job) */
  guint32 job_frame;
  guint16 code;                /* S7 error code or item return code */
  gboolean harmless;           /* the code answers an engineering tool's probe (0xD402 …) */
  gboolean write;              /* Write Var (else Read Var) */
  /* item findings */
  guint n_items;               /* failing items listed in the detail */
  guint first_item;            /* 1-based position of the first failing item in its job */
  guint item_count;            /* element count of that item */
  gboolean item_bits;
  gboolean all_db;             /* every failing item is in a DB */
  int db;                      /* their DB when they share one, else -1 */
  gboolean offset0;            /* an item at byte 0 of the DB failed */
  guint32 fail_lo, fail_hi;    /* the first failing item's byte range */
  /* PUT/GET: this client's refused Read/Write Var jobs */
  guint64 refused_jobs;
  /* refused connects */
  const char *refusal_how;     /* "TCP RST", "FIN", "COTP DR", "COTP ER" */
  int dr_cause;                /* -1 when none */
  guint concurrent;            /* ISO connections to this PLC open at the first refusal */
  char *called_tsap;
  S7Tsap tsap;
  /* unanswered jobs */
  EndReason closed_how;        /* END_OPEN: the connection went on */
  guint32 close_frame, ack_frame;
  gint64 waited_us;            /* from the job to the close / to the later traffic */
  gint64 ack_delay_us;         /* from the job to the PLC side's TCP acknowledgement of it */
  gint64 rtt_us;               /* the connection's SYN -> SYN/ACK time (0: not seen) */
  /* connections left open */
  guint leaked;                /* open and idle at the capture's end */
  gint64 idle_min_us, idle_max_us;
  /* slow answers */
  guint64 slow;                /* answers far slower than their connection's usual time */
  gint64 slow_worst_us, usual_us;   /* the slowest; its connection's usual (median) time */
  guint64 answers;             /* the Read/Write Var answers of those connections */
  /* SYNs never answered */
  guint syns;
  guint attempts;              /* connections whose SYNs went unanswered (counted once each:
                                  the finding's set of connection keys is capped) */
  gint64 last_syn_ts, last_syn_gap_us;
  gboolean plc_initiated;      /* the sender is the PLC (answers S7 jobs, Siemens MAC) */
  /* ICMP */
  guint8 icmp_type, icmp_code, icmp_v6;
  char router[S7_ADDR_MAX];
  /* S7comm-plus */
  gint16 s7plus_error;
  guint8 s7plus_generic;       /* the return value's generic error code (TooManySessions …) */
  guint consequences;          /* later errors of the same session folded in */
  guint64 ok_after;            /* answers without error in the same session after it */
  char *consequence_functions; /* "DeleteObject, …" */
  gboolean session_ended_normally;
  gint64 session_end_ts;
  /* writes accepted */
  S7Range ranges[MAX_RANGES];
  guint n_ranges;
  gboolean more_ranges;
  /* the PLC closed connections */
  const char *close_how;       /* "RST" or "FIN" (of the first) */
  gint64 idle_us;              /* the connection's silence before the close */
  guint closes;                /* connections closed (several at once: the burst's size) */
  guint close_clients;         /* distinct client hosts among them */
  /* job limits */
  guint in_flight, amq;        /* jobs open at once, the negotiated Max AmQ */
  guint32 pdu_size, tpdu_size; /* negotiated PDU, COTP TPDU */
  guint32 job_bytes;           /* the job's (or its answer's) size that did not fit */
  gboolean answer_too_big;     /* the answer would not fit (else the request) */
  /* write conflicts: who wrote the address, how often, what */
  struct {
    char client[S7_ADDR_MAX];
    char address[S7_ADDRESS_TEXT_MAX];
    guint64 count;
    gint64 first_ts, last_ts;
    char value[96];
    gboolean changes;
  } writers[4];
  guint n_writers;
  gboolean values_differ;
  /* connection-level findings counted by the pair (reconnect storms) */
  PairRecord *pair;
  /* the partner list (unexpected partners) */
  S7Access granted, needed;    /* what the list allows the pair, what the pair did */
  guint rule_line;             /* the granting rule (0: none)*/
} S7Facts;

struct Agg {
  S7Finding *f;                /* owned; a stable pointer from the first note on */
  char *client_ip;             /* client host, for the aggregation key */
  GHashTable *conn_keys;       /* distinct connections (capped) */
  CodeSource code_source;      /* which field the filter names */
  guint code_value;
  S7Facts x;
};

/* The store of findings under construction */
typedef struct {
  GHashTable *aggs;            /* agg key -> Agg* (owns the findings) */
  GHashTable *agg_counts;      /* "kind|plc" -> distinct aggregates (capped) */
  guint max_evidence_frames;
  S7FrameNoteFunc note_fn;     /* every evidence frame, as it is added */
  gpointer note_data;
} Findings;

void s7_findings_init(Findings *fs, guint max_evidence_frames);
void s7_findings_clear(Findings *fs);

/* The finding of (kind, PLC, client host, detail), created on first use; counts an
 * occurrence on conn_key's connection */
Agg *s7_agg_get(Findings *fs, S7Kind kind, const char *plc, const char *client_ip,
                const char *client_full, const char *detail, const char *conn_key);
/* The finding of a connection: its PLC, client host and connection */
Agg *s7_conn_finding(Findings *fs, const Conn *c, S7Kind kind, const char *detail);
/* Another occurrence of a finding s7_agg_get gave for the same connection, kind and detail:
 * what s7_agg_get would do for it again, without making its key */
void s7_agg_again(Agg *a);
void s7_agg_add_frame(Findings *fs, Agg *a, guint32 frame, gint64 ts_us);
/* Occurrences from first_ts to last_ts, whether their frames are evidence or not: the
 * finding's time spans them */
void s7_agg_span(Agg *a, gint64 first_ts, gint64 last_ts);
void s7_agg_set_code(Agg *a, CodeSource source, guint value, const char *code_text);
void s7_agg_add_range(Agg *a, const S7ReqItem *item);
void s7_agg_free(Agg *a);
S7Finding *s7_finding_copy(const S7Finding *f);

/* At finish, before its texts: evidence in order, how many connections, who the client is */
void s7_agg_settle(Agg *a);
/* Its Wireshark display filter (newly allocated) */
char *s7_agg_filter(const Agg *a);
/* The order of findings in the results: severity, first frame, kind, PLC, client, detail */
gint s7_finding_cmp(gconstpointer pa, gconstpointer pb);

#endif
