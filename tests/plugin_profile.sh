#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The "S7 Diagnostics" configuration profile (plugin/profile): every display filter button
# selects exactly the frames the expected results name on a capture that has the fault, the
# colouring rules' filters compile, and the profile's "S7 fault" column shows the kind.
# Usage: plugin_profile.sh PLUGIN.so SRC_DIR
set -u
plugin=$1; src=$2
run() { "$src/scripts/with-plugin" "$plugin" "$@"; }
fail=0
prof="$src/plugin/profile"
# button label -> capture to try it on
declare -A on=(
  ["S7 findings"]=optimized-db ["PUT/GET denied"]=putget-denied ["Optimized DB"]=optimized-db
  ["Connect refused"]=connect-refused-tsap ["Port 102 unreachable"]=port-unreachable
  ["PLC closed"]=plc-closed-after-job ["Write conflict"]=write-conflict
  ["Unexpected partner"]=segmentation-audit ["Capture limits"]=duplicated-frames )
n=0
while IFS= read -r line; do
  case "$line" in \#*|"") continue;; esac
  label=$(printf '%s' "$line" | awk -F'","' '{print $2}')
  expr=$(printf '%s' "$line" | awk -F'","' '{print $3}' | sed 's/\\x22/"/g')
  cap=${on[$label]:-}
  [ -n "$cap" ] || { echo "FAIL button \"$label\": no capture to test it on"; fail=1; continue; }
  n=$((n+1))
  popt=(); [ -f "$src/captures/$cap.partners" ] && popt=(-o "s7diag.partners:$src/captures/$cap.partners")
  got=$(run tshark -2 -n -r "$src/captures/$cap.pcap" "${popt[@]}" -Y "$expr" -T fields -e frame.number 2>&1 | sort -n | tr '\n' ' ')
  kinds=$(printf '%s' "$expr" | grep -o '"[a-z0-9-]*"' | tr -d '"' | tr '\n' '|')
  if [ "$expr" = s7diag.limitation ]; then
    want=$(awk -F'\t' -v c="$cap" '$1 == c { print $2 }' "$src/tests/plugin-limitations.tsv" | sort -n -u | tr '\n' ' ')
  else
    want=$(awk -F'\t' -v k="${kinds%|}" 'k == "" || $1 ~ "^(" k ")$" { n = split($3, f, ","); for (i = 1; i <= n; i++) print f[i] }' \
             "$src/captures/$cap.expected" | sort -n -u | tr '\n' ' ')
  fi
  [ "$got" = "$want" ] || { echo "FAIL button \"$label\" on $cap: frames [$got], want [$want]"; fail=1; }
done < "$prof/dfilter_buttons"
[ $n -ge 5 ] || { echo "FAIL: only $n filter buttons"; fail=1; }

while IFS='@' read -r _ name filter _; do
  case "$name" in S7*) ;; *) continue;; esac
  out=$(run tshark -n -r "$src/captures/healthy.pcap" -Y "$filter" 2>&1 >/dev/null)
  [ -z "$out" ] || { echo "FAIL colouring rule \"$name\": $out"; fail=1; }
done < <(grep '^@' "$prof/colorfilters")

line=$(run tshark -C "S7 Diagnostics" -2 -n -r "$src/captures/putget-denied.pcap" -Y 'frame.number == 11' 2>&1)
case "$line" in *"putget-denied"*"[PUT/GET denied]"*) ;;
  *) echo "FAIL profile column: $line"; fail=1 ;; esac
echo "plugin profile: $n buttons, $( [ $fail -eq 0 ] && echo all correct || echo WRONG )"
exit $fail
