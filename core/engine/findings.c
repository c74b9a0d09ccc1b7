/* SPDX-License-Identifier: GPL-2.0-or-later */
/* findings.c — findings under construction: their store, evidence, display filters and order
 * (see findings.h). */
#include "findings.h"

#include <string.h>

#define MAX_CONN_KEYS 1024

static void finding_free(S7Finding *f)
{
  if (!f)
    return;
  g_free(f->plc); g_free(f->client); g_free(f->code); g_free(f->detail); g_free(f->title);
  g_free(f->explanation); g_free(f->action); g_free(f->client_says); g_free(f->filter);
  g_free(f->confidence_reason);
  if (f->frames)
    g_array_unref(f->frames);
  g_free(f);
}

S7Finding *s7_finding_copy(const S7Finding *f)
{
  S7Finding *n = g_memdup2(f, sizeof *f);
  n->plc = g_strdup(f->plc);
  n->client = g_strdup(f->client);
  n->code = g_strdup(f->code);
  n->detail = g_strdup(f->detail);
  n->title = g_strdup(f->title);
  n->explanation = g_strdup(f->explanation);
  n->action = g_strdup(f->action);
  n->client_says = g_strdup(f->client_says);
  n->filter = g_strdup(f->filter);
  n->confidence_reason = g_strdup(f->confidence_reason);
  if (f->frames) {
    n->frames = g_array_sized_new(FALSE, FALSE, sizeof(guint32), f->frames->len);
    g_array_append_vals(n->frames, f->frames->data, f->frames->len);
  }
  return n;
}

void s7_agg_free(Agg *a)
{
  finding_free(a->f);
  g_free(a->client_ip);
  g_free(a->x.called_tsap);
  g_free(a->x.consequence_functions);
  g_hash_table_unref(a->conn_keys);
  g_free(a);
}

void s7_findings_init(Findings *fs, guint max_evidence_frames)
{
  memset(fs, 0, sizeof *fs);
  fs->aggs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)s7_agg_free);
  fs->agg_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  fs->max_evidence_frames = max_evidence_frames;
}

void s7_findings_clear(Findings *fs)
{
  g_clear_pointer(&fs->aggs, g_hash_table_unref);
  g_clear_pointer(&fs->agg_counts, g_hash_table_unref);
}

Agg *s7_agg_get(Findings *fs, S7Kind kind, const char *plc, const char *client_ip,
                const char *client_full, const char *detail, const char *conn_key)
{
  g_autofree char *key = g_strdup_printf("%d|%s|%s|%s", kind, plc, client_ip, detail ? detail : "");
  Agg *a = g_hash_table_lookup(fs->aggs, key);
  if (!a) {
    /* Findings stay bounded however many clients or addresses a capture holds: past
     * S7_MAX_AGGS_PER_PLC distinct ones per kind and PLC, the rest share one finding. */
    g_autofree char *group = g_strdup_printf("%d|%s", kind, plc);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(fs->agg_counts, group));
    if (n >= S7_MAX_AGGS_PER_PLC) {
      g_free(key);
      key = g_strdup_printf("%d|%s|*|*", kind, plc);
      a = g_hash_table_lookup(fs->aggs, key);
      client_ip = "(more clients)";
      client_full = "(more clients)";
      detail = "(more)";
    } else {
      g_hash_table_replace(fs->agg_counts, g_steal_pointer(&group), GUINT_TO_POINTER(n + 1));
    }
  }
  if (!a) {
    a = g_new0(Agg, 1);
    a->f = g_new0(S7Finding, 1);
    a->f->kind = kind;
    a->f->severity = s7_kind_info(kind)->severity;
    a->f->plc = g_strdup(plc);
    a->f->client = g_strdup(client_full);
    a->client_ip = g_strdup(client_ip);
    a->f->detail = g_strdup(detail);
    a->f->frames = g_array_new(FALSE, FALSE, sizeof(guint32));
    a->f->first_frame = G_MAXUINT32;
    a->x.db = -1;
    a->x.dr_cause = -1;
    a->conn_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert(fs->aggs, g_steal_pointer(&key), a);
  }
  a->f->occurrences++;
  if (conn_key && g_hash_table_size(a->conn_keys) < MAX_CONN_KEYS &&
      !g_hash_table_contains(a->conn_keys, conn_key))
    g_hash_table_add(a->conn_keys, g_strdup(conn_key));
  return a;
}

Agg *s7_conn_finding(Findings *fs, const Conn *c, S7Kind kind, const char *detail)
{
  return s7_agg_get(fs, kind, c->plc_s, c->client.addr, c->client_s, detail, c->key);
}

void s7_agg_again(Agg *a)
{
  a->f->occurrences++;   /* its connection's key was added the first time, or the set is full */
}

void s7_agg_add_frame(Findings *fs, Agg *a, guint32 frame, gint64 ts_us)
{
  if (frame < a->f->first_frame)
    a->f->first_frame = frame;
  if (a->f->first_ts_us == 0 || ts_us < a->f->first_ts_us)
    a->f->first_ts_us = ts_us;
  if (ts_us > a->f->last_ts_us)
    a->f->last_ts_us = ts_us;
  for (guint i = 0; i < a->f->frames->len; i++)
    if (g_array_index(a->f->frames, guint32, i) == frame)
      return;
  /* Evidence lists are capped; per-frame annotation (the plugin) still hears of every frame,
   * and frames past the cap may be announced more than once. */
  if (a->f->frames->len < fs->max_evidence_frames)
    g_array_append_val(a->f->frames, frame);
  if (fs->note_fn)
    fs->note_fn(frame, a->f, fs->note_data);
}

void s7_agg_span(Agg *a, gint64 first_ts, gint64 last_ts)
{
  if (first_ts > 0 && (a->f->first_ts_us == 0 || first_ts < a->f->first_ts_us))
    a->f->first_ts_us = first_ts;
  if (last_ts > a->f->last_ts_us)
    a->f->last_ts_us = last_ts;
}

void s7_agg_set_code(Agg *a, CodeSource source, guint value, const char *code_text)
{
  if (a->f->code)
    return;
  a->code_source = source;
  a->code_value = value;
  a->f->code = g_strdup(code_text);
}

/* Merges the item's range into the finding's ranges of its area (overlapping or adjacent) */
void s7_agg_add_range(Agg *a, const S7ReqItem *item)
{
  if (item->syntax_id != 0x10)
    return;
  guint32 first, len;
  s7_item_byte_range(item, &first, &len);
  S7Range r = { item->area, item->area == S7_AREA_DB ? item->db : 0, first, first + len };
  for (guint i = 0; i < a->x.n_ranges; i++) {
    S7Range *q = &a->x.ranges[i];
    if (q->area == r.area && q->db == r.db && r.lo <= q->hi && q->lo <= r.hi) {
      q->lo = MIN(q->lo, r.lo);
      q->hi = MAX(q->hi, r.hi);
      return;
    }
  }
  if (a->x.n_ranges < MAX_RANGES)
    a->x.ranges[a->x.n_ranges++] = r;
  else
    a->x.more_ranges = TRUE;
}

const char *s7_finding_tag(const S7Finding *f, char *buf)
{
  const char *tag = s7_kind_info(f->kind)->tag;
  gboolean item_kind = f->kind == S7K_INVALID_ADDRESS || f->kind == S7K_OBJECT_MISSING ||
                       f->kind == S7K_ACCESS_DENIED || f->kind == S7K_DATA_TYPE_ERROR;
  if (item_kind && f->detail && *f->detail && f->detail[0] != '(') {
    /* the area of the first address: "DB12" of "DB12.DBW40", "MW100" as it is; "+N" more */
    gsize area_len = strcspn(f->detail, ".,");
    const char *more = strchr(f->detail, ',') ? " …" : "";
    g_snprintf(buf, S7_TAG_MAX, "%.*s%s: %s", (int)MIN(area_len, 40), f->detail, more, tag);
  } else {
    g_strlcpy(buf, tag, S7_TAG_MAX);
  }
  return buf;
}

/* ------------------------------------------------------------------ filters and order */

/* "ip.src == 10.0.0.5" for an "ip:port" / "[v6]:port" / "ip" string; field is "src"/"dst"/"addr" */
static char *addr_filter(const char *field, const char *endpoint)
{
  g_autofree char *ip = s7_endpoint_host(endpoint);
  return g_strdup_printf("%s.%s == %s", strchr(ip, ':') ? "ipv6" : "ip", field, ip);
}

/* Set members separated by commas: Wireshark 4.0 rejects "{1 2}" */
static char *frames_filter(const GArray *frames)
{
  GString *s = g_string_new("frame.number in {");
  for (guint i = 0; i < frames->len; i++)
    g_string_append_printf(s, "%s%u", i ? ", " : "", g_array_index(frames, guint32, i));
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

/* The PLC's faulty answers to this client host: works past the evidence cap */
char *s7_agg_filter(const Agg *a)
{
  g_autofree char *src = addr_filter("src", a->f->plc);
  g_autofree char *dst = addr_filter("dst", a->client_ip);
  g_autofree char *plc = g_strdup_printf("%s && %s", src, dst);
  switch (a->code_source) {
  case SRC_HEADER:
    return g_strdup_printf("%s && s7comm.header.errcls == 0x%02x && s7comm.header.errcod == 0x%02x",
                           plc, a->code_value >> 8, a->code_value & 0xff);
  case SRC_PARAM:
    return g_strdup_printf("%s && s7comm.param.errcod == 0x%04x", plc, a->code_value);
  case SRC_ITEM:
    return g_strdup_printf("%s && s7comm.header.rosctr == 3 && s7comm.data.returncode == 0x%02x",
                           plc, a->code_value);
  default:
    return frames_filter(a->f->frames);
  }
}

gint s7_finding_cmp(gconstpointer pa, gconstpointer pb)
{
  const S7Finding *a = *(S7Finding *const *)pa, *b = *(S7Finding *const *)pb;
  if (a->severity != b->severity)
    return a->severity > b->severity ? -1 : 1;
  if (a->first_frame != b->first_frame)
    return a->first_frame < b->first_frame ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  int c = g_strcmp0(a->plc, b->plc);
  if (c)
    return c;
  c = g_strcmp0(a->client, b->client);
  return c ? c : g_strcmp0(a->detail, b->detail);
}

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

void s7_agg_settle(Agg *a)
{
  g_array_sort(a->f->frames, cmp_u32);
  guint conns = g_hash_table_size(a->conn_keys);
  if (conns)
    a->f->connections = conns;
  if (a->f->connections > 1) {  /* several connections: name the host, not one port */
    g_free(a->f->client);
    a->f->client = g_strdup(a->client_ip);
  }
}
