/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_usage.c — how a command says its usage was wrong: one line and exit 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

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

gboolean s7_seconds_ok(double s, gboolean zero_ok)
{
  return isfinite(s) && (s > 0 || (zero_ok && s == 0));
}
