/* SPDX-License-Identifier: GPL-2.0-or-later */
/* activity.h — when things happened, counted while a capture streams, for the report's
 * timeline: a histogram of fixed size whose buckets widen (pairs merged) as the capture goes
 * on, so it is as fine as the capture is short and never larger than S7_HIST_BUCKETS counts. */
#ifndef S7DIAG_ACTIVITY_H
#define S7DIAG_ACTIVITY_H

#include <glib.h>

G_BEGIN_DECLS

#define S7_HIST_BUCKETS 512
#define S7_HIST_FIRST_WIDTH_US 1000   /* 1 ms buckets while the capture is short */

typedef struct {
  gint64 origin_us;            /* start of bucket 0 */
  gint64 width_us;             /* every bucket's width */
  gboolean started;
  guint32 count[S7_HIST_BUCKETS];
} S7Histogram;

void s7_hist_add(S7Histogram *h, gint64 ts_us);

/* Adds the counts into out[slices] equal slices of [from_us, from_us + span_us), each bucket
 * to the slice of its middle */
void s7_hist_fold(const S7Histogram *h, gint64 from_us, gint64 span_us, guint slices, gint64 *out);

G_END_DECLS

#endif
