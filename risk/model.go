// Package risk analyses what an assessed inventory depends on: the vendor
// risk register (shares, concentration, exposure, substitutability, exit
// time, framework scores, a risk score with its reasons) and the dependency
// graph analysis (single points of failure, blast radius per component,
// provider, jurisdiction and region, and the chains that explain each
// exposure).
//
// Both work on a Model: the inventory and its assessment interned into
// dense arrays (component, provider, country, region and data-class
// indexes, CSR adjacency, jurisdiction bitsets), built once and shared,
// read-only, by every analysis and by the scenario package.
package risk

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/kb"
)

// Model is an assessed inventory in array form. Component n is
// Inv.Components[n] and Report.Components[n]. It is read-only once built
// and safe for concurrent use.
//
// What it was built from (Inv, Report, KB, Tiers) and its graphs (values of
// the graph package, read through that package's API) are fields; the
// arrays it interns are not: other packages read them through the methods
// of access.go, so that their layout can change without touching them.
type Model struct {
	Inv    *sovmap.Inventory
	Report *sovmap.Report
	KB     *kb.KB
	Tiers  *assess.Tiers

	// G is the dependency graph, Rev its reverse (dependents), RT its
	// runtime subgraph; Cond and RTCond their strongly connected components.
	G, Rev, RT   *graph.Graph
	Cond, RTCond *graph.Condensation

	// countries are the knowledge base's country codes; a country's index
	// is its bit in the jurisdiction sets.
	countries []string
	// exposure is, per component, the jurisdictions whose compelled-access
	// laws reach it directly (ComponentResult.Exposure); unmitigated the
	// part of it that customer-held keys do not mitigate.
	exposure, unmitigated *graph.Sets
	// involved is, per component, every jurisdiction it involves: the
	// countries it is located in, operated from, and those of its
	// provider's chain of control.
	involved *graph.Sets

	// locOff/locCountry list each component's location countries:
	// locCountry[locOff[n]:locOff[n+1]] (country indexes).
	locOff, locCountry []int32
	// regionOff/regionOf list each component's provider:region locations,
	// as indexes into regions.
	regionOff, regionOf []int32
	regions             []string

	// dataOff/dataOf list each component's data classes, as indexes into
	// classes.
	dataOff, dataOf []int32
	classes         []string

	// provider is each component's index into providers, -1 when the
	// organization runs it itself.
	provider  []int32
	providers []ProviderInfo
	// providerIndex maps a provider id to its index in providers.
	providerIndex map[string]int32

	// arrangement is each component's index into Inv.Arrangements, or -1.
	arrangement []int32
	// vital and critical mark components of criticality vital, and vital
	// or high.
	vital, critical []bool
	// level and effective are the assessed own and effective levels.
	level, effective []sovmap.Level
	// noticeDays and migrationDays come from the inventory (contract
	// exit_notice_days, migration_days); -1 when not stated.
	noticeDays, migrationDays []int32
	// altOff/altOf list each component's declared alternative components.
	altOff, altOf []int32

	// opOff/opCountry list the countries each component is operated from.
	opOff, opCountry []int32
	// govLaw is the index into govLaws of each component's contract
	// governing law (the countries it stands for), or -1.
	govLaw  []int32
	govLaws [][]int32

	// locOf lists each component's locations as written, interned into
	// locs: locs[locOf[locIDOff[n]:locIDOff[n+1]]].
	locIDOff, locOf []int32
	locs            []Location

	invProviders map[string]*sovmap.Provider
	inverted     sync.Once
	byProvider   [][]int32
	byCountry    [][]int32
	byRegion     [][]int32
	byExposure   [][]int32
	rtRevOnce    sync.Once
	rtRev        *graph.Graph
	hardware     []int32
	migration    []int32 // resolved: stated or the layer default
}

// Location is a location string of the inventory (a country, a bloc or a
// provider:region id) and what it stands for.
type Location struct {
	ID string
	// Countries are the country indexes it covers.
	Countries []int32
	// Region is its index among the model's regions (Model.Region), or -1 for a country or bloc.
	Region int32
}

// ProviderInfo is a provider of the inventory or the knowledge base that a
// component's chain of control passes through.
type ProviderInfo struct {
	ID      string
	Name    string
	Country string // "" when unknown
	// Parent is the index of its controlling provider, -1 for none.
	Parent int32
	// Controller is the index of its ultimate controller (itself when it
	// has no parent).
	Controller int32
	// Alternatives are the providers the inventory says could replace it.
	Alternatives []string
}

// NewModel interns an inventory and its assessment. rep must be the
// assessment of inv (components in the same order).
func NewModel(ctx context.Context, inv *sovmap.Inventory, rep *sovmap.Report, k *kb.KB) (*Model, error) {
	if len(rep.Components) != len(inv.Components) {
		return nil, fmt.Errorf("assessment has %d components, inventory %d", len(rep.Components), len(inv.Components))
	}
	tiers, err := assess.NewTiers(k, inv.Organization)
	if err != nil {
		return nil, err
	}
	m := &Model{Inv: inv, Report: rep, KB: k, Tiers: tiers, countries: k.CountryCodes(), providerIndex: map[string]int32{}}
	m.G = graph.Build(inv.Components)
	m.Rev = m.G.Reverse()
	m.RT = m.G.Runtime()
	m.Cond = m.G.Condense()
	m.RTCond = m.RT.Condense()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.allocate(len(inv.Components))
	b := newBuilder(m)
	for i := range inv.Components {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		b.component(int32(i))
	}
	return m, nil
}

// allocate makes the per-component arrays of n components.
func (m *Model) allocate(n int) {
	width := len(m.countries)
	m.exposure = graph.NewSets(n, width)
	m.unmitigated = graph.NewSets(n, width)
	m.involved = graph.NewSets(n, width)
	m.provider = make([]int32, n)
	m.arrangement = make([]int32, n)
	m.vital, m.critical = make([]bool, n), make([]bool, n)
	m.level, m.effective = make([]sovmap.Level, n), make([]sovmap.Level, n)
	m.noticeDays, m.migrationDays, m.migration = make([]int32, n), make([]int32, n), make([]int32, n)
	m.locOff, m.regionOff, m.dataOff, m.altOff = make([]int32, n+1), make([]int32, n+1), make([]int32, n+1), make([]int32, n+1)
	m.locIDOff = make([]int32, n+1)
	m.opOff = make([]int32, n+1)
	m.govLaw = make([]int32, n)
}

// builder holds what NewModel needs only while it interns the components,
// one after the other: the indexes of what is interned so far.
type builder struct {
	m            *Model
	arrangements map[string]int32   // arrangement id -> index in Inv.Arrangements
	regions      map[string]int32   // provider:region id -> index in m.regions
	classes      map[string]int32   // data class -> index in m.classes
	locs         map[string]int32   // location as written -> index in m.locs
	govLaws      map[string]int32   // governing law -> index in m.govLaws
	countries    map[string][]int32 // location string -> country indexes
}

func newBuilder(m *Model) *builder {
	b := &builder{m: m, arrangements: map[string]int32{}, regions: map[string]int32{}, classes: map[string]int32{},
		locs: map[string]int32{}, govLaws: map[string]int32{}, countries: map[string][]int32{}}
	for i, a := range m.Inv.Arrangements {
		b.arrangements[a.ID] = int32(i)
	}
	return b
}

// intern returns the index of key, giving it next when it is new; added
// says so, for the caller to append what the index stands for.
func intern(index map[string]int32, key string, next int) (i int32, added bool) {
	if i, ok := index[key]; ok {
		return i, false
	}
	index[key] = int32(next)
	return int32(next), true
}

// countriesOf returns the country indexes a location string stands for: a
// region's country, or a country's or bloc's members.
func (b *builder) countriesOf(loc string) []int32 {
	if cs, ok := b.countries[loc]; ok {
		return cs
	}
	k := b.m.KB
	var cs []int32
	if kb.IsRegionID(loc) {
		if r, ok := k.Region(loc); ok {
			if i := k.CountryIndex(r.Country); i >= 0 {
				cs = append(cs, int32(i))
			}
		}
	} else if members, ok := k.Expand(loc); ok {
		for _, c := range members {
			if i := k.CountryIndex(c); i >= 0 {
				cs = append(cs, int32(i))
			}
		}
	}
	b.countries[loc] = cs
	return cs
}

// component interns component u.
func (b *builder) component(u int32) {
	m := b.m
	c, r := &m.Inv.Components[u], &m.Report.Components[u]
	m.level[u], m.effective[u] = r.Level, r.EffectiveLevel
	m.vital[u] = c.Criticality == sovmap.CriticalityVital
	m.critical[u] = c.Criticality.Critical()
	b.provider(u, c)
	m.arrangement[u] = -1
	if a, ok := b.arrangements[c.Arrangement]; ok && c.Arrangement != "" {
		m.arrangement[u] = a
	}
	b.exposure(u, r)
	b.locations(u, c)
	b.operations(u, c)
	b.data(u, c)
	b.exit(u, c)
	for _, alt := range c.Alternatives {
		if j, ok := m.G.Index[alt]; ok && j != u {
			m.altOf = append(m.altOf, j)
		}
	}
	m.altOff[u+1] = int32(len(m.altOf))
}

// provider interns component u's provider and its chain of control, whose
// countries u involves.
func (b *builder) provider(u int32, c *sovmap.Component) {
	m := b.m
	m.provider[u] = -1
	if c.Provider == "" {
		return
	}
	m.provider[u] = m.internProvider(c.Provider)
	for p := m.provider[u]; p >= 0; p = m.providers[p].Parent {
		if ci := m.KB.CountryIndex(m.providers[p].Country); ci >= 0 {
			m.involved.Add(u, ci)
		}
	}
}

// exposure records the jurisdictions whose compelled-access laws reach
// component u, and those that customer-held keys do not mitigate.
func (b *builder) exposure(u int32, r *sovmap.ComponentResult) {
	m := b.m
	for _, e := range r.ExposureDetails {
		if ci := m.KB.CountryIndex(e.Jurisdiction); ci >= 0 {
			m.exposure.Add(u, ci)
			if !e.Mitigated {
				m.unmitigated.Add(u, ci)
			}
		}
	}
	for _, j := range r.Exposure {
		if ci := m.KB.CountryIndex(j); ci >= 0 {
			m.exposure.Add(u, ci)
		}
	}
}

// locations interns component u's locations: the countries they cover,
// their provider:regions, and each location as written.
func (b *builder) locations(u int32, c *sovmap.Component) {
	m := b.m
	start := len(m.locCountry)
	for _, loc := range c.Locations {
		for _, ci := range b.countriesOf(loc) {
			if !slices.Contains(m.locCountry[start:], ci) {
				m.locCountry = append(m.locCountry, ci)
			}
			m.involved.Add(u, int(ci))
		}
		ri := int32(-1)
		if kb.IsRegionID(loc) {
			var added bool
			if ri, added = intern(b.regions, loc, len(m.regions)); added {
				m.regions = append(m.regions, loc)
			}
			m.regionOf = append(m.regionOf, ri)
		}
		li, added := intern(b.locs, loc, len(m.locs))
		if added {
			m.locs = append(m.locs, Location{ID: loc, Countries: b.countriesOf(loc), Region: ri})
		}
		m.locOf = append(m.locOf, li)
	}
	m.locIDOff[u+1] = int32(len(m.locOf))
	m.locOff[u+1] = int32(len(m.locCountry))
	m.regionOff[u+1] = int32(len(m.regionOf))
}

// operations interns the countries component u is operated from and the
// governing law of its contract.
func (b *builder) operations(u int32, c *sovmap.Component) {
	m := b.m
	start := len(m.opCountry)
	for _, o := range c.OperatedFrom {
		for _, ci := range b.countriesOf(o) {
			m.involved.Add(u, int(ci))
			if !slices.Contains(m.opCountry[start:], ci) {
				m.opCountry = append(m.opCountry, ci)
			}
		}
	}
	m.opOff[u+1] = int32(len(m.opCountry))
	m.govLaw[u] = -1
	if c.Contract != nil && c.Contract.GoverningLaw != "" {
		law := c.Contract.GoverningLaw
		gi, added := intern(b.govLaws, law, len(m.govLaws))
		if added {
			m.govLaws = append(m.govLaws, b.countriesOf(law))
		}
		m.govLaw[u] = gi
	}
}

// data interns component u's data classes.
func (b *builder) data(u int32, c *sovmap.Component) {
	m := b.m
	for _, d := range c.Data {
		ci, added := intern(b.classes, d, len(m.classes))
		if added {
			m.classes = append(m.classes, d)
		}
		m.dataOf = append(m.dataOf, ci)
	}
	m.dataOff[u+1] = int32(len(m.dataOf))
}

// exit records component u's exit notice and migration time, stated or
// (migration) the layer default.
func (b *builder) exit(u int32, c *sovmap.Component) {
	m := b.m
	m.noticeDays[u], m.migrationDays[u] = -1, -1
	if c.Contract != nil && c.Contract.ExitNoticeDays != nil {
		m.noticeDays[u] = int32(*c.Contract.ExitNoticeDays)
	}
	m.migration[u] = m.defaultMigration(int(u))
	if c.MigrationDays != nil {
		m.migrationDays[u] = int32(*c.MigrationDays)
		m.migration[u] = m.migrationDays[u]
	}
}

// internProvider interns a provider and its chain of control, looking each up in
// the inventory first and the knowledge base second, as the assessment
// does. A cycle of parents stops where it would repeat, so the last entity
// before the repeat is the ultimate controller, as in the assessment.
func (m *Model) internProvider(id string) int32 {
	if i, ok := m.providerIndex[id]; ok {
		return i
	}
	var chain []string
	seen := map[string]bool{}
	for cur := id; cur != "" && !seen[cur]; {
		seen[cur] = true
		chain = append(chain, cur)
		if _, known := m.providerIndex[cur]; known {
			break
		}
		cur = m.lookup(cur).parent
	}
	for k := len(chain) - 1; k >= 0; k-- {
		if _, known := m.providerIndex[chain[k]]; known {
			continue
		}
		f := m.lookup(chain[k])
		i := int32(len(m.providers))
		info := ProviderInfo{ID: chain[k], Name: f.name, Country: f.country, Parent: -1, Controller: i, Alternatives: f.alternatives}
		if k+1 < len(chain) {
			info.Parent = m.providerIndex[chain[k+1]]
			info.Controller = m.providers[info.Parent].Controller
		}
		m.providerIndex[chain[k]] = i
		m.providers = append(m.providers, info)
	}
	return m.providerIndex[id]
}

type providerFacts struct {
	name, country, parent string
	alternatives          []string
}

func (m *Model) lookup(id string) providerFacts {
	var f providerFacts
	if m.invProviders == nil {
		m.invProviders = make(map[string]*sovmap.Provider, len(m.Inv.Providers))
		for j := range m.Inv.Providers {
			m.invProviders[m.Inv.Providers[j].ID] = &m.Inv.Providers[j]
		}
	}
	if p, ok := m.invProviders[id]; ok {
		f = providerFacts{p.Name, p.Country, p.Parent, p.Alternatives}
	}
	if kp, ok := m.KB.Provider(id); ok {
		if f.name == "" {
			f.name = kp.Name
		}
		if f.country == "" {
			f.country = kp.Country
		}
		if f.parent == "" {
			f.parent = kp.Parent
		}
	}
	return f
}
