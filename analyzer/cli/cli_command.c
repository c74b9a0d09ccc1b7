/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_command.c — the command table as main.c hands it over: lookup, a command's option
 * context and parsing, the usage text. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_tables.h"

static const S7Command *const *commands;
static guint n_commands;

void s7_commands_set(const S7Command *const *table, guint n)
{
  commands = table;
  n_commands = n;
}

const S7Command *const *s7_commands(guint *n)
{
  *n = n_commands;
  return commands;
}

const S7Command *s7_command(const char *name)
{
  for (guint i = 0; i < n_commands; i++)
    if (!strcmp(commands[i]->name, name))
      return commands[i];
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
    g_option_context_add_main_entries(ctx, s7_cli_report_entries(), NULL);
  if (cmd->options)
    g_option_context_add_main_entries(ctx, cmd->options(), NULL);
  if (cmd->redacts)
    g_option_context_add_main_entries(ctx, s7_cli_redact_entries(), NULL);
  return ctx;
}

/* Does short option c of the command take a value? */
static gboolean short_takes_value(const S7Command *cmd, char c)
{
  const GOptionEntry *tables[3] = { cmd->reports ? s7_cli_report_entries() : NULL, cmd->options ? cmd->options() : NULL,
                                    cmd->redacts ? s7_cli_redact_entries() : NULL };
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

void s7_print_usage(FILE *out)
{
  fputs("Usage: s7diag COMMAND [OPTION...]\n\n"
        "Finds and explains the faults that break Siemens S7 communication (ISO-on-TCP, port 102:\n"
        "PUT/GET refused, optimized or missing DBs, refused connections, firewalls ...) in packet\n"
        "captures, using the stock tshark, and writes reports for support tickets.\n\nCommands:\n", out);
  for (guint i = 0; i < n_commands; i++) {
    g_autofree char *lhs = g_strdup_printf("%s %s", commands[i]->name, commands[i]->args);
    fprintf(out, "  %-28s %s\n", lhs, commands[i]->summary);
  }
  fputs("\nRun 's7diag COMMAND --help' for a command's options.\n\n"
        "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.\n", out);
}

/* Long options of a command, for completion */
void s7_command_long_options(const S7Command *c, GString *s)
{
  g_string_append(s, "--help");
  for (const GOptionEntry *e = s7_cli_report_entries(); c->reports && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
  for (const GOptionEntry *e = c->options ? c->options() : NULL; e && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
  for (const GOptionEntry *e = s7_cli_redact_entries(); c->redacts && e->long_name; e++)
    g_string_append_printf(s, " --%s", e->long_name);
}
