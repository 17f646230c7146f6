#!/usr/bin/env bash
# codegraph vs universal-ctags on one copy of the Go standard library, in
# one run: wall time, CPU time (user+sys) and peak RSS of both, and the
# ratios. `codegraph index` builds everything (graph, resolution, lexical,
# trigram and vector search indexes). Installs nothing: it needs go, GNU
# /usr/bin/time and universal-ctags (apt-get install universal-ctags).
#
# Usage: bench/ctags.sh [--runs N] [--cpu-table] [--jdk]
#   --runs N      run each tool N times, alternating (default 1)
#   --cpu-table   also sample the codegraph process's CPU use every 0.5 s
#                 (utime+stime from /proc/PID/stat) and print the table
#   --jdk         also the JDK sources (/usr/lib/jvm/*/lib/src.zip)
# Environment: BENCH_OUT (scratch directory, default /tmp/codegraph-ctags),
# CODEGRAPH (a prebuilt binary instead of building this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1 table=0 jdk=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --cpu-table) table=1 ;;
    --jdk) jdk=1 ;;
    *) echo "usage: $0 [--runs N] [--cpu-table] [--jdk]" >&2; exit 2 ;;
  esac
  shift
done
command -v ctags >/dev/null || { echo "universal-ctags not installed: apt-get install -y universal-ctags" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time not installed: apt-get install -y time" >&2; exit 1; }
OUT=${BENCH_OUT:-/tmp/codegraph-ctags}
mkdir -p "$OUT"
BIN=${CODEGRAPH:-$OUT/codegraph}
[ -n "${CODEGRAPH:-}" ] || go build -o "$BIN" ./cmd/codegraph

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version); $(ctags --version | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# run LABEL CMD...: one measured run; prints wall, CPU, peak RSS and leaves
# "wall cpu rss_kib" in $OUT/last.txt.
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" > "$OUT/last.out" 2> "$OUT/last.err" &
  local tpid=$!
  if [ "$table" = 1 ] && [ "$label" = codegraph ]; then sample "$tpid" > "$OUT/cpu.tsv" & fi
  wait "$tpid" || { cat "$OUT/last.err" >&2; return 1; }
  wait # the sampler
  read -r wall usr sys kb < "$OUT/time.txt"
  local cpu; cpu=$(python3 -c "print(f'{$usr+$sys:.2f}')")
  printf '%-10s wall %7.2f s   CPU %7.2f s (user %.2f, sys %.2f)   peak RSS %6d MiB\n' "$label" "$wall" "$cpu" "$usr" "$sys" $((kb/1024))
  echo "$wall $cpu $kb" > "$OUT/last.txt"
}

# sample PID: the CPU use of PID's child (the measured program) every 0.5 s:
# elapsed seconds, cores busy over the interval, RSS MiB.
sample() {
  local parent=$1 pid="" hz; hz=$(getconf CLK_TCK)
  for _ in $(seq 50); do pid=$(pgrep -P "$parent" | head -1 || true); [ -n "$pid" ] && break; sleep 0.02; done
  [ -n "$pid" ] || return 0
  python3 - "$pid" "$hz" <<'PY'
import sys, time
pid, hz = sys.argv[1], int(sys.argv[2])
def read():
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        rss = int(open(f"/proc/{pid}/statm").read().split()[1]) * 4096
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(f[11]) + int(f[12]), rss
t0 = time.monotonic(); prev = read(); pt = t0
print("t_s\tcores\trss_MiB")
while True:
    time.sleep(0.5)
    cur = read(); now = time.monotonic()
    if cur is None:
        break
    print(f"{now-t0:.1f}\t{(cur[0]-prev[0])/hz/(now-pt):.2f}\t{cur[1]>>20}", flush=True)
    prev, pt = cur, now
PY
}

compare() { # CORPUS LANGS DBNAME [codegraph flags...]
  local corpus=$1 langs=$2 db=$OUT/$3; shift 3
  local cg_w=() cg_c=() cg_r=() ct_w=() ct_c=() ct_r=()
  for i in $(seq "$runs"); do
    rm -rf "$db"
    run codegraph "$BIN" index "$corpus" --db "$db" --no-daemon --json "$@"
    read -r w c r < "$OUT/last.txt"; cg_w+=("$w"); cg_c+=("$c"); cg_r+=("$r")
    python3 - "$OUT/last.out" <<'PY'
import json,sys
s=json.load(open(sys.argv[1]))
r=s.get('resolve') or {}
print(f"           files={s['files']} nodes={s['nodes_written']} edges={s['edges_written']} errors={s['error_count']}")
PY
    run ctags ctags -R -f "$OUT/tags" --languages="$langs" "$corpus"
    read -r w c r < "$OUT/last.txt"; ct_w+=("$w"); ct_c+=("$c"); ct_r+=("$r")
  done
  python3 - "${cg_w[*]}" "${cg_c[*]}" "${cg_r[*]}" "${ct_w[*]}" "${ct_c[*]}" "${ct_r[*]}" <<'PY'
import sys, statistics as st
cw, cc, cr, tw, tc, tr = ([float(x) for x in a.split()] for a in sys.argv[1:])
m = st.median
print(f"median of {len(cw)}: codegraph {m(cw):.2f} s wall, {m(cc):.2f} s CPU, {m(cr)/1024:.0f} MiB; "
      f"ctags {m(tw):.2f} s wall, {m(tc):.2f} s CPU, {m(tr)/1024:.0f} MiB")
ratios = sorted(a/b for a, b in zip(cw, tw))
print(f"ratio codegraph/ctags: wall {m(ratios):.2f} (runs: {' '.join(f'{x:.2f}' for x in ratios)}), CPU {m(cc)/m(tc):.2f}")
PY
  if [ "$table" = 1 ] && [ -s "$OUT/cpu.tsv" ]; then
    echo "CPU use of the last codegraph run (cores busy per 0.5 s, RSS):"
    cat "$OUT/cpu.tsv"
  fi
}

CORPUS=$OUT/gosrc
rm -rf "$CORPUS" && cp -r "$(go env GOROOT)/src" "$CORPUS"
echo "corpus: GOROOT/src copy, $(find "$CORPUS" -name '*.go' -type f | wc -l) .go files, $(find "$CORPUS" -name '*.go' -type f -print0 | xargs -0 cat | wc -l) lines"
compare "$CORPUS" Go go.codegraph --no-default-ignores

if [ "$jdk" = 1 ]; then
  zip=""
  for z in /usr/lib/jvm/*/lib/src.zip; do [ -f "$z" ] && zip=$z; done
  [ -n "$zip" ] || { echo "no JDK src.zip under /usr/lib/jvm" >&2; exit 1; }
  JDK=$OUT/jdk
  rm -rf "$JDK" && mkdir -p "$JDK" && unzip -q "$zip" -d "$JDK"
  echo "corpus: $zip, $(find "$JDK" -name '*.java' -type f | wc -l) .java files"
  compare "$JDK" Java jdk.codegraph
fi
