package server

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestStreamsPerCaller: a caller holds at most MaxStreams long-lived
// answers at once; the next is refused with 429 until one ends, and
// another caller is not affected.
func TestStreamsPerCaller(t *testing.T) {
	opened := make(chan struct{}, 8)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		opened <- struct{}{}
		<-r.Context().Done()
	})
	_, ts := sharedTestServer(t, Options{MaxStreams: 2,
		Keys:         []Key{{Name: "a", Key: roKey, Scope: "ro"}, {Name: "b", Key: rwKey, Scope: "rw"}},
		Mount:        map[string]http.Handler{"/live/events": slow},
		StreamMounts: []string{"/live/events"}}) // not /events: that is GET /events, the change stream
	open := func(key string) (int, context.CancelFunc) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/live/events", nil)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("X-API-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
		} else {
			<-opened
		}
		return resp.StatusCode, func() { cancel(); resp.Body.Close() }
	}
	s1, c1 := open(roKey)
	s2, c2 := open(roKey)
	defer c2()
	if s1 != 200 || s2 != 200 {
		t.Fatalf("first two streams: %d %d", s1, s2)
	}
	if s3, c3 := open(roKey); s3 != http.StatusTooManyRequests {
		c3()
		t.Fatalf("third stream of the same caller: %d, want 429", s3)
	}
	if s4, c4 := open(rwKey); s4 != 200 {
		t.Errorf("another caller's stream: %d", s4)
	} else {
		c4()
	}
	c1()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, c := open(roKey)
		c()
		if s == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing a stream, a new one: %d", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
