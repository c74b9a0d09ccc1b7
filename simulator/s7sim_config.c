/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7sim_config.c — the simulated CPU's settings (see s7sim_config.h). */
#include "s7sim_config.h"

#include <stdio.h>
#include <string.h>

void s7sim_config_init(S7SimConfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->listen = g_strdup("0.0.0.0");
  cfg->port = 102;
  cfg->rack = 0;
  cfg->slot = 1;
  cfg->pdu_size = 480;
  cfg->max_amq = 3;
  /* a CPU or CP drops a connection it hears nothing on (CP 243-1: after 60 s when its
   * channels are taken; S7 CPs: keep-alives every 30 s), so idle clients cannot hold every
   * connection resource for ever */
  cfg->idle_timeout_s = 60;
  cfg->putget = TRUE;
  cfg->userdata = TRUE;
  cfg->m_size = cfg->i_size = cfg->q_size = 1024;
  cfg->t_count = cfg->c_count = 256;
}

void s7sim_config_clear(S7SimConfig *cfg)
{
  g_free(cfg->listen);
  for (guint i = 0; i < cfg->n_dbs; i++)
    g_free(cfg->dbs[i].data);
  memset(cfg, 0, sizeof *cfg);
}

static gboolean parse_uint(const char *v, guint64 max, guint64 *out)
{
  if (!v || !*v)
    return FALSE;
  char *end;
  guint64 n = g_ascii_strtoull(v, &end, 0);
  if (*end || n > max)
    return FALSE;
  *out = n;
  return TRUE;
}

static gboolean parse_bool(const char *v, gboolean *out)
{
  if (!g_ascii_strcasecmp(v, "on") || !g_ascii_strcasecmp(v, "true") || !strcmp(v, "1") ||
      !g_ascii_strcasecmp(v, "yes")) {
    *out = TRUE;
    return TRUE;
  }
  if (!g_ascii_strcasecmp(v, "off") || !g_ascii_strcasecmp(v, "false") || !strcmp(v, "0") ||
      !g_ascii_strcasecmp(v, "no")) {
    *out = FALSE;
    return TRUE;
  }
  return FALSE;
}

S7SimDb *s7sim_config_db(S7SimConfig *cfg, guint16 number)
{
  for (guint i = 0; i < cfg->n_dbs; i++)
    if (cfg->dbs[i].number == number)
      return &cfg->dbs[i];
  return NULL;
}

/* "NUMBER:SIZE[:optimized|missing|read-only]..." */
static gboolean parse_db(S7SimConfig *cfg, const char *v, char **error)
{
  g_auto(GStrv) parts = g_strsplit(v, ":", -1);
  guint64 num, size;
  if (!parts[0] || !parts[1] || !parse_uint(parts[0], 65535, &num) || num == 0 ||
      !parse_uint(parts[1], 65536, &size)) {
    *error = g_strdup_printf("db=%s: want NUMBER:SIZE[:optimized|missing|read-only]", v);
    return FALSE;
  }
  S7SimDb *db = s7sim_config_db(cfg, (guint16)num);
  if (!db) {
    if (cfg->n_dbs >= S7SIM_MAX_DBS) {
      *error = g_strdup_printf("db=%s: at most %d DBs", v, S7SIM_MAX_DBS);
      return FALSE;
    }
    db = &cfg->dbs[cfg->n_dbs++];
  }
  g_free(db->data);
  db->number = (guint16)num;
  db->size = (guint32)size;
  db->flags = DB_OK;
  db->data = g_malloc0(MAX(size, 1));
  for (guint i = 0; i < size; i++)
    db->data[i] = (guint8)(i * 7 + num);   /* recognisable contents */
  for (char **f = parts + 2; *f; f++) {
    if (!strcmp(*f, "optimized"))
      db->flags |= DB_OPTIMIZED;
    else if (!strcmp(*f, "missing"))
      db->flags |= DB_MISSING;
    else if (!strcmp(*f, "read-only") || !strcmp(*f, "protected"))
      db->flags |= DB_READ_ONLY;
    else {
      *error = g_strdup_printf("db=%s: unknown flag '%s' (optimized, missing, read-only)", v, *f);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean s7sim_config_set(S7SimConfig *cfg, const char *key, const char *value, char **error)
{
  guint64 n;
  gboolean b;
  const char *v = value ? value : "";
#define UINT_KEY(name, field, max)                                             \
  if (!strcmp(key, name)) {                                                    \
    if (!parse_uint(v, max, &n)) {                                             \
      *error = g_strdup_printf("%s=%s: want a number up to %u", name, v, (guint)(max)); \
      return FALSE;                                                            \
    }                                                                          \
    cfg->field = (__typeof__(cfg->field))n;                                    \
    return TRUE;                                                               \
  }
  UINT_KEY("port", port, 65535)
  UINT_KEY("rack", rack, 7)
  UINT_KEY("slot", slot, 31)
  UINT_KEY("pdu", pdu_size, 65535)
  UINT_KEY("max-amq", max_amq, 255)
  UINT_KEY("max-connections", max_connections, 100000)
  UINT_KEY("delay-ms", delay_ms, 600000)
  UINT_KEY("drop-every", drop_every, 1000000)
  UINT_KEY("idle-timeout", idle_timeout_s, 86400)
  UINT_KEY("m-size", m_size, 65536)
  UINT_KEY("i-size", i_size, 65536)
  UINT_KEY("q-size", q_size, 65536)
#undef UINT_KEY
  if (!strcmp(key, "listen")) {
    g_free(cfg->listen);
    cfg->listen = g_strdup(v);
    return TRUE;
  }
  if (!strcmp(key, "putget")) {
    if (!parse_bool(v, &b)) {
      *error = g_strdup_printf("putget=%s: want on or off", v);
      return FALSE;
    }
    cfg->putget = b;
    return TRUE;
  }
  if (!strcmp(key, "userdata")) {
    if (!parse_bool(v, &b)) {
      *error = g_strdup_printf("userdata=%s: want on or off", v);
      return FALSE;
    }
    cfg->userdata = b;
    return TRUE;
  }
  if (!strcmp(key, "quiet")) {
    if (!parse_bool(v, &b)) {
      *error = g_strdup_printf("quiet=%s: want on or off", v);
      return FALSE;
    }
    cfg->quiet = b;
    return TRUE;
  }
  if (!strcmp(key, "db"))
    return parse_db(cfg, v, error);
  *error = g_strdup_printf("unknown setting '%s'", key);
  return FALSE;
}

gboolean s7sim_config_load(S7SimConfig *cfg, const char *path, char **error)
{
  g_autofree char *text = NULL;
  GError *e = NULL;
  if (!g_file_get_contents(path, &text, NULL, &e)) {
    *error = g_strdup_printf("%s: %s", path, e->message);
    g_error_free(e);
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  guint lineno = 0;
  for (char **l = lines; *l; l++) {
    lineno++;
    char *line = g_strstrip(*l);
    if (!*line || *line == '#')
      continue;
    char *eq = strchr(line, '=');
    if (!eq) {
      *error = g_strdup_printf("%s:%u: want key = value", path, lineno);
      return FALSE;
    }
    *eq = '\0';
    char *why = NULL;
    if (!s7sim_config_set(cfg, g_strstrip(line), g_strstrip(eq + 1), &why)) {
      *error = g_strdup_printf("%s:%u: %s", path, lineno, why);
      g_free(why);
      return FALSE;
    }
  }
  return TRUE;
}
