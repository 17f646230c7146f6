package query

import (
	"errors"
	"testing"
)

// FuzzResolve feeds arbitrary symbol specs to Resolve and ResolveScope:
// they must answer with matches or a NotFound/Ambiguous error, never
// panic or return an empty match list without an error.
func FuzzResolve(f *testing.F) {
	fx := shop(f)
	for _, s := range []string{"Store.Get", "Get", "store/store.go:10", "store/store.go:Get", "store.Store.Get",
		"http.Get", ":", "a:b:c", "store/store.go:", "/", ".", "..", "0000000000000000", "ffffffffffffffff", "x.", ".x", "a/b.c.d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ms, err := fx.e.Resolve(bg, spec)
		if err == nil && len(ms) == 0 {
			t.Fatalf("%q: no matches and no error", spec)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("%q: %v", spec, err)
		}
		if _, err := fx.e.ResolveScope(bg, spec); err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrAmbiguous) {
			t.Fatalf("scope %q: %v", spec, err)
		}
	})
}

// FuzzCursor feeds arbitrary cursors to a paginated query: they are
// refused with ErrBadCursor or read as an offset, never a panic.
func FuzzCursor(f *testing.F) {
	fx := shop(f)
	r, err := fx.e.Callers(bg, fx.n("Store.Get"), CallsOptions{Depth: 3, Page: Page{Limit: 1}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(r.NextCursor)
	f.Add("")
	f.Add("MS4x")
	get := fx.n("Store.Get")
	f.Fuzz(func(t *testing.T, cursor string) {
		r, err := fx.e.Callers(bg, get, CallsOptions{Depth: 3, Page: Page{Limit: 2, Cursor: cursor}})
		if err != nil && !errors.Is(err, ErrBadCursor) {
			t.Fatal(err)
		}
		if err == nil && len(r.Items) > 2 {
			t.Fatalf("%d items", len(r.Items))
		}
	})
}
