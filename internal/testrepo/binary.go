package testrepo

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RunWithBinary is the body of an end-to-end package's TestMain: unless
// -short, it builds the codegraph command into a temporary directory, sets
// *binary to its path, runs the tests and removes the directory; it
// returns the exit code for os.Exit. With -short *binary stays "" (the
// tests skip).
func RunWithBinary(m *testing.M, binary *string) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "codegraph-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	*binary = filepath.Join(dir, "codegraph")
	cmd := exec.Command("go", "build", "-o", *binary, "github.com/codegraph-dev/codegraph/cmd/codegraph")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build codegraph:", err)
		return 1
	}
	return m.Run()
}
