/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_reader.c — captures in and pcapng out through libwiretap (see capture_reader.h). */
#include "capture_reader.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <wsutil/wslog.h>

#include "wtap_compat.h"

G_DEFINE_QUARK(s7diag-capture-reader-error-quark, s7_capture_reader_error)

#define S7_EPOCH_MAX_S G_GINT64_CONSTANT(100000000000)

struct S7CaptureReader {
  wtap *wth;
  S7WtapRec rec;
  guint32 frames;
  GPtrArray *idbs;           /* wtap_block_t of every interface seen so far (owned by wth) */
  char *damage;
};

struct S7CaptureWriter {
  wtap_dumper *wdh;
  wtap_dump_params params;     /* used by the dumper until it is closed */
  guint idbs_added;
  gboolean bare_interfaces;    /* interfaces written without names, addresses, filters, comments */
  GPtrArray *own_idbs;         /* wtap_block_t copies written (bare_interfaces), freed at close */
};

/* Opening and closing a wiretap reader or dumper allocates and frees wsutil Buffers, whose
 * small-buffer pool is one unlocked array per process; captures are read in parallel threads
 * (analyze -j): without this lock two threads corrupt the pool (seen on Wireshark 4.6:
 * "ptr_array_remove_index: assertion failed", then "ws_buffer_init(): assertion failed"). */
static GMutex wiretap_lock;

static gpointer init_wiretap(gpointer unused)
{
  (void)unused;
  /* wiretap logs through wsutil: only what is worth a warning (its default without
   * ws_log_init, whose signature differs between versions, is everything) */
  ws_log_set_level(LOG_LEVEL_WARNING);
  wtap_init(FALSE);
  return NULL;
}

static char *wtap_error_text(int err, char *err_info)
{
  char *text = err_info && *err_info ? g_strdup_printf("%s (%s)", wtap_strerror(err), err_info)
                                     : g_strdup(wtap_strerror(err));
  g_free(err_info);
  return text;
}

static void collect_idbs(S7CaptureReader *r)
{
  wtap_block_t idb;
  while ((idb = wtap_get_next_interface_description(r->wth)))
    g_ptr_array_add(r->idbs, idb);
}

S7CaptureReader *s7_capture_reader_open(const char *path, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, init_wiretap, NULL);
  int err = 0;
  char *err_info = NULL;
  g_mutex_lock(&wiretap_lock);
  wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
  g_mutex_unlock(&wiretap_lock);
  if (!wth) {
    switch (err) {
    case WTAP_ERR_FILE_UNKNOWN_FORMAT:
      g_free(err_info);
      g_set_error(error, s7_capture_reader_error_quark(), S7_READ_ERROR_NOT_CAPTURE,
                  "not a capture file tshark can read");
      break;
    case ENOENT:
      g_free(err_info);
      g_set_error(error, s7_capture_reader_error_quark(), S7_READ_ERROR_FAILED, "file not found");
      break;
    default: {
      g_autofree char *why = wtap_error_text(err, err_info);
      g_set_error(error, s7_capture_reader_error_quark(),
                  err == WTAP_ERR_SHORT_READ || err == WTAP_ERR_BAD_FILE || err == WTAP_ERR_UNSUPPORTED
                    ? S7_READ_ERROR_NOT_CAPTURE : S7_READ_ERROR_FAILED,
                  "cannot read it: %s", why);
      break;
    }
    }
    return NULL;
  }
  S7CaptureReader *r = g_new0(S7CaptureReader, 1);
  r->wth = wth;
  r->idbs = g_ptr_array_new();
  g_mutex_lock(&wiretap_lock);
  s7w_rec_init(&r->rec);
  collect_idbs(r);
  g_mutex_unlock(&wiretap_lock);
  return r;
}

/* Wiretap's encapsulation -> the link layers the prefilter reads */
static S7Link link_of(int encap)
{
  switch (encap) {
  case WTAP_ENCAP_ETHERNET: return S7_LINK_ETHERNET;
  case WTAP_ENCAP_NULL:
  case WTAP_ENCAP_LOOP: return S7_LINK_NULL;
  case WTAP_ENCAP_RAW_IP:
  case WTAP_ENCAP_RAW_IP4:
  case WTAP_ENCAP_RAW_IP6: return S7_LINK_RAW_IP;
  case WTAP_ENCAP_SLL: return S7_LINK_SLL;
  case WTAP_ENCAP_SLL2: return S7_LINK_SLL2;
  default: return S7_LINK_OTHER;
  }
}

gboolean s7_capture_reader_next(S7CaptureReader *r, S7Record *out)
{
  int err = 0;
  char *err_info = NULL;
  gint64 offset;
  wtap_rec_reset(&r->rec.rec);
  if (!s7w_read(r->wth, &r->rec, &err, &err_info, &offset)) {
    if (err != 0 && !r->damage)
      r->damage = wtap_error_text(err, err_info);
    else
      g_free(err_info);
    return FALSE;
  }
  g_free(err_info);   /* some readers leave a note there even when the read worked */
  collect_idbs(r);
  const wtap_rec *rec = &r->rec.rec;
  memset(out, 0, sizeof *out);
  out->frame = ++r->frames;
  /* a time beyond year 5138 is no capture time (found by fuzzing: it overflowed) */
  gint64 secs = (gint64)rec->ts.secs;
  out->ts_us = secs > -S7_EPOCH_MAX_S && secs < S7_EPOCH_MAX_S ? secs * G_USEC_PER_SEC + rec->ts.nsecs / 1000 : 0;
  out->is_packet = rec->rec_type == REC_TYPE_PACKET;
  if (out->is_packet) {
    out->link = link_of(rec->rec_header.packet_header.pkt_encap);
    out->data = s7w_rec_data(&r->rec);
    out->caplen = rec->rec_header.packet_header.caplen;
  }
  return TRUE;
}

const char *s7_capture_reader_damage(const S7CaptureReader *r)
{
  return r->damage;
}

void s7_capture_reader_close(S7CaptureReader *r)
{
  if (!r)
    return;
  g_mutex_lock(&wiretap_lock);
  s7w_rec_cleanup(&r->rec);
  g_ptr_array_unref(r->idbs);
  wtap_close(r->wth);
  g_mutex_unlock(&wiretap_lock);
  g_free(r->damage);
  g_free(r);
}

/* An interface with only what dissection needs: link type, snapshot length, time resolution
 * and offset, FCS length (its name, description, addresses, capture filter, hardware, OS and
 * comments can name the plant) */
static wtap_block_t bare_idb(wtap_block_t idb)
{
  wtap_block_t b = wtap_block_make_copy(idb);
  static const guint drop[] = { OPT_COMMENT, OPT_IDB_NAME, OPT_IDB_DESCRIPTION, OPT_IDB_IP4ADDR, OPT_IDB_IP6ADDR,
                                OPT_IDB_MACADDR, OPT_IDB_EUIADDR, OPT_IDB_FILTER, OPT_IDB_OS, OPT_IDB_HARDWARE };
  for (guint i = 0; i < G_N_ELEMENTS(drop); i++)   /* a repeatable option one by one, another at once */
    while (wtap_block_count_option(b, drop[i]) > 0)
      if (wtap_block_remove_nth_option_instance(b, drop[i], 0) != WTAP_OPTTYPE_SUCCESS &&
          wtap_block_remove_option(b, drop[i]) != WTAP_OPTTYPE_SUCCESS)
        break;
  return b;
}

static gboolean add_new_idbs(S7CaptureWriter *w, S7CaptureReader *r)
{
  for (; w->idbs_added < r->idbs->len; w->idbs_added++) {
    int err = 0;
    char *err_info = NULL;
    wtap_block_t idb = g_ptr_array_index(r->idbs, w->idbs_added);
    if (w->bare_interfaces) {
      idb = bare_idb(idb);
      g_ptr_array_add(w->own_idbs, idb);
    }
    if (!wtap_dump_add_idb(w->wdh, idb, &err, &err_info)) {
      g_free(err_info);
      return FALSE;
    }
  }
  return TRUE;
}

/* The interface list wtap_dump_params_init* made (wtap_file_get_idb_info): the caller frees
 * it after the dumper is closed (wtap.h, 4.0 to 4.6). It is a new struct around the reader's
 * own array of interfaces: only the struct is ours (found by fuzzing: freeing the array too
 * broke wtap_close). */
static void free_idb_inf(wtap_dump_params *params)
{
  g_free(params->idb_inf);
  params->idb_inf = NULL;
}

/* Every comment of a block (a section header, a packet): replaced by what edit returns,
 * dropped when it returns NULL */
static gboolean edit_block_comments(wtap_block_t block, S7CommentEdit edit, gpointer data)
{
  if (!block)
    return FALSE;
  gboolean changed = FALSE;
  for (guint i = wtap_block_count_option(block, OPT_COMMENT); i-- > 0;) {
    char *old = NULL;
    if (wtap_block_get_nth_string_option_value(block, OPT_COMMENT, i, &old) != WTAP_OPTTYPE_SUCCESS)
      continue;
    char *now = edit(old, data);
    if (now)
      wtap_block_set_nth_string_option_value(block, OPT_COMMENT, i, now, strlen(now));
    else
      wtap_block_remove_nth_option_instance(block, OPT_COMMENT, i);
    g_free(now);
    changed = TRUE;
  }
  return changed;
}

guint8 *s7_capture_reader_data_mut(S7CaptureReader *r)
{
  return r->rec.rec.rec_type == REC_TYPE_PACKET ? (guint8 *)s7w_rec_data(&r->rec) : NULL;
}

void s7_capture_reader_edit_comments(S7CaptureReader *r, S7CommentEdit edit, gpointer data)
{
  if (edit_block_comments(r->rec.rec.block, edit, data))
    r->rec.rec.block_was_modified = TRUE;
}

static S7CaptureWriter *writer_open(S7CaptureReader *r, int fd, const char *path, S7CommentEdit shb_edit,
                                    gpointer edit_data, GError **error)
{
  S7CaptureWriter *w = g_new0(S7CaptureWriter, 1);
  w->bare_interfaces = shb_edit != NULL;
  w->own_idbs = g_ptr_array_new_with_free_func((GDestroyNotify)wtap_block_unref);
  g_mutex_lock(&wiretap_lock);
  wtap_dump_params_init_no_idbs(&w->params, r->wth);
  w->params.encap = WTAP_ENCAP_PER_PACKET;   /* the interfaces say it, one by one */
  for (guint i = 0; shb_edit && w->params.shb_hdrs && i < w->params.shb_hdrs->len; i++) {
    wtap_block_t shb = g_array_index(w->params.shb_hdrs, wtap_block_t, i);
    edit_block_comments(shb, shb_edit, edit_data);
    wtap_block_remove_option(shb, OPT_SHB_HARDWARE);   /* the capturing machine */
    wtap_block_remove_option(shb, OPT_SHB_OS);
  }
  if (w->bare_interfaces) {   /* nor name resolution, decryption secrets or other side blocks */
    w->params.dsbs_growing = NULL;
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
    w->params.nrbs_growing = NULL;
    w->params.mevs_growing = NULL;
#endif
#ifdef S7W_REC_HOLDS_DATA
    w->params.dpibs_growing = NULL;
#endif
  }
  int err = 0;
  char *err_info = NULL;
  if (path)
    w->wdh = wtap_dump_open(path, wtap_pcapng_file_type_subtype(), WTAP_UNCOMPRESSED, &w->params, &err, &err_info);
  else
    w->wdh = wtap_dump_fdopen(fd, wtap_pcapng_file_type_subtype(), WTAP_UNCOMPRESSED,
                              &w->params, &err, &err_info);
  g_mutex_unlock(&wiretap_lock);
  if (!w->wdh) {
    g_autofree char *why = wtap_error_text(err, err_info);
    if (!path)
      close(fd);
    free_idb_inf(&w->params);
    wtap_dump_params_cleanup(&w->params);
    g_ptr_array_unref(w->own_idbs);
    g_free(w);
    g_set_error(error, s7_capture_reader_error_quark(), S7_READ_ERROR_FAILED,
                path ? "cannot write %s: %s" : "cannot write the capture for tshark%s: %s", path ? path : "", why);
    return NULL;
  }
  add_new_idbs(w, r);
  return w;
}

S7CaptureWriter *s7_capture_writer_open(S7CaptureReader *r, int fd, GError **error)
{
  return writer_open(r, fd, NULL, NULL, NULL, error);
}

S7CaptureWriter *s7_capture_writer_open_file(S7CaptureReader *r, const char *path, S7CommentEdit shb_edit,
                                             gpointer edit_data, GError **error)
{
  return writer_open(r, -1, path, shb_edit, edit_data, error);
}

gboolean s7_capture_writer_write(S7CaptureWriter *w, S7CaptureReader *r)
{
  int err = 0;
  char *err_info = NULL;
  if (!add_new_idbs(w, r))
    return FALSE;
  if (!s7w_dump(w->wdh, &r->rec, &err, &err_info)) {
    g_free(err_info);
    return FALSE;
  }
  return TRUE;
}

gboolean s7_capture_writer_flush(S7CaptureWriter *w)
{
  int err = 0;
  return wtap_dump_flush(w->wdh, &err);
}

void s7_capture_writer_close(S7CaptureWriter *w)
{
  if (!w)
    return;
  int err = 0;
  char *err_info = NULL;
  s7w_bool needs_reload = FALSE;
  g_mutex_lock(&wiretap_lock);
  wtap_dump_close(w->wdh, &needs_reload, &err, &err_info);
  free_idb_inf(&w->params);
  wtap_dump_params_cleanup(&w->params);
  g_ptr_array_unref(w->own_idbs);
  g_mutex_unlock(&wiretap_lock);
  g_free(err_info);
  g_free(w);
}
