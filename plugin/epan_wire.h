/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epan_wire.h — one frame's engine events from the bytes the stock dissectors' protocol items
 * cover.
 *
 * The plugin asks epan only for the protocol items (eth, ip, ipv6, tcp, icmp, icmpv6, cotp,
 * s7comm, data and the plugin's own S7comm-plus), for the facts that are not in the bytes
 * (TCP's retransmission analysis) and for where the s7comm dissector put an SZL answer it
 * reassembled from several PDUs.
 * Asking for every field the analyzer reads made epan build and index them in every frame,
 * which cost more than the whole diagnosis (docs/benchmark.md). The headers are read here; the
 * COTP TPDUs and S7 PDUs by core/decode/s7_wire.c, as for `s7diag check`. The events are the ones
 * the analyzer makes from tshark's fields (core/decode/field_row.c), in the same order:
 * tests/plugin_events.sh compares the two on every capture. */
#ifndef S7DIAG_EPAN_WIRE_H
#define S7DIAG_EPAN_WIRE_H

#include <epan/packet.h>

#include "s7_event.h"

/* Resolves the protocols and fields (at handoff, when all are registered) and returns the ids
 * of those registered, for set_postdissector_wanted_hfids (which takes the array); extra_proto
 * is the plugin's own S7comm-plus protocol. *missing names one that is not registered (NULL
 * when all are): the plugin cannot diagnose then. */
GArray *s7diag_wire_wanted_hfids(int extra_proto, const char **missing);

typedef void (*S7dWireSink)(const S7Event *ev, gpointer user_data);

/* FALSE when the frame has nothing for the engine (no TCP on an S7 port, no ICMP error);
 * otherwise its events go to sink. */
gboolean s7diag_wire_events(proto_tree *tree, packet_info *pinfo, const guint16 *ports,
                            guint n_ports, S7dWireSink sink, gpointer user_data);

#endif
