/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bytes_text.h — names that are bytes (file names on Linux need not be UTF-8) as text: valid
 * UTF-8 stays as it is, every other byte is written \xNN. For messages, reports, and JSON
 * (which must be UTF-8: jansson refuses anything else). */
#ifndef S7DIAG_BYTES_TEXT_H
#define S7DIAG_BYTES_TEXT_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

/* Newly allocated; NULL for NULL */
char *s7_bytes_text(const char *bytes);
/* TRUE when s7_bytes_text changes it (it is not valid UTF-8) */
gboolean s7_bytes_need_escape(const char *bytes);
/* A JSON string of it (escaped when it is not UTF-8); NULL for NULL */
json_t *s7_json_bytes(const char *bytes);

G_END_DECLS

#endif
