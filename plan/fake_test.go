package plan

import (
	"context"

	"github.com/sovmap/sovmap"
)

// fakeEval is a fast stand-in for the assessment, for the benchmarks and
// for unit tests that need levels chosen by hand (the explanations of
// unmet requirements): own level from a provider table and key custody,
// required level from criticality (or the "req" tag). It is not an oracle
// of correctness: TestSolverMatchesAssessBruteForce judges the planner by
// assess itself.
//
// Effective levels follow the equation of docs/inventory.md ("Effective
// level"), solved the slow way: start every component at its own level and
// lower it by each dependency (a runtime one to the dependency's level, a
// supply one to no more than one level below the component's own) until
// nothing lowers.
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
	copy(lv.Effective, lv.Own)
	for changed := true; changed; {
		changed = false
		for i, c := range inv.Components {
			for _, d := range c.DependsOn {
				l := lv.Effective[index[d.ID]]
				if d.Kind == sovmap.Supply {
					l = max(l, lv.Own[i]-1)
				}
				if l < lv.Effective[i] {
					lv.Effective[i], changed = l, true
				}
			}
		}
	}
	return lv, nil
}
