/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_row.h — one line of `tshark -T fields` (the columns of S7Tshark, tab-separated, several
 * occurrences joined by ',') -> the typed field row the engine's events are made from. */
#ifndef S7DIAG_TSHARK_ROW_H
#define S7DIAG_TSHARK_ROW_H

#include <glib.h>

#include "field_row.h"

G_BEGIN_DECLS

/* Parses line (without its newline; modified in place) whose columns are the fields
 * columns[0..n_columns). FALSE when it is not such a row (too few columns, no frame number). */
gboolean s7_tshark_row_parse(char *line, const S7Field *columns, guint n_columns, S7FieldRow *row);

G_END_DECLS

#endif
