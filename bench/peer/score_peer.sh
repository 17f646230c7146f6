#!/usr/bin/env bash
# Score the `calls` edges of the npm peer @colbymchenry/codegraph, and of our
# own codegraph when it is built, against the Go compiler's static call graph
# (/work/shared/tools/gocallgraph) on Go standard-library packages, with
# /work/shared/tools/score_calls.py. Prints one row per package and tool.
#
#   bench/peer/score_peer.sh                 # net/http encoding/json go/parser
#   bench/peer/score_peer.sh --build-ours    # also (re)build our codegraph first
#   bench/peer/score_peer.sh --mode build    # copy only the files the compiler builds
#   bench/peer/score_peer.sh --gosrc         # also time the peer on all of GOROOT/src
#   PKGS="go/parser" bench/peer/score_peer.sh
#
# Environment: WORK (scratch, default /tmp/peer), PEER_VERSION (npm version,
# default 1.6.1, the one measured in bench/peer/README.md), PKGS, SHARED
# (default /work/shared). Needs go, python3, node/npm, network to the npm
# registry the first time. Writes only under WORK (and the Go and npm caches).
#
# Method, identical for both tools:
# - The copy WORK/<name> of $(go env GOROOT)/src/<pkg> is the indexed root.
#   --mode tree (default): the whole directory (sub-packages and testdata
#   included, as a user would index it) minus every *_test.go file, since the
#   oracle leaves tests out. --mode build: only the package's own files that
#   `go list` says are compiled on this GOOS/GOARCH (no build-constrained
#   variants such as encoding/json's v2_*.go or net/http's roundtrip_js.go).
# - The oracle runs on the original GOROOT directory (gocallgraph needs the
#   std module around the package; on a copy it silently prints nothing),
#   with -pattern . so only that package's functions are in scope. Its file
#   paths are relative to the package directory, like the copy's.
# - Peer: `codegraph init --yes DIR` (a fresh full index) with DO_NOT_TRACK=1,
#   then bench/peer/peer_export.py DIR. Ours: `codegraph index DIR --db
#   DIR/.cg`, then `codegraph export --format ndjson --db DIR/.cg`. Each
#   tool's store is deleted before it indexes; each ignores the other's.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK=${WORK:-/tmp/peer}
SHARED=${SHARED:-/work/shared}
PEER_VERSION=${PEER_VERSION:-1.6.1}
PKGS=${PKGS:-"net/http encoding/json go/parser"}
MODE=tree
BUILD_OURS=0
GOSRC=0
while [ $# -gt 0 ]; do
  case $1 in
    --build-ours) BUILD_OURS=1 ;;
    --gosrc) GOSRC=1 ;;
    --mode) MODE=$2; shift ;;
    --mode=*) MODE=${1#--mode=} ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
case $MODE in tree|build) ;; *) echo "--mode must be tree or build" >&2; exit 2 ;; esac

mkdir -p "$WORK/bin" "$WORK/home" "$WORK/out"
GOROOT_SRC="$(go env GOROOT)/src"
MEASURE="python3 $HERE/measure.py"

# The peer, isolated: its own HOME (no ~/.codegraph in the real home), no
# telemetry, no background daemon.
export DO_NOT_TRACK=1 CODEGRAPH_TELEMETRY=0 CODEGRAPH_NO_DAEMON=1
PEER="$WORK/node/node_modules/.bin/codegraph"
peer() { HOME="$WORK/home" "$PEER" "$@"; }

if [ ! -x "$PEER" ] || [ "$(peer --version 2>/dev/null)" != "$PEER_VERSION" ]; then
  echo "installing @colbymchenry/codegraph@$PEER_VERSION into $WORK/node" >&2
  mkdir -p "$WORK/node"
  (cd "$WORK/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
     npm install --no-audit --no-fund "@colbymchenry/codegraph@$PEER_VERSION" >&2)
fi

ORACLE_BIN="$WORK/bin/gocallgraph"
if [ ! -x "$ORACLE_BIN" ]; then
  (cd "$SHARED/tools/gocallgraph" && go build -o "$ORACLE_BIN" .)
fi

OURS="$WORK/codegraph"
if [ "$BUILD_OURS" = 1 ]; then
  if ! (cd "$REPO" && go build -o "$OURS" ./cmd/codegraph); then
    echo "warning: building our codegraph failed; scoring the peer only" >&2
    rm -f "$OURS" "$OURS.rev"
  else
    # GOFLAGS may carry -buildvcs=false, so record the source state ourselves.
    echo "$(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" status --porcelain -- . ':!bench/peer' | grep -q . && echo ' + uncommitted changes') built $(date -u '+%Y-%m-%d %H:%M UTC')" > "$OURS.rev"
  fi
fi

# score ORACLE EXPORT -> "precision recall F1 pred tp oracle_edges unmapped"
score() {
  python3 "$SHARED/tools/score_calls.py" "$1" "$2" | python3 -c '
import sys, re
t = sys.stdin.read()
g = lambda k: re.search(k + r"=([0-9.]+)", t).group(1)
print(g("precision"), g("recall"), g("F1"), g("predicted_edges_between_known"), g("true_positives"), g("oracle_edges"), g("unmapped_functions"))'
}

# peak_rss TIMEFILE -> the larger of the sampled process-tree sum and the
# kernel's largest single process (the 50 ms sampler can miss short peaks).
peak_rss() {
  sed -n 's/.*tree_rss_mib=\([0-9]*\) max_proc_rss_mib=\([0-9]*\).*/\1 \2/p' "$1" | awk '{print ($1 > $2 ? $1 : $2)}'
}

copy_pkg() { # pkg dest
  local src="$GOROOT_SRC/$1" dst=$2
  rm -rf "$dst"
  if [ "$MODE" = tree ]; then
    cp -r "$src" "$dst"
    find "$dst" -name '*_test.go' -delete
  else
    mkdir -p "$dst"
    (cd "$src" && go list -f '{{range .GoFiles}}{{println .}}{{end}}{{range .CgoFiles}}{{println .}}{{end}}' . |
       while read -r f; do [ -n "$f" ] && cp "$f" "$dst/"; done)
  fi
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version | cut -d' ' -f3); peer @colbymchenry/codegraph $(peer --version); mode $MODE"
if [ -x "$OURS" ]; then echo "# ours: $OURS ($(cat "$OURS.rev" 2>/dev/null || echo "source state unknown: built outside this script"))"; fi
printf '%-14s %-10s %9s %9s %9s %8s %8s %8s %9s %9s\n' package tool precision recall F1 pred tp oracle index_s rss_mib
for pkg in $PKGS; do
  name=$(basename "$pkg")
  dir="$WORK/$name"
  copy_pkg "$pkg" "$dir"
  oracle="$WORK/out/$name.oracle.ndjson"
  "$ORACLE_BIN" -dir "$GOROOT_SRC/$pkg" -pattern . > "$oracle"
  if [ ! -s "$oracle" ]; then echo "empty oracle for $pkg" >&2; exit 1; fi

  # Peer.
  rm -rf "$dir/.codegraph"
  $MEASURE "$WORK/out/$name.peer.time" -- env HOME="$WORK/home" "$PEER" init --yes "$dir" > "$WORK/out/$name.peer.log" 2>&1 ||
    { cat "$WORK/out/$name.peer.log" >&2; exit 1; }
  python3 "$HERE/peer_export.py" "$dir" --stats > "$WORK/out/$name.peer.ndjson" 2> "$WORK/out/$name.peer.stats"
  read -r p r f pred tp total unmapped < <(score "$oracle" "$WORK/out/$name.peer.ndjson")
  wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$WORK/out/$name.peer.time")
  rss=$(peak_rss "$WORK/out/$name.peer.time")
  printf '%-14s %-10s %9s %9s %9s %8s %8s %8s %9s %9s\n' "$pkg" peer "$p" "$r" "$f" "$pred" "$tp" "$total" "$wall" "$rss"
  [ "$unmapped" = 0 ] || echo "  note: $unmapped oracle functions have no peer node" >&2

  # Ours, when built.
  if [ -x "$OURS" ]; then
    rm -rf "$dir/.cg"
    $MEASURE "$WORK/out/$name.ours.time" -- "$OURS" index "$dir" --db "$dir/.cg" --json > "$WORK/out/$name.ours.log" 2>&1 ||
      { cat "$WORK/out/$name.ours.log" >&2; exit 1; }
    "$OURS" export --format ndjson --db "$dir/.cg" > "$WORK/out/$name.ours.ndjson"
    read -r p r f pred tp total unmapped < <(score "$oracle" "$WORK/out/$name.ours.ndjson")
    wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$WORK/out/$name.ours.time")
    rss=$(peak_rss "$WORK/out/$name.ours.time")
    printf '%-14s %-10s %9s %9s %9s %8s %8s %8s %9s %9s\n' "$pkg" codegraph "$p" "$r" "$f" "$pred" "$tp" "$total" "$wall" "$rss"
    [ "$unmapped" = 0 ] || echo "  note: $unmapped oracle functions have no codegraph node" >&2
  fi
done

if [ "$GOSRC" = 1 ]; then
  dir="$WORK/gosrc"
  rm -rf "$dir" && cp -r "$GOROOT_SRC" "$dir"
  $MEASURE "$WORK/out/gosrc.peer.time" -- env HOME="$WORK/home" "$PEER" init --yes "$dir" > "$WORK/out/gosrc.peer.log" 2>&1 ||
    { tail -20 "$WORK/out/gosrc.peer.log" >&2; exit 1; }
  echo "peer index of GOROOT/src (full copy, tests included): $(cat "$WORK/out/gosrc.peer.time"); $(grep -E 'nodes, .* edges' "$WORK/out/gosrc.peer.log" | tr -d '│●◆ ' | head -1)"
  if [ -x "$OURS" ]; then
    rm -rf "$dir/.cg"
    $MEASURE "$WORK/out/gosrc.ours.time" -- "$OURS" index "$dir" --db "$dir/.cg" --json > "$WORK/out/gosrc.ours.log" 2>&1 ||
      { tail -20 "$WORK/out/gosrc.ours.log" >&2; exit 1; }
    echo "codegraph index of GOROOT/src (same copy):                 $(cat "$WORK/out/gosrc.ours.time")"
  fi
fi
