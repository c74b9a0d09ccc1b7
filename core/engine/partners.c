/* SPDX-License-Identifier: GPL-2.0-or-later */
/* partners.c — the allowed-partners list (see partners.h). */
#include "partners.h"

#include <arpa/inet.h>
#include <string.h>

G_DEFINE_QUARK(s7diag-partners-error-quark, s7_partners_error)

/* An address prefix: family (0 = any host), 16 bytes of address, prefix length in bits */
typedef struct {
  int family;
  guint8 addr[16];
  guint bits;
} Prefix;

typedef struct {
  Prefix client, plc;
  S7Access access;
  guint line;
} Rule;

struct S7Partners {
  GArray *rules;   /* Rule */
};

static gboolean parse_prefix(const char *text, Prefix *p)
{
  memset(p, 0, sizeof *p);
  if (!strcmp(text, "*") || !g_ascii_strcasecmp(text, "any"))
    return TRUE;
  g_autofree char *host = g_strdup(text);
  char *slash = strchr(host, '/');
  gint64 bits = -1;
  if (slash) {
    *slash++ = '\0';
    char *end = NULL;
    bits = g_ascii_strtoll(slash, &end, 10);
    if (!*slash || *end || bits < 0)
      return FALSE;
  }
  if (inet_pton(AF_INET, host, p->addr) == 1) {
    p->family = AF_INET;
    if (bits > 32)
      return FALSE;
    p->bits = bits < 0 ? 32 : (guint)bits;
  } else if (inet_pton(AF_INET6, host, p->addr) == 1) {
    p->family = AF_INET6;
    if (bits > 128)
      return FALSE;
    p->bits = bits < 0 ? 128 : (guint)bits;
  } else {
    return FALSE;
  }
  return TRUE;
}

static gboolean prefix_matches(const Prefix *p, const char *ip)
{
  if (!p->family)
    return TRUE;
  guint8 a[16];
  if (inet_pton(p->family, ip, a) != 1)
    return FALSE;
  guint full = p->bits / 8, rest = p->bits % 8;
  if (memcmp(a, p->addr, full) != 0)
    return FALSE;
  if (rest) {
    guint8 mask = (guint8)(0xff << (8 - rest));
    if ((a[full] & mask) != (p->addr[full] & mask))
      return FALSE;
  }
  return TRUE;
}

static gboolean parse_access(const char *t, S7Access *a)
{
  if (!g_ascii_strcasecmp(t, "read-only") || !g_ascii_strcasecmp(t, "ro") || !g_ascii_strcasecmp(t, "read"))
    *a = S7_ACCESS_READ_ONLY;
  else if (!g_ascii_strcasecmp(t, "read-write") || !g_ascii_strcasecmp(t, "rw") || !g_ascii_strcasecmp(t, "write"))
    *a = S7_ACCESS_READ_WRITE;
  else if (!g_ascii_strcasecmp(t, "full") || !g_ascii_strcasecmp(t, "any"))
    *a = S7_ACCESS_FULL;
  else
    return FALSE;
  return TRUE;
}

S7Partners *s7_partners_parse(const char *text, const char *name, GError **error)
{
  S7Partners *p = g_new0(S7Partners, 1);
  p->rules = g_array_new(FALSE, FALSE, sizeof(Rule));
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *hash = strchr(lines[i], '#');
    if (hash)
      *hash = '\0';
    g_auto(GStrv) tok = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
    GPtrArray *words = g_ptr_array_new();
    for (guint k = 0; tok[k]; k++)
      if (*tok[k])
        g_ptr_array_add(words, tok[k]);
    if (words->len == 0) {
      g_ptr_array_unref(words);
      continue;
    }
    Rule r = { .access = S7_ACCESS_FULL, .line = i + 1 };
    const char *why = NULL;
    if (words->len < 2 || words->len > 3)
      why = "want: CLIENT PLC [read-only|read-write|full]";
    else if (!parse_prefix(g_ptr_array_index(words, 0), &r.client))
      why = "the client is not an address, a CIDR prefix or *";
    else if (!parse_prefix(g_ptr_array_index(words, 1), &r.plc))
      why = "the PLC is not an address, a CIDR prefix or *";
    else if (words->len == 3 && !parse_access(g_ptr_array_index(words, 2), &r.access))
      why = "the access is not read-only, read-write or full";
    g_ptr_array_unref(words);
    if (why) {
      g_set_error(error, S7_PARTNERS_ERROR, 1, "%s:%u: %s", name, i + 1, why);
      s7_partners_free(p);
      return NULL;
    }
    g_array_append_val(p->rules, r);
  }
  return p;
}

S7Partners *s7_partners_load(const char *file, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(file, &text, NULL, error))
    return NULL;
  return s7_partners_parse(text, file, error);
}

void s7_partners_free(S7Partners *p)
{
  if (!p)
    return;
  g_array_unref(p->rules);
  g_free(p);
}

guint s7_partners_count(const S7Partners *p)
{
  return p ? p->rules->len : 0;
}

S7Access s7_partners_access(const S7Partners *p, const char *client_ip, const char *plc_ip, guint *line)
{
  S7Access best = S7_ACCESS_NONE;
  guint best_line = 0;
  for (guint i = 0; p && i < p->rules->len; i++) {
    const Rule *r = &g_array_index(p->rules, Rule, i);
    if (r->access > best && prefix_matches(&r->client, client_ip) && prefix_matches(&r->plc, plc_ip)) {
      best = r->access;
      best_line = r->line;
    }
  }
  if (line)
    *line = best_line;
  return best;
}

const char *s7_access_name(S7Access a)
{
  switch (a) {
  case S7_ACCESS_READ_ONLY: return "read-only";
  case S7_ACCESS_READ_WRITE: return "read-write";
  case S7_ACCESS_FULL: return "full";
  default: return "none";
  }
}
