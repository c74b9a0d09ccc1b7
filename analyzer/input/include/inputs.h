/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.h — command-line inputs -> the captures to analyze: files as given, directories
 * searched recursively for captures (.pcap, .pcapng, .cap, each also .gz, .zst, .lz4), and
 * "-" for one capture on stdin.
 *
 * What is not a regular file (stdin, a FIFO, a device) is read exactly once, into a spool: a
 * temporary file (removed on every exit, signals included: outfile.h) that everything after
 * reads. Its first megabyte must look like a capture (a capture format's magic, or a file
 * libwiretap can open), so a stream without end that is no capture (/dev/zero) is refused at
 * once; and it may hold at most S7DIAG_SPOOL_LIMIT bytes (default 8 GiB). */
#ifndef S7DIAG_INPUTS_H
#define S7DIAG_INPUTS_H

#include <glib.h>

typedef struct {
  char *name;       /* as reported: the path as given or found, "-" for stdin */
  char *path;       /* what is read: the path, or the spool */
  gboolean temporary;
  char *error;      /* it could not be read (a stream that is no capture, too long, empty) */
} S7Input;

/* The captures, or NULL with *error (e.g. "-" given twice, a directory without captures). A
 * missing file is left for the analysis to report; a stream that cannot be spooled is an
 * input with its error. */
GPtrArray *s7_inputs_expand(char **args, guint n, char **error);
/* One input (for diff and events): a file as it is, anything else spooled */
S7Input *s7_input_open(const char *arg);
void s7_input_free(S7Input *in);   /* removes a spool */


#define S7_SPOOL_LIMIT_DEFAULT (G_GUINT64_CONSTANT(8) << 30)

#endif
