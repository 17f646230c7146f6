package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestIndexPrecise runs `index --precise` on the precise fixture and reads
// the tier back through status, callers and precise --json.
func TestIndexPrecise(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "precise", "goshapes"))
	db := filepath.Join(repo, ".codegraph")
	_, errs, code := run(t, "index", repo, "--no-search", "--precise", "--no-daemon")
	if code != 0 || !strings.Contains(errs, "precise: 3 of 3 Go packages checked") || !strings.Contains(errs, "heuristic: broken: broken/broken.go:8:9") {
		t.Fatalf("index --precise: exit %d, stderr %s", code, errs)
	}
	if out := mustRun(t, "status", "--db", db); !strings.Contains(out, "precise:  2 of 3 Go packages have compiler-checked edges") {
		t.Errorf("status:\n%s", out)
	}
	if out := mustRun(t, "status", "--db", db, "--json"); !strings.Contains(out, `"precise": {`) || !strings.Contains(out, `"heuristic": 1`) || !strings.Contains(out, `"db":`) {
		t.Errorf("status --json:\n%s", out)
	}
	if out := mustRun(t, "callers", "--db", db, "shape.Total"); !strings.Contains(out, "[call at draw/draw.go:29, precise]") {
		t.Errorf("callers:\n%s", out)
	}
	if out := mustRun(t, "precise", "--db", db, "--json"); !strings.Contains(out, `"checked": 0`) {
		t.Errorf("a second pass over an unchanged tree:\n%s", out)
	}
	if _, _, code := run(t, "index", repo, "--precise", "--no-precise"); code == 0 {
		t.Error("--precise with --no-precise accepted")
	}
}
