package scenario

import (
	"context"
	"runtime"
	"sort"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/risk"
)

// SweepOptions tune a sweep.
type SweepOptions struct {
	Options
	// Workers is how many scenarios run at once, each on its own engine;
	// 0 means GOMAXPROCS.
	Workers int
	// Kinds restricts the sweep to some scenario kinds; nil runs them all.
	Kinds []string
}

// Sweep is the ranking of every scenario the inventory gives rise to.
type Sweep struct {
	Organization string `json:"organization"`
	Home         string `json:"home"`
	Components   int    `json:"components"`
	// Scenarios are the results without hit rows, highest impact first.
	Scenarios []*Result `json:"scenarios"`
}

// Scenarios lists the scenarios a sweep runs: the inventory's own, and one
// built-in per jurisdiction whose law reaches a component (compel), per
// provider with components under it, directly or through a subsidiary
// (provider-exit), per cloud region in use (region-cut), per country where
// components are located (energy-shortage), per arrangement hosting
// components (revoke-arrangement), and for accelerators (export-control:
// accelerators, and one per foreign jurisdiction of a hardware supplier).
func Scenarios(m *risk.Model) (list []sovmap.Scenario, declared []bool) {
	add := func(s sovmap.Scenario, d bool) { list = append(list, s); declared = append(declared, d) }
	builtin := func(kind, target string) {
		add(sovmap.Scenario{ID: kind + ":" + target, Kind: kind, Target: target}, false)
	}
	for _, s := range m.Inv.Scenarios {
		add(s, true)
	}
	exposed := make([]uint64, m.Exposure.Words)
	for i, w := range m.Exposure.Bits {
		exposed[i%m.Exposure.Words] |= w
	}
	located := make([]bool, len(m.Countries))
	arrangements := make([]bool, len(m.Inv.Arrangements))
	hardware := make([]bool, len(m.Countries))
	foreignHardware := false
	for u := int32(0); int(u) < m.Len(); u++ {
		for _, c := range m.Locations(u) {
			located[c] = true
		}
		if a := m.Arrangement[u]; a >= 0 {
			arrangements[a] = true
		}
		if p := m.Provider[u]; p >= 0 && m.Inv.Components[u].Layer == sovmap.LayerHardware {
			for q := p; q >= 0; q = m.Providers[q].Parent {
				if c := m.Country(m.Providers[q].Country); c >= 0 && m.Tiers.Of(m.Countries[c]) != sovmap.TierHome {
					hardware[c] = true
				}
			}
			ctl := m.Providers[m.Providers[p].Controller].Country
			foreignHardware = foreignHardware || ctl == "" || m.Tiers.Of(ctl) != sovmap.TierHome
		}
	}
	for c, code := range m.Countries {
		if exposed[c/64]&(1<<(uint(c)%64)) != 0 {
			builtin(Compel, code)
		}
	}
	if foreignHardware {
		builtin(ExportControl, Accelerators)
	}
	for c, code := range m.Countries {
		if hardware[c] {
			builtin(ExportControl, code)
		}
	}
	for p := range m.Providers {
		if len(m.UnderProvider(int32(p))) > 0 {
			builtin(ProviderExit, m.Providers[p].ID)
		}
	}
	for i, a := range m.Inv.Arrangements {
		if arrangements[i] {
			builtin(RevokeArrangement, a.ID)
		}
	}
	for _, r := range m.Regions {
		builtin(RegionCut, r)
	}
	for c, code := range m.Countries {
		if located[c] {
			builtin(EnergyShortage, code)
		}
	}
	return list, declared
}

// RunSweep runs every scenario of Scenarios and ranks them by impact, then
// by vital components hit, then by id.
func RunSweep(ctx context.Context, m *risk.Model, opts SweepOptions) (*Sweep, error) {
	list, declared := Scenarios(m)
	if opts.Kinds != nil {
		kept, keptDeclared := list[:0], declared[:0]
		for i, s := range list {
			for _, k := range opts.Kinds {
				if s.Kind == k {
					kept, keptDeclared = append(kept, s), append(keptDeclared, declared[i])
					break
				}
			}
		}
		list, declared = kept, keptDeclared
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]*Result, len(list))
	errs := make([]error, len(list))
	err := risk.Parallel(ctx, len(list), workers, func() func(int) {
		e := NewEngine(m, opts.Options)
		return func(i int) {
			out[i], errs[i] = e.Run(ctx, list[i], declared[i], false)
		}
	})
	if err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			// One declared scenario with a bad target should not hide the rest.
			s := list[i]
			out[i] = &Result{ID: s.ID, Kind: s.Kind, Target: s.Target, Description: s.Description, Declared: declared[i],
				Effect: EffectOf(s.Kind), VitalHit: []string{}, Data: []string{}, Hits: []Hit{}, Notes: []string{"not run: " + err.Error()}}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].VitalCount != out[j].VitalCount {
			return out[i].VitalCount > out[j].VitalCount
		}
		return out[i].ID < out[j].ID
	})
	return &Sweep{Organization: m.Inv.Organization.Name, Home: m.Inv.Organization.Home, Components: m.Len(), Scenarios: out}, nil
}
