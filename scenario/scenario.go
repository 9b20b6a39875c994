// Package scenario runs stress tests on an assessed inventory: a
// jurisdiction compels access to data, an export control stops accelerator
// supply, a provider exits, a host revokes a digital-embassy arrangement, a
// region or a route is cut off, an energy shortage hits a country. Each
// scenario picks the components it hits directly, spreads the hit through
// the dependency graph (runtime dependents go down with what they run on;
// supply dependents degrade later), and reports the data classes and vital
// components touched, the levels before and after, and the time to restore.
//
// A sweep runs every jurisdiction, provider, region and arrangement of the
// inventory and ranks them by impact. Engines keep their buffers between
// runs and share one read-only risk.Model, so a sweep over a national
// inventory allocates little and runs on every core.
package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
)

// The scenario kinds (sovmap.Scenario.Kind), as inventory.ScenarioKinds
// lists them.
const (
	Compel            = "compel"
	ExportControl     = "export-control"
	ProviderExit      = "provider-exit"
	RevokeArrangement = "revoke-arrangement"
	RegionCut         = "region-cut"
	EnergyShortage    = "energy-shortage"
)

// Kinds lists the scenario kinds.
var Kinds = []string{Compel, ExportControl, ProviderExit, RevokeArrangement, RegionCut, EnergyShortage}

// Accelerators is the export-control target that stands for every foreign
// supplier of hardware, whatever the regime.
const Accelerators = "accelerators"

// Effect says what a scenario does to the components it hits.
type Effect string

// The effects of the scenario kinds.
const (
	// Exposed: a foreign power can read the data; the components hit fall
	// to the level they would have if that power were restricted (compel),
	// or if the arrangement no longer qualified (revoke-arrangement).
	Exposed Effect = "exposed"
	// Lost: the components hit stop (provider-exit after its notice,
	// region-cut, energy-shortage); their runtime dependents stop with them.
	Lost Effect = "lost"
	// SupplyCut: the components hit keep running but cannot be replaced,
	// repaired or grown (export-control).
	SupplyCut Effect = "supply-cut"
)

// HitBasis says, per kind, what a scenario hits directly; every kind
// then counts as transitive what runs on those (runtime edges) and as
// degraded what depends on them through a supply edge. The provider,
// region and jurisdiction seeds are those of the register's lost on exit
// and of the graph's blast radius (risk.BlastBasis).
var HitBasis = map[string]string{
	Compel:            "direct: components the jurisdiction's compelled-access laws reach (the assessment's exposure)",
	ExportControl:     "direct: hardware-layer components with a provider whose supply the export control stops",
	ProviderExit:      "direct: the components of the provider and of every provider it controls",
	RevokeArrangement: "direct: components hosted under the arrangement",
	RegionCut:         "direct: components with every location cut off; partial: those with some",
	EnergyShortage:    "direct: components with every location in the jurisdiction; partial: those with some (a bloc location counts in part)",
}

// EffectOf returns the effect of a scenario kind.
func EffectOf(kind string) Effect {
	switch kind {
	case Compel, RevokeArrangement:
		return Exposed
	case ExportControl:
		return SupplyCut
	}
	return Lost
}

// Parse reads a built-in scenario name, KIND:TARGET: compel:US,
// provider-exit:aws, region-cut:aws:eu-central-1, export-control:accelerators,
// energy-shortage:DE, revoke-arrangement:lux-embassy. The target is
// everything after the first colon, so region ids keep theirs.
func Parse(name string) (sovmap.Scenario, error) {
	kind, target, ok := strings.Cut(name, ":")
	if !ok || target == "" {
		return sovmap.Scenario{}, fmt.Errorf("scenario %q: want KIND:TARGET with KIND one of %s (or the id of a scenario the inventory declares)", name, strings.Join(Kinds, ", "))
	}
	if !slices.Contains(Kinds, kind) {
		return sovmap.Scenario{}, fmt.Errorf("scenario %q: unknown kind %q (one of %s)", name, kind, strings.Join(Kinds, ", "))
	}
	return sovmap.Scenario{ID: name, Kind: kind, Target: target}, nil
}

// Resolve finds the scenario called name: one the inventory declares with
// that id, else a built-in KIND:TARGET. declared says which.
func Resolve(inv *sovmap.Inventory, name string) (s sovmap.Scenario, declared bool, err error) {
	for _, d := range inv.Scenarios {
		if d.ID == name {
			return d, true, nil
		}
	}
	s, err = Parse(name)
	return s, false, err
}
