/* SPDX-License-Identifier: GPL-2.0-or-later */
/* commands.h — the s7diag commands (libs7commands): each cmd_X.c owns its table entry (name,
 * operands, summary, description, options, run, completion, what it takes), as tmux's cmd-*.c
 * own their cmd_entry; main.c holds the table. A new command is a new cmd_X.c, its line here
 * and its line in main.c's table. */
#ifndef S7DIAG_COMMANDS_H
#define S7DIAG_COMMANDS_H

#include "cli.h"

extern const S7Command s7_cmd_analyze_entry;
extern const S7Command s7_cmd_merge_entry;
extern const S7Command s7_cmd_explain_entry;
extern const S7Command s7_cmd_watch_entry;
extern const S7Command s7_cmd_check_entry;
extern const S7Command s7_cmd_diff_entry;
extern const S7Command s7_cmd_events_entry;
extern const S7Command s7_cmd_version_entry;
extern const S7Command s7_cmd_help_entry;
extern const S7Command s7_cmd_completion_entry;

#endif
