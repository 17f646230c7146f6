package graphql

import (
	"context"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/service"
)

type subscriptionResolver resolver

// subscribed calls the test hook Options.subscribed.
func (s *backend) subscribed(field string) {
	if s.opts.subscribed != nil {
		s.opts.subscribed(field)
	}
}

// nodeEvents forwards the service's node events of type typ (and of repo,
// unless it is nil) as conv gives them, until ctx ends.
func nodeEvents[T any](ctx context.Context, s *backend, typ string, repo *string, conv func(service.Event) T) (<-chan T, error) {
	defer s.subscribed("node " + typ)
	want := ""
	if repo != nil {
		rp, err := s.svc.RepoFor(ctx, *repo, service.ReadOnly)
		if err != nil {
			return nil, err
		}
		want = rp.Name()
	}
	events, cancel := s.svc.Subscribe()
	out := make(chan T, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Type != typ || want != "" && ev.Repo != want || !service.Visible(ctx, ev.Repo) {
					continue
				}
				select {
				case out <- conv(ev):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func (r *subscriptionResolver) NodeCreated(ctx context.Context, repo *string) (<-chan *Node, error) {
	return nodeEvents(ctx, r.s, service.EventCreated, repo, func(ev service.Event) *Node { return newNode(ev.Repo, ev.Node) })
}

func (r *subscriptionResolver) NodeUpdated(ctx context.Context, repo *string) (<-chan *NodeUpdateEvent, error) {
	return nodeEvents(ctx, r.s, service.EventUpdated, repo, func(ev service.Event) *NodeUpdateEvent {
		return &NodeUpdateEvent{Repo: ev.Repo, Node: newNode(ev.Repo, ev.Node)}
	})
}

func (r *subscriptionResolver) NodeDeleted(ctx context.Context, repo *string) (<-chan *NodeDeleteEvent, error) {
	return nodeEvents(ctx, r.s, service.EventDeleted, repo, func(ev service.Event) *NodeDeleteEvent {
		return &NodeDeleteEvent{Repo: ev.Repo, ID: ev.Node.ID.String(), NodeType: nodeTypeOf(ev.Node.Kind), Name: ev.Node.Name,
			QualifiedName: ev.Node.QualifiedName, FilePath: ev.Node.File}
	})
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
