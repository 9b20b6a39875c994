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

// sketchSize is the number of smallest hashes a dependents sketch keeps:
// the estimate's relative standard error is about 1/sqrt(sketchSize-2),
// some 18%.
const sketchSize = 32

// EstimateDependents estimates, for every node, how many targets depend on
// it, like CountDependents but in one pass whatever the number of targets:
// each target gets a distinct pseudo-random 32-bit hash, each node keeps
// the sketchSize smallest hashes of the targets that reach it (a bottom-k
// sketch, merged from dependents to dependencies), and a full sketch
// estimates the count as (k-1) / (k-th smallest hash / 2^32). Counts below
// sketchSize are exact. The cost is (nodes + edges) times sketchSize, with
// 4 x sketchSize bytes per node. Use it to pick candidates, then count them
// exactly.
func (g *Graph) EstimateDependents(ctx context.Context, targets []int32, c *Condensation) ([]float64, error) {
	if c == nil {
		c = g.Condense()
	}
	n := g.Len()
	const empty = ^uint32(0)
	sk := make([]uint32, n*sketchSize)
	for i := range sk {
		sk[i] = empty
	}
	row := func(u int32) []uint32 { i := int(u) * sketchSize; return sk[i : i+sketchSize : i+sketchSize] }
	var scratch [sketchSize]uint32
	for _, t := range targets {
		merge(row(t), []uint32{mix32(uint32(t))}, &scratch)
	}
	var acc [sketchSize]uint32
	for k := len(c.Members) - 1; k >= 0; k-- {
		if k%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		scc := c.Members[k]
		src := row(scc[0])
		if len(scc) > 1 {
			for i := range acc {
				acc[i] = empty
			}
			for _, u := range scc {
				merge(acc[:], row(u), &scratch)
			}
			for _, u := range scc {
				copy(row(u), acc[:])
			}
			src = acc[:]
		}
		if src[0] == empty {
			continue
		}
		id := c.Comp[scc[0]]
		for _, u := range scc {
			for e := g.Off[u]; e < g.Off[u+1]; e++ {
				if v := g.Dst[e]; c.Comp[v] != id {
					merge(row(v), src, &scratch)
				}
			}
		}
	}
	est := make([]float64, n)
	for u := range est {
		r := row(int32(u))
		switch {
		case r[0] == empty:
		case r[sketchSize-1] == empty:
			for _, h := range r {
				if h != empty {
					est[u]++
				}
			}
		default:
			est[u] = float64(sketchSize-1) * (1 << 32) / (float64(r[sketchSize-1]) + 1)
		}
	}
	return est, nil
}

// merge sets dst to the smallest distinct values of dst and src, both
// sorted ascending and padded with the maximum value.
func merge(dst, src []uint32, scratch *[sketchSize]uint32) {
	if src[0] >= dst[len(dst)-1] && dst[len(dst)-1] != ^uint32(0) {
		return // nothing in src is small enough
	}
	i, j := 0, 0
	for k := range scratch {
		a, b := ^uint32(0), ^uint32(0)
		if i < len(dst) {
			a = dst[i]
		}
		if j < len(src) {
			b = src[j]
		}
		switch {
		case a < b:
			scratch[k] = a
			i++
		case b < a:
			scratch[k] = b
			j++
		default:
			scratch[k] = a
			i++
			j++
		}
	}
	copy(dst, scratch[:])
}

// mix32 is MurmurHash3's finalizer: a bijection of 32-bit values, so
// distinct targets get distinct hashes.
func mix32(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}
