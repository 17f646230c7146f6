package embed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// toyCorpus has two topics whose words co-occur only within their topic:
// compression (deflate, huffman, window) and networking (socket, dial,
// listen). "inflate" and "deflate" never meet a networking word.
func toyCorpus() []Doc {
	var docs []Doc
	for i := range 40 {
		docs = append(docs,
			Doc{Name: fmt.Sprintf("deflateBlock%d", i), Signature: "func deflateBlock(w *huffmanWriter, window []byte)",
				Body: "huffman := newHuffmanEncoder(window); huffman.writeBlock(deflateTokens, window); inflate check compress level"},
			Doc{Name: fmt.Sprintf("inflateStream%d", i), Signature: "func inflateStream(r io.Reader) *decompressor",
				Body: "dec := huffmanDecoder{}; dec.init(window); compress inflate deflate level dictionary"},
			Doc{Name: fmt.Sprintf("dialSocket%d", i), Signature: "func dialSocket(network, address string) (Conn, error)",
				Body: "fd := socket(network); fd.connect(address); listen dial timeout deadline port host"},
			Doc{Name: fmt.Sprintf("listenTCP%d", i), Signature: "func listenTCP(address string) (*TCPListener, error)",
				Body: "fd := socket(tcp); fd.bind(address); listen accept port host deadline dial"},
		)
	}
	return docs
}

func fitToy(t testing.TB) *Model {
	t.Helper()
	m, err := Fit(context.Background(), toyCorpus(), Options{Dim: 16})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func embedOne(t testing.TB, m *Model, s string) []float32 {
	t.Helper()
	v, err := m.Embed(context.Background(), []string{s})
	if err != nil {
		t.Fatal(err)
	}
	return v[0]
}

func TestModelLearnsAssociations(t *testing.T) {
	m := fitToy(t)
	if m.Dim() != 16 || m.VocabSize() == 0 {
		t.Fatalf("dim %d vocab %d", m.Dim(), m.VocabSize())
	}
	// Fitted parts alone: inflate is closer to huffman than to socket.
	sem := func(w string) []float32 {
		row, ok := m.index[stem(w)]
		if !ok {
			t.Fatalf("%q not in vocabulary", w)
		}
		v := make([]float32, m.Dim()) // the fitted vector, as stored
		dequantize(m.scales[row], m.codes[int(row)*m.Dim():int(row+1)*m.Dim()], v)
		return v
	}
	if a, b := dot(sem("inflate"), sem("compress")), dot(sem("inflate"), sem("socket")); a <= b+0.3 {
		t.Errorf("cos(inflate,compress)=%.2f not above cos(inflate,socket)=%.2f", a, b)
	}
	// A query with no word of a symbol's name still finds its topic.
	q := embedOne(t, m, "decompress data with a dictionary")
	docs, err := m.EmbedDocs(context.Background(), toyCorpus()[:4])
	if err != nil {
		t.Fatal(err)
	}
	if dot(q, docs[1]) <= dot(q, docs[2]) || dot(q, docs[1]) <= dot(q, docs[3]) {
		t.Errorf("decompression query: inflate %.2f, dial %.2f, listen %.2f", dot(q, docs[1]), dot(q, docs[2]), dot(q, docs[3]))
	}
	q = embedOne(t, m, "accepts connections on a port")
	if dot(q, docs[3]) <= dot(q, docs[0]) {
		t.Errorf("listen query: listen %.2f, deflate %.2f", dot(q, docs[3]), dot(q, docs[0]))
	}
}

func TestEmbedUnitAndStable(t *testing.T) {
	m := fitToy(t)
	for _, s := range []string{"deflate the window", "zzzunseenword", "HTTPServer listenAndServe"} {
		v := embedOne(t, m, s)
		if n := dot(v, v); n < 0.999 || n > 1.001 {
			t.Errorf("|%q|² = %v", s, n)
		}
		if fmt.Sprint(v) != fmt.Sprint(embedOne(t, m, s)) {
			t.Errorf("%q embeds differently twice", s)
		}
	}
	// No words: the zero vector, not NaN.
	for _, x := range embedOne(t, m, "the of ... 42") {
		if x != 0 {
			t.Fatalf("stopwords-only text gave %v", x)
		}
	}
	// Unseen words share n-grams with seen ones.
	if dot(embedOne(t, m, "huffmanize"), embedOne(t, m, "huffman")) < 0.3 {
		t.Error("unseen spelling variant far from its stem")
	}
}

func TestFitDeterministic(t *testing.T) {
	a, b := fitToy(t), fitToy(t)
	if a.ID() != b.ID() {
		t.Errorf("two fits: %s vs %s", a.ID(), b.ID())
	}
	c, err := Fit(context.Background(), toyCorpus()[:60], Options{Dim: 16})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() == a.ID() {
		t.Error("fit on other documents has the same ID")
	}
	if !strings.HasPrefix(a.ID(), "builtin/ppmi-v1/16/") {
		t.Errorf("ID = %q", a.ID())
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit(context.Background(), []Doc{{Name: "a"}}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, toyCorpus(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled fit: %v", err)
	}
	m := fitToy(t)
	if _, err := m.Embed(ctx, make([]string, 1000)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled embed: %v", err)
	}
	if _, err := Fit(context.Background(), toyCorpus(), Options{Dim: 5000}); err == nil {
		t.Error("dimension 5000 accepted")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := fitToy(t)
	path := filepath.Join(t.TempDir(), "embed", "model.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.ID() != m.ID() || l.Dim() != m.Dim() || l.VocabSize() != m.VocabSize() {
		t.Fatalf("loaded %s/%d/%d, saved %s/%d/%d", l.ID(), l.Dim(), l.VocabSize(), m.ID(), m.Dim(), m.VocabSize())
	}
	docs := toyCorpus()[:8]
	a, _ := m.EmbedDocs(context.Background(), docs)
	b, _ := l.EmbedDocs(context.Background(), docs)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("loaded model embeds differently")
	}
	// Loaded for queries (word vectors computed on use): the same ID and
	// the same vectors, for documents and for free text.
	q, err := LoadForQueries(path)
	if err != nil {
		t.Fatal(err)
	}
	if q.ID() != m.ID() || !q.lazy || q.vecs != nil {
		t.Fatalf("loaded for queries: %s, lazy %v", q.ID(), q.lazy)
	}
	c, _ := q.EmbedDocs(context.Background(), docs)
	if fmt.Sprint(a) != fmt.Sprint(c) {
		t.Error("the model loaded for queries embeds documents differently")
	}
	texts := []string{"parse the request headers", "order total", "zzz unknownword"}
	et, _ := m.Embed(context.Background(), texts)
	eq, _ := q.Embed(context.Background(), texts)
	if fmt.Sprint(et) != fmt.Sprint(eq) {
		t.Error("the model loaded for queries embeds texts differently")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestLoadCorrupt(t *testing.T) {
	m := fitToy(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "model.bin")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flip := append([]byte(nil), good...)
	flip[len(flip)/2] ^= 0x40
	version := append([]byte(nil), good...)
	version[len(magic)] = 99
	for name, data := range map[string][]byte{
		"truncated": good[:len(good)/2],
		"flipped":   flip,
		"foreign":   []byte("PK\x03\x04 not a model at all"),
		"empty":     nil,
		"version":   version,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		if _, err := Load(p); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	m, err := Fit(context.Background(), toyCorpus()[:20], Options{Dim: 4})
	if err != nil {
		f.Fatal(err)
	}
	var b strings.Builder
	m.WriteTo(&b)
	f.Add([]byte(b.String()))
	f.Add([]byte("CGEMBED\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := m.Embed(context.Background(), []string{"deflate socket"}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"return", "returns", "returned", "returning"},
		{"encode", "encodes", "encoded", "encoding"},
		{"header", "headers"},
		{"set", "sets", "setting"},
		{"reply", "replies"},
	}
	for _, g := range groups {
		for _, w := range g[1:] {
			if stem(w) != stem(g[0]) {
				t.Errorf("stem(%q)=%q, stem(%q)=%q", w, stem(w), g[0], stem(g[0]))
			}
		}
	}
	for _, w := range []string{"status", "address", "is", "os"} {
		if stem(w) == "" {
			t.Errorf("stem(%q) empty", w)
		}
	}
}

func BenchmarkEmbedQuery(b *testing.B) {
	m := fitToy(b)
	ctx := context.Background()
	q := []string{"returns the HTTP request as represented in the current environment"}
	for b.Loop() {
		m.Embed(ctx, q)
	}
}

func BenchmarkEmbedDocs(b *testing.B) {
	m := fitToy(b)
	ctx := context.Background()
	docs := toyCorpus()
	b.ReportMetric(float64(len(docs)), "docs/op")
	for b.Loop() {
		m.EmbedDocs(ctx, docs)
	}
}

func BenchmarkFitToy(b *testing.B) {
	docs := toyCorpus()
	for b.Loop() {
		Fit(context.Background(), docs, Options{Dim: 16})
	}
}

func TestNodeDocAndText(t *testing.T) {
	src := []byte("package p\n\nfunc Add(a, b int) int { return a + b }\n")
	n := &graph.Node{Name: "Add", QualifiedName: "p.Add", Signature: "func Add(a, b int) int", StartByte: 11, EndByte: uint32(len(src) - 1)}
	d := NodeDoc(n, src)
	if d.Body != "func Add(a, b int) int { return a + b }" || d.Name != "Add" {
		t.Errorf("NodeDoc = %+v", d)
	}
	if got := d.Text(); got != "p.Add\nfunc Add(a, b int) int\nfunc Add(a, b int) int { return a + b }" {
		t.Errorf("Text = %q", got)
	}
	n.EndByte = 1 << 20 // stale range: no body rather than a panic
	if d := NodeDoc(n, src); d.Body != "" {
		t.Errorf("out-of-range body %q", d.Body)
	}
	if (Doc{Name: "x"}).Text() != "x" {
		t.Error("name-only Text")
	}
}

func TestEmbedDocsFallsBackToText(t *testing.T) {
	m := fitToy(t)
	docs := toyCorpus()[:3]
	// Through the interface helper the model weights fields itself.
	a, err := EmbedDocs(context.Background(), m, docs)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.EmbedDocs(context.Background(), docs)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("EmbedDocs helper bypassed Model.EmbedDocs")
	}
	// A text-only embedder gets Doc.Text.
	var got []string
	te := textEmbedder(func(texts []string) { got = texts })
	if _, err := EmbedDocs(context.Background(), te, docs[:1]); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != docs[0].Text() {
		t.Errorf("text embedder got %q", got)
	}
}

type textEmbedder func([]string)

func (f textEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	f(texts)
	return make([][]float32, len(texts)), nil
}
func (textEmbedder) Dim() int   { return 1 }
func (textEmbedder) ID() string { return "text" }

// A Fitter given its symbols in another order and told their order
// (Reorder) fits the model of the original order; an order that is not a
// permutation is refused.
func TestFitReorder(t *testing.T) {
	docs := toyCorpus()
	want := fitToy(t)
	// reversed returns a Fitter given docs last first (the i-th symbol of
	// docs is added as number len(docs)-1-i) and the order that undoes it.
	reversed := func() (*Fitter, []uint32) {
		f := NewFitter(Options{Dim: 16})
		order := make([]uint32, len(docs))
		for i := range docs {
			f.Add(docs[len(docs)-1-i])
			order[i] = uint32(len(docs) - 1 - i)
		}
		return f, order
	}
	f, order := reversed()
	if err := f.Reorder(order); err != nil {
		t.Fatal(err)
	}
	m, err := f.Fit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m.ID() != want.ID() {
		t.Errorf("reordered fit %s, fit in order %s", m.ID(), want.ID())
	}
	f, order = reversed()
	if err := f.Reorder(order[1:]); err == nil {
		t.Error("an order of too few symbols accepted")
	}
	order[0] = order[1]
	if err := f.Reorder(order); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Fit(context.Background()); err == nil || !strings.Contains(err.Error(), "permutation") {
		t.Errorf("fit with a repeated symbol in the order: %v", err)
	}
}

// Fit lets go of the symbols once it has counted them (their word ids
// were the fitter's largest part, live beside the fit's matrices), and a
// Fitter fits once.
func TestFitReleasesSymbols(t *testing.T) {
	f := NewFitter(Options{Dim: 16})
	for _, d := range toyCorpus() {
		f.Add(d)
	}
	m, err := f.Fit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m.ID() != fitToy(t).ID() {
		t.Errorf("fit %s, want %s", m.ID(), fitToy(t).ID())
	}
	if f.docs != nil || f.names != nil || f.arena != nil || f.index != nil || f.words != nil || f.count != nil {
		t.Errorf("the fitter still holds its symbols after Fit: %d docs, %d words", len(f.docs), len(f.words))
	}
	if _, err := f.Fit(context.Background()); err == nil {
		t.Error("a second Fit on one Fitter succeeded")
	}
}
