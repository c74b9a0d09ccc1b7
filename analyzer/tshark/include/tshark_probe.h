/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_probe.h — what the tshark at hand is: its version and how its dissectors decode the
 * fields the engine reads (an S7FieldProfile), learned from `tshark --version` and
 * `tshark -G fields` once per tshark binary and kept in the user's cache directory. */
#ifndef S7DIAG_TSHARK_PROBE_H
#define S7DIAG_TSHARK_PROBE_H

#include <glib.h>

#include "s7_fields.h"

G_BEGIN_DECLS

typedef struct {
  char *path;                    /* as found on PATH or given */
  char *version;                 /* "4.4.19" */
  S7FieldProfile profile;
  S7Field columns[S7F_COUNT];    /* the fields asked for, in row order (those it has) */
  guint n_columns;
} S7Tshark;

/* Finds tshark (a path or a name on PATH) and learns it. FALSE with a one-line error when it
 * is missing, cannot be run, or lacks a field the engine needs (naming field and version). */
gboolean s7_tshark_probe(const char *tshark, S7Tshark *out, GError **error);
void s7_tshark_clear(S7Tshark *t);

/* "4.4.19" from `tshark --version` output ("TShark (Wireshark) 4.4.19." or "… 4.0.17 (Git …)");
 * NULL when there is none */
char *s7_tshark_parse_version(const char *version_output);

G_END_DECLS

#endif
