/* SPDX-License-Identifier: GPL-2.0-or-later */
/* address_remap.c — stand-in addresses for captures in one tshark (see address_remap.h). */
#include "address_remap.h"

#include <arpa/inet.h>
#include <string.h>

#include "capture_reader.h"

struct S7Remap {
  GHashTable *current;         /* the capture's originals (16-byte keys) -> stand-in (16 bytes) */
  guint n4, n6;                /* stand-ins handed out */
  guint8 (*orig4)[4];          /* stand-in number -> original, written before the packet is */
  guint8 (*orig6)[16];
  gboolean full;
};

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }

/* The one's-complement sum of 16-bit words, folded */
static guint32 fold(guint32 s)
{
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return s;
}

static guint32 words_sum(const guint8 *a, guint len)
{
  guint32 s = 0;
  for (guint i = 0; i < len; i += 2)
    s += be16(a + i);
  return fold(s);
}

static const guint8 prefix6[12] = { 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0x53, 0x37, 0x73, 0x64 };

static gboolean is_stand_in(const guint8 *a, guint len)
{
  return len == 4 ? (a[0] & 0xF0) == 0xF0 : memcmp(a, prefix6, sizeof prefix6) == 0;
}

/* Stand-in number k for an original: its leading words say k, the last word makes the sum
 * the original's */
static void stand_in(guint8 *out, const guint8 *orig, guint len, guint k)
{
  if (len == 4) {
    out[0] = (guint8)(0xF0 | (k >> 8));
    out[1] = (guint8)k;
  } else {
    memcpy(out, prefix6, sizeof prefix6);
    out[12] = (guint8)(k >> 8);
    out[13] = (guint8)k;
  }
  guint32 head = words_sum(out, len - 2);
  guint32 last = fold(words_sum(orig, len) + (~head & 0xffff));
  out[len - 2] = (guint8)(last >> 8);
  out[len - 1] = (guint8)last;
}

S7Remap *s7_remap_new(void)
{
  S7Remap *m = g_new0(S7Remap, 1);
  m->current = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, g_free);
  m->orig4 = g_malloc0(sizeof(*m->orig4) * S7_REMAP_MAX4);
  m->orig6 = g_malloc0(sizeof(*m->orig6) * S7_REMAP_MAX6);
  return m;
}

void s7_remap_free(S7Remap *m)
{
  if (!m)
    return;
  g_hash_table_unref(m->current);
  g_free(m->orig4);
  g_free(m->orig6);
  g_free(m);
}

void s7_remap_next_capture(S7Remap *m)
{
  g_hash_table_remove_all(m->current);
}

static void map_address(guint8 *addr, guint len, gpointer data)
{
  S7Remap *m = data;
  GBytes *key = g_bytes_new(addr, len);
  guint8 *to = g_hash_table_lookup(m->current, key);
  if (!to) {
    if ((len == 4 && m->n4 >= S7_REMAP_MAX4) || (len == 16 && m->n6 >= S7_REMAP_MAX6)) {
      m->full = TRUE;
      g_bytes_unref(key);
      return;
    }
    to = g_malloc(len);
    if (len == 4) {
      memcpy(m->orig4[m->n4], addr, 4);
      stand_in(to, addr, 4, m->n4++);
    } else {
      memcpy(m->orig6[m->n6], addr, 16);
      stand_in(to, addr, 16, m->n6++);
    }
    g_hash_table_insert(m->current, key, to);
  } else {
    g_bytes_unref(key);
  }
  memcpy(addr, to, len);
}

gboolean s7_remap_packet(S7Remap *m, S7Link link, guint8 *pkt, guint caplen)
{
  m->full = FALSE;
  return s7_prefilter_addresses(link, pkt, caplen, map_address, m) && !m->full;
}

void s7_remap_restore(const S7Remap *m, char *text)
{
  guint8 a[16];
  if (inet_pton(AF_INET, text, a) == 1 && is_stand_in(a, 4)) {
    guint k = (guint)(a[0] & 0x0F) << 8 | a[1];
    if (k < m->n4)   /* handed out before the events of its packet */
      inet_ntop(AF_INET, m->orig4[k], text, 48);
  } else if (strchr(text, ':') && inet_pton(AF_INET6, text, a) == 1 && is_stand_in(a, 16)) {
    guint k = (guint)a[12] << 8 | a[13];
    if (k < m->n6)
      inet_ntop(AF_INET6, m->orig6[k], text, 48);
  }
}

typedef struct {
  GHashTable *seen;
  guint n4, n6;
  gboolean reserved;
} Scan;

static void scan_address(guint8 *addr, guint len, gpointer data)
{
  Scan *s = data;
  if (is_stand_in(addr, len))
    s->reserved = TRUE;
  GBytes *key = g_bytes_new(addr, len);
  if (g_hash_table_add(s->seen, key)) {
    if (len == 4)
      s->n4++;
    else
      s->n6++;
  }
}

gboolean s7_remap_scan(const char *path, const guint16 *ports, guint n_ports, guint *n4, guint *n6)
{
  S7CaptureReader *r = s7_capture_reader_open(path, NULL);
  if (!r)
    return FALSE;
  Scan s = { g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL), 0, 0, FALSE };
  gboolean ok = TRUE;
  S7Record rec;
  guint8 buf[65536];
  while (ok && !s.reserved && s7_capture_reader_next(r, &rec)) {
    guint32 hash;
    if (!rec.is_packet || !s7_prefilter_keep(rec.link, rec.data, rec.caplen, ports, n_ports, &hash))
      continue;
    guint n = MIN(rec.caplen, (guint)sizeof buf);
    memcpy(buf, rec.data, n);   /* the addresses are only looked at */
    ok = rec.link != S7_LINK_OTHER && s7_prefilter_addresses(rec.link, buf, n, scan_address, &s);
  }
  ok = ok && !s.reserved && !s7_capture_reader_damage(r) && s.n4 <= S7_REMAP_MAX4 && s.n6 <= S7_REMAP_MAX6;
  s7_capture_reader_close(r);
  g_hash_table_unref(s.seen);
  *n4 = s.n4;
  *n6 = s.n6;
  return ok;
}
