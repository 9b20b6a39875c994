package graph

// Finder finds shortest paths along a graph's edges, reusing its buffers
// between searches. It is not safe for concurrent use.
type Finder struct {
	g      *Graph
	stamp  []uint32
	epoch  uint32
	parent []int32
	queue  []int32
}

// NewFinder returns a finder over g.
func NewFinder(g *Graph) *Finder {
	n := g.Len()
	return &Finder{g: g, stamp: make([]uint32, n), parent: make([]int32, n)}
}

// Path returns a shortest path from node from to the nearest node for which
// goal is true (from itself included), as the nodes in order, appended to
// dst. It returns dst unchanged if no such node is reachable. On a runtime
// subgraph it explains an exposure: the component, what it runs on, and the
// dependency the exposure comes from.
func (f *Finder) Path(dst []int32, from int32, goal func(int32) bool) []int32 {
	f.epoch++
	if f.epoch == 0 {
		clear(f.stamp)
		f.epoch = 1
	}
	g := f.g
	f.queue = append(f.queue[:0], from)
	f.stamp[from], f.parent[from] = f.epoch, -1
	for i := 0; i < len(f.queue); i++ {
		u := f.queue[i]
		if goal(u) {
			start := len(dst)
			for n := u; n >= 0; n = f.parent[n] {
				dst = append(dst, n)
			}
			// Reverse the part appended: from first.
			for a, b := start, len(dst)-1; a < b; a, b = a+1, b-1 {
				dst[a], dst[b] = dst[b], dst[a]
			}
			return dst
		}
		for e := g.Off[u]; e < g.Off[u+1]; e++ {
			if v := g.Dst[e]; f.stamp[v] != f.epoch {
				f.stamp[v], f.parent[v] = f.epoch, u
				f.queue = append(f.queue, v)
			}
		}
	}
	return dst
}
