#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin's expert infos (`tshark -z expert`) and statistics tree (`tshark -z s7diag,tree`)
# on the PUT/GET, optimized-DB and connection-refusal captures, against small golden files
# (tests/golden/plugin/NAME.expert, NAME.tree). Only the plugin's own expert lines and the
# tree's names and counts are compared. S7DIAG_REGENERATE=1 rewrites the golden files.
# Usage: plugin_stats.sh PLUGIN.so SRC_DIR
set -u
plugin=$1; src=$2
golden="$src/tests/golden/plugin"
fail=0
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
run() { "$src/scripts/with-plugin" "$plugin" "$@"; }

# Severity sections and the S7DIAG lines in them
expert_view() {
  awk '/^(Errors|Warnings|Notes|Chats|Comments) \(/ { section = $1 }
       /S7DIAG/ { sub(/^ +/, ""); gsub(/  +/, " | "); print section " | " $0 }'
}
# "name<TAB>count" from the stats tree, names indented by depth as tshark prints them
tree_view() {
  awk '/^Topic \/ Item/ { col = index($0, "Count"); next }
       col && /^-+$/ { if (started) exit; next }
       col && length($0) > col { started = 1; name = substr($0, 1, col - 1); sub(/ +$/, "", name);
                                 split(substr($0, col), rest, " "); print name "\t" rest[1] }'
}

for name in putget-denied optimized-db connect-refused-resources connect-refused-tsap; do
  cap="$src/captures/$name.pcap"
  run tshark -2 -n -q -r "$cap" -z expert > "$work/expert.raw" 2> "$work/err"
  expert_view < "$work/expert.raw" > "$work/$name.expert"
  run tshark -2 -n -q -r "$cap" -z s7diag,tree > "$work/tree.raw" 2>> "$work/err"
  tree_view < "$work/tree.raw" > "$work/$name.tree"
  [ -s "$work/err" ] && { echo "FAIL $name: tshark wrote to stderr:"; cat "$work/err"; fail=1; }
  for kind in expert tree; do
    if [ "${S7DIAG_REGENERATE:-}" = 1 ]; then
      mkdir -p "$golden"; cp "$work/$name.$kind" "$golden/$name.$kind"
    elif ! diff -u "$golden/$name.$kind" "$work/$name.$kind"; then
      echo "FAIL $name: -z ${kind/tree/s7diag,tree} differs from $golden/$name.$kind"; fail=1
    fi
  done
  # the goldens must say something: an error-level expert line and a fault count
  grep -q '^Errors | ' "$work/$name.expert" || { echo "FAIL $name: no S7DIAG error in -z expert"; fail=1; }
  grep -q 'Fault frames by kind' "$work/$name.tree" || { echo "FAIL $name: no faults in the tree"; fail=1; }
done
echo "plugin expert/stats: $( [ $fail -eq 0 ] && echo all match || echo MISMATCH )"
exit $fail
