package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/codegraph-dev/codegraph/internal/graphql"
)

// TestWebSocketInitAuth: a browser cannot set headers on a WebSocket, so
// a GraphQL subscription connection may authenticate in its
// connection_init payload. A valid key there is acknowledged and its
// operations run with the key's access; a wrong key or none closes the
// connection; HTTP requests still need the header.
func TestWebSocketInitAuth(t *testing.T) {
	svc, _ := fixtureService(t)
	var srv *Server
	gql := graphql.NewHandler(svc, graphql.Options{InitAuth: func(ctx context.Context, c string) (context.Context, error) {
		return srv.Authenticate(ctx, c)
	}})
	srv, ts := newTestServer(t, Options{Service: svc,
		Keys:           []Key{{Name: "ro", Key: roKey, Scope: "ro"}},
		Mount:          map[string]http.Handler{"/graphql": gql},
		StreamMounts:   []string{"/graphql"},
		InitAuthMounts: []string{"/graphql"}})
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/graphql"
	// connect opens a connection without headers and sends init; it
	// returns the first message's type, or "closed".
	connect := func(payload map[string]any) (string, *websocket.Conn) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatalf("dial without a credential: %v", err)
		}
		msg, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": payload})
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			return "closed", c
		}
		_, b, err := c.Read(ctx)
		if err != nil {
			return "closed", c
		}
		var m struct{ Type string }
		json.Unmarshal(b, &m)
		return m.Type, c
	}
	if typ, c := connect(map[string]any{"Authorization": "Bearer " + roKey}); typ != "connection_ack" {
		t.Errorf("a valid key in connection_init: %s, want connection_ack", typ)
	} else {
		// Operations run with the key's access: a read-only key may
		// query, not mutate.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		send := func(id, q string) string {
			msg, _ := json.Marshal(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": q}})
			c.Write(ctx, websocket.MessageText, msg)
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var m struct{ ID, Type string }
				json.Unmarshal(b, &m)
				if m.ID == id && (m.Type == "next" || m.Type == "error") {
					return string(b)
				}
			}
		}
		if got := send("1", `{ repos { name } }`); !strings.Contains(got, "fixture") {
			t.Errorf("query over the authenticated connection: %s", got)
		}
		if got := send("2", `mutation { deleteNode(id: "0123456789abcdef") }`); !strings.Contains(strings.ToLower(got), "forbidden") && !strings.Contains(got, "needs write") {
			t.Errorf("a mutation with a read-only key over the connection: %s", got)
		}
		// A message larger than a request body may be closes the
		// connection.
		big, _ := json.Marshal(map[string]any{"id": "3", "type": "subscribe", "payload": map[string]any{"query": "{ repos { name } }", "x": strings.Repeat("x", 2<<20)}})
		c.Write(ctx, websocket.MessageText, big)
		for {
			if _, _, err := c.Read(ctx); err != nil {
				if ctx.Err() != nil {
					t.Error("a 2 MB message did not close the connection")
				}
				break
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
	}
	for name, payload := range map[string]map[string]any{
		"wrong key": {"Authorization": "Bearer not-a-key-0123456789"},
		"no key":    {},
	} {
		if typ, c := connect(payload); typ == "connection_ack" {
			t.Errorf("%s in connection_init: acknowledged", name)
			c.Close(websocket.StatusNormalClosure, "")
		}
	}
	if status, _, _ := call(t, ts, "POST", "/graphql", `{"query":"{ repos { name } }"}`, "Content-Type", "application/json"); status != http.StatusUnauthorized {
		t.Errorf("POST /graphql without a key: %d, want 401", status)
	}
}
