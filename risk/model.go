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
type Model struct {
	Inv    *sovmap.Inventory
	Report *sovmap.Report
	KB     *kb.KB
	Tiers  *assess.Tiers

	// G is the dependency graph, Rev its reverse (dependents), RT its
	// runtime subgraph; Cond and RTCond their strongly connected components.
	G, Rev, RT   *graph.Graph
	Cond, RTCond *graph.Condensation

	// Countries are the knowledge base's country codes; a country's index
	// is its bit in the jurisdiction sets.
	Countries []string
	// Exposure is, per component, the jurisdictions whose compelled-access
	// laws reach it directly (ComponentResult.Exposure); Unmitigated the
	// part of it that customer-held keys do not mitigate.
	Exposure, Unmitigated *graph.Sets
	// Involved is, per component, every jurisdiction it involves: the
	// countries it is located in, operated from, and those of its
	// provider's chain of control.
	Involved *graph.Sets

	// LocOff/LocCountry list each component's location countries:
	// LocCountry[LocOff[n]:LocOff[n+1]] (country indexes).
	LocOff, LocCountry []int32
	// RegionOff/RegionOf list each component's provider:region locations,
	// as indexes into Regions.
	RegionOff, RegionOf []int32
	Regions             []string

	// DataOff/DataOf list each component's data classes, as indexes into
	// Classes.
	DataOff, DataOf []int32
	Classes         []string

	// Provider is each component's index into Providers, -1 when the
	// organization runs it itself.
	Provider  []int32
	Providers []ProviderInfo
	// ProviderIndex maps a provider id to its index in Providers.
	ProviderIndex map[string]int32

	// Arrangement is each component's index into Inv.Arrangements, or -1.
	Arrangement []int32
	// Vital and Critical mark components of criticality vital, and vital
	// or high.
	Vital, Critical []bool
	// Level and Effective are the assessed own and effective levels.
	Level, Effective []sovmap.Level
	// NoticeDays and MigrationDays come from the inventory (contract
	// exit_notice_days, migration_days); -1 when not stated.
	NoticeDays, MigrationDays []int32
	// AltOff/AltOf list each component's declared alternative components.
	AltOff, AltOf []int32

	// OpOff/OpCountry list the countries each component is operated from.
	OpOff, OpCountry []int32
	// GovLaw is the index into GovLaws of each component's contract
	// governing law (the countries it stands for), or -1.
	GovLaw  []int32
	GovLaws [][]int32

	// LocOf lists each component's locations as written, interned into
	// Locs: Locs[LocOf[LocIDOff[n]:LocIDOff[n+1]]].
	LocIDOff, LocOf []int32
	Locs            []Location

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
	// Region is its index in Model.Regions, or -1 for a country or bloc.
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
	n := len(inv.Components)
	m := &Model{Inv: inv, Report: rep, KB: k, Tiers: tiers, Countries: k.CountryCodes(), ProviderIndex: map[string]int32{}}
	m.G = graph.BuildIndexed(inv.Components, inv.ComponentIndex)
	m.Rev = m.G.Reverse()
	m.RT = m.G.Runtime()
	m.Cond = m.G.Condense()
	m.RTCond = m.RT.Condense()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	width := len(m.Countries)
	m.Exposure = graph.NewSets(n, width)
	m.Unmitigated = graph.NewSets(n, width)
	m.Involved = graph.NewSets(n, width)
	m.Provider = make([]int32, n)
	m.Arrangement = make([]int32, n)
	m.Vital, m.Critical = make([]bool, n), make([]bool, n)
	m.Level, m.Effective = make([]sovmap.Level, n), make([]sovmap.Level, n)
	m.NoticeDays, m.MigrationDays, m.migration = make([]int32, n), make([]int32, n), make([]int32, n)
	m.LocOff, m.RegionOff, m.DataOff, m.AltOff = make([]int32, n+1), make([]int32, n+1), make([]int32, n+1), make([]int32, n+1)
	m.LocIDOff = make([]int32, n+1)
	m.OpOff = make([]int32, n+1)
	m.GovLaw = make([]int32, n)
	govIndex := map[string]int32{}

	arrangements := map[string]int32{}
	for i, a := range inv.Arrangements {
		arrangements[a.ID] = int32(i)
	}
	regionIndex := map[string]int32{}
	classIndex := map[string]int32{}
	locCache := map[string][]int32{} // location string -> country indexes
	locIndex := map[string]int32{}
	countries := func(loc string) []int32 {
		if cs, ok := locCache[loc]; ok {
			return cs
		}
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
		locCache[loc] = cs
		return cs
	}
	for i := range inv.Components {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c, r := &inv.Components[i], &rep.Components[i]
		u := int32(i)
		m.Level[i], m.Effective[i] = r.Level, r.EffectiveLevel
		m.Vital[i] = c.Criticality == sovmap.CriticalityVital
		m.Critical[i] = c.Criticality.Critical()
		m.Provider[i] = -1
		if c.Provider != "" {
			m.Provider[i] = m.provider(c.Provider)
			for p := m.Provider[i]; p >= 0; p = m.Providers[p].Parent {
				if ci := k.CountryIndex(m.Providers[p].Country); ci >= 0 {
					m.Involved.Add(u, ci)
				}
			}
		}
		m.Arrangement[i] = -1
		if a, ok := arrangements[c.Arrangement]; ok && c.Arrangement != "" {
			m.Arrangement[i] = a
		}
		for _, e := range r.ExposureDetails {
			if ci := k.CountryIndex(e.Jurisdiction); ci >= 0 {
				m.Exposure.Add(u, ci)
				if !e.Mitigated {
					m.Unmitigated.Add(u, ci)
				}
			}
		}
		for _, j := range r.Exposure {
			if ci := k.CountryIndex(j); ci >= 0 {
				m.Exposure.Add(u, ci)
			}
		}
		start := len(m.LocCountry)
		for _, loc := range c.Locations {
			for _, ci := range countries(loc) {
				if !slices.Contains(m.LocCountry[start:], ci) {
					m.LocCountry = append(m.LocCountry, ci)
				}
				m.Involved.Add(u, int(ci))
			}
			ri := int32(-1)
			if kb.IsRegionID(loc) {
				var ok bool
				if ri, ok = regionIndex[loc]; !ok {
					ri = int32(len(m.Regions))
					regionIndex[loc] = ri
					m.Regions = append(m.Regions, loc)
				}
				m.RegionOf = append(m.RegionOf, ri)
			}
			li, ok := locIndex[loc]
			if !ok {
				li = int32(len(m.Locs))
				locIndex[loc] = li
				m.Locs = append(m.Locs, Location{ID: loc, Countries: countries(loc), Region: ri})
			}
			m.LocOf = append(m.LocOf, li)
		}
		m.LocIDOff[i+1] = int32(len(m.LocOf))
		m.LocOff[i+1] = int32(len(m.LocCountry))
		m.RegionOff[i+1] = int32(len(m.RegionOf))
		start = len(m.OpCountry)
		for _, o := range c.OperatedFrom {
			for _, ci := range countries(o) {
				m.Involved.Add(u, int(ci))
				if !slices.Contains(m.OpCountry[start:], ci) {
					m.OpCountry = append(m.OpCountry, ci)
				}
			}
		}
		m.OpOff[i+1] = int32(len(m.OpCountry))
		m.GovLaw[i] = -1
		if c.Contract != nil && c.Contract.GoverningLaw != "" {
			law := c.Contract.GoverningLaw
			gi, ok := govIndex[law]
			if !ok {
				gi = int32(len(m.GovLaws))
				govIndex[law] = gi
				m.GovLaws = append(m.GovLaws, countries(law))
			}
			m.GovLaw[i] = gi
		}
		for _, d := range c.Data {
			ci, ok := classIndex[d]
			if !ok {
				ci = int32(len(m.Classes))
				classIndex[d] = ci
				m.Classes = append(m.Classes, d)
			}
			m.DataOf = append(m.DataOf, ci)
		}
		m.DataOff[i+1] = int32(len(m.DataOf))
		m.NoticeDays[i], m.MigrationDays[i] = -1, -1
		if c.Contract != nil && c.Contract.ExitNoticeDays != nil {
			m.NoticeDays[i] = int32(*c.Contract.ExitNoticeDays)
		}
		m.migration[i] = m.defaultMigration(i)
		if c.MigrationDays != nil {
			m.MigrationDays[i] = int32(*c.MigrationDays)
			m.migration[i] = m.MigrationDays[i]
		}
		for _, alt := range c.Alternatives {
			if j, ok := m.G.Index[alt]; ok && j != u {
				m.AltOf = append(m.AltOf, j)
			}
		}
		m.AltOff[i+1] = int32(len(m.AltOf))
	}
	return m, nil
}

// provider interns a provider and its chain of control, looking each up in
// the inventory first and the knowledge base second, as the assessment
// does. A cycle of parents stops where it would repeat, so the last entity
// before the repeat is the ultimate controller, as in the assessment.
func (m *Model) provider(id string) int32 {
	if i, ok := m.ProviderIndex[id]; ok {
		return i
	}
	var chain []string
	seen := map[string]bool{}
	for cur := id; cur != "" && !seen[cur]; {
		seen[cur] = true
		chain = append(chain, cur)
		if _, known := m.ProviderIndex[cur]; known {
			break
		}
		cur = m.lookup(cur).parent
	}
	for k := len(chain) - 1; k >= 0; k-- {
		if _, known := m.ProviderIndex[chain[k]]; known {
			continue
		}
		f := m.lookup(chain[k])
		i := int32(len(m.Providers))
		info := ProviderInfo{ID: chain[k], Name: f.name, Country: f.country, Parent: -1, Controller: i, Alternatives: f.alternatives}
		if k+1 < len(chain) {
			info.Parent = m.ProviderIndex[chain[k+1]]
			info.Controller = m.Providers[info.Parent].Controller
		}
		m.ProviderIndex[chain[k]] = i
		m.Providers = append(m.Providers, info)
	}
	return m.ProviderIndex[id]
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

// OperatedFrom returns the countries component n is operated from (indexes).
func (m *Model) OperatedFrom(n int32) []int32 { return m.OpCountry[m.OpOff[n]:m.OpOff[n+1]] }

// LocationsOf returns component n's locations as written (indexes into Locs).
func (m *Model) LocationsOf(n int32) []int32 { return m.LocOf[m.LocIDOff[n]:m.LocIDOff[n+1]] }

func (m *Model) invert() {
	m.inverted.Do(func() {
		m.byProvider = make([][]int32, len(m.Providers))
		m.byCountry = make([][]int32, len(m.Countries))
		m.byRegion = make([][]int32, len(m.Regions))
		m.byExposure = make([][]int32, len(m.Countries))
		var js []int
		for u := int32(0); int(u) < m.Len(); u++ {
			if m.Provider[u] >= 0 && m.Inv.Components[u].Layer == sovmap.LayerHardware {
				m.hardware = append(m.hardware, u)
			}
			js = m.Exposure.Members(js[:0], u)
			for _, j := range js {
				m.byExposure[j] = append(m.byExposure[j], u)
			}
			for p := m.Provider[u]; p >= 0; p = m.Providers[p].Parent {
				m.byProvider[p] = append(m.byProvider[p], u)
			}
			for _, c := range m.Locations(u) {
				m.byCountry[c] = append(m.byCountry[c], u)
			}
			for _, r := range m.RegionsOf(u) {
				if k := len(m.byRegion[r]); k == 0 || m.byRegion[r][k-1] != u {
					m.byRegion[r] = append(m.byRegion[r], u)
				}
			}
		}
	})
}

// UnderProvider returns the components provider p supplies itself or
// through a provider it controls, in inventory order.
func (m *Model) UnderProvider(p int32) []int32 { m.invert(); return m.byProvider[p] }

// LocatedIn returns the components with a location in country c.
func (m *Model) LocatedIn(c int32) []int32 { m.invert(); return m.byCountry[c] }

// ExposedTo returns the components that the compelled-access laws of
// country c reach directly.
func (m *Model) ExposedTo(c int32) []int32 { m.invert(); return m.byExposure[c] }

// RuntimeReverse returns the reverse of the runtime subgraph: each
// component's runtime dependents. It is built on first use.
func (m *Model) RuntimeReverse() *graph.Graph {
	m.rtRevOnce.Do(func() { m.rtRev = m.RT.Reverse() })
	return m.rtRev
}

// Hardware returns the hardware-layer components that have a provider.
func (m *Model) Hardware() []int32 { m.invert(); return m.hardware }

// InRegion returns the components with provider:region location r.
func (m *Model) InRegion(r int32) []int32 { m.invert(); return m.byRegion[r] }

// Len returns the number of components.
func (m *Model) Len() int { return len(m.Inv.Components) }

// ID returns component n's id.
func (m *Model) ID(n int32) string { return m.G.IDs[n] }

// Locations returns component n's location countries (indexes).
func (m *Model) Locations(n int32) []int32 { return m.LocCountry[m.LocOff[n]:m.LocOff[n+1]] }

// RegionsOf returns component n's provider:region locations (indexes into Regions).
func (m *Model) RegionsOf(n int32) []int32 { return m.RegionOf[m.RegionOff[n]:m.RegionOff[n+1]] }

// Data returns component n's data classes (indexes into Classes).
func (m *Model) Data(n int32) []int32 { return m.DataOf[m.DataOff[n]:m.DataOff[n+1]] }

// Alternatives returns component n's declared alternative components.
func (m *Model) Alternatives(n int32) []int32 { return m.AltOf[m.AltOff[n]:m.AltOff[n+1]] }

// Controls reports whether provider p is provider q or one of q's parents:
// whether p's exit takes q's components with it.
func (m *Model) Controls(p, q int32) bool {
	for ; q >= 0; q = m.Providers[q].Parent {
		if q == p {
			return true
		}
	}
	return false
}

// Country returns the country index of a code, or -1.
func (m *Model) Country(code string) int { return m.KB.CountryIndex(code) }

// Jurisdiction expands a country or bloc code into country indexes; ok is
// false when the knowledge base knows neither.
func (m *Model) Jurisdiction(code string) (idx []int, ok bool) {
	members, ok := m.KB.Expand(code)
	if !ok {
		return nil, false
	}
	for _, c := range members {
		if i := m.KB.CountryIndex(c); i >= 0 {
			idx = append(idx, i)
		}
	}
	return idx, true
}

// TransitiveExposure returns, for every component, the jurisdictions whose
// compelled-access laws reach it directly or through what it runs on (its
// runtime dependencies, transitively). Components of a runtime cycle share
// one set. Linear in components plus runtime edges.
func (m *Model) TransitiveExposure() *graph.Sets {
	return m.RT.Closure(m.Exposure, m.RTCond)
}
