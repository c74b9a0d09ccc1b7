/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prefilter.h — which packets the engine needs, decided from raw bytes before tshark sees
 * them: TCP to or from an S7 port (VLAN-tagged too), ICMP/ICMPv6 errors quoting such a
 * packet, and TCP on other ports whose payload starts like ISO-on-TCP (TPKT + COTP); packets
 * of a link layer it does not read are all passed on. It only saves work: the engine decides
 * again what is S7, so a prefiltered run and a plain one give the same result. Also the
 * connection a packet belongs to (a hash of its TCP 5-tuple, the same for both directions;
 * an ICMP error hashes like the packet it quotes), for sharding. */
#ifndef S7DIAG_PREFILTER_H
#define S7DIAG_PREFILTER_H

#include <glib.h>

/* The link layers the prefilter reads (Wiretap's WTAP_ENCAP_* map onto them) */
typedef enum {
  S7_LINK_OTHER,       /* not read here: every such packet is passed on, tshark decides */
  S7_LINK_ETHERNET,    /* with up to 4 VLAN tags */
  S7_LINK_NULL,        /* BSD loopback (4-byte family) and OpenBSD loop */
  S7_LINK_RAW_IP,      /* IPv4 or IPv6, no link header */
  S7_LINK_SLL,         /* Linux cooked capture v1 */
  S7_LINK_SLL2,        /* Linux cooked capture v2 ("any") */
} S7Link;

/* Where the IPv4/IPv6 header of a packet of this link layer starts; -1 when it carries no
 * IP (or the link layer is not read here). Never reads past caplen. */
gssize s7_link_ip_offset(S7Link link, const guint8 *pkt, guint caplen);

/* TRUE when the packet is needed; *conn_hash is its connection's hash (0 for S7_LINK_OTHER).
 * Never reads past caplen. */
gboolean s7_prefilter_keep(S7Link link, const guint8 *pkt, guint caplen, const guint16 *ports,
                           guint n_ports, guint32 *conn_hash);

/* The addresses of a packet the prefilter keeps, each given to fn in place (4 or 16 bytes):
 * the IP header's source and destination, and those of the packet an ICMP error quotes. FALSE
 * when the packet is not one the prefilter reads (another link layer, no IP): nothing given. */
typedef void (*S7AddressFunc)(guint8 *addr, guint len, gpointer data);
gboolean s7_prefilter_addresses(S7Link link, guint8 *pkt, guint caplen, S7AddressFunc fn, gpointer data);

#endif
