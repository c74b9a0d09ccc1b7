/* SPDX-License-Identifier: GPL-2.0-or-later */
/* children.h — the programs s7diag runs (tshark, dumpcap) never outlive it: each gets a
 * parent-death signal (SIGTERM, so dumpcap still ends its file), also when s7diag is killed
 * with SIGKILL. Spawn from a thread that lives as long as the child (the signal comes when the
 * spawning thread ends). */
#ifndef S7DIAG_CHILDREN_H
#define S7DIAG_CHILDREN_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* own_group: the child in a process group of its own (a Ctrl-C on the terminal does not reach
 * it; s7diag stops it itself) */
GSubprocessLauncher *s7_launcher_new(GSubprocessFlags flags, gboolean own_group);

G_END_DECLS

#endif
