package server

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graphql"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
)

// testKeys are signing keys made once for the package's JWT tests (RSA
// generation takes a while).
type testKeys struct {
	rsa   *rsa.PrivateKey
	ec    *ecdsa.PrivateKey
	ed    ed25519.PrivateKey
	other *ecdsa.PrivateKey // not in any JWKS
}

var (
	jwtKeysOnce sync.Once
	jwtKeys     testKeys
)

func signingKeys(t testing.TB) testKeys {
	jwtKeysOnce.Do(func() {
		var err error
		if jwtKeys.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		jwtKeys.ec, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		jwtKeys.other, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		_, jwtKeys.ed, _ = ed25519.GenerateKey(rand.Reader)
	})
	return jwtKeys
}

var b64 = base64.RawURLEncoding

// jwkOf is the JWK of key's public half under kid.
func jwkOf(key crypto.Signer, kid string) map[string]string {
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
			"n": b64.EncodeToString(k.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())}
	case *ecdsa.PublicKey:
		b, _ := k.Bytes()
		return map[string]string{"kty": "EC", "kid": kid, "crv": "P-256", "x": b64.EncodeToString(b[1:33]), "y": b64.EncodeToString(b[33:])}
	case ed25519.PublicKey:
		return map[string]string{"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64.EncodeToString(k)}
	}
	panic("key type")
}

func jwksOf(keys ...map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

// signJWT makes a compact JWS of claims with header {alg, kid}.
func signJWT(t testing.TB, alg, kid string, key any, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	d := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
	case *ecdsa.PrivateKey:
		r, s, e := ecdsa.Sign(rand.Reader, k, d[:])
		err = e
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(input))
	case []byte: // HMAC secret
		m := hmac.New(sha256.New, k)
		m.Write([]byte(input))
		sig = m.Sum(nil)
	case nil:
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

func claims(sub, scope string, mods ...func(map[string]any)) map[string]any {
	c := map[string]any{"iss": "https://idp.example", "aud": "codegraph", "sub": sub,
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "scope": scope}
	for _, m := range mods {
		m(c)
	}
	return c
}

func TestJWTVerify(t *testing.T) {
	k := signingKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeFile(t, path, jwksOf(jwkOf(k.rsa, "r1"), jwkOf(k.ec, "e1"), jwkOf(k.ed, "d1")))
	v, err := newJWTVerifier(context.Background(), JWTOptions{JWKS: path, Issuer: "https://idp.example", Audience: "codegraph"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	pubPEM := func() []byte {
		der, _ := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}()
	cases := []struct {
		name  string
		tok   string
		scope Scope
		err   string
	}{
		{"RS256", signJWT(t, "RS256", "r1", k.rsa, claims("alice", "read write")), ScopeReadWrite, ""},
		{"ES256", signJWT(t, "ES256", "e1", k.ec, claims("bob", "openid read")), ScopeRead, ""},
		{"EdDSA", signJWT(t, "EdDSA", "d1", k.ed, claims("carol", "", func(c map[string]any) { delete(c, "scope"); c["roles"] = []string{"admin"} })), ScopeAdmin, ""},
		{"no kid", signJWT(t, "ES256", "", k.ec, claims("bob", "read")), ScopeRead, ""},
		{"no permission", signJWT(t, "ES256", "e1", k.ec, claims("dave", "openid profile")), 0, ""},
		{"aud array", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["aud"] = []string{"x", "codegraph"} })), ScopeRead, ""},
		{"within skew", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() })), ScopeRead, ""},
		{"expired", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), 0, "expired"},
		{"no exp", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { delete(c, "exp") })), 0, "no exp"},
		{"nbf future", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["nbf"] = now.Add(5 * time.Minute).Unix() })), 0, "nbf"},
		{"wrong issuer", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["iss"] = "https://evil.example" })), 0, "issuer"},
		{"wrong audience", signJWT(t, "ES256", "e1", k.ec, claims("bob", "read", func(c map[string]any) { c["aud"] = "other" })), 0, "audience"},
		{"alg none", signJWT(t, "none", "", nil, claims("bob", "admin")), 0, "alg none"},
		{"HS256 with the public key", signJWT(t, "HS256", "r1", pubPEM, claims("bob", "admin")), 0, "HS256"},
		{"HS256 with the modulus", signJWT(t, "HS256", "r1", k.rsa.N.Bytes(), claims("bob", "admin")), 0, "HS256"},
		{"other key", signJWT(t, "ES256", "e1", k.other, claims("bob", "admin")), 0, "bad signature"},
		{"alg swap", signJWT(t, "ES256", "r1", k.ec, claims("bob", "admin")), 0, "no key"},
		{"unknown kid", signJWT(t, "ES256", "zz", k.other, claims("bob", "admin")), 0, "no key"},
		{"tampered", func() string {
			tok := signJWT(t, "ES256", "e1", k.ec, claims("bob", "read"))
			parts := strings.Split(tok, ".")
			c, _ := json.Marshal(claims("bob", "admin"))
			return parts[0] + "." + b64.EncodeToString(c) + "." + parts[2]
		}(), 0, "bad signature"},
		{"garbage", "eyJhbGciOi.x.y", 0, "base64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := v.verify(context.Background(), c.tok, now)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, %v; want an error with %q", id, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.Scope != c.scope || !id.Authenticated || !strings.HasPrefix(id.Name, "jwt:") {
				t.Errorf("identity %+v, want scope %v", id, c.scope)
			}
		})
	}
}

// TestJWKSRotation: a JWKS URL is fetched again when a token names an
// unknown key, at most once per MinRefresh.
func TestJWKSRotation(t *testing.T) {
	k := signingKeys(t)
	var doc atomic.Value
	doc.Store(jwksOf(jwkOf(k.ec, "old")))
	var fetches atomic.Int32
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Write(doc.Load().([]byte))
	}))
	t.Cleanup(idp.Close)
	v, err := newJWTVerifier(context.Background(), JWTOptions{JWKS: idp.URL, MinRefresh: 200 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tokNew := signJWT(t, "ES256", "new", k.other, claims("bob", "read", func(c map[string]any) { c["exp"] = now.Add(3 * time.Hour).Unix() }))
	if _, err := v.verify(context.Background(), tokNew, now); err == nil {
		t.Fatal("a key not yet published was accepted")
	}
	// The provider rotates: new tokens name the new key.
	doc.Store(jwksOf(jwkOf(k.other, "new")))
	before := fetches.Load()
	for range 20 { // within MinRefresh: no fetch
		v.verify(context.Background(), tokNew, now)
	}
	if got := fetches.Load() - before; got != 0 {
		t.Errorf("%d fetches within MinRefresh, want 0", got)
	}
	if _, err := v.verify(context.Background(), tokNew, now.Add(time.Second)); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if got := fetches.Load() - before; got != 1 {
		t.Errorf("%d fetches for the rotation, want 1", got)
	}
	if _, err := v.verify(context.Background(), signJWT(t, "ES256", "old", k.ec, claims("bob", "read")), now.Add(time.Second)); err == nil {
		t.Error("a key removed from the JWKS is still accepted")
	}
	// A provider that fails keeps the keys held.
	doc.Store([]byte("oops"))
	before = fetches.Load()
	if _, err := v.verify(context.Background(), tokNew, now.Add(2*time.Hour)); err != nil {
		t.Errorf("a failed refresh dropped the keys: %v", err)
	}
	if fetches.Load() == before {
		t.Error("keys older than MaxAge were not fetched again")
	}
}

func TestJWKSRefused(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		"hmac only": `{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}]}`,
		"small rsa": func() string {
			sk, _ := rsa.GenerateKey(rand.Reader, 1024)
			return string(jwksOf(jwkOf(sk, "small")))
		}(),
		"off curve": `{"keys":[{"kty":"EC","crv":"P-256","x":"` + b64.EncodeToString(make([]byte, 32)) + `","y":"` + b64.EncodeToString(make([]byte, 32)) + `"}]}`,
		"not json":  `{`,
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		writeFile(t, p, []byte(doc))
		if _, err := newJWTVerifier(context.Background(), JWTOptions{JWKS: p}, nil); err == nil {
			t.Errorf("%s: JWKS accepted", name)
		}
	}
}

// TestJWTEveryDoor: a bad token is 401 with WWW-Authenticate in REST,
// GraphQL, MCP and the streams; a good token without the permission is
// 403; API keys (one stored hashed) work beside JWTs.
func TestJWTEveryDoor(t *testing.T) {
	k := signingKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeFile(t, path, jwksOf(jwkOf(k.ec, "e1")))
	svc, _ := fixtureService(t)
	m, err := cgmcp.New(cgmcp.Options{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	sum := sha256.Sum256([]byte("hashed-key-0123456789"))
	s, ts := newTestServer(t, Options{Service: svc,
		JWT:          &JWTOptions{JWKS: path, Issuer: "https://idp.example", Audience: "codegraph"},
		Keys:         []Key{{Name: "ci", Key: "sha256:" + hex.EncodeToString(sum[:]), Scope: "rw"}},
		Mount:        map[string]http.Handler{"/mcp": m.Handler(), "/graphql": graphql.NewHandler(svc, graphql.Options{})},
		StreamMounts: []string{"/mcp", "/graphql"}})
	s.failed = newLimiter(1e6, 1e6, nil) // many refusals from one address on purpose
	reader := "Bearer " + signJWT(t, "ES256", "e1", k.ec, claims("reader", "read"))
	nobody := "Bearer " + signJWT(t, "ES256", "e1", k.ec, claims("nobody", "openid"))
	expired := "Bearer " + signJWT(t, "ES256", "e1", k.ec, claims("reader", "read", func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }))
	forged := "Bearer " + signJWT(t, "ES256", "e1", k.other, claims("reader", "admin"))
	gql := `{"query":"{ __typename }"}`
	mcpInit := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
	doors := []struct{ method, path, body string }{
		{"GET", "/nodes?limit=1", ""},
		{"POST", "/graphql", gql},
		{"POST", "/mcp", mcpInit},
		{"GET", "/stream/nodes?limit=1", ""},
		{"GET", "/jobs", ""},
	}
	for _, d := range doors {
		for _, c := range []struct {
			name, auth string
			want       int
		}{{"none", "", 401}, {"expired", expired, 401}, {"forged", forged, 401}, {"malformed", "Bearer eyJ.x.y", 401},
			{"no permission", nobody, 403}, {"reader", reader, 200}} {
			hdr := []string{"Accept", "application/json, text/event-stream"}
			if c.auth != "" {
				hdr = append(hdr, "Authorization", c.auth)
			}
			st, h, body := call(t, ts, d.method, d.path, d.body, hdr...)
			if st != c.want {
				t.Errorf("%s %s with %s: %d %s, want %d", d.method, d.path, c.name, st, body, c.want)
			}
			if c.want == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), `Bearer realm="codegraph"`) {
				t.Errorf("%s %s with %s: WWW-Authenticate %q", d.method, d.path, c.name, h.Get("WWW-Authenticate"))
			}
		}
	}
	// A read token cannot write; the hashed key can.
	if st, _, body := call(t, ts, "POST", "/nodes", `{"kind":"function","name":"X","file":"x.go","line":1}`, "Authorization", reader); st != 403 || !strings.Contains(string(body), "jwt:reader") {
		t.Errorf("reader write: %d %s", st, body)
	}
	if st, _, body := call(t, ts, "POST", "/nodes", `{"kind":"function","name":"X","file":"x.go","line":1}`, "X-API-Key", "hashed-key-0123456789"); st != 201 {
		t.Errorf("hashed key write: %d %s", st, body)
	}
	if st, _, _ := call(t, ts, "GET", "/nodes?limit=1", "", "X-API-Key", "sha256:"+hex.EncodeToString(sum[:])); st != 401 {
		t.Errorf("the stored digest itself works as a key: %d", st)
	}
}

func TestHashedKeyValidation(t *testing.T) {
	for _, k := range []string{"sha256:abc", "sha256:" + strings.Repeat("zz", 32)} {
		if _, err := newKeyring([]Key{{Key: k, Scope: "ro"}}); err == nil {
			t.Errorf("%q accepted", k)
		}
	}
}

func FuzzParseJWT(f *testing.F) {
	k := signingKeys(f)
	f.Add(signJWT(f, "ES256", "e1", k.ec, claims("a", "read")))
	f.Add(signJWT(f, "EdDSA", "d1", k.ed, claims("a", "read")))
	f.Add(signJWT(f, "none", "", nil, claims("a", "read")))
	f.Add("eyJ..")
	f.Add("eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOlsxXX0.AA")
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := parseJWT(tok)
		if err != nil {
			return
		}
		_ = p.verifySignature(&k.ec.PublicKey)
		_ = p.verifySignature(k.ed.Public())
		_ = p.checkClaims(&JWTOptions{Issuer: "i", Audience: "a"}, time.Now())
		_ = p.claims.access()
	})
}

// FuzzJWKS feeds key sets to the JWKS parser (a file or URL the operator
// names, or an identity provider's answer): it never panics, and every
// key it accepts is usable (a known type with a public key).
func FuzzJWKS(f *testing.F) {
	for _, s := range []string{
		`{"keys":[]}`,
		`{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`,
		`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"b","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`,
		`{"keys":[{"kty":"RSA","kid":"c","n":"AQAB","e":"AQAB"}]}`,
		`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`,
		`{"keys":null}`, `[]`, `{"keys":[{"kty":"EC","crv":"P-521","x":"","y":""}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := parseJWKS(b)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.key == nil {
				t.Fatalf("accepted a key without a public key: %+v", k)
			}
		}
	})
}
