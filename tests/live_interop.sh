#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live interop: real third-party S7 peers (snap7 through node-snap7, and nodes7, from the npm
# registry) against s7sim and s7diag's expectations, captured live on loopback with dumpcap,
# then diagnosed by the analyzer AND by the plugin in tshark. Each scenario also checks that
# the finding names what the client library printed. Needs root (port 102, dumpcap, netns).
# Usage: live_interop.sh S7DIAG S7SIM PLUGIN.so SRC_DIR BUILD_DIR
set -u
s7diag=$(readlink -f "$1"); s7sim=$(readlink -f "$2"); plugin=$3; [ "$plugin" = - ] || plugin=$(readlink -f "$3"); src=$(readlink -f "$4"); build=$(readlink -f "$5")
skip() { if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi; echo "SKIP: $1"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (port 102, dumpcap on lo)"
for t in node npm dumpcap; do command -v $t > /dev/null || skip "$t not installed (scripts/setup --tests)"; done

# --- the third-party peers, from the npm registry ----------------------------------------
. "$src/tests/live/peers.sh"

work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; ip netns del s7diag-test 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0; n=0
NS=()                               # command prefix to run inside a test namespace

begin() { # NAME: start capturing port 102 on loopback
  name=$1; pcap="$work/$name.pcapng"; : > "$work/$name.clients"; n=$((n+1))
  "${NS[@]}" dumpcap -q -i lo -f "tcp port 102" -w "$pcap" 2> "$work/$name.dumpcap" &
  cap_pid=$!; pids+=($cap_pid)
  for _ in $(seq 50); do [ -s "$pcap" ] && break; sleep 0.1; done
  sleep 0.3
}
server() { # s7sim|snap7 ARGS...: start a server, wait until it listens
  if [ "$1" = s7sim ]; then shift; "${NS[@]}" "$s7sim" --listen 127.0.0.1 "$@" 2> "$work/$name.server" &
  else shift; "${NS[@]}" node "$peers/snap7_server.js" "$@" 2> "$work/$name.server" & fi
  srv_pid=$!; pids+=($srv_pid)
  for _ in $(seq 50); do grep -q "listening" "$work/$name.server" 2>/dev/null && break; sleep 0.1; done
}
client() { # snap7|nodes7 RACK SLOT STEPS...: run a client to the end (bounded)
  local lib=$1 rack=$2 slot=$3; shift 3
  timeout 20 "${NS[@]}" node "$peers/clients.js" "$lib" 127.0.0.1 102 "$rack" "$slot" "$@" >> "$work/$name.clients" 2>&1
}
end() { # "KIND..." ["analyzer options"]: stop, then both diagnoses must hold the kinds
  local want=$1 aopts=${2:-}
  [ -n "${srv_pid:-}" ] && { kill -TERM "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; srv_pid=; }
  sleep 0.3; kill -INT "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null
  chmod 644 "$pcap"
  "$s7diag" analyze -q -F json $aopts "$pcap" > "$work/$name.json" 2> "$work/$name.err"
  local popts=()
  [ -n "$aopts" ] && popts=(-o "s7diag.no_response_timeout:1")
  if [ "$plugin" = - ]; then   # no plugin in this build: the analyzer's view stands for both
    jq -r '.captures[0].findings[] | [.kind, .severity] | @tsv' "$work/$name.json" > "$work/$name.plugin"
  else
    "$src/scripts/with-plugin" "$plugin" tshark -2 -n -r "$pcap" "${popts[@]}" -Y s7diag.fault -T fields \
       -E occurrence=a -E aggregator=, -e s7diag.fault -e s7diag.severity > "$work/$name.plugin" 2>> "$work/$name.err"
  fi
  local got plug
  got=$(jq -r '[.captures[0].findings[] | .kind] | unique | join(" ")' "$work/$name.json")
  plug=$(cut -f1 "$work/$name.plugin" | tr ',' '\n' | sort -u | tr '\n' ' ')
  local ok=1
  if [ "$want" = healthy ]; then
    [ "$(jq '[.captures[0].findings[] | select(.severity != "note")] | length' "$work/$name.json")" = 0 ] || ok=0
    grep -q -e error -e warning "$work/$name.plugin" && ok=0
  else
    for k in $want; do
      case " $got " in *" $k "*) ;; *) ok=0 ;; esac
      case " $plug " in *" $k "*) ;; *) ok=0 ;; esac
    done
  fi
  # what the client libraries printed must be named by the finding (client_says or title)
  local says
  says=$(jq -r '[.captures[0].findings[] | .client_says, .title] | map(select(. != null)) | join(" || ")' "$work/$name.json")
  while read -r line; do
    # nodes7 prefixes its log lines with "[id time host]" and ends item errors with the address
    local err; err=$(printf '%s' "$line" | jq -r 'select(.ok == false) | .error // empty' 2>/dev/null |
      sed 's/^\[[^]]*\] //; s/ | \[[^]]*\] / | /g; s/ on DB[0-9]*,[A-Z]*[0-9.]*//g')
    [ -n "$err" ] || continue
    local named=0
    IFS='|' read -ra parts <<< "$err"
    for p in "${parts[@]}"; do
      p=$(echo "$p" | sed 's/^ *//; s/ *$//')
      [ -n "$p" ] && case "$says" in *"$p"*) named=1 ;; esac
    done
    [ $named = 1 ] || { echo "FAIL $name: the finding does not name what the client printed: $err"; fail=1; }
  done < "$work/$name.clients"
  if [ $ok = 1 ]; then
    echo "ok   $name: analyzer [$got] plugin [${plug% }]"
  else
    echo "FAIL $name: want [$want], analyzer [$got], plugin [${plug% }]"
    sed 's/^/     client: /' "$work/$name.clients"; sed 's/^/     server: /' "$work/$name.server" 2>/dev/null | tail -8
    cat "$work/$name.err"; fail=1
  fi
}

# --- third-party clients against s7sim -----------------------------------------------------
begin putget-off
server s7sim --putget off --db 1:100
client snap7 0 1 read:1:0:4 write:1:0:7
client nodes7 0 1 read:1:0:4
end "putget-denied"

begin optimized-db
server s7sim --db 1:100 --db 5:100:optimized
client snap7 0 1 read:1:0:4 read:5:0:4
client nodes7 0 1 read:5:0:2
end "invalid-address"

begin missing-db
server s7sim --db 1:100
client snap7 0 1 read:1:0:4 read:9:0:4
client nodes7 0 1 read:9:0:2
end "object-missing"

begin protected-db
server s7sim --db 1:100 --db 7:10:read-only
client snap7 0 1 read:7:0:2 write:7:0:1
client nodes7 0 1 write:7:0:1
end "access-denied"

begin wrong-slot
server s7sim --rack 0 --slot 1 --db 1:100
client snap7 0 1 read:1:0:2
client snap7 0 2 read:1:0:2
end "connect-refused"

begin connection-limit
server s7sim --max-connections 1 --db 1:100
client snap7 0 1 read:1:0:2 hold:2500 read:1:0:2 &
holder=$!
sleep 0.8
client nodes7 0 1 read:1:0:2
client snap7 0 1 read:1:0:2
wait $holder
end "connect-refused"

begin pdu-exceeded
server s7sim --pdu 240 --db 1:400
client snap7 0 1 multi:1:8:30
end "pdu-size-exceeded"

begin no-response
server s7sim --drop-every 2 --db 1:100
client snap7 0 1 read:1:0:2 read:1:2:2 hold:1200 read:1:4:2
end "no-response" "--no-response-timeout 1"

begin plc-idle-close
server s7sim --db 1:100 --idle-timeout 1
client snap7 0 1 read:1:0:2 hold:2000 read:1:0:2
client nodes7 0 1 read:1:0:2 hold:2000 read:1:0:2
end "plc-closed"

begin healthy
server s7sim --db 1:100
client snap7 0 1 read:1:0:4 read:1:4:4
client nodes7 0 1 read:1:0:4
end healthy

# --- s7diag's expectations against a third-party server (snap7) ---------------------------
begin snap7-server-unregistered-db
server snap7 102 4 1:100
client snap7 0 1 read:1:0:4 read:9:0:4
end "object-missing"

begin snap7-server-past-end
server snap7 102 4 1:100
client snap7 0 1 read:1:0:4 read:1:96:8
end "invalid-address"

begin snap7-server-max-clients
server snap7 102 1 1:100
client snap7 0 1 read:1:0:2 hold:2500 &
holder=$!
sleep 0.8
client snap7 0 1 read:1:0:2
wait $holder
end "connect-refused"

# --- ports: nobody listening; dropped by a firewall rule in a test-made namespace ------------
begin port-closed
client snap7 0 1 read:1:0:2
end "port-refused"

if ip netns add s7diag-test 2> /dev/null && ip netns exec s7diag-test ip link set lo up &&
   printf 'table inet s7diag {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 102 drop\n }\n}\n' |
   ip netns exec s7diag-test nft -f - 2> "$work/nft.err"
then
  NS=(ip netns exec s7diag-test)
  begin port-dropped
  server s7sim --db 1:100
  # nodes7 waits for its timeout, so the kernel retransmits the SYN (snap7 gives up after one)
  S7_TIMEOUT_MS=3500 client nodes7 0 1 read:1:0:2
  end "port-no-answer"
  NS=()
else
  echo "skip port-dropped: cannot make a network namespace with an nftables rule here (needs root, iproute2, nftables)"
  [ -n "${CI:-}" ] && { echo "FAIL: CI must run port-dropped"; fail=1; }
fi

echo "live interop: $n scenarios, $( [ $fail -eq 0 ] && echo all diagnosed || echo FAILED )"
exit $fail
