#!/usr/bin/env python3
"""Convert the call graph stored by @colbymchenry/codegraph (the npm peer we
compare against) into our export NDJSON, so that
/work/shared/tools/score_calls.py can score it exactly as it scores
`codegraph export --format ndjson`.

    peer_export.py PROJECT_DIR [--db PATH] [--stats] > export.ndjson

PROJECT_DIR is the directory the peer indexed (`codegraph init PROJECT_DIR`);
its store is PROJECT_DIR/.codegraph/codegraph.db (SQLite, schema of peer
1.6.x): table `nodes` (id, kind, name, qualified_name, file_path, start_line,
end_line, ...) and table `edges` (source, target, kind, metadata JSON with
resolvedBy/confidence/refName, line, provenance). file_path is already
relative to PROJECT_DIR.

What is mapped, and nothing else:
- nodes of kind function and method -> {"type":"node","id","kind","name",
  "file","line","end_line"}. "name" is the bare name for functions and
  Recv.Method for methods (the peer's qualified_name is "Recv::Method");
  score_calls.py compares only the last dot-separated segment.
- edges of kind calls whose two ends are such nodes -> {"type":"edge",
  "kind":"calls","src","dst"}, one line per distinct (src, dst) pair (the
  peer stores one row per call site). Calls edges touching any other node
  kind are dropped and counted (--stats prints the counts on stderr).
Every confidence level and resolution strategy the peer stores is kept: the
peer presents all of them as call edges to its users. That includes its
"heuristic" edges (provenance='heuristic', metadata.synthesizedBy=
"interface-impl"), which link an interface method, or a method a wrapper type
overrides, to the implementing methods; --no-heuristic drops them.
"""
import argparse
import json
import os
import sqlite3
import sys
from collections import Counter

FUNC_KINDS = ("function", "method")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project_dir")
    ap.add_argument("--db", help="peer store (default PROJECT_DIR/.codegraph/codegraph.db)")
    ap.add_argument("--stats", action="store_true", help="print mapping statistics on stderr")
    ap.add_argument("--no-heuristic", action="store_true",
                    help="drop the peer's synthesized interface-impl edges (provenance heuristic)")
    a = ap.parse_args()
    db = a.db or os.path.join(a.project_dir, ".codegraph", "codegraph.db")
    if not os.path.exists(db):
        sys.exit(f"peer_export: no peer store at {db}")
    # Read-only, so a leftover WAL from the peer is read but never rewritten.
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = sys.stdout
    kinds = {}
    nnodes = 0
    for nid, kind, name, qname, path, lo, hi in con.execute(
            "SELECT id, kind, name, qualified_name, file_path, start_line, end_line FROM nodes"):
        kinds[nid] = kind
        if kind not in FUNC_KINDS:
            continue
        if kind == "method" and qname and "::" in qname:
            # "Recv::Method" -> "Recv.Method"; keep only the last two parts.
            parts = qname.split("::")
            name = ".".join(parts[-2:])
        out.write(json.dumps({"type": "node", "id": nid, "kind": kind, "name": name,
                              "file": path.replace("\\", "/"), "line": lo, "end_line": hi}) + "\n")
        nnodes += 1
    seen = set()
    dropped = Counter()
    rows = 0
    by_strategy = Counter()
    for src, dst, meta, prov in con.execute(
            "SELECT source, target, metadata, provenance FROM edges WHERE kind = 'calls'"):
        rows += 1
        if a.no_heuristic and prov == "heuristic":
            dropped["heuristic"] += 1
            continue
        ks, kd = kinds.get(src), kinds.get(dst)
        if ks not in FUNC_KINDS or kd not in FUNC_KINDS:
            dropped[f"{ks}->{kd}"] += 1
            continue
        if (src, dst) in seen:
            continue
        seen.add((src, dst))
        try:
            m = json.loads(meta or "{}")
            by_strategy[m.get("resolvedBy") or m.get("synthesizedBy") or "?"] += 1
        except ValueError:
            by_strategy["?"] += 1
        out.write(json.dumps({"type": "edge", "kind": "calls", "src": src, "dst": dst}) + "\n")
    if a.stats:
        print(f"peer_export: {nnodes} function/method nodes, {rows} calls rows -> "
              f"{len(seen)} distinct edges; dropped {dict(dropped) or 0}; "
              f"resolvedBy {dict(by_strategy.most_common())}", file=sys.stderr)


if __name__ == "__main__":
    main()
