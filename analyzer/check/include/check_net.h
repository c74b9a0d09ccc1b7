/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_net.h — the sockets of `s7diag check`: a TCP connect that tells a SYN-ACK, a RST, an
 * ICMP error (read from the socket's error queue) and silence apart, and whole TPKT packets
 * received within a deadline, whatever the peer sends. */
#ifndef S7DIAG_CHECK_NET_H
#define S7DIAG_CHECK_NET_H

#include <sys/socket.h>
#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

/* The largest TPKT packet accepted: an S7 PDU is at most 960 bytes (S7-1500), TPKT + COTP
 * add 7; an answer claiming more is not a PLC's */
#define S7_NET_MAX_TPKT 4096

typedef enum {
  S7_CONNECT_OK,        /* SYN-ACK */
  S7_CONNECT_REFUSED,   /* RST */
  S7_CONNECT_ICMP,      /* an ICMP destination unreachable: icmp_* say which and from whom */
  S7_CONNECT_TIMEOUT,   /* no answer in time */
  S7_CONNECT_ERROR,     /* the local system could not try (no route, no address …): error */
} S7ConnectResult;

typedef struct {
  int fd;
  S7Endpoint local, remote;
  guint syns;                  /* SYNs the kernel sent: 1 + its retransmissions */
  guint8 icmp_type, icmp_code, icmp_v6;
  char icmp_from[S7_ADDR_MAX];
  char *error;
  GByteArray *in;              /* received, not yet taken */
  char why[128];               /* a receive error's text */
} S7NetConn;

S7ConnectResult s7_net_connect(const struct sockaddr *addr, socklen_t len, double timeout_s, S7NetConn *c);
/* Sends one packet, which must pass s7_check_request_allowed (else the process aborts: the
 * check never sends anything that could change a PLC). FALSE with *why; *reset when the
 * peer reset the connection */
gboolean s7_net_send(S7NetConn *c, const guint8 *b, gsize n, gboolean *reset, const char **why);

typedef enum {
  S7_RECV_OK,        /* pkt holds one whole TPKT packet */
  S7_RECV_FIN,       /* the peer closed */
  S7_RECV_RST,       /* the peer reset */
  S7_RECV_TIMEOUT,   /* nothing whole before the deadline */
  S7_RECV_BAD,       /* not TPKT: *why */
  S7_RECV_ERROR,     /* the connection failed otherwise (an ICMP error, a timeout): *why */
} S7RecvResult;

S7RecvResult s7_net_recv_tpkt(S7NetConn *c, gint64 deadline_us, GByteArray *pkt, const char **why);

/* Closes our side (FIN) and waits up to linger_s for the peer's (reading and dropping at most
 * 64 kB meanwhile); TRUE when it came */
gboolean s7_net_close(S7NetConn *c, double linger_s);

/* "ip" of a socket address, port into *port */
void s7_net_endpoint(const struct sockaddr *sa, S7Endpoint *ep);

G_END_DECLS

#endif
