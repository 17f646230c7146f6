#!/usr/bin/env python3
"""Writes an NDJSON query set (lextest.Query) from the doc comments of the
exported Go functions of one directory: the first sentence of each doc
comment, without the function's name, is the query; the function is the
answer. Used for latency runs of BenchmarkSearch (BENCHMARKS.md).

Usage: bench/docqueries.py ROOT DIR > queries.ndjson
  e.g. bench/docqueries.py "$(go env GOROOT)/src" net/http > /tmp/httpq.ndjson
"""
import glob
import json
import os
import re
import sys

root, sub = sys.argv[1], sys.argv[2]
for f in sorted(glob.glob(os.path.join(root, sub, "*.go"))):
    if f.endswith("_test.go"):
        continue
    lines = open(f, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"func (?:\([^)]*\) )?([A-Z]\w*)\(", line)
        if not m or i == 0 or not lines[i - 1].startswith("// "):
            continue
        name, j = m.group(1), i - 1
        while j > 0 and lines[j - 1].startswith("//"):
            j -= 1
        first = " ".join(x[3:] for x in lines[j:i]).split(". ")[0]
        query = re.sub(r"\b" + name + r"\b", "", first).strip()
        if len(query.split()) < 4:
            continue
        rel = os.path.relpath(f, root).replace(os.sep, "/")
        print(json.dumps({"query": query, "file": rel, "name": name, "lang": "go"}))
