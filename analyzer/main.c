/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c — the s7diag command line: the command table (each entry belongs to its cmd_X.c in
 * commands/) and the dispatch. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "outfile.h"

/* In the order --help lists them */
static const S7Command *const commands[] = {
  &s7_cmd_analyze_entry, &s7_cmd_merge_entry, &s7_cmd_explain_entry, &s7_cmd_watch_entry,
  &s7_cmd_check_entry, &s7_cmd_diff_entry, &s7_cmd_events_entry, &s7_cmd_version_entry,
  &s7_cmd_help_entry, &s7_cmd_completion_entry,
};

/* S7DIAG_REPORT_RSS=1: print this process's own peak memory at exit (tsharks excluded), for
 * the benchmark */
static void report_rss(void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
    return;
  const char *hwm = strstr(status, "VmHWM:");
  if (hwm)
    fprintf(stderr, "s7diag: own peak memory %.*s\n", (int)strcspn(hwm + 6, "\n"), hwm + 6);
}

int main(int argc, char **argv)
{
  if (g_getenv("S7DIAG_REPORT_RSS"))
    atexit(report_rss);
  setlocale(LC_ALL, "");
  signal(SIGPIPE, SIG_IGN);   /* a tshark that exits early must not kill us through its pipe */
  signal(SIGXFSZ, SIG_IGN);   /* a file size limit: a write error, not death with a file half written */
  s7_commands_set(commands, G_N_ELEMENTS(commands));
  s7_temp_cleanup_install();  /* temporary files go on every exit, signals included */
  if (argc < 2)
    s7_die_usage("no command given");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    s7_print_usage(stdout);
    return EXIT_CLEAN;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
    return s7_cmd_version_entry.run(1, argv);
  const S7Command *c = s7_command(cmd);
  if (!c)
    s7_die_usage("unknown command '%s'", cmd);
  return c->run(argc - 1, argv + 1);
}
