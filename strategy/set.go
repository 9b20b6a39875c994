package strategy

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/strictyaml"
)

// defaultYAML is the default strategy set, embedded in the binary.
//
//go:embed data/strategies.yaml
var defaultYAML []byte

// Kind says what sort of prerequisite a fact is.
type Kind string

// Prerequisite kinds. Technical and institutional prerequisites come from
// the profile; derived ones are computed by sovmap from the knowledge base
// and the candidate hosts.
const (
	Technical     Kind = "technical"
	Institutional Kind = "institutional"
	Derived       Kind = "derived"
)

// Type is the type of a prerequisite's value.
type Type string

// Value types.
const (
	Number Type = "number"
	Bool   Type = "bool"
	Enum   Type = "enum"
)

// Prerequisite describes one fact a strategy can depend on: what it means,
// its unit, and what closing a shortfall takes.
type Prerequisite struct {
	ID    string
	Name  string
	Group string
	Kind  Kind
	Type  Type
	Unit  string
	// Values are the allowed values of an enum, best first.
	Values      []string
	Description string
	// Close says what raising this prerequisite typically takes.
	Close   string
	Sources []string
	// FromKB names a knowledge-base fact used when a profile does not state
	// the value: "export-control" (the most restrictive export-control
	// group on advanced accelerators that applies to the country).
	FromKB string
	// KBValues maps the knowledge base's values (for export controls: none,
	// capped, licence, denial) to this prerequisite's values.
	KBValues map[string]string
	// Range bounds the values a profile may state (nil: unbounded), and
	// Whole asks for whole numbers; both are enforced with positions.
	RangeMin, RangeMax *float64
	Whole              bool
	// Effort says what closing a shortfall takes, one of Efforts; it
	// decides which step up is the cheapest.
	Effort string
	// CloseOrganization replaces Close for a profile of kind organization:
	// what an organization (not a state) can do about it.
	CloseOrganization string
	Pos               sovmap.Pos
}

// Efforts are the kinds of step that close a shortfall, cheapest first: state
// a fact the profile leaves unknown, declare a choice in the profile (trusted
// partners), contract for a service, negotiate with another state or
// partner, invest capital, legislate, or build over years.
var Efforts = []string{"state", "declare", "contract", "negotiate", "invest", "legislate", "build"}

// effortRank orders efforts; an unknown effort ranks last.
func effortRank(e string) int {
	for i, x := range Efforts {
		if x == e {
			return i
		}
	}
	return len(Efforts)
}

// Knowledge-base facts a prerequisite can fall back on, and the values each
// yields.
var kbFacts = map[string][]string{
	"export-control": {"none", "capped", "licence", "denial"},
}

// Condition is one threshold a strategy or a host must meet.
type Condition struct {
	Prerequisite string
	// Min and Max bound a number. With Per, they are multiplied by the
	// block's demand of that quantity (say, MW of power).
	Min, Max *float64
	Per      string
	// In lists the acceptable values of an enum.
	In []string
	// Is is the required value of a bool.
	Is *bool
	// Blocks restricts the condition to some building blocks; empty means all.
	Blocks []string
	// Why says why the strategy needs it.
	Why string
	Pos sovmap.Pos
}

// AppliesTo reports whether the condition applies to a building block.
func (c Condition) AppliesTo(block string) bool {
	return len(c.Blocks) == 0 || contains(c.Blocks, block)
}

// Strategy is a reference strategy on the sovereignty spectrum.
type Strategy struct {
	ID   string
	Name string
	// Level is the place on the spectrum the strategy reaches when it is
	// carried out well.
	Level       sovmap.Level
	Description string
	// Blocks lists the building blocks the strategy applies to; empty means all.
	Blocks   []string
	Requires []Condition
	// Place says where the home's own systems run under the strategy: home,
	// shared (co-owned with partners), abroad (a host state under an
	// instrument) or provider (a provider's own facilities). It decides which
	// block choices are consistent with each other.
	Place string
	// Combines lists strategies carried out together (a domestic core with
	// a digital embassy for continuity): the strategy fits a block when each
	// of them fits it and its own conditions hold, and additive resources
	// (capital) are needed for each of them at once.
	Combines []string
	Sources  []string
	Pos      sovmap.Pos
}

// Places a strategy can put the home's systems, for the consistency of
// dependent blocks.
const (
	PlaceHome     = "home"
	PlaceShared   = "shared"
	PlaceAbroad   = "abroad"
	PlaceProvider = "provider"
)

// Places lists the places.
var Places = []string{PlaceHome, PlaceShared, PlaceAbroad, PlaceProvider}

// ownsSystems reports whether under a strategy placed there the home runs
// its own systems, which then need a facility of the home's.
func ownsSystems(place string) bool { return place != PlaceProvider && place != "" }

// AppliesTo reports whether the strategy applies to a building block.
func (s Strategy) AppliesTo(block string) bool {
	return len(s.Blocks) == 0 || contains(s.Blocks, block)
}

// Legal bases a host country can offer a guest, strongest first.
const (
	BasisInForce   = "in-force"  // an instrument between home and host is in force
	BasisLaw       = "law"       // the host has a law for foreign parties' data
	BasisPrecedent = "precedent" // the host has concluded such instruments with others
	BasisDraft     = "draft"     // a law or instrument is in draft
	BasisNone      = "none"      // nothing known
)

// Bases lists the legal bases, strongest first.
var Bases = []string{BasisInForce, BasisLaw, BasisPrecedent, BasisDraft, BasisNone}

// LegalBasis is a known host country's legal basis for hosting foreign
// states' systems.
type LegalBasis struct {
	Country    string
	Basis      string
	Instrument string
	// Guests are the countries an instrument with this host is in force for.
	Guests  []string
	Sources []string
	Checked string
	Pos     sovmap.Pos
}

// HostCriteria decides which candidate hosts qualify for a digital embassy.
type HostCriteria struct {
	// Tiers a host must be in, such as home and trusted.
	Tiers []sovmap.Tier
	// Bases are the legal bases that qualify.
	Bases []string
	// DemandBlocks are the blocks whose demand a host must carry when hosts
	// are ranked for the whole profile.
	DemandBlocks []string
	Requires     []Condition
}

// Resource is a prerequisite that is a shared pool (capital, power, water,
// land, talent): what the blocks' strategies need of it is added up and
// compared with what the home has.
type Resource struct {
	Name         string
	Prerequisite string
	// Blocks are the blocks that draw on the pool; empty means all.
	Blocks []string
	// Site marks a resource drawn where systems run (power, water, land):
	// blocks hosted in another block draw it through their host, so the
	// hosting group needs the larger of the host's need and the sum of the
	// hosted blocks' needs, not both.
	Site bool
	// Additive is false for scores (a talent index), which cannot be added:
	// the strictest need is reported instead.
	Additive bool
	Pos      sovmap.Pos
}

// DerivedDemand computes a demand quantity from another one by a factor
// that depends on an enum prerequisite: cooling water (m3/day) from power
// (MW) by cooling type.
type DerivedDemand struct {
	Quantity string
	Unit     string
	From     string
	By       string
	Factors  map[string]float64
	// Unknown is the value assumed when By is not stated: the one with the
	// highest factor, so that an unknown fact never lowers a need.
	Unknown string
	Why     string
	Sources []string
	Pos     sovmap.Pos
}

// Set is a complete, replaceable set of reference strategies: the
// prerequisites they speak of, the strategies ordered from most to least
// sovereign, and the criteria for digital-embassy hosts.
type Set struct {
	Name        string
	Description string
	Sources     []string
	// Blocks are the building blocks, in report order.
	Blocks        []string
	Prerequisites []Prerequisite
	// Strategies are ordered along the sovereignty spectrum, most sovereign first.
	Strategies []Strategy
	Hosts      HostCriteria
	LegalBases []LegalBasis
	// Hosting maps a block to the blocks whose systems run in it (the
	// facility hosts compute and storage).
	Hosting map[string][]string
	// Resources are the shared pools summed over blocks.
	Resources []Resource
	// DerivedDemand are demand quantities computed from others.
	DerivedDemand []DerivedDemand
	// File is where the set was read from.
	File string
}

// hostOf returns the block that hosts a block, if any.
func (s *Set) hostOf(block string) (string, bool) {
	for _, h := range sortedKeys(s.Hosting) {
		if contains(s.Hosting[h], block) {
			return h, true
		}
	}
	return "", false
}

// RanksHosts reports whether the set has host criteria, and so whether
// hosts are ranked and hosts.qualified can be derived.
func (s *Set) RanksHosts() bool { return len(s.Hosts.Tiers) > 0 }

// Prerequisite returns the prerequisite with the id.
func (s *Set) Prerequisite(id string) (Prerequisite, bool) {
	for _, p := range s.Prerequisites {
		if p.ID == id {
			return p, true
		}
	}
	return Prerequisite{}, false
}

// Strategy returns the strategy with the id.
func (s *Set) Strategy(id string) (Strategy, bool) {
	for _, x := range s.Strategies {
		if x.ID == id {
			return x, true
		}
	}
	return Strategy{}, false
}

// DefaultSet returns the strategy set embedded in the binary.
func DefaultSet() (*Set, error) {
	return DecodeSet("default-strategies.yaml", defaultYAML)
}

// DefaultSetYAML returns the text of the embedded default set, a starting
// point for a replacement.
func DefaultSetYAML() []byte {
	return append([]byte(nil), defaultYAML...)
}

// DecodeSet reads a strategy set from YAML or JSON. name is used in
// positions. Every problem is reported with its line and column.
func DecodeSet(name string, data []byte) (*Set, error) {
	d := &decoder{file: name}
	root := d.parse(data)
	if root == nil {
		return nil, d.err()
	}
	s := &Set{File: name}
	var hostsN *yaml.Node
	version := 0
	for _, f := range d.fields(root, "strategy set", "version", "name", "description", "sources", "blocks", "prerequisites", "strategies", "hosts", "legal_bases", "hosting", "resources", "derived_demand") {
		switch f.key {
		case "version":
			version, _ = d.integer(f.value, "version")
		case "name":
			s.Name = d.str(f.value, "name")
		case "description":
			s.Description = d.str(f.value, "description")
		case "sources":
			s.Sources = d.strings(f.value, "sources")
		case "blocks":
			s.Blocks = d.strings(f.value, "blocks")
		case "prerequisites":
			s.Prerequisites = d.prerequisites(f.value)
		case "strategies":
			s.Strategies = d.strategies(f.value)
		case "hosts":
			hostsN = f.value
		case "legal_bases":
			s.LegalBases = d.legalBases(f.value)
		case "hosting":
			s.Hosting = map[string][]string{}
			for _, g := range d.fields(f.value, "hosting") {
				s.Hosting[g.key] = d.strings(g.value, "hosting."+g.key)
			}
		case "resources":
			s.Resources = d.resources(f.value)
		case "derived_demand":
			s.DerivedDemand = d.derivedDemand(f.value)
		}
	}
	if version != 1 {
		d.errorf(root, "strategy set: version must be 1")
	}
	if len(s.Blocks) == 0 {
		d.errorf(root, "strategy set: blocks must list at least one building block")
	}
	if len(s.Strategies) == 0 {
		d.errorf(root, "strategy set: strategies must list at least one strategy")
	}
	if hostsN != nil {
		s.Hosts = d.hostCriteria(hostsN)
		if len(s.Hosts.Tiers) == 0 || len(s.Hosts.Bases) == 0 {
			d.errorf(hostsN, "hosts: tiers and legal_bases are required (leave hosts out to rank no hosts)")
		}
	}
	d.validateSet(s)
	if err := d.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func (d *decoder) prerequisites(n *yaml.Node) []Prerequisite {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "prerequisites: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []Prerequisite
	for _, item := range n.Content {
		p := Prerequisite{Pos: d.pos(item), Type: Number}
		for _, f := range d.fields(item, "prerequisite", "id", "name", "group", "kind", "type", "unit", "values", "description", "close", "close_organization", "effort", "range", "whole", "sources", "from_kb", "kb_values") {
			switch f.key {
			case "id":
				p.ID = d.str(f.value, "id")
			case "name":
				p.Name = d.str(f.value, "name")
			case "group":
				p.Group = d.str(f.value, "group")
			case "kind":
				p.Kind = Kind(d.str(f.value, "kind"))
				if p.Kind != Technical && p.Kind != Institutional && p.Kind != Derived {
					d.errorf(f.value, "prerequisite kind must be technical, institutional or derived")
				}
			case "type":
				p.Type = Type(d.str(f.value, "type"))
				if p.Type != Number && p.Type != Bool && p.Type != Enum {
					d.errorf(f.value, "prerequisite type must be number, bool or enum")
				}
			case "unit":
				p.Unit = d.str(f.value, "unit")
			case "values":
				p.Values = d.strings(f.value, "values")
			case "description":
				p.Description = d.str(f.value, "description")
			case "close":
				p.Close = d.str(f.value, "close")
			case "close_organization":
				p.CloseOrganization = d.str(f.value, "close_organization")
			case "effort":
				p.Effort = d.str(f.value, "effort")
				if !contains(Efforts, p.Effort) {
					d.errorf(f.value, "prerequisite effort must be one of %s", strings.Join(Efforts, ", "))
				}
			case "range":
				for _, g := range d.fields(f.value, "range", "min", "max") {
					if v, ok := d.number(g.value, "range."+g.key); ok {
						if g.key == "min" {
							p.RangeMin = &v
						} else {
							p.RangeMax = &v
						}
					}
				}
				if p.RangeMin != nil && p.RangeMax != nil && *p.RangeMin > *p.RangeMax {
					d.errorf(f.value, "prerequisite range: min is above max")
				}
			case "whole":
				p.Whole, _ = d.boolean(f.value, "whole")
			case "sources":
				p.Sources = d.strings(f.value, "sources")
			case "from_kb":
				p.FromKB = d.str(f.value, "from_kb")
				if _, ok := kbFacts[p.FromKB]; !ok {
					d.errorf(f.value, "prerequisite from_kb: unknown knowledge-base fact %q (known: export-control)", p.FromKB)
				}
			case "kb_values":
				p.KBValues = map[string]string{}
				for _, g := range d.fields(f.value, "kb_values") {
					p.KBValues[g.key] = d.str(g.value, "kb_values."+g.key)
				}
			}
		}
		if p.ID == "" {
			d.errorf(item, "prerequisite: id is required")
		}
		if want, ok := kbFacts[p.FromKB]; ok {
			for _, kv := range want {
				v, ok := p.KBValues[kv]
				switch {
				case !ok:
					d.errorf(item, "prerequisite %s: kb_values must map the knowledge-base value %q", p.ID, kv)
				case p.Type == Enum && !contains(p.Values, v):
					d.errorf(item, "prerequisite %s: kb_values maps %q to %q, which is not one of its values", p.ID, kv, v)
				}
			}
			if p.Type != Enum {
				d.errorf(item, "prerequisite %s: from_kb needs an enum prerequisite", p.ID)
			}
		}
		if p.Kind == "" {
			d.errorf(item, "prerequisite %s: kind is required", p.ID)
		}
		if p.Type == Enum && len(p.Values) == 0 {
			d.errorf(item, "prerequisite %s: an enum needs values (best first)", p.ID)
		}
		if p.Name == "" {
			p.Name = p.ID
		}
		out = append(out, p)
	}
	return out
}

func (d *decoder) conditions(n *yaml.Node, owner string) []Condition {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: requires: expected a list, found %s", owner, strictyaml.KindName(n))
		return nil
	}
	var out []Condition
	for _, item := range n.Content {
		c := Condition{Pos: d.pos(item)}
		ops := 0
		for _, f := range d.fields(item, owner+" condition", "prerequisite", "min", "max", "per", "in", "is", "blocks", "why") {
			switch f.key {
			case "prerequisite":
				c.Prerequisite = d.str(f.value, "prerequisite")
			case "min":
				if v, ok := d.number(f.value, "min"); ok {
					c.Min = &v
				}
				ops++
			case "max":
				if v, ok := d.number(f.value, "max"); ok {
					c.Max = &v
				}
				ops++
			case "per":
				c.Per = d.str(f.value, "per")
			case "in":
				c.In = d.strings(f.value, "in")
				ops++
			case "is":
				if v, ok := d.boolean(f.value, "is"); ok {
					c.Is = &v
				}
				ops++
			case "blocks":
				c.Blocks = d.strings(f.value, "blocks")
			case "why":
				c.Why = d.str(f.value, "why")
			}
		}
		if c.Prerequisite == "" {
			d.errorf(item, "%s: a condition names its prerequisite", owner)
		}
		if ops == 0 {
			d.errorf(item, "%s: condition on %s needs min, max, in or is", owner, c.Prerequisite)
		}
		out = append(out, c)
	}
	return out
}

func (d *decoder) strategies(n *yaml.Node) []Strategy {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "strategies: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []Strategy
	for _, item := range n.Content {
		s := Strategy{Pos: d.pos(item), Level: -1}
		for _, f := range d.fields(item, "strategy", "id", "name", "level", "description", "blocks", "requires", "place", "combines", "sources") {
			switch f.key {
			case "id":
				s.ID = d.str(f.value, "id")
			case "name":
				s.Name = d.str(f.value, "name")
			case "level":
				if v, ok := d.integer(f.value, "level"); ok {
					if !sovmap.Level(v).Valid() {
						d.errorf(f.value, "strategy level must be 0 to 4")
						s.Level = 0
					} else {
						s.Level = sovmap.Level(v)
					}
				}
			case "description":
				s.Description = d.str(f.value, "description")
			case "blocks":
				s.Blocks = d.strings(f.value, "blocks")
			case "requires":
				s.Requires = d.conditions(f.value, "strategy "+s.ID)
			case "place":
				s.Place = d.str(f.value, "place")
				if !contains(Places, s.Place) {
					d.errorf(f.value, "strategy place must be one of %s", strings.Join(Places, ", "))
				}
			case "combines":
				s.Combines = d.strings(f.value, "combines")
			case "sources":
				s.Sources = d.strings(f.value, "sources")
			}
		}
		if s.ID == "" {
			d.errorf(item, "strategy: id is required")
		}
		if s.Level < 0 {
			d.errorf(item, "strategy %s: level (0-4) is required", s.ID)
			s.Level = 0
		}
		if s.Name == "" {
			s.Name = s.ID
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) hostCriteria(n *yaml.Node) HostCriteria {
	var h HostCriteria
	for _, f := range d.fields(n, "hosts", "tiers", "legal_bases", "demand_blocks", "requires") {
		switch f.key {
		case "tiers":
			for i, t := range d.strings(f.value, "tiers") {
				tier, ok := parseTier(t)
				if !ok {
					d.errorf(f.value.Content[i], "hosts: unknown tier %q (home, trusted, neutral, restricted)", t)
					continue
				}
				h.Tiers = append(h.Tiers, tier)
			}
		case "legal_bases":
			for i, b := range d.strings(f.value, "legal_bases") {
				if !contains(Bases, b) {
					d.errorf(f.value.Content[i], "hosts: unknown legal basis %q (%s)", b, strings.Join(Bases, ", "))
					continue
				}
				h.Bases = append(h.Bases, b)
			}
		case "demand_blocks":
			h.DemandBlocks = d.strings(f.value, "demand_blocks")
		case "requires":
			h.Requires = d.conditions(f.value, "hosts")
		}
	}
	return h
}

func (d *decoder) legalBases(n *yaml.Node) []LegalBasis {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "legal_bases: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []LegalBasis
	for _, item := range n.Content {
		l := LegalBasis{Pos: d.pos(item)}
		for _, f := range d.fields(item, "legal basis", "country", "basis", "instrument", "guests", "sources", "checked") {
			switch f.key {
			case "country":
				l.Country = d.str(f.value, "country")
			case "basis":
				l.Basis = d.str(f.value, "basis")
				if !contains(Bases, l.Basis) {
					d.errorf(f.value, "legal basis: unknown basis %q (%s)", l.Basis, strings.Join(Bases, ", "))
				}
			case "instrument":
				l.Instrument = d.str(f.value, "instrument")
			case "guests":
				l.Guests = d.strings(f.value, "guests")
			case "sources":
				l.Sources = d.strings(f.value, "sources")
			case "checked":
				l.Checked = d.str(f.value, "checked")
			}
		}
		if l.Country == "" || l.Basis == "" {
			d.errorf(item, "legal basis: country and basis are required")
		}
		if len(l.Sources) == 0 {
			d.errorf(item, "legal basis %s: at least one source is required", l.Country)
		}
		out = append(out, l)
	}
	return out
}

func (d *decoder) resources(n *yaml.Node) []Resource {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "resources: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []Resource
	for _, item := range n.Content {
		r := Resource{Pos: d.pos(item), Additive: true}
		for _, f := range d.fields(item, "resource", "name", "prerequisite", "blocks", "site", "additive") {
			switch f.key {
			case "name":
				r.Name = d.str(f.value, "name")
			case "prerequisite":
				r.Prerequisite = d.str(f.value, "prerequisite")
			case "blocks":
				r.Blocks = d.strings(f.value, "blocks")
			case "site":
				r.Site, _ = d.boolean(f.value, "site")
			case "additive":
				r.Additive, _ = d.boolean(f.value, "additive")
			}
		}
		if r.Prerequisite == "" {
			d.errorf(item, "resource: prerequisite is required")
		}
		if r.Name == "" {
			r.Name = r.Prerequisite
		}
		out = append(out, r)
	}
	return out
}

func (d *decoder) derivedDemand(n *yaml.Node) []DerivedDemand {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "derived_demand: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []DerivedDemand
	for _, item := range n.Content {
		x := DerivedDemand{Pos: d.pos(item), Factors: map[string]float64{}}
		for _, f := range d.fields(item, "derived demand", "quantity", "unit", "from", "by", "factors", "unknown", "why", "sources") {
			switch f.key {
			case "quantity":
				x.Quantity = d.str(f.value, "quantity")
			case "unit":
				x.Unit = d.str(f.value, "unit")
			case "from":
				x.From = d.str(f.value, "from")
			case "by":
				x.By = d.str(f.value, "by")
			case "factors":
				for _, g := range d.fields(f.value, "factors") {
					if v, ok := d.number(g.value, "factors."+g.key); ok {
						if v < 0 {
							d.errorf(g.value, "factors.%s: a factor cannot be negative", g.key)
						}
						x.Factors[g.key] = v
					}
				}
			case "unknown":
				x.Unknown = d.str(f.value, "unknown")
			case "why":
				x.Why = d.str(f.value, "why")
			case "sources":
				x.Sources = d.strings(f.value, "sources")
			}
		}
		if x.Quantity == "" || x.From == "" || x.By == "" {
			d.errorf(item, "derived demand: quantity, from and by are required")
		}
		if _, ok := x.Factors[x.Unknown]; !ok {
			d.errorf(item, "derived demand %s: unknown must name one of its factors (the value assumed when %s is not stated)", x.Quantity, x.By)
		} else {
			for v, f := range x.Factors {
				if f > x.Factors[x.Unknown] {
					d.errorf(item, "derived demand %s: the value assumed when %s is unknown must have the highest factor, but %s has %s", x.Quantity, x.By, v, formatNumber(f))
				}
			}
		}
		if len(x.Sources) == 0 {
			d.errorf(item, "derived demand %s: at least one source is required", x.Quantity)
		}
		out = append(out, x)
	}
	return out
}

// validateSet checks the references inside a set: every condition names a
// known prerequisite with an operator of the right type, every block is
// listed, and ids are unique.
func (d *decoder) validateSet(s *Set) {
	prereqs := map[string]Prerequisite{}
	for _, p := range s.Prerequisites {
		if _, dup := prereqs[p.ID]; dup {
			d.problems = append(d.problems, Problem{Pos: p.Pos, Msg: fmt.Sprintf("prerequisite %s is defined twice", p.ID)})
		}
		prereqs[p.ID] = p
	}
	seenBlock := map[string]bool{}
	for _, b := range s.Blocks {
		if seenBlock[b] {
			d.errorf(nil, "block %s is listed twice", b)
		}
		seenBlock[b] = true
	}
	checkBlocks := func(pos sovmap.Pos, owner string, blocks []string) {
		for _, b := range blocks {
			if !seenBlock[b] {
				d.problems = append(d.problems, Problem{Pos: pos, Msg: fmt.Sprintf("%s: unknown block %q (blocks: %s)", owner, b, strings.Join(s.Blocks, ", "))})
			}
		}
	}
	checkConds := func(owner string, conds []Condition, allowDerived bool) {
		for _, c := range conds {
			p, ok := prereqs[c.Prerequisite]
			if !ok {
				if c.Prerequisite != "" {
					d.problems = append(d.problems, Problem{Pos: c.Pos, Msg: fmt.Sprintf("%s: unknown prerequisite %q", owner, c.Prerequisite)})
				}
				continue
			}
			checkBlocks(c.Pos, owner, c.Blocks)
			if p.Kind == Derived && !allowDerived {
				d.problems = append(d.problems, Problem{Pos: c.Pos, Msg: fmt.Sprintf("%s: %s is derived by sovmap and cannot be a host criterion", owner, p.ID)})
			}
			bad := func(msg string) {
				d.problems = append(d.problems, Problem{Pos: c.Pos, Msg: fmt.Sprintf("%s: %s: %s", owner, p.ID, msg)})
			}
			switch p.Type {
			case Number:
				if c.Min == nil && c.Max == nil || c.In != nil || c.Is != nil {
					bad("a number takes min and/or max")
				}
				if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
					bad("min is above max")
				}
			case Bool:
				if c.Is == nil || c.Min != nil || c.Max != nil || c.In != nil {
					bad("a bool takes is: true or is: false")
				}
				if c.Per != "" {
					bad("per applies to numbers only")
				}
			case Enum:
				if len(c.In) == 0 || c.Min != nil || c.Max != nil || c.Is != nil {
					bad("an enum takes in: [values]")
				}
				for _, v := range c.In {
					if !contains(p.Values, v) {
						bad(fmt.Sprintf("%q is not one of %s", v, strings.Join(p.Values, ", ")))
					}
				}
				if c.Per != "" {
					bad("per applies to numbers only")
				}
			}
		}
	}
	seenStrategy := map[string]bool{}
	for i, st := range s.Strategies {
		if seenStrategy[st.ID] {
			d.problems = append(d.problems, Problem{Pos: st.Pos, Msg: fmt.Sprintf("strategy %s is defined twice", st.ID)})
		}
		seenStrategy[st.ID] = true
		checkBlocks(st.Pos, "strategy "+st.ID, st.Blocks)
		checkConds("strategy "+st.ID, st.Requires, true)
		if i > 0 && st.Level > s.Strategies[i-1].Level {
			d.problems = append(d.problems, Problem{Pos: st.Pos, Msg: fmt.Sprintf("strategy %s: strategies are listed most sovereign first, but its level %d is above %s's %d", st.ID, st.Level, s.Strategies[i-1].ID, s.Strategies[i-1].Level)})
		}
	}
	checkBlocks(sovmap.Pos{File: d.file}, "hosts", s.Hosts.DemandBlocks)
	checkConds("hosts", s.Hosts.Requires, false)
	for _, st := range s.Strategies {
		for _, c := range st.Combines {
			other, ok := s.Strategy(c)
			switch {
			case !ok:
				d.problems = append(d.problems, Problem{Pos: st.Pos, Msg: fmt.Sprintf("strategy %s: combines unknown strategy %q", st.ID, c)})
			case len(other.Combines) > 0:
				d.problems = append(d.problems, Problem{Pos: st.Pos, Msg: fmt.Sprintf("strategy %s: combines %s, which is itself a combination", st.ID, c)})
			case other.Level < st.Level && c == st.Combines[0]:
				d.problems = append(d.problems, Problem{Pos: st.Pos, Msg: fmt.Sprintf("strategy %s: its core %s has level %d, below the combination's %d", st.ID, c, other.Level, st.Level)})
			}
		}
	}
	hostOf := map[string]string{}
	for _, host := range sortedKeys(s.Hosting) {
		hosted := s.Hosting[host]
		checkBlocks(sovmap.Pos{File: d.file}, "hosting", append([]string{host}, hosted...))
		for _, h := range hosted {
			switch prev, dup := hostOf[h]; {
			case h == host:
				d.errorf(nil, "hosting: block %s cannot host itself", h)
			case dup:
				d.errorf(nil, "hosting: block %s is hosted by both %s and %s", h, prev, host)
			case len(s.Hosting[h]) > 0:
				d.errorf(nil, "hosting: block %s is hosted by %s and hosts others itself; hosting is one level deep", h, host)
			}
			hostOf[h] = host
		}
	}
	for _, r := range s.Resources {
		p, ok := prereqs[r.Prerequisite]
		switch {
		case !ok:
			d.problems = append(d.problems, Problem{Pos: r.Pos, Msg: fmt.Sprintf("resource %s: unknown prerequisite %q", r.Name, r.Prerequisite)})
		case p.Type != Number:
			d.problems = append(d.problems, Problem{Pos: r.Pos, Msg: fmt.Sprintf("resource %s: %s is not a number", r.Name, r.Prerequisite)})
		}
		checkBlocks(r.Pos, "resource "+r.Name, r.Blocks)
	}
	for _, x := range s.DerivedDemand {
		p, ok := prereqs[x.By]
		if !ok || p.Type != Enum {
			d.problems = append(d.problems, Problem{Pos: x.Pos, Msg: fmt.Sprintf("derived demand %s: by must name an enum prerequisite, found %q", x.Quantity, x.By)})
			continue
		}
		for _, v := range p.Values {
			if _, ok := x.Factors[v]; !ok {
				d.problems = append(d.problems, Problem{Pos: x.Pos, Msg: fmt.Sprintf("derived demand %s: no factor for %s %q", x.Quantity, x.By, v)})
			}
		}
	}
}

func parseTier(s string) (sovmap.Tier, bool) {
	for t := sovmap.TierHome; t <= sovmap.TierRestricted; t++ {
		if t.String() == s {
			return t, true
		}
	}
	return 0, false
}

// threshold returns a condition's bound scaled by demand, for display and
// evaluation. ok is false when the condition needs a demand the block lacks.
func (c Condition) threshold(bound float64, demand map[string]float64) (float64, bool) {
	if c.Per == "" {
		return bound, true
	}
	q, ok := demand[c.Per]
	if !ok || math.IsNaN(q) {
		return 0, false
	}
	return bound * q, true
}
