package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one codegraph server. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	hc        *http.Client
	apiKey    string
	bearer    string
	repo      string
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sends key in the X-API-Key header of every request.
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithBearerToken sends "Authorization: Bearer token" with every request
// (an API key or a JWT).
func WithBearerToken(token string) Option { return func(c *Client) { c.bearer = token } }

// WithHTTPClient uses hc for the requests (timeouts, TLS, proxies);
// http.DefaultClient otherwise.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithRepo names the repository every request is about, for servers that
// serve several (the server's default repository otherwise).
func WithRepo(name string) Option { return func(c *Client) { c.repo = name } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL (for example
// "http://localhost:8080"; a path prefix is kept, for servers behind a
// proxy).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("codegraph client: base URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("codegraph client: base URL %q: want http://HOST[:PORT] or https://...", baseURL)
	}
	c := &Client{base: u, hc: http.DefaultClient, userAgent: "codegraph-go-client"}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	return c, nil
}

// Repo returns a copy of the client whose requests are about the
// repository name.
func (c *Client) Repo(name string) *Client {
	cc := *c
	cc.repo = name
	return &cc
}

// request is one API call.
type request struct {
	method string
	path   string // escaped path under the base URL
	query  url.Values
	body   any    // JSON-encoded when non-nil
	accept string // Accept header; application/json when empty
	noRepo bool   // the route takes no repo parameter
}

// send makes the request and returns the response when its status is
// 2xx; otherwise it reads the error answer into an *APIError.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	u, err := url.Parse(c.base.String() + r.path)
	if err != nil {
		return nil, fmt.Errorf("codegraph client: %s: %w", r.path, err)
	}
	q := r.query
	if q == nil {
		q = url.Values{}
	}
	if c.repo != "" && !r.noRepo && q.Get("repo") == "" {
		q.Set("repo", c.repo)
	}
	u.RawQuery = q.Encode()
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("codegraph client: encode %s %s: %w", r.method, r.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("codegraph client: %w", err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.apiKey != "" {
		req.Header.Set("X-API-Key", c.apiKey)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("codegraph client: %s %s: %w", r.method, u.Redacted(), err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return nil, errorOf(resp, b)
}

// do makes the request and decodes a JSON answer into out (when non-nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("codegraph client: decode answer of %s %s: %w", r.method, r.path, err)
	}
	return nil
}

// raw makes the request and returns the whole body.
func (c *Client) raw(ctx context.Context, r request) ([]byte, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("codegraph client: read answer of %s %s: %w", r.method, r.path, err)
	}
	return b, nil
}

// values builds query parameters, leaving out empty ones.
type values url.Values

func (v values) str(k, s string) values {
	if s != "" {
		url.Values(v).Set(k, s)
	}
	return v
}

func (v values) int(k string, n int) values {
	if n != 0 {
		url.Values(v).Set(k, fmt.Sprint(n))
	}
	return v
}

func (v values) float(k string, f float64) values {
	if f != 0 {
		url.Values(v).Set(k, fmt.Sprint(f))
	}
	return v
}

func (v values) bool(k string, b bool) values {
	if b {
		url.Values(v).Set(k, "true")
	}
	return v
}

// list sends a list as one comma-separated parameter.
func (v values) list(k string, l []string) values {
	if len(l) > 0 {
		url.Values(v).Set(k, strings.Join(l, ","))
	}
	return v
}

// each repeats the parameter once per element (path globs may hold commas).
func (v values) each(k string, l []string) values {
	for _, s := range l {
		url.Values(v).Add(k, s)
	}
	return v
}

func seg(s string) string { return url.PathEscape(s) }

var errEmpty = errors.New("codegraph client: empty argument")

func need(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%w: %s is required", errEmpty, name)
	}
	return nil
}
