package assess_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

var (
	kbOnce sync.Once
	kbVal  *kb.KB
	kbErr  error
)

// knowledge returns the embedded knowledge base, loaded once per test binary.
func knowledge(t testing.TB) *kb.KB {
	t.Helper()
	kbOnce.Do(func() { kbVal, kbErr = kb.Default() })
	if kbErr != nil {
		t.Fatalf("kb.Default: %v", kbErr)
	}
	return kbVal
}

// parse decodes and validates a YAML inventory, so that every test input is
// one the loader accepts.
func parse(t testing.TB, src string) *sovmap.Inventory {
	t.Helper()
	inv, err := inventory.Decode(context.Background(), knowledge(t), "inv.yaml", []byte(src))
	if err != nil {
		t.Fatalf("test inventory does not load:\n%v\n%s", err, src)
	}
	return inv
}

// run assesses a YAML inventory with opts.
func run(t testing.TB, src string, opts assess.Options) *sovmap.Report {
	t.Helper()
	return assessInv(t, parse(t, src), opts)
}

func assessInv(t testing.TB, inv *sovmap.Inventory, opts assess.Options) *sovmap.Report {
	t.Helper()
	k, err := inventory.WithKnowledge(knowledge(t), inv)
	if err != nil {
		t.Fatal(err)
	}
	r, err := assess.Assess(context.Background(), inv, k, opts)
	if err != nil {
		t.Fatalf("assess: %v", err)
	}
	return r
}

// org is the organization line most tests use: a German organization with
// the knowledge base's default tiers.
const org = "version: 1\norganization: {name: Test, home: DE}\n"

func component(t testing.TB, r *sovmap.Report, id string) *sovmap.ComponentResult {
	t.Helper()
	for i := range r.Components {
		if r.Components[i].ID == id {
			return &r.Components[i]
		}
	}
	t.Fatalf("no component %q in the report", id)
	return nil
}

func factor(t testing.TB, c *sovmap.ComponentResult, name sovmap.FactorName) sovmap.Factor {
	t.Helper()
	for _, f := range c.Factors {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("component %s has no %s factor", c.ID, name)
	return sovmap.Factor{}
}

// factorCase is one component and what one factor must say about it.
type factorCase struct {
	name      string
	providers string // YAML list items under providers:, may be empty
	component string // the flow mapping of component "c"
	level     sovmap.Level
	reason    string // a part of the factor's reason
	remedy    string // a part of the remedy; "-" means there must be none
	fact      string // a part of one of the facts, if not empty
}

func runFactorCases(t *testing.T, name sovmap.FactorName, cases []factorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := org
			if tc.providers != "" {
				src += "providers:\n" + tc.providers
			}
			src += "components:\n  - " + tc.component + "\n"
			r := run(t, src, assess.Options{})
			c := component(t, r, "c")
			f := factor(t, c, name)
			if f.Level != tc.level {
				t.Errorf("%s level = %d (%s), want %d", name, f.Level, f.Reason, tc.level)
			}
			if !strings.Contains(f.Reason, tc.reason) {
				t.Errorf("reason %q, want it to contain %q", f.Reason, tc.reason)
			}
			switch {
			case tc.remedy == "-" && f.Remedy != "":
				t.Errorf("remedy %q, want none", f.Remedy)
			case tc.remedy != "-" && !strings.Contains(f.Remedy, tc.remedy):
				t.Errorf("remedy %q, want it to contain %q", f.Remedy, tc.remedy)
			}
			if tc.fact != "" && !strings.Contains(strings.Join(f.Facts, "\n"), tc.fact) {
				t.Errorf("facts %q, want one containing %q", f.Facts, tc.fact)
			}
			if c.Level > f.Level {
				t.Errorf("own level %d is above the %s factor's %d: the level is the weakest link", c.Level, name, f.Level)
			}
		})
	}
}
