package graph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

// build makes a graph from nodes and edges written "a>b" (a runs on b) or
// "a~b" (a is supplied by b). Nodes are in the order given.
func build(t *testing.T, nodes string, edges ...string) *Graph {
	t.Helper()
	var cs []sovmap.Component
	idx := map[string]int{}
	for _, id := range strings.Fields(nodes) {
		idx[id] = len(cs)
		cs = append(cs, sovmap.Component{ID: id})
	}
	for _, e := range edges {
		kind, sep := sovmap.Runtime, ">"
		if strings.Contains(e, "~") {
			kind, sep = sovmap.Supply, "~"
		}
		from, to, ok := strings.Cut(e, sep)
		if !ok {
			t.Fatalf("bad edge %q", e)
		}
		i, ok := idx[from]
		if !ok {
			t.Fatalf("edge %q: unknown node %q", e, from)
		}
		cs[i].DependsOn = append(cs[i].DependsOn, sovmap.Dependency{ID: to, Kind: kind})
	}
	return Build(cs)
}

func names(g *Graph, ns []int32) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = g.IDs[n]
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestBuildDropsUnknownAndKeepsKinds(t *testing.T) {
	g := build(t, "a b c", "a>b", "a~c", "b>ghost")
	deps, supply := g.Deps(g.Index["a"])
	if names(g, deps) != "b c" || !slices.Equal(supply, []bool{false, true}) {
		t.Errorf("deps of a = %s %v", names(g, deps), supply)
	}
	if d, _ := g.Deps(g.Index["b"]); len(d) != 0 {
		t.Errorf("b keeps an edge to an unknown id: %v", d)
	}
}

func TestReverse(t *testing.T) {
	g := build(t, "a b c d", "a>c", "b~c", "c>d")
	r := g.Reverse()
	dependents, supply := r.Deps(g.Index["c"])
	if names(g, dependents) != "a b" {
		t.Fatalf("dependents of c = %s", names(g, dependents))
	}
	for i, d := range dependents {
		if want := g.IDs[d] == "b"; supply[i] != want {
			t.Errorf("edge %s->c supply = %v, want %v", g.IDs[d], supply[i], want)
		}
	}
	if d, _ := r.Deps(g.Index["a"]); len(d) != 0 {
		t.Errorf("a has dependents %v", d)
	}
}

func TestSCCOrderAndCycles(t *testing.T) {
	// a > b > c > b (cycle b,c), c > d.
	g := build(t, "a b c d", "a>b", "b>c", "c>b", "c>d")
	comp, members := g.SCC()
	if comp[g.Index["b"]] != comp[g.Index["c"]] {
		t.Error("b and c should share a component")
	}
	if comp[g.Index["a"]] == comp[g.Index["b"]] || comp[g.Index["d"]] == comp[g.Index["b"]] {
		t.Error("a and d are not in the cycle")
	}
	if len(members) != 3 {
		t.Fatalf("%d components, want 3", len(members))
	}
	// Dependencies first: d, then {b,c}, then a.
	if names(g, members[0]) != "d" || names(g, members[1]) != "b c" || names(g, members[2]) != "a" {
		t.Errorf("order %s | %s | %s", names(g, members[0]), names(g, members[1]), names(g, members[2]))
	}
}

func TestRuntimeSubgraph(t *testing.T) {
	g := build(t, "a b c", "a>b", "a~c", "b~c")
	r := g.Runtime()
	if got := names(g, r.Dst); got != "b" {
		t.Errorf("runtime edges lead to %q, want b", got)
	}
	if d, _ := r.Deps(g.Index["b"]); len(d) != 0 {
		t.Errorf("b keeps its supply edge: %v", d)
	}
}

func TestSets(t *testing.T) {
	s := NewSets(3, 130) // three words per set
	if s.Words != 3 || s.Len() != 3 {
		t.Fatalf("words %d len %d", s.Words, s.Len())
	}
	s.Add(1, 0)
	s.Add(1, 64)
	s.Add(1, 129)
	if !s.Has(1, 129) || s.Has(1, 128) || s.Has(0, 0) || s.Has(2, 64) {
		t.Error("membership wrong")
	}
	if got := s.Members(nil, 1); !slices.Equal(got, []int{0, 64, 129}) {
		t.Errorf("members %v", got)
	}
	if s.Count(1) != 3 || !s.Empty(0) || s.Empty(1) {
		t.Error("count or empty wrong")
	}
}

// closureOf runs Closure with one bit per node named in own.
func closureOf(g *Graph, own map[string][]int) *Sets {
	s := NewSets(g.Len(), 8)
	for id, bs := range own {
		for _, b := range bs {
			s.Add(g.Index[id], b)
		}
	}
	return g.Closure(s, nil)
}

func TestClosure(t *testing.T) {
	tests := []struct {
		name  string
		nodes string
		edges []string
		own   map[string][]int
		want  map[string][]int
	}{
		{"chain", "a b c", []string{"a>b", "b>c"}, map[string][]int{"c": {1}, "b": {2}},
			map[string][]int{"a": {1, 2}, "b": {1, 2}, "c": {1}}},
		{"diamond", "top l r bottom", []string{"top>l", "top>r", "l>bottom", "r>bottom"},
			map[string][]int{"l": {0}, "r": {3}, "bottom": {5}},
			map[string][]int{"top": {0, 3, 5}, "l": {0, 5}, "r": {3, 5}, "bottom": {5}}},
		{"cycle shares its union", "a b c d", []string{"a>b", "b>c", "c>b", "c>d"},
			map[string][]int{"b": {1}, "d": {4}},
			map[string][]int{"a": {1, 4}, "b": {1, 4}, "c": {1, 4}, "d": {4}}},
		{"self loop", "a b", []string{"a>a", "a>b"}, map[string][]int{"b": {7}},
			map[string][]int{"a": {7}, "b": {7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.nodes, tt.edges...)
			got := closureOf(g, tt.own)
			for id, want := range tt.want {
				if m := got.Members(nil, g.Index[id]); !slices.Equal(m, want) {
					t.Errorf("%s: %v, want %v", id, m, want)
				}
			}
		})
	}
}

func TestClosureRuntimeVersusSupply(t *testing.T) {
	// app runs on cluster (runtime) and is supplied by vendor (supply).
	g := build(t, "app cluster vendor", "app>cluster", "app~vendor")
	own := map[string][]int{"cluster": {1}, "vendor": {2}}
	all := closureOf(g, own)
	if m := all.Members(nil, g.Index["app"]); !slices.Equal(m, []int{1, 2}) {
		t.Errorf("all edges: %v", m)
	}
	rt := closureOf(g.Runtime(), own)
	if m := rt.Members(nil, g.Index["app"]); !slices.Equal(m, []int{1}) {
		t.Errorf("runtime only: %v, want [1]", m)
	}
}

func TestWalk(t *testing.T) {
	tests := []struct {
		name           string
		nodes          string
		edges          []string
		seeds          string
		down, degraded string
	}{
		{"chain", "app svc db", []string{"app>svc", "svc>db"}, "db", "app db svc", ""},
		{"diamond", "top l r bottom", []string{"top>l", "top>r", "l>bottom", "r>bottom"}, "bottom", "bottom l r top", ""},
		{"diamond one side", "top l r bottom", []string{"top>l", "top>r", "l>bottom", "r>bottom"}, "l", "l top", ""},
		{"cycle", "a b c d", []string{"a>b", "b>c", "c>b", "c>d"}, "d", "a b c d", ""},
		{"supply degrades", "app lib", []string{"app~lib"}, "lib", "lib", "app"},
		{"degraded spreads to every dependent", "ui app lib", []string{"ui>app", "app~lib", "ui~x"}, "lib", "lib", "app ui"},
		{"runtime wins over supply", "app a b", []string{"app>a", "app~b", "a>b"}, "b", "a app b", ""},
		{"unrelated untouched", "a b c", []string{"a>b"}, "c", "c", ""},
		{"two seeds", "a b c d", []string{"a>b", "c>d"}, "b d", "a b c d", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.nodes, tt.edges...)
			w := NewWalker(g.Reverse())
			var seeds []int32
			for _, s := range strings.Fields(tt.seeds) {
				seeds = append(seeds, g.Index[s])
			}
			down, degraded := w.Walk(seeds)
			if got := names(g, down); got != tt.down {
				t.Errorf("down = %q, want %q", got, tt.down)
			}
			if got := names(g, degraded); got != tt.degraded {
				t.Errorf("degraded = %q, want %q", got, tt.degraded)
			}
			for _, s := range seeds {
				if w.Hit(s) != Direct || w.Via(s) != -1 {
					t.Errorf("seed %s: %v via %d", g.IDs[s], w.Hit(s), w.Via(s))
				}
			}
		})
	}
}

func TestWalkReuseAndChain(t *testing.T) {
	g := build(t, "ui app cluster kms", "ui>app", "app>cluster", "cluster>kms")
	w := NewWalker(g.Reverse())
	w.Walk([]int32{g.Index["kms"]})
	chain := w.Chain(nil, g.Index["ui"])
	if got := idsOf(g, chain); got != "ui app cluster kms" {
		t.Errorf("chain %q", got)
	}
	if w.Hit(g.Index["app"]) != Transitive {
		t.Errorf("app hit %v", w.Hit(g.Index["app"]))
	}
	// A second walk forgets the first.
	down, _ := w.Walk([]int32{g.Index["ui"]})
	if names(g, down) != "ui" || w.Hit(g.Index["kms"]) != NotHit || w.Via(g.Index["app"]) != -1 {
		t.Errorf("second walk: down %s, kms %v", names(g, down), w.Hit(g.Index["kms"]))
	}
}

func idsOf(g *Graph, ns []int32) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = g.IDs[n]
	}
	return strings.Join(out, " ")
}

func TestPath(t *testing.T) {
	// The model endpoint runs on a cluster whose key service is operated
	// from abroad; the shortest explanation goes through the cluster.
	g := build(t, "endpoint cluster kms other", "endpoint>cluster", "cluster>kms", "endpoint>other", "other>cluster")
	f := NewFinder(g)
	kms := g.Index["kms"]
	p := f.Path(nil, g.Index["endpoint"], func(n int32) bool { return n == kms })
	if got := idsOf(g, p); got != "endpoint cluster kms" {
		t.Errorf("path %q", got)
	}
	p = f.Path(nil, kms, func(n int32) bool { return n == g.Index["endpoint"] })
	if len(p) != 0 {
		t.Errorf("path against the edges: %q", idsOf(g, p))
	}
	p = f.Path([]int32{99}, kms, func(n int32) bool { return n == kms })
	if len(p) != 2 || p[1] != kms {
		t.Errorf("path to itself appended: %v", p)
	}
}

func TestCountDependents(t *testing.T) {
	g := build(t, "a b c d e", "a>c", "b>c", "c>d", "d>c", "e~d")
	all := []int32{0, 1, 2, 3, 4}
	got, err := g.CountDependents(context.Background(), all, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Counted along every edge given: e reaches d through its supply edge.
	want := map[string]int32{"a": 1, "b": 1, "c": 5, "d": 5, "e": 1}
	for id, w := range want {
		if got[g.Index[id]] != w {
			t.Errorf("%s: %d dependents, want %d", id, got[g.Index[id]], w)
		}
	}
	rt, _ := g.Runtime().CountDependents(context.Background(), []int32{g.Index["a"], g.Index["e"]}, nil)
	if rt[g.Index["c"]] != 1 || rt[g.Index["e"]] != 1 || rt[g.Index["b"]] != 0 {
		t.Errorf("runtime, targets a and e: %v", rt)
	}
}

// TestCountDependentsMatchesWalks checks the blocked bitset count against a
// walk from every node, on a random graph with more than one block of
// targets and with cycles.
func TestCountDependentsMatchesWalks(t *testing.T) {
	const n = 1500
	cs := make([]sovmap.Component, n)
	seed := uint64(7)
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	for i := range cs {
		for k := 0; k < 3; k++ {
			j := int(next() % n)
			if j > i || next()%20 == 0 { // mostly a DAG, with some back edges
				cs[i].DependsOn = append(cs[i].DependsOn, sovmap.Dependency{ID: fmt.Sprintf("n%d", j), Kind: sovmap.Runtime})
			}
		}
	}
	for i := range cs {
		cs[i].ID = fmt.Sprintf("n%d", i)
	}
	g := Build(cs)
	var targets []int32
	isTarget := make([]bool, n)
	for i := int32(0); i < n; i += 2 {
		targets = append(targets, i)
		isTarget[i] = true
	}
	got, err := g.CountDependents(context.Background(), targets, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWalker(g.Reverse())
	for v := int32(0); v < n; v++ {
		down, _ := w.Walk([]int32{v})
		want := int32(0)
		for _, u := range down {
			if isTarget[u] {
				want++
			}
		}
		if got[v] != want {
			t.Fatalf("node %d: %d target dependents, want %d", v, got[v], want)
		}
	}
}

func TestCountDependentsCancelled(t *testing.T) {
	g := build(t, "a b", "a>b")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.CountDependents(ctx, []int32{0}, nil); err == nil {
		t.Error("no error after cancel")
	}
}

// TestEstimateDependents checks the sketch against exact counts: exact
// below the sketch size, close above it.
func TestEstimateDependents(t *testing.T) {
	const n = 4000
	cs := make([]sovmap.Component, n)
	seed := uint64(99)
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	for i := range cs {
		cs[i].ID = fmt.Sprintf("n%d", i)
		for k := 0; k < 3 && i > 0; k++ {
			j := int(next() % uint64(i)) // mostly earlier nodes, as in a layered stack
			if next()%100 == 0 {
				j = int(next() % n) // and a few cycles
			}
			cs[i].DependsOn = append(cs[i].DependsOn, sovmap.Dependency{ID: fmt.Sprintf("n%d", j), Kind: sovmap.Runtime})
		}
	}
	g := Build(cs)
	var targets []int32
	for i := int32(0); i < n; i += 3 {
		targets = append(targets, i)
	}
	exact, err := g.CountDependents(context.Background(), targets, nil)
	if err != nil {
		t.Fatal(err)
	}
	est, err := g.EstimateDependents(context.Background(), targets, nil)
	if err != nil {
		t.Fatal(err)
	}
	big, sumErr := 0, 0.0
	for u := range exact {
		x, e := float64(exact[u]), est[u]
		if exact[u] < sketchSize {
			if e != x {
				t.Fatalf("node %d: %d dependents, estimate %v (should be exact)", u, exact[u], e)
			}
			continue
		}
		big++
		rel := (e - x) / x
		if rel < -0.6 || rel > 0.6 {
			t.Errorf("node %d: %d dependents, estimate %.0f", u, exact[u], e)
		}
		sumErr += rel * rel
	}
	if big < 100 {
		t.Fatalf("only %d nodes above the sketch size: the test checks little", big)
	}
	rms := math.Sqrt(sumErr / float64(big))
	t.Logf("%d nodes above the sketch size, rms relative error %.3f", big, rms)
	if rms > 0.3 {
		t.Errorf("root mean square relative error %.2f", rms)
	}
}

func TestTranspose64(t *testing.T) {
	var a, orig [64]uint64
	seed := uint64(5)
	for i := range a {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		a[i] = seed
	}
	orig = a
	Transpose64(&a)
	for i := range 64 {
		for j := range 64 {
			if (a[j]>>uint(i))&1 != (orig[i]>>uint(j))&1 {
				t.Fatalf("bit %d of row %d not moved to bit %d of row %d", j, i, i, j)
			}
		}
	}
}

// TestCountColumns checks the transposed counts against counting bit by
// bit, with classes, an order and a set to subtract.
func TestCountColumns(t *testing.T) {
	const n, width, classes = 300, 130, 3
	s, minus := NewSets(n, width), NewSets(n, width)
	class := make([]uint8, n)
	seed := uint64(17)
	next := func() uint64 { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed }
	for u := int32(0); u < n; u++ {
		class[u] = uint8(next() % classes)
		for range 40 {
			s.Add(u, int(next()%width))
			if next()%3 == 0 {
				minus.Add(u, int(next()%width))
			}
		}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(n - 1 - i)
	}
	sort.SliceStable(order, func(i, j int) bool { return class[order[i]] < class[order[j]] })
	got := make([]int32, s.Words*64*classes)
	s.CountColumns(minus, order, class, classes, got)
	want := make([]int32, len(got))
	for u := int32(0); u < n; u++ {
		for b := range width {
			if s.Has(u, b) && !minus.Has(u, b) {
				want[b*classes+int(class[u])]++
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("column counts differ")
	}
	plain := make([]int32, len(got))
	s.CountColumns(nil, nil, make([]uint8, n), 1, plain[:s.Words*64])
	for b := range width {
		c := int32(0)
		for u := int32(0); u < n; u++ {
			if s.Has(u, b) {
				c++
			}
		}
		if plain[b] != c {
			t.Fatalf("column %d: %d, want %d", b, plain[b], c)
		}
	}
}
