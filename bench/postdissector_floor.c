/* SPDX-License-Identifier: GPL-2.0-or-later */
/* postdissector_floor.c — a benchmark-only Wireshark plugin: a postdissector that does part
 * of what the s7diag plugin does, to show what each part costs (bench/plugin_versions).
 *
 * It wants the same protocol items and fields (plugin/epan_wire.c, so epan keeps them for it
 * in every frame) and then, by S7DIAG_FLOOR in the environment:
 *   "items" (default)  nothing more: the cost of a postdissector reading the stock
 *                      dissectors' items at all
 *   "events"           also makes the engine's events from their bytes, as the plugin does
 * The rest of the plugin's cost is the engine and the per-frame notes.
 * To see what each wanted item costs: S7DIAG_FLOOR_WANT, a list of field names ("tcp s7comm"),
 * wants only those of the plugin's; S7DIAG_FLOOR_EXTRA ("tcp.flags tcp.len") wants these
 * fields besides. Never installed. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>

#include "epan_wire.h"
#include "s7diag_plugin.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = "bench (Wireshark " S7D_WS_BUILT_FOR ")";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_floor = -1;
static dissector_handle_t handle;
static gboolean make_events;
static const guint16 ports[] = { 102 };
static volatile guint64 sink;   /* what was read, so nothing is optimized away */

static void count(const S7Event *ev, gpointer unused)
{
  (void)unused;
  sink += ev->type;
}

static int dissect_floor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  (void)tvb;
  (void)data;
  if (make_events)
    s7diag_wire_events(tree, pinfo, ports, G_N_ELEMENTS(ports), count, NULL);
  return 0;
}

static void register_floor(void)
{
  proto_floor = proto_register_protocol("s7diag benchmark floor", "S7DIAG-FLOOR", "s7diag_floor");
  handle = create_dissector_handle(dissect_floor, proto_floor);
  register_postdissector(handle);
}

static void handoff_floor(void)
{
  const char *stage = getenv("S7DIAG_FLOOR");
  make_events = stage && !strcmp(stage, "events");
  const char *missing;
  GArray *wanted = s7diag_wire_wanted_hfids(-1, &missing);
  const char *only = getenv("S7DIAG_FLOOR_WANT");
  if (only) {
    g_auto(GStrv) names = g_strsplit(only, " ", -1);
    for (guint i = wanted->len; i-- > 0;)
      if (!g_strv_contains((const char *const *)names, proto_registrar_get_abbrev(g_array_index(wanted, int, i))))
        g_array_remove_index(wanted, i);
  }
  const char *extra = getenv("S7DIAG_FLOOR_EXTRA");
  if (extra) {
    g_auto(GStrv) names = g_strsplit(extra, " ", -1);
    for (guint i = 0; names[i]; i++) {
      header_field_info *h = proto_registrar_get_byname(names[i]);
      if (h)
        g_array_append_val(wanted, h->id);
      else
        fprintf(stderr, "s7diag-bench-floor: no field '%s'\n", names[i]);
    }
  }
  set_postdissector_wanted_hfids(handle, wanted);
}

void plugin_register(void)
{
  static proto_plugin p = { register_floor, handoff_floor };
  proto_register_plugin(&p);
}
