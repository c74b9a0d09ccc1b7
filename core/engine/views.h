/* SPDX-License-Identifier: GPL-2.0-or-later */
/* views.h — the inventory the results show, made from the records at finish. Private to
 * core/engine. */
#ifndef S7DIAG_VIEWS_H
#define S7DIAG_VIEWS_H

#include "records.h"

/* The connections that ended, in the order they began */
void s7_view_connections(Records *r);
/* The DBs and areas accessed (S7AreaSummary*, taken out of the records), by PLC and area */
GPtrArray *s7_view_areas(Records *r);
/* Every PLC with its identity and the hosts that reached its S7 port (S7PlcSummary*), by PLC */
GPtrArray *s7_view_plcs(const Records *r, const S7EngineConfig *cfg);

#endif
