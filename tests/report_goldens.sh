#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden reports: every format (text, Markdown, JSON, HTML, JUnit) for a few scenario captures
# equals tests/golden/reports/NAME.EXT byte for byte (tshark's version normalized to TSHARK,
# s7diag's to S7DIAG),
# and the same report comes out of -j 1 and -j 2. S7DIAG_REGENERATE=1 rewrites the goldens
# (only when the change is meant). Usage: report_goldens.sh S7DIAG SRC_DIR
set -u
s7diag=$(readlink -f "$1"); src=$2
golden="$src/tests/golden/reports"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; n=0
cd "$src" || exit 1
tv=$(tshark --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
sv=$("$s7diag" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
for name in putget-denied connect-refused-tsap healthy plc-error; do
  for fmt in text:txt markdown:md json:json html:html junit:xml; do
    f=${fmt%%:*}; ext=${fmt##*:}; n=$((n+1))
    "$s7diag" analyze -q --format "$f" "captures/$name.pcap" > "$work/out" 2> "$work/err"
    rc=$?
    [ $rc -le 1 ] || { echo "FAIL $name $f: exit $rc"; cat "$work/err"; fail=1; continue; }
    sed "s/${tv//./\\.}/TSHARK/g; s/\(s7diag[^0-9]*\)${sv//./\\.}/\1S7DIAG/g" "$work/out" > "$work/$name.$ext"
    if [ "${S7DIAG_REGENERATE:-}" = 1 ]; then
      mkdir -p "$golden"; cp "$work/$name.$ext" "$golden/$name.$ext"
    elif ! diff -u "$golden/$name.$ext" "$work/$name.$ext" > "$work/diff"; then
      echo "FAIL $name: --format $f differs from tests/golden/reports/$name.$ext"; head -40 "$work/diff"; fail=1
    fi
  done
done
# the same content in every format: each finding's title appears in each document
for name in putget-denied connect-refused-tsap; do
  jq -r '.captures[0].findings[].title' "$work/$name.json" | while read -r title; do
    for ext in txt html xml; do
      plain=$(sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' "$work/$name.$ext")
      case "$plain" in *"$title"*) ;; *) echo "FAIL $name.$ext lacks the finding \"$title\""; exit 1 ;; esac
    done
  done || fail=1
done
# parallel and sequential runs give byte-identical reports
"$s7diag" analyze -q -j 1 -F markdown captures > "$work/j1.md"
"$s7diag" analyze -q -j 2 -F markdown captures > "$work/j2.md"
cmp -s "$work/j1.md" "$work/j2.md" || { echo "FAIL -j 1 and -j 2 reports differ"; fail=1; }
echo "report goldens: $n reports, $( [ $fail -eq 0 ] && echo all match || echo MISMATCH )"
exit $fail
