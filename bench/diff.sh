#!/usr/bin/env bash
# codegraph diff speed on the Go standard library (a git repository made of
# a copy of $(go env GOROOT)/src): uncommitted work (HEAD against the
# working tree, a fresh index, a few edited files) and two existing
# versions. Usage:
#   bench/diff.sh [BIN...]   # binaries to compare (default: one built from this tree)
# With several binaries, each is measured on the same corpus and index, in
# one run (before/after). BENCH_OUT (default /tmp/codegraph-diffbench)
# holds the corpus; RUNS (default 5) repetitions, the median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-diffbench}
RUNS=${RUNS:-5}
mkdir -p "$OUT"
if [ $# -eq 0 ]; then
  go build -o "$OUT/codegraph" ./cmd/codegraph
  set -- "$OUT/codegraph"
fi
CORPUS="$OUT/gosrc"
git_() { git -C "$CORPUS" -c user.email=bench@example.com -c user.name=bench "$@"; }
if [ ! -d "$CORPUS/.git" ]; then
  rm -rf "$CORPUS" && cp -r "$(go env GOROOT)/src" "$CORPUS"
  printf ".codegraph/\n" > "$CORPUS/.gitignore"
  git_ init -q && git_ add -A && git_ commit -qm base && git_ tag v1
  # a second release: a few dozen functions changed
  sed -i 's/^\(func .*) {\)$/\1\n\t_ = "v2"/' "$CORPUS/sort/sort.go" "$CORPUS/strings/builder.go"
  git_ commit -qam v2 && git_ tag v2 && git_ reset -q --hard v1
fi
git_ checkout -q v2 && git_ reset -q --hard v2
first=$1
echo "machine: $(nproc) cores; $(go version); corpus: $(git_ ls-files | wc -l) files"
"$first" index "$CORPUS" > /dev/null 2>&1
# uncommitted work: three edited files, re-indexed
edit() {
  printf '\nfunc BenchAdded%s() int { return Index("a", "b") }\n' "$1" >> "$CORPUS/strings/strings.go"
  sed -i '0,/^\(func Compare(.*{\)$/s//\1\n\t_ = 1/' "$CORPUS/bytes/bytes.go"
  printf '\n// edited\nfunc benchHelper() {}\n' >> "$CORPUS/sort/sort.go"
}
edit 1
"$first" index "$CORPUS" > /dev/null 2>&1

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() { # command... -> milliseconds of the median of RUNS runs
  for _ in $(seq "$RUNS"); do
    s=$(date +%s%N); "$@" > "$OUT/last.out" 2> "$OUT/last.err" || { cat "$OUT/last.err" >&2; echo -1; return; }
    echo $(( ($(date +%s%N) - s) / 1000000 ))
  done | median
}
for bin in "$@"; do
  # The first diff of uncommitted work creates HEAD's version; the
  # versions of v1 and v2 are created before the timed runs.
  s=$(date +%s%N)
  (cd "$CORPUS" && "$bin" diff --json > /dev/null)
  first_ms=$(( ($(date +%s%N) - s) / 1000000 ))
  (cd "$CORPUS" && "$bin" versions create v1 > /dev/null && "$bin" versions create v2 > /dev/null)
  wt=$(time_ms sh -c "cd '$CORPUS' && '$bin' diff --json")
  wt_syms=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["symbols"]), len(d["impacted"]))' "$OUT/last.out" 2>/dev/null || echo "? ?")
  vv=$(time_ms sh -c "cd '$CORPUS' && '$bin' diff v1 v2 --json")
  vv_syms=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["symbols"]), len(d["impacted"]))' "$OUT/last.out" 2>/dev/null || echo "? ?")
  printf '%s\n  first diff (HEAD vs working tree, creates HEAD'"'"'s version): %6d ms\n  diff (HEAD vs working tree, 3 files edited):              %6d ms  (symbols, impacted: %s)\n  diff v1 v2 (both versions exist):                         %6d ms  (symbols, impacted: %s)\n' \
    "$bin" "$first_ms" "$wt" "$wt_syms" "$vv" "$vv_syms"
done
