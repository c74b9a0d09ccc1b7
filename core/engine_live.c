/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine_live.c — running engine, kept events and snapshots (see engine_live.h). */
#include "engine_live.h"

#include <stddef.h>
#include <string.h>
#include <gio/gio.h>

struct S7Live {
  S7EngineConfig cfg;
  S7Engine *running;        /* fed now; NULL right after it became the snapshot */
  S7Engine *snapshot;       /* finished; what the front end shows */
  guint32 snapshot_last_frame;
  GByteArray *kept;         /* the latest events, packed: [guint32 size][bytes] ... */
  GPtrArray *chunks;        /* Chunk*: earlier events, packed the same way, then deflated */
  GArray *pairs;            /* S7Endpoint[2] (src, dst) by number: packed events name theirs */
  GHashTable *pair_ids;     /* "src>dst" -> number + 1 */
  guint32 last_pair;        /* number + 1 of the previous event's pair (a cache), 0: none */
  guint64 n_events, n_at_snapshot;
  guint32 last_frame;
  gint64 capture_end;
  S7FrameNoteFunc frame_fn;
  S7EventNoteFunc event_fn;
  S7LiveRestartFunc restart_fn;
  gpointer note_data;
};

/* ------------------------------------------------------------------ packing */

/* An S7Event is a fixed-size struct of about 3 kB, most of it room for 96 items; packed it
 * keeps the header (its two endpoints as the number of the pair: they repeat for every
 * packet of a connection), the part of the union its type uses, the items it carries and
 * the identity only when the PDU had one: about 70 bytes for a TCP segment. */
typedef struct {
  S7Endpoint src, dst;
} EndpointPair;

/* Packed events deflate to a fifth (the same endpoints, flags and codes again and again):
 * once the latest events fill CHUNK_BYTES they are deflated (zlib, fastest level) and kept
 * as a chunk of whole records; a replay inflates one chunk at a time. */
#define CHUNK_BYTES (256 * 1024)
typedef struct {
  GBytes *deflated;
  gsize raw_len;
} Chunk;

static void chunk_free(Chunk *c)
{
  g_bytes_unref(c->deflated);
  g_free(c);
}

/* All of in through a zlib converter into out; FALSE when zlib fails */
static gboolean convert_all(GConverter *conv, const guint8 *in, gsize in_len, GByteArray *out)
{
  gsize done_in = 0, done_out = 0;
  g_byte_array_set_size(out, (guint)(in_len + 1024));
  for (;;) {
    if (out->len - done_out < 1024)
      g_byte_array_set_size(out, out->len * 2);
    gsize read = 0, written = 0;
    GError *err = NULL;
    GConverterResult r = g_converter_convert(conv, in + done_in, in_len - done_in,
                                             out->data + done_out, out->len - done_out,
                                             G_CONVERTER_INPUT_AT_END, &read, &written, &err);
    if (r == G_CONVERTER_ERROR) {
      gboolean room = g_error_matches(err, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      g_clear_error(&err);
      if (!room)
        return FALSE;
      g_byte_array_set_size(out, out->len * 2);
      continue;
    }
    done_in += read;
    done_out += written;
    if (r == G_CONVERTER_FINISHED) {
      g_byte_array_set_size(out, (guint)done_out);
      return TRUE;
    }
  }
}

/* The latest events, once they fill a chunk, deflated (left as they are if zlib fails) */
static void maybe_deflate(S7Live *l)
{
  if (l->kept->len < CHUNK_BYTES)
    return;
  GConverter *z = G_CONVERTER(g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW, 1));
  GByteArray *out = g_byte_array_new();
  if (convert_all(z, l->kept->data, l->kept->len, out)) {
    Chunk *c = g_new(Chunk, 1);
    c->raw_len = l->kept->len;
    c->deflated = g_byte_array_free_to_bytes(out);
    g_ptr_array_add(l->chunks, c);
    g_byte_array_set_size(l->kept, 0);
  } else {
    g_byte_array_unref(out);
  }
  g_object_unref(z);
}

static GByteArray *inflate_chunk(const Chunk *c)
{
  GConverter *z = G_CONVERTER(g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_RAW));
  GByteArray *out = g_byte_array_new();
  gsize n;
  const guint8 *d = g_bytes_get_data(c->deflated, &n);
  gboolean ok = convert_all(z, d, n, out);
  g_object_unref(z);
  g_assert(ok && out->len == c->raw_len);   /* deflated by maybe_deflate above */
  return out;
}
static void put(GByteArray *b, const void *p, gsize n) { g_byte_array_append(b, p, (guint)n); }

static gboolean identity_empty(const S7Identity *id)
{
  static const S7Identity none;
  return memcmp(id, &none, sizeof none) == 0;
}

static void put_identity(GByteArray *b, const S7Identity *id)
{
  guint8 have = !identity_empty(id);
  put(b, &have, 1);
  if (have)
    put(b, id, sizeof *id);
}

static guint32 pair_id(S7Live *l, const S7Event *ev)
{
  if (l->last_pair && !memcmp(&ev->src, &g_array_index(l->pairs, EndpointPair, l->last_pair - 1).src,
                              sizeof(S7Endpoint)) &&
      !memcmp(&ev->dst, &g_array_index(l->pairs, EndpointPair, l->last_pair - 1).dst, sizeof(S7Endpoint)))
    return l->last_pair - 1;
  char key[2 * (S7_ADDR_MAX + 8)];
  g_snprintf(key, sizeof key, "%s:%u>%s:%u", ev->src.addr, ev->src.port, ev->dst.addr, ev->dst.port);
  guint32 id = GPOINTER_TO_UINT(g_hash_table_lookup(l->pair_ids, key));
  if (!id) {
    EndpointPair p = { ev->src, ev->dst };
    g_array_append_val(l->pairs, p);
    id = l->pairs->len;
    g_hash_table_insert(l->pair_ids, g_strdup(key), GUINT_TO_POINTER(id));
  }
  l->last_pair = id;
  return id - 1;
}

/* the header without src and dst, then the pair's number */
#define HEAD_A offsetof(S7Event, src)
#define HEAD_B_AT (offsetof(S7Event, dst) + sizeof(S7Endpoint))
#define HEAD_B (offsetof(S7Event, u) - HEAD_B_AT)

static void pack(S7Live *l, const S7Event *ev)
{
  GByteArray *b = l->kept;
  guint at = b->len;
  guint32 size = 0, pair = pair_id(l, ev);
  put(b, &size, sizeof size);
  put(b, ev, HEAD_A);
  put(b, (const guint8 *)ev + HEAD_B_AT, HEAD_B);
  put(b, &pair, sizeof pair);
  switch (ev->type) {
  case S7_EV_TCP: put(b, &ev->u.tcp, sizeof ev->u.tcp); break;
  case S7_EV_ICMP_UNREACH: put(b, &ev->u.icmp, sizeof ev->u.icmp); break;
  case S7_EV_COTP: put(b, &ev->u.cotp, sizeof ev->u.cotp); break;
  case S7_EV_S7: {
    const S7Pdu *p = &ev->u.s7;
    guint n_items = MIN(p->n_items, S7_MAX_ITEMS), n_rc = MIN(p->n_retcodes, S7_MAX_ITEMS);
    put(b, p, offsetof(S7Pdu, items));
    put(b, p->items, n_items * sizeof p->items[0]);
    put(b, &n_rc, sizeof n_rc);
    put(b, p->retcodes, n_rc);
    put(b, &p->ud_type, offsetof(S7Pdu, identity) - offsetof(S7Pdu, ud_type));
    put_identity(b, &p->identity);
    break;
  }
  case S7_EV_S7PLUS:
    put(b, &ev->u.s7plus, offsetof(S7PlusPdu, identity));
    put_identity(b, &ev->u.s7plus.identity);
    break;
  }
  size = b->len - at - (guint32)sizeof size;
  memcpy(b->data + at, &size, sizeof size);
}

typedef struct {
  const guint8 *p, *end;
} Reader;

static void take(Reader *r, void *dst, gsize n)
{
  g_assert((gsize)(r->end - r->p) >= n);   /* written by pack() above */
  memcpy(dst, r->p, n);
  r->p += n;
}

static void take_identity(Reader *r, S7Identity *id)
{
  guint8 have;
  take(r, &have, 1);
  if (have)
    take(r, id, sizeof *id);
}

/* Unpacks the record at *pos into ev (zeroed first); advances *pos. */
static void unpack(const S7Live *l, const GByteArray *b, guint *pos, S7Event *ev)
{
  guint32 size, pair;
  memcpy(&size, b->data + *pos, sizeof size);
  Reader r = { b->data + *pos + sizeof size, b->data + *pos + sizeof size + size };
  *pos += (guint)sizeof size + size;
  memset(ev, 0, sizeof *ev);
  take(&r, ev, HEAD_A);
  take(&r, (guint8 *)ev + HEAD_B_AT, HEAD_B);
  take(&r, &pair, sizeof pair);
  const EndpointPair *ep = &g_array_index(l->pairs, EndpointPair, pair);
  ev->src = ep->src;
  ev->dst = ep->dst;
  switch (ev->type) {
  case S7_EV_TCP: take(&r, &ev->u.tcp, sizeof ev->u.tcp); break;
  case S7_EV_ICMP_UNREACH: take(&r, &ev->u.icmp, sizeof ev->u.icmp); break;
  case S7_EV_COTP: take(&r, &ev->u.cotp, sizeof ev->u.cotp); break;
  case S7_EV_S7: {
    S7Pdu *p = &ev->u.s7;
    take(&r, p, offsetof(S7Pdu, items));
    guint n_items = MIN(p->n_items, S7_MAX_ITEMS);
    take(&r, p->items, n_items * sizeof p->items[0]);
    take(&r, &p->n_retcodes, sizeof p->n_retcodes);
    take(&r, p->retcodes, p->n_retcodes);
    take(&r, &p->ud_type, offsetof(S7Pdu, identity) - offsetof(S7Pdu, ud_type));
    take_identity(&r, &p->identity);
    break;
  }
  case S7_EV_S7PLUS:
    take(&r, &ev->u.s7plus, offsetof(S7PlusPdu, identity));
    take_identity(&r, &ev->u.s7plus.identity);
    break;
  }
}

/* ------------------------------------------------------------------ engines */

S7Live *s7_live_new(const S7EngineConfig *cfg)
{
  S7Live *l = g_new0(S7Live, 1);
  if (cfg)
    l->cfg = *cfg;
  else
    s7_engine_config_init(&l->cfg);
  l->kept = g_byte_array_new();
  l->chunks = g_ptr_array_new_with_free_func((GDestroyNotify)chunk_free);
  l->pairs = g_array_new(FALSE, FALSE, sizeof(EndpointPair));
  l->pair_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  l->running = s7_engine_new(&l->cfg);
  return l;
}

void s7_live_free(S7Live *l)
{
  if (!l)
    return;
  if (l->running)
    s7_engine_free(l->running);
  if (l->snapshot)
    s7_engine_free(l->snapshot);
  g_byte_array_unref(l->kept);
  g_ptr_array_unref(l->chunks);
  g_array_unref(l->pairs);
  g_hash_table_unref(l->pair_ids);
  g_free(l);
}

void s7_live_set_notes(S7Live *l, S7FrameNoteFunc frame_fn, S7EventNoteFunc event_fn,
                       S7LiveRestartFunc restart_fn, gpointer user_data)
{
  l->frame_fn = frame_fn;
  l->event_fn = event_fn;
  l->restart_fn = restart_fn;
  l->note_data = user_data;
  if (l->running) {
    s7_engine_set_frame_note(l->running, frame_fn, user_data);
    s7_engine_set_event_note(l->running, event_fn, user_data);
  }
}

/* A new running engine that has heard every kept event (their evidence frames announced
 * again, their event notes not: the front end has those already). */
static void rebuild_running(S7Live *l)
{
  if (l->restart_fn)
    l->restart_fn(l->note_data);
  l->running = s7_engine_new(&l->cfg);
  s7_engine_set_frame_note(l->running, l->frame_fn, l->note_data);
  S7Event *ev = g_new(S7Event, 1);
  for (guint i = 0; i <= l->chunks->len; i++) {
    GByteArray *b = i < l->chunks->len ? inflate_chunk(g_ptr_array_index(l->chunks, i)) : l->kept;
    for (guint pos = 0; pos < b->len;) {
      unpack(l, b, &pos, ev);
      s7_engine_feed(l->running, ev);
    }
    if (b != l->kept)
      g_byte_array_unref(b);
  }
  g_free(ev);
  s7_engine_set_event_note(l->running, l->event_fn, l->note_data);
}

void s7_live_feed(S7Live *l, const S7Event *ev)
{
  if (!l->running)
    rebuild_running(l);
  s7_engine_feed(l->running, ev);
  pack(l, ev);
  maybe_deflate(l);
  l->n_events++;
  l->last_frame = MAX(l->last_frame, ev->frame);
}

void s7_live_set_capture_end(S7Live *l, gint64 ts_us)
{
  l->capture_end = ts_us;
}

gboolean s7_live_stale(const S7Live *l)
{
  return !l->snapshot || l->n_events != l->n_at_snapshot;
}

const S7Engine *s7_live_snapshot(S7Live *l)
{
  if (!s7_live_stale(l))
    return l->snapshot;
  if (!l->running)
    rebuild_running(l);
  if (l->capture_end)
    s7_engine_set_capture_end(l->running, l->capture_end);
  s7_engine_finish(l->running);
  if (l->snapshot)
    s7_engine_free(l->snapshot);
  l->snapshot = l->running;
  l->running = NULL;
  l->n_at_snapshot = l->n_events;
  l->snapshot_last_frame = l->last_frame;
  return l->snapshot;
}

const S7Engine *s7_live_current(const S7Live *l) { return l->snapshot; }
guint32 s7_live_snapshot_last_frame(const S7Live *l) { return l->snapshot ? l->snapshot_last_frame : 0; }
guint64 s7_live_events(const S7Live *l) { return l->n_events; }
gsize s7_live_kept_bytes(const S7Live *l)
{
  gsize n = l->kept->len;
  for (guint i = 0; i < l->chunks->len; i++)
    n += g_bytes_get_size(((const Chunk *)g_ptr_array_index(l->chunks, i))->deflated);
  return n;
}

const S7EngineStats *s7_live_stats(const S7Live *l)
{
  return s7_engine_stats(l->running ? l->running : l->snapshot);
}
