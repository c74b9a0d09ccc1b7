/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_svg.h — the HTML report's pictures as inline SVG: a timeline per PLC (jobs and
 * fault frames over the capture) and a connection diagram (clients -> PLCs, faulty edges red). */
#ifndef S7DIAG_REPORT_SVG_H
#define S7DIAG_REPORT_SVG_H

#include <stdio.h>
#include <jansson.h>

void s7_svg_timeline(FILE *out, const json_t *capture);
void s7_svg_connections(FILE *out, const json_t *capture);

/* HTML/XML-escaped text */
void s7_xml_text(FILE *out, const char *s);

#endif
