# The two commands README.md promises:
#   make run    build codegraph, index this repository and query it
#   make test   run the whole test suite (what .ci/run runs)
GO ?= go
BIN := bin/codegraph

.PHONY: build run test bench fuzz check-generated

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
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race -short ./internal/index ./internal/store ./internal/walk ./internal/query ./internal/mcp ./internal/search/... ./internal/service ./internal/jobs ./internal/server ./internal/watch ./internal/graphql

bench:
	bench/index.sh --jdk

# The committed gqlgen output must match internal/graphql/schema.graphqls.
check-generated:
	$(GO) generate ./internal/graphql
	git diff --exit-code -- internal/graphql
