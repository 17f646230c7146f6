package server

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// JWTOptions configure JSON Web Tokens as credentials (Options.JWT):
// "Authorization: Bearer JWT" signed with RS256, ES256 or EdDSA by a key
// of the JWKS.
type JWTOptions struct {
	// JWKS is where the signing keys are: a file path or an http(s) URL
	// (an OIDC provider's jwks_uri). A file is read again when it
	// changes; a URL is fetched again when a token names an unknown key
	// (at most once per MinRefresh) and after MaxAge.
	JWKS string
	// Issuer and Audience, when set, must match the iss claim and one of
	// the aud claim's values.
	Issuer, Audience string
	// Skew is the clock difference tolerated on exp, nbf and iat (0: one
	// minute).
	Skew time.Duration
	// MinRefresh is the least time between two fetches of a JWKS URL
	// (0: 30 s); MaxAge how long fetched keys are used before fetching
	// again (0: one hour).
	MinRefresh, MaxAge time.Duration
	// Client fetches a JWKS URL (nil: a client with a 10 s timeout).
	Client *http.Client
}

// Limits on what a client or a JWKS endpoint can make the server read.
const (
	maxJWTBytes  = 16 << 10
	maxJWKSBytes = 1 << 20
)

// errJWT is wrapped by every reason a token is refused.
var errJWT = errors.New("invalid token")

// jwtHeader is the JOSE header fields looked at.
type jwtHeader struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Typ  string          `json:"typ"`
	Crit json.RawMessage `json:"crit"`
}

// jwtClaims are the claims looked at.
type jwtClaims struct {
	Iss   string          `json:"iss"`
	Sub   string          `json:"sub"`
	Aud   json.RawMessage `json:"aud"`
	Exp   *float64        `json:"exp"`
	Nbf   *float64        `json:"nbf"`
	Iat   *float64        `json:"iat"`
	Scope string          `json:"scope"`
	Roles []string        `json:"roles"`
	// Groups name the subject's groups, for role bindings (group:NAME).
	Groups []string `json:"groups"`
}

// audiences is the aud claim as a list (it may be a string or an array).
func (c *jwtClaims) audiences() ([]string, error) {
	if len(c.Aud) == 0 || string(c.Aud) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(c.Aud, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(c.Aud, &many); err != nil {
		return nil, fmt.Errorf("%w: aud is neither a string nor an array of strings", errJWT)
	}
	return many, nil
}

// access is the permission the token grants: the highest of read, write
// and admin named in scope (space separated) or roles; 0 if none.
func (c *jwtClaims) access() Scope {
	var best Scope
	for _, n := range append(strings.Fields(c.Scope), c.Roles...) {
		var a Scope
		switch n {
		case "read":
			a = ScopeRead
		case "write":
			a = ScopeReadWrite
		case "admin":
			a = ScopeAdmin
		}
		best = max(best, a)
	}
	return best
}

// parsedJWT is a token split and decoded, its signature not yet checked.
type parsedJWT struct {
	header       jwtHeader
	claims       jwtClaims
	signingInput []byte
	sig          []byte
}

// looksLikeJWT tells a compact JWS apart from an API key.
func looksLikeJWT(tok string) bool {
	return strings.HasPrefix(tok, "eyJ") && strings.Count(tok, ".") == 2
}

// parseJWT splits and decodes a compact JWS: only the algorithms
// accepted (RS256, ES256, EdDSA), no critical extensions, no padding.
func parseJWT(tok string) (*parsedJWT, error) {
	if len(tok) > maxJWTBytes {
		return nil, fmt.Errorf("%w: longer than %d bytes", errJWT, maxJWTBytes)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not three dot-separated parts", errJWT)
	}
	var raw [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.Strict().DecodeString(p)
		if err != nil {
			return nil, fmt.Errorf("%w: part %d is not unpadded base64url", errJWT, i+1)
		}
		raw[i] = b
	}
	p := &parsedJWT{signingInput: []byte(parts[0] + "." + parts[1]), sig: raw[2]}
	if err := strictJSON(raw[0], &p.header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errJWT, err)
	}
	switch p.header.Alg {
	case "RS256", "ES256", "EdDSA":
	case "", "none", "None", "NONE":
		return nil, fmt.Errorf("%w: unsigned tokens (alg none) are refused", errJWT)
	default:
		return nil, fmt.Errorf("%w: alg %q is not accepted (RS256, ES256 or EdDSA)", errJWT, p.header.Alg)
	}
	if len(p.header.Crit) > 0 {
		return nil, fmt.Errorf("%w: critical header extensions are not supported", errJWT)
	}
	if err := strictJSON(raw[1], &p.claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", errJWT, err)
	}
	if len(p.sig) == 0 {
		return nil, fmt.Errorf("%w: no signature", errJWT)
	}
	return p, nil
}

// strictJSON decodes one JSON object into v (unknown fields ignored:
// tokens carry many claims), refusing trailing data.
func strictJSON(b []byte, v any) error {
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// verifySignature checks p's signature with key, which must be of the
// type p's alg names: an RSA key for RS256, a P-256 key for ES256, an
// Ed25519 key for EdDSA (so no key can be used under another algorithm).
func (p *parsedJWT) verifySignature(key crypto.PublicKey) error {
	bad := fmt.Errorf("%w: bad signature", errJWT)
	switch p.header.Alg {
	case "RS256":
		k, ok := key.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: key is not an RSA key", errJWT)
		}
		h := sha256.Sum256(p.signingInput)
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], p.sig) != nil {
			return bad
		}
	case "ES256":
		k, ok := key.(*ecdsa.PublicKey)
		if !ok || k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: key is not a P-256 key", errJWT)
		}
		if len(p.sig) != 64 {
			return bad
		}
		h := sha256.Sum256(p.signingInput)
		r, s := new(big.Int).SetBytes(p.sig[:32]), new(big.Int).SetBytes(p.sig[32:])
		if !ecdsa.Verify(k, h[:], r, s) {
			return bad
		}
	case "EdDSA":
		k, ok := key.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("%w: key is not an Ed25519 key", errJWT)
		}
		if len(p.sig) != ed25519.SignatureSize || !ed25519.Verify(k, p.signingInput, p.sig) {
			return bad
		}
	default:
		return fmt.Errorf("%w: alg %q", errJWT, p.header.Alg)
	}
	return nil
}

// checkClaims checks the times (with skew), the issuer and the audience.
func (p *parsedJWT) checkClaims(o *JWTOptions, now time.Time) error {
	c := &p.claims
	skew := o.Skew.Seconds()
	t := float64(now.Unix())
	if c.Exp == nil {
		return fmt.Errorf("%w: no exp claim", errJWT)
	}
	if math.IsNaN(*c.Exp) || t > *c.Exp+skew {
		return fmt.Errorf("%w: expired", errJWT)
	}
	if c.Nbf != nil && (math.IsNaN(*c.Nbf) || t+skew < *c.Nbf) {
		return fmt.Errorf("%w: not valid yet (nbf)", errJWT)
	}
	if c.Iat != nil && (math.IsNaN(*c.Iat) || t+skew < *c.Iat) {
		return fmt.Errorf("%w: issued in the future (iat)", errJWT)
	}
	if o.Issuer != "" && c.Iss != o.Issuer {
		return fmt.Errorf("%w: issuer %q is not %q", errJWT, c.Iss, o.Issuer)
	}
	if o.Audience != "" {
		auds, err := c.audiences()
		if err != nil {
			return err
		}
		found := false
		for _, a := range auds {
			found = found || a == o.Audience
		}
		if !found {
			return fmt.Errorf("%w: audience is not %q", errJWT, o.Audience)
		}
	}
	if c.Sub == "" {
		return fmt.Errorf("%w: no sub claim", errJWT)
	}
	return nil
}

// jwk is one usable key of a JWKS.
type jwk struct {
	kid, alg string
	key      crypto.PublicKey
}

// parseJWKS reads a JWKS document, keeping the signature keys it can use
// (RSA of 2048 bits or more, EC P-256, OKP Ed25519) and skipping others.
func parseJWKS(b []byte) ([]jwk, error) {
	var doc struct {
		Keys []struct {
			Kty, Kid, Alg, Use, Crv string
			N, E, X, Y              string
		} `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	dec := base64.RawURLEncoding
	var out []jwk
	for _, k := range doc.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		var pub crypto.PublicKey
		switch k.Kty {
		case "RSA":
			n, err1 := dec.DecodeString(k.N)
			e, err2 := dec.DecodeString(k.E)
			if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
				continue
			}
			ev := new(big.Int).SetBytes(e)
			pk := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(ev.Int64())}
			if pk.N.BitLen() < 2048 || pk.E < 3 || pk.E%2 == 0 {
				continue
			}
			pub = pk
		case "EC":
			x, err1 := dec.DecodeString(k.X)
			y, err2 := dec.DecodeString(k.Y)
			if k.Crv != "P-256" || err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
				continue
			}
			pk, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
			if err != nil {
				continue // not on the curve
			}
			pub = pk
		case "OKP":
			x, err := dec.DecodeString(k.X)
			if k.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
				continue
			}
			pub = ed25519.PublicKey(x)
		default:
			continue // oct (HMAC secrets) and others are never used
		}
		out = append(out, jwk{kid: k.Kid, alg: k.Alg, key: pub})
	}
	if len(out) == 0 {
		return nil, errors.New("jwks: no usable signature key (RSA ≥ 2048 bits, EC P-256 or Ed25519)")
	}
	return out, nil
}

// jwtVerifier checks tokens against the keys of a JWKS, kept up to date.
type jwtVerifier struct {
	o   JWTOptions
	log *slog.Logger
	url bool

	mu        sync.Mutex
	keys      []jwk
	fetched   time.Time // last attempt to load the keys
	loaded    time.Time // last successful load
	fileStamp string
}

func newJWTVerifier(ctx context.Context, o JWTOptions, log *slog.Logger) (*jwtVerifier, error) {
	if o.JWKS == "" {
		return nil, errors.New("jwt: no JWKS file or URL")
	}
	if o.Skew == 0 {
		o.Skew = time.Minute
	}
	if o.MinRefresh == 0 {
		o.MinRefresh = 30 * time.Second
	}
	if o.MaxAge == 0 {
		o.MaxAge = time.Hour
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	v := &jwtVerifier{o: o, log: log, url: strings.HasPrefix(o.JWKS, "https://") || strings.HasPrefix(o.JWKS, "http://")}
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.loadLocked(ctx, time.Now()); err != nil {
		return nil, err
	}
	return v, nil
}

// loadLocked reads the JWKS; on failure the keys already held stay.
func (v *jwtVerifier) loadLocked(ctx context.Context, now time.Time) error {
	v.fetched = now
	var b []byte
	if v.url {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.o.JWKS, nil)
		if err != nil {
			return fmt.Errorf("jwks %s: %w", v.o.JWKS, err)
		}
		resp, err := v.o.Client.Do(req)
		if err != nil {
			return fmt.Errorf("jwks: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("jwks %s: %s", v.o.JWKS, resp.Status)
		}
		if b, err = io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1)); err != nil {
			return fmt.Errorf("jwks %s: %w", v.o.JWKS, err)
		}
	} else {
		st, err := os.Stat(v.o.JWKS)
		if err != nil {
			return fmt.Errorf("jwks: %w", err)
		}
		stamp := fmt.Sprintf("%d/%d", st.ModTime().UnixNano(), st.Size())
		if stamp == v.fileStamp {
			return nil
		}
		if b, err = os.ReadFile(v.o.JWKS); err != nil {
			return fmt.Errorf("jwks: %w", err)
		}
		defer func() {
			if v.loaded == now {
				v.fileStamp = stamp
			}
		}()
	}
	if len(b) > maxJWKSBytes {
		return fmt.Errorf("jwks %s: larger than %d bytes", v.o.JWKS, maxJWKSBytes)
	}
	keys, err := parseJWKS(b)
	if err != nil {
		return fmt.Errorf("%s: %w", v.o.JWKS, err)
	}
	v.keys, v.loaded = keys, now
	return nil
}

// candidates returns the keys that may have signed p: the one with its
// kid, or without a kid every key of the right type. An unknown kid makes
// the keys be loaded again (a rotation), at most once per MinRefresh.
func (v *jwtVerifier) candidates(ctx context.Context, p *parsedJWT, now time.Time) []jwk {
	v.mu.Lock()
	defer v.mu.Unlock()
	pick := func() []jwk {
		var out []jwk
		for _, k := range v.keys {
			if (p.header.Kid == "" || k.kid == p.header.Kid) && (k.alg == "" || k.alg == p.header.Alg) {
				out = append(out, k)
			}
		}
		return out
	}
	stale := now.Sub(v.loaded) > v.o.MaxAge
	if !v.url {
		stale = now.Sub(v.fetched) >= time.Second // a stat: cheap
	}
	if stale && now.Sub(v.fetched) >= time.Second {
		if err := v.loadLocked(ctx, now); err != nil {
			v.log.Warn("JWKS not reloaded; keeping the keys held", "err", err)
		}
	}
	out := pick()
	if len(out) == 0 && now.Sub(v.fetched) >= v.o.MinRefresh {
		if err := v.loadLocked(ctx, now); err != nil {
			v.log.Warn("JWKS not reloaded; keeping the keys held", "err", err)
		}
		out = pick()
	}
	return out
}

// verify checks tok and returns the identity it proves.
func (v *jwtVerifier) verify(ctx context.Context, tok string, now time.Time) (identity, error) {
	p, err := parseJWT(tok)
	if err != nil {
		return identity{}, err
	}
	keys := v.candidates(ctx, p, now)
	if len(keys) == 0 {
		return identity{}, fmt.Errorf("%w: no key %q for %s in the JWKS", errJWT, p.header.Kid, p.header.Alg)
	}
	err = fmt.Errorf("%w: bad signature", errJWT)
	for _, k := range keys {
		if err = p.verifySignature(k.key); err == nil {
			break
		}
	}
	if err != nil {
		return identity{}, err
	}
	if err := p.checkClaims(&v.o, now); err != nil {
		return identity{}, err
	}
	return identity{Name: "jwt:" + p.claims.Sub, Scope: p.claims.access(), Authenticated: true, Groups: p.claims.Groups}, nil
}
