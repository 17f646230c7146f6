package deploy

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestShellScriptsParse checks with bash -n that CI's entry point and the
// scripts beside it parse: a broken .ci/run fails CI before any test runs
// (an edit once left "make test)." in it).
func TestShellScriptsParse(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	files := []string{filepath.Join("..", ".ci", "run")}
	for _, pattern := range []string{"../scripts/*.sh", "../bench/*.sh"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		if out, err := exec.Command(bash, "-n", f).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %v\n%s", f, err, out)
		}
	}
}
