package mcp

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Resource subscriptions (resources/subscribe): a client subscribed to a
// file resource (codegraph://file/...) or a symbol resource
// (codegraph://symbol/ID) gets notifications/resources/updated when an
// index run, a watched update or a node mutation changes that file or
// that symbol. This is the one MCP notification the protocol defines for
// content that changes; the graph's node events themselves have no
// standard MCP message, so they go through GraphQL and GET /events only.

// resourceSubs counts the subscriptions to each resource URI, so that an
// update notifies only the URIs someone subscribed to.
type resourceSubs struct {
	mu   sync.Mutex
	uris map[string]int

	cancel context.CancelFunc
	done   chan struct{}
}

// subscribe checks that the caller in ctx may read the resource and
// counts the subscription (the SDK records which session holds it).
func (s *Server) subscribe(ctx context.Context, req *mcp.SubscribeRequest) error {
	if err := service.Require(ctx, service.ReadOnly); err != nil {
		return err
	}
	uri := req.Params.URI
	switch {
	case strings.HasPrefix(uri, fileURIPrefix):
		if _, _, err := s.fileOfURI(ctx, uri); err != nil {
			return err
		}
	case strings.HasPrefix(uri, symbolURIPrefix):
		id := strings.TrimPrefix(uri, symbolURIPrefix)
		if _, err := graph.ParseNodeID(id); err != nil || len(id) != 16 {
			return mcp.ResourceNotFoundError(uri)
		}
	default:
		return mcp.ResourceNotFoundError(uri)
	}
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if s.subs.uris == nil {
		s.subs.uris = map[string]int{}
	}
	s.subs.uris[uri]++
	return nil
}

func (s *Server) unsubscribe(_ context.Context, req *mcp.UnsubscribeRequest) error {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if s.subs.uris[req.Params.URI]--; s.subs.uris[req.Params.URI] <= 0 {
		delete(s.subs.uris, req.Params.URI)
	}
	return nil
}

// fileOfURI returns the repository and path a file resource URI names for
// the caller in ctx.
func (s *Server) fileOfURI(ctx context.Context, uri string) (*service.Repo, string, error) {
	p, err := url.PathUnescape(strings.TrimPrefix(uri, fileURIPrefix))
	if err != nil || p == "" {
		return nil, "", mcp.ResourceNotFoundError(uri)
	}
	name := ""
	if len(s.repos) > 1 {
		name, p, _ = strings.Cut(p, "/")
		if name == "" || p == "" {
			return nil, "", mcp.ResourceNotFoundError(uri)
		}
	}
	r, err := s.repoFor(ctx, name, service.ReadOnly)
	if err != nil {
		return nil, "", err
	}
	return r, p, nil
}

// fileURI is the resource URI of path in repo.
func (s *Server) fileURI(repo, path string) string {
	if len(s.repos) > 1 {
		return fileURIPrefix + repo + "/" + path
	}
	return fileURIPrefix + path
}

// followChanges sends notifications/resources/updated for the subscribed
// resources each update changes, until stopResources.
func (s *Server) followChanges() {
	ctx, cancel := context.WithCancel(context.Background())
	s.subs.cancel, s.subs.done = cancel, make(chan struct{})
	// The server itself follows every repository; each resource was
	// checked against its subscriber's access when subscribed.
	ch, err := s.svc.Changes(ctx, service.EventFilter{Limit: service.MaxEventLimit})
	if err != nil {
		close(s.subs.done)
		return
	}
	go func() {
		defer close(s.subs.done)
		changed := map[string]bool{}
		for c := range ch {
			if c.Event != nil {
				changed[symbolURIPrefix+c.Event.Node.ID.String()] = true
				changed[s.fileURI(c.Event.Repo, c.Event.Node.File)] = true
				continue
			}
			sum := c.Summary
			for _, f := range sum.Files {
				changed[s.fileURI(sum.Repo, f)] = true
			}
			s.notify(ctx, sum, changed)
			clear(changed)
		}
	}()
}

// notify sends the notifications of one update: the subscribed URIs in
// changed, and, when the update named too many files or nodes to list
// (a branch switch), every subscribed resource of its repository.
func (s *Server) notify(ctx context.Context, sum *service.UpdateSummary, changed map[string]bool) {
	everything := sum.Truncated || sum.Files == nil
	s.subs.mu.Lock()
	var uris []string
	for uri := range s.subs.uris {
		switch {
		case changed[uri]:
		case everything && (strings.HasPrefix(uri, symbolURIPrefix) || strings.HasPrefix(uri, s.fileURI(sum.Repo, ""))):
		default:
			continue
		}
		uris = append(uris, uri)
	}
	s.subs.mu.Unlock()
	for _, uri := range uris {
		if err := s.srv.ResourceUpdated(ctx, &mcp.ResourceUpdatedNotificationParams{URI: uri}); err != nil {
			s.opts.Logger.Debug("mcp: resource notification", "uri", uri, "err", err)
		}
	}
}

// stopResources ends followChanges.
func (s *Server) stopResources() {
	if s.subs.cancel != nil {
		s.subs.cancel()
		<-s.subs.done
	}
}
