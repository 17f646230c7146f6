#!/usr/bin/env bash
# Indexing time of two (or more) codegraph binaries on the same copy of the
# Go standard library, runs alternating, CPU time per run: the before/after
# comparison BENCHMARKS.md quotes for changes to extraction and resolution.
# Usage:
#   bench/index_ab.sh OLD_BIN NEW_BIN [ROUNDS]          # Go files only (--lang go)
#   LANGS=all bench/index_ab.sh OLD_BIN NEW_BIN [ROUNDS] # every language and text format
# Each round runs OLD NEW then NEW OLD on the next round (ABBA...), a fresh
# store each run, search indexes off (--no-search) and no daemon. Prints one
# line per run: binary, CPU s (user + sys), wall s, peak RSS MiB, load.
# Needs: go, GNU /usr/bin/time, jq, awk.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
old=$1 new=$2 rounds=${3:-3}
OUT=${BENCH_OUT:-/tmp/codegraph-index-ab}
mkdir -p "$OUT"
CORPUS="$OUT/gosrc"
[ -d "$CORPUS" ] || cp -r "$(go env GOROOT)/src" "$CORPUS"
langflag=(--lang go)
[ "${LANGS:-go}" = all ] && langflag=()
run() { # binary
  rm -rf "$OUT/db"
  /usr/bin/time -f "%U %S %e %M" -o "$OUT/time.txt" "$1" index "$CORPUS" --db "$OUT/db" "${langflag[@]}" \
    --no-search --no-daemon --json > "$OUT/last.json"
  read -r u s e kb < "$OUT/time.txt"
  printf '%-40s cpu %6.1f s  wall %6.1f s  rss %5d MiB  files %s  load %s\n' "$1" \
    "$(awk "BEGIN{print $u + $s}")" "$e" $((kb/1024)) "$(jq .files "$OUT/last.json")" "$(cut -d' ' -f1 /proc/loadavg)"
}
for ((i = 0; i < rounds; i++)); do
  if ((i % 2 == 0)); then run "$old"; run "$new"; else run "$new"; run "$old"; fi
done
