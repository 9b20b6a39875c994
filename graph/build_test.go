package graph

import (
	"slices"
	"testing"

	"github.com/sovmap/sovmap"
)

func TestBuildDropsUnknownDependencies(t *testing.T) {
	cs := []sovmap.Component{
		{ID: "a", DependsOn: []sovmap.Dependency{{ID: "b"}, {ID: "ghost"}, {ID: "c", Kind: sovmap.Supply}}},
		{ID: "b", DependsOn: []sovmap.Dependency{{ID: "nobody"}}},
		{ID: "c", DependsOn: []sovmap.Dependency{{ID: "a"}}},
	}
	g, unknown := Resolve(cs, map[string]int32{"a": 0, "b": 1, "c": 2})
	for _, g := range []*Graph{Build(cs), g} {
		if want := []int32{0, 2, 2, 3}; !slices.Equal(g.Off, want) {
			t.Fatalf("Off = %v, want %v", g.Off, want)
		}
		if want := []int32{1, 2, 0}; !slices.Equal(g.Dst, want) {
			t.Fatalf("Dst = %v, want %v", g.Dst, want)
		}
		if want := []bool{false, true, false}; !slices.Equal(g.Supply, want) {
			t.Fatalf("Supply = %v, want %v", g.Supply, want)
		}
	}
	if want := []bool{true, true, false}; !slices.Equal(unknown, want) {
		t.Errorf("unknown = %v, want %v", unknown, want)
	}
}

// TestDescribes: a graph built earlier is accepted only for the very
// components it was built from; any change of ids, order, edges or kinds
// is caught, so that a changed inventory is never assessed with a stale
// graph.
func TestDescribes(t *testing.T) {
	base := func() []sovmap.Component {
		return []sovmap.Component{
			{ID: "a", DependsOn: []sovmap.Dependency{{ID: "b"}, {ID: "ghost"}, {ID: "c", Kind: sovmap.Supply}}},
			{ID: "b"},
			{ID: "c", DependsOn: []sovmap.Dependency{{ID: "a"}}},
		}
	}
	g := Build(base())
	if !g.Describes(base()) {
		t.Fatal("a graph does not describe the components it was built from")
	}
	changes := map[string]func(cs []sovmap.Component) []sovmap.Component{
		"a component removed": func(cs []sovmap.Component) []sovmap.Component { return cs[:2] },
		"components reordered": func(cs []sovmap.Component) []sovmap.Component {
			cs[1], cs[2] = cs[2], cs[1]
			return cs
		},
		"an id renamed": func(cs []sovmap.Component) []sovmap.Component { cs[1].ID = "b2"; return cs },
		"an edge retargeted": func(cs []sovmap.Component) []sovmap.Component {
			cs[2].DependsOn[0].ID = "b"
			return cs
		},
		"an edge added": func(cs []sovmap.Component) []sovmap.Component {
			cs[1].DependsOn = []sovmap.Dependency{{ID: "c"}}
			return cs
		},
		"an edge's kind changed": func(cs []sovmap.Component) []sovmap.Component {
			cs[0].DependsOn[0].Kind = sovmap.Supply
			return cs
		},
		"an unknown edge now known": func(cs []sovmap.Component) []sovmap.Component {
			cs[0].DependsOn[1].ID = "c"
			return cs
		},
	}
	for name, change := range changes {
		if g.Describes(change(base())) {
			t.Errorf("%s: the old graph still describes the components", name)
		}
	}
	var none *Graph
	if none.Describes(base()) {
		t.Error("a nil graph describes components")
	}
}
