/* SPDX-License-Identifier: GPL-2.0-or-later */
/* context.h — what a rule works with: the configuration, the records, the findings under
 * construction, the capture's quality counts and the statistics (never the engine itself), and
 * what it tells the sequencer (feed.c) back. Private to core/engine. */
#ifndef S7DIAG_CONTEXT_H
#define S7DIAG_CONTEXT_H

#include "findings.h"
#include "quality.h"

typedef struct {
  const S7EngineConfig *cfg;
  Records *rec;
  Findings *fs;
  QualityState *q;
  S7EngineStats *stats;
} Ctx;

/* A rule's outcome: the after-steps the sequencer runs, once, in this order */
typedef struct {
  Conn *conn;                  /* the event's connection (NULL: none) */
  gboolean from_client;
  gboolean note;               /* 1. the front end hears of the event (COTP, S7, S7comm-plus) */
  S7Exchange *exchange;        /*    an S7 job's exchange (in its connection's queue), or a
                                        response's, taken from the queue … */
  gboolean answered;           /*    … told with it, then freed */
  gboolean check_jobs;         /* 2. jobs unanswered too long become no-response … */
  gboolean closing;            /*    … told with how the connection closed */
  gboolean ended;              /* 3. the connection is over: its end hooks run */
} Outcome;

#endif
