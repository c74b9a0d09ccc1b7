#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report_consistency.py S7DIAG [--dir DIR]... [CAPTURE]... — a report agrees with itself (issue 27).

On every capture given, the report's views of one fact must not contradict each other:
  1. every connection a finding names is in the Connections table (findings about attempts that
     never became connections aside: unanswered, refused or unreachable SYNs);
  2. the partners table's connection count per host and PLC equals that host's rows;
  3. every range a Read/Write Var job touched (from `s7diag events`) is in the data areas, and a
     job refused as a whole or an item that failed is in the area's failed range;
  4. the text report says "unknown model" only for a PLC of which nothing is known;
  5. a finding's first and last time span its evidence frames, and for findings whose display
     filter names the faulty answers (not frame numbers), every frame the filter selects;
  6. the Connections table holds every connection the limitations count as begun before the
     capture, and `connections_not_listed` is 0 when the table was not cut.
Prints one line per contradiction; exit 1 when there is one.
"""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

ATTEMPT_KINDS = {'port-no-answer', 'port-refused', 'port-unreachable'}
HOST_KINDS = ATTEMPT_KINDS | {'reconnect-storm', 'unexpected-partner', 'write-conflict', 'plc-closed'}
AREAS = {0x80: 'P', 0x81: 'I', 0x82: 'Q', 0x83: 'M', 0x84: 'DB', 0x85: 'DI', 0x86: 'L', 0x87: 'V',
         28: 'C', 29: 'T', 30: 'C200', 31: 'T200', 0x01: 'RECORD', 0x03: 'SI200', 0x05: 'SF200',
         0x06: 'AI200', 0x07: 'AO200'}
NUMBERED = {28, 29, 30, 31}


def tsize_bytes(ts):
    return {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 4, 8: 4, 28: 2, 29: 2}.get(ts, 1)


def item_range(area, ts, address, length):
    """what s7diag's inventory counts: bytes, or the numbers of timers and counters"""
    n = length or 1
    if area in NUMBERED:
        return address, address + n
    first = address >> 3
    return first, first + (1 if ts == 1 else n * tsize_bytes(ts))


def area_name(area, db):
    name = AREAS.get(area)
    if name is None:
        return '?'
    return f'{name}{db}' if area in (0x84, 0x85) else name


def iso(t):
    return datetime.fromisoformat(t.replace('Z', '+00:00')) if t else None


def epoch(s):
    return datetime.fromtimestamp(float(s), tz=timezone.utc)


def host(endpoint):
    m = re.match(r'^\[(.*)\]:\d+$', endpoint) or re.match(r'^(.*):\d+$', endpoint)
    return m.group(1) if m and endpoint.count(':') in (1,) or (m and endpoint.startswith('[')) else endpoint


def events(s7diag, cap):
    """Read/Write Var jobs (client->plc, frame, pduref, items) and responses by the same key"""
    out = subprocess.run([s7diag, 'events', cap], capture_output=True, text=True, check=False).stdout
    jobs, answers = [], {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 6 or f[2] != 'S7':
            continue
        src, dst = f[3], f[5]
        kv = dict(x.split('=', 1) for x in f[6:] if '=' in x and not x.startswith('item='))
        items = [x[5:] for x in f[6:] if x.startswith('item=')]
        try:
            rosctr, ref, func = int(kv['rosctr']), int(kv['ref']), int(kv['func'], 16)
        except (KeyError, ValueError):
            continue  # not a Read/Write Var PDU (user data, no parameter)
        if rosctr == 1 and func in (4, 5):
            parsed = []
            for it in items:
                head = it.split('=')[0].split('/')
                syntax, area, db, ts, addr, length = int(head[0], 16), int(head[1], 16), int(head[2]), int(head[3]), int(head[4], 16), int(head[5])
                if syntax == 0x10:
                    parsed.append((area, db, ts, addr, length))
            jobs.append({'client': src, 'plc': dst, 'ref': ref, 'write': func == 5, 'items': parsed})
        elif rosctr in (2, 3):
            rc = [int(x, 16) for x in kv.get('rc', '').split(',') if x]
            answers.setdefault((dst, src, ref), []).append({'err': int(kv['err'], 16), 'rc': rc})
    return jobs, answers


def check(s7diag, cap, problems):
    report = json.loads(subprocess.run([s7diag, 'analyze', '-q', '-F', 'json', '--fail-on', 'never', cap],
                                       capture_output=True, text=True, check=False).stdout)
    c = report['captures'][0]
    if c.get('error'):
        return
    name = cap.rsplit('/', 1)[-1]
    def bad(msg):
        problems.append(f'{name}: {msg}')
    rows = c['connections']
    cut = c.get('connections_not_listed', 0) > 0
    # 1. findings name listed connections
    pairs = {(r['client'], r['plc']) for r in rows}
    hosts = {(host(r['client']), r['plc']) for r in rows}
    for f in c['findings']:
        cl, plc = f.get('client') or '', f['plc']
        if cut or f['kind'] in ATTEMPT_KINDS or cl.startswith('(') or ',' in cl or ' ' in cl:
            continue
        if re.search(r':\d+$', cl) and not cl.endswith(']'):
            if (cl, plc) not in pairs:
                bad(f'{f["kind"]} names connection {cl} to {plc}, which the Connections table lacks')
        elif f['kind'] not in HOST_KINDS and (cl, plc) not in hosts:
            bad(f'{f["kind"]} names host {cl} of {plc}, which has no row in the Connections table')
    # 2. the partners table counts each host's rows
    if not cut:
        for p in c.get('plcs', []):
            for peer in p['peers']:
                n = sum(1 for r in rows if r['plc'] == p['plc'] and host(r['client']) == peer['host'])
                if peer['connections'] != n:
                    bad(f'partners table: host {peer["host"]} of {p["plc"]} has {peer["connections"]} connections, '
                        f'the Connections table {n} rows')
    # 3. every range a job touched is in the data areas, the failed ones marked
    areas = {(a['plc'], a['area']): a for a in c.get('areas', [])}
    jobs, answers = events(s7diag, cap)
    for j in jobs:
        ans = answers.get((j['client'], j['plc'], j['ref']), [])
        a0 = ans[0] if ans else None
        for i, (area, db, ts, addr, length) in enumerate(j['items']):
            lo, hi = item_range(area, ts, addr, length)
            a = areas.get((j['plc'], area_name(area, db)))
            if not a:
                bad(f'data areas lack {area_name(area, db)} of {j["plc"]} (a job from {j["client"]} touched bytes {lo}-{hi - 1})')
                continue
            if a['first'] is not None and not (a['first'] <= lo and hi <= a['end']):
                bad(f'data area {a["area"]} of {j["plc"]}: {a["first"]}-{a["end"]} lacks {lo}-{hi}')
            failed = a0 and (a0['err'] or (i < len(a0['rc']) and a0['rc'][i] not in (0xff, 0x00)))
            if failed and not (a['failed_first'] is not None and a['failed_first'] <= lo and hi <= a['failed_end']):
                bad(f'data area {a["area"]} of {j["plc"]}: failed range lacks {lo}-{hi} (refused or failed)')
    # 4. "unknown model" only when nothing is known
    text = subprocess.run([s7diag, 'analyze', '-q', '-F', 'text', '--fail-on', 'never', cap],
                          capture_output=True, text=True, check=False).stdout
    for p in c.get('plcs', []):
        known = any(p.get(k) for k in ('order_number', 'firmware', 'cpu_type', 'module_name', 'system_name', 'plant', 'serial'))
        if known and f'PLC {p["plc"]}: unknown model' in text:
            bad(f'PLC {p["plc"]} is "unknown model" though the capture holds its identity')
    # 5. a finding's times span its evidence and, for an answer's signature, every answer
    times = {}
    out = subprocess.run(['tshark', '-n', '-r', cap, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch'],
                         capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        n, _, t = line.partition('\t')
        if n and t:
            times[int(n)] = epoch(t)
    slack = 0.000002
    for f in c['findings']:
        first, last = iso(f.get('first_time')), iso(f.get('last_time'))
        if not first or not last:
            continue
        span = [times[n] for n in f['frames'] if n in times]
        if f['filter'] and not f['filter'].startswith('frame.number'):
            sel = subprocess.run(['tshark', '-n', '-r', cap, '-Y', f['filter'], '-T', 'fields', '-e', 'frame.number'],
                                 capture_output=True, text=True, check=False).stdout.split()
            span += [times[int(n)] for n in sel if int(n) in times]
        if span and ((first - min(span)).total_seconds() > slack or (max(span) - last).total_seconds() > slack):
            bad(f'{f["kind"]} ({f.get("detail")}) occurred {f["first_time"]} to {f["last_time"]}, '
                f'its frames {min(span).isoformat()} to {max(span).isoformat()}')
    # 6. the connections the limitations count are listed
    before = sum(1 for r in rows if not r.get('handshake_seen', True))
    for lim in c.get('limitations', []):
        if lim['id'] == 'no-handshake' and not cut and lim['count'] > before:
            bad(f'no-handshake counts {lim["count"]} connections begun before the capture, the Connections table {before}')
    if not cut and len(rows) >= 10000:
        bad('the table holds 10000 rows but connections_not_listed is 0')


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    s7diag, caps, args = sys.argv[1], [], sys.argv[2:]
    while args:
        a = args.pop(0)
        if a == '--dir':
            d = args.pop(0)
            if os.path.isdir(d):  # the public corpus may be absent
                caps += sorted(os.path.join(d, n) for n in os.listdir(d) if re.search(r'\.pcap(ng)?(\.gz)?$', n))
        else:
            caps.append(a)
    def one(cap):
        found = []
        check(s7diag, cap, found)
        return found
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        problems = [p for found in pool.map(one, caps) for p in found]
    for p in problems:
        print('FAIL', p)
    print(f'consistency: {len(caps)} captures, {"no contradiction" if not problems else f"{len(problems)} contradictions"}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
