#!/usr/bin/env bash
# Vector index benchmark: our flat/IVF/HNSW (internal/search/vector) and
# FAISS on the same vectors in the same run. Prints the figures
# BENCHMARKS.md quotes. Usage:
#   bench/vector.sh [N] [D]          # synthetic clustered data (default 200000 384)
#   FAISS=0 bench/vector.sh 200000   # write the data but skip FAISS's own runs
#   DUMP=vecs.f32 N=... D=... bench/vector.sh   # any dump: raw little-endian float32,
#                                     # N*D base rows then the query rows
# Other knobs (see BenchmarkDump): VECTOR_BENCH_INDEXES, VECTOR_BENCH_EF,
# VECTOR_BENCH_NPROBE, VECTOR_BENCH_M, VECTOR_BENCH_EFC.
# Needs: go; for synthetic data Debian's python3-faiss (apt-get install -y python3-faiss).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-${1:-200000}}
D=${D:-${2:-384}}
OUT=${BENCH_OUT:-/tmp/codegraph-bench}
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(go version)"
if [[ -z "${DUMP:-}" ]]; then
  DUMP="$OUT/vectors-$N-$D.f32"
  ANCHOR=/work/shared/tools/faiss_anchor.py
  if [[ "${FAISS:-1}" == 1 ]]; then
    echo "== FAISS $(/usr/bin/python3 -c 'import faiss; print(faiss.__version__)') (faiss_anchor.py $N $D)"
    /usr/bin/python3 "$ANCHOR" "$N" "$D" --dump="$DUMP"
  else
    # The anchor writes the dump before any FAISS work: stop it there.
    rm -f "$DUMP"
    /usr/bin/python3 "$ANCHOR" "$N" "$D" --dump="$DUMP" > "$OUT/anchor.log" 2>&1 &
    pid=$!
    until grep -q '^wrote' "$OUT/anchor.log" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || { cat "$OUT/anchor.log"; exit 1; }
      sleep 1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    head -1 "$OUT/anchor.log"
  fi
fi
echo "== codegraph internal/search/vector on $DUMP"
VECTOR_BENCH_DUMP="$DUMP" VECTOR_BENCH_N="$N" VECTOR_BENCH_DIM="$D" \
  go test ./internal/search/vector -run '^$' -bench '^BenchmarkDump$' -benchtime 200x -timeout 3h -v 2>&1 |
  grep -E 'dump_test|Benchmark.*recall|^ok|FAIL|panic' | sed -e 's/^ *dump_test.go:[0-9]*: //'
