package scenario

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/risk"
)

// testModels are the inventories the equivalence tests run on: the
// hand-checked one, the risk fixture and two generated ones (with cycles,
// supply edges and thousands of components).
func testModels(t *testing.T) map[string]*risk.Model {
	t.Helper()
	k := knowledge(t)
	out := map[string]*risk.Model{
		"stress": model(t, stressInventory(), assess.Options{Qualifies: embassyQualifies}),
	}
	inv, err := inventory.Load(context.Background(), k, filepath.Join("..", "risk", "testdata", "agency.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out["agency"] = model(t, inv, assess.Options{})
	out["gen-small"] = model(t, gen.Inventory(k, gen.Options{Components: 800, Providers: 40, Deps: 2, Seed: 11}), assess.Options{})
	out["gen"] = model(t, gen.Inventory(k, gen.Options{Components: 3000, Providers: 120, Seed: 5}), assess.Options{})
	out["cycles"] = model(t, cyclesInventory(), assess.Options{})
	return out
}

// cyclesInventory has a cycle of runtime edges (x, y) and a cycle with a
// supply edge inside (p, q), each running on a component that US law
// reaches: the cases where the engines share or relax levels in a cycle.
func cyclesInventory() *sovmap.Inventory {
	own := func(id string, layer sovmap.Layer, deps []sovmap.Dependency) sovmap.Component {
		return sovmap.Component{ID: id, Layer: layer, Provider: "de-cloud", Locations: []string{"DE"}, OperatedFrom: []string{"DE"},
			KeyCustody: sovmap.KeysDomesticHSM, Contract: &sovmap.Contract{GoverningLaw: "DE", ExitNoticeDays: days(30), DataReturn: yes(), Portability: "open"},
			DependsOn: deps}
	}
	p := own("p", sovmap.LayerApplication, deps("~q"))
	p.Criticality = sovmap.CriticalityVital
	db := own("frdb", sovmap.LayerStorage, nil)
	db.Provider, db.Locations, db.OperatedFrom, db.Criticality = "fr-cloud", []string{"FR"}, []string{"FR"}, sovmap.CriticalityHigh
	return &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Cycles", Home: "DE"},
		Providers:    []sovmap.Provider{{ID: "fr-cloud", Country: "FR"}, {ID: "de-cloud", Country: "DE"}},
		Components: []sovmap.Component{
			db,
			own("x", sovmap.LayerCompute, deps("y")),
			own("y", sovmap.LayerCompute, deps("x", "frdb")),
			p,
			own("q", sovmap.LayerPlatform, deps("p", "frdb")),
		},
	}
}

// TestCompelledMatchesReassessment checks the analytic compelled-access
// levels against the assessment engine run with the jurisdiction made
// restricted, for every jurisdiction whose law reaches a component.
func TestCompelledMatchesReassessment(t *testing.T) {
	ctx := context.Background()
	for name, m := range testModels(t) {
		opts := assess.Options{}
		if name == "stress" {
			opts.Qualifies = embassyQualifies
		}
		e := NewEngine(m, Options{Assess: opts})
		checked := 0
		for c := range int32(m.NumCountries()) {
			if len(m.ExposedTo(c)) == 0 {
				continue
			}
			code := m.CountryCode(c)
			if _, err := e.Run(ctx, sovmap.Scenario{ID: "compel:" + code, Kind: Compel, Target: code}, false, false); err != nil {
				t.Fatal(err)
			}
			inv := *m.Inv
			org := inv.Organization
			org.Trusted = slices.DeleteFunc(m.Tiers.Countries(sovmap.TierTrusted), func(x string) bool { return x == code })
			org.Restricted = append(m.Tiers.Countries(sovmap.TierRestricted), code)
			org.Neutral = nil
			inv.Organization, inv.Rules, inv.Flows = org, nil, nil
			rep, err := assess.Assess(ctx, &inv, m.KB, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range e.seeds {
				if got, want := e.ownAfter[u], rep.Components[u].Level; got != want {
					t.Fatalf("%s, compel:%s, %s: analytic level %d, reassessed %d (%v)", name, code, m.ID(u), got, want, rep.Components[u].Binding)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("%s: no compelled component checked", name)
		}
	}
}

// TestEffectiveMatchesAssessment recomputes every effective level with no
// change of own levels: it must give the assessment's effective levels.
func TestEffectiveMatchesAssessment(t *testing.T) {
	for name, m := range testModels(t) {
		e := NewEngine(m, Options{})
		e.next()
		m.CopyLevels(e.ownAfter)
		for u := range e.effAfter {
			e.effAfter[u] = sovmap.Domestic // garbage the recomputation must overwrite
		}
		all := make([]int32, m.Len())
		for u := range all {
			all[u] = int32(u)
		}
		e.effective(all, nil)
		for u := range all {
			if e.effAfter[u] != m.Effective(int32(u)) {
				t.Fatalf("%s: %s recomputed %d, assessed %d", name, m.ID(int32(u)), e.effAfter[u], m.Effective(int32(u)))
			}
		}
	}
}

// TestSweepMatchesRuns checks every figure of the bitset sweep against the
// scenario run on its own with a walk.
func TestSweepMatchesRuns(t *testing.T) {
	ctx := context.Background()
	for name, m := range testModels(t) {
		opts := Options{}
		if name == "stress" {
			opts.Assess.Qualifies = embassyQualifies
		}
		const detailed = 5
		sw, err := RunSweep(ctx, m, SweepOptions{Options: opts, Workers: 2, Detail: detailed})
		if err != nil {
			t.Fatal(err)
		}
		list, _ := Scenarios(m)
		if len(sw.Scenarios) != len(list) || len(list) < 5 {
			t.Fatalf("%s: %d results for %d scenarios", name, len(sw.Scenarios), len(list))
		}
		e := NewEngine(m, opts)
		for i, got := range sw.Scenarios {
			if i > 0 && sw.Scenarios[i-1].Score < got.Score {
				t.Errorf("%s: sweep not ranked at %d", name, i)
			}
			s, declared, err := Resolve(m.Inv, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, err := e.Run(ctx, s, declared, false)
			if err != nil {
				if len(got.Notes) == 0 || got.Notes[0] != "not run: "+err.Error() {
					t.Errorf("%s %s: run fails with %v, sweep says %v", name, got.ID, err, got.Notes)
				}
				continue
			}
			if got.Direct != want.Direct || got.Transitive != want.Transitive || got.Degraded != want.Degraded || got.Partial != want.Partial ||
				got.VitalCount != want.VitalCount || got.CriticalHit != want.CriticalHit || got.DataComponents != want.DataComponents ||
				got.Score != want.Score || got.Impact != want.Impact || got.RestoreDays != want.RestoreDays || got.OutageDays != want.OutageDays ||
				got.RestoreBasis != want.RestoreBasis || got.OutageBasis != want.OutageBasis {
				t.Errorf("%s %s:\nsweep %+v\nrun   %+v", name, got.ID, *got, *want)
			}
			// The first rows list their hits as the run itself does; the
			// others say their lists are not computed and count the hits.
			full, err := e.Run(ctx, s, declared, true)
			if err != nil {
				t.Fatal(err)
			}
			if i < detailed {
				if !slices.Equal(got.VitalHit, full.VitalHit) || !slices.Equal(got.Data, full.Data) || len(got.Hits) != len(full.Hits) || got.HitsNotShown != full.HitsNotShown {
					t.Errorf("%s %s: sweep lists vital %v data %v %d hits (+%d), run %v %v %d (+%d)", name, got.ID,
						got.VitalHit, got.Data, len(got.Hits), got.HitsNotShown, full.VitalHit, full.Data, len(full.Hits), full.HitsNotShown)
				}
				for k := range min(len(got.Hits), len(full.Hits)) {
					if got.Hits[k].ID != full.Hits[k].ID || got.Hits[k].How != full.Hits[k].How || got.Hits[k].RestoreDays != full.Hits[k].RestoreDays {
						t.Errorf("%s %s: hit %d is %+v, run %+v", name, got.ID, k, got.Hits[k], full.Hits[k])
					}
				}
			} else if got.Hits != nil || got.VitalHit != nil || got.HitsNotShown != len(full.Hits)+full.HitsNotShown {
				t.Errorf("%s %s: beyond the detailed rows: hits %v vital %v, %d not shown, want nil and %d", name, got.ID, got.Hits, got.VitalHit, got.HitsNotShown, len(full.Hits)+full.HitsNotShown)
			}
			if got.After == nil || *got.After != *want.After {
				t.Errorf("%s %s: levels after %+v, run %+v", name, got.ID, got.After, want.After)
			}
		}
	}
}

// TestWalkMatchesSpread checks the walker against the bitset spread on a
// generated graph: the same nodes go down and degrade.
func TestWalkMatchesSpread(t *testing.T) {
	m := testModels(t)["gen"]
	w := graph.NewWalker(m.Rev)
	seeds := [][]int32{{0}, {5, 17, 2900}, {1500}, {2999}}
	down := graph.NewSets(m.Len(), len(seeds))
	for j, s := range seeds {
		for _, u := range s {
			down.Add(u, j)
		}
	}
	all := &graph.Sets{Words: down.Words, Bits: slices.Clone(down.Bits)}
	m.RT.Spread(down, m.RTCond)
	m.G.Spread(all, m.Cond)
	for j, s := range seeds {
		d, g := w.Walk(s)
		nd, ng := 0, 0
		for u := int32(0); int(u) < m.Len(); u++ {
			h := w.Hit(u)
			if down.Has(u, j) != (h == graph.Direct || h == graph.Transitive) {
				t.Fatalf("seeds %v, %s: spread down %v, walk %v", s, m.ID(u), down.Has(u, j), h)
			}
			if (all.Has(u, j) && !down.Has(u, j)) != (h == graph.Degraded) {
				t.Fatalf("seeds %v, %s: spread degraded %v, walk %v", s, m.ID(u), all.Has(u, j), h)
			}
			if down.Has(u, j) {
				nd++
			} else if all.Has(u, j) {
				ng++
			}
		}
		if nd != len(d) || ng != len(g) {
			t.Errorf("seeds %v: walk %d/%d, spread %d/%d", s, len(d), len(g), nd, ng)
		}
	}
}
