package indexfile

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func body(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func write(t testing.TB, n int) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.idx")
	b := body(n)
	w, err := Create(path, "TEST", 3)
	if err != nil {
		t.Fatal(err)
	}
	// In uneven pieces, so block boundaries fall inside writes.
	for rest := b; len(rest) > 0; {
		k := min(len(rest), 1+len(rest)/3, 100_000)
		if _, err := w.Write(rest[:k]); err != nil {
			t.Fatal(err)
		}
		rest = rest[k:]
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, BlockSize - 1, BlockSize, BlockSize + 1, 5*BlockSize + 17} {
		path, want := write(t, n)
		f, err := Open(path, "TEST", 3)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !bytes.Equal(f.Body(), want) {
			t.Errorf("n=%d: body differs", n)
		}
		if err := f.Verify(); err != nil {
			t.Errorf("n=%d: %v", n, err)
		}
		f.Close()
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("n=%d: stray files %v", n, entries)
		}
	}
}

func corruptErr(t *testing.T, err error, path string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("%v: not ErrCorrupt naming %s", err, path)
	}
}

func TestDamage(t *testing.T) {
	const n = 4*BlockSize + 100
	t.Run("flipped byte found by the range covering it only", func(t *testing.T) {
		path, _ := write(t, n)
		data, _ := os.ReadFile(path)
		data[2*BlockSize+5] ^= 1
		os.WriteFile(path, data, 0o644)
		verified.Clear()
		f, err := Open(path, "TEST", 3)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.VerifyRange(0, 2*BlockSize); err != nil {
			t.Fatalf("undamaged blocks: %v", err)
		}
		if got := f.BlocksChecked(); got != 2 {
			t.Errorf("%d blocks checked, want 2", got)
		}
		corruptErr(t, f.VerifyRange(2*BlockSize+1, 10), path)
		corruptErr(t, f.Verify(), path)
	})
	t.Run("truncated", func(t *testing.T) {
		path, _ := write(t, n)
		for _, size := range []int64{n / 2, n + 3, 10} {
			os.Truncate(path, size)
			_, err := Open(path, "TEST", 3)
			corruptErr(t, err, path)
		}
	})
	t.Run("kind and version", func(t *testing.T) {
		path, _ := write(t, 10)
		_, err := Open(path, "OTHR", 3)
		corruptErr(t, err, path)
		_, err = Open(path, "TEST", 4)
		corruptErr(t, err, path)
	})
	t.Run("damaged checksum table", func(t *testing.T) {
		path, _ := write(t, n)
		data, _ := os.ReadFile(path)
		data[n+1] ^= 1
		os.WriteFile(path, data, 0o644)
		_, err := Open(path, "TEST", 3)
		corruptErr(t, err, path)
	})
	t.Run("missing", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "none"), "TEST", 3)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v", err)
		}
	})
}

func TestVerifiedOncePerVersion(t *testing.T) {
	verified.Clear()
	path, _ := write(t, 3*BlockSize)
	f, err := Open(path, "TEST", 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	g, err := Open(path, "TEST", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !g.Verified() {
		t.Error("an unchanged file is checked again")
	}
	// A new version (rewritten) is checked again.
	path2, _ := write(t, 3*BlockSize)
	if err := os.Rename(path2, path); err != nil {
		t.Fatal(err)
	}
	h, err := Open(path, "TEST", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if h.Verified() {
		t.Error("a replaced file counts as verified")
	}
}

// FuzzParse feeds arbitrary bytes to the trailer parser: it must reject
// them with ErrCorrupt or give a File whose checks never panic and whose
// Verify agrees with a block-by-block check.
func FuzzParse(f *testing.F) {
	for _, n := range []int{0, 10, BlockSize + 3} {
		path, _ := write(f, n)
		b, _ := os.ReadFile(path)
		f.Add(b)
		if len(b) > 40 {
			c := bytes.Clone(b)
			c[len(c)-20] ^= 1
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data, "TEST", 3)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%v is not ErrCorrupt", err)
			}
			return
		}
		body := file.Body()
		rangeOK := file.VerifyRange(0, len(body)) == nil
		file.VerifyRange(len(body)/2, len(body))
		file.VerifyRange(-1, 3)
		if (file.Verify() == nil) != rangeOK {
			t.Fatal("Verify and VerifyRange disagree")
		}
	})
}
