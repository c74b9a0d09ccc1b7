/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redact.c — pseudonyms for addresses, names and paths in texts and reports (see redact.h;
 * the capture rewrite is redact_capture.c). */
#include "redact.h"

#include <arpa/inet.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

typedef S7Secret Secret;

struct S7Redactor {
  guint8 key[32];
  GHashTable *addresses;    /* "4"/"6"/"m" + raw bytes -> pseudonym bytes */
  GHashTable *secrets;      /* value -> Secret* */
  GPtrArray *ordered;       /* Secret*, longest value first (replaced in that order) */
  gboolean ordered_stale;
};

static void secret_free(gpointer p)
{
  Secret *s = p;
  g_free(s->value);
  g_free(s->pseudonym);
  g_free(s);
}

S7Redactor *s7_redactor_new(const char *key_file, char **error)
{
  S7Redactor *r = g_new0(S7Redactor, 1);
  if (key_file) {
    gchar *data = NULL;
    gsize len = 0;
    GError *e = NULL;
    if (!g_file_get_contents(key_file, &data, &len, &e)) {
      *error = g_strdup_printf("--redact-key: %s", e->message);
      g_error_free(e);
      g_free(r);
      return NULL;
    }
    if (len == 0) {
      *error = g_strdup_printf("--redact-key: %s is empty (put a secret of your own in it)", key_file);
      g_free(data);
      g_free(r);
      return NULL;
    }
    unsigned int n = 0;
    EVP_Digest(data, len, r->key, &n, EVP_sha256(), NULL);
    g_free(data);
  } else if (RAND_bytes(r->key, sizeof r->key) != 1) {
    *error = g_strdup("--redact: no random key (libcrypto)");
    g_free(r);
    return NULL;
  }
  r->addresses = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                       (GDestroyNotify)g_bytes_unref);
  r->secrets = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, secret_free);
  r->ordered = g_ptr_array_new();
  return r;
}

void s7_redactor_free(S7Redactor *r)
{
  if (!r)
    return;
  g_hash_table_unref(r->addresses);
  g_ptr_array_unref(r->ordered);
  g_hash_table_unref(r->secrets);
  memset(r->key, 0, sizeof r->key);
  g_free(r);
}

static void prf(const S7Redactor *r, const guint8 *data, gsize len, guint8 out[32])
{
  unsigned int n = 32;
  HMAC(EVP_sha256(), r->key, sizeof r->key, data, len, out, &n);
}

static void to_hex(const guint8 h[32], char hex[65])
{
  for (guint i = 0; i < 32; i++)
    g_snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* ------------------------------------------------------------------ addresses */

/* The prefix-preserving permutation of nbits bits: bit i flipped by the keyed hash of the
 * first i bits (and i, and the address family) */
static void permute(const S7Redactor *r, char family, const guint8 *in, guint8 *out, guint nbytes)
{
  guint8 buf[2 + 16];
  memset(out, 0, nbytes);
  for (guint i = 0; i < nbytes * 8; i++) {
    memset(buf, 0, sizeof buf);
    buf[0] = (guint8)family;
    buf[1] = (guint8)i;
    for (guint b = 0; b < i; b++)
      if (in[b / 8] & (0x80 >> (b % 8)))
        buf[2 + b / 8] |= (guint8)(0x80 >> (b % 8));
    guint8 h[32];
    prf(r, buf, 2 + nbytes, h);
    guint bit = ((in[i / 8] >> (7 - i % 8)) & 1) ^ (h[0] & 1);
    if (bit)
      out[i / 8] |= (guint8)(0x80 >> (i % 8));
  }
}

/* in and out may be the same bytes (a packet redacted in place) */
static void cached(S7Redactor *r, char family, const guint8 *in_bytes, guint8 *out, guint n)
{
  guint8 k[17];
  k[0] = (guint8)family;
  memcpy(k + 1, in_bytes, n);
  const guint8 *in = k + 1;
  GBytes *key = g_bytes_new(k, n + 1);
  GBytes *v = g_hash_table_lookup(r->addresses, key);
  if (v) {
    memcpy(out, g_bytes_get_data(v, NULL), n);
    g_bytes_unref(key);
    return;
  }
  if (family == 'm') {   /* the vendor prefix kept, the rest keyed */
    guint8 h[32];
    prf(r, k, n + 1, h);
    memcpy(out, in, 3);
    memcpy(out + 3, h, 3);
  } else {
    permute(r, family, in, out, n);
  }
  g_hash_table_insert(r->addresses, key, g_bytes_new(out, n));
}

void s7_redact_ipv4(S7Redactor *r, const guint8 in[4], guint8 out[4]) { cached(r, '4', in, out, 4); }
void s7_redact_ipv6(S7Redactor *r, const guint8 in[16], guint8 out[16]) { cached(r, '6', in, out, 16); }
void s7_redact_mac(S7Redactor *r, const guint8 in[6], guint8 out[6]) { cached(r, 'm', in, out, 6); }

/* ------------------------------------------------------------------ secrets */

static const char *const secret_prefix[] = { "NAME-", "STATION-", "MODULE-", "PLANT-", "SERIAL-", "capture-", "host-" };

/* ".pcapng", ".pcap.gz" …: what a file's name says it is, nothing of the name itself */
static const char *capture_extension(const char *path)
{
  static const char *const known[] = { ".pcapng.gz", ".pcap.gz", ".cap.gz", ".pcapng.zst", ".pcap.zst",
                                       ".pcapng.lz4", ".pcap.lz4", ".pcapng", ".pcap", ".cap", ".json" };
  for (guint i = 0; i < G_N_ELEMENTS(known); i++)
    if (g_str_has_suffix(path, known[i]))
      return known[i];
  return "";
}

void s7_redactor_add_secret(S7Redactor *r, S7SecretKind kind, const char *value)
{
  if (!value || strlen(value) < 3 || g_hash_table_contains(r->secrets, value))
    return;
  guint8 h[32];
  g_autofree char *tagged = g_strdup_printf("%d:%s", (int)kind, value);
  prf(r, (const guint8 *)tagged, strlen(tagged), h);
  char hex[65];
  to_hex(h, hex);
  Secret *s = g_new0(Secret, 1);
  s->value = g_strdup(value);
  gsize len = strlen(value);
  const char *prefix = secret_prefix[kind];
  if (kind == S7_SECRET_FILE) {
    s->pseudonym = g_strdup_printf("%s%.8s%s", prefix, hex, capture_extension(value));
  } else if (kind == S7_SECRET_HOST) {
    s->pseudonym = g_strdup_printf("%s%.8s", prefix, hex);
  } else {
    /* as long as the value: it also replaces the bytes of an SZL answer in a packet */
    GString *p = g_string_new(len >= strlen(prefix) + 4 ? prefix : "");
    for (guint i = 0; p->len < len; i = (i + 1) % 64)
      g_string_append_c(p, hex[i]);
    s->pseudonym = g_string_free(p, FALSE);
  }
  g_hash_table_insert(r->secrets, s->value, s);
  g_ptr_array_add(r->ordered, s);
  r->ordered_stale = TRUE;
}

const char *s7_redact_secret(S7Redactor *r, const char *value)
{
  const Secret *s = value ? g_hash_table_lookup(r->secrets, value) : NULL;
  return s ? s->pseudonym : NULL;
}

static gint longest_first(gconstpointer a, gconstpointer b)
{
  const Secret *x = *(Secret *const *)a, *y = *(Secret *const *)b;
  gsize lx = strlen(x->value), ly = strlen(y->value);
  return lx != ly ? (lx > ly ? -1 : 1) : strcmp(x->value, y->value);
}

const GPtrArray *s7_redactor_secrets(const S7Redactor *r)
{
  if (r->ordered_stale) {
    g_ptr_array_sort(r->ordered, longest_first);
    ((S7Redactor *)r)->ordered_stale = FALSE;
  }
  return r->ordered;
}

void s7_redactor_learn_report(S7Redactor *r, const json_t *report)
{
  static const struct { const char *key; S7SecretKind kind; } ident[] = {
    { "system_name", S7_SECRET_STATION }, { "module_name", S7_SECRET_MODULE }, { "plant", S7_SECRET_PLANT },
    { "serial", S7_SECRET_SERIAL } };
  size_t i, j;
  json_t *c, *p;
  json_array_foreach(json_object_get(report, "captures"), i, c) {
    const char *file = json_string_value(json_object_get(c, "file"));
    const json_t *check = json_object_get(c, "check");
    if (file && !check) {
      s7_redactor_add_secret(r, S7_SECRET_FILE, file);
      g_autofree char *base = g_path_get_basename(file);
      s7_redactor_add_secret(r, S7_SECRET_FILE, base);
    }
    if (check) {
      const char *host = json_string_value(json_object_get(check, "host"));
      guint8 a[16];
      if (host && inet_pton(AF_INET, host, a) != 1 && inet_pton(AF_INET6, host, a) != 1)
        s7_redactor_add_secret(r, S7_SECRET_HOST, host);
      const char *cap = json_string_value(json_object_get(check, "capture"));
      s7_redactor_add_secret(r, S7_SECRET_FILE, cap);
    }
    json_array_foreach(json_object_get(c, "plcs"), j, p)
      for (guint k = 0; k < G_N_ELEMENTS(ident); k++)
        s7_redactor_add_secret(r, ident[k].kind, json_string_value(json_object_get(p, ident[k].key)));
  }
}

/* ------------------------------------------------------------------ texts */

static gboolean addr_char(char c)
{
  return g_ascii_isxdigit(c) || c == ':' || c == '.' || c == '-';
}

/* The address that t[0..n) is, exactly: its pseudonym into out; FALSE when it is none */
static gboolean redact_token(S7Redactor *r, const char *t, gsize n, GString *out)
{
  char buf[64];
  if (n < 7 || n >= sizeof buf)
    return FALSE;
  memcpy(buf, t, n);
  buf[n] = '\0';
  guint8 a[16], b[16];
  if (!strchr(buf, ':') && !strchr(buf, '-') && inet_pton(AF_INET, buf, a) == 1) {
    s7_redact_ipv4(r, a, b);
    char s[INET_ADDRSTRLEN];
    g_string_append(out, inet_ntop(AF_INET, b, s, sizeof s));
    return TRUE;
  }
  if (n == 17 && (buf[2] == ':' || buf[2] == '-')) {
    gboolean mac = TRUE;
    for (guint i = 0; i < 17 && mac; i++)
      mac = (i % 3 == 2) ? buf[i] == buf[2] : g_ascii_isxdigit(buf[i]);
    if (mac) {
      for (guint i = 0; i < 6; i++)
        a[i] = (guint8)(g_ascii_xdigit_value(buf[3 * i]) << 4 | g_ascii_xdigit_value(buf[3 * i + 1]));
      s7_redact_mac(r, a, b);
      g_string_append_printf(out, "%02x%c%02x%c%02x%c%02x%c%02x%c%02x", b[0], buf[2], b[1], buf[2], b[2], buf[2], b[3],
                             buf[2], b[4], buf[2], b[5]);
      return TRUE;
    }
  }
  if (strchr(buf, ':') && !strchr(buf, '-') && inet_pton(AF_INET6, buf, a) == 1) {
    s7_redact_ipv6(r, a, b);
    char s[INET6_ADDRSTRLEN];
    g_string_append(out, inet_ntop(AF_INET6, b, s, sizeof s));
    return TRUE;
  }
  return FALSE;
}

/* Secrets first (an address inside a name or path must not change it before it is found),
 * as placeholders; then every address, wherever it starts (glued to a word, at the end of a
 * sentence, with a port after it): the longest run of address characters there that is one;
 * then the placeholders become the pseudonyms */
char *s7_redact_text(S7Redactor *r, const char *text)
{
  if (!text)
    return NULL;
  GString *in = g_string_new(text);
  const GPtrArray *secrets = s7_redactor_secrets(r);
  for (guint i = 0; i < secrets->len; i++) {
    const Secret *sc = g_ptr_array_index(secrets, i);
    if (!strstr(in->str, sc->value))
      continue;
    g_autofree char *mark = g_strdup_printf("\x01%u\x02", i);
    g_auto(GStrv) parts = g_strsplit(in->str, sc->value, -1);
    g_autofree char *joined = g_strjoinv(mark, parts);
    g_string_assign(in, joined);
  }
  GString *out = g_string_sized_new(in->len + 16);
  const char *p = in->str;
  while (*p) {
    if (*p == '\x01') {   /* a placeholder: the secret's pseudonym */
      char *end;
      guint64 k = g_ascii_strtoull(p + 1, &end, 10);
      if (*end == '\x02' && k < secrets->len) {
        g_string_append(out, ((const Secret *)g_ptr_array_index(secrets, (guint)k))->pseudonym);
        p = end + 1;
        continue;
      }
    }
    gsize run = 0;
    while (p[run] && addr_char(p[run]) && run < 63)
      run++;
    gboolean done = FALSE;
    for (gsize n = run; n >= 7 && !done; n--)
      if (redact_token(r, p, n, out)) {
        p += n;
        done = TRUE;
      }
    if (!done) {   /* no address starts here: the character stays */
      g_string_append_c(out, *p);
      p++;
    }
  }
  g_string_free(in, TRUE);
  return g_string_free(out, FALSE);
}

static void redact_json(S7Redactor *r, json_t *j)
{
  if (json_is_object(j)) {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
      if (json_is_string(v)) {
        g_autofree char *t = s7_redact_text(r, json_string_value(v));
        json_string_set(v, t);
      } else {
        redact_json(r, v);
      }
    }
  } else if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      if (json_is_string(v)) {
        g_autofree char *t = s7_redact_text(r, json_string_value(v));
        json_string_set(v, t);
      } else {
        redact_json(r, v);
      }
    }
  }
}

void s7_redact_report(S7Redactor *r, json_t *report)
{
  s7_redactor_learn_report(r, report);
  /* the file's SHA-256 would let anyone holding the plant's capture confirm it: a keyed one
   * still tells the captures of a report apart (and the same file alike, with --redact-key) */
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(report, "captures"), i, c) {
    const char *sha = json_string_value(json_object_get(c, "sha256"));
    if (!sha)
      continue;
    guint8 h[32];
    g_autofree char *tagged = g_strdup_printf("sha256:%s", sha);
    prf(r, (const guint8 *)tagged, strlen(tagged), h);
    char hex[65];
    to_hex(h, hex);
    json_object_set_new(c, "sha256", json_string(hex));
  }
  redact_json(r, report);
  json_object_set_new(report, "redacted", json_true());
}
