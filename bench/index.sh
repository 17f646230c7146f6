#!/usr/bin/env bash
# Whole-program indexing benchmark: codegraph vs universal-ctags on the Go
# standard library (and, with --jdk, the JDK sources). Prints the figures
# BENCHMARKS.md quotes. Usage:
#   bench/index.sh            # Go standard library
#   bench/index.sh --jdk      # also the JDK sources from src.zip
# Needs: go, /usr/bin/time (GNU), universal-ctags (apt-get install universal-ctags), unzip.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-bench}
mkdir -p "$OUT"
BIN="$OUT/codegraph"
go build -o "$BIN" ./cmd/codegraph

GOSRC="$(go env GOROOT)/src"
CORPUS="$OUT/gosrc"
# A private copy, so the one-file-change step can edit a file.
rm -rf "$CORPUS" && cp -r "$GOSRC" "$CORPUS"
go_bytes=$(find "$CORPUS" -name '*.go' -type f -print0 | xargs -0 cat | wc -c)
go_lines=$(find "$CORPUS" -name '*.go' -type f -print0 | xargs -0 cat | wc -l)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version)"
echo "corpus: $CORPUS: $(find "$CORPUS" -name '*.go' -type f | wc -l) .go files, $go_lines lines, $((go_bytes/1000000)) MB"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$OUT/last.out" 2> "$OUT/last.err" || { cat "$OUT/last.err"; return 1; }
  read -r secs kb < "$OUT/time.txt"
  printf '%-34s wall %7.2f s   peak RSS %6d MiB\n' "$label" "$secs" $((kb/1024))
  echo "$secs" > "$OUT/secs.txt"
}

DB="$OUT/go.codegraph"
rm -rf "$DB"
measure "codegraph index (full)" "$BIN" index "$CORPUS" --db "$DB" --json --no-default-ignores
cg_full=$(cat "$OUT/secs.txt")
python3 - "$OUT/last.out" <<'PY'
import json,sys
s=json.load(open(sys.argv[1]))
print(f"  files={s['files']} nodes={s['nodes_written']} edges={s['edges_written']} errors={s['error_count']} syntax_error_files={s['files_with_syntax_errors']}")
for l,v in sorted(s.get('languages',{}).items()):
    secs=v['parse_ns']/1e9
    print(f"  {l:11s} files={v['files']:6d} lines={v['lines']:9d} parse+extract CPU {secs:6.1f} s = {v['lines']/max(secs,1e-9):9.0f} lines/s per core")
PY
measure "codegraph index (no change)" "$BIN" index "$CORPUS" --db "$DB" --json --no-default-ignores
f="$CORPUS/net/http/server.go"
: > "$OUT/onefile.txt"
for i in $(seq 1 15); do
  echo "// touched $i $(date +%s%N)" >> "$f"
  measure "codegraph index (one file changed)" "$BIN" index "$CORPUS" --db "$DB" --json --no-default-ignores > /dev/null
  cat "$OUT/secs.txt" >> "$OUT/onefile.txt"
done
python3 - "$OUT/onefile.txt" "$OUT/last.out" <<'PY'
import json,sys
xs=sorted(float(l) for l in open(sys.argv[1]) if l.strip())
s=json.load(open(sys.argv[2]))
print(f"codegraph index (one file changed)  15 runs: median {xs[len(xs)//2]:.2f} s, p90 {xs[int(len(xs)*0.9)]:.2f} s, max {xs[-1]:.2f} s (changed={s['changed']} unchanged={s['unchanged']})")
PY
du -sh "$DB" | awk '{print "  store size: " $1}'

if command -v ctags >/dev/null; then
  measure "universal-ctags -R (same corpus)" ctags -R -f "$OUT/tags" --languages=Go "$CORPUS"
  ct=$(cat "$OUT/secs.txt")
  python3 -c "print('  ratio codegraph/ctags wall: %.2f' % ($cg_full/$ct))"
else
  echo "universal-ctags not installed: apt-get install universal-ctags"
fi

if [ "${1:-}" = "--jdk" ]; then
  zip=""
  for z in /usr/lib/jvm/*/lib/src.zip; do [ -f "$z" ] && zip=$z; done  # skip dangling links
  [ -n "$zip" ] || { echo "no JDK src.zip under /usr/lib/jvm"; exit 1; }
  JDK="$OUT/jdk"
  rm -rf "$JDK" && mkdir -p "$JDK" && unzip -q "$zip" -d "$JDK"
  echo "corpus: $JDK ($zip): $(find "$JDK" -name '*.java' -type f | wc -l) .java files, $(find "$JDK" -name '*.java' -type f -print0 | xargs -0 cat | wc -l) lines"
  rm -rf "$OUT/jdk.codegraph"
  measure "codegraph index JDK (full)" "$BIN" index "$JDK" --db "$OUT/jdk.codegraph" --json
  jdk_cg=$(cat "$OUT/secs.txt")
  python3 - "$OUT/last.out" <<'PY'
import json,sys
s=json.load(open(sys.argv[1]))
print(f"  files={s['files']} nodes={s['nodes_written']} edges={s['edges_written']} errors={s['error_count']}")
for l,v in sorted(s.get('languages',{}).items()):
    secs=v['parse_ns']/1e9
    print(f"  {l:11s} files={v['files']:6d} lines={v['lines']:9d} parse+extract CPU {secs:6.1f} s = {v['lines']/max(secs,1e-9):9.0f} lines/s per core")
PY
  if command -v ctags >/dev/null; then
    measure "universal-ctags -R JDK" ctags -R -f "$OUT/jdk.tags" "$JDK"
    python3 -c "print('  ratio codegraph/ctags wall: %.2f' % ($jdk_cg/$(cat "$OUT/secs.txt")))"
  fi
fi
