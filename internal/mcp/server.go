package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/search"

	"github.com/codegraph-dev/codegraph/internal/index"
)

// RepoSpec names one repository to serve.
type RepoSpec struct {
	// Name is what the repo argument of the tools calls it; it may be ""
	// when there is only one repository.
	Name string
	// Root is the repository root (source paths are relative to it).
	Root string
	// DB is the store directory; "" means Root/.codegraph.
	DB string
}

// Options configure a Server.
type Options struct {
	// Repos are the repositories served (at least one). The first is the
	// default when a call names none.
	Repos []RepoSpec
	// AutoIndex builds a missing index and updates a stale one in the
	// background, while tools answer from what exists.
	AutoIndex bool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Version is reported to clients in serverInfo.
	Version string
	// Search configures the search indexes (the embedding provider) for
	// search_code and for the index runs the server starts.
	Search search.Config
}

// Server is an MCP server over the code graphs of one or more
// repositories. Its tools are safe for concurrent calls from several
// sessions.
type Server struct {
	opts   Options
	repos  []*repo
	byName map[string]*repo
	srv    *mcp.Server
	tools  []*toolDef

	bg     sync.WaitGroup // background checks and index runs
	bgCtx  context.Context
	cancel context.CancelFunc
	once   sync.Once
}

// New returns a server over opts.Repos. It opens nothing yet: the first
// freshness checks (and, with AutoIndex, index runs) start in the
// background, so a client's initialize is answered at once whatever the
// size of the repositories. Close stops them.
func New(opts Options) (*Server, error) {
	if len(opts.Repos) == 0 {
		return nil, errors.New("mcp: no repository to serve")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	s := &Server{opts: opts, byName: map[string]*repo{}}
	s.bgCtx, s.cancel = context.WithCancel(context.Background())
	for _, spec := range opts.Repos {
		root, err := resolveRoot(spec.Root)
		if err != nil {
			s.cancel()
			return nil, fmt.Errorf("mcp: repository %q: %w", spec.Root, err)
		}
		name := spec.Name
		if name == "" {
			if len(opts.Repos) > 1 {
				s.cancel()
				return nil, fmt.Errorf("mcp: repository %s needs a name when several are served", spec.Root)
			}
			name = filepath.Base(root)
		}
		if strings.ContainsAny(name, "/ \t") {
			s.cancel()
			return nil, fmt.Errorf("mcp: repository name %q must not contain '/' or spaces", name)
		}
		if _, dup := s.byName[name]; dup {
			s.cancel()
			return nil, fmt.Errorf("mcp: repository name %q given twice", name)
		}
		db := spec.DB
		if db == "" {
			db = index.DBDirFor(root)
		}
		if db, err = filepath.Abs(db); err != nil {
			s.cancel()
			return nil, err
		}
		r := &repo{name: name, root: root, db: db, autoIndex: opts.AutoIndex, log: opts.Logger, searchCfg: opts.Search, bg: &s.bg, bgCtx: s.bgCtx,
			lockedRetry: lockedRetry, lockedIdleRetries: lockedIdleRetries}
		s.repos = append(s.repos, r)
		s.byName[name] = r
	}
	s.srv = mcp.NewServer(&mcp.Implementation{Name: "codegraph", Title: "codegraph code graph", Version: opts.Version},
		&mcp.ServerOptions{Instructions: s.instructions(), Logger: opts.Logger})
	s.tools = s.toolTable()
	for _, t := range s.tools {
		s.register(t)
	}
	s.addResources()
	for _, r := range s.repos {
		r.start()
	}
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
// session per client; the server is shared).
func (s *Server) Handler() http.Handler {
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.srv }, nil)
}

// Close stops the background checks and index runs, waits for them, and
// closes the snapshots. Call it after the sessions ended.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.cancel()
		s.bg.Wait()
		for _, r := range s.repos {
			r.close()
		}
	})
	return nil
}

// waitIdle waits until no freshness check or index run is active (tests
// and benchmarks use it to start from a settled state).
func (s *Server) waitIdle(ctx context.Context) error {
	for _, r := range s.repos {
		for {
			r.mu.Lock()
			busy := r.checking || (r.run != nil && !r.run.finished())
			x := r.run
			r.mu.Unlock()
			if !busy {
				break
			}
			if x != nil && !x.finished() {
				select {
				case <-x.done:
				case <-ctx.Done():
					return ctx.Err()
				}
				continue
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	return nil
}

// repoNames lists the served repositories' names, sorted.
func (s *Server) repoNames() []string {
	out := make([]string, 0, len(s.repos))
	for _, r := range s.repos {
		out = append(out, r.name)
	}
	sort.Strings(out)
	return out
}

// repoFor returns the repository a call names ("" for the default).
func (s *Server) repoFor(name string) (*repo, error) {
	if name == "" {
		return s.repos[0], nil
	}
	if r, ok := s.byName[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("unknown repo %q: pass one of %s", name, strings.Join(s.repoNames(), ", "))
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
	if len(s.repos) > 1 {
		fmt.Fprintf(&b, "\n- Several repositories are served: pass repo (one of %s; default %s).", strings.Join(s.repoNames(), ", "), s.repos[0].name)
	}
	return b.String()
}
