# codegraph serve in a container.
#
#   docker build -t codegraph --build-arg VERSION=$(git describe --tags --always) .
#   docker run -d -p 8080:8080 -v "$PWD":/src:ro -v codegraph-data:/data \
#     -e CODEGRAPH_API_KEYS="$(openssl rand -hex 16):rw" codegraph
#
# The source to index is mounted read-only at /src; the index lives in the
# /data volume. Settings come from /config/codegraph/config.yaml (mount a
# file there), codegraph.yaml in /src, or CODEGRAPH_* environment variables.
# The server listens on all interfaces, so it refuses to start without API
# keys (CODEGRAPH_API_KEYS or server.api_keys).

# Build: cgo for the tree-sitter grammars, linked statically (netgo and
# osusergo keep libc's resolver and user lookup out).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -buildvcs=false -tags netgo,osusergo \
      -ldflags "-s -w -X github.com/codegraph-dev/codegraph/internal/cli.Version=${VERSION} -extldflags -static" \
      -o /out/codegraph ./cmd/codegraph \
 && sh scripts/third-party-notices.sh > /out/THIRD_PARTY_NOTICES \
 && mkdir -p /out/data /out/config/codegraph

# Run: busybox (a few MB) for a shell and wget for the health check.
FROM busybox:1.37-musl
COPY --from=build /out/codegraph /usr/local/bin/codegraph
COPY --from=build /out/THIRD_PARTY_NOTICES /src/LICENSE /usr/share/doc/codegraph/
COPY --from=build --chown=65534:65534 /out/data /data
COPY --from=build --chown=65534:65534 /out/config /config
ENV XDG_CONFIG_HOME=/config \
    CODEGRAPH_SERVER_ADDR=0.0.0.0:8080 \
    CODEGRAPH_DAEMON_DIR=/tmp/codegraph
USER 65534:65534
WORKDIR /src
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["/usr/local/bin/codegraph"]
CMD ["serve", "--db", "/data/index"]
