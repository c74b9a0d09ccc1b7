/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_run.h — the steps of `s7diag check` against one PLC, in the order of the standard
 * diagnostic checks: TCP port, ISO connect (with a rack/slot search when it is refused),
 * Setup Communication, identity (SZL), one Read Var. Only reads (check_requests.h), one
 * connection at a time, a timeout on every step.
 *
 * Besides each step's result, the exchange is kept as the engine's events (frames numbered
 * in the order the messages went), so the engine diagnoses it as it would a capture. */
#ifndef S7DIAG_CHECK_RUN_H
#define S7DIAG_CHECK_RUN_H

#include <sys/socket.h>
#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

typedef enum { S7_CHECK_PORT, S7_CHECK_ISO, S7_CHECK_SETUP, S7_CHECK_IDENTITY, S7_CHECK_READ,
               S7_CHECK_STEPS } S7CheckStepId;
typedef enum { S7_STEP_PASSED, S7_STEP_FAILED, S7_STEP_SKIPPED } S7StepStatus;

typedef struct {
  const char *id;        /* stable: "port", "iso-connect", "setup-communication", "identity", "read" */
  const char *name;      /* "TCP port 102 reachable" */
  S7StepStatus status;
  char *result;          /* what happened, one sentence */
} S7CheckStep;

typedef struct {
  struct sockaddr_storage addr;  /* the PLC */
  socklen_t addr_len;
  guint16 called_tsap;           /* from rack/slot (PG connection) or --tsap */
  gboolean tsap_given;           /* --tsap: no rack/slot in it */
  gboolean tsap_default;         /* neither --rack/--slot nor --tsap: rack 0, slot 1 */
  gboolean db_given;
  guint16 db;
  guint32 offset;
  double timeout_s;              /* for each step */
} S7CheckOptions;

typedef struct {
  S7CheckStep steps[S7_CHECK_STEPS];
  GArray *events;                /* S7Event: the exchange, in order */
  gint64 start_ts_us, end_ts_us;
  S7Endpoint plc, client;        /* client: the last connection's local endpoint */
  guint16 accepted_tsap;         /* 0: none accepted */
  GPtrArray *tries;              /* char*: the rack/slot search, one line per connection */
  guint16 pdu_size, max_amq_calling, max_amq_called;
  S7Identity identity;
} S7CheckResult;

void s7_check_run(const S7CheckOptions *o, S7CheckResult *r);
void s7_check_result_clear(S7CheckResult *r);
const char *s7_step_status_name(S7StepStatus s);
gboolean s7_check_failed(const S7CheckResult *r);   /* a step failed */

G_END_DECLS

#endif
