/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_frames.h — TPKT/COTP/S7comm/S7comm-plus PDUs on a TcpConn, for the scenario generator. */
#ifndef S7DIAG_S7_FRAMES_H
#define S7DIAG_S7_FRAMES_H

#include "pcap_writer.h"

typedef struct {
  uint8_t syntax;        /* 0x10 S7ANY */
  uint8_t tsize;         /* 1 BIT, 2 BYTE, 4 WORD, 6 DWORD, 28 C, 29 T */
  uint16_t count;
  uint16_t db;
  uint8_t area;          /* 0x84 DB, 0x83 M, 0x81 I, 0x82 Q, 29 T, 28 C */
  uint32_t byte, bit;
} Item;

#define DBW(db_, byte_) ((Item){ 0x10, 4, 1, db_, 0x84, byte_, 0 })
#define DBB(db_, byte_, n_) ((Item){ 0x10, 2, n_, db_, 0x84, byte_, 0 })
#define DBX(db_, byte_, bit_) ((Item){ 0x10, 1, 1, db_, 0x84, byte_, bit_ })
#define MW(byte_) ((Item){ 0x10, 4, 1, 0, 0x83, byte_, 0 })

/* Bytes builders: each returns the PDU length written into buf */
size_t s7_job_header(uint8_t *buf, uint8_t rosctr, uint16_t ref, uint16_t plen, uint16_t dlen,
                     uint8_t errcls, uint8_t errcod);

/* Frames on the wire (TPKT + COTP + PDU); each returns the frame number */
uint32_t send_cotp_cr(TcpConn *c, uint16_t calling, uint16_t called);
uint32_t send_cotp_cc(TcpConn *c, uint16_t calling, uint16_t called);
uint32_t send_cotp_dr(TcpConn *c, uint8_t cause);
/* with the TPDU size parameter: code 7 = 128 bytes … 9 = 512, 10 = 1024 (the default above) */
uint32_t send_cotp_cr_tpdu(TcpConn *c, uint16_t calling, uint16_t called, uint8_t tpdu_code);
uint32_t send_cotp_cc_tpdu(TcpConn *c, uint16_t calling, uint16_t called, uint8_t tpdu_code);
uint32_t send_setup(TcpConn *c, int from_client, uint16_t ref, uint16_t amq, uint16_t pdu);
uint32_t send_read_job(TcpConn *c, uint16_t ref, const Item *items, int n);
/* rcs[i] == 0xFF gives data of the item's size */
uint32_t send_read_resp(TcpConn *c, uint16_t ref, const Item *items, const uint8_t *rcs, int n);
uint32_t send_write_job(TcpConn *c, uint16_t ref, const Item *items, int n);
/* the items' values, one after another (without them: 0x20, 0x21, ... per item) */
uint32_t send_write_job_data(TcpConn *c, uint16_t ref, const Item *items, int n, const uint8_t *values,
                             size_t n_values);
uint32_t send_write_resp(TcpConn *c, uint16_t ref, const uint8_t *rcs, int n);
uint32_t send_ack_error(TcpConn *c, uint16_t ref, uint8_t errcls, uint8_t errcod);
uint32_t send_szl_req(TcpConn *c, uint16_t ref, uint16_t szl_id);
uint32_t send_szl_resp(TcpConn *c, uint16_t ref, uint16_t szl_id, uint16_t errcod);
/* SZL 0x0011 (module identification: order number, firmware) and 0x001C (component
 * identification: station and module name, plant designation, serial, CPU type) answers */
uint32_t send_szl11_resp(TcpConn *c, uint16_t ref, const char *order, uint8_t major, uint8_t minor,
                         uint8_t patch);
uint32_t send_szl1c_resp(TcpConn *c, uint16_t ref, const char *station, const char *module,
                         const char *plant, const char *serial, const char *cpu_type);
uint32_t send_password(TcpConn *c, uint16_t ref);
uint32_t send_password_resp(TcpConn *c, uint16_t ref, uint16_t errcod);
uint32_t send_plc_stop(TcpConn *c, uint16_t ref);
uint32_t send_pi_service(TcpConn *c, uint16_t ref, const char *service);
uint32_t send_ack_data_func(TcpConn *c, uint16_t ref, uint8_t func);
uint32_t send_start_upload(TcpConn *c, uint16_t ref);
/* S7comm-plus PDU: version 1/2/3; opcode 0x31 request / 0x32 response */
uint32_t send_s7plus(TcpConn *c, int from_client, uint8_t version, uint8_t opcode, uint16_t function,
                     uint16_t seq, uint32_t session, int16_t error);
/* with the whole 64-bit return value (error code in bits 0-15, generic error code in bits
 * 40-46, server error bit 47) and bytes after the header (e.g. a CreateObject response's
 * ServerSessionVersion) */
uint32_t send_s7plus_rv(TcpConn *c, int from_client, uint8_t version, uint8_t opcode, uint16_t function,
                        uint16_t seq, uint32_t session, uint64_t rv, const uint8_t *extra, size_t extra_len);
/* Any bytes in one COTP DT (e.g. TLS records of a protected S7comm-plus session) */
uint32_t send_cotp_data(TcpConn *c, int from_client, const uint8_t *data, size_t len);

/* Raw: the TPKT frame bytes of one PDU (for several PDUs in one segment or split PDUs) */
size_t tpkt_wrap(uint8_t *out, const uint8_t *pdu, size_t len);
size_t build_read_job(uint8_t *buf, uint16_t ref, const Item *items, int n);
size_t build_read_resp(uint8_t *buf, uint16_t ref, const Item *items, const uint8_t *rcs, int n);

#endif
