/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redact_capture.c — a capture file with its addresses, names and comments replaced (see
 * redact.h): every packet keeps its place, length and meaning, so the redacted file
 * dissects and diagnoses like the original, frame numbers included. */
#include "outfile.h"
#include "redact.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "capture_reader.h"
#include "s7_wire.h"

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

/* SZL 0x001C answers in a TCP payload (whole TPKT packets): every record's text becomes its
 * pseudonym, zero-padded over the whole record — the report's pseudonym for the names and
 * serial it shows (the same decoding), a new one for the others (copyright, memory card serial,
 * location …), whatever bytes they held; the CPU type (index 7) is kept, as in the report */
static void redact_szl(S7Redactor *r, guint8 *p, gsize len)
{
  for (gsize at = 0; at + 7 <= len && p[at] == 3;) {
    gsize tl = be16(p + at + 2);
    if (tl < 7 || at + tl > len)
      return;
    guint8 *cotp = p + at + 4;
    gsize cl = tl - 4, li = cotp[0];
    guint8 *s7 = cotp + li + 1;
    gsize sl = li + 1 < cl ? cl - li - 1 : 0;
    if ((cotp[1] & 0xF0) == 0xF0 && sl >= 10 && s7[0] == 0x32 && s7[1] == 7) {
      gsize plen = be16(s7 + 6), dlen = be16(s7 + 8);
      guint8 *par = s7 + 10, *d = par + plen;
      if (10 + plen + dlen <= sl && plen >= 8 && par[0] == 0 && par[1] == 1 && par[2] == 0x12 && par[5] == 0x84 &&
          par[6] == 1 && dlen >= 12 && d[0] == 0xFF && be16(d + 4) == 0x001C) {
        gsize reclen = be16(d + 8), n = be16(d + 10);
        for (gsize k = 0; reclen > 2 && k < n && 12 + (k + 1) * reclen <= dlen; k++) {
          guint8 *rec = d + 12 + k * reclen;
          guint index = be16(rec);
          if (index == 7)
            continue;
          char text[40];
          s7_szl_text(rec + 2, s7_szl1c_text_len(index, reclen), text, sizeof text);
          if (text[0] && !s7_redact_secret(r, text))
            s7_redactor_add_secret(r, S7_SECRET_NAME, text);
          const char *ps = text[0] ? s7_redact_secret(r, text) : NULL;
          memset(rec + 2, 0, reclen - 2);
          if (ps)
            memcpy(rec + 2, ps, MIN(strlen(ps), reclen - 2));
        }
      }
    }
    at += tl;
  }
}

static void redact_ip(S7Redactor *r, guint8 *p, gsize len, gboolean quoted, gsize *used);

/* Is the transport checksum right, over the addresses it was computed with? (a redacted
 * packet keeps a wrong one wrong: offloading and corruption stay visible) */
static gboolean sum_ok(guint8 proto, const guint8 *src, const guint8 *dst, guint alen, const guint8 *t, gsize len)
{
  if (proto == 6 || proto == 17 || proto == 58)
    return checksum(pseudo_sum(src, dst, alen, proto, (guint32)len), t, len) == 0;
  return checksum(0, t, len) == 0;   /* ICMP */
}

static void set_sum(guint8 *at, guint16 computed, gboolean was_ok)
{
  put16(at, was_ok ? computed : (guint16)(computed ^ 1));
}

/* TCP, UDP, ICMP of an IP packet; full: the whole datagram is in the capture; was_ok: its
 * checksum was right before the addresses changed. What is none of them is blanked. */
static void transport(S7Redactor *r, guint8 proto, guint8 *src, guint8 *dst, guint alen, guint8 *t, gsize len,
                      gboolean full, gboolean quoted, gboolean was_ok)
{
  if (proto == 6 && len >= 20) {
    guint doff = (t[12] >> 4) * 4u;
    if (doff >= 20 && doff <= len) {
      redact_szl(r, t + doff, len - doff);
      redact_payload(r, t + doff, len - doff);
    }
    if (quoted) {
      put16(t + 16, 0);   /* it sums the real addresses */
    } else if (full) {
      put16(t + 16, 0);
      set_sum(t + 16, checksum(pseudo_sum(src, dst, alen, 6, (guint32)len), t, len), was_ok);
    }
  } else if (proto == 6 || proto == 17) {
    if (proto == 17 && len >= 8) {
      redact_payload(r, t + 8, len - 8);
      if (quoted) {
        put16(t + 6, 0);
      } else if (full && (alen == 16 || be16(t + 6) != 0)) {
        put16(t + 6, 0);
        guint16 c = checksum(pseudo_sum(src, dst, alen, 17, (guint32)len), t, len);
        set_sum(t + 6, c ? c : 0xffff, was_ok);
      }
    }   /* a TCP or UDP header cut short (an ICMP error's quote): ports hold no address */
  } else if ((proto == 1 || proto == 58) && len >= 8) {
    guint8 type = t[0];
    gboolean error = proto == 1 ? (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
                                : (type >= 1 && type <= 4);
    gboolean echo = proto == 1 ? (type == 0 || type == 8) : (type == 128 || type == 129);
    if (proto == 1 && type == 5)
      s7_redact_ipv4(r, t + 4, t + 4);   /* the redirect's gateway */
    if (error) {
      redact_ip(r, t + 8, len - 8, TRUE, NULL);
    } else if (echo) {
      redact_payload(r, t + 8, len - 8);
    } else if (proto == 58 && (type == 135 || type == 136 || type == 137) && len >= 24) {
      s7_redact_ipv6(r, t + 8, t + 8);   /* neighbour discovery: the target, the redirect's destination */
      gsize opts = 24;
      if (type == 137 && len >= 40) {
        s7_redact_ipv6(r, t + 24, t + 24);
        opts = 40;
      }
      memset(t + opts, 0, len - opts);   /* options: link-layer addresses, the redirected header */
    } else {
      memset(t + 4, 0, len - 4);
    }
    if (full && !quoted) {
      put16(t + 2, 0);
      guint32 sum = proto == 58 ? pseudo_sum(src, dst, alen, 58, (guint32)len) : 0;
      set_sum(t + 2, checksum(sum, t, len), was_ok);
    }
  } else {
    memset(t, 0, len);   /* another protocol (tunnels, IPsec …): it may carry anything */
  }
}

/* An IPv4 or IPv6 packet at p (len bytes captured), in place; *used: the bytes the datagram
 * takes (what follows it, padding or an FCS, is not its own) */
static void redact_ip(S7Redactor *r, guint8 *p, gsize len, gboolean quoted, gsize *used)
{
  if (used)
    *used = len;
  if (len >= 20 && (p[0] >> 4) == 4 && (p[0] & 0x0f) * 4u >= 20 && (p[0] & 0x0f) * 4u <= len) {
    guint ihl = (p[0] & 0x0f) * 4u;
    gboolean ip_ok = checksum(0, p, ihl) == 0;
    guint total = be16(p + 2);
    gboolean fragment = (be16(p + 6) & 0x3fff) != 0, later = (be16(p + 6) & 0x1fff) != 0;
    gsize avail = MIN(len, total >= ihl ? total : len) - ihl;
    gboolean full = total <= len && total >= ihl && !fragment;
    gboolean was_ok = full && sum_ok(p[9], p + 12, p + 16, 4, p + ihl, total - ihl);
    s7_redact_ipv4(r, p + 12, p + 12);
    s7_redact_ipv4(r, p + 16, p + 16);
    memset(p + 20, 1, ihl - 20);   /* options (record route …) become no-ops */
    put16(p + 10, 0);
    set_sum(p + 10, checksum(0, p, ihl), ip_ok);
    if (later)
      memset(p + ihl, 0, avail);   /* a later fragment: no header to read it by */
    else
      transport(r, p[9], p + 12, p + 16, 4, p + ihl, avail, full, quoted, was_ok);
    if (used && total >= ihl && total <= len)
      *used = total;
    return;
  }
  if (len >= 40 && (p[0] >> 4) == 6) {
    gsize plen = be16(p + 4), end = MIN(len, 40 + plen);
    guint8 next = p[6];
    gsize off = 40;
    for (int n = 0; n < 8 && (next == 0 || next == 43 || next == 60) && off + 8 <= end; n++) {
      next = p[off];
      off += (p[off + 1] + 1u) * 8;
    }
    gboolean full = 40 + plen <= len;
    gboolean was_ok = full && off <= end && next != 44 && sum_ok(next, p + 8, p + 24, 16, p + off, end - off);
    s7_redact_ipv6(r, p + 8, p + 8);
    s7_redact_ipv6(r, p + 24, p + 24);
    if (off > end || next == 44)
      memset(p + 40, 0, end - 40);   /* a fragment, or headers past the capture */
    else {
      /* extension headers (a routing header holds addresses): their contents zeroed (Pad1
       * options), their chain (next header, length) kept */
      guint8 nh = p[6];
      for (gsize h = 40; h < off && (nh == 0 || nh == 43 || nh == 60);) {
        gsize hl = (p[h + 1] + 1u) * 8;
        nh = p[h];
        memset(p + h + 2, 0, hl - 2);
        h += hl;
      }
      transport(r, next, p + 8, p + 24, 16, p + off, end - off, full, quoted, was_ok);
    }
    if (used && full)
      *used = 40 + plen;
    return;
  }
  memset(p, 0, len);   /* not an IP header that can be read: nothing of it stays */
}

/* ARP over Ethernet for IPv4: the sender's and the target's MAC and address */
static void redact_arp(S7Redactor *r, guint8 *a, gsize len)
{
  if (len < 28 || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) {
    memset(a, 0, len);
    return;
  }
  s7_redact_mac(r, a + 8, a + 8);
  s7_redact_ipv4(r, a + 14, a + 14);
  s7_redact_mac(r, a + 18, a + 18);
  s7_redact_ipv4(r, a + 24, a + 24);
}

/* One packet, in place; what cannot be read here (other link layers, other protocols) is
 * blanked after its link header, so nothing leaks from it and the frame keeps its place */
void s7_redact_packet(S7Redactor *r, S7Link link, guint8 *pkt, guint caplen)
{
  if (!pkt || caplen == 0)
    return;
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
    gsize used = 0;
    redact_ip(r, pkt + off, caplen - (guint)off, FALSE, &used);
    memset(pkt + off + used, 0, caplen - (guint)off - used);   /* padding, an FCS (it sums the real bytes) */
    return;
  }
  if (link == S7_LINK_ETHERNET && caplen >= 14) {
    guint eoff = 12;
    while (eoff + 4 <= caplen && (be16(pkt + eoff) == 0x8100 || be16(pkt + eoff) == 0x88a8))
      eoff += 4;
    if (eoff + 2 <= caplen && be16(pkt + eoff) == 0x0806) {
      redact_arp(r, pkt + eoff + 2, caplen - eoff - 2);
      if (caplen > eoff + 2 + 28)
        memset(pkt + eoff + 2 + 28, 0, caplen - eoff - 2 - 28);
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
    if (!data)
      continue;   /* not a packet (a journal entry, a custom block …): not vouched for, not written */
    s7_redact_packet(r, rec.link, data, rec.caplen);
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

typedef struct {
  S7Redactor *r;
  const char *path;
} InPlace;

static gboolean redact_into(S7OutFile *out, gpointer data, char **error)
{
  InPlace *p = data;
  return s7_redact_capture(p->r, p->path, s7_outfile_temp_path(out), error);
}

gboolean s7_redact_capture_in_place(S7Redactor *r, const char *path, char **error)
{
  InPlace p = { r, path };
  return s7_outfile_write(path, redact_into, &p, error);
}
