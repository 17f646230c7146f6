package grep

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/indexfile"
)

// sameResults checks that ix answers a set of queries exactly like a brute
// force scan of c.
func sameResults(t *testing.T, ix *Index, c corpus, root string, patterns []string) {
	t.Helper()
	for _, p := range patterns {
		for _, mode := range []Mode{Exact, Regex} {
			match, ok := bruteMatcher(p, mode, false)
			if !ok {
				continue
			}
			res := search(t, ix, root, Query{Pattern: p, Mode: mode})
			if got, want := hitsOf(res.Matches), brute(c, match); !equalHits(got, want) {
				t.Fatalf("%v %q:\n got %v\nwant %v", mode, p, got, want)
			}
			if res.Stats.Files != len(c) {
				t.Fatalf("index holds %d files, corpus %d", res.Stats.Files, len(c))
			}
		}
	}
}

var probePatterns = []string{"foo", "Foo", "bar", "abc", "b.c", "zzz", "oo", "fo+ba", "new content", "^a"}

func TestUpdateReplaceDelete(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := randomCorpus(r, 30)
	ix, dir := buildIndex(t, c, Options{MinMerge: 1000}) // never merge here
	root := writeCorpus(t, c)
	sameResults(t, ix, c, root, probePatterns)

	apply := func(changes []Change) {
		t.Helper()
		if err := ix.Update(context.Background(), changes); err != nil {
			t.Fatal(err)
		}
		for _, ch := range changes {
			full := filepath.Join(root, filepath.FromSlash(ch.Path))
			if ch.Deleted {
				delete(c, ch.Path)
				os.Remove(full)
				continue
			}
			c[ch.Path] = string(ch.Content)
			os.MkdirAll(filepath.Dir(full), 0o755)
			if err := os.WriteFile(full, ch.Content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	apply([]Change{
		{Path: "d0/f000.txt", Content: []byte("new content here\nfoo")},
		{Path: "d1/f001.txt", Deleted: true},
		{Path: "new/file.txt", Content: []byte("brand new content\n")},
		{Path: "never/indexed.txt", Deleted: true},
	})
	sameResults(t, ix, c, root, probePatterns)
	if s := ix.Size(); s.DeltaFiles != 2 || s.Tombstones != 2 {
		t.Fatalf("size after first update %+v", s)
	}
	// Replace a file that lives in the delta, delete another delta file, and
	// change a base file twice in one call (the last change wins).
	apply([]Change{
		{Path: "new/file.txt", Content: []byte("replaced again: foo bar\n")},
		{Path: "d0/f000.txt", Deleted: true},
		{Path: "d2/f002.txt", Content: []byte("first")},
	})
	apply([]Change{{Path: "d2/f002.txt", Content: []byte("abc second")}})
	sameResults(t, ix, c, root, probePatterns)
	if info, ok := ix.File("d2/f002.txt"); !ok || info.Size != int64(len("abc second")) {
		t.Errorf("File = %+v, %v", info, ok)
	}
	if _, ok := ix.File("d0/f000.txt"); ok {
		t.Error("deleted file still listed")
	}

	// Reopen from disk: same answers.
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	sameResults(t, ix2, c, root, probePatterns)

	// Compact merges the delta: same answers, no delta left, one base file.
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := ix.Size(); s.DeltaFiles != 0 || s.Tombstones != 0 || s.BaseFiles != len(c) {
		t.Fatalf("size after compact %+v", s)
	}
	sameResults(t, ix, c, root, probePatterns)
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Errorf("index dir holds %v, want MANIFEST and one base", names)
	}
}

func TestUpdateMergesWhenDeltaGrows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	c := randomCorpus(r, 40)
	ix, dir := buildIndex(t, c, Options{MinMerge: 4, MergeFraction: 0.1})
	root := writeCorpus(t, c)
	merged := false
	for i := range 12 {
		p := fmt.Sprintf("grow/%02d.txt", i)
		content := fmt.Sprintf("abc file %d foo\n", i)
		if err := ix.Update(context.Background(), []Change{{Path: p, Content: []byte(content)}}); err != nil {
			t.Fatal(err)
		}
		c[p] = content
		os.MkdirAll(filepath.Join(root, "grow"), 0o755)
		os.WriteFile(filepath.Join(root, filepath.FromSlash(p)), []byte(content), 0o644)
		if ix.Size().DeltaFiles == 0 {
			merged = true
		}
	}
	if !merged {
		t.Fatalf("delta never merged: %+v", ix.Size())
	}
	sameResults(t, ix, c, root, probePatterns)
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	sameResults(t, ix2, c, root, probePatterns)
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{}); !errors.Is(err, ErrNoIndex) {
		t.Errorf("empty dir: err = %v, want ErrNoIndex", err)
	}
	ix, dir := buildIndex(t, small, Options{})
	ix.Close()
	base := ""
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "base-") {
			base = filepath.Join(dir, e.Name())
		}
	}
	good, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	mf := filepath.Join(dir, manifestName)
	goodManifest, _ := os.ReadFile(mf)
	for _, c := range []struct {
		name   string
		mutate func()
	}{
		{"flipped posting byte", func() { b := append([]byte{}, good...); b[len(b)-9] ^= 0x40; os.WriteFile(base, b, 0o644) }},
		{"flipped path byte", func() {
			b := append([]byte{}, good...)
			b[headerSize+docEntrySize*len(small)+2] ^= 1
			os.WriteFile(base, b, 0o644)
		}},
		{"truncated", func() { os.WriteFile(base, good[:len(good)/2], 0o644) }},
		{"foreign file", func() { os.WriteFile(base, []byte("PK\x03\x04 this is a zip file, honest"), 0o644) }},
		{"future version", func() { b := append([]byte{}, good...); b[8] = 99; os.WriteFile(base, b, 0o644) }},
		{"bad manifest", func() { os.WriteFile(mf, []byte("hello\nworld\n"), 0o644) }},
		{"manifest escaping dir", func() {
			os.WriteFile(mf, manifest{gen: 1, base: "../x.seg"}.encode(), 0o644)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Damage in place within the timestamp granularity of an
			// earlier open would keep the file's identity: forget what
			// was verified (TestOpenVerifiedOnce covers that record).
			indexfile.ForgetVerified()
			c.mutate()
			defer os.WriteFile(base, good, 0o644)
			defer os.WriteFile(mf, goodManifest, 0o644)
			ix, err := Open(dir, Options{})
			if err == nil {
				ix.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("restored index: %v", err)
	}
	ix.Close()
}

// TestCrashLeftovers: what a writer killed mid-publish leaves behind (a
// temporary file, a segment the manifest does not name yet) neither
// breaks Open nor changes the answers, and is removed by the next write.
func TestCrashLeftovers(t *testing.T) {
	ix, dir := buildIndex(t, small, Options{})
	root := writeCorpus(t, small)
	os.WriteFile(filepath.Join(dir, ".tmp-grep-123"), []byte("half a segm"), 0o644)
	os.WriteFile(filepath.Join(dir, "delta-000000000099.seg"), []byte("CGGREPSG garbage"), 0o644)
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameResults(t, ix2, small, root, []string{"handleUserAuth", "package"})
	ix2.Close()
	if err := ix.Update(context.Background(), []Change{{Path: "x.txt", Content: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{".tmp-grep-123", "delta-000000000099.seg"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("%s not removed", n)
		}
	}
}

func TestBuilderRejectsBadPaths(t *testing.T) {
	b := NewBuilder()
	for _, p := range []string{"", "/abs", "../up", "a/../b", "a//b", `a\b`, "./a", "."} {
		if err := b.Add(p, nil); err == nil {
			t.Errorf("Add(%q) accepted", p)
		}
	}
	if err := b.Add("ok.txt", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("ok.txt", nil); err == nil {
		t.Error("duplicate accepted")
	}
}

func TestEmptyIndex(t *testing.T) {
	ix, dir := buildIndex(t, corpus{}, Options{})
	res := search(t, ix, t.TempDir(), Query{Pattern: "abc"})
	if len(res.Matches) != 0 || res.Stats.Files != 0 {
		t.Errorf("%+v", res)
	}
	if err := ix.Update(context.Background(), []Change{{Path: "a.txt", Content: []byte("abc\n")}}); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if ix2.Len() != 1 {
		t.Errorf("Len = %d", ix2.Len())
	}
}

func TestFilesListing(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{MinMerge: 100})
	if err := ix.Update(context.Background(), []Change{
		{Path: "auth/auth.go", Content: []byte("new")},
		{Path: "main.go", Deleted: true},
		{Path: "zz.txt", Content: []byte("zz")},
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range ix.Files() {
		got = append(got, fmt.Sprintf("%s:%d", f.Path, f.Size))
	}
	want := "README.md:38 auth/auth.go:3 auth/auth_test.go:65 web/app.js:40 zz.txt:2"
	if strings.Join(got, " ") != want {
		t.Errorf("Files = %v, want %s", got, want)
	}
}

// TestConcurrentSearchAndUpdate runs searches while updates replace the
// segments under them (run with -race).
func TestConcurrentSearchAndUpdate(t *testing.T) {
	c := corpus{}
	for i := range 50 {
		c[fmt.Sprintf("f%02d.txt", i)] = fmt.Sprintf("line one %d\nneedle here %d\n", i, i)
	}
	ix, _ := buildIndex(t, c, Options{MinMerge: 3, MergeFraction: 0.05})
	root := writeCorpus(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			for ctx.Err() == nil {
				res, err := ix.Search(ctx, root, Query{Pattern: "needle"})
				if err != nil && ctx.Err() == nil {
					errc <- err
					return
				}
				if err == nil && len(res.Matches) != 50 {
					errc <- fmt.Errorf("got %d matches, want 50", len(res.Matches))
					return
				}
			}
			errc <- nil
		}()
	}
	for i := range 20 {
		p := fmt.Sprintf("f%02d.txt", i%50)
		if err := ix.Update(ctx, []Change{{Path: p, Content: []byte(c[p])}}); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}

// TestOpenVerifiedOnce checks the per-process record of verified segments:
// opening an unchanged index again skips the checksums, and a segment whose
// bytes changed since (a new modification time) is checked again and
// refused when damaged.
func TestOpenVerifiedOnce(t *testing.T) {
	ix, dir := buildIndex(t, corpus{"a.go": "package a\nfunc Alpha() {}\n", "b.go": "package b\nfunc Beta() {}\n"}, Options{})
	ix.Close()
	indexfile.ForgetVerified()
	for range 2 {
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ix.Close()
	}
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, m.base)
	b, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(base)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-9] ^= 0x40
	if err := os.WriteFile(base, b, 0o644); err != nil {
		t.Fatal(err)
	}
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(base, later, later); err != nil {
		t.Fatal(err)
	}
	if ix, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("damaged segment: %v, want ErrCorrupt", err)
		if ix != nil {
			ix.Close()
		}
	}
}

// TestPostingsCheckedOnRead: Open checks the segment's blocks outside its
// posting lists; a list's blocks are checked when a search first reads
// it, so damage there fails that search (ErrCorrupt), not the open.
func TestPostingsCheckedOnRead(t *testing.T) {
	c := corpus{}
	for i := range 1500 {
		c[fmt.Sprintf("f%04d.txt", i)] = fmt.Sprintf("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau\nuniq%05d\n", i*7)
	}
	ix, dir := buildIndex(t, c, Options{})
	root := writeCorpus(t, c)
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	seg := ix.base
	postOff, postLen := seg.postOff, len(seg.post)
	// A byte of the last posting list, in a block the open does not check.
	off := postOff + postLen - 1
	if off/indexfile.BlockSize == (postOff-1)/indexfile.BlockSize {
		t.Fatalf("postings (%d+%d) do not reach past the first block of the lists: make the corpus larger", postOff, postLen)
	}
	tri := seg.triAt(int(seg.nTris) - 1)
	first := seg.triAt(0) // its list lies in a block before the damaged one
	if end := postOff + len(seg.postings(0)); end/indexfile.BlockSize == off/indexfile.BlockSize {
		t.Fatalf("the first and last posting lists share a block")
	}
	ix.Close()
	// The body starts the file (the indexfile container appends its table).
	base := filepath.Join(dir, m.base)
	b, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0x01
	if err := os.WriteFile(base, b, 0o644); err != nil {
		t.Fatal(err)
	}
	indexfile.ForgetVerified()
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open with damage in a posting list: %v (want it found when the list is read)", err)
	}
	defer ix.Close()
	if res := search(t, ix, root, Query{Pattern: trigramString(first)}); len(res.Matches) == 0 {
		t.Errorf("a search of an undamaged list %q: no match", trigramString(first))
	}
	_, err = ix.Search(context.Background(), root, Query{Pattern: trigramString(tri)})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("search reading the damaged list %q: %v, want ErrCorrupt", trigramString(tri), err)
	}
	// Merging reads every list: it checks the whole file first, as
	// VerifyChecksums does.
	if err := ix.base.verifyAll(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("verifyAll: %v, want ErrCorrupt", err)
	}
	if err := ix.VerifyChecksums(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("VerifyChecksums: %v, want ErrCorrupt", err)
	}
}
