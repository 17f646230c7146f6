package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// identity is who a request comes from: the key it presented (Name) and
// its scope; with no keys configured, the client address and full scope.
type identity struct {
	Name  string
	Scope Scope
	// Authenticated: the identity was proven (a key, JWT or client
	// certificate; everyone in open mode). Probes and public pages are
	// served to unauthenticated identities, which get 401 elsewhere; an
	// authenticated one without the access needed gets 403.
	Authenticated bool
	// Groups are the identity's groups (a JWT's groups claim), which role
	// bindings may name as group:NAME.
	Groups []string
	// grants are what the role bindings give it (nil: no bindings).
	grants *service.Grants
	// pendingWS: a WebSocket upgrade without a credential, to a mount
	// that authenticates on the connection's first message.
	pendingWS bool
}

type ctxKey int

const (
	identityKey ctxKey = iota
	loggerKey
	repoKey // the request's repository, once handle has resolved it
)

func identityFrom(ctx context.Context) identity {
	id, _ := ctx.Value(identityKey).(identity)
	return id
}

func loggerFrom(r *http.Request) *slog.Logger {
	if r == nil {
		return nil
	}
	l, _ := r.Context().Value(loggerKey).(*slog.Logger)
	return l
}

// recorder remembers the status and size of an answer. It unwraps to the
// underlying writer, so http.ResponseController reaches its Flush and
// deadlines.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush lets streaming handlers flush through the recorder.
func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// Hijack lets WebSocket upgrades (GraphQL subscriptions) through.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	if w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps the router with, from the outside in: panic recovery,
// access log and metrics, CORS, authentication, rate limiting and the
// request body limit.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		reqID := newRequestID()
		rec.Header().Set("X-Request-ID", reqID)
		var who identity
		var op, action, opRepo string
		s.metrics.inFlight.Inc()
		ctx := context.WithValue(r.Context(), loggerKey, s.log)
		r = r.WithContext(ctx)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeError(rec, r, &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error (the server logged it)"})
				}
			}
			s.metrics.inFlight.Dec()
			d := time.Since(start)
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			} else if i := strings.IndexByte(route, ' '); i >= 0 {
				route = route[i+1:]
			}
			s.metrics.observe(route, r.Method, status, d)
			if s.audit != nil {
				s.auditRequest(r, who, status, reqID, op, action, opRepo)
			}
			if s.opts.AccessLog {
				s.log.LogAttrs(r.Context(), slog.LevelInfo, "http",
					slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
					slog.Int("status", status), slog.Int64("bytes", rec.bytes), slog.Duration("took", d),
					slog.String("client", identityFrom(r.Context()).Name), slog.String("remote", r.RemoteAddr))
			}
		}()
		if r.TLS != nil {
			rec.Header().Set("Strict-Transport-Security", hstsValue)
		}
		// Every answer: no MIME sniffing, no referrer, not framed, and
		// no active content unless a page sets its own policy (GraphiQL,
		// the dashboard).
		h := rec.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		probe := isProbe(r.URL.Path)
		if !probe || r.URL.Path == "/metrics" {
			if err := s.hosts.check(r.Host); err != nil {
				writeError(rec, r, err)
				return
			}
		}
		if s.cors.handle(rec, r) {
			return
		}
		if s.csrf != nil {
			if err := s.csrf.Check(r); err != nil {
				writeError(rec, r, &apiError{Status: http.StatusForbidden, Code: codeForbidden,
					Message: "cross-origin " + r.Method + " refused: " + err.Error() + " (name the page's origin with --cors-origin to allow it)"})
				return
			}
		}
		client := "ip:" + hostOf(r.RemoteAddr)
		// Before authentication: an address that keeps presenting wrong
		// keys is slowed down, and every address is limited as a whole.
		if (!probe || r.URL.Path == "/metrics") && s.failed.exhausted(client) {
			s.rateLimited(rec, r, s.failed, time.Second, "too many failed authentications from this address")
			return
		}
		if s.addr != nil && !probe {
			if ok, wait := s.addr.allow(client); !ok {
				s.rateLimited(rec, r, s.addr, wait, "rate limit exceeded for this address")
				return
			}
		}
		id, err := s.authenticate(r)
		if err != nil {
			s.metrics.authFailed.Inc()
			if r.Header.Get("X-API-Key") != "" || r.Header.Get("Authorization") != "" {
				s.failed.allow(client) // a guess: charged
			}
			writeError(rec, r, err)
			return
		}
		if s.limit != nil && !probe {
			if ok, wait := s.limit.allow(id.Name); !ok {
				s.rateLimited(rec, r, s.limit, wait, "rate limit exceeded")
				return
			}
		}
		id = s.applyBindings(id)
		who = id
		if s.audit != nil {
			op, action, opRepo = s.auditedOperation(r)
		}
		r = r.WithContext(context.WithValue(r.Context(), identityKey, id))
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(rec, r.Body, s.opts.MaxBodyBytes)
		}
		next.ServeHTTP(rec, r)
	})
}

// Failed authentications allowed per client address: a burst, then one
// per second.
const (
	authFailRate  = 1
	authFailBurst = 10
)

// rateLimited answers 429 with Retry-After.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, l *limiter, wait time.Duration, what string) {
	s.metrics.rateLimited.Inc()
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
	writeError(w, r, &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited,
		Message: fmt.Sprintf("%s (%g requests/s, burst %d): retry after %s", what, l.rate, int(l.burst), wait.Round(time.Millisecond))})
}

// isProbe reports health and metrics paths: they are never rate limited
// (orchestrators poll them) and answer without a key.
func isProbe(p string) bool {
	return p == "/health/live" || p == "/health/ready" || p == "/metrics"
}

// errCredentialsNeeded answers a request without credentials where they
// are needed.
var errCredentialsNeeded = &apiError{Status: http.StatusUnauthorized, Code: codeUnauthorized,
	Message: "credentials are required: send Authorization: Bearer KEY_OR_JWT or X-API-Key: KEY"}

// authenticate finds who r comes from. A credential that is presented
// (Authorization: Bearer KEY or JWT, X-API-Key: KEY) must be valid and
// decides the identity; without one, a verified client certificate does.
// With nothing configured everyone has full access and is told apart by
// address (for rate limiting). Health probes and public mounts answer
// without credentials.
func (s *Server) authenticate(r *http.Request) (identity, error) {
	if !s.authOn {
		return identity{Name: "ip:" + hostOf(r.RemoteAddr), Scope: ScopeAdmin, Authenticated: true}, nil
	}
	key := r.Header.Get("X-API-Key")
	if key == "" {
		if a := r.Header.Get("Authorization"); a != "" {
			scheme, tok, ok := strings.Cut(a, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				return identity{}, &apiError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "Authorization must be \"Bearer KEY_OR_JWT\""}
			}
			key = strings.TrimSpace(tok)
		}
	}
	if key == "" {
		if id, ok := s.certIdentity(r.TLS); ok {
			return id, nil
		}
		if isProbe(r.URL.Path) && r.URL.Path != "/metrics" {
			return identity{Name: "probe"}, nil
		}
		if len(s.public) > 0 || len(s.initAuth) > 0 {
			_, pattern := s.mux.Handler(r)
			if s.public[pattern] {
				return identity{Name: "public:" + hostOf(r.RemoteAddr)}, nil
			}
			if s.initAuth[pattern] && isWebSocketUpgrade(r) {
				return identity{Name: "ws:" + hostOf(r.RemoteAddr), pendingWS: true}, nil
			}
		}
		return identity{}, errCredentialsNeeded
	}
	return s.verifyCredential(r.Context(), key)
}

// verifyCredential finds who a presented credential (a JWT or an API key)
// belongs to.
func (s *Server) verifyCredential(ctx context.Context, key string) (identity, error) {
	if s.jwt != nil && looksLikeJWT(key) {
		id, err := s.jwt.verify(ctx, key, time.Now())
		if err != nil {
			return identity{}, &apiError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: err.Error()}
		}
		return id, nil
	}
	k, ok := s.creds().keys.lookup(key)
	if !ok {
		return identity{}, &apiError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "unknown API key"}
	}
	return identity{Name: "key:" + k.name, Scope: k.scope, Authenticated: true}, nil
}

// isWebSocketUpgrade reports a WebSocket opening handshake.
func isWebSocketUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// Authenticate checks a credential presented after the request (an API
// key or JWT in a WebSocket's first message) as a request's header is
// checked, role bindings included, and returns ctx with the identity's
// access; a wrong credential counts as a failed authentication.
func (s *Server) Authenticate(ctx context.Context, credential string) (context.Context, error) {
	if !s.authOn {
		return withAccess(ctx, identity{Name: "open", Scope: ScopeAdmin, Authenticated: true}), nil
	}
	id, err := s.verifyCredential(ctx, credential)
	if err != nil {
		s.metrics.authFailed.Inc()
		var ae *apiError
		if errors.As(err, &ae) {
			return ctx, errors.New(ae.Message)
		}
		return ctx, err
	}
	id = s.applyBindings(id)
	return withAccess(ctx, id), nil
}
