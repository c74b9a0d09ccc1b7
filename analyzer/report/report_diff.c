/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_diff.c — the working-vs-failing comparison (see report_diff.h). */
#include "report_diff.h"

#include <string.h>

#include "bytes_text.h"
#include "report_model.h"
#include "s7_codes.h"

#define STR(o, k) s7_json_text(o, k)
#define INT(o, k) s7_json_int(o, k)

/* ------------------------------------------------------------------ one side */

typedef struct {
  GPtrArray *files;            /* char* (borrowed) */
  GHashTable *findings;        /* key -> json finding (borrowed), the first of its key */
  GHashTable *occurrences;     /* key -> summed occurrences (GUINT_TO_POINTER) */
  GTree *calling, *called, *pdu, *amq, *tpdu, *ended, *identity, *codes;   /* text -> count */
  guint64 jobs_read, jobs_write, jobs_control, jobs_other;
  guint64 connections, s7_connections, s7_jobs, answered;
  double response_sum_ms, response_max_ms;
  gint64 duration_sum_us;
  GTree *areas;                /* area name ("DB1", "M") -> Area*: the PLC's address may differ
                                  between a lab and a plant capture */
} Side;

typedef struct {
  guint64 reads, writes, errors;
  gboolean numbered;
  gint64 first, end;           /* touched; -1: none */
  gint64 failed_first, failed_end;
} Area;

static gint cmp_str(gconstpointer a, gconstpointer b, gpointer u) { (void)u; return strcmp(a, b); }

static GTree *counter(void)
{
  return g_tree_new_full(cmp_str, NULL, g_free, NULL);
}

static void count(GTree *t, const char *key)
{
  if (!key || !*key)
    return;
  gpointer v = g_tree_lookup(t, key);
  g_tree_replace(t, g_strdup(key), GUINT_TO_POINTER(GPOINTER_TO_UINT(v) + 1));
}

/* A finding is the same on both sides when its kind, severity, code and detail are (a warning
 * that became an error is new on the failing side) */
static char *finding_key(const json_t *f)
{
  return g_strdup_printf("%s|%s|%s|%s", STR(f, "kind"), STR(f, "severity"), STR(f, "code"), STR(f, "detail"));
}

static gint64 iso_us(const char *iso)
{
  g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601(iso, NULL) : NULL;
  return t ? g_date_time_to_unix(t) * G_USEC_PER_SEC + g_date_time_get_microsecond(t) : 0;
}

static void side_init(Side *s, const json_t *report)
{
  memset(s, 0, sizeof *s);
  s->files = g_ptr_array_new();
  s->findings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->occurrences = g_hash_table_new(g_str_hash, g_str_equal);
  s->calling = counter(); s->called = counter(); s->pdu = counter(); s->amq = counter();
  s->tpdu = counter(); s->ended = counter(); s->identity = counter(); s->codes = counter();
  s->areas = g_tree_new_full(cmp_str, NULL, g_free, g_free);
  size_t i, j;
  json_t *c, *x;
  json_array_foreach(json_object_get(report, "captures"), i, c) {
    g_ptr_array_add(s->files, (gpointer)STR(c, "file"));
    json_array_foreach(json_object_get(c, "findings"), j, x) {
      char *key = finding_key(x);
      gpointer orig = NULL;
      if (!g_hash_table_lookup_extended(s->findings, key, &orig, NULL)) {
        g_hash_table_insert(s->findings, key, x);
        orig = key;
      } else {
        g_free(key);
      }
      guint prev = GPOINTER_TO_UINT(g_hash_table_lookup(s->occurrences, orig));
      g_hash_table_replace(s->occurrences, orig, GUINT_TO_POINTER(prev + (guint)INT(x, "occurrences")));
      count(s->codes, STR(x, "code"));
    }
    json_array_foreach(json_object_get(c, "connections"), j, x) {
      s->connections++;
      if (json_is_false(json_object_get(x, "s7")))
        continue;
      s->s7_connections++;
      s->s7_jobs += (guint64)INT(x, "s7_jobs");
      gint64 t0 = iso_us(STR(x, "start")), t1 = iso_us(STR(x, "end"));
      if (t0 > 0 && t1 >= t0)
        s->duration_sum_us += t1 - t0;
      count(s->calling, STR(x, "calling_tsap"));
      if (json_is_integer(json_object_get(x, "rack"))) {
        g_autofree char *t = g_strdup_printf("%s (rack %" JSON_INTEGER_FORMAT ", slot %" JSON_INTEGER_FORMAT ", %s)",
                                             STR(x, "called_tsap"), INT(x, "rack"), INT(x, "slot"),
                                             STR(x, "connection_type"));
        count(s->called, t);
      } else {
        count(s->called, STR(x, "called_tsap"));
      }
      if (json_is_integer(json_object_get(x, "pdu_size"))) {
        g_autofree char *p = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(x, "pdu_size"));
        g_autofree char *a = g_strdup_printf("%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                                             INT(x, "max_amq_calling"), INT(x, "max_amq_called"));
        count(s->pdu, p);
        count(s->amq, a);
      }
      if (json_is_integer(json_object_get(x, "tpdu_size"))) {
        g_autofree char *t = g_strdup_printf("%" JSON_INTEGER_FORMAT, INT(x, "tpdu_size"));
        count(s->tpdu, t);
      }
      count(s->ended, STR(x, "ended"));
      const json_t *rt = json_object_get(x, "response_ms");
      if (json_is_object(rt)) {
        guint64 n = (guint64)INT(rt, "answered");
        s->answered += n;
        s->response_sum_ms += json_number_value(json_object_get(rt, "mean")) * (double)n;
        s->response_max_ms = MAX(s->response_max_ms, json_number_value(json_object_get(rt, "max")));
      }
    }
    json_array_foreach(json_object_get(c, "plcs"), j, x) {
      const char *order = json_string_value(json_object_get(x, "order_number"));
      if (order) {
        const char *fw = json_string_value(json_object_get(x, "firmware"));
        g_autofree char *t = g_strdup_printf("%s%s%s", order, fw ? " " : "", fw ? fw : "");
        count(s->identity, t);
      }
      size_t k;
      json_t *p;
      json_array_foreach(json_object_get(x, "peers"), k, p) {
        s->jobs_read += (guint64)INT(p, "read_jobs");
        s->jobs_write += (guint64)INT(p, "write_jobs");
        s->jobs_control += (guint64)INT(p, "control_jobs");
        s->jobs_other += (guint64)INT(p, "other_jobs");
      }
    }
    json_array_foreach(json_object_get(c, "areas"), j, x) {
      /* the same area of the PLC on both sides: the PLC's address differs between a lab and
       * a plant capture, so areas are compared by name */
      const char *name = STR(x, "area");
      Area *a = g_tree_lookup(s->areas, name);
      if (!a) {
        a = g_new0(Area, 1);
        a->first = a->failed_first = -1;
        g_tree_insert(s->areas, g_strdup(name), a);
      }
      a->reads += (guint64)INT(x, "reads");
      a->writes += (guint64)INT(x, "writes");
      a->errors += (guint64)INT(x, "errors");
      a->numbered = !g_strcmp0(STR(x, "unit"), "number");
      const json_t *f = json_object_get(x, "first"), *e = json_object_get(x, "end");
      if (json_is_integer(f) && json_is_integer(e)) {
        a->first = a->first < 0 ? json_integer_value(f) : MIN(a->first, json_integer_value(f));
        a->end = MAX(a->end, json_integer_value(e));
      }
      f = json_object_get(x, "failed_first");
      e = json_object_get(x, "failed_end");
      if (json_is_integer(f) && json_is_integer(e)) {
        a->failed_first = a->failed_first < 0 ? json_integer_value(f) : MIN(a->failed_first, json_integer_value(f));
        a->failed_end = MAX(a->failed_end, json_integer_value(e));
      }
    }
  }
}

static void side_clear(Side *s)
{
  g_ptr_array_unref(s->files);
  g_hash_table_unref(s->occurrences);
  g_hash_table_unref(s->findings);
  GTree *trees[] = { s->calling, s->called, s->pdu, s->amq, s->tpdu, s->ended, s->identity, s->codes, s->areas };
  for (guint i = 0; i < G_N_ELEMENTS(trees); i++)
    g_tree_unref(trees[i]);
}

/* ------------------------------------------------------------------ differences */

static gboolean join_one(gpointer k, gpointer v, gpointer data)
{
  GString *s = data;
  guint n = GPOINTER_TO_UINT(v);
  if (s->len)
    g_string_append(s, ", ");
  g_string_append(s, k);
  if (n > 1)
    g_string_append_printf(s, " ×%u", n);
  return FALSE;
}

/* "0x0301 ×3, 0x0302" */
static char *joined(GTree *t)
{
  GString *s = g_string_new(NULL);
  g_tree_foreach(t, join_one, s);
  return g_string_free(s, FALSE);
}

static gboolean keys_one(gpointer k, gpointer v, gpointer data)
{
  (void)v;
  g_string_append_printf(data, "%s\n", (const char *)k);
  return FALSE;
}

static gboolean same_keys(GTree *a, GTree *b)
{
  GString *x = g_string_new(NULL), *y = g_string_new(NULL);
  g_tree_foreach(a, keys_one, x);
  g_tree_foreach(b, keys_one, y);
  gboolean same = g_string_equal(x, y);
  g_string_free(x, TRUE);
  g_string_free(y, TRUE);
  return same;
}

static void difference(json_t *list, const char *aspect, const char *good, const char *bad, const char *text)
{
  json_t *d = json_object();
  json_object_set_new(d, "aspect", s7_json_bytes(aspect));
  json_object_set_new(d, "good", s7_json_bytes(good && *good ? good : "–"));
  json_object_set_new(d, "bad", s7_json_bytes(bad && *bad ? bad : "–"));
  json_object_set_new(d, "text", s7_json_bytes(text));
  json_array_append_new(list, d);
}

/* An aspect counted per connection: differs when the sets of values differ */
static void set_aspect(json_t *list, const char *aspect, GTree *g, GTree *b, const char *what)
{
  if (same_keys(g, b))
    return;
  g_autofree char *gs = joined(g), *bs = joined(b);
  g_autofree char *t = g_strdup_printf("%s: the failing side %s, the working side %s.", what,
                                       *bs ? bs : "none", *gs ? gs : "none");
  difference(list, aspect, gs, bs, t);
}

static char *area_text(const Area *a)
{
  if (!a)
    return g_strdup("no answered access");
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%" G_GUINT64_FORMAT " read%s, %" G_GUINT64_FORMAT " write%s", a->reads,
                         a->reads == 1 ? "" : "s", a->writes, a->writes == 1 ? "" : "s");
  if (a->first >= 0)
    g_string_append_printf(s, ", %s %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, a->numbered ? "numbers" : "bytes",
                           a->first, a->end - 1);
  if (a->failed_first >= 0)
    g_string_append_printf(s, " (%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " failed)", a->failed_first,
                           a->failed_end - 1);
  return g_string_free(s, FALSE);
}

typedef struct {
  Side *good, *bad;
  json_t *list;
} AreaWalk;

static void area_aspect(AreaWalk *w, const char *name, const Area *g, const Area *b)
{
  gboolean differs = !g || !b || (g->writes > 0) != (b->writes > 0) || g->first != b->first || g->end != b->end ||
                     (g->failed_first >= 0) != (b->failed_first >= 0);
  if (!differs)
    return;
  g_autofree char *gs = area_text(g), *bs = area_text(b);
  g_autofree char *aspect = g_strdup_printf("area %s", name);
  GString *t = g_string_new(NULL);
  if (!g)
    g_string_append_printf(t, "Only the failing side has answered accesses to %s (%s).", name, bs);
  else if (!b)
    g_string_append_printf(t, "Only the working side has answered accesses to %s (%s).", name, gs);
  else if (b->end > g->end && !b->numbered)
  {
    g_string_append_printf(t, "The failing side accesses %s up to byte %" G_GINT64_FORMAT ", past what the working "
                           "side reaches (byte %" G_GINT64_FORMAT ")", name, b->end - 1, g->end - 1);
    if (b->failed_first >= 0)
      g_string_append_printf(t, "; bytes %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " failed", b->failed_first,
                             b->failed_end - 1);
    g_string_append_c(t, '.');
  }
  else if (b->writes && !g->writes)
    g_string_append_printf(t, "The failing side writes %s; the working side only reads it.", name);
  else if (b->failed_first >= 0 && g->failed_first < 0)
    g_string_append_printf(t, "Accesses to %s fail on the failing side only.", name);
  else
    g_string_append_printf(t, "%s is accessed differently: failing side %s, working side %s.", name, bs, gs);
  difference(w->list, aspect, gs, bs, t->str);
  g_string_free(t, TRUE);
}

static gboolean walk_bad_areas(gpointer k, gpointer v, gpointer data)
{
  AreaWalk *w = data;
  area_aspect(w, k, g_tree_lookup(w->good->areas, k), v);
  return FALSE;
}

static gboolean walk_good_areas(gpointer k, gpointer v, gpointer data)
{
  AreaWalk *w = data;
  if (!g_tree_lookup(w->bad->areas, k))
    area_aspect(w, k, v, NULL);
  return FALSE;
}

static char *functions_text(const Side *s)
{
  return g_strdup_printf("Read Var %" G_GUINT64_FORMAT ", Write Var %" G_GUINT64_FORMAT ", PLC control %" G_GUINT64_FORMAT
                         ", other %" G_GUINT64_FORMAT, s->jobs_read, s->jobs_write, s->jobs_control, s->jobs_other);
}

static char *connections_text(const Side *s)
{
  double per = s->s7_connections ? (double)s->s7_jobs / (double)s->s7_connections : 0;
  double secs = s->s7_connections ? (double)s->duration_sum_us / 1e6 / (double)s->s7_connections : 0;
  return g_strdup_printf("%" G_GUINT64_FORMAT " S7 connection%s, %.1f jobs and %.1f s each", s->s7_connections,
                         s->s7_connections == 1 ? "" : "s", per, secs);
}

/* a new connection per poll: several short connections with a job or two each */
static gboolean per_poll(const Side *s)
{
  return s->s7_connections >= 3 && (double)s->s7_jobs / (double)s->s7_connections <= 3.0;
}

static const char *pattern(const Side *s)
{
  return !s->s7_connections ? "has no S7 connection" : per_poll(s) ? "opens a new connection per poll"
                                                                    : "keeps its connections";
}

static json_t *finding_brief(const json_t *f, guint occurrences)
{
  json_t *o = json_object();
  static const char *const keys[] = { "kind", "severity", "title", "plc", "client", "code", "detail", "action" };
  for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
    const json_t *v = json_object_get(f, keys[i]);
    json_object_set_new(o, keys[i], v ? json_deep_copy(v) : json_null());
  }
  json_object_set_new(o, "occurrences", json_integer(occurrences));
  return o;
}

static gint cmp_brief(gconstpointer pa, gconstpointer pb)
{
  const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
  int sa = (int)s7_severity_from_name(STR(a, "severity")), sb = (int)s7_severity_from_name(STR(b, "severity"));
  if (sa != sb)
    return sb - sa;
  int c = strcmp(STR(a, "kind"), STR(b, "kind"));
  if (!c)
    c = strcmp(STR(a, "detail"), STR(b, "detail"));
  if (!c)
    c = strcmp(STR(a, "code"), STR(b, "code"));
  return c ? c : strcmp(STR(a, "title"), STR(b, "title"));
}

/* The briefs (json_t*, taken) as a JSON array, sorted: error first */
static json_t *sorted_array(GPtrArray *a)
{
  g_ptr_array_sort(a, cmp_brief);
  json_t *out = json_array();
  for (guint i = 0; i < a->len; i++)
    json_array_append_new(out, g_ptr_array_index(a, i));
  g_ptr_array_unref(a);
  return out;
}

/* Findings of one side whose key the other lacks, sorted: error first */
static json_t *only_in(const Side *s, const Side *other)
{
  GPtrArray *a = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, s->findings);
  while (g_hash_table_iter_next(&it, &k, &v))
    if (!g_hash_table_contains(other->findings, k))
      g_ptr_array_add(a, finding_brief(v, GPOINTER_TO_UINT(g_hash_table_lookup(s->occurrences, k))));
  return sorted_array(a);
}

static json_t *in_both(const Side *g, const Side *b)
{
  GPtrArray *a = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, b->findings);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    if (!g_hash_table_contains(g->findings, k))
      continue;
    json_t *o = finding_brief(v, GPOINTER_TO_UINT(g_hash_table_lookup(b->occurrences, k)));
    json_object_set_new(o, "good_occurrences", json_integer(GPOINTER_TO_UINT(g_hash_table_lookup(g->occurrences, k))));
    g_ptr_array_add(a, o);
  }
  return sorted_array(a);
}

static json_t *side_json(const Side *s)
{
  json_t *o = json_object();
  json_t *files = json_array();
  for (guint i = 0; i < s->files->len; i++)
    json_array_append_new(files, s7_json_bytes(g_ptr_array_index(s->files, i)));
  json_object_set_new(o, "files", files);
  json_object_set_new(o, "findings", json_integer(g_hash_table_size(s->findings)));
  json_object_set_new(o, "s7_connections", json_integer((json_int_t)s->s7_connections));
  json_object_set_new(o, "s7_jobs", json_integer((json_int_t)s->s7_jobs));
  return o;
}

json_t *s7_report_diff(const json_t *good, const json_t *bad, const char *good_name, const char *bad_name)
{
  Side g, b;
  side_init(&g, good);
  side_init(&b, bad);
  json_t *d = json_object();
  json_object_set_new(d, "schema", s7_json_bytes(S7DIAG_DIFF_SCHEMA));
  json_object_set_new(d, "s7diag_version", s7_json_bytes(S7DIAG_VERSION));
  json_t *gs = side_json(&g), *bs = side_json(&b);
  json_object_set_new(gs, "name", s7_json_bytes(good_name));
  json_object_set_new(bs, "name", s7_json_bytes(bad_name));
  json_object_set_new(d, "good", gs);
  json_object_set_new(d, "bad", bs);
  json_object_set_new(d, "only_in_bad", only_in(&b, &g));

  json_t *list = json_array();
  set_aspect(list, "called-tsap", g.called, b.called, "Called TSAP (rack/slot) of the connections");
  set_aspect(list, "calling-tsap", g.calling, b.calling, "Calling TSAP");
  set_aspect(list, "codes", g.codes, b.codes, "Error codes the PLC answered");
  AreaWalk aw = { &g, &b, list };
  g_tree_foreach(b.areas, walk_bad_areas, &aw);
  g_tree_foreach(g.areas, walk_good_areas, &aw);
  gboolean both_jobs = g.jobs_read + g.jobs_write + g.jobs_control + g.jobs_other > 0 &&
                       b.jobs_read + b.jobs_write + b.jobs_control + b.jobs_other > 0;
  if (both_jobs && ((b.jobs_write > 0) != (g.jobs_write > 0) || (b.jobs_control > 0) != (g.jobs_control > 0) ||
                    (b.jobs_read > 0) != (g.jobs_read > 0))) {
    g_autofree char *gt = functions_text(&g), *bt = functions_text(&b);
    g_autofree char *t = g_strdup_printf("Functions used differ: the failing side %s; the working side %s.", bt, gt);
    difference(list, "functions", gt, bt, t);
  }
  set_aspect(list, "pdu-size", g.pdu, b.pdu, "Negotiated PDU size");
  set_aspect(list, "max-amq", g.amq, b.amq, "Negotiated Max AmQ (calling/called)");
  set_aspect(list, "tpdu-size", g.tpdu, b.tpdu, "COTP TPDU size");
  set_aspect(list, "plc-identity", g.identity, b.identity, "PLC model and firmware");
  if (per_poll(&g) != per_poll(&b) || (g.s7_connections == 0) != (b.s7_connections == 0)) {
    g_autofree char *gt = connections_text(&g), *bt = connections_text(&b);
    g_autofree char *t = g_strdup_printf("Connections: the failing side %s (%s), the working side %s (%s).",
                                         pattern(&b), bt, pattern(&g), gt);
    difference(list, "connections", gt, bt, t);
  }
  double gmean = g.answered ? g.response_sum_ms / (double)g.answered : 0;
  double bmean = b.answered ? b.response_sum_ms / (double)b.answered : 0;
  if (g.answered && b.answered && (bmean > 2 * gmean + 1 || b.response_max_ms > 2 * g.response_max_ms + 5)) {
    g_autofree char *gt = g_strdup_printf("mean %.2f ms, max %.2f ms", gmean, g.response_max_ms);
    g_autofree char *bt = g_strdup_printf("mean %.2f ms, max %.2f ms", bmean, b.response_max_ms);
    g_autofree char *t = g_strdup_printf("The PLC answers the failing side more slowly: %s against %s.", bt, gt);
    difference(list, "response-time", gt, bt, t);
  }
  set_aspect(list, "closed-by", g.ended, b.ended, "How the connections ended");
  json_object_set_new(d, "differences", list);
  json_object_set_new(d, "only_in_good", only_in(&g, &b));
  json_object_set_new(d, "in_both", in_both(&g, &b));
  side_clear(&g);
  side_clear(&b);
  return d;
}

int s7_diff_worst(const json_t *diff)
{
  int worst = -1;
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(diff, "only_in_bad"), i, f)
    worst = MAX(worst, (int)s7_severity_from_name(STR(f, "severity")));
  return worst;
}
