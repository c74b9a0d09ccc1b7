/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapng_ring.h — a pcapng stream (dumpcap's) written to a ring of files, as dumpcap's own
 * ring buffer (-b filesize:KB -b files:N) names and keeps them, for `watch` runs that last:
 * PREFIX_NNNNN_YYYYmmddHHMMSS.EXT, a new file once the current one holds at least the size
 * (at a packet, never inside one), the oldest deleted past the number of files. Each file
 * starts with the stream's section header and interface descriptions, so each is a capture
 * of its own; joined they are one capture of what the ring still holds (watch writes that to
 * the -w file at the end). */
#ifndef S7DIAG_PCAPNG_RING_H
#define S7DIAG_PCAPNG_RING_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct S7Ring S7Ring;

/* path: the name the files are made from (its extension goes last); file_kb: the size at
 * which a new file begins, in kB of 1000 bytes as dumpcap's (> 0); max_files: how many are
 * kept (0: all) */
S7Ring *s7_ring_new(const char *path, guint64 file_kb, guint max_files);
void s7_ring_free(S7Ring *r);
/* The stream's next bytes, in pieces of any size; FALSE with *error when it is not pcapng or
 * a file cannot be written (what was written stays) */
gboolean s7_ring_write(S7Ring *r, const guint8 *data, gsize n, char **error);
/* The files the ring holds, oldest first (const char*) */
const GPtrArray *s7_ring_files(const S7Ring *r);
guint s7_ring_files_made(const S7Ring *r);
/* One capture of what the ring holds: the oldest kept file, then the others' blocks after
 * their header blocks; FALSE when nothing was kept */
gboolean s7_ring_join(S7Ring *r, const char *out, char **error);

/* "filesize:KB" or "files:N" (dumpcap's -b), into *file_kb / *max_files; FALSE: not one */
gboolean s7_ring_option(const char *text, guint64 *file_kb, guint *max_files);

G_END_DECLS

#endif
