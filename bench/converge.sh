#!/usr/bin/env bash
# Incremental-equals-clean property test (internal/index TestConvergence)
# for a chosen time: seeded random sequences of edits, deletes, restores,
# renames and branch switches, through `index`, the watcher's Updater,
# `index --force` and kill -9 of a child at phase boundaries or random
# moments, each finished run compared line for line with a clean index.
# Prints the seed, the sequences, steps, kills and divergences. Usage:
#   bench/converge.sh            # 10 minutes
#   bench/converge.sh 60         # 60 minutes
#   SEED=123 bench/converge.sh 1 # from a given seed (reproduce a divergence)
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${1:-10}
env=(CODEGRAPH_CONVERGE_BUDGET="${MIN}m")
if [ -n "${SEED:-}" ]; then env+=(CODEGRAPH_CONVERGE_SEED="$SEED"); fi
echo "machine: $(nproc) cores; $(go version); budget ${MIN} min"
start=$(date +%s)
set +e
env "${env[@]}" go test -count=1 -timeout "$((MIN + 10))m" -run '^TestConvergence$' -v ./internal/index/ 2>&1 |
  grep -v '^=== RUN' | tee /tmp/converge.$$.log | grep -E 'seed|converge:|divergence|^(---|ok|FAIL|PASS)'
rc=${PIPESTATUS[0]}
set -e
echo "wall $(( $(date +%s) - start )) s; full log /tmp/converge.$$.log"
exit "$rc"
