/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tshark_run.c — run the stock tshark on a capture and stream its field rows, typed. */
#include "tshark_run.h"

#include <gio/gio.h>
#include <string.h>

#include "children.h"
#include "tshark_row.h"

G_DEFINE_QUARK(s7diag-tshark-error-quark, s7_tshark_error)

typedef struct {
  GInputStream *in;
  GString *buf;
} ErrDrain;

static gpointer drain_stderr(gpointer data)
{
  ErrDrain *d = data;
  char b[4096];
  gssize n;
  while ((n = g_input_stream_read(d->in, b, sizeof b, NULL, NULL)) > 0)
    if (d->buf->len < 65536)
      g_string_append_len(d->buf, b, n);
  return NULL;
}

static GPtrArray *build_argv(const S7TsharkOptions *opt, const char *file)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(opt->tshark->path));
  g_ptr_array_add(argv, g_strdup("-n"));
  if (opt->line_buffered)
    g_ptr_array_add(argv, g_strdup("-l"));
  g_ptr_array_add(argv, g_strdup("-r"));
  g_ptr_array_add(argv, g_strdup(file));
  for (guint i = 0; i < opt->n_ports; i++) {
    if (opt->ports[i] == 102)
      continue;
    g_ptr_array_add(argv, g_strdup("-d"));
    g_ptr_array_add(argv, g_strdup_printf("tcp.port==%u,tpkt", opt->ports[i]));
  }
  g_ptr_array_add(argv, g_strdup("-T"));
  g_ptr_array_add(argv, g_strdup("fields"));
  g_ptr_array_add(argv, g_strdup("-E"));
  g_ptr_array_add(argv, g_strdup("occurrence=a"));
  g_ptr_array_add(argv, g_strdup("-E"));
  g_ptr_array_add(argv, g_strdup("aggregator=,"));
  g_ptr_array_add(argv, g_strdup("-E"));
  g_ptr_array_add(argv, g_strdup("separator=/t"));
  for (guint i = 0; i < opt->tshark->n_columns; i++) {
    g_ptr_array_add(argv, g_strdup("-e"));
    g_ptr_array_add(argv, g_strdup(s7_field_info(opt->tshark->columns[i])->name));
  }
  g_ptr_array_add(argv, NULL);
  return argv;
}

/* tshark's stderr, minus the root warning and blank lines, as one line */
static char *clean_stderr(const char *text)
{
  GString *out = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strstrip(*l);
    if (!**l || strstr(*l, "Running as user \"root\"") || g_str_has_prefix(*l, "tshark: Lua:") ||
        strstr(*l, "matched 2 dissectors, first one will be used"))   /* -d …,tpkt: tpkt is registered twice */
      continue;
    if (out->len)
      g_string_append_c(out, ' ');
    g_string_append(out, *l);
  }
  return g_string_free(out, FALSE);
}

typedef struct {
  const S7TsharkOptions *opt;
  S7FieldRow row;
  S7RowFunc fn;
  gpointer user_data;
  S7RowStats *stats;
} LineCtx;

static void on_line(LineCtx *lc, char *line)
{
  if (s7_tshark_row_parse(line, lc->opt->tshark->columns, lc->opt->tshark->n_columns, &lc->row))
    lc->fn(&lc->row, lc->user_data);
  else
    s7_row_stats_malformed(lc->stats);
}

gboolean s7_tshark_run(const S7TsharkOptions *opt, const char *file, int stdin_fd, S7RowFunc row_fn,
                       gpointer user_data, S7RowStats *stats, S7TsharkResult *result, GError **error)
{
  memset(result, 0, sizeof *result);
  g_autoptr(GPtrArray) argv = build_argv(opt, file);
  g_autoptr(GSubprocessLauncher) launcher =
      s7_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, FALSE);
  if (stdin_fd >= 0)
    g_subprocess_launcher_take_stdin_fd(launcher, stdin_fd);
  /* a stable environment: no personal preferences that change dissection */
  g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
  GError *spawn_err = NULL;
  g_autoptr(GSubprocess) proc =
      g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &spawn_err);
  if (!proc) {
    if (g_error_matches(spawn_err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
      g_set_error(error, s7_tshark_error_quark(), 1,
                  "tshark not found (%s): install the Debian package 'tshark' or give --tshark PATH",
                  opt->tshark->path);
    else
      g_set_error(error, s7_tshark_error_quark(), 1, "cannot run tshark (%s): %s", opt->tshark->path,
                  spawn_err->message);
    g_clear_error(&spawn_err);
    return FALSE;
  }

  /* stderr is drained by a thread so a chatty tshark cannot block on a full pipe */
  ErrDrain drain = { g_subprocess_get_stderr_pipe(proc), g_string_new(NULL) };
  GThread *err_thread = g_thread_new("tshark-stderr", drain_stderr, &drain);

  /* rows in large reads, split in place: no allocation per row */
  GInputStream *out = g_subprocess_get_stdout_pipe(proc);
  LineCtx lc = { opt, { 0 }, row_fn, user_data, stats };
  s7_field_row_init(&lc.row);
  gsize cap = 1 << 20, have = 0;
  char *buf = g_malloc(cap + 1);
  gssize n;
  while ((n = g_input_stream_read(out, buf + have, cap - have, NULL, NULL)) > 0) {
    have += (gsize)n;
    char *line = buf, *nl;
    while ((nl = memchr(line, '\n', have - (gsize)(line - buf)))) {
      *nl = '\0';
      on_line(&lc, line);
      line = nl + 1;
    }
    gsize rest = have - (gsize)(line - buf);
    memmove(buf, line, rest);
    have = rest;
    if (opt->gather_us && n < 16384)
      g_usleep(opt->gather_us);
    if (have == cap) {   /* a row longer than the buffer: grow */
      cap *= 2;
      buf = g_realloc(buf, cap + 1);
    }
  }
  if (have) {            /* a last row without its newline */
    buf[have] = '\0';
    on_line(&lc, buf);
  }
  g_free(buf);
  s7_field_row_clear(&lc.row);
  g_thread_join(err_thread);
  g_subprocess_wait(proc, NULL, NULL);
  g_autofree char *err_text = g_string_free(drain.buf, FALSE);
  g_autofree char *msg = clean_stderr(err_text);
  int status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1;
  if (status == 0 && !*msg)
    return TRUE;
  if (strstr(msg, "cut short in the middle of a packet") || strstr(msg, "appears to be damaged or corrupt")
      || strstr(msg, "truncated")) {
    result->truncated = TRUE;
    result->warning = g_steal_pointer(&msg);
    return TRUE;
  }
  if (status == 0) {
    result->warning = g_steal_pointer(&msg);
    return TRUE;
  }
  if (strstr(msg, "isn't a capture file") || strstr(msg, "unknown file format") ||
      strstr(msg, "not a capture file"))
    g_set_error(error, s7_tshark_error_quark(), 2, "not a capture file tshark can read");
  else if (strstr(msg, "doesn't exist") || strstr(msg, "No such file"))
    g_set_error(error, s7_tshark_error_quark(), 2, "file not found");
  else if (strstr(msg, "permission") || strstr(msg, "Permission"))
    g_set_error(error, s7_tshark_error_quark(), 2, "permission denied");
  else
    g_set_error(error, s7_tshark_error_quark(), 2, "tshark failed (exit %d): %s", status,
                *msg ? msg : "no message");
  return FALSE;
}
