/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dumpcap_run.c — capturing with dumpcap (see dumpcap_run.h). */
#include "dumpcap_run.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "children.h"

/* dumpcap's complaint, one line, with what to do about capture rights */
char *s7_dumpcap_message(const char *text)
{
  GString *out = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strstrip(*l);
    if (!**l || g_str_has_prefix(*l, "Capturing on") || g_str_has_prefix(*l, "File:") ||
        g_str_has_prefix(*l, "Running as user"))
      continue;
    if (out->len)
      g_string_append_c(out, ' ');
    g_string_append(out, *l);
  }
  if (strstr(out->str, "ermission") || strstr(out->str, "not permitted")) {
    char *long_help = strstr(out->str, " Please check");   /* dumpcap's paragraph of advice */
    if (long_help)
      g_string_truncate(out, (gsize)(long_help - out->str));
    g_string_append(out, " (capture rights: run as root, or let the user capture: "
                         "sudo dpkg-reconfigure wireshark-common, then sudo adduser USER wireshark "
                         "and log in again)");
  }
  if (!out->len)
    g_string_append(out, "no message");
  return g_string_free(out, FALSE);
}

char *s7_read_stream_text(GInputStream *in)
{
  GString *s = g_string_new(NULL);
  char b[4096];
  gssize n;
  while ((n = g_input_stream_read(in, b, sizeof b, NULL, NULL)) > 0)
    if (s->len < 65536)
      g_string_append_len(s, b, n);
  return g_string_free(s, FALSE);
}

GSubprocess *s7_dumpcap_spawn(const char *dumpcap, char *const *ifaces, const char *bpf, const char *out,
                              char **error)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(dumpcap ? dumpcap : "dumpcap"));
  g_ptr_array_add(argv, g_strdup("-q"));
  for (char *const *i = ifaces; i && *i; i++) {
    g_ptr_array_add(argv, g_strdup("-i"));
    g_ptr_array_add(argv, g_strdup(*i));
  }
  g_ptr_array_add(argv, g_strdup("-f"));
  g_ptr_array_add(argv, g_strdup(bpf));
  g_ptr_array_add(argv, g_strdup("-w"));
  g_ptr_array_add(argv, g_strdup(out));
  g_ptr_array_add(argv, NULL);
  /* its own process group (watch stops it with SIGTERM, so it ends its file), and gone with us */
  g_autoptr(GSubprocessLauncher) launcher =
      s7_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, TRUE);
  GError *err = NULL;
  GSubprocess *p = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &err);
  g_ptr_array_unref(argv);
  if (!p) {
    *error = g_error_matches(err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
                 ? g_strdup("dumpcap not found: install the Debian package 'wireshark-common' (or give --dumpcap PATH)")
                 : g_strdup(err->message);
    g_clear_error(&err);
  }
  return p;
}

int s7_dumpcap_stop(GSubprocess *dumpcap, char **messages)
{
  g_subprocess_send_signal(dumpcap, SIGTERM);
  g_subprocess_wait(dumpcap, NULL, NULL);
  g_autofree char *text = s7_read_stream_text(g_subprocess_get_stderr_pipe(dumpcap));
  *messages = s7_dumpcap_message(text);
  int status = g_subprocess_get_if_exited(dumpcap) ? g_subprocess_get_exit_status(dumpcap) : 0;
  g_object_unref(dumpcap);
  return status;
}

gboolean s7_write_all(int fd, const void *data, gsize n)
{
  const guint8 *b = data;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return FALSE;
    b += w;
    n -= (gsize)w;
  }
  return TRUE;
}
