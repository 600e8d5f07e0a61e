#!/usr/bin/env python3
"""Checks the call structure of a set of object files with nm: no two
files may call each other, directly or round a longer loop, and (with
--layers) no file may call a file of a higher layer. A file is an object's
source path from "src/" on (src/wsman/session.c); a call is an undefined
symbol of one object that another defines.

usage: check_layers.py NM OBJECT_LIST [--layers "util platform|http|..."]

OBJECT_LIST names one object file a line. --layers lists the folders under
src/ from the bottom up, '|' between layers and spaces between folders of
one layer; a call may go down or stay within its layer, never up, and
every object must belong to a listed folder.
"""
import argparse
import re
import subprocess
import sys
from collections import defaultdict

DEFINED = set("TDBRCGSV")  # global text, data, bss, read-only, common, weak


def source_name(path):
    # the last src/FOLDER/FILE in the path: the build tree may itself lie
    # under some other src/
    m = re.search(r".*/(src/[^/]+/[^/]+?)(\.c)?\.o$", "/" + path)
    return m.group(1) + ".c" if m else path


def read_symbols(nm, objects):
    defs, refs = {}, defaultdict(set)
    for obj in objects:
        name = source_name(obj)
        out = subprocess.run([nm, obj], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in DEFINED:
                if f[2] in defs and defs[f[2]] != name:
                    print(f"duplicate definition of {f[2]}: {defs[f[2]]} and {name}")
                defs.setdefault(f[2], name)
            elif len(f) == 2 and f[0] == "U":
                refs[name].add(f[1])
        refs.setdefault(name, set())
    return defs, refs


def call_graph(defs, refs):
    """file -> {called file -> sorted symbols}"""
    edges = defaultdict(lambda: defaultdict(list))
    for f, syms in refs.items():
        for s in sorted(syms):
            g = defs.get(s)
            if g and g != f:
                edges[f][g].append(s)
    return edges


def cycles(nodes, edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def folder(name):
    parts = name.split("/")
    return parts[1] if len(parts) > 2 else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nm")
    ap.add_argument("object_list")
    ap.add_argument("--layers")
    a = ap.parse_args()
    with open(a.object_list) as fh:
        objects = [l.strip() for l in fh if l.strip()]
    if not objects:
        print("no object files listed")
        return 1
    defs, refs = read_symbols(a.nm, objects)
    edges = call_graph(defs, refs)
    bad = 0

    for comp in cycles(refs.keys(), edges):
        bad += 1
        print("call cycle between " + ", ".join(comp) + ":")
        for f in comp:
            for g in comp:
                if g in edges.get(f, {}):
                    print(f"  {f} -> {g}: {', '.join(edges[f][g][:4])}")

    if a.layers:
        rank = {}
        for i, layer in enumerate(a.layers.split("|")):
            for d in layer.split():
                rank[d] = i
        for f in sorted(refs):
            if folder(f) not in rank:
                bad += 1
                print(f"{f}: its folder is in no layer")
        for f in sorted(edges):
            for g, syms in sorted(edges[f].items()):
                if folder(f) in rank and folder(g) in rank and \
                        rank[folder(g)] > rank[folder(f)]:
                    bad += 1
                    print(f"upward call {f} -> {g}: {', '.join(syms[:4])}")

    n_edges = sum(len(v) for v in edges.values())
    print(f"{len(refs)} files, {n_edges} file-to-file calls: "
          + ("OK" if not bad else f"{bad} problem(s)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
