package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

// fakeEval is an evaluator written independently of the solver's model:
// own level from a provider table and key custody, required level from
// criticality (or the "req" tag), and effective levels by a naive
// transitive-closure walk of the dependency graph with the assessment's
// rules (runtime edges pass levels on whole, supply edges cost at most one
// level, cycles share their minimum).
type fakeEval struct {
	provLevel map[string]sovmap.Level
	calls     int
}

var keyLevel = map[sovmap.KeyCustody]sovmap.Level{
	"": 4, sovmap.KeysProvider: 1, sovmap.KeysCustomerManaged: 2, sovmap.KeysCustomerHeld: 3, sovmap.KeysDomesticHSM: 4,
}

var critLevel = map[sovmap.Criticality]sovmap.Level{"": 0, "low": 0, "medium": 1, "high": 2, "vital": 3}

func (f *fakeEval) Levels(_ context.Context, inv *sovmap.Inventory) (*Levels, error) {
	f.calls++
	n := len(inv.Components)
	lv := &Levels{Own: make([]sovmap.Level, n), Effective: make([]sovmap.Level, n), Required: make([]sovmap.Level, n),
		Controller: make([]string, n), Jurisdiction: make([]string, n)}
	providers := map[string]sovmap.Provider{}
	for _, p := range inv.Providers {
		providers[p.ID] = p
	}
	index := map[string]int{}
	for i, c := range inv.Components {
		index[c.ID] = i
		own := sovmap.Level(4)
		if c.Provider != "" {
			own = f.provLevel[c.Provider]
			ctl := providers[c.Provider]
			for ctl.Parent != "" {
				ctl = providers[ctl.Parent]
			}
			lv.Controller[i] = ctl.ID
			if ctl.Country != inv.Organization.Home {
				lv.Jurisdiction[i] = ctl.Country
			}
		}
		lv.Own[i] = min(own, keyLevel[c.KeyCustody])
		lv.Required[i] = critLevel[c.Criticality]
		if r, ok := c.Tags["req"]; ok {
			lv.Required[i] = sovmap.Level(r[0] - '0')
		}
	}
	// reach[i][j]: j is reachable from i over any edges.
	reach := make([][]bool, n)
	for i := range reach {
		reach[i] = make([]bool, n)
		for _, d := range inv.Components[i].DependsOn {
			reach[i][index[d.ID]] = true
		}
	}
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if reach[i][k] && reach[k][j] {
					reach[i][j] = true
				}
			}
		}
	}
	same := func(i, j int) bool { return i == j || reach[i][j] && reach[j][i] }
	done := make([]bool, n)
	var eff func(i int) sovmap.Level
	eff = func(i int) sovmap.Level {
		if done[i] {
			return lv.Effective[i]
		}
		m := sovmap.Level(4)
		for u := 0; u < n; u++ {
			if !same(i, u) {
				continue
			}
			m = min(m, lv.Own[u])
			for _, d := range inv.Components[u].DependsOn {
				v := index[d.ID]
				if same(i, v) {
					continue
				}
				l := eff(v)
				if d.Kind == sovmap.Supply {
					l = max(l, lv.Own[u]-1)
				}
				m = min(m, l)
			}
		}
		for u := 0; u < n; u++ {
			if same(i, u) {
				lv.Effective[u], done[u] = m, true
			}
		}
		return m
	}
	for i := range inv.Components {
		eff(i)
	}
	return lv, nil
}

// randomCase builds a small random inventory with options and constraints.
func randomCase(rng *rand.Rand) (*sovmap.Inventory, *fakeEval, Options) {
	countries := []string{"DE", "FR", "US", "CN"}
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Name: "rand", Home: "DE"}}
	f := &fakeEval{provLevel: map[string]sovmap.Level{}}
	np := 2 + rng.IntN(4)
	for j := 0; j < np; j++ {
		p := sovmap.Provider{ID: fmt.Sprintf("p%d", j), Country: countries[rng.IntN(len(countries))]}
		if j > 0 && rng.IntN(4) == 0 {
			p.Parent = fmt.Sprintf("p%d", rng.IntN(j))
		}
		inv.Providers = append(inv.Providers, p)
		f.provLevel[p.ID] = sovmap.Level(rng.IntN(5))
	}
	provider := func() string {
		if rng.IntN(5) == 0 {
			return ""
		}
		return fmt.Sprintf("p%d", rng.IntN(np))
	}
	keys := []sovmap.KeyCustody{"", sovmap.KeysProvider, sovmap.KeysCustomerManaged, sovmap.KeysCustomerHeld, sovmap.KeysDomesticHSM}
	crits := []sovmap.Criticality{"low", "medium", "high", "vital"}
	n := 2 + rng.IntN(5)
	for i := 0; i < n; i++ {
		c := sovmap.Component{ID: fmt.Sprintf("c%d", i), Layer: sovmap.LayerCompute, Provider: provider(),
			KeyCustody: keys[rng.IntN(len(keys))], Criticality: crits[rng.IntN(len(crits))]}
		if rng.IntN(3) == 0 {
			c.Tags = map[string]string{"req": fmt.Sprint(rng.IntN(5))}
		}
		for j := 0; j < n; j++ {
			// Mostly edges to earlier components, sometimes back edges
			// that make cycles.
			if j != i && ((j < i && rng.IntN(3) == 0) || (j > i && rng.IntN(8) == 0)) {
				kind := sovmap.Runtime
				if rng.IntN(3) == 0 {
					kind = sovmap.Supply
				}
				c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: fmt.Sprintf("c%d", j), Kind: kind})
			}
		}
		for k := rng.IntN(4); k > 0; k-- {
			o := sovmap.Option{ID: fmt.Sprintf("o%d", k), Provider: provider(), KeyCustody: keys[rng.IntN(len(keys))],
				CostOnce: float64(rng.IntN(100)), CostYearly: float64(rng.IntN(30))}
			c.Options = append(c.Options, o)
		}
		inv.Components = append(inv.Components, c)
	}
	var opts Options
	opts.Years = 1 + rng.IntN(4)
	switch rng.IntN(4) {
	case 0:
		opts.Budget = float64(50 + rng.IntN(300))
	case 1:
		opts.MaxProviderShare = 0.5
	case 2:
		opts.MaxJurisdictionShare = 0.5
		opts.Budget = float64(100 + rng.IntN(300))
	}
	return inv, f, opts
}

// bruteForce enumerates every plan with the evaluator and returns, per q,
// the least cost of a plan meeting at least q requirements within the
// constraints.
func bruteForce(t *testing.T, inv *sovmap.Inventory, ev Evaluator, opts Options) []float64 {
	t.Helper()
	n := len(inv.Components)
	best := make([]float64, n+1)
	for q := range best {
		best[q] = math.Inf(1)
	}
	critical := 0
	for _, c := range inv.Components {
		if c.Criticality.Critical() {
			critical++
		}
	}
	capOf := func(share float64) int {
		if share == 0 {
			return -1
		}
		return int(math.Floor(share*float64(critical) + 1e-9))
	}
	provCap, jurCap := capOf(opts.MaxProviderShare), capOf(opts.MaxJurisdictionShare)
	choice := make([]int, n)
	for {
		lv, err := ev.Levels(context.Background(), Variant(inv, choice))
		if err != nil {
			t.Fatal(err)
		}
		cost, met := 0.0, 0
		prov, jur := map[string]int{}, map[string]int{}
		for i, c := range inv.Components {
			if choice[i] > 0 {
				o := c.Options[choice[i]-1]
				cost += o.CostOnce + float64(opts.Years)*o.CostYearly
			}
			if lv.Effective[i] >= lv.Required[i] {
				met++
			}
			if c.Criticality.Critical() {
				if lv.Controller[i] != "" {
					prov[lv.Controller[i]]++
				}
				if lv.Jurisdiction[i] != "" {
					jur[lv.Jurisdiction[i]]++
				}
			}
		}
		ok := opts.Budget == 0 || cost <= opts.Budget
		for _, k := range prov {
			ok = ok && (provCap < 0 || k <= provCap)
		}
		for _, k := range jur {
			ok = ok && (jurCap < 0 || k <= jurCap)
		}
		if ok {
			for q := 0; q <= met; q++ {
				best[q] = min(best[q], cost)
			}
		}
		// Next combination.
		i := 0
		for ; i < n; i++ {
			choice[i]++
			if choice[i] <= len(inv.Components[i].Options) {
				break
			}
			choice[i] = 0
		}
		if i == n {
			return best
		}
	}
}

// curveCost reads the least cost of meeting at least q requirements off a
// result's trade-off curve.
func curveCost(r *Result, q int) float64 {
	best := math.Inf(1)
	for _, p := range r.Curve {
		if p.Met >= q {
			best = min(best, p.Cost)
		}
	}
	return best
}

// TestSolverMatchesBruteForce compares the whole trade-off curve, the plan
// and its levels with an exhaustive enumeration on random small cases.
func TestSolverMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	feasible, infeasible := 0, 0
	for k := 0; k < 400; k++ {
		inv, f, opts := randomCase(rng)
		want := bruteForce(t, inv, f, opts)
		f.calls = 0
		r, err := Solve(context.Background(), inv, f, opts)
		if err != nil {
			t.Fatalf("case %d: %v", k, err)
		}
		n := len(inv.Components)
		for q := 0; q <= n; q++ {
			if got := curveCost(r, q); got != want[q] {
				t.Fatalf("case %d (%+v): least cost to meet %d of %d = %v, brute force %v\ncurve %+v", k, opts, q, n, got, want[q], r.Curve)
			}
		}
		if !r.Optimal {
			t.Errorf("case %d: small case not proven optimal", k)
		}
		if r.Feasible != (want[n] < math.Inf(1)) {
			t.Fatalf("case %d: feasible %v, brute force cost %v", k, r.Feasible, want[n])
		}
		if r.Feasible {
			feasible++
			if r.Cost != want[n] || r.Met != n || r.Gaps != 0 || len(r.Unmet) != 0 {
				t.Errorf("case %d: cost %v met %d, want %v and %d", k, r.Cost, r.Met, want[n], n)
			}
		} else if len(r.Plan) > 0 {
			infeasible++
			target := 0
			for q := n; q >= 0; q-- {
				if want[q] < math.Inf(1) {
					target = q
					break
				}
			}
			if r.Met != target || r.Cost != want[target] {
				t.Errorf("case %d: best effort meets %d at %v, brute force %d at %v", k, r.Met, r.Cost, target, want[target])
			}
			if len(r.Unmet) != n-target {
				t.Errorf("case %d: %d unmet explained, want %d", k, len(r.Unmet), n-target)
			}
			for _, u := range r.Unmet {
				if len(u.Why) == 0 {
					t.Errorf("case %d: %s unmet without a reason", k, u.Component)
				}
			}
		}
		sum := 0.0
		for _, c := range r.Plan {
			sum += c.Cost
		}
		if sum != r.Cost {
			t.Errorf("case %d: plan costs add to %v, result says %v", k, sum, r.Cost)
		}
		// One evaluation per option round plus one to verify: never one
		// per search node.
		maxOpts := 0
		for _, c := range inv.Components {
			maxOpts = max(maxOpts, len(c.Options))
		}
		if len(r.Plan) > 0 && f.calls != maxOpts+2 {
			t.Errorf("case %d: %d evaluations, want %d", k, f.calls, maxOpts+2)
		}
		for _, note := range r.Notes {
			if strings.Contains(note, "differs from the planner's model") {
				t.Errorf("case %d: %s", k, note)
			}
		}
	}
	if feasible < 50 || infeasible < 50 {
		t.Errorf("the generator should give both kinds of case: %d feasible, %d not", feasible, infeasible)
	}
}

// TestNodeLimitBound stops the search early and checks that the reported
// lower bound is a true lower bound and the plan a true plan.
func TestNodeLimitBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	stopped, unproven := 0, 0
	for k := 0; k < 200; k++ {
		inv, f, opts := randomCase(rng)
		want := bruteForce(t, inv, f, opts)
		opts.MaxNodes, opts.CurveNodes = 2, 2
		r, err := Solve(context.Background(), inv, f, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Plan) == 0 {
			continue
		}
		if !r.Optimal {
			stopped++
		}
		q := r.Met
		if r.Feasible {
			q = len(inv.Components)
		}
		if r.LowerBound > want[q]+1e-9 || r.Cost < want[q]-1e-9 {
			t.Fatalf("case %d: lower bound %v, cost %v, true optimum %v", k, r.LowerBound, r.Cost, want[q])
		}
		if r.Optimal && r.Cost != want[q] {
			t.Fatalf("case %d: claims optimal at %v, true optimum %v", k, r.Cost, want[q])
		}
		for _, pt := range r.Curve {
			if pt.LowerBound > want[pt.Met]+1e-9 || pt.Cost < want[pt.Met]-1e-9 || (pt.Optimal && pt.Cost != want[pt.Met]) {
				t.Fatalf("case %d: curve point %+v, true least cost %v", k, pt, want[pt.Met])
			}
			if !pt.Optimal {
				unproven++
			}
		}
	}
	if unproven == 0 {
		t.Error("no curve point was left unproven; the test proves nothing about curve bounds")
	}
	if stopped == 0 {
		t.Error("no case hit the node limit; the test proves nothing")
	}
}
