package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeServer speaks the Ollama or OpenAI wire format, embedding each input
// as [len(text), 1, 2, ...] of dim values; fail decides per request
// whether to answer with a status instead.
type fakeServer struct {
	provider string
	dim      int
	dimNow   atomic.Int32 // when set, overrides dim (changed mid-test)
	requests atomic.Int32
	inputs   atomic.Int32
	fail     func(n int, w http.ResponseWriter) bool
	auth     atomic.Value
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(f.requests.Add(1))
	if a := r.Header.Get("Authorization"); a != "" {
		f.auth.Store(a)
	}
	want := "/api/embed"
	if f.provider == ProviderOpenAI {
		want = "/v1/embeddings"
	}
	if r.URL.Path != want || r.Method != http.MethodPost {
		http.Error(w, "not found", 404)
		return
	}
	var req struct {
		Model string   `json:"model"`
		Input []string `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model == "" {
		http.Error(w, "bad request", 400)
		return
	}
	if f.fail != nil && f.fail(n, w) {
		return
	}
	f.inputs.Add(int32(len(req.Input)))
	dim := f.dim
	if d := f.dimNow.Load(); d != 0 {
		dim = int(d)
	}
	vec := func(s string) []float32 {
		v := make([]float32, dim)
		v[0] = float32(len(s))
		for i := 1; i < dim; i++ {
			v[i] = float32(i)
		}
		return v
	}
	w.Header().Set("Content-Type", "application/json")
	if f.provider == ProviderOllama {
		var out struct {
			Embeddings [][]float32 `json:"embeddings"`
		}
		for _, s := range req.Input {
			out.Embeddings = append(out.Embeddings, vec(s))
		}
		json.NewEncoder(w).Encode(out)
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	var out struct {
		Data []item `json:"data"`
	}
	// Answer in reverse order: clients must sort by index.
	for i := len(req.Input) - 1; i >= 0; i-- {
		out.Data = append(out.Data, item{"embedding", i, vec(req.Input[i])})
	}
	json.NewEncoder(w).Encode(out)
}

func testClient(t *testing.T, f *fakeServer, mod func(*Config)) *Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := Config{Provider: f.provider, Model: "m", URL: srv.URL, APIKey: "sekret", BatchSize: 3,
		RetryBase: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientBatchesAndOrders(t *testing.T) {
	for _, p := range []string{ProviderOllama, ProviderOpenAI} {
		t.Run(p, func(t *testing.T) {
			f := &fakeServer{provider: p, dim: 4}
			c := testClient(t, f, nil)
			texts := []string{"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"}
			vecs, err := c.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if len(vecs) != len(texts) || f.requests.Load() != 3 {
				t.Fatalf("%d vectors in %d requests, want 7 in 3", len(vecs), f.requests.Load())
			}
			// Order: the first component encodes the text's length, and
			// vectors come back unit length.
			for i, v := range vecs {
				raw := []float32{float32(len(texts[i])), 1, 2, 3}
				normalize(raw)
				if fmt.Sprint(v) != fmt.Sprint(raw) {
					t.Errorf("vector %d = %v, want %v", i, v, raw)
				}
			}
			if c.Dim() != 4 {
				t.Errorf("Dim = %d, want 4 learned from the response", c.Dim())
			}
			if !strings.Contains(c.ID(), p) || !strings.HasSuffix(c.ID(), "/m/4") {
				t.Errorf("ID = %q", c.ID())
			}
			if p == ProviderOpenAI && f.auth.Load() != "Bearer sekret" {
				t.Errorf("Authorization = %v", f.auth.Load())
			}
		})
	}
}

func TestClientRetries(t *testing.T) {
	for _, p := range []string{ProviderOllama, ProviderOpenAI} {
		t.Run(p, func(t *testing.T) {
			f := &fakeServer{provider: p, dim: 2, fail: func(n int, w http.ResponseWriter) bool {
				switch n {
				case 1:
					w.Header().Set("Retry-After", "0")
					http.Error(w, "slow down", http.StatusTooManyRequests)
					return true
				case 2:
					http.Error(w, "overloaded", http.StatusServiceUnavailable)
					return true
				case 3: // hang up mid-response: a network error
					hj, _ := w.(http.Hijacker)
					conn, _, _ := hj.Hijack()
					conn.Close()
					return true
				}
				return false
			}}
			c := testClient(t, f, nil)
			vecs, err := c.Embed(context.Background(), []string{"x"})
			if err != nil || len(vecs) != 1 {
				t.Fatalf("Embed = %v, %v", vecs, err)
			}
			if f.requests.Load() != 4 {
				t.Errorf("%d requests, want 4 (3 failures then success)", f.requests.Load())
			}
		})
	}
}

func TestClientGivesUp(t *testing.T) {
	f := &fakeServer{provider: ProviderOllama, dim: 2, fail: func(n int, w http.ResponseWriter) bool {
		http.Error(w, "down", http.StatusBadGateway)
		return true
	}}
	c := testClient(t, f, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Embed(context.Background(), []string{"x"})
	if !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v", err)
	}
	if f.requests.Load() != 3 {
		t.Errorf("%d requests, want 3", f.requests.Load())
	}
}

func TestClientRetryAfterIsHonoured(t *testing.T) {
	f := &fakeServer{provider: ProviderOpenAI, dim: 2, fail: func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "limited", http.StatusTooManyRequests)
			return true
		}
		return false
	}}
	c := testClient(t, f, func(c *Config) { c.MaxBackoff = 5 * time.Second })
	start := time.Now()
	if _, err := c.Embed(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, want Retry-After's 1 s", d)
	}
}

func TestClientDoesNotRetryClientErrors(t *testing.T) {
	f := &fakeServer{provider: ProviderOpenAI, dim: 2, fail: func(n int, w http.ResponseWriter) bool {
		http.Error(w, `{"error":"invalid api key"}`, http.StatusUnauthorized)
		return true
	}}
	c := testClient(t, f, nil)
	_, err := c.Embed(context.Background(), []string{"x"})
	if !errors.Is(err, ErrResponse) || !strings.Contains(err.Error(), "invalid api key") {
		t.Fatalf("err = %v", err)
	}
	if f.requests.Load() != 1 {
		t.Errorf("%d requests, want 1", f.requests.Load())
	}
}

func TestClientBadResponses(t *testing.T) {
	for _, c := range []struct {
		provider, body string
		want           error
		msg            string
	}{
		{ProviderOllama, `{"embeddings":[[1,2]`, ErrResponse, "malformed JSON"},
		{ProviderOllama, `{"embeddings":[[1,2]]}`, ErrResponse, "1 embeddings for 2 inputs"},
		{ProviderOllama, `{"embeddings":[[1,2],[1,2,3]]}`, ErrDimension, "returned 3 dimensions, expected 2"},
		{ProviderOllama, `{"embeddings":[[1,2],[]]}`, ErrResponse, "empty embedding"},
		{ProviderOllama, `{"error":"model \"m\" not found"}`, ErrResponse, "not found"},
		{ProviderOpenAI, `{"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]}`, ErrResponse, "repeated index"},
		{ProviderOpenAI, `{"data":[{"index":5,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]}`, ErrResponse, "bad or repeated index 5"},
		{ProviderOpenAI, `not json`, ErrResponse, "malformed JSON"},
		{ProviderOpenAI, `{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":["x"]}]}`, ErrResponse, "malformed JSON"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(c.body))
		}))
		cl, err := NewClient(Config{Provider: c.provider, Model: "m", URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.Embed(context.Background(), []string{"a", "b"})
		srv.Close()
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s %s: err = %v, want %v containing %q", c.provider, c.body, err, c.want, c.msg)
		}
	}
}

func TestClientDimensionMismatch(t *testing.T) {
	f := &fakeServer{provider: ProviderOpenAI, dim: 3}
	c := testClient(t, f, func(c *Config) { c.Dimensions = 8 })
	_, err := c.Embed(context.Background(), []string{"a"})
	if !errors.Is(err, ErrDimension) || !strings.Contains(err.Error(), "returned 3 dimensions, expected 8") {
		t.Fatalf("err = %v", err)
	}
	if c.ID() != "openai/"+strings.TrimPrefix(c.cfg.URL, "http://")+"/m/8" {
		t.Errorf("ID = %q", c.ID())
	}
}

func TestClientUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	for _, c := range []struct{ provider, want string }{
		{ProviderOllama, "cannot reach Ollama at " + url + ": connection refused; is `ollama serve` running?"},
		{ProviderOpenAI, "cannot reach OpenAI-compatible endpoint at " + url + ": connection refused; check CODEGRAPH_EMBEDDING_URL"},
	} {
		cl, err := NewClient(Config{Provider: c.provider, Model: "m", URL: url, RetryBase: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.Embed(context.Background(), []string{"a"})
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v\nwant %q", err, c.want)
		}
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cl, err := NewClient(Config{Provider: ProviderOllama, Model: "m", URL: srv.URL, Timeout: 30 * time.Millisecond,
		MaxRetries: 1, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.Embed(context.Background(), []string{"a"})
	if err == nil || !strings.Contains(err.Error(), "no response within 30ms") || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("err = %v", err)
	}
	// A cancelled caller context stops at once, without retries.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cl.Embed(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
}

func TestClientEndpoints(t *testing.T) {
	for _, c := range []struct{ provider, url, want string }{
		{ProviderOllama, "http://h:11434", "http://h:11434/api/embed"},
		{ProviderOllama, "http://h:11434/api/embed", "http://h:11434/api/embed"},
		{ProviderOpenAI, "https://api.openai.com", "https://api.openai.com/v1/embeddings"},
		{ProviderOpenAI, "http://localhost:1234/v1/", "http://localhost:1234/v1/embeddings"},
		{ProviderOpenAI, "https://api.jina.ai/v1/embeddings", "https://api.jina.ai/v1/embeddings"},
	} {
		cl, err := NewClient(Config{Provider: c.provider, Model: "m", URL: c.url})
		if err != nil {
			t.Fatal(err)
		}
		if cl.endpoint != c.want {
			t.Errorf("%s %s → %s, want %s", c.provider, c.url, cl.endpoint, c.want)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	cl, err := NewClient(Config{Provider: ProviderOllama, Model: "m", RetryBase: 100 * time.Millisecond, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		for range 20 {
			d := cl.backoff(attempt)
			if d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if d := retryAfter("7"); d != 7*time.Second {
		t.Errorf("retryAfter(7) = %v", d)
	}
	if d := retryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d < 59*time.Minute {
		t.Errorf("retryAfter(date) = %v", d)
	}
	if d := retryAfter("soon"); d != 0 {
		t.Errorf("retryAfter(soon) = %v", d)
	}
}

func FuzzClientDecode(f *testing.F) {
	for _, s := range []string{`{"embeddings":[[1,2],[3,4]]}`, `{"data":[{"index":1,"embedding":[1]},{"index":0,"embedding":[2]}]}`, `{"data":[{"index":-1}]}`, `null`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range []string{ProviderOllama, ProviderOpenAI} {
			cl, err := NewClient(Config{Provider: p, Model: "m"})
			if err != nil {
				t.Fatal(err)
			}
			vecs, err := cl.decode([]byte(body), 2)
			if err != nil {
				continue
			}
			if len(vecs) != 2 || len(vecs[0]) != cl.Dim() || len(vecs[1]) != cl.Dim() {
				t.Fatalf("%s: accepted %d vectors of dim %d", p, len(vecs), cl.Dim())
			}
		}
	})
}

func TestClientProbeLearnsDimension(t *testing.T) {
	f := &fakeServer{provider: ProviderOllama, dim: 5}
	c := testClient(t, f, nil)
	if c.Dim() != 0 || !strings.HasSuffix(c.ID(), "/m/0") {
		t.Fatalf("before probe: dim %d, ID %s", c.Dim(), c.ID())
	}
	if err := c.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Dim() != 5 || !strings.HasSuffix(c.ID(), "/m/5") {
		t.Errorf("after probe: dim %d, ID %s", c.Dim(), c.ID())
	}
	// Later responses of another dimension are refused, not mixed in.
	f.dimNow.Store(6)
	if _, err := c.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrDimension) {
		t.Errorf("dimension change: err = %v", err)
	}
}
