#!/usr/bin/env bash
# Call resolution on real Python, Java and TypeScript code, before and after
# a change: indexes each corpus with the codegraph of git ref BASE (default
# main) and of the working tree, exports both as NDJSON and prints the share
# of call sites exact / inferred / ambiguous / external / unresolved, plus a
# sample of newly bound calls for a hand precision check. Usage:
#   bench/resolve_dyn.sh [BASE]
# Corpora: Python's http, json and email packages; java/util from the newest
# JDK src.zip; rxjs 7.8.2's TypeScript sources (npm pack), which use a
# tsconfig with baseUrl and paths and barrel index.ts files.
# Needs: go, python3, unzip, npm.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-main}
OUT=${BENCH_OUT:-/tmp/codegraph-resolve-bench}
SAMPLE=${SAMPLE:-30}
rm -rf "$OUT" && mkdir -p "$OUT/base-src" "$OUT/corp/py" "$OUT/corp/java/java" "$OUT/corp/ts"
git archive "$BASE" | tar -x -C "$OUT/base-src"
(cd "$OUT/base-src" && go build -o "$OUT/cg-before" ./cmd/codegraph)
go build -o "$OUT/cg-after" ./cmd/codegraph

PYLIB=$(python3 -c 'import os;print(os.path.dirname(os.__file__))')
for p in http json email; do cp -r "$PYLIB/$p" "$OUT/corp/py/"; done
find "$OUT/corp/py" -name __pycache__ -prune -exec rm -rf {} +
ZIP=$(ls -t /usr/lib/jvm/*/lib/src.zip | while read -r z; do [ -f "$(readlink -f "$z")" ] && echo "$z" && break; done)
unzip -q -o "$ZIP" 'java.base/java/util/*' -d "$OUT/jz"
mv "$OUT/jz/java.base/java/util" "$OUT/corp/java/java/"
(cd "$OUT" && npm pack --silent rxjs@7.8.2 >/dev/null && tar xzf rxjs-7.8.2.tgz)
cp -r "$OUT/package/src" "$OUT/corp/ts/" && cp "$OUT/package/tsconfig.json" "$OUT/corp/ts/"

for c in py java ts; do
  for v in before after; do
    "$OUT/cg-$v" index "$OUT/corp/$c" --db "$OUT/db-$c-$v" > "$OUT/index-$c-$v.txt" 2>&1
    "$OUT/cg-$v" export --format ndjson --db "$OUT/db-$c-$v" > "$OUT/$c-$v.ndjson"
  done
  echo "== $c ($(grep -E 'resolved' "$OUT/index-$c-after.txt" | sed 's/^ *//'))"
  python3 bench/resolve_stats.py "$OUT/$c-before.ndjson" "$OUT/$c-after.ndjson" "$SAMPLE"
done
