package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

type backupStats struct {
	ID          string `json:"id"`
	IndexBytes  int64  `json:"index_bytes"`
	StoredBytes int64  `json:"stored_bytes"`
	SharedFiles int    `json:"shared_files"`
}

func createBackup(t *testing.T, args ...string) backupStats {
	t.Helper()
	out := mustRun(t, append([]string{"backup", "create", "--json"}, args...)...)
	var st backupStats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("backup create --json: %v: %s", err, out)
	}
	return st
}

// TestBackupRestore backs up an index in full, edits one file, re-indexes
// and backs up incrementally: the incremental backup is at least 10x
// smaller, and restoring each backup gives byte for byte the export taken
// when it was made, and an index that passes check.
func TestBackupRestore(t *testing.T) {
	// Real code of some size: the graph query package of this repository
	// (the shared fixture's index is so small that the manifests weigh as
	// much as its tables).
	repo := testrepo.Copy(t, filepath.Join("..", "query"))
	mustRun(t, "index", repo, "-q", "--no-daemon")
	db := filepath.Join(repo, ".codegraph")
	dir := t.TempDir()
	full, incr := filepath.Join(dir, "full"), filepath.Join(dir, "incr")

	export1 := mustRun(t, "export", "--format", "ndjson", "--db", db)
	fs := createBackup(t, full, "--db", db)
	appendFile(t, filepath.Join(repo, "query.go"), "\nfunc BackupAdded() int { return 1 }\n")
	mustRun(t, "index", repo, "-q", "--no-daemon")
	export2 := mustRun(t, "export", "--format", "ndjson", "--db", db)
	if export1 == export2 {
		t.Fatal("the edit changed nothing")
	}
	is := createBackup(t, incr, "--incremental-from", full, "--db", db)
	t.Logf("full backup %d bytes, incremental %d bytes (%.0fx smaller)", fs.StoredBytes, is.StoredBytes, float64(fs.StoredBytes)/float64(is.StoredBytes))
	if is.StoredBytes*10 > fs.StoredBytes || is.SharedFiles == 0 {
		t.Errorf("incremental backup stores %d bytes, full %d: want at least 10x smaller", is.StoredBytes, fs.StoredBytes)
	}

	for _, c := range []struct{ backup, export string }{{full, export1}, {incr, export2}} {
		dest := filepath.Join(t.TempDir(), "db")
		mustRun(t, "backup", "restore", c.backup, "--db", dest)
		if got := mustRun(t, "export", "--format", "ndjson", "--db", dest); got != c.export {
			t.Errorf("export of the index restored from %s differs from the export at backup time (%d vs %d bytes)", c.backup, len(got), len(c.export))
		}
		if out, errs, code := run(t, "check", "--db", dest); code != 0 {
			t.Errorf("check of the restored index: exit %d\n%s%s", code, out, errs)
		}
		// A second restore needs --force.
		if _, errs, code := run(t, "backup", "restore", c.backup, "--db", dest); code == 0 || !strings.Contains(errs, "--force") {
			t.Errorf("restore into a non-empty directory: exit %d: %s", code, errs)
		}
	}
	out := mustRun(t, "backup", "list", incr)
	if !strings.Contains(out, fs.ID) || !strings.Contains(out, is.ID) || !strings.Contains(out, "incremental") {
		t.Errorf("backup list:\n%s", out)
	}
}

// TestBackupStdlib measures the incremental backup after a one-file edit
// against the full one on real code: four trees of the Go standard
// library (net, crypto, encoding, go: some 1,400 files, so that the first
// index is a bulk load, as a large repository's is). The whole library's
// figures are bench/backup.sh's.
func TestBackupStdlib(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes part of the Go standard library")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip(err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "src")
	repo := filepath.Join(t.TempDir(), "src")
	for _, d := range []string{"net", "crypto", "encoding", "go"} {
		if err := os.CopyFS(filepath.Join(repo, d), os.DirFS(filepath.Join(src, d))); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, "index", repo, "-q", "--no-daemon", "--no-semantic")
	db := filepath.Join(repo, ".codegraph")
	dir := t.TempDir()
	full, incr := filepath.Join(dir, "full"), filepath.Join(dir, "incr")
	fs := createBackup(t, full, "--db", db)
	appendFile(t, filepath.Join(repo, "encoding", "json", "encode.go"), "\nfunc BackupAdded() int { return 1 }\n")
	mustRun(t, "index", repo, "-q", "--no-daemon", "--no-semantic")
	export := mustRun(t, "export", "--format", "ndjson", "--db", db)
	if !strings.Contains(export, `"qualified_name":"BackupAdded"`) {
		t.Fatal("the re-index did not add the edited file's function")
	}
	is := createBackup(t, incr, "--incremental-from", full, "--db", db)
	t.Logf("full backup %d bytes, incremental after a one-file edit %d bytes (%.0fx smaller)", fs.StoredBytes, is.StoredBytes, float64(fs.StoredBytes)/float64(is.StoredBytes))
	if is.StoredBytes*10 > fs.StoredBytes {
		t.Errorf("incremental backup stores %d bytes, full %d: want at least 10x smaller", is.StoredBytes, fs.StoredBytes)
	}
	dest := filepath.Join(t.TempDir(), "db")
	mustRun(t, "backup", "restore", incr, "--db", dest)
	if got := mustRun(t, "export", "--format", "ndjson", "--db", dest); got != export {
		t.Errorf("export of the restored index differs (%d vs %d bytes)", len(got), len(export))
	}
}
