package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// RepoSpec names one repository to serve.
type RepoSpec = service.RepoSpec

// Options configure a Server.
type Options struct {
	// Repos are the repositories served (at least one). The first is the
	// default when a call names none. Ignored when Service is set.
	Repos []RepoSpec
	// AutoIndex builds a missing index and updates a stale one in the
	// background, while tools answer from what exists. Ignored when
	// Service is set.
	AutoIndex bool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Version is reported to clients in serverInfo.
	Version string
	// Search configures the search indexes (the embedding provider) for
	// search_code and for the index runs the server starts. Ignored when
	// Service is set.
	Search search.Config
	// Service, when set, is the application layer to serve (shared with
	// other front ends, such as the HTTP API); the Server does not close
	// it. When nil the Server makes its own from Repos, AutoIndex and
	// Search.
	Service *service.Service
	// SessionIdle closes an HTTP session that has had no request for
	// this long (0: DefaultSessionIdle; negative: never). Clients that
	// keep a session open without calling ping it.
	SessionIdle time.Duration
	// MaxSessions bounds the live HTTP sessions of one caller (an API
	// key, or a client address without keys; 0: DefaultMaxSessions;
	// negative: no bound).
	MaxSessions int
	// HideRepoNames keeps repository names out of what every caller sees
	// (tool schemas, instructions): set it when callers may not see every
	// repository (role bindings); index_status lists the ones a caller
	// may see.
	HideRepoNames bool
}

// Defaults of Options.
const (
	DefaultSessionIdle = 15 * time.Minute
	DefaultMaxSessions = 64
)

// Server is an MCP server over the code graphs of one or more
// repositories. Its tools are safe for concurrent calls from several
// sessions.
type Server struct {
	opts   Options
	svc    *service.Service
	ownSvc bool
	repos  []*service.Repo
	srv    *mcp.Server
	tools  []*toolDef
	once   sync.Once

	// HTTP sessions: who opened each (sessions are bound to their
	// caller), and the initializations in flight per caller.
	smu     sync.Mutex
	owner   map[string]string
	pending map[string]int

	// subs are the resource subscriptions (notify.go).
	subs resourceSubs
}

// New returns a server over opts.Repos (or opts.Service). It opens nothing
// yet: the first freshness checks (and, with AutoIndex, index runs) start
// in the background, so a client's initialize is answered at once whatever
// the size of the repositories. Close stops them.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	s := &Server{opts: opts, svc: opts.Service}
	if s.svc == nil {
		svc, err := service.New(service.Options{Repos: opts.Repos, AutoIndex: opts.AutoIndex, Search: opts.Search, Logger: opts.Logger})
		if err != nil {
			return nil, fmt.Errorf("mcp: %w", err)
		}
		s.svc, s.ownSvc = svc, true
	}
	s.repos = s.svc.Repos()
	s.srv = mcp.NewServer(&mcp.Implementation{Name: "codegraph", Title: "codegraph code graph", Version: opts.Version},
		&mcp.ServerOptions{Instructions: s.instructions(), Logger: opts.Logger,
			SubscribeHandler: s.subscribe, UnsubscribeHandler: s.unsubscribe})
	s.tools = s.toolTable()
	for _, t := range s.tools {
		s.register(t)
	}
	s.addResources()
	s.followChanges()
	return s, nil
}

// MCP returns the underlying SDK server (to connect transports to it).
func (s *Server) MCP() *mcp.Server { return s.srv }

// Run serves one session over t (for example &mcp.StdioTransport{}) until
// the client disconnects or ctx is cancelled.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	return s.srv.Run(ctx, t)
}

// Handler serves the same tools over the streamable HTTP transport (one
// session per client; the server is shared). Sessions idle for
// Options.SessionIdle are closed; a caller (service.CallerFrom: the API
// key, or the client address without keys) may hold Options.MaxSessions
// at once, and only its own: another caller's session id is answered as
// unknown. Tools check the caller's access (service.AccessFrom) of the
// request that opened the session.
func (s *Server) Handler() http.Handler {
	idle := s.opts.SessionIdle
	if idle == 0 {
		idle = DefaultSessionIdle
	}
	limit := s.opts.MaxSessions
	if limit == 0 {
		limit = DefaultMaxSessions
	}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.srv },
		&mcp.StreamableHTTPOptions{SessionTimeout: max(idle, 0), Logger: s.opts.Logger})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := service.CallerFrom(r.Context())
		if id := r.Header.Get("Mcp-Session-Id"); id != "" {
			s.smu.Lock()
			owner, known := s.owner[id]
			s.smu.Unlock()
			if known && owner != caller {
				http.Error(w, "session not found", http.StatusNotFound)
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			h.ServeHTTP(w, r)
			return
		}
		// A new session.
		s.smu.Lock()
		if s.owner == nil {
			s.owner, s.pending = map[string]string{}, map[string]int{}
		}
		if limit > 0 && s.liveSessionsLocked(caller)+s.pending[caller] >= limit {
			s.smu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"too many open sessions for this client (%d): close some (HTTP DELETE with Mcp-Session-Id) or reuse one; idle sessions close after %s"}}`+"\n", limit, idle)
			return
		}
		s.pending[caller]++
		s.smu.Unlock()
		defer func() {
			s.smu.Lock()
			s.pending[caller]--
			if s.pending[caller] == 0 {
				delete(s.pending, caller)
			}
			if id := w.Header().Get("Mcp-Session-Id"); id != "" {
				s.owner[id] = caller
			}
			s.smu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// liveSessionsLocked counts caller's open sessions, forgetting the owners
// of sessions that ended.
func (s *Server) liveSessionsLocked(caller string) int {
	live := map[string]bool{}
	for ss := range s.srv.Sessions() {
		live[ss.ID()] = true
	}
	n := 0
	for id, owner := range s.owner {
		switch {
		case !live[id]:
			delete(s.owner, id)
		case owner == caller:
			n++
		}
	}
	return n
}

// Close closes the server's own service (stopping its background checks
// and index jobs and closing its snapshots); a shared Service is left to
// its owner. Call it after the sessions ended.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.stopResources()
		if s.ownSvc {
			s.svc.Close()
		}
	})
	return nil
}

// waitIdle waits until no freshness check or index run is active (tests
// and benchmarks use it to start from a settled state).
func (s *Server) waitIdle(ctx context.Context) error { return s.svc.WaitIdle(ctx) }

// repoNames lists the served repositories' names, sorted.
func (s *Server) repoNames() []string { return s.svc.RepoNames() }

// repoFor returns the repository a call names ("" for the default), on
// which the caller in ctx needs need: one it may not see is unknown (role
// bindings).
func (s *Server) repoFor(ctx context.Context, name string, need service.Access) (*service.Repo, error) {
	r, err := s.svc.RepoFor(ctx, name, need)
	if errors.Is(err, service.ErrUnknownRepo) {
		names := s.svc.RepoNamesFor(ctx)
		if len(names) == 0 {
			return nil, service.Errorf(service.CodeNotFound, "unknown repo %q: no repository is visible to this caller", name)
		}
		return nil, service.Errorf(service.CodeNotFound, "unknown repo %q: pass one of %s", name, strings.Join(names, ", "))
	}
	return r, err
}

// instructions tell the agent how to use the tools well.
func (s *Server) instructions() string {
	var b strings.Builder
	b.WriteString(`codegraph answers questions about this codebase from a pre-built code graph (definitions, calls, imports, references, inheritance), faster and more completely than grep.

- Name symbols by qualified name (Server.Handle, store.Store.Get, pkg/store.Store.Get), FILE:LINE (the definition spanning that line), FILE:NAME, or the 16-hex id from an earlier answer. A bare name that matches several symbols returns the candidates with their ids: pass one id.
- To find code whose name you do not know, use search_code ("where is the retry logic", "parse config file"); mode exact or regex finds lines of text, with the enclosing symbol.
- Start with repo_overview on an unfamiliar repository, file_outline for a file, get_symbol for one definition (include_body for its source).
- Before changing a function, run impact_analysis (what breaks, tests to run; it says when the answer is only a lower bound) or get_callers; get_callees and get_dependencies show what it relies on; find_path explains how two symbols connect.
- Answers cite file:line and signatures first; read_code reads a line range when you need more source. Each answer fits a token budget (max_tokens, 500-50000, default 4000): when truncated is true, repeat the call with cursor set to next_cursor for more.
- index_state in every answer says how fresh the graph is (ready, building N%, stale since ...). After editing files, call index to update the graph (incremental, seconds).`)
	switch {
	case s.opts.HideRepoNames:
		b.WriteString("\n- Several repositories may be served: index_status lists the ones you can see; pass repo to choose one.")
	case len(s.repos) > 1:
		fmt.Fprintf(&b, "\n- Several repositories are served: pass repo (one of %s; default %s).", strings.Join(s.repoNames(), ", "), s.repos[0].Name())
	}
	return b.String()
}

// ToolAccess returns the access each tool needs, by name (front-door
// tests walk it).
func (s *Server) ToolAccess() map[string]service.Access {
	out := make(map[string]service.Access, len(s.tools))
	for _, t := range s.tools {
		out[t.name] = t.access
	}
	return out
}
