package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Defaults of Options.
const (
	DefaultMaxBodyBytes = 8 << 20
	DefaultRateLimit    = 200 // requests per second per client
	DefaultRateBurst    = 400
)

// Options configure a Server.
type Options struct {
	// Service answers every route (required).
	Service *service.Service
	// Keys are the API keys; none means the API is open (serve refuses a
	// non-loopback address without keys unless told it is insecure).
	Keys []Key
	// CORSOrigins are the origins browsers may call from ("*": any).
	CORSOrigins []string
	// RateLimit is the sustained requests per second per client and
	// RateBurst the bucket size (0: the defaults; RateLimit < 0: off).
	RateLimit float64
	RateBurst int
	// MaxBodyBytes bounds request bodies (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Mount adds other HTTP front doors under the same access control,
	// limits and metrics: pattern → handler, for example "/mcp" →
	// the MCP streamable HTTP handler, "/graphql" → GraphQL. A pattern is
	// a net/http ServeMux pattern; it may not shadow a REST route.
	Mount map[string]http.Handler
	// StreamMounts names the mounted patterns whose answers may stream
	// for longer than the server's write timeout (MCP's SSE, GraphQL
	// subscriptions over WebSocket): their write deadline is lifted.
	StreamMounts []string
	// PublicMounts names the mounted patterns that answer without an API
	// key: pages and files that hold no data (GraphiQL's page, whose user
	// enters the key in its headers editor). They are still rate limited;
	// a key that is sent must be valid.
	PublicMounts []string
	// InitAuthMounts names the mounted patterns whose WebSocket upgrades
	// may come without a credential (browsers cannot set headers on a
	// WebSocket): the handler authenticates the connection on its first
	// message with Authenticate (GraphQL's connection_init). Until then
	// the connection has no access.
	InitAuthMounts []string
	// MaxStreams bounds the long-lived answers (event and NDJSON streams,
	// WebSockets) one caller holds open at once (0: DefaultMaxStreams;
	// negative: no bound).
	MaxStreams int
	// Logger receives access logs (with AccessLog) and errors; nil
	// discards them.
	Logger *slog.Logger
	// AccessLog logs one line per request at Info level.
	AccessLog bool
	// SearchCache is the number of search answers kept for repeated
	// queries (0: 1024; negative: no cache).
	SearchCache int
	// SSEHeartbeat is the interval of keep-alive comments on event
	// streams (0: 15 s).
	SSEHeartbeat time.Duration
	// AllowedHosts are the host names (without port) requests may name in
	// their Host header, against DNS rebinding: "*" allows any. Empty
	// means the loopback names (localhost, *.localhost, 127.0.0.1, ::1)
	// when no keys are configured, and any host with keys (a rebinding
	// page cannot present a key).
	AllowedHosts []string
	// TLS, when set, serves HTTPS (see TLSOptions): HTTPServer carries
	// the configuration and every answer has an HSTS header.
	TLS *TLSOptions
	// JWT, when set, accepts JSON Web Tokens as credentials beside the
	// API keys (see JWTOptions).
	JWT *JWTOptions
	// Audit, when set, writes the audit log (see AuditOptions).
	Audit *AuditOptions
	// RoleBindings give identities roles per repository (see
	// RoleBinding); none: an identity's scope applies to every
	// repository.
	RoleBindings []RoleBinding
	// ToolAccess tells the audit log which MCP tools write (the access a
	// tool needs; nil: MCP calls are logged only when refused).
	ToolAccess func(tool string) Scope
}

// Server is the HTTP API. Its Handler is safe for concurrent use.
type Server struct {
	opts    Options
	svc     *service.Service
	log     *slog.Logger
	cred    credHolder
	limit   *limiter
	addr    *limiter // every request, by client address, before authentication
	failed  *limiter // failed authentications, by client address
	hosts   *hostList
	csrf    *http.CrossOriginProtection
	cors    *cors
	metrics *metrics
	mux     *http.ServeMux
	routes  []route
	cache   *resultCache
	handler http.Handler
	public  map[string]bool // mounted patterns served without a key
	// initAuth are the mounted patterns whose WebSocket upgrades may
	// authenticate after the upgrade (Options.InitAuthMounts).
	initAuth map[string]bool
	streams  *streamCount
	// tlsConfig is the HTTPS configuration (nil: plain HTTP).
	tlsConfig *tls.Config
	jwt       *jwtVerifier
	audit     *auditLog
	// routeScope is the access each REST pattern needs ("POST /nodes").
	routeScope map[string]Scope
	// authOn: requests must identify themselves (API keys, JWTs or
	// client certificates are configured); otherwise the API is open.
	authOn bool

	// streamsCtx is cancelled by StopStreams: long-lived streams (event
	// streams, streaming mounts) end with it so that a graceful shutdown
	// does not wait for them.
	streamsCtx  context.Context
	stopStreams context.CancelFunc

	// unobserve stops the service reporting index runs and tool calls
	// to the metrics (metrics_ops.go).
	unobserve func()
}

// route is one registered REST route.
type route struct {
	Method, Path string
	Scope        Scope // least scope allowed to call it
}

// New returns a server over opts.Service.
func New(opts Options) (*Server, error) {
	if opts.Service == nil {
		return nil, errors.New("server: no service")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.SSEHeartbeat <= 0 {
		opts.SSEHeartbeat = 15 * time.Second
	}
	kr, err := newKeyring(opts.Keys)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	rb, err := newBindings(opts.RoleBindings)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{opts: opts, svc: opts.Service, log: opts.Logger, cors: newCORS(opts.CORSOrigins),
		metrics: newMetrics(), mux: http.NewServeMux()}
	s.cred.Store(&credentials{keys: kr, bindings: rb})
	s.streamsCtx, s.stopStreams = context.WithCancel(context.Background())
	if opts.TLS != nil {
		if s.tlsConfig, err = newTLSConfig(*opts.TLS, opts.Logger); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if opts.Audit != nil {
		if s.audit, err = openAudit(*opts.Audit); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if opts.JWT != nil {
		if s.jwt, err = newJWTVerifier(context.Background(), *opts.JWT, opts.Logger); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	s.authOn = kr.enabled() || s.jwt != nil || (s.tlsConfig != nil && s.tlsConfig.ClientCAs != nil)
	if rb != nil && !s.authOn {
		return nil, errors.New("server: role bindings need credentials (API keys, JWT or client certificates)")
	}
	s.warnUnknownRepos(rb)
	if opts.SearchCache >= 0 {
		n := opts.SearchCache
		if n == 0 {
			n = 1024
		}
		s.cache = newResultCache(n, time.Minute)
	}
	if opts.RateLimit >= 0 {
		rate, burst := opts.RateLimit, opts.RateBurst
		if rate == 0 {
			rate = DefaultRateLimit
			if burst == 0 {
				burst = DefaultRateBurst
			}
		}
		s.limit = newLimiter(rate, burst, nil)
		if s.authOn {
			// Without keys the identity already is the address.
			s.addr = newLimiter(rate, burst, nil)
		}
	}
	// Guessing keys: a client address gets authFailBurst wrong keys at
	// once, then one per second.
	s.failed = newLimiter(authFailRate, authFailBurst, nil)
	s.hosts = newHostList(opts.AllowedHosts, s.authOn)
	s.csrf = http.NewCrossOriginProtection()
	for _, o := range opts.CORSOrigins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "*" {
			if s.authOn {
				// Any origin may call; keys, sent in headers a page cannot
				// forge cross-origin, are the protection.
				s.csrf = nil
				break
			}
			opts.Logger.Warn("--cors-origin '*' without API keys: any web page may read the API through a browser on this machine; writes from other origins are still refused. Configure keys or name the origins")
			continue
		}
		if o != "" {
			if err := s.csrf.AddTrustedOrigin(o); err != nil {
				return nil, fmt.Errorf("server: CORS origin %q: %w", o, err)
			}
		}
	}
	s.unobserve = s.svc.Observe(s.metrics.registerService(s.svc))
	s.register()
	streams := map[string]bool{}
	for _, p := range opts.StreamMounts {
		streams[p] = true
	}
	s.public = map[string]bool{}
	if opts.MaxStreams == 0 {
		opts.MaxStreams = DefaultMaxStreams
	}
	s.streams = &streamCount{max: opts.MaxStreams, n: map[string]int{}}
	s.initAuth = map[string]bool{}
	for _, p := range opts.InitAuthMounts {
		s.initAuth[p] = true
	}
	for _, p := range opts.PublicMounts {
		s.public[p] = true
	}
	for pattern, h := range opts.Mount {
		if err := s.mount(pattern, h, streams[pattern], s.public[pattern]); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.handler = s.middleware(http.HandlerFunc(s.route))
	return s, nil
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns an http.Server for addr serving the API, with
// timeouts on every phase: reading headers (10 s), the request (60 s),
// writing the answer (120 s; streams lift it for themselves) and idle
// keep-alive connections (120 s).
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		TLSConfig:         s.tlsConfig,
	}
}

// route dispatches r, answering the router's own 404 and 405 with JSON
// error bodies (405 keeps its Allow header).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	c := &captureWriter{h: http.Header{}}
	s.mux.ServeHTTP(c, r)
	if c.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", c.h.Get("Allow"))
		writeError(w, r, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethod,
			Message: fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, c.h.Get("Allow"))})
		return
	}
	if c.status == http.StatusMovedPermanently || c.status == http.StatusTemporaryRedirect || c.status == http.StatusPermanentRedirect {
		s.mux.ServeHTTP(w, r) // path cleaning redirects
		return
	}
	writeError(w, r, notFound("no route %s %s: GET /openapi.json lists the API", r.Method, r.URL.Path))
}

// captureWriter records the status and headers the router's fallback
// handlers write, discarding their plain-text bodies.
type captureWriter struct {
	h      http.Header
	status int
}

func (c *captureWriter) Header() http.Header         { return c.h }
func (c *captureWriter) Write(b []byte) (int, error) { return len(b), nil }
func (c *captureWriter) WriteHeader(code int)        { c.status = code }

// StopStreams ends the long-lived streams (job event streams and
// streaming mounts such as MCP's); http.Server.RegisterOnShutdown(s.StopStreams)
// lets a graceful shutdown finish ordinary requests without waiting for
// streams that never end by themselves.
func (s *Server) StopStreams() { s.stopStreams() }

// Routes lists the REST routes ("GET /nodes/{id}"), sorted (the OpenAPI
// test checks the document against it).
func (s *Server) Routes() []string {
	out := make([]string, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}

// handlerFunc is a REST handler: it answers, or returns an error that is
// answered as a JSON error body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers a REST route that needs scope.
func (s *Server) handle(method, path string, scope Scope, h handlerFunc) {
	s.routes = append(s.routes, route{Method: method, Path: path, Scope: scope})
	if s.routeScope == nil {
		s.routeScope = map[string]Scope{}
	}
	s.routeScope[method+" "+path] = scope
	s.mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		if err := s.allow(r, scope); err != nil {
			writeError(w, r, err)
			return
		}
		r = r.WithContext(withAccess(r.Context(), identityFrom(r.Context())))
		release, err := s.holdStream(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer release()
		if scope > 0 && repoScoped(path) {
			// The repository named must be one the caller may see, with
			// the route's access on it (role bindings).
			// Resolved once: the handler takes it from the context.
			repo, err := s.svc.RepoFor(r.Context(), r.URL.Query().Get("repo"), scope)
			if err != nil {
				writeError(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), repoKey, repo))
		}
		if err := h(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// allow checks that the request's identity has scope.
func (s *Server) allow(r *http.Request, scope Scope) error {
	if scope == 0 {
		return nil
	}
	id := identityFrom(r.Context())
	if !id.Authenticated {
		return errCredentialsNeeded
	}
	if id.Scope < scope {
		return &apiError{Status: http.StatusForbidden, Code: codeForbidden, Message: fmt.Sprintf("%s %s needs %s access; %s has %s access", r.Method, r.Pattern[strings.IndexByte(r.Pattern, ' ')+1:], scope, id.Name, id.Scope)}
	}
	return nil
}

// mount adds another front door at pattern: it needs a key (any scope;
// the handler enforces writes through the access level in the context),
// unless it is public.
func (s *Server) mount(pattern string, h http.Handler, stream, public bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("server: mount %q: %v", pattern, p)
		}
	}()
	need := ScopeRead
	if public {
		need = 0
	}
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := identityFrom(r.Context()); !(id.pendingWS && s.initAuth[pattern]) {
			if err := s.allow(r, need); err != nil {
				writeError(w, r, err)
				return
			}
		}
		ctx := withAccess(r.Context(), identityFrom(r.Context()))
		if stream {
			release, err := s.holdStream(r)
			if err != nil {
				writeError(w, r, err)
				return
			}
			defer release()
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
			defer context.AfterFunc(s.streamsCtx, cancel)()
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
	return nil
}

// withAccess tells the service layer what the caller may do and who it
// is (MCP binds its sessions to the caller).
func withAccess(ctx context.Context, id identity) context.Context {
	ctx = service.WithCaller(service.WithAccess(ctx, id.Scope), id.Name)
	if id.grants != nil {
		ctx = service.WithGrants(ctx, *id.grants)
	}
	return ctx
}

// repoScoped reports REST routes that answer from one repository (named
// by the repo parameter): every route but the probes, documents and jobs
// (a job names its repository; jobs.go checks it), those of a begun
// transaction (it names its repository; transactions.go checks it) and the
// change stream (every repository the caller may see unless it names one;
// events.go).
func repoScoped(path string) bool {
	switch {
	case path == "/metrics", path == "/openapi.json", strings.HasPrefix(path, "/health/"), strings.HasPrefix(path, "/jobs"),
		strings.HasPrefix(path, "/transactions/"), isChangeStream(path):
		return false
	}
	return true
}
