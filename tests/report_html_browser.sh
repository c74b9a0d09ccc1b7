#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The HTML report in a real browser: headless Chromium loads it (file://, no network), and the
# DOM it built holds every finding's title, the severity-marked headings, the timeline and the
# connection diagram (inline SVG, a red edge for the faulty pair). Skips (77) without chromium
# outside CI. Usage: report_html_browser.sh S7DIAG SRC_DIR [SCREENSHOT.png]
set -u
s7diag=$(readlink -f "$1"); src=$(readlink -f "$2"); shot=${3:-}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: chromium missing (scripts/setup installs it)"; exit 1; fi
  echo "SKIP: chromium not installed"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$src" || exit 1
"$s7diag" analyze -q -o "$work/report.html" captures/multi-plc.pcap captures/putget-denied.pcap \
  captures/connect-refused-tsap.pcap
"$s7diag" analyze -q -F json captures/multi-plc.pcap captures/putget-denied.pcap \
  captures/connect-refused-tsap.pcap > "$work/report.json"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
       --user-data-dir="$work/profile" --disable-extensions)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/err"
fail=0
[ -s "$work/dom.html" ] || { echo "FAIL: chromium produced no DOM:"; tail -5 "$work/err"; exit 1; }
dom=$(sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' "$work/dom.html")
while read -r title; do
  case "$dom" in *"$title"*) ;; *) echo "FAIL: the DOM lacks the finding \"$title\""; fail=1 ;; esac
done < <(jq -r '.captures[].findings[].title' "$work/report.json")
nerr=$(jq '[.captures[].findings[] | select(.severity == "error")] | length' "$work/report.json")
got=$(grep -o '<h3 class="error">' "$work/dom.html" | wc -l)
[ "$got" -eq "$nerr" ] || { echo "FAIL: $got error headings in the DOM, want $nerr"; fail=1; }
[ "$(grep -o '<svg class="timeline"' "$work/dom.html" | wc -l)" -eq 3 ] || { echo "FAIL: a timeline per capture"; fail=1; }
grep -q '<line class="edge faulty"' "$work/dom.html" || { echo "FAIL: no faulty edge in the connection diagram"; fail=1; }
grep -q 'http' <(grep -o '\(src\|href\)="[^"]*"' "$work/report.html") && { echo "FAIL: the report loads something from the network"; fail=1; }
if [ -n "$shot" ]; then
  timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,1500 \
    --screenshot="$work/shot.png" "file://$work/report.html" > /dev/null 2>&1
  cp "$work/shot.png" "$shot" && echo "screenshot: $shot"
fi
echo "HTML report in Chromium: $( [ $fail -eq 0 ] && echo DOM holds the findings and pictures || echo WRONG )"
exit $fail
