package query

import (
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// MaxDispatchCalls bounds dynamic dispatch: the calls made through an
// interface method with more call sites than this (io.Writer.Write or
// error.Error on the standard library: thousands) are counted, not
// followed, by callers and impact, and impact is then a lower bound.
const MaxDispatchCalls = 200

// DispatchRef is an interface method that a method implements (through
// its type's implements edges), with the calls made through it: each may
// dispatch to the method.
type DispatchRef struct {
	Method string `json:"method"` // id of the interface method
	Name   string `json:"name"`   // its qualified name: http.Handler.ServeHTTP
	Calls  int    `json:"calls"`  // calls made through it
	// Followed is false when Calls is above the bound (MaxDispatchCalls):
	// the calls are counted, not listed or followed.
	Followed bool `json:"followed"`
}

// dispatchSet gathers the DispatchRefs met by a traversal whose units are
// expanded concurrently.
type dispatchSet struct {
	mu   sync.Mutex
	refs map[graph.NodeID]DispatchRef
}

func (s *dispatchSet) add(id graph.NodeID, r DispatchRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == nil {
		s.refs = map[graph.NodeID]DispatchRef{}
	}
	s.refs[id] = r
}

func (s *dispatchSet) name(id graph.NodeID) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refs[id]
	return r.Name, ok
}

// sorted lists the refs by name.
func (s *dispatchSet) sorted() []DispatchRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]DispatchRef, 0, len(s.refs))
	for _, r := range s.refs {
		out = append(out, r)
	}
	sortDispatch(out)
	return out
}

func sortDispatch(rs []DispatchRef) {
	for i := 1; i < len(rs); i++ { // few: insertion sort
		for j := i; j > 0 && (rs[j].Name < rs[j-1].Name || rs[j].Name == rs[j-1].Name && rs[j].Method < rs[j-1].Method); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// dispatchCalls returns, for a method, the calls made through the
// interface methods it implements (each may dispatch to it) and those
// interface methods; the calls through one with more than e.dispatchCap
// call sites are counted, not returned.
func (e *Engine) dispatchCalls(m *graph.Node) ([]graph.Edge, []ifaceMethod, []DispatchRef, error) {
	if m.Kind != graph.KindMethod || m.Parent == 0 {
		return nil, nil, nil, nil
	}
	ims, err := e.ifaceMethods(m)
	if err != nil || len(ims) == 0 {
		return nil, nil, nil, err
	}
	var calls []graph.Edge
	refs := make([]DispatchRef, 0, len(ims))
	for _, im := range ims {
		var in []graph.Edge
		if err := e.g.InEdges(im.id, callKinds, func(ed graph.Edge) error {
			in = append(in, ed)
			return nil
		}); err != nil {
			return nil, nil, nil, err
		}
		ref := DispatchRef{Method: im.id.String(), Name: im.qn, Calls: len(in), Followed: len(in) <= e.dispatchCap}
		if ref.Followed {
			calls = append(calls, in...)
		}
		refs = append(refs, ref)
	}
	return calls, ims, refs, nil
}
