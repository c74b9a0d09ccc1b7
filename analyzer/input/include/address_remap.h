/* SPDX-License-Identifier: GPL-2.0-or-later */
/* address_remap.h — small captures analyzed together by one tshark (a batch: one pcapng stream,
 * one section per capture) must not share tshark's state: TCP conversations, retransmission
 * analysis and reassembly are keyed by addresses and ports, and the same HMI and PLC are in
 * every file of a ring. So each capture's addresses get stand-ins of their own in the stream,
 * unique in the batch (IPv4 240.0.0.0/4, IPv6 100::5337:7364:k:x), and the events get the
 * real ones back. A stand-in has the same one's-complement sum as its original, so every
 * checksum over it (IP header, TCP/UDP/ICMPv6 pseudo-header, ICMP over a quoted header) stays
 * exactly as right or wrong as it was, and tshark dissects the stream as each file alone. */
#ifndef S7DIAG_ADDRESS_REMAP_H
#define S7DIAG_ADDRESS_REMAP_H

#include <glib.h>

#include "prefilter.h"

G_BEGIN_DECLS

#define S7_REMAP_MAX4 4096      /* IPv4 stand-ins in a batch */
#define S7_REMAP_MAX6 65536     /* IPv6 stand-ins in a batch */

typedef struct S7Remap S7Remap;

S7Remap *s7_remap_new(void);
void s7_remap_free(S7Remap *m);
/* The next capture: its addresses get stand-ins of their own */
void s7_remap_next_capture(S7Remap *m);
/* A packet the prefilter keeps, its addresses replaced by the capture's stand-ins in place;
 * FALSE when it cannot be (a link layer the prefilter does not read, the batch full) */
gboolean s7_remap_packet(S7Remap *m, S7Link link, guint8 *pkt, guint caplen);
/* An address as tshark prints it: a stand-in's text becomes its original's, in place (text
 * holds at least 48 bytes); any other text stays. Safe from another thread than the one that
 * maps, for stand-ins handed out before. */
void s7_remap_restore(const S7Remap *m, char *text);

/* May the capture go into a batch? Every packet the prefilter keeps is one it reads, and none
 * of its addresses looks like a stand-in; *n4 and *n6: its distinct IPv4 and IPv6 addresses.
 * FALSE when it cannot (or the file cannot be read: it is analyzed alone, which says why). */
gboolean s7_remap_scan(const char *path, const guint16 *ports, guint n_ports, guint *n4, guint *n6);

G_END_DECLS

#endif
