/* SPDX-License-Identifier: GPL-2.0-or-later */
/* partners.h — the allowed S7 partners of a plant (`--partners FILE`): which client hosts may
 * talk to which PLCs, and how much they may do. One rule per line:
 *
 *     # client            PLC              access (optional)
 *     10.10.1.20          10.10.1.5        read-write
 *     10.10.3.0/24        10.10.1.0/24     read-only
 *     10.10.9.7           *                full
 *
 * Hosts are IPv4 or IPv6 addresses, CIDR prefixes, or `*` (any). Access is `read-only`
 * (Read Var and the CPU's informational services), `read-write` (also Write Var) or `full`
 * (also PLC control: stop, PI services, block download); without it a rule allows `full`.
 * The most permissive matching rule counts. The analyzer and the plugin parse it alike. */
#ifndef S7DIAG_PARTNERS_H
#define S7DIAG_PARTNERS_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum { S7_ACCESS_NONE = 0, S7_ACCESS_READ_ONLY, S7_ACCESS_READ_WRITE, S7_ACCESS_FULL } S7Access;

typedef struct S7Partners S7Partners;

#define S7_PARTNERS_ERROR (s7_partners_error_quark())
GQuark s7_partners_error_quark(void);

/* NULL with *error naming the line and what is wrong */
S7Partners *s7_partners_parse(const char *text, const char *name, GError **error);
S7Partners *s7_partners_load(const char *file, GError **error);
void s7_partners_free(S7Partners *p);
guint s7_partners_count(const S7Partners *p);

/* The access the partner list grants client → PLC (addresses without ports);
 * S7_ACCESS_NONE when no rule allows the pair. *line: the granting rule's line (0: none). */
S7Access s7_partners_access(const S7Partners *p, const char *client_ip, const char *plc_ip, guint *line);
const char *s7_access_name(S7Access a);   /* "read-only", "read-write", "full", "none" */

G_END_DECLS

#endif
