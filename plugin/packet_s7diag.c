/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packet_s7diag.c — the "S7 Diagnostics" postdissector.
 *
 * Turns the bytes the built-in dissectors' protocol items cover (eth, ip, ipv6, tcp, icmp,
 * icmpv6, cotp, s7comm, data; and the plugin's own S7comm-plus dissector's parse) into events
 * (epan_wire.c), feeds the engine in core/ with them in the first pass, and shows what the
 * engine said about each frame: a subtree, expert infos, an Info-column tag and tap data for
 * the statistics tree. Registration follows Wireshark's transum plugin. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "engine.h"
#include "epan_wire.h"
#include "s7_address.h"
#include "s7_codes.h"
#include "s7_event_text.h"
#include "s7diag_plugin.h"
#include "s7plus_header.h"
#include "session.h"

int proto_s7diag = -1;
static int s7diag_tap = -1;

static int hf_limitation = -1;
static expert_field ei_limit[S7_LIMIT_COUNT];
static int hf_fault = -1, hf_severity = -1, hf_title = -1, hf_provisional = -1, hf_action = -1, hf_confidence = -1;
static int hf_code = -1, hf_detail = -1, hf_client_says = -1;
static int hf_plc = -1, hf_client = -1, hf_direction = -1;
static int hf_calling_tsap = -1, hf_called_tsap = -1, hf_rack = -1, hf_slot = -1, hf_conn_type = -1;
static int hf_pdu_size = -1, hf_amq_calling = -1, hf_amq_called = -1;
static int hf_order_number = -1, hf_firmware = -1, hf_cpu_type = -1, hf_module_name = -1;
static int hf_function = -1, hf_request_in = -1, hf_response_in = -1, hf_response_time = -1;
static int hf_item_address = -1, hf_item_length = -1, hf_item_result = -1;

static gint ett_s7diag = -1, ett_finding = -1, ett_conn = -1, ett_pdu = -1, ett_item = -1;

static expert_field ei_kind[S7K_COUNT][3];   /* [kind][severity] */
static expert_field ei_s7comm_disabled = EI_INIT;
static expert_field ei_fields_missing = EI_INIT;
static expert_field ei_partners_error = EI_INIT;

/* preferences */
static range_t *pref_ports;
static guint pref_no_response_s = 5;
static guint pref_connect_s = 3;
static s7d_pref_bool pref_security_notes = TRUE;
static s7d_pref_bool pref_info_tags = TRUE;
static s7d_pref_bool pref_expand = TRUE;
static const char *pref_partners = "";
static S7Partners *partners;            /* loaded from pref_partners at each (re)load */
static char *partners_error;            /* why it could not be loaded */
static guint32 partners_error_frame;    /* the frame that says so */

static guint16 ports[S7_MAX_PORTS];
static guint n_ports;
static const char *wire_missing;        /* a protocol or field the plugin reads is not registered */
static FILE *events_dump;
static int proto_s7comm = -1;
static guint32 s7comm_disabled_frame;   /* the frame that says so, 0 = not (yet) */
static gboolean s7comm_checked;         /* s7comm_enabled() has looked in this dissection */
static guint32 fields_missing_frame;    /* the frame that says a needed field is missing */

static value_string *item_result_vals;

/* ------------------------------------------------------------------ engine session */

static void apply_ports(void)
{
  n_ports = 0;
  if (pref_ports) {
    for (guint i = 0; i < pref_ports->nranges && n_ports < S7_MAX_PORTS; i++)
      for (guint32 p = pref_ports->ranges[i].low;
           p <= pref_ports->ranges[i].high && n_ports < S7_MAX_PORTS; p++)
        ports[n_ports++] = (guint16)p;
  }
  if (!n_ports)
    ports[n_ports++] = 102;
}

static void s7diag_init(void)
{
  /* The diagnosis is what people open the frame for: show it expanded in the GUI. */
  tree_expanded_set(ett_s7diag, pref_expand);
  tree_expanded_set(ett_finding, pref_expand);
  S7EngineConfig cfg;
  s7_engine_config_init(&cfg);
  apply_ports();
  memcpy(cfg.ports, ports, sizeof ports);
  cfg.n_ports = n_ports;
  cfg.no_response_timeout_s = pref_no_response_s;
  cfg.connect_timeout_s = pref_connect_s;
  g_clear_pointer(&partners, s7_partners_free);
  g_clear_pointer(&partners_error, g_free);
  partners_error_frame = 0;
  if (pref_partners && *pref_partners) {
    GError *err = NULL;
    partners = s7_partners_load(pref_partners, &err);
    if (!partners) {
      partners_error = g_strdup(err->message);
      g_error_free(err);
    }
  }
  cfg.partners = partners;
  s7d_session_start(&cfg);
  s7comm_checked = FALSE;
  s7comm_disabled_frame = 0;
  fields_missing_frame = 0;
}

static void s7diag_cleanup(void)
{
  if (events_dump)
    fflush(events_dump);
  s7d_session_end();
  g_clear_pointer(&partners, s7_partners_free);
}

/* Whether s7comm is on, looked at once per dissection of the capture (turning it off
 * dissects the capture again: the init routine runs first) */
static gboolean s7comm_enabled(void)
{
  static gboolean enabled;
  if (!s7comm_checked) {
    heur_dtbl_entry_t *h = find_heur_dissector_by_unique_short_name("s7comm_cotp");
    enabled = proto_s7comm > 0 && proto_is_protocol_enabled(find_protocol_by_id(proto_s7comm)) &&
              (!h || h->enabled);
    s7comm_checked = TRUE;
  }
  return enabled;
}

/* ------------------------------------------------------------------ the tree */

#define ACTION_LABEL_MAX 160   /* the label; the field holds all of it */

static gboolean finding_shown(const S7Finding *f)
{
  /* the segmentation audit is asked for with its partner list: always shown */
  return pref_security_notes || s7_kind_info(f->kind)->group != S7_GROUP_SECURITY ||
         f->kind == S7K_UNEXPECTED_PARTNER;
}

/* provisional: a finding of the running engine (a live capture, or tshark's single pass), of
 * which only the kind, severity, code and detail are known: the texts settle with the next
 * snapshot of the diagnosis */
static void add_finding(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const S7Finding *f,
                        gboolean provisional)
{
  const S7KindInfo *k = s7_kind_info(f->kind);
  S7Finding known = { .kind = f->kind, .severity = f->severity, .code = f->code,
                      .detail = f->detail };
  if (provisional)
    f = &known;
  const char *title = f->title ? f->title : k->title;
  proto_item *ti = proto_tree_add_string_format(tree, hf_fault, tvb, 0, 0, k->id,
                                                "Fault: %s (%s): %s", k->id,
                                                s7_severity_name(f->severity), title);
  proto_item_set_generated(ti);
  proto_tree *ft = proto_item_add_subtree(ti, ett_finding);
  expert_add_info_format(pinfo, ti, &ei_kind[f->kind][f->severity], "%s", title);
  proto_item_set_generated(proto_tree_add_string(ft, hf_severity, tvb, 0, 0,
                                                 s7_severity_name(f->severity)));
  proto_item_set_generated(proto_tree_add_string(ft, hf_title, tvb, 0, 0, title));
  if (provisional)
    proto_item_set_generated(proto_tree_add_boolean(ft, hf_provisional, tvb, 0, 0, TRUE));
  if (f->code)
    proto_item_set_generated(proto_tree_add_string(ft, hf_code, tvb, 0, 0, f->code));
  if (f->detail)
    proto_item_set_generated(proto_tree_add_string(ft, hf_detail, tvb, 0, 0, f->detail));
  if (f->confidence) {
    ti = proto_tree_add_string_format_value(ft, hf_confidence, tvb, 0, 0, f->confidence, "%s%s%s%s",
                                            f->confidence, f->confidence_reason ? " (" : "",
                                            f->confidence_reason ? f->confidence_reason : "",
                                            f->confidence_reason ? ")" : "");
    proto_item_set_generated(ti);
  }
  if (k->client_says && *k->client_says)
    proto_item_set_generated(proto_tree_add_string(ft, hf_client_says, tvb, 0, 0,
                                                   f->client_says ? f->client_says : k->client_says));
  /* what to do, next to the diagnosis rather than inside it: seen without expanding */
  const char *action = f->action ? f->action : k->action;
  gboolean long_text = strlen(action) > ACTION_LABEL_MAX;
  ti = proto_tree_add_string_format(tree, hf_action, tvb, 0, 0, action, "Action: %.*s%s",
                                    ACTION_LABEL_MAX, action, long_text ? " …" : "");
  proto_item_set_generated(ti);
}

static void add_connection(proto_tree *tree, tvbuff_t *tvb, const S7dEvent *ev)
{
  const S7dContext *e = ev->ctx;
  proto_item *ti = proto_tree_add_string_format(tree, hf_plc, tvb, 0, 0, e->plc,
                                                "Connection: client %s, PLC %s", e->client, e->plc);
  proto_item_set_generated(ti);
  proto_tree *ct = proto_item_add_subtree(ti, ett_conn);   /* ti is the PLC's field */
  proto_item_set_generated(proto_tree_add_string(ct, hf_client, tvb, 0, 0, e->client));
  proto_item_set_generated(proto_tree_add_string(ct, hf_direction, tvb, 0, 0,
                                                 ev->from_client ? "client → PLC" : "PLC → client"));
  if (e->calling_text)
    proto_item_set_generated(proto_tree_add_string(ct, hf_calling_tsap, tvb, 0, 0, e->calling_text));
  if (e->called_text) {
    const char *s = e->called_text;
    const S7Tsap t = e->called;
    if (t.valid) {
      ti = proto_tree_add_string_format_value(ct, hf_called_tsap, tvb, 0, 0, s,
                                              "%s (rack %u, slot %u, %s)", s, t.rack, t.slot,
                                              s7_conn_type_name(t.type));
      proto_item_set_generated(ti);
      proto_item_set_generated(proto_tree_add_uint(ct, hf_rack, tvb, 0, 0, t.rack));
      proto_item_set_generated(proto_tree_add_uint(ct, hf_slot, tvb, 0, 0, t.slot));
      proto_item_set_generated(proto_tree_add_string(ct, hf_conn_type, tvb, 0, 0,
                                                     s7_conn_type_name(t.type)));
    } else {
      proto_item_set_generated(proto_tree_add_string(ct, hf_called_tsap, tvb, 0, 0, s));
    }
  }
  const S7Identity *id = s7d_session_identity(e->plc);
  if (id && id->order_number[0]) {
    const char *family = s7_plc_family(id->order_number);
    ti = proto_tree_add_string_format_value(ct, hf_order_number, tvb, 0, 0, id->order_number,
                                            "%s%s%s%s", id->order_number, family ? " (" : "",
                                            family ? family : "", family ? ")" : "");
    proto_item_set_generated(ti);
  }
  if (id && id->firmware[0])
    proto_item_set_generated(proto_tree_add_string(ct, hf_firmware, tvb, 0, 0, id->firmware));
  if (id && id->cpu_type[0])
    proto_item_set_generated(proto_tree_add_string(ct, hf_cpu_type, tvb, 0, 0, id->cpu_type));
  if (id && id->module_name[0])
    proto_item_set_generated(proto_tree_add_string(ct, hf_module_name, tvb, 0, 0, id->module_name));
  if (e->pdu_size) {
    proto_item_set_generated(proto_tree_add_uint(ct, hf_pdu_size, tvb, 0, 0, e->pdu_size));
    proto_item_set_generated(proto_tree_add_uint(ct, hf_amq_calling, tvb, 0, 0, e->amq_calling));
    proto_item_set_generated(proto_tree_add_uint(ct, hf_amq_called, tvb, 0, 0, e->amq_called));
  }
}

static const char *event_text(const S7dEvent *e, char *buf)
{
  char fbuf[S7_FUNCTION_TEXT_MAX];
  switch (e->type) {
  case S7_EV_COTP:
    switch (e->tpdu) {
    case S7_COTP_CR: return "ISO connect request (COTP CR)";
    case S7_COTP_CC: return "ISO connect confirm (COTP CC)";
    case S7_COTP_DR: return "ISO disconnect request (COTP DR)";
    case S7_COTP_ER: return "COTP error TPDU (ER)";
    default: return "COTP";
    }
  case S7_EV_S7: {
    const char *fn = s7_function_text(e->function, e->ud_group, e->ud_subfunc, fbuf);
    const char *role = e->is_request ? "job" : e->is_response ? "response" : "PDU";
    if (e->error)
      g_snprintf(buf, 160, "%s %s, error 0x%04x (%s)", fn, role, e->error,
                 s7_error_text(e->error) ? s7_error_text(e->error) : "unknown");
    else
      g_snprintf(buf, 160, "%s %s", fn, role);
    return buf;
  }
  case S7_EV_S7PLUS: {
    const char *fn = s7plus_function_name(e->s7plus->function);
    const char *op = s7plus_opcode_name(e->s7plus->opcode);
    if (e->s7plus->version == S7PLUS_VERSION_KEEPALIVE)
      return "S7comm-plus keep-alive";
    g_snprintf(buf, 160, "S7comm-plus V%u %s %s", e->s7plus->version, fn ? fn : "", op ? op : "");
    return buf;
  }
  default:
    return "event";
  }
}

static void add_items(proto_tree *pt, tvbuff_t *tvb, const S7dEvent *e)
{
  const S7Exchange *x = e->exchange;
  /* the results on the response's frame (a job's Read Var answer is data) */
  guint n_results = x && e->is_response && e->rosctr == S7_ROSCTR_ACK_DATA ? x->n_results : 0;
  for (guint i = 0; x && i < x->n_items; i++) {
    char abuf[S7_ADDRESS_TEXT_MAX];
    const char *addr = s7_format_address(&x->items[i], abuf);
    gboolean has_rc = i < n_results;
    const char *rc_text = has_rc ? s7_item_return_text(x->results[i]) : NULL;
    proto_item *ti;
    if (has_rc)
      ti = proto_tree_add_string_format(pt, hf_item_address, tvb, 0, 0, addr,
                                        "Item %u: %s, length %u → 0x%02x %s", i + 1, addr,
                                        x->items[i].length, x->results[i],
                                        rc_text ? rc_text : "unknown");
    else
      ti = proto_tree_add_string_format(pt, hf_item_address, tvb, 0, 0, addr,
                                        "Item %u: %s, length %u", i + 1, addr, x->items[i].length);
    proto_item_set_generated(ti);
    proto_tree *it = proto_item_add_subtree(ti, ett_item);   /* ti is the address's field */
    proto_item_set_generated(proto_tree_add_uint(it, hf_item_length, tvb, 0, 0, x->items[i].length));
    if (has_rc)
      proto_item_set_generated(proto_tree_add_uint(it, hf_item_result, tvb, 0, 0, x->results[i]));
  }
}

static void add_event(proto_tree *tree, tvbuff_t *tvb, const S7dEvent *e, guint index, guint count)
{
  char buf[160];
  const char *text = event_text(e, buf);
  proto_item *ti = count > 1
    ? proto_tree_add_string_format(tree, hf_function, tvb, 0, 0, text, "PDU %u: %s", index + 1, text)
    : proto_tree_add_string_format(tree, hf_function, tvb, 0, 0, text, "%s", text);
  proto_item_set_generated(ti);
  proto_tree *pt = proto_item_add_subtree(ti, ett_pdu);
  const S7Exchange *x = e->type == S7_EV_S7 ? e->exchange : NULL;
  if (x && e->is_request && x->response_frame) {
    proto_item_set_generated(proto_tree_add_uint(pt, hf_response_in, tvb, 0, 0, x->response_frame));
  } else if (x && e->is_response && x->job_frame) {
    proto_item_set_generated(proto_tree_add_uint(pt, hf_request_in, tvb, 0, 0, x->job_frame));
    gint64 delta_us = x->response_ts_us - x->job_ts_us;
    nstime_t delta;
    delta.secs = (time_t)(delta_us / 1000000);
    delta.nsecs = (int)(delta_us % 1000000) * 1000;
    proto_item_set_generated(proto_tree_add_time(pt, hf_response_time, tvb, 0, 0, &delta));
  }
  if (e->type == S7_EV_S7)
    add_items(pt, tvb, e);
}

static void add_info_tags(packet_info *pinfo, const S7dFrame *fr)
{
  guint n = fr->findings ? fr->findings->len : 0;
  const S7Finding *const *fs = n ? (const S7Finding *const *)fr->findings->pdata : NULL;
  char seen[8][S7_TAG_MAX];
  guint n_seen = 0;
  for (guint i = 0; i < n; i++) {
    if (!finding_shown(fs[i]))
      continue;
    char tag[S7_TAG_MAX];
    s7_finding_tag(fs[i], tag);
    gboolean dup = FALSE;
    for (guint j = 0; j < n_seen; j++)
      dup = dup || strcmp(seen[j], tag) == 0;
    if (dup)
      continue;
    if (n_seen < G_N_ELEMENTS(seen))
      g_strlcpy(seen[n_seen++], tag, S7_TAG_MAX);
    col_append_fstr(pinfo->cinfo, COL_INFO, " [%s]", tag);
  }
}

/* What the capture hides (one-sided, begun before the capture, copies, far from the PLC,
 * TLS): on the frames the engine names, so the user reads it where it shows */
static void add_limitations(proto_tree *st, packet_info *pinfo, tvbuff_t *tvb, const S7dFrame *fr)
{
  guint n = fr->limitations ? fr->limitations->len : 0;
  const S7Limitation *const *ls = n ? (const S7Limitation *const *)fr->limitations->pdata : NULL;
  for (guint i = 0; i < n; i++) {
    proto_item *ti = proto_tree_add_string_format(st, hf_limitation, tvb, 0, 0, ls[i]->id,
                                                  "Capture limitation: %s", ls[i]->text);
    proto_item_set_generated(ti);
    expert_add_info_format(pinfo, ti, &ei_limit[ls[i]->kind], "%s", ls[i]->text);
  }
}

/* The connection and PDU details are seen: the tree is shown (the GUI, tshark -V, and on 4.0
 * also -T fields, json and pdml), or a filter, column or field names one of their fields.
 * Naming a field marks its protocol too, so when s7diag is not marked the fields are not
 * looked at one by one. */
static gboolean details_seen(proto_tree *tree)
{
  if (!proto_field_is_referenced(tree, proto_s7diag))
    return FALSE;
  const int *hfs[] = { &hf_plc, &hf_client, &hf_direction, &hf_calling_tsap, &hf_called_tsap,
                       &hf_rack, &hf_slot, &hf_conn_type, &hf_pdu_size, &hf_amq_calling,
                       &hf_amq_called, &hf_order_number, &hf_firmware, &hf_cpu_type,
                       &hf_module_name, &hf_function, &hf_request_in, &hf_response_in,
                       &hf_response_time, &hf_item_address, &hf_item_length, &hf_item_result };
  for (gsize i = 0; i < G_N_ELEMENTS(hfs); i++)
    if (proto_field_is_referenced(tree, *hfs[i]))
      return TRUE;
  return FALSE;
}

static void add_tree(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const S7dFrame *fr)
{
  proto_item *ti = proto_tree_add_item(tree, proto_s7diag, tvb, 0, 0, ENC_NA);
  proto_item_set_generated(ti);
  proto_tree *st = proto_item_add_subtree(ti, ett_s7diag);
  add_limitations(st, pinfo, tvb, fr);
  guint n = fr->findings ? fr->findings->len : 0;
  const S7Finding *const *fs = n ? (const S7Finding *const *)fr->findings->pdata : NULL;
  guint shown = 0;
  for (guint i = 0; i < n; i++) {
    if (finding_shown(fs[i])) {
      add_finding(st, pinfo, tvb, fs[i], fr->provisional);
      shown++;
    }
  }
  /* the connection and its PDUs only when someone sees them: formatting them for a hidden
   * tree (tshark without -V, on 4.4 and 4.6 also with -T fields; a filter on other fields)
   * costs 10 % */
  if (fr->events && details_seen(tree)) {
    add_connection(st, tvb, fr->events);
    guint i = 0;
    for (const S7dEvent *e = fr->events; e; e = e->next)
      add_event(st, tvb, e, i++, fr->n_events);
  }
  if (shown)
    proto_item_append_text(ti, ": %u finding%s", shown, shown == 1 ? "" : "s");
  else
    proto_item_append_text(ti, ": no fault");
}

/* ------------------------------------------------------------------ the postdissector */

/* The events of the first pass: to the engine, and to the dump when one was asked for */
static void feed(const S7Event *ev, gpointer unused)
{
  (void)unused;
  if (events_dump) {
    GString *line = g_string_sized_new(160);
    s7_event_append_text(line, ev);
    g_string_append_c(line, '\n');
    fputs(line->str, events_dump);
    g_string_free(line, TRUE);
  }
  if (!wire_missing)
    s7d_session_feed(ev);
}

static int dissect_s7diag(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
  (void)data;
  if (!pinfo->fd->visited) {
    if (partners_error && !partners_error_frame)
      partners_error_frame = pinfo->num;
    if (s7diag_wire_events(tree, pinfo, ports, n_ports, feed, NULL)) {
      if (!s7comm_disabled_frame && !s7comm_enabled())
        s7comm_disabled_frame = pinfo->num;
      if (wire_missing && !fields_missing_frame)
        fields_missing_frame = pinfo->num;
    }
  } else {
    /* dissected again (tshark's second pass, a click or a filter in the GUI): the diagnosis
     * of every frame fed so far, settled; in a live capture it grows with each new frame */
    s7d_session_refresh();
  }

  if (pinfo->num == s7comm_disabled_frame || pinfo->num == fields_missing_frame ||
      pinfo->num == partners_error_frame) {
    proto_item *ti = proto_tree_add_item(tree, proto_s7diag, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    if (pinfo->num == s7comm_disabled_frame)
      expert_add_info(pinfo, ti, &ei_s7comm_disabled);
    if (pinfo->num == partners_error_frame)
      expert_add_info_format(pinfo, ti, &ei_partners_error, "The partner list could not be read, "
                             "no segmentation audit: %s", partners_error);
    if (pinfo->num == fields_missing_frame)
      expert_add_info_format(pinfo, ti, &ei_fields_missing,
                             "This Wireshark's dissectors have no field '%s', which S7 Diagnostics "
                             "reads: it cannot diagnose here (built for Wireshark " S7D_WS_BUILT_FOR
                             "; it knows the dissectors of 4.0, 4.4 and 4.6)", wire_missing);
  }
  S7dFrame *fr = s7d_session_frame(pinfo->num, pinfo->pool);
  if (!fr)
    return 0;
  if (pref_info_tags)
    add_info_tags(pinfo, fr);
  add_tree(tree, pinfo, tvb, fr);   /* without a tree this still raises the expert infos */
  if (have_tap_listener(s7diag_tap))
    tap_queue_packet(s7diag_tap, pinfo, fr);
  return 0;
}

/* ------------------------------------------------------------------ registration */

static void register_experts(void)
{
  static ei_register_info fixed[] = {
    { &ei_s7comm_disabled, { "s7diag.s7comm_disabled", PI_UNDECODED, PI_WARN,
      "The built-in S7comm dissector is disabled (Analyze > Enabled Protocols: s7comm and its "
      "heuristic s7comm_cotp): S7 Diagnostics sees TCP and COTP only, no S7 faults", EXPFILL } },
    { &ei_fields_missing, { "s7diag.fields_missing", PI_UNDECODED, PI_WARN,
      "A field S7 Diagnostics reads is missing from this Wireshark's dissectors", EXPFILL } },
    { &ei_partners_error, { "s7diag.partners_error", PI_MALFORMED, PI_WARN,
      "The partner list (S7 Diagnostics preference) could not be read", EXPFILL } },
  };
  static const int sev_pi[3] = { PI_NOTE, PI_WARN, PI_ERROR };
  static const int group_pi[3] = { PI_RESPONSE_CODE, PI_SEQUENCE, PI_SECURITY };
  ei_register_info *eis = g_new0(ei_register_info, S7K_COUNT * 3);
  for (int k = 0; k < S7K_COUNT; k++) {
    const S7KindInfo *info = s7_kind_info((S7Kind)k);
    for (int s = 0; s < 3; s++) {
      ei_register_info *ei = &eis[k * 3 + s];
      ei_kind[k][s].ei = EI_INIT_EI;
      ei_kind[k][s].hf = EI_INIT_HF;
      ei->ids = &ei_kind[k][s];
      ei->eiinfo.name = s == (int)info->severity
                        ? g_strdup_printf("s7diag.fault.%s", info->id)
                        : g_strdup_printf("s7diag.fault.%s.%s", info->id,
                                          s7_severity_name((S7Severity)s));
      ei->eiinfo.group = group_pi[info->group];
      ei->eiinfo.severity = sev_pi[s];
      ei->eiinfo.summary = info->title;
      HFILL_INIT(ei->eiinfo.hf_info);
    }
  }
  static ei_register_info limits[] = {
    { &ei_limit[S7_LIMIT_ONE_SIDED], { "s7diag.limitation.one-sided", PI_SEQUENCE, PI_NOTE,
      "Only one direction of this connection is in the capture", EXPFILL } },
    { &ei_limit[S7_LIMIT_NO_HANDSHAKE], { "s7diag.limitation.no-handshake", PI_SEQUENCE, PI_NOTE,
      "This connection began before the capture", EXPFILL } },
    { &ei_limit[S7_LIMIT_COPIES], { "s7diag.limitation.duplicated-frames", PI_SEQUENCE, PI_NOTE,
      "Frames captured twice", EXPFILL } },
    { &ei_limit[S7_LIMIT_OTHER_PORT], { "s7diag.limitation.other-port", PI_PROTOCOL, PI_NOTE,
      "ISO-on-TCP on a port that is not an S7 port", EXPFILL } },
    { &ei_limit[S7_LIMIT_FAR_FROM_PLC], { "s7diag.limitation.far-from-plc", PI_ASSUMPTION, PI_NOTE,
      "Routers between the capture point and the PLC", EXPFILL } },
    { &ei_limit[S7_LIMIT_TLS], { "s7diag.limitation.tls", PI_DECRYPTION, PI_NOTE,
      "TLS-protected S7comm-plus: its content cannot be read without the keys", EXPFILL } },
    { &ei_limit[S7_LIMIT_SNAP_LENGTH], { "s7diag.limitation.snap-length", PI_MALFORMED, PI_WARN,
      "Cut short by the capture's snap length: its S7 content cannot all be read", EXPFILL } },
    { &ei_limit[S7_LIMIT_MISSING_SEGMENTS], { "s7diag.limitation.missing-segments", PI_SEQUENCE, PI_NOTE,
      "TCP segments of this connection are not in the capture", EXPFILL } },
  };
  expert_module_t *em = expert_register_protocol(proto_s7diag);
  expert_register_field_array(em, fixed, array_length(fixed));
  expert_register_field_array(em, limits, array_length(limits));
  expert_register_field_array(em, eis, S7K_COUNT * 3);
}

static void register_item_result_vals(void)
{
  gsize n;
  const S7CodeText *t = s7_item_return_table(&n);
  item_result_vals = g_new0(value_string, n + 1);
  for (gsize i = 0; i < n; i++) {
    item_result_vals[i].value = t[i].code;
    item_result_vals[i].strptr = t[i].text;
  }
}

void s7diag_register(void)
{
  register_item_result_vals();
  static hf_register_info hf[] = {
    { &hf_limitation, { "Capture limitation", "s7diag.limitation", FT_STRING, BASE_NONE, NULL, 0,
      "What the capture hides or distorts here (one-sided, no-handshake, duplicated-frames, "
      "far-from-plc, tls)", HFILL } },
    { &hf_fault, { "Fault", "s7diag.fault", FT_STRING, BASE_NONE, NULL, 0,
      "Stable id of the fault kind (putget-denied, invalid-address, connect-refused, …)", HFILL } },
    { &hf_severity, { "Severity", "s7diag.severity", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_title, { "Diagnosis", "s7diag.title", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_provisional, { "Provisional (settles when the diagnosis is refreshed: a click or a "
      "filter in a live capture, tshark's second pass)", "s7diag.provisional", FT_BOOLEAN,
      BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_action, { "Recommended action", "s7diag.action", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_confidence, { "Confidence", "s7diag.confidence", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_code, { "Code", "s7diag.code", FT_STRING, BASE_NONE, NULL, 0,
      "The S7, item or COTP code behind the fault", HFILL } },
    { &hf_detail, { "Detail", "s7diag.detail", FT_STRING, BASE_NONE, NULL, 0,
      "Address, function or TSAP the fault is about", HFILL } },
    { &hf_client_says, { "Client libraries report", "s7diag.client_says", FT_STRING, BASE_NONE, NULL, 0,
      NULL, HFILL } },
    { &hf_plc, { "PLC", "s7diag.plc", FT_STRING, BASE_NONE, NULL, 0, "The PLC (server) side, ip:port", HFILL } },
    { &hf_client, { "Client", "s7diag.client", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_direction, { "Direction", "s7diag.direction", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_calling_tsap, { "Calling TSAP", "s7diag.tsap.calling", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_called_tsap, { "Called TSAP", "s7diag.tsap.called", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_rack, { "Rack", "s7diag.rack", FT_UINT8, BASE_DEC, NULL, 0, "From the called TSAP", HFILL } },
    { &hf_slot, { "Slot", "s7diag.slot", FT_UINT8, BASE_DEC, NULL, 0, "From the called TSAP", HFILL } },
    { &hf_conn_type, { "Connection type", "s7diag.conn_type", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_pdu_size, { "Negotiated PDU size", "s7diag.pdu_size", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_order_number, { "PLC order number", "s7diag.plc.order_number", FT_STRING, BASE_NONE, NULL, 0,
      "From the PLC's SZL 0x0011 answer", HFILL } },
    { &hf_firmware, { "PLC firmware", "s7diag.plc.firmware", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_cpu_type, { "PLC type", "s7diag.plc.cpu_type", FT_STRING, BASE_NONE, NULL, 0,
      "From the PLC's SZL 0x001C answer", HFILL } },
    { &hf_module_name, { "PLC module name", "s7diag.plc.module_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_amq_calling, { "Max AmQ calling", "s7diag.max_amq_calling", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_amq_called, { "Max AmQ called", "s7diag.max_amq_called", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
    { &hf_function, { "PDU", "s7diag.pdu", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
    { &hf_request_in, { "Request in frame", "s7diag.request_in", FT_FRAMENUM, BASE_NONE,
      FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
    { &hf_response_in, { "Response in frame", "s7diag.response_in", FT_FRAMENUM, BASE_NONE,
      FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL } },
    { &hf_response_time, { "Response time", "s7diag.response_time", FT_RELATIVE_TIME, BASE_NONE,
      NULL, 0, "Time from the job to this response", HFILL } },
    { &hf_item_address, { "Address", "s7diag.item.address", FT_STRING, BASE_NONE, NULL, 0,
      "The item's address as engineers write it (DB12.DBW40, MW100, I0.0, T5)", HFILL } },
    { &hf_item_length, { "Length", "s7diag.item.length", FT_UINT16, BASE_DEC, NULL, 0,
      "Element count requested", HFILL } },
    { &hf_item_result, { "Result", "s7diag.item.result", FT_UINT8, BASE_HEX, NULL, 0,
      "The item's return code", HFILL } },
  };
  static gint *ett[] = { &ett_s7diag, &ett_finding, &ett_conn, &ett_pdu, &ett_item };

  for (gsize i = 0; i < array_length(hf); i++)
    if (hf[i].p_id == &hf_item_result)
      hf[i].hfinfo.strings = VALS(item_result_vals);   /* from core's table, built above */

  proto_s7diag = proto_register_protocol("S7 Diagnostics", "S7DIAG", "s7diag");
  proto_register_field_array(proto_s7diag, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  register_experts();

  module_t *m = prefs_register_protocol(proto_s7diag, NULL);
  range_convert_str(wmem_epan_scope(), &pref_ports, "102", 65535);
  prefs_register_range_preference(m, "ports", "S7 server ports",
      "TCP ports of S7 servers (PLCs); the side using one is the PLC. Up to 8 ports.",
      &pref_ports, 65535);
  prefs_register_uint_preference(m, "no_response_timeout", "No-response timeout (s)",
      "A job unanswered this long while its connection lives is reported as no-response",
      10, &pref_no_response_s);
  prefs_register_uint_preference(m, "connect_timeout", "Connect timeout (s)",
      "A SYN or COTP connect request unanswered this long is reported", 10, &pref_connect_s);
  prefs_register_filename_preference(m, "partners", "Partner list",
      "The allowed client -> PLC pairs (one 'CLIENT PLC [read-only|read-write|full]' per line; "
      "addresses, CIDR prefixes, *): every other host that reaches a PLC is an unexpected "
      "partner. Empty: no audit.", &pref_partners, FALSE);
  prefs_register_bool_preference(m, "security_notes", "Show security notes",
      "Show unauthenticated writes, PLC control, password attempts and S7comm-plus V1/V2 "
      "sessions (severity note)", &pref_security_notes);
  prefs_register_bool_preference(m, "info_tags", "Tag the Info column",
      "Append a short tag such as [PUT/GET denied] to the Info column of faulty frames",
      &pref_info_tags);
  prefs_register_bool_preference(m, "expand", "Show the diagnosis expanded",
      "Open the S7 Diagnostics tree and its findings expanded in the packet details",
      &pref_expand);

  register_init_routine(s7diag_init);
  register_cleanup_routine(s7diag_cleanup);
  s7diag_tap = register_tap(S7DIAG_TAP_NAME);
}

void s7diag_handoff(void)
{
  dissector_handle_t h = create_dissector_handle(dissect_s7diag, proto_s7diag);
  register_postdissector(h);
  set_postdissector_wanted_hfids(h, s7diag_wire_wanted_hfids(proto_s7diag_s7p, &wire_missing));
  /* S7DIAG_PLUGIN_EVENTS=FILE: every event fed to the engine, one line each as `s7diag events`
   * prints them (for comparing the plugin with the analyzer, tests/plugin_events.sh) */
  const char *dump = g_getenv("S7DIAG_PLUGIN_EVENTS");
  if (dump && *dump && !(events_dump = fopen(dump, "w")))
    g_warning("s7diag: cannot write %s: %s", dump, g_strerror(errno));
  proto_s7comm = proto_get_id_by_filter_name("s7comm");
}
