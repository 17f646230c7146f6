package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Scope is what an API key may do: the service's access levels, the one
// permission model of every front door.
type Scope = service.Access

// Scopes, weakest first.
const (
	// ScopeRead allows reads: GET routes, search, parsing, streams.
	ScopeRead = service.ReadOnly
	// ScopeReadWrite also allows writes: node mutations, index jobs,
	// cancelling jobs.
	ScopeReadWrite = service.ReadWrite
	// ScopeAdmin also allows rebuilding indexes from scratch (GraphQL
	// rebuildIndex).
	ScopeAdmin = service.Admin
)

// ParseScope reads "ro"/"read"/"read-only", "rw"/"write"/"read-write" or
// "admin".
func ParseScope(s string) (Scope, error) { return service.ParseAccess(s) }

// Key is one API key and its scope. Name labels it in logs and metrics
// (never the key itself).
type Key struct {
	Name string `json:"name,omitempty"`
	// Key is the key itself, or "sha256:HEX" its SHA-256 digest in hex
	// (printf %s KEY | sha256sum), so the configuration need not hold it.
	Key   string `json:"key"`
	Scope string `json:"scope"` // ro, rw or admin

	digest [32]byte // of a sha256: key
}

// minKeyLen is the shortest key accepted: shorter ones are guessable.
const minKeyLen = 8

// ParseKeys reads the CODEGRAPH_API_KEYS form: "key1:rw,key2:ro" (a key
// without a scope is read-only).
func ParseKeys(s string) ([]Key, error) {
	var out []Key
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, scope, ok := strings.Cut(f, ":")
		if !ok {
			scope = "ro"
		}
		out = append(out, Key{Name: fmt.Sprintf("env-%d", i+1), Key: k, Scope: scope})
	}
	return out, nil
}

// Config is the serve configuration file (JSON):
//
//	{
//	  "api_keys": [{"name": "ci", "key": "...", "scope": "rw"}],
//	  "cors_origins": ["https://dash.example.com"],
//	  "rate_limit": 50, "rate_burst": 100
//	}
type Config struct {
	APIKeys     []Key    `json:"api_keys,omitempty"`
	CORSOrigins []string `json:"cors_origins,omitempty"`
	// RateLimit is the sustained requests per second per key (per client
	// address when no keys are configured); 0 means the default, a
	// negative value turns limiting off.
	RateLimit float64 `json:"rate_limit,omitempty"`
	RateBurst int     `json:"rate_burst,omitempty"`
	// AllowedHosts are the Host header names served (Options.AllowedHosts).
	AllowedHosts []string `json:"allowed_hosts,omitempty"`
	// RoleBindings give identities roles per repository (Options.RoleBindings).
	RoleBindings []RoleBinding `json:"role_bindings,omitempty"`
}

// LoadConfig reads a JSON config file; unknown fields are an error.
func LoadConfig(path string) (Config, error) {
	var c Config
	f, err := os.Open(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return decodeConfig(f, path)
}

// decodeConfig reads a JSON config from r (named path in errors): one
// object, unknown fields refused.
func decodeConfig(r io.Reader, path string) (Config, error) {
	var c Config
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return c, fmt.Errorf("config %s: more than one JSON value", path)
	}
	return c, nil
}

// keyring checks presented keys. Keys are kept as SHA-256 digests and
// compared in constant time, so neither the map nor timing reveals them.
type keyring struct {
	keys []storedKey
}

type storedKey struct {
	name   string
	digest [32]byte
	scope  Scope
}

func newKeyring(keys []Key) (*keyring, error) {
	kr := &keyring{}
	seen := map[[32]byte]bool{}
	for i, k := range keys {
		if h, ok := strings.CutPrefix(k.Key, "sha256:"); ok {
			// Stored hashed: the configuration never holds the key.
			b, err := hex.DecodeString(h)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("api key %d (%s): sha256: needs 64 hexadecimal digits (sha256sum of the key)", i+1, k.Name)
			}
			k.Key, k.digest = "", [32]byte(b)
		} else if len(k.Key) < minKeyLen {
			return nil, fmt.Errorf("api key %d (%s): keys must be at least %d characters", i+1, k.Name, minKeyLen)
		}
		if strings.ContainsAny(k.Key, " \t\r\n,") {
			return nil, fmt.Errorf("api key %d (%s): keys must not contain spaces or commas", i+1, k.Name)
		}
		sc, err := ParseScope(k.Scope)
		if err != nil {
			return nil, fmt.Errorf("api key %d (%s): %w", i+1, k.Name, err)
		}
		d := k.digest
		if k.Key != "" {
			d = sha256.Sum256([]byte(k.Key))
		}
		if seen[d] {
			return nil, fmt.Errorf("api key %d (%s) is given twice", i+1, k.Name)
		}
		seen[d] = true
		name := k.Name
		if name == "" {
			name = fmt.Sprintf("key-%d", i+1)
		}
		kr.keys = append(kr.keys, storedKey{name: name, digest: d, scope: sc})
	}
	return kr, nil
}

func (kr *keyring) enabled() bool { return kr != nil && len(kr.keys) > 0 }

// lookup returns the key presented, if it is one of ours.
func (kr *keyring) lookup(presented string) (storedKey, bool) {
	d := sha256.Sum256([]byte(presented))
	var found storedKey
	ok := 0
	for _, k := range kr.keys {
		if subtle.ConstantTimeCompare(d[:], k.digest[:]) == 1 {
			found = k
			ok = 1
		}
	}
	return found, ok == 1
}

// IsLoopback reports whether a listen address binds only the loopback
// interface ("127.0.0.1:8080", "[::1]:80", "localhost:8080"). An empty
// host (":8080") binds every interface.
func IsLoopback(addr string) bool {
	host := hostOf(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostOf is the host part of a host:port address (addr itself without a
// port).
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}
