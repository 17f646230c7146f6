package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// childEnv makes the test binary run the command line (os.Args[1:])
// instead of the tests, as the codegraph binary would: TestMain checks it.
const childEnv = "CODEGRAPH_CLI_TEST_CHILD"

func childMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// startServe runs `codegraph serve args...` as a child process and returns
// it with its base URL.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{}) // closed when the child has exited
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`codegraph serve: (http://[0-9.:]+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() {
		cmd.Wait()
		close(exited)
	}()
	select {
	case u := <-urlc:
		return cmd, u, exited
	case <-exited:
		t.Fatalf("serve exited at start: %v", cmd.ProcessState)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	return nil, "", nil
}

func jobCall(t *testing.T, method, url string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %d: %v", method, url, resp.StatusCode, err)
	}
	return out
}

// slowRepo is a repository whose index takes many minutes without a bound
// on extraction: the 240 KB JavaScript files nested 60,000 deep
// (tree-sitter parses each in about 2 s, then its query ran for minutes,
// deaf to cancellation).
func slowRepo(t *testing.T) string {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	src := "x=" + strings.Repeat("{a:", 60000) + strings.Repeat("}", 60000)
	for i := range 4 {
		if err := os.WriteFile(filepath.Join(repo, fmt.Sprintf("deep%d.js", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

// waitParsing waits until the job is running its parse phase.
func waitParsing(t *testing.T, base, id string) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(100 * time.Millisecond) {
		j := jobCall(t, "GET", base+"/jobs/"+id)
		if j["state"] != "running" && j["state"] != "queued" {
			t.Fatalf("job ended before the test could stop it: %v", j)
		}
		if p, _ := j["progress"].(map[string]any); p != nil && p["phase"] == "parse" {
			time.Sleep(6 * time.Second) // past the parse, into the queries
			return
		}
	}
	t.Fatal("the job never reached its parse phase")
}

// TestServeStopsJobs: in `codegraph serve` (a child process), cancelling
// an index job stops it promptly, and SIGTERM stops the server within its
// grace period while a job runs. Before the extraction budget and the
// shutdown's job cancellation, the cancelled job ran on for minutes and
// SIGTERM did not stop the server within 90 s.
func TestServeStopsJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs codegraph serve as a child process")
	}
	repo := slowRepo(t)
	const grace = 3 * time.Second
	cmd, base, exited := startServe(t, "--repo", "r="+repo, "--no-index", "--shutdown-grace", grace.String(), "-q")

	job := jobCall(t, "POST", base+"/index?repo=r")
	id, _ := job["id"].(string)
	if id == "" {
		t.Fatalf("POST /index: %v", job)
	}
	waitParsing(t, base, id)
	cancelled := time.Now()
	jobCall(t, "DELETE", base+"/jobs/"+id)
	for {
		j := jobCall(t, "GET", base+"/jobs/"+id)
		if j["state"] == "cancelled" {
			break
		}
		if j["state"] != "running" {
			t.Fatalf("cancelled job ended as %v", j)
		}
		if time.Since(cancelled) > 5*time.Second {
			t.Fatalf("job still %v %s after DELETE", j["state"], time.Since(cancelled))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("job cancelled in %s", time.Since(cancelled).Round(time.Millisecond))

	job = jobCall(t, "POST", base+"/index?repo=r")
	id, _ = job["id"].(string)
	waitParsing(t, base, id)
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Logf("serve exited %s after SIGTERM", time.Since(signalled).Round(time.Millisecond))
	case <-time.After(grace + 5*time.Second):
		t.Fatalf("serve still running %s after SIGTERM (grace %s)", grace+5*time.Second, grace)
	}
}

// TestCloseWithin: a close that does not return (a job deaf to
// cancellation) does not keep the server alive past the grace period.
func TestCloseWithin(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	start := time.Now()
	if err := closeWithin(time.Second, func() { <-block }); err != errCloseTimeout {
		t.Errorf("closeWithin of a blocked close = %v", err)
	}
	if el := time.Since(start); el < time.Second || el > 5*time.Second {
		t.Errorf("closeWithin returned after %s, want about 1s", el)
	}
	if err := closeWithin(time.Second, func() {}); err != nil {
		t.Errorf("closeWithin of a quick close = %v", err)
	}
}
