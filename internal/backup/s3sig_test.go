package backup

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSignV4 signs the examples of Amazon S3's documentation of Signature
// Version 4 ("Examples of signature calculations", GET Object and PUT
// Object, docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html)
// and checks the documented signatures. (Before minio-go was replaced,
// this signer also gave minio-go's signatures for GET and PUT requests
// with session tokens and escaped paths.)
func TestSignV4(t *testing.T) {
	cr := credentials{accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

	get, _ := http.NewRequest(http.MethodGet, "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	get.Header.Set("Range", "bytes=0-9")
	signV4(get, cr, "us-east-1", emptySHA256, at)
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := get.Header.Get("Authorization"); got != want {
		t.Errorf("GET Object:\n got %s\nwant %s", got, want)
	}

	put, _ := http.NewRequest(http.MethodPut, "https://examplebucket.s3.amazonaws.com/test$file.text", strings.NewReader("Welcome to Amazon S3."))
	put.Header.Set("Date", "Fri, 24 May 2013 00:00:00 GMT")
	put.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	signV4(put, cr, "us-east-1", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", at)
	if got, want := put.Header.Get("Authorization"), "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"; !strings.HasSuffix(got, want) {
		t.Errorf("PUT Object:\n got %s\nwant ...%s", got, want)
	}
}

func TestObjectURL(t *testing.T) {
	for _, tc := range []struct {
		endpoint, bucket, region string
		secure                   bool
		want                     string
	}{
		{"s3.amazonaws.com", "backups", "eu-west-1", true, "https://backups.s3.eu-west-1.amazonaws.com/team/a"},
		{"s3.amazonaws.com", "my.backups", "us-east-1", true, "https://s3.us-east-1.amazonaws.com/my.backups/team/a"},
		{"s3.eu-central-1.amazonaws.com", "backups", "eu-central-1", true, "https://backups.s3.eu-central-1.amazonaws.com/team/a"},
		{"127.0.0.1:9000", "backups", "us-east-1", false, "http://127.0.0.1:9000/backups/team/a"},
		{"minio.internal", "backups", "us-east-1", true, "https://minio.internal/backups/team/a"},
	} {
		s := &s3Target{endpoint: tc.endpoint, bucket: tc.bucket, secure: tc.secure}
		if got := s.objectURL(tc.region, "team/a").String(); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.endpoint, tc.bucket, got, tc.want)
		}
	}
}

// TestRoleCredentials fetches a role's credentials from fakes of the
// container endpoint, the instance metadata service (IMDSv2) and STS,
// and renews them when they are about to expire.
func TestRoleCredentials(t *testing.T) {
	for _, v := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_STS_ENDPOINT",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION"} {
		t.Setenv(v, "")
	}
	ctx := context.Background()
	expiry := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }
	calls := 0
	doc := func(w http.ResponseWriter, key string, d time.Duration) {
		calls++
		json.NewEncoder(w).Encode(roleJSON{AccessKeyID: key, SecretAccessKey: "secret-" + key, Token: "token-" + key, Expiration: expiry(d)})
	}

	t.Run("container", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/creds" || r.Header.Get("Authorization") != "Bearer xyz" {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			doc(w, "CONTAINER", time.Hour)
		}))
		defer srv.Close()
		t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.URL+"/creds")
		tf := filepath.Join(t.TempDir(), "token")
		os.WriteFile(tf, []byte("Bearer xyz\n"), 0o600)
		t.Setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tf)
		rc := &roleCredentials{hc: srv.Client()}
		calls = 0
		for range 2 {
			cr, err := rc.get(ctx)
			if err != nil || cr.accessKey != "CONTAINER" || cr.secretKey != "secret-CONTAINER" || cr.token != "token-CONTAINER" {
				t.Fatalf("got %+v, %v", cr, err)
			}
		}
		if calls != 1 {
			t.Errorf("fetched %d times, want once (cached)", calls)
		}
	})

	t.Run("instance", func(t *testing.T) {
		const tok = "imds-session"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" && r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds") != "":
				fmt.Fprint(w, tok)
			case r.Header.Get("X-Aws-Ec2-Metadata-Token") != tok:
				http.Error(w, "no token", http.StatusUnauthorized)
			case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
				fmt.Fprint(w, "backup-role\n")
			case r.URL.Path == "/latest/meta-data/iam/security-credentials/backup-role":
				doc(w, "INSTANCE", 2*time.Minute) // within refreshBefore: renewed on every use
			default:
				http.NotFound(w, r)
			}
		}))
		defer srv.Close()
		t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.URL)
		rc := &roleCredentials{hc: srv.Client()}
		calls = 0
		for range 2 {
			if cr, err := rc.get(ctx); err != nil || cr.accessKey != "INSTANCE" || cr.token != "token-INSTANCE" {
				t.Fatalf("got %+v, %v", cr, err)
			}
		}
		if calls != 2 {
			t.Errorf("fetched %d times, want 2 (credentials about to expire are renewed)", calls)
		}
	})

	t.Run("web identity", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			if r.Form.Get("Action") != "AssumeRoleWithWebIdentity" || r.Form.Get("WebIdentityToken") != "jwt" || r.Form.Get("RoleArn") != "arn:aws:iam::1:role/r" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
<Credentials><AccessKeyId>WEBID</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration></Credentials>
</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`, expiry(time.Hour))
		}))
		defer srv.Close()
		tf := filepath.Join(t.TempDir(), "jwt")
		os.WriteFile(tf, []byte("jwt\n"), 0o600)
		t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tf)
		t.Setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/r")
		t.Setenv("AWS_STS_ENDPOINT", srv.URL)
		if cr, err := (&roleCredentials{hc: srv.Client()}).get(ctx); err != nil || cr.accessKey != "WEBID" || cr.secretKey != "s" || cr.token != "t" {
			t.Fatalf("got %+v, %v", cr, err)
		}
	})

	t.Run("none", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.URL)
		if _, err := (&roleCredentials{hc: srv.Client()}).get(ctx); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
			t.Errorf("no role: %v, want an error naming the variables", err)
		}
	})
}
