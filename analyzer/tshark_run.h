/* tshark_run.h — run the stock tshark on a capture and stream its field rows. */
#ifndef S7DIAG_TSHARK_RUN_H
#define S7DIAG_TSHARK_RUN_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *tshark;        /* path or name on PATH */
  const guint16 *ports;      /* S7 ports; ports other than 102 are decoded as TPKT */
  guint n_ports;
} S7TsharkOptions;

typedef void (*S7RowFunc)(char *row, gpointer user_data);

typedef struct {
  gboolean truncated;        /* tshark read what it could, the file ends mid-packet */
  char *warning;             /* tshark's message for a truncated/damaged file */
} S7TsharkResult;

/* Runs tshark on file, calls row_fn for each output row (streamed, never buffered whole).
 * file "-" with stdin_fd >= 0: tshark reads the capture from that descriptor (taken over).
 * Returns FALSE with error set when tshark is missing or cannot read the file at all. */
gboolean s7_tshark_run(const S7TsharkOptions *opt, const char *file, int stdin_fd, S7RowFunc row_fn,
                       gpointer user_data, S7TsharkResult *result, GError **error);

/* "4.0.17", or NULL when tshark cannot be run. */
char *s7_tshark_version(const char *tshark);

G_END_DECLS

#endif
