/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_completion.c — `s7diag completion bash`: the bash completion, made from the command table. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static int cmd_completion(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "bash") != 0)
    s7_die_usage("completion: only 'bash' is supported");
  guint n;
  const S7Command *const *commands = s7_commands(&n);
  GString *names = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(names, "%s%s", i ? " " : "", commands[i]->name);
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
  for (guint i = 0; i < n; i++) {
    GString *opts = g_string_new(NULL);
    s7_command_long_options(commands[i], opts);
    const char *what = commands[i]->completion;
    printf("    %s)\n      if [[ \"$cur\" == -* ]]; then COMPREPLY=( $(compgen -W \"%s\" -- \"$cur\") ); return; fi\n",
           commands[i]->name, opts->str);
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

const S7Command s7_cmd_completion_entry = {
  "completion", "bash", "print the bash completion script",
  "Prints a bash completion script made from the command table: "
  "eval \"$(s7diag completion bash)\" or install it as /usr/share/bash-completion/completions/s7diag.",
  NULL, cmd_completion, "", FALSE, FALSE
};
