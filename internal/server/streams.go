package server

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// DefaultMaxStreams is how many long-lived answers (event streams, NDJSON
// streams, WebSockets) one caller may hold open at once.
const DefaultMaxStreams = 32

// streamCount bounds the open streams of each caller.
type streamCount struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

// hold counts a stream of caller, or refuses it (429) when the caller
// already holds max; release when the stream ends.
func (c *streamCount) hold(caller string) (release func(), err error) {
	if c == nil || c.max <= 0 {
		return func() {}, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[caller] >= c.max {
		return nil, &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited,
			Message: fmt.Sprintf("too many open streams for this caller (%d): close one first", c.max)}
	}
	c.n[caller]++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.n[caller]--; c.n[caller] <= 0 {
				delete(c.n, caller)
			}
		})
	}, nil
}

// isStream reports a request whose answer stays open: a server-sent
// event stream or a WebSocket (on a streaming mount), or one of the REST
// streams.
func isStream(r *http.Request) bool {
	if isWebSocketUpgrade(r) {
		return true
	}
	if r.Method != http.MethodGet {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream") ||
		strings.HasPrefix(r.URL.Path, "/stream/") || strings.HasSuffix(r.URL.Path, "/events")
}

// holdStream counts r against its caller's open streams when it is one.
func (s *Server) holdStream(r *http.Request) (release func(), err error) {
	if !isStream(r) {
		return func() {}, nil
	}
	return s.streams.hold(identityFrom(r.Context()).Name)
}
