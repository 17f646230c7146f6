#!/usr/bin/env bash
# Search quality on the CodeSearchNet-style sets of BENCHMARKS.md:
# recall@1, recall@10 and MRR@10 of `codegraph search` in each mode, and of
# the peer (@colbymchenry/codegraph) when --peer is given.
#
#   bench/search.sh [--peer] [--build-only] [--modes "lexical semantic hybrid"] [--sets "http json pyhttp pyjson pyemail"]
#
# Sets are built once under $WORK (default /tmp/cg-search-sets) from
# $(go env GOROOT)/src/net/http, encoding/json and Python's http, json and
# email packages, with /work/shared/tools (or $TOOLS).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${TOOLS:-/work/shared/tools}
WORK=${WORK:-/tmp/cg-search-sets}
MODES="lexical semantic hybrid"
SETS="http json pyhttp pyjson pyemail"
PEER=0
BUILD_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --peer) PEER=1 ;;
    --build-only) BUILD_ONLY=1 ;; # build and index the sets, score nothing
    --modes) MODES=$2; shift ;;
    --sets) SETS=$2; shift ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$WORK"
if [ $PEER = 1 ]; then
  # The peer, isolated: its own HOME, no telemetry, no daemon.
  export DO_NOT_TRACK=1 CODEGRAPH_TELEMETRY=0 CODEGRAPH_NO_DAEMON=1
  PEER_VERSION=${PEER_VERSION:-1.6.1}
  PEER_BIN="$WORK/node/node_modules/.bin/codegraph"
  if [ ! -x "$PEER_BIN" ]; then
    mkdir -p "$WORK/node" "$WORK/home"
    (cd "$WORK/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
       npm install --no-audit --no-fund "@colbymchenry/codegraph@$PEER_VERSION" >&2)
  fi
fi
go build -o "$WORK/codegraph" ./cmd/codegraph
(cd "$TOOLS/gosearchset" && go build -o "$WORK/gosearchset" .)
GOROOT_SRC=$(go env GOROOT)/src
PYLIB=$(python3 -c 'import os;print(os.path.dirname(os.__file__))')
src_of() {
  case $1 in
    http) echo "$GOROOT_SRC/net/http" ;;
    json) echo "$GOROOT_SRC/encoding/json" ;;
    pyhttp) echo "$PYLIB/http" ;;
    pyjson) echo "$PYLIB/json" ;;
    pyemail) echo "$PYLIB/email" ;;
  esac
}
for s in $SETS; do
  if [ ! -s "$WORK/$s.ndjson" ]; then
    rm -rf "$WORK/$s-nc"
    case $s in
      py*) python3 "$TOOLS/pysearchset.py" "$(src_of $s)" "$WORK/$s-nc" > "$WORK/$s.ndjson" ;;
      *) "$WORK/gosearchset" -src "$(src_of $s)" -out "$WORK/$s-nc" > "$WORK/$s.ndjson" ;;
    esac
  fi
  rm -rf "$WORK/$s-nc/.codegraph"
  "$WORK/codegraph" index "$WORK/$s-nc" --quiet
done
[ $BUILD_ONLY = 1 ] && exit 0
printf '%-8s %-9s %6s %9s %10s %8s\n' set mode queries recall@1 recall@10 MRR@10
for s in $SETS; do
  n=$(wc -l < "$WORK/$s.ndjson")
  for m in $MODES; do
    out=$(python3 "$TOOLS/score_search.py" "$WORK/$s.ndjson" "$WORK/$s-nc" -- "$WORK/codegraph" search --json --limit 10 --mode "$m" 2>&1 | tail -3 | tr '\n' ' ')
    printf '%-8s %-9s %6s %s\n' "$s" "$m" "$n" "$out"
  done
  if [ $PEER = 1 ]; then
    # The peer's index lives in .codegraph/ too: index a copy of the tree.
    rm -rf "$WORK/$s-peer" && cp -r "$WORK/$s-nc" "$WORK/$s-peer" && rm -rf "$WORK/$s-peer/.codegraph"
    (cd "$WORK/$s-peer" && HOME="$WORK/home" "$PEER_BIN" init . >/dev/null 2>&1 || true)
    out=$(HOME="$WORK/home" python3 "$TOOLS/score_search.py" "$WORK/$s.ndjson" "$WORK/$s-peer" -- python3 "$PWD/bench/peer/peer_search.py" "$PEER_BIN" 2>&1 | tail -3 | tr '\n' ' ')
    printf '%-8s %-9s %6s %s\n' "$s" peer "$n" "$out"
  fi
done
