package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Transactions over the API's node mutations.
//
// A transaction sees the API-created nodes as they were when it began
// (a copy taken from one read snapshot) plus its own writes; nodes
// extracted from source are read from the index, and a read of one after
// an index run that started since the transaction began fails with
// ErrConflict (the transaction would see the index after it began).
// Nothing is written before Commit. Commit takes the writer (the
// watcher's Updater or a writer opened for the call, so index runs and
// other commits are serialized with it), checks that every node the
// transaction read or wrote is still what the transaction saw (else
// ErrConflict, and nothing changes: first committer wins), and writes all
// of its changes in one atomic, synced batch. Its node events are
// published once, after the batch is durable, by publishCommitted.

// Transaction limits.
const (
	// DefaultTxIdleTimeout is how long an open transaction may go unused
	// before it expires (Options.TxIdleTimeout overrides it).
	DefaultTxIdleTimeout = 2 * time.Minute
	// MaxTxPerCaller bounds the transactions one caller holds open.
	MaxTxPerCaller = 8
	// MaxTxOps bounds the writes of one transaction.
	MaxTxOps = 10000
	// maxTxOpen bounds the open transactions of the whole service.
	maxTxOpen = 1024
)

// ErrTxDone is returned by operations on a transaction that has committed,
// rolled back or expired.
var ErrTxDone = errors.New("transaction is no longer open")

type txState uint8

const (
	txOpen txState = iota
	txCommitted
	txRolledBack
	txExpired
)

// Tx is a transaction over node mutations of one repository. Its methods
// are safe for concurrent use (operations on one transaction run one at a
// time).
type Tx struct {
	id    string
	repo  *Repo
	owner string
	begun time.Time
	gen   uint64 // the index's run generation when it began

	mu    sync.Mutex
	state txState
	used  time.Time
	// lazy is the store the view reads files from on demand: the writer's,
	// for a transaction run entirely under the writer (a single mutation).
	// A transaction begun by Begin loads every API node at once instead.
	lazy   *store.Store
	loaded map[string]bool              // API files in base (lazy mode)
	base   map[graph.NodeID]graph.Node  // API nodes at begin
	byFile map[string][]graph.NodeID    // base ids per API file, by start
	writes map[graph.NodeID]*graph.Node // nil: deleted
	order  []graph.NodeID               // writes in first-write order
	reads  map[graph.NodeID]derivedRead // source-derived nodes read
	seen   map[graph.NodeID]bool        // API nodes read (or absent)
	events []Event
}

// derivedRead is a source-derived node as a transaction read it.
type derivedRead struct {
	node    graph.Node
	present bool
}

// TxInfo describes an open transaction.
type TxInfo struct {
	ID      string    `json:"id"`
	Repo    string    `json:"repo"`
	Begun   time.Time `json:"begun"`
	Expires time.Time `json:"expires"` // when it expires unless used before
	Writes  int       `json:"writes"`  // nodes created, updated or deleted
	State   string    `json:"state"`
	// IdleTimeoutSeconds is how long it may go unused before it expires.
	IdleTimeoutSeconds float64 `json:"idle_timeout_seconds"`
}

// txTable holds a service's open transactions by id.
type txTable struct {
	mu   sync.Mutex
	byID map[string]*Tx
}

func (s *Service) txIdle() time.Duration {
	if s.opts.TxIdleTimeout > 0 {
		return s.opts.TxIdleTimeout
	}
	return DefaultTxIdleTimeout
}

// sweepLocked expires the transactions idle for longer than the timeout.
func (s *Service) sweepLocked(now time.Time) {
	idle := s.txIdle()
	for id, tx := range s.txs.byID {
		// A transaction whose lock is held is in use, not idle; and the
		// lock order is tx.mu before s.txs.mu (Commit unlists it), so
		// waiting here could deadlock.
		if !tx.mu.TryLock() {
			continue
		}
		if tx.state == txOpen && now.Sub(tx.used) > idle {
			tx.state = txExpired
			tx.dropLocked()
		}
		done := tx.state != txOpen
		tx.mu.Unlock()
		if done {
			delete(s.txs.byID, id)
		}
	}
}

// Begin opens a transaction on r for the caller in ctx, who alone may use
// it (by its ID, through Service.Tx). A caller holds at most
// MaxTxPerCaller open; an unused one expires after the idle timeout.
func (r *Repo) Begin(ctx context.Context) (*Tx, error) {
	tx, err := r.begin(ctx)
	if err != nil {
		return nil, err
	}
	s := r.svc
	s.txs.mu.Lock()
	defer s.txs.mu.Unlock()
	s.sweepLocked(time.Now())
	n := 0
	for _, o := range s.txs.byID {
		if o.owner == tx.owner {
			n++
		}
	}
	if n >= MaxTxPerCaller {
		return nil, Errorf(CodeConflict, "%d transactions are open for this caller, the most allowed: commit or roll one back first", n)
	}
	if len(s.txs.byID) >= maxTxOpen {
		return nil, Errorf(CodeConflict, "%d transactions are open, the most allowed: retry later", len(s.txs.byID))
	}
	if s.txs.byID == nil {
		s.txs.byID = map[string]*Tx{}
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	tx.id = hex.EncodeToString(b[:])
	s.txs.byID[tx.id] = tx
	return tx, nil
}

// BeginRequest opens a transaction for the length of one request (a
// GraphQL request's node mutations): it is not addressable by id, not
// counted against the caller, and never expires; the caller commits or
// rolls it back.
func (r *Repo) BeginRequest(ctx context.Context) (*Tx, error) {
	return r.begin(ctx)
}

func (r *Repo) begin(ctx context.Context) (*Tx, error) {
	if err := Require(ctx, ReadWrite); err != nil {
		return nil, err
	}
	snap, release, err := r.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	now := time.Now()
	tx := newTx(r, CallerFrom(ctx), now)
	if run, ok, err := index.LastRun(snap.Store); err != nil {
		return nil, err
	} else if ok {
		tx.gen = run.Gen
	}
	if err := snap.Store.NodesInFilesUnder(graph.APIPrefix, func(n graph.Node) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx.addBase(n)
		return nil
	}); err != nil {
		return nil, err
	}
	return tx, nil
}

func newTx(r *Repo, owner string, now time.Time) *Tx {
	return &Tx{repo: r, owner: owner, begun: now, used: now,
		loaded: map[string]bool{}, base: map[graph.NodeID]graph.Node{}, byFile: map[string][]graph.NodeID{},
		writes: map[graph.NodeID]*graph.Node{}, reads: map[graph.NodeID]derivedRead{}, seen: map[graph.NodeID]bool{}}
}

func (tx *Tx) addBase(n graph.Node) {
	if n.Kind == graph.KindFile {
		return
	}
	tx.base[n.ID] = n
	tx.byFile[n.File] = append(tx.byFile[n.File], n.ID)
}

// Tx returns the open transaction id of the caller in ctx. A transaction
// of another caller, or one that ended, is not found.
func (s *Service) Tx(ctx context.Context, id string) (*Tx, error) {
	s.txs.mu.Lock()
	defer s.txs.mu.Unlock()
	s.sweepLocked(time.Now())
	tx := s.txs.byID[id]
	if tx == nil || tx.owner != CallerFrom(ctx) {
		return nil, fmt.Errorf("%w: transaction %q (it never existed, ended, expired after %s unused, or belongs to another caller)",
			ErrNotFound, id, s.txIdle())
	}
	return tx, nil
}

// ID is the transaction's id ("" for one begun by BeginRequest).
func (tx *Tx) ID() string { return tx.id }

// Repo is the repository the transaction writes.
func (tx *Tx) Repo() *Repo { return tx.repo }

// Info describes the transaction.
func (tx *Tx) Info() TxInfo {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return TxInfo{ID: tx.id, Repo: tx.repo.name, Begun: tx.begun, Expires: tx.used.Add(tx.repo.svc.txIdle()),
		Writes: len(tx.writes), IdleTimeoutSeconds: tx.repo.svc.txIdle().Seconds(), State: [...]string{"open", "committed", "rolled_back", "expired"}[tx.state]}
}

// enter locks tx for an operation of a caller with need, failing when it
// is no longer open.
func (tx *Tx) enter(ctx context.Context, need Access) error {
	if err := Require(ctx, need); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tx.mu.Lock()
	if tx.state == txOpen && tx.id != "" && time.Since(tx.used) > tx.repo.svc.txIdle() {
		tx.state = txExpired
		tx.dropLocked()
	}
	if tx.state != txOpen {
		st := tx.state
		tx.mu.Unlock()
		return fmt.Errorf("%w: transaction %s %s", ErrTxDone, tx.id, [...]string{"is open", "committed", "was rolled back", "expired"}[st])
	}
	tx.used = time.Now()
	return nil
}

// loadFile brings API file path into the base view (lazy mode only: a
// transaction begun by Begin loaded every API file).
func (tx *Tx) loadFile(path string) error {
	if tx.lazy == nil || tx.loaded[path] {
		return nil
	}
	tx.loaded[path] = true
	return tx.lazy.NodesInFile(path, func(n graph.Node) error {
		tx.addBase(n)
		return nil
	})
}

// fileView is API file path as the transaction sees it: its base nodes
// with the transaction's writes applied, then the nodes it created there.
func (tx *Tx) fileView(path string) []graph.Node {
	var out []graph.Node
	for _, id := range tx.byFile[path] {
		if w, ok := tx.writes[id]; ok {
			if w != nil {
				out = append(out, *w)
			}
			continue
		}
		out = append(out, tx.base[id])
	}
	for _, id := range tx.order {
		if _, inBase := tx.base[id]; !inBase {
			if w := tx.writes[id]; w != nil && w.File == path {
				out = append(out, *w)
			}
		}
	}
	return out
}

// node returns node id as the transaction sees it.
func (tx *Tx) node(id graph.NodeID) (graph.Node, error) {
	notFound := fmt.Errorf("%w: node %s", ErrNotFound, id)
	if w, ok := tx.writes[id]; ok {
		if w == nil {
			return graph.Node{}, notFound
		}
		return *w, nil
	}
	if n, ok := tx.base[id]; ok {
		tx.seen[id] = true
		return n, nil
	}
	if d, ok := tx.reads[id]; ok {
		if !d.present {
			return graph.Node{}, notFound
		}
		return d.node, nil
	}
	var n graph.Node
	var err error
	if tx.lazy != nil {
		n, err = tx.lazy.Node(id)
	} else {
		n, err = tx.readCurrent(id)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		tx.seen[id] = true // absent at begin: must stay absent
		return graph.Node{}, notFound
	case err != nil:
		return graph.Node{}, err
	case strings.HasPrefix(n.File, graph.APIPrefix):
		if tx.lazy != nil {
			if err := tx.loadFile(n.File); err != nil {
				return graph.Node{}, err
			}
			return tx.node(id)
		}
		// Created through the API after the transaction began.
		tx.seen[id] = true
		return graph.Node{}, notFound
	}
	tx.reads[id] = derivedRead{node: n, present: true}
	return n, nil
}

// readCurrent reads a node from the current snapshot, failing with
// ErrConflict when an index run has started since the transaction began
// (the transaction would see the index after it began).
func (tx *Tx) readCurrent(id graph.NodeID) (graph.Node, error) {
	snap, release, err := tx.repo.Acquire()
	if err != nil {
		return graph.Node{}, err
	}
	defer release()
	run, ok, err := index.LastRun(snap.Store)
	if err != nil {
		return graph.Node{}, err
	}
	if ok && run.Gen != tx.gen {
		return graph.Node{}, fmt.Errorf("%w: the index was updated since the transaction began (run %d, now %d); roll back and begin again",
			ErrConflict, tx.gen, run.Gen)
	}
	return snap.Store.Node(id)
}

// Node returns node id as the transaction sees it: its own writes, the
// API nodes as they were when it began, and nodes derived from source.
func (tx *Tx) Node(ctx context.Context, id graph.NodeID) (graph.Node, error) {
	if err := tx.enter(ctx, ReadOnly); err != nil {
		return graph.Node{}, err
	}
	defer tx.mu.Unlock()
	return tx.node(id)
}

// Nodes lists the API-created nodes as the transaction sees them, by file.
func (tx *Tx) Nodes(ctx context.Context) ([]graph.Node, error) {
	if err := tx.enter(ctx, ReadOnly); err != nil {
		return nil, err
	}
	defer tx.mu.Unlock()
	files := map[string]bool{}
	for f := range tx.byFile {
		files[f] = true
	}
	for _, id := range tx.order {
		if w := tx.writes[id]; w != nil {
			files[w.File] = true
		}
	}
	var out []graph.Node
	for _, f := range slices.Sorted(mapKeys(files)) {
		for _, n := range tx.fileView(f) {
			if _, w := tx.writes[n.ID]; !w {
				tx.seen[n.ID] = true
			}
			out = append(out, n)
		}
	}
	return out, nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (tx *Tx) write(n *graph.Node, id graph.NodeID) error {
	if _, ok := tx.writes[id]; !ok {
		if len(tx.order) >= MaxTxOps {
			return fmt.Errorf("%w: a transaction writes at most %d nodes; commit and begin another", ErrTooLarge, MaxTxOps)
		}
		tx.order = append(tx.order, id)
	}
	tx.writes[id] = n
	return nil
}

// Create adds a node to the transaction (see Repo.CreateNode).
func (tx *Tx) Create(ctx context.Context, in NodeInput) (graph.Node, error) {
	if err := tx.enter(ctx, ReadWrite); err != nil {
		return graph.Node{}, err
	}
	defer tx.mu.Unlock()
	return tx.create(in)
}

func (tx *Tx) create(in NodeInput) (graph.Node, error) {
	n, file, err := in.node()
	if err != nil {
		return graph.Node{}, err
	}
	if err := tx.loadFile(file); err != nil {
		return graph.Node{}, err
	}
	nodes := tx.fileView(file)
	// Same-named nodes in one file get a disambiguator, as the extractor
	// does for overloads. A node another transaction creates meanwhile
	// with the same id makes the later commit conflict.
	for d := 0; ; d++ {
		n.ID = graph.MakeNodeID(file, n.QualifiedName, n.Kind, d)
		if !slices.ContainsFunc(nodes, func(o graph.Node) bool { return o.ID == n.ID }) {
			break
		}
	}
	n.ContentHash = graph.HashBytes([]byte(n.Signature + "\x00" + n.Doc))
	if err := tx.write(&n, n.ID); err != nil {
		return graph.Node{}, err
	}
	tx.events = append(tx.events, Event{Type: EventCreated, Repo: tx.repo.name, Node: n})
	return n, nil
}

// apiNode returns node id as the transaction sees it, failing with
// ErrDerived for a node extracted from source.
func (tx *Tx) apiNode(id graph.NodeID) (graph.Node, error) {
	n, err := tx.node(id)
	if err != nil {
		return graph.Node{}, err
	}
	if !strings.HasPrefix(n.File, graph.APIPrefix) {
		return graph.Node{}, fmt.Errorf("%w: %s %s comes from %s:%d; edit the source file and re-index instead", ErrDerived, n.Kind, n.QualifiedName, n.File, n.StartLine)
	}
	return n, nil
}

// Update applies p to an API-created node in the transaction (see
// Repo.UpdateNode).
func (tx *Tx) Update(ctx context.Context, id graph.NodeID, p NodePatch) (graph.Node, error) {
	if err := tx.enter(ctx, ReadWrite); err != nil {
		return graph.Node{}, err
	}
	defer tx.mu.Unlock()
	return tx.update(id, p)
}

func (tx *Tx) update(id graph.NodeID, p NodePatch) (graph.Node, error) {
	old, err := tx.apiNode(id)
	if err != nil {
		return graph.Node{}, err
	}
	n := old
	if err := p.apply(&n); err != nil {
		return graph.Node{}, err
	}
	if err := tx.write(&n, id); err != nil {
		return graph.Node{}, err
	}
	tx.events = append(tx.events, Event{Type: EventUpdated, Repo: tx.repo.name, Node: n, Previous: &old})
	return n, nil
}

// Delete removes an API-created node in the transaction (see
// Repo.DeleteNode).
func (tx *Tx) Delete(ctx context.Context, id graph.NodeID) error {
	if err := tx.enter(ctx, ReadWrite); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	return tx.delete(id)
}

func (tx *Tx) delete(id graph.NodeID) error {
	old, err := tx.apiNode(id)
	if err != nil {
		return err
	}
	if err := tx.write(nil, id); err != nil {
		return err
	}
	tx.events = append(tx.events, Event{Type: EventDeleted, Repo: tx.repo.name, Node: old})
	return nil
}

// Rollback ends the transaction without writing anything. Rolling back a
// transaction that already ended fails with ErrTxDone.
func (tx *Tx) Rollback(ctx context.Context) error {
	if err := tx.enter(ctx, ReadOnly); err != nil {
		return err
	}
	tx.state = txRolledBack
	tx.dropLocked()
	tx.mu.Unlock()
	tx.unlist()
	return nil
}

// dropLocked frees what an ended transaction holds.
func (tx *Tx) dropLocked() {
	tx.base, tx.byFile, tx.writes, tx.reads, tx.seen, tx.events, tx.order = nil, nil, nil, nil, nil, nil, nil
}

func (tx *Tx) unlist() {
	if tx.id == "" {
		return
	}
	s := tx.repo.svc
	s.txs.mu.Lock()
	defer s.txs.mu.Unlock()
	if s.txs.byID[tx.id] == tx {
		delete(s.txs.byID, tx.id)
	}
}

// Commit writes the transaction's changes in one atomic batch, unless a
// node it read or wrote was changed after it began: then it fails with an
// error wrapping ErrConflict and writes nothing. The transaction ends
// either way (a failed commit is rolled back), except when ctx ended
// before the writer was reached. It returns the events it published.
func (tx *Tx) Commit(ctx context.Context) ([]Event, error) {
	if err := tx.enter(ctx, ReadWrite); err != nil {
		return nil, err
	}
	defer tx.mu.Unlock()
	if len(tx.writes) == 0 {
		// Read only: it saw one snapshot throughout; nothing to check.
		tx.state = txCommitted
		tx.dropLocked()
		tx.unlist()
		return nil, nil
	}
	r := tx.repo
	err := r.withWriter(ctx, tx.apply)
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrBusy) ||
		errors.Is(err, store.ErrLocked)) {
		// Nothing was checked or written: the transaction stays open so
		// that the caller may retry the commit.
		return nil, err
	}
	events := tx.events
	tx.state = txCommitted
	if err != nil {
		tx.state = txRolledBack
	}
	tx.dropLocked()
	tx.unlist()
	if err != nil {
		return nil, err
	}
	if err := r.afterWrite(); err != nil {
		r.log.Warn("service: reopen after a commit", "err", err)
	}
	return r.publishCommitted(events, tx.begun), nil
}

// apply checks the transaction against the store's current state and
// writes its changes in one batch (under the writer).
func (tx *Tx) apply(st *store.Store) (search.Changes, error) {
	var ch search.Changes
	if err := tx.validate(st); err != nil {
		return ch, err
	}
	files := map[string]bool{}
	for _, id := range tx.order {
		if w := tx.writes[id]; w != nil {
			files[w.File] = true
		} else if old, ok := tx.base[id]; ok {
			files[old.File] = true
		}
	}
	b := st.NewBatch()
	defer b.Close()
	ch.Nodes = map[string][]graph.Node{}
	for _, file := range slices.Sorted(mapKeys(files)) {
		var old, nodes []graph.Node
		present := map[graph.NodeID]bool{}
		if err := st.NodesInFile(file, func(n graph.Node) error {
			if n.Kind == graph.KindFile {
				return nil
			}
			old = append(old, n)
			present[n.ID] = true
			if w, ok := tx.writes[n.ID]; ok {
				if w != nil {
					nodes = append(nodes, *w)
				}
				return nil
			}
			nodes = append(nodes, n)
			return nil
		}); err != nil {
			return ch, err
		}
		for _, id := range tx.order {
			if w := tx.writes[id]; w != nil && w.File == file && !present[id] {
				nodes = append(nodes, *w)
			}
		}
		var err error
		if len(nodes) == 0 {
			err = b.DeleteFile(file)
		} else {
			err = b.ReplaceFile(store.FileMeta{Path: file, Language: nodes[0].Language}, nodes, nil)
		}
		if err != nil {
			return ch, err
		}
		fc := searchChanges(file, old, nodes)
		ch.Files = append(ch.Files, fc.Files...)
		ch.Deleted = append(ch.Deleted, fc.Deleted...)
		ch.Removed = append(ch.Removed, fc.Removed...)
		for f, ns := range fc.Nodes {
			ch.Nodes[f] = ns
		}
	}
	if err := b.Commit(true); err != nil {
		return ch, err
	}
	return ch, nil
}

// validate fails with ErrConflict when a node the transaction read or
// wrote is not, in st, what the transaction saw when it began.
func (tx *Tx) validate(st *store.Store) error {
	check := func(id graph.NodeID, want graph.Node, present bool) error {
		cur, err := st.Node(id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if !present {
				return nil
			}
			return fmt.Errorf("%w: %s %s was deleted after this transaction began; nothing was written",
				ErrConflict, want.Kind, describe(want))
		case err != nil:
			return err
		case !present:
			return fmt.Errorf("%w: %s %s (%s) was created after this transaction began; nothing was written",
				ErrConflict, cur.Kind, describe(cur), id)
		case cur != want:
			return fmt.Errorf("%w: %s %s was changed after this transaction began; nothing was written",
				ErrConflict, cur.Kind, describe(cur))
		}
		return nil
	}
	for _, id := range tx.order {
		n, ok := tx.base[id]
		if err := check(id, n, ok); err != nil {
			return err
		}
	}
	for id := range tx.seen {
		if _, w := tx.writes[id]; w {
			continue
		}
		n, ok := tx.base[id]
		if err := check(id, n, ok); err != nil {
			return err
		}
	}
	for id, d := range tx.reads {
		if err := check(id, d.node, d.present); err != nil {
			return err
		}
	}
	return nil
}

func describe(n graph.Node) string {
	return fmt.Sprintf("%s (%s in %s)", n.QualifiedName, n.ID, strings.TrimPrefix(n.File, graph.APIPrefix))
}

// mutate runs op in a transaction entirely under the writer (a single
// mutation: it reads the current state, so it never conflicts), commits
// it and publishes its events.
func (r *Repo) mutate(ctx context.Context, op func(*Tx) error) ([]Event, error) {
	if err := Require(ctx, ReadWrite); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tx := newTx(r, CallerFrom(ctx), time.Now())
	err := r.withWriter(ctx, func(st *store.Store) (search.Changes, error) {
		tx.lazy = st
		if err := op(tx); err != nil {
			return search.Changes{}, err
		}
		return tx.apply(st)
	})
	if err != nil {
		return nil, err
	}
	if err := r.afterWrite(); err != nil {
		return nil, err
	}
	return r.publishCommitted(tx.events, tx.begun), nil
}
