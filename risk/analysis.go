package risk

import (
	"context"
	"fmt"
	"github.com/sovmap/sovmap/internal/fanout"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
)

// AnalysisOptions tune the dependency analysis.
type AnalysisOptions struct {
	// Limit caps each list (single points of failure, blast radii, chains);
	// 0 means DefaultLimit, a negative value means no cap.
	Limit int
	// Component restricts the exposure chains to one component, and lists
	// its direct exposures too.
	Component string
	// Jurisdiction restricts the exposure chains to one country or bloc.
	Jurisdiction string
	// Workers is how many goroutines compute blast radii; 0 means
	// GOMAXPROCS.
	Workers int
}

// DefaultLimit is the number of rows each list shows unless told otherwise.
const DefaultLimit = 20

// Analysis is the dependency graph analysis of an inventory.
type Analysis struct {
	Organization string `json:"organization"`
	Home         string `json:"home"`
	Components   int    `json:"components"`
	RuntimeEdges int    `json:"runtime_edges"`
	SupplyEdges  int    `json:"supply_edges"`
	// Cycles counts the dependency cycles (strongly connected components of
	// more than one component); LargestCycle the size of the largest.
	Cycles       int `json:"cycles"`
	LargestCycle int `json:"largest_cycle"`
	// Targets says what single points of failure are ranked by: "vital"
	// components, or "critical" (vital and high) when none is vital, or
	// "all" components when none is critical.
	Targets     string `json:"targets"`
	TargetCount int    `json:"target_count"`
	// Estimated says the ranking of single points of failure comes from a
	// sketch (more than 4096 targets): the figures shown are exact, but a
	// component whose count the sketch underestimated may be missing.
	Estimated bool `json:"ranking_estimated,omitempty"`
	// SinglePoints are the components whose loss takes down the most
	// targets, most first.
	SinglePoints []SinglePoint `json:"single_points_of_failure"`
	// Component is the blast radius of the component asked about
	// (AnalysisOptions.Component).
	Component *SinglePoint `json:"component,omitempty"`
	// Blast radius of the loss of each provider (with everything it
	// controls), jurisdiction and cloud region, largest first; BlastBasis
	// says what each hits.
	BlastBasis    string  `json:"blast_basis"`
	Providers     []Blast `json:"providers"`
	Jurisdictions []Blast `json:"jurisdictions"`
	Regions       []Blast `json:"regions"`
	// Exposed counts components that a foreign compelled-access law reaches
	// directly or through their runtime dependencies; Inherited those
	// reached by some jurisdiction only through a dependency.
	Exposed   int     `json:"exposed_components"`
	Inherited int     `json:"inherited_exposure_components"`
	Chains    []Chain `json:"chains"`
	// Truncated says which lists were cut at the limit.
	Truncated []string `json:"truncated,omitempty"`
}

// SinglePoint is a component and what goes down with it.
type SinglePoint struct {
	ID          string             `json:"id"`
	Layer       sovmap.Layer       `json:"layer"`
	Provider    string             `json:"provider,omitempty"`
	Criticality sovmap.Criticality `json:"criticality,omitempty"`
	// Targets is how many target components (see Analysis.Targets) go
	// down with it, itself included.
	Targets int `json:"targets_down"`
	// Down counts every component that goes down with it, itself included;
	// Degraded those that lose only supply.
	Down     int `json:"down"`
	Degraded int `json:"degraded"`
	// Example is a chain from a target that goes down back to this
	// component: the target first.
	Example []string `json:"example,omitempty"`

	node int32
}

// Blast is what the loss of a provider, jurisdiction or region takes down.
type Blast struct {
	ID string `json:"id"`
	// Direct counts the components it hits itself: a provider's and its
	// subsidiaries' components; components controlled from, operated from
	// or located with every location in a jurisdiction; components located
	// with every location in a region (see Model.Placed).
	Direct   int `json:"direct"`
	Down     int `json:"down"`
	Degraded int `json:"degraded"`
	Vital    int `json:"vital_down"`
	Critical int `json:"critical_down"`
}

// Chain explains how a jurisdiction's compelled-access law reaches a
// component: directly, or through the runtime dependencies in Path.
type Chain struct {
	Component    string `json:"component"`
	Jurisdiction string `json:"jurisdiction"`
	// Path runs from the component to the dependency the law reaches
	// directly (one element for a direct exposure).
	Path []string `json:"path"`
	// Laws are the laws and channels that reach the last element of Path.
	Laws        []string `json:"laws"`
	Direct      bool     `json:"direct"`
	Explanation string   `json:"explanation"`
}

// BlastBasis says what a blast radius counts: the same seeds as the
// scenarios provider-exit, energy-shortage and region-cut, and the same
// spread.
const BlastBasis = "provider: its components and those of every provider it controls (the register's lost on exit, scenario provider-exit); " +
	"jurisdiction: components controlled from it (through any entity of the chain of control), operated from it, or with every location in it; " +
	"region: components with every location in it (scenario region-cut); a component located only partly there runs on and is not counted; " +
	"down: those and everything that runs on them; degraded: what depends on them through a supply edge"

// Analyze runs the dependency graph analysis.
func Analyze(ctx context.Context, m *Model, opts AnalysisOptions) (*Analysis, error) {
	limit := opts.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	a := &Analysis{Organization: m.Inv.Organization.Name, Home: m.Inv.Organization.Home, Components: m.Len(), Chains: []Chain{}, BlastBasis: BlastBasis}
	for _, s := range m.G.Supply {
		if s {
			a.SupplyEdges++
		} else {
			a.RuntimeEdges++
		}
	}
	for _, scc := range m.Cond.Members {
		if len(scc) > 1 {
			a.Cycles++
			a.LargestCycle = max(a.LargestCycle, len(scc))
		}
	}
	if err := a.singlePoints(ctx, m, limit); err != nil {
		return nil, err
	}
	if err := a.blasts(ctx, m, limit, workers); err != nil {
		return nil, err
	}
	if err := a.chains(ctx, m, opts, limit); err != nil {
		return nil, err
	}
	if opts.Component != "" {
		if err := a.component(m, opts.Component); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// cut keeps the first limit rows and notes the cut.
func cut[T any](a *Analysis, name string, rows []T, limit int) []T {
	if limit >= 0 && len(rows) > limit {
		a.Truncated = append(a.Truncated, fmt.Sprintf("%s: %d of %d shown", name, limit, len(rows)))
		return rows[:limit]
	}
	return rows
}

// exactTargets is the number of targets up to which single points of
// failure are ranked by exact counts (eight passes of 512); above it a
// sketch estimates the counts and the best candidates are counted exactly.
const exactTargets = 4096

// candidates is how many components are counted exactly: one pass of
// bitsets of this width.
const candidates = 512

// targets returns what single points of failure are ranked by: the vital
// components, else the critical ones, else all.
func targets(m *Model) (name string, list []int32, target func(int32) bool) {
	for _, t := range []struct {
		name string
		is   []bool
	}{{"vital", m.vital}, {"critical", m.critical}} {
		list = list[:0]
		for u, v := range t.is {
			if v {
				list = append(list, int32(u))
			}
		}
		if len(list) > 0 {
			is := t.is
			return t.name, list, func(u int32) bool { return is[u] }
		}
	}
	for u := range m.Len() {
		list = append(list, int32(u))
	}
	return "all", list, func(int32) bool { return true }
}

// example returns a chain from the nearest other target that goes down
// with u to u, or u alone when it is the only one.
func example(m *Model, f *graph.Finder, u int32, target func(int32) bool) []string {
	path := f.Path(nil, u, func(v int32) bool { return v != u && target(v) })
	if len(path) == 0 && target(u) {
		path = []int32{u}
	}
	slices.Reverse(path)
	return idsOf(m, path)
}

// component works out the blast radius of one component with a walk.
func (a *Analysis) component(m *Model, id string) error {
	u, ok := m.G.Index[id]
	if !ok {
		return fmt.Errorf("no component %q", id)
	}
	_, _, target := targets(m)
	down, degraded := graph.NewWalker(m.Rev).Walk([]int32{u})
	c := &m.Inv.Components[u]
	sp := &SinglePoint{ID: c.ID, Layer: c.Layer, Provider: c.Provider, Criticality: c.Criticality, Down: len(down), Degraded: len(degraded)}
	for _, v := range down {
		if target(v) {
			sp.Targets++
		}
	}
	sp.Example = example(m, graph.NewFinder(m.RuntimeReverse()), u, target)
	a.Component = sp
	return nil
}

func (a *Analysis) singlePoints(ctx context.Context, m *Model, limit int) error {
	name, targets, target := targets(m)
	a.Targets, a.TargetCount = name, len(targets)
	order, estimated, err := rankByDependents(ctx, m, targets)
	if err != nil {
		return err
	}
	if estimated {
		a.Estimated = true
	}
	ranked := len(order)
	sps, err := countCandidates(ctx, m, order[:min(len(order), candidates)], target)
	if err != nil {
		return err
	}
	sort.Slice(sps, func(i, j int) bool {
		if sps[i].Targets != sps[j].Targets {
			return sps[i].Targets > sps[j].Targets
		}
		if sps[i].Down != sps[j].Down {
			return sps[i].Down > sps[j].Down
		}
		return sps[i].ID < sps[j].ID
	})
	if limit >= 0 && ranked > limit {
		a.Truncated = append(a.Truncated, fmt.Sprintf("single points of failure: %d of %d shown", min(limit, len(sps)), ranked))
		sps = sps[:min(limit, len(sps))]
	}
	f := graph.NewFinder(m.RuntimeReverse())
	for i := range sps {
		sps[i].Example = example(m, f, sps[i].node, target)
	}
	a.SinglePoints = sps
	return nil
}

// rankByDependents returns the components some target depends on at
// runtime, most depended upon first (then by id): counted exactly when
// there are few targets, by a sketch otherwise (estimated).
func rankByDependents(ctx context.Context, m *Model, targets []int32) (order []int32, estimated bool, err error) {
	score := make([]float64, m.Len())
	if len(targets) <= exactTargets {
		counts, err := m.RT.CountDependents(ctx, targets, m.RTCond)
		if err != nil {
			return nil, false, err
		}
		for u, c := range counts {
			score[u] = float64(c)
		}
	} else {
		est, err := m.RT.EstimateDependents(ctx, targets, m.RTCond)
		if err != nil {
			return nil, false, err
		}
		score = est
		estimated = true
	}
	order = make([]int32, 0, m.Len())
	for u, c := range score {
		if c > 0 {
			order = append(order, int32(u))
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if score[order[i]] != score[order[j]] {
			return score[order[i]] > score[order[j]]
		}
		return m.ID(order[i]) < m.ID(order[j])
	})
	return order, estimated, nil
}

// countCandidates counts exactly, for each candidate, the components (and
// targets) that go down with it and those that degrade, all at once: one
// bit per candidate, spread to every component that reaches it.
func countCandidates(ctx context.Context, m *Model, cand []int32, target func(int32) bool) ([]SinglePoint, error) {
	down := graph.NewSets(m.Len(), len(cand))
	for j, u := range cand {
		down.Add(u, j)
	}
	all := &graph.Sets{Words: down.Words, Bits: slices.Clone(down.Bits)}
	m.RT.Spread(down, m.RTCond)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.G.Spread(all, m.Cond)
	class := make([]uint8, m.Len())
	var byClass [2][]int32
	for u := range class {
		if target(int32(u)) {
			class[u] = 1
		}
		byClass[class[u]] = append(byClass[class[u]], int32(u))
	}
	grouped := append(byClass[0], byClass[1]...)
	downCnt, softCnt := make([]int32, down.Words*64*2), make([]int32, down.Words*64*2)
	down.CountColumns(nil, grouped, class, 2, downCnt)
	all.CountColumns(down, grouped, class, 2, softCnt)
	sps := make([]SinglePoint, len(cand))
	for j := range sps {
		sps[j].Down = int(downCnt[2*j] + downCnt[2*j+1])
		sps[j].Targets = int(downCnt[2*j+1])
		sps[j].Degraded = int(softCnt[2*j] + softCnt[2*j+1])
	}
	for j, u := range cand {
		c := &m.Inv.Components[u]
		sps[j].ID, sps[j].Layer, sps[j].Provider, sps[j].Criticality = c.ID, c.Layer, c.Provider, c.Criticality
		sps[j].node = u
	}
	return sps, nil
}

// blastJob is one set of seeds to walk from.
type blastJob struct {
	id    string
	seeds []int32
}

func (a *Analysis) blasts(ctx context.Context, m *Model, limit, workers int) error {
	n := m.Len()
	// Seeds per country: components controlled from it (any entity of the
	// chain of control), operated from it, or located there with every
	// location (Placed, as energy-shortage and region-cut decide); in one
	// pass over the components. A component located only partly in a
	// country (in the bloc EU, or in DE and FR) keeps running at reduced
	// capacity: it is not a seed. Providers have their inverted index in
	// the model.
	countrySeeds := make([][]int32, len(m.countries))
	var members []int
	for u := int32(0); int(u) < n; u++ {
		members = m.involved.Members(members[:0], u)
		for _, c := range members {
			if m.controlledOrOperatedFrom(u, int32(c)) ||
				m.Placed(u, m.CutCountries(func(x int32) bool { return x == int32(c) })) == Whole {
				countrySeeds[c] = append(countrySeeds[c], u)
			}
		}
	}
	provSeeds := make([][]int32, len(m.providers))
	for p := range provSeeds {
		provSeeds[p] = m.UnderProvider(int32(p))
	}
	regionSeeds := make([][]int32, len(m.regions))
	for r := range regionSeeds {
		for _, u := range m.InRegion(int32(r)) {
			inRegion := func(l int32) (bool, bool) { return m.locs[l].Region == int32(r), false }
			if m.Placed(u, inRegion) == Whole {
				regionSeeds[r] = append(regionSeeds[r], u)
			}
		}
	}
	var jobs []blastJob
	kinds := []int{0, 0, 0}
	for p, s := range provSeeds {
		if len(s) > 0 {
			jobs = append(jobs, blastJob{m.providers[p].ID, s})
			kinds[0]++
		}
	}
	for c, s := range countrySeeds {
		if len(s) > 0 {
			jobs = append(jobs, blastJob{m.countries[c], s})
			kinds[1]++
		}
	}
	for r, s := range regionSeeds {
		if len(s) > 0 {
			jobs = append(jobs, blastJob{m.regions[r], s})
			kinds[2]++
		}
	}
	out := make([]Blast, len(jobs))
	seeds := make([][]int32, len(jobs))
	for i, j := range jobs {
		seeds[i] = j.seeds
		out[i] = Blast{ID: j.id, Direct: len(j.seeds)}
	}
	err := SpreadCounts(ctx, m, seeds, workers, func(i int, c Counts) {
		out[i].Down, out[i].Degraded, out[i].Vital, out[i].Critical = c.Down, c.Degraded, c.Vital, c.Critical
	})
	if err != nil {
		return err
	}
	rank := func(bs []Blast) []Blast {
		sort.Slice(bs, func(i, j int) bool {
			if bs[i].Vital != bs[j].Vital {
				return bs[i].Vital > bs[j].Vital
			}
			if bs[i].Down != bs[j].Down {
				return bs[i].Down > bs[j].Down
			}
			return bs[i].ID < bs[j].ID
		})
		return bs
	}
	a.Providers = cut(a, "providers", rank(out[:kinds[0]]), limit)
	a.Jurisdictions = cut(a, "jurisdictions", rank(out[kinds[0]:kinds[0]+kinds[1]]), limit)
	a.Regions = cut(a, "regions", rank(out[kinds[0]+kinds[1]:]), limit)
	return nil
}

// Counts are what the loss of a set of seed components takes down.
type Counts struct {
	// Down counts the seeds and everything that depends on them through
	// runtime edges; Degraded what depends on them only through supply
	// edges; Vital and Critical the vital and the critical components down.
	Down, Degraded, Vital, Critical int
}

// spreadBlock is how many seed sets one pass of SpreadCounts carries: one
// bit each, eight words per component.
const spreadBlock = 512

// SpreadCounts computes the Counts of many seed sets at once, without a
// walk per set: seed sets go 512 at a time, one bit each on every
// component; spreading the bits over the condensed runtime graph and the
// whole graph marks what each set takes down and what it degrades. The cost
// is (components + edges) per 512 sets, plus one step per component hit.
// done receives each set's index and counts, from the worker goroutines.
func SpreadCounts(ctx context.Context, m *Model, seeds [][]int32, workers int, done func(int, Counts)) error {
	// Classes of nodes: 0 neither, 1 critical but not vital, 2 vital; the
	// nodes grouped by class for graph.CountColumns.
	class := make([]uint8, m.Len())
	var byClass [3][]int32
	for u := range class {
		switch {
		case m.vital[u]:
			class[u] = 2
		case m.critical[u]:
			class[u] = 1
		}
		byClass[class[u]] = append(byClass[class[u]], int32(u))
	}
	order := append(append(byClass[0], byClass[1]...), byClass[2]...)
	blocks := (len(seeds) + spreadBlock - 1) / spreadBlock
	var mu sync.Mutex
	return fanout.Jobs(ctx, blocks, workers, func() func(int) {
		var down, all *graph.Sets
		downCnt, softCnt := make([]int32, spreadBlock*3), make([]int32, spreadBlock*3)
		return func(b int) {
			block := seeds[b*spreadBlock : min((b+1)*spreadBlock, len(seeds))]
			if down == nil {
				down, all = graph.NewSets(m.Len(), spreadBlock), graph.NewSets(m.Len(), spreadBlock)
			}
			clear(down.Bits)
			clear(downCnt)
			clear(softCnt)
			for j, set := range block {
				for _, u := range set {
					down.Add(u, j)
				}
			}
			copy(all.Bits, down.Bits)
			m.RT.Spread(down, m.RTCond)
			if ctx.Err() != nil {
				return
			}
			m.G.Spread(all, m.Cond)
			down.CountColumns(nil, order, class, 3, downCnt)
			all.CountColumns(down, order, class, 3, softCnt)
			mu.Lock()
			defer mu.Unlock()
			for i := range block {
				d, g := downCnt[i*3:i*3+3], softCnt[i*3:i*3+3]
				done(b*spreadBlock+i, Counts{Down: int(d[0] + d[1] + d[2]), Degraded: int(g[0] + g[1] + g[2]),
					Vital: int(d[2]), Critical: int(d[1] + d[2])})
			}
		}
	})
}

func (a *Analysis) chains(ctx context.Context, m *Model, opts AnalysisOptions, limit int) error {
	te := m.TransitiveExposure()
	wanted, err := jurisdictionFilter(m, opts.Jurisdiction)
	if err != nil {
		return err
	}
	comps := a.exposedComponents(m, te, opts.Component)
	if opts.Component != "" {
		if _, ok := m.G.Index[opts.Component]; !ok {
			return fmt.Errorf("no component %q", opts.Component)
		}
	}
	f := graph.NewFinder(m.RT)
	var js []int
	var chains []Chain
	for _, u := range comps {
		if err := ctx.Err(); err != nil {
			return err
		}
		js = te.Members(js[:0], u)
		for _, j := range js {
			if !wanted(j) {
				continue
			}
			direct := m.exposure.Has(u, j)
			if direct && opts.Component == "" {
				continue // only inherited exposure needs explaining in the overview
			}
			path := f.Path(nil, u, func(v int32) bool { return m.exposure.Has(v, j) })
			if len(path) == 0 {
				continue
			}
			chains = append(chains, m.chain(path, j))
		}
		if limit >= 0 && len(chains) > limit {
			break
		}
	}
	a.Chains = cut(a, "chains", chains, limit)
	return nil
}

// jurisdictionFilter returns whether a country is of the jurisdiction
// code, or of any when code is empty.
func jurisdictionFilter(m *Model, code string) (func(int) bool, error) {
	if code == "" {
		return func(int) bool { return true }, nil
	}
	only, ok := m.Jurisdiction(code)
	if !ok {
		return nil, fmt.Errorf("unknown jurisdiction %q", code)
	}
	if only == nil { // no country of the knowledge base: nothing to filter by
		return func(int) bool { return true }, nil
	}
	return func(j int) bool { return slices.Contains(only, j) }, nil
}

// exposedComponents counts the exposed components (a.Exposed) and those
// whose exposure is partly inherited through what they run on
// (a.Inherited), and returns the components whose chains are explained:
// the one named, or else every one with inherited exposure, most critical
// first, then those holding data.
func (a *Analysis) exposedComponents(m *Model, te *graph.Sets, component string) []int32 {
	var comps []int32
	for u := int32(0); int(u) < m.Len(); u++ {
		if te.Empty(u) {
			continue
		}
		a.Exposed++
		inherited := false
		for i, w := range te.Row(u) {
			if w&^m.exposure.Row(u)[i] != 0 {
				inherited = true
			}
		}
		if inherited {
			a.Inherited++
		}
		if component != "" {
			if m.ID(u) == component {
				comps = append(comps, u)
			}
			continue
		}
		if inherited {
			comps = append(comps, u)
		}
	}
	rankOf := func(u int32) int {
		switch m.Inv.Components[u].Criticality {
		case sovmap.CriticalityVital:
			return 0
		case sovmap.CriticalityHigh:
			return 1
		}
		if len(m.Inv.Components[u].Data) > 0 {
			return 2
		}
		return 3
	}
	sort.SliceStable(comps, func(i, j int) bool { return rankOf(comps[i]) < rankOf(comps[j]) })
	return comps
}

// chain describes a path from a component to the dependency that the law
// of jurisdiction j reaches.
func (m *Model) chain(path []int32, j int) Chain {
	country := m.countries[j]
	last := path[len(path)-1]
	c := Chain{Component: m.ID(path[0]), Jurisdiction: country, Path: idsOf(m, path), Direct: len(path) == 1}
	var reach []string
	vias := map[string][]string{}
	var laws []string
	for _, e := range m.Report.Components[last].ExposureDetails {
		if e.Jurisdiction != country {
			continue
		}
		if _, seen := vias[e.Law]; !seen {
			laws = append(laws, e.Law)
		}
		via := string(e.Via)
		if e.Mitigated {
			via += ", " + m.Mitigation(last)
		}
		vias[e.Law] = appendOnce(vias[e.Law], via)
		reach = appendOnce(reach, m.reachPhrase(last, e.Via, country))
	}
	for _, law := range laws {
		c.Laws = append(c.Laws, fmt.Sprintf("%s (via %s)", law, strings.Join(vias[law], "; ")))
	}
	var b strings.Builder
	b.WriteString(c.Component)
	for i, u := range path[1:] {
		if i == 0 {
			b.WriteString(" runs on ")
		} else {
			b.WriteString(", which runs on ")
		}
		fmt.Fprintf(&b, "%s (%s)", m.ID(u), m.Inv.Components[u].Layer)
	}
	if len(path) > 1 {
		b.WriteString("; ")
		b.WriteString(m.ID(last))
		b.WriteString(" is ")
	} else {
		b.WriteString(" is ")
	}
	b.WriteString(strings.Join(reach, " and "))
	fmt.Fprintf(&b, ", so %s law reaches it: %s", country, strings.Join(c.Laws, "; "))
	c.Explanation = b.String()
	return c
}

func (m *Model) reachPhrase(u int32, via sovmap.Via, country string) string {
	c := &m.Inv.Components[u]
	switch via {
	case sovmap.ViaControl:
		if p := m.provider[u]; p >= 0 {
			ctl := m.providers[m.providers[p].Controller]
			if ctl.Country == country {
				return fmt.Sprintf("controlled from %s (provider %s, ultimate controller %s)", country, c.Provider, ctl.ID)
			}
			return fmt.Sprintf("controlled through %s (provider %s, whose chain of control passes through %s)", country, c.Provider, country)
		}
		return "controlled from " + country
	case sovmap.ViaLocation:
		return "located in " + country
	case sovmap.ViaOperations:
		return "operated from " + country
	}
	return "reached from " + country
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func idsOf(m *Model, ns []int32) []string {
	out := make([]string, len(ns))
	for i, u := range ns {
		out[i] = m.ID(u)
	}
	return out
}
