package plan

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const example = "../examples/strategy-sourcing-plan/inventory.yaml"

func loadExample(t testing.TB) (*sovmap.Inventory, AssessEvaluator) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, example)
	if err != nil {
		t.Fatal(err)
	}
	return inv, AssessEvaluator{KB: k, OptionsFor: assessOptions(k)}
}

// TestModelMatchesAssess checks, on the worked example and random choices,
// that the solver's model of effective levels (own levels from one
// assessment per option, combined through the dependency graph) gives what
// assessing the whole changed inventory gives.
func TestModelMatchesAssess(t *testing.T) {
	inv, ev := loadExample(t)
	ctx := context.Background()
	p, _, err := build(ctx, inv, ev, Options{Years: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	own := make([]sovmap.Level, p.n)
	eff := make([]sovmap.Level, p.n)
	for k := 0; k < 60; k++ {
		choice := make([]int, p.n)
		for i := range choice {
			choice[i] = rng.IntN(len(inv.Components[i].Options) + 1)
			own[i] = p.choices[i][choice[i]].own
		}
		p.propagate(own, eff)
		lv, err := ev.Levels(ctx, Variant(inv, choice))
		if err != nil {
			t.Fatal(err)
		}
		for i := range choice {
			if lv.Own[i] != own[i] || lv.Effective[i] != eff[i] || lv.Required[i] != p.choices[i][choice[i]].req {
				t.Fatalf("choice %v, %s: assess own/effective/required %d/%d/%d, model %d/%d/%d", choice, p.ids[i],
					lv.Own[i], lv.Effective[i], lv.Required[i], own[i], eff[i], p.choices[i][choice[i]].req)
			}
		}
	}
}

// TestExampleGolden solves the worked example under the constraints its
// README shows and compares every format with testdata/golden. Run
// `go test ./plan -update` after an intended change and review the diff.
func TestExampleGolden(t *testing.T) {
	inv, ev := loadExample(t)
	runs := []struct {
		name     string
		opts     Options
		feasible bool
	}{
		{"default", Options{}, true},
		{"budget", Options{Constraints: Constraints{Budget: 3_000_000}}, false},
		{"provider-cap", Options{Constraints: Constraints{MaxProviderShare: 0.4}}, true},
	}
	for _, run := range runs {
		r, err := Solve(context.Background(), inv, ev, run.opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Feasible != run.feasible || !r.Optimal {
			t.Errorf("%s: feasible %v optimal %v", run.name, r.Feasible, r.Optimal)
		}
		for ext, write := range map[string]func(io.Writer, *Result) error{".txt": WriteTable, ".md": WriteMarkdown, ".json": WriteJSON} {
			var buf bytes.Buffer
			if err := write(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "sourcing-plan-"+run.name+ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs: %s\nrun go test ./plan -update and review the diff", golden, firstDiff(buf.String(), string(want)))
			}
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %q\n  want: %q", i+1, gl, wl)
		}
	}
	return "no line differs"
}

// TestSharedArrangementNotProven gives options to two components hosted
// under one digital embassy. `sovmap assess` qualifies the embassy by the
// weakest key custody among everything it hosts, so each one's own level
// depends on the other's choice and the per-option rounds do not give every
// plan's levels: the result must say so, claim nothing proven, and report
// the plan's levels, requirements met and feasibility from the plan's own
// assessment.
func TestSharedArrangementNotProven(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inv, err := inventory.Load(ctx, k, "../examples/ministry-embassy/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hosted := 0
	for i := range inv.Components {
		c := &inv.Components[i]
		if c.Arrangement != "lux-embassy" || !c.Holds() {
			continue
		}
		hosted++
		c.Options = []sovmap.Option{{ID: "provider-keys", KeyCustody: sovmap.KeysProvider, CostOnce: 1}}
	}
	if hosted < 2 {
		t.Fatal("the example changed: fewer than two data-holding components under lux-embassy")
	}
	ev := AssessEvaluator{KB: k, OptionsFor: assessOptions(k)}
	r, err := Solve(ctx, inv, ev, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Optimal || r.LowerBound != 0 {
		t.Errorf("optimal %v, lower bound %v: nothing may be claimed proven", r.Optimal, r.LowerBound)
	}
	for _, pt := range r.Curve {
		if pt.Optimal {
			t.Errorf("curve point %+v claimed proven", pt)
		}
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "lux-embassy (population-register-replica, land-register-replica)") {
		t.Errorf("notes do not name the shared arrangement: %q", r.Notes)
	}
	choice := make([]int, len(inv.Components))
	for i, c := range r.Plan {
		if c.Option != "" {
			choice[i] = 1
		}
	}
	v := Variant(inv, choice)
	rep, err := assess.Assess(ctx, v, k, assessOptions(k)(v))
	if err != nil {
		t.Fatal(err)
	}
	met := 0
	for i, c := range rep.Components {
		if c.EffectiveLevel >= c.RequiredLevel {
			met++
		}
		if r.Plan[i].After.Effective != c.EffectiveLevel || r.Plan[i].After.Own != c.Level {
			t.Errorf("%s: after %+v, assess %d/%d", c.ID, r.Plan[i].After, c.Level, c.EffectiveLevel)
		}
	}
	if r.Met != met || r.Feasible != (met == len(rep.Components)) {
		t.Errorf("met %d feasible %v; the plan's assessment meets %d of %d", r.Met, r.Feasible, met, len(rep.Components))
	}
	var verdict strings.Builder
	if err := WriteTable(&verdict, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(verdict.String(), "proven by") || strings.Contains(verdict.String(), "costs less than") {
		t.Errorf("table claims a proof or a bound:\n%s", verdict.String())
	}
}
