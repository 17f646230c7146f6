#!/usr/bin/env bash
# Before/after CPU of codegraph diff and of a one-file codegraph index on
# the corpus bench/diff.sh builds (run it once first with the same
# BENCH_OUT): the binaries alternate (A B B A ...), each run timed with
# /usr/bin/time (wall, user, sys) beside the load. Usage:
#   bench/diffalt.sh diff RUNS BIN...      # codegraph diff --json, RUNS rounds
#   bench/diffalt.sh index PAIRS BIN_A BIN_B
#     # one-file indexes: a function added to sort/sort.go, then removed;
#     # with PAIRS odd the last run is BIN_B's
set -euo pipefail
OUT=${BENCH_OUT:-/tmp/codegraph-diffbench}
C="$OUT/gosrc"
mode=$1; n=$2; shift 2
timed() { # label command...
  local l=$1; shift
  /usr/bin/time -f "$l %e s wall %U s user %S s sys" -o "$OUT/time.tmp" "$@" > "$OUT/last.out" 2>&1
  echo "$(cat "$OUT/time.tmp") load=$(cut -d' ' -f1 /proc/loadavg) $(grep -o 'resolved .*' "$OUT/last.out" || true)"
}
case $mode in
diff)
  cd "$C"
  for i in $(seq "$n"); do
    if [ $((i % 2)) -eq 1 ]; then order=("$@"); else mapfile -t order < <(printf '%s\n' "$@" | tac); fi
    for b in "${order[@]}"; do
      timed "$(basename "$b")" "$b" diff --json
      cp "$OUT/last.out" "$OUT/diff-$(basename "$b").json"
    done
  done ;;
index)
  a=$1; b=$2
  cp "$C/sort/sort.go" "$OUT/sort.go.orig"
  for i in $(seq "$n"); do
    if [ $((i % 2)) -eq 1 ]; then x=$a; y=$b; else x=$b; y=$a; fi
    printf '\nfunc benchOneFile() int { return 1 }\n' >> "$C/sort/sort.go"
    timed "$(basename "$x")" "$x" index "$C"
    cp "$OUT/sort.go.orig" "$C/sort/sort.go"
    timed "$(basename "$y")" "$y" index "$C"
  done ;;
*) echo "usage: $0 diff RUNS BIN... | index PAIRS BIN_A BIN_B" >&2; exit 2 ;;
esac
