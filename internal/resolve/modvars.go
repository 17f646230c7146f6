package resolve

import (
	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Module-level variables (Python, JavaScript/TypeScript): a receiver that
// is a variable of the module (app = Flask(__name__); app_ctx: AppContext;
// export const router = new Router()) or such a variable imported from
// another module (from .app import app) has the type its declaration
// says: the annotation, else its initialiser's (a class constructed, or a
// function's declared result type).

// moduleVarType returns the type of module-level variable name as seen
// from file: defined there, or imported into it (followed through
// re-exports up to maxReexport modules).
func (r *resolver) moduleVarType(file, name string, depth int) (typeRes, bool) {
	language := r.langOf[file]
	if depth >= maxReexport || language != lang.Python && language != lang.JavaScript && language != lang.TypeScript {
		return typeRes{}, false
	}
	key := file + "\x00" + name
	if v, ok := r.modVars[key]; ok {
		return v.t, v.ok
	}
	if r.modVars == nil {
		r.modVars = map[string]modVar{}
	}
	r.modVars[key] = modVar{} // a cycle of imports ends here
	t, ok := r.lookupModuleVar(file, name, depth)
	r.modVars[key] = modVar{t, ok}
	return t, ok
}

// modVar is a cached moduleVarType answer.
type modVar struct {
	t  typeRes
	ok bool
}

func (r *resolver) lookupModuleVar(file, name string, depth int) (typeRes, bool) {
	language := r.langOf[file]
	ff := r.facts(file)
	fileID := graph.MakeNodeID(file, file, graph.KindFile, 0)
	var decl *graph.Node
	for i := range ff.nodes {
		n := &ff.nodes[i]
		if n.Parent == fileID && n.Name == name && (n.Kind == graph.KindVariable || n.Kind == graph.KindConstant) {
			if decl != nil && decl.Signature != n.Signature {
				return typeRes{}, false // assigned twice, differently: not one type
			}
			decl = n
		}
	}
	if decl != nil {
		_, b := parseDecl(language, stripModifiers(decl.Signature, "export", "declare", "const", "let", "var"))
		if b.typ == "" && b.call == "" {
			return typeRes{}, false
		}
		return r.bindingType(file, nil, b)
	}
	if imp, ok := ff.imports[name]; ok && imp.name != "" {
		for _, f := range r.moduleFiles(file, language, imp.module) {
			return r.moduleVarType(f, imp.name, depth+1)
		}
	}
	return typeRes{}, false
}
