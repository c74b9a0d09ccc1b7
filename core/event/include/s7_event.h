/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_event.h — the engine's input: one event per protocol fact, in capture order.
 *
 * Front ends (the tshark-driven analyzer, the epan plugin) turn what they see into
 * these events; the engine never looks at packets itself. Plain C + GLib, no epan.
 */
#ifndef S7DIAG_S7_EVENT_H
#define S7DIAG_S7_EVENT_H

#include <glib.h>

G_BEGIN_DECLS

#define S7_ADDR_MAX 48          /* textual IPv4/IPv6 address */
#define S7_MAX_ITEMS 96         /* a 960-byte PDU holds at most ~78 Read Var items */
#define S7_TSAP_MAX 16

typedef struct {
  char addr[S7_ADDR_MAX];
  guint16 port;
} S7Endpoint;

typedef enum {
  S7_EV_TCP,            /* a TCP segment's flags */
  S7_EV_ICMP_UNREACH,   /* ICMP destination unreachable quoting a TCP packet */
  S7_EV_COTP,           /* COTP CR / CC / DR / ER (DT carries S7 and is not an event) */
  S7_EV_S7,             /* one S7comm PDU (protocol id 0x32) */
  S7_EV_S7PLUS,         /* one S7comm-plus PDU (protocol id 0x72) */
} S7EventType;

/* TCP flag bits as on the wire */
enum { S7_TCP_FIN = 0x01, S7_TCP_SYN = 0x02, S7_TCP_RST = 0x04, S7_TCP_ACK = 0x10 };

/* COTP TPDU codes (upper nibble) */
enum { S7_COTP_CR = 0xE0, S7_COTP_CC = 0xD0, S7_COTP_DR = 0x80, S7_COTP_DC = 0xC0,
       S7_COTP_ER = 0x70, S7_COTP_DT = 0xF0 };

/* S7 ROSCTR */
enum { S7_ROSCTR_JOB = 1, S7_ROSCTR_ACK = 2, S7_ROSCTR_ACK_DATA = 3, S7_ROSCTR_USERDATA = 7 };

/* S7 functions (parameter byte 0) */
enum {
  S7_FUNC_CPU_SERVICES = 0x00, S7_FUNC_READ_VAR = 0x04, S7_FUNC_WRITE_VAR = 0x05,
  S7_FUNC_REQ_DOWNLOAD = 0x1A, S7_FUNC_DOWNLOAD_BLOCK = 0x1B, S7_FUNC_DOWNLOAD_ENDED = 0x1C,
  S7_FUNC_START_UPLOAD = 0x1D, S7_FUNC_UPLOAD = 0x1E, S7_FUNC_END_UPLOAD = 0x1F,
  S7_FUNC_PI_SERVICE = 0x28, S7_FUNC_PLC_STOP = 0x29, S7_FUNC_SETUP_COMM = 0xF0,
  S7_FUNC_NONE = 0x100,  /* no parameter part (e.g. a bare Ack carrying an error) */
};

/* Item areas (S7ANY) */
enum { S7_AREA_P = 0x80, S7_AREA_I = 0x81, S7_AREA_Q = 0x82, S7_AREA_M = 0x83,
       S7_AREA_DB = 0x84, S7_AREA_DI = 0x85, S7_AREA_L = 0x86, S7_AREA_V = 0x87,
       S7_AREA_C = 28, S7_AREA_T = 29, S7_AREA_C200 = 30, S7_AREA_T200 = 31 };

/* Userdata function groups used by the rules */
enum { S7_UD_GRP_CPU = 4, S7_UD_GRP_SECURITY = 5, S7_UD_GRP_BLOCK = 3, S7_UD_GRP_MODE = 0 };
enum { S7_UD_TYPE_REQUEST = 4, S7_UD_TYPE_RESPONSE = 8, S7_UD_TYPE_PUSH = 0 };

typedef struct {
  guint8 syntax_id;      /* 0x10 = S7ANY; others carry no address here */
  guint8 area;
  guint8 transport_size; /* request transport size (1 BIT, 2 BYTE, 4 WORD, …) */
  guint16 db;
  guint32 address;       /* byte << 3 | bit, or the number for T/C */
  guint16 length;        /* element count */
  /* a Write Var job's value for the item: its first bytes as sent */
  guint16 data_total;    /* bytes of data the item carries */
  guint8 data_len;       /* bytes kept in data (at most S7_ITEM_DATA_MAX) */
  guint8 data[8];
} S7ReqItem;
#define S7_ITEM_DATA_MAX 8
/* An S7ANY item without data: syntax, area, transport size, DB, address (byte << 3 | bit), count */
#define S7_ITEM(syntax_, area_, tsize_, db_, address_, length_) \
  ((S7ReqItem){ .syntax_id = (syntax_), .area = (area_), .transport_size = (tsize_), .db = (db_), \
                .address = (address_), .length = (length_) })

#define S7_IDENT_MAX 34
/* What a PLC says about itself: SZL 0x0011 (module identification: order number, firmware)
 * and SZL 0x001C (component identification: names, plant designation, serial number); or an
 * S7comm-plus session's ServerSessionVersion ("6ES7 214-1AG40-0XB0 ;V4.5") */
typedef struct {
  char order_number[S7_IDENT_MAX];   /* "6ES7 315-2EH14-0AB0" */
  char firmware[16];                 /* "V3.2.7" */
  char system_name[S7_IDENT_MAX];    /* name of the automation system / station */
  char module_name[S7_IDENT_MAX];    /* the CPU's name in the project ("PLC_1") */
  char plant[S7_IDENT_MAX];          /* plant designation */
  char serial[S7_IDENT_MAX];
  char cpu_type[S7_IDENT_MAX];       /* "CPU 315-2 PN/DP" */
} S7Identity;

typedef struct {
  guint8 rosctr;
  guint16 pdu_ref;
  guint16 param_len;
  guint16 data_len;
  guint8 err_class;      /* header error (Ack / Ack_Data only) */
  guint8 err_code;
  guint16 param_error;   /* userdata parameter error code, or Ack param code */
  guint16 function;      /* S7_FUNC_*, S7_FUNC_NONE when the PDU has no parameter */
  /* Setup Communication */
  guint16 max_amq_calling, max_amq_called, pdu_size;
  /* Read/Write Var job items (requests only) */
  guint n_items;               /* items carried (capped at S7_MAX_ITEMS) */
  S7ReqItem items[S7_MAX_ITEMS];
  /* per-item return codes of a Read/Write Var Ack_Data, or the userdata data return code */
  guint n_retcodes;
  guint8 retcodes[S7_MAX_ITEMS];
  /* Userdata */
  guint8 ud_type, ud_group, ud_subfunc;
  guint16 szl_id;
  /* PI service name (e.g. "_INSE", "P_PROGRAM"), empty if none */
  char pi_service[16];
  /* the device's identity, from an SZL 0x0011 / 0x001C answer (empty when not in it) */
  S7Identity identity;
} S7Pdu;

/* The TCP payload bytes a snap length cut off: the frame's missing bytes (frame length less
 * captured length), at most the payload (both front ends count it so) */
static inline guint32 s7_payload_cut(guint32 payload_len, guint64 frame_len, guint64 cap_len)
{
  guint64 cut = frame_len > cap_len ? frame_len - cap_len : 0;
  return (guint32)MIN(cut, (guint64)payload_len);
}

/* A job (Job, or a userdata request) and a response (Ack, Ack_Data, userdata response). */
static inline gboolean s7_pdu_is_request(const S7Pdu *p)
{
  return p->rosctr == S7_ROSCTR_JOB ||
         (p->rosctr == S7_ROSCTR_USERDATA && p->ud_type == S7_UD_TYPE_REQUEST);
}

static inline gboolean s7_pdu_is_response(const S7Pdu *p)
{
  return p->rosctr == S7_ROSCTR_ACK || p->rosctr == S7_ROSCTR_ACK_DATA ||
         (p->rosctr == S7_ROSCTR_USERDATA && p->ud_type == S7_UD_TYPE_RESPONSE);
}

/* The header's error (class << 8 | code), or a userdata PDU's parameter error */
static inline guint16 s7_pdu_error(const S7Pdu *p)
{
  return p->rosctr == S7_ROSCTR_USERDATA ? p->param_error : (guint16)(p->err_class << 8 | p->err_code);
}

typedef struct {
  guint8 version;        /* 1, 2, 3, 0xFE keep-alive */
  guint8 opcode;         /* 0x31 request, 0x32 response, 0x33 notification */
  guint16 function;
  guint16 seq;
  guint32 session_id;
  gboolean has_return;   /* responses */
  guint64 return_value;
  gint16 error_code;     /* low 16 bits of the return value, signed */
  gboolean has_integrity;
  guint8 generic_error;  /* bits 40-46 of the return value: AccessDenied, TooManySessions … */
  gboolean server_error; /* bit 47 */
  gboolean tls;          /* not S7comm-plus but a TLS record in the COTP payload (a session
                            protected with TLS after InitSsl: its content cannot be read) */
  S7Identity identity;   /* from a CreateObject response's ServerSessionVersion */
} S7PlusPdu;

typedef struct {
  S7EventType type;
  guint32 frame;              /* frame number in the ORIGINAL capture */
  gint64 ts_us;               /* capture time, microseconds since the epoch */
  S7Endpoint src, dst;
  gboolean have_mac;          /* the frame's Ethernet addresses (not on loopback, raw IP …) */
  guint8 src_mac[6], dst_mac[6];
  union {
    struct {
      guint8 flags;
      guint32 payload_len;      /* TCP payload bytes (0: a bare ACK, SYN, FIN, RST) */
      gboolean retransmission;  /* tshark/epan flagged it; the engine also counts SYNs itself */
      gboolean capture_gap;     /* previous segment not captured / ACKed unseen segment */
      guint32 seq, ack;         /* sequence and acknowledgement numbers (compared only) */
      guint8 ttl;               /* IPv4 TTL / IPv6 hop limit of the packet (0: unknown) */
      gboolean have_ip_id;
      guint16 ip_id;            /* IPv4 identification (a copy of a frame has the same) */
      gboolean tpkt;            /* the payload starts like TPKT + COTP (ISO-on-TCP) */
      guint32 payload_cut;      /* payload bytes the capture's snap length cut off (0: none;
                                   the frame's missing bytes, at most payload_len) */
    } tcp;
    struct {
      guint8 icmp_type, icmp_code;
      guint8 v6;                /* ICMPv6 (type 1 is its destination unreachable), not ICMP */
      /* src/dst of the event are the ICMP packet's; quoted holds the TCP packet it quotes */
      S7Endpoint quoted_src, quoted_dst;
    } icmp;
    struct {
      guint8 tpdu;              /* S7_COTP_CR … */
      guint8 cause;             /* DR cause / ER reject cause */
      guint8 src_tsap[S7_TSAP_MAX], dst_tsap[S7_TSAP_MAX];
      guint8 src_tsap_len, dst_tsap_len;
      guint32 tpdu_size;        /* CR/CC: the TPDU size parameter in bytes (0: none) */
    } cotp;
    S7Pdu s7;
    S7PlusPdu s7plus;
  } u;
} S7Event;

G_END_DECLS

#endif
