/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_check.c — `s7diag check HOST`: the standard diagnostic checks run against a PLC, read
 * only (check_run.h), the exchange diagnosed by the engine as a capture would be, the report
 * in any format; -w captures the check's own traffic with dumpcap for the ticket. */
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <glib/gstdio.h>

#include "capture_analysis.h"
#include "check_net.h"
#include "check_report.h"
#include "check_run.h"
#include "commands.h"
#include "dumpcap_run.h"
#include "redact.h"
#include "report_model.h"
#include "report_output.h"
#include "s7_address.h"

typedef struct {
  char *tsap, *db, *write, *dumpcap;
  gint port, rack, slot;
  double timeout;
  gboolean quiet;
} CheckOpts;

static CheckOpts o;

static const GOptionEntry *check_options(void)
{
  static const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &o.port, "The PLC's TCP port (default 102)", "PORT" },
    { "rack", 0, 0, G_OPTION_ARG_INT, &o.rack, "Rack of the CPU (default 0)", "R" },
    { "slot", 0, 0, G_OPTION_ARG_INT, &o.slot, "Slot of the CPU (default 1; S7-300: 2)", "S" },
    { "tsap", 0, 0, G_OPTION_ARG_STRING, &o.tsap, "Called TSAP instead of rack/slot, as hex: 0x0301, 03.01", "TSAP" },
    { "db", 0, 0, G_OPTION_ARG_STRING, &o.db,
      "Read 1 byte of this DB (at OFFSET, default 0) to check absolute access; default: MB0", "N[.OFFSET]" },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &o.timeout, "Seconds each step may wait for an answer (default 3, at least 1)", "S" },
    { "write", 'w', 0, G_OPTION_ARG_FILENAME, &o.write,
      "Capture the check's own traffic to FILE (pcapng, with dumpcap on the interface towards HOST)", "FILE" },
    { "dumpcap", 0, 0, G_OPTION_ARG_FILENAME, &o.dumpcap, "The dumpcap to capture with (default: dumpcap on PATH)", "PATH" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress and no warnings on stderr", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  return entries;
}

static void opts_clear(void)
{
g_free(o.tsap); g_free(o.db); g_free(o.write);
  g_free(o.dumpcap);
  memset(&o, 0, sizeof o);
}

/* "0x0301", "0301", "03.01" */
static gboolean parse_tsap(const char *s, guint16 *out)
{
  g_autofree char *t = g_strdup(s);
  char *w = t;
  for (const char *p = s; *p; p++)
    if (*p != '.' && *p != ':' && *p != ' ')
      *w++ = *p;
  *w = '\0';
  const char *h = g_str_has_prefix(t, "0x") || g_str_has_prefix(t, "0X") ? t + 2 : t;
  if (strlen(h) != 4)
    return FALSE;
  char *end;
  unsigned long v = strtoul(h, &end, 16);
  if (*end)
    return FALSE;
  *out = (guint16)v;
  return TRUE;
}

/* "N" or "N.OFFSET" */
static gboolean parse_db(const char *s, guint16 *db, guint32 *offset)
{
  char *end;
  errno = 0;
  unsigned long n = strtoul(s, &end, 10);
  if (errno || end == s || n < 1 || n > 65535)
    return FALSE;
  *offset = 0;
  if (*end == '.') {
    const char *p = end + 1;
    unsigned long off = strtoul(p, &end, 10);
    if (end == p || off > 0x1FFFFF)
      return FALSE;
    *offset = (guint32)off;
  }
  *db = (guint16)n;
  return *end == '\0';
}

static gboolean resolve(const char *host, guint16 port, S7CheckOptions *co, char **why)
{
  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, NULL, &hints, &res);
  if (rc != 0) {
    *why = g_strdup(gai_strerror(rc));
    return FALSE;
  }
  memcpy(&co->addr, res->ai_addr, res->ai_addrlen);
  co->addr_len = res->ai_addrlen;
  if (co->addr.ss_family == AF_INET)
    ((struct sockaddr_in *)&co->addr)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)&co->addr)->sin6_port = htons(port);
  freeaddrinfo(res);
  return TRUE;
}

/* The interface the route to the PLC leaves by: the one holding the source address the
 * kernel picks for it */
static char *route_interface(const S7CheckOptions *co)
{
  int fd = socket(co->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  struct sockaddr_storage local;
  socklen_t len = sizeof local;
  gboolean ok = connect(fd, (const struct sockaddr *)&co->addr, co->addr_len) == 0 &&
                getsockname(fd, (struct sockaddr *)&local, &len) == 0;
  close(fd);
  if (!ok)
    return NULL;
  struct ifaddrs *ifs;
  if (getifaddrs(&ifs) < 0)
    return NULL;
  char *name = NULL;
  for (struct ifaddrs *i = ifs; i && !name; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != local.ss_family)
      continue;
    if (local.ss_family == AF_INET &&
        ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == ((struct sockaddr_in *)&local)->sin_addr.s_addr)
      name = g_strdup(i->ifa_name);
    else if (local.ss_family == AF_INET6 &&
             !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, &((struct sockaddr_in6 *)&local)->sin6_addr,
                     sizeof(struct in6_addr)))
      name = g_strdup(i->ifa_name);
  }
  freeifaddrs(ifs);
  return name;
}

/* dumpcap on the route's interface, for the check's packets only; NULL with *note when it
 * cannot capture (the check runs all the same) */
static GSubprocess *start_capture(const S7CheckOptions *co, const char *plc_addr, guint16 port, char **note)
{
  g_autofree char *iface = route_interface(co);
  if (!iface) {
    *note = g_strdup("no capture: the interface towards the PLC was not found");
    return NULL;
  }
  g_autofree char *bpf = g_strdup_printf("host %s and (tcp port %u or icmp or icmp6)", plc_addr, port);
  char *ifaces[] = { iface, NULL };
  char *err = NULL;
  GSubprocess *d = s7_dumpcap_spawn(o.dumpcap, ifaces, bpf, o.write, &err);
  if (!d) {
    *note = g_strdup_printf("no capture: %s", err);
    g_free(err);
    return NULL;
  }
  /* capturing once dumpcap has written the file's header */
  for (int i = 0; i < 100; i++) {
    GStatBuf st;
    if (g_stat(o.write, &st) == 0 && st.st_size > 0 && i >= 2)
      return d;
    if (g_subprocess_get_identifier(d) == NULL)
      break;
    g_usleep(50000);
  }
  char *msg = NULL;
  s7_dumpcap_stop(d, &msg);
  *note = g_strdup_printf("no capture on %s: %s", iface, msg);
  g_free(msg);
  return NULL;
}

static int cmd_check(int argc, char **argv)
{
  memset(&o, 0, sizeof o);
  o.port = 102;
  o.rack = G_MININT;   /* not given */
  o.slot = G_MININT;
  o.timeout = 3.0;
  s7_command_parse(&s7_cmd_check_entry, &argc, &argv);
  if (argc != 2)
    s7_die_usage(argc < 2 ? "check: which PLC? (s7diag check HOST)" : "check: one HOST only ('%s' too many)",
                 argc > 2 ? argv[2] : "");
  const char *host = argv[1];
  S7Format format;
  const char *output;
  int threshold;
  s7_report_choice_from_cli(FALSE, &format, &output, &threshold);
  if (o.port < 1 || o.port > 65535)
    s7_die_usage("--port: %d is not a TCP port", o.port);
  if (!(o.timeout >= 1 && o.timeout <= 120))   /* NaN too */
    s7_die_usage("--timeout: %g s is outside 1 to 120 s", o.timeout);
  S7CheckOptions co = { 0 };
  co.timeout_s = o.timeout;
  if (o.tsap) {
    if (o.rack != G_MININT || o.slot != G_MININT)
      s7_die_usage("check: give --tsap or --rack/--slot, not both");
    if (!parse_tsap(o.tsap, &co.called_tsap))
      s7_die_usage("--tsap: '%s' is not a 2-byte TSAP in hex (0x0301, 03.01)", o.tsap);
    co.tsap_given = TRUE;
  } else {
    if ((o.rack != G_MININT && (o.rack < 0 || o.rack > 7)) || (o.slot != G_MININT && (o.slot < 0 || o.slot > 31)))
      s7_die_usage("--rack is 0 to 7 and --slot 0 to 31");
    co.tsap_default = o.rack == G_MININT && o.slot == G_MININT;
    guint rack = o.rack == G_MININT ? 0 : (guint)o.rack, slot = o.slot == G_MININT ? 1 : (guint)o.slot;
    co.called_tsap = (guint16)(0x0100 | rack << 5 | slot);
  }
  if (o.db) {
    if (!parse_db(o.db, &co.db, &co.offset))
      s7_die_usage("--db: '%s' is not N or N.OFFSET (a DB number 1-65535, a byte offset)", o.db);
    co.db_given = TRUE;
  }
  S7Redactor *redact = s7_redactor_from_cli();
  s7_output_check("-o", output, S7_OUT_REPORT);
  s7_output_check("-w", o.write, S7_OUT_CAPTURE);
  char *why = NULL;
  if (!resolve(host, (guint16)o.port, &co, &why)) {
    s7_redactor_free(redact);
    fprintf(stderr, "s7diag: check: cannot resolve '%s': %s\n", host, why);
    g_free(why);
    opts_clear();
    return EXIT_USAGE;
  }

  S7Endpoint plc;
  s7_net_endpoint((const struct sockaddr *)&co.addr, &plc);
  g_autofree char *capture_note = NULL;
  GSubprocess *dumpcap = o.write ? start_capture(&co, plc.addr, (guint16)o.port, &capture_note) : NULL;
  gboolean captured = dumpcap != NULL;
  if (capture_note && !o.quiet)
    fprintf(stderr, "s7diag: warning: %s\n", capture_note);
  if (!o.quiet)
    fprintf(stderr, "s7diag: checking %s port %d (each step waits up to %.1f s; reads only)\n", plc.addr, o.port,
            o.timeout);

  S7CheckResult r;
  s7_check_run(&co, &r);

  if (captured) {
    g_usleep(300000);   /* the last packets reach the file */
    char *msg = NULL;
    int st = s7_dumpcap_stop(dumpcap, &msg);
    if (st != 0 && st != 143) {   /* not ended by our SIGTERM */
      g_free(capture_note);
      capture_note = g_strdup_printf("the capture may be incomplete: %s", msg);
      if (!o.quiet)
        fprintf(stderr, "s7diag: warning: %s\n", capture_note);
    }
    g_free(msg);
  }

  S7EngineConfig ecfg;
  s7_engine_config_init(&ecfg);
  ecfg.ports[0] = (guint16)o.port;
  ecfg.n_ports = 1;
  ecfg.no_response_timeout_s = o.timeout;
  ecfg.connect_timeout_s = o.timeout;
  char ep[S7_ENDPOINT_TEXT_MAX];
  g_autofree char *name = g_strdup_printf("check %s", s7_endpoint_format(&plc, ep));
  S7CaptureResult *cr = s7_analyze_events(name, (const S7Event *)r.events->data, r.events->len, r.end_ts_us, &ecfg);
  json_t *cap = s7_report_capture(cr);
  json_object_set_new(cap, "check", s7_check_json(&r, &co, host, captured ? o.write : NULL, capture_note));
  GPtrArray *caps = g_ptr_array_new();
  g_ptr_array_add(caps, cap);
  json_t *report = s7_report_new(S7DIAG_VERSION, NULL, caps);
  g_ptr_array_unref(caps);
  int rc = s7_exit_status(report, threshold);
  if (rc == EXIT_CLEAN && threshold <= S7_SEV_ERROR && s7_check_failed(&r))
    rc = EXIT_FINDINGS;
  rc = s7_report_finish(report, redact, captured ? o.write : NULL, format, output, threshold, rc);
  json_decref(report);
  s7_capture_result_free(cr);
  s7_check_result_clear(&r);
  s7_redactor_free(redact);
  opts_clear();
  return rc;
}

const S7Command s7_cmd_check_entry = {
  "check", "HOST", "run the standard diagnostic checks against a PLC (reads only)",
  "Checks, in this order, what S7 communication with the PLC at HOST needs: TCP port 102 "
  "reachable (or refused, unreachable by ICMP, dropped), the ISO connect with the rack/slot or "
  "TSAP (when refused, the usual rack/slot pairs are tried, one connection at a time, at most 8), "
  "Setup Communication (PDU size, Max AmQ), the identity (SZL 0x0011, 0x001C), and one Read Var "
  "of 1 byte of --db N (or MB0): PUT/GET permitted, DB not optimized, DB present. The exchange "
  "is diagnosed like a capture and reported in any format, with a table of the steps. It only "
  "reads: it never sends Write Var, PLC stop/start, block functions or passwords, holds at most "
  "one connection, never has more than one job open (a job not answered within --timeout ends its "
  "connection; the next step opens a new one, at most twice) and waits at most --timeout for each "
  "answer. -w captures its traffic (dumpcap) "
  "for the ticket. Exit status: 0 every step passed, 1 a step failed or findings, 2 usage error.",
  check_options, cmd_check, "", TRUE, TRUE
};
