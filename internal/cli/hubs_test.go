package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestHubs(t *testing.T) {
	repo := sharedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	r := decode[query.HubsResult](t, mustRun(t, "hubs", "--db", db, "--json"))
	for _, h := range r.Items {
		if h.FanIn < 1 || h.Symbol.Kind == "external" || strings.HasPrefix(h.Symbol.File, "@") {
			t.Errorf("hub %+v", h)
		}
	}
	all := decode[query.HubsResult](t, mustRun(t, "hubs", "--db", db, "--external", "--by", "total", "--json"))
	if all.Total < r.Total || all.By != query.ByTotal {
		t.Errorf("--external --by total: %+v", all)
	}
	out := mustRun(t, "hubs", "--db", db, "--by", "out")
	if r.Total > 0 && !strings.HasPrefix(out, "fan-in\tfan-out\tsymbol (by fan-out") {
		t.Errorf("human hubs:\n%s", out)
	}
	if _, _, code := run(t, "hubs", "--db", db, "--by", "sideways"); code != 2 {
		t.Errorf("bad --by: exit %d", code)
	}
}
