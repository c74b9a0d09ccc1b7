/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.c — command-line inputs -> captures (see inputs.h). */
#include "inputs.h"

#include "outfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

gboolean s7_is_capture_name(const char *name)
{
  static const char *const exts[] = { ".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz" };
  for (guint i = 0; i < G_N_ELEMENTS(exts); i++)
    if (g_str_has_suffix(name, exts[i]))
      return TRUE;
  return FALSE;
}

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
  if (in->temporary)
    g_unlink(in->path);
  g_free(in->name);
  g_free(in->path);
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

static char *spool_stdin(char **error)
{
  char *path = NULL;
  int fd = g_file_open_tmp("s7diag-stdin-XXXXXX.pcap", &path, NULL);
  if (fd < 0) {
    *error = g_strdup("-: cannot create a temporary file for stdin");
    return NULL;
  }
  char buf[1 << 16];
  ssize_t n;
  gboolean ok = TRUE;
  while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
    if (write(fd, buf, (size_t)n) != n) {
      ok = FALSE;
      break;
    }
  if (n < 0)
    ok = FALSE;
  close(fd);
  if (!ok) {
    *error = g_strdup_printf("-: cannot read stdin: %s", g_strerror(errno));
    g_unlink(path);
    g_free(path);
    return NULL;
  }
  return path;
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
      char *tmp = spool_stdin(error);
      if (!tmp) {
        g_ptr_array_unref(out);
        return NULL;
      }
      g_ptr_array_add(out, input_new("-", tmp, TRUE));
      g_free(tmp);
    } else if (g_file_test(a, G_FILE_TEST_IS_DIR)) {
      guint before = out->len;
      walk(a, out, 0);
      if (out->len == before) {
        *error = g_strdup_printf("%s: no captures (.pcap, .pcapng, .cap, also .gz) in this directory", a);
        g_ptr_array_unref(out);
        return NULL;
      }
    } else {
      g_ptr_array_add(out, input_new(a, a, FALSE));
    }
  }
  return out;
}
