package mcp

import (
	"context"
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// changesTool is detect_changes: what changed between two revisions (or
// a revision and the working tree) and what it affects, over the
// service's Diff. Kept small: the tool list has a token budget.
func changesTool() *toolDef {
	return &toolDef{name: "detect_changes", readOnly: true, access: service.ReadOnly,
		desc:    "Changed symbols, calls, impact, tests across git revisions.",
		params:  []string{"from", "to"},
		argDesc: map[string]string{"from": "Default HEAD", "to": "Default worktree"},
		handler: (*call).detectChanges}
}

type changesOut struct {
	answer
	From         string   `json:"from"`
	To           string   `json:"to"`
	Complete     bool     `json:"complete"`
	Symbols      []string `json:"symbols"` // "~ file:line kind name [API]"
	CallsAdded   []string `json:"calls_added"`
	CallsRemoved []string `json:"calls_removed"`
	Tests        []string `json:"tests"`
	Total        int      `json:"total"` // impacted symbols
	Items        []string `json:"items"` // impacted: "depth file:line name via X"
	all          []string
}

func (o *changesOut) items() int { return len(o.all) }
func (o *changesOut) keep(k int) { o.Items = o.all[:k] }
func (o *changesOut) shrink() bool {
	a, b, c, d := halve(&o.Symbols), halve(&o.CallsAdded), halve(&o.CallsRemoved), halve(&o.Tests)
	return a || b || c || d
}

func (o *changesOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "changes %s → %s: %d symbols, %d calls added, %d removed; %d impacted (", shortHash(o.From), shortHash(o.To),
		len(o.Symbols), len(o.CallsAdded), len(o.CallsRemoved), o.Total)
	if o.Complete {
		b.WriteString("complete)\n")
	} else {
		b.WriteString("LOWER BOUND: unresolved or ambiguous calls could also reach the change)\n")
	}
	for _, s := range o.Symbols {
		b.WriteString(s + "\n")
	}
	for _, c := range o.CallsAdded {
		b.WriteString("+call " + c + "\n")
	}
	for _, c := range o.CallsRemoved {
		b.WriteString("-call " + c + "\n")
	}
	if len(o.Tests) > 0 {
		fmt.Fprintf(&b, "tests to run: %s\n", strings.Join(o.Tests, ", "))
	}
	for _, it := range o.Items {
		b.WriteString(it + "\n")
	}
	if len(o.Items) < o.Total {
		fmt.Fprintf(&b, "[%d of %d impacted shown; pass a larger max_tokens or a smaller depth]\n", len(o.Items), o.Total)
	}
	fmt.Fprintf(&b, "[index: %s]\n", o.IndexState)
	return b.String()
}

func shortHash(s string) string {
	if len(s) == 40 {
		return s[:12]
	}
	return s
}

func (c *call) detectChanges(ctx context.Context) (output, func(int) string, error) {
	d, err := c.repo.Diff(ctx, service.DiffRequest{From: c.a.From, To: c.a.To})
	if err != nil {
		return nil, nil, err
	}
	o := &changesOut{From: d.From, To: d.To, Complete: d.Complete, Symbols: []string{}, CallsAdded: []string{}, CallsRemoved: []string{},
		Tests: d.Tests, Total: len(d.Impacted), all: []string{}}
	mark := map[string]string{history.Added: "+", history.Removed: "-", history.Modified: "~"}
	for _, s := range d.Symbols {
		line := fmt.Sprintf("%s %s %s %s", mark[s.Change], at(s.File, s.Line), s.Kind, s.QualifiedName)
		if s.API {
			line += " [API]"
		}
		o.Symbols = append(o.Symbols, line)
	}
	for _, cl := range d.Calls.Added {
		o.CallsAdded = append(o.CallsAdded, cl.Src+"→"+cl.Dst+" "+at(cl.File, cl.Line))
	}
	for _, cl := range d.Calls.Removed {
		o.CallsRemoved = append(o.CallsRemoved, cl.Src+"→"+cl.Dst+" "+at(cl.File, cl.Line))
	}
	for _, i := range d.Impacted {
		row := fmt.Sprintf("%d %s %s via %s", i.Depth, at(i.File, i.Line), i.QualifiedName, i.Via)
		if i.Test {
			row += " [test]"
		}
		o.all = append(o.all, row)
	}
	o.keep(len(o.all))
	return o, func(int) string { return "" }, nil
}
