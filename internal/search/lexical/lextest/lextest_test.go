package lextest

import "testing"

// TestHitMatchesScoreSearch pins Hit to score_search.py's rule; the
// expected values were produced by running that script's hit function on
// the same inputs.
func TestHitMatchesScoreSearch(t *testing.T) {
	for _, c := range []struct {
		file, qname, name string // the hit
		qfile, want       string // the query's answer
		hit               bool
	}{
		{"a.go", "Client.Do", "Do", "a.go", "Client.Do", true},
		{"./a.go", "Client.Do", "Do", "a.go", "Client.Do", true},
		{"b.go", "Client.Do", "Do", "a.go", "Client.Do", false},
		{"a.go", "Server.Do", "Do", "a.go", "Client.Do", true},
		{"a.go", "Server.Do", "Dox", "a.go", "Client.Do", false},
		{"a.go", "Client.Dox", "Dox", "a.go", "Client.Do", false},
		{"x.py", "Foo.header_length", "header_length", "x.py", "header_length", true},
		{"x.py", "header_length2", "header_length2", "x.py", "header_length", false},
		{"x.py", "ns::Foo::bar", "bar", "x.py", "Foo.bar", true},
		{"x.py", "", "", "x.py", "bar", false},
		{"a.go", "pkg.Client.Do", "Do", "a.go", "Client.Do", true},
		{"a.go", "ClientX.Do", "", "a.go", "Client.Do", true},
		{"../a.go", "Do", "Do", "a.go", "Do", true},
	} {
		got := Hit(Symbol{File: c.file, QualifiedName: c.qname, Name: c.name}, Query{File: c.qfile, Name: c.want})
		if got != c.hit {
			t.Errorf("Hit(%+v, %s:%s) = %v, want %v", c, c.qfile, c.want, got, c.hit)
		}
	}
}

func TestScore(t *testing.T) {
	c := &Corpus{Symbols: map[uint64]Symbol{
		1: {File: "a.go", Name: "A", QualifiedName: "A"},
		2: {File: "a.go", Name: "B", QualifiedName: "T.B"},
	}}
	qs := []Query{{Query: "q1", File: "a.go", Name: "A"}, {Query: "q2", File: "a.go", Name: "T.B"}, {Query: "q3", File: "c.go", Name: "C"}}
	s := Score(c, qs, func(q string) []uint64 {
		switch q {
		case "q1":
			return []uint64{1, 2}
		case "q2":
			return []uint64{1, 2}
		}
		return []uint64{1}
	})
	if s.Queries != 3 || s.Recall1 != 1.0/3 || s.Recall10 != 2.0/3 || s.MRR10 != 0.5 || s.AnswerMissing != 1 {
		t.Errorf("Score = %+v", s)
	}
}
