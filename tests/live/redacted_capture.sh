# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the live tests. redaction_leaks FILE ADDR S7DIAG WANT_KINDS: prints why the redacted
# capture FILE is not as it should be (nothing when it is): ADDR in its IP headers as tshark reads
# them, ADDR as text anywhere in it, or analyze finding other kinds than WANT_KINDS in it.
# The address's 4 bytes alone are no test: they turn up by chance (a TCP checksum ending in 0x7f,
# then the urgent pointer 00 00 and a NOP option make 7f 00 00 01), which leaks nothing.
redaction_leaks() {
  local file=$1 addr=$2 s7diag=$3 want=$4 addrs k
  if [ ! -s "$file" ]; then printf "%s" "; no capture"; return; fi
  addrs=$(tshark -r "$file" -T fields -e ip.addr -e ipv6.addr 2> /dev/null | tr ',\t' '\n\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
  case " $addrs" in *" $addr "*|" ") printf "%s" "; the capture's IP addresses: [$addrs]";; esac
  grep -aqF "$addr" "$file" && printf "%s" "; the capture holds the text $addr"
  k=$("$s7diag" analyze -q -F json "$file" | jq -r '[.captures[0].findings[].kind] | unique | join(" ")')
  [ "$k" = "$want" ] || printf "%s" "; analyze of the capture finds [$k], not [$want]"
}
