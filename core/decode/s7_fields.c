/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_fields.c — the fields the engine reads and a dissector's profile of them (s7_fields.h). */
#include "s7_fields.h"

#include <string.h>

static const S7FieldInfo fields[S7F_COUNT] = {
#define S7_FIELD_INFO(name, field, kind, need) { field, kind, need },
  S7_FIELDS(S7_FIELD_INFO)
#undef S7_FIELD_INFO
};

const S7FieldInfo *s7_field_info(S7Field f)
{
  return f < S7F_COUNT ? &fields[f] : NULL;
}

S7Field s7_field_by_name(const char *name)
{
  for (guint i = 0; i < S7F_COUNT; i++)
    if (!strcmp(fields[i].name, name))
      return (S7Field)i;
  return S7F_COUNT;
}

void s7_field_profile_init(S7FieldProfile *p)
{
  memset(p, 0, sizeof *p);
}

void s7_field_profile_add(S7FieldProfile *p, const char *name, guint64 bitmask)
{
  S7Field f = s7_field_by_name(name);
  if (f == S7F_COUNT)
    return;
  p->have[f] = TRUE;
  /* the lowest set bit: where the value sits in its byte */
  p->shift[f] = bitmask ? (guint8)__builtin_ctzll(bitmask) : 0;
}

gboolean s7_field_profile_finish(S7FieldProfile *p, const char **missing)
{
  p->ud_layout = p->have[S7F_S7_UD_LENGTH] ? S7_UD_LAYOUT_HEAD : S7_UD_LAYOUT_VARSPEC;
  for (guint i = 0; i < S7F_COUNT; i++) {
    if (fields[i].need == S7FN_ALWAYS && !p->have[i]) {
      if (missing)
        *missing = fields[i].name;
      return FALSE;
    }
  }
  return TRUE;
}

void s7_field_profile_wireshark40(S7FieldProfile *p)
{
  s7_field_profile_init(p);
  for (guint i = 0; i < S7F_COUNT; i++)
    s7_field_profile_add(p, fields[i].name, 0);
  s7_field_profile_add(p, "s7comm.param.userdata.type", 0xf0);
  s7_field_profile_add(p, "s7comm.param.userdata.funcgroup", 0x0f);
  s7_field_profile_add(p, "tcp.flags", 0xfff);
  s7_field_profile_finish(p, NULL);
}
