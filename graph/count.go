package graph

import (
	"context"
	"math/bits"
)

// blockWords is how many 64-bit words of targets one pass carries per node:
// eight words are one cache line, so each edge costs one memory access per
// 512 targets.
const blockWords = 8

// CountDependents returns, for every node v, how many of the target nodes
// depend on v: reach it along g's edges, v itself included when it is a
// target. On the runtime subgraph, with the vital components as targets,
// that is how many vital components go down when v does, the measure of a
// single point of failure.
//
// Counting distinct dependents is not additive over a graph with shared
// dependencies, so targets are taken 512 at a time: each pass gives every
// node a 512-bit set of the targets that reach it, propagated from
// dependents to dependencies in one sweep over the condensation, and adds
// the set sizes to the counts. The cost is (nodes + edges) times
// ceil(targets / 512), with memory for one pass. c must be g's
// condensation (nil computes it). It stops early with ctx's error.
func (g *Graph) CountDependents(ctx context.Context, targets []int32, c *Condensation) ([]int32, error) {
	if c == nil {
		c = g.Condense()
	}
	n := g.Len()
	counts := make([]int32, n)
	if len(targets) == 0 {
		return counts, nil
	}
	set := make([]uint64, n*blockWords)
	var acc [blockWords]uint64
	row := func(u int32) []uint64 { i := int(u) * blockWords; return set[i : i+blockWords : i+blockWords] }
	for start := 0; start < len(targets); start += blockWords * 64 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		block := targets[start:min(start+blockWords*64, len(targets))]
		clear(set)
		for i, t := range block {
			set[int(t)*blockWords+i/64] |= 1 << (uint(i) % 64)
		}
		// Dependents come after their dependencies in Members, so walking
		// it backwards sees every dependent of a node before the node.
		for k := len(c.Members) - 1; k >= 0; k-- {
			scc := c.Members[k]
			if len(scc) == 1 {
				u := scc[0]
				src := row(u)
				if isZero(src) {
					continue
				}
				for e := g.Off[u]; e < g.Off[u+1]; e++ {
					if v := g.Dst[e]; v != u {
						or(row(v), src)
					}
				}
				continue
			}
			acc = [blockWords]uint64{}
			for _, u := range scc {
				or(acc[:], row(u))
			}
			for _, u := range scc {
				copy(row(u), acc[:])
			}
			if isZero(acc[:]) {
				continue
			}
			id := c.Comp[scc[0]]
			for _, u := range scc {
				for e := g.Off[u]; e < g.Off[u+1]; e++ {
					if v := g.Dst[e]; c.Comp[v] != id {
						or(row(v), acc[:])
					}
				}
			}
		}
		for u := range counts {
			for _, w := range set[u*blockWords : (u+1)*blockWords] {
				counts[u] += int32(bits.OnesCount64(w))
			}
		}
	}
	return counts, nil
}

func isZero(ws []uint64) bool {
	for _, w := range ws {
		if w != 0 {
			return false
		}
	}
	return true
}
