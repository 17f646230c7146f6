package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestS3 backs up to an S3-compatible server started by the test (full,
// incremental, encrypted), restores from it and checks the result; a
// damaged object is refused.
func TestS3(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("backups"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	cfg := S3Config{Endpoint: srv.URL, AccessKey: "test", SecretKey: "testsecret", Region: "us-east-1"}

	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	ctx := context.Background()
	enc := &Encryption{Passphrase: "pass", WorkFactor: 10}
	full, incr := "s3://backups/team/full", "s3://backups/team/incr"
	fs, err := Create(ctx, db, full, Options{S3: cfg, Encryption: enc})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(repo, "pkg", "store", "store.go")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, append(b, "\nfunc InS3() {}\n"...), 0o644)
	reindex(t, repo)
	is, err := Create(ctx, db, incr, Options{S3: cfg, Encryption: enc, IncrementalFrom: full})
	if err != nil {
		t.Fatal(err)
	}
	if is.SharedFiles == 0 || is.StoredBytes >= fs.StoredBytes {
		t.Errorf("incremental: %+v, full: %+v", is, fs)
	}
	if _, err := Create(ctx, db, full, Options{S3: cfg, Encryption: enc}); !errors.Is(err, ErrExists) {
		t.Errorf("second backup to the same prefix: %v, want ErrExists", err)
	}
	dest := filepath.Join(t.TempDir(), "db")
	if _, err := Restore(ctx, incr, dest, Options{S3: cfg, Encryption: enc}); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, dest)

	if _, err := Read(ctx, "s3://backups/nothing", cfg); !errors.Is(err, ErrNotBackup) {
		t.Errorf("read an empty prefix: %v, want ErrNotBackup", err)
	}
	// Replace one object of the full backup by another's content.
	m, err := Read(ctx, full, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := Open(ctx, full, cfg)
	var a, z File
	for _, f := range m.Files {
		if f.In == m.ID && a.Path == "" {
			a = f
		}
		if f.In == m.ID && f.SHA256 != a.SHA256 {
			z = f
		}
	}
	rc, err := tg.Get(ctx, "data/"+z.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	data := readAll(t, rc)
	if err := tg.Put(ctx, "data/"+a.SHA256, bytesReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, full, filepath.Join(t.TempDir(), "db"), Options{S3: cfg, Encryption: enc}); !errors.Is(err, ErrChecksum) {
		t.Errorf("restore with a swapped object: %v, want ErrChecksum", err)
	}
}

func readAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
