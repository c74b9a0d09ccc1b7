/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_tables.h — inside libs7cli: the option tables of the report-writing commands
 * (cli_options.c), which a command's option context adds (cli_command.c). */
#ifndef S7DIAG_CLI_TABLES_H
#define S7DIAG_CLI_TABLES_H

#include <glib.h>

/* --format, --output, --fail-on */
const GOptionEntry *s7_cli_report_entries(void);
/* --redact, --redact-key */
const GOptionEntry *s7_cli_redact_entries(void);

#endif
