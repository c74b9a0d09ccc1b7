/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.c — command-line inputs -> captures (see inputs.h). */
#include "inputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "capture_reader.h"
#include "outfile.h"

static S7Input *input_new(const char *name, const char *path, gboolean temporary)
{
  if (!temporary)
    s7_input_file_note(path);
  S7Input *in = g_new0(S7Input, 1);
  in->name = g_strdup(name);
  in->path = g_strdup(path);
  in->temporary = temporary;
  return in;
}

void s7_input_free(S7Input *in)
{
  if (!in)
    return;
  if (in->temporary) {
    g_unlink(in->path);
    s7_temp_forget(in->path);
  }
  g_free(in->name);
  g_free(in->path);
  g_free(in->error);
  g_free(in);
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Captures under dir, recursively, in name order */
static void walk(const char *dir, GPtrArray *out, guint depth)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d || depth > 32) {
    if (d)
      g_dir_close(d);
    return;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(d)))
    g_ptr_array_add(names, g_strdup(n));
  g_dir_close(d);
  g_ptr_array_sort(names, cmp_str);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index(names, i);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK) && g_file_test(path, G_FILE_TEST_IS_DIR))
      continue;   /* no loops through links */
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      walk(path, out, depth + 1);
    else if (s7_is_capture_name(name) && g_file_test(path, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(out, input_new(path, path, FALSE));
  }
  g_ptr_array_unref(names);
}

/* ------------------------------------------------------------------ the spool */

#define PROBE_BYTES (1u << 20)   /* read before the stream is judged a capture or not */

static guint64 spool_limit(void)
{
  const char *s = g_getenv("S7DIAG_SPOOL_LIMIT");
  guint64 v;
  return s && g_ascii_string_to_unsigned(s, 10, 1, G_MAXUINT64, &v, NULL) ? v : S7_SPOOL_LIMIT_DEFAULT;
}

static gboolean read_fully(int fd, guint8 *buf, gsize want, gsize *got)
{
  *got = 0;
  while (*got < want) {
    ssize_t n = read(fd, buf + *got, want - *got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    if (n == 0)
      break;
    *got += (gsize)n;
  }
  return TRUE;
}

static gboolean write_fully(int fd, const guint8 *buf, gsize n)
{
  while (n) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return FALSE;
    buf += w;
    n -= (gsize)w;
  }
  return TRUE;
}

/* Does what was spooled so far begin like a capture? A known magic, or a file libwiretap opens
 * and reads a first record of */
static gboolean looks_like_capture(const char *spool, const guint8 *head, gsize n)
{
  if (n >= 4) {
    guint32 be = (guint32)head[0] << 24 | (guint32)head[1] << 16 | (guint32)head[2] << 8 | head[3];
    static const guint32 magics[] = { 0x0A0D0D0A, 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1, 0xA1B2CD34,
                                      0x34CDB2A1, 0x28B52FFD, 0x04224D18 };
    for (guint i = 0; i < G_N_ELEMENTS(magics); i++)
      if (be == magics[i])
        return TRUE;
  }
  if (n >= 2 && head[0] == 0x1F && head[1] == 0x8B)
    return TRUE;
  S7CaptureReader *r = s7_capture_reader_open(spool, NULL);
  if (!r)
    return FALSE;
  S7Record rec;
  gboolean ok = s7_capture_reader_next(r, &rec);
  s7_capture_reader_close(r);
  return ok;
}

/* Reads fd to its end into a spool; the input carries the error when it cannot be (the spool
 * is gone then) */
static S7Input *spool(const char *name, int fd)
{
  char *path = NULL;
  int out = g_file_open_tmp("s7diag-stdin-XXXXXX.pcap", &path, NULL);
  S7Input *in = g_new0(S7Input, 1);
  in->name = g_strdup(name);
  if (out < 0) {
    in->error = g_strdup("cannot create a temporary file to read it into");
    return in;
  }
  s7_temp_register(path);
  in->path = path;
  in->temporary = TRUE;
  guint64 limit = spool_limit(), total = 0;
  guint8 *buf = g_malloc(PROBE_BYTES);
  gsize got = 0;
  gboolean ok = read_fully(fd, buf, PROBE_BYTES, &got);
  if (!ok)
    in->error = g_strdup_printf("cannot read: %s", g_strerror(errno));
  else if (got == 0)
    in->error = g_strdup("empty (0 bytes): not a capture");
  else if (!write_fully(out, buf, got))
    in->error = g_strdup_printf("cannot write its temporary copy: %s", g_strerror(errno));
  else if (!looks_like_capture(path, buf, got))
    in->error = g_strdup("not a capture file tshark can read");
  for (total = got; !in->error;) {
    if (total > limit)
      in->error = g_strdup_printf("more than %" G_GUINT64_FORMAT " bytes (S7DIAG_SPOOL_LIMIT): write the "
                                  "capture to a file and give its name", limit);
    else if (got < PROBE_BYTES)
      break;   /* the end */
    else if (!read_fully(fd, buf, PROBE_BYTES, &got))
      in->error = g_strdup_printf("cannot read: %s", g_strerror(errno));
    else if (!write_fully(out, buf, got))
      in->error = g_strdup_printf("cannot write its temporary copy: %s", g_strerror(errno));
    else
      total += got;
  }
  g_free(buf);
  close(out);
  if (in->error) {   /* nothing of it stays */
    g_unlink(in->path);
    s7_temp_forget(in->path);
    in->temporary = FALSE;
    g_free(in->path);
    in->path = g_strdup(name);
  }
  return in;
}

S7Input *s7_input_open(const char *arg)
{
  if (!strcmp(arg, "-"))
    return spool("-", STDIN_FILENO);
  GStatBuf st;
  if (g_stat(arg, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
    return input_new(arg, arg, FALSE);   /* missing: said by the analysis */
  int fd = g_open(arg, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    S7Input *in = input_new(arg, arg, FALSE);
    in->error = g_strdup_printf("cannot read: %s", g_strerror(errno));
    return in;
  }
  s7_input_file_note(arg);
  S7Input *in = spool(arg, fd);
  close(fd);
  return in;
}

GPtrArray *s7_inputs_expand(char **args, guint n, char **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)s7_input_free);
  gboolean stdin_used = FALSE;
  for (guint i = 0; i < n; i++) {
    const char *a = args[i];
    if (!strcmp(a, "-")) {
      if (stdin_used) {
        *error = g_strdup("-: stdin can be read only once");
        g_ptr_array_unref(out);
        return NULL;
      }
      stdin_used = TRUE;
    }
    if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
      guint before = out->len;
      walk(a, out, 0);
      if (out->len == before) {
        *error = g_strdup_printf("%s: no captures (.pcap, .pcapng, .cap, also .gz, .zst, .lz4) in this directory", a);
        g_ptr_array_unref(out);
        return NULL;
      }
    } else {
      g_ptr_array_add(out, s7_input_open(a));
    }
  }
  return out;
}
