#!/usr/bin/env bash
# The precise tier (Go type-checking) against the SSA call-graph oracle:
# for each module directory given (default: the Go standard library,
# $(go env GOROOT)/src), indexes it, scores the heuristic calls edges, runs
# `codegraph precise --full` under /usr/bin/time -v (wall time and peak
# RSS of the pass), scores the precise edges, and re-checks one edited
# file (the incremental pass). Scoring drops the "dynamic" edges (interface
# dispatch candidates), which the static oracle has no counterpart for.
# The precise tier's misses and false edges are listed by
# bench/calls_misses.py in $OUT/misses-NAME.txt (the first 20 printed).
# Usage:
#   bench/precise.sh [MODULE_DIR ...]
# Needs: go, python3, /usr/bin/time, and ../shared/tools (gocallgraph,
# score_calls.py) or $TOOLS pointing at them.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-precise-bench}
TOOLS=${TOOLS:-$(cd .. && pwd)/shared/tools}
[ -d "$TOOLS" ] || TOOLS=/work/shared/tools
mkdir -p "$OUT"
go build -o "$OUT/cg" ./cmd/codegraph
(cd "$TOOLS/gocallgraph" && GOFLAGS=-mod=mod go build -o "$OUT/gocallgraph" .)
[ $# -gt 0 ] || set -- "$(go env GOROOT)/src"

# drop_dynamic FILE: the export without dynamic-candidate edges.
drop_dynamic() { grep -v '"resolution":"dynamic"' "$1"; }

for dir in "$@"; do
  name=$(basename "$dir")
  db="$OUT/db-$name"
  rm -rf "$db"
  echo "== $dir"
  "$OUT/cg" index -q --no-search --db "$db" "$dir"
  (cd "$dir" && "$OUT/gocallgraph" -dir . > "$OUT/oracle-$name.ndjson")
  "$OUT/cg" export --format ndjson --db "$db" > "$OUT/heuristic-$name.ndjson"
  echo "-- heuristic tier"
  python3 "$TOOLS/score_calls.py" "$OUT/oracle-$name.ndjson" "$OUT/heuristic-$name.ndjson"
  echo "-- precise pass"
  /usr/bin/time -v "$OUT/cg" precise --full --db "$db" 2> "$OUT/time-$name.txt" | sed 's/^/   /'
  grep -E 'Elapsed|Maximum resident' "$OUT/time-$name.txt" | sed 's/^\s*/   /'
  "$OUT/cg" export --format ndjson --db "$db" > "$OUT/precise-$name.ndjson"
  echo "-- precise tier (dynamic candidates dropped)"
  drop_dynamic "$OUT/precise-$name.ndjson" > "$OUT/precise-static-$name.ndjson"
  python3 "$TOOLS/score_calls.py" "$OUT/oracle-$name.ndjson" "$OUT/precise-static-$name.ndjson"
  python3 bench/calls_misses.py "$OUT/oracle-$name.ndjson" "$OUT/precise-static-$name.ndjson" > "$OUT/misses-$name.txt"
  echo "   what is counted against it ($OUT/misses-$name.txt):"
  head -n 20 "$OUT/misses-$name.txt" | sed 's/^/   /'
  tail -n 1 "$OUT/misses-$name.txt" | sed 's/^/   /'
  echo "-- precise tier (all edges)"
  python3 "$TOOLS/score_calls.py" "$OUT/oracle-$name.ndjson" "$OUT/precise-$name.ndjson" | tail -2
  echo "-- tiers of the calls edges"
  python3 - "$OUT/precise-$name.ndjson" <<'PY'
import json, sys, collections
c = collections.Counter()
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "edge" and o.get("kind") == "calls":
        c[o.get("resolution", "?")] += 1
print("   " + ", ".join(f"{k} {v}" for k, v in c.most_common()))
PY
  rm -rf "$db"
done
