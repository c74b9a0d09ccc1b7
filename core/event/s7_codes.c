/* SPDX-License-Identifier: GPL-2.0-or-later */
/* s7_codes.c — the one table of S7 codes, fault kinds and their texts. */
#include "s7_codes.h"

#include <stdlib.h>
#include <string.h>

#include "s7_event.h"

/* ------------------------------------------------------------------ fault kinds */

static const S7KindInfo kinds[S7K_COUNT] = {
  { S7K_PUTGET_DENIED, "putget-denied", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "PUT/GET denied",
    "PLC refuses PUT/GET access (Read/Write Var answered with 0x8104)",
    "The CPU answered Read Var / Write Var jobs with error 0x8104 (\"This service is not "
    "implemented on the module\"). S7-1200/1500 CPUs do this when \"Permit access with "
    "PUT/GET communication from remote partner\" is off, which is the default in current "
    "firmware; it also happens when the box is ticked but the hardware configuration was "
    "never downloaded.",
    "TIA Portal: open the CPU's properties -> Protection & Security -> Connection mechanisms "
    "-> tick \"Permit access with PUT/GET communication from remote partner\"; then download "
    "the hardware configuration (a software-only download does not apply it).",
    "snap7: \"CPU : Function not available\" (single-area reads: \"CLI : function refused by "
    "CPU (Unknown error)\"); nodes7 0.3.18 cannot parse the error answer: \"Timeout error - zero length "
    "packet\", \"Received a ZERO RESPONSE Processing Read Packet due to unrecoverable packet "
    "error\" (newer nodes7: \"PLC error [0x8104]\"); S7.Net: \"Received 12 bytes: "
    "'32-02-...-81-04', expected N bytes.\"; PLC4X: ACCESS_DENIED" },
  { S7K_FUNCTION_NOT_AVAILABLE, "function-not-available", S7_SEV_WARNING, S7_GROUP_RESPONSE_CODE,
    "function not available",
    "PLC does not offer this S7 function (0x8104)",
    "The CPU answered a job other than Read/Write Var with 0x8104: the function is not "
    "implemented on this module, e.g. block upload or PLC control on an S7-1200/1500, which "
    "only offer them through S7comm-plus.",
    "Use a function the CPU supports (S7-1200/1500: only PUT/GET data access and SZL reads "
    "are available over classic S7comm), or use TIA Portal for block and CPU operations.",
    "snap7: \"CPU : Function not available\"; nodes7: \"PLC error [0x8104]\"" },
  { S7K_INVALID_ADDRESS, "invalid-address", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "optimized or out of range",
    "PLC rejects the address (item return code 0x05)",
    "The CPU answered the item with return code 0x05 (invalid address). On a DB this means "
    "the DB has \"Optimized block access\" (no absolute addresses, S7-1200/1500) or is "
    "shorter than requested; offset 0 on a DB that exists points to an optimized DB.",
    "If the DB is optimized: in TIA Portal open the DB's properties -> Attributes, clear "
    "\"Optimized block access\", compile and download (the DB's values are reinitialised), "
    "or read it symbolically (OPC UA / S7comm-plus). Otherwise correct the offset or length "
    "to lie inside the DB.",
    "snap7: \"CPU : Address out of range\"; nodes7: \"Invalid address\" / \"Invalid Response "
    "Code - 5\"; S7.Net: \"Address out of range.\"; libnodave: \"the desired address is "
    "beyond limit for this PLC\"; PLC4X: INVALID_ADDRESS" },
  { S7K_OBJECT_MISSING, "object-missing", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "object missing",
    "PLC says the object does not exist (0x0A / 0x810A / 0xD209)",
    "The requested DB or block does not exist in the CPU: it was never downloaded, was "
    "deleted, or the client uses the wrong number.",
    "Check the DB/block number against the PLC program and download the block to the CPU.",
    "snap7: \"CPU : Item not available\"; nodes7: \"Invalid Response Code - 10\"; S7.Net: "
    "\"Object does not exist.\"; libnodave: \"the desired item is not available in the PLC\"; "
    "PLC4X: NOT_FOUND" },
  { S7K_ACCESS_DENIED, "access-denied", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "access denied",
    "PLC denies access to the object (0x03 / 0x8103 / 0x8703)",
    "The CPU refused access to the item: the object is read-only or write-protected for "
    "this connection (e.g. writing timers/counters, protected DBs, write access denied by "
    "the CPU's access level).",
    "Check the CPU's protection/access level and the DB's \"read only from HMI/OPC UA\" "
    "settings; write to an area the PLC program allows.",
    "snap7: \"CLI : function refused by CPU (Unknown error)\"; nodes7: \"Invalid Response "
    "Code - 3\" (reads), \"Received write error of 3 on\" the item (writes)" },
  { S7K_PROTECTION_LEVEL, "protection-level", S7_SEV_WARNING, S7_GROUP_RESPONSE_CODE,
    "protection level",
    "PLC refuses the function at its current protection level",
    "The CPU's protection level (read/write protection, password) does not allow this "
    "function for an unauthenticated connection (0xD241, 0xD0A1), or the password was "
    "wrong (0xD602) or does not exist (0xD605).",
    "Enter the right password for the connection, or lower the protection level in the "
    "CPU's properties -> Protection & Security (then download the hardware configuration).",
    "snap7: \"CPU : Function not authorized for current protection level\"; STEP 7: "
    "\"Function not permitted in current protection level\"" },
  { S7K_PDU_SIZE_EXCEEDED, "pdu-size-exceeded", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "PDU size exceeded",
    "Request or response does not fit the negotiated PDU size (0x8500)",
    "The CPU answered 0x8500 (wrong frames): the job or its answer is larger than the PDU "
    "size negotiated in Setup Communication (e.g. 240 bytes on an S7-300/1200).",
    "Split the request into smaller reads/writes that fit the negotiated PDU size, or let the "
    "client library split them (most do when told the PDU size).",
    "snap7: \"CPU : total data exceeds the PDU size\"; nodes7: \"PLC error [0x8500]\"" },
  { S7K_DATA_TYPE_ERROR, "data-type-error", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "data type error",
    "PLC rejects the item's data type or size (0x06 / 0x07)",
    "The CPU answered the item with 0x06 (data type not supported) or 0x07 (data type "
    "inconsistent: write length does not match the transport size).",
    "Make the write's transport size and length match the variable (e.g. a WORD write of 2 "
    "bytes), or read with a supported transport size.",
    "snap7: \"CPU : Invalid Transport size\" / \"CPU : Data size mismatch\"; nodes7: "
    "\"Invalid Response Code - 6/7\"" },
  { S7K_RESOURCE_ERROR, "resource-error", S7_SEV_ERROR, S7_GROUP_RESPONSE_CODE,
    "no resources",
    "PLC has no resources for the job (error class 0x83)",
    "The CPU answered with an error of class 0x83 (no resources available): too many "
    "parallel jobs or connections, or not enough memory for the request.",
    "Reduce parallel jobs per connection (respect the negotiated Max AmQ) and the number of "
    "clients; check the CPU's communication load settings.",
    "snap7: \"CPU : Resource not available\"; nodes7: \"PLC error [0x83xx]\"" },
  { S7K_PLC_ERROR, "plc-error", S7_SEV_WARNING, S7_GROUP_RESPONSE_CODE,
    "PLC error",
    "PLC answered with an S7 error",
    "The CPU answered the job with an error code; its meaning is given with the finding.",
    "See the code's meaning; most are caused by the state of the CPU or the request.",
    "snap7: \"CPU : ...\" with the code; nodes7: \"PLC error [0x....]\"" },
  { S7K_CONNECT_REFUSED, "connect-refused", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "ISO connect refused",
    "PLC refuses the ISO connection (COTP CR answered by RST/FIN/DR)",
    "TCP was accepted but the CPU answered the COTP Connection Request with a reset, a FIN "
    "or a Disconnect Request instead of a Connection Confirm. CPUs do this when all "
    "connection resources are in use, or when the called TSAP (rack/slot) is wrong.",
    "If the CPU's connection resources are exhausted: close idle connections, fix clients "
    "that reconnect without closing, and check the CPU's properties -> Connection resources "
    "(TIA) / NetPro (STEP 7). If the TSAP is wrong: use the CPU's rack and slot (S7-300: "
    "rack 0 slot 2; S7-1200/1500: rack 0 slot 1 or 0).",
    "snap7: \"ISO : An error occurred during recv TCP : Connection reset by peer\" (node-snap7 "
    "1.0.9 with a receive timeout set: \"ISO : An error occurred during recv TCP : Connection "
    "timed out\"); nodes7: "
    "\"read ECONNRESET\", \"TCP connected, ISO didn't\"; S7.Net: \"An existing connection "
    "was forcibly closed by the remote host\"; python-snap7 3.x: \"Expected COTP CC, got ...\"" },
  { S7K_CONNECT_NO_ANSWER, "connect-no-answer", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "ISO connect unanswered",
    "PLC never answers the COTP Connection Request",
    "TCP was accepted but the COTP Connection Request got no answer. LOGO! and some CPs "
    "ignore a CR with a TSAP they do not know.",
    "Check the TSAP/rack/slot the client uses against the device (LOGO!: the TSAPs set in "
    "the LOGO!'s connection settings).",
    "snap7: \"ISO : An error occurred during recv TCP : Other Socket error (110)\"; nodes7: "
    "\"TCP connected, ISO didn't\"" },
  { S7K_SETUP_REJECTED, "setup-rejected", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "setup rejected",
    "PLC rejects Setup Communication",
    "The ISO connection was confirmed but the CPU answered Setup Communication (PDU size "
    "negotiation) with an error.",
    "Check the parameters the client requests (PDU size, Max AmQ) and that the partner is "
    "an S7 CPU or CP that supports S7 communication.",
    "snap7: \"ISO : Negotiating the PDU\"; nodes7: \"PLC error\" during connect" },
  { S7K_PORT_NO_ANSWER, "port-no-answer", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "port 102 no answer",
    "SYN to the S7 port never answered (filtered or host down)",
    "The client retransmitted its TCP SYN to the S7 port and never got an answer: a "
    "firewall between the cells drops port 102, or the host is down or unreachable.",
    "Check that the PLC is up and reachable; pass TCP 102 between the cells that must talk "
    "(and block it everywhere else), and document every S7 connection.",
    "snap7: \"TCP : Unreachable peer\" / \"TCP : Connection timed out\"; nodes7: \"connect "
    "ETIMEDOUT\" (0.3.18 with its own timeout: \"We Caught a connect error EUSERTIMEOUT\"); "
    "S7.Net: \"A connection attempt failed because the connected party did not "
    "properly respond\"" },
  { S7K_PORT_REFUSED, "port-refused", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "port 102 refused",
    "SYN to the S7 port answered with a reset (nothing listening, or firewall REJECT)",
    "The host answered the TCP SYN to the S7 port with RST: nothing listens on the port "
    "(not an S7 device, or its S7 server is off) or a firewall rejects it.",
    "Check the IP address belongs to the PLC or CP, and that firewalls pass TCP 102.",
    "snap7: \"TCP : Connection refused\"; nodes7: \"connect ECONNREFUSED\"; S7.Net: \"No "
    "connection could be made because the target machine actively refused it\"" },
  { S7K_PORT_UNREACHABLE, "port-unreachable", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "port 102 unreachable",
    "ICMP destination unreachable for a packet to the S7 port",
    "A router, firewall or the host answered the connection attempt with ICMP destination "
    "unreachable (code 13, ICMPv6 code 1: administratively prohibited = a firewall rule).",
    "Pass TCP 102 in the firewall that sent the ICMP message (its address is the ICMP "
    "packet's source), or fix the route to the PLC.",
    "snap7: \"TCP : Unreachable peer\"; nodes7: \"connect EHOSTUNREACH\"" },
  { S7K_NO_RESPONSE, "no-response", S7_SEV_ERROR, S7_GROUP_SEQUENCE,
    "no response",
    "PLC never answered the job while the connection stayed up",
    "The client sent a job and the CPU never answered it, although the connection stayed "
    "up (later traffic or a close by the client after its timeout).",
    "Check the CPU's communication load (cycle time, communication load %), the number of "
    "parallel jobs (Max AmQ) and the network path for loss.",
    "snap7: \"ISO : An error occurred during recv TCP : Connection timed out\" (after 3 s; "
    "Sharp7/Moka7: \"TCP : Data receive Timeout\"); nodes7: \"READ TIMEOUT on sequence number "
    "N\", then \"Timeout error - zero length packet\" (after 1.5 s); libnodave: \"Timeout when "
    "waiting for PLC response\"; S7.Net: \"Unable to read data from the transport connection\"" },
  { S7K_SLOW_RESPONSE, "slow-response", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "slow answers",
    "The PLC answered some Read/Write Var jobs far slower than the rest of the connection",
    "Most jobs of the connection were answered in the usual time, some took many times as long: "
    "the CPU served communication late (a long or overloaded cycle, a communication load limit, "
    "other partners' jobs first) or a device in between held the packets. A client whose "
    "receive timeout is shorter than the slow answers gives up on them and reports a timeout "
    "or drops the connection, although the PLC answered.",
    "Look at the CPU's cycle time and communication load at those times (TIA Portal: Online & "
    "diagnostics), spread the partners' polling, and set the client's response timeout above "
    "the slowest answer.",
    "snap7: \"ISO : An error occurred during recv TCP : Connection timed out\" (after 3 s); "
    "nodes7: \"READ TIMEOUT on sequence number N\" (after 1.5 s); libnodave: \"Timeout when "
    "waiting for PLC response\" (after 1.5 s); PLC4X (Go): \"got timeout while waiting for "
    "response\" (after 1 s)" },
  { S7K_RECONNECT_STORM, "reconnect-storm", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "reconnect storm",
    "Client opens many short connections to one PLC",
    "One client opened many short-lived S7 connections to the same PLC: a reconnect loop "
    "or leaked connections, which use up the CPU's connection resources.",
    "Make the client keep one connection open and reuse it; close connections it no longer "
    "needs; find why it reconnects (errors it does not handle).",
    "often appears with \"Connection reset by peer\" in the client's log" },
  { S7K_LEAKED_CONNECTIONS, "leaked-connections", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "connections left open",
    "A client opens new connections to a PLC and leaves the old ones open and idle",
    "The client opened a new connection while its earlier ones to the same PLC stayed open and "
    "unused, and closed none of them (no FIN or RST by the capture's end): its code opens a "
    "connection per request or after an error without closing the one before. Each open "
    "connection holds one of the CPU's connection resources until the client closes it; when "
    "they are used up, the CPU refuses new connections, HMIs and engineering stations included.",
    "Fix the client's code: close the connection (Disconnect / Close / dropConnection) when it "
    "is done and before opening a new one after an error, or keep one connection and reuse "
    "it. Restarting the client frees the connections it holds.",
    "nothing: the client works until the CPU's connection resources are used up; then its next "
    "connect fails (snap7: \"ISO : An error occurred during recv TCP : Connection reset by "
    "peer\"; nodes7: \"read ECONNRESET\"), and so do other partners'" },
  { S7K_S7PLUS_ERROR, "s7plus-error", S7_SEV_WARNING, S7_GROUP_RESPONSE_CODE,
    "S7comm-plus error",
    "S7comm-plus response with an error return value",
    "An S7comm-plus (TIA Portal, HMI, S7-1200/1500) response carried a negative return "
    "value.",
    "See the error code's meaning; check the engineering tool's or HMI's own diagnostics.",
    "TIA Portal / WinCC show their own error dialogs" },
  { S7K_PLC_CLOSED, "plc-closed", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "PLC closed",
    "The PLC closed an established connection (RST or FIN from the port-102 side)",
    "The PLC side ended a connection the client still used: right after a job (the CPU "
    "refused the job by closing), after idle time (the CPU's or CP's connection timeout), "
    "before any S7 traffic, or several connections at once (a CPU restart or STOP, a CP "
    "reset).",
    "Right after a job: check what the job asks (a function or size the CPU does not accept). "
    "After idle time: poll often enough or let the client reconnect on its own. Several at "
    "once: look at the CPU's diagnostic buffer for a restart, STOP or CP reset at that time.",
    "nodes7: \"read ECONNRESET\" (0.3.18 logs \"ISO-on-TCP connection DISCONNECTED\", then "
    "the next read fails: \"Timeout error - zero length packet\"); snap7: \"ISO : An error "
    "occurred during recv TCP : Connection reset by peer\"; S7.Net: \"An existing connection "
    "was forcibly closed by the remote host\"; PLC4X: \"Connection reset by peer\"" },
  { S7K_WRITE_CONFLICT, "write-conflict", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "write conflict",
    "Two or more clients write the same address",
    "Several clients wrote the same PLC address in this capture: one master overrides "
    "another, and the value keeps flipping back to what the last writer sent.",
    "Decide which station owns the address; let the others read it, or give each its own "
    "address (or a request/acknowledge handshake) in the PLC program.",
    "users report: \"the value keeps flipping back\", \"my write is overwritten\"" },
  { S7K_AMQ_EXCEEDED, "amq-exceeded", S7_SEV_WARNING, S7_GROUP_SEQUENCE,
    "too many parallel jobs",
    "The client has more jobs in flight than the negotiated Max AmQ",
    "Setup Communication fixed how many jobs the client may have open at once (Max AmQ); "
    "this client sent more. The CPU delays or drops the surplus, which the client sees as "
    "timeouts.",
    "Limit the client's parallel jobs to the negotiated Max AmQ (nodes7: maxParallel; S7.Net "
    "and snap7 send one job at a time).",
    "nodes7: \"READ TIMEOUT on sequence number N\" for some items; snap7: \"ISO : An error "
    "occurred during recv TCP : Connection timed out\"" },
  { S7K_PDU_FRAGMENTED, "pdu-fragmented", S7_SEV_NOTE, S7_GROUP_SEQUENCE,
    "PDU larger than TPDU",
    "The negotiated S7 PDU does not fit the COTP TPDU size",
    "The S7 PDU size agreed in Setup Communication is larger than the COTP TPDU size agreed "
    "in the connect: large answers arrive in several COTP DT fragments, which some clients "
    "mishandle.",
    "Let the client ask for a TPDU size of at least the PDU size (1024 bytes), or a PDU size "
    "that fits the TPDU.",
    "" },
  { S7K_UNAUTHENTICATED_WRITE, "unauthenticated-write", S7_SEV_NOTE, S7_GROUP_SECURITY,
    "unauthenticated write",
    "Write Var accepted: PUT/GET is unauthenticated memory access",
    "The PLC accepted Write Var jobs. PUT/GET access needs no authentication: anyone who "
    "reaches TCP 102 can write this memory.",
    "Allow PUT/GET only where needed, restrict TCP 102 to the partners that must write, and "
    "document them.",
    "" },
  { S7K_PLC_CONTROL, "plc-control", S7_SEV_NOTE, S7_GROUP_SECURITY,
    "PLC control",
    "PLC control operation (stop, PI service, block download or delete)",
    "A partner stopped the PLC, ran a PI service (start, copy RAM to ROM, compress, delete) "
    "or downloaded blocks.",
    "Make sure the operation was intended and done from an engineering station.",
    "" },
  { S7K_PASSWORD_ATTEMPT, "password-attempt", S7_SEV_NOTE, S7_GROUP_SECURITY,
    "password attempt",
    "Password sent to the PLC",
    "A partner sent a PLC password (S7 legitimation). The S7 password is only obfuscated on "
    "the wire.",
    "Use it only from engineering stations; repeated failures may be password guessing.",
    "" },
  { S7K_S7PLUS_LEGACY, "s7plus-legacy", S7_SEV_NOTE, S7_GROUP_SECURITY,
    "S7comm-plus V1/V2",
    "S7comm-plus session without integrity protection (V1/V2)",
    "The session uses S7comm-plus protocol version 1 or 2, which has no or weak integrity "
    "protection (old firmware or devices).",
    "Update the CPU/HMI firmware to one that uses protocol V3 with TLS where possible.",
    "" },
  { S7K_UNEXPECTED_PARTNER, "unexpected-partner", S7_SEV_NOTE, S7_GROUP_SECURITY,
    "unexpected partner",
    "A host that is not an allowed partner reached the PLC's port 102",
    "S7 traffic to the PLC, or a connect to its port 102, from a host the partners file does "
    "not allow. PUT/GET is unauthenticated memory access: only the partners that must talk "
    "to a PLC should reach TCP 102 (a warning when the host wrote to or controlled the PLC).",
    "Block TCP 102 from this host in the firewall between the cells, or add it to the "
    "partners file if it is meant to talk to the PLC; document every S7 connection.",
    "" },
};

const S7KindInfo *s7_kind_info(S7Kind kind)
{
  g_return_val_if_fail(kind < S7K_COUNT, NULL);
  return &kinds[kind];
}

gboolean s7_kind_from_id(const char *id, S7Kind *out)
{
  for (guint i = 0; i < S7K_COUNT; i++) {
    if (g_strcmp0(kinds[i].id, id) == 0) {
      *out = kinds[i].kind;
      return TRUE;
    }
  }
  return FALSE;
}

S7Severity s7_severity_from_name(const char *name)
{
  if (!g_strcmp0(name, "error"))
    return S7_SEV_ERROR;
  if (!g_strcmp0(name, "warning"))
    return S7_SEV_WARNING;
  return S7_SEV_NOTE;
}

const char *s7_severity_name(S7Severity sev)
{
  switch (sev) {
  case S7_SEV_ERROR: return "error";
  case S7_SEV_WARNING: return "warning";
  default: return "note";
  }
}

/* ------------------------------------------------------------------ code tables */

static const S7CodeText error_codes[] = {
/* Header error codes of class 0x81/0x85/0x87 that the parameter list lacks */
  { 0x8103, "Application relationship: access to the object not allowed" },
  { 0x8105, "Application relationship: invalid address" },
  { 0x810A, "Application relationship: object does not exist" },
#define S7_PARAM_ERROR(code, text) { code, text },
#include "s7_param_errors.def"
#undef S7_PARAM_ERROR
};

static const S7CodeText item_returns[] = {
  { 0x00, "Reserved (request)" },
  { 0x01, "Hardware error" },
  { 0x03, "Accessing the object not allowed" },
  { 0x05, "Invalid address" },
  { 0x06, "Data type not supported" },
  { 0x07, "Data type inconsistent" },
  { 0x0A, "Object does not exist" },
  { 0x85, "PDU size exceeded (snap7 server)" },
  { 0xFF, "Success" },
};

static const S7CodeText item_client_says[] = {
  { 0x03, "snap7: \"CLI : function refused by CPU (Unknown error)\"; nodes7: \"Invalid Response Code - 3\" (reads), \"Received write error of 3 on\" the item (writes)" },
  { 0x05, "snap7: \"CPU : Address out of range\"; nodes7: \"Invalid Response Code - 5\"; S7.Net: \"Address out of range.\"" },
  { 0x06, "snap7: \"CPU : Invalid Transport size\"; nodes7: \"Invalid Response Code - 6\"" },
  { 0x07, "snap7: \"CPU : Data size mismatch\"; nodes7: \"Invalid Response Code - 7\"" },
  { 0x0A, "snap7: \"CPU : Item not available\"; nodes7: \"Invalid Response Code - 10\"; S7.Net: \"Object does not exist.\"" },
  { 0x85, "snap7: \"CPU : total data exceeds the PDU size\"" },
};

static const S7CodeText cotp_dr_causes[] = {
  { 0x00, "Reason not specified" },
  { 0x01, "Congestion at TSAP" },
  { 0x02, "Session entity not attached to TSAP" },
  { 0x03, "Address unknown" },
  { 0x80, "Normal disconnect" },
  { 0x81, "Remote transport entity congestion at connect request time" },
  { 0x82, "Connection negotiation failed" },
  { 0x83, "Duplicate source reference" },
  { 0x84, "Mismatched references" },
  { 0x85, "Protocol error" },
  { 0x87, "Reference overflow" },
  { 0x88, "Connection request refused on this network connection" },
  { 0x8A, "Header or parameter length invalid" },
};

static const S7CodeText cotp_er_causes[] = {
  { 0x00, "Reason not specified" },
  { 0x01, "Invalid parameter code" },
  { 0x02, "Invalid TPDU type" },
  { 0x03, "Invalid parameter value" },
};

/* S7comm-plus error codes (the return value's low 16 bits, signed), as the s7comm-plus
 * dissector by Thomas Wiens names them (packet-s7comm_plus.c, errorcode_names[]); the most
 * useful ones for a diagnosis */
static const struct { gint16 code; const char *text; } s7plus_errors[] = {
  { 0, "OK" },
  { 17, "Message session pre-legitimated" },
  { 19, "Warning: service executed with partial error" },
  { 22, "Service session delegitimated" },
  { -1, "Unknown error" }, { -2, "Invalid value type" }, { -3, "Invalid argument value" },
  { -4, "Not enough memory available" },
  { -12, "Object not found" }, { -13, "Cardinality overflow" },
  { -17, "Invalid CRC" }, { -18, "Cannot deliver" }, { -22, "No more data available" },
  { -24, "Invalid ID" }, { -25, "Invalid type ID" }, { -30, "Invalid RID" }, { -32, "Invalid AID" },
  { -41, "Read-only property" }, { -50, "Read-only object" }, { -51, "Object is locked" },
  { -53, "Buffer overflow" }, { -61, "Invalid value range" }, { -75, "Value timeout" },
  { -95, "Not implemented" },
  { -100, "Service access denied" }, { -101, "Service activate failed" },
  { -102, "Service disconnected" }, { -104, "Service invalid address" },
  { -105, "Service invalid object" }, { -106, "Service invalid session" },
  { -107, "Service not allowed" }, { -108, "Service not available" },
  { -109, "Service not connected" }, { -110, "Service not owner" }, { -111, "Service timeout" },
  { -112, "Service too many requests" }, { -113, "Service too many sessions" },
  { -117, "Service pending request not found" }, { -119, "Service unknown request" },
  { -124, "Service not changeable in RUN" },
  { -134, "Service Multi-ES not supported" }, { -135, "Service aborted" },
  { -255, "Invalid LID" }, { -258, "Invalid version" }, { -263, "Invalid state" },
  { -351, "Integrity error" }, { -352, "Security disconnect" }, { -353, "SSL handshake failed" },
  { -501, "System limit exceeded" },
  { -505, "Start TLS failed" }, { -506, "Stopping TLS failed" }, { -507, "No support for TLS" },
};

/* The return value's generic error code (bits 40-46), same source (genericerrorcode_names[]),
 * with what it means for the user and what to do where it tells something. TooManySessions is
 * how an S7-1200/1500 refuses a session when its connection resources are used up (the
 * classic S7's COTP refusal); legitimation failures point at the CPU's protection settings
 * (S7-1200 System Manual A5E02486680, "Protection"; connection resources: S7-1500
 * Communication Function Manual A5E03735815, "Connection resources"). Names and values: see
 * docs/fault-facts.md. */
static const S7PlusGeneric s7plus_generic[] = {
  { 0, "Ok", NULL, NULL }, { 1, "General", NULL, NULL }, { 2, "ApplicationError", NULL, NULL },
  { 3, "AccessDenied",
    "the CPU's protection (access level, password) does not allow this to the session",
    "Give the client the password of the access level it needs, or lower the CPU's protection "
    "level (CPU properties, Protection & Security), then download the hardware configuration." },
  { 10, "InvalidObjectIdentifier", NULL, NULL }, { 13, "InvalidRange", NULL, NULL },
  { 14, "InvalidSession",
    "the session is unknown to the CPU or was closed by it: the client must set up a new session",
    "Make the client open a new session after a disconnect instead of reusing the old one; look "
    "for what ended the session (CPU restart, timeout, another client)." },
  { 16, "ServiceTimeout", NULL, NULL }, { 17, "Disconnected", NULL, NULL },
  { 19, "InvalidAddress", NULL, NULL },
  { 20, "ServiceNotAllowed",
    "the service is not allowed in the session's state or at its access level", NULL },
  { 22, "NotOwner", NULL, NULL },
  { 23, "TooManyRequests",
    "the client sends more requests at once than the CPU accepts",
    "Lower the number of requests the client keeps in flight, or its polling rate." },
  { 24, "TooManySessions",
    "the CPU has no free S7comm-plus session: its connection resources are used up (the "
    "S7-1200/1500 form of a refused connection)",
    "Close unused connections to this CPU (HMIs, engineering stations, other clients: each "
    "S7comm-plus client takes one of its connection resources), or reserve more for HMI / "
    "PG connections in the CPU's properties (Connection resources); check the CPU's "
    "diagnostics for the connections in use." },
  { 25, "SessionDelegitimated",
    "the session lost its legitimation (password / access level) and must legitimate again",
    "Let the client legitimate again (enter the password again); check whether the protection "
    "settings or the password of the CPU were changed." },
  { 26, "UnknownService",
    "the CPU does not know the service (older firmware)", NULL },
  { 29, "NotChangableInRun", "the change needs the CPU in STOP", NULL },
  { 34, "ObjectIsLocked", NULL, NULL }, { 38, "NotEnoughMemoryAvailable", NULL, NULL },
  { 62, "ServiceAborted", NULL, NULL }, { 64, "InvalidVersion", NULL, NULL },
  { 76, "GeneralIntegrity",
    "the message's integrity check failed: a client that does not match the CPU's integrity "
    "protection, or a damaged or altered message",
    "Use a client (TIA Portal, WinCC, driver) whose version matches the CPU's firmware; check "
    "the network path for devices that alter packets." },
  { 78, "TemporarilyOutOfResources",
    "the CPU is out of resources for now",
    "Retry later and lower the load on the CPU (fewer clients, slower polling)." },
  { 82, "SslError",
    "the TLS protection of the session failed (certificates, TLS version)",
    "Check the CPU's certificate and the client's trust in it, and that both support the same "
    "TLS version (TLS 1.3 on current firmware)." },
  { 85, "ServiceNotAvailable", NULL, NULL },
  { 86, "TLSError",
    "the TLS protection of the session failed (certificates, TLS version)",
    "Check the CPU's certificate and the client's trust in it, and that both support the same "
    "TLS version (TLS 1.3 on current firmware)." },
};

const S7PlusGeneric *s7_s7plus_generic_by_name(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(s7plus_generic); i++)
    if (!g_ascii_strcasecmp(s7plus_generic[i].name, name))
      return &s7plus_generic[i];
  return NULL;
}

const S7PlusGeneric *s7_s7plus_generic_table(gsize *n)
{
  *n = G_N_ELEMENTS(s7plus_generic);
  return s7plus_generic;
}

const S7PlusGeneric *s7_s7plus_generic(guint8 code)
{
  for (gsize i = 0; i < G_N_ELEMENTS(s7plus_generic); i++)
    if (s7plus_generic[i].code == code)
      return &s7plus_generic[i];
  return NULL;
}

static const S7CodeText functions[] = {
  { S7_FUNC_CPU_SERVICES, "CPU services" },
  { 0x01, "Mode transition" },
  { S7_FUNC_READ_VAR, "Read Var" },
  { S7_FUNC_WRITE_VAR, "Write Var" },
  { S7_FUNC_REQ_DOWNLOAD, "Request download" },
  { S7_FUNC_DOWNLOAD_BLOCK, "Download block" },
  { S7_FUNC_DOWNLOAD_ENDED, "Download ended" },
  { S7_FUNC_START_UPLOAD, "Start upload" },
  { S7_FUNC_UPLOAD, "Upload" },
  { S7_FUNC_END_UPLOAD, "End upload" },
  { S7_FUNC_PI_SERVICE, "PI service" },
  { S7_FUNC_PLC_STOP, "PLC Stop" },
  { S7_FUNC_SETUP_COMM, "Setup Communication" },
};

static const S7CodeText areas[] = {
  { S7_AREA_P, "P" }, { S7_AREA_I, "I" }, { S7_AREA_Q, "Q" }, { S7_AREA_M, "M" },
  { S7_AREA_DB, "DB" }, { S7_AREA_DI, "DI" }, { S7_AREA_L, "L" }, { S7_AREA_V, "V" },
  { S7_AREA_C, "C" }, { S7_AREA_T, "T" }, { S7_AREA_C200, "C200" }, { S7_AREA_T200, "T200" },
  { 0x01, "RECORD" }, { 0x03, "SI200" }, { 0x05, "SF200" }, { 0x06, "AI200" }, { 0x07, "AO200" },
};

static const S7CodeText ud_groups[] = {
  { 0, "Mode transition" }, { 1, "Programmer commands" }, { 2, "Cyclic services" },
  { 3, "Block functions" }, { 4, "CPU functions" }, { 5, "Security" },
  { 6, "PBC BSEND/BRECV" }, { 7, "Time functions" }, { 15, "NC programming" },
};

static const char *lookup(const S7CodeText *t, gsize n, guint16 code)
{
  for (gsize i = 0; i < n; i++)
    if (t[i].code == code)
      return t[i].text;
  return NULL;
}

#define LOOKUP(table, code) lookup(table, G_N_ELEMENTS(table), code)

const char *s7_error_class_text(guint8 err_class)
{
  switch (err_class) {
  case 0x00: return "No error";
  case 0x81: return "Application relationship";
  case 0x82: return "Object definition";
  case 0x83: return "No resources available";
  case 0x84: return "Error on service processing";
  case 0x85: return "Error on supplies";
  case 0x87: return "Access error";
  default: return NULL;
  }
}

const char *s7_error_text(guint16 code) { return LOOKUP(error_codes, code); }
const char *s7_item_return_text(guint8 rc) { return LOOKUP(item_returns, rc); }
const char *s7_item_return_client_says(guint8 rc) { return LOOKUP(item_client_says, rc); }
const char *s7_cotp_dr_cause_text(guint8 cause) { return LOOKUP(cotp_dr_causes, cause); }
const char *s7_cotp_er_cause_text(guint8 cause) { return LOOKUP(cotp_er_causes, cause); }
const char *s7_function_name(guint16 func) { return LOOKUP(functions, func); }
const char *s7_area_name(guint8 area) { return LOOKUP(areas, area); }
const char *s7_userdata_group_name(guint8 group) { return LOOKUP(ud_groups, group); }

const char *s7_s7plus_error_text(gint16 code)
{
  for (gsize i = 0; i < G_N_ELEMENTS(s7plus_errors); i++)
    if (s7plus_errors[i].code == code)
      return s7plus_errors[i].text;
  return NULL;
}

const S7CodeText *s7_error_table(gsize *n) { *n = G_N_ELEMENTS(error_codes); return error_codes; }
const S7CodeText *s7_item_return_table(gsize *n) { *n = G_N_ELEMENTS(item_returns); return item_returns; }
const S7CodeText *s7_cotp_dr_table(gsize *n) { *n = G_N_ELEMENTS(cotp_dr_causes); return cotp_dr_causes; }

/* ------------------------------------------------------------------ classification */

/* Answers an engineering tool gets while it probes a CPU going online: not faults. */
static gboolean is_harmless_probe(guint16 code)
{
  switch (code) {
  case 0xD401: case 0xD402:  /* information function (SZL) unavailable */
  case 0xD0A5:               /* referenced job not found (var tab cleanup) */
  case 0xD603: case 0xD604:  /* connection already legitimised / enabled */
  case 0x0120:               /* end of block list */
  case 0xD20E:               /* no (further) block available */
    return TRUE;
  default:
    return FALSE;
  }
}

S7Kind s7_kind_for_error(guint16 code, guint16 function, gboolean *note)
{
  *note = FALSE;
  if (function == S7_FUNC_SETUP_COMM)
    return S7K_SETUP_REJECTED;
  switch (code) {
  case 0x8104:
    return (function == S7_FUNC_READ_VAR || function == S7_FUNC_WRITE_VAR)
               ? S7K_PUTGET_DENIED : S7K_FUNCTION_NOT_AVAILABLE;
  case 0x8105: case 0x8701:
    return S7K_INVALID_ADDRESS;
  case 0x810A: case 0xD209: case 0x0114: case 0xD011:
    return S7K_OBJECT_MISSING;
  case 0x8103: case 0x8703:
    return S7K_ACCESS_DENIED;
  case 0xD241: case 0xD0A1: case 0xD602: case 0xD605: case 0x0119:
    return S7K_PROTECTION_LEVEL;
  case 0x8500:
    return S7K_PDU_SIZE_EXCEEDED;
  default:
    break;
  }
  if ((code >> 8) == 0x83)
    return S7K_RESOURCE_ERROR;
  *note = is_harmless_probe(code);
  return S7K_PLC_ERROR;
}

gboolean s7_kind_for_item_return(guint8 rc, S7Kind *kind)
{
  switch (rc) {
  case 0x03: *kind = S7K_ACCESS_DENIED; return TRUE;
  case 0x05: *kind = S7K_INVALID_ADDRESS; return TRUE;
  case 0x0A: *kind = S7K_OBJECT_MISSING; return TRUE;
  case 0x06: case 0x07: *kind = S7K_DATA_TYPE_ERROR; return TRUE;
  case 0x85: *kind = S7K_PDU_SIZE_EXCEEDED; return TRUE;
  case 0x00: case 0xFF: return FALSE;
  default: *kind = S7K_PLC_ERROR; return TRUE;
  }
}

const char *s7_function_text(guint16 func, guint8 ud_group, guint8 ud_subfunc, char *buf)
{
  if (func == S7_FUNC_NONE && ud_group) {
    const char *g = s7_userdata_group_name(ud_group);
    g_snprintf(buf, S7_FUNCTION_TEXT_MAX, "%s (userdata group %u, subfunction %u)",
               g ? g : "userdata", ud_group, ud_subfunc);
    return buf;
  }
  const char *n = s7_function_name(func);
  if (n)
    return n;
  g_snprintf(buf, S7_FUNCTION_TEXT_MAX, "function 0x%02x", func);
  return buf;
}

const char *s7_job_text(guint16 func, guint8 ud_group, guint8 ud_subfunc, guint16 szl_id, char *buf)
{
  if (func == S7_FUNC_NONE && ud_group == S7_UD_GRP_CPU && ud_subfunc == 1 && szl_id) {
    g_snprintf(buf, S7_FUNCTION_TEXT_MAX, "Read SZL 0x%04X", szl_id);
    return buf;
  }
  return s7_function_text(func, ud_group, ud_subfunc, buf);
}

/* ------------------------------------------------------------------ PLC identity */

const char *s7_plc_family(const char *order)
{
  if (!order || strncmp(order, "6ES7", 4) != 0)
    return NULL;
  const char *p = order + 4;
  while (*p == ' ')
    p++;
  switch (*p) {
  case '2': return "S7-1200";
  case '3': return "S7-300";
  case '4': return "S7-400";
  case '5': return "S7-1500";
  case '6': return "software controller";
  default: return NULL;
  }
}

/* Sources: Siemens "S7-1200 Programmable controller System Manual" (A5E02486680), Protection ->
 * Connection mechanisms: "Permit access with PUT/GET communication" is not enabled by default
 * (from firmware V4.0; V3 CPUs allowed PUT/GET); the S7-1500 has the same option, off by default
 * (S7-1500 System Manual / Communication Function Manual A5E03735815). */
char *s7_putget_default_text(const char *order, const char *firmware)
{
  const char *family = s7_plc_family(order);
  if (!order || !*order)
    return g_strdup("The capture holds no identity of this PLC (no SZL 0x0011 answer): unknown model.");
  g_autofree char *what = g_strdup_printf("This PLC is a %s%s%s%s%s%s", order, family ? " (" : "",
                                          family ? family : "", family ? ")" : "",
                                          firmware && *firmware ? " with firmware " : "",
                                          firmware && *firmware ? firmware : "");
  if (family && !strcmp(family, "S7-1500"))
    return g_strdup_printf("%s: on every S7-1500, PUT/GET access is off until it is permitted in the "
                           "CPU's protection settings (Siemens S7-1500 documentation).", what);
  if (family && !strcmp(family, "S7-1200")) {
    int major = firmware && firmware[0] == 'V' ? atoi(firmware + 1) : -1;
    if (major >= 4)
      return g_strdup_printf("%s: from firmware V4.0 on, PUT/GET access is off until it is permitted "
                             "(Siemens S7-1200 System Manual A5E02486680, Protection -> Connection "
                             "mechanisms).", what);
    if (major >= 0)
      return g_strdup_printf("%s: before firmware V4.0 an S7-1200 allowed PUT/GET without the "
                             "option, so 0x8104 here points at the request or the hardware "
                             "configuration.", what);
    return g_strdup_printf("%s: from firmware V4.0 on, PUT/GET access is off until it is permitted "
                           "(Siemens S7-1200 System Manual A5E02486680).", what);
  }
  return g_strdup_printf("%s: %s do not have the PUT/GET option; 0x8104 there means the function is "
                         "not implemented.", what, family ? family : "such devices");
}

/* Connection resources of the CPUs whose limit is documented (docs/fault-facts.md, "CPUs'
 * connection resources"), by order-number prefix without spaces */
static const struct {
  const char *prefix;
  const char *text;
} connection_resources[] = {
  { "6ES7312-1A", "a CPU 312 has 6 connection resources (one each reserved for PG and OP)" },
  { "6ES7315-2E", "a CPU 315-2 PN/DP has 16 connection resources" },
  { "6ES7315-2F", "a CPU 315F-2 PN/DP has 16 connection resources" },
  { "6ES7317-2E", "a CPU 317-2 PN/DP has 32 connection resources (2 reserved for PG and OP)" },
  { "6ES7317-2F", "a CPU 317F-2 PN/DP has 32 connection resources (2 reserved for PG and OP)" },
  { "6ES7318-3E", "a CPU 319-3 PN/DP has 32 connection resources" },
  { "6ES7318-3F", "a CPU 319F-3 PN/DP has 32 connection resources" },
  { "6ES7416-3E", "a CPU 416-3 PN/DP has 64 connection resources" },
  { "6ES7416-3F", "a CPU 416F-3 PN/DP has 64 connection resources" },
  { "6ES7516-3A", "a CPU 1516-3 PN/DP has 256 connection resources, at most 128 over its integrated "
                  "interfaces" },
  { "6ES7516-3F", "a CPU 1516F-3 PN/DP has 256 connection resources, at most 128 over its integrated "
                  "interfaces" },
};

char *s7_connection_resources_text(const char *order, const char *firmware)
{
  if (!order || !*order)
    return NULL;
  GString *o = g_string_new(NULL);
  for (const char *p = order; *p; p++)
    if (*p != ' ')
      g_string_append_c(o, *p);
  char *text = NULL;
  for (guint i = 0; i < G_N_ELEMENTS(connection_resources) && !text; i++)
    if (g_str_has_prefix(o->str, connection_resources[i].prefix))
      text = g_strdup(connection_resources[i].text);
  /* an S7-1200 from firmware V4.5 on: the same for every model */
  int major = firmware && firmware[0] == 'V' ? atoi(firmware + 1) : -1;
  const char *dot = firmware ? strchr(firmware, '.') : NULL;
  int minor = dot ? atoi(dot + 1) : -1;
  if (!text && g_str_has_prefix(o->str, "6ES721") && (major > 4 || (major == 4 && minor >= 5)))
    text = g_strdup("an S7-1200 (firmware V4.5 or later) has 68 connection resources, 8 of them "
                    "reserved for PUT/GET clients and 12 for HMIs (at most 14 PUT/GET and 18 HMI "
                    "connections)");
  g_string_free(o, TRUE);
  return text;
}
