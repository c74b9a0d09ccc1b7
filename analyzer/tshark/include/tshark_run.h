/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_run.h — run the stock tshark on a capture and stream its field rows, typed. */
#ifndef S7DIAG_TSHARK_RUN_H
#define S7DIAG_TSHARK_RUN_H

#include <glib.h>

#include "field_row.h"
#include "tshark_probe.h"

G_BEGIN_DECLS

typedef struct {
  const S7Tshark *tshark;    /* the probed tshark: path, version, the fields it has */
  const guint16 *ports;      /* S7 ports; ports other than 102 are decoded as TPKT */
  guint n_ports;
  gboolean line_buffered;    /* a live stream: each row as soon as its packet is read (-l) */
  gulong gather_us;          /* after a short read, let rows gather this long (fewer wakeups) */
} S7TsharkOptions;

/* One frame's fields; the row is reused for the next frame */
typedef void (*S7RowFunc)(const S7FieldRow *row, gpointer user_data);

typedef struct {
  gboolean truncated;        /* tshark read what it could, the file ends mid-packet */
  char *warning;             /* tshark's message for a truncated/damaged file */
} S7TsharkResult;

/* Runs tshark on file, calls row_fn for each output row (streamed, never buffered whole);
 * lines that are no rows are counted in stats as malformed.
 * file "-" with stdin_fd >= 0: tshark reads the capture from that descriptor (taken over).
 * Returns FALSE with error set when tshark cannot be run or cannot read the file at all. */
gboolean s7_tshark_run(const S7TsharkOptions *opt, const char *file, int stdin_fd, S7RowFunc row_fn,
                       gpointer user_data, S7RowStats *stats, S7TsharkResult *result, GError **error);

G_END_DECLS

#endif
