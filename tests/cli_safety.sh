#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The user's files are safe and nothing hangs (issue 26): no output may be an input (followed
# links, hard links, names derived in an output directory) or a capture the user did not name
# as an output: one line, exit 2, nothing written; a report is written whole or not at all;
# inputs that are not regular files (devices, FIFOs, stdin) are read once, never endlessly, and
# their spool is removed on every exit, signals included; file names that are not UTF-8 are
# kept, shown escaped and carried by the JSON; a capture that cannot show S7 says so.
# Usage: cli_safety.sh S7DIAG SRC_DIR S7BENCHGEN
set -u
s7diag=$1; src=$2; benchgen=$3
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

# ---------------------------------------------------------------- 5. names that are not UTF-8
raw=$(printf 'caf\xe9.pcap')
mkdir -p "$tmp/u"; cp "$cap" "$tmp/u/$raw"
run non-utf8 1 "" -- "$s7diag" analyze -F json -e "$tmp/u-ev/" -o "$tmp/u-out/" "$tmp/u"
grep -q "CRITICAL\|(null)" "$tmp/err" && say "non-utf8: $(cat "$tmp/err")"
[ -f "$tmp/u-out/$raw.json" ] || say "non-utf8: no report named after the capture's bytes: $(ls "$tmp/u-out")"
[ -f "$tmp/u-ev/$raw.evidence.pcapng" ] || say "non-utf8: no evidence named after the capture's bytes: $(ls "$tmp/u-ev" 2>&1)"
[ "$(jq -r '.captures[0].file' "$tmp/u-out/s7diag-report.json")" = "$tmp/u/caf\\xE9.pcap" ] \
  || say "non-utf8: JSON file is $(jq -c '.captures[0].file' "$tmp/u-out/s7diag-report.json")"
[ "$(jq -r '.captures[0].file_base64' "$tmp/u-out/s7diag-report.json" | base64 -d)" = "$tmp/u/$raw" ] \
  || say "non-utf8: file_base64 does not carry the name's bytes"
[ "$(jq '.captures[0].findings | length' "$tmp/u-out/s7diag-report.json")" -gt 0 ] || say "non-utf8: no findings"
run non-utf8-text 1 "" -- "$s7diag" analyze -F text "$tmp/u/$raw"
grep -q 'caf\\xE9.pcap' "$tmp/out" || say "non-utf8-text: the name is not shown escaped"
run non-utf8-missing 2 'caf\\xE9-gone.pcap: cannot read' -- "$s7diag" analyze "$tmp/u/$(printf 'caf\xe9-gone.pcap')"
# merge carries the bytes on
run non-utf8-merge 1 "" -- "$s7diag" merge "$tmp/u-out/s7diag-report.json"
[ "$(jq -r '.captures[0].file_base64' "$tmp/out" | base64 -d)" = "$tmp/u/$raw" ] || say "non-utf8-merge: file_base64 lost"

run non-utf8-diff 0 "" -- "$s7diag" diff -F json "$tmp/u/$raw" "$tmp/u/$raw"
[ "$(jq -r '.bad.name' "$tmp/out")" = "$tmp/u/caf\\xE9.pcap" ] || say "non-utf8-diff: name is $(jq -c '.bad.name' "$tmp/out")"

# ---------------------------------------------------------------- 6. inputs that are not regular files
run dev-zero 2 "/dev/zero: not a capture file" -- "$s7diag" analyze /dev/zero && one_line dev-zero
run dev-urandom 2 "/dev/urandom: not a capture file" -- "$s7diag" analyze /dev/urandom
run diff-dev-zero 2 "/dev/zero: not a capture file" -- "$s7diag" diff "$cap" /dev/zero
run stdin-zeros 2 "^s7diag: -: not a capture file" -- bash -c 'head -c 3G /dev/zero | "$0" analyze -' "$s7diag"
"$s7diag" analyze -F json "$cap" | jq -S '.captures[0].findings' > "$tmp/want.json"
for mode in prefilter no-prefilter; do
  rm -f "$tmp/fifo.pcap"; mkfifo "$tmp/fifo.pcap"
  ( cat "$cap" > "$tmp/fifo.pcap" & )
  args=(); [ $mode = no-prefilter ] && args=(--no-prefilter)
  if run "fifo-$mode" 1 "" -- "$s7diag" analyze "${args[@]}" -F json "$tmp/fifo.pcap"; then
    jq -S '.captures[0].findings' "$tmp/out" | cmp -s - "$tmp/want.json" || say "fifo-$mode: findings differ from the file's"
  fi
done
S7DIAG_SPOOL_LIMIT=1000 run stdin-limit 2 "^s7diag: -: more than 1000 bytes" -- bash -c '"$0" analyze - < "$1"' "$s7diag" "$src/captures/multi-plc.pcap"
# a signal while stdin is spooled: the spool goes
sleep 30 | "$s7diag" analyze - > /dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do [ -n "$(ls "$TMPDIR")" ] && break; sleep 0.1; done
[ -n "$(ls "$TMPDIR")" ] || say "stdin-signal: no spool seen while stdin was read"
kill -INT $pid; wait $pid; rc=$?; n=$((n+1))
[ $rc -eq 130 ] || say "stdin-signal: exit $rc, want 130 (SIGINT)"
pkill -f "^sleep 30$" 2>/dev/null
no_temps
# an empty stream is no capture
run stdin-empty 2 "^s7diag: -: empty" -- bash -c '"$0" analyze - < /dev/null' "$s7diag"

# ---------------------------------------------------------------- 7. evidence of a truncated capture
head -c 1500 "$cap" > "$tmp/trunc.pcap"
run evidence-truncated 1 "trunc.pcap: warning: the capture is truncated" -- "$s7diag" analyze -e "$tmp/trunc-ev.pcapng" -F json "$tmp/trunc.pcap"
grep -q "Running as user" "$tmp/err" && say "evidence-truncated: tshark's root line shown"
[ "$(capinfos -c -M "$tmp/trunc-ev.pcapng" 2>/dev/null | awk '/Number of packets/ {print $NF}')" -gt 0 ] 2>/dev/null \
  || say "evidence-truncated: no evidence written"

# ---------------------------------------------------------------- 4. a capture nothing could be read of
# a pcapng whose first packet block claims 1 GB: not analyzed (exit 2), whatever --fail-on says
python3 -c '
import struct, sys
shb = struct.pack("<IIIHHq", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + struct.pack("<I", 28)
idb = struct.pack("<IIHHI", 1, 20, 1, 0, 65535) + struct.pack("<I", 20)
sys.stdout.buffer.write(shb + idb + struct.pack("<II", 6, 1 << 30) + bytes(100))' > "$tmp/huge-block.pcapng"
run damaged-first-block 2 "huge-block.pcapng: damaged before its first packet" -- "$s7diag" analyze --fail-on never "$tmp/huge-block.pcapng"
[ "$(jq -r '.captures[0].error' "$tmp/out")" != null ] || say "damaged-first-block: the report does not say it was not analyzed"
run damaged-first-block-junit 2 "" -- "$s7diag" analyze -F junit "$tmp/huge-block.pcapng"
grep -q "<error\|<failure" "$tmp/out" || say "damaged-first-block-junit: the JUnit report passes it"
run damaged-first-block-events 2 "damaged before its first packet" -- "$s7diag" events "$tmp/huge-block.pcapng"
: > "$tmp/empty.pcap"
run events-empty 2 "empty.pcap: empty file" -- "$s7diag" events "$tmp/empty.pcap"
run events-dev-zero 2 "/dev/zero: not a capture file" -- "$s7diag" events /dev/zero

# ---------------------------------------------------------------- 3. memory bounded by the engine's state
# one busy connection, and the same with a few packets of other connections in other shards
# (the merge waited for them while the busy shard's events piled up: ~3 KB a packet, 190 MB here); split
# into shards on purpose, the run's own memory stays far below what the packets would take
"$benchgen" "$tmp/one.pcap" 60000 100 1 2> /dev/null
mergecap -F pcap -w "$tmp/skew.pcap" "$tmp/one.pcap" "$src/captures/healthy.pcap" "$src/captures/multi-plc.pcap"
for c in one skew; do
  run "memory-$c" 0 "own peak memory" -- env S7DIAG_REPORT_RSS=1 "$s7diag" analyze -q --shards 3 --fail-on never -F json -o "$tmp/$c-3.json" "$tmp/$c.pcap"
  kb=$(sed -n 's/.*own peak memory[[:space:]]*\([0-9]*\) kB.*/\1/p' "$tmp/err")
  # (the sanitizers' shadow memory says nothing about s7diag's own: the normal build holds the bound)
  [ -n "${S7DIAG_SANITIZED:-}" ] || [ "${kb:-999999}" -le 65536 ] || say "memory-$c: own peak memory ${kb} kB with 3 shards, more than 64 MB"
  "$s7diag" analyze -q --shards 1 --fail-on never -F json -o "$tmp/$c-1.json" "$tmp/$c.pcap"
  cmp -s "$tmp/$c-1.json" "$tmp/$c-3.json" || say "memory-$c: 3 shards report differently from 1"
done
rm -f "$tmp/one.pcap" "$tmp/skew.pcap"

# ---------------------------------------------------------------- 10. smaller ones
run double-dash 1 "" -- "$s7diag" analyze -F json -- "$cap"
[ "$(jq '.captures | length' "$tmp/out")" = 1 ] || say "double-dash: '--' was taken as a capture"
run attached-value 1 "" -- "$s7diag" analyze -j2 -Fjson "$cap"
[ "$(jq '.captures | length' "$tmp/out")" = 1 ] || say "attached-value: -j2 -Fjson not understood"
run nan-timeout 2 "timeouts must be positive numbers" -- "$s7diag" analyze --no-response-timeout nan "$cap"
run inf-timeout 2 "timeouts must be positive numbers" -- "$s7diag" analyze --connect-timeout inf "$cap"
run watch-nan 2 "positive numbers" -- "$s7diag" watch -i lo --duration nan
run check-nan 2 "outside 1 to 120" -- "$s7diag" check 127.0.0.1 --timeout nan
run negative-slot 2 "--slot 0 to 31" -- "$s7diag" check 127.0.0.1 --slot -1
run negative-rack 2 "--rack is 0 to 7" -- "$s7diag" check 127.0.0.1 --rack=-1
run merge-twice 2 "a.json is given twice" -- "$s7diag" merge "$tmp/a.json" "$tmp/a.json"
ln -sf "$tmp/a.json" "$tmp/a-link.json"
run merge-twice-link 2 "is given twice" -- "$s7diag" merge "$tmp/a.json" "$tmp/a-link.json"
# compressed captures in a directory are found, whatever the compression
mkdir -p "$tmp/packed"
gzip -c "$cap" > "$tmp/packed/a.pcap.gz"; zstd -q -c "$cap" > "$tmp/packed/b.pcap.zst"; lz4 -q -c "$cap" > "$tmp/packed/c.pcap.lz4"
"$s7diag" analyze -q -F json --fail-on never "$tmp/packed" > "$tmp/packed.json" 2> /dev/null; n=$((n+1))
[ "$(jq -r '[.captures[].file | split("/") | last] | join(" ")' "$tmp/packed.json")" = "a.pcap.gz b.pcap.zst c.pcap.lz4" ] \
  || say "packed: the directory scan found $(jq -c '[.captures[].file]' "$tmp/packed.json")"

echo "safety: $n checks, $( [ $fail -eq 0 ] && echo all passed || echo FAILED )"
exit $fail
