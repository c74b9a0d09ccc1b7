/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios.c — s7capgen: writes one deterministic pcap per fault scenario.
 * Usage: s7capgen OUTDIR   (the expected result of each lives in captures/NAME.expected) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s7_frames.h"

#define START_US 1709280000000000ULL   /* 2024-03-01 08:00:00 UTC */
#define MS 1000ULL
#define S 1000000ULL

static const char *outdir;
static PcapOut out;

static uint32_t PLC, PLC2, HMI, SCADA, ROUTER;
static const uint16_t TSAP_PG = 0x0100, TSAP_RACK0_SLOT1 = 0x0301, TSAP_RACK0_SLOT2 = 0x0302;

static void begin(const char *name)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s.pcap", outdir, name);
  if (pcap_open(&out, path, START_US) != 0) {
    fprintf(stderr, "s7capgen: cannot write %s\n", path);
    exit(2);
  }
}

/* A pcapng with two interfaces of different link types (Ethernet, BSD loopback) */
static void begin_pcapng(const char *name)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s.pcapng", outdir, name);
  if (pcapng_open(&out, path, START_US) != 0) {
    fprintf(stderr, "s7capgen: cannot write %s\n", path);
    exit(2);
  }
}

static void end(void) { pcap_close(&out); }

/* TCP + COTP + Setup Communication, as every S7 client starts */
static void open_session(TcpConn *c, uint16_t called, uint16_t amq, uint16_t pdu)
{
  tcp_handshake(c);
  send_cotp_cr(c, TSAP_PG, called);
  send_cotp_cc(c, TSAP_PG, called);
  send_setup(c, 1, 0xff00, amq, 480);
  send_setup(c, 0, 0xff00, amq, pdu);
}

static void read_ok(TcpConn *c, uint16_t ref, Item it)
{
  uint8_t rc = 0xff;
  send_read_job(c, ref, &it, 1);
  pcap_advance(&out, 4 * MS);
  send_read_resp(c, ref, &it, &rc, 1);
  pcap_advance(&out, 100 * MS);
}

static void read_fail(TcpConn *c, uint16_t ref, Item it, uint8_t rc)
{
  send_read_job(c, ref, &it, 1);
  pcap_advance(&out, 4 * MS);
  send_read_resp(c, ref, &it, &rc, 1);
  pcap_advance(&out, 100 * MS);
}

static void healthy(void)
{
  begin("healthy");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50001, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  send_szl_req(&c, 1, 0x0011);
  send_szl_resp(&c, 1, 0x0011, 0);
  read_ok(&c, 2, DBW(10, 4));
  read_ok(&c, 3, MW(100));
  read_ok(&c, 4, DBX(10, 0, 1));
  tcp_close(&c, 1);
  end();
}

static void putget_denied(void)
{
  begin("putget-denied");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50002, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  send_szl_req(&c, 1, 0x0011);
  send_szl_resp(&c, 1, 0x0011, 0);
  for (uint16_t ref = 2; ref <= 4; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&c, ref, &it, 1);
    send_ack_error(&c, ref, 0x81, 0x04);
    pcap_advance(&out, 500 * MS);
  }
  Item w = MW(10);
  send_write_job(&c, 5, &w, 1);
  send_ack_error(&c, 5, 0x81, 0x04);
  tcp_close(&c, 1);
  end();
}

static void function_not_available(void)
{
  begin("function-not-available");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50003, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&c, 1, DBW(2, 0));
  send_start_upload(&c, 2);
  send_ack_error(&c, 2, 0x81, 0x04);
  tcp_close(&c, 1);
  end();
}

static void optimized_db(void)
{
  begin("optimized-db");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50004, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_fail(&c, 1, DBW(5, 0), 0x05);
  read_fail(&c, 2, DBW(5, 0), 0x05);
  tcp_close(&c, 1);
  end();
}

static void db_out_of_range(void)
{
  begin("db-out-of-range");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50005, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&c, 1, DBW(7, 0));
  read_fail(&c, 2, DBW(7, 100), 0x05);
  tcp_close(&c, 1);
  end();
}

static void object_missing(void)
{
  begin("object-missing");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50006, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_fail(&c, 1, DBW(99, 0), 0x0a);
  tcp_close(&c, 1);
  end();
}

static void access_denied(void)
{
  begin("access-denied");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50007, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT2, 1, 240);
  Item items[2] = { DBW(3, 2), { 0x10, 29, 1, 0, 29, 5, 0 } };  /* DB3.DBW2, T5 */
  uint8_t rcs[2] = { 0xff, 0x03 };
  send_write_job(&c, 1, items, 2);
  send_write_resp(&c, 1, rcs, 2);
  tcp_close(&c, 1);
  end();
}

static void protection_level(void)
{
  begin("protection-level");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50008, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT2, 1, 240);
  send_plc_stop(&c, 1);
  send_ack_error(&c, 1, 0xd2, 0x41);
  send_password(&c, 2);
  send_password_resp(&c, 2, 0xd602);
  tcp_close(&c, 1);
  end();
}

static void pdu_size_exceeded(void)
{
  begin("pdu-size-exceeded");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50009, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  Item big = DBB(20, 0, 400);
  send_read_job(&c, 1, &big, 1);
  send_ack_error(&c, 1, 0x85, 0x00);
  tcp_close(&c, 1);
  end();
}

static void data_type_error(void)
{
  begin("data-type-error");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50010, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  Item w = DBW(4, 8);
  uint8_t rc = 0x07;
  send_write_job(&c, 1, &w, 1);
  send_write_resp(&c, 1, &rc, 1);
  tcp_close(&c, 1);
  end();
}

static void resource_error(void)
{
  begin("resource-error");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50011, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  Item it = DBW(1, 0);
  send_read_job(&c, 1, &it, 1);
  send_ack_error(&c, 1, 0x83, 0x04);
  tcp_close(&c, 1);
  end();
}

static void plc_error(void)
{
  begin("plc-error");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50012, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT2, 1, 240);
  send_szl_req(&c, 1, 0x0132);
  send_szl_resp(&c, 1, 0x0132, 0xd402);   /* unsupported SZL: a harmless probe, a note */
  send_pi_service(&c, 2, "_INSE");
  send_ack_error(&c, 2, 0x84, 0x04);       /* the function cannot be performed */
  tcp_close(&c, 1);
  end();
}

static void connect_refused_resources(void)
{
  begin("connect-refused-resources");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50013, PLC, 102);
  tcp_init(&b, &out, SCADA, 50014, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&a, 1, DBW(1, 0));
  tcp_handshake(&b);
  send_cotp_cr(&b, TSAP_PG, TSAP_RACK0_SLOT1);
  tcp_segment(&b, 0, F_RST | F_ACK, NULL, 0);
  pcap_advance(&out, 200 * MS);
  read_ok(&a, 2, DBW(1, 0));
  tcp_close(&a, 1);
  end();
}

static void connect_refused_tsap(void)
{
  begin("connect-refused-tsap");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50015, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&a, 1, DBW(1, 0));
  tcp_close(&a, 1);
  pcap_advance(&out, 1 * S);
  tcp_init(&b, &out, HMI, 50016, PLC, 102);
  tcp_handshake(&b);
  send_cotp_cr(&b, TSAP_PG, TSAP_RACK0_SLOT2);   /* slot 2 on a CPU in slot 1 */
  tcp_segment(&b, 0, F_RST | F_ACK, NULL, 0);
  end();
}

static void connect_refused_dr(void)
{
  begin("connect-refused-dr");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50017, PLC2, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, TSAP_PG, TSAP_RACK0_SLOT2);
  send_cotp_dr(&c, 0x81);
  tcp_close(&c, 0);
  end();
}

static void connect_no_answer(void)
{
  begin("connect-no-answer");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50018, PLC2, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, TSAP_PG, 0x2000);
  tcp_segment(&c, 0, F_ACK, NULL, 0);
  pcap_advance(&out, 5 * S);
  tcp_close(&c, 1);
  end();
}

static void setup_rejected(void)
{
  begin("setup-rejected");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50019, PLC2, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, TSAP_PG, TSAP_RACK0_SLOT2);
  send_cotp_cc(&c, TSAP_PG, TSAP_RACK0_SLOT2);
  send_setup(&c, 1, 0xff00, 1, 480);
  send_ack_error(&c, 0xff00, 0x83, 0x02);
  tcp_close(&c, 1);
  end();
}

static void port_no_answer(void)
{
  begin("port-no-answer");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50020, PLC2, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  for (int i = 0; i < 2; i++) {
    c.cli_seq--;   /* a retransmission repeats the sequence number */
    pcap_advance(&out, (uint64_t)(1 + 2 * i) * S);
    tcp_segment(&c, 1, F_SYN, NULL, 0);
  }
  /* the capture goes on well past the retries (another host's traffic 6 s later) */
  pcap_advance(&out, 6 * S);
  TcpConn other;
  tcp_init(&other, &out, HMI, 50021, PLC, 102);
  tcp_handshake(&other);
  tcp_close(&other, 1);
  end();
}

/* A SYN to port 102 and its retransmission, never answered: one attempt */
static void unanswered_attempt(uint32_t client, uint16_t port, uint32_t plc)
{
  TcpConn c;
  tcp_init(&c, &out, client, port, plc, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  c.cli_seq--;
  pcap_advance(&out, 1 * S);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  pcap_advance(&out, 10 * MS);
}

/* Findings stay bounded: past 256 clients per kind and PLC the rest share one finding
 * "(more clients)". The 257th client tries 1030 times: the shared finding counts all 1030
 * attempts and 2060 SYNs (it said "1024 attempts", the size of its set of connections) */
static void port_no_answer_many_clients(void)
{
  begin("port-no-answer-many-clients");
  for (int i = 0; i < 256; i++)
    unanswered_attempt(ip4(10, 10, 4 + i / 200, 10 + i % 200), (uint16_t)(51000 + i), PLC2);
  for (int i = 0; i < 1030; i++)
    unanswered_attempt(ip4(10, 10, 6, 9), (uint16_t)(52000 + i), PLC2);
  pcap_advance(&out, 6 * S);   /* the capture goes on well past the retries */
  TcpConn other;
  tcp_init(&other, &out, HMI, 50021, PLC, 102);
  tcp_handshake(&other);
  tcp_close(&other, 1);
  end();
}

static void port_refused(void)
{
  begin("port-refused");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50021, PLC2, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
  end();
}

static void port_unreachable(void)
{
  begin("port-unreachable");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50022, PLC2, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  icmp_unreachable(&c, ROUTER, 13);
  end();
}

static void no_response(void)
{
  begin("no-response");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50023, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  Item it = DBW(8, 0);
  send_read_job(&c, 1, &it, 1);
  tcp_segment(&c, 0, F_ACK, NULL, 0);    /* TCP up, S7 silent */
  pcap_advance(&out, 6 * S);
  read_ok(&c, 2, DBW(8, 2));
  tcp_close(&c, 1);
  end();
}

/* A real storm (issue 13.3): the client opens a connection every 0.8 s, sends a read and resets
 * the connection 0.5 s later without waiting for the answer (abandoned jobs), twelve times. */
static void reconnect_storm(void)
{
  begin("reconnect-storm");
  for (int i = 0; i < 12; i++) {
    TcpConn c;
    tcp_init(&c, &out, HMI, (uint16_t)(50100 + i), PLC, 102);
    open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
    Item it = MW(0);
    send_read_job(&c, 1, &it, 1);
    pcap_advance(&out, 500 * MS);
    tcp_segment(&c, 1, F_RST | F_ACK, NULL, 0);
    pcap_advance(&out, 300 * MS);
  }
  end();
}

/* Issue 13.3: a clean connect-per-poll pattern: 20 connections, one every ~3 s, each closed by
 * the client after its answered read. Never two open at once: a note about the pattern and
 * its cost, not a warning about leaks; counts and times right. */
static void connect_per_poll(void)
{
  begin("connect-per-poll");
  for (int i = 0; i < 20; i++) {
    TcpConn c;
    tcp_init(&c, &out, HMI, (uint16_t)(50300 + i), PLC, 102);
    open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
    read_ok(&c, 1, MW(0));
    tcp_close(&c, 1);
    pcap_advance(&out, 2900 * MS);
  }
  end();
}

/* A CreateObject response's ServerSessionVersion (attribute 306) with its text (319) */
static const uint8_t session_version[] = {
  0xa3, 0x82, 0x32, 0x00, 0x17, 0x00, 0x00, 0x01, 0x3f, 0x00, 0x15, 0x1b,
  '1', ';', '6', 'E', 'S', '7', ' ', '2', '1', '4', '-', '1', 'A', 'G', '4', '0', '-', '0', 'X',
  'B', '0', ' ', ';', 'V', '4', '.', '5',
};

/* An S7comm-plus return value: error code, generic error code, the server-error bit */
static uint64_t s7plus_error_rv(int16_t code, uint8_t generic)
{
  return (uint64_t)1 << 47 | (uint64_t)generic << 40 | (uint16_t)code;
}

static void s7plus_session(const char *name, uint8_t version, int16_t error)
{
  begin(name);
  TcpConn c;
  tcp_init(&c, &out, HMI, (uint16_t)(50030 + version), PLC, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0600, 0x5349);
  send_cotp_cc(&c, 0x0600, 0x5349);
  send_s7plus(&c, 1, 1, 0x31, 0x04ca, 1, 0x120, 0);   /* CreateObject always travels as V1 */
  send_s7plus_rv(&c, 0, 1, 0x32, 0x04ca, 1, 0, 0, session_version, sizeof session_version);
  send_s7plus(&c, 1, version, 0x31, 0x054c, 2, 0x3b9, 0);
  send_s7plus(&c, 0, version, 0x32, 0x054c, 2, 0, error);
  tcp_close(&c, 1);
  end();
}

/* An S7-1500 whose connection resources are used up refuses the session: TooManySessions */
static void s7plus_too_many_sessions(void)
{
  begin("s7plus-too-many-sessions");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50035, PLC, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0600, 0x5349);
  send_cotp_cc(&c, 0x0600, 0x5349);
  send_s7plus(&c, 1, 1, 0x31, 0x04ca, 1, 0x120, 0);
  pcap_advance(&out, 3 * MS);
  send_s7plus_rv(&c, 0, 1, 0x32, 0x04ca, 1, 0, s7plus_error_rv(-113, 24), NULL, 0);
  tcp_close(&c, 1);
  end();
}

/* A client asks for a TLS session (InitSsl); a CPU without TLS answers Error2 UnknownService */
static void s7plus_initssl_refused(void)
{
  begin("s7plus-initssl-refused");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50036, PLC, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0600, 0x5349);
  send_cotp_cc(&c, 0x0600, 0x5349);
  send_s7plus(&c, 1, 1, 0x31, 0x05b3, 1, 0, 0);
  pcap_advance(&out, 2 * MS);
  send_s7plus_rv(&c, 0, 1, 0x32, 0x05a9, 1, 0, s7plus_error_rv(-119, 26), NULL, 0);
  tcp_close(&c, 1);
  end();
}

/* TLS records in COTP: a header and (meaningless) protected content */
static void send_tls_record(TcpConn *c, int from_client, uint8_t type, uint8_t minor, size_t len)
{
  uint8_t b[512];
  b[0] = type; b[1] = 3; b[2] = minor;
  b[3] = (uint8_t)(len >> 8); b[4] = (uint8_t)len;
  for (size_t i = 0; i < len; i++)
    b[5 + i] = (uint8_t)(i * 37 + type);
  if (type == 0x16 && len >= 6) {            /* Client/ServerHello head, TLS 1.2 */
    size_t body = len - 4;
    b[5] = from_client ? 0x01 : 0x02;
    b[6] = (uint8_t)(body >> 16); b[7] = (uint8_t)(body >> 8); b[8] = (uint8_t)body;
    b[9] = 3; b[10] = 3;
  }
  send_cotp_data(c, from_client, b, len + 5);
}

/* Secure PG/PC and HMI communication: InitSsl accepted, then TLS inside COTP */
static void s7plus_tls(void)
{
  begin("s7plus-tls");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50037, PLC, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0600, 0x5349);
  send_cotp_cc(&c, 0x0600, 0x5349);
  send_s7plus(&c, 1, 1, 0x31, 0x05b3, 1, 0, 0);
  send_s7plus(&c, 0, 1, 0x32, 0x05b3, 1, 0, 0);
  send_tls_record(&c, 1, 0x16, 1, 200);   /* ClientHello */
  send_tls_record(&c, 0, 0x16, 3, 120);   /* ServerHello */
  send_tls_record(&c, 0, 0x17, 3, 300);
  send_tls_record(&c, 1, 0x17, 3, 80);
  for (int i = 0; i < 5; i++) {
    pcap_advance(&out, 200 * MS);
    send_tls_record(&c, 1, 0x17, 3, 90);
    pcap_advance(&out, 5 * MS);
    send_tls_record(&c, 0, 0x17, 3, 140);
  }
  tcp_close(&c, 1);
  end();
}

/* A SPAN port mirroring one direction: the PLC's packets are missing */
static void one_sided_capture(void)
{
  begin("one-sided-capture");
  out.unseen_src = PLC;
  TcpConn c;
  tcp_init(&c, &out, HMI, 50060, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  for (uint16_t ref = 1; ref <= 4; ref++)
    read_ok(&c, ref, DBW(10, 2 * ref));
  pcap_advance(&out, 12 * S);
  read_ok(&c, 5, MW(0));
  tcp_close(&c, 1);
  end();
}

/* The capture starts while a session runs: no handshake, no COTP connect, no setup */
static void capture_starts_mid_session(void)
{
  begin("capture-starts-mid-session");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50061, PLC, 102);
  c.cli_seq += 1; c.srv_seq += 1;   /* the SYNs were before the capture */
  for (uint16_t ref = 40; ref <= 44; ref++)
    read_ok(&c, ref, DBW(10, 2 * ref));
  tcp_close(&c, 1);
  end();
}

/* Every frame captured twice (a SPAN port copying both directions of a link): PUT/GET denied
 * is still told once, with the right counts */
static void duplicated_frames(void)
{
  begin("duplicated-frames");
  out.copy_frames = 1;
  TcpConn c;
  tcp_init(&c, &out, HMI, 50062, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  for (uint16_t ref = 2; ref <= 4; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&c, ref, &it, 1);
    send_ack_error(&c, ref, 0x81, 0x04);
    pcap_advance(&out, 500 * MS);
  }
  read_ok(&c, 5, MW(0));
  tcp_close(&c, 1);
  end();
}

/* Captured with a snap length of 60 bytes (a switch's mirror port, tcpdump -s 60): PUT/GET
 * is refused, but every S7 packet was cut before its TPKT, COTP and S7 headers, so the capture
 * cannot show it, and must say so instead of "no fault" */
static void snap_length_cut(void)
{
  begin("snap-length-cut");
  pcap_set_snaplen(&out, 60);
  TcpConn c;
  tcp_init(&c, &out, HMI, 50064, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  for (uint16_t ref = 2; ref <= 4; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&c, ref, &it, 1);
    send_ack_error(&c, ref, 0x81, 0x04);
    pcap_advance(&out, 500 * MS);
  }
  tcp_close(&c, 1);
  end();
}

/* A TCP keep-alive of the client (one byte at the sequence number before the next) and the
 * PLC's ACK */
static void keep_alive(TcpConn *c)
{
  static const uint8_t zero = 0;
  c->cli_seq--;
  tcp_segment(c, 1, F_ACK, &zero, 1);
  c->cli_seq--;   /* the byte repeats one already acknowledged: the next is where it was */
  tcp_segment(c, 0, F_ACK, NULL, 0);
}

/* The inventory's tables agree (issue 27): a session begun before the capture (its host has one
 * connection in the partners table, as in the Connections table), two idle connections begun
 * before it that carry only keep-alives (listed like the others, as the no-handshake limitation
 * counts them), and a host whose SYNs nobody answered (an attempt, not a connection) */
static void inventory_before_capture(void)
{
  begin("inventory-before-capture");
  TcpConn s, k1, k2;
  tcp_init(&s, &out, HMI, 50070, PLC, 102);
  tcp_init(&k1, &out, SCADA, 50071, PLC, 102);
  tcp_init(&k2, &out, SCADA, 50072, PLC, 102);
  s.cli_seq += 1; s.srv_seq += 1;   /* the SYNs were before the capture */
  k1.cli_seq += 1; k1.srv_seq += 1;
  k2.cli_seq += 1; k2.srv_seq += 1;
  for (uint16_t ref = 40; ref <= 42; ref++)
    read_ok(&s, ref, DBW(10, 2 * ref));
  keep_alive(&k1);
  keep_alive(&k2);
  pcap_advance(&out, 2 * S);
  keep_alive(&k1);
  keep_alive(&k2);
  TcpConn syn;
  tcp_init(&syn, &out, ip4(10, 10, 3, 31), 50073, PLC, 102);
  tcp_segment(&syn, 1, F_SYN, NULL, 0);
  syn.cli_seq--;
  pcap_advance(&out, 1 * S);
  tcp_segment(&syn, 1, F_SYN, NULL, 0);
  pcap_advance(&out, 6 * S);
  read_ok(&s, 43, DBW(10, 86));
  tcp_close(&s, 1);
  end();
}

/* The capture begins mid-connection (no handshake, no S7 PDU in it): the PLC sends FIN in the
 * first frame, the client acknowledges it and closes 27 s later. The PLC closed an idle
 * connection (its connection timeout); the capture cannot show how long it had been idle nor
 * what went over it before (issue 28: it said "No S7 fault found" and listed no connection) */
static void plc_closed_before_capture(void)
{
  begin("plc-closed-before-capture");
  TcpConn s;
  tcp_init(&s, &out, HMI, 50090, PLC, 102);
  s.cli_seq += 1; s.srv_seq += 1;   /* the SYNs were before the capture */
  tcp_segment(&s, 0, F_FIN | F_ACK, NULL, 0);
  pcap_advance(&out, 40 * MS);
  tcp_segment(&s, 1, F_ACK, NULL, 0);
  pcap_advance(&out, 27 * S);
  tcp_segment(&s, 1, F_FIN | F_ACK, NULL, 0);
  tcp_segment(&s, 0, F_ACK, NULL, 0);
  end();
}

/* An S7comm-plus error in a session that then works: CreateObject answered -108 (a service the
 * CPU does not allow), the DeleteObject after it -12 (its consequence), then CreateObject
 * succeeds on the same connection and the session carries on. One note of medium confidence
 * with the -12 folded in, not a warning of high confidence (issue 28) */
static void s7plus_error_session_works(void)
{
  begin("s7plus-error-session-works");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50095, PLC, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0600, 0x5349);
  send_cotp_cc(&c, 0x0600, 0x5349);
  send_s7plus(&c, 1, 1, 0x31, 0x04ca, 1, 0x120, 0);
  send_s7plus(&c, 0, 1, 0x32, 0x04ca, 1, 0, -108);
  send_s7plus(&c, 1, 3, 0x31, 0x04d4, 2, 0x120, 0);   /* DeleteObject */
  send_s7plus(&c, 0, 3, 0x32, 0x04d4, 2, 0, -12);
  send_s7plus(&c, 1, 1, 0x31, 0x04ca, 3, 0x121, 0);
  send_s7plus_rv(&c, 0, 1, 0x32, 0x04ca, 3, 0, 0, session_version, sizeof session_version);
  for (uint16_t seq = 4; seq <= 20; seq++) {
    send_s7plus(&c, 1, 3, 0x31, 0x054c, seq, 0x3b9, 0);
    send_s7plus(&c, 0, 3, 0x32, 0x054c, seq, 0, 0);
  }
  tcp_close(&c, 1);
  end();
}

/* One event, one finding: a server at its connection limit sends FIN right after the TCP
 * handshake, before the client's COTP CR, then resets the CR. One connect-refused with the FIN
 * among its evidence, no plc-closed beside it for the same attempt (issue 28) */
static void connect_refused_fin_first(void)
{
  begin("connect-refused-fin-first");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50096, PLC, 102);
  tcp_init(&b, &out, SCADA, 50097, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&a, 1, DBW(1, 0));
  tcp_handshake(&b);
  pcap_advance(&out, 2 * MS);
  tcp_segment(&b, 0, F_FIN | F_ACK, NULL, 0);
  send_cotp_cr(&b, TSAP_PG, TSAP_RACK0_SLOT1);
  tcp_segment(&b, 0, F_RST | F_ACK, NULL, 0);
  pcap_advance(&out, 200 * MS);
  read_ok(&a, 2, DBW(1, 0));
  tcp_close(&a, 1);
  end();
}

/* Slow answers (issue 28): a client polls a PLC that answers in 4 ms; three reads are answered
 * after 1.1 to 1.7 s and a Write Var after 4.5 s, past the default response timeout of
 * PLC4X (Go), nodes7, libnodave and snap7. One slow-response warning for the client with the
 * count, the slowest and the usual time; a second client whose slowest answer (0.3 s) is far
 * above its usual time but within every default timeout gets a note */
static void slow_response(void)
{
  begin("slow-response");
  TcpConn c, d;
  tcp_init(&c, &out, HMI, 50098, PLC, 102);
  tcp_init(&d, &out, SCADA, 50099, PLC2, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  open_session(&d, TSAP_RACK0_SLOT1, 1, 240);
  uint16_t ref = 1;
  uint8_t rc = 0xff;
  for (int i = 0; i < 20; i++) {
    read_ok(&c, ref++, DBW(1, 0));
    read_ok(&d, ref++, MW(0));
    if (i == 5 || i == 9 || i == 13) {
      Item it = DBW(1, 2);
      send_read_job(&c, ref, &it, 1);
      pcap_advance(&out, (uint64_t)(1100 + 300 * (i - 5) / 4) * MS);
      send_read_resp(&c, ref++, &it, &rc, 1);
    }
    if (i == 11) {
      Item it = MW(20);
      send_write_job(&c, ref, &it, 1);
      pcap_advance(&out, 4500 * MS);
      send_write_resp(&c, ref++, &rc, 1);
    }
    if (i == 15) {
      Item it = MW(2);
      send_read_job(&d, ref, &it, 1);
      pcap_advance(&out, 300 * MS);
      send_read_resp(&d, ref++, &it, &rc, 1);
    }
  }
  tcp_close(&c, 1);
  tcp_close(&d, 1);
  end();
}

/* Connections left open (issue 28): a client opens 5 connections to an S7-1500 in 15 s, reads
 * its identity on each, then leaves it idle and opens the next; none is closed by the capture's
 * end (another client polls on). One leaked-connections warning: 5 connections, idle for 15 to
 * 30 s, the CPU's connection resources named */
static void leaked_connections(void)
{
  begin("leaked-connections");
  TcpConn c[5], d;
  tcp_init(&d, &out, SCADA, 50120, PLC, 102);
  open_session(&d, TSAP_RACK0_SLOT1, 1, 240);
  uint16_t ref = 1;
  for (int i = 0; i < 5; i++) {
    tcp_init(&c[i], &out, HMI, (uint16_t)(50121 + i), PLC, 102);
    open_session(&c[i], TSAP_RACK0_SLOT1, 1, 240);
    send_szl_req(&c[i], 1, 0x0011);
    send_szl11_resp(&c[i], 1, "6ES7 516-3AN01-0AB0", 2, 9, 4);
    read_ok(&d, ref++, MW(0));
    pcap_advance(&out, 3500 * MS);
  }
  for (int i = 0; i < 8; i++) {
    read_ok(&d, ref++, MW(0));
    pcap_advance(&out, 2 * S);
  }
  tcp_close(&d, 1);
  end();
}

/* An acknowledgement that cannot be the PLC's (issue 28): the path's round trip (SYN to
 * SYN/ACK) is 340 ms, but a Write Var is TCP-acknowledged 0.28 ms after it was sent (a NAT or a
 * TCP-terminating firewall answers for the PLC); no S7 answer, and the PLC side resets the
 * connection 10 s later. no-response says a device in between acknowledged it and names the
 * path; its explanation gives the one cause the frames show (the PLC side's RST) */
static void no_response_ack_in_between(void)
{
  begin("no-response-ack-in-between");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50130, PLC, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  pcap_advance(&out, 340 * MS);
  tcp_segment(&c, 0, F_SYN | F_ACK, NULL, 0);
  tcp_segment(&c, 1, F_ACK, NULL, 0);
  send_cotp_cr(&c, TSAP_PG, TSAP_RACK0_SLOT1);
  pcap_advance(&out, 340 * MS);
  send_cotp_cc(&c, TSAP_PG, TSAP_RACK0_SLOT1);
  send_setup(&c, 1, 0xff00, 1, 480);
  pcap_advance(&out, 340 * MS);
  send_setup(&c, 0, 0xff00, 1, 240);
  Item it = MW(20);
  send_write_job(&c, 1, &it, 1);
  pcap_advance(&out, 130);
  tcp_segment(&c, 0, F_ACK, NULL, 0);
  pcap_advance(&out, 10 * S);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
  end();
}

/* Write conflict of different types (issue 28): one client writes 4 bytes at MB8 as BYTE
 * (42 34 00 00), another a REAL to MD8 (40.0): one name for one range (MD8, both writers),
 * values comparable (the bytes also as REAL 45.0; the REAL as 40.0). And an S7 STRING[8] written
 * as bytes to DB5.DBB0-7 where the other writes INT -7 to DB5.DBW0: each value decoded */
static void write_conflict_types(void)
{
  begin("write-conflict-types");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50140, PLC, 102);
  tcp_init(&b, &out, SCADA, 50141, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&b, TSAP_RACK0_SLOT1, 3, 240);
  uint8_t ok = 0xff;
  for (uint16_t ref = 1; ref <= 3; ref++) {
    Item mb = { 0x10, 2, 4, 0, 0x83, 8, 0 };     /* MB8, 4 bytes */
    send_write_job_data(&a, ref, &mb, 1, (const uint8_t[]){ 0x42, 0x34, 0x00, 0x00 }, 4);
    send_write_resp(&a, ref, &ok, 1);
    pcap_advance(&out, 500 * MS);
    Item md = { 0x10, 8, 1, 0, 0x83, 8, 0 };     /* MD8, REAL */
    send_write_job_data(&b, (uint16_t)(ref + 100), &md, 1, (const uint8_t[]){ 0x42, 0x20, 0x00, 0x00 }, 4);
    send_write_resp(&b, (uint16_t)(ref + 100), &ok, 1);
    pcap_advance(&out, 500 * MS);
    Item str = DBB(5, 0, 8);                      /* an S7 STRING[8] as 8 bytes */
    send_write_job_data(&a, (uint16_t)(ref + 200), &str, 1,
                        (const uint8_t[]){ 0x08, 0x06, 'L', 'I', 'N', 'E', ' ', '3' }, 8);
    send_write_resp(&a, (uint16_t)(ref + 200), &ok, 1);
    Item in = { 0x10, 5, 1, 5, 0x84, 0, 0 };      /* DB5.DBW0, INT */
    send_write_job_data(&b, (uint16_t)(ref + 300), &in, 1, (const uint8_t[]){ 0xff, 0xf9 }, 2);
    send_write_resp(&b, (uint16_t)(ref + 300), &ok, 1);
    pcap_advance(&out, 500 * MS);
  }
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  end();
}

/* PLC-initiated attempts (issue 28): a PLC that serves an HMI opens a configured connection to
 * a PC's port 102: two SYNs, then 15 s later a second attempt from another source port, and the
 * capture ends 1.8 s after it. 2 attempts and 3 SYNs (it said 1 and 2), the PLC as the sender,
 * and the PC is not listed as a PLC (nor offered as one in a partners line) */
static void plc_initiated_attempts(void)
{
  begin("plc-initiated-attempts");
  TcpConn hmi, a, b;
  uint32_t pc = ip4(10, 10, 3, 40);
  tcp_init(&hmi, &out, HMI, 50150, PLC, 102);
  open_session(&hmi, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&hmi, 1, DBW(1, 0));
  tcp_init(&a, &out, PLC, 2001, pc, 102);
  tcp_segment(&a, 1, F_SYN, NULL, 0);
  a.cli_seq--;
  pcap_advance(&out, 1 * S);
  tcp_segment(&a, 1, F_SYN, NULL, 0);
  uint16_t ref = 2;
  for (int i = 0; i < 7; i++) {
    pcap_advance(&out, 2 * S);
    read_ok(&hmi, ref++, DBW(1, 0));
  }
  tcp_init(&b, &out, PLC, 2002, pc, 102);
  tcp_segment(&b, 1, F_SYN, NULL, 0);
  pcap_advance(&out, 1 * S);
  read_ok(&hmi, ref++, DBW(1, 0));
  pcap_advance(&out, 700 * MS);
  read_ok(&hmi, ref++, DBW(1, 0));
  end();
}

/* Every range a job touched is in the data areas: reads refused by PUT/GET (0x8104) and a write
 * never answered, on one connection; on another, four jobs refused by a header error and one
 * whose five items failed: 5 failed jobs (the Connections table said 9, jobs and items added) */
static void areas_refused_unanswered(void)
{
  begin("areas-refused-unanswered");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50080, PLC, 102);
  tcp_init(&b, &out, SCADA, 50081, PLC2, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&b, TSAP_RACK0_SLOT1, 3, 240);
  Item db1 = DBB(1, 0, 2), db7 = DBB(7, 0, 2);
  send_read_job(&a, 1, &db1, 1);
  send_ack_error(&a, 1, 0x81, 0x04);
  send_read_job(&a, 2, &db7, 1);
  send_ack_error(&a, 2, 0x81, 0x04);
  Item mw = MW(20);
  send_write_job(&a, 3, &mw, 1);   /* never answered */
  for (uint16_t ref = 1; ref <= 4; ref++) {
    Item it = DBB(30, (uint32_t)(100 * ref), 4);
    send_read_job(&b, ref, &it, 1);
    send_ack_error(&b, ref, 0x87, 0x01);
    pcap_advance(&out, 100 * MS);
  }
  Item five[5];
  uint8_t rcs[5];
  for (int i = 0; i < 5; i++) {
    five[i] = DBW((uint16_t)(20 + i), 0);
    rcs[i] = 0x0A;
  }
  send_read_job(&b, 5, five, 5);
  send_read_resp(&b, 5, five, rcs, 5);
  pcap_advance(&out, 7 * S);   /* the write stays unanswered while the connection lives on */
  read_ok(&a, 4, DBW(10, 0));
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  end();
}

/* A PLC that named itself only in SZL 0x001C (component identification: module name, CPU type,
 * no order number): its model is not unknown */
static void identity_module_only(void)
{
  begin("identity-module-only");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50090, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  send_szl_req(&c, 1, 0x001C);
  send_szl1c_resp(&c, 1, "LINE 3", "PLC_LINE3", "", "", "CPU 315-2 PN/DP");
  read_ok(&c, 2, DBW(10, 0));
  tcp_close(&c, 1);
  end();
}

/* Two clients write MD8 for 40 s, far more often than a finding keeps evidence frames: the
 * finding's time spans every write (it stopped at the 4th evidence frame) */
static void write_conflict_long(void)
{
  begin("write-conflict-long");
  TcpConn hmi, scada;
  tcp_init(&hmi, &out, HMI, 50412, PLC, 102);
  tcp_init(&scada, &out, SCADA, 50413, PLC, 102);
  open_session(&hmi, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&scada, TSAP_RACK0_SLOT1, 3, 240);
  uint8_t ok = 0xff;
  Item md = { 0x10, 8, 1, 0, 0x83, 8, 0 };
  for (uint16_t ref = 1; ref <= 20; ref++) {
    send_write_job_data(&hmi, ref, &md, 1, (const uint8_t[]){ 0x42, 0x20, 0x00, 0x00 }, 4);
    send_write_resp(&hmi, ref, &ok, 1);
    pcap_advance(&out, 1 * S);
    send_write_job_data(&scada, ref, &md, 1, (const uint8_t[]){ 0x42, 0x34, 0x00, 0x00 }, 4);
    send_write_resp(&scada, ref, &ok, 1);
    pcap_advance(&out, 1 * S);
  }
  tcp_close(&hmi, 1);
  tcp_close(&scada, 1);
  end();
}

/* S7 on TCP port 10102 (a port forward): not analyzed unless asked, but told */
static void iso_other_port(void)
{
  begin("iso-other-port");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50063, PLC, 10102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&c, 1, DBW(10, 0));
  Item it = DBW(1, 0);
  send_read_job(&c, 2, &it, 1);
  send_ack_error(&c, 2, 0x81, 0x04);
  tcp_close(&c, 1);
  end();
}

/* The PLC's packets pass three routers before the capture point */
static void far_from_plc(void)
{
  begin("far-from-plc");
  pcap_set_ttl(&out, PLC, 61);
  pcap_set_ttl(&out, SCADA, 128);
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50064, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&c, 1, DBW(10, 0));
  read_ok(&c, 2, MW(4));
  tcp_close(&c, 1);
  end();
}

/* The segmentation audit (captures/segmentation-audit.partners): the HMI as allowed, SCADA
 * writing with read-only access, two hosts not in the list (one reads, one writes and stops the
 * PLC) and a port scan */
static void segmentation_audit(void)
{
  begin("segmentation-audit");
  uint32_t rogue = ip4(10, 10, 9, 9), rogue2 = ip4(10, 10, 9, 11), scanner = ip4(10, 10, 9, 10);
  TcpConn hmi, scada, r1, r2, scan;
  tcp_init(&hmi, &out, HMI, 50070, PLC, 102);
  open_session(&hmi, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&hmi, 1, DBW(10, 0));
  Item w = DBW(10, 2);
  uint8_t ok = 0xff;
  send_write_job(&hmi, 2, &w, 1);
  send_write_resp(&hmi, 2, &ok, 1);
  tcp_init(&scada, &out, SCADA, 50071, PLC, 102);
  open_session(&scada, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&scada, 1, MW(0));
  Item sw = MW(20);
  send_write_job(&scada, 2, &sw, 1);
  send_write_resp(&scada, 2, &ok, 1);
  tcp_init(&r1, &out, rogue, 50072, PLC, 102);
  open_session(&r1, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&r1, 1, DBB(1, 0, 64));
  read_ok(&r1, 2, DBB(1, 64, 64));
  tcp_close(&r1, 1);
  tcp_init(&scan, &out, scanner, 50073, PLC, 102);
  tcp_segment(&scan, 1, F_SYN, NULL, 0);
  tcp_segment(&scan, 0, F_SYN | F_ACK, NULL, 0);
  tcp_segment(&scan, 1, F_RST, NULL, 0);
  tcp_init(&r2, &out, rogue2, 50074, PLC, 102);
  open_session(&r2, TSAP_RACK0_SLOT1, 1, 240);
  Item rw = MW(30);
  send_write_job(&r2, 1, &rw, 1);
  send_write_resp(&r2, 1, &ok, 1);
  send_plc_stop(&r2, 2);
  send_ack_data_func(&r2, 2, 0x29);
  tcp_close(&r2, 1);
  tcp_close(&hmi, 1);
  tcp_close(&scada, 1);
  end();
}

static void unauthenticated_write(void)
{
  begin("unauthenticated-write");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50040, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  Item w[2] = { DBW(10, 0), MW(20) };
  uint8_t rcs[2] = { 0xff, 0xff };
  send_write_job(&c, 1, w, 2);
  send_write_resp(&c, 1, rcs, 2);
  tcp_close(&c, 1);
  end();
}

static void plc_control(void)
{
  begin("plc-control");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50041, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT2, 1, 240);
  send_plc_stop(&c, 1);
  send_ack_data_func(&c, 1, 0x29);
  send_pi_service(&c, 2, "_INSE");
  send_ack_data_func(&c, 2, 0x28);
  tcp_close(&c, 1);
  end();
}

static void password_attempt(void)
{
  begin("password-attempt");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50042, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT2, 1, 240);
  send_password(&c, 1);
  send_password_resp(&c, 1, 0);
  tcp_close(&c, 1);
  end();
}

/* Two jobs in one TCP segment, both answers in one segment; the second fails */
static void two_pdus_one_segment(void)
{
  begin("two-pdus-one-segment");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50043, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 480);
  Item a = DBW(11, 0), b = DBW(12, 40);
  uint8_t ok = 0xff, bad = 0x05;
  uint8_t pdu[512], seg[1024];
  size_t n = tpkt_wrap(seg, pdu, build_read_job(pdu, 1, &a, 1));
  n += tpkt_wrap(seg + n, pdu, build_read_job(pdu, 2, &b, 1));
  tcp_segment(&c, 1, F_PSH | F_ACK, seg, n);
  n = tpkt_wrap(seg, pdu, build_read_resp(pdu, 1, &a, &ok, 1));
  n += tpkt_wrap(seg + n, pdu, build_read_resp(pdu, 2, &b, &bad, 1));
  tcp_segment(&c, 0, F_PSH | F_ACK, seg, n);
  tcp_close(&c, 1);
  end();
}

/* A response split over two TCP segments (tshark reassembles it) */
static void split_pdu(void)
{
  begin("split-pdu");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50044, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 480);
  Item items[2] = { DBB(30, 0, 64), DBW(31, 6) };
  uint8_t rcs[2] = { 0xff, 0x0a };
  uint8_t pdu[512], seg[1024];
  send_read_job(&c, 1, items, 2);
  size_t n = tpkt_wrap(seg, pdu, build_read_resp(pdu, 1, items, rcs, 2));
  tcp_segment(&c, 0, F_ACK, seg, 40);
  tcp_segment(&c, 0, F_PSH | F_ACK, seg + 40, n - 40);
  tcp_close(&c, 1);
  end();
}

static void vlan_putget(void)
{
  begin("vlan");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50045, PLC, 102);
  c.vlan = 20;
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  Item it = DBW(1, 0);
  send_read_job(&c, 1, &it, 1);
  send_ack_error(&c, 1, 0x81, 0x04);
  tcp_close(&c, 1);
  end();
}

/* A client that sends PDU reference 0 on every job: pairing falls back to FIFO */
static void pduref_zero(void)
{
  begin("pduref-zero");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50046, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&c, 0, DBW(7, 0));
  read_fail(&c, 0, DBW(8, 0), 0x0a);
  read_ok(&c, 0, DBW(7, 2));
  tcp_close(&c, 1);
  end();
}

/* Max AmQ 3: three jobs in flight, answered out of order; the middle one fails */
static void amq_out_of_order(void)
{
  begin("amq-out-of-order");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50047, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 480);
  Item j[3] = { DBW(2, 0), DBW(2, 4), DBW(2, 8) };
  uint8_t ok = 0xff, bad = 0x05;
  for (int i = 0; i < 3; i++)
    send_read_job(&c, (uint16_t)(10 + i), &j[i], 1);
  send_read_resp(&c, 12, &j[2], &ok, 1);
  send_read_resp(&c, 10, &j[0], &ok, 1);
  send_read_resp(&c, 11, &j[1], &bad, 1);
  tcp_close(&c, 1);
  end();
}

/* The capture ends while a job is open: not a fault */
static void job_cut_at_end(void)
{
  begin("job-cut-at-end");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50048, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  read_ok(&c, 1, DBW(1, 0));
  Item it = DBW(1, 2);
  send_read_job(&c, 2, &it, 1);
  end();
}

static void multi_plc(void)
{
  begin("multi-plc");
  TcpConn a, b, d;
  tcp_init(&a, &out, HMI, 50049, PLC, 102);
  tcp_init(&b, &out, SCADA, 50050, PLC2, 102);
  tcp_init(&d, &out, SCADA, 50051, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 1, 240);
  open_session(&b, TSAP_RACK0_SLOT2, 1, 240);
  open_session(&d, TSAP_RACK0_SLOT1, 1, 240);
  Item it = DBW(1, 0);
  send_read_job(&a, 1, &it, 1);
  send_ack_error(&a, 1, 0x81, 0x04);
  read_fail(&b, 1, DBW(44, 0), 0x0a);
  send_read_job(&d, 1, &it, 1);
  send_ack_error(&d, 1, 0x81, 0x04);
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  tcp_close(&d, 1);
  end();
}

/* Issue 13.1: a valid pcapng with an Ethernet and a loopback interface (as `dumpcap -i eth0
 * -i lo` on a BSD or Wireshark on Windows writes it): PUT/GET refused on the Ethernet side, an
 * optimized DB read on the loopback side (a local S7 server). Both must be diagnosed. */
static void multi_interface(void)
{
  begin_pcapng("multi-interface");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50200, PLC, 102);
  tcp_init(&b, &out, ip4(127, 0, 0, 1), 50201, ip4(127, 0, 0, 1), 102);
  b.iface = IFACE_LOOPBACK;
  open_session(&a, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&b, TSAP_RACK0_SLOT1, 3, 480);
  for (uint16_t ref = 2; ref <= 3; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&a, ref, &it, 1);
    send_ack_error(&a, ref, 0x81, 0x04);
    read_fail(&b, ref, DBW(5, 0), 0x05);
  }
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  end();
}

/* Issue 13.2: TCP that is not S7 beside a healthy S7 session: a local process's connects to
 * another's closed port 49350 (SYN answered by RST), twelve times, and an HTTP-like session on
 * port 8080. Nothing of it is S7: no finding, with or without the prefilter. */
static void non_s7_traffic(void)
{
  begin("non-s7-traffic");
  TcpConn s7, web;
  tcp_init(&s7, &out, HMI, 50210, PLC, 102);
  tcp_init(&web, &out, HMI, 50211, SCADA, 8080);
  open_session(&s7, TSAP_RACK0_SLOT1, 1, 240);
  tcp_handshake(&web);
  static const uint8_t get[] = "GET / HTTP/1.1\r\n\r\n";
  tcp_segment(&web, 1, F_PSH | F_ACK, get, sizeof get - 1);
  for (int i = 0; i < 12; i++) {
    TcpConn local;
    tcp_init(&local, &out, ip4(127, 0, 0, 1), (uint16_t)(40000 + i), ip4(127, 0, 0, 1), 49350);
    tcp_segment(&local, 1, F_SYN, NULL, 0);
    tcp_segment(&local, 0, F_RST | F_ACK, NULL, 0);
    read_ok(&s7, (uint16_t)(1 + i), MW(10));
  }
  tcp_close(&web, 1);
  tcp_close(&s7, 1);
  end();
}

/* Issue 13.3: two clients of one PLC, 3 and 1 refused Read/Write Var jobs: each finding
 * counts its own client's jobs */
static void putget_two_clients(void)
{
  begin("putget-two-clients");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50310, PLC, 102);
  tcp_init(&b, &out, SCADA, 50311, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&b, TSAP_RACK0_SLOT1, 3, 240);
  send_szl_req(&a, 1, 0x0011);
  send_szl_resp(&a, 1, 0x0011, 0);
  for (uint16_t ref = 2; ref <= 4; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&a, ref, &it, 1);
    send_ack_error(&a, ref, 0x81, 0x04);
  }
  Item w = MW(10);
  send_write_job(&b, 2, &w, 1);
  send_ack_error(&b, 2, 0x81, 0x04);
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  end();
}

/* Issue 13.3: writes to DB1.DBB0-DBB1807 work, a write at DBB1808 gets 0x05: successful writes
 * prove absolute access works, so the DB is shorter (worked up to byte 1807), high */
static void db_write_out_of_range(void)
{
  begin("db-write-out-of-range");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50320, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 480);
  uint16_t ref = 1;
  for (uint32_t at = 0; at < 1808; at += 226, ref++) {
    Item w = DBB(1, at, 226);
    uint8_t rc = 0xff;
    send_write_job(&c, ref, &w, 1);
    send_write_resp(&c, ref, &rc, 1);
  }
  Item w = DBB(1, 1808, 16);
  uint8_t rc = 0x05;
  send_write_job(&c, ref, &w, 1);
  send_write_resp(&c, ref, &rc, 1);
  tcp_close(&c, 1);
  end();
}

/* Issue 13.3: one Read Var with five items (M, I, Q, T, C) all answered 0x0A (a simulator or CP
 * without these areas): one finding that lists them, with an explanation that fits areas; and
 * the inventory numbers timers and counters (T0-T7), and shows a DB range that failed apart
 * from the one that worked */
static void area_items_missing(void)
{
  begin("area-items-missing");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50330, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 480);
  Item items[5] = { MW(0), { 0x10, 2, 1, 0, 0x81, 0, 0 }, { 0x10, 2, 1, 0, 0x82, 0, 0 },
                    { 0x10, 29, 8, 0, 29, 0, 0 }, { 0x10, 28, 8, 0, 28, 0, 0 } };
  uint8_t rcs[5] = { 0x0a, 0x0a, 0x0a, 0x0a, 0x0a };
  send_read_job(&c, 1, items, 5);
  send_read_resp(&c, 1, items, rcs, 5);
  read_ok(&c, 2, DBB(2, 0, 200));
  read_fail(&c, 3, DBB(2, 200, 100), 0x05);
  tcp_close(&c, 1);
  end();
}

/* Issue 13.3: a PLC (Siemens MAC) actively opens a configured connection to a PC's port 102,
 * three attempts of three SYNs, never answered, while an HMI's session with it is healthy:
 * the PLC tries to reach its partner (warning), every attempt counted */
static void plc_active_connect(void)
{
  begin("plc-active-connect");
  static const uint8_t siemens[6] = { 0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56 };
  pcap_set_mac(&out, PLC, siemens);
  TcpConn hmi;
  tcp_init(&hmi, &out, HMI, 50340, PLC, 102);
  open_session(&hmi, TSAP_RACK0_SLOT1, 3, 240);
  for (int attempt = 0; attempt < 3; attempt++) {
    TcpConn c;
    tcp_init(&c, &out, PLC, (uint16_t)(2000 + attempt), SCADA, 102);
    tcp_segment(&c, 1, F_SYN, NULL, 0);
    for (int i = 0; i < 2; i++) {
      c.cli_seq--;
      pcap_advance(&out, (uint64_t)(1 + 2 * i) * S);
      tcp_segment(&c, 1, F_SYN, NULL, 0);
      read_ok(&hmi, (uint16_t)(1 + attempt * 2 + i), MW(4));
    }
    pcap_advance(&out, 6 * S);
  }
  tcp_close(&hmi, 1);
  end();
}

/* Issue 13.3: three SYNs in 3 s and the capture ends at the third: medium, not high */
static void port_no_answer_capture_ends(void)
{
  begin("port-no-answer-capture-ends");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50350, PLC2, 102);
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  for (int i = 0; i < 2; i++) {
    c.cli_seq--;
    pcap_advance(&out, (uint64_t)(1 + i) * S);
    tcp_segment(&c, 1, F_SYN, NULL, 0);
  }
  end();
}

/* Issue 13.3: a Write Var TCP-acknowledged by the PLC and never answered; the PLC resets the
 * connection 42 s later: the text says the PLC closed it, and when */
static void no_response_plc_reset(void)
{
  begin("no-response-plc-reset");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50360, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&c, 1, DBW(8, 0));
  Item w = DBW(8, 2);
  send_write_job(&c, 2, &w, 1);
  tcp_segment(&c, 0, F_ACK, NULL, 0);   /* the PLC's TCP acknowledges the job */
  pcap_advance(&out, 42 * S);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
  end();
}

/* Issue 13.3: a response captured before its job (capture reordering, e.g. two interfaces or a
 * SPAN port): paired anyway and told apart from a capture that starts mid-conversation, which
 * the same capture also shows (an answer at the start whose job is not in the capture) */
static void response_before_job(void)
{
  begin("response-before-job");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50370, PLC, 102);
  /* the capture starts mid-conversation: an answer whose job was sent before it */
  Item first = MW(0);
  uint8_t ok = 0xff;
  c.cli_seq += 1000;   /* bytes the client sent before the capture */
  send_read_resp(&c, 7, &first, &ok, 1);
  read_ok(&c, 8, MW(0));
  /* the next job's answer is captured first */
  Item it = MW(2);
  uint8_t job[256], frame[300];
  size_t jl = build_read_job(job, 9, &it, 1);
  size_t fl = tpkt_wrap(frame, job, jl);
  uint32_t save = c.cli_seq;
  c.cli_seq += (uint32_t)fl;
  send_read_resp(&c, 9, &it, &ok, 1);
  c.cli_seq = save;
  tcp_segment(&c, 1, F_PSH | F_ACK, frame, fl);
  read_ok(&c, 10, MW(0));
  tcp_close(&c, 1);
  end();
}

/* Issue 13.3: an engineering tool's probe session: CreateObject answered with an unknown
 * error, the DeleteObject after it fails too (a consequence), the session ends normally, and a
 * working session follows: one note for the probe, the consequence folded into it, never
 * high confidence for an unknown code */
static void s7plus_probe(void)
{
  begin("s7plus-probe");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50380, PLC, 102);
  tcp_handshake(&a);
  send_cotp_cr(&a, 0x0600, 0x5349);
  send_cotp_cc(&a, 0x0600, 0x5349);
  send_s7plus(&a, 1, 1, 0x31, 0x04ca, 1, 0x120, 0);
  send_s7plus(&a, 0, 1, 0x32, 0x04ca, 1, 0, -1705);
  send_s7plus(&a, 1, 3, 0x31, 0x04d4, 2, 0x120, 0);   /* DeleteObject */
  send_s7plus(&a, 0, 3, 0x32, 0x04d4, 2, 0, -1705);
  tcp_close(&a, 1);
  pcap_advance(&out, 500 * MS);
  tcp_init(&b, &out, HMI, 50381, PLC, 102);
  tcp_handshake(&b);
  send_cotp_cr(&b, 0x0600, 0x5349);
  send_cotp_cc(&b, 0x0600, 0x5349);
  send_s7plus(&b, 1, 1, 0x31, 0x04ca, 1, 0x121, 0);
  send_s7plus(&b, 0, 1, 0x32, 0x04ca, 1, 0, 0);
  for (uint16_t seq = 2; seq <= 4; seq++) {
    send_s7plus(&b, 1, 3, 0x31, 0x054c, seq, 0x3b9, 0);
    send_s7plus(&b, 0, 3, 0x32, 0x054c, seq, 0, 0);
  }
  tcp_close(&b, 1);
  end();
}

/* Issue 13.3: unauthenticated writes say what was written: DB1.DBB0-13 and MB101, with counts
 * and a rate; the HTML timeline's buckets are as fine as claimed and notes are apart from
 * faults */
static void unauthenticated_write_ranges(void)
{
  begin("unauthenticated-write-ranges");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50390, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  uint16_t ref = 1;
  for (int i = 0; i < 10; i++) {
    Item w[2] = { DBB(1, 0, 14), { 0x10, 2, 1, 0, 0x83, 101, 0 } };
    uint8_t rcs[2] = { 0xff, 0xff };
    send_write_job(&c, ref, w, 2);
    send_write_resp(&c, ref, rcs, 2);
    ref++;
    pcap_advance(&out, 500 * MS);
  }
  Item bad = DBW(9, 0);
  read_fail(&c, ref, bad, 0x0a);
  tcp_close(&c, 1);
  end();
}

/* Issue 14.1: the PLC resets the connection right after a Read Var job (the job refused by
 * reset), as an HMI sees its connection reset on data */
static void plc_closed_after_job(void)
{
  begin("plc-closed-after-job");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50400, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&c, 1, DBW(1, 0));
  Item it = DBB(1, 0, 200);
  send_read_job(&c, 2, &it, 1);
  pcap_advance(&out, 200 * MS);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
  end();
}

/* Issue 14.1: the PLC closes an idle connection after 30 s without traffic (its connection
 * timeout); the client answers the FIN */
static void plc_closed_idle(void)
{
  begin("plc-closed-idle");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50401, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&c, 1, MW(0));
  pcap_advance(&out, 30 * S);
  tcp_close(&c, 0);
  end();
}

/* Issue 14.1: the PLC closes a TCP connection with a FIN before any S7 traffic: reported, and
 * the connection is in the inventory (it was missing: "0 connections", "Limitations: None") */
static void plc_closed_before_s7(void)
{
  begin("plc-closed-before-s7");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50402, PLC, 102);
  tcp_handshake(&c);
  pcap_advance(&out, 2 * S);
  tcp_close(&c, 0);
  end();
}

/* Issue 14.1: the PLC resets three clients' connections within 200 ms: one finding (a CPU
 * restart or STOP, a CP reset), not three */
static void plc_closed_at_once(void)
{
  begin("plc-closed-at-once");
  TcpConn a, b, d;
  tcp_init(&a, &out, HMI, 50403, PLC, 102);
  tcp_init(&b, &out, SCADA, 50404, PLC, 102);
  tcp_init(&d, &out, ip4(10, 10, 3, 31), 50405, PLC, 102);
  open_session(&a, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&b, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&d, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&a, 1, MW(0));
  read_ok(&b, 1, MW(2));
  read_ok(&d, 1, MW(4));
  pcap_advance(&out, 2 * S);
  tcp_segment(&a, 0, F_RST | F_ACK, NULL, 0);
  pcap_advance(&out, 80 * MS);
  tcp_segment(&b, 0, F_RST | F_ACK, NULL, 0);
  pcap_advance(&out, 80 * MS);
  tcp_segment(&d, 0, F_RST | F_ACK, NULL, 0);
  end();
}

/* Issue 14.1, not a fault: an S7-1200 answers the client's FIN with RST/ACK */
static void plc_rst_after_client_fin(void)
{
  begin("plc-rst-after-client-fin");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50406, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  read_ok(&c, 1, MW(0));
  tcp_segment(&c, 1, F_FIN | F_ACK, NULL, 0);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
  end();
}

/* Issue 14.2: two masters write the same addresses: an HMI sets M101.1 while another station
 * floods MB101 (a bit inside a written byte), and one writes MD8 = 45.0 (REAL) while the HMI
 * writes 40.0: the value keeps flipping back */
static void write_conflict(void)
{
  begin("write-conflict");
  TcpConn hmi, scada;
  tcp_init(&hmi, &out, HMI, 50410, PLC, 102);
  tcp_init(&scada, &out, SCADA, 50411, PLC, 102);
  open_session(&hmi, TSAP_RACK0_SLOT1, 3, 240);
  open_session(&scada, TSAP_RACK0_SLOT1, 3, 240);
  uint16_t ref = 1;
  for (int i = 0; i < 6; i++, ref++) {
    Item flood = { 0x10, 2, 1, 0, 0x83, 101, 0 };           /* MB101 */
    uint8_t ok = 0xff;
    send_write_job_data(&scada, ref, &flood, 1, (const uint8_t[]){ 0x00 }, 1);
    send_write_resp(&scada, ref, &ok, 1);
    pcap_advance(&out, 200 * MS);
    if (i % 2 == 0) {
      Item bit = { 0x10, 1, 1, 0, 0x83, 101, 1 };            /* M101.1 */
      send_write_job_data(&hmi, ref, &bit, 1, (const uint8_t[]){ 0x01 }, 1);
      send_write_resp(&hmi, ref, &ok, 1);
      Item md = { 0x10, 8, 1, 0, 0x83, 8, 0 };               /* MD8, REAL */
      send_write_job_data(&hmi, (uint16_t)(ref + 100), &md, 1, (const uint8_t[]){ 0x42, 0x20, 0x00, 0x00 }, 4);
      send_write_resp(&hmi, (uint16_t)(ref + 100), &ok, 1);
    }
    Item md = { 0x10, 8, 1, 0, 0x83, 8, 0 };
    send_write_job_data(&scada, (uint16_t)(ref + 200), &md, 1, (const uint8_t[]){ 0x42, 0x34, 0x00, 0x00 }, 4);
    send_write_resp(&scada, (uint16_t)(ref + 200), &ok, 1);
    pcap_advance(&out, 300 * MS);
  }
  tcp_close(&hmi, 1);
  tcp_close(&scada, 1);
  end();
}

/* Issue 14.3: the PLC's identity (SZL 0x0011 and 0x001C answers) is in the inventory, and the
 * PUT/GET advice names the model and firmware: an S7-1200 with firmware V4.5.0 */
static void putget_denied_s7_1200(void)
{
  begin("putget-denied-s7-1200");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50420, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  send_szl_req(&c, 1, 0x0011);
  send_szl11_resp(&c, 1, "6ES7 214-1AG40-0XB0", 4, 5, 0);
  send_szl_req(&c, 2, 0x001c);
  send_szl1c_resp(&c, 2, "Line 4 filling", "PLC_Filler", "PLANT-A/L4", "S V-K1234567", "CPU 1214C DC/DC/DC");
  for (uint16_t ref = 3; ref <= 4; ref++) {
    Item it = DBW(1, 0);
    send_read_job(&c, ref, &it, 1);
    send_ack_error(&c, ref, 0x81, 0x04);
  }
  tcp_close(&c, 1);
  end();
}

/* Issue 17.1: what --redact must hide, all in one plant capture: a Siemens PLC (its MAC's
 * vendor prefix) that names its station, module, plant and serial in SZL 0x001C and refuses
 * PUT/GET to an HMI of its subnet; an HMI of another subnet reaching PLC2, whose port a
 * router refuses with ICMP (the ICMP error quotes both addresses) */
static void redaction_plant(void)
{
  begin("redaction-plant");
  static const uint8_t siemens[6] = { 0x00, 0x1b, 0x1b, 0x4a, 0x5b, 0x6c };
  pcap_set_mac(&out, PLC, siemens);
  TcpConn c;
  tcp_init(&c, &out, HMI, 50440, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  send_szl_req(&c, 1, 0x0011);
  send_szl11_resp(&c, 1, "6ES7 516-3AN01-0AB0", 2, 9, 4);
  send_szl_req(&c, 2, 0x001c);
  send_szl1c_resp(&c, 2, "Brewhouse Nord", "PLC_Mash_Tun", "NORD/BH2/MT", "S C-M7Q80341", "CPU 1516-3 PN/DP");
  Item it = DBW(20, 8);
  send_read_job(&c, 3, &it, 1);
  send_ack_error(&c, 3, 0x81, 0x04);
  tcp_close(&c, 1);
  TcpConn d;
  tcp_init(&d, &out, SCADA, 50441, PLC2, 102);
  tcp_segment(&d, 1, F_SYN, NULL, 0);
  icmp_unreachable(&d, ROUTER, 13);
  end();
}

/* IPv6: an HMI whose PLC refuses PUT/GET, and a SCADA host whose SYN to another PLC a firewall
 * rejects with ICMPv6 destination unreachable, code 1 (communication administratively
 * prohibited): ICMPv6's codes are not ICMP's, and a report must name it ICMPv6 */
static void putget_denied_ipv6(void)
{
  begin("putget-denied-ipv6");
  TcpConn c;
  tcp_init(&c, &out, HMI, 50450, PLC, 102);
  c.v6 = 1;
  open_session(&c, TSAP_RACK0_SLOT1, 3, 240);
  Item it = DBW(1, 0);
  send_read_job(&c, 1, &it, 1);
  send_ack_error(&c, 1, 0x81, 0x04);
  tcp_close(&c, 1);
  end();
}

static void port_unreachable_ipv6(void)
{
  begin("port-unreachable-ipv6");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50451, PLC2, 102);
  c.v6 = 1;
  tcp_segment(&c, 1, F_SYN, NULL, 0);
  icmp_unreachable(&c, ROUTER, 1);
  end();
}

/* Issue 17.2: working-vs-failing pairs for `s7diag diff`. The working client (a new HMI panel
 * that works) connects to rack 0 slot 1 and polls DB1.DBB0 (10 bytes) twice over one
 * connection; each failing one is the same client with one thing wrong. */
typedef enum { DIFF_GOOD, DIFF_WRONG_SLOT, DIFF_PUTGET_OFF, DIFF_OPTIMIZED, DIFF_PAST_END } DiffCase;

static void diff_pair(const char *name, DiffCase what)
{
  begin(name);
  TcpConn c;
  tcp_init(&c, &out, HMI, 50450, PLC, 102);
  if (what == DIFF_WRONG_SLOT) {
    tcp_handshake(&c);
    send_cotp_cr(&c, TSAP_PG, TSAP_RACK0_SLOT2);
    tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
    end();
    return;
  }
  open_session(&c, TSAP_RACK0_SLOT1, 1, 240);
  for (uint16_t ref = 2; ref <= 3; ref++) {
    Item it = what == DIFF_PAST_END && ref == 3 ? DBB(1, 1848, 2) : DBB(1, 0, 10);
    if (what == DIFF_PUTGET_OFF) {
      send_read_job(&c, ref, &it, 1);
      send_ack_error(&c, ref, 0x81, 0x04);
      pcap_advance(&out, 100 * MS);
    } else if (what == DIFF_OPTIMIZED || (what == DIFF_PAST_END && ref == 3)) {
      read_fail(&c, ref, it, 0x05);
    } else {
      read_ok(&c, ref, it);
    }
  }
  tcp_close(&c, 1);
  end();
}

/* Issue 14.4: a client with four jobs in flight where Setup Communication allowed two */
static void amq_exceeded(void)
{
  begin("amq-exceeded");
  TcpConn c;
  tcp_init(&c, &out, SCADA, 50430, PLC, 102);
  open_session(&c, TSAP_RACK0_SLOT1, 2, 240);
  Item j[4] = { DBW(3, 0), DBW(3, 2), DBW(3, 4), DBW(3, 6) };
  uint8_t ok = 0xff;
  for (int i = 0; i < 4; i++)
    send_read_job(&c, (uint16_t)(20 + i), &j[i], 1);
  for (int i = 0; i < 4; i++)
    send_read_resp(&c, (uint16_t)(20 + i), &j[i], &ok, 1);
  tcp_close(&c, 1);
  end();
}

/* Issue 14.4: the COTP connect agrees a TPDU of 512 bytes, Setup Communication a PDU of 960:
 * large answers arrive in fragments (a note); and a Write Var of 300 bytes on that PDU is
 * fine, while on a second connection with PDU 240 it is larger than the PDU itself */
static void pdu_limits(void)
{
  begin("pdu-limits");
  TcpConn a, b;
  tcp_init(&a, &out, HMI, 50431, PLC, 102);
  tcp_handshake(&a);
  send_cotp_cr_tpdu(&a, TSAP_PG, TSAP_RACK0_SLOT1, 9);
  send_cotp_cc_tpdu(&a, TSAP_PG, TSAP_RACK0_SLOT1, 9);
  send_setup(&a, 1, 0xff00, 3, 960);
  send_setup(&a, 0, 0xff00, 3, 960);
  read_ok(&a, 1, DBB(4, 0, 100));
  tcp_init(&b, &out, HMI, 50432, PLC, 102);
  open_session(&b, TSAP_RACK0_SLOT1, 1, 240);
  Item w = DBB(4, 0, 300);
  uint8_t rc = 0x85;   /* a snap7-like answer: the item too large */
  send_write_job(&b, 1, &w, 1);
  send_ack_error(&b, 1, 0x85, 0x00);
  (void)rc;
  tcp_close(&a, 1);
  tcp_close(&b, 1);
  end();
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: s7capgen OUTDIR\n");
    return 2;
  }
  outdir = argv[1];
  PLC = ip4(10, 10, 1, 5);
  PLC2 = ip4(10, 10, 2, 7);
  HMI = ip4(10, 10, 1, 20);
  SCADA = ip4(10, 10, 3, 30);
  ROUTER = ip4(10, 10, 3, 1);
  healthy();
  putget_denied();
  function_not_available();
  optimized_db();
  db_out_of_range();
  object_missing();
  access_denied();
  protection_level();
  pdu_size_exceeded();
  data_type_error();
  resource_error();
  plc_error();
  connect_refused_resources();
  connect_refused_tsap();
  connect_refused_dr();
  connect_no_answer();
  setup_rejected();
  port_no_answer();
  port_refused();
  port_unreachable();
  no_response();
  reconnect_storm();
  s7plus_session("s7plus-v1", 1, 0);
  s7plus_session("s7plus-v2", 2, 0);
  s7plus_session("s7plus-v3-error", 3, -12);
  unauthenticated_write();
  plc_control();
  password_attempt();
  two_pdus_one_segment();
  split_pdu();
  vlan_putget();
  pduref_zero();
  amq_out_of_order();
  job_cut_at_end();
  multi_plc();
  multi_interface();
  non_s7_traffic();
  connect_per_poll();
  putget_two_clients();
  db_write_out_of_range();
  area_items_missing();
  plc_active_connect();
  port_no_answer_capture_ends();
  no_response_plc_reset();
  response_before_job();
  s7plus_probe();
  unauthenticated_write_ranges();
  plc_closed_after_job();
  plc_closed_idle();
  plc_closed_before_s7();
  plc_closed_at_once();
  plc_rst_after_client_fin();
  write_conflict();
  putget_denied_s7_1200();
  redaction_plant();
  diff_pair("diff-good", DIFF_GOOD);
  diff_pair("diff-wrong-slot", DIFF_WRONG_SLOT);
  diff_pair("diff-putget-off", DIFF_PUTGET_OFF);
  diff_pair("diff-optimized", DIFF_OPTIMIZED);
  diff_pair("diff-read-past-end", DIFF_PAST_END);
  amq_exceeded();
  pdu_limits();
  s7plus_too_many_sessions();
  s7plus_initssl_refused();
  s7plus_tls();
  one_sided_capture();
  capture_starts_mid_session();
  duplicated_frames();
  iso_other_port();
  snap_length_cut();
  port_no_answer_many_clients();
  inventory_before_capture();
  areas_refused_unanswered();
  identity_module_only();
  write_conflict_long();
  far_from_plc();
  segmentation_audit();
  putget_denied_ipv6();
  port_unreachable_ipv6();
  plc_closed_before_capture();
  s7plus_error_session_works();
  connect_refused_fin_first();
  slow_response();
  leaked_connections();
  no_response_ack_in_between();
  write_conflict_types();
  plc_initiated_attempts();
  return 0;
}
