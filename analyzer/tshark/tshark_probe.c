/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_probe.c — learn the tshark at hand (see tshark_probe.h).
 *
 * The cache file (~/.cache/s7diag/tshark-<key>.fields) is keyed by the tshark binary's path,
 * size, mtime and ctime and by the engine's field list: Debian upgrades tshark and libwireshark together, from one source
 * package, so a new libwireshark comes with a new tshark binary. It holds the version and
 * the lines of `tshark -G fields` for the engine's fields; a damaged or foreign file is
 * ignored and rewritten. */
#include "tshark_probe.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "children.h"

G_DEFINE_QUARK(s7diag-tshark-probe-error-quark, s7_tshark_probe_error)

#define CACHE_MAGIC "s7diag-tshark-fields 1"

char *s7_tshark_parse_version(const char *out)
{
  if (!out)
    return NULL;
  gsize line_len = strcspn(out, "\n");
  g_autoptr(GRegex) re = g_regex_new("([0-9]+\\.[0-9]+\\.[0-9]+)", 0, 0, NULL);
  g_autofree char *line = g_strndup(out, line_len);
  g_autoptr(GMatchInfo) m = NULL;
  if (!g_regex_match(re, line, 0, &m))
    return NULL;
  return g_match_info_fetch(m, 1);
}

static GSubprocess *spawn(const char *tshark, const char *arg, GError **error)
{
  const char *argv[] = { tshark, arg, arg[1] == 'G' ? "fields" : NULL, NULL };
  g_autoptr(GSubprocessLauncher) l =
      s7_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, FALSE);
  g_subprocess_launcher_setenv(l, "LC_ALL", "C", TRUE);
  return g_subprocess_launcher_spawnv(l, argv, error);
}

/* `tshark -G fields`: "F\tName\tabbrev\ttype\tparent\tbase\tbitmask\tblurb" per field */
static void read_fields(GSubprocess *proc, S7FieldProfile *prof, GString *cache_text)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
  g_buffered_input_stream_set_buffer_size(G_BUFFERED_INPUT_STREAM(in), 1 << 16);
  char *line;
  gsize len;
  while ((line = g_data_input_stream_read_line(in, &len, NULL, NULL))) {
    if (line[0] == 'F' && line[1] == '\t') {
      char *cols[8] = { 0 };
      guint n = 0;
      for (char *p = line; n < G_N_ELEMENTS(cols) && p; n++) {
        cols[n] = p;
        p = strchr(p, '\t');
        if (p)
          *p++ = '\0';
      }
      if (n >= 7 && s7_field_by_name(cols[2]) != S7F_COUNT && !prof->have[s7_field_by_name(cols[2])]) {
        guint64 mask = g_ascii_strtoull(cols[6], NULL, 0);
        s7_field_profile_add(prof, cols[2], mask);
        g_string_append_printf(cache_text, "%s\t0x%" G_GINT64_MODIFIER "x\n", cols[2], mask);
      }
    }
    g_free(line);
  }
}

static char *cache_path(const char *tshark_path)
{
  GStatBuf st;
  if (g_stat(tshark_path, &st) != 0)
    return NULL;
  g_autofree char *real = g_canonicalize_filename(tshark_path, NULL);
  /* the engine's field list is part of the key: a newer s7diag asks for more fields */
  GString *key_text = g_string_new(NULL);
  g_string_printf(key_text, "%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT, real,
                  (gint64)st.st_size, (gint64)st.st_mtime, (gint64)st.st_ctime);
  for (guint i = 0; i < S7F_COUNT; i++)
    g_string_append_printf(key_text, "|%s", s7_field_info((S7Field)i)->name);
  g_autofree char *key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key_text->str, -1);
  g_string_free(key_text, TRUE);
  key[16] = '\0';
  g_autofree char *name = g_strdup_printf("tshark-%s.fields", key);
  return g_build_filename(g_get_user_cache_dir(), "s7diag", name, NULL);
}

static gboolean cache_read(const char *file, S7Tshark *t)
{
  g_autofree char *text = NULL;
  if (!file || !g_file_get_contents(file, &text, NULL, NULL))
    return FALSE;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  if (!lines[0] || strcmp(lines[0], CACHE_MAGIC) != 0 || !lines[1] || !g_str_has_prefix(lines[1], "version\t"))
    return FALSE;
  t->version = g_strdup(lines[1] + strlen("version\t"));
  for (char **l = lines + 2; *l && **l; l++) {
    char *tab = strchr(*l, '\t');
    if (!tab) {
      g_clear_pointer(&t->version, g_free);
      s7_field_profile_init(&t->profile);
      return FALSE;
    }
    *tab = '\0';
    s7_field_profile_add(&t->profile, *l, g_ascii_strtoull(tab + 1, NULL, 0));
  }
  return TRUE;
}

static void cache_write(const char *file, const char *version, const GString *fields)
{
  if (!file)
    return;
  g_autofree char *dir = g_path_get_dirname(file);
  if (g_mkdir_with_parents(dir, 0755) != 0)
    return;  /* no cache then: the next run asks tshark again */
  g_autofree char *text = g_strdup_printf(CACHE_MAGIC "\nversion\t%s\n%s", version, fields->str);
  g_file_set_contents(file, text, -1, NULL);
}

static gboolean learn(const char *path, S7Tshark *t, GError **error)
{
  GError *err = NULL;
  g_autoptr(GSubprocess) vproc = spawn(path, "--version", &err);
  g_autoptr(GSubprocess) fproc = vproc ? spawn(path, "-G", &err) : NULL;
  if (!fproc) {
    g_set_error(error, s7_tshark_probe_error_quark(), 1, "cannot run tshark (%s): %s", path, err->message);
    g_error_free(err);
    if (vproc)
      g_subprocess_force_exit(vproc);
    return FALSE;
  }
  g_autoptr(GString) fields = g_string_new(NULL);
  read_fields(fproc, &t->profile, fields);
  g_autofree char *vout = NULL;
  g_subprocess_communicate_utf8(vproc, NULL, NULL, &vout, NULL, NULL);
  g_subprocess_wait(fproc, NULL, NULL);
  t->version = s7_tshark_parse_version(vout);
  if (!t->version || !fields->len) {
    g_set_error(error, s7_tshark_probe_error_quark(), 1,
                "%s does not answer like tshark (--version / -G fields): is it Wireshark's tshark?", path);
    return FALSE;
  }
  g_autofree char *cache = cache_path(path);
  cache_write(cache, t->version, fields);
  return TRUE;
}

gboolean s7_tshark_probe(const char *tshark, S7Tshark *t, GError **error)
{
  memset(t, 0, sizeof *t);
  s7_field_profile_init(&t->profile);
  g_autofree char *found = strchr(tshark, '/') ? g_strdup(tshark) : g_find_program_in_path(tshark);
  if (!found || !g_file_test(found, G_FILE_TEST_IS_EXECUTABLE)) {
    g_set_error(error, s7_tshark_probe_error_quark(), 1,
                "tshark not found (%s): install the Debian package 'tshark' or give --tshark PATH", tshark);
    return FALSE;
  }
  t->path = g_steal_pointer(&found);
  g_autofree char *cache = cache_path(t->path);
  if (!cache_read(cache, t) && !learn(t->path, t, error)) {
    s7_tshark_clear(t);
    return FALSE;
  }
  const char *missing = NULL;
  if (!s7_field_profile_finish(&t->profile, &missing)) {
    g_set_error(error, s7_tshark_probe_error_quark(), 1,
                "tshark %s (%s) has no field '%s', which s7diag reads; s7diag knows the dissectors "
                "of Wireshark 4.0, 4.4 and 4.6", t->version, t->path, missing);
    s7_tshark_clear(t);
    return FALSE;
  }
  for (guint i = 0; i < S7F_COUNT; i++)
    if (t->profile.have[i])
      t->columns[t->n_columns++] = (S7Field)i;
  return TRUE;
}

void s7_tshark_clear(S7Tshark *t)
{
  g_free(t->path);
  g_free(t->version);
  memset(t, 0, sizeof *t);
}
