package index

import (
	"github.com/codegraph-dev/codegraph/internal/graph"
)

// ChangeOp is what a run did to a node.
type ChangeOp uint8

// The node changes a run records.
const (
	NodeCreated ChangeOp = iota + 1 // a node the file did not have
	NodeUpdated                     // a node whose source text changed
	NodeDeleted                     // a node that left the file (or the file left the index)
)

// String returns "created", "updated" or "deleted".
func (o ChangeOp) String() string {
	switch o {
	case NodeCreated:
		return "created"
	case NodeUpdated:
		return "updated"
	case NodeDeleted:
		return "deleted"
	}
	return "unknown"
}

// NodeChange is one node a run created, updated or deleted. Node is the
// node as written (as it was, for a deleted one), without its Locals.
type NodeChange struct {
	Op   ChangeOp
	Node graph.Node
}

// Changes is what a run changed in the graph, recorded when
// Options.Changes is positive: the node changes (up to Options.Changes of
// them) and complete counts. A node counts as updated when its source
// text changed (a node that only moved keeps its id and hash and is not
// reported).
type Changes struct {
	// Nodes are the first node changes, in the order the run wrote them.
	Nodes []NodeChange
	// Files are the first files the run wrote or deleted.
	Files []string
	// Truncated says that Nodes or Files stopped at the limit (the counts
	// below are still complete).
	Truncated bool

	Created, Updated, Deleted int
	// EdgesAdded and EdgesRemoved are the change in the number of
	// outgoing edges of each written or deleted file (new minus old,
	// summed per file over the files where it grew, and shrank).
	EdgesAdded, EdgesRemoved int64
	// Revision is the git HEAD the run recorded ("" outside git or when
	// git failed).
	Revision string

	limit int
}

// Empty reports whether the run changed no file.
func (c *Changes) Empty() bool {
	return c == nil || len(c.Files) == 0 && !c.Truncated && c.Created+c.Updated+c.Deleted == 0
}

func (c *Changes) node(op ChangeOp, n *graph.Node) {
	switch op {
	case NodeCreated:
		c.Created++
	case NodeUpdated:
		c.Updated++
	case NodeDeleted:
		c.Deleted++
	}
	if len(c.Nodes) >= c.limit {
		c.Truncated = true
		return
	}
	nc := NodeChange{Op: op, Node: *n}
	nc.Node.Locals = ""
	c.Nodes = append(c.Nodes, nc)
}

func (c *Changes) file(path string, oldEdges, newEdges uint64) {
	switch {
	case newEdges > oldEdges:
		c.EdgesAdded += int64(newEdges - oldEdges)
	case oldEdges > newEdges:
		c.EdgesRemoved += int64(oldEdges - newEdges)
	}
	if len(c.Files) >= c.limit {
		c.Truncated = true
		return
	}
	c.Files = append(c.Files, path)
}

// setRevision records the git HEAD of the run (c may be nil).
func (c *Changes) setRevision(head string) {
	if c != nil {
		c.Revision = head
	}
}
