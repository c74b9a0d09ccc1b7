/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c — the s7diag command line: dispatch, help, version, man-page text, completion. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"
#include "redact.h"

void s7_die_usage(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("s7diag: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\nTry 's7diag --help'.\n", stderr);
  va_end(ap);
  exit(EXIT_USAGE);
}

void s7_output_check(const char *option, const char *path, S7OutputKind kind)
{
  char *why = NULL;
  if (s7_output_allowed(option, path, kind, &why))
    return;
  fprintf(stderr, "s7diag: %s\n", why);   /* one line: no usage hint, the usage was right */
  exit(EXIT_USAGE);
}

/* --format, --output and --fail-on, one table for every command that writes a report */
static struct {
  char *format, *output, *fail_on;
} report_opts;

static const GOptionEntry report_entries[] = {
  { "format", 'F', 0, G_OPTION_ARG_STRING, &report_opts.format,
    "Report format: text, markdown, json, html, junit (default: by -o's extension, text on a terminal, else json; merge: json)", "FORMAT" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &report_opts.output,
    "Write the report to FILE (default: stdout); analyze and merge: to a DIR (existing, or ending in /), one file per capture and s7diag-report.EXT", "FILE|DIR" },
  { "fail-on", 0, 0, G_OPTION_ARG_STRING, &report_opts.fail_on,
    "Exit 1 on findings (check: and failed steps; diff: findings only the failing side has) of this severity or worse: error (default), warning, note, never", "LEVEL" },
  { NULL, 0, 0, 0, NULL, NULL, NULL }
};

void s7_report_choice_from_cli(gboolean json_default, S7Format *format, const char **output, int *threshold)
{
  *output = report_opts.output;
  if (!json_default)
    *format = s7_format_default(report_opts.output);
  else if (!report_opts.output || !s7_format_from_path(report_opts.output, format))
    *format = S7_FMT_JSON;
  if (report_opts.format && !s7_format_parse(report_opts.format, format))
    s7_die_usage("--format: '%s' is not one of text, markdown, json, html, junit", report_opts.format);
  *threshold = s7_fail_threshold(report_opts.fail_on);
}

/* --redact and --redact-key, one table for every command that writes reports */
static struct {
  gboolean redact;
  char *key_file;
} redact_opts;

static const GOptionEntry redact_entries[] = {
  { "redact", 0, 0, G_OPTION_ARG_NONE, &redact_opts.redact,
    "Replace addresses (subnets kept), MACs (vendor kept), PLC names, serials, file paths and comments by pseudonyms, the same for the same value, in the report and the capture files written", NULL },
  { "redact-key", 0, 0, G_OPTION_ARG_FILENAME, &redact_opts.key_file,
    "Redact with pseudonyms keyed by FILE's content: the same in every run, to compare reports (implies --redact)", "FILE" },
  { NULL, 0, 0, 0, NULL, NULL, NULL }
};

S7Redactor *s7_redactor_from_cli(void)
{
  if (!redact_opts.redact && !redact_opts.key_file)
    return NULL;
  char *why = NULL;
  s7_input_file_note(redact_opts.key_file);
  S7Redactor *r = s7_redactor_new(redact_opts.key_file, &why);
  if (!r)
    s7_die_usage("%s", why);
  g_free(redact_opts.key_file);
  redact_opts.key_file = NULL;
  return r;
}

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_completion(int argc, char **argv);

static const S7Command commands[] = {
  { "analyze", "CAPTURE|DIR|-...", "diagnose captures and write a report",
    "Runs the stock tshark on each capture (pcap, pcapng, gzip-compressed too; directories are "
    "searched recursively for .pcap, .pcapng and .cap files; - reads one capture from stdin), "
    "diagnoses S7 faults and writes one report. Captures are analyzed in parallel (-j) and "
    "reported in file-name order. Exit status: 0 no finding at or above --fail-on, 1 findings, "
    "2 a usage error or a capture that could not be analyzed (the others are still reported).",
    s7_analyze_options, s7_cmd_analyze, "file", TRUE, TRUE },
  { "merge", "REPORT.json...", "combine JSON reports into one",
    "Combines JSON reports (for example of per-capture runs on several machines) into one report. "
    "The result does not depend on the order or grouping of the inputs. Writes JSON unless "
    "--format says otherwise; exit status as for analyze.",
    NULL, s7_cmd_merge, "json", TRUE, TRUE },
  { "explain", "CODE|KIND", "explain an S7 code or a fault kind, offline",
    "Prints what an S7 error code (0x8104, 8104, D209), an item return code (0x05), a COTP "
    "disconnect reason (DR 0x81), an S7comm-plus return value (-12) or a fault kind "
    "(putget-denied) means, why it happens, what client libraries print, and how to fix it.",
    NULL, s7_cmd_explain, "code", FALSE, FALSE },
  { "watch", "[-i IFACE]...", "diagnose live: capture, print each finding as it happens, then report",
    "Captures with dumpcap (default filter: the S7 ports and ICMP), diagnoses while it captures "
    "and prints each finding on one line the moment it is known (a status line on a terminal). "
    "Ctrl-C, SIGTERM or --duration ends it: the capture is analyzed as analyze would and the "
    "report written (-F, -o); -w keeps the capture for the ticket. Needs the right to capture "
    "(root, or a member of the wireshark group). Exit status as for analyze.",
    s7_watch_options, s7_cmd_watch, "", TRUE, TRUE },
  { "check", "HOST", "run the standard diagnostic checks against a PLC (reads only)",
    "Checks, in this order, what S7 communication with the PLC at HOST needs: TCP port 102 "
    "reachable (or refused, unreachable by ICMP, dropped), the ISO connect with the rack/slot or "
    "TSAP (when refused, the usual rack/slot pairs are tried, one connection at a time, at most 8), "
    "Setup Communication (PDU size, Max AmQ), the identity (SZL 0x0011, 0x001C), and one Read Var "
    "of 1 byte of --db N (or MB0): PUT/GET permitted, DB not optimized, DB present. The exchange "
    "is diagnosed like a capture and reported in any format, with a table of the steps. It only "
    "reads: it never sends Write Var, PLC stop/start, block functions or passwords, holds at most "
    "one connection and waits at most --timeout for each answer. -w captures its traffic (dumpcap) "
    "for the ticket. Exit status: 0 every step passed, 1 a step failed or findings, 2 usage error.",
    s7_check_options, s7_cmd_check, "", TRUE, TRUE },
  { "diff", "GOOD BAD", "compare a working and a failing capture: what the failing one does differently",
    "Compares a working capture (or client) with a failing one, each a capture or a JSON report, and "
    "says what differs that explains the failure: the findings only the failing side has first, "
    "then the called and calling TSAP (rack/slot), negotiated PDU size and Max AmQ, functions used, "
    "areas and addresses accessed (the failing client reads DB1.DBB1848, past what the working one "
    "reads), the codes the PLC answered, PLC identity and firmware, a new connection per poll or a "
    "persistent one, response times, and who closed the connections. Any format. Exit status: 1 when "
    "the failing side has findings (at or above --fail-on) the working side has not, 0 otherwise, 2 "
    "usage error or an input that could not be read.",
    s7_diff_options, s7_cmd_diff, "file", TRUE, TRUE },
  { "events", "CAPTURE", "print the engine's input events (what the dissectors gave it)",
    "Prints, one line per event, what the engine is told about each frame of a capture: TCP "
    "flags, ICMP errors, COTP TPDUs, S7 and S7comm-plus PDUs with every field the diagnosis "
    "reads, as the tshark at hand decodes them. For comparing Wireshark versions and for "
    "checking what a frame was understood as.",
    s7_events_options, s7_cmd_events, "file", FALSE, FALSE },
  { "version", "", "print the version", "Prints s7diag's version.", NULL, cmd_version, "", FALSE, FALSE },
  { "help", "[COMMAND|--all]", "show help", "Shows help for s7diag or a command.", NULL, cmd_help, "command", FALSE, FALSE },
  { "completion", "bash", "print the bash completion script",
    "Prints a bash completion script made from the command table: "
    "eval \"$(s7diag completion bash)\" or install it as /usr/share/bash-completion/completions/s7diag.",
    NULL, cmd_completion, "", FALSE, FALSE },
};

const S7Command *s7_commands(guint *n)
{
  *n = G_N_ELEMENTS(commands);
  return commands;
}

const S7Command *s7_command(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    if (!strcmp(commands[i].name, name))
      return &commands[i];
  return NULL;
}

GOptionContext *s7_command_context(const S7Command *cmd)
{
  g_autofree char *prg = g_strdup_printf("s7diag %s", cmd->name);
  g_set_prgname(prg);
  g_autofree char *param = g_strdup_printf("%s - %s", cmd->args, cmd->summary);
  GOptionContext *ctx = g_option_context_new(param);
  g_option_context_set_summary(ctx, cmd->description);
  if (cmd->reports)
    g_option_context_add_main_entries(ctx, report_entries, NULL);
  if (cmd->options)
    g_option_context_add_main_entries(ctx, cmd->options(), NULL);
  if (cmd->redacts)
    g_option_context_add_main_entries(ctx, redact_entries, NULL);
  return ctx;
}

/* Does short option c of the command take a value? */
static gboolean short_takes_value(const S7Command *cmd, char c)
{
  const GOptionEntry *tables[3] = { cmd->reports ? report_entries : NULL, cmd->options ? cmd->options() : NULL,
                                    cmd->redacts ? redact_entries : NULL };
  for (guint t = 0; t < G_N_ELEMENTS(tables); t++)
    for (const GOptionEntry *e = tables[t]; e && e->long_name; e++)
      if (e->short_name == c)
        return e->arg != G_OPTION_ARG_NONE;
  return FALSE;
}

void s7_command_parse(const S7Command *cmd, int *argc, char ***argv)
{
  /* the words and the pieces split off, for the process's life as argv is (reachable from
   * here: GOption drops what it parsed from the array) */
  static GPtrArray *kept, *pieces;
  if (!pieces)
    pieces = g_ptr_array_new_with_free_func(g_free);
  /* "-j4" as "-j 4", as getopt takes it (GOption would take the next word as the value) */
  GPtrArray *args = g_ptr_array_new();
  gboolean options = TRUE;
  for (int i = 0; i < *argc; i++) {
    char *a = (*argv)[i];
    if (!strcmp(a, "--"))
      options = FALSE;
    if (options && i > 0 && a[0] == '-' && a[1] && a[1] != '-' && a[2] && short_takes_value(cmd, a[1])) {
      char *opt = g_strndup(a, 2);
      g_ptr_array_add(pieces, opt);
      g_ptr_array_add(args, opt);
      g_ptr_array_add(args, a + 2);
    } else {
      g_ptr_array_add(args, a);
    }
  }
  g_ptr_array_add(args, NULL);
  *argc = (int)args->len - 1;
  if (kept)
    g_ptr_array_unref(kept);
  kept = args;
  *argv = (char **)args->pdata;
  GOptionContext *ctx = s7_command_context(cmd);
  GError *err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err))
    s7_die_usage("%s", err->message);
  g_option_context_free(ctx);
  /* what GOption leaves of "--" (the end of the options) is no operand */
  for (int i = 1; i < *argc; i++)
    if (!strcmp((*argv)[i], "--")) {
      memmove(*argv + i, *argv + i + 1, (size_t)(*argc - i) * sizeof **argv);
      (*argc)--;
      break;
    }
}

static void print_usage(FILE *out)
{
  fputs("Usage: s7diag COMMAND [OPTION...]\n\n"
        "Finds and explains the faults that break Siemens S7 communication (ISO-on-TCP, port 102:\n"
        "PUT/GET refused, optimized or missing DBs, refused connections, firewalls ...) in packet\n"
        "captures, using the stock tshark, and writes reports for support tickets.\n\nCommands:\n", out);
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *lhs = g_strdup_printf("%s %s", commands[i].name, commands[i].args);
    fprintf(out, "  %-28s %s\n", lhs, commands[i].summary);
  }
  fputs("\nRun 's7diag COMMAND --help' for a command's options.\n\n"
        "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.\n", out);
}

static int cmd_version(int argc, char **argv)
{
  (void)argc; (void)argv;
  printf("s7diag %s\n", S7DIAG_VERSION);
  return EXIT_CLEAN;
}

/* `help --all` is the text the man page is made from (help2man). */
static int cmd_help(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "--all") != 0) {
    const S7Command *c = s7_command(argv[1]);
    if (!c)
      s7_die_usage("help: unknown command '%s'", argv[1]);
    g_autoptr(GOptionContext) ctx = s7_command_context(c);
    g_autofree char *h = g_option_context_get_help(ctx, FALSE, NULL);
    fputs(h, stdout);
    return EXIT_CLEAN;
  }
  print_usage(stdout);
  if (argc > 1) {
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
      if (!commands[i].options && !commands[i].reports)
        continue;
      g_autoptr(GOptionContext) ctx = s7_command_context(&commands[i]);
      g_autofree char *h = g_option_context_get_help(ctx, TRUE, NULL);
      printf("\n%s", h);
    }
  }
  return EXIT_CLEAN;
}

/* Long options of a command, for completion */
static void put_options(GString *s, const S7Command *c)
{
  g_string_append(s, "--help");
  for (const GOptionEntry *e = report_entries; c->reports && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
  for (const GOptionEntry *e = c->options ? c->options() : NULL; e && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
  for (const GOptionEntry *e = redact_entries; c->redacts && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
}

static int cmd_completion(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "bash") != 0)
    s7_die_usage("completion: only 'bash' is supported");
  GString *names = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
    g_string_append_printf(names, "%s%s", i ? " " : "", commands[i].name);
  printf("# bash completion for s7diag %s (made by: s7diag completion bash)\n"
         "_s7diag() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
         "    COMPREPLY=( $(compgen -W \"%s --help --version\" -- \"$cur\") ); return\n"
         "  fi\n"
         "  case \"$prev\" in\n"
         "    --format|-F) COMPREPLY=( $(compgen -W \"text markdown json html junit\" -- \"$cur\") ); return ;;\n"
         "    --fail-on) COMPREPLY=( $(compgen -W \"error warning note never\" -- \"$cur\") ); return ;;\n"
         "    --output|-o|--evidence|--tshark) COMPREPLY=( $(compgen -f -- \"$cur\") ); return ;;\n"
         "  esac\n"
         "  case \"${COMP_WORDS[1]}\" in\n", S7DIAG_VERSION, names->str);
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
    GString *opts = g_string_new(NULL);
    put_options(opts, &commands[i]);
    const char *what = commands[i].completion;
    printf("    %s)\n      if [[ \"$cur\" == -* ]]; then COMPREPLY=( $(compgen -W \"%s\" -- \"$cur\") ); return; fi\n",
           commands[i].name, opts->str);
    if (!strcmp(what, "file"))
      printf("      COMPREPLY=( $(compgen -f -- \"$cur\") ) ;;\n");
    else if (!strcmp(what, "json"))
      printf("      COMPREPLY=( $(compgen -f -X '!*.json' -- \"$cur\") $(compgen -d -- \"$cur\") ) ;;\n");
    else if (!strcmp(what, "code"))
      printf("      COMPREPLY=( $(compgen -W \"$(s7diag explain --list 2>/dev/null)\" -- \"$cur\") ) ;;\n");
    else if (!strcmp(what, "command"))
      printf("      COMPREPLY=( $(compgen -W \"--all %s\" -- \"$cur\") ) ;;\n", names->str);
    else
      printf("      COMPREPLY=() ;;\n");
    g_string_free(opts, TRUE);
  }
  printf("  esac\n}\ncomplete -o filenames -F _s7diag s7diag\n");
  g_string_free(names, TRUE);
  return EXIT_CLEAN;
}

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
  s7_temp_cleanup_install();  /* temporary files go on every exit, signals included */
  if (argc < 2)
    s7_die_usage("no command given");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    print_usage(stdout);
    return EXIT_CLEAN;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
    return cmd_version(0, NULL);
  const S7Command *c = s7_command(cmd);
  if (!c)
    s7_die_usage("unknown command '%s'", cmd);
  return c->run(argc - 1, argv + 1);
}
