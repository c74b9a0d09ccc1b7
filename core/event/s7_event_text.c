/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_event_text.c — an engine event as one line of text (see s7_event_text.h). */
#include "s7_event_text.h"

#include "s7_address.h"

static void endpoint(GString *out, const S7Endpoint *ep)
{
  char buf[S7_ENDPOINT_TEXT_MAX];
  g_string_append(out, s7_endpoint_format(ep, buf)); /* an IPv6 address in brackets */
}

static void bytes(GString *out, const guint8 *b, guint n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_printf(out, "%02x", b[i]);
}

static void s7_pdu(GString *out, const S7Pdu *p)
{
  g_string_append_printf(out, " rosctr=%u ref=%u par=%u dat=%u err=0x%02x%02x perr=0x%04x", p->rosctr,
                         p->pdu_ref, p->param_len, p->data_len, p->err_class, p->err_code, p->param_error);
  if (p->function == S7_FUNC_NONE)
    g_string_append(out, " func=none");
  else
    g_string_append_printf(out, " func=0x%02x", p->function);
  if (p->rosctr == S7_ROSCTR_USERDATA)
    g_string_append_printf(out, " ud=%u/%u/%u", p->ud_type, p->ud_group, p->ud_subfunc);
  if (p->function == S7_FUNC_SETUP_COMM)
    g_string_append_printf(out, " amq=%u/%u pdu=%u", p->max_amq_calling, p->max_amq_called, p->pdu_size);
  if (p->pi_service[0])
    g_string_append_printf(out, " pi=%s", p->pi_service);
  for (guint i = 0; i < p->n_items && i < S7_MAX_ITEMS; i++) {
    const S7ReqItem *it = &p->items[i];
    g_string_append_printf(out, " item=%02x/%02x/%u/%u/0x%x/%u", it->syntax_id, it->area, it->db,
                           it->transport_size, it->address, it->length);
    if (it->data_total) {
      g_string_append_printf(out, "=%u:", it->data_total);
      bytes(out, it->data, it->data_len);
    }
  }
  if (p->szl_id)
    g_string_append_printf(out, " szl=0x%04x", p->szl_id);
  const S7Identity *id = &p->identity;
  if (id->order_number[0] || id->firmware[0] || id->system_name[0] || id->module_name[0] ||
      id->plant[0] || id->serial[0] || id->cpu_type[0])
    g_string_append_printf(out, " ident=[%s|%s|%s|%s|%s|%s|%s]", id->order_number, id->firmware,
                           id->system_name, id->module_name, id->plant, id->serial, id->cpu_type);
  if (p->n_retcodes) {
    g_string_append(out, " rc=");
    for (guint i = 0; i < p->n_retcodes && i < S7_MAX_ITEMS; i++)
      g_string_append_printf(out, "%s%02x", i ? "," : "", p->retcodes[i]);
  }
}

void s7_event_append_text(GString *out, const S7Event *ev)
{
  g_string_append_printf(out, "%u %" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " ", ev->frame,
                         ev->ts_us / G_USEC_PER_SEC, ev->ts_us % G_USEC_PER_SEC);
  switch (ev->type) {
  case S7_EV_TCP:
    g_string_append(out, "TCP ");
    break;
  case S7_EV_ICMP_UNREACH:
    g_string_append(out, ev->u.icmp.v6 ? "ICMPv6 " : "ICMP ");
    break;
  case S7_EV_COTP:
    g_string_append(out, "COTP ");
    break;
  case S7_EV_S7:
    g_string_append(out, "S7 ");
    break;
  case S7_EV_S7PLUS:
    g_string_append(out, "S7+ ");
    break;
  }
  endpoint(out, &ev->src);
  g_string_append(out, " > ");
  endpoint(out, &ev->dst);
  if (ev->have_mac) {
    g_string_append(out, " mac=");
    bytes(out, ev->src_mac, 6);
    g_string_append(out, ">");
    bytes(out, ev->dst_mac, 6);
  }
  switch (ev->type) {
  case S7_EV_TCP:
    g_string_append_printf(out, " flags=0x%02x len=%u seq=%u ack=%u ttl=%u", ev->u.tcp.flags,
                           ev->u.tcp.payload_len, ev->u.tcp.seq, ev->u.tcp.ack, ev->u.tcp.ttl);
    if (ev->u.tcp.have_ip_id)
      g_string_append_printf(out, " id=0x%04x", ev->u.tcp.ip_id);
    g_string_append_printf(out, "%s%s%s", ev->u.tcp.retransmission ? " retransmission" : "",
                           ev->u.tcp.capture_gap ? " gap" : "", ev->u.tcp.tpkt ? " tpkt" : "");
    if (ev->u.tcp.payload_cut)
      g_string_append_printf(out, " cut=%u", ev->u.tcp.payload_cut);
    break;
  case S7_EV_ICMP_UNREACH:
    g_string_append_printf(out, " type=%u code=%u quoted=", ev->u.icmp.icmp_type, ev->u.icmp.icmp_code);
    endpoint(out, &ev->u.icmp.quoted_src);
    g_string_append(out, ">");
    endpoint(out, &ev->u.icmp.quoted_dst);
    break;
  case S7_EV_COTP:
    g_string_append_printf(out, " tpdu=0x%02x cause=0x%02x size=%u src_tsap=", ev->u.cotp.tpdu,
                           ev->u.cotp.cause, ev->u.cotp.tpdu_size);
    bytes(out, ev->u.cotp.src_tsap, MIN(ev->u.cotp.src_tsap_len, S7_TSAP_MAX));
    g_string_append(out, " dst_tsap=");
    bytes(out, ev->u.cotp.dst_tsap, MIN(ev->u.cotp.dst_tsap_len, S7_TSAP_MAX));
    break;
  case S7_EV_S7:
    s7_pdu(out, &ev->u.s7);
    break;
  case S7_EV_S7PLUS: {
    const S7PlusPdu *p = &ev->u.s7plus;
    if (p->tls) {
      g_string_append(out, " tls-record");
      break;
    }
    g_string_append_printf(out, " v=%u op=0x%02x func=0x%04x seq=%u session=0x%08x integrity=%d",
                           p->version, p->opcode, p->function, p->seq, p->session_id, p->has_integrity);
    if (p->has_return)
      g_string_append_printf(out, " ret=0x%" G_GINT64_MODIFIER "x err=%d generic=%u%s", p->return_value,
                             p->error_code, p->generic_error, p->server_error ? " server-error" : "");
    if (p->identity.order_number[0])
      g_string_append_printf(out, " order=\"%s\" firmware=\"%s\"", p->identity.order_number,
                             p->identity.firmware);
    break;
  }
  }
}
