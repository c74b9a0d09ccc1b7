/* epan_row.c — epan's field_info arrays -> the engine's field row (see epan_row.h). */
#include "epan_row.h"

#include <string.h>

#include "engine.h"
#include "field_row.h"
#include "s7diag_plugin.h"

/* A field name can stand for several registered fields (s7comm registers
 * s7comm.param.userdata.subfunc once per function group): a column reads all of them. */
#define MAX_SAME_NAME 16
typedef struct {
  int ids[MAX_SAME_NAME];
  guint n;
} Column;

static Column columns[S7F_COUNT];
static int hfids[S7F_COUNT];     /* the first of each column, for presence checks */
static int hf_extra_data = -1;   /* the plugin's own S7comm-plus PDU: its raw bytes go to DATA */

static void resolve(Column *c, const char *name)
{
  c->n = 0;
  header_field_info *h = proto_registrar_get_byname(name);
  if (!h)
    return;
  while (h->same_name_prev_id > 0)                     /* back to the first registration */
    h = proto_registrar_get_nth((guint)h->same_name_prev_id);
  for (; h && c->n < MAX_SAME_NAME; h = h->same_name_next)
    c->ids[c->n++] = h->id;
}

GArray *s7diag_row_wanted_hfids(int extra_data_hfid)
{
  const char *const *names = s7_tshark_field_names();
  GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < S7F_COUNT; i++) {
    resolve(&columns[i], names[i]);
    hfids[i] = columns[i].n ? columns[i].ids[0] : -1;
    if (i == S7F_FRAME_NUMBER || i == S7F_TIME_EPOCH)
      continue;
    for (guint j = 0; j < columns[i].n; j++)
      g_array_append_val(wanted, columns[i].ids[j]);
  }
  hf_extra_data = extra_data_hfid;
  if (hf_extra_data > 0)
    g_array_append_val(wanted, hf_extra_data);
  return wanted;
}

/* decimal without printf: the row is built for every frame on an S7 port */
static void append_uint(GString *row, guint64 v)
{
  char buf[24];
  int i = sizeof buf;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  g_string_append_len(row, buf + i, (gssize)(sizeof buf - (gsize)i));
}

static void append_hex(GString *row, tvbuff_t *tvb, gint start, gint length, gint max)
{
  static const char digits[] = "0123456789abcdef";
  if (!tvb || start < 0 || length <= 0)
    return;
  gint n = MIN(length, max);
  n = MIN(n, (gint)tvb_captured_length_remaining(tvb, start));
  if (n <= 0)
    return;
  const guint8 *p = tvb_get_ptr(tvb, start, n);
  for (gint i = 0; i < n; i++) {
    g_string_append_c(row, digits[p[i] >> 4]);
    g_string_append_c(row, digits[p[i] & 0x0f]);
  }
}

/* One occurrence in the form tshark prints it for -T fields (numbers in decimal, bytes as
 * plain hex); separators inside values are blanked so the row stays parseable. */
static void append_value(GString *row, field_info *fi)
{
  fvalue_t *fv = (fvalue_t *)S7D_FI_VALUE(fi);
  switch (fi->hfinfo->type) {
  case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32: case FT_FRAMENUM: case FT_CHAR:
    append_uint(row, fvalue_get_uinteger(fv));
    break;
  case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
    g_string_append_printf(row, "%d", fvalue_get_sinteger(fv));
    break;
  case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
    append_uint(row, fvalue_get_uinteger64(fv));
    break;
  case FT_NONE:
    g_string_append_c(row, '1');
    break;
  case FT_BYTES: case FT_PROTOCOL:
    append_hex(row, fi->ds_tvb, fi->start, fi->length, 256);
    break;
  default: {
    char *s = fvalue_to_string_repr(NULL, fv, FTREPR_DISPLAY, BASE_NONE);
    if (s) {
      for (char *c = s; *c; c++)
        if (*c == ',' || *c == '\t' || *c == '\n')
          *c = ' ';
      g_string_append(row, s);
      wmem_free(NULL, s);
    }
    break;
  }
  }
}

static void append_finfos(GString *row, GPtrArray *finfos, gboolean *first)
{
  for (guint i = 0; finfos && i < finfos->len; i++) {
    if (!*first)
      g_string_append_c(row, ',');
    *first = FALSE;
    append_value(row, g_ptr_array_index(finfos, i));
  }
}

static gint cmp_position(gconstpointer pa, gconstpointer pb)
{
  const field_info *a = *(field_info *const *)pa, *b = *(field_info *const *)pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

static void append_column(GString *row, proto_tree *tree, const Column *c)
{
  gboolean first = TRUE;
  GPtrArray *found = NULL, *merged = NULL;
  for (guint j = 0; j < c->n; j++) {
    GPtrArray *f = proto_get_finfo_ptr_array(tree, c->ids[j]);
    if (!f || !f->len)
      continue;
    if (!found) {
      found = f;
      continue;
    }
    /* several registrations of one name in this frame: in the order of the bytes */
    if (!merged) {
      merged = g_ptr_array_new();
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add(merged, g_ptr_array_index(found, i));
    }
    for (guint i = 0; i < f->len; i++)
      g_ptr_array_add(merged, g_ptr_array_index(f, i));
  }
  if (merged) {
    g_ptr_array_sort(merged, cmp_position);
    append_finfos(row, merged, &first);
    g_ptr_array_free(merged, TRUE);
  } else {
    append_finfos(row, found, &first);
  }
}

static gboolean has_field(proto_tree *tree, int hfid)
{
  if (hfid <= 0)
    return FALSE;
  GPtrArray *f = proto_get_finfo_ptr_array(tree, hfid);
  return f && f->len > 0;
}

static gboolean port_wanted(proto_tree *tree, int hfid, const guint16 *ports, guint n_ports)
{
  GPtrArray *f = hfid > 0 ? proto_get_finfo_ptr_array(tree, hfid) : NULL;
  if (!f)
    return FALSE;
  for (guint i = 0; i < f->len; i++) {
    guint32 port = fvalue_get_uinteger((fvalue_t *)S7D_FI_VALUE((field_info *)g_ptr_array_index(f, i)));
    if (s7_port_listed(ports, n_ports, port))
      return TRUE;
  }
  return FALSE;
}

gboolean s7diag_row_build(proto_tree *tree, packet_info *pinfo, const guint16 *ports,
                          guint n_ports, GString *row)
{
  if (!tree)
    return FALSE;
  gboolean icmp = has_field(tree, hfids[S7F_ICMP_TYPE]) || has_field(tree, hfids[S7F_ICMPV6_TYPE]);
  if (!icmp && !port_wanted(tree, hfids[S7F_TCP_SRCPORT], ports, n_ports) &&
      !port_wanted(tree, hfids[S7F_TCP_DSTPORT], ports, n_ports))
    return FALSE;
  g_string_truncate(row, 0);
  for (guint i = 0; i < S7F_COUNT; i++) {
    if (i)
      g_string_append_c(row, '\t');
    switch (i) {
    case S7F_FRAME_NUMBER:
      append_uint(row, pinfo->num);
      break;
    case S7F_TIME_EPOCH:
      g_string_append_printf(row, "%" G_GINT64_FORMAT ".%06d", (gint64)pinfo->abs_ts.secs,
                             pinfo->abs_ts.nsecs / 1000);
      break;
    case S7F_DATA: {
      gsize before = row->len;
      append_column(row, tree, &columns[i]);
      if (has_field(tree, hf_extra_data)) {
        gboolean first = row->len == before;
        append_finfos(row, proto_get_finfo_ptr_array(tree, hf_extra_data), &first);
      }
      break;
    }
    default:
      append_column(row, tree, &columns[i]);
      break;
    }
  }
  return TRUE;
}
