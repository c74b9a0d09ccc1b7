/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_fields.h — the Wireshark fields the engine reads, and what one dissector offers of them.
 *
 * The analyzer asks tshark for these fields of the stock tcp, icmp, cotp and s7comm dissectors
 * (the plugin reads the bytes their protocol items cover instead: plugin/epan_wire.c). The
 * s7comm dissector differs between Wireshark versions, and an S7FieldProfile says how the one
 * at hand decodes things, learned from the fields it registers (name and bitmask), not from
 * its version:
 *
 * - Wireshark 4.0 shows the userdata parameter head as s7comm.param.userdata.head/.length/
 *   .reqres1; 4.4 and later decode the same bytes as a var-spec item (s7comm.param.func 0x00,
 *   itemcount 1, item.varspec_length = the old userdata.length, item.syntaxid = the method).
 * - userdata.type and .funcgroup carry other bitmasks (0xf0/0x0f in 4.0, 0xc0/0x3f in 4.4):
 *   a value is put back at its mask's bit position before the engine reads its bits.
 *
 * field_row.c turns either decoding into the same events. */
#ifndef S7DIAG_S7_FIELDS_H
#define S7DIAG_S7_FIELDS_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  S7FK_NUM,     /* an unsigned number */
  S7FK_TIME,    /* the frame time */
  S7FK_ADDR,    /* an IPv4/IPv6 address, as text */
  S7FK_FLAG,    /* an expert flag (FT_NONE): present or not */
  S7FK_BYTES,   /* raw bytes */
  S7FK_STR,     /* a string */
  S7FK_MAC,     /* an Ethernet address (6 bytes; tshark prints it with colons) */
} S7FieldKind;

typedef enum {
  S7FN_ALWAYS,   /* every dissector s7diag knows has it; missing: cannot diagnose */
  S7FN_UD_HEAD,  /* only the userdata-head layout (Wireshark 4.0) has it */
} S7FieldNeed;

/* name, Wireshark field, kind, need. The order is the column order of a row. */
#define S7_FIELDS(X) \
  X(FRAME_NUMBER, "frame.number", S7FK_NUM, S7FN_ALWAYS) \
  X(TIME_EPOCH, "frame.time_epoch", S7FK_TIME, S7FN_ALWAYS) \
  X(FRAME_LEN, "frame.len", S7FK_NUM, S7FN_ALWAYS) \
  X(FRAME_CAP_LEN, "frame.cap_len", S7FK_NUM, S7FN_ALWAYS) \
  X(ETH_SRC, "eth.src", S7FK_MAC, S7FN_ALWAYS) \
  X(ETH_DST, "eth.dst", S7FK_MAC, S7FN_ALWAYS) \
  X(IP_SRC, "ip.src", S7FK_ADDR, S7FN_ALWAYS) \
  X(IP_DST, "ip.dst", S7FK_ADDR, S7FN_ALWAYS) \
  X(IPV6_SRC, "ipv6.src", S7FK_ADDR, S7FN_ALWAYS) \
  X(IPV6_DST, "ipv6.dst", S7FK_ADDR, S7FN_ALWAYS) \
  X(IP_TTL, "ip.ttl", S7FK_NUM, S7FN_ALWAYS) \
  X(IP_ID, "ip.id", S7FK_NUM, S7FN_ALWAYS) \
  X(IPV6_HLIM, "ipv6.hlim", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_SRCPORT, "tcp.srcport", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_DSTPORT, "tcp.dstport", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_FLAGS, "tcp.flags", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_LEN, "tcp.len", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_SEQ, "tcp.seq_raw", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_ACK, "tcp.ack_raw", S7FK_NUM, S7FN_ALWAYS) \
  X(TCP_LOST, "tcp.analysis.lost_segment", S7FK_FLAG, S7FN_ALWAYS) \
  X(TCP_ACK_LOST, "tcp.analysis.ack_lost_segment", S7FK_FLAG, S7FN_ALWAYS) \
  X(TCP_RETRANS, "tcp.analysis.retransmission", S7FK_FLAG, S7FN_ALWAYS) \
  X(TCP_SPURIOUS, "tcp.analysis.spurious_retransmission", S7FK_FLAG, S7FN_ALWAYS) \
  X(ICMP_TYPE, "icmp.type", S7FK_NUM, S7FN_ALWAYS) \
  X(ICMP_CODE, "icmp.code", S7FK_NUM, S7FN_ALWAYS) \
  X(ICMPV6_TYPE, "icmpv6.type", S7FK_NUM, S7FN_ALWAYS) \
  X(ICMPV6_CODE, "icmpv6.code", S7FK_NUM, S7FN_ALWAYS) \
  X(COTP_TYPE, "cotp.type", S7FK_NUM, S7FN_ALWAYS) \
  X(COTP_SRC_TSAP, "cotp.src-tsap-bytes", S7FK_BYTES, S7FN_ALWAYS) \
  X(COTP_DST_TSAP, "cotp.dst-tsap-bytes", S7FK_BYTES, S7FN_ALWAYS) \
  X(COTP_CAUSE, "cotp.cause", S7FK_NUM, S7FN_ALWAYS) \
  X(COTP_REJECT_CAUSE, "cotp.reject_cause", S7FK_NUM, S7FN_ALWAYS) \
  X(COTP_TPDU_SIZE, "cotp.tpdu_size", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ROSCTR, "s7comm.header.rosctr", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_PDUREF, "s7comm.header.pduref", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_PARLG, "s7comm.header.parlg", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_DATLG, "s7comm.header.datlg", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ERRCLS, "s7comm.header.errcls", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ERRCOD, "s7comm.header.errcod", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_PARAM_ERRCOD, "s7comm.param.errcod", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_FUNC, "s7comm.param.func", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEMCOUNT, "s7comm.param.itemcount", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_VARSPEC_LEN, "s7comm.param.item.varspec_length", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_SYNTAX, "s7comm.param.item.syntaxid", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_TSIZE, "s7comm.param.item.transp_size", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_LENGTH, "s7comm.param.item.length", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_DB, "s7comm.param.item.db", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_AREA, "s7comm.param.item.area", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_ADDRESS, "s7comm.param.item.address", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_RETCODE, "s7comm.data.returncode", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_DATA_LENGTH, "s7comm.data.length", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_ITEM_DATA, "s7comm.resp.data", S7FK_BYTES, S7FN_ALWAYS) \
  X(S7_UD_LENGTH, "s7comm.param.userdata.length", S7FK_NUM, S7FN_UD_HEAD) \
  X(S7_UD_TYPE, "s7comm.param.userdata.type", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_UD_GROUP, "s7comm.param.userdata.funcgroup", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_UD_SUBFUNC, "s7comm.param.userdata.subfunc", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_AMQ_CALLING, "s7comm.param.maxamq_calling", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_AMQ_CALLED, "s7comm.param.maxamq_called", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_PDU_LENGTH, "s7comm.param.pdu_length", S7FK_NUM, S7FN_ALWAYS) \
  X(S7_PI_SERVICE, "s7comm.param.pistart.servicename", S7FK_STR, S7FN_ALWAYS) \
  X(S7_SZL_ID, "s7comm.data.userdata.szl_id", S7FK_NUM, S7FN_ALWAYS) \
  X(SZL11_INDEX, "s7comm.szl.xy11.0001.index", S7FK_NUM, S7FN_ALWAYS) \
  X(SZL11_ORDER, "s7comm.szl.xy11.0001.anz", S7FK_STR, S7FN_ALWAYS) \
  X(SZL11_AUSBG, "s7comm.szl.xy11.0001.ausbg", S7FK_NUM, S7FN_ALWAYS) \
  X(SZL11_AUSBE, "s7comm.szl.xy11.0001.ausbe", S7FK_NUM, S7FN_ALWAYS) \
  X(SZL1C_INDEX, "s7comm.szl.001c.000x.index", S7FK_NUM, S7FN_ALWAYS) \
  X(SZL1C_SYSTEM, "s7comm.szl.001c.0001.name", S7FK_STR, S7FN_ALWAYS) \
  X(SZL1C_MODULE, "s7comm.szl.001c.0002.name", S7FK_STR, S7FN_ALWAYS) \
  X(SZL1C_PLANT, "s7comm.szl.001c.0003.tag", S7FK_STR, S7FN_ALWAYS) \
  X(SZL1C_SERIAL, "s7comm.szl.001c.0005.serialn", S7FK_STR, S7FN_ALWAYS) \
  X(SZL1C_TYPE, "s7comm.szl.001c.0007.cputypname", S7FK_STR, S7FN_ALWAYS) \
  X(DATA, "data.data", S7FK_BYTES, S7FN_ALWAYS)

#define S7_FIELD_ENUM(name, field, kind, need) S7F_##name,
typedef enum { S7_FIELDS(S7_FIELD_ENUM) S7F_COUNT } S7Field;
#undef S7_FIELD_ENUM

typedef struct {
  const char *name;       /* "s7comm.header.rosctr" */
  S7FieldKind kind;
  S7FieldNeed need;
} S7FieldInfo;

const S7FieldInfo *s7_field_info(S7Field f);
/* S7F_COUNT when name is not one of the fields */
S7Field s7_field_by_name(const char *name);

/* How the s7comm dissector lays out the userdata parameter head */
typedef enum {
  S7_UD_LAYOUT_HEAD,      /* s7comm.param.userdata.length etc. (Wireshark 4.0) */
  S7_UD_LAYOUT_VARSPEC,   /* a var-spec item: func, itemcount, varspec_length, syntaxid (4.4+) */
} S7UserdataLayout;

typedef struct {
  gboolean have[S7F_COUNT];   /* the dissector registers the field */
  guint8 shift[S7F_COUNT];    /* bit position of the field's bitmask (0: no mask) */
  S7UserdataLayout ud_layout;
} S7FieldProfile;

/* Nothing known yet */
void s7_field_profile_init(S7FieldProfile *p);
/* The dissector registers field f with this bitmask (0 for none); names not among the
 * fields are ignored */
void s7_field_profile_add(S7FieldProfile *p, const char *name, guint64 bitmask);
/* Decides the layout. FALSE when a field the engine needs is missing: *missing names it. */
gboolean s7_field_profile_finish(S7FieldProfile *p, const char **missing);
/* The Wireshark 4.0 dissector's profile (every field; the reference for tests and fuzzing) */
void s7_field_profile_wireshark40(S7FieldProfile *p);

G_END_DECLS

#endif
