/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7plus_names.c — S7comm-plus opcode and function names (see s7plus_names.h). */
#include "s7plus_names.h"

const char *s7plus_opcode_name(guint8 opcode)
{
  switch (opcode) {
  case S7PLUS_OP_REQUEST: return "Request";
  case S7PLUS_OP_RESPONSE: return "Response";
  case S7PLUS_OP_NOTIFICATION: return "Notification";
  case S7PLUS_OP_RESPONSE2: return "Response2";
  default: return NULL;
  }
}

const char *s7plus_function_name(guint16 f)
{
  switch (f) {
  case 0x04bb: return "Explore";
  case 0x04ca: return "CreateObject";
  case 0x04d4: return "DeleteObject";
  case 0x04f2: return "SetVariable";
  case 0x04fc: return "GetVariable";
  case 0x0524: return "GetLink";
  case 0x0542: return "SetMultiVariables";
  case 0x054c: return "GetMultiVariables";
  case 0x0556: return "BeginSequence";
  case 0x0560: return "EndSequence";
  case 0x056b: return "Invoke";
  case 0x0586: return "GetVarSubStreamed";
  case 0x04b1: return "Error";
  case 0x0506: return "AddLink";
  case 0x051a: return "RemoveLink";
  case 0x057c: return "SetVarSubStreamed";
  case 0x0590: return "GetVariablesAddress";
  case 0x059a: return "Abort";
  case 0x05a9: return "Error2";
  case 0x05b3: return "InitSsl";
  default: return NULL;
  }
}
