package graphql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	coderws "github.com/coder/websocket"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Options configure NewHandler. The zero value gives the defaults.
type Options struct {
	// MaxDepth bounds how deep an operation's selections nest (0:
	// DefaultMaxDepth).
	MaxDepth int
	// MaxComplexity bounds an operation's complexity (0:
	// DefaultMaxComplexity). Each field costs 1; list fields cost their
	// bound (first, limit) times their selection; traversals and searches
	// add a cost for their work.
	MaxComplexity int
	// KeepAlive is the interval of WebSocket keep-alive pings (0: 15 s;
	// negative: none). With graphql-transport-ws the server sends ping and
	// closes a connection that has not answered pong within two
	// intervals; with the older graphql-ws it sends "ka".
	KeepAlive time.Duration
	// AllowedOrigins are the host patterns (path.Match syntax, as
	// github.com/coder/websocket's OriginPatterns) whose pages may open a
	// WebSocket; the request's own host is always allowed. "*" allows any
	// origin.
	AllowedOrigins []string
	// MaxBodyBytes bounds a request body (0: 1 MiB).
	MaxBodyBytes int64
	// MaxTokens bounds the tokens of a document (0: DefaultMaxTokens) and
	// MaxSelections the selections written in it (0:
	// DefaultMaxSelections); both are checked before validation.
	MaxTokens, MaxSelections int
	// Timeout bounds a query or mutation over HTTP (0: DefaultTimeout;
	// subscriptions are not bounded). The work also stops when the client
	// leaves.
	Timeout time.Duration
	// Logger receives resolver panics (Error) and WebSocket errors (Debug);
	// nil discards them.
	Logger *slog.Logger

	// loaderWait and loaderQuiet override defaultLoaderWait and
	// defaultLoaderQuiet (tests).
	loaderWait, loaderQuiet time.Duration
	// wrapReader wraps the store the loader reads (tests count reads).
	wrapReader func(reader) reader
	// subscribed is called when a subscription resolver has subscribed to
	// its events (tests wait for it before making events).
	subscribed func(field string)
	// InitAuth authenticates a WebSocket connection on its connection_init
	// message when the upgrade request carried no credential (browsers
	// cannot set headers on a WebSocket): it gets the payload's
	// Authorization ("Bearer KEY_OR_JWT") or X-API-Key value and returns
	// the context operations on the connection run with. Nil: the upgrade
	// request must carry the credential.
	InitAuth func(ctx context.Context, credential string) (context.Context, error)
}

// backend holds what the resolvers share.
type backend struct {
	svc  *service.Service
	opts Options
	log  *slog.Logger
}

// NewHandler returns the GraphQL endpoint over svc: queries and mutations
// over HTTP POST (JSON) and GET (queries only), subscriptions over
// WebSocket with the graphql-transport-ws protocol (and the older
// graphql-ws one), introspection on.
func NewHandler(svc *service.Service, opts Options) http.Handler {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxComplexity <= 0 {
		opts.MaxComplexity = DefaultMaxComplexity
	}
	if opts.KeepAlive == 0 {
		opts.KeepAlive = 15 * time.Second
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = DefaultMaxTokens
	}
	if opts.MaxSelections <= 0 {
		opts.MaxSelections = DefaultMaxSelections
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	s := &backend{svc: svc, opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &resolver{s: s}, Complexity: complexity()}))

	accept := coderws.AcceptOptions{}
	for _, o := range opts.AllowedOrigins {
		if o == "*" {
			accept.InsecureSkipVerify = true
		}
	}
	if !accept.InsecureSkipVerify {
		accept.OriginPatterns = opts.AllowedOrigins
	}
	ws := transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: accept},
		InitTimeout:    30 * time.Second,
		InitFunc:       initAuth(opts.InitAuth),
		// A message is bounded as a request body is.
		PayloadReadLimit: &opts.MaxBodyBytes,
		ErrorFunc: func(ctx context.Context, err error) {
			s.log.Debug("graphql websocket", "err", err)
		},
	}
	if opts.KeepAlive > 0 {
		ws.KeepAlivePingInterval = opts.KeepAlive
		ws.PingPongInterval = opts.KeepAlive
	}
	srv.AddTransport(ws)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opts.MaxTokens)
	srv.Use(docLimit{tokens: opts.MaxTokens, selections: opts.MaxSelections, cost: opts.MaxComplexity})
	srv.Use(extension.Introspection{})
	srv.Use(depthLimit{max: opts.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(opts.MaxComplexity))
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		s.log.Error("graphql: panic in resolver", "panic", v, "stack", string(debug.Stack()))
		return errPanic(v)
	})
	srv.AroundResponses(aroundMutation) // txrequest.go: a request's node mutations are one transaction
	srv.AroundResponses(func(ctx context.Context, next gql.ResponseHandler) *gql.Response {
		st := &state{s: s, ctx: ctx, views: map[string]*view{}}
		defer st.release()
		return next(context.WithValue(ctx, stateKey{}, st))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > opts.MaxBodyBytes {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprintf(w, `{"errors":[{"message":"request body is larger than %d bytes","extensions":{"code":"REQUEST_TOO_LARGE","status":413}}]}`, opts.MaxBodyBytes)
			return
		}
		if r.Body != nil {
			// A chunked body is cut at the limit (gqlgen reports the read error).
			r.Body = http.MaxBytesReader(w, r.Body, opts.MaxBodyBytes)
		}
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			// The request's context ends when the client leaves; a query
			// also ends at the timeout.
			ctx, cancel := context.WithTimeout(r.Context(), opts.Timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		srv.ServeHTTP(w, r)
	})
}

// state is what one response shares: a snapshot and a loader per
// repository, taken on first use and released when the response is done.
type state struct {
	s *backend
	// ctx is the operation's context: who the caller is and what it may
	// see (role bindings).
	ctx   context.Context
	mu    sync.Mutex
	views map[string]*view
}

type stateKey struct{}

// view is one repository's snapshot and loader within a response.
type view struct {
	repo    *service.Repo
	snap    *service.Snapshot
	release func()
	load    *loader
}

func stateOf(ctx context.Context) (*state, error) {
	st, _ := ctx.Value(stateKey{}).(*state)
	if st == nil {
		return nil, errors.New("internal error: no response state")
	}
	return st, nil
}

// view returns the snapshot of the repository named name ("" for the
// default one), acquiring it on first use.
func (st *state) view(name string) (*view, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if v, ok := st.views[name]; ok {
		return v, nil
	}
	r, err := st.s.svc.RepoFor(st.ctx, name, service.ReadOnly)
	if err != nil {
		return nil, err
	}
	if v, ok := st.views[r.Name()]; ok {
		st.views[name] = v
		return v, nil
	}
	snap, release, err := r.Acquire()
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", r.Name(), err)
	}
	var rd reader = snap.Store
	if st.s.opts.wrapReader != nil {
		rd = st.s.opts.wrapReader(rd)
	}
	v := &view{repo: r, snap: snap, release: release, load: newLoader(rd, st.s.opts.loaderWait, st.s.opts.loaderQuiet)}
	st.views[name] = v
	st.views[r.Name()] = v
	return v, nil
}

func (st *state) release() {
	st.mu.Lock()
	defer st.mu.Unlock()
	seen := map[*view]bool{}
	for _, v := range st.views {
		if !seen[v] {
			seen[v] = true
			v.release()
		}
	}
	st.views = nil
}

// viewOf is stateOf(ctx).view(repo) for resolvers.
func viewOf(ctx context.Context, repo *string) (*view, error) {
	st, err := stateOf(ctx)
	if err != nil {
		return nil, err
	}
	name := ""
	if repo != nil {
		name = *repo
	}
	return st.view(name)
}

// errNoCredential refuses a WebSocket connection that is not
// authenticated by its upgrade request nor by its connection_init.
var errNoCredential = errors.New("credentials are required: send them in the upgrade request's Authorization or X-API-Key header, or as Authorization (Bearer KEY_OR_JWT) or X-API-Key in the connection_init payload")

// initAuth returns the WebSocket InitFunc: a connection whose upgrade
// request was authenticated (or local) goes on as it is; one let through
// without a credential (access none) must present one in its
// connection_init payload.
func initAuth(auth func(context.Context, string) (context.Context, error)) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if service.AccessFrom(ctx) > 0 {
			return ctx, nil, nil
		}
		cred := p.Authorization()
		if scheme, tok, ok := strings.Cut(cred, " "); ok && strings.EqualFold(scheme, "Bearer") {
			cred = strings.TrimSpace(tok)
		}
		if cred == "" {
			cred = p.GetString("X-API-Key")
		}
		if cred == "" || auth == nil {
			return ctx, nil, errNoCredential
		}
		ctx, err := auth(ctx, cred)
		if err != nil {
			return ctx, nil, err
		}
		return ctx, nil, nil
	}
}
