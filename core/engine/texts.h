/* SPDX-License-Identifier: GPL-2.0-or-later */
/* texts.h — a finding's texts from its facts and a read-only view of the records around it:
 * its PLC's, its client/PLC pair's and the two hosts' records, the capture's end and the
 * configuration. The texts read nothing else of the engine. Private to core/engine. */
#ifndef S7DIAG_TEXTS_H
#define S7DIAG_TEXTS_H

#include "findings.h"

typedef struct {
  const S7EngineConfig *cfg;
  gint64 capture_end;                       /* the capture's last packet time */
  const PlcRecord *plc;                     /* the finding's PLC; NULL: none */
  const PairRecord *pair;                   /* its client host and PLC; NULL: none */
  const HostRecord *client_host, *plc_host; /* their roles; NULL: none seen */
} TextView;

/* Title, explanation, action, client texts and confidence, written anew from the facts (a live
 * capture's later snapshot writes them again) */
void s7_finding_texts(const TextView *v, Agg *a);

#endif
