// Package graph is the dependency graph of an inventory in a compact form:
// component ids interned to dense int32 indexes, edges in compressed sparse
// row arrays, and strongly connected components found without recursion, so
// that a national inventory of millions of edges fits in memory and is walked
// in linear time.
package graph

import (
	"slices"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/fanout"
)

// Graph holds the components of an inventory as nodes 0..N-1, in inventory
// order, and their depends_on edges.
type Graph struct {
	// IDs maps a node to its component id.
	IDs []string
	// Index maps a component id to its node.
	Index map[string]int32
	// Out and OutKind are the edges: the dependencies of node n are
	// Dst[Off[n]:Off[n+1]], with the kind of each edge in Supply.
	Off    []int32
	Dst    []int32
	Supply []bool
}

// Build interns the components and their dependencies. Dependencies on ids
// that are not components are dropped: the inventory loader reports them.
func Build(components []sovmap.Component) *Graph {
	index := make(map[string]int32, len(components))
	for i := range components {
		index[components[i].ID] = int32(i)
	}
	g, _ := Resolve(components, index)
	return g
}

// Resolve builds the graph over an id index the caller has already made
// (the inventory loader makes one while it checks ids), which spares
// indexing a million ids twice. index must map every component's id to
// its position. unknown[n] reports whether node n names a dependency that
// is not a component; such edges are left out of the graph. The millions of
// lookups of a national inventory run on every core.
func Resolve(components []sovmap.Component, index map[string]int32) (g *Graph, unknown []bool) {
	n := len(components)
	g = &Graph{IDs: make([]string, n), Index: index, Off: make([]int32, n+1)}
	for i := range components {
		g.IDs[i] = components[i].ID
		g.Off[i+1] = g.Off[i] + int32(len(components[i].DependsOn))
	}
	g.Dst = make([]int32, g.Off[n])
	g.Supply = make([]bool, g.Off[n])
	unknown = make([]bool, n)
	sawUnknown := make([]bool, fanout.Workers(n, 4096)) // per worker: no shared writes
	_ = fanout.Ranges(n, 4096, func(w, lo, hi int) error {
		for i := lo; i < hi; i++ {
			e := g.Off[i]
			for _, d := range components[i].DependsOn {
				j, ok := index[d.ID]
				if !ok {
					j, unknown[i], sawUnknown[w] = -1, true, true
				}
				g.Dst[e], g.Supply[e] = j, d.Kind == sovmap.Supply
				e++
			}
		}
		return nil
	})
	if slices.Contains(sawUnknown, true) {
		g.dropUnknown()
	}
	return g, unknown
}

// Describes reports whether g is the graph of components: the same ids in
// the same order and the same edges. It lets a caller accept a graph built
// earlier (by the inventory loader) without trusting that the components
// have not changed since; it is linear, and cheap when the strings are the
// loader's own.
func (g *Graph) Describes(components []sovmap.Component) bool {
	if g == nil || len(g.IDs) != len(components) || len(g.Off) != len(components)+1 {
		return false
	}
	for i := range components {
		c := &components[i]
		if g.IDs[i] != c.ID {
			return false
		}
		deps, supply := g.Deps(int32(i))
		k := 0
		for _, d := range c.DependsOn {
			// Compared by id, not looked up: equal strings that share
			// their bytes compare at once.
			if k < len(deps) && g.IDs[deps[k]] == d.ID && supply[k] == (d.Kind == sovmap.Supply) {
				k++
				continue
			}
			if _, known := g.Index[d.ID]; known {
				return false
			}
			// Not a component: the graph left it out.
		}
		if k != len(deps) {
			return false
		}
	}
	return len(g.Index) == len(components)
}

// dropUnknown removes edges to ids that are not components (marked -1):
// the inventory loader reports those; the graph leaves them out.
func (g *Graph) dropUnknown() {
	out := int32(0)
	start := int32(0)
	for i := 0; i < len(g.IDs); i++ {
		end := g.Off[i+1]
		for e := start; e < end; e++ {
			if g.Dst[e] >= 0 {
				g.Dst[out], g.Supply[out] = g.Dst[e], g.Supply[e]
				out++
			}
		}
		start = end
		g.Off[i+1] = out
	}
	g.Dst, g.Supply = g.Dst[:out], g.Supply[:out]
}

// Len returns the number of nodes. It counts them by their edge offsets,
// so that a graph built without ids (a component's own graph) has a length.
func (g *Graph) Len() int { return max(0, len(g.Off)-1) }

// Deps returns the dependencies of node n and, in the same order, whether
// each is a supply edge. The slices alias the graph; do not modify them.
func (g *Graph) Deps(n int32) ([]int32, []bool) {
	return g.Dst[g.Off[n]:g.Off[n+1]], g.Supply[g.Off[n]:g.Off[n+1]]
}

// Reverse returns the graph with every edge turned around: the dependents
// of each node. Edge kinds follow their edges.
func (g *Graph) Reverse() *Graph {
	n := g.Len()
	r := &Graph{IDs: g.IDs, Index: g.Index, Off: make([]int32, n+1), Dst: make([]int32, len(g.Dst)), Supply: make([]bool, len(g.Dst))}
	for _, d := range g.Dst {
		r.Off[d+1]++
	}
	for i := 0; i < n; i++ {
		r.Off[i+1] += r.Off[i]
	}
	next := make([]int32, n)
	copy(next, r.Off[:n])
	for u := int32(0); int(u) < n; u++ {
		for e := g.Off[u]; e < g.Off[u+1]; e++ {
			v := g.Dst[e]
			r.Dst[next[v]] = u
			r.Supply[next[v]] = g.Supply[e]
			next[v]++
		}
	}
	return r
}

// SCC finds the strongly connected components with Tarjan's algorithm,
// iteratively. It returns the component of each node, and the members of
// each component in the order Tarjan completes them: every component comes
// after all the components it depends on, so walking them in order sees
// dependencies first.
func (g *Graph) SCC() (comp []int32, members [][]int32) {
	n := g.Len()
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	comp = make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = unvisited
	}
	var stack []int32
	type frame struct {
		node int32
		edge int32 // next edge to look at
	}
	var call []frame
	next := int32(0)
	// flat holds all members, sliced per component at the end, to avoid
	// one allocation per component.
	flat := make([]int32, 0, n)
	var bounds []int32
	for root := int32(0); int(root) < n; root++ {
		if index[root] != unvisited {
			continue
		}
		call = append(call, frame{root, g.Off[root]})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			u := f.node
			if f.edge < g.Off[u+1] {
				v := g.Dst[f.edge]
				f.edge++
				if index[v] == unvisited {
					index[v], low[v] = next, next
					next++
					stack = append(stack, v)
					onStack[v] = true
					call = append(call, frame{v, g.Off[v]})
				} else if onStack[v] && index[v] < low[u] {
					low[u] = index[v]
				}
				continue
			}
			// All edges of u seen: close it.
			if low[u] == index[u] {
				id := int32(len(bounds))
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = id
					flat = append(flat, w)
					if w == u {
						break
					}
				}
				bounds = append(bounds, int32(len(flat)))
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].node
				if low[u] < low[p] {
					low[p] = low[u]
				}
			}
		}
	}
	members = make([][]int32, len(bounds))
	start := int32(0)
	for i, end := range bounds {
		members[i] = flat[start:end:end]
		start = end
	}
	return comp, members
}
