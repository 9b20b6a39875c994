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
// graph. It keeps its buffers between walks; the nodes seen are a bitset
// (a million nodes take 128 KiB, which stays in cache, where most of the
// walk's lookups go), cleared in microseconds, so a walk costs the part of
// the graph it reaches and allocates nothing once warm. A Walker is not
// safe for concurrent use; give each goroutine its own over a shared
// reverse graph.
type Walker struct {
	rev   *Graph
	seen  []uint64
	hit   []Hit
	via   []int32
	down  []int32
	soft  []int32
	maybe []int32
}

// NewWalker returns a walker over rev, the reverse of a dependency graph
// (Graph.Reverse): the edges of rev lead from a node to its dependents.
func NewWalker(rev *Graph) *Walker {
	n := rev.Len()
	return &Walker{rev: rev, seen: make([]uint64, (n+63)/64), hit: make([]Hit, n), via: make([]int32, n)}
}

func (w *Walker) visited(n int32) bool { return w.seen[n>>6]&(1<<(uint(n)&63)) != 0 }

func (w *Walker) visit(n int32, h Hit, via int32) {
	w.seen[n>>6] |= 1 << (uint(n) & 63)
	w.hit[n], w.via[n] = h, via
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
	clear(w.seen)
	w.down, w.soft, w.maybe = w.down[:0], w.soft[:0], w.maybe[:0]
	r := w.rev
	for _, s := range seeds {
		if !w.visited(s) {
			w.visit(s, Direct, -1)
			w.down = append(w.down, s)
		}
	}
	for i := 0; i < len(w.down); i++ {
		u := w.down[i]
		for e := r.Off[u]; e < r.Off[u+1]; e++ {
			v := r.Dst[e]
			if w.visited(v) {
				continue
			}
			if r.Supply[e] {
				w.maybe = append(w.maybe, v, u)
				continue
			}
			w.visit(v, Transitive, u)
			w.down = append(w.down, v)
		}
	}
	for i := 0; i < len(w.maybe); i += 2 {
		if v := w.maybe[i]; !w.visited(v) {
			w.visit(v, Degraded, w.maybe[i+1])
			w.soft = append(w.soft, v)
		}
	}
	for i := 0; i < len(w.soft); i++ {
		u := w.soft[i]
		for e := r.Off[u]; e < r.Off[u+1]; e++ {
			if v := r.Dst[e]; !w.visited(v) {
				w.visit(v, Degraded, u)
				w.soft = append(w.soft, v)
			}
		}
	}
	return w.down, w.soft
}

// Hit says how the last walk reached node n.
func (w *Walker) Hit(n int32) Hit {
	if !w.visited(n) {
		return NotHit
	}
	return w.hit[n]
}

// Via returns the dependency through which the last walk reached node n,
// or -1 for a seed or a node it did not reach. Following Via from a node
// leads back to a seed: the chain that explains the hit.
func (w *Walker) Via(n int32) int32 {
	if !w.visited(n) {
		return -1
	}
	return w.via[n]
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
