#!/usr/bin/env bash
# An idle `codegraph watch` on a copy of the Go standard library: its RSS
# and CPU time over IDLE seconds without edits, sampled every 10 s from
# /proc/PID/stat and /proc/PID/status. The index is built first (by
# `codegraph index`, unless REUSE=1), so the watcher starts on an index
# that is up to date, as it does on a developer's machine.
# Usage: bench/watchidle.sh        # IDLE=600 (ten minutes)
# Environment: OUT (default /tmp/codegraph-watchidle), IDLE (seconds),
# EDIT=1 (append a function to net/http/server.go once the watcher has
# started, wait for its update, then measure; restored at exit),
# REUSE=1 (reuse $CORPUS and its index $DB; default $OUT/gosrc and
# $OUT/go.codegraph), CODEGRAPH (a prebuilt binary).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/codegraph-watchidle}
IDLE=${IDLE:-600}
mkdir -p "$OUT"
BIN=${CODEGRAPH:-$OUT/codegraph}
[ -n "${CODEGRAPH:-}" ] || go build -o "$BIN" ./cmd/codegraph
CORPUS=${CORPUS:-$OUT/gosrc}
DB=${DB:-$OUT/go.codegraph}
echo "machine: $(nproc) cores; $(go version); load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${REUSE:-}" ]; then
  rm -rf "$CORPUS" "$DB" && cp -r "$(go env GOROOT)/src" "$CORPUS"
  /usr/bin/time -f "full index: %e s, peak RSS %M KB" "$BIN" index "$CORPUS" --db "$DB" --no-default-ignores --no-daemon -q
fi
"$BIN" watch "$CORPUS" --db "$DB" --json > "$OUT/watch.jsonl" 2> "$OUT/watch.err" &
WPID=$!
trap 'kill -INT $WPID 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do grep -q '"reason":"start"' "$OUT/watch.jsonl" 2>/dev/null && break; sleep 0.1; done
grep -q '"reason":"start"' "$OUT/watch.jsonl" || { echo "watcher did not start:"; cat "$OUT/watch.err"; exit 1; }
echo "watcher started (pid $WPID): RSS $(awk '/VmRSS/{print int($2/1024)}' /proc/$WPID/status) MiB"
if [ -n "${EDIT:-}" ]; then
  # One edit first, so that the watcher has loaded what an update needs
  # (resolution's catalog, the embedding model, the vector index).
  f=$CORPUS/net/http/server.go
  cp "$f" "$OUT/server.go.orig"
  trap 'kill -INT $WPID 2>/dev/null || true; cp "$OUT/server.go.orig" "$f"' EXIT
  n=$(grep -c '"reason"' "$OUT/watch.jsonl")
  printf '\nfunc CgIdleProbe() int { return 1 }\n' >> "$f"
  for _ in $(seq 1 1200); do [ "$(grep -c '"reason"' "$OUT/watch.jsonl")" -gt "$n" ] && break; sleep 0.1; done
  echo "after one edit: RSS $(awk '/VmRSS/{print int($2/1024)}' /proc/$WPID/status) MiB"
fi
echo "idle for $IDLE s"
python3 - "$WPID" "$IDLE" <<'PY'
import sys, time, os
pid, idle = sys.argv[1], int(sys.argv[2])
hz = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz
def rss():
    v = {}
    for l in open(f"/proc/{pid}/status"):
        k, _, rest = l.partition(":")
        if k in ("VmRSS", "RssAnon", "RssFile"):
            v[k] = int(rest.split()[0]) // 1024
    return v
c0, t0 = cpu(), time.monotonic()
print("t_s\tRSS_MiB\tanon_MiB\tfile_MiB\tCPU_s_total\tCPU_s_interval")
prev = c0
rs = []
while True:
    t = time.monotonic() - t0
    c, r = cpu(), rss()
    rs.append(r["VmRSS"])
    print(f"{t:.0f}\t{r['VmRSS']}\t{r['RssAnon']}\t{r['RssFile']}\t{c - c0:.2f}\t{c - prev:.2f}", flush=True)
    prev = c
    if t >= idle:
        break
    time.sleep(10)
print(f"idle {idle} s: RSS min {min(rs)} MiB, max {max(rs)} MiB, last {rs[-1]} MiB; CPU {cpu() - c0:.2f} s")
PY
