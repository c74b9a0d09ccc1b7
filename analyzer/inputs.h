/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.h — command-line inputs -> the captures to analyze: files as given, directories
 * searched recursively for captures (.pcap, .pcapng, .cap, each also .gz), and "-" for one
 * capture on stdin (spooled to a temporary file, reported as "-"). */
#ifndef S7DIAG_INPUTS_H
#define S7DIAG_INPUTS_H

#include <glib.h>

typedef struct {
  char *name;       /* as reported: the path as given or found, "-" for stdin */
  char *path;       /* what tshark reads */
  gboolean temporary;
} S7Input;

/* The captures, or NULL with *error (e.g. "-" given twice, stdin unreadable). A directory
 * without captures is an error naming it; a missing file is left for the analysis to report. */
GPtrArray *s7_inputs_expand(char **args, guint n, char **error);
void s7_input_free(S7Input *in);   /* removes a temporary file */

gboolean s7_is_capture_name(const char *name);

#endif
