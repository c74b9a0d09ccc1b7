/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plugin.c — the entry points Wireshark's plugin loader looks for.
 *
 * One binary per Wireshark release line (its ABI): plugin_want_major/minor name the line it
 * was built for, and the version string says so too ("0.2.0 (Wireshark 4.4)", shown by
 * `tshark -G plugins` and Help → About → Plugins). API differences live in ws_compat.h. */
#include <epan/proto.h>
#include <epan/tap.h>

#include "s7diag_plugin.h"

#ifndef S7DIAG_VERSION
#define S7DIAG_VERSION "0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = S7DIAG_VERSION " (Wireshark " S7D_WS_BUILT_FOR ")";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#if S7D_WS_HAS_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
  return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

void plugin_register(void)
{
  static proto_plugin diag = { s7diag_register, s7diag_handoff };
  static proto_plugin s7plus = { s7diag_s7plus_register, s7diag_s7plus_handoff };
  static tap_plugin stats = { s7diag_stats_tree_register };
  proto_register_plugin(&s7plus);
  proto_register_plugin(&diag);
  tap_register_plugin(&stats);
}
