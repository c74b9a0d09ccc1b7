/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_events.c — `s7diag events CAPTURE`: the engine's input events, one line each, as the
 * tshark at hand's dissectors give them (to see what a Wireshark version decodes differently,
 * or what the engine was told about a frame). */
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>
#include <glib/gstdio.h>

#include "bytes_text.h"
#include "commands.h"
#include "inputs.h"
#include "s7_event_text.h"
#include "tshark_run.h"

static struct {
  char *tshark;
  char **ports;
} o;

static const GOptionEntry *events_options(void)
{
  static const GOptionEntry entries[] = {
    { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &o.tshark, "The tshark to run (default: tshark on PATH)", "PATH" },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.ports, "Also treat this TCP port as S7 (repeatable; 102 always)", "PORT" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  return entries;
}

typedef struct {
  const S7FieldProfile *profile;
  S7RowStats stats;
  GString *line;
} EventsCtx;

static void print_event(const S7Event *ev, gpointer user_data)
{
  EventsCtx *c = user_data;
  g_string_truncate(c->line, 0);
  s7_event_append_text(c->line, ev);
  g_string_append_c(c->line, '\n');
  fputs(c->line->str, stdout);
}

static void on_row(const S7FieldRow *row, gpointer user_data)
{
  EventsCtx *c = user_data;
  s7_row_to_events(row, c->profile, &c->stats, print_event, c);
}

static int cmd_events(int argc, char **argv)
{
  memset(&o, 0, sizeof o);
  s7_command_parse(&s7_cmd_events_entry, &argc, &argv);
  GError *err = NULL;
  if (argc != 2)
    s7_die_usage("events: give one capture");
  guint16 ports[8] = { 102 };
  guint n_ports = 1;
  for (char **p = o.ports; p && *p && n_ports < G_N_ELEMENTS(ports); p++) {
    char *end;
    guint64 v = g_ascii_strtoull(*p, &end, 10);
    if (*end || v == 0 || v > 65535)
      s7_die_usage("--port: '%s' is not a TCP port", *p);
    ports[n_ports++] = (guint16)v;
  }
  S7Tshark tshark;
  if (!s7_tshark_probe(o.tshark ? o.tshark : "tshark", &tshark, &err)) {
    fprintf(stderr, "s7diag: %s\n", err->message);
    g_error_free(err);
    return EXIT_USAGE;
  }
  S7TsharkOptions topt = { &tshark, ports, n_ports, FALSE, 0 };
  EventsCtx c = { &tshark.profile, { 0 }, g_string_new(NULL) };
  S7TsharkResult tr = { 0 };
  int rc = EXIT_CLEAN;
  /* what analyze cannot read, events cannot either: the same errors, exit 2 */
  S7Input *in = s7_input_open(argv[1]);
  g_autofree char *shown = s7_bytes_text(argv[1]);
  GStatBuf st;
  if (in->error) {
    fprintf(stderr, "s7diag: %s: %s\n", shown, in->error);
    rc = EXIT_USAGE;
  } else if (g_stat(in->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
    fprintf(stderr, "s7diag: %s: empty file (0 bytes): not a capture\n", shown);
    rc = EXIT_USAGE;
  } else if (!s7_tshark_run(&topt, in->path, -1, on_row, &c, &c.stats, &tr, &err)) {
    fprintf(stderr, "s7diag: %s: %s\n", shown, err->message);
    g_error_free(err);
    rc = EXIT_USAGE;
  } else if (tr.truncated && c.stats.rows == 0) {
    fprintf(stderr, "s7diag: %s: damaged before its first packet, nothing could be read (%s)\n", shown, tr.warning);
    rc = EXIT_USAGE;
  } else if (tr.warning) {
    fprintf(stderr, "s7diag: %s: warning: %s\n", shown, tr.warning);
  }
  s7_input_free(in);
  g_free(tr.warning);
  g_string_free(c.line, TRUE);
  s7_tshark_clear(&tshark);
  g_free(o.tshark);
  g_strfreev(o.ports);
  return rc;
}

const S7Command s7_cmd_events_entry = {
  "events", "CAPTURE", "print the engine's input events (what the dissectors gave it)",
  "Prints, one line per event, what the engine is told about each frame of a capture: TCP "
  "flags, ICMP errors, COTP TPDUs, S7 and S7comm-plus PDUs with every field the diagnosis "
  "reads, as the tshark at hand decodes them. For comparing Wireshark versions and for "
  "checking what a frame was understood as.",
  events_options, cmd_events, "file", FALSE, FALSE
};
