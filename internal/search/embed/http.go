package embed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrUnreachable is wrapped when an HTTP provider's endpoint cannot be
// reached at all (connection refused, unknown host).
var ErrUnreachable = errors.New("embedding endpoint unreachable")

// ErrDimension is wrapped when a provider returns vectors of another
// dimension than configured or than it returned before.
var ErrDimension = errors.New("embedding dimension mismatch")

// ErrResponse is wrapped when a provider's response cannot be used
// (malformed JSON, wrong count of vectors, non-retryable HTTP status).
var ErrResponse = errors.New("bad embedding response")

// Client embeds through an HTTP provider: Ollama's /api/embed or an
// OpenAI-compatible /v1/embeddings endpoint. It batches, retries 429, 5xx
// and network errors with exponential backoff and jitter (honouring
// Retry-After), and bounds each request by Config.Timeout. Safe for
// concurrent use.
type Client struct {
	cfg      Config
	endpoint string
	name     string // "Ollama" or "OpenAI-compatible endpoint", for messages

	mu  sync.Mutex
	dim int
	rng *rand.Rand
}

// NewClient returns a client for cfg's HTTP provider (ollama or openai).
func NewClient(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, dim: cfg.Dimensions, rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))}
	base := strings.TrimRight(cfg.URL, "/")
	switch cfg.Provider {
	case ProviderOllama:
		c.name = "Ollama"
		c.endpoint = base
		if !strings.HasSuffix(base, "/api/embed") {
			c.endpoint = base + "/api/embed"
		}
	case ProviderOpenAI:
		c.name = "OpenAI-compatible endpoint"
		switch {
		case strings.HasSuffix(base, "/embeddings"):
			c.endpoint = base
		case strings.HasSuffix(base, "/v1"):
			c.endpoint = base + "/embeddings"
		default:
			c.endpoint = base + "/v1/embeddings"
		}
	default:
		return nil, fmt.Errorf("%w: provider %q is not an HTTP provider", ErrConfig, cfg.Provider)
	}
	if _, err := url.Parse(c.endpoint); err != nil {
		return nil, fmt.Errorf("%w: url: %v", ErrConfig, err)
	}
	return c, nil
}

// Dim returns the vector dimension: the configured one, else the one of
// the first response (0 before any).
func (c *Client) Dim() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dim
}

// ID names provider, endpoint, model and dimension.
func (c *Client) ID() string {
	host := c.cfg.URL
	if u, err := url.Parse(c.cfg.URL); err == nil {
		host = u.Host
	}
	return fmt.Sprintf("%s/%s/%s/%d", c.cfg.Provider, host, c.cfg.Model, c.Dim())
}

// Probe embeds one short text to check the endpoint and learn the
// dimension; call it before ID when Dimensions is not configured.
func (c *Client) Probe(ctx context.Context) error {
	_, err := c.Embed(ctx, []string{"probe"})
	return err
}

// Embed returns one unit vector per text, in order, sending BatchSize texts per
// request.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for lo := 0; lo < len(texts); lo += c.cfg.BatchSize {
		batch := texts[lo:min(lo+c.cfg.BatchSize, len(texts))]
		vecs, err := c.embedBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (c *Client) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	req := map[string]any{"model": c.cfg.Model, "input": texts}
	if c.cfg.Provider == ProviderOpenAI && c.cfg.Dimensions > 0 {
		req["dimensions"] = c.cfg.Dimensions
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		data, retryAfter, err := c.post(ctx, body)
		if err == nil {
			return c.decode(data, len(texts))
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var re *retryable
		if !errors.As(err, &re) {
			return nil, err
		}
		if attempt >= c.cfg.MaxRetries {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
		}
		delay := c.backoff(attempt)
		if retryAfter > 0 {
			delay = min(retryAfter, c.cfg.MaxBackoff)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is the delay before retry attempt+1: RetryBase·2^attempt, capped,
// with full jitter over its upper half.
func (c *Client) backoff(attempt int) time.Duration {
	d := float64(c.cfg.RetryBase) * math.Pow(2, float64(attempt))
	d = math.Min(d, float64(c.cfg.MaxBackoff))
	c.mu.Lock()
	j := c.rng.Float64()
	c.mu.Unlock()
	return time.Duration(d/2 + d/2*j)
}

// retryable marks an error worth retrying.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// post sends one request and returns the body of a 2xx response.
func (c *Client) post(ctx context.Context, body []byte) ([]byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, 0, c.networkError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 512<<20))
	if err != nil {
		return nil, 0, &retryable{fmt.Errorf("%s at %s: reading response: %w", c.name, c.cfg.URL, err)}
	}
	if resp.StatusCode/100 == 2 {
		return data, 0, nil
	}
	msg := fmt.Errorf("%w: %s at %s: HTTP %d: %s", ErrResponse, c.name, c.cfg.URL, resp.StatusCode, snippet(data))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, retryAfter(resp.Header.Get("Retry-After")), &retryable{msg}
	}
	return nil, 0, msg
}

// networkError classifies a transport error: refused connections and
// unknown hosts are reported at once with a hint; others are retried.
func (c *Client) networkError(ctx context.Context, err error) error {
	if ctx.Err() == context.DeadlineExceeded {
		return &retryable{fmt.Errorf("%s at %s: no response within %s", c.name, c.cfg.URL, c.cfg.Timeout)}
	}
	var dnsErr *net.DNSError
	if errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) {
		reason := "connection refused"
		if dnsErr != nil {
			reason = "unknown host " + dnsErr.Name
		}
		hint := "check CODEGRAPH_EMBEDDING_URL"
		if c.cfg.Provider == ProviderOllama {
			hint = "is `ollama serve` running?"
		}
		return fmt.Errorf("%w: cannot reach %s at %s: %s; %s", ErrUnreachable, c.name, c.cfg.URL, reason, hint)
	}
	return &retryable{fmt.Errorf("%s at %s: %w", c.name, c.cfg.URL, err)}
}

func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// decode parses a response body in the provider's wire format and checks
// count and dimension.
func (c *Client) decode(data []byte, n int) ([][]float32, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s at %s: %s", ErrResponse, c.name, c.cfg.URL, fmt.Sprintf(format, args...))
	}
	var vecs [][]float32
	switch c.cfg.Provider {
	case ProviderOllama:
		var r struct {
			Embeddings [][]float32 `json:"embeddings"`
			Error      string      `json:"error"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, bad("malformed JSON: %v", err)
		}
		if r.Error != "" {
			return nil, bad("%s", r.Error)
		}
		vecs = r.Embeddings
	default:
		var r struct {
			Data []struct {
				Index     *int      `json:"index"`
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, bad("malformed JSON: %v", err)
		}
		vecs = make([][]float32, len(r.Data))
		for i, d := range r.Data {
			idx := i
			if d.Index != nil {
				idx = *d.Index
			}
			if idx < 0 || idx >= len(vecs) || vecs[idx] != nil {
				return nil, bad("bad or repeated index %d", idx)
			}
			vecs[idx] = d.Embedding
		}
	}
	if len(vecs) != n {
		return nil, bad("%d embeddings for %d inputs", len(vecs), n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range vecs {
		if len(v) == 0 {
			return nil, bad("empty embedding")
		}
		if c.dim == 0 {
			c.dim = len(v)
		}
		if len(v) != c.dim {
			return nil, fmt.Errorf("%w: %s at %s returned %d dimensions, expected %d", ErrDimension, c.name, c.cfg.URL, len(v), c.dim)
		}
		normalize(v)
	}
	return vecs, nil
}
