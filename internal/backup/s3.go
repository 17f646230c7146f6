package backup

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// The S3 client of backups: two operations (PUT and GET of an object)
// signed with AWS Signature Version 4, over net/http. It replaces
// minio-go, whose package initialisation (the regular expressions of
// s3utils, rs/xid reading /etc/machine-id, a second YAML library) cost
// every codegraph process about 2 ms before main, `codegraph def`
// included, for a feature only `codegraph backup` uses.

// S3Config says how to reach an S3-compatible object store. Empty fields
// are taken from the environment: CODEGRAPH_S3_ENDPOINT, AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).
// Without an access key, the credentials of the machine's role are used:
// ECS or EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI or
// _RELATIVE_URI), EKS IRSA (AWS_WEB_IDENTITY_TOKEN_FILE and
// AWS_ROLE_ARN), else the EC2 instance metadata service (IMDSv2).
type S3Config struct {
	Endpoint  string // host[:port], or a URL (http:// means Insecure); default s3.amazonaws.com
	Region    string
	AccessKey string
	SecretKey string
	Insecure  bool // plain HTTP
}

func (c S3Config) withEnv() S3Config {
	if c.Endpoint == "" {
		c.Endpoint = os.Getenv("CODEGRAPH_S3_ENDPOINT")
	}
	if c.Endpoint == "" {
		c.Endpoint = "s3.amazonaws.com"
	}
	if c.Region == "" {
		c.Region = os.Getenv("AWS_REGION")
	}
	if c.AccessKey == "" {
		c.AccessKey = os.Getenv("AWS_ACCESS_KEY_ID")
	}
	if c.SecretKey == "" {
		c.SecretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	}
	if u, err := url.Parse(c.Endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		c.Insecure = c.Insecure || u.Scheme == "http"
		c.Endpoint = u.Host
	}
	return c
}

// maxPutSize is the largest object one PUT may store (S3's limit).
const maxPutSize = 5 << 30

// s3Target is a backup under a prefix of an S3 bucket.
type s3Target struct {
	hc       *http.Client
	endpoint string // host[:port]
	secure   bool
	creds    credentialSource
	bucket   string
	prefix   string // without trailing slash; may be ""
	location string

	mu     sync.Mutex
	region string // "" until known (asked of AWS, else us-east-1)
}

// openS3 parses s3://bucket/prefix (lazily: the first request reports a
// wrong endpoint or credentials).
func openS3(ctx context.Context, location string, cfg S3Config) (Target, error) {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("backup: %q: want s3://bucket/prefix", location)
	}
	cfg = cfg.withEnv()
	if cfg.Endpoint == "" || strings.ContainsAny(cfg.Endpoint, "/?#@ ") {
		return nil, fmt.Errorf("backup: %s: bad S3 endpoint %q: want host[:port] or a URL", location, cfg.Endpoint)
	}
	hc := &http.Client{Timeout: 0} // uploads take as long as they take; ctx bounds them
	var creds credentialSource = staticCredentials{accessKey: cfg.AccessKey, secretKey: cfg.SecretKey, token: os.Getenv("AWS_SESSION_TOKEN")}
	if cfg.AccessKey == "" {
		creds = &roleCredentials{hc: &http.Client{Timeout: 10 * time.Second}}
	}
	prefix := strings.Trim(u.Path, "/")
	return &s3Target{hc: hc, endpoint: cfg.Endpoint, secure: !cfg.Insecure, creds: creds, bucket: u.Host, prefix: prefix,
		region: cfg.Region, location: "s3://" + path.Join(u.Host, prefix)}, nil
}

func (s *s3Target) String() string { return s.location }

func (s *s3Target) key(name string) string { return path.Join(s.prefix, name) }

// Put uploads name; an object appears whole or not at all.
func (s *s3Target) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	if size > maxPutSize {
		return fmt.Errorf("backup: put %s/%s: %d bytes is over S3's 5 GiB for one upload", s.location, name, size)
	}
	// Over plain HTTP the body is signed (its SHA-256 read first when it
	// can be read twice); over TLS it need not be.
	payload := unsignedPayload
	if rs, ok := r.(io.ReadSeeker); ok && !s.secure {
		start, err := rs.Seek(0, io.SeekCurrent)
		h := sha256.New()
		if err == nil {
			_, err = io.Copy(h, io.LimitReader(rs, size))
		}
		if err == nil {
			_, err = rs.Seek(start, io.SeekStart)
		}
		if err != nil {
			return fmt.Errorf("backup: put %s/%s: %w", s.location, name, err)
		}
		payload = hex.EncodeToString(h.Sum(nil))
	}
	resp, err := s.do(ctx, http.MethodPut, s.key(name), io.LimitReader(r, size), size, payload, "application/octet-stream")
	if err != nil {
		return fmt.Errorf("backup: put %s/%s: %w", s.location, name, err)
	}
	resp.Body.Close()
	return nil
}

// Get opens name.
func (s *s3Target) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	resp, err := s.do(ctx, http.MethodGet, s.key(name), nil, 0, emptySHA256, "")
	if err != nil {
		var se *s3Error
		if errors.As(err, &se) && (se.Code == "NoSuchKey" || se.Status == http.StatusNotFound && se.Code != "NoSuchBucket") {
			return nil, fmt.Errorf("backup: %s/%s: %w", s.location, name, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("backup: get %s/%s: %w", s.location, name, err)
	}
	return resp.Body, nil
}

// s3Error is an error response of the object store.
type s3Error struct {
	Status  int    `xml:"-"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
	Region  string `xml:"Region"`
}

func (e *s3Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("S3: %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("S3: %s: %s", e.Code, e.Message)
}

const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	defaultRegion   = "us-east-1"
)

// isAWS reports whether the endpoint is Amazon S3's (virtual-hosted
// requests and regional endpoints), rather than another S3-compatible
// server (path-style requests).
func (s *s3Target) isAWS() bool {
	h := s.endpoint
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.HasSuffix(h, ".amazonaws.com")
}

// currentRegion is the region requests are signed for: the configured
// one, else for AWS the bucket's (a HEAD of the bucket names it in its
// x-amz-bucket-region header, whatever its status), else us-east-1.
func (s *s3Target) currentRegion(ctx context.Context) string {
	s.mu.Lock()
	r := s.region
	s.mu.Unlock()
	if r != "" {
		return r
	}
	r = defaultRegion
	if s.isAWS() {
		u := "https://" + s.endpoint + "/" + s.bucket
		if req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil); err == nil {
			if resp, err := s.hc.Do(req); err == nil {
				resp.Body.Close()
				if b := resp.Header.Get("X-Amz-Bucket-Region"); b != "" {
					r = b
				}
			}
		}
	}
	s.mu.Lock()
	if s.region == "" {
		s.region = r
	}
	r = s.region
	s.mu.Unlock()
	return r
}

// objectURL is the URL of key: virtual-hosted on the bucket's regional
// endpoint for AWS (bucket names with dots, which TLS certificates do not
// cover, stay path-style), path-style elsewhere.
func (s *s3Target) objectURL(region, key string) *url.URL {
	scheme := "https"
	if !s.secure {
		scheme = "http"
	}
	host, p := s.endpoint, "/"+s.bucket+"/"+key
	if s.isAWS() {
		if host == "s3.amazonaws.com" {
			host = "s3." + region + ".amazonaws.com"
		}
		if !strings.Contains(s.bucket, ".") {
			host, p = s.bucket+"."+host, "/"+key
		}
	}
	return &url.URL{Scheme: scheme, Host: host, Path: p}
}

// do sends one signed request and returns a 2xx response (the caller
// closes its body) or the store's error.
func (s *s3Target) do(ctx context.Context, method, key string, body io.Reader, size int64, payload, contentType string) (*http.Response, error) {
	cr, err := s.creds.get(ctx)
	if err != nil {
		return nil, err
	}
	region := s.currentRegion(ctx)
	req, err := http.NewRequestWithContext(ctx, method, s.objectURL(region, key).String(), body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = size
		if size == 0 {
			req.Body = http.NoBody
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	signV4(req, cr, region, payload, time.Now())
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	se := &s3Error{Status: resp.StatusCode}
	if b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)); len(b) > 0 {
		_ = xml.Unmarshal(b, se)
	}
	if r := resp.Header.Get("X-Amz-Bucket-Region"); r != "" && r != region {
		// The bucket lives elsewhere: sign for its region from now on
		// (this request fails; the caller's next one goes there).
		s.mu.Lock()
		s.region = r
		s.mu.Unlock()
		se.Message += " (the bucket is in " + r + ")"
	}
	return nil, se
}

// signV4 signs req with AWS Signature Version 4 (the Authorization
// header), its body's SHA-256 being payload (or UNSIGNED-PAYLOAD).
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
func signV4(req *http.Request, cr credentials, region, payload string, now time.Time) {
	now = now.UTC()
	amzDate := now.Format("20060102T150405Z")
	day := now.Format("20060102")
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", payload)
	if cr.token != "" {
		req.Header.Set("X-Amz-Security-Token", cr.token)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	// The signed headers: host, and every header set on the request
	// (lower-cased, sorted).
	values := map[string]string{"host": host}
	for k, v := range req.Header {
		values[strings.ToLower(k)] = strings.Join(v, ",")
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + strings.Join(strings.Fields(values[k]), " ") + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{req.Method, uriEncode(req.URL.Path, false), canonicalQuery(req.URL.Query()),
		canonHeaders.String(), signed, payload}, "\n")
	scope := day + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hexSHA256(canonical)
	key := hmacSHA256([]byte("AWS4"+cr.secretKey), day)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, "s3")
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+cr.accessKey+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

// uriEncode encodes a path or query part as SigV4 wants it: every byte
// but the unreserved ones percent-encoded (slashes kept unless
// encodeSlash).
func uriEncode(p string, encodeSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// canonicalQuery is the query string sorted by name, each part encoded.
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	return strings.Join(parts, "&")
}

func hexSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
