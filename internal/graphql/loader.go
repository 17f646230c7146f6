package graphql

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// reader is the part of the store the loader reads: the batched reads only.
// *store.Store implements it; tests wrap it to count reads.
type reader interface {
	NodesByID(ids []graph.NodeID, out []graph.Node) error
	InEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error
	OutEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error
}

// Loader defaults.
const (
	// defaultLoaderWait is the longest a batch collects ids after the
	// first one.
	defaultLoaderWait = 2 * time.Millisecond
	// defaultLoaderQuiet ends a batch early: gqlgen resolves the lazy
	// fields of a list's elements in goroutines it starts together, which
	// all ask within microseconds; once no id has arrived for this long,
	// the batch is fetched. A lone lookup waits this long, not the whole
	// wait (root lookups such as Query.node skip the loader). The collector yields (runtime.Gosched) rather than sleeps:
	// timers on a loaded VM fire a millisecond or two late, which would
	// cost every lookup that much.
	defaultLoaderQuiet = 250 * time.Microsecond
	// maxBatch flushes a batch early when it holds this many ids.
	maxBatch = 1000
)

// batcher collects the ids asked for within one wait window and fetches
// them with one call; results are cached for the life of the batcher (one
// response), so each id is fetched at most once.
type batcher[V any] struct {
	wait  time.Duration
	quiet time.Duration
	fetch func(ids []graph.NodeID) ([]V, error) // results aligned with ids

	mu    sync.Mutex
	cache map[graph.NodeID]slot[V]
	cur   *batch[V]
}

type slot[V any] struct {
	b *batch[V]
	i int
}

type batch[V any] struct {
	n    atomic.Int32 // len(ids), read by the collector without the lock
	ids  []graph.NodeID
	done chan struct{} // closed once vals/err are set
	vals []V
	err  error
}

func newBatcher[V any](wait, quiet time.Duration, fetch func([]graph.NodeID) ([]V, error)) *batcher[V] {
	return &batcher[V]{wait: wait, quiet: min(quiet, wait), fetch: fetch, cache: map[graph.NodeID]slot[V]{}}
}

// load returns the value of id, waiting for the batch it joins.
func (b *batcher[V]) load(ctx context.Context, id graph.NodeID) (V, error) {
	b.mu.Lock()
	s := b.enqueueLocked(id)
	b.mu.Unlock()
	return s.wait(ctx)
}

// loadMany returns the values of ids, enqueued together.
func (b *batcher[V]) loadMany(ctx context.Context, ids []graph.NodeID) ([]V, error) {
	slots := make([]slot[V], len(ids))
	b.mu.Lock()
	for i, id := range ids {
		slots[i] = b.enqueueLocked(id)
	}
	b.mu.Unlock()
	out := make([]V, len(ids))
	for i, s := range slots {
		v, err := s.wait(ctx)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// enqueueLocked returns the slot of id, adding it to the collecting batch
// unless it is cached. b.mu is held.
func (b *batcher[V]) enqueueLocked(id graph.NodeID) slot[V] {
	s, ok := b.cache[id]
	if !ok {
		if b.cur == nil {
			cur := &batch[V]{done: make(chan struct{})}
			b.cur = cur
			go b.collect(cur)
		}
		s = slot[V]{b: b.cur, i: len(b.cur.ids)}
		b.cur.ids = append(b.cur.ids, id)
		b.cur.n.Store(int32(len(b.cur.ids)))
		b.cache[id] = s
		if len(b.cur.ids) >= maxBatch {
			full := b.cur
			b.cur = nil
			go b.run(full)
		}
	}
	return s
}

// wait returns the slot's value once its batch is fetched.
func (s slot[V]) wait(ctx context.Context) (V, error) {
	select {
	case <-s.b.done:
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
	if s.b.err != nil {
		var zero V
		return zero, s.b.err
	}
	return s.b.vals[s.i], nil
}

// collect lets cur gather ids until none has arrived for a quiet period
// or the wait is over, then fetches it (unless it filled up and was
// handed off already).
func (b *batcher[V]) collect(cur *batch[V]) {
	start := time.Now()
	quietSince, seen := start, int32(1)
	for {
		runtime.Gosched()
		now := time.Now()
		if n := cur.n.Load(); n != seen {
			seen, quietSince = n, now
		}
		if now.Sub(quietSince) < b.quiet && now.Sub(start) < b.wait {
			continue
		}
		b.mu.Lock()
		if b.cur != cur {
			b.mu.Unlock()
			return
		}
		if cur.n.Load() != seen && now.Sub(start) < b.wait {
			b.mu.Unlock()
			continue
		}
		b.cur = nil
		b.mu.Unlock()
		b.run(cur)
		return
	}
}

func (b *batcher[V]) run(bt *batch[V]) {
	defer close(bt.done)
	defer func() {
		if r := recover(); r != nil {
			bt.err = errPanic(r)
		}
	}()
	vals, err := b.fetch(bt.ids)
	if err == nil && len(vals) != len(bt.ids) {
		panic("graphql: batch fetch returned a wrong number of values")
	}
	bt.vals, bt.err = vals, err
}

// edgeKey selects one edge batcher: a direction and a set of kinds.
type edgeKey struct {
	out  bool
	mask uint32 // bit k set for kind k; 0 for every kind
}

func kindMask(kinds []graph.EdgeKind) uint32 {
	var m uint32
	for _, k := range kinds {
		m |= 1 << k
	}
	return m
}

func maskKinds(m uint32) []graph.EdgeKind {
	if m == 0 {
		return nil
	}
	var out []graph.EdgeKind
	for _, k := range graph.EdgeKinds() {
		if m&(1<<k) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// loader reads the nodes and edges one response asks for, in batches.
type loader struct {
	r     reader
	wait  time.Duration
	quiet time.Duration
	nodes *batcher[graph.Node]

	mu    sync.Mutex
	edges map[edgeKey]*batcher[[]graph.Edge]
}

func newLoader(r reader, wait, quiet time.Duration) *loader {
	if wait <= 0 {
		wait = defaultLoaderWait
	}
	if quiet <= 0 {
		quiet = defaultLoaderQuiet
	}
	l := &loader{r: r, wait: wait, quiet: quiet, edges: map[edgeKey]*batcher[[]graph.Edge]{}}
	l.nodes = newBatcher(wait, quiet, func(ids []graph.NodeID) ([]graph.Node, error) {
		out := make([]graph.Node, len(ids))
		return out, r.NodesByID(ids, out)
	})
	return l
}

// node returns the node with id and whether it exists.
func (l *loader) node(ctx context.Context, id graph.NodeID) (graph.Node, bool, error) {
	if id == 0 {
		return graph.Node{}, false, nil
	}
	n, err := l.nodes.load(ctx, id)
	if err != nil {
		return graph.Node{}, false, err
	}
	return n, n.ID != 0, nil
}

// nodes returns the nodes with ids that exist, in order, read together.
func (l *loader) nodesOf(ctx context.Context, ids []graph.NodeID) ([]graph.Node, error) {
	ns, err := l.nodes.loadMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := ns[:0]
	for _, n := range ns {
		if n.ID != 0 {
			out = append(out, n)
		}
	}
	return out, nil
}

// edgesOf returns the outgoing (out) or incoming resolved edges of id whose
// kind is in kinds (nil: every kind), in store order.
func (l *loader) edgesOf(ctx context.Context, id graph.NodeID, out bool, kinds []graph.EdgeKind) ([]graph.Edge, error) {
	key := edgeKey{out: out, mask: kindMask(kinds)}
	l.mu.Lock()
	b, ok := l.edges[key]
	if !ok {
		ks := maskKinds(key.mask)
		read := l.r.InEdgesMany
		if out {
			read = l.r.OutEdgesMany
		}
		b = newBatcher(l.wait, l.quiet, func(ids []graph.NodeID) ([][]graph.Edge, error) {
			res := make([][]graph.Edge, len(ids))
			err := read(ids, ks, func(i int, e graph.Edge) error {
				res[i] = append(res[i], e)
				return nil
			})
			return res, err
		})
		l.edges[key] = b
	}
	l.mu.Unlock()
	return b.load(ctx, id)
}
