package server

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a certificate authority made in the test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64 = 100

func newSerial() *big.Int { serial++; return big.NewInt(serial) }

func newTestCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: newSerial(), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{cert: c, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a leaf certificate for cn: a server one (for 127.0.0.1)
// or a client one. It returns the certificate and key in PEM.
func (ca *testCA) issue(t testing.TB, cn string, server bool) (certPEM, keyPEM []byte, sn *big.Int) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sn = newSerial()
	tmpl := &x509.Certificate{SerialNumber: sn, Subject: pkix.Name{CommonName: cn, Organization: []string{"Acme"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = []string{"localhost"}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), sn
}

func (ca *testCA) clientCert(t testing.TB, cn string) tls.Certificate {
	t.Helper()
	c, k, _ := ca.issue(t, cn, false)
	pair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// tlsServer serves opts over HTTPS on a loopback port as serve does
// (HTTPServer + ServeTLS) and returns its address.
func tlsServer(t testing.TB, opts Options) string {
	t.Helper()
	if opts.Service == nil {
		opts.Service, _ = fixtureService(t)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer(ln.Addr().String())
	hs.ErrorLog = nil
	done := make(chan struct{})
	go func() { defer close(done); hs.ServeTLS(ln, "", "") }()
	t.Cleanup(func() {
		hs.Close()
		<-done
		s.Close()
	})
	return ln.Addr().String()
}

func tlsClient(ca *testCA, cfg *tls.Config) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.pem)
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg.RootCAs = pool
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "test CA")
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	c, k, sn1 := ca.issue(t, "localhost", true)
	writeFile(t, certFile, c)
	writeFile(t, keyFile, k)
	addr := tlsServer(t, Options{TLS: &TLSOptions{CertFile: certFile, KeyFile: keyFile}})
	url := "https://" + addr + "/health/live"

	get := func(cl *http.Client) (*http.Response, error) {
		resp, err := cl.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}
	t.Run("versions", func(t *testing.T) {
		resp, err := get(tlsClient(ca, nil))
		if err != nil {
			t.Fatal(err)
		}
		if resp.TLS.Version != tls.VersionTLS13 {
			t.Errorf("negotiated %s, want TLS 1.3", tls.VersionName(resp.TLS.Version))
		}
		if got := resp.Header.Get("Strict-Transport-Security"); got != hstsValue {
			t.Errorf("HSTS %q, want %q", got, hstsValue)
		}
		resp, err = get(tlsClient(ca, &tls.Config{MaxVersion: tls.VersionTLS12}))
		if err != nil {
			t.Fatalf("TLS 1.2: %v", err)
		}
		if resp.TLS.Version != tls.VersionTLS12 || !isModern(resp.TLS.CipherSuite) {
			t.Errorf("TLS 1.2 gave %s %s", tls.VersionName(resp.TLS.Version), tls.CipherSuiteName(resp.TLS.CipherSuite))
		}
		if _, err := get(tlsClient(ca, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})); err == nil {
			t.Error("TLS 1.1 accepted")
		}
		// A TLS 1.2 client offering only a CBC suite is refused.
		if _, err := get(tlsClient(ca, &tls.Config{MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}})); err == nil {
			t.Error("CBC suite accepted")
		}
	})
	t.Run("plain HTTP refused", func(t *testing.T) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(b), "HTTPS") {
			t.Errorf("plain HTTP got %d %q, want 400 naming HTTPS", resp.StatusCode, b)
		}
	})
	t.Run("rotation", func(t *testing.T) {
		resp, err := get(tlsClient(ca, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.TLS.PeerCertificates[0].SerialNumber; got.Cmp(sn1) != 0 {
			t.Fatalf("serial %v, want %v", got, sn1)
		}
		c2, k2, sn2 := ca.issue(t, "localhost", true)
		writeFile(t, certFile, c2)
		writeFile(t, keyFile, k2)
		future := time.Now().Add(time.Minute)
		os.Chtimes(certFile, future, future)
		time.Sleep(1100 * time.Millisecond) // the files are looked at once a second
		// New connections (keep-alive would reuse the old handshake).
		resp, err = get(tlsClient(ca, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.TLS.PeerCertificates[0].SerialNumber; got.Cmp(sn2) != 0 {
			t.Errorf("after rotation serial %v, want %v", got, sn2)
		}
		// A broken replacement keeps the working certificate.
		writeFile(t, keyFile, []byte("not a key"))
		future = future.Add(time.Minute)
		os.Chtimes(keyFile, future, future)
		time.Sleep(1100 * time.Millisecond)
		resp, err = get(tlsClient(ca, nil))
		if err != nil {
			t.Fatalf("broken key file broke the server: %v", err)
		}
		if got := resp.TLS.PeerCertificates[0].SerialNumber; got.Cmp(sn2) != 0 {
			t.Errorf("after a broken rotation serial %v, want %v", got, sn2)
		}
	})
}

func isModern(id uint16) bool {
	for _, c := range modernCiphers {
		if c == id {
			return true
		}
	}
	return false
}

func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "server CA")
	clientCA := newTestCA(t, "client CA")
	other := newTestCA(t, "other CA")
	c, k, _ := ca.issue(t, "localhost", true)
	certFile, keyFile, caFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "clients.pem")
	writeFile(t, certFile, c)
	writeFile(t, keyFile, k)
	writeFile(t, caFile, clientCA.pem)
	addr := tlsServer(t, Options{TLS: &TLSOptions{CertFile: certFile, KeyFile: keyFile, ClientCAFile: caFile},
		Keys: []Key{{Name: "ci", Key: "rw-key-123456", Scope: "rw"}}})
	do := func(cl *http.Client, method, path, body string, hdr ...string) (int, string, error) {
		req, _ := http.NewRequest(method, "https://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := cl.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	// No certificate, or one from another CA: refused at the handshake,
	// even with a valid key.
	if _, _, err := do(tlsClient(ca, nil), "GET", "/nodes?limit=1", "", "X-API-Key", "rw-key-123456"); err == nil {
		t.Error("a client without a certificate was served")
	}
	foreign := other.clientCert(t, "mallory")
	if _, _, err := do(tlsClient(ca, &tls.Config{Certificates: []tls.Certificate{foreign}}), "GET", "/nodes?limit=1", ""); err == nil {
		t.Error("a certificate from another CA was accepted")
	}
	alice := tlsClient(ca, &tls.Config{Certificates: []tls.Certificate{clientCA.clientCert(t, "alice")}})
	st, body, err := do(alice, "GET", "/nodes?limit=1", "")
	if err != nil || st != 200 {
		t.Fatalf("alice read: %d %s %v", st, body, err)
	}
	// The certificate gives read access by default, and names the caller.
	st, body, err = do(alice, "POST", "/nodes", `{"kind":"function","name":"X","file":"x.go"}`)
	if err != nil || st != 403 || !strings.Contains(body, "cert:CN=alice,O=Acme") {
		t.Errorf("alice write: %d %s %v, want 403 naming cert:CN=alice,O=Acme", st, body, err)
	}
	// A key presented over the certificate decides.
	st, body, err = do(alice, "POST", "/nodes", `{"kind":"function","name":"X","file":"x.go","line":1}`, "X-API-Key", "rw-key-123456")
	if err != nil || st != 201 {
		t.Errorf("alice with a rw key: %d %s %v, want 201", st, body, err)
	}
	st, _, err = do(alice, "GET", "/nodes?limit=1", "", "X-API-Key", "wrong-key-123456")
	if err != nil || st != 401 {
		t.Errorf("alice with a wrong key: %d %v, want 401", st, err)
	}
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := newTLSConfig(TLSOptions{CertFile: filepath.Join(dir, "no.pem"), KeyFile: filepath.Join(dir, "no.key")}, nil); err == nil {
		t.Error("missing files accepted")
	}
	ca := newTestCA(t, "ca")
	c, k, _ := ca.issue(t, "localhost", true)
	writeFile(t, filepath.Join(dir, "c.pem"), c)
	writeFile(t, filepath.Join(dir, "k.pem"), k)
	writeFile(t, filepath.Join(dir, "bad.pem"), []byte("nothing"))
	if _, err := newTLSConfig(TLSOptions{CertFile: filepath.Join(dir, "c.pem"), KeyFile: filepath.Join(dir, "k.pem"), ClientCAFile: filepath.Join(dir, "bad.pem")}, nil); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("bad client CA: %v", err)
	}
}
