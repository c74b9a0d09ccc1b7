/* plugin.c — the entry points Wireshark's plugin loader looks for.
 *
 * Built and tested against Wireshark 4.0 (Debian 12). The guarded parts follow the
 * documented API changes of 4.2 (plugin_describe, plugin_want_* as int); they are not
 * tested here. */
#include <ws_version.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "s7diag_plugin.h"

#ifndef S7DIAG_VERSION
#define S7DIAG_VERSION "0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = S7DIAG_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
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
