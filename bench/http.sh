#!/usr/bin/env bash
# HTTP load on the indexed Go standard library: wrk against `codegraph serve`
# for node lookups (GET /nodes/{id}, ids rotated by a Lua script) and hybrid
# search (GET /search?q=..., queries rotated), each for $DURATION.
#
#   bench/http.sh [--duration 30s] [--connections 32] [--threads 2]
#
# Prints requests/s, p50/p99 latency and errors per scenario (BENCHMARKS.md
# quotes them). The index is built once under $WORK (default
# /tmp/cg-http-bench). Needs wrk (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/cg-http-bench}
DURATION=30s
CONNS=32
THREADS=2
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
mkdir -p "$WORK"
go build -o "$WORK/codegraph" ./cmd/codegraph
SRC=$(go env GOROOT)/src
DB=$WORK/gosrc.codegraph
if [ ! -f "$DB/search/state.json" ]; then
  echo "indexing $SRC into $DB (once)..." >&2
  "$WORK/codegraph" index --db "$DB" "$SRC" >&2
fi
PORT=${PORT:-18080}
BASE=http://127.0.0.1:$PORT
"$WORK/codegraph" serve --db "$DB" --addr "127.0.0.1:$PORT" --no-index --rate-limit -1 -q 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -sf "$BASE/health/ready" >/dev/null && break
  sleep 0.1
done
curl -sf "$BASE/health/ready" >/dev/null || { echo "server not ready:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

# 2,000 function and method ids, spread over the index.
curl -sf "$BASE/stream/nodes?kind=function,method&limit=40000" >"$WORK/nodes.ndjson"
awk 'NR % 20 == 0' "$WORK/nodes.ndjson" | grep -o '^{"id":"[0-9a-f]\{16\}"' | cut -d'"' -f4 >"$WORK/ids.txt"
echo "$(wc -l <"$WORK/ids.txt") ids" >&2

lua_rotate() { # FILE PREFIX: a wrk script requesting PREFIX..line for each line of FILE in turn
  cat <<LUA
local items = {}
for line in io.lines("$1") do items[#items + 1] = line end
local i = 0
request = function()
  i = i % #items + 1
  return wrk.format("GET", "$2" .. items[i])
end
LUA
}
lua_rotate "$WORK/ids.txt" /nodes/ >"$WORK/nodes.lua"
cat >"$WORK/queries.txt" <<'Q'
parse+http+request+headers
read+file+into+memory
format+float+with+precision
sort+slice+of+strings
gzip+compress+writer
json+decode+stream
tls+handshake+client
url+query+escape
base64+encode+string
walk+directory+tree
Q
sed 's/$/\&mode=hybrid\&limit=10/' "$WORK/queries.txt" >"$WORK/queries.q"
lua_rotate "$WORK/queries.q" "/search?q=" >"$WORK/search.lua"
# Distinct queries (never repeated within a run, so the result cache never
# hits): the qualified names of the sampled symbols, as words.
grep -o '"qualified_name":"[^"]*"' "$WORK/nodes.ndjson" | cut -d'"' -f4 | sort -u |
  awk '{gsub(/[._]/, "+"); print $0 "&mode=hybrid&limit=10"}' | shuf --random-source=<(yes) >"$WORK/distinct.q"
echo "$(wc -l <"$WORK/distinct.q") distinct queries" >&2
lua_rotate "$WORK/distinct.q" "/search?q=" >"$WORK/distinct.lua"

# Warm up (first search opens the indexes), then measure.
curl -sf "$BASE/search?q=warm+up" >/dev/null
curl -sf "$BASE/nodes/$(head -1 "$WORK/ids.txt")" >/dev/null
run() { # NAME SCRIPT [CONNECTIONS]
  local out
  out=$(wrk -t"$THREADS" -c"${3:-$CONNS}" -d"$DURATION" --timeout 10s --latency -s "$2" "$BASE")
  echo "$out" >"$WORK/$1.wrk"
  local rps p50 p99 non2xx sock
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  sock=$(awk '/Socket errors/ {print $0}' <<<"$out")
  printf '%-16s %10s req/s  p50 %8s  p99 %8s  non-2xx %s  %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}" "${sock:-socket errors 0}"
}
echo "wrk -t$THREADS -c$CONNS (search: -c${SEARCH_CONNS:-8}) -d$DURATION on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
run nodes "$WORK/nodes.lua"
# Searches take milliseconds of CPU each: 8 connections keep both cores busy
# without queueing seconds of latency.
run hybrid-distinct "$WORK/distinct.lua" "${SEARCH_CONNS:-8}"
run hybrid-repeated "$WORK/search.lua" "${SEARCH_CONNS:-8}"
