/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.c — evidence captures with packet comments (see evidence.h). */
#include "evidence.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "report_model.h"

/* editcap lives beside tshark */
static char *editcap_for(const char *tshark)
{
  g_autofree char *dir = strchr(tshark, '/') ? g_path_get_dirname(tshark) : NULL;
  return dir ? g_build_filename(dir, "editcap", NULL) : g_strdup("editcap");
}

static void free_gstring(gpointer s)
{
  g_string_free(s, TRUE);
}

static gint cmp_frame(gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);
  return x < y ? -1 : x > y;
}

static gboolean run(GPtrArray *argv, char **out, char **error, const char *what)
{
  g_ptr_array_add(argv, NULL);
  g_autofree char *err_text = NULL;
  gint status = 0;
  GError *e = NULL;
  gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                             out, &err_text, &status, &e);
  if (!ok) {
    *error = g_strdup_printf("%s: %s", what, e->message);
    g_error_free(e);
    return FALSE;
  }
  if (!g_spawn_check_wait_status(status, NULL)) {
    *error = g_strdup_printf("%s failed: %s", what, err_text ? g_strstrip(err_text) : "");
    return FALSE;
  }
  return TRUE;
}

gboolean s7_evidence_write(const json_t *capture, const char *path, const char *tshark,
                           const char *target, gboolean as_dir, S7Redactor *redact, char **error)
{
  const json_t *findings = json_object_get(capture, "findings");
  if (json_object_get(capture, "error") || !json_array_size(findings))
    return TRUE;
  /* frame -> comment naming every finding it is evidence of */
  g_autoptr(GHashTable) comments = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_gstring);
  GString *frame_set = g_string_new(NULL);
  size_t i, j;
  json_t *f, *n;
  json_array_foreach(findings, i, f) {
    json_array_foreach(json_object_get(f, "frames"), j, n) {
      guint frame = (guint)json_integer_value(n);
      GString *c = g_hash_table_lookup(comments, GUINT_TO_POINTER(frame));
      if (!c) {
        c = g_string_new(NULL);
        g_hash_table_insert(comments, GUINT_TO_POINTER(frame), c);
        g_string_append_printf(frame_set, "%s%u", frame_set->len ? ", " : "", frame);
      }
      if (!c->len)
        g_string_append_printf(c, "frame %u of %s: ", frame, s7_json_str(capture, "file"));
      else
        g_string_append(c, " | ");
      g_string_append_printf(c, "s7diag %s (%s): %s", s7_json_str(f, "kind"), s7_json_str(f, "severity"),
                             s7_json_str(f, "title"));
    }
  }
  g_autofree char *frames = g_string_free(frame_set, FALSE);
  g_autofree char *out_path = NULL;
  if (as_dir) {
    g_mkdir_with_parents(target, 0755);
    g_autofree char *base = g_path_get_basename(s7_json_str(capture, "file"));
    const char *pseudonym = redact ? s7_redact_secret(redact, base) : NULL;
    g_autofree char *name = g_strdup_printf("%s.evidence.pcapng", pseudonym ? pseudonym : base);
    out_path = g_build_filename(target, name, NULL);
  } else {
    out_path = g_strdup(target);
  }

  /* 1. the TCP streams of the evidence frames */
  g_autofree char *filter = g_strdup_printf("frame.number in {%s}", frames);
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  const char *const streams_argv[] = { tshark, "-n", "-r", path, "-Y", filter, "-T", "fields",
                                       "-e", "tcp.stream" };
  for (guint k = 0; k < G_N_ELEMENTS(streams_argv); k++)
    g_ptr_array_add(a, g_strdup(streams_argv[k]));
  g_autofree char *streams_out = NULL;
  gboolean ok = run(a, &streams_out, error, "tshark (evidence streams)");
  g_ptr_array_unref(a);
  if (!ok)
    return FALSE;
  GString *streams = g_string_new(NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  g_auto(GStrv) lines = g_strsplit(streams_out, "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strstrip(*l);
    if (**l && !g_hash_table_contains(seen, *l)) {
      g_hash_table_add(seen, *l);
      g_string_append_printf(streams, "%s%s", streams->len ? ", " : "", *l);
    }
  }

  /* 2. the comments, on the whole capture (frame numbers are still the original ones) */
  g_autofree char *tmp = NULL;
  int fd = g_file_open_tmp("s7diag-evidence-XXXXXX.pcapng", &tmp, NULL);
  if (fd < 0) {
    *error = g_strdup("cannot create a temporary file for the evidence");
    g_string_free(streams, TRUE);
    return FALSE;
  }
  close(fd);
  g_autofree char *editcap = editcap_for(tshark);
  a = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(a, g_strdup(editcap));
  g_ptr_array_add(a, g_strdup("-F"));
  g_ptr_array_add(a, g_strdup("pcapng"));
  GList *keys = g_list_sort(g_hash_table_get_keys(comments), cmp_frame);
  for (GList *k = keys; k; k = k->next) {
    GString *c = g_hash_table_lookup(comments, k->data);
    g_ptr_array_add(a, g_strdup("-a"));
    g_ptr_array_add(a, g_strdup_printf("%u:%s", GPOINTER_TO_UINT(k->data), c->str));
  }
  g_list_free(keys);
  g_ptr_array_add(a, g_strdup(path));
  g_ptr_array_add(a, g_strdup(tmp));
  ok = run(a, NULL, error, "editcap (evidence comments)");
  g_ptr_array_unref(a);

  /* 3. only the faulty connections (and frames without a stream, e.g. ICMP); redacted, it is
   * written to a private file first, so no unredacted copy is ever at the target */
  g_autofree char *plain_path = NULL;
  if (ok && redact) {
    int pfd = g_file_open_tmp("s7diag-evidence-plain-XXXXXX.pcapng", &plain_path, NULL);
    if (pfd < 0) {
      *error = g_strdup("cannot create a temporary file for the evidence");
      ok = FALSE;
    } else {
      close(pfd);
    }
  }
  const char *written = plain_path ? plain_path : out_path;
  if (ok) {
    g_autofree char *keep = streams->len
        ? g_strdup_printf("tcp.stream in {%s} || frame.number in {%s}", streams->str, frames)
        : g_strdup_printf("frame.number in {%s}", frames);
    a = g_ptr_array_new_with_free_func(g_free);
    const char *const write_argv[] = { tshark, "-n", "-r", tmp, "-Y", keep, "-F", "pcapng", "-w", written };
    for (guint k = 0; k < G_N_ELEMENTS(write_argv); k++)
      g_ptr_array_add(a, g_strdup(write_argv[k]));
    ok = run(a, NULL, error, "tshark (evidence file)");
    g_ptr_array_unref(a);
  }
  g_unlink(tmp);
  g_string_free(streams, TRUE);
  /* 4. redacted: addresses, names, comments */
  if (ok && redact) {
    char *why = NULL;
    ok = s7_redact_capture(redact, plain_path, out_path, &why);
    if (!ok) {
      g_unlink(out_path);
      *error = why;
    }
  }
  if (plain_path)
    g_unlink(plain_path);
  if (!ok) {
    g_autofree char *why = *error;
    *error = g_strdup_printf("%s: %s", out_path, why);
  }
  return ok;
}
