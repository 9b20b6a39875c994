package graph

// Runtime returns the subgraph of runtime edges: what a component needs to
// keep running, without the supply edges (licences, updates) whose loss
// only degrades it later. Nodes and ids are shared with g.
func (g *Graph) Runtime() *Graph {
	n := g.Len()
	r := &Graph{IDs: g.IDs, Index: g.Index, Off: make([]int32, n+1)}
	runtime := 0
	for _, s := range g.Supply {
		if !s {
			runtime++
		}
	}
	r.Dst = make([]int32, 0, runtime)
	r.Supply = make([]bool, runtime)
	for u := 0; u < n; u++ {
		for e := g.Off[u]; e < g.Off[u+1]; e++ {
			if !g.Supply[e] {
				r.Dst = append(r.Dst, g.Dst[e])
			}
		}
		r.Off[u+1] = int32(len(r.Dst))
	}
	return r
}

// Condensation is the result of SCC kept together, so that several passes
// over the same graph find its strongly connected components once.
type Condensation struct {
	// Comp is the component of each node.
	Comp []int32
	// Members lists each component's nodes; components come in dependency
	// order (a component after every component it depends on).
	Members [][]int32
}

// Condense finds the strongly connected components of g.
func (g *Graph) Condense() *Condensation {
	comp, members := g.SCC()
	return &Condensation{Comp: comp, Members: members}
}

// Closure returns, for every node, the union of own's sets over the node
// and everything it reaches along g's edges: on the runtime subgraph, the
// jurisdictions that reach a component through what it runs on. Nodes of a
// dependency cycle share one set. c must be g's condensation (nil computes
// it). The cost is linear in nodes plus edges times the set width.
func (g *Graph) Closure(own *Sets, c *Condensation) *Sets {
	out := &Sets{Words: own.Words, Bits: append([]uint64(nil), own.Bits...)}
	g.Spread(out, c)
	return out
}

// Spread turns every set of s, in place, into the union of the sets of the
// node and of everything it reaches along g's edges. With one bit per
// scenario and the scenarios' seeds set, it marks at once every node each
// of a block of scenarios reaches: what a sweep needs. c must be g's
// condensation (nil computes it).
func (g *Graph) Spread(s *Sets, c *Condensation) {
	if c == nil {
		c = g.Condense()
	}
	acc := make([]uint64, s.Words)
	for _, scc := range c.Members {
		if len(scc) == 1 {
			// The common case: no cycle, no need for a scratch set.
			u := scc[0]
			row := s.Row(u)
			for e := g.Off[u]; e < g.Off[u+1]; e++ {
				if v := g.Dst[e]; v != u {
					or(row, s.Row(v))
				}
			}
			continue
		}
		clear(acc)
		id := c.Comp[scc[0]]
		for _, u := range scc {
			or(acc, s.Row(u))
			for e := g.Off[u]; e < g.Off[u+1]; e++ {
				if v := g.Dst[e]; c.Comp[v] != id {
					or(acc, s.Row(v))
				}
			}
		}
		for _, u := range scc {
			copy(s.Row(u), acc)
		}
	}
}
