#!/usr/bin/env bash
# govulncheck ./... against the Go vulnerability database, offline.
#
# vuln.go.dev cannot be reached from CI, but the database's source is a Go
# module (golang.org/x/vulndb, its reports in OSV form under data/osv) that
# the module proxy serves. This script builds a local database from a
# pinned version of it with the database's own indexer (cmd/indexdb), caches
# it, and runs a pinned govulncheck with -db file://. It exits non-zero when
# our code reaches a known vulnerability (govulncheck's exit code 3).
#
# Bump VULNDB_VERSION to check against newer reports: the proxy lists them
# with `go list -m -versions golang.org/x/vulndb` (pseudo-versions: take
# the newest from `go list -m golang.org/x/vulndb@master`).
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
VULN_VERSION=${VULN_VERSION:-v1.9.0}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/codegraph
db=$cache/vulndb-$VULNDB_VERSION
if [ ! -f "$db/index/modules.json" ]; then
  echo "vulncheck: building the vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # Outside this module, so that go.mod and go.sum stay as they are.
  src=$(cd "$tmp" && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ ! -d "$src/data/osv" ]; then
    echo "vulncheck: golang.org/x/vulndb@$VULNDB_VERSION has no data/osv" >&2
    exit 2
  fi
  (cd "$tmp" && go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$tmp/db")
  mkdir -p "$cache"
  rm -rf "$db"
  mv "$tmp/db" "$db"
fi
echo "vulncheck: $(go version | cut -d' ' -f3); database golang.org/x/vulndb@$VULNDB_VERSION ($(ls "$db/ID" | grep -c '\.json$') reports)" >&2
exec go run "golang.org/x/vuln/cmd/govulncheck@$VULN_VERSION" -db "file://$db" "$@" ./...
