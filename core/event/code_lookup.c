/* SPDX-License-Identifier: GPL-2.0-or-later */
/* code_lookup.c — codes as text -> meaning and fault kind (see code_lookup.h). */
#include "code_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s7_event.h"

static gboolean parse_hex(const char *s, guint64 max, guint64 *out, guint *digits)
{
  if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X"))
    s += 2;
  if (!*s)
    return FALSE;
  char *end;
  guint64 v = g_ascii_strtoull(s, &end, 16);
  if (*end || v > max)
    return FALSE;
  *out = v;
  *digits = (guint)(end - s);
  return TRUE;
}

static void set_kind(S7CodeInfo *o, S7Kind kind)
{
  o->has_kind = TRUE;
  o->kind = kind;
}

/* What an ICMP or ICMPv6 type and code mean (code -1: any other code of the type) */
typedef struct {
  guint8 type;
  gint16 code;
  const char *meaning;
} IcmpMeaning;

static const IcmpMeaning icmp_meanings[] = {
  { 3, 13, "destination unreachable: communication administratively prohibited (a firewall rejects it)" },
  { 3, 3, "destination unreachable: port unreachable" },
  { 3, 1, "destination unreachable: host unreachable" },
  { 3, -1, "destination unreachable" },
};
static const IcmpMeaning icmpv6_meanings[] = {
  { 1, 1, "destination unreachable: communication with destination administratively prohibited (a firewall rejects it)" },
  { 1, 4, "destination unreachable: port unreachable" },
  { 1, 3, "destination unreachable: address unreachable" },
  { 1, 0, "destination unreachable: no route to destination" },
  { 1, 5, "destination unreachable: source address failed ingress/egress policy" },
  { 1, 6, "destination unreachable: reject route to destination" },
  { 1, -1, "destination unreachable" },
};

/* "ICMP T/C" or "ICMPv6 T/C" */
static gboolean icmp_lookup(const char *t, S7CodeInfo *o)
{
  gboolean v6 = !g_ascii_strncasecmp(t, "ICMPv6", 6);
  const char *name = v6 ? "ICMPv6" : "ICMP";
  const IcmpMeaning *m = v6 ? icmpv6_meanings : icmp_meanings;
  gsize n = v6 ? G_N_ELEMENTS(icmpv6_meanings) : G_N_ELEMENTS(icmp_meanings);
  unsigned type, code;
  if (sscanf(t + strlen(name), " %u/%u", &type, &code) != 2 || type > 255 || code > 255)
    return FALSE;
  o->category = S7_CODE_TRANSPORT;
  o->category_name = name;
  g_snprintf(o->canonical, sizeof o->canonical, "%s %u/%u", name, type, code);
  o->meaning = NULL;
  for (gsize i = 0; i < n && !o->meaning; i++)
    if (m[i].type == type && (m[i].code < 0 || (unsigned)m[i].code == code))
      o->meaning = m[i].meaning;
  set_kind(o, S7K_PORT_UNREACHABLE);
  o->value = type << 8 | code;
  return TRUE;
}

gboolean s7_code_lookup(const char *text, S7CodeInfo *o)
{
  memset(o, 0, sizeof *o);
  g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
  guint64 v;
  guint digits;
  if (!g_ascii_strncasecmp(t, "DR", 2) || !g_ascii_strncasecmp(t, "ER", 2)) {
    gboolean dr = g_ascii_toupper(t[0]) == 'D';
    const char *num = t + 2;
    while (*num == ' ' || *num == ':')
      num++;
    if (!parse_hex(num, 0xff, &v, &digits))
      return FALSE;
    o->category = dr ? S7_CODE_COTP_DR : S7_CODE_COTP_ER;
    o->category_name = dr ? "COTP disconnect request (DR) reason" : "COTP error TPDU (ER) reject cause";
    o->meaning = dr ? s7_cotp_dr_cause_text((guint8)v) : s7_cotp_er_cause_text((guint8)v);
    g_snprintf(o->canonical, sizeof o->canonical, "%s 0x%02X", dr ? "DR" : "ER", (guint)v);
    set_kind(o, dr ? S7K_CONNECT_REFUSED : S7K_PLC_ERROR);
    o->value = (gint64)v;
    return TRUE;
  }
  if (!g_ascii_strcasecmp(t, "TCP RST") || !g_ascii_strcasecmp(t, "RST")) {
    o->category = S7_CODE_TRANSPORT;
    o->category_name = "TCP";
    g_strlcpy(o->canonical, "TCP RST", sizeof o->canonical);
    o->meaning = "TCP reset: the peer refuses or aborts the connection";
    set_kind(o, S7K_CONNECT_REFUSED);
    return TRUE;
  }
  if (!g_ascii_strncasecmp(t, "ICMP", 4))
    return icmp_lookup(t, o);
  const S7PlusGeneric *g = s7_s7plus_generic_by_name(t);
  if (g) {
    o->category = S7_CODE_S7PLUS_GENERIC;
    o->category_name = "S7comm-plus generic error code (bits 40-46 of the return value)";
    o->value = g->code;
    g_snprintf(o->canonical, sizeof o->canonical, "%s", g->name);
    o->meaning = g->meaning ? g->meaning : g->name;
    o->action = g->action;
    set_kind(o, S7K_S7PLUS_ERROR);
    return TRUE;
  }
  if (t[0] == '-') {
    char *end;
    gint64 n = g_ascii_strtoll(t, &end, 10);
    if (*end || n < G_MININT16)
      return FALSE;
    o->category = S7_CODE_S7PLUS;
    o->category_name = "S7comm-plus return value";
    o->value = n;
    g_snprintf(o->canonical, sizeof o->canonical, "%" G_GINT64_FORMAT, n);
    o->meaning = s7_s7plus_error_text((gint16)n);
    set_kind(o, S7K_S7PLUS_ERROR);
    return TRUE;
  }
  if (!parse_hex(t, 0xffff, &v, &digits))
    return FALSE;
  o->value = (gint64)v;
  if (digits <= 2) {
    o->category = S7_CODE_ITEM;
    o->category_name = "item return code (Read/Write Var data item)";
    g_snprintf(o->canonical, sizeof o->canonical, "0x%02X", (guint)v);
    o->meaning = s7_item_return_text((guint8)v);
    S7Kind k;
    if (s7_kind_for_item_return((guint8)v, &k))
      set_kind(o, k);
    return TRUE;
  }
  o->category = S7_CODE_S7_ERROR;
  o->category_name = "S7 error code (header error class/code or parameter error)";
  g_snprintf(o->canonical, sizeof o->canonical, "0x%04X", (guint)v);
  o->meaning = s7_error_text((guint16)v);
  set_kind(o, s7_kind_for_error((guint16)v, S7_FUNC_READ_VAR, &o->harmless));
  return TRUE;
}
