package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/codegraph-dev/codegraph/internal/daemon"
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// The query commands are clients of the service's operations (queries.go
// in internal/service). Each asks them where the index is already open:
// the daemon, over its socket, when it serves the index (as gopls's
// command line asks a running gopls), so that a command does not open the
// store and load the search indexes itself; else a read-only snapshot of
// its own. Both run the same operation (an op below) on a snapshot, and
// the daemon's answer comes back as the JSON of the same result type, so
// the output is the same either way.

// Environment switches of the query commands.
const (
	// envNoDaemon set to a true value makes query commands open the index
	// themselves even when a daemon serves it (--no-daemon).
	envNoDaemon = "CODEGRAPH_NO_DAEMON"
	// envDebug set to a true value logs diagnostics to stderr (which
	// process answered, why the daemon was not used).
	envDebug = "CODEGRAPH_DEBUG"
)

// queryPath is the daemon's route of the query operations (POST
// /daemon/query/OP?db=STORE, the request's JSON in the body).
const queryPath = "/daemon/query/"

// envTrue reads a boolean environment variable.
func envTrue(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// debugLog is the query commands' diagnostics logger: stderr with
// CODEGRAPH_DEBUG, else nothing.
func (e *env) debugLog() *slog.Logger {
	if envTrue(envDebug) {
		return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// conn is how one query command reaches its index: the daemon serving
// the store (remote), else a snapshot of its own opened on first use.
type conn struct {
	db     string // the store directory, absolute
	log    *slog.Logger
	remote *http.Client // nil: answer locally
	paths  daemon.Paths
	cfg    search.Config // the local snapshot's search configuration
	at     string        // answer from this revision's graph (local only)

	sn, base *service.Snapshot // local: the snapshot asked, and the index's under an --at one
}

// connect finds the store (--db or .codegraph upward) and decides who
// answers: the daemon when one runs and serves it, unless local is set
// (--no-daemon, CODEGRAPH_NO_DAEMON, --at, or a flag only a local run
// honours).
func connect(ctx context.Context, e *env, dbFlag string, local bool) (*conn, error) {
	dir, err := findDB(dbFlag)
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	c := &conn{db: dir, log: e.debugLog()}
	if local || envTrue(envNoDaemon) {
		return c, nil
	}
	p, err := daemonPaths()
	if err != nil {
		c.log.Debug("no daemon directory", "err", err)
		return c, nil
	}
	// The socket of a `codegraph watch` of this store, else the daemon's;
	// none: answer here (the common case costs two stats).
	for _, sp := range []daemon.Paths{p.ForStore(dir), p} {
		if _, err := os.Stat(sp.Socket); err == nil {
			c.remote, c.paths = daemon.Client(sp), sp
			return c, nil
		}
	}
	c.log.Debug("no daemon or watcher socket", "socket", p.Socket)
	return c, nil
}

// serveQueries answers the query commands' operations on the index a
// `codegraph watch` keeps (svc's, whose store is db) on a socket of its
// own (daemon.Paths.ForStore), so that they ask this process, which has
// the index open and follows its updates, instead of each opening it and
// replaying the log the watcher has not flushed yet. The handler is the
// daemon's (daemonQueryHandler). When the socket cannot be made, nothing
// is served (logged at debug level); the commands then open the index
// themselves. stop stops serving, after the queries in flight.
func serveQueries(ctx context.Context, svc *service.Service, db string, log *slog.Logger) (stop func()) {
	p, err := daemonPaths()
	if err == nil {
		p = p.ForStore(db)
	}
	var ln net.Listener
	if err == nil {
		ln, err = daemon.ListenStore(ctx, p)
	}
	if err != nil {
		log.Debug("watch: not serving queries", "err", err)
		return func() {}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health/live", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	mux.Handle(queryPath, daemonQueryHandler(svc))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("watch: serving queries stopped", "err", err)
		}
	}()
	log.Debug("watch: serving queries", "socket", p.Socket)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx) // closes the listener, which removes the socket
		<-done
	}
}

// Close releases the local snapshot, if one was opened.
func (c *conn) Close() {
	if c.sn != nil && c.sn != c.base {
		c.sn.Close()
	}
	if c.base != nil {
		c.base.Close()
	}
}

// local returns the process's own snapshot, opening it on first use.
func (c *conn) local(ctx context.Context) (*service.Snapshot, error) {
	if c.sn != nil {
		return c.sn, nil
	}
	sn, err := service.Open(c.db, c.cfg)
	if err != nil {
		return nil, err
	}
	c.base, c.sn = sn, sn
	if c.at != "" {
		at, err := sn.At(ctx, c.at)
		if err != nil {
			if errors.Is(err, service.ErrInvalid) || errors.Is(err, service.ErrNotFound) {
				return nil, &exitError{2, err}
			}
			return nil, err
		}
		c.sn = at
	}
	return c.sn, nil
}

// op is one operation a query command asks: its name on the daemon's
// route and the function that answers it on a snapshot (the daemon runs
// the same function on its own snapshot).
type op[R, T any] struct {
	name string
	run  func(*service.Snapshot, context.Context, R) (T, error)
}

// The operations of the query commands.
var (
	opDef      = op[service.Target, *query.Definition]{"def", (*service.Snapshot).Def}
	opCalls    = op[service.CallsRequest, *query.CallsResult]{"calls", (*service.Snapshot).Calls}
	opRefs     = op[service.RefsRequest, *query.RefsResult]{"refs", (*service.Snapshot).Refs}
	opDeps     = op[service.DepsRequest, *query.DepsResult]{"deps", (*service.Snapshot).Deps}
	opImpact   = op[service.ImpactRequest, *query.ImpactResult]{"impact", (*service.Snapshot).Impact}
	opPath     = op[service.PathRequest, *query.PathResult]{"path", (*service.Snapshot).Path}
	opOutline  = op[service.OutlineRequest, *query.OutlineResult]{"outline", (*service.Snapshot).Outline}
	opOverview = op[service.OverviewRequest, *query.OverviewResult]{"overview", (*service.Snapshot).Overview}
	opHubs     = op[service.HubsRequest, *query.HubsResult]{"hubs", (*service.Snapshot).Hubs}
	opCycles   = op[service.CyclesRequest, *query.CyclesResult]{"cycles", (*service.Snapshot).Cycles}
	opSearch   = op[search.Request, *search.Response]{"search", (*service.Snapshot).Search}
	opNodes    = op[service.ListRequest, *nodePage]{"nodes", listNodes}
	opStatus   = op[statusRequest, *statusResult]{"status", statusOf}
)

// servedOp is an op as the daemon serves it.
type servedOp interface {
	opName() string
	serve(ctx context.Context, sn *service.Snapshot, body io.Reader) (any, error)
}

func (o op[R, T]) opName() string { return o.name }

func (o op[R, T]) serve(ctx context.Context, sn *service.Snapshot, body io.Reader) (any, error) {
	var req R
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, service.Invalidf("%s: request body: %v", o.name, err)
	}
	return o.run(sn, ctx, req)
}

// servedOps are the operations the daemon answers.
var servedOps = []servedOp{opDef, opCalls, opRefs, opDeps, opImpact, opPath, opOutline, opOverview, opHubs, opCycles, opSearch, opNodes, opStatus}

// ask runs the operation: in the daemon when c has one, else (or when the
// daemon cannot answer for this store) on the local snapshot.
func (o op[R, T]) ask(ctx context.Context, c *conn, req R) (T, error) {
	if c.remote != nil {
		out, err := o.askDaemon(ctx, c, req)
		var de *daemonError
		switch {
		case err == nil:
			answeredByDaemon.Add(1)
			c.log.Debug("answered by the daemon", "op", o.name, "socket", c.paths.Socket)
			return out, nil
		case errors.As(err, &de) && de.answer != nil:
			return out, de.answer // the daemon's answer: the same as ours
		}
		c.log.Debug("asking the daemon failed; answering here", "op", o.name, "err", err)
		c.remote = nil
	}
	var zero T
	sn, err := c.local(ctx)
	if err != nil {
		return zero, err
	}
	return o.run(sn, ctx, req)
}

// answeredByDaemon counts the operations the daemon answered in this
// process (tests check who answered).
var answeredByDaemon atomic.Int64

// daemonError is why the daemon did not answer; answer is set when it did
// answer, with an error that is the operation's own (an ambiguous symbol,
// a bad argument), which a local run would give too.
type daemonError struct {
	err    error
	answer error
}

func (e *daemonError) Error() string { return e.err.Error() }
func (e *daemonError) Unwrap() error { return e.err }

// wireError is an operation's error as the daemon sends it.
type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Sentinel names the error of a lower layer the command line branches
	// on (see sentinels).
	Sentinel   string                `json:"sentinel,omitempty"`
	Ambiguous  *query.AmbiguousError `json:"ambiguous,omitempty"`
	NotFound   *query.NotFoundError  `json:"not_found,omitempty"`
	NotServed  bool                  `json:"not_served,omitempty"`
	Unanswered bool                  `json:"unanswered,omitempty"` // ask a local snapshot
}

// sentinels are the errors an answer's error keeps across the socket
// (errors.Is holds on the client as on the daemon).
var sentinels = map[string]error{
	"bad_cursor":  query.ErrBadCursor,
	"not_found":   query.ErrNotFound,
	"bad_pattern": grep.ErrBadPattern,
	"invalid":     service.ErrInvalid,
}

// toWire encodes an operation's error.
func toWire(err error) wireError {
	code := service.Classify(err)
	w := wireError{Code: code.String(), Message: err.Error()}
	var amb *query.AmbiguousError
	var nf *query.NotFoundError
	switch {
	case errors.As(err, &amb):
		w.Ambiguous = amb
	case errors.As(err, &nf):
		w.NotFound = nf
	}
	for name, s := range sentinels {
		if errors.Is(err, s) {
			w.Sentinel = name
			break
		}
	}
	// What a local run could answer differently: the daemon's index is
	// not readable (damaged, missing, being built) or it failed inside.
	switch code {
	case service.CodeUnavailable, service.CodeRebuildNeeded, service.CodeInternal, service.CodeTimeout, service.CodeCanceled:
		w.Unanswered = true
	}
	return w
}

// fromWire rebuilds the error: the same message, category and, for
// symbols, the same candidates or suggestions.
func (w wireError) err() error {
	switch {
	case w.Ambiguous != nil:
		return w.Ambiguous
	case w.NotFound != nil:
		return w.NotFound
	}
	var code service.Code
	for _, c := range service.Codes() {
		if c.String() == w.Code {
			code = c
		}
	}
	return &service.Error{Code: code, Msg: w.Message, Err: sentinels[w.Sentinel]}
}

// askDaemon sends the request to the daemon's query route.
func (o op[R, T]) askDaemon(ctx context.Context, c *conn, req R) (T, error) {
	var out T
	body, err := json.Marshal(req)
	if err != nil {
		return out, err
	}
	u := "http://codegraph" + queryPath + o.name + "?db=" + url.QueryEscape(c.db)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return out, err
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := c.remote.Do(hr)
	if err != nil {
		return out, &daemonError{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error wireError `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		if json.Unmarshal(b, &eb) != nil || eb.Error.Code == "" {
			return out, &daemonError{err: fmt.Errorf("daemon: %s: %s", resp.Status, bytes.TrimSpace(b))}
		}
		if eb.Error.NotServed || eb.Error.Unanswered {
			return out, &daemonError{err: fmt.Errorf("daemon: %s", eb.Error.Message)}
		}
		return out, &daemonError{err: errors.New("daemon answered an error"), answer: eb.Error.err()}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return out, &daemonError{err: fmt.Errorf("daemon: unreadable answer: %w", err)}
	}
	return out, nil
}

// daemonQueryHandler serves the query operations on the daemon's socket:
// POST /daemon/query/OP?db=STORE answers OP on the snapshot of the served
// repository whose store is STORE. A store the daemon does not serve is
// answered "not_served" (the command then answers by itself).
func daemonQueryHandler(svc *service.Service) http.Handler {
	ops := map[string]servedOp{}
	for _, o := range servedOps {
		ops[o.opName()] = o
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, status int, we wireError) {
		reply(w, status, map[string]wireError{"error": we})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := ops[strings.TrimPrefix(r.URL.Path, queryPath)]
		if !ok {
			fail(w, http.StatusNotFound, wireError{Code: service.CodeNotFound.String(), Message: "no operation " + r.URL.Path, NotServed: true})
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			fail(w, http.StatusMethodNotAllowed, wireError{Code: "method_not_allowed", Message: r.Method + " is not allowed here", NotServed: true})
			return
		}
		repo := servedRepo(svc, r.URL.Query().Get("db"))
		if repo == nil {
			fail(w, http.StatusNotFound, wireError{Code: service.CodeNotFound.String(), Message: "the daemon does not serve " + r.URL.Query().Get("db"), NotServed: true})
			return
		}
		repo.MaybeRecheck()
		sn, release, err := repo.Acquire()
		if err != nil {
			we := toWire(err)
			we.Unanswered = true
			fail(w, service.Classify(err).HTTPStatus(), we)
			return
		}
		defer release()
		res, err := o.serve(r.Context(), sn, http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			fail(w, service.Classify(err).HTTPStatus(), toWire(err))
			return
		}
		reply(w, http.StatusOK, res)
	})
}

// servedRepo is the served repository whose store is db ("" or none: nil).
func servedRepo(svc *service.Service, db string) *service.Repo {
	if db == "" {
		return nil
	}
	same := func(a, b string) bool {
		if a == b {
			return true
		}
		ra, err1 := filepath.EvalSymlinks(a)
		rb, err2 := filepath.EvalSymlinks(b)
		return err1 == nil && err2 == nil && ra == rb
	}
	for _, r := range svc.Repos() {
		if same(filepath.Clean(r.DB()), filepath.Clean(db)) {
			return r
		}
	}
	return nil
}

// nodePage is one page of `codegraph symbols`.
type nodePage struct {
	Nodes      []graph.Node `json:"nodes"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// listNodes lists one page of nodes with the command line's cursors (no
// repository name in them, so that a cursor printed by one process is
// taken by the other).
func listNodes(sn *service.Snapshot, ctx context.Context, req service.ListRequest) (*nodePage, error) {
	l, err := service.ListNodes(ctx, sn.Store, "", req)
	if err != nil {
		return nil, err
	}
	return &nodePage{Nodes: l.Nodes, NextCursor: l.NextCursor}, nil
}

// statusRequest asks for `codegraph status`.
type statusRequest struct {
	Check bool `json:"check,omitempty"`
}

// statusResult is the status with what the command line adds: the
// precise tier's part, and whether the search indexes are damaged.
type statusResult struct {
	withPrecise
	SearchCorrupt bool `json:"search_corrupt,omitempty"`
	// Damaged is the store's damage, when it was found reading it.
	StoreDamage string `json:"store_damage,omitempty"`
}

// statusOf composes the status the command prints.
func statusOf(sn *service.Snapshot, ctx context.Context, req statusRequest) (*statusResult, error) {
	sp, err := service.StatusOf(ctx, sn.Store, req.Check)
	if errors.Is(err, store.ErrCorrupt) {
		reason := err.Error()
		var ce *store.CorruptError
		if errors.As(err, &ce) {
			reason = ce.Reason()
		}
		return &statusResult{StoreDamage: reason}, nil
	}
	if err != nil {
		return nil, err
	}
	res := &statusResult{withPrecise: withPrecise{statusJSON: *sp}}
	if sp.SearchErr != nil {
		res.SearchError = service.Explain(sp.SearchErr, service.DoorCLI)
		res.SearchCorrupt = errors.Is(sp.SearchErr, search.ErrCorrupt)
	}
	if res.Precise, err = readPreciseStatus(sn.Store); err != nil {
		return nil, err
	}
	if res.SCIP, err = readSCIPStatus(sn.Store); err != nil {
		return nil, err
	}
	return res, nil
}
