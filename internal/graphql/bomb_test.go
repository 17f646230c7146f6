package graphql

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestQueryBombs: documents that made the server work for seconds or
// minutes (or answer 52 MB) are refused quickly, before validation.
func TestQueryBombs(t *testing.T) {
	f := sharedFixture(t, Options{})
	// Fragment fan-out: each level spreads the next twice (2^30 fields
	// from 1 KB; 24 levels took 9.6 s, 30 never ended).
	var fan strings.Builder
	fan.WriteString("query { ...F0 }\n")
	for i := range 30 {
		fmt.Fprintf(&fan, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fan.WriteString("fragment F30 on Query { repos { name } }\n")
	// Duplicate fields: 8,000 (quadratic validation: 11.4 s).
	dup := "query { repos { " + strings.Repeat("name ", 8000) + "} }"
	// Aliased introspection: 5,000 copies of the schema (52 MB, 1.4 GB).
	var intro strings.Builder
	intro.WriteString("query {")
	for i := range 5000 {
		fmt.Fprintf(&intro, " s%d: __schema { types { name } }", i)
	}
	intro.WriteString(" }")
	// Fewer aliased schemas, under the selection bound: counted by cost.
	var intro50 strings.Builder
	intro50.WriteString("query {")
	for i := range 50 {
		fmt.Fprintf(&intro50, " s%d: __schema { types { name } }", i)
	}
	intro50.WriteString(" }")
	for name, c := range map[string]struct{ q, code string }{
		"fan-out":         {fan.String(), codeComplexityLimit},
		"duplicates":      {dup, codeSelectionLimit},
		"introspection":   {intro.String(), codeSelectionLimit},
		"introspection50": {intro50.String(), codeComplexityLimit},
		"tokens":          {"query { repos { " + strings.Repeat("name ", 12000) + "} }", codeSelectionLimit},
	} {
		start := time.Now()
		r := f.post(t, c.q, nil)
		took := time.Since(start)
		t.Logf("%s (%d bytes): refused in %s", name, len(c.q), took)
		if len(r.Errors) == 0 || r.Errors[0].code() != c.code {
			t.Errorf("%s: %.300v, want %s", name, r.Errors, c.code)
		}
		if took > 2*time.Second {
			t.Errorf("%s: answered in %s", name, took)
		}
	}
	// GraphiQL's introspection and ordinary queries still pass.
	var out struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	f.data(t, `query { __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }`, nil, &out)
	if len(out.Schema.Types) == 0 {
		t.Error("introspection refused")
	}
}
