package service

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// NodeInput describes a node to create through the API. Nodes created
// this way are stored under the synthetic file graph.APIPrefix+File, so
// that re-indexing the sources never removes them; they take part in
// graph queries and listings. (They are not in the search indexes, which
// are built from source text.)
type NodeInput struct {
	Kind          string `json:"kind"` // a node kind: "function", "class", ...
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name,omitempty"` // default Name
	File          string `json:"file,omitempty"`           // repository-relative; default "nodes"
	Language      string `json:"language,omitempty"`
	Line          int    `json:"line,omitempty"`
	EndLine       int    `json:"end_line,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Doc           string `json:"doc,omitempty"`
}

// NodePatch changes some fields of an API-created node; nil fields stay.
type NodePatch struct {
	Name          *string `json:"name,omitempty"`
	QualifiedName *string `json:"qualified_name,omitempty"`
	Language      *string `json:"language,omitempty"`
	Line          *int    `json:"line,omitempty"`
	EndLine       *int    `json:"end_line,omitempty"`
	Signature     *string `json:"signature,omitempty"`
	Doc           *string `json:"doc,omitempty"`
}

const (
	maxNameLen = 1024
	maxTextLen = 64 << 10
)

// validate checks n's fields and fills in defaults.
func (in *NodeInput) node() (graph.Node, string, error) {
	kind, ok := graph.ParseNodeKind(in.Kind)
	if !ok || kind == graph.KindFile || kind == graph.KindExternal {
		var names []string
		for _, k := range graph.NodeKinds() {
			if k != graph.KindFile && k != graph.KindExternal {
				names = append(names, k.String())
			}
		}
		return graph.Node{}, "", fmt.Errorf("%w: kind %q (one of %s)", ErrInvalid, in.Kind, strings.Join(names, ", "))
	}
	file := in.File
	if file == "" {
		file = "nodes"
	}
	file = strings.TrimPrefix(file, graph.APIPrefix)
	if clean := path.Clean(file); clean != file || strings.HasPrefix(file, "/") || strings.HasPrefix(file, "../") || file == ".." || strings.Contains(file, "\\") {
		return graph.Node{}, "", fmt.Errorf("%w: file %q must be a clean repository-relative path with forward slashes", ErrInvalid, in.File)
	}
	n := graph.Node{Kind: kind, Name: in.Name, QualifiedName: in.QualifiedName, Language: in.Language, File: graph.APIPrefix + file,
		Signature: in.Signature, Doc: in.Doc}
	if n.QualifiedName == "" {
		n.QualifiedName = n.Name
	}
	if err := setLines(&n, in.Line, in.EndLine); err != nil {
		return graph.Node{}, "", err
	}
	return n, n.File, checkNode(&n)
}

func setLines(n *graph.Node, line, end int) error {
	if line < 0 || end < 0 || line > 1<<30 || end > 1<<30 {
		return fmt.Errorf("%w: line numbers must be between 1 and 2^30", ErrInvalid)
	}
	if line == 0 {
		line = 1
	}
	if end == 0 || end < line {
		if end != 0 {
			return fmt.Errorf("%w: end_line %d is before line %d", ErrInvalid, end, line)
		}
		end = line
	}
	n.StartLine, n.EndLine = uint32(line), uint32(end)
	return nil
}

func checkNode(n *graph.Node) error {
	switch {
	case strings.TrimSpace(n.Name) == "":
		return fmt.Errorf("%w: name is required", ErrInvalid)
	case len(n.Name) > maxNameLen || len(n.QualifiedName) > maxNameLen:
		return fmt.Errorf("%w: name and qualified_name are limited to %d bytes", ErrInvalid, maxNameLen)
	case len(n.Signature) > maxTextLen || len(n.Doc) > maxTextLen:
		return fmt.Errorf("%w: signature and doc are limited to %d bytes", ErrInvalid, maxTextLen)
	case strings.ContainsAny(n.Name, "\x00\n"):
		return fmt.Errorf("%w: name must be one line", ErrInvalid)
	}
	return nil
}

// CreateNode stores a new node and publishes a "created" event. It fails
// with ErrInvalid for bad input, with an error wrapping store.ErrLocked
// while another process holds the index, and with ErrBusy while an index
// job of this process writes it. It is a transaction of one operation.
func (r *Repo) CreateNode(ctx context.Context, in NodeInput) (graph.Node, error) {
	var n graph.Node
	_, err := r.mutate(ctx, func(tx *Tx) (err error) {
		n, err = tx.create(in)
		return err
	})
	if err != nil {
		return graph.Node{}, err
	}
	return n, nil
}

// UpdateNode applies p to an API-created node and publishes an "updated"
// event. Nodes extracted from source fail with ErrDerived.
func (r *Repo) UpdateNode(ctx context.Context, id graph.NodeID, p NodePatch) (graph.Node, error) {
	var n graph.Node
	_, err := r.mutate(ctx, func(tx *Tx) (err error) {
		n, err = tx.update(id, p)
		return err
	})
	if err != nil {
		return graph.Node{}, err
	}
	return n, nil
}

// DeleteNode removes an API-created node and publishes a "deleted" event.
// Nodes extracted from source fail with ErrDerived.
func (r *Repo) DeleteNode(ctx context.Context, id graph.NodeID) error {
	_, err := r.mutate(ctx, func(tx *Tx) error { return tx.delete(id) })
	return err
}

// apply changes n as p says; the id stays (clients hold it).
func (p NodePatch) apply(n *graph.Node) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&n.Name, p.Name)
	set(&n.QualifiedName, p.QualifiedName)
	set(&n.Language, p.Language)
	set(&n.Signature, p.Signature)
	set(&n.Doc, p.Doc)
	line, end := int(n.StartLine), int(n.EndLine)
	if p.Line != nil {
		line = *p.Line
		if p.EndLine == nil && end < line {
			end = line
		}
	}
	if p.EndLine != nil {
		end = *p.EndLine
	}
	if err := setLines(n, line, end); err != nil {
		return err
	}
	if err := checkNode(n); err != nil {
		return err
	}
	n.ContentHash = graph.HashBytes([]byte(n.Signature + "\x00" + n.Doc))
	return nil
}

// publishCommitted publishes the events of a committed transaction (a
// single mutation is one) as one update of source "api": its node events
// in the order of its operations, stamped with the commit time, then its
// summary; it returns the events. It is the one place API node events
// leave the service: it runs once per commit, after the batch is durable,
// and never for a transaction that rolled back or conflicted. begun is
// when the transaction began (the summary's duration).
func (r *Repo) publishCommitted(events []Event, begun time.Time) []Event {
	if len(events) == 0 {
		return events
	}
	now := time.Now()
	sum := UpdateSummary{Repo: r.name, Source: SourceAPI, At: now, DurationMS: ms(now.Sub(begun))}
	files := map[string]bool{}
	for i := range events {
		e := &events[i]
		e.At, e.Source = now, SourceAPI
		switch e.Type {
		case EventCreated:
			sum.NodesAdded++
		case EventUpdated:
			sum.NodesUpdated++
		case EventDeleted:
			sum.NodesRemoved++
		}
		if !files[e.Node.File] {
			files[e.Node.File] = true
			sum.Files = append(sum.Files, e.Node.File)
		}
	}
	sum.FilesChanged = len(sum.Files)
	r.svc.bus.publish(&update{events: slices.Clone(events), sum: sum})
	return events
}

// ErrBusy is returned by mutations while an index job of this process
// writes the index.
var ErrBusy = errors.New("an index job is writing the index; retry when it has finished")

// afterWrite makes a write visible to the next Acquire.
func (r *Repo) afterWrite() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reopenLocked(dirFingerprint(r.db))
}

// searchChanges says what a rewrite of the API pseudo-file file from old
// to nodes changed, for the search indexes.
func searchChanges(file string, old, nodes []graph.Node) search.Changes {
	ch := search.Changes{Nodes: map[string][]graph.Node{}}
	keep := map[graph.NodeID]bool{}
	for _, n := range nodes {
		keep[n.ID] = true
	}
	for _, n := range old {
		if !keep[n.ID] {
			ch.Removed = append(ch.Removed, n.ID)
		}
	}
	if len(nodes) == 0 {
		ch.Deleted = []string{file}
	} else {
		ch.Files = []string{file}
		ch.Nodes[file] = search.DocNodes(nodes)
	}
	return ch
}

// withWriter runs fn with a writable store: the watcher's, when the
// repository is watched, else one opened for the call (failing with ErrBusy
// while an index job of this process writes, and with an error wrapping
// store.ErrLocked while another process does). The search indexes follow
// what fn says it changed, when the repository has them; a failure there
// is logged, not returned: the graph holds the change, and the next index
// run that rebuilds the search indexes picks it up.
func (r *Repo) withWriter(ctx context.Context, fn func(*store.Store) (search.Changes, error)) error {
	if w := r.watcher(); w != nil {
		err := w.Updater().WriteSearch(ctx, fn)
		if errors.Is(err, index.ErrSearchUpdate) {
			r.log.Warn("service: search indexes not updated after a node change", "err", err)
			return nil
		}
		return err
	}
	// Mutations wait for each other (each is one short commit), but not
	// for an index job.
	r.mmu.Lock()
	defer r.mmu.Unlock()
	if !r.wmu.TryLock() {
		return ErrBusy
	}
	defer r.wmu.Unlock()
	st, err := store.Open(r.db, store.Options{Logger: r.log})
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w in %s: index the repository first", ErrNoIndex, r.db)
	}
	if err != nil {
		return err
	}
	ch, err := fn(st)
	if err != nil {
		st.Close()
		return err
	}
	if _, err := search.UpdateReady(ctx, st, r.db, r.root, ch, r.searchCfg); err != nil {
		r.log.Warn("service: search indexes not updated after a node change", "err", err)
	}
	return st.Close()
}
