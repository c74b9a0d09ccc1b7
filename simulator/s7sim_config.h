/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7sim_config.h — what the simulated CPU is and which faults it has: from command-line
 * options or a config file of the same "key = value" lines. */
#ifndef S7SIM_CONFIG_H
#define S7SIM_CONFIG_H

#include <glib.h>

#define S7SIM_MAX_DBS 64

typedef enum { DB_OK = 0, DB_OPTIMIZED = 1, DB_MISSING = 2, DB_READ_ONLY = 4 } S7SimDbFlags;

typedef struct {
  guint16 number;
  guint32 size;
  guint flags;            /* S7SimDbFlags */
  guint8 *data;           /* size bytes */
} S7SimDb;

typedef struct {
  char *listen;           /* address, default 0.0.0.0 */
  guint16 port;           /* default 102 */
  guint rack, slot;       /* the called TSAP's rack/slot that is accepted */
  guint16 pdu_size;       /* the most it negotiates (default 480) */
  guint16 max_amq;        /* default 3 */
  gboolean putget;        /* FALSE: Read/Write Var answered with 0x8104 */
  gboolean userdata;      /* FALSE: userdata requests (SZL reads) are never answered */
  guint max_connections;  /* ISO connections at once; 0 = unlimited */
  guint delay_ms;         /* before each S7 answer */
  guint drop_every;       /* drop every Nth S7 answer (0 = never) */
  guint idle_timeout_s;   /* close a connection silent this long, as a CPU/CP does (default 60; 0 = never) */
  guint32 m_size, i_size, q_size, t_count, c_count;
  S7SimDb dbs[S7SIM_MAX_DBS];
  guint n_dbs;
  gboolean quiet;         /* no request log */
} S7SimConfig;

void s7sim_config_init(S7SimConfig *cfg);
void s7sim_config_clear(S7SimConfig *cfg);

/* One "key=value" setting (the long option names: port=102, db=5:100:optimized …).
 * FALSE with *error for an unknown key or a bad value. */
gboolean s7sim_config_set(S7SimConfig *cfg, const char *key, const char *value, char **error);
gboolean s7sim_config_load(S7SimConfig *cfg, const char *path, char **error);

/* The DB, or NULL when not configured (answered as missing) */
S7SimDb *s7sim_config_db(S7SimConfig *cfg, guint16 number);

#endif
