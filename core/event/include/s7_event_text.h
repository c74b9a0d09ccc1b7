/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_event_text.h — one engine event as one line of text: every field the engine reads, and
 * nothing else (for `s7diag events`, and for tests that compare what two dissectors gave). */
#ifndef S7DIAG_S7_EVENT_TEXT_H
#define S7DIAG_S7_EVENT_TEXT_H

#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

/* Appends the event's line (without a newline) to out */
void s7_event_append_text(GString *out, const S7Event *ev);

G_END_DECLS

#endif
