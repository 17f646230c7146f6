package graphql

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsClient speaks graphql-transport-ws.
type wsClient struct {
	t       testing.TB
	conn    *coderws.Conn
	ctx     context.Context
	in      chan wsMessage // messages other than ping and pong
	readErr chan error     // the reader's end
	pending []wsMessage    // read while waiting for another operation
	pings   atomic.Int64
	wmu     sync.Mutex // serialises writes (the reader answers pings)
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (f *fixture) dial(t testing.TB, header http.Header) (*wsClient, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/graphql"
	conn, res, err := coderws.Dial(ctx, url, &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, res, err
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, ctx: ctx, in: make(chan wsMessage, 100), readErr: make(chan error, 1)}
	go c.read()
	c.send(wsMessage{Type: "connection_init"})
	if m := c.next(); m.Type != "connection_ack" {
		t.Fatalf("got %+v, want connection_ack", m)
	}
	return c, res, nil
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	if err := c.write(m); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsClient) write(m wsMessage) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return wsjson.Write(c.ctx, c.conn, m)
}

// read answers pings at once (as graphql-ws clients do) and queues the
// other messages.
func (c *wsClient) read() {
	for {
		var m wsMessage
		if err := wsjson.Read(c.ctx, c.conn, &m); err != nil {
			c.readErr <- err
			return
		}
		switch m.Type {
		case "ping":
			c.pings.Add(1)
			if err := c.write(wsMessage{Type: "pong"}); err != nil {
				c.readErr <- err
				return
			}
			continue
		case "pong":
			continue
		}
		c.in <- m
	}
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: p})
}

// next returns the next message that is not a ping or pong.
func (c *wsClient) next() wsMessage {
	c.t.Helper()
	select {
	case m := <-c.in:
		if testing.Verbose() {
			c.t.Logf("ws <- %s %s %.300s", m.ID, m.Type, m.Payload)
		}
		return m
	case err := <-c.readErr:
		c.t.Fatal(err)
	}
	return wsMessage{}
}

// nextFor returns the next message of operation id, keeping others' for
// later.
func (c *wsClient) nextFor(id string) wsMessage {
	c.t.Helper()
	for i, m := range c.pending {
		if m.ID == id {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			return m
		}
	}
	for {
		m := c.next()
		if m.ID == id {
			return m
		}
		c.pending = append(c.pending, m)
	}
}

// data decodes the data of a next message.
func (c *wsClient) data(m wsMessage, out any) {
	c.t.Helper()
	var p struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if m.Type != "next" {
		c.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		c.t.Fatal(err)
	}
	if len(p.Errors) > 0 {
		c.t.Fatalf("errors %+v", p.Errors)
	}
	if err := json.Unmarshal(p.Data, out); err != nil {
		c.t.Fatal(err)
	}
}

// subscriptions returns options whose hook reports each subscription
// registered, and a function waiting for n of them.
func subscriptions(t testing.TB) (Options, func(n int)) {
	ch := make(chan string, 100)
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-ch:
			case <-time.After(30 * time.Second):
				t.Fatal("subscription not registered")
			}
		}
	}
	return Options{subscribed: func(f string) { ch <- f }}, wait
}

func TestNodeSubscriptions(t *testing.T) {
	opts, registered := subscriptions(t)
	opts.KeepAlive = 250 * time.Millisecond
	f := newFixture(t, opts, nil)
	c, _, err := f.dial(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("created", `subscription { nodeCreated { id name repo nodeType createdByApi relationships { type } } }`, nil)
	c.subscribe("updated", `subscription { nodeUpdated(repo: "shop") { repo node { id doc } } }`, nil)
	c.subscribe("deleted", `subscription { nodeDeleted { repo id name nodeType filePath } }`, nil)
	registered(3)
	c.subscribe("m1", `mutation { createNode(input: {nodeType: FUNCTION, name: "Hook", doc: "v1"}) { id } }`, nil)
	var created struct {
		NodeCreated struct {
			ID, Name, Repo, NodeType string
			CreatedByAPI             bool `json:"createdByApi"`
			Relationships            []any
		}
	}
	c.data(c.nextFor("created"), &created)
	n := created.NodeCreated
	if n.Name != "Hook" || n.Repo != "shop" || n.NodeType != "FUNCTION" || !n.CreatedByAPI || n.Relationships == nil {
		t.Fatalf("nodeCreated %+v", n)
	}
	var m1 struct{ CreateNode struct{ ID string } }
	c.data(c.nextFor("m1"), &m1)
	if m1.CreateNode.ID != n.ID {
		t.Errorf("event id %s, mutation id %s", n.ID, m1.CreateNode.ID)
	}
	if m := c.nextFor("m1"); m.Type != "complete" {
		t.Errorf("mutation over the socket ended with %+v", m)
	}

	c.subscribe("m2", `mutation($id: ID!) { updateNode(id: $id, input: {doc: "v2"}) { id } }`, map[string]any{"id": n.ID})
	var updated struct {
		NodeUpdated struct {
			Repo string
			Node struct{ ID, Doc string }
		}
	}
	c.data(c.nextFor("updated"), &updated)
	if updated.NodeUpdated.Node.ID != n.ID || updated.NodeUpdated.Node.Doc != "v2" {
		t.Errorf("nodeUpdated %+v", updated)
	}
	c.subscribe("m3", `mutation($id: ID!) { deleteNode(id: $id) }`, map[string]any{"id": n.ID})
	var deleted struct {
		NodeDeleted struct{ Repo, ID, Name, NodeType, FilePath string }
	}
	c.data(c.nextFor("deleted"), &deleted)
	if deleted.NodeDeleted.ID != n.ID || deleted.NodeDeleted.Name != "Hook" || deleted.NodeDeleted.NodeType != "FUNCTION" {
		t.Errorf("nodeDeleted %+v", deleted)
	}
	// Stopping a subscription ends it.
	c.send(wsMessage{ID: "created", Type: "complete"})
	c.subscribe("m4", `mutation { createNode(input: {nodeType: FUNCTION, name: "Other"}) { id } }`, nil)
	for {
		m := c.nextFor("m4")
		if m.Type == "complete" {
			break
		}
	}
	for _, m := range c.pending {
		if m.ID == "created" && m.Type == "next" {
			t.Fatalf("event after complete: %+v", m)
		}
	}
	// Pings come every 250 ms; a fast run may get here before the first.
	for deadline := time.Now().Add(5 * time.Second); c.pings.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if c.pings.Load() == 0 {
		t.Error("no keep-alive ping in 5 s")
	}
	// A subscription of an unknown repository fails.
	c.subscribe("bad", `subscription { nodeCreated(repo: "nope") { id } }`, nil)
	if m := c.nextFor("bad"); !strings.Contains(string(m.Payload), "unknown repository") {
		t.Errorf("unknown repo: %s %s", m.Type, m.Payload)
	}
}

func TestParseProgressSubscription(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	var p struct{ ParseProject struct{ TaskID string } }
	f.data(t, `mutation { parseProject(input: {force: true}) { taskId } }`, nil, &p)
	c, _, err := f.dial(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("p", `subscription($id: ID!) { parseProgress(taskId: $id) { taskId state progress { phase done total percent } job { id kind } } }`,
		map[string]any{"id": p.ParseProject.TaskID})
	var states []string
	for {
		m := c.nextFor("p")
		if m.Type == "complete" {
			break
		}
		var ev struct {
			ParseProgress struct {
				TaskID, State string
				Progress      struct{ Percent int }
				Job           struct{ ID, Kind string }
			}
		}
		c.data(m, &ev)
		if ev.ParseProgress.TaskID != p.ParseProject.TaskID || ev.ParseProgress.Job.Kind != "index" {
			t.Fatalf("event %+v", ev)
		}
		states = append(states, ev.ParseProgress.State)
	}
	if len(states) == 0 || states[len(states)-1] != "SUCCEEDED" {
		t.Fatalf("states %v", states)
	}
	c.subscribe("q", `subscription { parseProgress(taskId: "nope") { state } }`, nil)
	if m := c.nextFor("q"); !strings.Contains(string(m.Payload), "NOT_FOUND") {
		t.Errorf("unknown task: %s %s", m.Type, m.Payload)
	}
}

func TestWebSocketOrigin(t *testing.T) {
	f := sharedFixture(t, Options{})
	h := http.Header{"Origin": {"https://evil.example"}}
	if _, res, err := f.dial(t, h); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin dial: %v %v", res, err)
	}
	g := serve(t, f.root, Options{AllowedOrigins: []string{"*.example"}})
	if _, _, err := g.dial(t, h); err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
	// Without an Origin header (a non-browser client) the dial works.
	if _, _, err := f.dial(t, nil); err != nil {
		t.Fatal(err)
	}
}

// TestWebSocketAccess: the access of the upgrade request applies to every
// operation on the socket.
func TestWebSocketAccess(t *testing.T) {
	f := newFixture(t, Options{}, nil)
	c, _, err := f.dial(t, http.Header{accessHeader: {"ro"}})
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("m", `mutation { createNode(input: {nodeType: CLASS, name: "A"}) { id } }`, nil)
	if m := c.nextFor("m"); !strings.Contains(string(m.Payload), "FORBIDDEN") {
		t.Errorf("read-only mutation over the socket: %s %s", m.Type, m.Payload)
	}
	c.subscribe("q", `{ repos { name } }`, nil)
	var d struct{ Repos []struct{ Name string } }
	c.data(c.nextFor("q"), &d)
	if len(d.Repos) != 1 {
		t.Errorf("read-only query over the socket: %+v", d)
	}
}

// TestDeadClientDropped: a client that stops answering pings is
// disconnected.
func TestDeadClientDropped(t *testing.T) {
	// Long enough for the answering client to reply on a loaded machine
	// (30 ms dropped it too once, beside two benchmarks).
	f := sharedFixture(t, Options{KeepAlive: 250 * time.Millisecond})
	c, _, err := f.dial(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A raw connection that never answers.
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/graphql"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, url, &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init"}); err != nil {
		t.Fatal(err)
	}
	for {
		var m wsMessage
		err := wsjson.Read(ctx, conn, &m)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			t.Fatal("the server kept a client that never answers pings")
		}
		break
	}
	// A client that answers stays.
	c.subscribe("q", `{ repos { name } }`, nil)
	time.Sleep(600 * time.Millisecond) // two ping rounds
	var d struct{ Repos []any }
	c.data(c.nextFor("q"), &d)
}
