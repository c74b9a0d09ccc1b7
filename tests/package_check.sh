#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The .deb packages of one Wireshark version, installed into a bare Debian of that version as
# a user would (apt-get install ./….deb pulls tshark and the libraries): the plugin is in the
# system plugin dir (honoured for root: tshark -G plugins lists it), and s7diag analyze and
# tshark -2 -Y s7diag.fault diagnose the demo capture. Removes the packages again.
# Usage (inside the chroot): package_check.sh DEB_DIR CAPTURES_DIR
set -u
debs=$1; caps=$2
fail=0
say() { echo "package check: $*"; }
bad() { echo "FAIL package: $*"; fail=1; }
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt_opts="-q -o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false"
apt-get $apt_opts update > /tmp/pkg-apt.log 2>&1
if ! apt-get $apt_opts install -y "$debs"/s7diag_*.deb "$debs"/s7diag-wireshark-plugin_*.deb >> /tmp/pkg-apt.log 2>&1; then
  tail -20 /tmp/pkg-apt.log; echo "FAIL package: apt-get install failed"; exit 1
fi
ws=$(tshark --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+' | head -1)
say "installed into Debian $(cat /etc/debian_version) with tshark $(tshark --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
plugins=$(tshark -G plugins 2>/dev/null)
echo "$plugins" | grep -E "^s7diag\.so.*\(Wireshark $ws\).*/usr/lib/.*/wireshark/plugins/$ws/epan/s7diag\.so" > /dev/null \
  || bad "tshark -G plugins does not list the system plugin for $ws: $(echo "$plugins" | grep s7diag)"
[ -f "/usr/share/wireshark/profiles/S7 Diagnostics/dfilter_buttons" ] || bad "profile not installed"
ls /usr/share/man/man1/s7diag.1* > /dev/null 2>&1 || bad "no man page"
[ -f /usr/share/bash-completion/completions/s7diag ] || bad "no bash completion"
[ -f /usr/share/doc/s7diag/copyright ] && [ -f /usr/share/doc/s7diag-wireshark-plugin/copyright ] || bad "no copyright file"
s7sim --help > /dev/null 2>&1 || bad "s7sim --help failed"
# the analyzer on the demo capture: PUT/GET denied, exit 1
s7diag analyze -q -F json "$caps/putget-denied.pcap" > /tmp/pkg.json; rc=$?
[ $rc -eq 1 ] || bad "s7diag analyze exit $rc, want 1"
kinds=$(jq -r '[.captures[0].findings[].kind] | unique | join(",")' /tmp/pkg.json 2>/dev/null)
[ "$kinds" = "putget-denied" ] || bad "s7diag analyze found '$kinds', want putget-denied"
# the plugin in tshark, as root (system plugin dir): the evidence frames of the expected file
want=$(cut -f3 "$caps/putget-denied.expected" | tr ',' '\n' | sort -n | tr '\n' ' ')
got=$(tshark -2 -n -r "$caps/putget-denied.pcap" -Y 's7diag.fault == "putget-denied"' -T fields -e frame.number 2>/dev/null | sort -n | tr '\n' ' ')
[ "$got" = "$want" ] || bad "tshark -Y s7diag.fault frames '$got', want '$want'"
apt-get $apt_opts purge -y s7diag s7diag-wireshark-plugin >> /tmp/pkg-apt.log 2>&1
apt-get $apt_opts autoremove --purge -y >> /tmp/pkg-apt.log 2>&1
say "$( [ $fail -eq 0 ] && echo "s7diag and s7diag-wireshark-plugin for Wireshark $ws: install and work" || echo FAILED )"
exit $fail
