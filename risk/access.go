package risk

import (
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
)

// This file is the Model's read API. Other packages (the scenario engine
// first) read the model only through these methods, so that the arrays
// behind them can change shape without touching their callers. The methods
// are small enough to be inlined: reading through them costs what reading
// the arrays did.
//
// Indexes: a component is an int32 in [0, Len()); a provider an int32 in
// [0, NumProviders()); a country an index in [0, NumCountries()), which is
// also its bit in the jurisdiction sets; a region, a location and a data
// class likewise. Slices returned are the model's own: read them, never
// write them.

// Components.

// Len returns the number of components.
func (m *Model) Len() int { return len(m.Inv.Components) }

// ID returns component n's id.
func (m *Model) ID(n int32) string { return m.G.IDs[n] }

// Index returns the component with the given id.
func (m *Model) Index(id string) (n int32, ok bool) {
	n, ok = m.G.Index[id]
	return n, ok
}

// Vital reports whether component n is of criticality vital.
func (m *Model) Vital(n int32) bool { return m.vital[n] }

// Critical reports whether component n is of criticality vital or high.
func (m *Model) Critical(n int32) bool { return m.critical[n] }

// Level returns component n's assessed own level.
func (m *Model) Level(n int32) sovmap.Level { return m.level[n] }

// Effective returns component n's assessed effective level.
func (m *Model) Effective(n int32) sovmap.Level { return m.effective[n] }

// CopyLevels copies every component's own level into dst (len Len()).
func (m *Model) CopyLevels(dst []sovmap.Level) { copy(dst, m.level) }

// CopyEffectiveLevels copies every component's effective level into dst
// (len Len()).
func (m *Model) CopyEffectiveLevels(dst []sovmap.Level) { copy(dst, m.effective) }

// Alternatives returns component n's declared alternative components.
func (m *Model) Alternatives(n int32) []int32 { return m.altOf[m.altOff[n]:m.altOff[n+1]] }

// ArrangementOf returns component n's index into Inv.Arrangements, or -1
// when it is hosted under none.
func (m *Model) ArrangementOf(n int32) int32 { return m.arrangement[n] }

// NoticeDaysOf returns component n's contract exit notice and whether the
// inventory states one.
func (m *Model) NoticeDaysOf(n int32) (days int, stated bool) {
	return int(m.noticeDays[n]), m.noticeDays[n] >= 0
}

// Providers.

// ProviderOf returns the provider of component n, or -1 when the
// organization runs it itself.
func (m *Model) ProviderOf(n int32) int32 { return m.provider[n] }

// NumProviders returns the number of providers: those of the components
// and every provider of their chains of control.
func (m *Model) NumProviders() int { return len(m.providers) }

// Provider returns provider p: the model's own record, to read, never to
// write.
func (m *Model) Provider(p int32) *ProviderInfo { return &m.providers[p] }

// ProviderByID returns the provider with the given id.
func (m *Model) ProviderByID(id string) (p int32, ok bool) {
	p, ok = m.providerIndex[id]
	return p, ok
}

// Controls reports whether provider p is provider q or one of q's parents:
// whether p's exit takes q's components with it.
func (m *Model) Controls(p, q int32) bool {
	for ; q >= 0; q = m.providers[q].Parent {
		if q == p {
			return true
		}
	}
	return false
}

// Places: countries, regions and locations as written.

// NumCountries returns the number of countries of the knowledge base.
func (m *Model) NumCountries() int { return len(m.countries) }

// CountryCode returns the code of country c.
func (m *Model) CountryCode(c int32) string { return m.countries[c] }

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

// Locations returns component n's location countries (indexes).
func (m *Model) Locations(n int32) []int32 { return m.locCountry[m.locOff[n]:m.locOff[n+1]] }

// OperatedFrom returns the countries component n is operated from (indexes).
func (m *Model) OperatedFrom(n int32) []int32 { return m.opCountry[m.opOff[n]:m.opOff[n+1]] }

// GoverningLaw returns the countries of component n's contract governing
// law (indexes); nil when no contract states one.
func (m *Model) GoverningLaw(n int32) []int32 {
	if g := m.govLaw[n]; g >= 0 {
		return m.govLaws[g]
	}
	return nil
}

// NumRegions returns the number of provider:region locations in use.
func (m *Model) NumRegions() int { return len(m.regions) }

// Region returns the provider:region id of region r.
func (m *Model) Region(r int32) string { return m.regions[r] }

// RegionIndex returns the region with the given provider:region id, or -1
// when no component is located in it.
func (m *Model) RegionIndex(id string) int32 {
	for r, x := range m.regions {
		if x == id {
			return int32(r)
		}
	}
	return -1
}

// RegionsOf returns component n's provider:region locations (regions).
func (m *Model) RegionsOf(n int32) []int32 { return m.regionOf[m.regionOff[n]:m.regionOff[n+1]] }

// NumLocations returns the number of distinct locations as written.
func (m *Model) NumLocations() int { return len(m.locs) }

// Location returns location l: the model's own record, to read, never to
// write.
func (m *Model) Location(l int32) *Location { return &m.locs[l] }

// LocationsOf returns component n's locations as written (locations).
func (m *Model) LocationsOf(n int32) []int32 { return m.locOf[m.locIDOff[n]:m.locIDOff[n+1]] }

// Data classes.

// NumClasses returns the number of distinct data classes.
func (m *Model) NumClasses() int { return len(m.classes) }

// Class returns the name of data class d.
func (m *Model) Class(d int32) string { return m.classes[d] }

// Data returns component n's data classes.
func (m *Model) Data(n int32) []int32 { return m.dataOf[m.dataOff[n]:m.dataOff[n+1]] }

// HasData reports whether component n holds any data class.
func (m *Model) HasData(n int32) bool { return m.dataOff[n+1] > m.dataOff[n] }

// Inverted indexes, built together on first use.

func (m *Model) invert() {
	m.inverted.Do(func() {
		m.byProvider = make([][]int32, len(m.providers))
		m.byCountry = make([][]int32, len(m.countries))
		m.byRegion = make([][]int32, len(m.regions))
		m.byExposure = make([][]int32, len(m.countries))
		var js []int
		for u := int32(0); int(u) < m.Len(); u++ {
			if m.provider[u] >= 0 && m.Inv.Components[u].Layer == sovmap.LayerHardware {
				m.hardware = append(m.hardware, u)
			}
			js = m.exposure.Members(js[:0], u)
			for _, j := range js {
				m.byExposure[j] = append(m.byExposure[j], u)
			}
			for p := m.provider[u]; p >= 0; p = m.providers[p].Parent {
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

// Hardware returns the hardware-layer components that have a provider.
func (m *Model) Hardware() []int32 { m.invert(); return m.hardware }

// InRegion returns the components with provider:region location r.
func (m *Model) InRegion(r int32) []int32 { m.invert(); return m.byRegion[r] }

// Graphs derived on demand.

// RuntimeReverse returns the reverse of the runtime subgraph: each
// component's runtime dependents. It is built on first use.
func (m *Model) RuntimeReverse() *graph.Graph {
	m.rtRevOnce.Do(func() { m.rtRev = m.RT.Reverse() })
	return m.rtRev
}

// TransitiveExposure returns, for every component, the jurisdictions whose
// compelled-access laws reach it directly or through what it runs on (its
// runtime dependencies, transitively). Components of a runtime cycle share
// one set. Linear in components plus runtime edges.
func (m *Model) TransitiveExposure() *graph.Sets {
	return m.RT.Closure(m.exposure, m.RTCond)
}

// Placement says how much of a component a cut-off of places takes: all
// of its locations (Whole), some of them (Partly), or none.
type Placement int

// The placements of a component under a cut-off.
const (
	NotPlaced Placement = iota
	Partly
	Whole
)

// Placed is the one rule by which region cuts, energy shortages and the
// blast radius of a jurisdiction or region decide whether a component is
// lost: cut(l) says whether location l is cut off wholly (every country it
// covers, or the region it is) or in part (some of the countries of a bloc
// such as EU). The component is Whole when every location is cut wholly,
// Partly when some location is cut at least in part: a component located
// in the bloc EU, or in DE and FR, loses part of its capacity when DE is
// cut, and keeps running.
func (m *Model) Placed(u int32, cut func(l int32) (whole, part bool)) Placement {
	all, some := true, false
	for _, l := range m.LocationsOf(u) {
		whole, part := cut(l)
		all = all && whole
		some = some || whole || part
	}
	switch {
	case all && some:
		return Whole
	case some:
		return Partly
	}
	return NotPlaced
}

// CutCountries returns the cut of Placed for the countries in: a location
// is cut wholly when every country it covers is in, partly when some is.
// A location that covers no known country is not cut.
func (m *Model) CutCountries(in func(c int32) bool) func(l int32) (whole, part bool) {
	return func(l int32) (bool, bool) {
		cs := m.locs[l].Countries
		n := 0
		for _, c := range cs {
			if in(c) {
				n++
			}
		}
		return n > 0 && n == len(cs), n > 0
	}
}

// controlledOrOperatedFrom reports whether country c is in component u's
// chain of control or among the countries it is operated from.
func (m *Model) controlledOrOperatedFrom(u, c int32) bool {
	for p := m.provider[u]; p >= 0; p = m.providers[p].Parent {
		if m.KB.CountryIndex(m.providers[p].Country) == int(c) {
			return true
		}
	}
	return slices.Contains(m.opCountry[m.opOff[u]:m.opOff[u+1]], c)
}

// Mitigation says, for a foreign law the assessment marks mitigated on
// component u (sovmap.Exposure.Mitigated, the one rule that register,
// graph and scenarios all read), the facts of the inventory that rule
// rests on: customer-held keys or a domestic HSM outside the compute
// layer, or a certification asserting immunity from foreign law.
func (m *Model) Mitigation(u int32) string {
	c := &m.Inv.Components[u]
	var facts []string
	if c.KeyCustody == sovmap.KeysCustomerHeld || c.KeyCustody == sovmap.KeysDomesticHSM {
		facts = append(facts, "key_custody "+string(c.KeyCustody))
	}
	if len(c.Certifications) > 0 {
		facts = append(facts, "certifications "+strings.Join(c.Certifications, ", "))
	}
	return "mitigated (" + strings.Join(facts, "; ") + ")"
}
