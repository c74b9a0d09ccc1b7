/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outfile.h — the files a run writes, made safe for the files it reads:
 *  - no output is one of the inputs (the same file after following links: device and inode),
 *    and a report never replaces a capture file: the command refuses before it writes anything;
 *  - an output is written whole or not at all: into a temporary file in the same folder,
 *    renamed into place when complete;
 *  - temporary files (those, stdin's spool) are removed on every exit path: at exit, and on
 *    SIGINT, SIGTERM, SIGHUP, SIGQUIT. */
#ifndef S7DIAG_OUTFILE_H
#define S7DIAG_OUTFILE_H

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* A file the run reads (a capture, a report, a partner list, a key file); a path that does not
 * exist (yet) is ignored */
void s7_input_file_note(const char *path);

typedef enum {
  S7_OUT_REPORT,     /* a report: never replaces a capture file */
  S7_OUT_CAPTURE,    /* a capture (evidence, -w): replaces only a capture the user named */
} S7OutputKind;

/* May the run write path (given with option: "-o", "-e", "-w"; or a name made in a directory
 * the option gave)? FALSE with *why, one line naming the option and the file, when it is one of
 * the inputs, or a report would replace a capture file. A capture output may replace a capture
 * that is not an input: the user named it, or the directory it is made in, as an output. */
gboolean s7_output_allowed(const char *option, const char *path, S7OutputKind kind, char **why);

/* Does the file start like a capture (pcap, pcapng; gzip, zstd or lz4 with a capture's name)? */
gboolean s7_file_is_capture(const char *path);

/* Temporary files: removed at exit and on the signals above unless forgotten first */
void s7_temp_register(const char *path);
void s7_temp_forget(const char *path);
/* Installs the exit and signal clean-up (once, in main) */
void s7_temp_cleanup_install(void);

/* An output written whole or not at all */
typedef struct S7OutFile S7OutFile;
/* A temporary file beside path (links followed: the link stays, its target is replaced) */
S7OutFile *s7_outfile_open(const char *path, GError **error);
FILE *s7_outfile_stream(S7OutFile *f);
/* The temporary file's path, for a program that writes it itself (tshark -w): the stream is
 * closed first */
const char *s7_outfile_temp_path(S7OutFile *f);
/* Closes and renames it into place; FALSE with error (the temporary file removed) */
gboolean s7_outfile_commit(S7OutFile *f, GError **error);
/* Removes the temporary file */
void s7_outfile_abort(S7OutFile *f);
/* Writes path whole or not at all: fill writes the temporary file (FALSE with *error: it is
 * removed); FALSE with *error ("PATH: reason") when it cannot be opened or put in place */
typedef gboolean (*S7OutFill)(S7OutFile *out, gpointer data, char **error);
gboolean s7_outfile_write(const char *path, S7OutFill fill, gpointer data, char **error);

G_END_DECLS

/* Is NAME a capture file by its extension (.pcap, .pcapng, .cap; .gz, .zst, .lz4 too)? */
gboolean s7_is_capture_name(const char *name);

#endif
