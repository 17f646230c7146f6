#!/usr/bin/env bash
# Vector index benchmark: FAISS (bench/faiss_dump.py) then our flat/IVF/HNSW
# (internal/search/vector BenchmarkDump) on the same vectors in the same
# run. Prints the figures BENCHMARKS.md quotes. Usage:
#   bench/vector.sh [N] [D]          # synthetic clustered data from faiss_anchor.py (default 200000 384)
#   FAISS=0 bench/vector.sh 200000   # skip FAISS's runs
#   DUMP=vecs.f32 N=... D=... bench/vector.sh   # any dump: raw little-endian float32,
#                                     # N*D base rows then the query rows
#   GOSTD=1 bench/vector.sh          # the built-in embedder's vectors of the Go standard
#                                     # library: indexes GOROOT/src (unless $GOSTD_DB holds
#                                     # an index) and exports its vectors (TestExportDump)
# Knobs for both sides: INDEXES (default hnsw,ivf), M (16), EFC (200),
# EF (32,64,128,256), NPROBE (8,32,64), NLIST (0 = 4*sqrt(N)); ours also
# reads VECTOR_BENCH_INDEXES (kind-quantization list, default
# hnsw-int8,ivf-int8,flat-int8).
# Needs: go; Debian's python3-faiss (apt-get install -y python3-faiss), and
# libopenblas0 for a fast BLAS (FAISS's IVF training and flat scans; the
# reference BLAS Debian installs otherwise is 20-100x slower).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-bench}
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(go version)"
if [[ "${GOSTD:-0}" == 1 ]]; then
  DB=${GOSTD_DB:-/tmp/cg-gostd-db}
  if [[ ! -f "$DB/.codegraph/search/vectors.cgv" ]]; then
    echo "== indexing $(go env GOROOT)/src into $DB"
    rm -rf "$DB" && mkdir -p "$DB" && cp -r "$(go env GOROOT)/src/." "$DB/"
    go build -o "$OUT/codegraph" ./cmd/codegraph
    (cd "$DB" && "$OUT/codegraph" index --no-default-ignores .)
  fi
  DUMP="$OUT/gostd-vectors.f32"
  line=$(VECTOR_EXPORT_SRC="$DB/.codegraph/search/vectors.cgv" VECTOR_EXPORT_DST="$DUMP" \
    go test ./internal/search/vector -run '^TestExportDump$' -count 1 -v | grep -o 'wrote.*')
  echo "$line"
  N=$(sed -E 's/.*N=([0-9]+).*/\1/' <<<"$line")
  D=$(sed -E 's/.*D=([0-9]+).*/\1/' <<<"$line")
fi
N=${N:-${1:-200000}}
D=${D:-${2:-384}}
if [[ -z "${DUMP:-}" ]]; then
  DUMP="$OUT/vectors-$N-$D.f32"
  if [[ ! -s "$DUMP" ]]; then
    # The anchor writes the dump before any FAISS work: stop it there.
    /usr/bin/python3 /work/shared/tools/faiss_anchor.py "$N" "$D" --dump="$DUMP" > "$OUT/anchor.log" 2>&1 &
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
INDEXES=${INDEXES:-hnsw,ivf}
M=${M:-16} EFC=${EFC:-200} EF=${EF:-32,64,128,256} NPROBE=${NPROBE:-8,32,64} NLIST=${NLIST:-0}
# OpenMP's default busy-waiting makes FAISS's threads burn the cores
# waiting for each other on a shared machine (a 200k HNSW build spent 33
# CPU-minutes without finishing at load 7); passive waiting does not.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [[ "${FAISS:-1}" == 1 ]]; then
  echo "== FAISS on $DUMP (load $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/python3 bench/faiss_dump.py "$DUMP" "$N" "$D" --indexes="$INDEXES" --m="$M" --efc="$EFC" \
    --ef="$EF" --nprobe="$NPROBE" --nlist="$NLIST"
fi
ours=${VECTOR_BENCH_INDEXES:-$(sed -e 's/\([a-z][a-z]*\)/\1-int8/g' <<<"$INDEXES"),flat-int8}
echo "== codegraph internal/search/vector on $DUMP: $ours (load $(cut -d' ' -f1-3 /proc/loadavg))"
VECTOR_BENCH_DUMP="$DUMP" VECTOR_BENCH_N="$N" VECTOR_BENCH_DIM="$D" VECTOR_BENCH_INDEXES="$ours" \
  VECTOR_BENCH_M="$M" VECTOR_BENCH_EFC="$EFC" VECTOR_BENCH_EF="$EF" VECTOR_BENCH_NPROBE="$NPROBE" \
  VECTOR_BENCH_NLIST="$NLIST" \
  go test ./internal/search/vector -run '^$' -bench '^BenchmarkDump$' -benchtime 200x -timeout 3h -v 2>&1 |
  grep -E 'dump_test|Benchmark.*recall|^ok|FAIL|panic' | sed -e 's/^ *dump_test.go:[0-9]*: //'
