package embed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Embedder maps texts to vectors of one fixed dimension. ID names the
// provider, model and dimension: vectors with different IDs must never be
// mixed in one index, so a change of ID means a clean rebuild. The search
// layer declares the same method set where it consumes embedders; this
// copy lets New return any of the providers.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Dim() int
	ID() string
}

// DocEmbedder is implemented by embedders that weight a symbol's fields
// themselves (the built-in Model); others embed Doc.Text.
type DocEmbedder interface {
	EmbedDocs(ctx context.Context, docs []Doc) ([][]float32, error)
}

// EmbedDocs embeds symbols with e: through EmbedDocs when e weights fields
// itself, else by embedding each Doc's Text.
func EmbedDocs(ctx context.Context, e Embedder, docs []Doc) ([][]float32, error) {
	if de, ok := e.(DocEmbedder); ok {
		return de.EmbedDocs(ctx, docs)
	}
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text()
	}
	return e.Embed(ctx, texts)
}

// Provider names.
const (
	ProviderBuiltin = "builtin"
	ProviderOllama  = "ollama"
	ProviderOpenAI  = "openai"
)

// Config selects and configures an embedding provider. Fill it from a
// config file section (Apply), the environment (ApplyEnv) and flags, in
// that order of precedence, then call WithDefaults and Validate.
type Config struct {
	// Provider is "builtin" (default), "ollama" or "openai" (any
	// OpenAI-compatible /v1/embeddings endpoint).
	Provider string `json:"provider,omitempty"`
	// Model is the provider's model name (required for HTTP providers).
	Model string `json:"model,omitempty"`
	// URL is the endpoint's base URL (default http://localhost:11434 for
	// Ollama, https://api.openai.com for OpenAI). A URL that already ends
	// in the API path (/api/embed, /v1/embeddings) is used as is.
	URL string `json:"url,omitempty"`
	// APIKey is sent as "Authorization: Bearer KEY" (OpenAI-compatible).
	APIKey string `json:"api_key,omitempty"`
	// Dimensions is the expected vector dimension: for the built-in model
	// the dimension it fits (default 256); for HTTP providers the dimension
	// requested (OpenAI "dimensions") and checked on every response, or 0
	// to take it from the first response.
	Dimensions int `json:"dimensions,omitempty"`
	// BatchSize is how many texts go in one request (default 64).
	BatchSize int `json:"batch_size,omitempty"`
	// Timeout bounds one HTTP request (default 60 s).
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxRetries is how many times a request is retried after a 429, a 5xx
	// or a network error (default 4; negative for none).
	MaxRetries int `json:"max_retries,omitempty"`
	// RetryBase is the first backoff delay, doubled on each retry and
	// jittered (default 500 ms); MaxBackoff caps one delay, Retry-After
	// included (default 30 s).
	RetryBase  time.Duration `json:"-"`
	MaxBackoff time.Duration `json:"-"`
	// HTTPClient is the client to use (default: a new http.Client).
	HTTPClient *http.Client `json:"-"`
}

// Config keys, shared by config file sections and the environment.
var configKeys = map[string]string{
	"provider": "CODEGRAPH_EMBEDDING_PROVIDER", "model": "CODEGRAPH_EMBEDDING_MODEL",
	"url": "CODEGRAPH_EMBEDDING_URL", "api_key": "CODEGRAPH_EMBEDDING_API_KEY",
	"dimensions": "CODEGRAPH_EMBEDDING_DIMENSIONS", "batch_size": "CODEGRAPH_EMBEDDING_BATCH_SIZE",
	"timeout": "CODEGRAPH_EMBEDDING_TIMEOUT", "max_retries": "CODEGRAPH_EMBEDDING_MAX_RETRIES",
}

// Apply sets the fields named in section, a config file's key/value
// section: provider, model, url, api_key, dimensions, batch_size, timeout
// (a Go duration or seconds), max_retries. Unknown keys are an error.
func (c *Config) Apply(section map[string]string) error {
	for k, v := range section {
		if _, ok := configKeys[k]; !ok {
			return fmt.Errorf("embedding config: unknown key %q", k)
		}
		if err := c.set(k, v); err != nil {
			return fmt.Errorf("embedding config: %w", err)
		}
	}
	return nil
}

// ApplyEnv sets the fields whose CODEGRAPH_EMBEDDING_* variable is set
// (getenv is os.Getenv in production).
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for k, env := range configKeys {
		if v := getenv(env); v != "" {
			if err := c.set(k, v); err != nil {
				return fmt.Errorf("%s: %w", env, err)
			}
		}
	}
	return nil
}

func (c *Config) set(key, v string) error {
	v = strings.TrimSpace(v)
	atoi := func() (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s: %q is not a non-negative integer", key, v)
		}
		return n, nil
	}
	var err error
	switch key {
	case "provider":
		c.Provider = strings.ToLower(v)
	case "model":
		c.Model = v
	case "url":
		c.URL = v
	case "api_key":
		c.APIKey = v
	case "dimensions":
		c.Dimensions, err = atoi()
	case "batch_size":
		c.BatchSize, err = atoi()
	case "max_retries":
		c.MaxRetries, err = atoi()
	case "timeout":
		if n, e := strconv.ParseFloat(v, 64); e == nil && n > 0 {
			c.Timeout = time.Duration(n * float64(time.Second))
		} else if d, e := time.ParseDuration(v); e == nil && d > 0 {
			c.Timeout = d
		} else {
			err = fmt.Errorf("timeout: %q is neither a duration (30s) nor seconds", v)
		}
	}
	return err
}

// WithDefaults fills unset fields.
func (c Config) WithDefaults() Config {
	if c.Provider == "" {
		c.Provider = ProviderBuiltin
	}
	if c.URL == "" {
		switch c.Provider {
		case ProviderOllama:
			c.URL = "http://localhost:11434"
		case ProviderOpenAI:
			c.URL = "https://api.openai.com"
		}
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 64
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = 4
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	return c
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid embedding configuration")

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	switch c.Provider {
	case ProviderBuiltin:
		if c.Dimensions > 4096 {
			return fmt.Errorf("%w: dimensions %d too large for the built-in model (max 4096)", ErrConfig, c.Dimensions)
		}
	case ProviderOllama, ProviderOpenAI:
		if c.Model == "" {
			return fmt.Errorf("%w: provider %s needs a model (CODEGRAPH_EMBEDDING_MODEL)", ErrConfig, c.Provider)
		}
		if !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
			return fmt.Errorf("%w: url %q must start with http:// or https://", ErrConfig, c.URL)
		}
	default:
		return fmt.Errorf("%w: unknown provider %q (want builtin, ollama or openai)", ErrConfig, c.Provider)
	}
	return nil
}

// BuiltinOptions returns the built-in model's options for c.
func (c Config) BuiltinOptions() Options { return Options{Dim: c.Dimensions} }

// New returns the embedder cfg selects: builtin (the fitted or loaded model
// the caller passes; it must match cfg's dimension when one is set), or an
// HTTP Client.
func New(cfg Config, builtin *Model) (Embedder, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Provider != ProviderBuiltin {
		return NewClient(cfg)
	}
	if builtin == nil {
		return nil, fmt.Errorf("%w: the built-in provider needs a fitted model", ErrConfig)
	}
	if cfg.Dimensions > 0 && cfg.Dimensions != builtin.Dim() {
		return nil, fmt.Errorf("%w: built-in model has %d dimensions, %d configured: refit", ErrDimension, builtin.Dim(), cfg.Dimensions)
	}
	return builtin, nil
}
