#!/usr/bin/env python3
"""List what score_calls.py counts against an export, so each miss can be explained.

    bench/calls_misses.py ORACLE.ndjson EXPORT.ndjson

Maps oracle functions to export nodes exactly as ../shared/tools/score_calls.py
does (same file, same short name, the smallest node whose span, widened by two
lines upwards, holds the oracle's line) and prints one line per
  MISS      oracle edge between mapped functions with no calls edge
  UNMAPPED  oracle edge with an end no node maps to (counted as a miss too)
  FALSE     calls edge between mapped functions the oracle does not have
            (with each edge's resolution, file and line)
  MAPPED-TO oracle function that mapped to a node with another qualified
            name (the scorer's line tolerance can pick a nested node), once
            for each such function that appears in a MISS or FALSE line
then a summary line. The export's dynamic edges count like any other: drop
them first (grep -v '"resolution":"dynamic"') to match the static oracle.
"""
import json
import sys
from collections import defaultdict


def main():
    oracle = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    nodes, edges = {}, defaultdict(list)
    for l in open(sys.argv[2]):
        if not l.strip():
            continue
        o = json.loads(l)
        if o.get("type") == "node":
            nodes[o["id"]] = o
        elif o.get("type") == "edge" and o.get("kind", "").lower() in ("calls", "call") and o.get("dst"):
            edges[(o["src"], o["dst"])].append(
                f'{o.get("resolution", "?")} {o.get("file", "")}:{o.get("line", "")}')

    by_file = defaultdict(list)
    for n in nodes.values():
        if str(n.get("kind", "")).lower() in ("function", "method", "func", "constructor"):
            by_file[(n.get("file") or "").lstrip("./")].append(n)

    def key(f):
        return (f["file"], f["line"], f["name"])

    def locate(f):
        short = f["name"].split(".")[-1]
        best = None
        for n in by_file.get(f["file"], []):
            if n.get("name", "").split(".")[-1] != short:
                continue
            lo, hi = n.get("line", 0), n.get("end_line", n.get("line", 0))
            if lo - 2 <= f["line"] <= hi:
                if best is None or (hi - lo) < (best.get("end_line", 0) - best.get("line", 0)):
                    best = n
        return best["id"] if best else None

    def show(k):
        return f"{k[2]} ({k[0]}:{k[1]})"

    def node(i):
        n = nodes[i]
        return f'{n.get("qualified_name") or n.get("name")} ({n.get("file")}:{n.get("line")})'

    known = {}
    for e in oracle:
        for f in (e["caller"], e["callee"]):
            if key(f) not in known:
                known[key(f)] = locate(f)
    mapped = {v for v in known.values() if v}
    suspects = set()
    truth, misses, unmapped = set(), 0, 0
    for e in sorted(oracle, key=lambda e: (key(e["caller"]), key(e["callee"]))):
        a, b = key(e["caller"]), key(e["callee"])
        if a == b:
            continue
        ia, ib = known[a], known[b]
        if not ia or not ib:
            unmapped += 1
            end = "caller" if not ia else "callee"
            print(f"UNMAPPED {show(a)} -> {show(b)}: no node for the {end}")
            continue
        if ia == ib:
            continue
        truth.add((ia, ib))
        if (ia, ib) not in edges:
            misses += 1
            suspects.update((a, b))
            print(f"MISS     {show(a)} -> {show(b)}")
    false = 0
    for (a, b), where in sorted(edges.items()):
        if a in mapped and b in mapped and a != b and (a, b) not in truth:
            false += 1
            print(f"FALSE    {node(a)} -> {node(b)}: {', '.join(where)}")
            suspects.update(k for k, v in known.items() if v in (a, b))
    for k in sorted(suspects):
        i = known.get(k)
        if i and (nodes[i].get("qualified_name") or nodes[i].get("name")) != k[2]:
            print(f"MAPPED-TO {show(k)} -> {node(i)}")
    print(f"misses={misses} unmapped={unmapped} false={false}")


if __name__ == "__main__":
    main()
