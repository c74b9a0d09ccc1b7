/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire_sniff.c — payload signatures (see wire_sniff.h). */
#include "wire_sniff.h"

gboolean s7_sniff_tpkt(const guint8 *p, gsize len)
{
  if (len < 7 || p[0] != 3 || p[1] != 0)
    return FALSE;
  guint tpkt_len = (guint)p[2] << 8 | p[3];
  guint li = p[4];
  if (tpkt_len < 7 || li < 2 || li + 5 > tpkt_len)
    return FALSE;
  switch (p[5] & 0xf0) {
  case 0xe0: case 0xd0: case 0x80: case 0xc0: case 0xf0: case 0x70:
    return TRUE;
  default:
    return FALSE;
  }
}

gboolean s7_sniff_tls_record(const guint8 *p, gsize len)
{
  return len >= 5 && p[0] >= 20 && p[0] <= 23 && p[1] == 3 && p[2] <= 4;
}
