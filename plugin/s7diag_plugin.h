/* s7diag_plugin.h — the plugin's parts and what they share (epan side only). */
#ifndef S7DIAG_PLUGIN_H
#define S7DIAG_PLUGIN_H

#include <ws_version.h>
#include <epan/packet.h>

/* packet_s7diag.c: the "S7 Diagnostics" postdissector */
void s7diag_register(void);
void s7diag_handoff(void);
extern int proto_s7diag;

/* packet_s7plus.c: the S7comm-plus (0x72) heuristic dissector */
void s7diag_s7plus_register(void);
void s7diag_s7plus_handoff(void);
extern int proto_s7diag_s7p;

/* stats_tree.c: Statistics → S7 Diagnostics, `tshark -z s7diag,tree` */
void s7diag_stats_tree_register(void);
#define S7DIAG_TAP_NAME "s7diag"

/* Wireshark 4.2 passes field values by pointer */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define S7DIAG_FI_VALUE(fi) ((fi)->value)
#else
#define S7DIAG_FI_VALUE(fi) (&(fi)->value)
#endif

/* Wireshark 4.4 takes bool preferences as C99 bool */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
typedef bool s7d_pref_bool;
#else
typedef gboolean s7d_pref_bool;
#endif

#endif
