/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packet_s7plus.c — S7comm-plus (protocol id 0x72) heuristic dissector on COTP.
 *
 * Wireshark 4.0 leaves S7comm-plus undissected. This dissector shows its header (version
 * incl. the 0xFE keep-alive and the V2/V3 integrity part), length, opcode, function,
 * sequence number, session id, return value with its error decoding, and the trailer.
 * The parsing is core/decode/s7plus_header.c, the same parser the analyzer uses; the postdissector
 * reads this protocol's bytes like tshark's data.data.
 *
 * Names differ from the external s7comm-plus plugin (protocol "s7comm-plus", heuristic
 * "s7comm_plus_cotp"), since duplicate registrations abort Wireshark. */
#include <epan/packet.h>
#include <epan/proto_data.h>

#include "s7_codes.h"
#include "s7_event.h"
#include "s7diag_plugin.h"
#include "s7plus_header.h"

int proto_s7diag_s7p = -1;

static int hf_protocol_id = -1, hf_version = -1, hf_data_length = -1;
static int hf_digest_length = -1, hf_digest = -1;
static int hf_opcode = -1, hf_function = -1, hf_seqnum = -1, hf_session = -1;
static int hf_return_value = -1, hf_error_code = -1, hf_error_text = -1, hf_generic_error = -1;
static int hf_trailer = -1;
static gint ett_s7p = -1, ett_integrity = -1, ett_trailer = -1;

static const value_string version_vals[] = {
  { 0x01, "V1" }, { 0x02, "V2" }, { 0x03, "V3" }, { 0xFE, "keep-alive" }, { 0, NULL }
};
static const value_string opcode_vals[] = {
  { S7PLUS_OP_REQUEST, "Request" }, { S7PLUS_OP_RESPONSE, "Response" },
  { S7PLUS_OP_NOTIFICATION, "Notification" }, { S7PLUS_OP_RESPONSE2, "Response2" }, { 0, NULL }
};

#define S7P_HEADER_LEN 4
#define S7P_TRAILER_LEN 4
#define S7P_PARSE_MAX 256   /* the header fields lie within the first bytes */

static gboolean looks_like_s7plus(tvbuff_t *tvb)
{
  if (tvb_captured_length(tvb) < S7P_HEADER_LEN || tvb_get_uint8(tvb, 0) != 0x72)
    return FALSE;
  guint8 v = tvb_get_uint8(tvb, 1);
  return v == 1 || v == 2 || v == 3 || v == S7PLUS_VERSION_KEEPALIVE;
}

static void add_info(packet_info *pinfo, const S7PlusPdu *p)
{
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "S7COMM-PLUS");
  col_clear(pinfo->cinfo, COL_INFO);
  if (p->version == S7PLUS_VERSION_KEEPALIVE) {
    col_add_str(pinfo->cinfo, COL_INFO, "Keep-alive");
    return;
  }
  const char *op = s7plus_opcode_name(p->opcode);
  const char *fn = s7plus_function_name(p->function);
  if (!op) {
    col_add_fstr(pinfo->cinfo, COL_INFO, "V%u fragment", p->version);
    return;
  }
  col_add_fstr(pinfo->cinfo, COL_INFO, "V%u %s %s Seq=%u", p->version, op, fn ? fn : "?", p->seq);
  if (p->has_return && p->error_code < 0) {
    const char *t = s7_s7plus_error_text(p->error_code);
    const S7PlusGeneric *g = p->generic_error ? s7_s7plus_generic(p->generic_error) : NULL;
    col_append_fstr(pinfo->cinfo, COL_INFO, " Error %d (%s)%s%s", p->error_code, t ? t : "unknown",
                    g ? " " : "", g ? g->name : "");
  }
}

static int dissect_s7plus(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  (void)data;
  guint len = tvb_captured_length(tvb);
  guint parse_len = MIN(len, S7P_PARSE_MAX);
  const guint8 *bytes = tvb_get_ptr(tvb, 0, parse_len);
  S7PlusPdu p;
  S7PlusLayout lay;
  if (!s7plus_parse_layout(bytes, parse_len, &p, &lay))
    return 0;
  add_info(pinfo, &p);
  /* the frame's PDUs, parsed once: the diagnosis takes them from here (epan_wire.c) */
  guint32 k = 0;
  while (p_get_proto_data(pinfo->pool, pinfo, proto_s7diag_s7p, k))
    k++;
  p_add_proto_data(pinfo->pool, pinfo, proto_s7diag_s7p, k, wmem_memdup(pinfo->pool, &p, sizeof p));

  proto_item *ti = proto_tree_add_item(tree, proto_s7diag_s7p, tvb, 0, -1, ENC_NA);
  proto_tree *t = proto_item_add_subtree(ti, ett_s7p);
  proto_tree_add_item(t, hf_protocol_id, tvb, 0, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(t, hf_version, tvb, 1, 1, ENC_BIG_ENDIAN);
  guint32 data_len;
  proto_tree_add_item_ret_uint(t, hf_data_length, tvb, 2, 2, ENC_BIG_ENDIAN, &data_len);
  if (p.version == S7PLUS_VERSION_KEEPALIVE)
    return len;
  proto_item_append_text(ti, ", V%u", p.version);
  if (lay.integrity) {
    proto_item *ii = proto_tree_add_item(t, hf_digest_length, tvb, (gint)lay.integrity, 1, ENC_NA);
    proto_tree *it = proto_item_add_subtree(ii, ett_integrity);
    proto_tree_add_item(it, hf_digest, tvb, (gint)lay.integrity + 1, 32, ENC_NA);
  }
  if (lay.opcode) {
    gint o = (gint)lay.opcode;
    proto_tree_add_item(t, hf_opcode, tvb, o, 1, ENC_BIG_ENDIAN);
    const char *fn = s7plus_function_name(p.function);
    proto_tree_add_uint_format_value(t, hf_function, tvb, o + 3, 2, p.function, "%s (0x%04x)",
                                     fn ? fn : "unknown", p.function);
    proto_tree_add_item(t, hf_seqnum, tvb, o + 7, 2, ENC_BIG_ENDIAN);
    proto_item_append_text(ti, ", %s %s, Seq %u", s7plus_opcode_name(p.opcode), fn ? fn : "",
                           p.seq);
  }
  if (lay.session)
    proto_tree_add_item(t, hf_session, tvb, (gint)lay.session, 4, ENC_BIG_ENDIAN);
  if (lay.ret) {
    proto_tree_add_uint64(t, hf_return_value, tvb, (gint)lay.ret, lay.ret_len, p.return_value);
    proto_item *ei = proto_tree_add_int(t, hf_error_code, tvb, (gint)lay.ret, lay.ret_len,
                                        p.error_code);
    proto_item_set_generated(ei);
    const char *text = s7_s7plus_error_text(p.error_code);
    if (text) {
      proto_item_append_text(ei, " (%s)", text);
      proto_item_set_generated(proto_tree_add_string(t, hf_error_text, tvb, (gint)lay.ret,
                                                     lay.ret_len, text));
    }
    if (p.generic_error) {
      const S7PlusGeneric *g = s7_s7plus_generic(p.generic_error);
      proto_item *gi = proto_tree_add_uint(t, hf_generic_error, tvb, (gint)lay.ret, lay.ret_len,
                                           p.generic_error);
      proto_item_set_generated(gi);
      if (g)
        proto_item_append_text(gi, " (%s%s%s)", g->name, g->meaning ? ": " : "", g->meaning ? g->meaning : "");
    }
  }
  /* The trailer repeats protocol id and version after the data part. */
  guint trailer = S7P_HEADER_LEN + data_len;
  if (data_len && trailer + S7P_TRAILER_LEN <= len && tvb_get_uint8(tvb, trailer) == 0x72) {
    proto_item *tr = proto_tree_add_item(t, hf_trailer, tvb, trailer, S7P_TRAILER_LEN, ENC_NA);
    proto_tree *trt = proto_item_add_subtree(tr, ett_trailer);
    proto_tree_add_item(trt, hf_protocol_id, tvb, trailer, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(trt, hf_version, tvb, trailer + 1, 1, ENC_BIG_ENDIAN);
  }
  return len;
}

static s7d_heur_result dissect_s7plus_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  if (!looks_like_s7plus(tvb))
    return FALSE;
  return dissect_s7plus(tvb, pinfo, tree, data) > 0;
}

void s7diag_s7plus_register(void)
{
  static hf_register_info hf[] = {
    { &hf_protocol_id, { "Protocol Id", "s7diag_s7p.protocol_id", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL } },
    { &hf_version, { "Version", "s7diag_s7p.version", FT_UINT8, BASE_HEX, VALS(version_vals), 0, NULL, HFILL } },
    { &hf_data_length, { "Data length", "s7diag_s7p.data_length", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_digest_length, { "Integrity part, digest length", "s7diag_s7p.integrity.digest_length",
      FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_digest, { "Digest", "s7diag_s7p.integrity.digest", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_opcode, { "Opcode", "s7diag_s7p.opcode", FT_UINT8, BASE_HEX, VALS(opcode_vals), 0, NULL, HFILL } },
    { &hf_function, { "Function", "s7diag_s7p.function", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL } },
    { &hf_seqnum, { "Sequence number", "s7diag_s7p.seqnum", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_session, { "Session id", "s7diag_s7p.session_id", FT_UINT32, BASE_HEX, NULL, 0, NULL, HFILL } },
    { &hf_return_value, { "Return value", "s7diag_s7p.return_value", FT_UINT64, BASE_HEX, NULL, 0, NULL, HFILL } },
    { &hf_error_code, { "Error code", "s7diag_s7p.error_code", FT_INT16, BASE_DEC, NULL, 0,
      "Low 16 bits of the return value, signed; negative is an error", HFILL } },
    { &hf_error_text, { "Error", "s7diag_s7p.error", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_generic_error, { "Generic error code", "s7diag_s7p.generic_error", FT_UINT8, BASE_DEC, NULL, 0,
      "Bits 40-46 of the return value (AccessDenied, TooManySessions, …)", HFILL } },
    { &hf_trailer, { "Trailer", "s7diag_s7p.trailer", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
  };
  static gint *ett[] = { &ett_s7p, &ett_integrity, &ett_trailer };
  proto_s7diag_s7p = proto_register_protocol("S7comm-plus (S7 Diagnostics)", "S7DIAG-S7P",
                                             "s7diag_s7p");
  proto_register_field_array(proto_s7diag_s7p, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
}

void s7diag_s7plus_handoff(void)
{
  heur_dissector_add("cotp", dissect_s7plus_heur, "S7comm-plus over COTP (S7 Diagnostics)",
                     "s7diag_s7p_cotp", proto_s7diag_s7p, HEURISTIC_ENABLE);
  heur_dissector_add("cotp_is", dissect_s7plus_heur, "S7comm-plus over COTP-IS (S7 Diagnostics)",
                     "s7diag_s7p_cotp_is", proto_s7diag_s7p, HEURISTIC_ENABLE);
}
