package report_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
)

// TestTableFitsATerminal: the default table fits a terminal of 100
// columns (the width issue 14 asks for) on every example and on an
// inventory of absurdly long ids and names; every component has its row,
// and every one with a gap or an unmet or open legal condition is
// explained under WHY.
func TestTableFitsATerminal(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dirs, _ := filepath.Glob("../examples/*/inventory.yaml")
	if len(dirs) < 5 {
		t.Fatalf("found %d example inventories", len(dirs))
	}
	long := strings.Repeat("very-long-name-", 8)
	var invs []*sovmap.Inventory
	for _, d := range dirs {
		inv, err := inventory.Load(ctx, k, d)
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, inv)
	}
	wide, err := inventory.Decode(ctx, k, "long.yaml", []byte(`version: 1
organization: {name: `+long+`, home: DE}
providers:
  - {id: `+long+`p, name: `+long+`, country: US}
components:
  - {id: `+long+`a, layer: storage, provider: `+long+`p, data: [personal.health], depends_on: [`+long+`b]}
  - {id: `+long+`b, layer: compute, provider: `+long+`p}
flows:
  - {id: `+long+`f, from: `+long+`b, to: `+long+`a, data: [personal]}
`))
	if err != nil {
		t.Fatal(err)
	}
	invs = append(invs, wide)
	for _, inv := range invs {
		r, err := assess.Assess(ctx, inv, k, assess.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteTable(&b, r, inv); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for i, line := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(line); n > 100 {
				t.Errorf("%s: line %d is %d columns: %q", inv.Organization.Name, i+1, n, line)
			}
		}
		why := out[strings.Index(out, "levels:"):]
		for _, c := range r.Components {
			prefix := c.ID
			if utf8.RuneCountInString(prefix) > 20 {
				prefix = string([]rune(prefix)[:20])
			}
			if !strings.Contains(out, "\n"+prefix) {
				t.Errorf("%s: no row for %s", inv.Organization.Name, c.ID)
			}
			explain := c.Gap > 0
			for _, q := range c.Reasons {
				explain = explain || q.Condition == sovmap.ConditionUnmet || q.Condition == sovmap.ConditionOpen
			}
			if explain && !strings.Contains(why, "\n"+prefix) {
				t.Errorf("%s: %s has a gap or a legal condition but no WHY line", inv.Organization.Name, c.ID)
			}
		}
	}
}
