package backup

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says how to reach an S3-compatible object store. Empty fields
// are taken from the environment: CODEGRAPH_S3_ENDPOINT, AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).
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

// s3Target is a backup under a prefix of an S3 bucket.
type s3Target struct {
	client   *minio.Client
	bucket   string
	prefix   string // without trailing slash; may be ""
	location string
}

// openS3 parses s3://bucket/prefix and connects (lazily: the first
// request reports a wrong endpoint or credentials).
func openS3(ctx context.Context, location string, cfg S3Config) (Target, error) {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("backup: %q: want s3://bucket/prefix", location)
	}
	cfg = cfg.withEnv()
	creds := credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, os.Getenv("AWS_SESSION_TOKEN"))
	if cfg.AccessKey == "" {
		creds = credentials.NewIAM("") // instance or container role
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: creds, Secure: !cfg.Insecure, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("backup: %s: %w", location, err)
	}
	prefix := strings.Trim(u.Path, "/")
	return &s3Target{client: client, bucket: u.Host, prefix: prefix,
		location: "s3://" + path.Join(u.Host, prefix)}, nil
}

func (s *s3Target) String() string { return s.location }

func (s *s3Target) key(name string) string { return path.Join(s.prefix, name) }

// Put uploads name; an object appears whole or not at all.
func (s *s3Target) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	_, err := s.client.PutObject(ctx, s.bucket, s.key(name), r, size,
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("backup: put %s/%s: %w", s.location, name, err)
	}
	return nil
}

// Get opens name.
func (s *s3Target) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	// GetObject is lazy: Stat makes a missing object an error here.
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(name), minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
		if err != nil {
			obj.Close()
		}
	}
	if err != nil {
		if er := minio.ToErrorResponse(err); er.Code == "NoSuchKey" || er.StatusCode == 404 && er.Code != "NoSuchBucket" {
			return nil, fmt.Errorf("backup: %s/%s: %w", s.location, name, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("backup: get %s/%s: %w", s.location, name, err)
	}
	return obj, nil
}
