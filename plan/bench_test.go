package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sovmap/sovmap"
)

// synthetic builds a layered inventory of n components, reproducible from
// the seed: half of them bought from a random provider with three
// alternative offers each, the other half run in-house (level 4, no
// options); each depends on two lower components, a quarter of the edges
// supply edges; criticality from low to vital sets the requirement. Every
// requirement can usually be met, so the search has real work to do: pick
// the cheapest offers that meet every need, under the caps.
func synthetic(n int, seed uint64) (*sovmap.Inventory, *fakeEval) {
	rng := rand.New(rand.NewPCG(seed, 7))
	countries := []string{"DE", "FR", "US", "NL", "CH"}
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Name: "synthetic", Home: "DE"}}
	f := &fakeEval{provLevel: map[string]sovmap.Level{}}
	const np = 12
	for j := 0; j < np; j++ {
		id := fmt.Sprintf("p%d", j)
		inv.Providers = append(inv.Providers, sovmap.Provider{ID: id, Country: countries[j%len(countries)]})
		f.provLevel[id] = sovmap.Level(1 + j%4)
	}
	keys := []sovmap.KeyCustody{sovmap.KeysProvider, sovmap.KeysCustomerManaged, sovmap.KeysCustomerHeld, sovmap.KeysDomesticHSM}
	crits := []sovmap.Criticality{"low", "medium", "medium", "high", "vital"}
	for i := 0; i < n; i++ {
		c := sovmap.Component{ID: fmt.Sprintf("c%d", i), Layer: sovmap.LayerCompute, Criticality: crits[rng.IntN(len(crits))]}
		bought := i%2 == 0
		if bought {
			c.Provider, c.KeyCustody = fmt.Sprintf("p%d", rng.IntN(np)), keys[rng.IntN(2)]
		}
		for d := 0; d < 2 && i > 0; d++ {
			kind := sovmap.Runtime
			if rng.IntN(4) == 0 {
				kind = sovmap.Supply
			}
			c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: fmt.Sprintf("c%d", rng.IntN(i)), Kind: kind})
		}
		if bought {
			for k := 1; k <= 3; k++ {
				c.Options = append(c.Options, sovmap.Option{ID: fmt.Sprintf("o%d", k), Provider: fmt.Sprintf("p%d", rng.IntN(np)),
					KeyCustody: keys[1+rng.IntN(3)], CostOnce: float64(10 * (1 + rng.IntN(50))), CostYearly: float64(5 * rng.IntN(20))})
			}
		}
		inv.Components = append(inv.Components, c)
	}
	return inv, f
}

// BenchmarkSolve measures the solver, model and search, on synthetic
// inventories; it reports search nodes and whether the result is proven.
func BenchmarkSolve(b *testing.B) {
	for _, n := range []int{15, 60, 120, 240} {
		for _, cap := range []float64{0, 0.3} {
			b.Run(fmt.Sprintf("components=%d/provider-cap=%v", n, cap), func(b *testing.B) {
				inv, f := synthetic(n, 3)
				var r *Result
				for b.Loop() {
					var err error
					r, err = Solve(context.Background(), inv, f, Options{Constraints: Constraints{MaxProviderShare: cap}})
					if err != nil {
						b.Fatal(err)
					}
				}
				proven := 0.0
				if r.Optimal {
					proven = 1
				}
				b.ReportMetric(float64(r.Nodes), "nodes")
				b.ReportMetric(float64(r.CurveNodes), "curve-nodes")
				b.ReportMetric(proven, "proven")
				b.ReportMetric(float64(r.Met), "met")
			})
		}
	}
}

// BenchmarkSolveExample measures a plan on the worked example with the real
// assessment engine.
func BenchmarkSolveExample(b *testing.B) {
	inv, ev := loadExample(b)
	for b.Loop() {
		if _, err := Solve(context.Background(), inv, ev, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
