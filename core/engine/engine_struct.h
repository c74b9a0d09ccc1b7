/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_struct.h — struct S7Engine: the records, the findings under construction, the capture's
 * quality counts and statistics, the front end's notes, and the results once finished. Only the
 * engine's life cycle (engine.c), its sequencer (feed.c), its finish (finish.c) and its copy
 * (clone.c) see it; the rules, texts and views get a Ctx or a read-only view. Private to
 * core/engine. */
#ifndef S7DIAG_ENGINE_STRUCT_H
#define S7DIAG_ENGINE_STRUCT_H

#include "context.h"

struct S7Engine {
  S7EngineConfig cfg;
  Records rec;
  Findings fs;
  QualityState quality;
  S7EngineStats stats;
  gint64 last_ts;
  gboolean finished;
  S7EventNoteFunc event_fn;
  gpointer event_data;
  /* results, after finish */
  GPtrArray *findings;         /* S7Finding* (owned by the findings under construction) */
  GPtrArray *area_list;        /* S7AreaSummary* */
  GPtrArray *plc_list;         /* S7PlcSummary* */
  GPtrArray *limitations;      /* S7Limitation* */
};

/* The rules' view of an engine */
static inline Ctx s7_engine_ctx(S7Engine *e)
{
  return (Ctx){ &e->cfg, &e->rec, &e->fs, &e->quality, &e->stats };
}

/* ends.c: a connection's end hooks (when it closes, its 4-tuple is reused, or the capture ends),
 * then it leaves the table for the inventory */
void s7_conn_end(Ctx *x, Conn *c, gint64 now);

#endif
