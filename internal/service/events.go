package service

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
)

// Event is one node change in a repository's graph: made through the
// service's node mutations (Source "api") or by an index run or a
// watcher's update of the code (Source "index", "watch").
type Event struct {
	Type   string `json:"type"` // "created", "updated", "deleted"
	Repo   string `json:"repo"`
	Source string `json:"source"`
	// Node is the node as written; for a deleted node, as it was. Nodes
	// from the index carry no Locals.
	Node graph.Node `json:"node"`
	// Previous is the node before an update through the API.
	Previous *graph.Node `json:"previous,omitempty"`
	At       time.Time   `json:"at"`
}

// Event types.
const (
	EventCreated = "created"
	EventUpdated = "updated"
	EventDeleted = "deleted"
)

// Event sources.
const (
	SourceAPI   = "api"   // a node mutation through the service
	SourceIndex = "index" // an index job (or a watcher's first run and index requests)
	SourceWatch = "watch" // a watcher's update after file changes
)

// UpdateSummary ends the events of one update of a repository's graph (an
// index run, a watcher batch, a node mutation): what it changed in all,
// whatever a subscription's filter let through.
type UpdateSummary struct {
	Seq    uint64 `json:"seq"` // increases with each update the service publishes
	Repo   string `json:"repo"`
	Source string `json:"source"`
	// Reason is why a watcher's run happened ("change", "branch",
	// "start", "rescan", "poll", "index"; "" otherwise).
	Reason       string `json:"reason,omitempty"`
	FilesChanged int    `json:"files_changed"`
	NodesAdded   int    `json:"nodes_added"`
	NodesUpdated int    `json:"nodes_updated"`
	NodesRemoved int    `json:"nodes_removed"`
	// EdgesAdded and EdgesRemoved are the change in the outgoing edges of
	// the files changed (per file, new count minus old).
	EdgesAdded   int64   `json:"edges_added"`
	EdgesRemoved int64   `json:"edges_removed"`
	DurationMS   float64 `json:"duration_ms"`
	// Revision is the git HEAD the index recorded after the update.
	Revision string `json:"revision,omitempty"`
	// Events is how many node events of the update this subscription
	// received (those its filter matched).
	Events int `json:"events"`
	// Truncated says that the subscription received only this summary of
	// the update: its node events were more than the subscription's limit
	// (or than the service records, MaxEventLimit).
	Truncated bool `json:"truncated,omitempty"`
	// Dropped counts the updates this subscription missed before this
	// one because it did not keep up (its buffer was full).
	Dropped int       `json:"dropped,omitempty"`
	At      time.Time `json:"at"`
	// Files are the files the update wrote or deleted, when it names them
	// all (nil when there were more than MaxEventLimit). Not sent by the
	// streaming doors (a branch switch names thousands); the MCP server
	// uses them for resource notifications.
	Files []string `json:"-"`
}

// Change is one message of a subscription (Service.Changes): a node
// event, or the summary that follows the node events of an update.
// Exactly one of the fields is set.
type Change struct {
	Event   *Event
	Summary *UpdateSummary
}

// Bounds of a subscription's node events per update.
const (
	DefaultEventLimit = 1000
	// MaxEventLimit is also how many node changes an index run records:
	// an update with more (a branch switch, a first index) is published
	// as its summary only.
	MaxEventLimit = 10000
)

// EventFilter selects what a subscription receives.
type EventFilter struct {
	// Repo is the repository followed; "" follows every repository the
	// caller may see.
	Repo string
	// Nodes selects node events by kind, language and path (the one node
	// filter of every front door; see NodeFilter).
	Nodes NodeFilter
	// Types keeps these event types ("created", "updated", "deleted");
	// none keeps all.
	Types []string
	// Limit is the most node events one update may give the subscription
	// (0: DefaultEventLimit; at most MaxEventLimit); an update with more
	// matching events gives only its summary, marked Truncated.
	Limit int
	// NoSummaries leaves out the summaries (node events only); NoEvents
	// leaves out the node events (summaries only).
	NoSummaries, NoEvents bool
}

// update is what the bus carries: one update's events and summary,
// shared read-only by every subscriber.
type update struct {
	events    []Event
	sum       UpdateSummary
	truncated bool // the source recorded only part of the node changes
}

// subscriberBuffer is how many updates a subscriber may lag behind before
// further updates are dropped for it (and counted in its next summary's
// Dropped): a reader that slow must not stall the writers.
const subscriberBuffer = 32

// bus fans updates out to subscribers without ever blocking a publisher.
type bus struct {
	mu     sync.Mutex
	subs   map[int]*subscriber
	next   int
	seq    uint64
	closed bool
}

type subscriber struct {
	ch      chan *update
	dropped atomic.Int64
}

func (b *bus) subscribe() (*subscriber, func()) {
	sub := &subscriber{ch: make(chan *update, subscriberBuffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(sub.ch)
		return sub, func() {}
	}
	if b.subs == nil {
		b.subs = map[int]*subscriber{}
	}
	id := b.next
	b.next++
	b.subs[id] = sub
	return sub, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if s, ok := b.subs[id]; ok {
			delete(b.subs, id)
			close(s.ch)
		}
	}
}

// listened reports whether anyone is subscribed: a run records its node
// changes for the events only then (index.Options.RecordChanges).
func (b *bus) listened() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs) > 0
}

func (b *bus) publish(u *update) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	u.sum.Seq = b.seq
	for _, s := range b.subs {
		select {
		case s.ch <- u:
		default:
			s.dropped.Add(1)
		}
	}
}

func (b *bus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for id, s := range b.subs {
		delete(b.subs, id)
		close(s.ch)
	}
}

// Changes subscribes the caller in ctx to the changes of the graphs it may
// see: node events (created, updated, deleted, from node mutations, index
// runs and watched updates) that f selects, each update's followed by its
// summary. Events of a repository go only to callers that may see it. The
// channel is closed when ctx ends or the service closes. A subscriber that
// does not keep up loses whole updates (counted in the next summary's
// Dropped), never blocks the writers. It fails with ErrInvalid for a bad
// filter and as RepoFor does for a repository the caller may not see.
func (s *Service) Changes(ctx context.Context, f EventFilter) (<-chan Change, error) {
	match, err := f.Nodes.Matcher()
	if err != nil {
		return nil, err
	}
	var types uint8
	for _, t := range f.Types {
		switch t {
		case EventCreated:
			types |= 1
		case EventUpdated:
			types |= 2
		case EventDeleted:
			types |= 4
		default:
			return nil, fmt.Errorf("%w: unknown event type %q (created, updated, deleted)", ErrInvalid, t)
		}
	}
	limit := f.Limit
	switch {
	case limit < 0:
		return nil, fmt.Errorf("%w: negative event limit %d", ErrInvalid, limit)
	case limit == 0:
		limit = DefaultEventLimit
	case limit > MaxEventLimit:
		limit = MaxEventLimit
	}
	repo := ""
	if f.Repo != "" {
		r, err := s.RepoFor(ctx, f.Repo, ReadOnly)
		if err != nil {
			return nil, err
		}
		repo = r.name
	}
	typeBit := func(t string) uint8 {
		switch t {
		case EventCreated:
			return 1
		case EventUpdated:
			return 2
		}
		return 4
	}
	sub, cancel := s.bus.subscribe()
	out := make(chan Change, 64)
	go func() {
		defer close(out)
		defer cancel()
		send := func(c Change) bool {
			select {
			case out <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		var picked []*Event
		for {
			var u *update
			select {
			case <-ctx.Done():
				return
			case x, ok := <-sub.ch:
				if !ok {
					return
				}
				u = x
			}
			if repo != "" && u.sum.Repo != repo || !Visible(ctx, u.sum.Repo) {
				continue
			}
			picked = picked[:0]
			over := u.truncated && !f.NoEvents
			for i := range u.events {
				if f.NoEvents {
					break
				}
				e := &u.events[i]
				if types != 0 && types&typeBit(e.Type) == 0 || !match(&e.Node) {
					continue
				}
				if len(picked) == limit {
					over = true
					break
				}
				picked = append(picked, e)
			}
			if over {
				picked = picked[:0]
			}
			for _, e := range picked {
				if !send(Change{Event: e}) {
					return
				}
			}
			if f.NoSummaries {
				continue
			}
			sum := u.sum
			sum.Events, sum.Truncated = len(picked), over
			sum.Dropped = int(sub.dropped.Swap(0))
			if !send(Change{Summary: &sum}) {
				return
			}
		}
	}()
	return out, nil
}

// publishRun publishes what an index run or a watcher's update changed (a
// run that changed nothing, or failed, publishes nothing).
func (r *Repo) publishRun(source, reason string, sum *index.Summary, d time.Duration, err error) {
	if err != nil || sum == nil || sum.Changes.Empty() {
		return
	}
	c := sum.Changes
	if d == 0 {
		d = sum.Duration
	}
	now := time.Now()
	u := &update{truncated: c.Truncated, sum: UpdateSummary{Repo: r.name, Source: source, Reason: reason,
		FilesChanged: sum.Added + sum.Changed + sum.Deleted, NodesAdded: c.Created, NodesUpdated: c.Updated, NodesRemoved: c.Deleted,
		EdgesAdded: c.EdgesAdded, EdgesRemoved: c.EdgesRemoved, DurationMS: ms(d), Revision: c.Revision, At: now}}
	if len(c.Files) == u.sum.FilesChanged {
		u.sum.Files = c.Files
	}
	if !c.Truncated {
		u.events = make([]Event, len(c.Nodes))
		for i, nc := range c.Nodes {
			u.events[i] = Event{Type: nc.Op.String(), Repo: r.name, Source: source, Node: nc.Node, At: now}
		}
	}
	r.svc.bus.publish(u)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
