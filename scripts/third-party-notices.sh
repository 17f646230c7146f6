#!/bin/sh
# Prints the licence of every module linked into cmd/codegraph, for the
# THIRD_PARTY_NOTICES file `make release` puts beside the binary (the Go
# toolchain's own licence and the GraphiQL/React notices included).
# Fails when a module has no licence file, so a release never ships one
# unaccounted for. Usage: scripts/third-party-notices.sh [GOOS GOARCH]
set -eu
GO=${GO:-go}
goos=${1:-$($GO env GOOS)}
goarch=${2:-$($GO env GOARCH)}
echo "codegraph bundles or links the following third-party software."
echo
for f in internal/graphql/graphiql/LICENSE.graphiql internal/graphql/graphiql/LICENSE.react; do
	echo "================================================================"
	echo "$f (served by the GraphiQL page)"
	echo "================================================================"
	cat "$f"
	echo
done
echo "================================================================"
echo "The Go standard library and runtime ($($GO env GOVERSION))"
echo "================================================================"
cat "$($GO env GOROOT)/LICENSE"
echo
CGO_ENABLED=1 GOOS=$goos GOARCH=$goarch $GO list -deps -f '{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' ./cmd/codegraph | sort -u |
while read -r mod dir; do
	lic=$(find "$dir" -maxdepth 1 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' \) | sort | head -n 1)
	if [ -z "$lic" ]; then
		echo "third-party-notices: $mod has no licence file in $dir" >&2
		exit 1
	fi
	echo "================================================================"
	echo "$mod"
	echo "================================================================"
	cat "$lic"
	echo
done
