/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_engine.c — the engine fed arbitrary event sequences: out-of-order frames, responses
 * without requests, duplicate PDU refs, many connections, every event type and field. */
#include <stdint.h>
#include <string.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  S7EngineConfig cfg;
  s7_engine_config_init(&cfg);
  cfg.max_evidence_frames = 4;
  cfg.max_listed_connections = 16;
  S7Engine *e = s7_engine_new(&cfg);
  static const char *const ips[4] = { "10.0.0.1", "10.0.0.5", "fe80::1", "10.0.0.9" };
  S7Event ev;
  gint64 ts = 1700000000000000;
  for (size_t off = 0; off + 16 <= size; off += 16) {
    const uint8_t *d = data + off;
    memset(&ev, 0, sizeof ev);
    ev.type = (S7EventType)(d[0] % 5);
    ev.frame = (guint32)(d[1] | d[2] << 8);
    ts += (gint64)(d[3] << 8 | d[4]) * ((d[0] & 0x80) ? -1 : 1) * 1000;
    ev.ts_us = ts;
    g_strlcpy(ev.src.addr, ips[d[5] & 3], sizeof ev.src.addr);
    g_strlcpy(ev.dst.addr, ips[(d[5] >> 2) & 3], sizeof ev.dst.addr);
    ev.src.port = (d[5] & 0x10) ? 102 : (guint16)(1024 + d[6]);
    ev.dst.port = (d[5] & 0x20) ? 102 : (guint16)(1024 + d[7]);
    switch (ev.type) {
    case S7_EV_TCP: ev.u.tcp.flags = d[8]; ev.u.tcp.capture_gap = d[9] & 1; break;
    case S7_EV_ICMP_UNREACH:
      ev.u.icmp.v6 = d[9] & 1;   /* ICMPv6's destination unreachable is type 1, ICMP's 3 */
      ev.u.icmp.icmp_type = (d[9] & 2) ? (ev.u.icmp.v6 ? 1 : 3) : d[10]; ev.u.icmp.icmp_code = d[8] & 15;
      ev.u.icmp.quoted_src = ev.dst; ev.u.icmp.quoted_dst = ev.src; break;
    case S7_EV_COTP:
      ev.u.cotp.tpdu = (guint8)(d[8] & 0xF0); ev.u.cotp.cause = d[9];
      ev.u.cotp.src_tsap_len = d[10] % 17; ev.u.cotp.dst_tsap_len = d[11] % 17;
      memcpy(ev.u.cotp.dst_tsap, d + 8, 8); break;
    case S7_EV_S7: {
      S7Pdu *p = &ev.u.s7;
      p->rosctr = d[8] % 8; p->pdu_ref = d[9] % 4; p->err_class = d[10] & 0x87; p->err_code = d[11] & 7;
      p->param_error = (guint16)(d[10] << 8 | d[11]);
      p->function = (d[12] & 1) ? 0x100 : d[12] % 0x30 + (d[12] > 0xF0 ? 0xF0 - 0x30 : 0);
      p->ud_type = (d[13] & 1) ? 4 : 8; p->ud_group = d[13] >> 4; p->ud_subfunc = d[14] & 3;
      p->n_items = d[14] >> 4;
      for (guint i = 0; i < p->n_items; i++)
        p->items[i] = S7_ITEM(0x10, (guint8)(0x80 + (d[15] & 7)), (guint8)(d[15] >> 4), d[13], (guint32)d[15] << 3, (guint16)(d[12] + 1));
      p->n_retcodes = d[15] % 5;
      for (guint i = 0; i < p->n_retcodes; i++)
        p->retcodes[i] = (guint8[]){ 0xFF, 0x05, 0x0A, 0x03, 0x06 }[(d[9] + i) % 5];
      break;
    }
    case S7_EV_S7PLUS:
      ev.u.s7plus.version = d[8] % 4 ? d[8] % 4 : 0xFE; ev.u.s7plus.opcode = 0x31 + (d[9] & 1);
      ev.u.s7plus.function = 0x04bb; ev.u.s7plus.has_return = d[10] & 1;
      ev.u.s7plus.error_code = (gint16)(d[11] << 8 | d[12]); ev.u.s7plus.session_id = d[13];
      break;
    }
    s7_engine_feed(e, &ev);
  }
  s7_engine_set_capture_end(e, ts);
  s7_engine_finish(e);
  s7_engine_free(e);
  return 0;
}
