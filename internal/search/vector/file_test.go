package vector

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

func TestSaveOpen(t *testing.T) {
	base, queries := testData()
	base = base[:3000]
	ctx := context.Background()
	for _, o := range []Options{
		{Kind: HNSW, Quantization: Int8},
		{Kind: HNSW, Quantization: Float16, Metric: InnerProduct},
		{Kind: IVF, Quantization: Float32, NProbe: 8},
		{Kind: Flat, Quantization: Int8},
	} {
		o.Dim = 64
		o.EfConstruction = 64
		t.Run(o.Kind.String()+"-"+o.Quantization.String(), func(t *testing.T) {
			ix := build(t, o, base)
			defer ix.Close()
			ix.Delete(5, 6, 7)
			path := filepath.Join(t.TempDir(), "vec.idx")
			if err := ix.Save(path); err != nil {
				t.Fatal(err)
			}
			want := searchAll(t, ix, queries, 10, SearchOptions{})
			got, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			st := got.Stats()
			if !st.Mapped || st.Live != len(base)-3 || st.Deleted != 3 || st.Kind != o.Kind || st.Quantization != o.Quantization {
				t.Fatalf("stats after open: %+v", st)
			}
			if oo := got.Options(); oo.M != ix.opts.M || oo.EfSearch != ix.opts.EfSearch || oo.Metric != o.Metric {
				t.Errorf("options after open: %+v", oo)
			}
			res := searchAll(t, got, queries, 10, SearchOptions{})
			for i := range want {
				if len(res[i]) != len(want[i]) {
					t.Fatalf("query %d: %d results after open, %d before", i, len(res[i]), len(want[i]))
				}
				for j := range want[i] {
					if res[i][j] != want[i][j] {
						t.Fatalf("query %d: %v after open, %v before", i, res[i], want[i])
					}
				}
			}
			// Writes copy the mapping into memory and keep working.
			if err := got.Add(ctx, []uint64{1 << 50}, [][]float32{queries[0]}); err != nil {
				t.Fatal(err)
			}
			if got.Stats().Mapped {
				t.Error("still mapped after a write")
			}
			r, err := got.Search(ctx, queries[0], 1, nil)
			if err != nil || r[0].ID != 1<<50 {
				t.Errorf("search after write: %v %v", r, err)
			}
			if got.Contains(5) || !got.Contains(8) {
				t.Error("deleted ids did not survive the round trip")
			}
			if got.Delete(8) != 1 || got.Contains(8) {
				t.Error("delete after open failed")
			}
			// Save over the file it was opened from (rename, no truncation
			// of the mapped file) and open again.
			if err := got.Save(path); err != nil {
				t.Fatal(err)
			}
			again, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if again.Len() != len(base)-3 {
				t.Errorf("Len %d after second round trip", again.Len())
			}
			again.Close()
		})
	}
}

func TestSaveEmpty(t *testing.T) {
	for _, k := range []Kind{HNSW, IVF, Flat} {
		ix, _ := New(Options{Kind: k, Dim: 3})
		path := filepath.Join(t.TempDir(), "e.idx")
		if err := ix.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := Open(path)
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		if err := got.Add(context.Background(), []uint64{9}, [][]float32{{1, 2, 3}}); err != nil {
			t.Fatal(err)
		}
		if r, _ := got.Search(context.Background(), []float32{1, 2, 3}, 1, nil); len(r) != 1 || r[0].ID != 9 {
			t.Errorf("%v: %v", k, r)
		}
		got.Close()
	}
}

func smallFile(t testing.TB, o Options) []byte {
	base, _ := clustered(60, 1, 8, 4, 10, 3)
	o.Dim = 8
	o.M = 3
	o.EfConstruction = 16
	ix := build(t, o, base)
	defer ix.Close()
	ix.Delete(1, 2)
	path := filepath.Join(t.TempDir(), "s.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenCorrupt(t *testing.T) {
	good := smallFile(t, Options{Kind: HNSW, Quantization: Int8})
	dir := t.TempDir()
	cases := map[string][]byte{
		"empty":     {},
		"foreign":   []byte("PK\x03\x04 this is a zip file, not an index, padded to more than the header size........................................................"),
		"truncated": good[:len(good)-100],
		"version":   append([]byte(nil), good...),
		"body":      append([]byte(nil), good...),
		"header":    append([]byte(nil), good...),
	}
	binary.LittleEndian.PutUint32(cases["version"][8:], 99)
	cases["body"][len(good)-200] ^= 0x40
	cases["header"][20] ^= 1
	for name, b := range cases {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if ix, err := Open(p); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v, want ErrFormat", name, err)
			if ix != nil {
				ix.Close()
			}
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil || errors.Is(err, ErrFormat) {
		t.Errorf("missing file: %v", err)
	}
}

// reseal recomputes a mutated file's checksums, so fuzzing reaches the
// structural validation behind them.
func reseal(b []byte) {
	if len(b) < headerSize {
		return
	}
	le := binary.LittleEndian
	nsec := int(le.Uint32(b[52:]))
	if nsec > 64 || headerSize+24*nsec > len(b) {
		return
	}
	le.PutUint64(b[56:], uint64(len(b)))
	crc := crc32.Update(crc32.Checksum(b[:120], castagnoli), castagnoli, b[headerSize:headerSize+24*nsec])
	le.PutUint32(b[120:], crc)
}

func FuzzDecode(f *testing.F) {
	for _, o := range []Options{{Kind: HNSW, Quantization: Int8}, {Kind: IVF}, {Kind: Flat, Quantization: Float16}} {
		file, err := indexfile.Parse("seed", smallFile(f, o), fileKind, FormatVersion)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file.Body(), false)
	}
	f.Add([]byte(magic), true)
	f.Fuzz(func(t *testing.T, b []byte, fix bool) {
		b = bytes.Clone(b)
		if fix {
			reseal(b)
		}
		ix, err := decode(b)
		if err != nil {
			if ix != nil {
				t.Fatal("index and error")
			}
			return
		}
		// A file that validates must be searchable without panicking.
		q := make([]float32, ix.opts.Dim)
		for i := range q {
			q[i] = float32(i%3) - 1
		}
		if _, err := ix.Search(context.Background(), q, 5, nil); err != nil {
			t.Fatal(err)
		}
		ix.SearchWith(context.Background(), q, 5, SearchOptions{Filter: func(id uint64) bool { return id%2 == 0 }})
		ix.Delete(1, 2, 3)
		ix.Add(context.Background(), []uint64{77}, [][]float32{q})
	})
}

func BenchmarkOpen(b *testing.B) {
	base, _ := testData()
	ix := build(b, Options{Kind: HNSW, Dim: 64, Quantization: Int8, EfConstruction: 64}, base)
	path := filepath.Join(b.TempDir(), "b.idx")
	if err := ix.Save(path); err != nil {
		b.Fatal(err)
	}
	ix.Close()
	for b.Loop() {
		got, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		got.Close()
	}
}

// TestOpenVerifiedOnce checks the per-process record of verified files: a
// second open of an unchanged file skips the body hash, and a file whose
// bytes changed since (a new modification time) is hashed again and
// refused when damaged.
func TestOpenVerifiedOnce(t *testing.T) {
	good := smallFile(t, Options{Kind: HNSW, Quantization: Int8})
	p := filepath.Join(t.TempDir(), "v.cgv")
	if err := os.WriteFile(p, good, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		ix, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ix.Close()
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// Damage the body in place (same size, same inode), as a disk error or
	// another program would, and give it a new modification time.
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{good[len(good)-200] ^ 0x40}, int64(len(good)-200)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if ix, err := Open(p); !errors.Is(err, ErrFormat) {
		t.Errorf("damaged file opened: %v", err)
		if ix != nil {
			ix.Close()
		}
	}
}
