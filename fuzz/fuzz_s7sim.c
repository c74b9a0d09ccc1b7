/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_s7sim.c — s7sim's request handling: a client's byte stream, cut into TPKTs as the
 * server cuts them, answered or closed; never an answer beyond the TPKT limit. */
#include <stdint.h>

#include "s7sim_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static S7SimConfig cfg;
  static gboolean init;
  if (!init) {
    s7sim_config_init(&cfg);
    char *why = NULL;
    s7sim_config_set(&cfg, "db", "1:100", &why);
    s7sim_config_set(&cfg, "db", "5:100:optimized", &why);
    s7sim_config_set(&cfg, "db", "7:10:read-only", &why);
    cfg.max_connections = 2;
    init = TRUE;
  }
  guint live = 0;
  guint64 answers = 0;
  S7SimSession s = { &cfg, &live, size > 0 && (data[0] & 1), 240, 0x44, &answers };
  GByteArray *out = g_byte_array_new();
  GString *log = g_string_new(NULL);
  size_t off = 0;
  while (off < size) {
    gssize tl = s7sim_tpkt_length(data + off, size - off);
    if (tl <= 0 || (size_t)tl > size - off)
      break;
    g_byte_array_set_size(out, 0);
    g_string_truncate(log, 0);
    S7SimAction a = s7sim_handle(&s, data + off, (gsize)tl, out, log);
    if (out->len > S7SIM_TPKT_MAX + 64)
      __builtin_trap();
    off += (size_t)tl;
    if (a == S7SIM_CLOSE || a == S7SIM_RESET)
      break;
  }
  s7sim_session_end(&s);
  g_byte_array_unref(out);
  g_string_free(log, TRUE);
  return 0;
}
