/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.c — evidence captures with packet comments (see evidence.h). */
#include "evidence.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bytes_text.h"
#include "outfile.h"
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

/* A temporary file (removed on every exit, signals included), NULL when none can be made */
static char *temp_file(const char *templ)
{
  char *path = NULL;
  int fd = g_file_open_tmp(templ, &path, NULL);
  if (fd < 0)
    return NULL;
  close(fd);
  s7_temp_register(path);
  return path;
}

static void forget_temp(const char *path)
{
  if (!path)
    return;
  g_unlink(path);
  s7_temp_forget(path);
}

/* tshark's or editcap's message: its lines, without the one about running as root */
static char *tool_message(const char *text)
{
  GString *out = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strstrip(*l);
    if (!**l || strstr(*l, "Running as user \"root\""))
      continue;
    g_string_append_printf(out, "%s%s", out->len ? " " : "", *l);
  }
  return g_string_free(out, FALSE);
}

/* Runs a tool; a capture that ends in the middle of a packet or is damaged is read up to there
 * and is no failure (*truncated is set) */
static gboolean run(GPtrArray *argv, char **out, char **error, const char *what, gboolean *truncated)
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
  g_autofree char *msg = tool_message(err_text);
  if (strstr(msg, "cut short in the middle of a packet") || strstr(msg, "appears to be damaged or corrupt"))
    *truncated = TRUE;
  else if (!g_spawn_check_wait_status(status, NULL)) {
    *error = g_strdup_printf("%s failed: %s", what, *msg ? msg : "no message");
    return FALSE;
  }
  return TRUE;
}

char *s7_evidence_path(const char *target, gboolean as_dir, const char *file, S7Redactor *redact)
{
  if (!as_dir)
    return g_strdup(target);
  g_autofree char *base = g_path_get_basename(file);
  g_autofree char *base_text = s7_bytes_text(base);   /* as the report, which the redactor learned, shows it */
  const char *pseudonym = redact ? s7_redact_secret(redact, base_text) : NULL;
  g_autofree char *name = g_strdup_printf("%s.evidence.pcapng", pseudonym ? pseudonym : base);
  return g_build_filename(target, name, NULL);
}

gboolean s7_evidence_write(const json_t *capture, const char *path, const char *tshark,
                           const char *target, gboolean as_dir, S7Redactor *redact, gboolean *truncated,
                           char **error)
{
  *truncated = FALSE;
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
  g_autofree char *file = s7_report_capture_file(capture);
  g_autofree char *out_path = s7_evidence_path(target, as_dir, file, redact);
  char *why = NULL;
  if (!s7_output_allowed("-e", out_path, S7_OUT_CAPTURE, &why)) {
    *error = why;
    return FALSE;
  }
  if (as_dir)
    g_mkdir_with_parents(target, 0755);

  /* 1. the TCP streams of the evidence frames */
  g_autofree char *filter = g_strdup_printf("frame.number in {%s}", frames);
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  const char *const streams_argv[] = { tshark, "-n", "-r", path, "-Y", filter, "-T", "fields",
                                       "-e", "tcp.stream" };
  for (guint k = 0; k < G_N_ELEMENTS(streams_argv); k++)
    g_ptr_array_add(a, g_strdup(streams_argv[k]));
  g_autofree char *streams_out = NULL;
  gboolean ok = run(a, &streams_out, error, "tshark (evidence streams)", truncated);
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
  g_autofree char *tmp = temp_file("s7diag-evidence-XXXXXX.pcapng");
  g_autofree char *plain_path = redact ? temp_file("s7diag-evidence-plain-XXXXXX.pcapng") : NULL;
  GError *e = NULL;
  S7OutFile *out = tmp && (!redact || plain_path) ? s7_outfile_open(out_path, &e) : NULL;
  if (!out) {
    *error = e ? g_strdup(e->message) : g_strdup("cannot create a temporary file for the evidence");
    g_clear_error(&e);
    forget_temp(tmp);
    forget_temp(plain_path);
    g_string_free(streams, TRUE);
    return FALSE;
  }
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
  ok = run(a, NULL, error, "editcap (evidence comments)", truncated);
  g_ptr_array_unref(a);

  /* 3. only the faulty connections (and frames without a stream, e.g. ICMP), into a temporary
   * file beside the target, renamed into place when whole; redacted, it is written to a private
   * file first, so no unredacted copy is ever beside the target */
  if (ok) {
    g_autofree char *keep = streams->len
        ? g_strdup_printf("tcp.stream in {%s} || frame.number in {%s}", streams->str, frames)
        : g_strdup_printf("frame.number in {%s}", frames);
    a = g_ptr_array_new_with_free_func(g_free);
    const char *written = plain_path ? plain_path : s7_outfile_temp_path(out);
    const char *const write_argv[] = { tshark, "-n", "-r", tmp, "-Y", keep, "-F", "pcapng", "-w", written };
    for (guint k = 0; k < G_N_ELEMENTS(write_argv); k++)
      g_ptr_array_add(a, g_strdup(write_argv[k]));
    ok = run(a, NULL, error, "tshark (evidence file)", truncated);
    g_ptr_array_unref(a);
  }
  forget_temp(tmp);
  g_string_free(streams, TRUE);
  /* 4. redacted: addresses, names, comments */
  if (ok && redact)
    ok = s7_redact_capture(redact, plain_path, s7_outfile_temp_path(out), error);
  forget_temp(plain_path);
  if (ok && !s7_outfile_commit(out, &e)) {
    *error = g_strdup(e->message);
    g_error_free(e);
    return FALSE;
  }
  if (!ok) {
    s7_outfile_abort(out);
    g_autofree char *reason = *error;
    g_autofree char *shown = s7_bytes_text(out_path);
    *error = g_strdup_printf("%s: %s", shown, reason);
  }
  return ok;
}
