package assess_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
)

// ownLevel gives the fields of a self-run component whose own level is n,
// for a German organization with the default tiers.
var ownLevel = [...]string{
	0: "locations: [RU]",
	1: "locations: [US]",
	2: "locations: [DE], operated_from: [IE]",
	3: "locations: [DE], data: [internal], key_custody: customer-held",
	4: "locations: [DE]",
}

// graphInventory writes an inventory from a compact graph: "a4 b2" declares
// components with own levels, "a>b" a runtime edge, "a~b" a supply edge.
func graphInventory(nodes, edges string) string {
	deps := map[string][]string{}
	for _, e := range strings.Fields(edges) {
		if from, to, ok := strings.Cut(e, ">"); ok {
			deps[from] = append(deps[from], to)
		} else if from, to, ok := strings.Cut(e, "~"); ok {
			deps[from] = append(deps[from], "{id: "+to+", kind: supply}")
		}
	}
	var b strings.Builder
	b.WriteString(org + "components:\n")
	for _, n := range strings.Fields(nodes) {
		id, level := n[:len(n)-1], n[len(n)-1]-'0'
		fmt.Fprintf(&b, "  - {id: %s, layer: platform, %s", id, ownLevel[level])
		if d := deps[id]; len(d) > 0 {
			fmt.Fprintf(&b, ", depends_on: [%s]", strings.Join(d, ", "))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func TestOwnLevelHelper(t *testing.T) {
	r := run(t, graphInventory("a0 b1 c2 d3 e4", ""), assess.Options{})
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		if got := component(t, r, id).Level; got != sovmap.Level(i) {
			t.Errorf("%s: own level %d, want %d", id, got, i)
		}
	}
}

func TestEffectiveLevels(t *testing.T) {
	cases := []struct {
		name         string
		nodes, edges string
		// want lists id=effective[/limited_by] for every component.
		want string
	}{
		{"no dependencies", "a4 b1", "", "a=4 b=1"},
		{"runtime chain", "a4 b3 c1", "a>b b>c", "a=1/b b=1/c c=1"},
		{"a better dependency does not raise", "a1 b4", "a>b", "a=1 b=4"},
		{"supply costs at most one level", "a4 b0", "a~b", "a=3/b b=0"},
		{"supply from a lower component", "a2 b0", "a~b", "a=1/b b=0"},
		{"supply never raises", "a1 b4", "a~b", "a=1 b=4"},
		{"supply dependency above the cost", "a4 b3", "a~b", "a=3/b b=3"},
		{"supply then runtime", "a4 b4 c0", "a~b b>c", "a=3/b b=0/c c=0"},
		{"runtime then supply", "a4 b4 c0", "a>b b~c", "a=3/b b=3/c c=0"},
		{"the lowest dependency is named", "a4 b3 c1", "a>b a>c", "a=1/c b=3 c=1"},
		{"diamond", "a4 b4 c3 d1", "a>b a>c b>d c>d", "a=1/b b=1/d c=1/d d=1"},
		{"self-dependency", "a3", "a>a", "a=3"},
		{"cycle shares its minimum", "a4 b2", "a>b b>a", "a=2/b b=2"},
		{"cycle lowered from outside", "a4 b4 c4 x1", "a>b b>c c>a c>x", "a=1/b b=1/c c=1/x x=1"},
		{"dependents of a cycle", "z4 a4 b1", "z>a a>b b>a", "z=1/a a=1/b b=1"},
		{"supply edge inside a cycle still costs at most one level", "a4 b0", "a~b b>a", "a=3/b b=0"},
		{"cycle through a supply edge", "a4 b4 c0", "a>b b~c c>a", "a=3/b b=3/c c=0"},
		{"supply edges both ways", "a4 b0", "a~b b~a", "a=3/b b=0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, graphInventory(tc.nodes, tc.edges), assess.Options{})
			var got []string
			for _, c := range r.Components {
				s := fmt.Sprintf("%s=%d", c.ID, c.EffectiveLevel)
				if c.LimitedBy != "" {
					s += "/" + c.LimitedBy
				}
				got = append(got, s)
				if c.EffectiveLevel > c.Level {
					t.Errorf("%s: effective %d above own %d", c.ID, c.EffectiveLevel, c.Level)
				}
				if (c.LimitedBy != "") != (c.EffectiveLevel < c.Level) {
					t.Errorf("%s: limited_by %q with effective %d and own %d", c.ID, c.LimitedBy, c.EffectiveLevel, c.Level)
				}
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got  %s\nwant %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}

// TestLimitedByIsADirectDependency checks, on a larger graph with cycles,
// that limited_by always names a dependency of the component itself whose
// effective level explains the component's.
func TestLimitedByIsADirectDependency(t *testing.T) {
	src := graphInventory("a4 b4 c3 d4 e2 f4 g0 h4",
		"a>b b>c c>a c>d d>e e>d d~g f>a f~h h>f")
	r := run(t, src, assess.Options{})
	inv := parse(t, src)
	for i, c := range r.Components {
		if c.LimitedBy == "" {
			continue
		}
		var dep *sovmap.Dependency
		for j, d := range inv.Components[i].DependsOn {
			if d.ID == c.LimitedBy {
				dep = &inv.Components[i].DependsOn[j]
			}
		}
		if dep == nil {
			t.Errorf("%s is limited by %s, which it does not depend on", c.ID, c.LimitedBy)
			continue
		}
		via := component(t, r, dep.ID).EffectiveLevel
		if dep.Kind == sovmap.Supply {
			via = max(via, c.Level-1)
		}
		if via != c.EffectiveLevel {
			t.Errorf("%s (effective %d) is limited by %s, which gives %d", c.ID, c.EffectiveLevel, dep.ID, via)
		}
	}
}

func TestGapAndSourcing(t *testing.T) {
	r := run(t, org+`components:
  - {id: vital-abroad, layer: storage, locations: [US], criticality: vital}
  - {id: secret-via-dep, layer: application, locations: [DE], data: [classified], depends_on: [vital-abroad]}
  - {id: over, layer: storage, locations: [DE], data: [public]}
`, assess.Options{})
	cases := []struct {
		id                  string
		eff, required       sovmap.Level
		gap                 int
		sourcing            sovmap.Sourcing
		reasonCategory      sovmap.Category
		summaryCountsThisAs string
	}{
		{"vital-abroad", 1, 3, 2, sovmap.SourceSovereignPartner, sovmap.CategoryOperational, ""},
		{"secret-via-dep", 1, 4, 3, sovmap.SourceDomestic, sovmap.CategorySecurity, ""},
		{"over", 4, 0, 0, sovmap.SourceOpenMarket, sovmap.CategorySecurity, ""},
	}
	for _, tc := range cases {
		c := component(t, r, tc.id)
		if c.EffectiveLevel != tc.eff || c.RequiredLevel != tc.required || c.Gap != tc.gap || c.Sourcing != tc.sourcing {
			t.Errorf("%s: effective %d required %d gap %d sourcing %s; want %d %d %d %s",
				c.ID, c.EffectiveLevel, c.RequiredLevel, c.Gap, c.Sourcing, tc.eff, tc.required, tc.gap, tc.sourcing)
		}
	}
	s := r.Summary
	if s.Components != 3 || s.Gaps != 2 || s.MaxGap != 3 || s.ByLevel != [5]int{0, 2, 0, 0, 1} {
		t.Errorf("summary %+v", s)
	}
	if s.GapsByCategory[sovmap.CategoryOperational] != 1 || s.GapsByCategory[sovmap.CategorySecurity] != 1 || s.GapsByCategory[sovmap.CategoryRegulatory] != 0 {
		t.Errorf("gaps by category %v", s.GapsByCategory)
	}
	if s.Exposed != 1 {
		t.Errorf("exposed %d, want 1 (US law reaches vital-abroad)", s.Exposed)
	}
	// Everything is run by the organization: one controller, HHI 10000.
	if s.HHIProvider != 10000 {
		t.Errorf("HHI %d, want 10000", s.HHIProvider)
	}
	var layers []string
	for _, l := range r.Layers {
		layers = append(layers, fmt.Sprintf("%s:%d:%d:%d", l.Layer, l.Components, l.Gaps, l.Lowest))
	}
	// Layers in stack order, each with its lowest effective level.
	if got := strings.Join(layers, " "); got != "storage:2:1:1 application:1:1:1" {
		t.Errorf("layers %s", got)
	}
}

func TestProviderConcentration(t *testing.T) {
	r := run(t, org+`providers:
  - {id: p, country: DE, parent: q}
  - {id: q, country: US}
components:
  - {id: a, layer: storage, provider: p, locations: [DE], criticality: vital}
  - {id: b, layer: storage, provider: p, locations: [DE], criticality: low}
  - {id: c, layer: storage, provider: aws-emea, locations: [DE], criticality: high}
  - {id: d, layer: storage, locations: [DE]}
`, assess.Options{})
	if len(r.Providers) != 2 {
		t.Fatalf("%d providers, want 2: %+v", len(r.Providers), r.Providers)
	}
	p, aws := r.Providers[0], r.Providers[1]
	if p.ID != "p" || p.Components != 2 || p.Critical != 1 || p.Share != 0.5 || p.CriticalShare != 0.5 ||
		p.Controller != "q" || p.ControllerCountry != "US" || p.Tier != "neutral" || strings.Join(p.Exposure, ",") != "US" {
		t.Errorf("provider p: %+v", p)
	}
	if aws.ID != "aws-emea" || aws.Components != 1 || aws.Share != 0.25 || aws.Controller != "amazon" || aws.Name == "" {
		t.Errorf("provider aws-emea: %+v", aws)
	}
	// Controllers q (2 of 4), amazon (1), the organization (1): 50² + 25² + 25².
	if r.Summary.HHIProvider != 3750 {
		t.Errorf("HHI %d, want 3750", r.Summary.HHIProvider)
	}
}

// TestEffectiveMatchesFixpoint compares the engine's effective levels on
// random graphs, cycles through supply edges included, with the definition
// solved the slow way: lower every component to the minimum its own level
// and its dependencies allow, until nothing changes.
func TestEffectiveMatchesFixpoint(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		const n = 30
		var nodes, edges []string
		for i := range n {
			nodes = append(nodes, fmt.Sprintf("n%d%d", i, rng.IntN(5)))
			for range rng.IntN(4) {
				op := ">"
				if rng.IntN(2) == 0 {
					op = "~"
				}
				edges = append(edges, fmt.Sprintf("n%d%sn%d", i, op, rng.IntN(n)))
			}
		}
		inv := parse(t, graphInventory(strings.Join(nodes, " "), strings.Join(edges, " ")))
		r := assessInv(t, inv, assess.Options{})
		eff := make([]sovmap.Level, n)
		for i := range eff {
			eff[i] = r.Components[i].Level
		}
		index := map[string]int{}
		for i, c := range inv.Components {
			index[c.ID] = i
		}
		for changed := true; changed; {
			changed = false
			for i, c := range inv.Components {
				own := r.Components[i].Level
				for _, d := range c.DependsOn {
					l := eff[index[d.ID]]
					if d.Kind == sovmap.Supply {
						l = max(l, own-1)
					}
					if l < eff[i] {
						eff[i], changed = l, true
					}
				}
			}
		}
		for i, c := range r.Components {
			if c.EffectiveLevel != eff[i] {
				t.Errorf("seed %d: %s effective %d, the fixpoint says %d (graph %v)", seed, c.ID, c.EffectiveLevel, eff[i], edges)
			}
			// limited_by names a dependency of its own that explains the level.
			explained := c.LimitedBy == "" && c.EffectiveLevel == c.Level
			for _, d := range inv.Components[i].DependsOn {
				l := eff[index[d.ID]]
				if d.Kind == sovmap.Supply {
					l = max(l, c.Level-1)
				}
				if d.ID == c.LimitedBy && d.ID != c.ID && l == c.EffectiveLevel {
					explained = true
				}
			}
			if !explained {
				t.Errorf("seed %d: %s (own %d, effective %d) limited by %q, which does not explain it", seed, c.ID, c.Level, c.EffectiveLevel, c.LimitedBy)
			}
		}
	}
}
