/* SPDX-License-Identifier: GPL-2.0-or-later */
/* field_row.h — one frame's field values, typed, and the engine events they make.
 *
 * The analyzer's path into the engine: it fills a row from tshark's text (-T fields) and
 * s7_row_to_events turns it into events. (The plugin decodes the bytes of the dissectors'
 * protocol items instead, plugin/epan_wire.c; tests/plugin_events.sh checks that both give
 * the same events on every capture.) A row holds, per
 * field of s7_fields.h, its occurrences in the frame in the order of the bytes; several S7 PDUs
 * in one frame give several occurrences, split per PDU by the structure of S7 (which fields
 * each PDU type carries in the dissector's layout, S7FieldProfile).
 */
#ifndef S7DIAG_FIELD_ROW_H
#define S7DIAG_FIELD_ROW_H

#include <glib.h>

#include "s7_event.h"
#include "s7_fields.h"

G_BEGIN_DECLS

/* One occurrence: a number, or bytes/text in the row's data (text NUL-terminated) */
typedef struct {
  guint64 u;
  guint32 off, len;
} S7FieldValue;

typedef struct {
  guint32 frame;
  gint64 ts_us;
  guint32 first[S7F_COUNT], count[S7F_COUNT];  /* field f: values[first .. first+count) */
  S7FieldValue *values;
  guint n_values, cap_values;
  guint8 *data;
  guint n_data, cap_data;
  S7Field last;                  /* fields are added in column order */
} S7FieldRow;

void s7_field_row_init(S7FieldRow *row);
void s7_field_row_clear(S7FieldRow *row);
/* Empties the row for the next frame (keeps its memory) */
void s7_field_row_reset(S7FieldRow *row, guint32 frame, gint64 ts_us);
/* Adds an occurrence of field f; fields must come in column order (f >= the last one added),
 * a field's occurrences one after another. */
void s7_field_row_add_uint(S7FieldRow *row, S7Field f, guint64 value);
/* bytes (S7FK_BYTES) or text (S7FK_ADDR, S7FK_STR: stored NUL-terminated) */
void s7_field_row_add_bytes(S7FieldRow *row, S7Field f, const void *bytes, guint len);
/* The bytes/text of an occurrence */
static inline const guint8 *s7_field_row_bytes(const S7FieldRow *row, const S7FieldValue *v)
{
  return row->data + v->off;
}

/* What rows_to_events found odd (counted, reported as limitations). */
typedef struct {
  guint64 rows, malformed_rows, ambiguous_rows;
  guint32 last_frame;
  gint64 first_ts_us, last_ts_us;
} S7RowStats;

typedef void (*S7EventSink)(const S7Event *ev, gpointer user_data);

/* Emits the row's events in protocol order: TCP or ICMP, then COTP, then S7/S7comm-plus
 * PDUs. A frame that is a TCP retransmission carries no COTP or S7 event (a repeat of what
 * was seen; dissectors differ in whether they decode it). */
void s7_row_to_events(const S7FieldRow *row, const S7FieldProfile *prof, S7RowStats *stats,
                      S7EventSink sink, gpointer user_data);

/* Counts a row the front end could not read at all */
void s7_row_stats_malformed(S7RowStats *stats);

G_END_DECLS

#endif
