package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/dashboard"
	"github.com/codegraph-dev/codegraph/internal/graphql"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// shutdownGrace is how long serve waits for in-flight requests after
// SIGINT/SIGTERM before closing their connections.
// defaultShutdownGrace is how long SIGINT or SIGTERM lets in-flight
// requests and background jobs finish before serve exits anyway.
const defaultShutdownGrace = 20 * time.Second

func newServeCmd(e *env) *cobra.Command {
	var (
		addr, db, configPath string
		repos, corsOrigins   []string
		allowedHosts         []string
		insecure, noIndex    bool
		watchIt              bool
		verbose, quiet       bool
		rateLimit            float64
		rateBurst            int
		maxBody              int64
		searchCache          int
		grace                time.Duration
		ef                   embeddingFlags
		tlsCert, tlsKey      string
		tlsClientCA          string
		tlsClientAccess      string
		jwtJWKS, jwtIssuer   string
		jwtAudience          string
		auditPath            string
		auditMaxSize         int64
		auditKeep            int
	)
	var noPrecise bool // see noPreciseFlag
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the code graph over HTTP (REST, streams, metrics, MCP)",
		Long: `Serve answers over HTTP everything the CLI can do, for SDKs, dashboards,
other services and AI agents:

  dashboard      / (search, symbols with their source and call graph,
                 impact, the package map, index jobs; in the browser)
  REST (JSON)    /nodes, /nodes/{id}, /nodes/{id}/edges, /nodes/{id}/similar,
                 /nodes/{id}/source, /search, /vector/search, /parse,
                 /graph/callers|callees|dependencies|dependents|path|impact|
                 map, /export, /index, /jobs
  streams        /stream/nodes, /stream/edges (NDJSON), /jobs/{id}/events (SSE)
  MCP            /mcp (streamable HTTP: the tools of 'codegraph mcp')
  GraphQL        /graphql (queries, mutations, subscriptions over WebSocket
                 with graphql-transport-ws), /graphiql (an in-browser IDE)
  operations     /health/live, /health/ready, /metrics (Prometheus),
                 /openapi.json (the API described in OpenAPI 3)

Repositories are found as 'codegraph mcp' finds them: the .codegraph/ in the
working directory or a parent (or --db DIR), else --repo NAME=PATH repeated;
requests choose one with ?repo=NAME. A missing or stale index is built in
the background (unless --no-index) while requests answer from what exists;
with --watch the files are watched and each save is indexed within a second.

Access: API keys come from --config FILE ({"api_keys":[{"name":"ci",
"key":"...","scope":"rw"}]}) or CODEGRAPH_API_KEYS ("key1:rw,key2:ro").
Clients send "Authorization: Bearer KEY" or "X-API-Key: KEY". Read-only
keys may read; writes (node mutations, index jobs) need rw. Without keys the
API is open, so serve refuses a non-loopback --addr without keys unless
--insecure. Each key (or client address when open) is rate limited with a
token bucket (--rate-limit, --rate-burst); excess requests get 429 and
Retry-After.

HTTPS: --tls-cert and --tls-key (reloaded when the files change); with
--tls-client-ca, clients need a certificate from that CA (mutual TLS).
--jwt-jwks FILE|URL accepts Bearer JWTs (RS256, ES256, EdDSA) with access
from their scope or roles claim (read, write, admin). --audit-log FILE
(- for stdout) records writes, admin actions and refused requests.

SIGINT or SIGTERM stop accepting connections, cancel index jobs and finish
in-flight requests, then exit; whatever is still running after
--shutdown-grace (20 s) is abandoned (an interrupted index run is finished
by the next one). A second signal exits at once.`,
		Example: `  codegraph serve
  codegraph serve --addr 127.0.0.1:9000 --repo api=~/src/api --repo web=~/src/web
  CODEGRAPH_API_KEYS=$(openssl rand -hex 16):rw codegraph serve --addr :8080
  curl -s 'localhost:8080/search?q=parse+config&limit=5'
  curl -s 'localhost:8080/graph/callers?symbol=Server.Handle&depth=2'
  curl -sN localhost:8080/stream/nodes?kind=function > functions.ndjson
  claude mcp add --transport http codegraph http://127.0.0.1:8080/mcp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			} else if !quiet {
				level = slog.LevelInfo
			}
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			cfg, keys, bindings, err := serveCredentials(configPath, e.cfg)
			if err != nil {
				return &exitError{2, err}
			}
			var tlsOpts *server.TLSOptions
			if tlsCert != "" || tlsKey != "" || tlsClientCA != "" {
				if tlsCert == "" || tlsKey == "" {
					return &exitError{2, errors.New("--tls-cert and --tls-key go together (--tls-client-ca needs both)")}
				}
				acc, err := server.ParseScope(tlsClientAccess)
				if err != nil {
					return &exitError{2, fmt.Errorf("--tls-client-access: %w", err)}
				}
				tlsOpts = &server.TLSOptions{CertFile: tlsCert, KeyFile: tlsKey, ClientCAFile: tlsClientCA, ClientAccess: acc}
			}
			var jwtOpts *server.JWTOptions
			if jwtJWKS != "" {
				jwtOpts = &server.JWTOptions{JWKS: jwtJWKS, Issuer: jwtIssuer, Audience: jwtAudience}
			} else if jwtIssuer != "" || jwtAudience != "" {
				return &exitError{2, errors.New("--jwt-issuer and --jwt-audience need --jwt-jwks")}
			}
			var auditOpts *server.AuditOptions
			if auditPath != "" {
				auditOpts = &server.AuditOptions{Path: auditPath, MaxSize: auditMaxSize, Keep: auditKeep, Stdout: e.stdout}
			}
			authenticated := len(keys) > 0 || tlsClientCA != "" || jwtOpts != nil
			if !authenticated && !server.IsLoopback(addr) && !insecure {
				return &exitError{2, fmt.Errorf("refusing to serve %s without API keys: anyone who can reach it could read and change the graph. Configure keys (--config or CODEGRAPH_API_KEYS), bind a loopback address (--addr 127.0.0.1:8080), or pass --insecure", addr)}
			}
			origins := append(cfg.CORSOrigins, corsOrigins...)
			if cmd.Flags().Changed("rate-limit") {
				cfg.RateLimit = rateLimit
			}
			if cmd.Flags().Changed("rate-burst") {
				cfg.RateBurst = rateBurst
			}
			specs, auto, err := mcpRepos(db, repos, log)
			if err != nil {
				return &exitError{2, err}
			}
			emb, err := ef.config()
			if err != nil {
				return err
			}
			if grace <= 0 {
				return &exitError{2, fmt.Errorf("--shutdown-grace must be positive, got %s", grace)}
			}
			svc, err := service.New(service.Options{Repos: specs, AutoIndex: auto && !noIndex, Watch: watchIt, WatchCommand: "codegraph serve --watch", Precise: !noPrecise, Search: search.Config{Embedding: emb}, Logger: log})
			if err != nil {
				return err
			}
			// Closed here on the error paths; after serving, within the
			// grace period (closeWithin).
			closers := []func(){func() { svc.Close() }}
			closeAll := func() {
				for i := len(closers) - 1; i >= 0; i-- {
					closers[i]()
				}
			}
			served := false
			defer func() {
				if !served {
					closeAll()
				}
			}()
			mcpSrv, err := cgmcp.New(cgmcp.Options{Service: svc, Logger: log, Version: Version, HideRepoNames: len(bindings) > 0})
			if err != nil {
				return err
			}
			closers = append(closers, func() { mcpSrv.Close() })
			// Other front doors over the same service, under the same keys,
			// limits and metrics. Streaming ones (SSE, WebSocket) are listed
			// in streams: their write deadline is lifted and they end when
			// the server shuts down.
			toolAccess := mcpSrv.ToolAccess()
			// GraphQL WebSockets from browsers authenticate on
			// connection_init, through the server built below.
			var srv *server.Server
			initAuth := func(ctx context.Context, cred string) (context.Context, error) { return srv.Authenticate(ctx, cred) }
			mount, streams, public := frontDoors(svc, mcpSrv, origins, maxBody, log, initAuth)
			srv, err = server.New(server.Options{InitAuthMounts: []string{"/graphql"}, Service: svc, Keys: keys, CORSOrigins: origins, AllowedHosts: append(cfg.AllowedHosts, allowedHosts...), RateLimit: cfg.RateLimit,
				RateBurst: cfg.RateBurst, MaxBodyBytes: maxBody, SearchCache: searchCache, Mount: mount, StreamMounts: streams, PublicMounts: public, Logger: log, AccessLog: verbose, TLS: tlsOpts, JWT: jwtOpts, Audit: auditOpts,
				ToolAccess: func(tool string) server.Scope { return toolAccess[tool] }, RoleBindings: bindings})
			if err != nil {
				return &exitError{2, err}
			}
			closers = append(closers, func() { srv.Close() })
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			hs := srv.HTTPServer(addr)
			hs.RegisterOnShutdown(srv.StopStreams)
			var names []string
			for _, r := range svc.Repos() {
				names = append(names, r.Name()+"="+r.Root())
			}
			var methods []string
			if len(keys) > 0 {
				methods = append(methods, fmt.Sprintf("%d API keys", len(keys)))
			}
			if tlsClientCA != "" {
				methods = append(methods, "client certificates")
			}
			if jwtOpts != nil {
				methods = append(methods, "JWTs")
			}
			auth := strings.Join(methods, ", ")
			if !authenticated {
				auth = "open (loopback, no keys)"
				if !server.IsLoopback(addr) {
					auth = "OPEN TO THE NETWORK (--insecure)"
				}
			}
			scheme := "http"
			if tlsOpts != nil {
				scheme = "https"
			}
			fmt.Fprintf(e.stderr, "codegraph serve: %s://%s (repos %s; access %s; MCP at /mcp; API at /openapi.json)\n",
				scheme, ln.Addr(), strings.Join(names, ", "), auth)
			served = true
			// SIGHUP reloads the API keys and role bindings (key rotation
			// without a restart).
			stopReload := reloadOnHangup(func() error {
				c, err := loadConfig(e.cfgRoot, os.Getenv)
				if configPath != "" {
					c = nil
				} else if err != nil {
					return err
				}
				_, keys, bindings, err := serveCredentials(configPath, c)
				if err != nil {
					return err
				}
				return srv.Reload(keys, bindings)
			}, log)
			defer stopReload()
			left := grace
			var stopped time.Time
			err = serveUntilSignal(cmd.Context(), hs, ln, log, grace, func() {
				stopped = time.Now()
				svc.Jobs().Stop()
			})
			if !stopped.IsZero() {
				left = grace - time.Since(stopped) // one grace period from the signal
			}
			if cerr := closeWithin(left, closeAll); err == nil {
				err = cerr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address (host:port; a non-loopback host needs API keys or --insecure)")
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.StringArrayVar(&repos, "repo", nil, "serve the repository at PATH under NAME (NAME=PATH, repeatable)")
	f.StringVar(&configPath, "config", "", "JSON config file: api_keys, cors_origins, rate_limit, rate_burst")
	f.StringArrayVar(&corsOrigins, "cors-origin", nil, "allow browser calls from this origin (repeatable; * for any)")
	f.StringArrayVar(&allowedHosts, "allowed-host", nil, "serve requests whose Host header names this host (repeatable; * for any; default: loopback names without keys, any host with keys)")
	f.StringVar(&tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain); reloaded when the file changes")
	f.StringVar(&tlsKey, "tls-key", "", "the PEM private key of --tls-cert")
	f.StringVar(&tlsClientCA, "tls-client-ca", "", "mutual TLS: require client certificates signed by a CA in this PEM file")
	f.StringVar(&tlsClientAccess, "tls-client-access", "read", "access a client certificate alone gives: read, write or admin")
	f.StringVar(&jwtJWKS, "jwt-jwks", "", "accept Bearer JWTs (RS256, ES256, EdDSA) signed by a key of this JWKS file or URL")
	f.StringVar(&jwtIssuer, "jwt-issuer", "", "the iss claim JWTs must have")
	f.StringVar(&jwtAudience, "jwt-audience", "", "a value the aud claim of JWTs must hold")
	f.StringVar(&auditPath, "audit-log", "", "append a JSON line for every write, refused request and admin action to this file (- for stdout)")
	f.Int64Var(&auditMaxSize, "audit-log-max-size", 100<<20, "rotate the audit log past this many bytes")
	f.IntVar(&auditKeep, "audit-log-keep", 5, "rotated audit log files kept")
	f.BoolVar(&insecure, "insecure", false, "allow a non-loopback address without API keys")
	f.BoolVar(&noIndex, "no-index", false, "never build or update indexes in the background (POST /index still does)")
	f.BoolVar(&watchIt, "watch", false, "keep the indexes up to date as files change (this process then holds them)")
	f.Float64Var(&rateLimit, "rate-limit", server.DefaultRateLimit, "requests per second per key or client address (negative: no limit)")
	f.IntVar(&rateBurst, "rate-burst", server.DefaultRateBurst, "requests a client may make at once before the rate applies")
	f.Int64Var(&maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes")
	f.DurationVar(&grace, "shutdown-grace", defaultShutdownGrace, "on SIGINT or SIGTERM, how long in-flight requests and jobs may take before serve exits anyway")
	f.IntVar(&searchCache, "search-cache", 1024, "search answers kept for repeated queries until the index changes (negative: none)")
	f.BoolVarP(&verbose, "verbose", "v", false, "log every request and diagnostics to stderr")
	f.BoolVarP(&quiet, "quiet", "q", false, "log only warnings and errors")
	noPreciseFlag(cmd, &noPrecise)
	ef.register(cmd)
	return cmd
}

// frontDoors are the handlers mounted beside the REST API: the web
// dashboard at / (its files under /dashboard/assets/), MCP over
// streamable HTTP at /mcp, GraphQL at /graphql (queries, mutations, and
// subscriptions over WebSocket) with its GraphiQL page at /graphiql (its
// files under /graphiql/assets/, served from the binary). The second result
// lists the ones that stream, the third the ones that need no API key (the
// GraphiQL page and its files hold no data; its user enters the key in the
// page's headers editor; the dashboard asks for it when the API answers 401).
func frontDoors(svc *service.Service, mcpSrv *cgmcp.Server, corsOrigins []string, maxBody int64, log *slog.Logger, initAuth func(context.Context, string) (context.Context, error)) (mount map[string]http.Handler, streams, public []string) {
	// Browser pages allowed to call the API by CORS may also open
	// GraphQL WebSockets (which CORS does not cover): their hosts.
	var hosts []string
	for _, o := range corsOrigins {
		if o == "*" {
			hosts = []string{"*"}
			break
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	gql := graphql.NewHandler(svc, graphql.Options{AllowedOrigins: hosts, MaxBodyBytes: maxBody, Logger: log, InitAuth: initAuth})
	return map[string]http.Handler{
		"/mcp":      mcpSrv.Handler(),
		"/graphql":  gql,
		"/graphiql": graphql.Playground("/graphql"),

		graphql.PlaygroundAssetsPath: graphql.PlaygroundAssets(),

		"GET /{$}":           dashboard.Handler(),
		dashboard.AssetsPath: dashboard.Handler(),
	}, []string{"/mcp", "/graphql"}, []string{"/graphiql", graphql.PlaygroundAssetsPath, "GET /{$}", dashboard.AssetsPath}
}

// serveUntilSignal serves on ln until ctx is done (SIGINT or SIGTERM, or
// the caller's context), then calls onStop (which cancels background
// work), stops accepting connections and waits up to grace for in-flight
// requests; past it, it closes them. After the first signal a second one
// ends the process at once (the default action is restored).
func serveUntilSignal(ctx context.Context, hs *http.Server, ln net.Listener, log *slog.Logger, grace time.Duration, onStop func()) error {
	sigCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			// ServeTLS adds HTTP/2 to the configuration and answers plain
			// HTTP on the port with 400.
			errc <- hs.ServeTLS(ln, "", "")
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-sigCtx.Done():
	}
	stop()
	log.Info("shutting down: cancelling jobs, finishing in-flight requests", "grace", grace)
	if onStop != nil {
		onStop()
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: requests still running after %s: %w", grace, err)
	}
	return nil
}

// errCloseTimeout is returned by closeWithin when the work it waits for
// is still running at the deadline.
var errCloseTimeout = errors.New("shutdown: background work still running at the end of the grace period; exiting anyway")

// closeWithin runs closeAll and waits for it at most d (at least a
// second): a job that does not stop must not keep a server that was told
// to stop alive. The abandoned goroutine ends with the process.
func closeWithin(d time.Duration, closeAll func()) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		closeAll()
	}()
	t := time.NewTimer(max(d, time.Second))
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return errCloseTimeout
	}
}

// serveCredentials reads serve's configuration file (--config, JSON), or
// codegraph.yaml's server settings (cfg) when there is none, and returns
// it with the API keys (CODEGRAPH_API_KEYS adds to a --config file's; in
// cfg it already overrides the file's) and the role bindings.
func serveCredentials(configPath string, cfg *effectiveConfig) (server.Config, []server.Key, []server.RoleBinding, error) {
	var c server.Config
	if configPath != "" {
		var err error
		if c, err = server.LoadConfig(configPath); err != nil {
			return c, nil, nil, err
		}
	}
	keys, bindings := c.APIKeys, c.RoleBindings
	if configPath == "" && cfg != nil {
		if v, ok := cfg.get("server.api_keys"); ok {
			keys = v.Value.([]server.Key)
		}
		if v, ok := cfg.get("server.role_bindings"); ok {
			bindings = v.Value.([]server.RoleBinding)
		}
	} else if env := os.Getenv("CODEGRAPH_API_KEYS"); env != "" {
		k, err := server.ParseKeys(env)
		if err != nil {
			return c, nil, nil, fmt.Errorf("CODEGRAPH_API_KEYS: %w", err)
		}
		keys = append(keys, k...)
	}
	return c, keys, bindings, nil
}

// reloadOnHangup calls reload on every SIGHUP until the returned stop is
// called, logging what happened (a failed reload keeps the credentials in
// force).
func reloadOnHangup(reload func() error, log *slog.Logger) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-ch:
				if err := reload(); err != nil {
					log.Error("SIGHUP: credentials not reloaded; the previous ones stay in force", "err", err)
				} else {
					log.Info("SIGHUP: credentials reloaded")
				}
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		<-finished
	}
}
