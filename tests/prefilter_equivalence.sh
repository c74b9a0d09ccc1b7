#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The prefilter, the shards and the batches change nothing: on every scenario capture and every
# public capture, a plain run (tshark on the whole file), a prefiltered run and a run split into
# 3 shards give byte-identical JSON — the original frame numbers, times and findings included —
# and so do all of them analyzed together (small captures share a tshark) and each alone.
# The scenarios hold VLAN-tagged traffic and ICMP unreachables quoting port 102.
# Usage: prefilter_equivalence.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; n=0
caps=("$src"/captures/*.pcap "$src"/captures/*.pcapng)
pub="$src/../shared/captures/public"
[ -d "$pub" ] && caps+=("$pub"/*.pcap "$pub"/*.pcapng)
gzip -c "$src/captures/vlan.pcap" > "$work/vlan.pcap.gz"; caps+=("$work/vlan.pcap.gz")
for cap in "${caps[@]}"; do
  n=$((n+1))
  "$s7diag" analyze -q -F json --fail-on never --no-prefilter "$cap" > "$work/plain.json"
  "$s7diag" analyze -q -F json --fail-on never "$cap" > "$work/pre.json"
  "$s7diag" analyze -q -F json --fail-on never --shards 3 "$cap" > "$work/sharded.json"
  for v in pre sharded; do
    if ! cmp -s "$work/plain.json" "$work/$v.json"; then
      echo "FAIL $(basename "$cap"): $v run differs from the plain run"
      diff <(jq . "$work/plain.json") <(jq . "$work/$v.json") | head -20; fail=1
    fi
  done
done
# small captures share a tshark (one pcapng section each, addresses of their own: issue 26.9):
# all of them in one run give what each alone gives (--shards 1 runs each alone), including a
# ring of 20-packet files whose connections run across the files
editcap -c 20 "$src/captures/putget-two-clients.pcap" "$work/ring.pcap" > /dev/null
"$s7diag" analyze -q -F json --fail-on never "${caps[@]}" "$work"/ring_*.pcap > "$work/batched.json"
"$s7diag" analyze -q -F json --fail-on never --shards 1 "${caps[@]}" "$work"/ring_*.pcap > "$work/alone.json"
if ! cmp -s "$work/alone.json" "$work/batched.json"; then
  echo "FAIL the captures analyzed together differ from each alone"
  diff <(jq . "$work/alone.json") <(jq . "$work/batched.json") | head -20; fail=1
fi
echo "prefilter: $n captures, plain = prefiltered = 3 shards = batched: $( [ $fail -eq 0 ] && echo yes || echo NO )"
exit $fail
