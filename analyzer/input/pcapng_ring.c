/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcapng_ring.c — a pcapng stream written to a ring of files (see pcapng_ring.h). */
#include "pcapng_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dumpcap_run.h"
#include "outfile.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u                   /* the obsolete packet block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BLOCK_MAX (64u << 20)      /* a block longer than this is not pcapng */

struct S7Ring {
  char *prefix, *ext;              /* "dir/name", ".pcapng" */
  guint64 file_bytes;
  guint max_files;
  GByteArray *pending;             /* the stream's bytes not yet a whole block */
  GByteArray *head;                /* the section's header blocks: SHB, IDBs, what came before packets */
  gboolean big_endian, have_shb, packets_in_section;
  int fd;                          /* the current file, -1: none yet */
  guint64 cur_bytes, cur_packets;
  GPtrArray *files;                /* char*: the kept files, oldest first */
  GArray *skips;                   /* guint64 per kept file: its header blocks' bytes */
  guint made;
};

S7Ring *s7_ring_new(const char *path, guint64 file_kb, guint max_files)
{
  S7Ring *r = g_new0(S7Ring, 1);
  g_autofree char *base = g_path_get_basename(path);
  const char *dot = strrchr(base, '.');
  gsize stem = dot && dot != base ? (gsize)(dot - base) : strlen(base);
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *name = g_strndup(base, stem);
  r->prefix = g_build_filename(dir, name, NULL);
  r->ext = g_strdup(base + stem);
  r->file_bytes = file_kb * 1000;     /* kB as dumpcap counts them */
  r->max_files = max_files;
  r->pending = g_byte_array_new();
  r->head = g_byte_array_new();
  r->fd = -1;
  r->files = g_ptr_array_new_with_free_func(g_free);
  r->skips = g_array_new(FALSE, FALSE, sizeof(guint64));
  return r;
}

void s7_ring_free(S7Ring *r)
{
  if (!r)
    return;
  if (r->fd >= 0)
    close(r->fd);
  g_free(r->prefix);
  g_free(r->ext);
  g_byte_array_unref(r->pending);
  g_byte_array_unref(r->head);
  g_ptr_array_unref(r->files);
  g_array_unref(r->skips);
  g_free(r);
}

static gboolean put(S7Ring *r, const guint8 *b, gsize n, char **error)
{
  if (!s7_write_all(r->fd, b, n)) {
    *error = g_strdup_printf("cannot write %s: %s", (const char *)g_ptr_array_index(r->files, r->files->len - 1),
                             g_strerror(errno));
    return FALSE;
  }
  r->cur_bytes += n;
  return TRUE;
}

/* The next file, beginning with the header blocks so far; the oldest deleted past the number */
static gboolean next_file(S7Ring *r, char **error)
{
  if (r->fd >= 0)
    close(r->fd);
  char when[32] = "00000000000000";
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm))
    strftime(when, sizeof when, "%Y%m%d%H%M%S", &tm);
  char *name = g_strdup_printf("%s_%05u_%s%s", r->prefix, ++r->made, when, r->ext);
  if (!s7_output_allowed("-w", name, S7_OUT_CAPTURE, error)) {   /* never one of the inputs */
    g_free(name);
    return FALSE;
  }
  r->fd = g_open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (r->fd < 0) {
    *error = g_strdup_printf("cannot create %s: %s", name, g_strerror(errno));
    g_free(name);
    return FALSE;
  }
  g_ptr_array_add(r->files, name);
  guint64 skip = r->head->len;
  g_array_append_val(r->skips, skip);
  r->cur_bytes = r->cur_packets = 0;
  if (r->max_files && r->files->len > r->max_files) {
    g_unlink(g_ptr_array_index(r->files, 0));
    g_ptr_array_remove_index(r->files, 0);
    g_array_remove_index(r->skips, 0);
  }
  return put(r, r->head->data, r->head->len, error);
}

static guint32 u32(const S7Ring *r, const guint8 *p)
{
  guint32 v;
  memcpy(&v, p, 4);
  return r->big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
}

static gboolean block(S7Ring *r, guint32 type, const guint8 *b, guint32 len, char **error)
{
  gboolean packet = type == BT_EPB || type == BT_SPB || type == BT_PB;
  if (type == BT_SHB) {               /* a section begins: its header blocks are new */
    g_byte_array_set_size(r->head, 0);
    r->packets_in_section = FALSE;
  }
  if (r->fd < 0 && !next_file(r, error))
    return FALSE;
  if (packet) {
    if (r->cur_packets && r->cur_bytes >= r->file_bytes && !next_file(r, error))
      return FALSE;
    r->packets_in_section = TRUE;
    r->cur_packets++;
  } else if (type == BT_IDB || !r->packets_in_section) {
    g_byte_array_append(r->head, b, len);
    if (!r->cur_packets)              /* still this file's header blocks */
      g_array_index(r->skips, guint64, r->skips->len - 1) += len;
  }
  return put(r, b, len, error);
}

gboolean s7_ring_write(S7Ring *r, const guint8 *data, gsize n, char **error)
{
  g_byte_array_append(r->pending, data, (guint)n);
  guint at = 0;
  gboolean ok = TRUE;
  while (ok && r->pending->len - at >= 12) {
    const guint8 *b = r->pending->data + at;
    guint32 type;
    memcpy(&type, b, 4);             /* the SHB's type reads the same either way */
    if (type == BT_SHB) {
      guint32 magic;
      memcpy(&magic, b + 8, 4);
      if (magic != 0x1A2B3C4Du && magic != 0x4D3C2B1Au) {
        *error = g_strdup("the capture stream is not pcapng (a section header without its byte-order magic)");
        ok = FALSE;
        break;
      }
      r->big_endian = GUINT32_FROM_LE(magic) != 0x1A2B3C4Du;
      r->have_shb = TRUE;
    } else if (!r->have_shb) {
      *error = g_strdup("the capture stream is not pcapng (it does not begin with a section header)");
      ok = FALSE;
      break;
    }
    type = u32(r, b);
    guint32 len = u32(r, b + 4);
    if (len < 12 || len % 4 || len > BLOCK_MAX) {
      *error = g_strdup_printf("the capture stream is not pcapng (a block of %u bytes)", len);
      ok = FALSE;
      break;
    }
    if (r->pending->len - at < len)
      break;
    ok = block(r, type, b, len, error);
    at += len;
  }
  g_byte_array_remove_range(r->pending, 0, at);
  return ok;
}

const GPtrArray *s7_ring_files(const S7Ring *r) { return r->files; }
guint s7_ring_files_made(const S7Ring *r) { return r->made; }

gboolean s7_ring_join(S7Ring *r, const char *out, char **error)
{
  if (r->fd >= 0) {
    close(r->fd);
    r->fd = -1;
  }
  if (!r->files->len) {
    *error = g_strdup("the capture stream held no complete pcapng block");
    return FALSE;
  }
  /* written whole or not at all (outfile.h) */
  GError *e = NULL;
  S7OutFile *outfile = s7_outfile_open(out, &e);
  if (!outfile) {
    *error = g_strdup(e->message);
    g_error_free(e);
    return FALSE;
  }
  FILE *o = s7_outfile_stream(outfile);
  /* the oldest file whole (its header blocks, and any that came later, where they came), the
   * others without the header blocks they begin with */
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < r->files->len; i++) {
    const char *name = g_ptr_array_index(r->files, i);
    FILE *f = g_fopen(name, "rb");
    if (!f || fseeko(f, i ? (off_t)g_array_index(r->skips, guint64, i) : 0, SEEK_SET) != 0) {
      *error = g_strdup_printf("cannot read %s: %s", name, g_strerror(errno));
      if (f)
        fclose(f);
      s7_outfile_abort(outfile);
      return FALSE;
    }
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
      ok = fwrite(buf, 1, n, o) == n;
    if (ferror(f) && ok) {
      *error = g_strdup_printf("cannot read %s: %s", name, g_strerror(errno));
      ok = FALSE;
    }
    fclose(f);
  }
  if (!ok) {
    if (!*error)
      *error = g_strdup_printf("cannot write %s: %s", out, g_strerror(errno));
    s7_outfile_abort(outfile);
    return FALSE;
  }
  if (!s7_outfile_commit(outfile, &e)) {
    *error = g_strdup(e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}

gboolean s7_ring_option(const char *text, guint64 *file_kb, guint *max_files)
{
  guint64 v;
  if (g_str_has_prefix(text, "filesize:") &&
      g_ascii_string_to_unsigned(text + 9, 10, 1, G_MAXUINT64 / 1024, &v, NULL)) {
    *file_kb = v;
    return TRUE;
  }
  if (g_str_has_prefix(text, "files:") && g_ascii_string_to_unsigned(text + 6, 10, 1, G_MAXUINT, &v, NULL)) {
    *max_files = (guint)v;
    return TRUE;
  }
  return FALSE;
}
