/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h — what the s7diag commands share: exit codes, usage errors, the command table
 * (from which --help, the man page and the bash completion are all made). */
#ifndef S7DIAG_CLI_H
#define S7DIAG_CLI_H

#include <glib.h>

#ifndef S7DIAG_VERSION
#define S7DIAG_VERSION "0.0.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* "s7diag: MESSAGE" + a hint on stderr, exit 2 */
void s7_die_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

typedef struct {
  const char *name;
  const char *args;          /* "CAPTURE…" */
  const char *summary;       /* one line */
  const char *description;   /* paragraph for --help and the man page */
  const GOptionEntry *(*options)(void);   /* NULL-terminated; NULL for none */
  int (*run)(int argc, char **argv);
  const char *completion;    /* bash: what the operands are: "file", "code", "json" */
} S7Command;

const S7Command *s7_commands(guint *n);
const S7Command *s7_command(const char *name);   /* NULL when there is none */

/* A GOptionContext for a command, with its summary and description. */
GOptionContext *s7_command_context(const S7Command *cmd);

/* --fail-on LEVEL -> 0 note, 1 warning, 2 error, 99 never (usage error otherwise) */
int s7_fail_threshold(const char *fail_on);
/* 2 when a capture could not be analyzed, 1 on findings at or above threshold, else 0 */
struct json_t;
int s7_exit_status(const struct json_t *report, int threshold);

/* The commands */
const GOptionEntry *s7_analyze_options(void);
int s7_cmd_analyze(int argc, char **argv);
int s7_cmd_merge(int argc, char **argv);
const GOptionEntry *s7_merge_options(void);
int s7_cmd_explain(int argc, char **argv);
const GOptionEntry *s7_events_options(void);
int s7_cmd_events(int argc, char **argv);

#endif
