/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h — what the s7diag commands share (libs7cli): exit codes, usage errors, the command
 * table's entry type and its lookup (--help, the man page and the bash completion are made from
 * the table), the option tables every report-writing command takes, and the end of a report. */
#ifndef S7DIAG_CLI_H
#define S7DIAG_CLI_H

#include <stdio.h>
#include <glib.h>

#include "engine.h"
#include "partners.h"
#include "tshark_probe.h"

#ifndef S7DIAG_VERSION
#define S7DIAG_VERSION "0.0.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* "s7diag: MESSAGE" + a hint on stderr, exit 2 */
void s7_die_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;
/* An output that may not be written (outfile.h): one line, exit 2 */
#include "outfile.h"
void s7_output_check(const char *option, const char *path, S7OutputKind kind);

typedef struct {
  const char *name;
  const char *args;          /* "CAPTURE…" */
  const char *summary;       /* one line */
  const char *description;   /* paragraph for --help and the man page */
  const GOptionEntry *(*options)(void);   /* NULL-terminated; NULL for none */
  int (*run)(int argc, char **argv);
  const char *completion;    /* bash: what the operands are: "file", "code", "json" */
  gboolean reports;          /* writes a report: takes --format, --output, --fail-on */
  gboolean redacts;          /* takes --redact and --redact-key */
} S7Command;

/* The command table: main.c hands it over before dispatching (each command file owns its entry,
 * main.c only holds the table); the lookups and help read it */
void s7_commands_set(const S7Command *const *table, guint n);
const S7Command *const *s7_commands(guint *n);
const S7Command *s7_command(const char *name);   /* NULL when there is none */
/* "Usage: s7diag COMMAND ..." with every command's line */
void s7_print_usage(FILE *out);
/* A command's long options, space-separated, --help first (for the completion) */
void s7_command_long_options(const S7Command *cmd, GString *out);

/* A GOptionContext for a command, with its summary and description. */
GOptionContext *s7_command_context(const S7Command *cmd);
/* Parses the command's options (a usage error on a bad one): short options with their value
 * attached too ("-j4"), "--" ends the options and is no operand */
void s7_command_parse(const S7Command *cmd, int *argc, char ***argv);

/* --format, --output and --fail-on (the commands whose table entry says reports): the format
 * (given, else by the output's extension, else text on a terminal, else json; json_default:
 * json unless given or by the extension), the output (NULL: stdout) and the threshold */
#include "report_output.h"
void s7_report_choice_from_cli(gboolean json_default, S7Format *format, const char **output, int *threshold);

#include <jansson.h>
/* --fail-on LEVEL -> 0 note, 1 warning, 2 error, 99 never (usage error otherwise) */
int s7_fail_threshold(const char *fail_on);
/* 2 when a capture could not be analyzed, 1 on findings at or above threshold, else 0 */
struct json_t;
int s7_exit_status(const struct json_t *report, int threshold);

/* A number of seconds from the command line: finite and positive (or 0 when zero_ok); NaN and
 * infinities are not */
gboolean s7_seconds_ok(double s, gboolean zero_ok);
/* --port values into the engine's S7 ports (usage error on a bad one) */
void s7_parse_ports(char **ports, S7EngineConfig *cfg);
/* The engine configuration from the options analyze and watch share (usage error on a bad
 * one); returns the partner list it loaded (the caller frees it), NULL for none */
S7Partners *s7_engine_config_from_options(char **ports, double no_response_timeout_s,
                                          double connect_timeout_s, const char *partners_file,
                                          S7EngineConfig *cfg);
/* --redact / --redact-key FILE (the commands whose table entry says redacts): the redactor,
 * NULL when neither was given (usage error on a key file that cannot be read) */
struct S7Redactor;
struct S7Redactor *s7_redactor_from_cli(void);
/* The end of every report-writing command: with a redactor, the report and the capture kept
 * beside it (capture: NULL for none; removed when it cannot be redacted) redacted; then the
 * report written as chosen. Returns rc, or EXIT_USAGE when something could not be written. */
int s7_report_finish(json_t *report, struct S7Redactor *redact, const char *capture, S7Format format,
                     const char *output, int threshold, int rc);
/* Probes the tshark to run (PATH, or "tshark" on PATH when NULL); says why not on stderr */
gboolean s7_probe_tshark_or_say(const char *path, S7Tshark *tshark);

#endif
