/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epan_row.h — epan's field_info arrays -> the engine's typed field row (core/field_row.h).
 *
 * The plugin reads the same fields the analyzer asks tshark for and fills the same typed row,
 * so one function (s7_row_to_events) makes the engine's events in both front ends. The
 * dissectors' profile (which fields they register, with which bitmask) comes from epan's
 * registrar, as the analyzer learns it from `tshark -G fields`. */
#ifndef S7DIAG_EPAN_ROW_H
#define S7DIAG_EPAN_ROW_H

#include <epan/packet.h>

#include "field_row.h"

/* Resolves the field names to hf ids (at handoff, when all protocols are registered), learns
 * the dissectors' profile and returns the ids for set_postdissector_wanted_hfids (the array
 * belongs to the caller). */
GArray *s7diag_row_wanted_hfids(int extra_data_hfid);

/* The profile learned at handoff; NULL when a field the engine needs is missing (*missing
 * names it) */
const S7FieldProfile *s7diag_row_profile(const char **missing);

/* FALSE when the frame has nothing for the engine (no TCP on an S7 port, no ICMP error). */
gboolean s7diag_row_build(proto_tree *tree, packet_info *pinfo, const guint16 *ports,
                          guint n_ports, S7FieldRow *row);

#endif
