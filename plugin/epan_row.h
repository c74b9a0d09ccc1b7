/* epan_row.h — epan's field_info arrays -> the engine's field row (core/field_row.h).
 *
 * The plugin reads the same fields the analyzer asks tshark for and writes them in the same
 * row format, so one parser (s7_row_to_events) turns both into engine events. */
#ifndef S7DIAG_EPAN_ROW_H
#define S7DIAG_EPAN_ROW_H

#include <epan/packet.h>

/* Resolves the field names to hf ids (at handoff, when all protocols are registered) and
 * returns them for set_postdissector_wanted_hfids (the array belongs to the caller). */
GArray *s7diag_row_wanted_hfids(int extra_data_hfid);

/* FALSE when the frame has nothing for the engine (no TCP on an S7 port, no ICMP error). */
gboolean s7diag_row_build(proto_tree *tree, packet_info *pinfo, const guint16 *ports,
                          guint n_ports, GString *row);

#endif
