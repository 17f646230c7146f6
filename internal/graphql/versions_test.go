package graphql

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// Query.diff, Query.versions and Mutation.createVersion answer what the
// CLI's diff and versions do.
func TestDiffAndVersions(t *testing.T) {
	root := testrepo.GitHistory(t, filepath.Join("..", "..", "testdata", "history"))
	if _, err := index.Run(context.Background(), index.Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	f := serve(t, root, Options{})
	var d struct {
		Diff struct {
			From, To string
			Symbols  []struct {
				Change, QualifiedName, Signature string
				API                              bool `json:"api"`
			}
			Calls    struct{ Added, Removed []struct{ Src, Dst string } }
			Impacted []struct {
				QualifiedName, Via string
				Depth              int
				Test               bool
			}
			Complete bool
			Tests    []string
		}
	}
	f.data(t, `{diff(from: "v1", to: "v2") {from to symbols {change qualifiedName signature api} calls {added {src dst} removed {src dst}} impacted {qualifiedName via depth test} complete tests}}`, nil, &d)
	if len(d.Diff.Symbols) != 5 || d.Diff.Symbols[0].QualifiedName != "Helper" || !d.Diff.Symbols[0].API ||
		len(d.Diff.Calls.Added) != 1 || d.Diff.Calls.Removed[0].Dst != "Old" || len(d.Diff.Impacted) != 2 || !d.Diff.Complete {
		t.Errorf("diff: %+v", d.Diff)
	}
	var v struct {
		CreateVersion struct {
			Commit string
			Tags   []string
			Files  int
		}
	}
	f.data(t, `mutation {createVersion(rev: "v1", tag: "first") {commit tags files}}`, nil, &v)
	if len(v.CreateVersion.Tags) != 1 || v.CreateVersion.Files != 6 {
		t.Errorf("createVersion: %+v", v)
	}
	var l struct{ Versions []struct{ Commit string } }
	f.data(t, `{versions {commit}}`, nil, &l)
	if len(l.Versions) != 2 {
		t.Errorf("versions: %+v", l)
	}
	f.wantError(t, `mutation {createVersion(rev: "v1") {commit}}`, nil, "FORBIDDEN", "", accessHeader, "ro")
	f.wantError(t, `{diff(from: "nosuch") {from}}`, nil, "BAD_USER_INPUT", "nosuch")
}
