/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wtap_compat.h — the libwiretap API differences between the Wireshark versions s7diag is built
 * for (4.0, 4.4, 4.6), in one place. Wireshark 4.6 keeps a record's bytes in the record
 * (wtap_rec.data; wtap_read and wtap_dump without a Buffer); 4.0 and 4.4 pass a Buffer beside
 * it. The analyzer's code uses S7WtapRec and these calls only. */
#ifndef S7DIAG_WTAP_COMPAT_H
#define S7DIAG_WTAP_COMPAT_H

#include <stdbool.h>
#include <ws_version.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 5)
#define S7W_REC_HOLDS_DATA 1   /* merged in the 4.5 development series, released with 4.6 */
#endif

/* C99 bool in the wiretap API from 4.2 (gboolean in 4.0) */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
typedef bool s7w_bool;
#else
typedef gboolean s7w_bool;
#endif

typedef struct {
  wtap_rec rec;
#ifndef S7W_REC_HOLDS_DATA
  Buffer buf;
#endif
} S7WtapRec;

/* More than wsutil's small-buffer size (2 kB): ws_buffer_init/ws_buffer_free keep buffers of
 * that size in a process-wide pool that is not thread-safe, and captures are read in
 * parallel threads (see capture_reader.c's lock for what wiretap itself allocates). */
#define S7W_REC_SPACE 4096

static inline void s7w_rec_init(S7WtapRec *r)
{
#ifdef S7W_REC_HOLDS_DATA
  wtap_rec_init(&r->rec, S7W_REC_SPACE);
#else
  wtap_rec_init(&r->rec);
  ws_buffer_init(&r->buf, S7W_REC_SPACE);
#endif
}

static inline void s7w_rec_cleanup(S7WtapRec *r)
{
  wtap_rec_cleanup(&r->rec);
#ifndef S7W_REC_HOLDS_DATA
  ws_buffer_free(&r->buf);
#endif
}

static inline gboolean s7w_read(wtap *wth, S7WtapRec *r, int *err, char **err_info, gint64 *offset)
{
#ifdef S7W_REC_HOLDS_DATA
  return wtap_read(wth, &r->rec, err, err_info, offset);
#else
  return wtap_read(wth, &r->rec, &r->buf, err, err_info, offset);
#endif
}

static inline const guint8 *s7w_rec_data(S7WtapRec *r)
{
#ifdef S7W_REC_HOLDS_DATA
  return ws_buffer_start_ptr(&r->rec.data);
#else
  return ws_buffer_start_ptr(&r->buf);
#endif
}

static inline gboolean s7w_dump(wtap_dumper *d, S7WtapRec *r, int *err, char **err_info)
{
#ifdef S7W_REC_HOLDS_DATA
  return wtap_dump(d, &r->rec, err, err_info);
#else
  return wtap_dump(d, &r->rec, ws_buffer_start_ptr(&r->buf), err, err_info);
#endif
}

#endif
