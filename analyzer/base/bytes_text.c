/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bytes_text.c — bytes as text, invalid UTF-8 escaped (see bytes_text.h). */
#include "bytes_text.h"

#include <string.h>

gboolean s7_bytes_need_escape(const char *bytes)
{
  return bytes && !g_utf8_validate(bytes, -1, NULL);
}

json_t *s7_json_bytes(const char *bytes)
{
  if (!s7_bytes_need_escape(bytes))
    return json_string(bytes);
  g_autofree char *t = s7_bytes_text(bytes);
  return json_string(t);
}

char *s7_bytes_text(const char *bytes)
{
  if (!bytes)
    return NULL;
  GString *out = g_string_sized_new(strlen(bytes));
  const char *p = bytes;
  while (*p) {
    const char *end;
    if (g_utf8_validate(p, -1, &end)) {
      g_string_append(out, p);
      break;
    }
    g_string_append_len(out, p, end - p);   /* the valid part, then the byte that is not */
    g_string_append_printf(out, "\\x%02X", (guint8)*end);
    p = end + 1;
  }
  return g_string_free(out, FALSE);
}
