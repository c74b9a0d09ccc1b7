/* SPDX-License-Identifier: GPL-2.0-or-later */
/* activity.c — the widening histogram of the report's timeline (see activity.h). */
#include "activity.h"

#include <string.h>

static void widen(S7Histogram *h)
{
  for (guint i = 0; i < S7_HIST_BUCKETS / 2; i++)
    h->count[i] = h->count[2 * i] + h->count[2 * i + 1];
  memset(h->count + S7_HIST_BUCKETS / 2, 0, sizeof h->count / 2);
  h->width_us *= 2;
}

void s7_hist_add(S7Histogram *h, gint64 ts_us)
{
  if (!h->started) {
    h->started = TRUE;
    h->origin_us = ts_us;
    h->width_us = S7_HIST_FIRST_WIDTH_US;
  }
  gint64 rel = ts_us - h->origin_us;
  if (rel < 0)
    rel = 0;   /* out of order by a little (several interfaces): the first bucket */
  while (rel / h->width_us >= S7_HIST_BUCKETS && h->width_us < G_MAXINT64 / 4)
    widen(h);
  gint64 i = rel / h->width_us;
  h->count[MIN(i, S7_HIST_BUCKETS - 1)]++;
}

void s7_hist_fold(const S7Histogram *h, gint64 from_us, gint64 span_us, guint slices, gint64 *out)
{
  if (!h->started || span_us <= 0 || !slices)
    return;
  for (guint i = 0; i < S7_HIST_BUCKETS; i++) {
    if (!h->count[i])
      continue;
    gint64 mid = h->origin_us + (gint64)i * h->width_us + h->width_us / 2 - from_us;
    gint64 s = mid <= 0 ? 0 : mid * (gint64)slices / span_us;
    out[MIN(s, (gint64)slices - 1)] += h->count[i];
  }
}
