/* SPDX-License-Identifier: GPL-2.0-or-later */
/* outfile.c — outputs that never replace inputs, written whole, temporary files cleaned up
 * (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "bytes_text.h"

gboolean s7_is_capture_name(const char *name)
{
  static const char *const bases[] = { ".pcap", ".pcapng", ".cap" };
  static const char *const packed[] = { "", ".gz", ".zst", ".lz4" };
  for (guint i = 0; i < G_N_ELEMENTS(bases); i++)
    for (guint k = 0; k < G_N_ELEMENTS(packed); k++) {
      g_autofree char *ext = g_strconcat(bases[i], packed[k], NULL);
      if (g_str_has_suffix(name, ext))
        return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------------ inputs and outputs */

typedef struct {
  dev_t dev;
  ino_t ino;
  char *path;
} InputFile;

static GMutex inputs_lock;
static GArray *inputs;   /* InputFile */

void s7_input_file_note(const char *path)
{
  GStatBuf st;
  if (!path || g_stat(path, &st) != 0 || S_ISDIR(st.st_mode))
    return;
  g_mutex_lock(&inputs_lock);
  if (!inputs)
    inputs = g_array_new(FALSE, FALSE, sizeof(InputFile));
  gboolean known = FALSE;
  for (guint i = 0; i < inputs->len && !known; i++) {
    const InputFile *in = &g_array_index(inputs, InputFile, i);
    known = in->dev == st.st_dev && in->ino == st.st_ino;
  }
  if (!known) {
    InputFile in = { st.st_dev, st.st_ino, g_strdup(path) };
    g_array_append_val(inputs, in);
  }
  g_mutex_unlock(&inputs_lock);
}

/* The input that is this file (device and inode), or NULL */
static const char *input_named(const GStatBuf *st)
{
  const char *found = NULL;
  g_mutex_lock(&inputs_lock);
  for (guint i = 0; inputs && i < inputs->len && !found; i++) {
    const InputFile *in = &g_array_index(inputs, InputFile, i);
    if (in->dev == st->st_dev && in->ino == st->st_ino)
      found = in->path;
  }
  g_mutex_unlock(&inputs_lock);
  return found;
}

gboolean s7_file_is_capture(const char *path)
{
  guint8 m[4];
  FILE *f = fopen(path, "rb");
  if (!f)
    return FALSE;
  gboolean have = fread(m, 1, sizeof m, f) == sizeof m;
  fclose(f);
  if (!have)
    return FALSE;
  guint32 be = (guint32)m[0] << 24 | (guint32)m[1] << 16 | (guint32)m[2] << 8 | m[3];
  static const guint32 captures[] = {
    0x0A0D0D0A,                              /* pcapng */
    0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1, 0xA1B2CD34, 0x34CDB2A1,   /* pcap */
  };
  for (guint i = 0; i < G_N_ELEMENTS(captures); i++)
    if (be == captures[i])
      return TRUE;
  /* compressed: gzip, zstd, lz4 frames, when the name says a capture is inside */
  gboolean compressed = (m[0] == 0x1F && m[1] == 0x8B) || be == 0x28B52FFD || be == 0x04224D18;
  return compressed && s7_is_capture_name(path);
}

gboolean s7_output_allowed(const char *option, const char *path, S7OutputKind kind, char **why)
{
  GStatBuf st;
  if (!path || g_stat(path, &st) != 0 || S_ISDIR(st.st_mode))
    return TRUE;   /* a new file, or a directory the caller writes into */
  g_autofree char *shown = s7_bytes_text(path);
  const char *input = input_named(&st);
  if (input) {
    g_autofree char *in_shown = s7_bytes_text(input);
    *why = strcmp(input, path)
        ? g_strdup_printf("%s %s: is one of the inputs (%s, the same file); nothing was written", option, shown, in_shown)
        : g_strdup_printf("%s %s: is one of the inputs; nothing was written", option, shown);
    return FALSE;
  }
  if (kind == S7_OUT_REPORT && S_ISREG(st.st_mode) && s7_file_is_capture(path)) {
    *why = g_strdup_printf("%s %s: is a capture file, which a report never replaces; nothing was written", option, shown);
    return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------ temporary files */

#define TEMP_SLOTS 256
static GMutex temps_lock;
static char *volatile temps[TEMP_SLOTS];

void s7_temp_register(const char *path)
{
  g_mutex_lock(&temps_lock);
  for (guint i = 0; i < TEMP_SLOTS; i++)
    if (!temps[i]) {
      temps[i] = g_strdup(path);
      break;
    }
  g_mutex_unlock(&temps_lock);
}

void s7_temp_forget(const char *path)
{
  g_mutex_lock(&temps_lock);
  for (guint i = 0; i < TEMP_SLOTS; i++)
    if (temps[i] && !strcmp(temps[i], path)) {
      char *p = temps[i];
      temps[i] = NULL;
      g_free(p);
      break;
    }
  g_mutex_unlock(&temps_lock);
}

static void remove_temps(void)
{
  for (guint i = 0; i < TEMP_SLOTS; i++) {
    char *p = temps[i];
    if (p)
      unlink(p);   /* async-signal-safe; the strings stay allocated */
  }
}

static void on_fatal_signal(int sig)
{
  remove_temps();
  signal(sig, SIG_DFL);
  raise(sig);
}

static mode_t file_mode = 0644;   /* new files: 0666 less the umask */

void s7_temp_cleanup_install(void)
{
  mode_t mask = umask(022);
  umask(mask);
  file_mode = 0666 & ~mask;
  atexit(remove_temps);
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  for (guint i = 0; i < G_N_ELEMENTS(sigs); i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

/* ------------------------------------------------------------------ outputs written whole */

struct S7OutFile {
  char *final;       /* links followed */
  char *temp;
  FILE *f;
};

S7OutFile *s7_outfile_open(const char *path, GError **error)
{
  /* a link stays a link: its target is what gets replaced */
  char *resolved = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? realpath(path, NULL) : NULL;
  S7OutFile *o = g_new0(S7OutFile, 1);
  o->final = resolved ? g_strdup(resolved) : g_strdup(path);
  free(resolved);
  g_autofree char *dir = g_path_get_dirname(o->final);
  g_autofree char *base = g_path_get_basename(o->final);
  g_autofree char *templ = g_strdup_printf(".%s.s7diag-XXXXXX", base);
  o->temp = g_build_filename(dir, templ, NULL);
  int fd = g_mkstemp_full(o->temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    int saved = errno;
    g_autofree char *shown = s7_bytes_text(path);
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: cannot write: %s", shown, g_strerror(saved));
    g_free(o->final);
    g_free(o->temp);
    g_free(o);
    return NULL;
  }
  s7_temp_register(o->temp);
  o->f = fdopen(fd, "w");
  return o;
}

FILE *s7_outfile_stream(S7OutFile *o)
{
  return o->f;
}

const char *s7_outfile_temp_path(S7OutFile *o)
{
  if (o->f) {
    fclose(o->f);
    o->f = NULL;
  }
  return o->temp;
}

gboolean s7_outfile_commit(S7OutFile *o, GError **error)
{
  int err = 0;
  if (o->f) {
    if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
      err = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !err)
      err = errno;
    o->f = NULL;
  }
  /* the mode a file of its own would have had (or the one it replaces had) */
  GStatBuf st;
  mode_t mode = g_stat(o->final, &st) == 0 ? (st.st_mode & 07777) : file_mode;
  if (!err && g_chmod(o->temp, mode) != 0)
    err = errno;
  if (!err && g_rename(o->temp, o->final) != 0)
    err = errno;
  if (err) {
    g_autofree char *shown = s7_bytes_text(o->final);
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s: cannot write: %s", shown, g_strerror(err));
    g_unlink(o->temp);
  }
  s7_temp_forget(o->temp);
  g_free(o->final);
  g_free(o->temp);
  g_free(o);
  return err == 0;
}

void s7_outfile_abort(S7OutFile *o)
{
  if (!o)
    return;
  if (o->f)
    fclose(o->f);
  g_unlink(o->temp);
  s7_temp_forget(o->temp);
  g_free(o->final);
  g_free(o->temp);
  g_free(o);
}

gboolean s7_outfile_write(const char *path, S7OutFill fill, gpointer data, char **error)
{
  GError *e = NULL;
  S7OutFile *out = s7_outfile_open(path, &e);
  if (!out) {
    *error = g_strdup(e->message);
    g_error_free(e);
    return FALSE;
  }
  if (!fill(out, data, error)) {
    s7_outfile_abort(out);
    return FALSE;
  }
  if (!s7_outfile_commit(out, &e)) {
    *error = g_strdup(e->message);
    g_error_free(e);
    return FALSE;
  }
  return TRUE;
}
