#!/usr/bin/env bash
# Before/after CPU of codegraph diff and of a one-file codegraph index on
# the corpus bench/diff.sh builds (run it once first with the same
# BENCH_OUT): the binaries alternate (A B B A ...), each run timed with
# /usr/bin/time (wall, user, sys) beside the load. Usage:
#   bench/diffalt.sh diff RUNS BIN...      # codegraph diff --json, RUNS rounds
#   bench/diffalt.sh index PAIRS BIN_A BIN_B
#     # one-file indexes: a function added to sort/sort.go, then removed;
#     # with PAIRS odd the last run is BIN_B's
# Binaries whose store formats differ cannot share an index: CORPORA
# (space-separated, one directory per binary, in the order given) names a
# copy of the corpus for each, indexed by that binary (`cp -a` of
# $BENCH_OUT/gosrc, then `BIN index` in the copy).
set -euo pipefail
OUT=${BENCH_OUT:-/tmp/codegraph-diffbench}
C="$OUT/gosrc"
mode=$1; n=$2; shift 2
declare -A corpus
read -r -a dirs <<< "${CORPORA:-}"
i=0
for b in "$@"; do corpus[$b]=${dirs[$i]:-$C}; i=$((i + 1)); done
timed() { # label command...
  local l=$1; shift
  /usr/bin/time -f "$l %e s wall %U s user %S s sys" -o "$OUT/time.tmp" "$@" > "$OUT/last.out" 2>&1
  echo "$(cat "$OUT/time.tmp") load=$(cut -d' ' -f1 /proc/loadavg) $(grep -o 'resolved .*' "$OUT/last.out" || true)"
}
case $mode in
diff)
  for i in $(seq "$n"); do
    if [ $((i % 2)) -eq 1 ]; then order=("$@"); else mapfile -t order < <(printf '%s\n' "$@" | tac); fi
    for b in "${order[@]}"; do
      (cd "${corpus[$b]}" && timed "$(basename "$b")" "$b" diff --json)
      cp "$OUT/last.out" "$OUT/diff-$(basename "$b").json"
    done
  done ;;
index)
  a=$1; b=$2
  cp "$C/sort/sort.go" "$OUT/sort.go.orig"
  for i in $(seq "$n"); do
    if [ $((i % 2)) -eq 1 ]; then x=$a; y=$b; else x=$b; y=$a; fi
    if [ "${corpus[$x]}" = "${corpus[$y]}" ]; then
      printf '\nfunc benchOneFile() int { return 1 }\n' >> "${corpus[$x]}/sort/sort.go"
      timed "$(basename "$x")" "$x" index "${corpus[$x]}"
      cp "$OUT/sort.go.orig" "${corpus[$x]}/sort/sort.go"
      timed "$(basename "$y")" "$y" index "${corpus[$y]}"
    else # each binary adds the function and removes it in its own copy
      for z in "$x" "$y"; do
        printf '\nfunc benchOneFile() int { return 1 }\n' >> "${corpus[$z]}/sort/sort.go"
        timed "$(basename "$z")" "$z" index "${corpus[$z]}"
        cp "$OUT/sort.go.orig" "${corpus[$z]}/sort/sort.go"
        timed "$(basename "$z")" "$z" index "${corpus[$z]}"
      done
    fi
  done ;;
*) echo "usage: $0 diff RUNS BIN... | index PAIRS BIN_A BIN_B" >&2; exit 2 ;;
esac
