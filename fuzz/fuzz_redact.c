/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_redact.c — --redact's packet rewrite (analyzer/redact/redact_capture.c) on any bytes: the first
 * byte picks the link layer, the rest is the packet, rewritten in place. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static S7Redactor *r;
  if (!r) {
    char *err = NULL;
    r = s7_redactor_new(NULL, &err);
    s7_redactor_add_secret(r, S7_SECRET_MODULE, "PLC_Filler");
    s7_redactor_add_secret(r, S7_SECRET_SERIAL, "S V-K1234567");
  }
  if (size < 1 || size > 65536)
    return 0;
  static const S7Link links[] = { S7_LINK_ETHERNET, S7_LINK_NULL, S7_LINK_RAW_IP, S7_LINK_SLL, S7_LINK_SLL2,
                                  S7_LINK_OTHER };
  S7Link link = links[data[0] % 6];
  guint8 *pkt = g_memdup2(data + 1, size - 1);   /* exactly as long as the packet: overruns show */
  s7_redact_packet(r, link, pkt, (guint)(size - 1));
  g_free(pkt);
  return 0;
}
