/* field_row.h — the Wireshark fields the engine needs, and one row of their values -> events.
 *
 * Both front ends speak this row: the analyzer gets it from tshark (`-T fields -E occurrence=a
 * -E aggregator=,`), the plugin builds it from epan's field_info arrays. One row per frame: the
 * fields below in this order, separated by tabs, several occurrences joined by ','.
 * Several S7 PDUs in one frame give several occurrences; rows_to_events splits them
 * per PDU by the structure of S7 (which fields each PDU type carries).
 */
#ifndef S7DIAG_FIELD_ROW_H
#define S7DIAG_FIELD_ROW_H

#include <glib.h>

#include "s7_event.h"

G_BEGIN_DECLS

#define S7_TSHARK_FIELDS(X) \
  X(FRAME_NUMBER, "frame.number") \
  X(TIME_EPOCH, "frame.time_epoch") \
  X(IP_SRC, "ip.src") \
  X(IP_DST, "ip.dst") \
  X(IPV6_SRC, "ipv6.src") \
  X(IPV6_DST, "ipv6.dst") \
  X(TCP_SRCPORT, "tcp.srcport") \
  X(TCP_DSTPORT, "tcp.dstport") \
  X(TCP_FLAGS, "tcp.flags") \
  X(TCP_LOST, "tcp.analysis.lost_segment") \
  X(TCP_ACK_LOST, "tcp.analysis.ack_lost_segment") \
  X(ICMP_TYPE, "icmp.type") \
  X(ICMP_CODE, "icmp.code") \
  X(ICMPV6_TYPE, "icmpv6.type") \
  X(ICMPV6_CODE, "icmpv6.code") \
  X(COTP_TYPE, "cotp.type") \
  X(COTP_SRC_TSAP, "cotp.src-tsap-bytes") \
  X(COTP_DST_TSAP, "cotp.dst-tsap-bytes") \
  X(COTP_CAUSE, "cotp.cause") \
  X(COTP_REJECT_CAUSE, "cotp.reject_cause") \
  X(S7_ROSCTR, "s7comm.header.rosctr") \
  X(S7_PDUREF, "s7comm.header.pduref") \
  X(S7_PARLG, "s7comm.header.parlg") \
  X(S7_DATLG, "s7comm.header.datlg") \
  X(S7_ERRCLS, "s7comm.header.errcls") \
  X(S7_ERRCOD, "s7comm.header.errcod") \
  X(S7_PARAM_ERRCOD, "s7comm.param.errcod") \
  X(S7_FUNC, "s7comm.param.func") \
  X(S7_ITEMCOUNT, "s7comm.param.itemcount") \
  X(S7_ITEM_SYNTAX, "s7comm.param.item.syntaxid") \
  X(S7_ITEM_TSIZE, "s7comm.param.item.transp_size") \
  X(S7_ITEM_LENGTH, "s7comm.param.item.length") \
  X(S7_ITEM_DB, "s7comm.param.item.db") \
  X(S7_ITEM_AREA, "s7comm.param.item.area") \
  X(S7_ITEM_ADDRESS, "s7comm.param.item.address") \
  X(S7_RETCODE, "s7comm.data.returncode") \
  X(S7_UD_LENGTH, "s7comm.param.userdata.length") \
  X(S7_UD_TYPE, "s7comm.param.userdata.type") \
  X(S7_UD_GROUP, "s7comm.param.userdata.funcgroup") \
  X(S7_UD_SUBFUNC, "s7comm.param.userdata.subfunc") \
  X(S7_AMQ_CALLING, "s7comm.param.maxamq_calling") \
  X(S7_AMQ_CALLED, "s7comm.param.maxamq_called") \
  X(S7_PDU_LENGTH, "s7comm.param.pdu_length") \
  X(S7_PI_SERVICE, "s7comm.param.pistart.servicename") \
  X(DATA, "data.data")

#define S7_FIELD_ENUM(name, field) S7F_##name,
typedef enum { S7_TSHARK_FIELDS(S7_FIELD_ENUM) S7F_COUNT } S7TsharkField;
#undef S7_FIELD_ENUM

/* The field names, in column order. */
const char *const *s7_tshark_field_names(void);

/* What rows_to_events found odd in a row (counted, reported as limitations). */
typedef struct {
  guint64 rows, malformed_rows, ambiguous_rows;
  guint32 last_frame;
  gint64 first_ts_us, last_ts_us;
} S7RowStats;

typedef void (*S7EventSink)(const S7Event *ev, gpointer user_data);

/* Parses one row (without its newline; the buffer is modified in place) and emits its events
 * in protocol order: TCP or ICMP, then COTP, then S7/S7comm-plus PDUs. */
void s7_row_to_events(char *row, S7RowStats *stats, S7EventSink sink, gpointer user_data);

G_END_DECLS

#endif
