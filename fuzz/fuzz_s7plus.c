/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_s7plus.c — the S7comm-plus header parser (used by the analyzer and the plugin). */
#include <stddef.h>
#include <stdint.h>

#include "s7plus_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  S7PlusPdu p;
  S7PlusLayout lay;
  if (s7plus_parse_layout(data, size, &p, &lay)) {
    /* every offset it reports lies inside the input */
    if (lay.opcode >= size || (lay.ret && lay.ret + lay.ret_len > size) || (lay.session && lay.session + 4 > size))
      __builtin_trap();
  }
  guint64 v;
  s7plus_read_vlq64(data, size, &v);
  return 0;
}
