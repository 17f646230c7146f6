#!/usr/bin/env bash
# import-scip on TypeScript npm packages against the TypeScript compiler's
# call graph (../shared/tools/tscallgraph): for each NAME@VERSION given
# (default: immer@11.2.14 rxjs@7.8.2), fetches the npm tarball (its src/
# ships the TypeScript sources), indexes it, runs scip-typescript (from
# testdata/scip-e2e: npm ci --prefix testdata/scip-e2e), imports the index,
# and scores the calls edges with score_calls.py: the heuristic graph, the
# graph after the import, and the imported edges alone ("precise", then with
# the "dynamic" candidates, the implementations of a called interface method,
# which the oracle leaves out by construction). A package without a
# tsconfig.json gets one that includes src/, for the indexer and the oracle
# alike.
# Usage:
#   bench/scip_ts.sh [NAME@VERSION ...]
# Needs: go, node, npm, python3, /usr/bin/time, and ../shared/tools
# (tscallgraph, score_calls.py) or $TOOLS pointing at them.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-scip-bench}
TOOLS=${TOOLS:-$(cd .. && pwd)/shared/tools}
[ -d "$TOOLS" ] || TOOLS=/work/shared/tools
SCIPTS=$PWD/testdata/scip-e2e/node_modules/@sourcegraph/scip-typescript/dist/src/main.js
[ -f "$SCIPTS" ] || { echo "run: npm ci --prefix testdata/scip-e2e" >&2; exit 2; }
mkdir -p "$OUT"
go build -o "$OUT/cg" ./cmd/codegraph
if [ ! -d "$OUT/oracle/node_modules" ]; then
  rm -rf "$OUT/oracle" && cp -r "$TOOLS/tscallgraph" "$OUT/oracle"
  (cd "$OUT/oracle" && npm ci --no-audit --no-fund --loglevel=error)
fi
[ $# -gt 0 ] || set -- immer@11.2.14 rxjs@7.8.2

# only RES... FILE: the export with only the edges of those resolutions.
only() {
  local f=${!#} re
  re=$(IFS='|'; echo "${*:1:$#-1}")
  grep -v '"type":"edge"' "$f"
  grep '"type":"edge"' "$f" | grep -E "\"resolution\":\"($re)\"" || true
}
score() { python3 "$TOOLS/score_calls.py" "$1" "$2" | grep -E 'oracle_edges|precision'; }

for pkg in "$@"; do
  name=${pkg%@*}
  w="$OUT/$name"
  rm -rf "$w" && mkdir -p "$w"
  (cd "$w" && npm pack "$pkg" --silent >/dev/null && tar xzf ./*.tgz)
  dir="$w/package"
  [ -f "$dir/tsconfig.json" ] || cat > "$dir/tsconfig.json" <<'JSON'
{"compilerOptions":{"target":"es2022","module":"esnext","moduleResolution":"bundler","strict":false,"skipLibCheck":true,"noEmit":true},"include":["src"]}
JSON
  echo "== $pkg"
  /usr/bin/time -f "index: %e s, %M KB peak" "$OUT/cg" index --no-daemon --no-search --db "$w/db" "$dir" >/dev/null
  "$OUT/cg" export --db "$w/db" --format ndjson > "$w/before.ndjson"
  (cd "$dir" && /usr/bin/time -f "scip-typescript: %e s, %M KB peak" node "$SCIPTS" index --output "$w/index.scip" >/dev/null)
  /usr/bin/time -f "import-scip: %e s, %M KB peak" "$OUT/cg" import-scip --db "$w/db" "$w/index.scip" | grep -E '^import-scip|edges:'
  "$OUT/cg" export --db "$w/db" --format ndjson > "$w/after.ndjson"
  node "$OUT/oracle/oracle.mjs" -dir "$dir" > "$w/oracle.ndjson"
  echo "-- heuristic";                 score "$w/oracle.ndjson" "$w/before.ndjson"
  echo "-- after the import, all";     score "$w/oracle.ndjson" "$w/after.ndjson"
  echo "-- after the import, no dynamic"; score "$w/oracle.ndjson" <(grep -v '"resolution":"dynamic"' "$w/after.ndjson")
  echo "-- imported: precise";         score "$w/oracle.ndjson" <(only precise "$w/after.ndjson")
  echo "-- imported: precise + dynamic"; score "$w/oracle.ndjson" <(only precise dynamic "$w/after.ndjson")
done
