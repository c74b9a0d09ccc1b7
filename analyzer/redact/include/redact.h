/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redact.h — --redact: pseudonyms for what a plant may not let out of the plant, the same
 * real value getting the same pseudonym everywhere in one run (and across runs with the
 * same --redact-key file).
 *
 *  - IPv4 and IPv6 addresses: a keyed prefix-preserving permutation (each output bit is the
 *    input bit flipped by a keyed hash of the bits before it), so addresses that share a
 *    subnet share the pseudonyms' subnet, and no two addresses get the same pseudonym;
 *  - MAC addresses: the vendor prefix (OUI) kept, since it tells a Siemens device, the rest
 *    keyed;
 *  - the names, plant designation and serial number a PLC gives in its SZL answers, host
 *    names, file paths and capture comments: keyed pseudonyms of the same length ("MODULE-…"),
 *    so they can also replace the bytes inside packets.
 *
 * The keyed hash is HMAC-SHA256 (libcrypto); the key is random per run, or the SHA-256 of the
 * --redact-key file. */
#ifndef S7DIAG_REDACT_H
#define S7DIAG_REDACT_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef struct S7Redactor S7Redactor;

/* key_file NULL: a random key. NULL with *error when the key file cannot be read or is empty. */
S7Redactor *s7_redactor_new(const char *key_file, char **error);
void s7_redactor_free(S7Redactor *r);

/* What kind of secret a literal is (its pseudonym's prefix) */
typedef enum { S7_SECRET_NAME, S7_SECRET_STATION, S7_SECRET_MODULE, S7_SECRET_PLANT, S7_SECRET_SERIAL,
               S7_SECRET_FILE, S7_SECRET_HOST } S7SecretKind;

/* A literal to replace wherever it appears (texts, packet bytes); empty and short ones
 * (under 3 characters) are ignored */
void s7_redactor_add_secret(S7Redactor *r, S7SecretKind kind, const char *value);
/* The secrets a report names: the PLCs' identity names and serials, the files, check hosts */
void s7_redactor_learn_report(S7Redactor *r, const json_t *report);

/* The pseudonyms */
void s7_redact_ipv4(S7Redactor *r, const guint8 in[4], guint8 out[4]);
void s7_redact_ipv6(S7Redactor *r, const guint8 in[16], guint8 out[16]);
void s7_redact_mac(S7Redactor *r, const guint8 in[6], guint8 out[6]);
/* A secret's pseudonym, as long as the secret; NULL when value is not a secret */
const char *s7_redact_secret(S7Redactor *r, const char *value);

/* A text with every IPv4/IPv6/MAC address and every secret replaced (newly allocated) */
char *s7_redact_text(S7Redactor *r, const char *text);
/* Every string of the report, in place */
void s7_redact_report(S7Redactor *r, json_t *report);

typedef struct {
  char *value, *pseudonym;
} S7Secret;

/* The secrets (S7Secret*), longest first, for replacing bytes inside packets */
const GPtrArray *s7_redactor_secrets(const S7Redactor *r);

/* One packet of a link layer (prefilter.h), in place: what s7_redact_capture does to each */
#include "prefilter.h"
void s7_redact_packet(S7Redactor *r, S7Link link, guint8 *pkt, guint caplen);

/* Rewrites a capture file (pcapng out): addresses in IP headers and in the headers ICMP errors
 * quote, MACs, secrets in the payloads; IPv4, TCP, UDP and ICMP checksums recomputed; packet
 * comments redacted (s7diag's own kept, redacted; others dropped). FALSE with *error. */
gboolean s7_redact_capture(S7Redactor *r, const char *in_path, const char *out_path, char **error);
/* The same, the file replaced by its redacted copy */
gboolean s7_redact_capture_in_place(S7Redactor *r, const char *path, char **error);

G_END_DECLS

#endif
