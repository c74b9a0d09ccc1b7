/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7sim_main.c — s7sim: a fault-injecting S7 PLC simulator for tests and for reproducing
 * faults in the lab. Sockets, a poll loop, the request log and clean stops here; the protocol
 * is s7sim_proto.c, the settings s7sim_config.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "s7sim_config.h"
#include "s7sim_proto.h"

#define MAX_CLIENTS 1024
#define IN_MAX (2 * S7SIM_TPKT_MAX)

typedef struct {
  int fd;
  char peer[64];
  guint8 in[IN_MAX];
  gsize in_len;
  GByteArray *out;           /* bytes to send */
  gint64 due_us;             /* delay-ms: when out may be sent */
  gint64 last_rx_us;         /* idle-timeout: when the client last sent something */
  gboolean closing;
  S7SimSession s;
} Client;

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void logf_line(const S7SimConfig *cfg, const char *peer, const char *text)
{
  if (cfg->quiet)
    return;
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *ts = g_date_time_format(now, "%H:%M:%S.%f");
  fprintf(stderr, "%.12s %s %s\n", ts, peer, text);
}

static void client_close(S7SimConfig *cfg, Client *c, gboolean reset, const char *why)
{
  if (reset) {
    struct linger lg = { 1, 0 };   /* close with RST, as a CPU refusing the connect */
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  close(c->fd);
  s7sim_session_end(&c->s);
  if (why)
    logf_line(cfg, c->peer, why);
  c->fd = -1;
  g_byte_array_set_size(c->out, 0);
  c->in_len = 0;
}

static int listen_on(const S7SimConfig *cfg)
{
  struct sockaddr_in6 a6 = { 0 };
  struct sockaddr_in a4 = { 0 };
  int fd;
  if (strchr(cfg->listen, ':')) {
    fd = socket(AF_INET6, SOCK_STREAM, 0);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(cfg->port);
    if (inet_pton(AF_INET6, cfg->listen, &a6.sin6_addr) != 1)
      return -2;
  } else {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->listen, &a4.sin_addr) != 1)
      return -2;
  }
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = strchr(cfg->listen, ':') ? bind(fd, (struct sockaddr *)&a6, sizeof a6)
                                    : bind(fd, (struct sockaddr *)&a4, sizeof a4);
  if (rc < 0 || listen(fd, SOMAXCONN) < 0) {   /* a connect storm waits in the queue, not in SYN retries */
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

static void serve_input(S7SimConfig *cfg, Client *c)
{
  for (;;) {
    gssize tl = s7sim_tpkt_length(c->in, c->in_len);
    if (tl < 0) {
      client_close(cfg, c, FALSE, "not a TPKT stream -> closed");
      return;
    }
    if (tl == 0 || (gsize)tl > c->in_len)
      return;   /* wait for the rest (a slow client keeps only its own slot) */
    g_autoptr(GString) log = g_string_new(NULL);
    S7SimAction act = s7sim_handle(&c->s, c->in, (gsize)tl, c->out, log);
    memmove(c->in, c->in + tl, c->in_len - (gsize)tl);
    c->in_len -= (gsize)tl;
    logf_line(cfg, c->peer, log->str);
    if (act == S7SIM_RESET) {
      client_close(cfg, c, TRUE, NULL);
      return;
    }
    if (act == S7SIM_CLOSE) {
      c->closing = TRUE;
      return;
    }
    if (act == S7SIM_REPLY && cfg->delay_ms && !c->due_us)
      c->due_us = g_get_monotonic_time() + (gint64)cfg->delay_ms * 1000;
  }
}

int main(int argc, char **argv)
{
  S7SimConfig cfg;
  s7sim_config_init(&cfg);
  /* options parse into ints; a config file (read first) gives the defaults they override */
  char *config_file = NULL, **dbs = NULL, *putget = NULL, *userdata = NULL;
  for (int i = 1; i + 1 < argc; i++) {
    if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")) {
      char *why = NULL;
      if (!s7sim_config_load(&cfg, argv[i + 1], &why)) {
        fprintf(stderr, "s7sim: %s\n", why);
        return 2;
      }
    }
  }
  gint port = cfg.port, rack = (gint)cfg.rack, slot = (gint)cfg.slot, pdu = cfg.pdu_size, amq = cfg.max_amq;
  gint maxc = (gint)cfg.max_connections, delay = (gint)cfg.delay_ms, drop = (gint)cfg.drop_every;
  gint idle = (gint)cfg.idle_timeout_s;
  gboolean quiet = cfg.quiet;
  char *listen = NULL;
  GOptionEntry e[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 0.0.0.0)", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port (default 102)", "PORT" },
    { "rack", 0, 0, G_OPTION_ARG_INT, &rack, "Rack in the called TSAP that is accepted (default 0); others are reset", "N" },
    { "slot", 0, 0, G_OPTION_ARG_INT, &slot, "Slot in the called TSAP that is accepted (default 1)", "N" },
    { "pdu", 0, 0, G_OPTION_ARG_INT, &pdu, "Largest PDU size negotiated (default 480); bigger jobs/answers get 0x8500", "BYTES" },
    { "max-amq", 0, 0, G_OPTION_ARG_INT, &amq, "Max AmQ negotiated (default 3)", "N" },
    { "putget", 0, 0, G_OPTION_ARG_STRING, &putget, "on (default) or off: Read/Write Var answered with 0x8104, SZL reads still work", "on|off" },
    { "userdata", 0, 0, G_OPTION_ARG_STRING, &userdata, "on (default) or off: userdata requests (SZL reads) are never answered, as by a device that only does Read/Write Var", "on|off" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &maxc, "ISO connections at once; the next COTP CR is reset (default: no limit)", "N" },
    { "db", 0, 0, G_OPTION_ARG_STRING_ARRAY, &dbs, "A DB: NUMBER:SIZE[:optimized|missing|read-only] (repeatable); other DBs are missing", "SPEC" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay, "Delay before each S7 answer", "MS" },
    { "drop-every", 0, 0, G_OPTION_ARG_INT, &drop, "Drop every Nth S7 answer (for no-response)", "N" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle, "Close a connection (FIN) after S seconds without a request, as a CPU or CP with a connection timeout (default 60; 0: never)", "S" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file, "Read settings (key = value, the option names) from FILE first", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No request log on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- a fault-injecting S7 PLC simulator");
  g_option_context_set_summary(ctx,
      "Answers S7 clients (ISO-on-TCP) like a CPU that is configured wrongly in exactly the ways\n"
      "that break S7 communication: PUT/GET off, optimized/missing/protected DBs, a wrong rack/slot,\n"
      "all connection resources in use, a small PDU, slow or lost answers. Logs each request and\n"
      "the answer it chose. Stops on SIGINT/SIGTERM.");
  g_option_context_add_main_entries(ctx, e, NULL);
  GError *err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    fprintf(stderr, "s7sim: %s\nTry 's7sim --help'.\n", err->message);
    return 2;
  }
  if (argc > 1) {
    fprintf(stderr, "s7sim: unexpected argument '%s'\nTry 's7sim --help'.\n", argv[1]);
    return 2;
  }
  char *why = NULL;
  if (listen) {
    g_free(cfg.listen);
    cfg.listen = listen;
  }
  struct { const char *k; gint v, max; } ints[] = {
    { "port", port, 65535 }, { "rack", rack, 7 }, { "slot", slot, 31 }, { "pdu", pdu, 65535 },
    { "max-amq", amq, 255 }, { "max-connections", maxc, 100000 }, { "delay-ms", delay, 600000 },
    { "drop-every", drop, 1000000 }, { "idle-timeout", idle, 86400 } };
  for (guint i = 0; i < G_N_ELEMENTS(ints); i++) {
    char buf[16];
    g_snprintf(buf, sizeof buf, "%d", ints[i].v);
    if (ints[i].v < 0 || !s7sim_config_set(&cfg, ints[i].k, buf, &why)) {
      fprintf(stderr, "s7sim: --%s: %s\n", ints[i].k, why ? why : "must not be negative");
      return 2;
    }
  }
  cfg.quiet = quiet;
  if ((putget && !s7sim_config_set(&cfg, "putget", putget, &why)) ||
      (userdata && !s7sim_config_set(&cfg, "userdata", userdata, &why))) {
    fprintf(stderr, "s7sim: --%s\n", why);
    return 2;
  }
  for (char **d = dbs; d && *d; d++)
    if (!s7sim_config_set(&cfg, "db", *d, &why)) {
      fprintf(stderr, "s7sim: --%s\n", why);
      return 2;
    }

  int lfd = listen_on(&cfg);
  if (lfd < 0) {
    fprintf(stderr, "s7sim: cannot listen on %s port %u: %s\n", cfg.listen, cfg.port,
            lfd == -2 ? "not an IP address" : g_strerror(errno));
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  g_autofree char *limit = cfg.max_connections ? g_strdup_printf("%u", cfg.max_connections) : g_strdup("unlimited");
  fprintf(stderr, "s7sim: listening on %s port %u (rack %u slot %u, PDU %u, PUT/GET %s, max connections %s, %u DB%s)\n",
          cfg.listen, cfg.port, cfg.rack, cfg.slot, cfg.pdu_size, cfg.putget ? "on" : "off", limit,
          cfg.n_dbs, cfg.n_dbs == 1 ? "" : "s");

  static Client clients[MAX_CLIENTS];
  guint live_iso = 0;
  guint64 answers = 0;
  guint16 next_ref = 0x44;
  for (guint i = 0; i < MAX_CLIENTS; i++) {
    clients[i].fd = -1;
    clients[i].out = g_byte_array_new();
  }
  struct pollfd pfd[MAX_CLIENTS + 1];
  while (!stop) {
    guint n = 0;
    pfd[n++] = (struct pollfd){ lfd, POLLIN, 0 };
    gint64 now = g_get_monotonic_time(), wait_us = -1;
    int idx[MAX_CLIENTS + 1];
    for (guint i = 0; i < MAX_CLIENTS; i++) {
      Client *c = &clients[i];
      if (c->fd < 0)
        continue;
      if (cfg.idle_timeout_s && !c->out->len) {
        gint64 expiry = c->last_rx_us + (gint64)cfg.idle_timeout_s * G_USEC_PER_SEC;
        if (expiry <= now) {
          client_close(&cfg, c, FALSE, "idle -> closed (connection timeout)");
          continue;
        }
        wait_us = wait_us < 0 ? expiry - now : MIN(wait_us, expiry - now);
      }
      gboolean may_send = c->out->len && (!c->due_us || c->due_us <= now);
      if (c->out->len && c->due_us > now)
        wait_us = wait_us < 0 ? c->due_us - now : MIN(wait_us, c->due_us - now);
      idx[n] = (int)i;
      pfd[n++] = (struct pollfd){ c->fd, (short)((c->closing ? 0 : POLLIN) | (may_send ? POLLOUT : 0)), 0 };
    }
    int rc = poll(pfd, n, wait_us < 0 ? 1000 : (int)(wait_us / 1000) + 1);
    if (rc < 0 && errno != EINTR)
      break;
    if (rc <= 0)
      continue;
    if (pfd[0].revents & POLLIN) {
      struct sockaddr_storage sa;
      socklen_t sl = sizeof sa;
      int fd;
      while ((fd = accept(lfd, (struct sockaddr *)&sa, &sl)) >= 0) {   /* all that wait: a storm is taken at once */
        sl = sizeof sa;
        Client *c = NULL;
        for (guint i = 0; i < MAX_CLIENTS && !c; i++)
          if (clients[i].fd < 0)
            c = &clients[i];
        if (!c) {
          close(fd);
        } else {
          fcntl(fd, F_SETFL, O_NONBLOCK);
          int one = 1;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          c->fd = fd;
          c->in_len = 0;
          c->closing = FALSE;
          c->due_us = 0;
          c->last_rx_us = g_get_monotonic_time();
          c->s = (S7SimSession){ &cfg, &live_iso, FALSE, 240, next_ref++, &answers };
          char host[INET6_ADDRSTRLEN] = "?";
          guint16 port_no = 0;
          if (sa.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof host);
            port_no = ntohs(((struct sockaddr_in *)&sa)->sin_port);
          } else {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof host);
            port_no = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
          }
          g_snprintf(c->peer, sizeof c->peer, "%s:%u", host, port_no);
          logf_line(&cfg, c->peer, "connected");
        }
      }
    }
    for (guint k = 1; k < n; k++) {
      Client *c = &clients[idx[k]];
      if (c->fd < 0)
        continue;
      if (pfd[k].revents & POLLOUT) {
        ssize_t w = send(c->fd, c->out->data, c->out->len, 0);
        if (w > 0) {
          g_byte_array_remove_range(c->out, 0, (guint)w);
          if (!c->out->len)
            c->due_us = 0;
        } else if (w < 0 && errno != EAGAIN) {
          client_close(&cfg, c, FALSE, "send failed -> closed");
          continue;
        }
      }
      if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t r = recv(c->fd, c->in + c->in_len, IN_MAX - c->in_len, 0);
        if (r <= 0) {
          client_close(&cfg, c, FALSE, r == 0 ? "client closed" : "connection lost");
          continue;
        }
        c->in_len += (gsize)r;
        c->last_rx_us = g_get_monotonic_time();
        serve_input(&cfg, c);
      }
      if (c->fd >= 0 && c->closing && !c->out->len)
        client_close(&cfg, c, FALSE, NULL);
    }
  }
  for (guint i = 0; i < MAX_CLIENTS; i++) {
    if (clients[i].fd >= 0)
      close(clients[i].fd);
    g_byte_array_unref(clients[i].out);
  }
  close(lfd);
  fprintf(stderr, "s7sim: stopped\n");
  s7sim_config_clear(&cfg);
  g_free(config_file);
  g_strfreev(dbs);
  g_free(putget);
  g_free(userdata);
  return 0;
}
