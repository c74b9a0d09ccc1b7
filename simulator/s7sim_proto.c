/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7sim_proto.c — the simulated CPU's protocol (see s7sim_proto.h): COTP connect with a TSAP
 * check and a connection limit, Setup Communication, Read/Write Var on DB/M/I/Q/T/C with the
 * configured faults, SZL reads, and 0x8104 for what it does not implement. */
#include "s7sim_proto.h"

#include <string.h>

enum { COTP_CR = 0xE0, COTP_CC = 0xD0, COTP_DR = 0x80, COTP_DT = 0xF0 };
enum { ROSCTR_JOB = 1, ROSCTR_ACK = 2, ROSCTR_ACK_DATA = 3, ROSCTR_USERDATA = 7 };
enum { AREA_I = 0x81, AREA_Q = 0x82, AREA_M = 0x83, AREA_DB = 0x84, AREA_C = 0x1C, AREA_T = 0x1D };
enum { RC_OK = 0xFF, RC_ACCESS = 0x03, RC_ADDRESS = 0x05, RC_TYPE = 0x06, RC_MISSING = 0x0A };

static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }
static void put16(GByteArray *b, guint16 v) { guint8 x[2] = { v >> 8, v & 0xff }; g_byte_array_append(b, x, 2); }
static void put8(GByteArray *b, guint8 v) { g_byte_array_append(b, &v, 1); }

gssize s7sim_tpkt_length(const guint8 *buf, gsize len)
{
  if (len < 4)
    return 0;
  if (buf[0] != 3)
    return -1;
  guint16 l = be16(buf + 2);
  if (l < 7 || l > S7SIM_TPKT_MAX)
    return -1;
  return l;
}

/* TPKT + COTP DT header around an S7 PDU that the caller then appends; returns its offset */
static guint begin_dt(GByteArray *out)
{
  guint start = out->len;
  static const guint8 hdr[7] = { 3, 0, 0, 0, 2, COTP_DT, 0x80 };
  g_byte_array_append(out, hdr, sizeof hdr);
  return start;
}

static void end_tpkt(GByteArray *out, guint start)
{
  guint16 l = (guint16)(out->len - start);
  out->data[start + 2] = l >> 8;
  out->data[start + 3] = l & 0xff;
}

/* S7 header of an Ack / Ack_Data (12 bytes); param and data lengths patched by finish_s7 */
static guint begin_ack(GByteArray *out, guint8 rosctr, guint16 pduref, guint16 error)
{
  guint s7 = out->len;
  static const guint8 h[2] = { 0x32, 0 };
  g_byte_array_append(out, h, 2);
  out->data[s7 + 1] = rosctr;
  put16(out, 0);
  put16(out, pduref);
  put16(out, 0);   /* param length */
  put16(out, 0);   /* data length */
  put8(out, error >> 8);
  put8(out, error & 0xff);
  return s7;
}

static void finish_s7(GByteArray *out, guint s7, guint hdr_len, guint param_len)
{
  guint data_len = out->len - s7 - hdr_len - param_len;
  out->data[s7 + 6] = param_len >> 8;
  out->data[s7 + 7] = param_len & 0xff;
  out->data[s7 + 8] = data_len >> 8;
  out->data[s7 + 9] = data_len & 0xff;
}

/* ------------------------------------------------------------------ COTP connect */

static S7SimAction on_cr(S7SimSession *s, const guint8 *cotp, guint li, GByteArray *out, GString *log)
{
  /* LI, CR, dst-ref(2), src-ref(2), class, then parameters */
  if (li < 6)
    return S7SIM_CLOSE;
  guint16 their_ref = be16(cotp + 4);
  const guint8 *calling = NULL, *called = NULL;
  guint calling_len = 0, called_len = 0;
  for (guint p = 7; p + 2 <= li + 1;) {
    guint8 code = cotp[p], plen = cotp[p + 1];
    if (p + 2 + plen > li + 1u)
      break;
    if (code == 0xC1) { calling = cotp + p + 2; calling_len = plen; }
    if (code == 0xC2) { called = cotp + p + 2; called_len = plen; }
    p += 2u + plen;
  }
  if (!called || called_len != 2 || (called[1] >> 5) != s->cfg->rack || (called[1] & 0x1f) != s->cfg->slot) {
    g_string_append_printf(log, "COTP CR for TSAP %02x%02x: no such rack/slot (want rack %u slot %u) -> TCP RST",
                           called && called_len > 0 ? called[0] : 0, called && called_len > 1 ? called[1] : 0,
                           s->cfg->rack, s->cfg->slot);
    return S7SIM_RESET;
  }
  if (s->cfg->max_connections && *s->live_iso >= s->cfg->max_connections) {
    g_string_append_printf(log, "COTP CR: %u of %u connections in use -> TCP RST", *s->live_iso,
                           s->cfg->max_connections);
    return S7SIM_RESET;
  }
  if (!s->iso_connected) {
    s->iso_connected = TRUE;
    (*s->live_iso)++;
  }
  guint start = out->len;
  static const guint8 hdr[4] = { 3, 0, 0, 0 };
  g_byte_array_append(out, hdr, 4);
  guint li_pos = out->len;
  put8(out, 0);
  put8(out, COTP_CC);
  put16(out, their_ref);
  put16(out, s->local_ref);
  put8(out, 0);
  static const guint8 tpdu_size[3] = { 0xC0, 1, 0x0A };
  g_byte_array_append(out, tpdu_size, 3);
  if (calling) {
    put8(out, 0xC1);
    put8(out, (guint8)calling_len);
    g_byte_array_append(out, calling, calling_len);
  }
  put8(out, 0xC2);
  put8(out, (guint8)called_len);
  g_byte_array_append(out, called, called_len);
  out->data[li_pos] = (guint8)(out->len - li_pos - 1);
  end_tpkt(out, start);
  g_string_append_printf(log, "COTP CR for rack %u slot %u -> CC (%u connection%s)", s->cfg->rack,
                         s->cfg->slot, *s->live_iso, *s->live_iso == 1 ? "" : "s");
  return S7SIM_REPLY;
}

/* ------------------------------------------------------------------ data areas */

typedef struct {
  guint8 *data;     /* NULL: reads give zeros */
  guint32 size;
  guint8 rc;        /* RC_OK, or the code every access gets */
  gboolean writable;
  const char *name;
} Area;

static guint element_size(guint8 tsize)
{
  switch (tsize) {
  case 1: case 2: case 3: return 1;          /* BIT (one byte carries it), BYTE, CHAR */
  case 4: case 5: case 0x1C: case 0x1D: return 2;   /* WORD, INT, COUNTER, TIMER */
  case 6: case 7: case 8: return 4;          /* DWORD, DINT, REAL */
  default: return 0;
  }
}

static Area area_for(S7SimConfig *cfg, guint8 area, guint16 db_number)
{
  static guint8 m[65536], i[65536], q[65536], t[65536], c[65536];  /* shared process image */
  Area a = { NULL, 0, RC_OK, TRUE, "?" };
  switch (area) {
  case AREA_DB: {
    S7SimDb *db = s7sim_config_db(cfg, db_number);
    a.name = "DB";
    if (!db || (db->flags & DB_MISSING)) {
      a.rc = RC_MISSING;
    } else if (db->flags & DB_OPTIMIZED) {
      a.rc = RC_ADDRESS;    /* no absolute addresses in an optimized DB */
    } else {
      a.data = db->data;
      a.size = db->size;
      a.writable = !(db->flags & DB_READ_ONLY);
    }
    return a;
  }
  case AREA_M: a.data = m; a.size = cfg->m_size; a.name = "M"; return a;
  case AREA_I: a.data = i; a.size = cfg->i_size; a.name = "I"; return a;
  case AREA_Q: a.data = q; a.size = cfg->q_size; a.name = "Q"; return a;
  case AREA_T: a.data = t; a.size = cfg->t_count * 2; a.name = "T"; return a;
  case AREA_C: a.data = c; a.size = cfg->c_count * 2; a.name = "C"; return a;
  default: a.rc = RC_ADDRESS; return a;
  }
}

typedef struct {
  guint8 tsize, area;
  guint16 count, db;
  guint32 address;      /* bit address, or the number for T/C */
} Item;

static gboolean parse_item(const guint8 *p, Item *it)
{
  if (p[0] != 0x12 || p[1] != 0x0A || p[2] != 0x10)
    return FALSE;
  it->tsize = p[3];
  it->count = be16(p + 4);
  it->db = be16(p + 6);
  it->area = p[8];
  it->address = (guint32)p[9] << 16 | (guint32)p[10] << 8 | p[11];
  return TRUE;
}

/* The byte range an item covers, and the return code for accessing it */
static guint8 resolve(S7SimConfig *cfg, const Item *it, gboolean write, Area *a, guint32 *first, guint32 *len)
{
  *a = area_for(cfg, it->area, it->db);
  if (a->rc != RC_OK)
    return a->rc;
  guint es = element_size(it->tsize);
  if (!es)
    return RC_TYPE;
  gboolean counted = it->area == AREA_T || it->area == AREA_C;
  *first = counted ? it->address * 2 : it->address >> 3;
  *len = it->tsize == 1 ? 1 : (guint32)it->count * es;
  if (*len == 0 || *first + *len > a->size)
    return RC_ADDRESS;
  if (write && !a->writable)
    return RC_ACCESS;
  return RC_OK;
}

static void item_text(GString *log, const Item *it)
{
  if (it->area == AREA_DB)
    g_string_append_printf(log, " DB%u.%u", it->db, it->address >> 3);
  else
    g_string_append_printf(log, " area 0x%02x.%u", it->area, it->address >> 3);
  g_string_append_printf(log, "x%u", it->count);
}

/* ------------------------------------------------------------------ S7 jobs */

static void ack_error(GByteArray *out, guint16 pduref, guint16 code)
{
  guint start = begin_dt(out);
  guint s7 = begin_ack(out, ROSCTR_ACK, pduref, code);
  finish_s7(out, s7, 12, 0);
  end_tpkt(out, start);
}

/* The Ack_Data of a Read/Write Var job up to its item count */
static void begin_var_answer(GByteArray *out, guint16 pduref, guint8 func, guint count, guint *start, guint *s7)
{
  *start = begin_dt(out);
  *s7 = begin_ack(out, ROSCTR_ACK_DATA, pduref, 0);
  put8(out, func);
  put8(out, (guint8)count);
}

static void on_setup(S7SimSession *s, const guint8 *par, guint plen, guint16 pduref, GByteArray *out, GString *log)
{
  if (plen < 8) {
    ack_error(out, pduref, 0x8104);
    return;
  }
  guint16 amq1 = MIN(be16(par + 2), s->cfg->max_amq), amq2 = MIN(be16(par + 4), s->cfg->max_amq);
  s->pdu_size = MIN(be16(par + 6), s->cfg->pdu_size);
  if (s->pdu_size < 64)
    s->pdu_size = 64;
  guint start = begin_dt(out);
  guint s7 = begin_ack(out, ROSCTR_ACK_DATA, pduref, 0);
  put8(out, 0xF0);
  put8(out, 0);
  put16(out, MAX(amq1, 1));
  put16(out, MAX(amq2, 1));
  put16(out, s->pdu_size);
  finish_s7(out, s7, 12, 8);
  end_tpkt(out, start);
  g_string_append_printf(log, "Setup Communication -> PDU %u, Max AmQ %u/%u", s->pdu_size, MAX(amq1, 1), MAX(amq2, 1));
}

static void on_read(S7SimSession *s, const guint8 *par, guint plen, guint16 pduref, GByteArray *out, GString *log)
{
  guint count = plen >= 2 ? par[1] : 0;
  if (count == 0 || plen < 2 + count * 12u) {
    ack_error(out, pduref, 0x8500 + 0x04);   /* bad parameter */
    g_string_append(log, "Read Var with a broken item list -> 0x8504");
    return;
  }
  /* size check first: the answer must fit the negotiated PDU */
  guint need = 12 + 2;
  for (guint i = 0; i < count; i++) {
    Item it;
    if (!parse_item(par + 2 + i * 12, &it)) {
      ack_error(out, pduref, 0x8504);
      g_string_append(log, "Read Var with a non-S7ANY item -> 0x8504");
      return;
    }
    guint es = MAX(element_size(it.tsize), 1);
    need += 4 + (it.tsize == 1 ? 1 : it.count * es) + 1;
  }
  if (need > s->pdu_size) {
    ack_error(out, pduref, 0x8500);
    g_string_append_printf(log, "Read Var of %u items needs %u bytes, PDU is %u -> 0x8500", count, need, s->pdu_size);
    return;
  }
  guint start, s7;
  begin_var_answer(out, pduref, 0x04, count, &start, &s7);
  g_string_append(log, "Read Var");
  for (guint i = 0; i < count; i++) {
    Item it;
    parse_item(par + 2 + i * 12, &it);
    Area a;
    guint32 first = 0, len = 0;
    guint8 rc = resolve(s->cfg, &it, FALSE, &a, &first, &len);
    item_text(log, &it);
    g_string_append_printf(log, "=0x%02X", rc);
    put8(out, rc);
    if (rc != RC_OK) {
      put8(out, 0);
      put16(out, 0);
    } else {
      gboolean bits = it.tsize == 1, octets = it.tsize == 0x1C || it.tsize == 0x1D;
      put8(out, bits ? 0x03 : octets ? 0x09 : 0x04);
      put16(out, (guint16)(bits ? 1 : octets ? len : len * 8));
      if (bits)
        put8(out, (a.data[first] >> (it.address & 7)) & 1);
      else
        g_byte_array_append(out, a.data + first, len);
      if (((bits ? 1 : len) & 1) && i + 1 < count)
        put8(out, 0);
    }
  }
  finish_s7(out, s7, 12, 2);
  end_tpkt(out, start);
}

static void on_write(S7SimSession *s, const guint8 *par, guint plen, const guint8 *data, guint dlen,
                     guint16 pduref, GByteArray *out, GString *log)
{
  guint count = plen >= 2 ? par[1] : 0;
  if (count == 0 || plen < 2 + count * 12u) {
    ack_error(out, pduref, 0x8504);
    g_string_append(log, "Write Var with a broken item list -> 0x8504");
    return;
  }
  guint start, s7;
  begin_var_answer(out, pduref, 0x05, count, &start, &s7);
  g_string_append(log, "Write Var");
  guint off = 0;
  for (guint i = 0; i < count; i++) {
    Item it;
    guint8 rc = RC_ADDRESS;
    const guint8 *val = NULL;
    guint vlen = 0;
    if (parse_item(par + 2 + i * 12, &it) && off + 4 <= dlen) {
      guint8 dts = data[off + 1];
      guint bits = be16(data + off + 2);
      vlen = dts == 0x03 ? 1 : dts == 0x09 ? bits : (bits + 7) / 8;
      if (off + 4 + vlen <= dlen) {
        val = data + off + 4;
        Area a;
        guint32 first = 0, len = 0;
        rc = resolve(s->cfg, &it, TRUE, &a, &first, &len);
        if (rc == RC_OK) {
          if (it.tsize == 1)
            a.data[first] = (guint8)((a.data[first] & ~(1u << (it.address & 7))) | ((val[0] & 1u) << (it.address & 7)));
          else
            memcpy(a.data + first, val, MIN(len, vlen));
        }
      }
      off += 4 + vlen + ((vlen & 1) ? 1 : 0);
      item_text(log, &it);
    }
    g_string_append_printf(log, "=0x%02X", rc);
    put8(out, rc);
  }
  finish_s7(out, s7, 12, 2);
  end_tpkt(out, start);
}

/* Userdata: SZL reads answered (also with PUT/GET off, as S7-1200/1500 do); the rest 0x8104 */
static void on_userdata(const guint8 *par, guint plen, const guint8 *data, guint dlen, guint16 pduref,
                        GByteArray *out, GString *log)
{
  if (plen < 8 || par[0] != 0x00 || par[1] != 0x01 || par[2] != 0x12) {
    g_string_append(log, "Userdata with a broken parameter -> closed");
    return;
  }
  guint8 group = par[5] & 0x0f, sub = par[6], seq = par[7];
  gboolean szl = group == 4 && sub == 1 && dlen >= 8;
  guint start = begin_dt(out);
  guint s7 = out->len;
  static const guint8 h[2] = { 0x32, ROSCTR_USERDATA };
  g_byte_array_append(out, h, 2);
  put16(out, 0);
  put16(out, pduref);
  put16(out, 0);
  put16(out, 0);
  static const guint8 p[4] = { 0x00, 0x01, 0x12, 0x08 };
  g_byte_array_append(out, p, 4);
  put8(out, 0x12);
  put8(out, (guint8)(0x80 | group));
  put8(out, sub);
  put8(out, seq);
  put8(out, 0);
  put8(out, 0);
  put16(out, szl ? 0 : 0x8104);
  if (szl) {
    guint16 id = be16(data + 4), index = be16(data + 6);
    put8(out, 0xFF);
    put8(out, 0x09);
    put16(out, 8);
    put16(out, id);
    put16(out, index);
    put16(out, 0x001C);   /* record length */
    put16(out, 0);        /* no records */
    g_string_append_printf(log, "Read SZL 0x%04x index 0x%04x -> empty list", id, index);
  } else {
    put8(out, 0x0A);
    put8(out, 0x00);
    put16(out, 0);
    g_string_append_printf(log, "Userdata group %u subfunction %u -> 0x8104", group, sub);
  }
  finish_s7(out, s7, 10, 12);
  end_tpkt(out, start);
}

static S7SimAction on_s7(S7SimSession *s, const guint8 *pdu, guint len, GByteArray *out, GString *log)
{
  if (len < 10 || pdu[0] != 0x32) {
    g_string_append(log, "not an S7 PDU -> closed");
    return S7SIM_CLOSE;
  }
  guint8 rosctr = pdu[1];
  guint16 pduref = be16(pdu + 4), plen = be16(pdu + 6), dlen = be16(pdu + 8);
  guint hdr = 10;
  if (hdr + plen + dlen > len || plen < 1) {
    g_string_append(log, "S7 lengths beyond the TPKT -> closed");
    return S7SIM_CLOSE;
  }
  const guint8 *par = pdu + hdr, *data = pdu + hdr + plen;
  guint before = out->len;
  g_string_append_printf(log, "ref %u: ", pduref);
  if (rosctr == ROSCTR_USERDATA && !s->cfg->userdata) {
    g_string_append(log, "userdata request -> not answered (userdata off)");
    return S7SIM_SILENT;
  } else if (rosctr == ROSCTR_USERDATA) {
    on_userdata(par, plen, data, dlen, pduref, out, log);
    if (out->len == before)
      return S7SIM_CLOSE;
  } else if (rosctr != ROSCTR_JOB) {
    g_string_append_printf(log, "ROSCTR %u from a client -> ignored", rosctr);
    return S7SIM_SILENT;
  } else if (par[0] == 0xF0) {
    on_setup(s, par, plen, pduref, out, log);
  } else if (len > s->pdu_size) {
    ack_error(out, pduref, 0x8500);
    g_string_append_printf(log, "job of %u bytes, PDU is %u -> 0x8500", len, s->pdu_size);
  } else if ((par[0] == 0x04 || par[0] == 0x05) && !s->cfg->putget) {
    ack_error(out, pduref, 0x8104);
    g_string_append_printf(log, "%s Var: PUT/GET is off -> 0x8104", par[0] == 0x04 ? "Read" : "Write");
  } else if (par[0] == 0x04) {
    on_read(s, par, plen, pduref, out, log);
  } else if (par[0] == 0x05) {
    on_write(s, par, plen, data, dlen, pduref, out, log);
  } else {
    ack_error(out, pduref, 0x8104);
    g_string_append_printf(log, "function 0x%02x not implemented -> 0x8104", par[0]);
  }
  (*s->answers)++;
  if (s->cfg->drop_every && *s->answers % s->cfg->drop_every == 0) {
    g_byte_array_set_size(out, before);
    g_string_append(log, " (answer dropped)");
    return S7SIM_SILENT;
  }
  return S7SIM_REPLY;
}

S7SimAction s7sim_handle(S7SimSession *s, const guint8 *tpkt, gsize len, GByteArray *out, GString *log)
{
  if (s->pdu_size == 0)
    s->pdu_size = 240;
  if (len < 7 || s7sim_tpkt_length(tpkt, len) != (gssize)len) {
    g_string_append(log, "not a TPKT -> closed");
    return S7SIM_CLOSE;
  }
  const guint8 *cotp = tpkt + 4;
  guint li = cotp[0];
  if (li + 1u > len - 4 || li < 1) {
    g_string_append(log, "COTP length beyond the TPKT -> closed");
    return S7SIM_CLOSE;
  }
  switch (cotp[1] & 0xF0) {
  case COTP_CR:
    return on_cr(s, cotp, li, out, log);
  case COTP_DR:
    g_string_append(log, "COTP DR -> closed");
    return S7SIM_CLOSE;
  case COTP_DT:
    if (!s->iso_connected) {
      g_string_append(log, "data before the ISO connect -> closed");
      return S7SIM_CLOSE;
    }
    return on_s7(s, cotp + li + 1, (guint)(len - 4 - li - 1), out, log);
  default:
    g_string_append_printf(log, "COTP TPDU 0x%02x -> closed", cotp[1]);
    return S7SIM_CLOSE;
  }
}

void s7sim_session_end(S7SimSession *s)
{
  if (s->iso_connected && *s->live_iso)
    (*s->live_iso)--;
  s->iso_connected = FALSE;
}
