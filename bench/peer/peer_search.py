#!/usr/bin/env python3
"""Run the peer's `codegraph query --json QUERY` and print its hits in the
shape score_search.py reads (file, name, qualified_name at the top level):
the peer nests them under "node" as filePath, name, qualifiedName.

    peer_search.py PEER_BIN QUERY...
"""
import json, subprocess, sys

p = subprocess.run([sys.argv[1], "query", "--json", *sys.argv[2:]], capture_output=True, text=True)
try:
    hits = json.loads(p.stdout)
except Exception:
    sys.stderr.write(p.stderr)
    sys.exit(1)
out = []
for h in hits if isinstance(hits, list) else hits.get("results", []):
    n = h.get("node", h)
    out.append({"file": n.get("filePath") or n.get("file", ""), "name": n.get("name", ""),
                "qualified_name": n.get("qualifiedName") or n.get("qualified_name", ""),
                "kind": n.get("kind", ""), "line": n.get("startLine", 0), "score": h.get("score", 0)})
print(json.dumps(out))
