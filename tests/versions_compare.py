#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""versions_compare.py REF OTHER LABEL: the results of versions_results.sh on two Wireshark
versions are the same. The JSON reports must be byte-identical apart from tshark_version.
The event dumps must be identical, with one documented exception: Wireshark 4.4 and later
flag "ACKed unseen segment" on more frames than 4.0 in captures with missing segments; a TCP
event's "gap" mark may differ only on a connection that already had a gap in both versions,
so the engine's per-connection fact (the connection has a capture gap) is the same."""
import json, os, re, sys

ref, other, label = sys.argv[1], sys.argv[2], sys.argv[3]
fail = 0

def report(d):
    global fail
    with open(os.path.join(d, "report.json")) as f:
        r = json.load(f)
    v = r.pop("tshark_version", "")
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", v or ""):
        print(f"FAIL {d}: tshark_version {v!r} is not a version")
        fail = 1
    return json.dumps(r, indent=1, sort_keys=True)

a, b = report(ref), report(other)
if a != b:
    fail = 1
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            print(f"FAIL {label}: JSON report differs from 4.0's at line {i}: {x!r} vs {y!r}")
            break
    else:
        print(f"FAIL {label}: JSON report length differs from 4.0's")

def conn(fields):
    return tuple(sorted((fields[3], fields[5])))

n_caps, n_events, tolerated = 0, 0, 0
for name in sorted(os.listdir(os.path.join(ref, "events"))):
    n_caps += 1
    with open(os.path.join(ref, "events", name)) as f:
        x = f.read().splitlines()
    path = os.path.join(other, "events", name)
    if not os.path.exists(path):
        print(f"FAIL {label}: no events for {name}"); fail = 1; continue
    with open(path) as f:
        y = f.read().splitlines()
    if len(x) != len(y):
        print(f"FAIL {label}: {name}: {len(x)} events on 4.0, {len(y)} here"); fail = 1; continue
    gapped = set()
    for p, q in zip(x, y):
        n_events += 1
        pf = p.split()
        if p == q:
            if pf[2] == "TCP" and p.endswith(" gap"):
                gapped.add(conn(pf))
            continue
        if pf[2] == "TCP" and p.replace(" gap", "") == q.replace(" gap", "") and conn(pf) in gapped:
            tolerated += 1
            continue
        print(f"FAIL {label}: {name}: event differs:\n  4.0:  {p}\n  here: {q}"); fail = 1
        break
print(f"versions {label}: {n_caps} captures, {n_events} events: "
      f"{'same as 4.0' if not fail else 'DIFFERENT'} ({tolerated} TCP gap marks on already gapped connections)")
sys.exit(fail)
