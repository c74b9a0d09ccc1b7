#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The stock tshark dissects the scenario captures as intended: no malformed packet, and
# the fields in tests/dissect-checks.tsv hold.  Usage: captures_dissect.sh SRC_DIR
set -u
src=$(cd "$1" && pwd)
cd "$src/captures" || exit 1
fail=0
# Exception: s7plus-tls carries TLS handshake records in COTP, which the stock dissectors
# hand to the ISO session (SES) heuristic exactly as on a real S7-1500 capture; those two
# frames (ClientHello, ServerHello) are the only malformed ones there.
allowed_bad() { case "$1" in s7plus-tls.pcap) echo 2;; *) echo 0;; esac; }
for f in *.pcap *.pcapng; do
  bad=$(tshark -n -r "$f" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
  [ "$bad" -eq "$(allowed_bad "$f")" ] || { echo "FAIL $f: $bad malformed/error frames"; fail=1; }
done
checks=0
while IFS=$'\t' read -r cap filt want; do
  case "$cap" in \#*|"") continue;; esac
  checks=$((checks+1))
  got=$(tshark -n -r "$cap" -Y "$filt" 2>/dev/null | wc -l)
  [ "$got" = "$want" ] || { echo "FAIL $cap: [$filt] matched $got frames, want $want"; fail=1; }
done < "$src/tests/dissect-checks.tsv"
echo "dissect: $checks field checks, $( [ $fail -eq 0 ] && echo all hold || echo FAILED )"
exit $fail
