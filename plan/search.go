package plan

import (
	"context"
	"math"
	"slices"

	"github.com/sovmap/sovmap"
)

var inf = math.Inf(1)

// search is one branch-and-bound run. best[q] is the least cost found of a
// plan that respects the constraints and meets at least q requirements;
// the vector is the trade-off curve the search improves.
type search struct {
	p        *problem
	ctx      context.Context
	assign   []int // choice per component, -1 while unassigned
	cost     float64
	own, eff []sovmap.Level
	need     []sovmap.Level
	extra    []float64
	lbs      [][]float64 // one bound vector per depth, reused
	tmp      []float64
	provCnt  []int
	jurCnt   []int
	nodes    int
	maxNodes int
	aborted  bool
	best     []float64
	bestPlan [][]int
	// open is, once the search stops early, a lower bound on what the
	// unexplored subtrees could reach, per q.
	open []float64
	// floor is the least q the search must get right: subtrees that cannot
	// improve best[q] for any q >= floor are pruned. With rising set, the
	// floor follows the most requirements met so far, so the search
	// concentrates on the plans that meet the most requirements; best[q]
	// and open[q] below the final floor then carry no guarantee.
	floor  int
	rising bool
}

func newSearch(ctx context.Context, p *problem, maxNodes, floor int, rising bool) *search {
	s := &search{p: p, ctx: ctx, assign: make([]int, p.n), own: make([]sovmap.Level, p.n), eff: make([]sovmap.Level, p.n),
		need:    make([]sovmap.Level, p.n),
		provCnt: make([]int, len(p.provNames)), jurCnt: make([]int, len(p.jurNames)), maxNodes: maxNodes,
		best: make([]float64, p.n+1), bestPlan: make([][]int, p.n+1), open: make([]float64, p.n+1), tmp: make([]float64, p.n+1),
		floor: floor, rising: rising}
	for i := range s.assign {
		s.assign[i] = -1
		if len(p.choices[i]) == 1 {
			s.set(i, 0) // nothing to decide
		}
	}
	for q := range s.best {
		s.best[q], s.open[q] = inf, inf
	}
	s.lbs = make([][]float64, len(p.vars)+1)
	for d := range s.lbs {
		s.lbs[d] = make([]float64, p.n+1)
	}
	return s
}

func (s *search) set(i, c int) {
	s.assign[i] = c
	ch := &s.p.choices[i][c]
	s.cost += ch.cost
	if s.p.critical[i] {
		if ch.prov >= 0 {
			s.provCnt[ch.prov]++
		}
		if ch.jur >= 0 {
			s.jurCnt[ch.jur]++
		}
	}
}

func (s *search) unset(i int) {
	ch := &s.p.choices[i][s.assign[i]]
	s.cost -= ch.cost
	if s.p.critical[i] {
		if ch.prov >= 0 {
			s.provCnt[ch.prov]--
		}
		if ch.jur >= 0 {
			s.jurCnt[ch.jur]--
		}
	}
	s.assign[i] = -1
}

// capsBroken reports whether the assigned components already break a cap,
// counting also every unassigned critical component whose choices all
// land on the same provider or jurisdiction.
func (s *search) capsBroken() bool {
	p := s.p
	if p.provCap < 0 && p.jurCap < 0 {
		return false
	}
	prov, jur := slices.Clone(s.provCnt), slices.Clone(s.jurCnt)
	for i, a := range s.assign {
		if a >= 0 || !p.critical[i] {
			continue
		}
		cs := p.choices[i]
		sameProv, sameJur := cs[0].prov, cs[0].jur
		for _, c := range cs[1:] {
			if c.prov != sameProv {
				sameProv = -1
			}
			if c.jur != sameJur {
				sameJur = -1
			}
		}
		if sameProv >= 0 {
			prov[sameProv]++
		}
		if sameJur >= 0 {
			jur[sameJur]++
		}
	}
	if p.provCap >= 0 {
		for _, n := range prov {
			if n > p.provCap {
				return true
			}
		}
	}
	if p.jurCap >= 0 {
		for _, n := range jur {
			if n > p.jurCap {
				return true
			}
		}
	}
	return false
}

// bound fills lb[q] with a lower bound on the cost of any completion of the
// current partial plan that respects the constraints and meets at least q
// requirements (+Inf when none can). Two relaxations:
//
//  1. Levels: every unassigned component takes its highest own level, which
//     bounds every effective level from above (they only grow with own
//     levels). A requirement that cannot be met even then is out of reach;
//     each other component costs at least its cheapest choice that meets
//     its requirement in that optimistic world, and meeting q requirements
//     costs at least the q cheapest such amounts.
//  2. All possible requirements: meeting as many requirements as can ever
//     be met (every requirement, when all can) means meeting each of them,
//     so each component must reach the need derived through runtime edges
//     and cycles, and the cheapest choice reaching it is due for every
//     component at once.
func (s *search) bound(lb []float64) {
	p := s.p
	if (p.budget > 0 && s.cost > p.budget+1e-9) || s.capsBroken() {
		for q := range lb {
			lb[q] = inf
		}
		return
	}
	for i, a := range s.assign {
		if a >= 0 {
			s.own[i] = p.choices[i][a].own
		} else {
			s.own[i] = p.maxOwn[i]
		}
	}
	p.propagate(s.own, s.eff)
	p.needs(s.eff, s.need)
	extra := s.extra[:0]
	all, allOK := s.cost, true
	for i, a := range s.assign {
		if a >= 0 {
			c := &p.choices[i][a]
			if s.eff[i] >= c.req {
				extra = append(extra, 0)
			} else if p.possible[i] {
				allOK = false
			}
			if c.own < s.need[i] {
				allOK = false
			}
			continue
		}
		one, every := inf, inf
		for _, c := range p.choices[i] {
			meets := c.own >= c.req && c.req <= s.eff[i]
			if meets {
				one = min(one, c.cost)
			}
			if c.own >= s.need[i] && (meets || !p.possible[i]) {
				every = min(every, c.cost)
			}
		}
		if one < inf {
			extra = append(extra, one)
		}
		if every == inf {
			allOK = false
		} else {
			all += every
		}
	}
	slices.Sort(extra)
	s.extra = extra
	sum := s.cost
	lb[0] = sum
	for q := 1; q <= p.n; q++ {
		if q <= len(extra) {
			sum += extra[q-1]
			lb[q] = sum
		} else {
			lb[q] = inf
		}
	}
	if allOK {
		lb[p.reach] = max(lb[p.reach], all)
	} else {
		lb[p.reach] = inf
	}
	if p.budget > 0 {
		for q := range lb {
			if lb[q] > p.budget+1e-9 {
				lb[q] = inf
			}
		}
	}
}

// dominated reports whether no completion can improve the curve from the
// floor up.
func (s *search) dominated(lb []float64) bool {
	for q := s.floor; q < len(lb); q++ {
		if lb[q] < s.best[q] {
			return false
		}
	}
	return true
}

// leaf records the complete plan in assign, whose bound lb is exact.
func (s *search) leaf(lb []float64) {
	for q, l := range lb {
		if l < s.best[q] {
			s.best[q] = l
			s.bestPlan[q] = slices.Clone(s.assign)
			if s.rising && q > s.floor {
				s.floor = q
			}
		}
	}
}

func (s *search) fold(lb []float64) {
	for q, l := range lb {
		s.open[q] = min(s.open[q], l)
	}
}

// dfs explores the assignments of vars[depth:].
func (s *search) dfs(depth int) {
	lb := s.lbs[depth]
	s.bound(lb)
	if s.aborted {
		s.fold(lb)
		return
	}
	s.nodes++
	if s.nodes > s.maxNodes || (s.nodes%4096 == 0 && s.ctx.Err() != nil) {
		s.aborted = true
		s.fold(lb)
		return
	}
	if s.dominated(lb) {
		return
	}
	if depth == len(s.p.vars) {
		s.leaf(lb)
		return
	}
	v := int(s.p.vars[depth])
	for _, c := range s.p.order[v] {
		s.set(v, c)
		s.dfs(depth + 1)
		s.unset(v)
	}
}

// evaluate scores a complete plan: requirements met, cost, and whether it
// respects the constraints. It records the plan on the curve.
func (s *search) evaluate(plan []int) (met int, cost float64, ok bool) {
	for _, v := range s.p.vars {
		if s.assign[v] >= 0 {
			s.unset(int(v))
		}
		s.set(int(v), plan[v])
	}
	s.bound(s.tmp)
	s.leaf(s.tmp)
	for q := s.p.n; q >= 0; q-- {
		if s.tmp[q] < inf {
			return q, s.tmp[q], true
		}
	}
	return 0, s.cost, false
}

// seed evaluates plans that are often good before the exhaustive search, so
// that its bounds prune from the start: keeping everything, the cheapest
// choice reaching each component's need, the highest own level everywhere
// (which meets every possible requirement when nothing else constrains),
// and a local search from each.
func (s *search) seed() {
	p := s.p
	keep := make([]int, p.n)
	needy := make([]int, p.n)
	highest := make([]int, p.n)
	for _, v := range p.vars {
		for _, c := range p.order[v] { // cheapest first
			ch := p.choices[v][c]
			if ch.own >= ch.req && ch.own >= p.need[v] {
				needy[v] = c
				break
			}
		}
		for _, c := range p.order[v] {
			if p.choices[v][c].own == p.maxOwn[v] {
				highest[v] = c
				break
			}
		}
	}
	for _, start := range [][]int{keep, needy, highest} {
		s.localSearch(slices.Clone(start))
	}
	for _, v := range p.vars {
		s.unset(int(v))
	}
}

// localSearch moves one component at a time to a better plan (more
// requirements met, then lower cost) until no single move helps.
func (s *search) localSearch(plan []int) {
	met, cost, ok := s.evaluate(plan)
	for rounds := 0; rounds < 50; rounds++ {
		improved := false
		for _, v := range s.p.vars {
			old := plan[v]
			for c := range s.p.choices[v] {
				if c == old {
					continue
				}
				plan[v] = c
				m, k, good := s.evaluate(plan)
				if good && (!ok || m > met || (m == met && k < cost-1e-9)) {
					met, cost, ok, old, improved = m, k, true, c, true
				}
			}
			plan[v] = old
		}
		if !improved {
			break
		}
	}
}

// run seeds and then searches exhaustively, up to the node limit.
func (s *search) run() {
	s.seed()
	s.dfs(0)
}
