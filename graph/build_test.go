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
	for _, index := range []map[string]int32{nil, {"a": 0, "b": 1, "c": 2}} {
		g := BuildIndexed(cs, index)
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
}

func TestBuildIgnoresAnIndexThatDoesNotFit(t *testing.T) {
	cs := []sovmap.Component{{ID: "x", DependsOn: []sovmap.Dependency{{ID: "y"}}}, {ID: "y"}}
	g := BuildIndexed(cs, map[string]int32{"x": 0})
	if len(g.Dst) != 1 || g.Dst[0] != 1 {
		t.Fatalf("Dst = %v, want [1]", g.Dst)
	}
}

func TestBuildTrustsTargetsOnlyWithTheLoadersIndex(t *testing.T) {
	cs := []sovmap.Component{
		{ID: "a", DependsOn: []sovmap.Dependency{{ID: "b", Target: 2}, {ID: "c", Target: 2}}}, // the second is stale
		{ID: "b"},
		{ID: "c"},
	}
	// Without the loader's index, targets are not trusted.
	g := Build(cs)
	if want := []int32{1, 2}; !slices.Equal(g.Dst, want) {
		t.Fatalf("Dst = %v, want %v", g.Dst, want)
	}
	// With it, they are used as they are.
	g = BuildIndexed(cs, map[string]int32{"a": 0, "b": 1, "c": 2})
	if want := []int32{1, 1}; !slices.Equal(g.Dst, want) {
		t.Fatalf("Dst = %v, want %v", g.Dst, want)
	}
}
