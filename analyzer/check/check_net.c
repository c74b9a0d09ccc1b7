/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_net.c — the sockets of `s7diag check` (see check_net.h). */
#include "check_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "check_requests.h"
#include "s7_wire.h"

void s7_net_endpoint(const struct sockaddr *sa, S7Endpoint *ep)
{
  memset(ep, 0, sizeof *ep);
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &s4->sin_addr, ep->addr, sizeof ep->addr);
    ep->port = ntohs(s4->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &s6->sin6_addr, ep->addr, sizeof ep->addr);
    ep->port = ntohs(s6->sin6_port);
  }
}

static int remaining_ms(gint64 deadline_us)
{
  gint64 left = deadline_us - g_get_monotonic_time();
  return left <= 0 ? 0 : (int)MIN((left + 999) / 1000, G_MAXINT);
}

/* The ICMP error the kernel queued for the socket (IP_RECVERR), if any */
static gboolean read_icmp_error(S7NetConn *c)
{
  char control[512];
  char data[64];
  struct iovec iov = { data, sizeof data };
  struct msghdr msg = { 0 };
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(c->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
    return FALSE;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (!((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
          (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
      continue;
    const struct sock_extended_err *ee = (const struct sock_extended_err *)CMSG_DATA(cm);
    if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
      continue;
    c->icmp_type = ee->ee_type;
    c->icmp_code = ee->ee_code;
    c->icmp_v6 = ee->ee_origin == SO_EE_ORIGIN_ICMP6;
    S7Endpoint from;
    s7_net_endpoint(SO_EE_OFFENDER(ee), &from);
    g_strlcpy(c->icmp_from, from.addr, sizeof c->icmp_from);
    return TRUE;
  }
  return FALSE;
}

static guint syns_sent(int fd)
{
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
    return 1;
  return 1 + MAX((guint)ti.tcpi_total_retrans, (guint)ti.tcpi_retransmits);
}

S7ConnectResult s7_net_connect(const struct sockaddr *addr, socklen_t len, double timeout_s, S7NetConn *c)
{
  memset(c, 0, sizeof *c);
  c->in = g_byte_array_new();
  s7_net_endpoint(addr, &c->remote);
  c->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    c->error = g_strdup_printf("socket: %s", g_strerror(errno));
    return S7_CONNECT_ERROR;
  }
  int one = 1;
  if (addr->sa_family == AF_INET)
    setsockopt(c->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  else
    setsockopt(c->fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  gint64 deadline = g_get_monotonic_time() + (gint64)(timeout_s * G_USEC_PER_SEC);
  int rc = connect(c->fd, addr, len);
  int err = rc == 0 ? 0 : errno;
  if (err == EINPROGRESS) {
    struct pollfd p = { c->fd, POLLOUT, 0 };
    int n;
    do
      n = poll(&p, 1, remaining_ms(deadline));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      c->error = g_strdup_printf("poll: %s", g_strerror(errno));
      return S7_CONNECT_ERROR;
    }
    if (n == 0) {
      c->syns = syns_sent(c->fd);
      struct sockaddr_storage ls;
      socklen_t ll = sizeof ls;
      if (getsockname(c->fd, (struct sockaddr *)&ls, &ll) == 0)
        s7_net_endpoint((struct sockaddr *)&ls, &c->local);
      return S7_CONNECT_TIMEOUT;
    }
    socklen_t el = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
      err = errno;
  }
  c->syns = syns_sent(c->fd);
  struct sockaddr_storage ls;
  socklen_t ll = sizeof ls;
  if (getsockname(c->fd, (struct sockaddr *)&ls, &ll) == 0)
    s7_net_endpoint((struct sockaddr *)&ls, &c->local);
  if (err == 0)
    return S7_CONNECT_OK;
  if (read_icmp_error(c))
    return S7_CONNECT_ICMP;
  if (err == ECONNREFUSED)
    return S7_CONNECT_REFUSED;
  if (err == ETIMEDOUT)
    return S7_CONNECT_TIMEOUT;
  c->error = g_strdup(g_strerror(err));
  return S7_CONNECT_ERROR;
}

gboolean s7_net_send(S7NetConn *c, const guint8 *b, gsize n, gboolean *reset, const char **why)
{
  /* the one way out: nothing that could change a PLC passes (check_requests.h) */
  const char *refused;
  if (!s7_check_request_allowed(b, n, &refused))
    g_error("s7diag check: refusing to send a packet (%s)", refused);   /* a bug: never sent */
  gsize done = 0;
  *reset = FALSE;
  while (done < n) {
    ssize_t k = send(c->fd, b + done, n - done, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = { c->fd, POLLOUT, 0 };
      if (poll(&p, 1, 1000) <= 0) {
        *why = "the PLC does not take the data";
        return FALSE;
      }
      continue;
    }
    if (k < 0) {
      *reset = errno == ECONNRESET;
      *why = *reset ? "the PLC reset the connection (RST)" : g_strerror(errno);
      return FALSE;
    }
    done += (gsize)k;
  }
  return TRUE;
}

S7RecvResult s7_net_recv_tpkt(S7NetConn *c, gint64 deadline_us, GByteArray *pkt, const char **why)
{
  for (;;) {
    gssize need = s7_wire_tpkt_length(c->in->data, c->in->len, S7_NET_MAX_TPKT);
    if (need < 0) {
      *why = c->in->data[0] != 3 ? "the answer is not ISO-on-TCP (no TPKT header)"
                                 : "the answer's TPKT length is impossible for an S7 PLC";
      return S7_RECV_BAD;
    }
    if (need > 0 && c->in->len >= (guint)need) {
      g_byte_array_set_size(pkt, 0);
      g_byte_array_append(pkt, c->in->data, (guint)need);
      g_byte_array_remove_range(c->in, 0, (guint)need);
      return S7_RECV_OK;
    }
    struct pollfd p = { c->fd, POLLIN, 0 };
    int n = poll(&p, 1, remaining_ms(deadline_us));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *why = g_strerror(errno);
      return S7_RECV_ERROR;
    }
    if (n == 0)
      return S7_RECV_TIMEOUT;
    guint8 buf[4096];
    ssize_t k = recv(c->fd, buf, sizeof buf, 0);
    if (k < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (k < 0 && errno == ECONNRESET)
      return S7_RECV_RST;
    if (k < 0) {
      int e = errno;
      if (read_icmp_error(c)) {
        g_snprintf(c->why, sizeof c->why, "%s answered with %s type %u code %u", c->icmp_from,
                   c->icmp_v6 ? "ICMPv6" : "ICMP", c->icmp_type, c->icmp_code);
        *why = c->why;
      } else {
        *why = g_strerror(e);
      }
      return S7_RECV_ERROR;
    }
    if (k == 0)
      return S7_RECV_FIN;
    g_byte_array_append(c->in, buf, (guint)k);
  }
}

gboolean s7_net_close(S7NetConn *c, double linger_s)
{
  gboolean peer_closed = FALSE;
  if (c->fd >= 0) {
    shutdown(c->fd, SHUT_WR);
    gint64 deadline = g_get_monotonic_time() + (gint64)(linger_s * G_USEC_PER_SEC);
    gsize drained = 0;
    while (g_get_monotonic_time() < deadline && drained < 65536) {
      struct pollfd p = { c->fd, POLLIN, 0 };
      if (poll(&p, 1, remaining_ms(deadline)) <= 0)
        break;
      guint8 buf[1024];
      ssize_t k = recv(c->fd, buf, sizeof buf, 0);
      if (k <= 0) {
        peer_closed = k == 0;
        break;
      }
      drained += (gsize)k;
    }
    close(c->fd);
    c->fd = -1;
  }
  g_free(c->error);
  c->error = NULL;
  if (c->in)
    g_byte_array_unref(c->in);
  c->in = NULL;
  return peer_closed;
}
