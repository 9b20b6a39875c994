package assess

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
)

// TestEffectiveSweepsAndReversal solves random graphs, with long cycles
// through supply edges, both by sweeping and by reversing the cycles'
// edges at once (no sweeps), and checks both against the definition solved
// the slow way.
func TestEffectiveSweepsAndReversal(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		n := 5 + rng.IntN(300)
		comps := make([]sovmap.Component, n)
		index := map[string]int32{}
		for i := range comps {
			comps[i].ID = fmt.Sprintf("c%d", i)
			index[comps[i].ID] = int32(i)
		}
		for i := range comps {
			for range rng.IntN(4) {
				j := rng.IntN(n)
				if rng.IntN(3) > 0 { // mostly a ring, so that drops travel far
					j = (i + 1) % n
				}
				kind := sovmap.Runtime
				if rng.IntN(2) == 0 {
					kind = sovmap.Supply
				}
				comps[i].DependsOn = append(comps[i].DependsOn, sovmap.Dependency{ID: comps[j].ID, Kind: kind})
			}
		}
		own := make([]sovmap.Level, n)
		for i := range own {
			own[i] = sovmap.Level(rng.IntN(int(sovmap.MaxLevel) + 1))
		}
		want := append([]sovmap.Level(nil), own...)
		for changed := true; changed; {
			changed = false
			for i, c := range comps {
				for _, d := range c.DependsOn {
					l := through(want[index[d.ID]], d.Kind == sovmap.Supply, own[i])
					if l < want[i] {
						want[i], changed = l, true
					}
				}
			}
		}
		for _, sweeps := range []int{0, 1, cycleSweeps} {
			g := graph.Build(comps)
			comp, members := g.SCC()
			cs := make([]sovmap.ComponentResult, n)
			for i := range cs {
				cs[i].Level = own[i]
			}
			effective(g, comp, members, cs, sweeps)
			for i := range cs {
				if cs[i].EffectiveLevel != want[i] {
					t.Fatalf("seed %d, %d sweeps: c%d effective %d, want %d", seed, sweeps, i, cs[i].EffectiveLevel, want[i])
				}
			}
		}
	}
}
