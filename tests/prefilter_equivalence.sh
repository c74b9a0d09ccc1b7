#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The prefilter, the shards and the batches change nothing: on every scenario capture and every
# public capture, byte-identical JSON (the original frame numbers, times and findings included)
# from a plain run (tshark on each whole file), from prefiltered runs with small captures
# sharing a tshark (the default: one pcapng section each, addresses of their own: issue 26.9),
# the same split into 3 shards, and each capture prefiltered with a tshark of its own; and from
# a capture too large to share one, split into 3 shards. A ring of 20-packet files whose
# connections run across the files is among them. The scenarios hold VLAN-tagged traffic, IPv6
# and ICMP unreachables quoting port 102. Usage: prefilter_equivalence.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
pub="$src/../shared/captures/public"
[ -d "$pub" ] && caps+=("$pub"/*.pcap "$pub"/*.pcapng)
gzip -c "$src/captures/vlan.pcap" > "$work/vlan.pcap.gz"; caps+=("$work/vlan.pcap.gz")
editcap -c 20 "$src/captures/putget-two-clients.pcap" "$work/ring.pcap" > /dev/null
caps+=("$work"/ring_*.pcap)
run() { local name=$1; shift; "$s7diag" analyze -q -F json --fail-on never "$@" "${caps[@]}" > "$work/$name.json"; }
run plain --no-prefilter
for v in batched:"" batched-3-shards:"--shards 3" alone:"--no-batch"; do
  name=${v%%:*}; args=${v#*:}
  run "$name" $args
  if ! cmp -s "$work/plain.json" "$work/$name.json"; then
    echo "FAIL the $name run differs from the plain run"
    diff <(jq . "$work/plain.json") <(jq . "$work/$name.json") | head -20; fail=1
  fi
done
# one capture large enough to be split by itself: 3 shards give what one gives
[ -d "$pub" ] && big=("$pub"/*.pcap "$pub"/*.pcapng) || big=("${caps[@]}")
mergecap -F pcapng -w "$work/big.pcapng" "${big[@]}" 2> /dev/null
"$s7diag" analyze -q -F json --fail-on never --no-prefilter "$work/big.pcapng" > "$work/big-plain.json"
"$s7diag" analyze -q -F json --fail-on never --shards 3 "$work/big.pcapng" > "$work/big-3.json"
[ "$(jq '.captures[0].findings | length' "$work/big-plain.json")" -gt 10 ] || { echo "FAIL the merged capture: $(jq -c '.captures[0].error // .captures[0].summary' "$work/big-plain.json")"; fail=1; }
cmp -s "$work/big-plain.json" "$work/big-3.json" || { echo "FAIL the merged capture in 3 shards differs from the plain run"; fail=1; }
[ "$(jq '.captures | length' "$work/plain.json")" -ge 100 ] || { echo "FAIL only $(jq '.captures | length' "$work/plain.json") captures"; fail=1; }
echo "prefilter: ${#caps[@]} captures, plain = prefiltered in batches = in 3 shards = alone: $( [ $fail -eq 0 ] && echo yes || echo NO )"
exit $fail
