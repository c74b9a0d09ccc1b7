/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_version.c — `s7diag version` (and --version). */
#include <stdio.h>

#include "commands.h"

static int cmd_version(int argc, char **argv)
{
  (void)argc; (void)argv;
  printf("s7diag %s\n", S7DIAG_VERSION);
  return EXIT_CLEAN;
}

const S7Command s7_cmd_version_entry = {
  "version", "", "print the version", "Prints s7diag's version.", NULL, cmd_version, "", FALSE, FALSE
};
