/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7plus_names.h — S7comm-plus (protocol id 0x72) vocabulary: opcodes, the functions the engine
 * looks at, and the names of opcodes and functions, for the decoders, the engine's rules and
 * texts and the plugin's dissector alike. */
#ifndef S7DIAG_S7PLUS_NAMES_H
#define S7DIAG_S7PLUS_NAMES_H

#include <glib.h>

G_BEGIN_DECLS

enum { S7PLUS_OP_REQUEST = 0x31, S7PLUS_OP_RESPONSE = 0x32, S7PLUS_OP_NOTIFICATION = 0x33,
       S7PLUS_OP_RESPONSE2 = 0x02 };
#define S7PLUS_VERSION_KEEPALIVE 0xFE
/* functions the engine looks at: an Error / Error2 PDU answers a request it refuses (e.g.
 * InitSsl on a CPU without TLS); CreateObject's response carries the ServerSessionVersion */
enum { S7PLUS_FUNC_ERROR = 0x04b1, S7PLUS_FUNC_CREATE_OBJECT = 0x04ca, S7PLUS_FUNC_ERROR2 = 0x05a9,
       S7PLUS_FUNC_INIT_SSL = 0x05b3 };

const char *s7plus_opcode_name(guint8 opcode);
const char *s7plus_function_name(guint16 function);

G_END_DECLS

#endif
