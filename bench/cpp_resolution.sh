#!/bin/sh
# cpp_resolution.sh BIN DIR: index DIR with the codegraph binary BIN and
# print how its calls, imports and inherits edges resolved (an ambiguous
# reference, stored as one edge per candidate, counts once).
set -e
bin=$1 dir=$2 db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
"$bin" index "$dir" --db "$db" >/dev/null
"$bin" export --format ndjson --db "$db" | python3 -c '
import json, sys, collections
seen, cnt = set(), collections.defaultdict(collections.Counter)
for line in sys.stdin:
    d = json.loads(line)
    if d.get("type") != "edge" or d["kind"] not in ("calls", "imports", "inherits"):
        continue
    k = (d["kind"], d["src"], d.get("target"), d["file"], d["line"])
    if k in seen:
        continue
    seen.add(k)
    cnt[d["kind"]][d.get("resolution", "unresolved")] += 1
for kind, c in sorted(cnt.items()):
    tot = sum(c.values())
    print(kind, tot, " ".join("%s %d (%.1f%%)" % (r, n, 100.0 * n / tot) for r, n in sorted(c.items())))
'
