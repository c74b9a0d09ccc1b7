#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""link_cycles.py BUILD_DIR — no link-level dependency cycle in the project (issue 27).

Object A depends on object B when A uses a global symbol B defines (read with nm). Within every
static library of the project, and within every executable or plugin together with the project's
libraries it links, the objects must form no cycle: layers call downward only. What each target is
made of comes from CMake's link.txt (so stale files of an older build do not count). Prints each
cycle with the dependencies that make it; exit 1 when there is one, 0 otherwise.
"""
import os
import subprocess
import sys


def members(path):
    """(name, defined, undefined) per object of an archive or object file"""
    objs = {}

    def run(flag):
        out = subprocess.run(['nm', '-A', flag, path], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            # "lib.a:member.o:ADDR T sym", "obj.o:ADDR T sym" (undefined: spaces for ADDR, U)
            fields = line.split(':')
            parts = fields[-1].split()
            if len(fields) < 2 or len(parts) < 2:
                continue
            name = fields[1] if path.endswith('.a') and len(fields) > 2 else os.path.basename(fields[0])
            yield name, parts[-2], parts[-1]

    for name, kind, sym in run('--defined-only'):
        if kind.isupper() and kind in 'TDBRGSVWC':
            objs.setdefault(name, (set(), set()))[0].add(sym)
    for name, _, sym in run('--undefined-only'):
        objs.setdefault(name, (set(), set()))[1].add(sym)
    return objs


def cycles(objs):
    """strongly connected components of more than one object (iterative Tarjan)"""
    owner = {}
    for name, (defs, _) in objs.items():
        for s in defs:
            owner[s] = name
    graph = {n: sorted({owner[s] for s in uses if s in owner and owner[s] != n}) for n, (_, uses) in objs.items()}
    index, low, on, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter[0]
                counter[0] += 1
                stack.append(node)
                on.add(node)
            if i < len(graph[node]):
                work.append((node, i + 1))
                nxt = graph[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            for nxt in graph[node]:
                if nxt in on:
                    low[node] = min(low[node], low[nxt])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found, graph


def check(label, paths):
    objs = {}
    for p in paths:
        for name, v in members(p).items():
            key = name if name not in objs else f'{os.path.basename(os.path.dirname(p))}/{name}'
            objs[key] = v
    found, graph = cycles(objs)
    for comp in found:
        ties = [f'{a} -> {b}' for a in comp for b in graph[a] if b in comp]
        print(f'FAIL {label}: cycle of {len(comp)}: {" ".join(comp)}\n    ' + '\n    '.join(ties))
    return len(objs), not found


def link_inputs(target_dir):
    """what a target is made of, from CMake's link.txt: (is_library, objects, archives)"""
    link = os.path.join(target_dir, 'link.txt')
    if not os.path.exists(link):
        return None
    base = os.path.dirname(os.path.dirname(target_dir))   # where the link command runs
    words = open(link).readline().split()
    if not words:
        return None
    is_library = os.path.basename(words[0]).endswith('ar')
    objs = [os.path.join(base, w) for w in words if w.endswith('.o')]
    libs = [os.path.normpath(os.path.join(base, w)) for w in words if w.endswith('.a') and not w.startswith('/usr')]
    return is_library, objs, libs


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    with open(os.path.join(build, 'CMakeFiles', 'TargetDirectories.txt')) as f:
        targets = sorted(line.strip() for line in f if line.strip())
    ok, n = True, 0
    for t in targets:
        made = link_inputs(t)
        if not made:
            continue
        is_library, objs, libs = made
        if not objs:
            continue
        name = os.path.basename(t)[:-4]
        # a library: its own objects; a program or module: its objects and the project's
        # libraries it links
        _, good = check(name, objs + ([] if is_library else libs))
        ok &= good
        n += 1
    print(f'link cycles: {n} libraries and programs, {"no cycle" if ok else "CYCLES"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
