package clients

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTypeScriptClient checks that clients/typescript/src/openapi.ts is
// what openapi-typescript generates from internal/server/openapi.json,
// builds the package with tsc, and runs its node:test suite against
// codegraph serve. Its node_modules come from `npm ci --prefix
// clients/typescript` (.ci/run runs it).
func TestTypeScriptClient(t *testing.T) {
	base := fixtureServer(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the TypeScript client is not tested")
	}
	pkg := filepath.Join(dir(), "typescript")
	mods := filepath.Join(pkg, "node_modules")
	for _, m := range []string{"typescript", "openapi-typescript"} {
		if _, err := os.Stat(filepath.Join(mods, m, "package.json")); err != nil {
			t.Skip("clients/typescript/node_modules is missing: run npm ci --prefix clients/typescript (.ci/run does)")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := func(name string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, node, args...)
		cmd.Dir = pkg
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return string(out)
	}

	gen := filepath.Join(t.TempDir(), "openapi.ts")
	run("openapi-typescript", nil, filepath.Join(mods, "openapi-typescript", "bin", "cli.js"),
		filepath.Join("..", "..", "internal", "server", "openapi.json"), "-o", gen)
	want, err := os.ReadFile(gen)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join(pkg, "src", "openapi.ts"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, have) {
		t.Fatal("clients/typescript/src/openapi.ts is stale: run `npm run generate --prefix clients/typescript` after changing internal/server/openapi.json")
	}

	run("tsc", nil, filepath.Join(mods, "typescript", "bin", "tsc"), "-p", "tsconfig.json")
	out := run("node --test", []string{
		"CODEGRAPH_URL=" + base,
		"CODEGRAPH_RW_KEY=" + rwKey,
		"CODEGRAPH_RO_KEY=" + roKey,
		"CODEGRAPH_NOT_READY_URL=" + emptyServer(t),
	}, "--test", filepath.Join("test", "client.test.mjs"))
	t.Logf("%s", out)
	if !strings.Contains(out, "# fail 0") || !strings.Contains(out, "# skipped 0") || strings.Contains(out, "# pass 0\n") {
		t.Fatal("node --test: some tests failed or were skipped")
	}
}
