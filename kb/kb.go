// Package kb is sovmap's knowledge base: jurisdictions, blocs, adequacy
// decisions, sanctions, laws, export controls, certification schemes, cloud
// regions and providers, each fact with its sources and the date it was
// checked.
//
// The facts are YAML files under data/, embedded in the binary. Adding a fact
// is adding an entry to a file; an organization can lay its own directory of
// files over the defaults (Overlay) or an inventory's knowledge: section
// (OverlayKnowledge), where an entry with the same id replaces the default
// one.
//
// A KB is read-only once built and safe for concurrent use. Overlay changes
// it, so a caller that shares a KB between goroutines overlays a Clone.
package kb

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
)

//go:embed data
var embedded embed.FS

// Meta is what every fact carries: where it comes from and when it was last
// checked. Entries inherit their file's sources and date when they give none.
type Meta struct {
	Sources []string `yaml:"sources,omitempty" json:"sources"`
	Checked string   `yaml:"checked,omitempty" json:"checked"`
	Notes   string   `yaml:"notes,omitempty" json:"notes,omitempty"`
	// Contested marks a fact under challenge or being rewritten; Notes says
	// what is contested.
	Contested bool `yaml:"contested,omitempty" json:"contested,omitempty"`
	// File is the data file the entry came from.
	File string `yaml:"-" json:"file,omitempty"`
	// Line and Column locate the entry in File (1-based; 0 when unknown).
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
}

// meta gives generic code access to the Meta embedded in every entry type.
func (m *Meta) meta() *Meta { return m }

// Position names where the entry was read: file:line:col, or the file alone
// when the line is unknown.
func (m Meta) Position() string {
	if m.Line == 0 {
		return m.File
	}
	return fmt.Sprintf("%s:%d:%d", m.File, m.Line, m.Column)
}

func (m *Meta) inherit(file Meta) {
	if len(m.Sources) == 0 {
		m.Sources = file.Sources
	}
	if m.Checked == "" {
		m.Checked = file.Checked
	}
	m.File = file.File
}

// Country is an ISO 3166-1 country or territory.
type Country struct {
	Code    string `yaml:"code" json:"code"`
	Alpha3  string `yaml:"alpha3" json:"alpha3"`
	Numeric string `yaml:"numeric" json:"numeric"`
	Name    string `yaml:"name" json:"name"`
	Meta    `yaml:",inline"`
}

// Bloc is a group of countries: a union, an economic area, an alliance, the
// parties to a treaty.
type Bloc struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Trust marks blocs whose members trust one another by default.
	Trust   bool     `yaml:"trust,omitempty" json:"trust,omitempty"`
	Members []string `yaml:"members" json:"members"`
	// Since is the date the bloc (or the treaty) took effect, YYYY-MM-DD or YYYY.
	Since string `yaml:"since,omitempty" json:"since,omitempty"`
	Meta  `yaml:",inline"`
}

// Adequacy is a decision that a country protects personal data adequately.
type Adequacy struct {
	Regime  string `yaml:"regime" json:"regime"`
	Country string `yaml:"country" json:"country"`
	// Scope is which recipients the decision covers (one of Scopes): full,
	// or only some, named in Recipients.
	Scope string `yaml:"scope" json:"scope"`
	// Recipients says in words who a limited decision covers, the condition
	// a flow relying on it must meet.
	Recipients string `yaml:"recipients,omitempty" json:"recipients,omitempty"`
	// Exclusions names what a full decision leaves out (Korea: credit
	// information processed by entities the FSC supervises).
	Exclusions string `yaml:"exclusions,omitempty" json:"exclusions,omitempty"`
	Date       string `yaml:"date" json:"date"`
	Act        string `yaml:"act" json:"act"`
	Meta       `yaml:",inline"`
}

// Sanction is a sanctions programme against a country.
type Sanction struct {
	Country       string   `yaml:"country" json:"country"`
	By            []string `yaml:"by" json:"by"`
	Comprehensive bool     `yaml:"comprehensive" json:"comprehensive"`
	// Restricted puts the country in the default restricted tier.
	Restricted bool `yaml:"restricted" json:"restricted"`
	Meta       `yaml:",inline"`
}

// Law kinds.
const (
	CompelledAccess = "compelled-access"
	Localisation    = "localisation"
	// Sourcing is a law that sets conditions on how components are sourced
	// (certification, establishment, exit terms) without keeping data at
	// home: DORA's ICT third-party rules, SGB V section 393.
	Sourcing = "sourcing"
	// DataProtection is a comprehensive data-protection law: general rules on
	// processing personal data, data-subject rights and a supervisory authority.
	DataProtection = "data-protection"
)

// Ways a compelled-access law reaches data (Law.Reach).
const (
	ReachControl    = "control"    // through control of the provider, wherever the data is
	ReachLocation   = "location"   // through the data being in the jurisdiction
	ReachOperations = "operations" // through staff or operations in the jurisdiction
)

// Law is a compelled-access, localisation or data-protection law.
type Law struct {
	ID           string `yaml:"id" json:"id"`
	Jurisdiction string `yaml:"jurisdiction" json:"jurisdiction"`
	Kind         string `yaml:"kind" json:"kind"`
	Name         string `yaml:"name" json:"name"`
	Year         int    `yaml:"year,omitempty" json:"year,omitempty"`
	// Reach says how a compelled-access law reaches data: control, location, operations.
	Reach []string `yaml:"reach,omitempty" json:"reach,omitempty"`
	// Data, Sector, Require and Requirement describe a localisation law.
	// Data are sovmap's dotted data classes; Require is the level sovmap
	// requires of components holding them, for a home in the jurisdiction.
	Data        []string `yaml:"data,omitempty" json:"data,omitempty"`
	Sector      string   `yaml:"sector,omitempty" json:"sector,omitempty"`
	Require     int      `yaml:"require,omitempty" json:"require,omitempty"`
	Requirement string   `yaml:"requirement,omitempty" json:"requirement,omitempty"`
	// Citation names the articles a localisation or sourcing law's
	// condition rests on.
	Citation string `yaml:"citation,omitempty" json:"citation,omitempty"`
	// Basis is law (the default) or guidance, for an instrument that binds
	// only as supervisory guidance.
	Basis string `yaml:"basis,omitempty" json:"basis,omitempty"`
	// Condition is what the law asks of a component it covers. A law with
	// a condition is judged by it: a component that meets it has no gap
	// under the law, whatever its level.
	Condition *Condition `yaml:"condition,omitempty" json:"condition,omitempty"`
	// ProvidersOnly: the law binds services run by a third party (a host, a
	// cloud provider), not what the organization runs itself.
	ProvidersOnly bool `yaml:"providers_only,omitempty" json:"providers_only,omitempty"`
	// Criticality limits the law to components of these criticalities
	// (DORA: ICT services supporting critical or important functions).
	Criticality []string `yaml:"criticality,omitempty" json:"criticality,omitempty"`
	// Sectors are the sector ids the law binds (an organization lists its
	// own in organization.sectors); when empty, Sector's words are matched.
	Sectors []string `yaml:"sectors,omitempty" json:"sectors,omitempty"`
	// PrimaryOnly: the law keeps the primary database at home (152-FZ
	// art. 18(5)); copies abroad are transfers, so a component located
	// elsewhere may be one and its condition is a question, not a breach,
	// and flows out are not refused by this law.
	PrimaryOnly bool `yaml:"primary_only,omitempty" json:"primary_only,omitempty"`
	Meta        `yaml:",inline"`
}

// Condition is what a localisation or sourcing law asks of a component.
// Every part that is set must hold.
type Condition struct {
	// Certification: the service holds a certification of this scheme,
	// valid where the component is located and operated.
	Certification *CertCondition `yaml:"certification,omitempty" json:"certification,omitempty"`
	// LocatedIn: every location of the component is inside these countries
	// or blocs, or "adequacy" (a country with a full adequacy decision of
	// the home's regime).
	LocatedIn []string `yaml:"located_in,omitempty" json:"located_in,omitempty"`
	// Establishment: the provider, or an entity of its group, is
	// established in this country.
	Establishment string `yaml:"establishment,omitempty" json:"establishment,omitempty"`
	// EstablishmentIfOutside limits Establishment to components with a
	// location outside these countries or blocs.
	EstablishmentIfOutside []string `yaml:"establishment_if_outside,omitempty" json:"establishment_if_outside,omitempty"`
	// ExitTerms: the contract records the exit terms (termination notice
	// and the return of data).
	ExitTerms bool `yaml:"exit_terms,omitempty" json:"exit_terms,omitempty"`
	// LocationsStated: the locations where the service is provided and
	// data processed are recorded.
	LocationsStated bool `yaml:"locations_stated,omitempty" json:"locations_stated,omitempty"`
}

// CertCondition asks for a certification of a scheme, optionally of given
// variants only (a C5 Type 2 report rather than any C5 report).
type CertCondition struct {
	Scheme string `yaml:"scheme" json:"scheme"`
	// Variants are the certification spellings that satisfy the law; empty
	// means any certification of the scheme. A certification of the scheme
	// in another spelling leaves the condition open.
	Variants []string `yaml:"variants,omitempty" json:"variants,omitempty"`
	// Excluded are spellings the law no longer accepts (a C5 Type 1
	// report): holding only those leaves the condition unmet.
	Excluded []string `yaml:"excluded,omitempty" json:"excluded,omitempty"`
	// Part names the requirement in words ("a current C5 Type 2 attestation").
	Part string `yaml:"part,omitempty" json:"part,omitempty"`
}

// Reaches reports whether a compelled-access law reaches data through via.
func (l Law) Reaches(via string) bool { return slices.Contains(l.Reach, via) }

// Region is a cloud region and the country it is in.
type Region struct {
	// ID is the full id used in inventories: cloud:region.
	ID string `yaml:"-" json:"id"`
	// Cloud is the cloud's short name; data files usually give it once at
	// the top, entries may give it themselves.
	Cloud    string `yaml:"cloud,omitempty" json:"cloud"`
	Name     string `yaml:"id" json:"name"`
	Provider string `yaml:"provider,omitempty" json:"provider"`
	Country  string `yaml:"country" json:"country"`
	City     string `yaml:"city,omitempty" json:"city,omitempty"`
	Meta     `yaml:",inline"`
}

// Provider is a legal entity of the knowledge base.
type Provider struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Country string `yaml:"country" json:"country"`
	Parent  string `yaml:"parent,omitempty" json:"parent,omitempty"`
	// Owners lists entities that share control or hold significant stakes
	// when no single parent controls the entity (a joint venture). They are
	// context: the parent chain follows Parent only.
	Owners []string `yaml:"owners,omitempty" json:"owners,omitempty"`
	// Role says where in the stack the entity sits: cloud, sovereign-cloud,
	// colocation, chips, foundry, carrier, model, mlops, holding, ...
	Role string `yaml:"role,omitempty" json:"role,omitempty"`
	// Technology is the provider whose technology stack the entity's offer
	// runs under licence (S3NS on Google's, Bleu on Microsoft's): a supply
	// dependency of every component it provides.
	Technology string `yaml:"technology,omitempty" json:"technology,omitempty"`
	Meta       `yaml:",inline"`
}

// KB is a loaded knowledge base. It is read-only once built and safe for
// concurrent use; Overlay and OverlayKnowledge change it and must not run
// while others read it (overlay a Clone instead).
type KB struct {
	countries map[string]Country
	blocs     map[string]Bloc
	adequacy  map[string]Adequacy // by regime:country
	sanctions map[string]Sanction
	laws      map[string]Law
	regions   map[string]Region
	providers map[string]Provider
	schemes   map[string]Scheme
	exports   map[string]ExportControl

	// Derived by reindex.
	countryCodes []string // sorted; the index of a code is its bit in jurisdiction sets
	countryIndex map[string]int
	schemeKeys   map[string]string // normalised id or alias -> id
	entries      []Entry
	overrides    []Override
}

func newKB() *KB {
	return &KB{
		countries: map[string]Country{}, blocs: map[string]Bloc{}, adequacy: map[string]Adequacy{},
		sanctions: map[string]Sanction{}, laws: map[string]Law{}, regions: map[string]Region{},
		providers: map[string]Provider{}, schemes: map[string]Scheme{}, exports: map[string]ExportControl{},
		countryIndex: map[string]int{}, schemeKeys: map[string]string{},
	}
}

// Default returns the knowledge base embedded in the binary.
func Default() (*KB, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// Load reads every .yaml file of fsys into a new knowledge base. An id given
// twice, in one file or in two, is an error.
func Load(fsys fs.FS) (*KB, error) {
	k := newKB()
	if err := k.Overlay(fsys); err != nil {
		return nil, err
	}
	return k, nil
}

// Clone returns a copy of k that can be overlaid without changing k.
// Entries are values whose slices are never changed in place, so the copy
// shares them.
func (k *KB) Clone() *KB {
	c := &KB{
		countries: maps.Clone(k.countries), blocs: maps.Clone(k.blocs), adequacy: maps.Clone(k.adequacy),
		sanctions: maps.Clone(k.sanctions), laws: maps.Clone(k.laws), regions: maps.Clone(k.regions),
		providers: maps.Clone(k.providers), schemes: maps.Clone(k.schemes), exports: maps.Clone(k.exports),
		countryCodes: slices.Clone(k.countryCodes), countryIndex: maps.Clone(k.countryIndex),
		schemeKeys: maps.Clone(k.schemeKeys), entries: slices.Clone(k.entries),
		overrides: slices.Clone(k.overrides),
	}
	return c
}

func (k *KB) reindex() {
	k.countryCodes = slices.Sorted(maps.Keys(k.countries))
	k.countryIndex = make(map[string]int, len(k.countryCodes))
	for i, c := range k.countryCodes {
		k.countryIndex[c] = i
	}
	k.schemeKeys = make(map[string]string, 2*len(k.schemes))
	for _, id := range slices.Sorted(maps.Keys(k.schemes)) {
		s := k.schemes[id]
		for _, key := range append([]string{s.ID}, s.Aliases...) {
			if _, taken := k.schemeKeys[schemeKey(key)]; !taken {
				k.schemeKeys[schemeKey(key)] = id
			}
		}
	}
	k.entries = k.buildEntries()
}

// Country returns the country with the ISO 3166-1 alpha-2 code.
func (k *KB) Country(code string) (Country, bool) {
	c, ok := k.countries[code]
	return c, ok
}

// CountryCodes returns every country code, sorted. The position of a code
// is its CountryIndex. The slice is the caller's to keep.
func (k *KB) CountryCodes() []string { return slices.Clone(k.countryCodes) }

// CountryIndex returns the position of code among CountryCodes, or -1.
func (k *KB) CountryIndex(code string) int {
	if i, ok := k.countryIndex[code]; ok {
		return i
	}
	return -1
}

// Bloc returns the bloc with the id, such as "EU".
func (k *KB) Bloc(id string) (Bloc, bool) {
	b, ok := k.blocs[id]
	return b, ok
}

// Blocs returns every bloc, sorted by id.
func (k *KB) Blocs() []Bloc { return sortedValues(k.blocs) }

// BlocsOf returns the blocs the country is a member of, sorted by id.
func (k *KB) BlocsOf(country string) []Bloc {
	var out []Bloc
	for _, b := range k.Blocs() {
		if slices.Contains(b.Members, country) {
			out = append(out, b)
		}
	}
	return out
}

// Expand returns the countries a jurisdiction stands for: a country stands
// for itself, a bloc for its members. ok is false when code is neither.
// The slice is the caller's to keep.
func (k *KB) Expand(code string) (countries []string, ok bool) {
	if _, isCountry := k.countries[code]; isCountry {
		return []string{code}, true
	}
	if b, isBloc := k.blocs[code]; isBloc {
		return slices.Clone(b.Members), true
	}
	return nil, false
}

// IsJurisdiction reports whether code is a country or a bloc.
func (k *KB) IsJurisdiction(code string) bool {
	_, c := k.countries[code]
	_, b := k.blocs[code]
	return c || b
}

// covers reports whether the jurisdiction (a country or a bloc) includes country.
func (k *KB) covers(jurisdiction, country string) bool {
	if jurisdiction == country {
		return true
	}
	b, ok := k.blocs[jurisdiction]
	return ok && slices.Contains(b.Members, country)
}

// Adequacy returns the adequacy decisions of a regime (such as "EU", "GB"
// or "CH"), sorted by country.
func (k *KB) Adequacy(regime string) []Adequacy {
	var out []Adequacy
	for _, a := range k.adequacy {
		if a.Regime == regime {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Country < out[j].Country })
	return out
}

// AdequacyFor returns the decisions, of every regime, that find country
// adequate, sorted by regime.
func (k *KB) AdequacyFor(country string) []Adequacy {
	var out []Adequacy
	for _, a := range k.adequacy {
		if a.Country == country {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Regime < out[j].Regime })
	return out
}

// Sanctions returns every sanctions programme, sorted by country.
func (k *KB) Sanctions() []Sanction { return sortedValues(k.sanctions) }

// Sanction returns the sanctions programme against country, if any.
func (k *KB) Sanction(country string) (Sanction, bool) {
	s, ok := k.sanctions[country]
	return s, ok
}

// Laws returns every law of the kind (or all kinds when kind is empty),
// sorted by jurisdiction then id.
func (k *KB) Laws(kind string) []Law {
	var out []Law
	for _, l := range k.laws {
		if kind == "" || l.Kind == kind {
			out = append(out, l)
		}
	}
	sortLaws(out)
	return out
}

// LawsFor returns the laws of the kind (all kinds when empty) that apply in
// country: its own and those of the blocs it belongs to (an EU regulation
// applies in Germany). Sorted by jurisdiction then id.
func (k *KB) LawsFor(country, kind string) []Law {
	var out []Law
	for _, l := range k.laws {
		if (kind == "" || l.Kind == kind) && k.covers(l.Jurisdiction, country) {
			out = append(out, l)
		}
	}
	sortLaws(out)
	return out
}

func sortLaws(out []Law) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Jurisdiction != out[j].Jurisdiction {
			return out[i].Jurisdiction < out[j].Jurisdiction
		}
		return out[i].ID < out[j].ID
	})
}

// Law returns the law with the id.
func (k *KB) Law(id string) (Law, bool) {
	l, ok := k.laws[id]
	return l, ok
}

// HasDataProtectionLaw reports whether the knowledge base records a
// comprehensive data-protection law in force in country (its own, or a
// bloc's such as the GDPR). False means none is recorded, which for a
// country the knowledge base has not researched is not proof of absence.
func (k *KB) HasDataProtectionLaw(country string) bool {
	return len(k.LawsFor(country, DataProtection)) > 0
}

// Region returns the region with the full id, such as "aws:eu-central-1".
func (k *KB) Region(id string) (Region, bool) {
	r, ok := k.regions[id]
	return r, ok
}

// Regions returns every region, sorted by id.
func (k *KB) Regions() []Region {
	out := make([]Region, 0, len(k.regions))
	for _, r := range k.regions {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RegionsIn returns the regions located in country, sorted by id.
func (k *KB) RegionsIn(country string) []Region {
	var out []Region
	for _, r := range k.Regions() {
		if r.Country == country {
			out = append(out, r)
		}
	}
	return out
}

// Provider returns the provider with the id.
func (k *KB) Provider(id string) (Provider, bool) {
	p, ok := k.providers[id]
	return p, ok
}

// Providers returns every provider, sorted by id.
func (k *KB) Providers() []Provider { return sortedValues(k.providers) }

// ParentChain returns the provider and its parents in order, ending with
// the ultimate parent. It is empty when id is unknown, and stops before a
// parent that is unknown or already in the chain (the loader refuses both,
// but an inventory may add its own providers on top).
func (k *KB) ParentChain(id string) []Provider {
	var chain []Provider
	seen := map[string]bool{}
	for id != "" && !seen[id] {
		p, ok := k.providers[id]
		if !ok {
			break
		}
		seen[id] = true
		chain = append(chain, p)
		id = p.Parent
	}
	return chain
}

// UltimateParent returns the last provider of id's parent chain.
func (k *KB) UltimateParent(id string) (Provider, bool) {
	chain := k.ParentChain(id)
	if len(chain) == 0 {
		return Provider{}, false
	}
	return chain[len(chain)-1], true
}

// IsRegionID reports whether s is written like a region id (cloud:region)
// rather than a country code.
func IsRegionID(s string) bool { return strings.Contains(s, ":") }

// ider is an entry with an id, for sortedValues.
type ider interface{ key() string }

func (c Country) key() string       { return c.Code }
func (b Bloc) key() string          { return b.ID }
func (s Sanction) key() string      { return s.Country }
func (p Provider) key() string      { return p.ID }
func (s Scheme) key() string        { return s.ID }
func (e ExportControl) key() string { return e.ID }

// sortedValues returns the map's values sorted by their keys.
func sortedValues[V ider](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}
