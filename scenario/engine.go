package scenario

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
)

// Options tune scenario runs.
type Options struct {
	// Assess are the options the inventory was assessed with; components a
	// scenario exposes are re-assessed with them (and the scenario's change).
	Assess assess.Options
	// Limit caps the hit rows of a result; 0 means DefaultLimit, negative
	// means every hit.
	Limit int
	// Now dates the export-control facts; zero means the current time.
	Now time.Time
}

// DefaultLimit is how many hit rows a result lists unless told otherwise.
const DefaultLimit = 50

// Result is the outcome of one scenario.
type Result struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Target      string `json:"target"`
	Description string `json:"description,omitempty"`
	// Declared is true for a scenario of the inventory's scenarios: list.
	Declared bool   `json:"declared"`
	Effect   Effect `json:"effect"`
	// Basis says what the counts below count (HitBasis of the kind).
	Basis string `json:"basis"`
	// Direct counts the components the scenario hits itself; Transitive
	// those that go down (or are exposed) through runtime dependencies;
	// Degraded those that depend on a hit only through supply edges;
	// Partial those that lose some of their locations but keep others.
	Direct     int `json:"direct"`
	Transitive int `json:"transitive"`
	Degraded   int `json:"degraded"`
	Partial    int `json:"partial"`
	// VitalHit lists the vital components hit (directly or transitively):
	// the vital capabilities lost, or compromised for an exposure.
	VitalHit    []string `json:"vital_hit"`
	VitalCount  int      `json:"vital_count"`
	CriticalHit int      `json:"critical_hit"`
	// Data lists the data classes held by the components hit, and
	// DataComponents how many of them hold data.
	Data           []string `json:"data_classes"`
	DataComponents int      `json:"data_components"`
	// Before and After count every component of the inventory by effective
	// level, before the scenario and once it has happened.
	Before Levels  `json:"levels_before"`
	After  *Levels `json:"levels_after,omitempty"`
	// RestoreDays is the time until the last directly hit component is
	// restored (moved, failed over or replaced), RestoreBasis how it was
	// found. OutageDays is the longest time a directly hit component is
	// without service, for scenarios that stop components (a provider's
	// exit notice covers part of the move), and OutageBasis names that
	// component: it need not be the one RestoreBasis names.
	RestoreDays  int    `json:"restore_days"`
	RestoreBasis string `json:"restore_basis"`
	OutageDays   int    `json:"outage_days"`
	OutageBasis  string `json:"outage_basis"`
	// Impact is the criticality-weighted share (0-100) of the inventory
	// hit; Score the weighted count it is computed from.
	Impact float64 `json:"impact"`
	Score  float64 `json:"score"`
	// Hits lists the components hit, direct first; HitsNotShown counts
	// those left out by the limit.
	Hits         []Hit    `json:"hits"`
	HitsNotShown int      `json:"hits_not_shown"`
	Notes        []string `json:"notes,omitempty"`
}

// Levels counts components by effective level; Lost counts those that are
// down and have no level.
type Levels struct {
	ByLevel [5]int `json:"by_level"`
	Lost    int    `json:"lost"`
}

// Hit is one component a scenario hits.
type Hit struct {
	ID          string             `json:"id"`
	Layer       sovmap.Layer       `json:"layer"`
	Criticality sovmap.Criticality `json:"criticality,omitempty"`
	// How is direct, transitive, degraded or partial.
	How string `json:"how"`
	// Chain runs from this component back to the directly hit one.
	Chain  []string     `json:"chain,omitempty"`
	Reason string       `json:"reason"`
	Data   []string     `json:"data,omitempty"`
	Before sovmap.Level `json:"level_before"`
	// After is the effective level once the scenario has happened; Lost
	// says the component is down instead.
	After sovmap.Level `json:"level_after"`
	Lost  bool         `json:"lost,omitempty"`
	// RestoreDays is the time to restore of the directly hit component the
	// hit comes from; 0 for degraded and partly hit components, which keep
	// running.
	RestoreDays int `json:"restore_days"`
}

// Criticality weights of the impact score.
var weights = map[sovmap.Criticality]float64{
	sovmap.CriticalityVital: 8, sovmap.CriticalityHigh: 4, sovmap.CriticalityMedium: 2, sovmap.CriticalityLow: 1, "": 1,
}

// Share of a component's weight each kind of hit counts for.
const (
	degradedWeight = 0.5
	partialWeight  = 0.25
)

// Engine runs scenarios on one model. It keeps its buffers between runs;
// it is not safe for concurrent use, but engines on the same model are.
type Engine struct {
	m    *risk.Model
	opts Options
	// switching: the Data Act's switching rights protect home, as of the
	// assessment's day (assess.SwitchingRights), decided once.
	switching bool
	w         *graph.Walker
	weight    []float32
	total     float64
	before    Levels

	epoch     uint32
	mark      []uint32       // candidate dedup, by component
	ownAfter  []sovmap.Level // own levels after an exposure, every component
	effAfter  []sovmap.Level // effective levels after an exposure, every component
	seeds     []int32
	partial   []int32
	comps     []int32
	queue     []int32
	mask      []uint64
	locCut    []bool          // per location: cut off wholly
	locPart   []bool          // per location: cut off in part (some countries of a bloc)
	cur       sovmap.Scenario // the scenario being run
	hosts     []int32         // per arrangement: qualifying host country, or -1
	compStamp []uint32        // per strongly connected component: affected this run
}

// NewEngine returns an engine over m.
func NewEngine(m *risk.Model, opts Options) *Engine {
	n := m.Len()
	e := &Engine{m: m, opts: opts, w: graph.NewWalker(m.Rev), weight: make([]float32, n),
		mark: make([]uint32, n), ownAfter: make([]sovmap.Level, n), effAfter: make([]sovmap.Level, n), mask: make([]uint64, max(1, (m.NumCountries()+63)/64)),
		locCut: make([]bool, m.NumLocations()), locPart: make([]bool, m.NumLocations())}
	now := opts.Assess.Now
	if now.IsZero() {
		now = time.Now()
	}
	e.switching = assess.SwitchingRights(m.KB, m.Inv.Organization.Home, now)
	for u := range int32(n) {
		w := weights[m.Inv.Components[u].Criticality]
		if w == 0 {
			w = 1
		}
		e.weight[u] = float32(w)
		e.total += w
		e.before.ByLevel[m.Effective(u)]++
	}
	if e.opts.Now.IsZero() {
		e.opts.Now = time.Now()
	}
	return e
}

func (e *Engine) next() {
	e.epoch++
	if e.epoch == 0 {
		clear(e.mark)
		clear(e.compStamp)
		e.epoch = 1
	}
	e.seeds, e.partial = e.seeds[:0], e.partial[:0]
}

// Run runs one scenario. declared says it comes from the inventory. With
// detail false only the figures are computed (no hit rows, no names): what
// a sweep needs.
func (e *Engine) Run(ctx context.Context, s sovmap.Scenario, declared, detail bool) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := e.start(s, declared)
	if err := e.selectSeeds(s, r); err != nil {
		if p := s.Pos.String(); p != "" && declared {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return nil, err
	}
	down, degraded := e.w.Walk(e.seeds)
	// A partly hit component that also depends on a lost one is down.
	kept := e.partial[:0]
	for _, u := range e.partial {
		if e.w.Hit(u) == graph.NotHit {
			kept = append(kept, u)
		}
	}
	e.partial = kept
	r.Partial = len(e.partial)
	r.Degraded = len(degraded)
	for _, u := range down {
		if e.w.Hit(u) == graph.Direct {
			r.Direct++
		} else {
			r.Transitive++
		}
		if e.m.Vital(u) {
			r.VitalCount++
			if detail {
				r.VitalHit = append(r.VitalHit, e.m.ID(u))
			}
		}
		if e.m.Critical(u) {
			r.CriticalHit++
		}
		if e.m.HasData(u) {
			r.DataComponents++
		}
		r.Score += float64(e.weight[u])
	}
	for _, u := range degraded {
		r.Score += degradedWeight * float64(e.weight[u])
	}
	for _, u := range e.partial {
		r.Score += partialWeight * float64(e.weight[u])
		if e.m.HasData(u) {
			r.DataComponents++
		}
	}
	if e.total > 0 {
		r.Impact = roundTo(100*r.Score/e.total, 2)
	}
	r.Score = roundTo(r.Score, 2)
	if err := e.levels(ctx, s, r, down, degraded); err != nil {
		return nil, err
	}
	e.restore(s, r, down, e.walkHit)
	if detail {
		e.data(r, down)
		e.rows(r, down, degraded)
	}
	return r, nil
}

// start readies the engine for scenario s and returns its empty result.
func (e *Engine) start(s sovmap.Scenario, declared bool) *Result {
	e.next()
	e.cur = s
	return &Result{ID: s.ID, Kind: s.Kind, Target: s.Target, Description: s.Description, Declared: declared,
		Effect: EffectOf(s.Kind), Basis: hitBasis(s.Kind), Before: e.before, VitalHit: []string{}, Data: []string{}, Hits: []Hit{}}
}

// hitBasis is what a scenario of the kind counts.
func hitBasis(kind string) string {
	return HitBasis[kind] + "; transitive: what runs on them; degraded: what depends on them through a supply edge"
}

func roundTo(x float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}

// jurisdiction sets e.mask to the countries of a country or bloc code.
func (e *Engine) jurisdiction(code string) ([]int, error) {
	idx, ok := e.m.Jurisdiction(code)
	if !ok {
		return nil, fmt.Errorf("unknown jurisdiction %q (a country code or a bloc of the knowledge base)", code)
	}
	clear(e.mask)
	for _, i := range idx {
		e.mask[i/64] |= 1 << (uint(i) % 64)
	}
	return idx, nil
}

func (e *Engine) inMask(c int32) bool { return e.mask[c/64]&(1<<(uint(c)%64)) != 0 }

// codeInMask reports whether the country of a code is in e.mask; an
// unknown code is not.
func (e *Engine) codeInMask(code string) bool {
	c := e.m.Country(code)
	return c >= 0 && e.inMask(int32(c))
}

// candidate reports whether u is seen for the first time this run.
func (e *Engine) candidate(u int32) bool {
	if e.mark[u] == e.epoch {
		return false
	}
	e.mark[u] = e.epoch
	return true
}

// selectSeeds picks the components the scenario hits directly.
func (e *Engine) selectSeeds(s sovmap.Scenario, r *Result) error {
	m := e.m
	switch s.Kind {
	case Compel:
		idx, err := e.jurisdiction(s.Target)
		if err != nil {
			return err
		}
		// Home wins over every tier, so home countries never compel.
		foreign := 0
		for _, i := range idx {
			if m.Tiers.Of(m.CountryCode(int32(i))) == sovmap.TierHome {
				e.mask[i/64] &^= 1 << (uint(i) % 64)
				continue
			}
			foreign++
			for _, u := range m.ExposedTo(int32(i)) {
				if e.candidate(u) {
					e.seeds = append(e.seeds, u)
				}
			}
		}
		if foreign == 0 {
			r.Notes = append(r.Notes, s.Target+" is home: its laws are not foreign compelled access")
		}
		if len(idx) > 1 {
			slices.Sort(e.seeds) // inventory order, whatever the member order
		}
	case ExportControl:
		return e.exportControl(s, r)
	case ProviderExit:
		p, ok := m.ProviderByID(s.Target)
		if !ok {
			return fmt.Errorf("no component depends on provider %q", s.Target)
		}
		e.seeds = append(e.seeds, m.UnderProvider(p)...)
	case RevokeArrangement:
		a := slices.IndexFunc(m.Inv.Arrangements, func(a sovmap.Arrangement) bool { return a.ID == s.Target })
		if a < 0 {
			return fmt.Errorf("no arrangement %q in the inventory", s.Target)
		}
		arr := m.Inv.Arrangements[a]
		if q := e.opts.Assess.Qualifies; q == nil {
			r.Notes = append(r.Notes, fmt.Sprintf("arrangement %s is not treated as a qualifying digital embassy in this assessment, so revoking it changes no level; its components must still move", arr.ID))
		} else if ok, why := q(arr); !ok {
			r.Notes = append(r.Notes, fmt.Sprintf("arrangement %s does not qualify as a digital embassy (%s), so revoking it changes no level; its components must still move", arr.ID, why))
		}
		for u := int32(0); int(u) < m.Len(); u++ {
			if m.ArrangementOf(u) == int32(a) {
				e.seeds = append(e.seeds, u)
			}
		}
	case RegionCut:
		return e.regionCut(s, r)
	case EnergyShortage:
		idx, err := e.jurisdiction(s.Target)
		if err != nil {
			return err
		}
		e.locations(idx, -1)
	default:
		return fmt.Errorf("unknown scenario kind %q (one of %s)", s.Kind, strings.Join(Kinds, ", "))
	}
	return nil
}

// lawsOf lists the laws of the jurisdictions in e.mask that reach u, each
// with the channels it reaches through.
func (e *Engine) lawsOf(u int32) string {
	var laws []string
	vias := map[string][]string{}
	for _, x := range e.m.Report.Components[u].ExposureDetails {
		if e.codeInMask(x.Jurisdiction) {
			law := fmt.Sprintf("%s (%s", x.Law, x.Jurisdiction)
			if _, seen := vias[law]; !seen {
				laws = append(laws, law)
			}
			via := string(x.Via)
			if x.Mitigated {
				via += ", " + e.m.Mitigation(u)
			}
			if !slices.Contains(vias[law], via) {
				vias[law] = append(vias[law], via)
			}
		}
	}
	for i, law := range laws {
		laws[i] = law + ", via " + strings.Join(vias[law], " and ") + ")"
	}
	return strings.Join(laws, "; ")
}

// locations picks the components located in the countries idx (region <
// 0) or in region, by the rule of risk.Model.Placed that the blast radius
// shares: directly when every location is cut wholly, partly when some
// location is cut at least in part (a location in the bloc EU when one
// member's energy runs short; DE and FR when DE is cut).
func (e *Engine) locations(idx []int, region int32) {
	m := e.m
	cut := m.CutCountries(e.inMask)
	if region >= 0 {
		cut = func(l int32) (bool, bool) { return m.Location(l).Region == region, false }
	}
	for i := range int32(m.NumLocations()) {
		whole, part := cut(i)
		e.locCut[i], e.locPart[i] = whole, part
	}
	visit := func(u int32) {
		if !e.candidate(u) {
			return
		}
		switch m.Placed(u, e.cutLocation) {
		case risk.Whole:
			e.seeds = append(e.seeds, u)
		case risk.Partly:
			e.partial = append(e.partial, u)
		}
	}
	if region >= 0 {
		for _, u := range m.InRegion(region) {
			visit(u)
		}
		return
	}
	for _, c := range idx {
		for _, u := range m.LocatedIn(int32(c)) {
			visit(u)
		}
	}
	slices.Sort(e.seeds)
	slices.Sort(e.partial)
}

// cutLocation is the cut of the scenario being run, location by location.
func (e *Engine) cutLocation(l int32) (whole, part bool) { return e.locCut[l], e.locPart[l] }

// reason says why the scenario hits component u directly, or partly: it
// is worked out only for the rows shown, from the state the selection left.
func (e *Engine) reason(u int32, partial bool) string {
	m, s := e.m, e.cur
	what := ""
	switch s.Kind {
	case Compel:
		return "reached by " + e.lawsOf(u)
	case ProviderExit:
		own := m.Provider(m.ProviderOf(u)).ID
		if own == s.Target {
			return "provided by " + own
		}
		return fmt.Sprintf("provided by %s, which %s controls", own, s.Target)
	case RevokeArrangement:
		arr := m.Inv.Arrangements[m.ArrangementOf(u)]
		return fmt.Sprintf("hosted in %s under arrangement %s, which %s revokes", arr.Host, arr.ID, arr.Host)
	case ExportControl:
		p := m.Provider(m.ProviderOf(u))
		if s.Target == Accelerators {
			return fmt.Sprintf("hardware from %s, controlled from %s", p.ID, orUnknown(m.Provider(p.Controller).Country))
		}
		for q := m.ProviderOf(u); q >= 0; q = m.Provider(q).Parent {
			if pq := m.Provider(q); e.codeInMask(pq.Country) {
				return fmt.Sprintf("hardware from %s, subject to %s export controls through %s (%s)", p.ID, s.Target, pq.ID, pq.Country)
			}
		}
		return "hardware subject to " + s.Target + " export controls"
	case EnergyShortage:
		what = "an energy shortage in " + s.Target
	case RegionCut:
		if _, isComponent := m.Index(s.Target); isComponent && !kb.IsRegionID(s.Target) {
			return "is the route or link cut off"
		}
		what = "cutting off " + s.Target
	}
	var cut, kept []string
	for _, l := range m.LocationsOf(u) {
		switch {
		case e.locCut[l]:
			cut = append(cut, m.Location(l).ID)
		case e.locPart[l]:
			// A bloc with members on both sides of the cut.
			cut = append(cut, "part of "+m.Location(l).ID)
			kept = append(kept, "the rest of "+m.Location(l).ID)
		default:
			kept = append(kept, m.Location(l).ID)
		}
	}
	if partial {
		return fmt.Sprintf("loses %s to %s but keeps %s, at reduced capacity", strings.Join(cut, ", "), what, strings.Join(kept, ", "))
	}
	return fmt.Sprintf("located in %s, cut off by %s", strings.Join(cut, ", "), what)
}

func (e *Engine) regionCut(s sovmap.Scenario, r *Result) error {
	m := e.m
	if kb.IsRegionID(s.Target) {
		ri := m.RegionIndex(s.Target)
		if ri < 0 {
			if _, known := m.KB.Region(s.Target); known {
				r.Notes = append(r.Notes, "no component is located in "+s.Target)
				return nil
			}
			return fmt.Errorf("unknown region %q (a provider:region id of the knowledge base)", s.Target)
		}
		e.locations(nil, ri)
		return nil
	}
	if u, ok := m.Index(s.Target); ok {
		e.seeds = append(e.seeds, u)
		return nil
	}
	idx, err := e.jurisdiction(s.Target)
	if err != nil {
		return fmt.Errorf("region-cut target %q is neither a region (provider:region), a component nor a jurisdiction", s.Target)
	}
	e.locations(idx, -1)
	return nil
}

func (e *Engine) exportControl(s sovmap.Scenario, r *Result) error {
	m := e.m
	all := s.Target == Accelerators
	if !all {
		if _, err := e.jurisdiction(s.Target); err != nil {
			return fmt.Errorf("export-control target %q is neither %q nor a jurisdiction", s.Target, Accelerators)
		}
	}
	for _, u := range m.Hardware() {
		p := m.ProviderOf(u)
		ctl := m.Provider(m.Provider(p).Controller)
		if all {
			if ctl.Country == "" || m.Tiers.Of(ctl.Country) != sovmap.TierHome {
				e.seeds = append(e.seeds, u)
			}
			continue
		}
		for q := p; q >= 0; q = m.Provider(q).Parent {
			if e.codeInMask(m.Provider(q).Country) {
				e.seeds = append(e.seeds, u)
				break
			}
		}
	}
	// What the knowledge base says applies to home today.
	type key struct{ name, group, restriction string }
	counts := map[key]int{}
	var order []key
	home, _ := m.KB.Expand(m.Inv.Organization.Home)
	for _, c := range home {
		for _, x := range m.KB.ExportControl(c, e.opts.Now) {
			if !all && !e.regime(x.Regime) {
				continue
			}
			k := key{x.Name, x.Group, x.Restriction}
			if counts[k] == 0 {
				order = append(order, k)
			}
			counts[k]++
		}
	}
	for _, k := range order {
		r.Notes = append(r.Notes, fmt.Sprintf("in force for home: %s puts %s in %s (restriction: %s)", k.name, plural.Count(counts[k], "home country", "home countries"), k.group, k.restriction))
	}
	if len(order) == 0 {
		r.Notes = append(r.Notes, "the knowledge base records no export control on accelerators in force for home today: the scenario is hypothetical")
	}
	return nil
}

// regime reports whether an export-control regime (a country or bloc) is
// in the scenario's target.
func (e *Engine) regime(code string) bool {
	idx, ok := e.m.Jurisdiction(code)
	if !ok {
		return false
	}
	for _, i := range idx {
		if e.inMask(int32(i)) {
			return true
		}
	}
	return false
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown country"
	}
	return s
}

// levels computes the levels after the scenario.
func (e *Engine) levels(ctx context.Context, s sovmap.Scenario, r *Result, down, degraded []int32) error {
	m := e.m
	after := e.before
	r.After = &after
	switch r.Effect {
	case Lost:
		for _, u := range down {
			after.ByLevel[m.Effective(u)]--
			after.Lost++
		}
		return nil
	case SupplyCut:
		return nil
	}
	// Two megabytes per million components: copying beats tracking changes.
	m.CopyLevels(e.ownAfter)
	m.CopyEffectiveLevels(e.effAfter)
	if len(e.seeds) == 0 {
		return nil
	}
	if s.Kind == Compel {
		for _, u := range e.seeds {
			e.ownAfter[u] = e.compelled(u)
		}
	} else if err := e.reassess(ctx, s); err != nil {
		return err
	}
	e.effective(down, degraded)
	for _, list := range [][]int32{down, degraded} {
		for _, u := range list {
			after.ByLevel[m.Effective(u)]--
			after.ByLevel[e.effAfter[u]]++
		}
	}
	return nil
}

// effLevel is component u's effective level after the scenario.
func (e *Engine) effLevel(u int32) sovmap.Level { return e.effAfter[u] }

// effective recomputes effective levels over the components the scenario
// reaches (down and degraded: every component that depends on a seed), in
// dependency order, with the assessment's rule (see effectiveOf).
// Components outside keep their levels: nothing they depend on changed.
func (e *Engine) effective(down, degraded []int32) {
	m := e.m
	if e.compStamp == nil {
		e.compStamp = make([]uint32, len(m.Cond.Members))
	}
	e.comps = e.comps[:0]
	for _, list := range [][]int32{down, degraded} {
		for _, u := range list {
			if c := m.Cond.Comp[u]; e.compStamp[c] != e.epoch {
				e.compStamp[c] = e.epoch
				e.comps = append(e.comps, c)
			}
		}
	}
	if len(e.comps) < len(m.Cond.Members)/16 {
		slices.Sort(e.comps)
		for _, c := range e.comps {
			e.effectiveOf(c)
		}
		return
	}
	// Most of the graph is affected: a scan in dependency order beats a sort.
	for c := range m.Cond.Members {
		if e.compStamp[c] == e.epoch {
			e.effectiveOf(int32(c))
		}
	}
}

// effectiveOf recomputes the effective levels of the members of strongly
// connected component c, whose dependencies are already done, exactly as
// the assessment does: each member takes the minimum of its own level and
// what its outside dependencies pass on; a cycle of runtime edges then
// shares its minimum, and a cycle with supply edges inside relaxes member by
// member, so that a supply edge still costs at most one level.
func (e *Engine) effectiveOf(c int32) {
	m := e.m
	scc := m.Cond.Members[c]
	internalSupply := false
	for _, u := range scc {
		own := e.ownAfter[u]
		eff := own
		deps, supply := m.G.Deps(u)
		for i, v := range deps {
			if m.Cond.Comp[v] == c {
				internalSupply = internalSupply || (supply[i] && v != u)
				continue
			}
			eff = sovmap.Min(eff, through(e.effAfter[v], supply[i], own))
		}
		e.effAfter[u] = eff
	}
	switch {
	case len(scc) == 1:
	case !internalSupply:
		low := sovmap.MaxLevel
		for _, u := range scc {
			low = sovmap.Min(low, e.effAfter[u])
		}
		for _, u := range scc {
			e.effAfter[u] = low
		}
	default:
		e.queue = append(e.queue[:0], scc...)
		for len(e.queue) > 0 {
			v := e.queue[len(e.queue)-1]
			e.queue = e.queue[:len(e.queue)-1]
			users, supply := m.Rev.Deps(v)
			for i, u := range users {
				if m.Cond.Comp[u] != c || u == v {
					continue
				}
				if l := through(e.effAfter[v], supply[i], e.ownAfter[u]); l < e.effAfter[u] {
					e.effAfter[u] = l
					e.queue = append(e.queue, u)
				}
			}
		}
	}
}

// through is what a dependency at level dep passes on to a component of own
// level own: all of it through a runtime edge, at most one level through a
// supply edge.
func through(dep sovmap.Level, supply bool, own sovmap.Level) sovmap.Level {
	if supply {
		return max(dep, own-1)
	}
	return dep
}

// compelled returns component u's own level once the jurisdictions in
// e.mask use their compelled-access laws: the level it would have if they
// were restricted, factor by factor as the assessment computes it. Control
// (the ultimate controller's country), location (unless hosted there under
// a qualifying embassy, which keeps level 3), operations and the governing
// law of the exit terms fall to 0 when they are in the jurisdiction; the
// legal factor falls to 0, or 1 when customer-held keys mitigate it. Keys
// do not depend on tiers. Tests check this rule against re-assessment.
func (e *Engine) compelled(u int32) sovmap.Level {
	m := e.m
	l := m.Level(u)
	if p := m.ProviderOf(u); p >= 0 {
		if e.codeInMask(m.Provider(m.Provider(p).Controller).Country) {
			return sovmap.Exposed
		}
		for _, c := range m.GoverningLaw(u) {
			if !e.inMask(c) {
				continue
			}
			// The Data Act's switching rights hold exit at their floor
			// whatever law governs the contract.
			if !e.statutoryExit(u) {
				return sovmap.Exposed
			}
			l = sovmap.Min(l, sovmap.SovereignPartner)
		}
	}
	host := e.embassyHost(u)
	for _, c := range m.Locations(u) {
		if e.inMask(c) {
			if c != host {
				return sovmap.Exposed
			}
			l = sovmap.Min(l, sovmap.SovereignPartner)
		}
	}
	for _, c := range m.OperatedFrom(u) {
		if e.inMask(c) {
			return sovmap.Exposed
		}
	}
	reached, mitigated := false, true
	for _, x := range m.Report.Components[u].ExposureDetails {
		if e.codeInMask(x.Jurisdiction) {
			reached = true
			mitigated = mitigated && x.Mitigated
		}
	}
	if reached {
		if !mitigated {
			return sovmap.Exposed
		}
		l = sovmap.Min(l, sovmap.Contractual)
	}
	return l
}

// statutoryExit reports whether the Data Act holds u's exit at its floor
// whatever law governs its contract (assess.StatutoryExit), with the
// controller's tier before the scenario: a controller in the compelled
// jurisdiction has already made u exposed.
func (e *Engine) statutoryExit(u int32) bool {
	tier := sovmap.TierUnknown
	if p := e.m.ProviderOf(u); p >= 0 {
		if country := e.m.Provider(e.m.Provider(p).Controller).Country; country != "" {
			tier = e.m.Tiers.Of(country)
		}
	}
	return assess.StatutoryExit(e.switching, &e.m.Inv.Components[u], tier)
}

// embassyHost returns the country index of the host of the qualifying
// arrangement component u is hosted under, or -1.
func (e *Engine) embassyHost(u int32) int32 {
	a := e.m.ArrangementOf(u)
	if a < 0 || e.opts.Assess.Qualifies == nil {
		return -1
	}
	if e.hosts == nil {
		e.hosts = make([]int32, len(e.m.Inv.Arrangements))
		for i, arr := range e.m.Inv.Arrangements {
			e.hosts[i] = -1
			if ok, _ := e.opts.Assess.Qualifies(arr); ok {
				e.hosts[i] = int32(e.m.Country(arr.Host))
			}
		}
	}
	return e.hosts[a]
}

// reassess computes the own levels of the seeds of a revoke-arrangement
// scenario with the assessment engine itself, the arrangement no longer
// qualifying. Own levels depend only on a component's sourcing facts, so
// one representative per distinct set of facts is assessed.
func (e *Engine) reassess(ctx context.Context, s sovmap.Scenario) error {
	m := e.m
	inv := *m.Inv
	inv.Flows, inv.Rules, inv.Scenarios = nil, nil, nil
	opts := e.opts.Assess
	qualifies := opts.Qualifies
	if qualifies == nil {
		// Nothing qualified, so nothing changes.
		return nil
	}
	opts.Qualifies = func(a sovmap.Arrangement) (bool, string) {
		if a.ID == s.Target {
			return false, "revoked by the host"
		}
		return qualifies(a)
	}
	profiles := map[string]int{}
	rep := make([]int, len(e.seeds)) // seed -> representative
	inv.Components = nil
	var key strings.Builder
	for i, u := range e.seeds {
		c := &m.Inv.Components[u]
		key.Reset()
		profileKey(&key, c)
		k := key.String()
		j, ok := profiles[k]
		if !ok {
			j = len(inv.Components)
			profiles[k] = j
			one := *c
			one.DependsOn, one.Alternatives, one.Options = nil, nil, nil
			inv.Components = append(inv.Components, one)
		}
		rep[i] = j
	}
	res, err := assess.Assess(ctx, &inv, m.KB, opts)
	if err != nil {
		return fmt.Errorf("re-assessing for scenario %s: %w", s.ID, err)
	}
	for i, u := range e.seeds {
		e.ownAfter[u] = res.Components[rep[i]].Level
	}
	return nil
}

// profileKey writes every fact of a component an own level may depend on:
// more than the assessment uses today, so that a new factor cannot make two
// different components share a representative.
func profileKey(b *strings.Builder, c *sovmap.Component) {
	field := func(s string) { b.WriteString(s); b.WriteByte(0) }
	list := func(xs []string) {
		for _, x := range xs {
			b.WriteString(x)
			b.WriteByte(',')
		}
		b.WriteByte(0)
	}
	field(c.Provider)
	field(string(c.Layer))
	list(c.Locations)
	list(c.OperatedFrom)
	list(c.Data)
	field(string(c.KeyCustody))
	field(c.Arrangement)
	list(c.Certifications)
	if k := c.Contract; k != nil {
		field(k.GoverningLaw)
		field(string(k.Portability))
		if k.ExitNoticeDays != nil {
			fmt.Fprint(b, *k.ExitNoticeDays)
		}
		b.WriteByte(0)
		for _, p := range []*bool{k.DataReturn, k.AuditRights} {
			switch {
			case p == nil:
				b.WriteByte('?')
			case *p:
				b.WriteByte('y')
			default:
				b.WriteByte('n')
			}
		}
	}
	b.WriteByte(0)
	tags := make([]string, 0, len(c.Tags))
	for k, v := range c.Tags {
		tags = append(tags, k+"="+v)
	}
	sort.Strings(tags)
	list(tags)
}
