package plan

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

// tiny builds an inventory for the fake evaluator: providers p0..p4 whose
// own level is their number, all in DE except p3 (US) and p4 (FR).
func tiny(components ...sovmap.Component) (*sovmap.Inventory, *fakeEval) {
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Name: "t", Home: "DE"}, Components: components}
	f := &fakeEval{provLevel: map[string]sovmap.Level{}}
	for j, country := range []string{"DE", "DE", "DE", "US", "FR"} {
		id := "p" + string(rune('0'+j))
		inv.Providers = append(inv.Providers, sovmap.Provider{ID: id, Country: country})
		f.provLevel[id] = sovmap.Level(j)
	}
	return inv, f
}

func comp(id, provider, req string, deps ...sovmap.Dependency) sovmap.Component {
	return sovmap.Component{ID: id, Layer: sovmap.LayerCompute, Provider: provider, Tags: map[string]string{"req": req}, DependsOn: deps}
}

func opt(id, provider string, once, yearly float64) sovmap.Option {
	return sovmap.Option{ID: id, Provider: provider, CostOnce: once, CostYearly: yearly}
}

func withOpts(c sovmap.Component, o ...sovmap.Option) sovmap.Component {
	c.Options = o
	return c
}

func critical(c sovmap.Component) sovmap.Component {
	c.Criticality = sovmap.CriticalityVital
	return c
}

// TestUnmetReasons checks each kind of explanation of a requirement that
// no plan meets.
func TestUnmetReasons(t *testing.T) {
	rt := func(id string) sovmap.Dependency { return sovmap.Dependency{ID: id, Kind: sovmap.Runtime} }
	sup := func(id string) sovmap.Dependency { return sovmap.Dependency{ID: id, Kind: sovmap.Supply} }
	cases := []struct {
		name       string
		components []sovmap.Component
		opts       Options
		unmet      string
		why        string
		blocking   string
	}{
		{"no choice reaches", []sovmap.Component{withOpts(comp("a", "p1", "3"), opt("x", "p2", 10, 0))}, Options{},
			"a", "no choice reaches the required level 3 on its own: keeping it reaches 1 contractual; option x reaches 2 safeguarded", ""},
		{"runtime dependency", []sovmap.Component{withOpts(comp("db", "p1", "0"), opt("x", "p2", 10, 0)), comp("app", "", "3", rt("db"))}, Options{},
			"app", "runs on db, which cannot get above level 2", ""},
		{"supply dependency", []sovmap.Component{comp("chips", "p1", "0"), withOpts(comp("gpu", "p2", "3", sup("chips")), opt("x", "p3", 5, 0))}, Options{},
			"gpu", "takes supplies from chips, which cannot get above level 1; a supply dependency costs at most one level, so gpu would need an own level of 4", ""},
		{"cycle", []sovmap.Component{comp("a", "", "3", rt("b")), withOpts(comp("b", "p1", "0", rt("a")), opt("x", "p2", 1, 0))}, Options{},
			"a", "runs on b (in a dependency cycle with it), which cannot get above level 2", ""},
		{"supply cycle", []sovmap.Component{withOpts(comp("a", "p1", "3", sup("b")), opt("x", "p3", 1, 0)), comp("b", "p1", "0", rt("a"))}, Options{},
			"a", "takes supplies from b (in a dependency cycle with it), which cannot get above level 1; a supply dependency costs at most one level, so a would need an own level of 4, and no choice reaches it (the best reaches 3)", ""},
		{"budget", []sovmap.Component{withOpts(comp("a", "p1", "3"), opt("cheap", "p2", 1, 0), opt("good", "p4", 100, 10))}, Options{Constraints: Constraints{Budget: 50}},
			"a", "reachable with option good, but not together with the other requirements within the constraints",
			"budget: meeting every requirement within the caps costs 130, above the budget of 50"},
		{"provider cap", []sovmap.Component{
			critical(withOpts(comp("a", "p4", "3"), opt("x", "p2", 1, 0))),
			critical(withOpts(comp("b", "p1", "3"), opt("y", "p4", 1, 0)))}, Options{Constraints: Constraints{MaxProviderShare: 0.5}},
			"b", "reachable with option y, but not together",
			"concentration caps: the cheapest plan meeting every requirement (cost 1) puts provider p4 with 2 of 2 critical components (cap 1)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv, f := tiny(tc.components...)
			r, err := Solve(context.Background(), inv, f, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Feasible {
				t.Fatalf("feasible: %+v", r.Plan)
			}
			var found *Unmet
			for k := range r.Unmet {
				if r.Unmet[k].Component == tc.unmet {
					found = &r.Unmet[k]
				}
			}
			if found == nil {
				t.Fatalf("%s not among unmet %+v", tc.unmet, r.Unmet)
			}
			if !strings.Contains(strings.Join(found.Why, "\n"), tc.why) {
				t.Errorf("why = %q, want %q", found.Why, tc.why)
			}
			if !strings.Contains(strings.Join(r.Blocking, "\n"), tc.blocking) {
				t.Errorf("blocking = %q, want %q", r.Blocking, tc.blocking)
			}
		})
	}
}

// TestCapsImpossible checks the case where components without options
// already break a cap: no plan exists at all.
func TestCapsImpossible(t *testing.T) {
	inv, f := tiny(critical(comp("a", "p3", "0")), critical(comp("b", "p3", "0")), withOpts(comp("c", "p1", "0"), opt("x", "p2", 1, 0)))
	r, err := Solve(context.Background(), inv, f, Options{Constraints: Constraints{MaxJurisdictionShare: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Feasible || len(r.Plan) != 0 || len(r.Blocking) != 1 ||
		r.Blocking[0] != "jurisdiction US: 2 critical components have no option away from it, above the cap of 1" {
		t.Errorf("result %+v", r)
	}
}

// TestApply checks which facts an option replaces.
func TestApply(t *testing.T) {
	c := sovmap.Component{ID: "c", Provider: "aws", Locations: []string{"IE"}, OperatedFrom: []string{"US"},
		KeyCustody: sovmap.KeysProvider, Contract: &sovmap.Contract{GoverningLaw: "LU"}, Arrangement: "emb"}
	same := Apply(c, sovmap.Option{ID: "keys", KeyCustody: sovmap.KeysCustomerHeld})
	want := c
	want.KeyCustody = sovmap.KeysCustomerHeld
	if !reflect.DeepEqual(same, want) {
		t.Errorf("same-provider option: %+v", same)
	}
	other := Apply(c, sovmap.Option{ID: "move", Provider: "stackit", Locations: []string{"DE"}})
	if other.Provider != "stackit" || !reflect.DeepEqual(other.Locations, []string{"DE"}) || other.OperatedFrom != nil ||
		other.KeyCustody != "" || other.Contract != nil || other.Arrangement != "" {
		t.Errorf("new-provider option must not inherit the old offer's facts: %+v", other)
	}
	inv := &sovmap.Inventory{Components: []sovmap.Component{withOpts(c, sovmap.Option{ID: "keys", KeyCustody: sovmap.KeysDomesticHSM})}}
	v := Variant(inv, []int{1})
	if v.Components[0].KeyCustody != sovmap.KeysDomesticHSM || inv.Components[0].KeyCustody != sovmap.KeysProvider {
		t.Errorf("variant %+v, original %+v", v.Components[0], inv.Components[0])
	}
}

// TestOptionsValidate checks the limits on the solver's options.
func TestOptionsValidate(t *testing.T) {
	bad := []Options{
		{Constraints: Constraints{Budget: -1}},
		{Constraints: Constraints{MaxProviderShare: 1.5}},
		{Constraints: Constraints{MaxJurisdictionShare: -0.1}},
		{Years: -1},
		{MaxNodes: -5},
	}
	for _, o := range bad {
		if o.Validate() == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if (Options{Years: 5, Constraints: Constraints{Budget: 10, MaxProviderShare: 0.3}}).Validate() != nil {
		t.Error("good options refused")
	}
	inv, f := tiny(withOpts(comp("a", "p1", "0"), opt("x", "p2", 1, 0), opt("x", "p3", 1, 0)))
	if _, err := Solve(context.Background(), inv, f, Options{}); err == nil || !strings.Contains(err.Error(), "unique") {
		t.Errorf("duplicate option ids: %v", err)
	}
}

// TestCurveOpened: when keeping everything breaks a cap, the plan may give
// up a requirement that keeping everything meets; the curve counts it as
// opened, never as a negative number of gaps closed.
func TestCurveOpened(t *testing.T) {
	// Both critical components are controlled from the US (p3, level 3)
	// and meet their requirement of 3; a cap of one US component forces a
	// moves to p1 (DE, level 1), where it falls short.
	inv, f := tiny(critical(withOpts(comp("a", "p3", "3"), opt("home", "p1", 10, 0))), critical(comp("b", "p3", "3")))
	r, err := Solve(context.Background(), inv, f, Options{Constraints: Constraints{MaxJurisdictionShare: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if r.MetBefore != 2 || r.Met != 1 || len(r.Curve) != 1 {
		t.Fatalf("met before %d, after %d, curve %+v", r.MetBefore, r.Met, r.Curve)
	}
	if pt := r.Curve[0]; pt.Closed != 0 || pt.Opened != 1 || pt.Met != 1 {
		t.Errorf("curve point %+v, want 0 closed and 1 opened", pt)
	}
	var table, md strings.Builder
	if err := WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "MET  GAPS  CLOSED  OPENED  COST  PROVEN  CHANGES\n1    1     0       1       10    yes     a=home") {
		t.Errorf("table:\n%s", table.String())
	}
	if !strings.Contains(md.String(), "| Met | Gaps | Closed | Opened | Cost | Proven | Changes |") || !strings.Contains(md.String(), "| 1 | 1 | 0 | 1 | 10 | yes | a=home |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

// coupledEval is fakeEval where component a's own level falls to 0 when it
// moves to p4 while b stays with p1: an own level that depends on another
// component's choice, which the option rounds (both moved at once) cannot
// see.
type coupledEval struct{ fakeEval }

func (c *coupledEval) Levels(ctx context.Context, inv *sovmap.Inventory) (*Levels, error) {
	lv, err := c.fakeEval.Levels(ctx, inv)
	if err != nil {
		return nil, err
	}
	if inv.Components[0].Provider == "p4" && inv.Components[1].Provider == "p1" {
		lv.Own[0], lv.Effective[0] = 0, 0
	}
	return lv, nil
}

// TestDisagreementNotProven: when the plan's own assessment differs from
// the levels the search combined, the result says so, claims nothing
// proven, and takes met and feasible from the assessment.
func TestDisagreementNotProven(t *testing.T) {
	// The budget leaves b with p1: the planner expects a to meet 4 with
	// y, and the plan's assessment says it falls to 0.
	inv, f := tiny(withOpts(comp("a", "p1", "4"), opt("y", "p4", 5, 0)), withOpts(comp("b", "p1", "2"), opt("x", "p2", 10, 0)))
	ev := &coupledEval{fakeEval: *f}
	r, err := Solve(context.Background(), inv, ev, Options{Constraints: Constraints{Budget: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Optimal || r.Feasible || r.Met != 0 || !strings.Contains(strings.Join(r.Notes, "\n"), "differs from the planner's model for a") {
		t.Errorf("optimal %v feasible %v met %d notes %q", r.Optimal, r.Feasible, r.Met, r.Notes)
	}
	for _, pt := range r.Curve {
		if pt.Optimal {
			t.Errorf("curve point %+v claimed proven", pt)
		}
	}
}
