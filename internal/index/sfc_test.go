package index

import (
	"context"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestComponentsResolve: Vue and Svelte components import each other and
// TypeScript modules; the imports, the template's use of an imported
// component and the script's calls resolve like those of a .ts file.
func TestComponentsResolve(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "src/util.ts", "export function greet(name: string): string {\n  return 'hi ' + name\n}\n")
	writeFile(t, root, "src/components/MyButton.vue", `<template>
  <button @click="onClick">{{ label }}</button>
</template>

<script setup lang="ts">
import { greet } from '../util'
const props = defineProps<{ label: string }>()
function onClick() {
  greet(props.label)
}
</script>
`)
	writeFile(t, root, "src/components/App.vue", `<template>
  <MyButton label="x" />
  <Counter />
</template>

<script>
import MyButton from './MyButton.vue'
import Counter from './Counter.svelte'
export default { components: { MyButton, Counter } }
</script>
`)
	writeFile(t, root, "src/components/Counter.svelte", `<script lang="ts">
  import { greet } from '../util';
  let count = 0;
  function inc() { count += 1; greet('c'); }
</script>

<button on:click={inc}>{count}</button>
`)
	if _, err := Run(context.Background(), Options{Root: root, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	byID := map[graph.NodeID]graph.Node{}
	var ids []graph.NodeID
	if err := st.AllNodes(func(n graph.Node) error {
		byID[n.ID] = n
		ids = append(ids, n.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	if err := st.OutEdgesMany(ids, []graph.EdgeKind{graph.EdgeCalls, graph.EdgeImports, graph.EdgeReferences}, func(_ int, e graph.Edge) error {
		if e.Dst != 0 {
			d := byID[e.Dst]
			got[e.Kind.String()+" "+byID[e.Src].QualifiedName+" -> "+d.Kind.String()+" "+d.File+":"+d.QualifiedName] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"calls onClick -> function src/util.ts:greet",
		"calls inc -> function src/util.ts:greet",
		"imports src/components/App.vue -> file src/components/MyButton.vue:src/components/MyButton.vue",
		"imports src/components/App.vue -> file src/components/Counter.svelte:src/components/Counter.svelte",
		"references App -> class src/components/MyButton.vue:MyButton",
		"references App -> class src/components/Counter.svelte:Counter",
	} {
		if !got[want] {
			t.Errorf("missing edge %q; have %v", want, got)
		}
	}
	meta, err := st.FileMeta("src/components/App.vue")
	if err != nil || meta.Language != "vue" {
		t.Errorf("App.vue meta: %+v %v", meta, err)
	}
}
