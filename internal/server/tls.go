package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// TLSOptions configure HTTPS (Options.TLS).
type TLSOptions struct {
	// CertFile and KeyFile are the server's PEM certificate (chain) and
	// private key. They are read again when either file's modification
	// time or size changes, so a renewed certificate is served without a
	// restart.
	CertFile, KeyFile string
	// ClientCAFile, when set, turns on mutual TLS: clients must present a
	// certificate signed by one of the PEM certificates in it, or the
	// handshake fails. The certificate's subject becomes the request's
	// identity ("cert:CN=...").
	ClientCAFile string
	// ClientAccess is what a client certificate alone allows (0: read).
	// A request that also presents an API key or JWT gets that
	// credential's identity and access instead.
	ClientAccess Scope
}

// hstsValue is the Strict-Transport-Security header sent on every answer
// over TLS: browsers then refuse plain HTTP to this host for a year.
const hstsValue = "max-age=31536000"

// certReloader serves the certificate in its files, loading it again when
// they change. A broken replacement (half-written files, a key that does
// not match) keeps the previous certificate and is logged.
type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // modification times and sizes of both files
	checked time.Time
	// every bounds how often the files are looked at (stat calls on
	// every handshake would be cheap, but a burst of handshakes need not
	// make them).
	every time.Duration
}

func newCertReloader(certFile, keyFile string, log *slog.Logger) (*certReloader, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cr := &certReloader{certFile: certFile, keyFile: keyFile, log: log, every: time.Second}
	stamp, err := cr.stampNow()
	if err != nil {
		return nil, err
	}
	if err := cr.load(stamp); err != nil {
		return nil, err
	}
	return cr, nil
}

func (cr *certReloader) stampNow() (string, error) {
	var stamp string
	for _, f := range []string{cr.certFile, cr.keyFile} {
		st, err := os.Stat(f)
		if err != nil {
			return "", fmt.Errorf("tls: %w", err)
		}
		stamp += fmt.Sprintf("%d/%d;", st.ModTime().UnixNano(), st.Size())
	}
	return stamp, nil
}

func (cr *certReloader) load(stamp string) error {
	c, err := tls.LoadX509KeyPair(cr.certFile, cr.keyFile)
	if err != nil {
		return fmt.Errorf("tls: certificate %s, key %s: %w", cr.certFile, cr.keyFile, err)
	}
	cr.cert, cr.stamp = &c, stamp
	return nil
}

// GetCertificate is tls.Config.GetCertificate.
func (cr *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if now := time.Now(); now.Sub(cr.checked) >= cr.every {
		cr.checked = now
		stamp, err := cr.stampNow()
		if err == nil && stamp != cr.stamp {
			if err := cr.load(stamp); err != nil {
				cr.log.Warn("new TLS certificate not loaded; serving the previous one", "err", err)
			} else {
				cr.log.Info("TLS certificate reloaded", "cert", cr.certFile)
			}
		}
	}
	return cr.cert, nil
}

// modernCiphers are the TLS 1.2 suites allowed: forward secret AEAD only
// (TLS 1.3 suites are not configurable and all are modern).
var modernCiphers = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// newTLSConfig builds the server's TLS configuration: TLS 1.2 at least
// (1.3 is preferred by the handshake whenever the client offers it),
// modern suites, the certificate reloaded from its files, and client
// certificates verified against the client CA when one is given.
func newTLSConfig(o TLSOptions, log *slog.Logger) (*tls.Config, error) {
	if o.CertFile == "" || o.KeyFile == "" {
		return nil, errors.New("tls: both a certificate and a key file are needed")
	}
	cr, err := newCertReloader(o.CertFile, o.KeyFile, log)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   modernCiphers,
		GetCertificate: cr.GetCertificate,
	}
	if o.ClientCAFile != "" {
		pem, err := os.ReadFile(o.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("tls: client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: client CA %s: no PEM certificate in it", o.ClientCAFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// TLSConfig returns the server's TLS configuration (nil without
// Options.TLS). HTTPServer sets it; serve with http.Server.ServeTLS(ln,
// "", ""), which also answers a plain-HTTP request on the port with 400
// "Client sent an HTTP request to an HTTPS server".
func (s *Server) TLSConfig() *tls.Config { return s.tlsConfig }

// certIdentity is the identity of a verified client certificate, if the
// request came with one.
func (s *Server) certIdentity(cs *tls.ConnectionState) (identity, bool) {
	if s.tlsConfig == nil || s.tlsConfig.ClientAuth != tls.RequireAndVerifyClientCert || cs == nil ||
		len(cs.VerifiedChains) == 0 || len(cs.PeerCertificates) == 0 {
		return identity{}, false
	}
	sc := s.opts.TLS.ClientAccess
	if sc == 0 {
		sc = ScopeRead
	}
	return identity{Name: "cert:" + cs.PeerCertificates[0].Subject.String(), Scope: sc, Authenticated: true}, true
}
