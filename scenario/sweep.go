package scenario

import (
	"context"
	"github.com/sovmap/sovmap/internal/fanout"
	"runtime"
	"slices"
	"sort"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/risk"
)

// SweepOptions tune a sweep.
type SweepOptions struct {
	Options
	// Workers is how many scenarios run at once, each on its own engine;
	// 0 means GOMAXPROCS.
	Workers int
	// Kinds restricts the sweep to some scenario kinds; nil runs them all.
	Kinds []string
	// Detail is how many of the highest-ranked scenarios list their hits,
	// vital components and data classes (each run once more on its own,
	// up to Options.Limit hit rows); negative means all. The others carry
	// figures only: their lists are null and HitsNotShown counts every hit.
	Detail int
}

// Sweep is the ranking of every scenario the inventory gives rise to.
type Sweep struct {
	Organization string `json:"organization"`
	Home         string `json:"home"`
	Components   int    `json:"components"`
	// Scenarios are the results, highest impact first; the first
	// SweepOptions.Detail list their hits.
	Scenarios []*Result `json:"scenarios"`
}

// Scenarios lists the scenarios a sweep runs: the inventory's own, and one
// built-in per jurisdiction whose law reaches a component (compel), per
// provider with components under it, directly or through a subsidiary
// (provider-exit), per cloud region in use (region-cut), per country where
// components are located (energy-shortage), per arrangement hosting
// components (revoke-arrangement), and for accelerators (export-control:
// accelerators, and one per foreign jurisdiction of a hardware supplier).
func Scenarios(m *risk.Model) (list []sovmap.Scenario, declared []bool) {
	add := func(s sovmap.Scenario, d bool) { list = append(list, s); declared = append(declared, d) }
	builtin := func(kind, target string) {
		add(sovmap.Scenario{ID: kind + ":" + target, Kind: kind, Target: target}, false)
	}
	for _, s := range m.Inv.Scenarios {
		add(s, true)
	}
	located := make([]bool, m.NumCountries())
	arrangements := make([]bool, len(m.Inv.Arrangements))
	hardware := make([]bool, m.NumCountries())
	foreignHardware := false
	for u := int32(0); int(u) < m.Len(); u++ {
		for _, c := range m.Locations(u) {
			located[c] = true
		}
		if a := m.ArrangementOf(u); a >= 0 {
			arrangements[a] = true
		}
		if p := m.ProviderOf(u); p >= 0 && m.Inv.Components[u].Layer == sovmap.LayerHardware {
			for q := p; q >= 0; q = m.Provider(q).Parent {
				if c := m.Country(m.Provider(q).Country); c >= 0 && m.Tiers.Of(m.CountryCode(int32(c))) != sovmap.TierHome {
					hardware[c] = true
				}
			}
			ctl := m.Provider(m.Provider(p).Controller).Country
			foreignHardware = foreignHardware || ctl == "" || m.Tiers.Of(ctl) != sovmap.TierHome
		}
	}
	for c := range int32(m.NumCountries()) {
		if len(m.ExposedTo(c)) > 0 {
			builtin(Compel, m.CountryCode(c))
		}
	}
	if foreignHardware {
		builtin(ExportControl, Accelerators)
	}
	for c := range int32(m.NumCountries()) {
		if hardware[c] {
			builtin(ExportControl, m.CountryCode(c))
		}
	}
	for p := range int32(m.NumProviders()) {
		if len(m.UnderProvider(p)) > 0 {
			builtin(ProviderExit, m.Provider(p).ID)
		}
	}
	for i, a := range m.Inv.Arrangements {
		if arrangements[i] {
			builtin(RevokeArrangement, a.ID)
		}
	}
	for r := range int32(m.NumRegions()) {
		builtin(RegionCut, m.Region(r))
	}
	for c := range int32(m.NumCountries()) {
		if located[c] {
			builtin(EnergyShortage, m.CountryCode(c))
		}
	}
	return list, declared
}

// blockScenarios is how many scenarios one pass of a sweep spreads at once:
// eight words per component, one cache line.
const blockScenarios = 512

// sweepCase is one scenario of a sweep: its seeds, kept between the
// selection and the spreading.
type sweepCase struct {
	s        sovmap.Scenario
	declared bool
	seeds    []int32
	partial  []int32
	// levels are the seeds' own levels once exposed (Exposed effect only).
	levels []sovmap.Level
	res    *Result
}

// Classes of components a sweep counts hits by: criticality (5, with ""),
// whether it holds data (2) and effective level (5).
const classes = 5 * 2 * 5

var critIndex = map[sovmap.Criticality]int{
	sovmap.CriticalityVital: 0, sovmap.CriticalityHigh: 1, sovmap.CriticalityMedium: 2, sovmap.CriticalityLow: 3, "": 4,
}

var critOrder = []sovmap.Criticality{sovmap.CriticalityVital, sovmap.CriticalityHigh, sovmap.CriticalityMedium, sovmap.CriticalityLow, ""}

// RunSweep runs every scenario of Scenarios and ranks them by impact, then
// by vital components hit, then by id.
//
// Walking from each scenario's seeds would cost the whole graph per
// scenario when, as in large inventories, most components depend on most
// others. Instead scenarios go 512 at a time: each component gets one bit
// per scenario, set on the scenario's seeds, and two passes over the
// condensed graph spread the bits to every dependent (runtime edges only
// for the components that go down; every edge for those that degrade). A
// sweep costs (components + edges) per 512 scenarios, plus one step per
// component hit to count it by class. Results carry figures, not hit rows;
// for scenarios that expose components the levels after are left out (run
// the scenario itself for them).
func RunSweep(ctx context.Context, m *risk.Model, opts SweepOptions) (*Sweep, error) {
	list, declared := Scenarios(m)
	cases := make([]sweepCase, 0, len(list))
	for i, s := range list {
		if opts.Kinds == nil || slices.Contains(opts.Kinds, s.Kind) {
			cases = append(cases, sweepCase{s: s, declared: declared[i]})
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Selection: each worker's engine picks the seeds of one scenario at a time.
	err := fanout.Jobs(ctx, len(cases), workers, func() func(int) {
		e := NewEngine(m, opts.Options)
		return func(i int) { e.selectCase(ctx, &cases[i]) }
	})
	if err != nil {
		return nil, err
	}
	blocks := (len(cases) + blockScenarios - 1) / blockScenarios
	err = fanout.Jobs(ctx, blocks, min(workers, blocks), func() func(int) {
		sw := newSpreader(m, opts.Options)
		return func(b int) {
			sw.block(ctx, cases[b*blockScenarios:min((b+1)*blockScenarios, len(cases))])
		}
	})
	if err != nil {
		return nil, err
	}
	// Levels after, for the scenarios that expose components.
	var exposed []*sweepCase
	for i := range cases {
		if cases[i].levels != nil {
			exposed = append(exposed, &cases[i])
		}
	}
	lblocks := (len(exposed) + levelBlock - 1) / levelBlock
	err = fanout.Jobs(ctx, lblocks, min(workers, lblocks), func() func(int) {
		lv := newLeveller(m)
		return func(b int) {
			lv.block(exposed[b*levelBlock : min((b+1)*levelBlock, len(exposed))])
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Result, len(cases))
	for i := range cases {
		out[i] = cases[i].res
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].VitalCount != out[j].VitalCount {
			return out[i].VitalCount > out[j].VitalCount
		}
		return out[i].ID < out[j].ID
	})
	spec := make(map[*Result]sovmap.Scenario, len(cases))
	for i := range cases {
		spec[cases[i].res] = cases[i].s
	}
	if err := detail(ctx, m, opts, out, spec); err != nil {
		return nil, err
	}
	return &Sweep{Organization: m.Inv.Organization.Name, Home: m.Inv.Organization.Home, Components: m.Len(), Scenarios: out}, nil
}

// detail fills the lists of the first opts.Detail results (hits, vital
// components hit, data classes) from a run of each scenario on its own,
// and marks the lists of the others as not computed (nil). spec gives
// each result's scenario.
func detail(ctx context.Context, m *risk.Model, opts SweepOptions, out []*Result, spec map[*Result]sovmap.Scenario) error {
	n := len(out)
	if opts.Detail >= 0 {
		n = min(n, opts.Detail)
	}
	for _, r := range out[n:] {
		r.Hits, r.VitalHit, r.Data = nil, nil, nil
		r.HitsNotShown = r.Direct + r.Transitive + r.Degraded + r.Partial
	}
	return fanout.Jobs(ctx, n, opts.Workers, func() func(int) {
		e := NewEngine(m, opts.Options)
		return func(i int) {
			r := out[i]
			if r.RestoreBasis == "not run" {
				return
			}
			one, err := e.Run(ctx, spec[r], r.Declared, true)
			if err != nil {
				r.Notes = append(r.Notes, "hits not listed: "+err.Error())
				return
			}
			r.Hits, r.HitsNotShown, r.VitalHit, r.Data = one.Hits, one.HitsNotShown, one.VitalHit, one.Data
		}
	})
}

// selectCase picks the seeds of one scenario of a sweep and, for a
// scenario that exposes components, their own levels once exposed. A
// scenario that cannot run gets a note instead.
func (e *Engine) selectCase(ctx context.Context, c *sweepCase) {
	c.res = e.start(c.s, c.declared)
	if err := e.selectSeeds(c.s, c.res); err != nil {
		// One declared scenario with a bad target should not hide the rest.
		c.res.Notes = append(c.res.Notes, "not run: "+err.Error())
		c.res.RestoreBasis = "not run"
		return
	}
	c.seeds = slices.Clone(e.seeds)
	c.partial = slices.Clone(e.partial)
	if c.res.Effect != Exposed {
		return
	}
	// The seeds' own levels once exposed, for the levels after.
	for _, u := range c.seeds {
		e.ownAfter[u] = e.m.Level(u)
	}
	var err error
	if c.s.Kind == Compel {
		for _, u := range c.seeds {
			e.ownAfter[u] = e.compelled(u)
		}
	} else {
		err = e.reassess(ctx, c.s)
	}
	if err != nil {
		c.res.Notes = append(c.res.Notes, "levels after not computed: "+err.Error())
		return
	}
	c.levels = make([]sovmap.Level, len(c.seeds))
	for i, u := range c.seeds {
		c.levels[i] = e.ownAfter[u]
	}
}

// spreader holds one sweep worker's bitsets, reused block after block.
type spreader struct {
	m       *risk.Model
	e       *Engine
	down    *graph.Sets
	all     *graph.Sets
	class   []uint8
	order   []int32 // components grouped by class
	downCnt []int32 // per scenario of the block, per class
	softCnt []int32 // per scenario of the block, per class
}

func newSpreader(m *risk.Model, opts Options) *spreader {
	n := m.Len()
	sp := &spreader{m: m, e: NewEngine(m, opts), class: make([]uint8, n),
		down: graph.NewSets(n, blockScenarios), all: graph.NewSets(n, blockScenarios),
		downCnt: make([]int32, blockScenarios*classes), softCnt: make([]int32, blockScenarios*classes)}
	var byClass [classes][]int32
	for u := range int32(n) {
		data := 0
		if m.HasData(u) {
			data = 1
		}
		crit, ok := critIndex[m.Inv.Components[u].Criticality]
		if !ok {
			crit = critIndex[""] // the loader refuses others; count them as unstated
		}
		sp.class[u] = uint8(crit*10 + data*5 + int(m.Effective(u)))
		byClass[sp.class[u]] = append(byClass[sp.class[u]], u)
	}
	sp.order = make([]int32, 0, n)
	for _, us := range byClass {
		sp.order = append(sp.order, us...)
	}
	return sp
}

// block runs one block of scenarios.
func (sp *spreader) block(ctx context.Context, cases []sweepCase) {
	m := sp.m
	clear(sp.down.Bits)
	clear(sp.downCnt)
	clear(sp.softCnt)
	for j := range cases {
		for _, u := range cases[j].seeds {
			sp.down.Add(u, j)
		}
	}
	copy(sp.all.Bits, sp.down.Bits)
	m.RT.Spread(sp.down, m.RTCond)
	if ctx.Err() != nil {
		return
	}
	m.G.Spread(sp.all, m.Cond)
	if ctx.Err() != nil {
		return
	}
	sp.down.CountColumns(nil, sp.order, sp.class, classes, sp.downCnt)
	sp.all.CountColumns(sp.down, sp.order, sp.class, classes, sp.softCnt)
	for j := range cases {
		sp.finish(j, &cases[j])
	}
}

// finish turns a scenario's counts into its result.
func (sp *spreader) finish(j int, c *sweepCase) {
	m, r := sp.m, c.res
	if r.RestoreBasis == "not run" {
		return
	}
	r.Direct = len(c.seeds)
	down := 0
	after := r.Before
	for cls := 0; cls < classes; cls++ {
		n := int(sp.downCnt[j*classes+cls])
		if n == 0 {
			continue
		}
		crit, data, level := cls/10, cls/5%2, cls%5
		down += n
		if crit == 0 {
			r.VitalCount += n
		}
		if crit <= 1 {
			r.CriticalHit += n
		}
		if data == 1 {
			r.DataComponents += n
		}
		r.Score += float64(n) * weights[critOrder[crit]]
		after.ByLevel[level] -= n
		after.Lost += n
	}
	r.Transitive = down - r.Direct
	for cls := 0; cls < classes; cls++ {
		n := int(sp.softCnt[j*classes+cls])
		r.Degraded += n
		r.Score += degradedWeight * float64(n) * weights[critOrder[cls/10]]
	}
	for _, u := range c.partial {
		if sp.all.Has(u, j) {
			continue // also depends on a lost component
		}
		r.Partial++
		r.Score += partialWeight * weights[m.Inv.Components[u].Criticality]
		if m.HasData(u) {
			r.DataComponents++
		}
	}
	if sp.e.total > 0 {
		r.Impact = roundTo(100*r.Score/sp.e.total, 2)
	}
	r.Score = roundTo(r.Score, 2)
	// Levels after an exposure come from the leveller, once every block
	// is counted.
	switch r.Effect {
	case Lost:
		r.After = &after
	case SupplyCut:
		before := r.Before
		r.After = &before
	}
	sp.e.restore(c.s, r, c.seeds, func(alt int32) bool { return sp.down.Has(alt, j) })
}

// levelBlock is how many exposure scenarios one levelling pass carries:
// four thresholds of 128 bits, eight words per component.
const levelBlock = 128

// leveller computes the effective levels after exposure scenarios, 128 at
// a time, without a pass per scenario. For each threshold L (0 to 3) every
// component gets one bit per scenario meaning "effective level at most L
// after the scenario"; the assessment's rule becomes, bit by bit, in
// dependency order:
//
//	E_L(u) = own_L(u) | E_L(v) for runtime deps v | (E_L(v) & own_L+1(u)) for supply deps v
//
// with own_L(u) the scenarios in which u's own level is at most L (a
// supply dependency at level l passes max(l, own-1): at most L exactly when
// l <= L and own <= L+1). Cycles share their bits, or relax to a fixpoint
// when a supply edge is inside, as the assessment does. Counting the bits
// of each threshold gives each scenario's levels.
type leveller struct {
	m     *risk.Model
	e     [4]*graph.Sets
	zero  []uint8
	head  []int32
	items []levelItem
	cnt   []int32
	// ownL1 and acc are scratch rows.
	ownL1, acc []uint64
}

type levelItem struct {
	j     int32 // the scenario's bit
	level sovmap.Level
}

func newLeveller(m *risk.Model) *leveller {
	n := m.Len()
	lv := &leveller{m: m, zero: make([]uint8, n), head: make([]int32, n+1), cnt: make([]int32, levelBlock)}
	for l := range lv.e {
		lv.e[l] = graph.NewSets(n, levelBlock)
	}
	lv.ownL1, lv.acc = make([]uint64, lv.e[0].Words), make([]uint64, lv.e[0].Words)
	return lv
}

// own sets dst to the scenarios in which u's own level is at most l.
func (lv *leveller) own(dst []uint64, u int32, l sovmap.Level, all []uint64) {
	if lv.m.Level(u) <= l {
		copy(dst, all)
		return
	}
	clear(dst)
	for _, it := range lv.items[lv.head[u]:lv.head[u+1]] {
		if it.level <= l {
			dst[it.j/64] |= 1 << (uint(it.j) % 64)
		}
	}
}

func (lv *leveller) block(cases []*sweepCase) {
	words := lv.e[0].Words
	all := make([]uint64, words)
	for j := range cases {
		all[j/64] |= 1 << (uint(j) % 64)
	}
	lv.group(cases)
	for l := sovmap.Level(0); l < 4; l++ {
		lv.spread(l, all)
	}
	lv.count(cases)
}

// group lays out the seeds' levels by component: lv.items[lv.head[u]:lv.head[u+1]]
// are component u's, one per scenario that seeds it.
func (lv *leveller) group(cases []*sweepCase) {
	n := lv.m.Len()
	clear(lv.head)
	for _, c := range cases {
		for _, u := range c.seeds {
			lv.head[u+1]++
		}
	}
	for u := 0; u < n; u++ {
		lv.head[u+1] += lv.head[u]
	}
	lv.items = slices.Grow(lv.items[:0], int(lv.head[n]))[:lv.head[n]]
	next := slices.Clone(lv.head[:n])
	for j, c := range cases {
		for i, u := range c.seeds {
			lv.items[next[u]] = levelItem{int32(j), c.levels[i]}
			next[u]++
		}
	}
}

// spread sets, for threshold l, every component's bits: the scenarios in
// which its effective level is at most l. It goes through the strongly
// connected components in dependency order.
func (lv *leveller) spread(l sovmap.Level, all []uint64) {
	m := lv.m
	e, ownL1 := lv.e[l], lv.ownL1
	for c, scc := range m.Cond.Members {
		internalSupply := false
		for _, u := range scc {
			row := e.Row(u)
			lv.own(row, u, l, all)
			lv.own(ownL1, u, l+1, all)
			deps, supply := m.G.Deps(u)
			for i, v := range deps {
				if m.Cond.Comp[v] == int32(c) {
					internalSupply = internalSupply || (supply[i] && v != u)
					continue
				}
				src := e.Row(v)
				if supply[i] {
					for w := range row {
						row[w] |= src[w] & ownL1[w]
					}
				} else {
					for w := range row {
						row[w] |= src[w]
					}
				}
			}
		}
		switch {
		case len(scc) == 1:
		case !internalSupply:
			lv.share(e, scc)
		default:
			lv.relax(l, int32(c), scc, all)
		}
	}
}

// share gives every member of a cycle of runtime edges the union of their
// bits: they share their minimum level.
func (lv *leveller) share(e *graph.Sets, scc []int32) {
	acc := lv.acc
	clear(acc)
	for _, u := range scc {
		for w, x := range e.Row(u) {
			acc[w] |= x
		}
	}
	for _, u := range scc {
		copy(e.Row(u), acc)
	}
}

// relax passes bits along the edges inside strongly connected component c
// (scc, with a supply edge inside) until nothing changes, as the assessment
// relaxes such a cycle member by member.
func (lv *leveller) relax(l sovmap.Level, c int32, scc []int32, all []uint64) {
	m := lv.m
	e, ownL1 := lv.e[l], lv.ownL1
	for changed := true; changed; {
		changed = false
		for _, u := range scc {
			row := e.Row(u)
			lv.own(ownL1, u, l+1, all)
			deps, supply := m.G.Deps(u)
			for i, v := range deps {
				if m.Cond.Comp[v] != c || v == u {
					continue
				}
				src := e.Row(v)
				for w := range row {
					x := src[w]
					if supply[i] {
						x &= ownL1[w]
					}
					if x&^row[w] != 0 {
						row[w] |= x
						changed = true
					}
				}
			}
		}
	}
}

// count turns the bits into each scenario's levels after.
func (lv *leveller) count(cases []*sweepCase) {
	n := lv.m.Len()
	words := lv.e[0].Words
	// cum[l][j] counts the components at most at level l in scenario j.
	var cum [4][]int32
	for l := range cum {
		cum[l] = make([]int32, words*64)
		lv.e[l].CountColumns(nil, nil, lv.zero, 1, cum[l])
	}
	for j, c := range cases {
		var after Levels
		prev := 0
		for l := 0; l < 4; l++ {
			after.ByLevel[l] = int(cum[l][j]) - prev
			prev = int(cum[l][j])
		}
		after.ByLevel[4] = n - prev
		c.res.After = &after
	}
}
