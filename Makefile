# The two commands README.md promises:
#   make run    build codegraph, index this repository and query it
#   make test   run the whole test suite (what .ci/run runs)
GO ?= go
BIN := bin/codegraph
# The Go release everything is built and tested with: the newest patch
# release of Go 1.26, whose standard library has the security fixes that
# govulncheck asks for (go1.26.8 has 14 reachable from our code). The go
# command fetches it from the module proxy on first use (about 76 MB) when
# the installed Go is older; `make GOTOOLCHAIN=local ...` uses the
# installed one.
export GOTOOLCHAIN := go1.26.11

.PHONY: build run test vulncheck bench fuzz check-generated release release-amd64 release-arm64

build:
	$(GO) build -o $(BIN) ./cmd/codegraph

run: build
	./$(BIN) index .
	./$(BIN) status
	./$(BIN) symbols --kind function --file internal/index/index.go
	./$(BIN) search "resolve call edges to their definitions" --limit 5
	./$(BIN) callers resolve.Run

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -count=1 -timeout 20m -race -short ./internal/index ./internal/store ./internal/walk ./internal/query ./internal/mcp ./internal/search/... ./internal/service ./internal/jobs ./internal/server ./internal/watch ./internal/graphql

# govulncheck ./... against a pinned copy of the Go vulnerability database,
# built offline from the golang.org/x/vulndb module (scripts/vulncheck.sh).
vulncheck:
	scripts/vulncheck.sh

bench:
	bench/index.sh --jdk

# The committed gqlgen output must match internal/graphql/schema.graphqls.
check-generated:
	$(GO) generate ./internal/graphql
	git diff --exit-code -- internal/graphql

# make release: stripped, statically linked Linux binaries for amd64 and
# arm64 in dist/, each in a tarball with LICENSE, THIRD_PARTY_NOTICES (every
# linked module's licence, GraphiQL and React) and README.md, and
# dist/SHA256SUMS. cgo is needed (tree-sitter), so each architecture needs
# a C compiler for it: gcc for the host's, and on Debian/Ubuntu
# gcc-aarch64-linux-gnu (or gcc-x86-64-linux-gnu on an arm64 host) for the
# other. Static linking against glibc works because netgo and osusergo keep
# cgo out of name resolution and user lookup (no NSS at run time).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# Evaluated once, so both architectures carry the same values.
VERSION := $(VERSION)
COMMIT := $(COMMIT)
BUILD_DATE := $(BUILD_DATE)
DIST ?= dist
CLI_PKG := github.com/codegraph-dev/codegraph/internal/cli
RELEASE_LDFLAGS := -s -w -X $(CLI_PKG).Version=$(VERSION) -X $(CLI_PKG).Commit=$(COMMIT) -X $(CLI_PKG).BuildDate=$(BUILD_DATE) -extldflags -static
HOST_ARCH := $(shell $(GO) env GOHOSTARCH)
CC_amd64 ?= $(if $(filter amd64,$(HOST_ARCH)),gcc,x86_64-linux-gnu-gcc)
CC_arm64 ?= $(if $(filter arm64,$(HOST_ARCH)),gcc,aarch64-linux-gnu-gcc)
APT_amd64 := gcc-x86-64-linux-gnu
APT_arm64 := gcc-aarch64-linux-gnu

release: release-amd64 release-arm64
	cd $(DIST) && sha256sum codegraph-$(VERSION)-linux-amd64.tar.gz codegraph-$(VERSION)-linux-arm64.tar.gz > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

release-amd64 release-arm64: release-%:
	@command -v $(CC_$*) >/dev/null 2>&1 || { echo "make release: no C compiler for linux/$* ($(CC_$*)); cgo needs one for tree-sitter. On Debian/Ubuntu: sudo apt-get install $(APT_$*) (or set CC_$*=...)" >&2; exit 1; }
	rm -rf $(DIST)/codegraph-$(VERSION)-linux-$*
	mkdir -p $(DIST)/codegraph-$(VERSION)-linux-$*
	CGO_ENABLED=1 GOOS=linux GOARCH=$* CC=$(CC_$*) $(GO) build -trimpath -buildvcs=false -tags netgo,osusergo \
		-ldflags '$(RELEASE_LDFLAGS)' -o $(DIST)/codegraph-$(VERSION)-linux-$*/codegraph ./cmd/codegraph
	cp LICENSE README.md $(DIST)/codegraph-$(VERSION)-linux-$*/
	GO=$(GO) sh scripts/third-party-notices.sh linux $* > $(DIST)/codegraph-$(VERSION)-linux-$*/THIRD_PARTY_NOTICES
	tar -C $(DIST) --sort=name --owner=0 --group=0 --numeric-owner --mtime='$(BUILD_DATE)' \
		-czf $(DIST)/codegraph-$(VERSION)-linux-$*.tar.gz codegraph-$(VERSION)-linux-$*
