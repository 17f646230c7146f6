package graphql

import (
	"context"
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"

	"github.com/codegraph-dev/codegraph/internal/service"
)

type subscriptionResolver resolver

// subscribed calls the test hook Options.subscribed.
func (s *backend) subscribed(field string) {
	if s.opts.subscribed != nil {
		s.opts.subscribed(field)
	}
}

// eventFilter is the service's subscription filter for repo, f and the
// event types given.
func eventFilter(repo *string, f *ChangeFilter, types ...string) (service.EventFilter, error) {
	ef := service.EventFilter{Types: types}
	if repo != nil {
		ef.Repo = *repo
		if ef.Repo == "" {
			return ef, badInput("repo must not be empty (leave it out to follow every repository)")
		}
	}
	if f != nil {
		ef.Nodes.Paths = f.Paths
		ef.Nodes.Langs = f.Languages
		for _, t := range f.NodeTypes {
			k, ok := t.Kind()
			if !ok {
				return ef, badInput("unknown node type %q", t)
			}
			ef.Nodes.Kinds = append(ef.Nodes.Kinds, k)
		}
		if f.Limit != nil {
			if *f.Limit < 1 {
				return ef, badInput("limit must be positive")
			}
			ef.Limit = *f.Limit
		}
	}
	return ef, nil
}

// changes forwards the service's changes selected by ef as conv gives
// them (conv returns false to skip one), until ctx ends.
func changes[T any](ctx context.Context, s *backend, field string, ef service.EventFilter, conv func(service.Change) (T, bool)) (<-chan T, error) {
	defer s.subscribed(field)
	in, err := s.svc.Changes(ctx, ef)
	if err != nil {
		return nil, err
	}
	out := make(chan T, 1)
	go func() {
		defer close(out)
		for c := range in {
			v, ok := conv(c)
			if !ok {
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				// The service's channel closes once its pump sees ctx end.
			}
		}
	}()
	return out, nil
}

// nodeEvents forwards the node events of type typ that repo and f select.
func nodeEvents[T any](ctx context.Context, s *backend, typ string, repo *string, f *ChangeFilter, conv func(*service.Event) T) (<-chan T, error) {
	ef, err := eventFilter(repo, f, typ)
	if err != nil {
		return nil, err
	}
	ef.NoSummaries = true
	return changes(ctx, s, "node "+typ, ef, func(c service.Change) (T, bool) {
		if c.Event == nil {
			var zero T
			return zero, false
		}
		return conv(c.Event), true
	})
}

func (r *subscriptionResolver) NodeCreated(ctx context.Context, repo *string, filter *ChangeFilter) (<-chan *Node, error) {
	return nodeEvents(ctx, r.s, service.EventCreated, repo, filter, func(ev *service.Event) *Node { return newNode(ev.Repo, ev.Node) })
}

func (r *subscriptionResolver) NodeUpdated(ctx context.Context, repo *string, filter *ChangeFilter) (<-chan *NodeUpdateEvent, error) {
	return nodeEvents(ctx, r.s, service.EventUpdated, repo, filter, func(ev *service.Event) *NodeUpdateEvent {
		return &NodeUpdateEvent{Repo: ev.Repo, Node: newNode(ev.Repo, ev.Node)}
	})
}

func (r *subscriptionResolver) NodeDeleted(ctx context.Context, repo *string, filter *ChangeFilter) (<-chan *NodeDeleteEvent, error) {
	return nodeEvents(ctx, r.s, service.EventDeleted, repo, filter, func(ev *service.Event) *NodeDeleteEvent {
		return &NodeDeleteEvent{Repo: ev.Repo, ID: ev.Node.ID.String(), NodeType: nodeTypeOf(ev.Node.Kind), Name: ev.Node.Name,
			QualifiedName: ev.Node.QualifiedName, FilePath: ev.Node.File}
	})
}

func (r *subscriptionResolver) GraphChanges(ctx context.Context, repo *string, filter *ChangeFilter, types []ChangeType) (<-chan *GraphChange, error) {
	var nodeTypes []string
	summaries := len(types) == 0
	for _, t := range types {
		switch t {
		case ChangeTypeSummary:
			summaries = true
		case ChangeTypeCreated, ChangeTypeUpdated, ChangeTypeDeleted:
			nodeTypes = append(nodeTypes, strings.ToLower(string(t)))
		default:
			return nil, badInput("unknown change type %q", t)
		}
	}
	ef, err := eventFilter(repo, filter, nodeTypes...)
	if err != nil {
		return nil, err
	}
	if len(types) > 0 && len(nodeTypes) == 0 {
		ef.NoEvents = true
	}
	ef.NoSummaries = !summaries
	return changes(ctx, r.s, "graphChanges", ef, func(c service.Change) (*GraphChange, bool) {
		if c.Summary != nil {
			return &GraphChange{Type: ChangeTypeSummary, Repo: c.Summary.Repo, Source: c.Summary.Source, Summary: summaryOf(c.Summary), At: c.Summary.At}, true
		}
		e := c.Event
		return &GraphChange{Type: ChangeType(strings.ToUpper(e.Type)), Repo: e.Repo, Source: e.Source, Node: changedNode(&e.Node), At: e.At}, true
	})
}

func changedNode(n *graph.Node) *ChangedNode {
	return &ChangedNode{ID: n.ID.String(), NodeType: nodeTypeOf(n.Kind), Name: n.Name, QualifiedName: n.QualifiedName, FilePath: n.File,
		Language: n.Language, Line: int(n.StartLine), EndLine: int(n.EndLine), Signature: n.Signature}
}

func summaryOf(s *service.UpdateSummary) *UpdateSummary {
	out := &UpdateSummary{Seq: int(s.Seq), FilesChanged: s.FilesChanged, NodesAdded: s.NodesAdded, NodesUpdated: s.NodesUpdated,
		NodesRemoved: s.NodesRemoved, EdgesAdded: int(s.EdgesAdded), EdgesRemoved: int(s.EdgesRemoved), DurationMs: s.DurationMS,
		Events: s.Events, Truncated: s.Truncated, Dropped: s.Dropped}
	if s.Reason != "" {
		out.Reason = &s.Reason
	}
	if s.Revision != "" {
		out.Revision = &s.Revision
	}
	return out
}

func (r *subscriptionResolver) ParseProgress(ctx context.Context, taskID string) (<-chan *ParseProgressEvent, error) {
	q := r.s.svc.Jobs()
	if j, ok := q.Get(taskID); !ok || !service.Visible(ctx, j.Repo) {
		return nil, fmt.Errorf("task %q: %w", taskID, service.ErrNotFound)
	}
	updates, cancel := q.Subscribe(taskID)
	r.s.subscribed("parseProgress")
	out := make(chan *ParseProgressEvent, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case j, ok := <-updates:
				if !ok {
					return
				}
				job := jobOf(j)
				ev := &ParseProgressEvent{TaskID: j.ID, State: job.State, Progress: job.Progress, Error: job.Error, Job: job}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
