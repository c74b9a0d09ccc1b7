/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epan_row.c — epan's field_info arrays -> the engine's typed field row (see epan_row.h). */
#include "epan_row.h"

#include <string.h>
#include <wsutil/inet_addr.h>

#include "engine.h"
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
static S7FieldProfile profile;
static gboolean profile_ok;
static const char *profile_missing;

#define DATA_BYTES_MAX 256       /* the S7comm-plus header lies within these */

static void resolve(Column *c, const char *name)
{
  c->n = 0;
  header_field_info *h = proto_registrar_get_byname(name);
  if (!h)
    return;
  while (h->same_name_prev_id > 0)                     /* back to the first registration */
    h = proto_registrar_get_nth((guint)h->same_name_prev_id);
  s7_field_profile_add(&profile, name, h->bitmask);
  for (; h && c->n < MAX_SAME_NAME; h = h->same_name_next)
    c->ids[c->n++] = h->id;
}

GArray *s7diag_row_wanted_hfids(int extra_data_hfid)
{
  GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
  s7_field_profile_init(&profile);
  for (guint i = 0; i < S7F_COUNT; i++) {
    resolve(&columns[i], s7_field_info((S7Field)i)->name);
    hfids[i] = columns[i].n ? columns[i].ids[0] : -1;
    if (i == S7F_FRAME_NUMBER || i == S7F_TIME_EPOCH)
      continue;
    for (guint j = 0; j < columns[i].n; j++)
      g_array_append_val(wanted, columns[i].ids[j]);
  }
  profile_ok = s7_field_profile_finish(&profile, &profile_missing);
  hf_extra_data = extra_data_hfid;
  if (hf_extra_data > 0)
    g_array_append_val(wanted, hf_extra_data);
  return wanted;
}

const S7FieldProfile *s7diag_row_profile(const char **missing)
{
  if (missing)
    *missing = profile_missing;
  return profile_ok ? &profile : NULL;
}

/* The field's bytes in its data source (at most max) */
static const guint8 *field_bytes(const field_info *fi, guint max, guint *len)
{
  *len = 0;
  if (!fi->ds_tvb || fi->start < 0 || fi->length <= 0)
    return NULL;
  gint n = MIN(fi->length, (gint)max);
  n = MIN(n, (gint)tvb_captured_length_remaining(fi->ds_tvb, fi->start));
  if (n <= 0)
    return NULL;
  *len = (guint)n;
  return tvb_get_ptr(fi->ds_tvb, fi->start, n);
}

static void add_value(S7FieldRow *row, S7Field f, field_info *fi)
{
  fvalue_t *fv = (fvalue_t *)S7D_FI_VALUE(fi);
  guint len;
  const guint8 *b;
  switch (s7_field_info(f)->kind) {
  case S7FK_NUM:
    switch (fi->hfinfo->type) {
    case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
      s7_field_row_add_uint(row, f, fvalue_get_uinteger64(fv));
      break;
    default:
      s7_field_row_add_uint(row, f, fvalue_get_uinteger(fv));
      break;
    }
    break;
  case S7FK_FLAG:
    s7_field_row_add_uint(row, f, 1);
    break;
  case S7FK_ADDR: {
    /* the address's bytes on the wire, as text as tshark prints it */
    char text[WS_INET6_ADDRSTRLEN];
    b = field_bytes(fi, 16, &len);
    if (b && len == 4)
      ws_inet_ntop4(b, text, sizeof text);
    else if (b && len == 16)
      ws_inet_ntop6(b, text, sizeof text);
    else
      text[0] = '\0';
    s7_field_row_add_bytes(row, f, text, (guint)strlen(text));
    break;
  }
  case S7FK_BYTES:
  case S7FK_STR:
  case S7FK_MAC:
    b = field_bytes(fi, DATA_BYTES_MAX, &len);
    s7_field_row_add_bytes(row, f, b, b ? len : 0);
    break;
  case S7FK_TIME:
    break;
  }
}

static void add_finfos(S7FieldRow *row, S7Field f, GPtrArray *finfos)
{
  for (guint i = 0; finfos && i < finfos->len; i++)
    add_value(row, f, g_ptr_array_index(finfos, i));
}

static gint cmp_position(gconstpointer pa, gconstpointer pb)
{
  const field_info *a = *(field_info *const *)pa, *b = *(field_info *const *)pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

static void add_column(S7FieldRow *row, S7Field f, proto_tree *tree, const Column *c)
{
  GPtrArray *found = NULL, *merged = NULL;
  for (guint j = 0; j < c->n; j++) {
    GPtrArray *fs = proto_get_finfo_ptr_array(tree, c->ids[j]);
    if (!fs || !fs->len)
      continue;
    if (!found) {
      found = fs;
      continue;
    }
    /* several registrations of one name in this frame: in the order of the bytes */
    if (!merged) {
      merged = g_ptr_array_new();
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add(merged, g_ptr_array_index(found, i));
    }
    for (guint i = 0; i < fs->len; i++)
      g_ptr_array_add(merged, g_ptr_array_index(fs, i));
  }
  if (merged) {
    g_ptr_array_sort(merged, cmp_position);
    add_finfos(row, f, merged);
    g_ptr_array_free(merged, TRUE);
  } else {
    add_finfos(row, f, found);
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
                          guint n_ports, S7FieldRow *row)
{
  if (!tree)
    return FALSE;
  gboolean icmp = has_field(tree, hfids[S7F_ICMP_TYPE]) || has_field(tree, hfids[S7F_ICMPV6_TYPE]);
  if (!icmp && !port_wanted(tree, hfids[S7F_TCP_SRCPORT], ports, n_ports) &&
      !port_wanted(tree, hfids[S7F_TCP_DSTPORT], ports, n_ports))
    return FALSE;
  s7_field_row_reset(row, pinfo->num,
                     (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000);
  for (guint i = 0; i < S7F_COUNT; i++) {
    if (i == S7F_FRAME_NUMBER || i == S7F_TIME_EPOCH)
      continue;
    add_column(row, (S7Field)i, tree, &columns[i]);
    if (i == S7F_DATA && has_field(tree, hf_extra_data))
      add_finfos(row, S7F_DATA, proto_get_finfo_ptr_array(tree, hf_extra_data));
  }
  return TRUE;
}
