/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.h — `--evidence`: the connections that hold findings, as a pcapng whose evidence
 * frames carry a packet comment naming their finding(s), made with the stock editcap and
 * tshark, so an engineer opens exactly the faulty traffic in Wireshark. */
#ifndef S7DIAG_EVIDENCE_H
#define S7DIAG_EVIDENCE_H

#include <glib.h>
#include <jansson.h>

#include "redact.h"

/* capture: the report's capture object; path: the file tshark reads; target: a file, or a
 * directory (as_dir) receiving NAME.evidence.pcapng. Nothing is written for a capture
 * without findings. redact (NULL: none): the file is written redacted, named after the
 * capture's pseudonym (the redactor must know the report's secrets). FALSE with *error
 * naming the file. */
/* The file the evidence of the capture named file goes to (with redact: named after its
 * pseudonym, once the redactor knows the report) */
char *s7_evidence_path(const char *target, gboolean as_dir, const char *file, S7Redactor *redact);
/* A capture that ends in the middle of a packet (or is damaged) gives the evidence of what was
 * read: *truncated is set. The file is written whole or not at all (outfile.h). */
gboolean s7_evidence_write(const json_t *capture, const char *path, const char *tshark,
                           const char *target, gboolean as_dir, S7Redactor *redact, gboolean *truncated,
                           char **error);

#endif
