package mcp

import "testing"

func TestFitKeepsTheMostThatFits(t *testing.T) {
	o := &callsOut{dir: "callers"}
	for i := range 500 {
		o.all = append(o.all, callRow{Depth: 1, Sym: Sym{ID: "0123456789abcdef", Kind: "function", Name: "F", At: "f.go:" + string(rune('0'+i%10))}, CallAt: "f.go:1"})
	}
	o.keep(len(o.all))
	for _, budget := range []int{100, 500, 1000, 4000, 100000} {
		o.keep(len(o.all))
		k, err := fit(o, budget)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := cost(o)
		if k < len(o.all) && c > budget && k > 0 {
			t.Errorf("budget %d: kept %d items costing %d", budget, k, c)
		}
		if k < len(o.all) {
			o.keep(k + 1)
			if c1, _ := cost(o); c1 <= budget {
				t.Errorf("budget %d: kept %d, but %d items (cost %d) fit too", budget, k, k+1, c1)
			}
		}
	}
}
