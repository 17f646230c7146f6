package query

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestEntryNodes pins which nodes are program entry points: Java main
// methods and framework application classes besides main functions and
// packages; not a Java method that only mentions main, nor an annotation
// whose name merely starts like a framework's.
func TestEntryNodes(t *testing.T) {
	for _, c := range []struct {
		n    graph.Node
		want bool
	}{
		{graph.Node{Name: "main", Kind: graph.KindFunction, Language: "go"}, true},
		{graph.Node{Name: "main", Kind: graph.KindPackage, Language: "go"}, true},
		{graph.Node{Name: "main", Kind: graph.KindMethod, Language: "java", Signature: "public static void main(String[] args)"}, true},
		{graph.Node{Name: "main", Kind: graph.KindMethod, Language: "java", Signature: "void main()"}, true},
		{graph.Node{Name: "main", Kind: graph.KindMethod, Language: "java", Signature: "int main(int x)"}, false},
		{graph.Node{Name: "main", Kind: graph.KindMethod, Language: "python", Signature: "def main(self)"}, false},
		{graph.Node{Name: "PetClinicApplication", Kind: graph.KindClass, Language: "java", Signature: "@SpringBootApplication public class PetClinicApplication"}, true},
		{graph.Node{Name: "App", Kind: graph.KindClass, Language: "java", Signature: "@SpringBootApplication(scanBasePackages = \"x\") public class App"}, true},
		{graph.Node{Name: "Cfg", Kind: graph.KindClass, Language: "java", Signature: "@SpringBootApplicationTest public class Cfg"}, false},
		{graph.Node{Name: "Owner", Kind: graph.KindClass, Language: "java", Signature: "@Entity public class Owner"}, false},
	} {
		if got := isEntryNode(&c.n); got != c.want {
			t.Errorf("isEntryNode(%s %s %q) = %v, want %v", c.n.Kind, c.n.Name, c.n.Signature, got, c.want)
		}
	}
}
