// Package kb is sovmap's knowledge base: jurisdictions, blocs, adequacy
// decisions, sanctions, laws, cloud regions and providers, each fact with
// its sources and the date it was checked.
//
// The facts are YAML files under data/, embedded in the binary. Adding a fact
// is adding an entry to a file; an organization can lay its own directory of
// files over the defaults (Overlay), where an entry with the same id replaces
// the default one.
package kb

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed data
var embedded embed.FS

// Meta is what every fact carries: where it comes from and when it was last
// checked. Entries inherit their file's sources and date when they give none.
type Meta struct {
	Sources []string `yaml:"sources,omitempty" json:"sources"`
	Checked string   `yaml:"checked,omitempty" json:"checked"`
	Notes   string   `yaml:"notes,omitempty" json:"notes,omitempty"`
	// Contested marks a fact under challenge or being rewritten.
	Contested bool `yaml:"contested,omitempty" json:"contested,omitempty"`
	// File is the data file the entry came from.
	File string `yaml:"-" json:"file,omitempty"`
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

// Bloc is a group of countries: a union, an economic area, an alliance.
type Bloc struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// Trust marks blocs whose members trust one another by default.
	Trust   bool     `yaml:"trust,omitempty" json:"trust,omitempty"`
	Members []string `yaml:"members" json:"members"`
	Meta    `yaml:",inline"`
}

// Adequacy is a decision that a country protects personal data adequately.
type Adequacy struct {
	Regime  string `yaml:"regime" json:"regime"`
	Country string `yaml:"country" json:"country"`
	Scope   string `yaml:"scope" json:"scope"`
	Date    string `yaml:"date" json:"date"`
	Act     string `yaml:"act" json:"act"`
	Meta    `yaml:",inline"`
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
)

// Law is a compelled-access or localisation law.
type Law struct {
	ID           string `yaml:"id" json:"id"`
	Jurisdiction string `yaml:"jurisdiction" json:"jurisdiction"`
	Kind         string `yaml:"kind" json:"kind"`
	Name         string `yaml:"name" json:"name"`
	Year         int    `yaml:"year,omitempty" json:"year,omitempty"`
	// Reach says how a compelled-access law reaches data: control, location, operations.
	Reach []string `yaml:"reach,omitempty" json:"reach,omitempty"`
	// Data, Sector, Require and Requirement describe a localisation law.
	Data        []string `yaml:"data,omitempty" json:"data,omitempty"`
	Sector      string   `yaml:"sector,omitempty" json:"sector,omitempty"`
	Require     int      `yaml:"require,omitempty" json:"require,omitempty"`
	Requirement string   `yaml:"requirement,omitempty" json:"requirement,omitempty"`
	Meta        `yaml:",inline"`
}

// Reaches reports whether a compelled-access law reaches data through via.
func (l Law) Reaches(via string) bool {
	for _, r := range l.Reach {
		if r == via {
			return true
		}
	}
	return false
}

// Region is a cloud region and the country it is in.
type Region struct {
	// ID is the full id used in inventories: cloud:region.
	ID       string `yaml:"-" json:"id"`
	Cloud    string `yaml:"-" json:"cloud"`
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
	Meta    `yaml:",inline"`
}

// KB is a loaded knowledge base. It is read-only once built and safe for
// concurrent use.
type KB struct {
	countries    map[string]Country
	countryCodes []string // sorted; the index of a code is its bit in jurisdiction sets
	countryIndex map[string]int
	blocs        map[string]Bloc
	adequacy     []Adequacy
	sanctions    map[string]Sanction
	laws         map[string]Law
	regions      map[string]Region
	providers    map[string]Provider
}

// file is the shape shared by every data file: defaults, then one list.
type file struct {
	Meta      `yaml:",inline"`
	Cloud     string     `yaml:"cloud"`
	Provider  string     `yaml:"provider"`
	Countries []Country  `yaml:"countries"`
	Blocs     []Bloc     `yaml:"blocs"`
	Decisions []Adequacy `yaml:"decisions"`
	Programs  []Sanction `yaml:"programmes"`
	Laws      []Law      `yaml:"laws"`
	Regions   []Region   `yaml:"regions"`
	Providers []Provider `yaml:"providers"`
}

// Default returns the knowledge base embedded in the binary.
func Default() (*KB, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// Load reads every .yaml file of fsys into a new knowledge base.
func Load(fsys fs.FS) (*KB, error) {
	k := &KB{
		countries: map[string]Country{}, countryIndex: map[string]int{}, blocs: map[string]Bloc{},
		sanctions: map[string]Sanction{}, laws: map[string]Law{}, regions: map[string]Region{},
		providers: map[string]Provider{},
	}
	if err := k.Overlay(fsys); err != nil {
		return nil, err
	}
	return k, nil
}

// Overlay reads every .yaml file of fsys over k: an entry whose id is
// already known replaces it, a new id is added.
func (k *KB) Overlay(fsys fs.FS) error {
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (path.Ext(p) != ".yaml" && path.Ext(p) != ".yml") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var f file
		if err := yaml.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("knowledge base %s: %w", p, err)
		}
		f.File = p
		return k.add(f)
	})
	if err != nil {
		return err
	}
	k.reindex()
	return nil
}

func (k *KB) add(f file) error {
	for _, c := range f.Countries {
		c.inherit(f.Meta)
		k.countries[c.Code] = c
	}
	for _, b := range f.Blocs {
		b.inherit(f.Meta)
		k.blocs[b.ID] = b
	}
	for _, a := range f.Decisions {
		a.inherit(f.Meta)
		k.adequacy = replaceAdequacy(k.adequacy, a)
	}
	for _, s := range f.Programs {
		s.inherit(f.Meta)
		k.sanctions[s.Country] = s
	}
	for _, l := range f.Laws {
		l.inherit(f.Meta)
		k.laws[l.ID] = l
	}
	for _, r := range f.Regions {
		r.inherit(f.Meta)
		if f.Cloud == "" {
			return fmt.Errorf("knowledge base %s: regions need a top-level cloud", f.File)
		}
		r.Cloud = f.Cloud
		r.ID = f.Cloud + ":" + r.Name
		if r.Provider == "" {
			r.Provider = f.Provider
		}
		k.regions[r.ID] = r
	}
	for _, p := range f.Providers {
		p.inherit(f.Meta)
		k.providers[p.ID] = p
	}
	return nil
}

func replaceAdequacy(list []Adequacy, a Adequacy) []Adequacy {
	for i, x := range list {
		if x.Regime == a.Regime && x.Country == a.Country {
			list[i] = a
			return list
		}
	}
	return append(list, a)
}

func (k *KB) reindex() {
	k.countryCodes = k.countryCodes[:0]
	for code := range k.countries {
		k.countryCodes = append(k.countryCodes, code)
	}
	sort.Strings(k.countryCodes)
	for i, c := range k.countryCodes {
		k.countryIndex[c] = i
	}
}

// Country returns the country with the ISO 3166-1 alpha-2 code.
func (k *KB) Country(code string) (Country, bool) {
	c, ok := k.countries[code]
	return c, ok
}

// CountryCodes returns every country code, sorted. The position of a code
// is its CountryIndex.
func (k *KB) CountryCodes() []string { return k.countryCodes }

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
func (k *KB) Blocs() []Bloc {
	out := make([]Bloc, 0, len(k.blocs))
	for _, b := range k.blocs {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// BlocsOf returns the blocs the country is a member of, sorted by id.
func (k *KB) BlocsOf(country string) []Bloc {
	var out []Bloc
	for _, b := range k.Blocs() {
		for _, m := range b.Members {
			if m == country {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// Expand returns the countries a jurisdiction stands for: a country stands
// for itself, a bloc for its members. ok is false when code is neither.
func (k *KB) Expand(code string) (countries []string, ok bool) {
	if _, isCountry := k.countries[code]; isCountry {
		return []string{code}, true
	}
	if b, isBloc := k.blocs[code]; isBloc {
		return b.Members, true
	}
	return nil, false
}

// Adequacy returns the adequacy decisions of a regime (such as "EU").
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

// Sanctions returns every sanctions programme, sorted by country.
func (k *KB) Sanctions() []Sanction {
	out := make([]Sanction, 0, len(k.sanctions))
	for _, s := range k.sanctions {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Country < out[j].Country })
	return out
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
	sort.Slice(out, func(i, j int) bool {
		if out[i].Jurisdiction != out[j].Jurisdiction {
			return out[i].Jurisdiction < out[j].Jurisdiction
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Law returns the law with the id.
func (k *KB) Law(id string) (Law, bool) {
	l, ok := k.laws[id]
	return l, ok
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

// Provider returns the provider with the id.
func (k *KB) Provider(id string) (Provider, bool) {
	p, ok := k.providers[id]
	return p, ok
}

// Providers returns every provider, sorted by id.
func (k *KB) Providers() []Provider {
	out := make([]Provider, 0, len(k.providers))
	for _, p := range k.providers {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// IsRegionID reports whether s is written like a region id (cloud:region)
// rather than a country code.
func IsRegionID(s string) bool { return strings.Contains(s, ":") }
