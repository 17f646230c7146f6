package backup

import (
	"context"
	"errors"
)

// S3Config says how to reach an S3-compatible object store.
type S3Config struct {
	Endpoint  string // host[:port]; default s3.amazonaws.com
	Region    string
	AccessKey string
	SecretKey string
	Insecure  bool // plain HTTP
}

func openS3(ctx context.Context, location string, cfg S3Config) (Target, error) {
	return nil, errors.New("backup: s3:// locations are not supported yet")
}
