/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dumpcap_run.h — capturing with dumpcap (the program Wireshark captures with, so the
 * user's capture rights are Wireshark's): `watch` streams its pcapng, `check -w` writes it. */
#ifndef S7DIAG_DUMPCAP_RUN_H
#define S7DIAG_DUMPCAP_RUN_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* dumpcap -q [-i IFACE]... -f BPF -w OUT ("-": its stdout, a pipe), in its own process group
 * (Ctrl-C reaches s7diag only, which stops dumpcap itself, cleanly); stdout and stderr piped.
 * NULL with *error ("dumpcap not found: install …" when there is none) */
GSubprocess *s7_dumpcap_spawn(const char *dumpcap, char *const *ifaces, const char *bpf, const char *out,
                              char **error);

/* Stops it (SIGTERM: it ends its file) and waits; its stderr into *messages (one line, with
 * what to do about capture rights); its exit status */
int s7_dumpcap_stop(GSubprocess *dumpcap, char **messages);

/* dumpcap's complaint (its stderr), one line, with what to do about capture rights */
char *s7_dumpcap_message(const char *text);

/* All n bytes to fd (dumpcap's stream to a capture file or a pipe), through EINTR; FALSE with
 * errno set when it cannot */
gboolean s7_write_all(int fd, const void *data, gsize n);

/* Reads a stream to its end, keeping the first 64 kB */
char *s7_read_stream_text(GInputStream *in);

G_END_DECLS

#endif
