package parse

import (
	"sort"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// nav answers parent and previous-sibling questions about the nodes of one
// syntax tree without tree-sitter's cost per call: ts_node_parent descends
// from the root, iterating the children of every level up to the one that
// holds the node, and ts_node_prev_sibling calls it and then iterates the
// parent's children again. Asked once for each of a file's n top-level
// declarations (their doc comments, their locals' scopes), that is O(n²)
// per file: a file with thousands of declarations spent seconds there.
//
// nav instead finds a node's top-level ancestor by binary search among the
// root's children (listed once) and descends from there, and lists the
// children of a parent once for all its children's sibling lookups. Its
// answers are tree-sitter's for every non-empty node; for an empty
// (zero-width) node, whose position among siblings tree-sitter resolves
// with special rules, it asks tree-sitter.
type nav struct {
	root    sitter.Node
	top     []sitter.Node // the root's children (listed on first use)
	topEnd  []uint        // their end bytes (no cgo call per probe)
	listed  bool
	kids    map[uintptr]*children // by parent id
	parents map[uintptr]sitter.Node
	// path is the chain of ancestors of the node last looked up, from a
	// root child down to its parent, with their byte ranges.
	path               []sitter.Node
	pathStart, pathEnd []uint
}

// children is one parent's children in order, with each child's index.
type children struct {
	nodes []sitter.Node
	index map[uintptr]int
}

func newNav(root sitter.Node) *nav { return &nav{root: root} }

// list returns n's children in order.
func list(n *sitter.Node) []sitter.Node {
	c := n.Walk()
	defer c.Close()
	if !c.GotoFirstChild() {
		return nil
	}
	var out []sitter.Node
	for {
		out = append(out, *c.Node())
		if !c.GotoNextSibling() {
			return out
		}
	}
}

// parent returns n's parent (nil for the root), as n.Parent() does.
func (v *nav) parent(n *sitter.Node) *sitter.Node {
	id := n.Id()
	if id == v.root.Id() {
		return nil
	}
	if p, ok := v.parents[id]; ok {
		return &p
	}
	start, end := startByte(n), n.EndByte()
	if start >= end {
		return n.Parent() // empty: tree-sitter's rules for ties
	}
	v.listTop()
	// Start from the deepest node of the last descent that strictly
	// contains n (an ancestor: non-empty ranges nest or are disjoint), so
	// the locals and comments of one block, asked in order, do not each
	// descend from the top again; else from the root child that contains
	// n: the first whose end is past n's start.
	var p sitter.Node
	k := len(v.path) - 1
	for k >= 0 && !(v.pathStart[k] <= start && end <= v.pathEnd[k] && (v.pathStart[k] < start || end < v.pathEnd[k])) {
		k--
	}
	if k >= 0 {
		p = v.path[k]
		v.path, v.pathStart, v.pathEnd = v.path[:k+1], v.pathStart[:k+1], v.pathEnd[:k+1]
	} else {
		i := sort.Search(len(v.top), func(i int) bool { return v.topEnd[i] > start })
		if i == len(v.top) || startByte(&v.top[i]) > start || v.topEnd[i] < end {
			return n.Parent()
		}
		if v.top[i].Id() == id {
			return v.cacheParent(id, v.root)
		}
		p = v.top[i]
		v.path, v.pathStart, v.pathEnd = append(v.path[:0], p), append(v.pathStart[:0], startByte(&p)), append(v.pathEnd[:0], v.topEnd[i])
	}
	for {
		next := p.ChildWithDescendant(n)
		if next == nil || next.Id() == id {
			break
		}
		v.cacheParent(next.Id(), p)
		p = *next
		v.path, v.pathStart, v.pathEnd = append(v.path, p), append(v.pathStart, startByte(&p)), append(v.pathEnd, p.EndByte())
	}
	return v.cacheParent(id, p)
}

// listTop lists the root's children, once.
func (v *nav) listTop() {
	if v.listed {
		return
	}
	v.top, v.listed = list(&v.root), true
	v.topEnd = make([]uint, len(v.top))
	for i := range v.top {
		v.topEnd[i] = v.top[i].EndByte()
	}
}

// isTop reports whether n is a child of the root.
func (v *nav) isTop(n *sitter.Node) bool {
	v.listTop()
	start, id := startByte(n), n.Id()
	for i := sort.Search(len(v.top), func(i int) bool { return v.topEnd[i] >= start }); i < len(v.top) && startByte(&v.top[i]) <= start; i++ {
		if v.top[i].Id() == id {
			return true
		}
	}
	return false
}

func (v *nav) cacheParent(id uintptr, p sitter.Node) *sitter.Node {
	if v.parents == nil {
		v.parents = map[uintptr]sitter.Node{}
	}
	v.parents[id] = p
	return &p
}

// siblings returns the children of n's parent and n's index among them
// (ok false when n is the root, or is empty).
func (v *nav) siblings(n *sitter.Node) (kids *children, i int, ok bool) {
	if startByte(n) >= n.EndByte() {
		return nil, 0, false
	}
	p := v.parent(n)
	if p == nil {
		return nil, 0, false
	}
	kids = v.kids[p.Id()]
	if kids == nil {
		nodes := list(p)
		kids = &children{nodes: nodes, index: make(map[uintptr]int, len(nodes))}
		for i := range nodes {
			kids.index[nodes[i].Id()] = i
		}
		if v.kids == nil {
			v.kids = map[uintptr]*children{}
		}
		v.kids[p.Id()] = kids
	}
	i, ok = kids.index[n.Id()]
	return kids, i, ok
}

// prevSibling is n.PrevSibling().
func (v *nav) prevSibling(n *sitter.Node) *sitter.Node {
	kids, i, ok := v.siblings(n)
	if !ok {
		return n.PrevSibling()
	}
	if i == 0 {
		return nil
	}
	s := kids.nodes[i-1]
	return &s
}

// prevNamedSibling is n.PrevNamedSibling().
func (v *nav) prevNamedSibling(n *sitter.Node) *sitter.Node {
	kids, i, ok := v.siblings(n)
	if !ok {
		return n.PrevNamedSibling()
	}
	for j := i - 1; j >= 0; j-- {
		if kids.nodes[j].IsNamed() {
			s := kids.nodes[j]
			return &s
		}
	}
	return nil
}
