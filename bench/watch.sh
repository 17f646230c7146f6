#!/usr/bin/env bash
# Watch-mode benchmark (issue 7) on a copy of the Go standard library:
#  1. one-file update with `codegraph index` (a process per edit) as before;
#  2. `codegraph watch`: save -> visible in callers and search (bench/watchlat,
#     fresh read-only opens polled every 5 ms), p50/p95 over EDITS edits;
#  3. a git checkout touching 1,000 files: time until the graph shows it
#     (fresh read-only opens polled every 100 ms) and until the watcher's
#     update (resolution and search included) is done; then the checkout
#     back, started once the watcher is idle again;
#  4. a soak with an edit every second (SOAK seconds), sampling the watcher's RSS.
# Prints the figures BENCHMARKS.md quotes. Usage:
#   bench/watch.sh                 # fresh copy and full index first
#   REUSE=1 bench/watch.sh         # reuse $OUT/gosrc and its index
# Environment: OUT (default /tmp/codegraph-watch), EDITS (30), SOAK (180),
# IDLE (seconds to wait before the checkout back, so that the watcher's
# idle compaction runs first; default none), WATCH_FLAGS (extra flags for
# `codegraph watch`, e.g. "--debounce 50ms"), SKIP_SWITCH=1 (no step 3).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/codegraph-watch}
EDITS=${EDITS:-30}
SOAK=${SOAK:-180}
mkdir -p "$OUT"
BIN="$OUT/codegraph"
go build -o "$BIN" ./cmd/codegraph
go build -o "$OUT/watchlat" ./bench/watchlat
CORPUS="$OUT/gosrc"
DB="$OUT/go.codegraph"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version); load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${REUSE:-}" ]; then
  rm -rf "$CORPUS" "$DB" && cp -r "$(go env GOROOT)/src" "$CORPUS"
  /usr/bin/time -f "full index: %e s, peak RSS %M KB" "$BIN" index "$CORPUS" --db "$DB" --no-default-ignores -q
fi
echo "corpus: $CORPUS ($(find "$CORPUS" -name '*.go' -type f | wc -l) .go files)"

# 1. Before: one `codegraph index` process per edit (same edits as watchlat).
# SKIP_LATENCY=1 skips this and the latency edits (steps 1-2).
f="$CORPUS/net/http/server.go"
if [ -z "${SKIP_LATENCY:-}" ]; then
cp "$f" "$OUT/server.go.orig"
: > "$OUT/onefile.txt"
for i in $(seq 1 10); do
  cp "$OUT/server.go.orig" "$f"
  printf '\nfunc CgIndexProbe%d() int { return %d }\n\nfunc cgIndexCaller%d() int { return CgIndexProbe%d() }\n' "$i" "$i" "$i" "$i" >> "$f"
  /usr/bin/time -f "%e" -a -o "$OUT/onefile.txt" "$BIN" index "$CORPUS" --db "$DB" --no-default-ignores -q
done
cp "$OUT/server.go.orig" "$f"
"$BIN" index "$CORPUS" --db "$DB" --no-default-ignores -q
python3 - "$OUT/onefile.txt" <<'PY'
import sys
xs=sorted(float(l) for l in open(sys.argv[1]) if l.strip())
print(f"before: codegraph index after a one-file edit, {len(xs)} runs: median {xs[len(xs)//2]*1000:.0f} ms, max {xs[-1]*1000:.0f} ms")
PY
fi

# 2. The watcher.
"$BIN" watch "$CORPUS" --db "$DB" --json ${WATCH_FLAGS:-} > "$OUT/watch.jsonl" 2> "$OUT/watch.err" &
WPID=$!
trap 'kill -INT $WPID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q '"reason":"start"' "$OUT/watch.jsonl" 2>/dev/null && break; sleep 0.1; done
python3 -c "import json,sys; l=json.loads(open(sys.argv[1]).readline()); print(f\"watch start: reconciled {l['files']} files in {l['duration_ms']:.0f} ms\")" "$OUT/watch.jsonl"
if [ -z "${SKIP_LATENCY:-}" ]; then
"$OUT/watchlat" -root "$CORPUS" -db "$DB" -edits "$EDITS" -gap 1s | tail -1
python3 - "$OUT/watch.jsonl" <<'PY'
import json,sys
xs=sorted(l['duration_ms'] for l in map(json.loads,open(sys.argv[1])) if l['reason']=='change' and l['changed']==1 and len(l.get('paths',[]))==1)
if xs: print(f"after: watcher one-file update (debounce excluded, reported by watch --json), {len(xs)} updates: p50 {xs[len(xs)//2]:.0f} ms, p95 {xs[int(len(xs)*0.95)]:.0f} ms")
PY
fi

# 3. A branch switch touching 1,000 files.
if [ -z "${SKIP_SWITCH:-}" ]; then
if [ ! -d "$CORPUS/.git" ]; then
  git -C "$CORPUS" init -q -b base && git -C "$CORPUS" add -A && git -C "$CORPUS" -c user.email=b@x -c user.name=bench commit -qm base
  git -C "$CORPUS" checkout -q -b burst
  git -C "$CORPUS" ls-files '*.go' > "$OUT/gofiles.txt"
  grep -v testdata "$OUT/gofiles.txt" | head -1000 > "$OUT/burst.txt" || true
  while read -r p; do
    printf '\nfunc CgBurst_%s() {}\n' "$(echo "$p" | tr -c 'A-Za-z0-9\n' '_')" >> "$CORPUS/$p"
  done < "$OUT/burst.txt"
  git -C "$CORPUS" -c user.email=b@x -c user.name=bench commit -qam burst
  git -C "$CORPUS" checkout -q base
  sleep 5 # the watcher indexes the round trip
fi
# waitbatch T0 N: waits for the watcher's next batch of at least 900 files
# after line N of watch.jsonl and prints when it finished (resolution and
# search indexes included), relative to T0.
waitbatch() {
  python3 - "$OUT/watch.jsonl" "$1" "$2" <<'PY'
import json,sys,time,datetime
path,t0,skip=sys.argv[1],float(sys.argv[2]),int(sys.argv[3])
for _ in range(3000):
    ls=open(path).read().splitlines()[skip:]
    for l in ls:
        d=json.loads(l)
        if d['added']+d['changed']+d['deleted']>=900:
            end=datetime.datetime.fromisoformat(d['time'].replace('Z','+00:00')).timestamp()
            print(f"  watcher's update of {d['added']+d['changed']+d['deleted']} files done {end-t0:.2f} s after the change started (update {d['duration_ms']/1000:.2f} s)")
            sys.exit(0)
    time.sleep(0.1)
sys.exit("no batch")
PY
}
n=$(wc -l < "$OUT/watch.jsonl")
t0=$(date +%s.%N)
git -C "$CORPUS" checkout -q burst
echo -n "git checkout touching 1,000 files: "
"$OUT/watchlat" -db "$DB" -burst "$OUT/burst.txt" -want present -since "$t0" -timeout 300s
waitbatch "$t0" "$n"
sleep 2
if [ -n "${IDLE:-}" ]; then
  # A watcher running all day compacts the store once it has been idle
  # for 30 s after a large update; IDLE=45 lets it before the way back.
  echo "  idle ${IDLE} s (the watcher compacts after 30 s idle)"
  sleep "$IDLE"
fi
n=$(wc -l < "$OUT/watch.jsonl")
t0=$(date +%s.%N)
git -C "$CORPUS" checkout -q base
echo -n "git checkout back: "
"$OUT/watchlat" -db "$DB" -burst "$OUT/burst.txt" -want absent -since "$t0" -timeout 300s
waitbatch "$t0" "$n"
python3 - "$OUT/watch.jsonl" <<'PY'
import json,sys
ls=[json.loads(l) for l in open(sys.argv[1])][-6:]
print("  last batches:", ", ".join(f"{l['reason']} {l['added']+l['changed']+l['deleted']} files {l['duration_ms']/1000:.1f} s" for l in ls))
PY
sleep 2
fi

# 4. Soak.
if [ "$SOAK" -gt 0 ]; then
  echo "watcher RSS before the soak: $(grep VmRSS /proc/$WPID/status | awk '{print $2, $3}')"
  "$OUT/watchlat" -root "$CORPUS" -db "$DB" -edits 0 -gap 1s -soak "${SOAK}s" -pid "$WPID" | grep soak
fi
kill -INT "$WPID"; wait "$WPID"; trap - EXIT
echo "watcher stopped cleanly (exit 0)"
