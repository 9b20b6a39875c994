// Package gen generates synthetic inventories of any size with a realistic
// mix of layers, providers, regions, data classes, criticalities, contracts
// and dependencies, for benchmarks and load tests. The same options and seed
// always give the same inventory.
package gen

import (
	"fmt"
	"math/rand/v2"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Options say what to generate.
type Options struct {
	Components int
	// Deps is the mean number of dependencies per component (default 5).
	Deps int
	// Providers is the number of synthetic providers (default 2000).
	Providers int
	// Flows is the number of data flows (default Components/100).
	Flows int
	Seed  uint64
	// Home is the organization's home (default DE).
	Home string
}

// weighted layers: more compute, storage and applications than energy.
var layerMix = []struct {
	layer  sovmap.Layer
	weight int
}{
	{sovmap.LayerEnergy, 2}, {sovmap.LayerFacility, 3}, {sovmap.LayerHardware, 6}, {sovmap.LayerCompute, 16},
	{sovmap.LayerStorage, 16}, {sovmap.LayerConnectivity, 8}, {sovmap.LayerPlatform, 12}, {sovmap.LayerModel, 10},
	{sovmap.LayerData, 10}, {sovmap.LayerApplication, 10}, {sovmap.LayerSecurity, 4}, {sovmap.LayerOperations, 3},
}

var dataMix = [][]string{
	nil, nil, {"public"}, {"internal"}, {"internal"}, {"confidential"}, {"personal"}, {"personal"},
	{"personal.health"}, {"personal.financial"}, {"classified"}, {"personal", "confidential"},
}

var critMix = []sovmap.Criticality{"", sovmap.CriticalityLow, sovmap.CriticalityMedium, sovmap.CriticalityMedium, sovmap.CriticalityHigh, sovmap.CriticalityVital}

var keysMix = []sovmap.KeyCustody{"", sovmap.KeysProvider, sovmap.KeysCustomerManaged, sovmap.KeysCustomerHeld, sovmap.KeysDomesticHSM}

var portMix = []string{"", "proprietary", "standard", "open"}

// Inventory builds a synthetic inventory. Region ids come from the
// knowledge base so that generated inventories validate.
func Inventory(k *kb.KB, o Options) *sovmap.Inventory {
	if o.Deps == 0 {
		o.Deps = 5
	}
	if o.Providers == 0 {
		o.Providers = 2000
	}
	if o.Flows == 0 {
		o.Flows = o.Components / 100
	}
	if o.Home == "" {
		o.Home = "DE"
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x50f3a9))
	countries := k.CountryCodes()
	var regions []string
	for _, reg := range k.Regions() {
		regions = append(regions, reg.ID)
	}
	inv := &sovmap.Inventory{Version: sovmap.Version,
		Organization: sovmap.Organization{Name: fmt.Sprintf("Synthetic organization %d", o.Components), Home: o.Home}}

	// Providers: a few hundred parent groups in a skewed spread of countries
	// (home and a handful of big cloud countries dominate), each with children.
	hubs := []string{o.Home, o.Home, "US", "US", "US", "FR", "IE", "NL", "CN", "GB", "JP", "CH"}
	parents := max(1, o.Providers/8)
	inv.Providers = make([]sovmap.Provider, 0, o.Providers)
	for i := 0; i < o.Providers; i++ {
		p := sovmap.Provider{ID: fmt.Sprintf("p%d", i)}
		if i < parents {
			if r.IntN(3) == 0 {
				p.Country = countries[r.IntN(len(countries))]
			} else {
				p.Country = hubs[r.IntN(len(hubs))]
			}
		} else {
			p.Parent = fmt.Sprintf("p%d", r.IntN(parents))
			p.Country = hubs[r.IntN(len(hubs))]
		}
		inv.Providers = append(inv.Providers, p)
	}
	totalWeight := 0
	for _, l := range layerMix {
		totalWeight += l.weight
	}
	inv.Components = make([]sovmap.Component, o.Components)
	notice := []int{30, 90, 180, 365}
	for i := range inv.Components {
		c := &inv.Components[i]
		c.ID = fmt.Sprintf("c%d", i)
		w := r.IntN(totalWeight)
		for _, l := range layerMix {
			if w < l.weight {
				c.Layer = l.layer
				break
			}
			w -= l.weight
		}
		// A Zipf-like provider choice: a few providers serve most components.
		if r.IntN(10) > 0 {
			c.Provider = fmt.Sprintf("p%d", int(float64(o.Providers)*r.Float64()*r.Float64()*r.Float64()))
		}
		if r.IntN(2) == 0 && len(regions) > 0 {
			c.Locations = []string{regions[r.IntN(len(regions))]}
		} else {
			c.Locations = []string{hubs[r.IntN(len(hubs))]}
		}
		if c.Provider == "" || r.IntN(4) > 0 {
			c.OperatedFrom = []string{hubs[r.IntN(len(hubs))]}
			if r.IntN(4) == 0 {
				c.OperatedFrom = append(c.OperatedFrom, hubs[r.IntN(len(hubs))])
			}
		}
		c.Data = dataMix[r.IntN(len(dataMix))]
		c.Criticality = critMix[r.IntN(len(critMix))]
		c.KeyCustody = keysMix[r.IntN(len(keysMix))]
		if c.Provider != "" && r.IntN(5) > 0 {
			days := notice[r.IntN(len(notice))]
			ret := r.IntN(4) > 0
			c.Contract = &sovmap.Contract{GoverningLaw: hubs[r.IntN(len(hubs))], ExitNoticeDays: &days, DataReturn: &ret, Portability: sovmap.Portability(portMix[r.IntN(len(portMix))])}
		}
		// Dependencies point mostly to earlier components (a layered stack),
		// with a few forward edges that close cycles.
		if i > 0 {
			n := r.IntN(2*o.Deps + 1)
			c.DependsOn = make([]sovmap.Dependency, 0, n)
			for j := 0; j < n; j++ {
				target := r.IntN(i)
				if r.IntN(200) == 0 {
					target = r.IntN(o.Components)
				}
				kind := sovmap.Runtime
				if r.IntN(5) == 0 {
					kind = sovmap.Supply
				}
				c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: fmt.Sprintf("c%d", target), Kind: kind})
			}
		}
	}
	mech := sovmap.Mechanisms
	inv.Flows = make([]sovmap.Flow, 0, o.Flows)
	for i := 0; i < o.Flows && o.Components > 1; i++ {
		from, to := r.IntN(o.Components), r.IntN(o.Components)
		inv.Flows = append(inv.Flows, sovmap.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from), To: fmt.Sprintf("c%d", to),
			Data: dataMix[r.IntN(len(dataMix))], Mechanism: mech[r.IntN(len(mech))]})
	}
	return inv
}
