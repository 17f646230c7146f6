package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/daemon"
)

// startDaemon runs `daemon run` for repo in this process, in a daemon
// directory of its own, until the test ends.
func startDaemon(t *testing.T, repo string) daemon.Paths {
	t.Helper()
	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	ctx, stop := context.WithCancel(context.Background())
	var derr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"daemon", "run", "--repo", "fixture=" + repo, "--no-precise"}, strings.NewReader(""), &bytes.Buffer{}, &derr)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("the daemon did not stop")
		}
		os.RemoveAll(dir)
	})
	p := daemon.PathsIn(dir)
	deadline := time.Now().Add(30 * time.Second)
	for !daemon.Alive(context.Background(), p) {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon did not come up: %s", derr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// agePattern matches what differs between two runs a moment apart: how
// long ago the index was written.
var agePattern = regexp.MustCompile(`\([0-9.]+[smhd] ago\)|"age_seconds": [0-9.e+-]+|, [0-9.]+[smhd] ago\)`)

// TestQueriesThroughDaemon runs every query command on one fixture twice,
// answered by a running daemon and by the process itself (--no-daemon),
// and wants the same stdout, stderr and exit status; and checks that the
// daemon did answer.
func TestQueriesThroughDaemon(t *testing.T) {
	repo := indexedRepo(t)
	startDaemon(t, repo)
	t.Chdir(filepath.Join(repo, "pkg")) // FILE arguments relative to a subdirectory
	cases := [][]string{
		{"def", "Store.Get"},
		{"def", "Store.Get", "--json"},
		{"def", "store/store.go:Store.Get"},
		{"def", "store/store.go:24", "--json"},
		{"def", "New"},            // ambiguous: lists candidates, exit 2
		{"def", "New", "--json"},  // the same as JSON
		{"def", "NoSuchThing"},    // not found, exit 2
		{"def", "Stor", "--json"}, // suggestions
		{"callers", "Store.Get", "--depth", "3"},
		{"callers", "Store.Get", "--json"},
		{"callers", "Store.Get", "--limit", "1"},
		{"callers", "Store.Get", "--cursor", "bogus"}, // exit 2
		{"callees", "Server.ServeHTTP", "--depth", "2"},
		{"callees", "Server.ServeHTTP", "--json"},
		{"refs", "Store.Get"},
		{"refs", "Order", "--json", "--kind", "references"},
		{"deps", "server"},
		{"deps", "../web/cart.ts", "--json"},
		{"deps", "Cart", "--reverse", "--depth", "2"},
		{"path", "Server.ServeHTTP", "Store.Get"},
		{"path", "Server.ServeHTTP", "Store.Get", "--json"},
		{"path", "New", "Store.Get"},
		{"impact", "Store.Get"},
		{"impact", "../web", "--json"},
		{"outline", "store/store.go"},
		{"outline", "../tools/report.py", "--json", "--imports"},
		{"outline", "nosuch.go"}, // exit 2
		{"overview"},
		{"overview", "--json"},
		{"hubs"},
		{"hubs", "--json", "--by", "total", "--external"},
		{"cycles"},
		{"cycles", "--json"},
		{"symbols", "--kind", "method"},
		{"symbols", "--limit", "2"}, // a cursor on stderr
		{"symbols", "--json", "--doc", "--file", "store/*.go"},
		{"search", "parse config"},
		{"search", "order", "--json", "--limit", "5"},
		{"search", "--mode", "lexical", "store"},
		{"search", "--mode", "semantic", "total of the cart", "--json"},
		{"search", "--mode", "regex", `func \(s \*Store\)`},
		{"search", "--mode", "exact", "orders", "--json"},
		{"search", "--mode", "regex", "("}, // bad pattern
		{"status"},
		{"status", "--json"},
	}
	for _, args := range cases {
		name := strings.Join(args, " ")
		t.Run(name, func(t *testing.T) {
			before := answeredByDaemon.Load()
			dout, derr, dcode := run(t, args...)
			if answeredByDaemon.Load() == before && dcode == 0 {
				t.Errorf("the daemon did not answer (exit %d, stderr %q)", dcode, derr)
			}
			t.Setenv(envNoDaemon, "1")
			lout, lerr, lcode := run(t, args...)
			if dcode != lcode {
				t.Errorf("exit %d through the daemon, %d here", dcode, lcode)
			}
			if args[0] == "status" {
				dout, lout = agePattern.ReplaceAllString(dout, "AGE"), agePattern.ReplaceAllString(lout, "AGE")
			}
			if dout != lout {
				t.Errorf("stdout differs\nthrough the daemon:\n%s\nhere:\n%s", dout, lout)
			}
			if derr != lerr {
				t.Errorf("stderr differs\nthrough the daemon:\n%s\nhere:\n%s", derr, lerr)
			}
			if lcode == 0 && lout == "" && args[0] != "symbols" {
				t.Errorf("no output")
			}
		})
	}

	// --no-daemon answers here with the daemon running.
	before := answeredByDaemon.Load()
	mustRun(t, "def", "Store.Get", "--no-daemon")
	mustRun(t, "search", "order", "--no-daemon")
	if answeredByDaemon.Load() != before {
		t.Errorf("--no-daemon: the daemon answered")
	}
}

// TestStaleDaemonSocket: a socket that nobody listens on (a daemon that
// died) and a daemon that does not serve the index both leave the command
// to answer by itself, silently.
func TestStaleDaemonSocket(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	want := mustRun(t, "def", "Store.Get", "--db", db, "--no-daemon")

	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	p := daemon.PathsIn(dir)
	ln, err := net.Listen("unix", p.Socket)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the socket file stays, nobody listens
	if _, err := os.Stat(p.Socket); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, "def", "Store.Get", "--db", db)
	if code != 0 || out != want || errs != "" {
		t.Errorf("with a dead socket: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
	// With CODEGRAPH_DEBUG the fallback is logged.
	t.Setenv(envDebug, "1")
	_, errs, _ = run(t, "def", "Store.Get", "--db", db)
	if !strings.Contains(errs, "answering here") {
		t.Errorf("CODEGRAPH_DEBUG: no diagnostic of the fallback: %q", errs)
	}
	t.Setenv(envDebug, "")

	// A running daemon that serves another repository.
	other := indexedRepo(t)
	startDaemon(t, other)
	before := answeredByDaemon.Load()
	out, errs, code = run(t, "def", "Store.Get", "--db", db)
	if code != 0 || out != want || errs != "" {
		t.Errorf("with a daemon serving another repository: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
	if answeredByDaemon.Load() != before {
		t.Errorf("the daemon answered for a repository it does not serve")
	}
}

// TestQueriesThroughWatch: while `codegraph watch` runs, query commands
// ask it over its socket, and answer as they would by themselves; the
// socket goes when it stops.
func TestQueriesThroughWatch(t *testing.T) {
	repo := indexedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	dir, err := os.MkdirTemp("", "cgd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	t.Setenv("CODEGRAPH_DAEMON_DIR", dir)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wout, werr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"watch", repo, "--json", "--no-precise"}, strings.NewReader(""), &wout, &werr)
	}()
	p := daemon.PathsIn(dir).ForStore(db)
	deadline := time.Now().Add(30 * time.Second)
	// Serving, and past its first reconciliation (a stop during that run
	// is an interrupted run: exit 130).
	for !daemon.Alive(context.Background(), p) || !strings.Contains(wout.String(), `"reason":"start"`) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("watch does not serve queries on %s: %s", p.Socket, werr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, args := range [][]string{
		{"def", "Store.Get", "--db", db},
		{"callers", "Store.Get", "--db", db, "--json"},
		{"search", "order", "--db", db},
	} {
		before := answeredByDaemon.Load()
		wout, _, wcode := run(t, args...)
		if answeredByDaemon.Load() == before {
			t.Errorf("%v: watch did not answer", args)
		}
		lout, _, lcode := run(t, append(args, "--no-daemon")...)
		if wout != lout || wcode != lcode || wcode != 0 {
			t.Errorf("%v: through watch (exit %d):\n%s\nhere (exit %d):\n%s", args, wcode, wout, lcode, lout)
		}
	}
	// An edit: once watch has printed its update, the answers it gives
	// over the socket include it, and its status names the watcher.
	if err := os.WriteFile(filepath.Join(repo, "fresh.go"), []byte("package main\n\n// FreshHelper is new.\nfunc FreshHelper() {}\n\nfunc callsFresh() { FreshHelper() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(wout.String(), `"fresh.go"`) {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			stop()
			t.Fatalf("no update for fresh.go: %s", wout.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"callers", "FreshHelper", "--db", db}, "callsFresh"},
		{[]string{"search", "FreshHelper", "--mode", "lexical", "--db", db}, "FreshHelper"},
		{[]string{"status", "--db", db}, "codegraph watch` (pid"},
	} {
		before := answeredByDaemon.Load()
		out, errs, code := run(t, c.args...)
		if answeredByDaemon.Load() == before {
			t.Errorf("%v: watch did not answer", c.args)
		}
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v after the edit (exit %d, want %q): %s\n%s", c.args, code, c.want, out, errs)
		}
	}
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("watch: exit %d: %s", code, werr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop")
	}
	if _, err := os.Stat(p.Socket); !os.IsNotExist(err) {
		t.Errorf("the socket stays after watch stopped: %v", err)
	}
}
