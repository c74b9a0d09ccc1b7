/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_help.c — `s7diag help [COMMAND|--all]`. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

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
  s7_print_usage(stdout);
  if (argc > 1) {
    guint n;
    const S7Command *const *commands = s7_commands(&n);
    for (guint i = 0; i < n; i++) {
      if (!commands[i]->options && !commands[i]->reports)
        continue;
      g_autoptr(GOptionContext) ctx = s7_command_context(commands[i]);
      g_autofree char *h = g_option_context_get_help(ctx, TRUE, NULL);
      printf("\n%s", h);
    }
  }
  return EXIT_CLEAN;
}

const S7Command s7_cmd_help_entry = {
  "help", "[COMMAND|--all]", "show help", "Shows help for s7diag or a command.", NULL, cmd_help, "command", FALSE, FALSE
};
