/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats_tree.c — Statistics → S7 Diagnostics and `tshark -z s7diag,tree`:
 * per PLC, the faults by kind and the jobs by function. Fed by the postdissector's tap. */
#include <string.h>

#include <epan/stats_tree.h>

#include "s7_codes.h"
#include "s7plus_header.h"
#include "s7diag_plugin.h"
#include "session.h"

static int st_plcs = -1;

static void tree_init(stats_tree *st)
{
  st_plcs = stats_tree_create_node(st, "S7 frames by PLC", 0, STAT_DT_INT, TRUE);
}

static const char *job_name(const S7dEvent *e, char *buf)
{
  if (e->type == S7_EV_S7PLUS) {
    const char *fn = s7plus_function_name(e->s7plus->function);
    g_snprintf(buf, S7_FUNCTION_TEXT_MAX, "S7comm-plus %s", fn ? fn : "other");
    return buf;
  }
  return s7_function_text(e->function, e->ud_group, e->ud_subfunc, buf);
}

static int plc_node(stats_tree *st, const char *plc, const char **ticked)
{
  if (*ticked && strcmp(*ticked, plc) == 0)
    return increase_stat_node(st, plc, st_plcs, TRUE, 0);
  *ticked = plc;
  tick_stat_node(st, "S7 frames by PLC", 0, TRUE);
  return tick_stat_node(st, plc, st_plcs, TRUE);
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt,
                                     const void *data, tap_flags_t flags)
{
  (void)pinfo; (void)edt; (void)flags;
  const S7dFrame *fr = data;
  const char *ticked = NULL;   /* a frame counts once for its PLC */
  for (const S7dEvent *e = fr->events; e; e = e->next) {
    gboolean job = (e->type == S7_EV_S7 && e->is_request) ||
                   (e->type == S7_EV_S7PLUS && e->s7plus->opcode == S7PLUS_OP_REQUEST);
    if (!job || !e->ctx->plc)
      continue;
    char name[64 + S7_FUNCTION_TEXT_MAX];
    int plc = plc_node(st, e->ctx->plc, &ticked);
    int jobs = tick_stat_node(st, "Jobs by function", plc, TRUE);
    tick_stat_node(st, job_name(e, name), jobs, FALSE);
  }
  guint nf = fr->findings ? fr->findings->len : 0;
  const S7Finding *const *fs = nf ? (const S7Finding *const *)fr->findings->pdata : NULL;
  for (guint i = 0; i < nf; i++) {
    int plc = plc_node(st, fs[i]->plc, &ticked);
    int faults = tick_stat_node(st, "Fault frames by kind", plc, TRUE);
    tick_stat_node(st, s7_kind_info(fs[i]->kind)->id, faults, FALSE);
  }
  return TAP_PACKET_REDRAW;
}

void s7diag_stats_tree_register(void)
{
  stats_tree_register_plugin(S7DIAG_TAP_NAME, "s7diag", "S7 Diagnostics", 0, tree_packet,
                             tree_init, NULL);
}
