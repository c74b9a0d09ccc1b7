#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --redact leaks nothing: for scenario captures, every report format and the evidence pcapng of
# a redacted run hold none of the capture's IPv4 addresses, MACs, PLC names, plant
# designation, serial or file name — searched in the bytes (binary and text forms), not only
# in the fields. The redacted evidence still dissects and diagnoses the same (kinds,
# occurrences, frame numbers), with valid checksums; the same value gets the same pseudonym in
# the report and the evidence; addresses of one subnet stay in one subnet; --redact-key gives
# the same pseudonyms in every run, another key others; merge --redact too.
# Usage: redaction.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2")
for t in tshark jq python3; do command -v $t > /dev/null || { echo "SKIP: $t not installed"; exit 77; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
printf 'plant key of the test\n' > "$work/key"
printf 'another key\n' > "$work/key2"
# search.py SECRETS FILE...: prints "FILE: SECRET" for each secret found in a file's bytes
cat > "$work/search.py" <<'EOF'
import ipaddress, sys
secrets = [l.strip() for l in open(sys.argv[1]) if l.strip()]
forms = []
for s in secrets:
    forms.append((s, s.encode()))
    try:
        forms.append((s + " (bytes)", ipaddress.ip_address(s).packed))
    except ValueError:
        if len(s) == 17 and s.count(':') == 5:
            forms.append((s + " (bytes)", bytes.fromhex(s.replace(':', ''))))
for f in sys.argv[2:]:
    data = open(f, 'rb').read()
    for what, b in forms:
        if b in data:
            print(f"{f.rsplit('/', 1)[1]}: {what}")
EOF

for name in redaction-plant putget-denied-s7-1200 multi-plc segmentation-audit; do
  cap="$work/$name.pcap"
  cp "$src/captures/$name.pcap" "$cap"
  # what must not leak: the capture's addresses and MACs, the PLC's names and serial, the file
  tshark -n -r "$cap" -T fields -e ip.src -e ip.dst -e eth.src -e eth.dst 2>/dev/null | tr '\t' '\n' | tr ',' '\n' |
    sed '/^$/d' | sort -u > "$work/$name.secrets"
  "$s7diag" analyze -q -F json "$cap" > "$work/$name.plain.json"
  jq -r '.captures[0].plcs[] | .system_name, .module_name, .plant, .serial | select(. != null)' "$work/$name.plain.json" \
    >> "$work/$name.secrets"
  printf '%s\n%s\n' "$cap" "$name.pcap" >> "$work/$name.secrets"
  for fmt in json text markdown html junit; do
    "$s7diag" analyze -q --redact-key "$work/key" -F $fmt -o "$work/$name.out.$fmt" -e "$work/$name.ev.pcapng" "$cap"
  done
  "$s7diag" analyze -q -e "$work/$name.plain-ev.pcapng" -F json "$cap" > /dev/null
  # search every output's bytes for every secret, as text and (addresses, MACs) as bytes
  leaks=$(python3 "$work/search.py" "$work/$name.secrets" "$work/$name".out.* "$work/$name.ev.pcapng")
  n=$(wc -l < "$work/$name.secrets")
  # the search finds them where they are: in the plain evidence
  [ -n "$(python3 "$work/search.py" "$work/$name.secrets" "$work/$name.plain-ev.pcapng")" ] ||
    bad "$name: the search finds no secret in the plain evidence"
  [ -z "$leaks" ] && [ -s "$work/$name.ev.pcapng" ] && ok "$name: none of $n secrets in 5 report formats and the evidence" ||
    bad "$name: leaked: $leaks"
  # the redacted evidence diagnoses the same, checksums valid
  proj='[.captures[0].findings[] | [.kind, .severity, .occurrences, .frames]]'
  a=$("$s7diag" analyze -q -F json "$work/$name.plain-ev.pcapng" | jq -c "$proj")
  b=$("$s7diag" analyze -q -F json "$work/$name.ev.pcapng" | jq -c "$proj")
  [ "$a" = "$b" ] && [ "$a" != "[]" ] && ok "$name: the redacted evidence gives the same findings ($(echo "$a" | jq -r 'map(.[0]) | join(" ")'))" ||
    bad "$name: evidence findings differ: plain $a, redacted $b"
  badsum=$(tshark -n -r "$work/$name.ev.pcapng" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o icmp.check_checksum:TRUE \
             -Y 'ip.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0 || _ws.malformed || _ws.expert.severity == error && !s7comm && !cotp' 2>/dev/null | wc -l)
  [ "$badsum" = 0 ] && ok "$name: the redacted evidence has valid checksums and dissects cleanly" || bad "$name: $badsum frames with bad checksums or malformed"
  # the report's PLC is the evidence's PLC
  plc=$(jq -r '.captures[0].findings[0].plc | sub(":[0-9]+$"; "")' "$work/$name.out.json")
  tshark -n -r "$work/$name.ev.pcapng" -T fields -e ip.src -e ip.dst 2>/dev/null | grep -qw "$plc" &&
    ok "$name: the report's PLC $plc is the evidence's" || bad "$name: PLC $plc not in the redacted evidence"
done

# subnets kept: multi-plc's PLCs 10.10.1.5 and 10.10.2.7 and HMI 10.10.1.20
jq -r '.captures[0].connections[] | .client, .plc' "$work/multi-plc.out.json" | sed 's/:[0-9]*$//' | sort -u > "$work/hosts"
python3 - "$work/multi-plc.plain.json" "$work/multi-plc.out.json" <<'EOF' && ok "multi-plc: addresses sharing a /24 (and a /16) still do, the others do not" || bad "multi-plc: subnet structure not kept"
import json, sys, ipaddress
def hosts(f):
    c = json.load(open(f))['captures'][0]['connections']
    return [(x['client'].rsplit(':', 1)[0], x['plc'].rsplit(':', 1)[0]) for x in c]
plain, red = hosts(sys.argv[1]), hosts(sys.argv[2])
m = {}
for (a, b), (x, y) in zip(plain, red):
    m[a] = x; m[b] = y
keys = list(m)
for i in keys:
    for j in keys:
        for bits in (16, 24):
            same = ipaddress.ip_network(f"{i}/{bits}", False) == ipaddress.ip_network(f"{j}/{bits}", False)
            rsame = ipaddress.ip_network(f"{m[i]}/{bits}", False) == ipaddress.ip_network(f"{m[j]}/{bits}", False)
            if same != rsame:
                sys.exit(1)
if len(set(m.values())) != len(m):
    sys.exit(1)
EOF

# the Siemens vendor prefix is kept in the evidence
tshark -n -r "$work/redaction-plant.ev.pcapng" -T fields -e eth.src 2>/dev/null | grep -q '^00:1b:1b:' &&
  ok "redaction-plant: the PLC's MAC keeps the Siemens vendor prefix 00:1b:1b" || bad "redaction-plant: no 00:1b:1b MAC left"
# the PLC's identity names are pseudonyms of the same length, the model is kept
jq -e '.captures[0].plcs[0] | (.module_name | length) == 12 and (.serial | startswith("SERIAL-")) and .order_number == "6ES7 516-3AN01-0AB0"' \
  "$work/redaction-plant.out.json" > /dev/null && ok "redaction-plant: names and serial are pseudonyms, the order number stays" ||
  bad "redaction-plant: identity: $(jq -c '.captures[0].plcs[0]' "$work/redaction-plant.out.json")"
tshark -n -r "$work/redaction-plant.ev.pcapng" -T fields -e s7comm.szl.001c.0002.name 2>/dev/null | sed '/^$/d' | head -1 > "$work/mod"
[ "$(cat "$work/mod")" = "$(jq -r '.captures[0].plcs[0].module_name' "$work/redaction-plant.out.json")" ] &&
  ok "redaction-plant: the evidence's SZL answer names the module as the report does ($(cat "$work/mod"))" ||
  bad "redaction-plant: SZL module name in the evidence '$(cat "$work/mod")'"

# keyed: the same in every run; another key, other pseudonyms; no key, a random one
cap="$work/redaction-plant.pcap"
a=$("$s7diag" analyze -q --redact-key "$work/key" -F json "$cap" | md5sum)
b=$("$s7diag" analyze -q --redact-key "$work/key" -F json "$cap" | md5sum)
c=$("$s7diag" analyze -q --redact-key "$work/key2" -F json "$cap" | md5sum)
d=$("$s7diag" analyze -q --redact -F json "$cap" | md5sum)
e=$("$s7diag" analyze -q --redact -F json "$cap" | md5sum)
[ "$a" = "$b" ] && [ "$a" != "$c" ] && [ "$d" != "$e" ] && ok "--redact-key: the same report every run, another key another; --redact alone: a new key each run" ||
  bad "--redact-key stability: $a $b $c $d $e"
# merge --redact of plain reports leaks nothing either
"$s7diag" merge --redact -o "$work/merged.json" "$work/redaction-plant.plain.json" "$work/multi-plc.plain.json"
leak=$(cat "$work/redaction-plant.secrets" "$work/multi-plc.secrets" | grep -v ':..:' | while read -r s; do grep -qF "$s" "$work/merged.json" && echo "$s"; done)
[ -z "$leak" ] && ok "merge --redact: no address, name or file of either report" || bad "merge --redact leaked: $leak"
# a key file that cannot be read: usage error
"$s7diag" analyze -q --redact-key /nonexistent "$cap" > /dev/null 2> "$work/err"; rc=$?
[ $rc = 2 ] && grep -q "redact-key" "$work/err" && ok "--redact-key of a missing file: exit 2" || bad "--redact-key missing: exit $rc $(cat "$work/err")"
exit $fail
