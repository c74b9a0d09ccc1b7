/* SPDX-License-Identifier: GPL-2.0-or-later */
/* code_lookup.h — a code as people type it or as findings carry it ("0x8104", "8104",
 * "0x05", "DR 0x81", "ER 0x02", "-12", "ICMP 3/13", "ICMPv6 1/1", "TCP RST") -> what it means and which
 * fault kind it stands for. Used by `s7diag explain` and the reports' legend of codes. */
#ifndef S7DIAG_CODE_LOOKUP_H
#define S7DIAG_CODE_LOOKUP_H

#include <glib.h>

#include "s7_codes.h"

G_BEGIN_DECLS

typedef enum {
  S7_CODE_S7_ERROR,      /* header error class<<8|code or parameter error (4 hex digits) */
  S7_CODE_ITEM,          /* item return code (2 hex digits) */
  S7_CODE_COTP_DR,       /* COTP disconnect reason */
  S7_CODE_COTP_ER,       /* COTP error TPDU reject cause */
  S7_CODE_S7PLUS,        /* S7comm-plus return value (negative) */
  S7_CODE_TRANSPORT,     /* TCP RST, ICMP type/code */
  S7_CODE_S7PLUS_GENERIC, /* S7comm-plus generic error code, by name ("TooManySessions") */
} S7CodeCategory;

typedef struct {
  S7CodeCategory category;
  gint64 value;
  char canonical[32];    /* "0x8104", "0x05", "DR 0x81", "-12", "ICMP 3/13", "TooManySessions" */
  const char *category_name;
  const char *meaning;   /* NULL when the value is unknown */
  gboolean has_kind;
  S7Kind kind;
  gboolean harmless;     /* a probe answer (e.g. 0xD402) */
  const char *action;    /* what to do, where the code alone tells (NULL: see the kind) */
} S7CodeInfo;

/* Parses text; FALSE when it is not a code. Two hex digits read as an item return code
 * (S7_CODE_ITEM); a COTP cause needs the "DR"/"ER" prefix. */
gboolean s7_code_lookup(const char *text, S7CodeInfo *out);

G_END_DECLS

#endif
