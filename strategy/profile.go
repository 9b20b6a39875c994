package strategy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/strictyaml"
	"github.com/sovmap/sovmap/kb"
)

// Value is one stated fact of a profile: a number, a yes/no or a named
// value, with its unit and the source it comes from.
type Value struct {
	Type Type
	Num  float64
	Bool bool
	Text string
	Unit string
	// Source says where the fact comes from; every stated fact needs one.
	Source string
	Note   string
	Pos    sovmap.Pos
}

// String formats the value with its unit, such as "25 MW".
func (v Value) String() string {
	var s string
	switch v.Type {
	case Number:
		s = formatNumber(v.Num)
	case Bool:
		if v.Bool {
			s = "yes"
		} else {
			s = "no"
		}
	default:
		s = v.Text
	}
	if v.Unit != "" && v.Type == Number {
		s += " " + v.Unit
	}
	return s
}

// formatNumber prints a number without a trailing ".0" and with at most
// two decimals, the precision a strategy discussion needs.
func formatNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Block is a profile's statement about one building block: the demand it
// must serve and the prerequisites that differ from the home-wide ones.
type Block struct {
	ID string
	// Demand maps a quantity (power_mw, gpus, ...) to the amount needed.
	Demand map[string]Value
	// By is the year the demand must be met.
	By            int
	Prerequisites map[string]Value
	Pos           sovmap.Pos
}

// Candidate is a possible host country for a digital embassy, with what the
// profile knows about it.
type Candidate struct {
	Country string
	// LegalBasis overrides the legal basis the strategy set knows for the host.
	LegalBasis    *Value
	Prerequisites map[string]Value
	Pos           sovmap.Pos
}

// Profile kinds: a state (or a group of states) decides laws and national
// programmes; an organization acts through contracts, providers and the
// services its state offers.
const (
	KindState        = "state"
	KindOrganization = "organization"
)

// Profile states a home's local prerequisites and demand per building
// block: the input of `sovmap strategy`.
type Profile struct {
	Name string
	// Kind is KindState (the default) or KindOrganization; it decides what
	// the advice says can be done.
	Kind string
	// Home is an ISO 3166-1 alpha-2 country code.
	Home    string
	HomePos sovmap.Pos
	Horizon int
	// Trusted, Restricted and Neutral override the knowledge base's default
	// tiers, as in an inventory's organization.
	Trusted    []string
	Restricted []string
	Neutral    []string
	// Partners are countries the home could co-invest with beyond its
	// trust blocs.
	Partners []string
	// Prerequisites hold for every block unless a block states its own.
	Prerequisites map[string]Value
	Blocks        []Block
	Candidates    []Candidate
	File          string
	Pos           sovmap.Pos
	// listPos remembers where each entry of the jurisdiction lists was
	// written, keyed by list name and entry, for error messages.
	listPos map[string]sovmap.Pos
}

func (p *Profile) notePositions(list string, n *yaml.Node) {
	if p.listPos == nil {
		p.listPos = map[string]sovmap.Pos{}
	}
	for _, c := range n.Content {
		p.listPos[list+":"+c.Value] = sovmap.Pos{File: p.File, Line: c.Line, Col: c.Column}
	}
}

// Block returns the profile's statement about a block.
func (p *Profile) Block(id string) (Block, bool) {
	for _, b := range p.Blocks {
		if b.ID == id {
			return b, true
		}
	}
	return Block{}, false
}

// Lookup returns the value of a prerequisite for a block: the block's own
// value when it states one, the home-wide value otherwise.
func (p *Profile) Lookup(block, prerequisite string) (Value, bool) {
	if b, ok := p.Block(block); ok {
		if v, ok := b.Prerequisites[prerequisite]; ok {
			return v, true
		}
	}
	v, ok := p.Prerequisites[prerequisite]
	return v, ok
}

// DecodeProfile reads a profile from YAML or JSON. It checks the shape of
// the file; Check checks it against a strategy set and the knowledge base,
// and ReadProfile does both at once.
func DecodeProfile(name string, data []byte) (*Profile, error) {
	d := &decoder{file: name}
	p := d.profile(data)
	if err := d.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// ReadProfile decodes a profile and checks it against a strategy set and
// the knowledge base, reporting the problems of both steps together so that
// a user can fix the file in one pass.
func ReadProfile(name string, data []byte, set *Set, k *kb.KB) (*Profile, error) {
	d := &decoder{file: name}
	p := d.profile(data)
	if p != nil {
		if err := p.Check(set, k); err != nil {
			d.problems = append(d.problems, err.(Problems)...)
		}
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// profile decodes what it can of a profile, recording problems; it returns
// nil only when the file is not a YAML mapping at all.
func (d *decoder) profile(data []byte) *Profile {
	name := d.file
	root := d.parse(data)
	if root == nil {
		return nil
	}
	p := &Profile{File: name, Pos: d.pos(root), Kind: KindState, Prerequisites: map[string]Value{}}
	version := 0
	for _, f := range d.fields(root, "profile", "version", "name", "kind", "home", "horizon", "trusted", "restricted", "neutral", "partners", "prerequisites", "blocks", "candidates") {
		switch f.key {
		case "version":
			version, _ = d.integer(f.value, "version")
		case "kind":
			p.Kind = d.str(f.value, "kind")
			if p.Kind != KindState && p.Kind != KindOrganization {
				d.errorf(f.value, "profile: kind must be %s or %s, found %q", KindState, KindOrganization, p.Kind)
			}
		case "name":
			p.Name = d.str(f.value, "name")
		case "home":
			p.Home = d.str(f.value, "home")
			p.HomePos = d.pos(f.value)
		case "horizon":
			p.Horizon, _ = d.integer(f.value, "horizon")
		case "trusted":
			p.Trusted = d.strings(f.value, "trusted")
			p.notePositions("trusted", f.value)
		case "restricted":
			p.Restricted = d.strings(f.value, "restricted")
			p.notePositions("restricted", f.value)
		case "neutral":
			p.Neutral = d.strings(f.value, "neutral")
			p.notePositions("neutral", f.value)
		case "partners":
			p.Partners = d.strings(f.value, "partners")
			p.notePositions("partners", f.value)
		case "prerequisites":
			p.Prerequisites = d.values(f.value, "prerequisites")
		case "blocks":
			p.Blocks = d.blocks(f.value)
		case "candidates":
			p.Candidates = d.candidates(f.value)
		}
	}
	if version != 1 {
		d.errorf(root, "profile: version must be 1")
	}
	if p.Home == "" {
		d.errorf(root, "profile: home (an ISO 3166-1 alpha-2 country code) is required")
	}
	if len(p.Blocks) == 0 {
		d.errorf(root, "profile: blocks must state at least one building block")
	}
	return p
}

// values reads a mapping of prerequisite (or quantity) ids to values.
func (d *decoder) values(n *yaml.Node, what string) map[string]Value {
	out := map[string]Value{}
	for _, f := range d.fields(n, what) {
		if v, ok := d.value(f.value, what+"."+f.key); ok {
			out[f.key] = v
		}
	}
	return out
}

// value reads {value: ..., unit: ..., source: ..., note: ...}.
func (d *decoder) value(n *yaml.Node, what string) (Value, bool) {
	v := Value{Pos: d.pos(n)}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected {value: ..., source: ...}, found %s", what, strictyaml.KindName(n))
		return v, false
	}
	var valueN *yaml.Node
	for _, f := range d.fields(n, what, "value", "unit", "source", "note") {
		switch f.key {
		case "value":
			valueN = f.value
		case "unit":
			v.Unit = d.str(f.value, what+".unit")
		case "source":
			v.Source = d.str(f.value, what+".source")
		case "note":
			v.Note = d.str(f.value, what+".note")
		}
	}
	if valueN == nil {
		d.errorf(n, "%s: value is required", what)
		return v, false
	}
	v.Pos = d.pos(valueN)
	ok := true
	switch {
	case valueN.Kind != yaml.ScalarNode || valueN.Tag == "!!null":
		d.errorf(valueN, "%s: value must be a number, true/false or a word, found %s", what, strictyaml.KindName(valueN))
		ok = false
	case valueN.Tag == "!!int" || valueN.Tag == "!!float":
		v.Type = Number
		v.Num, ok = d.number(valueN, what)
	case valueN.Tag == "!!bool":
		v.Type = Bool
		v.Bool, ok = d.boolean(valueN, what)
	default:
		v.Type = Enum
		v.Text = valueN.Value
	}
	if strings.TrimSpace(v.Source) == "" {
		// Recorded, but the value is kept so that the checks against the
		// strategy set still run and report everything in one pass.
		d.errorf(n, "%s: source is required (where does this value come from?)", what)
	}
	return v, ok
}

func (d *decoder) blocks(n *yaml.Node) []Block {
	var out []Block
	for _, f := range d.fields(n, "blocks") {
		b := Block{ID: f.key, Pos: d.pos(f.keyN), Demand: map[string]Value{}, Prerequisites: map[string]Value{}}
		for _, g := range d.fields(f.value, "block "+f.key, "demand", "by", "prerequisites") {
			switch g.key {
			case "demand":
				b.Demand = d.values(g.value, f.key+".demand")
				for q, v := range b.Demand {
					if v.Type != Number {
						d.errorf(g.value, "%s.demand.%s: expected a number", f.key, q)
					} else if v.Num < 0 {
						d.problems = append(d.problems, Problem{Pos: v.Pos, Msg: fmt.Sprintf("%s.demand.%s: demand cannot be negative", f.key, q)})
					}
				}
			case "by":
				b.By, _ = d.integer(g.value, f.key+".by")
			case "prerequisites":
				b.Prerequisites = d.values(g.value, f.key+".prerequisites")
			}
		}
		out = append(out, b)
	}
	return out
}

func (d *decoder) candidates(n *yaml.Node) []Candidate {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "candidates: expected a list, found %s", strictyaml.KindName(n))
		return nil
	}
	var out []Candidate
	for _, item := range n.Content {
		c := Candidate{Pos: d.pos(item), Prerequisites: map[string]Value{}}
		for _, f := range d.fields(item, "candidate", "country", "legal_basis", "prerequisites") {
			switch f.key {
			case "country":
				c.Country = d.str(f.value, "candidate country")
			case "legal_basis":
				if v, ok := d.value(f.value, "candidate legal_basis"); ok {
					if v.Type != Enum || !contains(Bases, v.Text) {
						d.problems = append(d.problems, Problem{Pos: v.Pos, Msg: fmt.Sprintf("candidate legal_basis must be one of %s", strings.Join(Bases, ", "))})
					} else {
						c.LegalBasis = &v
					}
				}
			case "prerequisites":
				c.Prerequisites = d.values(f.value, "candidate prerequisites")
			}
		}
		if c.Country == "" {
			d.errorf(item, "candidate: country is required")
		}
		out = append(out, c)
	}
	return out
}

// Check validates a decoded profile against a strategy set and the
// knowledge base: known blocks, prerequisites, types, units, enum values and
// countries. All problems are reported together.
//
// A prerequisite or block the set does not know is a problem when it is
// close to a known one (a typo); otherwise it is ignored, so that a profile
// written for the default set also runs against a replacement set that uses
// fewer prerequisites. Ignored(set) lists what was ignored.
func (p *Profile) Check(set *Set, k *kb.KB) error {
	var ps Problems
	add := func(pos sovmap.Pos, format string, args ...any) {
		ps = append(ps, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
	if _, ok := k.Country(p.Home); !ok && p.Home != "" {
		add(p.HomePos, "home %q is not an ISO 3166-1 alpha-2 country code known to the knowledge base", p.Home)
	}
	lists := []struct {
		name    string
		entries []string
	}{{"trusted", p.Trusted}, {"restricted", p.Restricted}, {"neutral", p.Neutral}, {"partners", p.Partners}}
	for _, list := range lists {
		for _, j := range list.entries {
			if _, ok := k.Expand(j); !ok {
				pos, known := p.listPos[list.name+":"+j]
				if !known {
					pos = p.Pos
				}
				add(pos, "%s: unknown jurisdiction %q (a country code or a bloc id)", list.name, j)
			}
		}
	}
	checkValues := func(owner string, vals map[string]Value) {
		for _, id := range sortedKeys(vals) {
			v := vals[id]
			pr, ok := set.Prerequisite(id)
			if !ok {
				if near := suggest(id, set); near != "" {
					add(v.Pos, "%s: unknown prerequisite %q%s", owner, id, near)
				}
				continue
			}
			if pr.Kind == Derived {
				add(v.Pos, "%s: %s is derived by sovmap from the knowledge base and cannot be stated", owner, id)
				continue
			}
			if v.Type != pr.Type {
				add(v.Pos, "%s: %s expects %s, found %s", owner, id, typeWord(pr), v.String())
				continue
			}
			if pr.Type == Enum && !contains(pr.Values, v.Text) {
				add(v.Pos, "%s: %s must be one of %s, found %q", owner, id, strings.Join(pr.Values, ", "), v.Text)
			}
			if pr.Type == Number {
				if msg := outOfRange(pr, v.Num); msg != "" {
					add(v.Pos, "%s: %s %s", owner, id, msg)
				}
			}
			switch {
			case pr.Type != Number || v.Unit == "" || sameUnit(v.Unit, pr.Unit):
			case pr.Unit == "":
				add(v.Pos, "%s: %s takes no unit, found unit %q", owner, id, v.Unit)
			default:
				add(v.Pos, "%s: %s is measured in %s, found unit %q (convert the value)", owner, id, pr.Unit, v.Unit)
			}
		}
	}
	checkValues("prerequisites", p.Prerequisites)
	seen := map[string]bool{}
	for _, b := range p.Blocks {
		if !contains(set.Blocks, b.ID) {
			if !knownElsewhere(b.ID) {
				add(b.Pos, "unknown building block %q (%sblocks: %s)", b.ID, blockSuggestion(b.ID, set.Blocks), strings.Join(set.Blocks, ", "))
			}
			continue
		}
		if seen[b.ID] {
			add(b.Pos, "block %s is stated twice", b.ID)
		}
		seen[b.ID] = true
		checkValues(b.ID+".prerequisites", b.Prerequisites)
		if v, ok := b.Demand["power_mw"]; ok && v.Unit != "" && !sameUnit(v.Unit, "MW") {
			add(v.Pos, "%s.demand.power_mw is measured in MW, found unit %q", b.ID, v.Unit)
		}
	}
	for _, c := range p.Candidates {
		if _, ok := k.Country(c.Country); !ok {
			add(c.Pos, "candidate %q is not a country code known to the knowledge base", c.Country)
		}
		if c.Country == p.Home {
			add(c.Pos, "candidate %s is the home country itself", c.Country)
		}
		checkValues("candidate "+c.Country, c.Prerequisites)
	}
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Line < ps[j].Pos.Line })
	return ps
}

func typeWord(p Prerequisite) string {
	switch p.Type {
	case Number:
		if p.Unit != "" {
			return "a number in " + p.Unit
		}
		return "a number"
	case Bool:
		return "true or false"
	default:
		return "one of " + strings.Join(p.Values, ", ")
	}
}

func sameUnit(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
	return norm(a) == norm(b)
}

// outOfRange says how a number falls outside a prerequisite's documented
// range, or "" when it is inside.
func outOfRange(pr Prerequisite, x float64) string {
	var want []string
	if pr.RangeMin != nil {
		want = append(want, "at least "+formatNumber(*pr.RangeMin))
	}
	if pr.RangeMax != nil {
		want = append(want, "at most "+formatNumber(*pr.RangeMax))
	}
	rng := strings.Join(want, " and ")
	switch {
	case pr.RangeMin != nil && x < *pr.RangeMin, pr.RangeMax != nil && x > *pr.RangeMax:
		return fmt.Sprintf("must be %s, found %s", rng, formatNumber(x))
	case pr.Whole && x != float64(int64(x)):
		return fmt.Sprintf("must be a whole number, found %s", formatNumber(x))
	}
	return ""
}

// knownElsewhere reports whether a block the set in use does not know is
// a block of the default set: a profile written for the default set still
// runs against a replacement set with fewer blocks, with a note.
func knownElsewhere(block string) bool {
	def, err := DefaultSet()
	return err == nil && contains(def.Blocks, block)
}

// blockAliases maps words people use for a block to the block they mean.
var blockAliases = map[string]string{
	"gpu": "hardware", "gpus": "hardware", "accelerators": "hardware", "chips": "hardware",
	"datacenter": "facility", "datacentre": "facility", "data-centre": "facility", "data-center": "facility",
	"network": "connectivity", "power": "energy", "electricity": "energy", "cloud": "compute",
}

// blockSuggestion names the block a misspelt or synonymous block most
// likely means.
func blockSuggestion(id string, blocks []string) string {
	if near := nearest(id, blocks); near != "" {
		return fmt.Sprintf("did you mean %s? ", near)
	}
	if alias, ok := blockAliases[strings.ToLower(id)]; ok && contains(blocks, alias) {
		return fmt.Sprintf("did you mean %s? ", alias)
	}
	return ""
}

// Ignored lists the profile's prerequisites and blocks that the set does
// not know and that Check let pass because they are not typos of known ones.
func (p *Profile) Ignored(set *Set) []string {
	seen := map[string]bool{}
	var out []string
	note := func(vals map[string]Value) {
		for id := range vals {
			if _, ok := set.Prerequisite(id); !ok && !seen[id] {
				seen[id] = true
				out = append(out, "prerequisite "+id)
			}
		}
	}
	note(p.Prerequisites)
	for _, b := range p.Blocks {
		if !contains(set.Blocks, b.ID) {
			out = append(out, "block "+b.ID)
			continue
		}
		note(b.Prerequisites)
	}
	for _, c := range p.Candidates {
		note(c.Prerequisites)
	}
	sort.Strings(out)
	return out
}

// suggest names the closest known prerequisite, to catch typos; empty when
// none is close.
func suggest(id string, set *Set) string {
	ids := make([]string, len(set.Prerequisites))
	for i, p := range set.Prerequisites {
		ids[i] = p.ID
	}
	if best := nearest(id, ids); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}

// nearest returns the candidate within a small edit distance of s, or "".
func nearest(s string, candidates []string) string {
	return strictyaml.Nearest(s, candidates, 3)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
