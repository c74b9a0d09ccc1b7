/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_frames.c — TPKT/COTP/S7comm/S7comm-plus PDUs on a TcpConn. */
#include "s7_frames.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }

size_t tpkt_wrap(uint8_t *out, const uint8_t *pdu, size_t len)
{
  out[0] = 3;
  out[1] = 0;
  put16(out + 2, (uint16_t)(len + 7));
  out[4] = 2;      /* COTP DT: length, code, EOT */
  out[5] = 0xf0;
  out[6] = 0x80;
  memcpy(out + 7, pdu, len);
  return len + 7;
}

static uint32_t send_pdu(TcpConn *c, int from_client, const uint8_t *pdu, size_t len)
{
  uint8_t buf[2048];
  size_t n = tpkt_wrap(buf, pdu, len);
  return tcp_segment(c, from_client, F_PSH | F_ACK, buf, n);
}

static uint32_t send_cotp_conn_tpdu(TcpConn *c, int from_client, uint8_t code, uint16_t calling,
                                    uint16_t called, uint8_t tpdu_code)
{
  uint8_t b[22] = { 3, 0, 0, 22, 17, code, 0, 0, 0, 1, 0,
                    0xc1, 2, 0, 0, 0xc2, 2, 0, 0, 0xc0, 1, tpdu_code };
  if (code == 0xd0) {  /* CC: destination reference = the CR's source reference */
    b[6] = 0; b[7] = 1; b[8] = 0; b[9] = 0x44;
  }
  put16(b + 13, calling);
  put16(b + 17, called);
  return tcp_segment(c, from_client, F_PSH | F_ACK, b, sizeof b);
}

static uint32_t send_cotp_conn(TcpConn *c, int from_client, uint8_t code, uint16_t calling,
                               uint16_t called)
{
  return send_cotp_conn_tpdu(c, from_client, code, calling, called, 0x0a);   /* 1024 bytes */
}

uint32_t send_cotp_cr_tpdu(TcpConn *c, uint16_t calling, uint16_t called, uint8_t tpdu_code)
{
  return send_cotp_conn_tpdu(c, 1, 0xe0, calling, called, tpdu_code);
}

uint32_t send_cotp_cc_tpdu(TcpConn *c, uint16_t calling, uint16_t called, uint8_t tpdu_code)
{
  return send_cotp_conn_tpdu(c, 0, 0xd0, calling, called, tpdu_code);
}

uint32_t send_cotp_cr(TcpConn *c, uint16_t calling, uint16_t called)
{
  return send_cotp_conn(c, 1, 0xe0, calling, called);
}

uint32_t send_cotp_cc(TcpConn *c, uint16_t calling, uint16_t called)
{
  return send_cotp_conn(c, 0, 0xd0, calling, called);
}

uint32_t send_cotp_dr(TcpConn *c, uint8_t cause)
{
  uint8_t b[11] = { 3, 0, 0, 11, 6, 0x80, 0, 1, 0, 0x44, cause };
  return tcp_segment(c, 0, F_PSH | F_ACK, b, sizeof b);
}

size_t s7_job_header(uint8_t *b, uint8_t rosctr, uint16_t ref, uint16_t plen, uint16_t dlen,
                     uint8_t errcls, uint8_t errcod)
{
  b[0] = 0x32;
  b[1] = rosctr;
  b[2] = b[3] = 0;
  put16(b + 4, ref);
  put16(b + 6, plen);
  put16(b + 8, dlen);
  if (rosctr == 2 || rosctr == 3) {
    b[10] = errcls;
    b[11] = errcod;
    return 12;
  }
  return 10;
}

uint32_t send_setup(TcpConn *c, int from_client, uint16_t ref, uint16_t amq, uint16_t pdu)
{
  uint8_t b[32];
  size_t h = s7_job_header(b, from_client ? 1 : 3, ref, 8, 0, 0, 0);
  uint8_t p[8] = { 0xf0, 0 };
  put16(p + 2, amq);
  put16(p + 4, amq);
  put16(p + 6, pdu);
  memcpy(b + h, p, 8);
  return send_pdu(c, from_client, b, h + 8);
}

static size_t put_item(uint8_t *p, const Item *it)
{
  p[0] = 0x12;
  p[1] = 0x0a;
  p[2] = it->syntax;
  p[3] = it->tsize;
  put16(p + 4, it->count);
  put16(p + 6, it->db);
  p[8] = it->area;
  uint32_t addr = (it->area == 28 || it->area == 29) ? it->byte : (it->byte << 3 | it->bit);
  p[9] = (addr >> 16) & 0xff;
  p[10] = (addr >> 8) & 0xff;
  p[11] = addr & 0xff;
  return 12;
}

static uint16_t item_bytes(const Item *it)
{
  switch (it->tsize) {
  case 1: case 2: case 3: return it->count;
  case 4: case 5: case 28: case 29: return (uint16_t)(2 * it->count);
  default: return (uint16_t)(4 * it->count);
  }
}

size_t build_read_job(uint8_t *b, uint16_t ref, const Item *items, int n)
{
  size_t h = s7_job_header(b, 1, ref, (uint16_t)(2 + 12 * n), 0, 0, 0);
  b[h] = 0x04;
  b[h + 1] = (uint8_t)n;
  size_t off = h + 2;
  for (int i = 0; i < n; i++)
    off += put_item(b + off, &items[i]);
  return off;
}

uint32_t send_read_job(TcpConn *c, uint16_t ref, const Item *items, int n)
{
  uint8_t b[1024];
  return send_pdu(c, 1, b, build_read_job(b, ref, items, n));
}

size_t build_read_resp(uint8_t *b, uint16_t ref, const Item *items, const uint8_t *rcs, int n)
{
  uint8_t data[1024];
  size_t d = 0;
  for (int i = 0; i < n; i++) {
    data[d++] = rcs[i];
    if (rcs[i] != 0xff) {
      data[d++] = 0; data[d++] = 0; data[d++] = 0;
    } else {
      uint16_t len = item_bytes(&items[i]);
      data[d++] = items[i].tsize == 1 ? 0x03 : 0x04;
      put16(data + d, items[i].tsize == 1 ? 1 : (uint16_t)(len * 8));
      d += 2;
      for (uint16_t k = 0; k < len; k++)
        data[d++] = (uint8_t)(0x10 + k);
    }
    if ((d & 1) && i + 1 < n)
      data[d++] = 0;  /* fill byte between items */
  }
  size_t h = s7_job_header(b, 3, ref, 2, (uint16_t)d, 0, 0);
  b[h] = 0x04;
  b[h + 1] = (uint8_t)n;
  memcpy(b + h + 2, data, d);
  return h + 2 + d;
}

uint32_t send_read_resp(TcpConn *c, uint16_t ref, const Item *items, const uint8_t *rcs, int n)
{
  uint8_t b[1024];
  return send_pdu(c, 0, b, build_read_resp(b, ref, items, rcs, n));
}

uint32_t send_write_job(TcpConn *c, uint16_t ref, const Item *items, int n)
{
  return send_write_job_data(c, ref, items, n, NULL, 0);
}

uint32_t send_write_job_data(TcpConn *c, uint16_t ref, const Item *items, int n, const uint8_t *values,
                             size_t n_values)
{
  uint8_t param[512], data[512], b[1024];
  size_t v = 0;
  size_t p = 2, d = 0;
  param[0] = 0x05;
  param[1] = (uint8_t)n;
  for (int i = 0; i < n; i++) {
    p += put_item(param + p, &items[i]);
    uint16_t len = item_bytes(&items[i]);
    data[d++] = 0;
    data[d++] = items[i].tsize == 1 ? 0x03 : 0x04;
    put16(data + d, items[i].tsize == 1 ? 1 : (uint16_t)(len * 8));
    d += 2;
    for (uint16_t k = 0; k < len; k++, v++)
      data[d++] = values && v < n_values ? values[v] : (uint8_t)(0x20 + k);
    if ((d & 1) && i + 1 < n)
      data[d++] = 0;
  }
  size_t h = s7_job_header(b, 1, ref, (uint16_t)p, (uint16_t)d, 0, 0);
  memcpy(b + h, param, p);
  memcpy(b + h + p, data, d);
  return send_pdu(c, 1, b, h + p + d);
}

uint32_t send_write_resp(TcpConn *c, uint16_t ref, const uint8_t *rcs, int n)
{
  uint8_t b[256];
  size_t h = s7_job_header(b, 3, ref, 2, (uint16_t)n, 0, 0);
  b[h] = 0x05;
  b[h + 1] = (uint8_t)n;
  memcpy(b + h + 2, rcs, (size_t)n);
  return send_pdu(c, 0, b, h + 2 + (size_t)n);
}

uint32_t send_ack_error(TcpConn *c, uint16_t ref, uint8_t errcls, uint8_t errcod)
{
  uint8_t b[12];
  return send_pdu(c, 0, b, s7_job_header(b, 2, ref, 0, 0, errcls, errcod));
}

uint32_t send_ack_data_func(TcpConn *c, uint16_t ref, uint8_t func)
{
  uint8_t b[16];
  size_t h = s7_job_header(b, 3, ref, 1, 0, 0, 0);
  b[h] = func;
  return send_pdu(c, 0, b, h + 1);
}

static uint32_t send_userdata(TcpConn *c, int from_client, uint16_t ref, uint8_t group, uint8_t sub,
                              uint16_t errcod, const uint8_t *data, size_t dlen)
{
  uint8_t b[1024];
  int resp = !from_client;
  uint8_t param[12] = { 0x00, 0x01, 0x12, (uint8_t)(resp ? 8 : 4), (uint8_t)(resp ? 0x12 : 0x11),
                        (uint8_t)((resp ? 0x80 : 0x40) | group), sub, 0, 0, 0, 0, 0 };
  size_t plen = resp ? 12 : 8;
  if (resp)
    put16(param + 10, errcod);
  size_t h = s7_job_header(b, 7, ref, (uint16_t)plen, (uint16_t)dlen, 0, 0);
  memcpy(b + h, param, plen);
  memcpy(b + h + plen, data, dlen);
  return send_pdu(c, from_client, b, h + plen + dlen);
}

uint32_t send_szl_req(TcpConn *c, uint16_t ref, uint16_t szl_id)
{
  uint8_t d[8] = { 0xff, 0x09, 0x00, 0x04, 0, 0, 0, 0 };
  put16(d + 4, szl_id);
  return send_userdata(c, 1, ref, 4, 1, 0, d, sizeof d);
}

uint32_t send_szl_resp(TcpConn *c, uint16_t ref, uint16_t szl_id, uint16_t errcod)
{
  if (errcod) {
    uint8_t d[4] = { 0x0a, 0x00, 0x00, 0x00 };
    return send_userdata(c, 0, ref, 4, 1, errcod, d, sizeof d);
  }
  uint8_t d[14] = { 0xff, 0x09, 0x00, 0x0a, 0, 0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00 };
  put16(d + 4, szl_id);
  return send_userdata(c, 0, ref, 4, 1, 0, d, sizeof d);
}

/* An SZL answer with records of rec_len bytes each */
static uint32_t send_szl_records(TcpConn *c, uint16_t ref, uint16_t szl_id, const uint8_t *recs,
                                 uint16_t rec_len, uint16_t n)
{
  uint8_t d[900];
  size_t len = 8 + (size_t)rec_len * n;
  d[0] = 0xff; d[1] = 0x09;
  put16(d + 2, (uint16_t)len);
  put16(d + 4, szl_id);
  put16(d + 6, 0);
  put16(d + 8, rec_len);
  put16(d + 10, n);
  memcpy(d + 12, recs, (size_t)rec_len * n);
  return send_userdata(c, 0, ref, 4, 1, 0, d, 4 + len);
}

uint32_t send_szl11_resp(TcpConn *c, uint16_t ref, const char *order, uint8_t major, uint8_t minor,
                         uint8_t patch)
{
  /* records of 28 bytes: index, order number (20 chars), module type, version words */
  uint8_t r[3 * 28];
  memset(r, 0, sizeof r);
  static const uint16_t ix[3] = { 0x0001, 0x0006, 0x0007 };
  for (int i = 0; i < 3; i++) {
    uint8_t *q = r + 28 * i;
    put16(q, ix[i]);
    memset(q + 2, ' ', 20);
    if (i < 2)
      memcpy(q + 2, order, strlen(order) < 20 ? strlen(order) : 20);
    if (i == 2) {
      q[24] = 'V'; q[25] = major; q[26] = minor; q[27] = patch;
    } else {
      put16(q + 24, 0x0001); put16(q + 26, 0x0001);
    }
  }
  return send_szl_records(c, ref, 0x0011, r, 28, 3);
}

uint32_t send_szl1c_resp(TcpConn *c, uint16_t ref, const char *station, const char *module,
                         const char *plant, const char *serial, const char *cpu_type)
{
  /* records of 34 bytes: index, 32 characters */
  const char *texts[5] = { station, module, plant, serial, cpu_type };
  static const uint16_t ix[5] = { 0x0001, 0x0002, 0x0003, 0x0005, 0x0007 };
  uint8_t r[5 * 34];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 5; i++) {
    put16(r + 34 * i, ix[i]);
    size_t l = strlen(texts[i]);
    memcpy(r + 34 * i + 2, texts[i], l < 32 ? l : 32);
  }
  return send_szl_records(c, ref, 0x001c, r, 34, 5);
}

uint32_t send_password(TcpConn *c, uint16_t ref)
{
  uint8_t d[12] = { 0xff, 0x09, 0x00, 0x08, 0x55, 0x47, 0x21, 0x23, 0x55, 0x47, 0x21, 0x23 };
  return send_userdata(c, 1, ref, 5, 1, 0, d, sizeof d);
}

uint32_t send_password_resp(TcpConn *c, uint16_t ref, uint16_t errcod)
{
  uint8_t d[4] = { 0x0a, 0x00, 0x00, 0x00 };
  return send_userdata(c, 0, ref, 5, 1, errcod, d, sizeof d);
}

uint32_t send_plc_stop(TcpConn *c, uint16_t ref)
{
  uint8_t b[64];
  static const uint8_t p[] = { 0x29, 0, 0, 0, 0, 0, 9, 'P', '_', 'P', 'R', 'O', 'G', 'R', 'A', 'M' };
  size_t h = s7_job_header(b, 1, ref, sizeof p, 0, 0, 0);
  memcpy(b + h, p, sizeof p);
  return send_pdu(c, 1, b, h + sizeof p);
}

uint32_t send_pi_service(TcpConn *c, uint16_t ref, const char *service)
{
  /* parameter block: one block, OB1 ("08" = OB, "00001", "P" = passive file system) */
  uint8_t b[64], p[48] = { 0x28, 0, 0, 0, 0, 0, 0, 0xfd, 0x00, 0x0a,
                           0x01, 0x00, '0', '8', '0', '0', '0', '0', '1', 'P' };
  size_t sl = strlen(service), plen = 20;
  p[plen++] = (uint8_t)sl;
  memcpy(p + plen, service, sl);
  plen += sl;
  size_t h = s7_job_header(b, 1, ref, (uint16_t)plen, 0, 0, 0);
  memcpy(b + h, p, plen);
  return send_pdu(c, 1, b, h + plen);
}

uint32_t send_start_upload(TcpConn *c, uint16_t ref)
{
  uint8_t b[64];
  static const uint8_t p[] = { 0x1d, 0, 0, 0, 0, 0, 0, 0, 9, '_', '0', 'B', '0', '0', '0', '0', '1', 'P' };
  size_t h = s7_job_header(b, 1, ref, sizeof p, 0, 0, 0);
  memcpy(b + h, p, sizeof p);
  return send_pdu(c, 1, b, h + sizeof p);
}

/* a 64-bit value as S7comm-plus writes it: 7 bits per byte, most significant first */
static size_t put_vlq(uint8_t *p, uint64_t v)
{
  uint8_t g[10];
  size_t n = 0;
  do {
    g[n++] = (uint8_t)(v & 0x7f);
    v >>= 7;
  } while (v && n < 8);
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(g[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
  return n;
}

uint32_t send_s7plus_rv(TcpConn *c, int from_client, uint8_t version, uint8_t opcode, uint16_t function,
                        uint16_t seq, uint32_t session, uint64_t rv, const uint8_t *extra, size_t extra_len)
{
  uint8_t body[256], b[300];
  size_t n = 0;
  if (version == 3) {
    body[n++] = 0x20;
    for (int i = 0; i < 32; i++)
      body[n++] = (uint8_t)(0xa0 + i);
  }
  body[n++] = opcode;
  body[n++] = 0; body[n++] = 0;
  put16(body + n, function); n += 2;
  body[n++] = 0; body[n++] = 0;
  put16(body + n, seq); n += 2;
  if (opcode == 0x31) {
    body[n++] = (uint8_t)(session >> 24); body[n++] = (uint8_t)(session >> 16);
    body[n++] = (uint8_t)(session >> 8); body[n++] = (uint8_t)session;
    body[n++] = 0x34;  /* transport flags */
    body[n++] = 0; body[n++] = 0; body[n++] = 0; body[n++] = 0;
  } else {
    body[n++] = 0x34;
    n += put_vlq(body + n, rv);
    body[n++] = 0; body[n++] = 0; body[n++] = 0; body[n++] = 0;
  }
  if (extra_len > sizeof body - n)
    extra_len = sizeof body - n;
  if (extra_len)     /* extra may be NULL when there is none */
    memcpy(body + n, extra, extra_len);
  n += extra_len;
  b[0] = 0x72;
  b[1] = version;
  put16(b + 2, (uint16_t)n);
  memcpy(b + 4, body, n);
  b[4 + n] = 0x72; b[5 + n] = version; b[6 + n] = 0; b[7 + n] = 0;
  return send_pdu(c, from_client, b, n + 8);
}

uint32_t send_s7plus(TcpConn *c, int from_client, uint8_t version, uint8_t opcode, uint16_t function,
                     uint16_t seq, uint32_t session, int16_t error)
{
  return send_s7plus_rv(c, from_client, version, opcode, function, seq, session, (uint16_t)error, NULL, 0);
}

uint32_t send_cotp_data(TcpConn *c, int from_client, const uint8_t *data, size_t len)
{
  return send_pdu(c, from_client, data, len);
}
