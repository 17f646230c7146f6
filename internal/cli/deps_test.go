package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestDeps(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	r := decode[query.DepsResult](t, mustRun(t, "deps", "--db", db, "pkg/server", "--json"))
	if r.Scope.Kind != query.ScopePackage || r.Scope.Name != "pkg/server" || r.Reverse {
		t.Errorf("scope = %+v", r.Scope)
	}
	// The store import is listed whether or not it is resolved: as the
	// module path as written, or as the package it resolved to.
	found := false
	for _, it := range r.Items {
		if (it.Kind == "unresolved" && it.Name == "example.com/shop/pkg/store") || (it.Kind == "package" && it.Name == "pkg/store") {
			found = true
		}
		if it.Kind == "package" && it.Name == "pkg/server" {
			t.Errorf("a package depends on itself: %+v", it)
		}
	}
	if !found {
		t.Errorf("pkg/server deps lack pkg/store: %+v", r.Items)
	}
	r = decode[query.DepsResult](t, mustRun(t, "deps", "--db", db, "web/cart.ts", "--json"))
	found = false
	for _, it := range r.Items {
		if (it.Kind == "unresolved" && it.Name == "./money") || (it.Kind == "file" && it.Name == "web/money.ts") {
			found = true
		}
	}
	if r.Scope.Kind != query.ScopeFile || !found {
		t.Errorf("web/cart.ts deps: %+v", r)
	}
	// Symbols, reverse, depth; from a subdirectory with a relative path.
	t.Chdir(filepath.Join(repo, "web"))
	r = decode[query.DepsResult](t, mustRun(t, "deps", "cart.ts", "--reverse", "--depth", "2", "--json"))
	if r.Scope.Name != "web/cart.ts" || !r.Reverse || r.Depth != 2 {
		t.Errorf("reverse: %+v", r)
	}
	r = decode[query.DepsResult](t, mustRun(t, "deps", "Cart", "--json"))
	if r.Scope.Kind != query.ScopeSymbol || r.Scope.Symbol.QualifiedName != "Cart" || r.Total == 0 {
		t.Errorf("symbol deps: %+v", r)
	}
	out := mustRun(t, "deps", "Cart.total", "--kind", "calls")
	if !strings.HasPrefix(out, "dependencies of Cart.total (method, web/cart.ts:16)") || !strings.Contains(out, "formatMoney") {
		t.Errorf("human deps:\n%s", out)
	}
	if _, _, code := run(t, "deps", "Cart", "--kind", "nope"); code != 2 {
		t.Errorf("bad --kind: exit %d", code)
	}
}
