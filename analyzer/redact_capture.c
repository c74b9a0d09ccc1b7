/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redact_capture.c — a capture file with its addresses, names and comments replaced (see
 * redact.h): every packet keeps its place, length and meaning, so the redacted file
 * dissects and diagnoses like the original, frame numbers included. */
#include "redact.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "capture_reader.h"

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }
static void put16(guint8 *p, guint16 v) { p[0] = (guint8)(v >> 8); p[1] = (guint8)v; }

/* The Internet checksum (RFC 1071) of a pseudo-header sum and len bytes */
static guint16 checksum(guint32 sum, const guint8 *p, gsize len)
{
  for (gsize i = 0; i + 1 < len; i += 2)
    sum += be16(p + i);
  if (len & 1)
    sum += (guint32)p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16)~sum;
}

static guint32 pseudo_sum(const guint8 *src, const guint8 *dst, guint alen, guint8 proto, guint32 len)
{
  guint32 sum = 0;
  for (guint i = 0; i < alen; i += 2)
    sum += be16(src + i) + be16(dst + i);
  return sum + proto + (len >> 16) + (len & 0xffff);
}

/* The secrets inside a payload, replaced byte for byte (same length) */
static void redact_payload(S7Redactor *r, guint8 *p, gsize len)
{
  const GPtrArray *secrets = s7_redactor_secrets(r);
  for (guint i = 0; i < secrets->len; i++) {
    const S7Secret *s = g_ptr_array_index(secrets, i);
    gsize n = strlen(s->value);
    if (n > len || strlen(s->pseudonym) != n)
      continue;
    for (gsize at = 0; at + n <= len; at++)
      if (p[at] == (guint8)s->value[0] && memcmp(p + at, s->value, n) == 0) {
        memcpy(p + at, s->pseudonym, n);
        at += n - 1;
      }
  }
}

static void redact_ip(S7Redactor *r, guint8 *p, gsize len, gboolean quoted);

/* TCP, UDP, ICMP of an IP packet; full: the whole datagram is in the capture */
static void transport(S7Redactor *r, guint8 proto, guint8 *src, guint8 *dst, guint alen, guint8 *t, gsize len,
                      gboolean full, gboolean quoted)
{
  if (proto == 6 && len >= 20) {
    guint doff = (t[12] >> 4) * 4u;
    if (doff >= 20 && doff <= len)
      redact_payload(r, t + doff, len - doff);
    if (full && !quoted) {
      put16(t + 16, 0);
      put16(t + 16, checksum(pseudo_sum(src, dst, alen, 6, (guint32)len), t, len));
    }
  } else if (proto == 17 && len >= 8) {
    redact_payload(r, t + 8, len - 8);
    if (full && !quoted && (alen == 16 || be16(t + 6) != 0)) {
      put16(t + 6, 0);
      guint16 c = checksum(pseudo_sum(src, dst, alen, 17, (guint32)len), t, len);
      put16(t + 6, c ? c : 0xffff);
    }
  } else if ((proto == 1 || proto == 58) && len >= 8) {
    /* an ICMP error quotes the packet it is about: its addresses too */
    gboolean error = proto == 1 ? (t[0] == 3 || t[0] == 4 || t[0] == 5 || t[0] == 11 || t[0] == 12)
                                : (t[0] >= 1 && t[0] <= 4);
    if (error)
      redact_ip(r, t + 8, len - 8, TRUE);
    else
      redact_payload(r, t + 8, len - 8);
    if (full && !quoted) {
      put16(t + 2, 0);
      guint32 sum = proto == 58 ? pseudo_sum(src, dst, alen, 58, (guint32)len) : 0;
      put16(t + 2, checksum(sum, t, len));
    }
  }
}

static void redact_ip(S7Redactor *r, guint8 *p, gsize len, gboolean quoted)
{
  if (len < 1)
    return;
  if ((p[0] >> 4) == 4 && len >= 20) {
    guint ihl = (p[0] & 0x0f) * 4u;
    if (ihl < 20 || ihl > len)
      return;
    s7_redact_ipv4(r, p + 12, p + 12);
    s7_redact_ipv4(r, p + 16, p + 16);
    put16(p + 10, 0);
    put16(p + 10, checksum(0, p, ihl));
    guint total = be16(p + 2);
    gboolean fragment = (be16(p + 6) & 0x3fff) != 0;
    gsize avail = MIN(len, total >= ihl ? total : len) - ihl;
    if (!fragment)
      transport(r, p[9], p + 12, p + 16, 4, p + ihl, avail, total <= len && total >= ihl, quoted);
    else
      redact_payload(r, p + ihl, avail);
  } else if ((p[0] >> 4) == 6 && len >= 40) {
    s7_redact_ipv6(r, p + 8, p + 8);
    s7_redact_ipv6(r, p + 24, p + 24);
    guint plen = be16(p + 4);
    guint8 next = p[6];
    gsize off = 40;
    for (int n = 0; n < 8 && (next == 0 || next == 43 || next == 60) && off + 8 <= len; n++) {
      next = p[off];
      off += (p[off + 1] + 1u) * 8;
    }
    if (off > len)
      return;
    gsize end = MIN(len, 40 + (gsize)plen);
    if (next != 44 && end >= off)
      transport(r, next, p + 8, p + 24, 16, p + off, end - off, 40 + (gsize)plen <= len, quoted);
  }
}

/* ARP over Ethernet for IPv4: the sender's and the target's MAC and address */
static void redact_arp(S7Redactor *r, guint8 *a, gsize len)
{
  if (len < 28 || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
    return;
  s7_redact_mac(r, a + 8, a + 8);
  s7_redact_ipv4(r, a + 14, a + 14);
  s7_redact_mac(r, a + 18, a + 18);
  s7_redact_ipv4(r, a + 24, a + 24);
}

/* One packet, in place; what cannot be read here (other link layers, other protocols) is
 * blanked after its link header, so nothing leaks from it and the frame keeps its place */
static void redact_packet(S7Redactor *r, S7Link link, guint8 *pkt, guint caplen)
{
  if (link == S7_LINK_ETHERNET && caplen >= 12) {
    s7_redact_mac(r, pkt, pkt);
    s7_redact_mac(r, pkt + 6, pkt + 6);
  } else if (link == S7_LINK_SLL && caplen >= 14 && be16(pkt + 4) == 6) {
    s7_redact_mac(r, pkt + 6, pkt + 6);
  } else if (link == S7_LINK_SLL2 && caplen >= 20 && pkt[11] == 6) {
    s7_redact_mac(r, pkt + 12, pkt + 12);
  }
  gssize off = s7_link_ip_offset(link, pkt, caplen);
  if (off >= 0) {
    redact_ip(r, pkt + off, caplen - (guint)off, FALSE);
    return;
  }
  if (link == S7_LINK_ETHERNET && caplen >= 14) {
    guint eoff = 12;
    while (eoff + 4 <= caplen && (be16(pkt + eoff) == 0x8100 || be16(pkt + eoff) == 0x88a8))
      eoff += 4;
    if (eoff + 2 <= caplen && be16(pkt + eoff) == 0x0806) {
      redact_arp(r, pkt + eoff + 2, caplen - eoff - 2);
      return;
    }
    if (eoff + 2 <= caplen)
      memset(pkt + eoff + 2, 0, caplen - eoff - 2);
    return;
  }
  memset(pkt, 0, caplen);
}

typedef struct {
  S7Redactor *r;
} Edit;

/* s7diag's own comments ("frame 12 of FILE: s7diag KIND …") are kept, redacted; others are
 * the plant's and dropped */
static char *packet_comment(const char *comment, gpointer data)
{
  Edit *e = data;
  if (!strstr(comment, ": s7diag ") && !g_str_has_prefix(comment, "s7diag "))
    return NULL;
  return s7_redact_text(e->r, comment);
}

static char *section_comment(const char *comment, gpointer data)
{
  (void)comment;
  (void)data;
  return NULL;
}

gboolean s7_redact_capture(S7Redactor *r, const char *in_path, const char *out_path, char **error)
{
  GError *e = NULL;
  S7CaptureReader *rd = s7_capture_reader_open(in_path, &e);
  if (!rd) {
    *error = g_strdup_printf("%s: %s", in_path, e->message);
    g_error_free(e);
    return FALSE;
  }
  Edit ed = { r };
  S7CaptureWriter *w = s7_capture_writer_open_file(rd, out_path, section_comment, &ed, &e);
  if (!w) {
    *error = g_strdup(e->message);
    g_error_free(e);
    s7_capture_reader_close(rd);
    return FALSE;
  }
  S7Record rec;
  gboolean ok = TRUE;
  while (ok && s7_capture_reader_next(rd, &rec)) {
    guint8 *data = s7_capture_reader_data_mut(rd);
    if (data)
      redact_packet(r, rec.link, data, rec.caplen);
    s7_capture_reader_edit_comments(rd, packet_comment, &ed);
    ok = s7_capture_writer_write(w, rd);
  }
  const char *damage = s7_capture_reader_damage(rd);
  if (!ok || damage)
    *error = g_strdup_printf("%s: %s", ok ? in_path : out_path, ok ? damage : "writing failed");
  s7_capture_writer_close(w);
  s7_capture_reader_close(rd);
  return ok && !damage;
}

gboolean s7_redact_capture_in_place(S7Redactor *r, const char *path, char **error)
{
  g_autofree char *tmp = g_strdup_printf("%s.redacting", path);
  if (!s7_redact_capture(r, path, tmp, error)) {
    g_unlink(tmp);
    return FALSE;
  }
  if (g_rename(tmp, path) != 0) {
    *error = g_strdup_printf("%s: %s", path, g_strerror(errno));
    g_unlink(tmp);
    return FALSE;
  }
  return TRUE;
}
