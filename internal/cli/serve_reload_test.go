package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestServeReloadsKeysOnHangup rotates an API key of a running `codegraph
// serve`: the --config file is rewritten with a new key, SIGHUP reloads
// it, the new key is accepted and the old one refused; a broken file then
// is refused and the key in force keeps working.
func TestServeReloadsKeysOnHangup(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	cfg := filepath.Join(t.TempDir(), "serve.json")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"api_keys": [{"name": "old", "key": "old-key-0123456789", "scope": "ro"}]}`)
	cmd, base, _ := startServe(t, "--repo", "r="+repo, "--no-index", "--config", cfg, "-q")
	status := func(key string) int {
		req, _ := http.NewRequest("GET", base+"/jobs", nil)
		req.Header.Set("X-API-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// waitFor polls until key gets want (the reload is asynchronous).
	waitFor := func(key string, want int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			got := status(key)
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("key %s: %d, want %d", key, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("old-key-0123456789", 200)
	waitFor("new-key-0123456789", 401)
	write(`{"api_keys": [{"name": "new", "key": "new-key-0123456789", "scope": "ro"}]}`)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("new-key-0123456789", 200)
	waitFor("old-key-0123456789", 401)
	write(`{"api_keys": [`)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	waitFor("new-key-0123456789", 200)
	if cmd.ProcessState != nil {
		t.Fatal("serve exited after a SIGHUP")
	}
}
