package graph

// Hit says how a walk reached a node.
type Hit uint8

// How a loss spreads to the components that depend on what is lost.
const (
	// NotHit: the node does not depend on a seed.
	NotHit Hit = iota
	// Direct: the node is a seed.
	Direct
	// Transitive: the node depends on a seed through runtime edges only, so
	// it goes down with it.
	Transitive
	// Degraded: the node depends on a seed only through paths with at least
	// one supply edge (licences, updates): it keeps running for now and
	// degrades later.
	Degraded
)

var hitNames = [...]string{"none", "direct", "transitive", "degraded"}

// String returns the hit's name, such as "transitive".
func (h Hit) String() string {
	if int(h) < len(hitNames) {
		return hitNames[h]
	}
	return "hit(?)"
}

// Walker spreads losses from seed nodes to their dependents on a reverse
// graph. It keeps its buffers between walks and clears them in constant
// time (an epoch stamp per node), so a sweep of thousands of scenarios over
// a million nodes allocates nothing after the first walk. A Walker is not
// safe for concurrent use; give each goroutine its own over a shared
// reverse graph.
type Walker struct {
	rev   *Graph
	state []walkState
	epoch uint32
	down  []int32
	soft  []int32
	maybe []int32
}

// walkState is one node's mark, kept together so that a visit touches one
// cache line.
type walkState struct {
	stamp uint32
	via   int32
	hit   Hit
}

// NewWalker returns a walker over rev, the reverse of a dependency graph
// (Graph.Reverse): the edges of rev lead from a node to its dependents.
func NewWalker(rev *Graph) *Walker {
	return &Walker{rev: rev, state: make([]walkState, rev.Len())}
}

func (w *Walker) reset() {
	w.epoch++
	if w.epoch == 0 { // wrapped: stamps from 2^32 walks ago would look current
		clear(w.state)
		w.epoch = 1
	}
	w.down, w.soft, w.maybe = w.down[:0], w.soft[:0], w.maybe[:0]
}

// Walk marks the seeds and every node that depends on one. down lists the
// seeds, then the nodes that depend on a seed through runtime edges only,
// in breadth-first order; degraded lists the nodes that depend on a seed
// only through a path with a supply edge. Both slices are reused by the
// next walk.
//
// A node outside down reaches a seed only through paths whose last step
// into down is a supply edge. So the breadth-first pass over runtime edges
// also collects the ends of the supply edges into down it meets; those not
// in down once it is complete start a second pass, along edges of any
// kind, which finds exactly the degraded nodes. Every edge into a node of
// down is looked at once.
func (w *Walker) Walk(seeds []int32) (down, degraded []int32) {
	w.reset()
	r, st, epoch := w.rev, w.state, w.epoch
	for _, s := range seeds {
		if st[s].stamp != epoch {
			st[s] = walkState{epoch, -1, Direct}
			w.down = append(w.down, s)
		}
	}
	for i := 0; i < len(w.down); i++ {
		u := w.down[i]
		for e := r.Off[u]; e < r.Off[u+1]; e++ {
			v := r.Dst[e]
			if r.Supply[e] {
				if st[v].stamp != epoch {
					w.maybe = append(w.maybe, v, u)
				}
				continue
			}
			if st[v].stamp != epoch {
				st[v] = walkState{epoch, u, Transitive}
				w.down = append(w.down, v)
			}
		}
	}
	for i := 0; i < len(w.maybe); i += 2 {
		if v := w.maybe[i]; st[v].stamp != epoch {
			st[v] = walkState{epoch, w.maybe[i+1], Degraded}
			w.soft = append(w.soft, v)
		}
	}
	for i := 0; i < len(w.soft); i++ {
		u := w.soft[i]
		for e := r.Off[u]; e < r.Off[u+1]; e++ {
			if v := r.Dst[e]; st[v].stamp != epoch {
				st[v] = walkState{epoch, u, Degraded}
				w.soft = append(w.soft, v)
			}
		}
	}
	return w.down, w.soft
}

// Hit says how the last walk reached node n.
func (w *Walker) Hit(n int32) Hit {
	if w.state[n].stamp != w.epoch {
		return NotHit
	}
	return w.state[n].hit
}

// Via returns the dependency through which the last walk reached node n,
// or -1 for a seed or a node it did not reach. Following Via from a node
// leads back to a seed: the chain that explains the hit.
func (w *Walker) Via(n int32) int32 {
	if w.state[n].stamp != w.epoch {
		return -1
	}
	return w.state[n].via
}

// Chain returns the path from n back to the seed that hit it, n first,
// appended to dst.
func (w *Walker) Chain(dst []int32, n int32) []int32 {
	for n >= 0 && len(dst) <= w.rev.Len() {
		dst = append(dst, n)
		n = w.Via(n)
	}
	return dst
}
