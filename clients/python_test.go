package clients

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pythonFor returns the first Python 3 that can build and install the
// package offline (setuptools, wheel and pip importable): python3 on PATH,
// then Debian's /usr/bin/python3; with none, the first Python found and
// why it cannot install (the tests then run from the source tree).
func pythonFor(t *testing.T) (python string, canInstall bool, why string) {
	var cands []string
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		cands = append(cands, "/usr/bin/python3")
	}
	for _, p := range cands {
		out, err := exec.Command(p, "-c", "import setuptools, wheel, pip").CombinedOutput()
		if err == nil {
			return p, true, ""
		}
		if why == "" {
			why = p + ": " + strings.TrimSpace(string(out))
		}
	}
	if len(cands) == 0 {
		return "", false, "python3 is not installed"
	}
	return cands[0], false, why
}

// TestPythonClient installs clients/python with pip (offline, into a
// temporary directory) and runs its unittest suite against codegraph
// serve.
func TestPythonClient(t *testing.T) {
	base := fixtureServer(t)
	python, canInstall, why := pythonFor(t)
	if python == "" {
		t.Skip("python3 is not installed (.ci/run installs python3, python3-setuptools, python3-pip and python3-wheel): the Python client is not tested")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	src := filepath.Join(dir(), "python")
	pythonPath := filepath.Join(src, "src")
	if canInstall {
		// Build from a copy: an in-tree build would leave build/ and
		// *.egg-info in the checkout.
		tmp := t.TempDir()
		cp := filepath.Join(tmp, "src")
		if err := os.CopyFS(cp, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(tmp, "site")
		cmd := exec.CommandContext(ctx, python, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
			"--disable-pip-version-check", "--target", target, cp)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pip install --no-build-isolation ./clients/python: %v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(target, "codegraph_client", "py.typed")); err != nil {
			t.Fatalf("the installed package lacks py.typed: %v", err)
		}
		pythonPath = target
	} else {
		t.Logf("not testing pip install (%s); running the tests from the source tree", why)
	}
	cmd := exec.CommandContext(ctx, python, "-m", "unittest", "discover", "-v", "-s", filepath.Join(src, "tests"))
	cmd.Dir = t.TempDir() // not the source tree: the installed package is imported
	cmd.Env = append(os.Environ(),
		"PYTHONPATH="+pythonPath,
		"PYTHONDONTWRITEBYTECODE=1",
		"CODEGRAPH_URL="+base,
		"CODEGRAPH_RW_KEY="+rwKey,
		"CODEGRAPH_RO_KEY="+roKey,
		"CODEGRAPH_NOT_READY_URL="+emptyServer(t),
	)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("python -m unittest: %v", err)
	}
	if strings.Contains(string(out), "skipped") {
		t.Fatal("some Python tests were skipped: the environment did not reach them")
	}
}
