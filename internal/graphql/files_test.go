package graphql

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestParseFilePolicy: parseFile applies the file policy REST applies:
// .env itself (which it used to read), a link to it, links out of the
// root and FIFOs (which blocked forever) are refused, without blocking.
func TestParseFilePolicy(t *testing.T) {
	outside := t.TempDir()
	f := newFixture(t, Options{}, func(root string) {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(os.WriteFile(filepath.Join(root, ".env"), []byte("AWS_SECRET=hunter2\n"), 0o644))
		must(os.WriteFile(filepath.Join(outside, "x.go"), []byte("package hunter2\n"), 0o644))
		must(os.Symlink(".env", filepath.Join(root, "leak.py")))
		must(os.Symlink(filepath.Join(outside, "x.go"), filepath.Join(root, "out.go")))
		must(syscall.Mkfifo(filepath.Join(root, "fifo.go"), 0o644))
	})
	q := `mutation($in: ParseFileInput!) { parseFile(input: $in) { path nodes { qualifiedName } } }`
	for _, tc := range []struct{ path, code string }{
		{".env", codeForbidden},
		{"leak.py", codeForbidden},
		{"out.go", codeForbidden},
		{"../x.go", codeBadInput},
		{"fifo.go", codeBadInput},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			r := f.post(t, q, map[string]any{"in": map[string]any{"path": tc.path}})
			if len(r.Errors) == 0 || r.Errors[0].code() != tc.code || strings.Contains(string(r.Data)+r.Errors[0].Message, "hunter2") {
				t.Errorf("%s: %+v %s, want %s", tc.path, r.Errors, r.Data, tc.code)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer in 10 s", tc.path)
		}
	}
	// The answer is bounded: a snippet with more nodes and edges than one
	// answer holds is refused with a clear error. (~320 KB, as REST's
	// test: the parse budget is the same for both, and 900 KB can take
	// longer than it on a loaded machine.)
	var b strings.Builder
	for i := 0; b.Len() < 320<<10; i++ {
		b.WriteString("def f")
		b.WriteString(strings.Repeat("a", i%7))
		b.WriteString("(): g()\n")
	}
	f.wantError(t, q, map[string]any{"in": map[string]any{"path": "bomb.py", "content": b.String()}}, codeTooLarge, "nodes and edges")
}
