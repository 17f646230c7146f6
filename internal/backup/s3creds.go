package backup

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// credentials sign requests: an access key pair, and the session token
// of temporary ones.
type credentials struct {
	accessKey, secretKey, token string
	expires                     time.Time // zero: does not expire
}

// credentialSource gives the credentials to sign a request with.
type credentialSource interface {
	get(ctx context.Context) (credentials, error)
}

// staticCredentials are the configured keys (S3Config, AWS_* variables).
type staticCredentials credentials

func (c staticCredentials) get(context.Context) (credentials, error) { return credentials(c), nil }

// roleCredentials are the temporary credentials of the role the process
// runs as, fetched on first use and again shortly before they expire:
// from the container credentials endpoint (ECS, EKS Pod Identity), by
// exchanging a web identity token (EKS IRSA), else from the EC2 instance
// metadata service (IMDSv2). The endpoints are the AWS SDKs'
// (AWS_CONTAINER_CREDENTIALS_FULL_URI and _RELATIVE_URI,
// AWS_CONTAINER_AUTHORIZATION_TOKEN and _TOKEN_FILE,
// AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME,
// AWS_STS_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT).
type roleCredentials struct {
	hc *http.Client
	mu sync.Mutex
	cr credentials
}

// refreshBefore is how long before their expiry credentials are renewed.
const refreshBefore = 5 * time.Minute

func (r *roleCredentials) get(ctx context.Context) (credentials, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cr.accessKey != "" && (r.cr.expires.IsZero() || time.Until(r.cr.expires) > refreshBefore) {
		return r.cr, nil
	}
	var cr credentials
	var err error
	switch {
	case os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" || os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "":
		cr, err = r.container(ctx)
	case os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" && os.Getenv("AWS_ROLE_ARN") != "":
		cr, err = r.webIdentity(ctx)
	default:
		cr, err = r.instance(ctx)
	}
	if err != nil {
		return credentials{}, fmt.Errorf("no S3 credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an AWS role): %w", err)
	}
	r.cr = cr
	return cr, nil
}

// roleJSON is the credentials document of the container and instance
// endpoints.
type roleJSON struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

func (j roleJSON) credentials() (credentials, error) {
	if j.AccessKeyID == "" || j.SecretAccessKey == "" {
		return credentials{}, errors.New("the credentials document has no keys")
	}
	cr := credentials{accessKey: j.AccessKeyID, secretKey: j.SecretAccessKey, token: j.Token}
	if j.Expiration != "" {
		t, err := time.Parse(time.RFC3339, j.Expiration)
		if err != nil {
			return credentials{}, fmt.Errorf("the credentials' expiration %q: %w", j.Expiration, err)
		}
		cr.expires = t
	}
	return cr, nil
}

// fetch sends req and returns its body (status 200 only).
func (r *roleCredentials) fetch(req *http.Request) ([]byte, error) {
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s", req.Method, req.URL.Redacted(), resp.Status)
	}
	return b, nil
}

// container asks the container credentials endpoint.
func (r *roleCredentials) container(ctx context.Context) (credentials, error) {
	u := os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if rel := os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		u = "http://169.254.170.2" + rel
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return credentials{}, err
	}
	tok := os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if f := os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return credentials{}, err
		}
		tok = strings.TrimSpace(string(b))
	}
	if tok != "" {
		req.Header.Set("Authorization", tok)
	}
	b, err := r.fetch(req)
	if err != nil {
		return credentials{}, err
	}
	var j roleJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return credentials{}, fmt.Errorf("container credentials: %w", err)
	}
	return j.credentials()
}

// webIdentity exchanges the web identity token for the role's
// credentials (STS AssumeRoleWithWebIdentity, which needs no signature).
func (r *roleCredentials) webIdentity(ctx context.Context) (credentials, error) {
	tok, err := os.ReadFile(os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
	if err != nil {
		return credentials{}, err
	}
	endpoint := os.Getenv("AWS_STS_ENDPOINT")
	if endpoint == "" {
		endpoint = "https://sts.amazonaws.com"
		if region := os.Getenv("AWS_REGION"); region != "" {
			endpoint = "https://sts." + region + ".amazonaws.com"
		}
	}
	session := os.Getenv("AWS_ROLE_SESSION_NAME")
	if session == "" {
		session = fmt.Sprintf("codegraph-backup-%d", time.Now().UnixNano())
	}
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {os.Getenv("AWS_ROLE_ARN")},
		"RoleSessionName": {session}, "WebIdentityToken": {strings.TrimSpace(string(tok))}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return credentials{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b, err := r.fetch(req)
	if err != nil {
		return credentials{}, err
	}
	var out struct {
		Result struct {
			Credentials struct {
				AccessKeyID     string `xml:"AccessKeyId"`
				SecretAccessKey string `xml:"SecretAccessKey"`
				SessionToken    string `xml:"SessionToken"`
				Expiration      string `xml:"Expiration"`
			} `xml:"Credentials"`
		} `xml:"AssumeRoleWithWebIdentityResult"`
	}
	if err := xml.Unmarshal(b, &out); err != nil {
		return credentials{}, fmt.Errorf("web identity credentials: %w", err)
	}
	c := out.Result.Credentials
	return roleJSON{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken, Expiration: c.Expiration}.credentials()
}

// instance asks the EC2 instance metadata service (IMDSv2: a session
// token first).
func (r *roleCredentials) instance(ctx context.Context) (credentials, error) {
	base := os.Getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
	if base == "" {
		base = "http://169.254.169.254"
	}
	base = strings.TrimSuffix(base, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/latest/api/token", nil)
	if err != nil {
		return credentials{}, err
	}
	req.Header.Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "21600")
	tok, err := r.fetch(req)
	if err != nil {
		return credentials{}, fmt.Errorf("instance metadata: %w", err)
	}
	get := func(p string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Aws-Ec2-Metadata-Token", string(tok))
		return r.fetch(req)
	}
	const credPath = "/latest/meta-data/iam/security-credentials/"
	roles, err := get(credPath)
	if err != nil {
		return credentials{}, fmt.Errorf("instance metadata: %w", err)
	}
	role := strings.TrimSpace(strings.SplitN(strings.TrimSpace(string(roles)), "\n", 2)[0])
	if role == "" {
		return credentials{}, errors.New("instance metadata: the instance has no role")
	}
	b, err := get(credPath + url.PathEscape(role))
	if err != nil {
		return credentials{}, fmt.Errorf("instance metadata: %w", err)
	}
	var j roleJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return credentials{}, fmt.Errorf("instance metadata: %w", err)
	}
	return j.credentials()
}
