#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The user's files are safe and nothing hangs (issue 26): no output may be an input (followed
# links, hard links, names derived in an output directory) or a capture the user did not name
# as an output: one line, exit 2, nothing written; a report is written whole or not at all;
# inputs that are not regular files (devices, FIFOs, stdin) are read once, never endlessly, and
# their spool is removed on every exit, signals included; file names that are not UTF-8 are
# kept, shown escaped and carried by the JSON; a capture that cannot show S7 says so.
# Usage: cli_safety.sh S7DIAG SRC_DIR
set -u
s7diag=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp/tmpdir"; mkdir -p "$TMPDIR"
fail=0; n=0
say() { echo "FAIL $*"; fail=1; }
# run NAME WANT_RC STDERR_REGEX -- COMMAND...: exit status and one line on stderr matching
run() {
  local name=$1 want=$2 re=$3; shift 4
  n=$((n+1))
  timeout 60 "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
  if [ $rc -ne "$want" ]; then say "$name: exit $rc, want $want"; cat "$tmp/err"; return 1; fi
  if [ -n "$re" ] && ! grep -Eq -e "$re" "$tmp/err"; then say "$name: stderr lacks /$re/:"; cat "$tmp/err"; return 1; fi
  return 0
}
one_line() { [ "$(grep -c . "$tmp/err")" -eq 1 ] || { say "$1: want one line on stderr, got:"; cat "$tmp/err"; }; }
unchanged() { cmp -s "$1" "$2" || say "$3: $(basename "$1") was changed"; }
no_temps() {  # no temporary file left in TMPDIR or beside the outputs
  local left; left=$(find "$TMPDIR" "$@" -name '*s7diag*' -o -name '.*.tmp*' 2>/dev/null | head -3)
  [ -z "$left" ] || say "temporary files left: $left"
}

cap="$src/captures/putget-denied.pcap"
cp "$cap" "$tmp/orig.pcap"

# ---------------------------------------------------------------- 1. outputs never replace inputs
cp "$cap" "$tmp/self.pcap"
run self-report 2 "^s7diag: -o .*self.pcap.* is one of the inputs" -- "$s7diag" analyze -o "$tmp/self.pcap" "$tmp/self.pcap" \
  && one_line self-report
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" self-report
run self-evidence 2 "^s7diag: -e .*self.pcap.* is one of the inputs" -- "$s7diag" analyze -e "$tmp/self.pcap" -F json "$tmp/self.pcap" \
  && one_line self-evidence
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" self-evidence
run self-evidence-redact 2 "is one of the inputs" -- "$s7diag" analyze --redact -e "$tmp/self.pcap" -F json "$tmp/self.pcap"
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" self-evidence-redact
ln -s "$tmp/self.pcap" "$tmp/link.json"
run symlink 2 "is one of the inputs" -- "$s7diag" analyze -o "$tmp/link.json" "$tmp/self.pcap"
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" symlink
ln "$tmp/self.pcap" "$tmp/hard.json"
run hardlink 2 "is one of the inputs" -- "$s7diag" analyze -o "$tmp/hard.json" "$tmp/self.pcap"
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" hardlink
# a name derived in an output directory: DIR/a.pcap.json is an input too
mkdir -p "$tmp/d"; cp "$cap" "$tmp/d/a.pcap"; cp "$cap" "$tmp/d/a.pcap.json"
run derived-name 2 "a.pcap.json.* is one of the inputs" -- "$s7diag" analyze -F json -o "$tmp/d/" "$tmp/d/a.pcap" "$tmp/d/a.pcap.json"
unchanged "$tmp/d/a.pcap.json" "$tmp/orig.pcap" derived-name
# a report never replaces a capture, even one that is not an input
cp "$cap" "$tmp/other.pcap"
run report-over-capture 2 "^s7diag: -o .*other.pcap.* is a capture file" -- "$s7diag" analyze -o "$tmp/other.pcap" -F json "$tmp/self.pcap"
unchanged "$tmp/other.pcap" "$tmp/orig.pcap" report-over-capture
# the other files a run reads are inputs too
printf '10.10.1.20 10.10.1.5 read-write\n' > "$tmp/plant.partners"; cp "$tmp/plant.partners" "$tmp/partners.orig"
run partners-as-output 2 "plant.partners.* is one of the inputs" -- "$s7diag" analyze --partners "$tmp/plant.partners" -o "$tmp/plant.partners" "$cap"
unchanged "$tmp/plant.partners" "$tmp/partners.orig" partners-as-output
printf 'secret\n' > "$tmp/plant.key"; cp "$tmp/plant.key" "$tmp/key.orig"
run key-as-output 2 "plant.key.* is one of the inputs" -- "$s7diag" analyze --redact-key "$tmp/plant.key" -o "$tmp/plant.key" "$cap"
unchanged "$tmp/plant.key" "$tmp/key.orig" key-as-output
# merge and diff
"$s7diag" analyze --fail-on never -o "$tmp/a.json" "$cap"; cp "$tmp/a.json" "$tmp/a.json.orig"
"$s7diag" analyze --fail-on never -o "$tmp/b.json" "$src/captures/healthy.pcap"
run merge-self 2 "a.json.* is one of the inputs" -- "$s7diag" merge -o "$tmp/a.json" "$tmp/a.json" "$tmp/b.json"
unchanged "$tmp/a.json" "$tmp/a.json.orig" merge-self
run diff-self 2 "self.pcap.* is one of the inputs" -- "$s7diag" diff -o "$tmp/self.pcap" "$src/captures/healthy.pcap" "$tmp/self.pcap"
unchanged "$tmp/self.pcap" "$tmp/orig.pcap" diff-self
# watch and check refuse before they capture or connect
run watch-self 2 "plant.partners.* is one of the inputs" -- "$s7diag" watch -i lo --partners "$tmp/plant.partners" -w "$tmp/plant.partners"
unchanged "$tmp/plant.partners" "$tmp/partners.orig" watch-self
run check-self 2 "plant.key.* is one of the inputs" -- "$s7diag" check 127.0.0.1 --redact-key "$tmp/plant.key" -w "$tmp/plant.key"
unchanged "$tmp/plant.key" "$tmp/key.orig" check-self
# a capture the user names as -e may be replaced (it is an output); one in the evidence
# directory that s7diag did not make is not
cp "$cap" "$tmp/old-evidence.pcapng"
run evidence-named 1 "" -- "$s7diag" analyze -e "$tmp/old-evidence.pcapng" -F json "$tmp/self.pcap"
cmp -s "$tmp/old-evidence.pcapng" "$tmp/orig.pcap" && say "evidence-named: the named evidence file was not written"

# written whole or not at all: a report that cannot be written leaves the old one as it was
echo OLD > "$tmp/keep.json"
run report-efbig 2 "keep.json" -- bash -c 'ulimit -f 1; exec "$0" analyze -F json -o "$1" "$2"' "$s7diag" "$tmp/keep.json" "$src/captures/multi-plc.pcap"
[ "$(cat "$tmp/keep.json")" = OLD ] || say "report-efbig: the old report was replaced by part of a new one"
no_temps "$tmp"

echo "safety: $n checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
