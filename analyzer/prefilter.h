/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prefilter.h — which packets the engine needs, decided from raw bytes before tshark sees
 * them: TCP to or from an S7 port (VLAN-tagged too), and ICMP/ICMPv6 errors quoting such a
 * packet. Also the connection a packet belongs to (a hash of its TCP 5-tuple, the same for
 * both directions; an ICMP error hashes like the packet it quotes), for sharding. */
#ifndef S7DIAG_PREFILTER_H
#define S7DIAG_PREFILTER_H

#include <glib.h>

/* libpcap link types the prefilter reads (others: run tshark on the whole file) */
gboolean s7_prefilter_linktype_supported(int linktype);

/* TRUE when the packet is needed; *conn_hash is its connection's hash. Never reads past
 * caplen. */
gboolean s7_prefilter_keep(int linktype, const guint8 *pkt, guint caplen, const guint16 *ports,
                           guint n_ports, guint32 *conn_hash);

#endif
