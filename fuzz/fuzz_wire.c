/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_wire.c — what `s7diag check` does with a PLC's answer bytes: cut the stream into TPKT
 * packets, decode COTP, reassemble DT fragments and decode the S7 PDU (core/decode/s7_wire.c), and the
 * gate that decides what may be sent (analyzer/check/check_requests.c); and what the plugin does
 * with the bytes of a capture's COTP and S7 items (plugin/epan_wire.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check_requests.h"
#include "s7_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static S7Event ev;
  guint8 s7[8192];
  gsize s7_len = 0;
  gsize at = 0;
  while (at < size) {
    gssize n = s7_wire_tpkt_length(data + at, size - at, 4096);
    if (n <= 0 || (gsize)n > size - at)
      break;
    const guint8 *payload;
    gsize plen;
    gboolean last;
    const char *why = NULL;
    S7WireKind k = s7_wire_decode_packet(data + at, (gsize)n, &ev, &payload, &plen, &last, &why);
    if (k == S7_WIRE_BAD && !why)
      __builtin_trap();
    if (k == S7_WIRE_DATA) {
      if (payload < data + at || payload + plen > data + at + n)
        __builtin_trap();
      if (s7_len + plen <= sizeof s7) {
        memcpy(s7 + s7_len, payload, plen);
        s7_len += plen;
      }
      if (last) {
        if (!s7_wire_decode_s7(s7, s7_len, &ev, &why) && !why)
          __builtin_trap();
        if (ev.u.s7.n_items > S7_MAX_ITEMS || ev.u.s7.n_retcodes > S7_MAX_ITEMS)
          __builtin_trap();
        s7_len = 0;
      }
    }
    const char *refused;
    s7_check_request_allowed(data + at, (gsize)n, &refused);
    at += (gsize)n;
  }
  /* the plugin's use: a COTP TPDU from a capture that may be cut short anywhere, an S7 PDU
   * as a dissector's item covers it, an SZL answer a dissector reassembled */
  const guint8 *payload;
  gsize plen;
  gboolean last;
  const char *why = NULL;
  if (s7_wire_decode_cotp(data, size, TRUE, &ev, &payload, &plen, &last, &why) == S7_WIRE_BAD && !why)
    __builtin_trap();
  if (s7_wire_decode_s7(data, size, &ev, &why)) {
    ev.u.s7.ud_type = S7_UD_TYPE_RESPONSE;
    s7_wire_szl(data, size, &ev.u.s7);
  }
  return 0;
}
