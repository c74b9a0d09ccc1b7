/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_codes.h — the one table of S7 codes, fault kinds and their texts.
 *
 * Used by the engine, the analyzer's reports and `explain`, and the plugin's value
 * strings and expert infos, so every front end says the same thing.
 */
#ifndef S7DIAG_S7_CODES_H
#define S7DIAG_S7_CODES_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum { S7_SEV_NOTE = 0, S7_SEV_WARNING = 1, S7_SEV_ERROR = 2 } S7Severity;

/* Stable fault kind ids (DESIGN.md). Order = catalogue order. */
typedef enum {
  S7K_PUTGET_DENIED,
  S7K_FUNCTION_NOT_AVAILABLE,
  S7K_INVALID_ADDRESS,
  S7K_OBJECT_MISSING,
  S7K_ACCESS_DENIED,
  S7K_PROTECTION_LEVEL,
  S7K_PDU_SIZE_EXCEEDED,
  S7K_DATA_TYPE_ERROR,
  S7K_RESOURCE_ERROR,
  S7K_PLC_ERROR,
  S7K_CONNECT_REFUSED,
  S7K_CONNECT_NO_ANSWER,
  S7K_SETUP_REJECTED,
  S7K_PORT_NO_ANSWER,
  S7K_PORT_REFUSED,
  S7K_PORT_UNREACHABLE,
  S7K_NO_RESPONSE,
  S7K_SLOW_RESPONSE,
  S7K_RECONNECT_STORM,
  S7K_LEAKED_CONNECTIONS,
  S7K_S7PLUS_ERROR,
  S7K_PLC_CLOSED,
  S7K_WRITE_CONFLICT,
  S7K_AMQ_EXCEEDED,
  S7K_PDU_FRAGMENTED,
  /* security observations */
  S7K_UNAUTHENTICATED_WRITE,
  S7K_PLC_CONTROL,
  S7K_PASSWORD_ATTEMPT,
  S7K_S7PLUS_LEGACY,
  S7K_UNEXPECTED_PARTNER,
  S7K_COUNT
} S7Kind;

/* Wireshark expert group a kind belongs to (the plugin maps it to PI_*) */
typedef enum { S7_GROUP_RESPONSE_CODE, S7_GROUP_SEQUENCE, S7_GROUP_SECURITY } S7ExpertGroup;

typedef struct {
  S7Kind kind;
  const char *id;            /* stable id: "putget-denied" */
  S7Severity severity;       /* default severity */
  S7ExpertGroup group;
  const char *tag;           /* short Info-column tag: "PUT/GET denied" */
  const char *title;         /* one line, generic */
  const char *cause;         /* what it means and why it happens */
  const char *action;        /* the fix */
  const char *client_says;   /* what users' client libraries print for it */
} S7KindInfo;

const S7KindInfo *s7_kind_info(S7Kind kind);
gboolean s7_kind_from_id(const char *id, S7Kind *out);
const char *s7_severity_name(S7Severity sev);
/* "error" / "warning" / anything else (a note); the enum's order is the severity's rank */
S7Severity s7_severity_from_name(const char *name);

/* Code tables. Every lookup returns NULL for an unknown code. */
const char *s7_error_class_text(guint8 err_class);
const char *s7_error_text(guint16 code);          /* class<<8|code, or a parameter error code */
const char *s7_item_return_text(guint8 rc);
const char *s7_item_return_client_says(guint8 rc);
const char *s7_cotp_dr_cause_text(guint8 cause);
const char *s7_cotp_er_cause_text(guint8 cause);
const char *s7_s7plus_error_text(gint16 code);
/* The generic error code of an S7comm-plus return value (bits 40-46): its name
 * ("TooManySessions"), what it means for the user and what to do (NULL when the name is all
 * that can be said); NULL for a code s7diag does not know */
typedef struct {
  guint8 code;
  const char *name, *meaning, *action;
} S7PlusGeneric;
const S7PlusGeneric *s7_s7plus_generic(guint8 code);
const S7PlusGeneric *s7_s7plus_generic_by_name(const char *name);   /* case-insensitive */
const S7PlusGeneric *s7_s7plus_generic_table(gsize *n);
const char *s7_function_name(guint16 func);
const char *s7_area_name(guint8 area);
const char *s7_userdata_group_name(guint8 group);

/* A job's function as people name it: "Read Var", "CPU functions (userdata group 4,
 * subfunction 1)", "function 0x42". func is S7_FUNC_* (S7_FUNC_NONE for userdata). */
#define S7_FUNCTION_TEXT_MAX 64
const char *s7_function_text(guint16 func, guint8 ud_group, guint8 ud_subfunc, char *buf);
/* A job by what it asks: an SZL read by its id ("Read SZL 0x0011"), else as s7_function_text */
const char *s7_job_text(guint16 func, guint8 ud_group, guint8 ud_subfunc, guint16 szl_id, char *buf);

/* Iteration over the error-code table (for `explain`, docs and tests). */
typedef struct { guint16 code; const char *text; } S7CodeText;
const S7CodeText *s7_error_table(gsize *n);
const S7CodeText *s7_item_return_table(gsize *n);
const S7CodeText *s7_cotp_dr_table(gsize *n);

/* Which fault kind an S7 error code (header class<<8|code, or a userdata parameter
 * error code) stands for, given the function of the job it answered.
 * *note is set when the code is a harmless probe answer (e.g. 0xD402). */
S7Kind s7_kind_for_error(guint16 code, guint16 function, gboolean *note);

/* Which fault kind an item return code stands for; FALSE for success (0xFF) and 0x00. */
gboolean s7_kind_for_item_return(guint8 rc, S7Kind *kind);

/* The PLC family from an order number: "6ES7 212-…" S7-1200, "6ES7 5xx" S7-1500, "6ES7 31x"
 * S7-300, "6ES7 41x" S7-400, "6ES7 6xx" software controller; NULL when it is none of them */
const char *s7_plc_family(const char *order_number);

/* What Siemens documents about PUT/GET for this PLC, as a sentence for the advice (the model
 * and firmware when the capture holds them; "unknown model" when it does not) */
char *s7_putget_default_text(const char *order_number, const char *firmware);

/* What the CPU offers its S7 partners in connection resources, as a clause ("a CPU 1516-3 PN/DP
 * has 256 connection resources, ..."), by its order number (and firmware); NULL for a model
 * whose limit s7diag does not know from a Siemens source (docs/fault-facts.md) */
char *s7_connection_resources_text(const char *order_number, const char *firmware);

G_END_DECLS

#endif
