package service

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// committed reads node id from a fresh snapshot (what others see).
func committed(t *testing.T, r *Repo, id graph.NodeID) (graph.Node, bool) {
	t.Helper()
	snap, release, err := r.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	n, err := snap.Store.Node(id)
	if errors.Is(err, store.ErrNotFound) {
		return graph.Node{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return n, true
}

func strp(s string) *string { return &s }

func TestTxIsolation(t *testing.T) {
	s, r := fixture(t)
	ctx := context.Background()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	events, err := s.Changes(sctx, EventFilter{NoSummaries: true})
	if err != nil {
		t.Fatal(err)
	}
	before, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Before", File: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	<-events

	tx, err := r.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tx.ID() == "" {
		t.Fatal("no id")
	}
	x, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "InTx", File: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Update(ctx, before.ID, NodePatch{Doc: strp("changed in tx")}); err != nil {
		t.Fatal(err)
	}
	// Its own writes are visible to it, and to no one else before commit.
	if n, err := tx.Node(ctx, x.ID); err != nil || n.Name != "InTx" {
		t.Errorf("tx reads its create: %+v %v", n, err)
	}
	if n, err := tx.Node(ctx, before.ID); err != nil || n.Doc != "changed in tx" {
		t.Errorf("tx reads its update: %+v %v", n, err)
	}
	if _, ok := committed(t, r, x.ID); ok {
		t.Error("a create is visible before commit")
	}
	if n, _ := committed(t, r, before.ID); n.Doc != "" {
		t.Error("an update is visible before commit")
	}
	// A commit after it began is invisible to it.
	later, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Later", File: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	<-events
	all, err := tx.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range all {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, ","); got != "Before,InTx" {
		t.Errorf("tx nodes = %s, want Before,InTx", got)
	}
	// (Reading Later by id would see it absent, and then its creation
	// would be a change to a node the transaction read: a conflict.)
	select {
	case e := <-events:
		t.Fatalf("event before commit: %+v", e)
	default:
	}
	evs, err := tx.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Type != EventCreated || evs[1].Type != EventUpdated {
		t.Errorf("commit events %+v", evs)
	}
	for i := 0; i < 2; i++ {
		if e := <-events; e.Event == nil || e.Event.Node.ID != evs[i].Node.ID {
			t.Errorf("published %+v", e)
		}
	}
	if _, ok := committed(t, r, x.ID); !ok {
		t.Error("create lost at commit")
	}
	if n, _ := committed(t, r, before.ID); n.Doc != "changed in tx" {
		t.Error("update lost at commit")
	}
	if _, ok := committed(t, r, later.ID); !ok {
		t.Error("the other commit's node was overwritten by the transaction's file")
	}
	if _, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "After", File: "plan"}); !errors.Is(err, ErrTxDone) {
		t.Errorf("create after commit: %v", err)
	}
	if _, err := s.Tx(ctx, tx.ID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("committed transaction still listed: %v", err)
	}
}

func TestTxConflict(t *testing.T) {
	_, r := fixture(t)
	ctx := context.Background()
	n, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Shared", File: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Other", File: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		op   func(tx *Tx) error // the transaction's work on n
		race func() error       // a commit after it began
	}{
		{"write-write", func(tx *Tx) error {
			_, err := tx.Update(ctx, n.ID, NodePatch{Doc: strp("tx")})
			return err
		}, func() error {
			_, err := r.UpdateNode(ctx, n.ID, NodePatch{Doc: strp("other")})
			return err
		}},
		{"read-write", func(tx *Tx) error {
			if _, err := tx.Node(ctx, n.ID); err != nil {
				return err
			}
			_, err := tx.Update(ctx, other.ID, NodePatch{Signature: strp("read Shared")})
			return err
		}, func() error {
			_, err := r.UpdateNode(ctx, n.ID, NodePatch{Doc: strp("again")})
			return err
		}},
		{"update-delete", func(tx *Tx) error {
			_, err := tx.Update(ctx, n.ID, NodePatch{Doc: strp("tx")})
			return err
		}, func() error { return r.DeleteNode(ctx, n.ID) }},
		{"create-create", func(tx *Tx) error {
			_, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "Twin", File: "plan"})
			return err
		}, func() error {
			_, err := r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Twin", File: "plan"})
			return err
		}},
	}
	for _, c := range cases {
		tx, err := r.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		marker, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "Marker" + c.name, File: "elsewhere"})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.op(tx); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := c.race(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = tx.Commit(ctx)
		if !errors.Is(err, ErrConflict) || Classify(err) != CodeConflict || Classify(err).HTTPStatus() != 409 {
			t.Errorf("%s: commit = %v, want a conflict", c.name, err)
		}
		if _, ok := committed(t, r, marker.ID); ok {
			t.Errorf("%s: a conflicting commit wrote part of the transaction", c.name)
		}
		if _, err := tx.Commit(ctx); !errors.Is(err, ErrTxDone) {
			t.Errorf("%s: a conflicting transaction stays open: %v", c.name, err)
		}
		if c.name == "update-delete" {
			if n, err = r.CreateNode(ctx, NodeInput{Kind: "function", Name: "Shared", File: "plan"}); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Writers of different nodes of one file do not conflict.
	a, _ := r.Begin(ctx)
	b, _ := r.Begin(ctx)
	if _, err := a.Update(ctx, n.ID, NodePatch{Doc: strp("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Update(ctx, other.ID, NodePatch{Doc: strp("b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatalf("disjoint writers conflict: %v", err)
	}
	if x, _ := committed(t, r, n.ID); x.Doc != "a" {
		t.Errorf("a's write: %+v", x)
	}
	if x, _ := committed(t, r, other.ID); x.Doc != "b" {
		t.Errorf("b's write: %+v", x)
	}
}

func TestTxRollbackOwnerLimits(t *testing.T) {
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}, TxIdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r, _ := s.Repo("")
	alice := WithCaller(context.Background(), "alice")
	bob := WithCaller(context.Background(), "bob")

	tx, err := r.Begin(alice)
	if err != nil {
		t.Fatal(err)
	}
	x, err := tx.Create(alice, NodeInput{Kind: "class", Name: "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tx(bob, tx.ID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("bob reaches alice's transaction: %v", err)
	}
	if got, err := s.Tx(alice, tx.ID()); err != nil || got != tx {
		t.Errorf("alice's lookup: %v", err)
	}
	if err := tx.Rollback(alice); err != nil {
		t.Fatal(err)
	}
	if _, ok := committed(t, r, x.ID); ok {
		t.Error("rolled back create written")
	}
	if _, err := tx.Commit(alice); !errors.Is(err, ErrTxDone) {
		t.Errorf("commit after rollback: %v", err)
	}
	if _, err := r.Begin(WithAccess(alice, ReadOnly)); !errors.Is(err, ErrForbidden) {
		t.Errorf("read-only caller began a transaction: %v", err)
	}

	// At most MaxTxPerCaller open per caller; others are not affected.
	var open []*Tx
	for i := 0; i < MaxTxPerCaller; i++ {
		tx, err := r.Begin(alice)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, tx)
	}
	if _, err := r.Begin(alice); Classify(err) != CodeConflict {
		t.Errorf("transaction %d: %v", MaxTxPerCaller+1, err)
	}
	if tx, err := r.Begin(bob); err != nil {
		t.Errorf("bob limited by alice: %v", err)
	} else {
		tx.Rollback(bob)
	}
	// Idle ones expire.
	time.Sleep(400 * time.Millisecond)
	if _, err := s.Tx(alice, open[0].ID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("idle transaction not expired: %v", err)
	}
	if _, err := open[1].Create(alice, NodeInput{Kind: "class", Name: "Late"}); !errors.Is(err, ErrTxDone) {
		t.Errorf("expired transaction used: %v", err)
	}
	if tx, err := r.Begin(alice); err != nil {
		t.Errorf("expired transactions still count: %v", err)
	} else if info := tx.Info(); info.State != "open" || !info.Expires.After(info.Begun) {
		t.Errorf("info %+v", info)
	}
}

// TestTxConcurrentWriters increments one counter from many writers, each
// in its own transactions, retrying conflicts: no increment is lost.
func TestTxConcurrentWriters(t *testing.T) {
	_, r := fixture(t)
	ctx := context.Background()
	counter, err := r.CreateNode(ctx, NodeInput{Kind: "variable", Name: "counter", Signature: "0"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			caller := WithCaller(ctx, fmt.Sprintf("writer%d", w))
			for done := 0; done < each; {
				tx, err := r.Begin(caller)
				if err != nil {
					errs <- err
					return
				}
				n, err := tx.Node(caller, counter.ID)
				if err != nil {
					errs <- err
					return
				}
				var v int
				fmt.Sscan(n.Signature, &v)
				if _, err := tx.Update(caller, counter.ID, NodePatch{Signature: strp(fmt.Sprint(v + 1))}); err != nil {
					errs <- err
					return
				}
				if _, err := tx.Create(caller, NodeInput{Kind: "variable", Name: fmt.Sprintf("w%d_%d", w, done), File: fmt.Sprintf("w%d", w)}); err != nil {
					errs <- err
					return
				}
				_, err = tx.Commit(caller)
				switch {
				case errors.Is(err, ErrConflict), errors.Is(err, ErrBusy):
					mu.Lock()
					conflicts++
					mu.Unlock()
					if errors.Is(err, ErrBusy) {
						tx.Rollback(caller)
					}
				case err != nil:
					errs <- err
					return
				default:
					done++
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, _ := committed(t, r, counter.ID)
	if n.Signature != fmt.Sprint(writers*each) {
		t.Errorf("counter = %s after %d increments (%d conflicts retried)", n.Signature, writers*each, conflicts)
	}
	snap, release, err := r.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	created := 0
	snap.Store.NodesInFilesUnder(graph.APIPrefix+"w", func(graph.Node) error { created++; return nil })
	if created != writers*each {
		t.Errorf("%d nodes created by committed transactions, want %d", created, writers*each)
	}
	t.Logf("%d conflicts retried", conflicts)
}

// TestTxIndexConflict: an index run that changes a source node a
// transaction read makes its commit conflict; one that does not, does not.
func TestTxIndexConflict(t *testing.T) {
	s, r := fixture(t)
	ctx := context.Background()
	get, ok := nodeByName(t, r, "Get")
	if !ok {
		t.Fatal("fixture has no Get")
	}
	reindex := func(file, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(r.Root(), file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		j := r.Index(false)
		done, err := s.Jobs().Wait(ctx, j.ID)
		if err != nil || done.State != jobs.Succeeded {
			t.Fatalf("index job %+v %v", done, err)
		}
	}

	// An unrelated file changes: no conflict.
	tx, err := r.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Node(ctx, get.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "Note"}); err != nil {
		t.Fatal(err)
	}
	reindex("unrelated.go", "package main\n\nfunc Unrelated() {}\n")
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit after an unrelated index run: %v", err)
	}

	// The file of a node it read changes: conflict, nothing written.
	tx, err = r.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Node(ctx, get.ID); err != nil {
		t.Fatal(err)
	}
	n2, err := tx.Create(ctx, NodeInput{Kind: "function", Name: "Note2"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.Root(), get.File)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reindex(get.File, strings.Replace(string(src), "func (s *Store) Get(id string) (Order, error) {", "func (s *Store) Get(id string) (Order, error) {\n\t_ = 1", 1))
	if _, err := tx.Commit(ctx); !errors.Is(err, ErrConflict) {
		t.Errorf("commit after Get changed: %v", err)
	}
	if _, ok := committed(t, r, n2.ID); ok {
		t.Error("conflicting commit wrote")
	}
	// A source node read for the first time after an index run: the
	// transaction cannot see it as it was, so the read conflicts.
	tx, err = r.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reindex("unrelated.go", "package main\n\nfunc Unrelated2() {}\n")
	if _, err := tx.Node(ctx, get.ID); !errors.Is(err, ErrConflict) {
		t.Errorf("read after an index run: %v", err)
	}
}

const txCrashEnv = "CODEGRAPH_TX_CRASH_ROOT"

// TestTxCrashHelper is the child of TestTxCrash: it commits transactions
// of txCrashSize nodes in a loop (and keeps one open, uncommitted) until
// it is killed.
func TestTxCrashHelper(t *testing.T) {
	root := os.Getenv(txCrashEnv)
	if root == "" {
		t.Skip("child of TestTxCrash")
	}
	s, err := New(Options{Repos: []RepoSpec{{Root: root}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Repo("")
	ctx := context.Background()
	open, err := r.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if _, err := open.Create(ctx, NodeInput{Kind: "function", Name: fmt.Sprintf("never%d", i), File: "uncommitted"}); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		tx, err := r.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < txCrashSize; j++ {
			if _, err := tx.Create(ctx, NodeInput{Kind: "function", Name: fmt.Sprintf("p%d.%d_%d", os.Getpid(), i, j), File: fmt.Sprintf("f%d", j%3)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

const txCrashSize = 7

// TestTxCrash kills a process holding an uncommitted transaction while it
// commits others: on reopen, the uncommitted one left nothing and every
// committed one is whole.
func TestTxCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	root := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTxCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), txCrashEnv+"="+root)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child said %q", line)
		}
		time.Sleep(time.Duration(300+200*round) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		st, err := store.Open(filepath.Join(root, ".codegraph"), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		perTx := map[string]int{}
		uncommitted := 0
		err = st.NodesInFilesUnder(graph.APIPrefix, func(n graph.Node) error {
			if strings.HasPrefix(n.Name, "never") {
				uncommitted++
			}
			tx, _, _ := strings.Cut(n.Name, "_")
			perTx[tx]++
			return nil
		})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if uncommitted > 0 {
			t.Errorf("round %d: %d nodes of an uncommitted transaction on reopen", round, uncommitted)
		}
		for tx, n := range perTx {
			if n != txCrashSize {
				t.Errorf("round %d: transaction %s left %d of its %d nodes", round, tx, n, txCrashSize)
			}
		}
		t.Logf("round %d: %d committed transactions whole", round, len(perTx))
		if len(perTx) == 0 && round == 2 {
			t.Error("the child committed nothing: the test did not test")
		}
	}
}
