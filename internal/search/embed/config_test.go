package embed

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigEnvAndSection(t *testing.T) {
	var c Config
	if err := c.Apply(map[string]string{"provider": "ollama", "model": "nomic-embed-text", "batch_size": "16"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"CODEGRAPH_EMBEDDING_PROVIDER":   "OpenAI",
		"CODEGRAPH_EMBEDDING_URL":        "http://localhost:1234",
		"CODEGRAPH_EMBEDDING_API_KEY":    "k",
		"CODEGRAPH_EMBEDDING_DIMENSIONS": "768",
		"CODEGRAPH_EMBEDDING_TIMEOUT":    "2.5",
	}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	c = c.WithDefaults()
	want := Config{Provider: "openai", Model: "nomic-embed-text", URL: "http://localhost:1234", APIKey: "k", Dimensions: 768, BatchSize: 16, Timeout: 2500 * time.Millisecond, MaxRetries: 4}
	if c.Provider != want.Provider || c.Model != want.Model || c.URL != want.URL || c.APIKey != want.APIKey ||
		c.Dimensions != want.Dimensions || c.BatchSize != want.BatchSize || c.Timeout != want.Timeout || c.MaxRetries != want.MaxRetries {
		t.Errorf("config = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

func TestConfigErrors(t *testing.T) {
	var c Config
	for _, bad := range []map[string]string{{"colour": "blue"}, {"dimensions": "-3"}, {"batch_size": "many"}, {"timeout": "soon"}} {
		if err := c.Apply(bad); err == nil {
			t.Errorf("Apply(%v) accepted", bad)
		}
	}
	if err := c.ApplyEnv(func(k string) string {
		if k == "CODEGRAPH_EMBEDDING_DIMENSIONS" {
			return "x"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "CODEGRAPH_EMBEDDING_DIMENSIONS") {
		t.Errorf("ApplyEnv err = %v", err)
	}
	for _, c := range []Config{
		{Provider: "ollama"},
		{Provider: "openai", Model: "m", URL: "ftp://x"},
		{Provider: "word2vec"},
		{Provider: "builtin", Dimensions: 100000},
	} {
		if err := c.WithDefaults().Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("Validate(%+v) = %v", c, err)
		}
	}
	if c := (Config{}).WithDefaults(); c.Provider != ProviderBuiltin || c.Validate() != nil {
		t.Errorf("default config = %+v", c)
	}
	if c := (Config{Provider: "ollama", Model: "m"}).WithDefaults(); c.URL != "http://localhost:11434" {
		t.Errorf("ollama default URL = %q", c.URL)
	}
}

func TestNewSelectsProvider(t *testing.T) {
	if _, err := New(Config{}, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("builtin without a model: %v", err)
	}
	e, err := New(Config{Provider: "ollama", Model: "m"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.(*Client); !ok {
		t.Errorf("ollama gave %T", e)
	}
}
