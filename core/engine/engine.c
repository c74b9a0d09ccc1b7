/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.c — the engine's life cycle, its configuration and its results (engine.h). What an
 * event does is feed.c's; the end of a capture finish.c's. */
#include <string.h>

#include "engine_struct.h"

void s7_engine_config_init(S7EngineConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->ports[0] = 102;
  cfg->n_ports = 1;
  cfg->no_response_timeout_s = 5.0;
  cfg->connect_timeout_s = 3.0;
  cfg->storm_min_connections = 10;
  cfg->storm_short_s = 10.0;
  cfg->idle_close_s = 1.0;
  cfg->max_evidence_frames = 32;
  cfg->max_listed_connections = 10000;
}

S7Engine *s7_engine_new(const S7EngineConfig *cfg)
{
  S7Engine *e = g_new0(S7Engine, 1);
  if (cfg)
    e->cfg = *cfg;
  else
    s7_engine_config_init(&e->cfg);
  if (e->cfg.max_evidence_frames == 0)
    e->cfg.max_evidence_frames = 32;
  s7_records_init(&e->rec);
  s7_findings_init(&e->fs, e->cfg.max_evidence_frames);
  s7_quality_init(&e->quality);
  return e;
}

void s7_engine_free(S7Engine *e)
{
  if (!e)
    return;
  if (e->findings)
    g_ptr_array_unref(e->findings);    /* a view: the findings under construction own them */
  s7_findings_clear(&e->fs);
  s7_records_clear(&e->rec);
  if (e->area_list)
    g_ptr_array_unref(e->area_list);
  if (e->plc_list)
    g_ptr_array_unref(e->plc_list);
  s7_quality_clear(&e->quality);
  if (e->limitations)
    g_ptr_array_unref(e->limitations);
  g_free(e);
}

void s7_engine_set_frame_note(S7Engine *e, S7FrameNoteFunc fn, gpointer user_data)
{
  e->fs.note_fn = fn;
  e->fs.note_data = user_data;
}

void s7_engine_set_event_note(S7Engine *e, S7EventNoteFunc fn, gpointer user_data)
{
  e->event_fn = fn;
  e->event_data = user_data;
}

const GPtrArray *s7_engine_findings(const S7Engine *e) { return e->findings; }
const GPtrArray *s7_engine_connections(const S7Engine *e) { return e->rec.listed; }
guint64 s7_engine_connections_not_listed(const S7Engine *e) { return e->rec.not_listed; }
const GPtrArray *s7_engine_areas(const S7Engine *e) { return e->area_list; }
const GPtrArray *s7_engine_plcs(const S7Engine *e) { return e->plc_list; }
const GPtrArray *s7_engine_limitations(const S7Engine *e) { return e->limitations; }
const S7EngineStats *s7_engine_stats(const S7Engine *e) { return &e->stats; }

const S7Identity *s7_engine_plc_identity(const S7Engine *e, const char *plc)
{
  const PlcRecord *p = s7_plc_lookup(&e->rec, plc);
  return p ? &p->identity : NULL;
}
