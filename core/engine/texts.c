/* SPDX-License-Identifier: GPL-2.0-or-later */
/* texts.c — the one place where a finding's texts are written: one step per kind turns the
 * facts the rules recorded (findings.h) and a read-only view of the records around it
 * (texts.h) into title, explanation, action and confidence. The kinds' generic cause, action and
 * client texts come from the code table (s7_codes.c). */
#include "texts.h"

#include <string.h>

#include "s7plus_names.h"

static const char *plural(guint64 n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

static void set_text(char **field, char *text)
{
  g_free(*field);
  *field = text;
}

static void confidence(Agg *a, const char *level, char *reason)
{
  a->f->confidence = level;
  set_text(&a->f->confidence_reason, reason);
}

/* Generic texts from the code table; extra is appended to the kind's cause */
static void defaults(Agg *a, char *title, const char *extra)
{
  const S7KindInfo *k = s7_kind_info(a->f->kind);
  if (!title)
    title = a->f->detail && *a->f->detail
                ? g_strdup_printf("%s: %s on PLC %s", k->title, a->f->detail, a->f->plc)
                : g_strdup_printf("%s on PLC %s", k->title, a->f->plc);
  set_text(&a->f->title, title);
  if (!a->f->explanation)
    set_text(&a->f->explanation, extra && *extra ? g_strdup_printf("%s %s", k->cause, extra)
                                                 : g_strdup(k->cause));
  if (!a->f->action)
    set_text(&a->f->action, g_strdup(k->action));
  if (!a->f->client_says)
    set_text(&a->f->client_says, g_strdup(k->client_says));
  if (!a->f->confidence)
    confidence(a, "high", g_strdup("the wire shows the signature directly"));
}

static const char *function_text(const Agg *a, char *buf)
{
  return s7_job_text(a->x.function, a->x.ud_group, a->x.ud_subfunc, a->x.szl_id, buf);
}

static char *code_meaning(guint16 code)
{
  const char *text = s7_error_text(code);
  const char *cls = s7_error_class_text((guint8)(code >> 8));
  return g_strdup(text ? text : cls ? cls : "unknown code");
}

/* ------------------------------------------------------------------ S7 error codes */

static void text_putget(const TextView *v, Agg *a)
{
  const PlcRecord *p = v->plc;
  const PairRecord *pair = v->pair;
  guint64 mine = a->x.refused_jobs, sent = pair ? MAX(pair->data_jobs, mine) : mine;
  char *title = g_strdup_printf("PLC %s refuses PUT/GET: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                " Read/Write Var %s from %s returned 0x8104", a->f->plc, mine, sent,
                                plural(sent, "job", "jobs"), a->client_ip);
  guint clients = p ? g_hash_table_size(p->data_clients) : 1;
  guint64 all = p ? p->data_jobs : sent, ok = p ? p->data_jobs_ok : 0, szl = p ? p->szl_ok : 0;
  if (ok == 0) {
    g_autofree char *szl_text = szl ? g_strdup_printf(" while %" G_GUINT64_FORMAT " SZL %s (userdata) worked: "
                                                      "the CPU talks S7 but refuses PUT/GET",
                                                      szl, plural(szl, "read", "reads"))
                                    : g_strdup(", the signature of PUT/GET access switched off");
    confidence(a, "high", g_strdup_printf("all %" G_GUINT64_FORMAT " Read/Write Var %s to this PLC, from %u %s, "
                                          "got 0x8104%s", all, plural(all, "job", "jobs"), clients,
                                          plural(clients, "client", "clients"), szl_text));
  } else {
    confidence(a, "medium", g_strdup_printf("%" G_GUINT64_FORMAT " other Read/Write Var %s to this PLC "
                                            "succeeded: 0x8104 may instead report a malformed request",
                                            ok, plural(ok, "job", "jobs")));
  }
  g_autofree char *meaning = code_meaning(0x8104);
  g_autofree char *model = s7_putget_default_text(p ? p->identity.order_number : NULL,
                                                  p ? p->identity.firmware : NULL);
  g_autofree char *extra = g_strdup_printf("The PLC answered Read/Write Var with 0x8104: %s. %s",
                                           meaning, model);
  defaults(a, title, extra);
}

/* Any other S7 error code answering a job (header or userdata parameter error) */
static void text_error_code(const TextView *v, Agg *a)
{
  (void)v;
  char fbuf[S7_FUNCTION_TEXT_MAX];
  const char *ftext = function_text(a, fbuf);
  g_autofree char *meaning = code_meaning(a->x.code);
  g_autofree char *extra = g_strdup_printf("The PLC answered %s with 0x%04X: %s.", ftext, a->x.code, meaning);
  char *title = NULL;
  if (a->f->kind == S7K_PLC_ERROR)
    title = g_strdup_printf("PLC %s answered %s with 0x%04X (%s)", a->f->plc, ftext, a->x.code,
                            s7_error_text(a->x.code) ? s7_error_text(a->x.code) : "unknown code");
  else if (a->f->kind == S7K_SETUP_REJECTED)
    title = g_strdup_printf("PLC %s rejected Setup Communication from %s with 0x%04X", a->f->plc,
                            a->client_ip, a->x.code);
  if (a->f->kind == S7K_PLC_ERROR && a->x.harmless) {
    a->f->severity = S7_SEV_NOTE;
    confidence(a, "high", g_strdup("the code is an engineering tool's probe answer (the CPU lacks "
                                   "the information asked for), not a fault"));
  }
  defaults(a, title, extra);
}

/* 0x8500 with what did not fit, or a job larger than the PDU seen before any answer said so */
static void text_pdu_size(const TextView *v, Agg *a)
{
  char fbuf[S7_FUNCTION_TEXT_MAX];
  const char *ftext = function_text(a, fbuf);
  if (a->code_source == SRC_HEADER) {
    text_error_code(v, a);
    if (a->x.job_bytes) {
      set_text(&a->f->confidence_reason, g_strdup_printf(
          "the %s job in frame %u asks for %s of %u bytes, more than the negotiated PDU of %u "
          "bytes", ftext, a->x.job_frame, a->x.answer_too_big ? "an answer" : "a request",
          a->x.job_bytes, a->x.pdu_size));
    }
    return;
  }
  char *title = g_strdup_printf("%s from %s to PLC %s is %u bytes, more than the negotiated PDU of "
                                "%u bytes", ftext, a->client_ip, a->f->plc, a->x.job_bytes, a->x.pdu_size);
  a->f->severity = S7_SEV_WARNING;
  set_text(&a->f->explanation, g_strdup_printf(
      "The job in frame %u does not fit the PDU size agreed in Setup Communication; the CPU may "
      "refuse it (0x8500) or drop it.", a->x.job_frame));
  confidence(a, "high", g_strdup_printf("the job's own size (%u bytes) is on the wire; the PDU "
                                        "was negotiated to %u bytes", a->x.job_bytes, a->x.pdu_size));
  defaults(a, title, NULL);
}

static void text_amq(const TextView *v, Agg *a)
{
  (void)v;
  char *title = g_strdup_printf("Client %s had %u jobs in flight to PLC %s, more than the negotiated "
                                "Max AmQ of %u", a->client_ip, a->x.in_flight, a->f->plc, a->x.amq);
  confidence(a, "high", g_strdup_printf("%u jobs were sent before the answers to the earlier ones; "
                                        "Setup Communication allowed %u", a->x.in_flight, a->x.amq));
  defaults(a, title, NULL);
}

static void text_fragmented(const TextView *v, Agg *a)
{
  (void)v;
  char *title = g_strdup_printf("The S7 PDU of %u bytes between %s and PLC %s does not fit the COTP "
                                "TPDU of %u bytes: large answers come in fragments", a->x.pdu_size,
                                a->client_ip, a->f->plc, a->x.tpdu_size);
  defaults(a, title, NULL);
}

/* COTP error TPDU outside a connect */
static void text_cotp_er(const TextView *v, Agg *a)
{
  (void)v;
  const char *why = s7_cotp_er_cause_text((guint8)a->x.code);
  char *title = g_strdup_printf("PLC %s sent a COTP error TPDU to %s (reject cause 0x%02x: %s)",
                                a->f->plc, a->client_ip, a->x.code, why ? why : "unknown");
  defaults(a, title, NULL);
}

/* ------------------------------------------------------------------ item return codes */

static void text_item(const TextView *v, Agg *a)
{
  const S7KindInfo *k = s7_kind_info(a->f->kind);
  const char *rt = s7_item_return_text((guint8)a->x.code);
  const char *op = a->x.write ? "Write of" : "Read of";
  const char *job = a->x.write ? "Write Var" : "Read Var";
  g_autofree char *which = a->x.n_items > 1
      ? g_strdup_printf("%u items of the %s job in frame %u", a->x.n_items, job, a->x.job_frame)
      : a->x.item_bits
      ? g_strdup_printf("Item %u of the %s job in frame %u, %u %s", a->x.first_item, job, a->x.job_frame,
                        a->x.item_count, a->x.item_count == 1 ? "bit" : "bits")
      : a->x.fail_hi > a->x.fail_lo
      ? g_strdup_printf("Item %u of the %s job in frame %u, %u %s (bytes %u-%u)", a->x.first_item, job,
                        a->x.job_frame, a->x.fail_hi - a->x.fail_lo,
                        a->x.fail_hi - a->x.fail_lo == 1 ? "byte" : "bytes", a->x.fail_lo, a->x.fail_hi - 1)
      : g_strdup_printf("Item %u of the %s job in frame %u, %u × element", a->x.first_item, job,
                        a->x.job_frame, a->x.item_count);
  char *title = NULL;
  char *explanation = NULL;
  if (a->f->kind == S7K_INVALID_ADDRESS && a->x.db >= 0) {
    const PlcRecord *p = v->plc;
    const DbAccess *ok = p ? g_hash_table_lookup(p->db_ok, GUINT_TO_POINTER((guint)a->x.db + 1)) : NULL;
    if (ok && a->x.fail_hi <= ok->hi) {
      /* the DB answered beyond this address: not too short, not optimized */
      confidence(a, "medium", g_strdup_printf(
          "DB%d answered other addresses up to byte %u, beyond this one (bytes %u-%u): the DB "
          "exists, allows absolute access and is long enough", a->x.db, ok->hi ? ok->hi - 1 : 0,
          a->x.fail_lo, a->x.fail_hi ? a->x.fail_hi - 1 : 0));
      title = g_strdup_printf("%s on PLC %s refused (0x05), though DB%d answers addresses up to byte %u",
                              a->f->detail, a->f->plc, a->x.db, ok->hi ? ok->hi - 1 : 0);
    } else if (ok) {
      const char *how = ok->by_write && ok->by_read ? "Read and Write Var" : ok->by_write ? "Write Var" : "Read Var";
      confidence(a, "high", g_strdup_printf(
          "%s to DB%d bytes %u-%u succeeded, so the DB exists and allows absolute access: the "
          "request runs past its end", how, a->x.db, ok->lo, ok->hi ? ok->hi - 1 : 0));
      title = g_strdup_printf("%s on PLC %s is out of range: DB%d is shorter than requested "
                              "(worked up to byte %u)", a->f->detail, a->f->plc, a->x.db,
                              ok->hi ? ok->hi - 1 : 0);
      /* proven: not optimized, so the action is about the length, not the DB's attributes */
      explanation = g_strdup_printf("The CPU answered item code 0x05 (invalid address) for an address "
                                    "past the end of DB%d: other accesses to it up to byte %u worked, so "
                                    "the DB exists, allows absolute access (it is not optimized) and is "
                                    "shorter than this request. %s.", a->x.db, ok->hi ? ok->hi - 1 : 0,
                                    which);
      set_text(&a->f->action, g_strdup_printf(
          "Request only what DB%d holds: it answered up to byte %u. Compare the client's address and "
          "length with the DB in TIA Portal or STEP 7 (its size, or the offsets of its variables); "
          "extend the DB if the client's address is right.", a->x.db, ok->hi ? ok->hi - 1 : 0));
    } else if (a->x.offset0) {
      confidence(a, "medium", g_strdup(
          "absolute access at offset 0 of the DB was refused: a DB that exists but is "
          "\"optimized\" answers exactly so (a DB shorter than the request too)"));
      title = g_strdup_printf("%s on PLC %s refused (0x05): DB%d is most likely optimized "
                              "(no absolute addresses)", a->f->detail, a->f->plc, a->x.db);
    } else {
      confidence(a, "medium", g_strdup(
          "item code 0x05 on a DB means optimized block access or an offset past the DB's end; "
          "no other access to this DB in the capture tells which"));
      title = g_strdup_printf("%s on PLC %s refused (0x05): DB%d is optimized or shorter than "
                              "requested", a->f->detail, a->f->plc, a->x.db);
    }
    if (!explanation)
      explanation = g_strdup_printf("%s %s.", k->cause, which);
  } else if (a->f->kind == S7K_INVALID_ADDRESS && !a->x.all_db) {
    confidence(a, "high", g_strdup("the CPU named the address invalid (item code 0x05)"));
    explanation = g_strdup_printf("The CPU answered item code 0x05 (invalid address): the address "
                                  "lies beyond the size of its memory area on this CPU, or the "
                                  "area does not exist there. %s.", which);
    set_text(&a->f->action, g_strdup("Use addresses inside the CPU's memory areas (see the CPU's "
                                      "technical data: sizes of M, I, Q, timers and counters)."));
  } else if (a->f->kind == S7K_OBJECT_MISSING && !a->x.all_db) {
    explanation = g_strdup_printf("The device has no such area or range: it answered item code "
                                  "0x0A (object does not exist) for %s. A simulator, a soft PLC or "
                                  "a CP that does not provide these areas answers so; on a CPU, "
                                  "the address lies beyond the area's size. %s.", a->f->detail, which);
    set_text(&a->f->action, g_strdup("Read only the areas and ranges the device provides (its "
                                      "memory sizes for M, I, Q, timers and counters), or configure "
                                      "them in the simulator or CP."));
  } else {
    explanation = g_strdup_printf("%s %s.", k->cause, which);
  }
  if (!title)
    title = g_strdup_printf("%s %s on PLC %s: %s (item code 0x%02X)", op, a->f->detail, a->f->plc,
                            rt ? rt : "error", a->x.code);
  set_text(&a->f->explanation, explanation);
  const char *says = s7_item_return_client_says((guint8)a->x.code);
  if (says)
    set_text(&a->f->client_says, g_strdup(says));
  defaults(a, title, NULL);
}

/* ------------------------------------------------------------------ connections */

static void text_connect_refused(const TextView *v, Agg *a)
{
  const char *tsap = a->x.called_tsap ? a->x.called_tsap : "?";
  const PlcRecord *p = v->plc;
  guint same_ok = p ? GPOINTER_TO_UINT(g_hash_table_lookup(p->tsap_ok, tsap)) : 0, other_ok = 0;
  if (p) {
    GHashTableIter it;
    gpointer k, n;
    g_hash_table_iter_init(&it, p->tsap_ok);
    while (g_hash_table_iter_next(&it, &k, &n))
      if (strcmp(k, tsap) != 0)
        other_ok += GPOINTER_TO_UINT(n);
  }
  int dr = a->x.dr_cause;
  const char *dr_text = dr >= 0 ? s7_cotp_dr_cause_text((guint8)dr) : NULL;
  guint conc = a->x.concurrent;
  const char *cause, *level;
  char *reason;
  if (dr == 0x01 || dr == 0x81 || dr == 0x03 || dr == 0x02) {
    gboolean congestion = dr == 0x01 || dr == 0x81;
    cause = congestion ? "connection resources exhausted" : "wrong TSAP (rack/slot)";
    level = "high";
    reason = g_strdup_printf("the PLC's Disconnect Request gives cause 0x%02x (%s)", dr, dr_text ? dr_text : "?");
  } else if (same_ok > 0 && conc > 0) {
    cause = "connection resources exhausted";
    level = "high";
    reason = g_strdup_printf("%u other connection%s with the same TSAP %s confirmed, and %u "
                             "connection%s to this PLC %s open when it refused",
                             same_ok, same_ok == 1 ? " was" : "s were", tsap, conc,
                             conc == 1 ? "" : "s", conc == 1 ? "was" : "were");
  } else if (same_ok > 0) {
    cause = "connection resources exhausted";
    level = "medium";
    reason = g_strdup_printf("%u other connection%s with the same TSAP %s confirmed, so the "
                             "rack/slot is right", same_ok, same_ok == 1 ? " was" : "s were", tsap);
  } else if (other_ok > 0) {
    cause = "wrong TSAP (rack/slot)";
    level = "medium";
    reason = g_strdup_printf("this PLC confirmed %u connection%s with other TSAPs but none with %s",
                             other_ok, other_ok == 1 ? "" : "s", tsap);
  } else {
    cause = "connection resources exhausted or wrong TSAP (rack/slot)";
    level = "low";
    reason = g_strdup("no other connection to this PLC in the capture to compare with: a single "
                      "refusal cannot tell the two causes apart");
  }
  confidence(a, level, reason);
  const char *how = a->x.refusal_how ? a->x.refusal_how : "?";
  char *title = g_strdup_printf("PLC %s refused the ISO connection from %s (%s after COTP CR): %s",
                                a->f->plc, a->client_ip, how, cause);
  g_autofree char *tsap_text = a->x.tsap.valid
      ? g_strdup_printf("called TSAP %s (rack %u, slot %u, %s)", tsap, a->x.tsap.rack, a->x.tsap.slot,
                        s7_conn_type_name(a->x.tsap.type))
      : g_strdup_printf("called TSAP %s", tsap);
  g_autofree char *open_text = conc ? g_strdup_printf("; %u other ISO connection(s) were open to this PLC", conc)
                                    : g_strdup("");
  g_autofree char *extra = g_strdup_printf("This connection asked for %s%s%s%s.", tsap_text,
                                           dr_text ? "; the PLC's DR says: " : "", dr_text ? dr_text : "",
                                           open_text);
  defaults(a, title, extra);
}

static void text_connect_no_answer(const TextView *v, Agg *a)
{
  (void)v;
  char *title = g_strdup_printf("PLC %s never answered the COTP connect request from %s "
                                "(waited %.1f s)", a->f->plc, a->client_ip, a->x.waited_us / 1e6);
  defaults(a, title, NULL);
}

/* Is the client the PLC, when it is the side that sends the SYNs? It answers S7 jobs in the
 * capture, or it has a Siemens Ethernet address and the host it calls has not */
static gboolean sender_is_plc(const TextView *v)
{
  return s7_hosts_plc_initiated(v->client_host, v->plc_host);
}

static void text_port_no_answer(const TextView *v, Agg *a)
{
  gint64 after = v->capture_end - a->x.last_syn_ts;
  gint64 need = MAX(G_USEC_PER_SEC, a->x.last_syn_gap_us);
  guint attempts = MAX(a->x.attempts, 1);
  a->f->connections = attempts;   /* every one, not only those whose keys the finding kept */
  gboolean long_enough = after >= need;
  if (!a->x.plc_initiated && sender_is_plc(v)) {
    /* a PLC opening a configured connection to a partner's port 102: the roles as the wire
     * shows them (once: a later snapshot finds them turned already) */
    a->x.plc_initiated = TRUE;
    char *partner = a->f->plc;
    a->f->plc = g_strdup(a->client_ip);
    set_text(&a->f->client, partner);
  }
  if (a->x.plc_initiated) {
    const char *partner = a->f->client;
    a->f->severity = S7_SEV_WARNING;
    char *title = g_strdup_printf("PLC %s tries to open a connection to partner %s (%u %s, %u SYNs); "
                                  "never answered", a->client_ip, partner, attempts,
                                  plural(attempts, "attempt", "attempts"), a->x.syns);
    set_text(&a->f->explanation, g_strdup_printf(
        "The PLC itself sends the SYNs (it answers S7 jobs here%s): it has a configured connection "
        "to %s (an S7 or open communication connection in its configuration, or a TSEND_C/TCON "
        "instruction) and the partner never answers on port 102: its station or application is "
        "not running, a firewall drops the traffic, or the connection is no longer used.",
        v->client_host && v->client_host->siemens ? " and has a Siemens Ethernet address" : "",
        partner));
    set_text(&a->f->action, g_strdup(
        "Check that the partner's station or application runs and listens on TCP 102, that its "
        "firewall passes port 102 from the PLC, or delete the unused connection from the PLC's "
        "configuration (TIA Portal: Devices & networks -> Connections; STEP 7: NetPro)."));
    confidence(a, long_enough ? "high" : "medium", long_enough
        ? g_strdup_printf("%u SYNs from the PLC, none answered, and the capture goes on %.1f s after the last",
                          a->x.syns, after / 1e6)
        : g_strdup_printf("the capture ends %.1f s after the last SYN, before the retries ran out", after / 1e6));
    defaults(a, title, NULL);
    return;
  }
  char *title = g_strdup_printf("SYN from %s to PLC %s never answered (%u %s, %u SYNs): port 102 "
                                "filtered or the host down", a->client_ip, a->f->plc, attempts,
                                plural(attempts, "attempt", "attempts"), a->x.syns);
  confidence(a, long_enough ? "high" : "medium", long_enough
      ? g_strdup_printf("%u SYNs retransmitted, none answered, and the capture goes on %.1f s after "
                        "the last", a->x.syns, after / 1e6)
      : g_strdup_printf("the capture ends %.1f s after the last SYN, before the retries ran out: an "
                        "answer may have come after it", after / 1e6));
  defaults(a, title, NULL);
}

static void text_port_unreachable(const TextView *v, Agg *a)
{
  (void)v;
  g_autofree char *extra = !a->x.icmp_v6 && a->x.icmp_type == 3 && a->x.icmp_code == 13
      ? g_strdup_printf("Code 13 (communication administratively prohibited): a firewall at %s "
                        "rejects the traffic.", a->x.router)
      : a->x.icmp_v6 && a->x.icmp_type == 1 && (a->x.icmp_code == 1 || a->x.icmp_code == 5 || a->x.icmp_code == 6)
      ? g_strdup_printf("ICMPv6 code %u (%s): a firewall at %s rejects the traffic.", a->x.icmp_code,
                        a->x.icmp_code == 1 ? "communication with destination administratively prohibited"
                        : a->x.icmp_code == 5 ? "source address failed ingress/egress policy"
                        : "reject route to destination", a->x.router)
      : NULL;
  defaults(a, NULL, extra);
}

static void text_no_response(const TextView *v, Agg *a)
{
  (void)v;
  char fbuf[S7_FUNCTION_TEXT_MAX];
  const char *ftext = function_text(a, fbuf);
  double s = a->x.waited_us / 1e6;
  char *title;
  switch (a->x.closed_how) {
  case END_RST_PLC:
  case END_FIN_PLC:
    title = g_strdup_printf("%s from %s was never answered: PLC %s %s the connection %.1f s later",
                            ftext, a->client_ip, a->f->plc,
                            a->x.closed_how == END_RST_PLC ? "reset" : "closed", s);
    break;
  case END_RST_CLIENT:
  case END_FIN_CLIENT:
    title = g_strdup_printf("PLC %s never answered %s from %s; the client %s the connection after "
                            "%.1f s (its timeout)", a->f->plc, ftext, a->client_ip,
                            a->x.closed_how == END_RST_CLIENT ? "reset" : "closed", s);
    break;
  case END_COTP_DR:
    title = g_strdup_printf("PLC %s never answered %s from %s; the connection ended with a COTP DR "
                            "%.1f s later", a->f->plc, ftext, a->client_ip, s);
    break;
  default:
    title = g_strdup_printf("PLC %s never answered %s from %s, while the connection went on "
                            "(%.1f s later)", a->f->plc, ftext, a->client_ip, s);
    break;
  }
  /* one cause, the one the frames show: who ended the connection and when */
  GString *ex = g_string_new(NULL);
  switch (a->x.closed_how) {
  case END_RST_PLC:
  case END_FIN_PLC:
    g_string_printf(ex, "The client sent a job and the PLC side ended the connection %.1f s later "
                    "without answering it: the CPU or its CP refused the job that way, restarted, "
                    "or a device in between ended the connection.", s);
    break;
  case END_RST_CLIENT:
  case END_FIN_CLIENT:
    g_string_printf(ex, "The client sent a job, the PLC never answered it, and the client gave up "
                    "after %.1f s (its timeout) and ended the connection.", s);
    break;
  case END_COTP_DR:
    g_string_printf(ex, "The client sent a job and the connection was disconnected (COTP DR) %.1f s "
                    "later without an answer.", s);
    break;
  default:
    g_string_printf(ex, "The client sent a job and the PLC never answered it, although the "
                    "connection went on (traffic %.1f s later).", s);
    break;
  }
  /* an acknowledgement faster than the path allows is not the PLC's */
  gboolean in_between = a->x.ack_frame && a->x.rtt_us >= 10000 && a->x.ack_delay_us * 4 < a->x.rtt_us;
  if (in_between) {
    g_string_append_printf(ex, " Its TCP acknowledgement (frame %u) came %.2f ms after the job, while "
                           "the connection's round trip (SYN to SYN/ACK) is %.0f ms: it cannot be the "
                           "PLC's. A device in between acknowledged it (a NAT router, a firewall or "
                           "proxy that terminates TCP, a virtual machine's network), and the job may "
                           "never have reached the PLC.", a->x.ack_frame, a->x.ack_delay_us / 1e3,
                           a->x.rtt_us / 1e3);
    set_text(&a->f->action, g_strdup("Check the path between the client and the PLC: which device "
                                     "answers TCP for the PLC's address (NAT, firewall, proxy, the "
                                     "virtual machine's network), its logs, and whether it forwards "
                                     "port 102 to the PLC; capture on the PLC's side of it."));
    confidence(a, "medium", g_strdup_printf("the acknowledgement came %.2f ms after the job on a path "
                                            "with a %.0f ms round trip; what happened beyond the "
                                            "device in between is not in the capture",
                                            a->x.ack_delay_us / 1e3, a->x.rtt_us / 1e3));
  } else if (a->x.ack_frame) {
    g_string_append_printf(ex, " The PLC's TCP acknowledged the job (frame %u), so it reached the "
                           "device, but no S7 answer followed.", a->x.ack_frame);
  }
  if (a->x.close_frame)
    g_string_append_printf(ex, " The connection ended in frame %u (%s).", a->x.close_frame,
                           s7_end_text(a->x.closed_how));
  set_text(&a->f->explanation, g_string_free(ex, FALSE));
  defaults(a, title, NULL);
}

static void text_storm(const TextView *v, Agg *a)
{
  const PairRecord *p = a->x.pair;
  a->f->connections = (guint)p->connections;
  double span = (p->last_ts - p->first_ts) / 1e6;
  double every = p->connections > 1 ? span / (double)(p->connections - 1) : 0;
  gboolean storm = p->refused + p->abandoned > 0 || p->open_peak >= 3;
  if (!storm) {
    a->f->severity = S7_SEV_NOTE;
    char *title = g_strdup_printf("Client %s connects anew for every poll: %" G_GUINT64_FORMAT
                                  " connections to PLC %s in %.1f s, one every %.1f s", p->client_ip,
                                  p->connections, p->plc, span, every);
    set_text(&a->f->explanation, g_strdup_printf(
        "Client %s opens a TCP and ISO connection for each poll and closes it after its jobs were "
        "answered; never two open at once. It works, but every poll costs a TCP handshake, a COTP "
        "connect and Setup Communication, and a connection resource of the CPU for a moment "
        "(%" G_GUINT64_FORMAT " connections in %.1f s).", p->client_ip, p->connections, span));
    set_text(&a->f->action, g_strdup("Keep one connection open and poll over it (most client "
                                      "libraries can), unless the device needs it this way."));
    set_text(&a->f->client_says, g_strdup("nothing: every poll works"));
    confidence(a, "high", g_strdup_printf("%" G_GUINT64_FORMAT " connections shorter than %.0f s, "
                                          "each closed by the client with all jobs answered",
                                          p->connections, v->cfg->storm_short_s));
    defaults(a, title, NULL);
    return;
  }
  GString *t = g_string_new(NULL);
  g_string_printf(t, "Client %s opened %" G_GUINT64_FORMAT " connections to PLC %s in %.1f s (",
                  p->client_ip, p->connections, p->plc, span);
  const char *sep = "";
  if (p->abandoned) {
    g_string_append_printf(t, "%s%" G_GUINT64_FORMAT " abandoned with a job or the connect unanswered",
                           sep, p->abandoned);
    sep = ", ";
  }
  if (p->refused) {
    g_string_append_printf(t, "%s%" G_GUINT64_FORMAT " refused", sep, p->refused);
    sep = ", ";
  }
  if (p->open_peak >= 2)
    g_string_append_printf(t, "%sup to %u open at once", sep, p->open_peak);
  g_string_append(t, "): a reconnect loop");
  confidence(a, "high", g_strdup_printf("%" G_GUINT64_FORMAT " connection starts from one client to "
                                        "one PLC, %" G_GUINT64_FORMAT " of them refused or abandoned",
                                        p->connections, p->refused + p->abandoned));
  defaults(a, g_string_free(t, FALSE), NULL);
}

/* The default time common client libraries wait for an answer (docs/fault-facts.md) */
static const struct {
  const char *name;
  gint64 us;
} client_timeouts[] = {
  { "PLC4X's Go driver (1 s)", 1000000 }, { "nodes7 (1.5 s)", 1500000 }, { "libnodave (1.5 s)", 1500000 },
  { "snap7, node-snap7 and python-snap7 up to 2.x (3 s)", 3000000 }, { "python-snap7 3.x (5 s)", 5000000 },
  { "S7.Net and PLC4X's Java driver (10 s)", 10000000 },
};

static char *duration_text(gint64 us)
{
  if (us < 1000)
    return g_strdup("under 1 ms");
  if (us < 1000000)
    return g_strdup_printf("%.0f ms", us / 1e3);
  return g_strdup_printf("%.1f s", us / 1e6);
}

static void text_slow_response(const TextView *v, Agg *a)
{
  (void)v;
  char fbuf[S7_FUNCTION_TEXT_MAX];
  g_autofree char *worst = duration_text(a->x.slow_worst_us);
  g_autofree char *usual = duration_text(a->x.usual_us);
  GString *over = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(client_timeouts); i++)
    if (a->x.slow_worst_us >= client_timeouts[i].us)
      g_string_append_printf(over, "%s%s", over->len ? "; " : "", client_timeouts[i].name);
  a->f->severity = over->len ? S7_SEV_WARNING : S7_SEV_NOTE;
  char *title = g_strdup_printf("PLC %s answered %" G_GUINT64_FORMAT " Read/Write Var %s of %s far "
                                "slower than usual: the slowest (%s) after %s, usually within %s",
                                a->f->plc, a->x.slow, plural(a->x.slow, "job", "jobs"), a->client_ip,
                                s7_function_text(a->x.function, 0, 0, fbuf), worst, usual);
  GString *ex = g_string_new(s7_kind_info(a->f->kind)->cause);
  if (over->len)
    g_string_append_printf(ex, " The slowest answer took longer than the default response timeout "
                           "of %s: a client of those with default settings gave up on it.", over->str);
  else
    g_string_append(ex, " The slowest answer came within every common client library's default "
                        "response timeout (the shortest, PLC4X's Go driver, waits 1 s): clients with "
                        "default settings still got it, later than usual.");
  set_text(&a->f->explanation, g_string_free(ex, FALSE));
  g_string_free(over, TRUE);
  confidence(a, "high", g_strdup_printf("each job's and answer's frames give its time; the usual time is "
                                        "the median of the connection's %" G_GUINT64_FORMAT
                                        " Read/Write Var %s", a->x.answers,
                                        plural(a->x.answers, "answer", "answers")));
  defaults(a, title, NULL);
}

static void text_leaked(const TextView *v, Agg *a)
{
  const PlcRecord *p = v->plc;
  g_autofree char *limit = p ? s7_connection_resources_text(p->identity.order_number, p->identity.firmware)
                             : NULL;
  if (limit)
    set_text(&a->f->explanation, g_strdup_printf("%s For this PLC: %s; HMIs, engineering stations, "
                                                 "web and OPC UA sessions take them too.",
                                                 s7_kind_info(a->f->kind)->cause, limit));
  g_autofree char *lo = duration_text(a->x.idle_min_us);
  g_autofree char *hi = duration_text(a->x.idle_max_us);
  a->f->connections = MAX(a->f->connections, a->x.leaked);
  char *title = a->x.idle_min_us == a->x.idle_max_us
      ? g_strdup_printf("Client %s left %u connections to PLC %s open and idle (for %s at the "
                        "capture's end): each holds one of the CPU's connection resources",
                        a->client_ip, a->x.leaked, a->f->plc, lo)
      : g_strdup_printf("Client %s left %u connections to PLC %s open and idle (for %s to %s at the "
                        "capture's end): each holds one of the CPU's connection resources",
                        a->client_ip, a->x.leaked, a->f->plc, lo, hi);
  confidence(a, "medium", g_strdup_printf("none of the %u connections was closed within the capture "
                                          "and the client opened another after they went idle; the "
                                          "capture cannot show whether it closes them later",
                                          a->x.leaked));
  defaults(a, title, NULL);
}

static void text_plc_closed(const TextView *v, Agg *a)
{
  (void)v;
  const char *how = a->x.close_how && !strcmp(a->x.close_how, "RST") ? "reset" : "closed";
  const char *d = a->f->detail ? a->f->detail : "";
  char fbuf[S7_FUNCTION_TEXT_MAX];
  char *title;
  const char *why, *act;
  guint n = MAX(a->x.closes, 1);
  g_autofree char *times = n > 1 ? g_strdup_printf(" (%u times)", n) : g_strdup("");
  if (!strcmp(d, "several connections at once")) {
    a->f->connections = MAX(a->f->connections, n);
    title = g_strdup_printf("PLC %s %s %u connections at once (%u %s): a CPU restart or STOP, "
                            "or a CP reset", a->f->plc, how, n, MAX(a->x.close_clients, 1),
                            plural(MAX(a->x.close_clients, 1), "client", "clients"));
    why = "The PLC side ended several connections within a second of each other: the CPU went "
          "to STOP or restarted, or its CP or the network module was reset. Every client sees "
          "its connection reset at the same moment.";
    act = "Look at the CPU's diagnostic buffer (TIA Portal: Online & diagnostics) for a STOP, "
          "restart or CP reset at that time; let the clients reconnect on their own.";
  } else if (!strcmp(d, "right after a job")) {
    title = g_strdup_printf("PLC %s %s the connection from %s right after a %s job (%.1f s "
                            "later)%s: it refused the job by closing", a->f->plc, how, a->client_ip,
                            s7_function_text(a->x.function, a->x.ud_group, a->x.ud_subfunc, fbuf),
                            a->x.waited_us / 1e6, times);
    why = "The PLC ended the connection while the client's job was open, without answering it: "
          "CPUs and CPs do this with a job they do not accept (an unknown function, a size they "
          "cannot take, a malformed request) instead of answering an error.";
    act = "Check what the job asks for (function, item count, sizes against the negotiated PDU) "
          "and what the client library sends; try the same job with another client.";
  } else if (!strcmp(d, "after idle time")) {
    title = g_strdup_printf("PLC %s %s the connection from %s after %.1f s without traffic%s: "
                            "the CPU's or CP's connection timeout", a->f->plc, how, a->client_ip,
                            a->x.idle_us / 1e6, times);
    why = "The connection had been silent before the PLC side ended it: CPs and some CPUs close "
          "S7 connections that carry no traffic for a while, so a client that polls rarely "
          "finds its connection gone.";
    act = "Poll more often than the connection timeout, or let the client reconnect on its own "
          "when the connection was closed.";
  } else if (!strcmp(d, "idle since before the capture")) {
    title = g_strdup_printf("PLC %s %s the connection from %s, idle since before the capture "
                            "began%s: the CPU's or CP's connection timeout", a->f->plc, how,
                            a->client_ip, times);
    why = "The connection was made before the capture began and carried nothing in it until "
          "the PLC side ended it, while the client still held it (it closed later): CPs and some "
          "CPUs close S7 connections that carry no traffic for a while, so a client that polls "
          "rarely finds its connection gone.";
    act = "Poll more often than the connection timeout, or let the client reconnect on its own "
          "when the connection was closed; capture from before the client connects to see how "
          "long the connection stays idle.";
    confidence(a, "medium", g_strdup("the connection began before the capture: it cannot show the "
                                     "connection's start, what went over it nor how long it had "
                                     "been idle before the PLC closed it"));
  } else if (!strcmp(d, "before any S7 traffic")) {
    title = g_strdup_printf("PLC %s %s the connection from %s before any S7 traffic%s",
                            a->f->plc, how, a->client_ip, times);
    why = "The PLC side ended the connection before a single S7 job went over it (after the TCP "
          "or the ISO connect): its connection resources are taken, the partner is not allowed "
          "(a CP's access list), or the device is not an S7 server on this port.";
    act = "Check the CPU's free connection resources and a CP's access protection (IP access "
          "list); check that the address belongs to the PLC.";
  } else {
    title = g_strdup_printf("PLC %s %s the connection from %s during the session (%.1f s after "
                            "the last S7 traffic)%s", a->f->plc, how, a->client_ip,
                            a->x.idle_us / 1e6, times);
    why = "The PLC side ended the connection while it was in use.";
    act = "Look at the CPU's diagnostic buffer at that time (STOP, restart, CP reset, "
          "communication load).";
  }
  set_text(&a->f->explanation, g_strdup(why));
  set_text(&a->f->action, g_strdup(act));
  defaults(a, title, NULL);
}

static void text_write_conflict(const TextView *v, Agg *a)
{
  (void)v;
  a->f->connections = MAX(a->f->connections, a->x.n_writers);
  GString *who = g_string_new(NULL);
  for (guint i = 0; i < a->x.n_writers; i++) {
    const __typeof__(a->x.writers[0]) *w = &a->x.writers[i];
    double span = (w->last_ts - w->first_ts) / 1e6;
    g_string_append_printf(who, "%s%s wrote %s %" G_GUINT64_FORMAT " %s", i ? "; " : "", w->client,
                           w->address, w->count, plural(w->count, "time", "times"));
    if (w->count > 1 && span > 0)
      g_string_append_printf(who, " (%.1f/s)", (double)w->count / span);
    g_string_append_printf(who, ", %s %s", w->changes ? "last" : "value", w->value);
  }
  char *title = g_strdup_printf("%u clients write %s on PLC %s%s: %s", a->x.n_writers,
                                a->f->detail, a->f->plc,
                                a->x.values_differ ? " with different values" : "", who->str);
  set_text(&a->f->explanation, g_strdup_printf(
      "%s Who wrote what: %s. %s", s7_kind_info(a->f->kind)->cause, who->str,
      a->x.values_differ ? "The values differ, so the address ends up with whatever the last "
                           "writer sent: the value keeps flipping back."
                         : "They write the same value now, but each overrides the other."));
  g_string_free(who, TRUE);
  confidence(a, "high", g_strdup_printf("Write Var jobs of %u client hosts to overlapping "
                                        "addresses of this PLC were answered with success",
                                        a->x.n_writers));
  defaults(a, title, NULL);
}

/* ------------------------------------------------------------------ S7comm-plus */

static void text_s7plus_error(const TextView *v, Agg *a)
{
  const char *known = s7_s7plus_error_text(a->x.s7plus_error);
  const S7PlusGeneric *g = a->x.s7plus_generic ? s7_s7plus_generic(a->x.s7plus_generic) : NULL;
  const PairRecord *pair = v->pair;
  gboolean probe = a->x.session_ended_normally && pair && pair->s7plus_ok_start > a->x.session_end_ts;
  gboolean init_ssl = a->x.function == S7PLUS_FUNC_INIT_SSL;
  char *title = g ? g_strdup_printf("PLC %s answered S7comm-plus %s with %s (error %d: %s)", a->f->plc,
                                    a->f->detail, g->name, a->x.s7plus_error, known ? known : "unknown")
                  : g_strdup_printf("PLC %s answered S7comm-plus %s with error %d (%s)", a->f->plc,
                                    a->f->detail, a->x.s7plus_error, known ? known : "unknown");
  GString *ex = g_string_new(s7_kind_info(a->f->kind)->cause);
  if (g && g->meaning)
    g_string_append_printf(ex, " %s: %s.", g->name, g->meaning);
  else if (a->x.s7plus_generic)
    g_string_append_printf(ex, " Generic error code %u%s%s.", a->x.s7plus_generic, g ? " " : "",
                           g ? g->name : "");
  if (init_ssl)
    g_string_append(ex, " The CPU refused InitSsl, the start of a TLS-protected session: its "
                        "firmware does not support secure PG/PC and HMI communication, or the "
                        "option is not enabled in the CPU's properties.");
  if (a->x.consequences)
    g_string_append_printf(ex, " %u later %s of the same session (%s) followed from it and %s "
                           "counted here.", a->x.consequences, plural(a->x.consequences, "error", "errors"),
                           a->x.consequence_functions ? a->x.consequence_functions : "",
                           plural(a->x.consequences, "is", "are"));
  /* the same session went on and worked: the client tried something the CPU does not allow
   * and carried on */
  gboolean worked_after = !probe && a->x.ok_after > 0 && a->x.s7plus_generic != 24;
  if (probe) {
    a->f->severity = S7_SEV_NOTE;
    g_string_append(ex, " The session ended normally and a later session of the same client "
                        "worked: an engineering tool or HMI probing what the CPU supports.");
  } else if (worked_after) {
    a->f->severity = S7_SEV_NOTE;
    g_string_append_printf(ex, " The same session went on and worked after it (%" G_GUINT64_FORMAT
                           " %s without error followed): the client tried a service the CPU does "
                           "not offer it here and carried on.", a->x.ok_after,
                           plural(a->x.ok_after, "answer", "answers"));
  } else if (a->x.s7plus_generic == 24 /* TooManySessions */) {
    a->f->severity = S7_SEV_ERROR;   /* the session was not set up: nothing works */
  }
  set_text(&a->f->explanation, g_string_free(ex, FALSE));
  if (init_ssl)
    set_text(&a->f->action, g_strdup("Enable secure PG/PC and HMI communication in the CPU's properties "
                                     "(TIA Portal V17 or later, firmware that supports it), or "
                                     "configure the client for the CPU's legacy (non-TLS) access."));
  else if (g && g->action)
    set_text(&a->f->action, g_strdup(g->action));
  if (!known && !g)
    confidence(a, "medium", g_strdup_printf("error %d is not among the S7comm-plus codes s7diag "
                                            "knows; its meaning is a guess from the context",
                                            a->x.s7plus_error));
  else if (probe)
    confidence(a, "medium", g_strdup("a probe of a session that ended normally before a working one"));
  else if (worked_after)
    confidence(a, "medium", g_strdup_printf("the same session worked after the error (%" G_GUINT64_FORMAT
                                            " %s without error followed): it did not stop the "
                                            "communication", a->x.ok_after,
                                            plural(a->x.ok_after, "answer", "answers")));
  defaults(a, title, NULL);
}

/* ------------------------------------------------------------------ segmentation audit */

static void text_unexpected_partner(const TextView *v, Agg *a)
{
  (void)v;
  const PairRecord *p = a->x.pair;
  GString *did = g_string_new(NULL);
  if (p->control_jobs)
    g_string_append_printf(did, "controlled it (%" G_GUINT64_FORMAT " PLC control %s)", p->control_jobs,
                           p->control_jobs == 1 ? "job" : "jobs");
  if (p->write_jobs)
    g_string_append_printf(did, "%swrote to it (%" G_GUINT64_FORMAT " Write Var %s)", did->len ? ", " : "",
                           p->write_jobs, p->write_jobs == 1 ? "job" : "jobs");
  if (p->read_jobs)
    g_string_append_printf(did, "%sread from it (%" G_GUINT64_FORMAT " Read Var %s)", did->len ? ", " : "",
                           p->read_jobs, p->read_jobs == 1 ? "job" : "jobs");
  if (p->other_jobs)
    g_string_append_printf(did, "%sasked it %" G_GUINT64_FORMAT " other %s", did->len ? ", " : "",
                           p->other_jobs, p->other_jobs == 1 ? "job" : "jobs");
  if (!did->len)
    g_string_append_printf(did, "connected to its S7 port (%" G_GUINT64_FORMAT " %s)", p->connections,
                           p->connections == 1 ? "connection" : "connections");
  a->f->severity = a->x.needed >= S7_ACCESS_READ_WRITE ? S7_SEV_WARNING : S7_SEV_NOTE;
  char *title;
  if (a->x.granted == S7_ACCESS_NONE)
    title = g_strdup_printf("Host %s is not an allowed partner of PLC %s and %s", a->client_ip, a->f->plc,
                            did->str);
  else
    title = g_strdup_printf("Host %s %s PLC %s, but the partner list allows it %s (line %u)", a->client_ip,
                            a->x.needed == S7_ACCESS_FULL ? "controlled" : "wrote to", a->f->plc,
                            s7_access_name(a->x.granted), a->x.rule_line);
  set_text(&a->f->explanation, g_strdup_printf(
      "%s %s: %s. It needed %s access.", s7_kind_info(a->f->kind)->cause,
      a->x.granted == S7_ACCESS_NONE ? "No rule of the partner list allows this host to reach the PLC"
                                     : "The partner list allows this host less than it did",
      did->str, s7_access_name(a->x.needed)));
  g_string_free(did, TRUE);
  confidence(a, "high", g_strdup("the host's connections and S7 jobs in the capture, checked against "
                                 "the partner list"));
  defaults(a, title, NULL);
}

static void text_s7plus_legacy(const TextView *v, Agg *a)
{
  (void)v;
  char *title = g_strdup_printf("S7comm-plus %s session between %s and PLC %s", a->f->detail,
                                a->client_ip, a->f->plc);
  defaults(a, title, NULL);
}

/* ------------------------------------------------------------------ security notes */

static void range_text(GString *s, const S7Range *r)
{
  S7ReqItem it = { .syntax_id = 0x10, .area = r->area, .db = r->db, .transport_size = 2, .length = 1 };
  gboolean numbered = r->area == S7_AREA_C || r->area == S7_AREA_T || r->area == S7_AREA_C200 ||
                      r->area == S7_AREA_T200;
  it.address = numbered ? r->lo : r->lo << 3;
  char buf[S7_ADDRESS_TEXT_MAX];
  g_string_append(s, s7_format_address(&it, buf));
  if (r->hi > r->lo + 1)
    g_string_append_printf(s, "-%u", r->hi - 1);
}

static void text_unauthenticated_write(const TextView *v, Agg *a)
{
  (void)v;
  GString *t = g_string_new(NULL);
  guint64 n = a->f->occurrences;
  g_string_printf(t, "PLC %s accepts unauthenticated Write Var from %s: %" G_GUINT64_FORMAT
                  " Write Var %s to ", a->f->plc, a->client_ip, n, plural(n, "job", "jobs"));
  for (guint i = 0; i < a->x.n_ranges; i++) {
    if (i)
      g_string_append(t, i + 1 == a->x.n_ranges && !a->x.more_ranges ? " and " : ", ");
    range_text(t, &a->x.ranges[i]);
  }
  if (a->x.more_ranges)
    g_string_append(t, " and more");
  double span = (a->f->last_ts_us - a->f->first_ts_us) / 1e6;
  if (n > 1 && span > 0)
    g_string_append_printf(t, " (%.1f/s)", (double)n / span);
  defaults(a, g_string_free(t, FALSE), NULL);
}

static void text_plc_control(const TextView *v, Agg *a)
{
  (void)v;
  defaults(a, g_strdup_printf("%s sent %s to PLC %s", a->client_ip, a->f->detail, a->f->plc), NULL);
}

static void text_password(const TextView *v, Agg *a)
{
  (void)v;
  defaults(a, g_strdup_printf("%s sent a PLC password to %s", a->client_ip, a->f->plc), NULL);
}

/* ------------------------------------------------------------------ dispatch */

void s7_finding_texts(const TextView *v, Agg *a)
{
  /* written anew from the facts each time (a snapshot before the end of a live capture) */
  S7Finding *f = a->f;
  g_clear_pointer(&f->title, g_free);
  g_clear_pointer(&f->explanation, g_free);
  g_clear_pointer(&f->action, g_free);
  g_clear_pointer(&f->client_says, g_free);
  g_clear_pointer(&f->confidence_reason, g_free);
  f->confidence = NULL;
  switch (a->f->kind) {
  case S7K_PUTGET_DENIED: text_putget(v, a); break;
  case S7K_INVALID_ADDRESS:
  case S7K_OBJECT_MISSING:
  case S7K_ACCESS_DENIED:
  case S7K_DATA_TYPE_ERROR:
    if (a->code_source == SRC_ITEM)
      text_item(v, a);
    else
      text_error_code(v, a);
    break;
  case S7K_PDU_SIZE_EXCEEDED:
    if (a->code_source == SRC_ITEM)
      text_item(v, a);   /* snap7's server answers an item code 0x85 */
    else
      text_pdu_size(v, a);
    break;
  case S7K_AMQ_EXCEEDED: text_amq(v, a); break;
  case S7K_PDU_FRAGMENTED: text_fragmented(v, a); break;
  case S7K_PLC_ERROR:
    if (a->code_source == SRC_FRAMES)
      text_cotp_er(v, a);
    else
      text_error_code(v, a);
    break;
  case S7K_FUNCTION_NOT_AVAILABLE:
  case S7K_PROTECTION_LEVEL:
  case S7K_RESOURCE_ERROR:
  case S7K_SETUP_REJECTED:
    text_error_code(v, a);
    break;
  case S7K_CONNECT_REFUSED: text_connect_refused(v, a); break;
  case S7K_CONNECT_NO_ANSWER: text_connect_no_answer(v, a); break;
  case S7K_PORT_NO_ANSWER: text_port_no_answer(v, a); break;
  case S7K_PORT_REFUSED: defaults(a, NULL, NULL); break;
  case S7K_PORT_UNREACHABLE: text_port_unreachable(v, a); break;
  case S7K_NO_RESPONSE: text_no_response(v, a); break;
  case S7K_RECONNECT_STORM: text_storm(v, a); break;
  case S7K_PLC_CLOSED: text_plc_closed(v, a); break;
  case S7K_SLOW_RESPONSE: text_slow_response(v, a); break;
  case S7K_LEAKED_CONNECTIONS: text_leaked(v, a); break;
  case S7K_WRITE_CONFLICT: text_write_conflict(v, a); break;
  case S7K_S7PLUS_ERROR: text_s7plus_error(v, a); break;
  case S7K_UNEXPECTED_PARTNER: text_unexpected_partner(v, a); break;
  case S7K_UNAUTHENTICATED_WRITE: text_unauthenticated_write(v, a); break;
  case S7K_PLC_CONTROL: text_plc_control(v, a); break;
  case S7K_PASSWORD_ATTEMPT: text_password(v, a); break;
  case S7K_S7PLUS_LEGACY: text_s7plus_legacy(v, a); break;
  default: defaults(a, NULL, NULL); break;
  }
}
