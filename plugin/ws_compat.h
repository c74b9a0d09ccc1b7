/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ws_compat.h — the epan API differences between the Wireshark versions s7diag is built for,
 * in one place: 4.0 (Debian 12), 4.4 (Debian 13) and 4.6 (current), each built and tested.
 *
 * The plugin's code uses the current names (tvb_get_uint8, bool callbacks, field values by
 * pointer); this header maps them back for older releases. 4.2 is not built here: its
 * thresholds are the releases the changes first appeared in (4.2.0, Nov 2023), between the
 * two that are tested on either side. */
#ifndef S7DIAG_WS_COMPAT_H
#define S7DIAG_WS_COMPAT_H

#include <stdbool.h>
#include <ws_version.h>

#define S7D_WS_AT_LEAST(maj, min) \
  (WIRESHARK_VERSION_MAJOR > (maj) || \
   (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* "4.4": the Wireshark release line this plugin binary was built for (its ABI) */
#define S7D_WS_STR2(x) #x
#define S7D_WS_STR(x) S7D_WS_STR2(x)
#define S7D_WS_BUILT_FOR S7D_WS_STR(WIRESHARK_VERSION_MAJOR) "." S7D_WS_STR(WIRESHARK_VERSION_MINOR)

#if S7D_WS_AT_LEAST(4, 2)
/* 4.2: field_info holds its value by pointer; heuristic dissectors and bool preferences
 * are C99 bool; C99 names for the tvb accessors (the g-names are deprecated in 4.4) */
#define S7D_FI_VALUE(fi) ((fi)->value)
typedef bool s7d_heur_result;
#else
#define S7D_FI_VALUE(fi) (&(fi)->value)
typedef gboolean s7d_heur_result;
#define tvb_get_uint8 tvb_get_guint8
#endif

/* prefs_register_bool_preference takes a bool * from 4.4 (gboolean * before) */
#if S7D_WS_AT_LEAST(4, 4)
typedef bool s7d_pref_bool;
#else
typedef gboolean s7d_pref_bool;
#endif

/* 4.2 wants plugin_describe(); plugin_want_major/minor are int from 4.2 too */
#define S7D_WS_HAS_PLUGIN_DESCRIBE S7D_WS_AT_LEAST(4, 2)

/* The bytes of a TCP header the tcp dissector must have to give its flags: 4.0 and 4.4 read
 * through the window first, 4.6 adds the flags after 14 (tests/plugin_events.sh cuts at 14
 * and 16) */
#if S7D_WS_AT_LEAST(4, 6)
#define S7D_TCP_FLAGS_NEED 14
#else
#define S7D_TCP_FLAGS_NEED 16
#endif

#endif
