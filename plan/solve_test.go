package plan

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/kb"
)

// The brute-force tests below judge the planner by `sovmap assess` itself:
// every combination of options is applied to the inventory and assessed
// whole by assess.Assess, with the options `sovmap assess` uses, and the
// requirements met, the cost and the caps are read off that report. Nothing
// of the planner's model (own levels per option round, the dependency
// rule, the bounds) is used to compute what is expected.

// randomOffer draws the facts of one way to source a component: a target
// quality from lowest to 4, and each fact at that quality or a step off it,
// so that own levels spread over the scale instead of all falling to the
// weakest fact.
func randomOffer(rng *rand.Rand, lowest int) sovmap.Option {
	q := lowest + rng.IntN(5-lowest)
	at := func() int {
		switch rng.IntN(10) {
		case 0:
			return max(0, q-1)
		case 1:
			return min(4, q+1)
		}
		return q
	}
	providers := [][]string{{"cn-a"}, {"us-a", "us-b"}, {"fr-a"}, {"fr-a", "de-b"}, {"", "de-a", "de-b"}}
	countries := []string{"CN", "US", "FR", "FR", "DE"}
	keys := []sovmap.KeyCustody{"", sovmap.KeysProvider, sovmap.KeysCustomerManaged, sovmap.KeysCustomerHeld, sovmap.KeysDomesticHSM}
	pick := providers[at()]
	o := sovmap.Option{Provider: pick[rng.IntN(len(pick))], Locations: []string{countries[at()]},
		OperatedFrom: []string{countries[at()]}, KeyCustody: keys[at()]}
	switch at() {
	case 1:
		o.Contract = contract("IE", 30, sovmap.PortabilityProprietary)
	case 2:
		o.Contract = contract("FR", 90, sovmap.PortabilityStandard)
	case 3:
		o.Contract = contract("DE", 180, sovmap.PortabilityStandard)
	case 4:
		o.Contract = contract("DE", 365, sovmap.PortabilityOpen)
	}
	return o
}

func contract(law string, days int, p sovmap.Portability) *sovmap.Contract {
	ret := true
	return &sovmap.Contract{GoverningLaw: law, ExitNoticeDays: &days, DataReturn: &ret, Portability: p}
}

// randomInventory builds a small inventory whose facts sovmap assess
// judges: 3 to 6 components, dependencies that often close a cycle (of
// runtime edges, or through a supply edge), options on up to three
// components (so at most 27 plans), and a budget or a cap on the share of
// a provider or a foreign jurisdiction.
func randomInventory(rng *rand.Rand, k *kb.KB) (*sovmap.Inventory, Options) {
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Name: "random", Home: "DE"},
		Providers: []sovmap.Provider{
			{ID: "de-group", Country: "DE"}, {ID: "us-group", Country: "US"},
			{ID: "de-a", Country: "DE"}, {ID: "de-b", Country: "DE", Parent: "de-group"},
			{ID: "fr-a", Country: "FR"}, {ID: "us-a", Country: "US"}, {ID: "us-b", Country: "US", Parent: "us-group"},
			{ID: "cn-a", Country: "CN"},
		}}
	layers := []sovmap.Layer{sovmap.LayerCompute, sovmap.LayerStorage, sovmap.LayerModel, sovmap.LayerPlatform, sovmap.LayerApplication}
	data := []string{"", "public", "internal", "internal", "confidential", "personal", "personal.health"}
	crits := []sovmap.Criticality{"", sovmap.CriticalityLow, sovmap.CriticalityMedium, sovmap.CriticalityHigh, sovmap.CriticalityVital}
	n := 3 + rng.IntN(4)
	for i := range n {
		o := randomOffer(rng, rng.IntN(3))
		c := sovmap.Component{ID: fmt.Sprintf("c%d", i), Layer: layers[rng.IntN(len(layers))], Provider: o.Provider,
			Locations: o.Locations, OperatedFrom: o.OperatedFrom, KeyCustody: o.KeyCustody, Contract: o.Contract,
			Criticality: crits[rng.IntN(len(crits))]}
		if d := data[rng.IntN(len(data))]; d != "" {
			c.Data = []string{d}
		}
		inv.Components = append(inv.Components, c)
	}
	edge := map[[2]int]bool{}
	link := func(from, to int, kind sovmap.DependencyKind) {
		if from == to || edge[[2]int{from, to}] {
			return
		}
		edge[[2]int{from, to}] = true
		c := &inv.Components[from]
		c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: inv.Components[to].ID, Kind: kind})
	}
	kind := func() sovmap.DependencyKind {
		if rng.IntN(3) == 0 {
			return sovmap.Supply
		}
		return sovmap.Runtime
	}
	for i := range n {
		for j := range i {
			if rng.IntN(3) == 0 {
				link(i, j, kind())
			}
		}
	}
	// Close a cycle in most cases, through a supply edge in most of those.
	if rng.IntN(5) > 0 {
		ring := rng.Perm(n)[:2+rng.IntN(2)]
		supplyAt := -1
		if rng.IntN(4) > 0 {
			supplyAt = rng.IntN(len(ring))
		}
		for k, u := range ring {
			kd := sovmap.Runtime
			if k == supplyAt {
				kd = sovmap.Supply
			}
			link(u, ring[(k+1)%len(ring)], kd)
		}
	}
	// Options go mostly to components that fall short as they are, as
	// procurement would collect them; one assessment finds those.
	r, err := assess.Assess(context.Background(), inv, k, assessOptions(k)(inv))
	if err != nil {
		panic(err)
	}
	order := rng.Perm(n)
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(r.Components[b].Gap, r.Components[a].Gap)
	})
	if rng.IntN(4) == 0 {
		order = rng.Perm(n)
	}
	for _, i := range order[:min(n, 2+rng.IntN(2))] {
		c := &inv.Components[i]
		for k := range 1 + rng.IntN(2) {
			var o sovmap.Option
			if rng.IntN(3) == 0 {
				// The same provider, changing key custody and terms.
				better := randomOffer(rng, 2)
				o = sovmap.Option{KeyCustody: better.KeyCustody, Contract: better.Contract}
			} else {
				// Offers collected to close gaps are mostly better ones.
				o = randomOffer(rng, 1)
			}
			o.ID = fmt.Sprintf("o%d", k+1)
			o.CostOnce, o.CostYearly = float64(rng.IntN(100)*1000), float64(rng.IntN(30)*1000)
			c.Options = append(c.Options, o)
		}
	}
	var opts Options
	opts.Years = 1 + rng.IntN(4)
	switch rng.IntN(5) {
	case 0:
		opts.Budget = float64(50_000 + rng.IntN(150)*1000)
	case 1:
		opts.MaxProviderShare = []float64{0.5, 0.67}[rng.IntN(2)]
	case 2:
		opts.MaxJurisdictionShare = []float64{0.5, 0.67}[rng.IntN(2)]
	case 3:
		opts.MaxJurisdictionShare = 0.67
		opts.Budget = float64(50_000 + rng.IntN(150)*1000)
	}
	return inv, opts
}

// assessOptions gives the options `sovmap assess` assesses an inventory
// with on the knowledge base k.
func assessOptions(k *kb.KB) func(*sovmap.Inventory) assess.Options {
	return func(inv *sovmap.Inventory) assess.Options {
		return assess.Options{Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})}
	}
}

// outcome is what one plan reaches, by a whole assessment.
type outcome struct {
	met  int
	cost float64
	ok   bool // within the budget and the caps
	own  []sovmap.Level
	eff  []sovmap.Level
}

// assessPlan assesses the inventory with the plan applied and reads off
// the requirements met, the cost, and whether the constraints hold, from
// the published rules: cost = cost_once + years x cost_yearly; a cap of
// share s over c critical (vital or high) components allows floor(s x c)
// per ultimate controller and per foreign country of control.
func assessPlan(t *testing.T, k *kb.KB, inv *sovmap.Inventory, choice []int, opts Options) outcome {
	t.Helper()
	v := Variant(inv, choice)
	r, err := assess.Assess(context.Background(), v, k, assessOptions(k)(v))
	if err != nil {
		t.Fatal(err)
	}
	critical := 0
	for _, c := range inv.Components {
		if c.Criticality == sovmap.CriticalityVital || c.Criticality == sovmap.CriticalityHigh {
			critical++
		}
	}
	allowed := func(share float64) int {
		if share == 0 {
			return math.MaxInt
		}
		return int(math.Floor(share*float64(critical) + 1e-9))
	}
	providers := map[string]sovmap.ProviderResult{}
	for _, p := range r.Providers {
		providers[p.ID] = p
	}
	out := outcome{ok: true}
	byController, byCountry := map[string]int{}, map[string]int{}
	for i, c := range r.Components {
		out.own, out.eff = append(out.own, c.Level), append(out.eff, c.EffectiveLevel)
		if c.EffectiveLevel >= c.RequiredLevel {
			out.met++
		}
		if choice[i] > 0 {
			o := inv.Components[i].Options[choice[i]-1]
			out.cost += o.CostOnce + float64(opts.Years)*o.CostYearly
		}
		crit := v.Components[i].Criticality
		if c.Provider == "" || (crit != sovmap.CriticalityVital && crit != sovmap.CriticalityHigh) {
			continue
		}
		p := providers[c.Provider]
		byController[p.Controller]++
		if p.ControllerCountry != "" && p.ControllerCountry != inv.Organization.Home {
			byCountry[p.ControllerCountry]++
		}
	}
	for _, count := range byController {
		out.ok = out.ok && count <= allowed(opts.MaxProviderShare)
	}
	for _, count := range byCountry {
		out.ok = out.ok && count <= allowed(opts.MaxJurisdictionShare)
	}
	if opts.Budget > 0 && out.cost > opts.Budget {
		out.ok = false
	}
	return out
}

// bruteForce assesses every plan and returns, per q, the least cost of a
// plan meeting at least q requirements within the constraints (+Inf when
// none does), how many plans it assessed, and whether the assessment of
// some plan relaxed a dependency cycle: a member above the least own level
// of its cycle, which "cycles share their minimum" would forbid.
func bruteForce(t *testing.T, k *kb.KB, inv *sovmap.Inventory, opts Options) (best []float64, plans int, relaxed bool) {
	t.Helper()
	n := len(inv.Components)
	best = make([]float64, n+1)
	for q := range best {
		best[q] = math.Inf(1)
	}
	_, cycles := graph.Build(inv.Components).SCC()
	choice := make([]int, n)
	for {
		plans++
		o := assessPlan(t, k, inv, choice, opts)
		if o.ok {
			for q := 0; q <= o.met; q++ {
				best[q] = min(best[q], o.cost)
			}
		}
		for _, scc := range cycles {
			least := sovmap.MaxLevel
			for _, u := range scc {
				least = min(least, o.own[u])
			}
			for _, u := range scc {
				relaxed = relaxed || o.eff[u] > least
			}
		}
		i := 0
		for ; i < n; i++ {
			choice[i]++
			if choice[i] <= len(inv.Components[i].Options) {
				break
			}
			choice[i] = 0
		}
		if i == n {
			return best, plans, relaxed
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

// countingEval counts the assessments the solver asks for.
type countingEval struct {
	AssessEvaluator
	calls int
}

func (c *countingEval) Levels(ctx context.Context, inv *sovmap.Inventory) (*Levels, error) {
	c.calls++
	return c.AssessEvaluator.Levels(ctx, inv)
}

// shape says which dependency cycles a case has: of runtime edges only,
// or through a supply edge.
func shape(inv *sovmap.Inventory) (runtimeCycle, supplyCycle bool) {
	g := graph.Build(inv.Components)
	comp, members := g.SCC()
	for _, scc := range members {
		if len(scc) < 2 {
			continue
		}
		viaSupply := false
		for _, u := range scc {
			deps, supply := g.Deps(u)
			for j, v := range deps {
				viaSupply = viaSupply || (supply[j] && comp[v] == comp[u])
			}
		}
		runtimeCycle = runtimeCycle || !viaSupply
		supplyCycle = supplyCycle || viaSupply
	}
	return runtimeCycle, supplyCycle
}

// TestSolverMatchesAssessBruteForce compares the planner with every plan
// assessed by assess.Assess, on random small inventories with runtime
// cycles, cycles through supply edges, budgets and caps: the whole
// trade-off curve, the plan's requirements met and cost, the feasible
// flag, the claim of optimality, and the levels the plan reports. With the
// node limit forced down it checks that a reported lower bound never
// exceeds the true optimum and that nothing unproven is claimed proven.
func TestSolverMatchesAssessBruteForce(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(21, 2026))
	var feasible, infeasible, runtimeCycles, supplyCycles, relaxed, budgets, caps, plans, stopped, unproven int
	for c := 0; c < 250; c++ {
		inv, opts := randomInventory(rng, k)
		rc, sc := shape(inv)
		if rc {
			runtimeCycles++
		}
		if sc {
			supplyCycles++
		}
		if opts.Budget > 0 {
			budgets++
		}
		if opts.MaxProviderShare > 0 || opts.MaxJurisdictionShare > 0 {
			caps++
		}
		want, count, rel := bruteForce(t, k, inv, opts)
		plans += count
		if rel {
			relaxed++
		}
		ev := &countingEval{AssessEvaluator: AssessEvaluator{KB: k, OptionsFor: assessOptions(k)}}
		r, err := Solve(ctx, inv, ev, opts)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		n := len(inv.Components)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d (%+v): %s\ninventory: %+v\ncurve: %+v", c, opts, fmt.Sprintf(format, args...), inv.Components, r.Curve)
		}
		for q := 0; q <= n; q++ {
			if got := curveCost(r, q); got != want[q] {
				fail("least cost to meet %d of %d = %v, brute force %v", q, n, got, want[q])
			}
		}
		if !r.Optimal {
			fail("a small case not proven optimal")
		}
		if r.Feasible != (want[n] < math.Inf(1)) {
			fail("feasible %v, brute force least cost of meeting all %v", r.Feasible, want[n])
		}
		target := -1
		for q := n; q >= 0; q-- {
			if want[q] < math.Inf(1) {
				target = q
				break
			}
		}
		if target < 0 {
			if len(r.Plan) != 0 || r.Feasible {
				fail("no plan respects the constraints, yet the planner returns one")
			}
			continue
		}
		if r.Feasible {
			feasible++
		} else {
			infeasible++
		}
		if r.Met != target || r.Cost != want[target] {
			fail("plan meets %d at %v, brute force %d at %v", r.Met, r.Cost, target, want[target])
		}
		// The plan as returned, assessed whole.
		choice := make([]int, n)
		for i, ch := range r.Plan {
			for j, o := range inv.Components[i].Options {
				if o.ID == ch.Option {
					choice[i] = j + 1
				}
			}
		}
		got := assessPlan(t, k, inv, choice, opts)
		if got.met != r.Met || got.cost != r.Cost || !got.ok {
			fail("the plan, assessed whole, meets %d at %v (within constraints %v); the result says %d at %v", got.met, got.cost, got.ok, r.Met, r.Cost)
		}
		for i, ch := range r.Plan {
			if ch.After.Effective != got.eff[i] {
				fail("%s: effective level after %d, assess says %d", ch.Component, ch.After.Effective, got.eff[i])
			}
		}
		if len(r.Unmet) != n-target {
			fail("%d unmet requirements explained, want %d", len(r.Unmet), n-target)
		}
		for _, u := range r.Unmet {
			if len(u.Why) == 0 {
				fail("%s unmet without a reason", u.Component)
			}
		}
		for _, note := range r.Notes {
			if strings.Contains(note, "differs from the planner's model") {
				fail("%s", note)
			}
		}
		for _, pt := range r.Curve {
			if pt.Closed < 0 || pt.Opened < 0 || pt.Met != r.MetBefore+pt.Closed-pt.Opened {
				fail("curve point %+v does not add up from %d met before", pt, r.MetBefore)
			}
		}
		// One assessment per option round plus one to verify the plan:
		// never one per search node.
		maxOpts := 0
		for _, c := range inv.Components {
			maxOpts = max(maxOpts, len(c.Options))
		}
		if ev.calls != maxOpts+2 {
			fail("%d assessments, want %d", ev.calls, maxOpts+2)
		}

		// The same case with the search cut short.
		short := opts
		short.MaxNodes, short.CurveNodes = 1, 1
		r, err = Solve(ctx, inv, ev, short)
		if err != nil {
			t.Fatal(err)
		}
		q := r.Met
		if r.Feasible {
			q = n
		}
		if !r.Optimal {
			stopped++
		}
		if r.LowerBound > want[q]+1e-9 || r.Cost < want[q]-1e-9 || (r.Optimal && r.Cost != want[q]) {
			fail("cut short: lower bound %v, cost %v, optimal %v; true optimum %v", r.LowerBound, r.Cost, r.Optimal, want[q])
		}
		for _, pt := range r.Curve {
			if pt.LowerBound > want[pt.Met]+1e-9 || pt.Cost < want[pt.Met]-1e-9 || (pt.Optimal && pt.Cost != want[pt.Met]) {
				fail("cut short: curve point %+v, true least cost %v", pt, want[pt.Met])
			}
			if !pt.Optimal {
				unproven++
			}
		}
	}
	t.Logf("%d plans assessed; %d feasible, %d not; %d with a runtime cycle, %d with a supply cycle, %d where assess relaxed a cycle; %d budgets, %d caps; cut short: %d stopped, %d points unproven",
		plans, feasible, infeasible, runtimeCycles, supplyCycles, relaxed, budgets, caps, stopped, unproven)
	// The generator must keep producing every kind of case, or the test
	// proves less than it says. Small cases are mostly proven at the root
	// even with the search cut short; a few that are not suffice there.
	for what, count := range map[string]int{"feasible": feasible, "infeasible": infeasible, "runtime-cycle": runtimeCycles,
		"supply-cycle": supplyCycles, "relaxed-cycle": relaxed, "budget": budgets, "cap": caps, "stopped": stopped * 4, "unproven": unproven * 4} {
		if count < 20 {
			t.Errorf("only %d %s cases (x4 for stopped and unproven)", count, what)
		}
	}
}
