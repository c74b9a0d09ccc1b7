/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7diag_plugin.h — the plugin's parts and what they share (epan side only). */
#ifndef S7DIAG_PLUGIN_H
#define S7DIAG_PLUGIN_H

#include <epan/packet.h>

#include "ws_compat.h"

/* packet_s7diag.c: the "S7 Diagnostics" postdissector */
void s7diag_register(void);
void s7diag_handoff(void);
extern int proto_s7diag;

/* packet_s7plus.c: the S7comm-plus (0x72) heuristic dissector */
void s7diag_s7plus_register(void);
void s7diag_s7plus_handoff(void);
extern int proto_s7diag_s7p;

/* stats_tree.c: Statistics → S7 Diagnostics, `tshark -z s7diag,tree` */
void s7diag_stats_tree_register(void);
#define S7DIAG_TAP_NAME "s7diag"

#endif
