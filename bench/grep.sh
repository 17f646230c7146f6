#!/usr/bin/env bash
# Exact/regex search benchmark: internal/search/grep (trigram index) vs
# ripgrep on the Go standard library. Builds the index from the files
# `rg --files` lists (binary files skipped, as rg skips them), reports build
# time, index size, open and one-file-update cost, then ~20 queries: our
# p50/p90 (index open, warm page cache, in-process) vs `rg -c` on the same
# tree (process start included, as a user runs it), runs alternating so
# both see the same machine load, and whether the matching-line counts
# agree. Prints the table BENCHMARKS.md quotes. Usage:
#   bench/grep.sh [--runs N] [--root DIR]
# Needs: go, ripgrep (apt-get install ripgrep).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-bench}
mkdir -p "$OUT"
command -v rg >/dev/null || { echo "grep.sh: needs ripgrep (apt-get install ripgrep)" >&2; exit 1; }
go build -o "$OUT/grepbench" ./bench/grepbench
echo "rg: $(rg --version | sed -n 1p); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/grepbench" -index "$OUT/grep-index" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
