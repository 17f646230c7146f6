package backup

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestEncrypted backs up with a passphrase (full and incremental) and to
// an age public key: the stored files hold no plaintext, a restore without
// the secret or with a wrong one fails and leaves nothing, and with it the
// index is whole.
func TestEncrypted(t *testing.T) {
	repo := testrepo.Copy(t, fixture(t))
	db := filepath.Join(repo, ".codegraph")
	ctx := context.Background()
	dir := t.TempDir()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pass := &Encryption{Passphrase: "correct horse battery staple", WorkFactor: 10}
	full, incr, pub := filepath.Join(dir, "full"), filepath.Join(dir, "incr"), filepath.Join(dir, "pub")
	if _, err := Create(ctx, db, full, Options{Encryption: pass}); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, db, incr, Options{IncrementalFrom: full}); err == nil {
		t.Error("an unencrypted incremental backup of an encrypted one was made")
	}
	os.RemoveAll(incr)
	if f := filepath.Join(repo, "pkg", "store", "store.go"); true {
		b, _ := os.ReadFile(f)
		os.WriteFile(f, append(b, "\nfunc Encrypted() {}\n"...), 0o644)
	}
	reindex(t, repo)
	if _, err := Create(ctx, db, incr, Options{IncrementalFrom: full, Encryption: pass}); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, db, pub, Options{Encryption: &Encryption{Recipients: []age.Recipient{id.Recipient()}}}); err != nil {
		t.Fatal(err)
	}
	// No plaintext: neither the index files' trailers nor source text.
	for _, b := range []string{full, incr, pub} {
		files, _ := filepath.Glob(filepath.Join(b, dataDir, "*"))
		if len(files) == 0 {
			t.Fatalf("%s stores no files", b)
		}
		for _, f := range files {
			data, _ := os.ReadFile(f)
			if !bytes.HasPrefix(data, []byte("age-encryption.org/v1")) || bytes.Contains(data, []byte("CGIXFILE")) {
				t.Fatalf("%s is not an age file", f)
			}
		}
	}
	for _, c := range []struct {
		name, from string
		enc        *Encryption
		want       error // nil: must restore
	}{
		{"no passphrase", incr, nil, nil},
		{"wrong passphrase", incr, &Encryption{Passphrase: "wrong"}, ErrDecrypt},
		{"passphrase", incr, pass, nil},
		{"no identity", pub, nil, nil},
		{"wrong identity", pub, &Encryption{Identities: []age.Identity{mustIdentity(t)}}, ErrDecrypt},
		{"identity", pub, &Encryption{Identities: []age.Identity{id}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "db")
			_, err := Restore(ctx, c.from, dest, Options{Encryption: c.enc})
			if c.enc == nil || c.want != nil {
				if err == nil || c.want != nil && !errors.Is(err, c.want) {
					t.Fatalf("restore: %v, want %v", err, c.want)
				}
				if c.enc == nil && !strings.Contains(err.Error(), "--") {
					t.Errorf("the error does not say which flag to give: %v", err)
				}
				if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a failed restore left %s", dest)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mustCheck(t, dest)
		})
	}
}

func mustIdentity(t *testing.T) *age.X25519Identity {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}
