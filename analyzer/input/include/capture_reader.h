/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_reader.h — reading a capture with libwiretap (Wireshark's capture-file library, so
 * exactly what tshark reads: pcap, pcapng with several interfaces of different link types,
 * gzip and, where the version has them, zstd/lz4 compressed files, and the other formats), and
 * writing chosen records of it as a pcapng stream with the same interfaces. */
#ifndef S7DIAG_CAPTURE_READER_H
#define S7DIAG_CAPTURE_READER_H

#include <glib.h>

#include "prefilter.h"

G_BEGIN_DECLS

#define S7_READ_ERROR_NOT_CAPTURE 1   /* error codes of s7_capture_reader_error_quark() */
#define S7_READ_ERROR_FAILED 2

GQuark s7_capture_reader_error_quark(void);

typedef struct S7CaptureReader S7CaptureReader;

/* One record as read: its frame number as tshark numbers it (every record counts) */
typedef struct {
  guint32 frame;
  gint64 ts_us;
  gboolean is_packet;        /* a packet (not an event or a journal entry) */
  S7Link link;               /* its interface's link layer, as far as the prefilter reads it */
  const guint8 *data;        /* caplen bytes, valid until the next read */
  guint caplen;
} S7Record;

/* NULL with error (S7_READ_ERROR_NOT_CAPTURE: not a capture file any Wireshark reader knows) */
S7CaptureReader *s7_capture_reader_open(const char *path, GError **error);
/* The next record; FALSE at the end or when the file is damaged (see _damage) */
gboolean s7_capture_reader_next(S7CaptureReader *r, S7Record *rec);
/* Why reading stopped before the end: NULL when the whole file was read */
const char *s7_capture_reader_damage(const S7CaptureReader *r);
void s7_capture_reader_close(S7CaptureReader *r);

/* A comment's replacement (newly allocated), or NULL to drop it */
typedef char *(*S7CommentEdit)(const char *comment, gpointer data);

/* The packet just read, to change before it is written (NULL when the record is no packet) */
guint8 *s7_capture_reader_data_mut(S7CaptureReader *r);
/* The comments of the record just read, each replaced by what edit returns */
void s7_capture_reader_edit_comments(S7CaptureReader *r, S7CommentEdit edit, gpointer data);

typedef struct S7CaptureWriter S7CaptureWriter;

/* A pcapng stream onto fd (taken over) with the reader's interfaces */
S7CaptureWriter *s7_capture_writer_open(S7CaptureReader *r, int fd, GError **error);
/* A pcapng file with the reader's interfaces; with shb_edit (for a redacted copy) its section
 * header's comments edited and the interfaces written bare: link type, snapshot length and
 * time resolution only (no names, descriptions, addresses, capture filter, hardware, OS) */
S7CaptureWriter *s7_capture_writer_open_file(S7CaptureReader *r, const char *path, S7CommentEdit shb_edit,
                                             gpointer edit_data, GError **error);
/* Writes the record just read from r; FALSE when the stream broke */
gboolean s7_capture_writer_write(S7CaptureWriter *w, S7CaptureReader *r);
/* What is buffered, out to the stream now; FALSE when it broke */
gboolean s7_capture_writer_flush(S7CaptureWriter *w);
void s7_capture_writer_close(S7CaptureWriter *w);

G_END_DECLS

#endif
