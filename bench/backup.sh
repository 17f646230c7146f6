#!/usr/bin/env bash
# Full and incremental backups of an index of the Go standard library
# (issue 17's target: an incremental backup after a one-file edit at least
# 10x smaller than the full one; restore then export gives the export
# taken at backup time). TestBackupStdlib checks the same on four trees of
# the library; this is the whole of it, with times.
# Usage: bench/backup.sh
# Environment: BENCH_OUT (default /tmp/codegraph-backupbench), CODEGRAPH
# (a prebuilt binary), SEMANTIC=1 (index with vectors too).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-/tmp/codegraph-backupbench}
mkdir -p "$OUT"
BIN=${CODEGRAPH:-$OUT/codegraph}
[ -n "${CODEGRAPH:-}" ] || go build -o "$BIN" ./cmd/codegraph
SRC=$OUT/src
DB=$SRC/.codegraph
sem=(--no-semantic)
[ -z "${SEMANTIC:-}" ] || sem=()
echo "machine: $(nproc) cores; $(go version); load: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$SRC" "$OUT/full" "$OUT/incr" "$OUT/restored"
cp -r "$(go env GOROOT)/src" "$SRC"
t() { /usr/bin/time -f "$1: %e s wall, %U s user, %S s sys, peak RSS %M KB" -o "$OUT/time.tmp" "${@:2}"; cat "$OUT/time.tmp" >&2; }
t "index" "$BIN" index "$SRC" -q --no-daemon "${sem[@]}"
t "full backup" "$BIN" backup create "$OUT/full" --db "$DB" --json > "$OUT/full.json"
printf '\nfunc BackupAdded() int { return 1 }\n' >> "$SRC/strings/strings.go"
t "one-file re-index" "$BIN" index "$SRC" -q --no-daemon "${sem[@]}"
"$BIN" export --format ndjson --db "$DB" > "$OUT/export.ndjson"
t "incremental backup" "$BIN" backup create "$OUT/incr" --incremental-from "$OUT/full" --db "$DB" --json > "$OUT/incr.json"
t "restore" "$BIN" backup restore "$OUT/incr" --db "$OUT/restored"
"$BIN" export --format ndjson --db "$OUT/restored" > "$OUT/restored.ndjson"
full=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stored_bytes"])' "$OUT/full.json")
incr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stored_bytes"])' "$OUT/incr.json")
echo "full backup $full bytes, incremental $incr bytes: $(python3 -c "print(f'{$full/$incr:.0f}')")x smaller (target: 10x)"
if cmp -s "$OUT/export.ndjson" "$OUT/restored.ndjson"; then
  echo "restored export: identical ($(wc -l < "$OUT/export.ndjson") lines)"
else
  echo "restored export: DIFFERS"; exit 1
fi
