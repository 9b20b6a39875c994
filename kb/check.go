package kb

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Check returns every problem of the knowledge base: the fatal ones a load
// refuses (there are none in a loaded KB) and the missing or malformed
// provenance (sources, checked date, a note on a contested entry) that a
// load accepts but a review must fix.
func (k *KB) Check() []Problem {
	ps := k.check(false)
	sortProblems(ps)
	return ps
}

var (
	countryCodeRE = regexp.MustCompile(`^[A-Z]{2}$`)
	idRE          = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
	dataClassRE   = regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$`)
	// yearOrDateRE accepts YYYY, YYYY-MM or YYYY-MM-DD.
	yearOrDateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)
)

// dataClassRoots are the roots of sovmap's dotted data classes.
var dataClassRoots = []string{"classified", "personal", "confidential", "internal", "public"}

var (
	lawKinds      = []string{CompelledAccess, Localisation, Sourcing, DataProtection}
	reaches       = []string{ReachControl, ReachLocation, ReachOperations}
	assertions    = []string{AssertsSecurityLevel, AssertsLocalisation, AssertsImmunity, AssertsOperations}
	statuses      = []string{StatusInForce, StatusDraft, StatusWithdrawn}
	schemeKinds   = []string{"certification", "attestation", "qualification", "authorisation", "label", "registry", "standard"}
	criticalities = []string{"vital", "high", "medium", "low"}
	sanctionBy    = "UN" // the only issuer of sanctions that is neither a country nor a bloc
	providerRole  = regexp.MustCompile(`^[a-z][a-z-]*$`)
)

// check validates references and shapes. With fatalOnly it skips the
// provenance checks a load does not enforce. Problems come in the order of
// the kinds below and, within an entry, in the order of its checks; a
// stable sort by position (sortProblems) keeps that order for one entry.
func (k *KB) check(fatalOnly bool) []Problem {
	c := &checker{k: k}
	c.countries()
	c.blocs()
	c.adequacy()
	c.sanctions()
	c.laws()
	c.regions()
	c.providers()
	c.schemes()
	c.exportControls()
	if !fatalOnly {
		c.provenance()
	}
	return c.problems
}

// checker collects the problems of one check of a knowledge base.
type checker struct {
	k        *KB
	problems []Problem
}

// entry returns the reporter for problems of one entry.
func (c *checker) entry(kind, id string, m Meta) entryCheck {
	return entryCheck{c: c, kind: kind, id: id, pos: m.Position()}
}

// entryCheck reports fatal problems of one entry and holds the checks
// that several kinds of entry share.
type entryCheck struct {
	c        *checker
	kind, id string
	pos      string
}

func (e entryCheck) bad(format string, args ...any) {
	e.c.problems = append(e.c.problems, Problem{Position: e.pos, Kind: e.kind, ID: e.id, Message: fmt.Sprintf(format, args...), Fatal: true})
}

// validID checks the entry's id.
func (e entryCheck) validID() {
	if !idRE.MatchString(e.id) {
		e.bad("id %q is not a valid id", e.id)
	}
}

func (e entryCheck) named(name string) {
	if name == "" {
		e.bad("name is missing")
	}
}

// country checks that code is a country of the knowledge base.
func (e entryCheck) country(field, code string) {
	if _, ok := e.c.k.countries[code]; !ok {
		e.bad("%s %q is not a country code of the knowledge base", field, code)
	}
}

// jurisdiction checks that code is a country or a bloc.
func (e entryCheck) jurisdiction(field, code string) {
	if !e.c.k.IsJurisdiction(code) {
		e.bad("%s %q is neither a country nor a bloc", field, code)
	}
}

// oneOf checks that v is one of valid.
func (e entryCheck) oneOf(field, v string, valid []string) {
	if !slices.Contains(valid, v) {
		e.bad("%s %q is not one of %s", field, v, strings.Join(valid, ", "))
	}
}

// yearOrDate checks that v is YYYY, YYYY-MM or YYYY-MM-DD.
func (e entryCheck) yearOrDate(field, v string) {
	if !yearOrDateRE.MatchString(v) {
		e.bad("%s %q is not YYYY, YYYY-MM or YYYY-MM-DD", field, v)
	}
}

// date checks that v is a date YYYY-MM-DD, and that it is given when
// required.
func (e entryCheck) date(field, v string, required bool) {
	if v == "" {
		if required {
			e.bad("%s is missing", field)
		}
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		e.bad("%s %q is not a date (YYYY-MM-DD)", field, v)
	}
}

// provider checks that id is a provider of the knowledge base.
func (e entryCheck) provider(field, id string) bool {
	if _, ok := e.c.k.providers[id]; !ok {
		e.bad("%s %q is not a provider of the knowledge base", field, id)
		return false
	}
	return true
}

func (c *checker) countries() {
	for _, cn := range c.k.countries {
		e := c.entry(KindCountry, cn.Code, cn.Meta)
		if !countryCodeRE.MatchString(cn.Code) {
			e.bad("code must be two capital letters")
		}
		e.named(cn.Name)
	}
}

func (c *checker) blocs() {
	for _, b := range c.k.blocs {
		e := c.entry(KindBloc, b.ID, b.Meta)
		e.validID()
		if _, clash := c.k.countries[b.ID]; clash {
			e.bad("id is also a country code, so the jurisdiction would be ambiguous")
		}
		e.named(b.Name)
		if len(b.Members) == 0 {
			e.bad("has no members")
		}
		seen := map[string]bool{}
		for _, m := range b.Members {
			e.country("member", m)
			if seen[m] {
				e.bad("member %s is listed twice", m)
			}
			seen[m] = true
		}
		if b.Since != "" {
			e.yearOrDate("since", b.Since)
		}
	}
}

func (c *checker) adequacy() {
	for _, a := range c.k.adequacy {
		e := c.entry(KindAdequacy, adequacyID(a), a.Meta)
		e.jurisdiction("regime", a.Regime)
		e.country("country", a.Country)
		e.yearOrDate("date", a.Date)
		if a.Act == "" {
			e.bad("act is missing")
		}
		e.oneOf("scope", a.Scope, Scopes)
		if a.Scope != ScopeFull && a.Recipients == "" {
			e.bad("a limited decision needs recipients: who it covers, in words")
		}
	}
}

func (c *checker) sanctions() {
	for _, s := range c.k.sanctions {
		e := c.entry(KindSanction, s.Country, s.Meta)
		e.country("country", s.Country)
		if len(s.By) == 0 {
			e.bad("by is missing")
		}
		for _, by := range s.By {
			if by != sanctionBy && !c.k.IsJurisdiction(by) {
				e.bad("by %q is neither UN, a country nor a bloc", by)
			}
		}
	}
}

func (c *checker) laws() {
	for _, l := range c.k.laws {
		e := c.entry(KindLaw, l.ID, l.Meta)
		e.validID()
		e.jurisdiction("jurisdiction", l.Jurisdiction)
		e.oneOf("kind", l.Kind, lawKinds)
		e.named(l.Name)
		for _, r := range l.Reach {
			e.oneOf("reach", r, reaches)
		}
		if l.Kind == CompelledAccess && len(l.Reach) == 0 {
			e.bad("a compelled-access law needs reach")
		}
		if l.Kind == Localisation || l.Kind == Sourcing {
			c.requirement(e, l)
		}
		for _, d := range l.Data {
			root, _, _ := strings.Cut(d, ".")
			if !dataClassRE.MatchString(d) || !slices.Contains(dataClassRoots, root) {
				e.bad("data class %q is not a dotted class under %s", d, strings.Join(dataClassRoots, ", "))
			}
		}
	}
}

// requirement checks what a localisation or sourcing law asks: the data it
// covers, the articles it rests on, its condition and its level.
func (c *checker) requirement(e entryCheck, l Law) {
	if l.Kind == Localisation && len(l.Data) == 0 {
		e.bad("a localisation law needs data classes")
	}
	if l.Citation == "" {
		e.bad("a %s law needs a citation: the articles its requirement rests on", l.Kind)
	}
	if l.Basis != "" && l.Basis != "law" && l.Basis != "guidance" {
		e.bad("basis %q is not law or guidance", l.Basis)
	}
	c.checkCondition(e, l)
	if l.Require < 0 || l.Require > 4 {
		e.bad("require %d is not a level 0-4", l.Require)
	}
}

// checkCondition checks that a law's condition names schemes, places and
// criticalities the knowledge base and the inventory format know.
func (c *checker) checkCondition(e entryCheck, l Law) {
	for _, cr := range l.Criticality {
		if !slices.Contains(criticalities, cr) {
			e.bad("criticality %q is not vital, high, medium or low", cr)
		}
	}
	cond := l.Condition
	if cond == nil {
		return
	}
	if cond.Certification != nil {
		if _, ok := c.k.schemes[cond.Certification.Scheme]; !ok {
			e.bad("condition names scheme %q, which is not a scheme of the knowledge base", cond.Certification.Scheme)
		}
	}
	for _, place := range cond.LocatedIn {
		if place != "adequacy" && !c.k.IsJurisdiction(place) {
			e.bad("condition located_in %q is neither a country, a bloc nor adequacy", place)
		}
	}
	if cond.Establishment != "" {
		e.country("condition establishment", cond.Establishment)
	}
}

func (c *checker) regions() {
	for _, r := range c.k.regions {
		e := c.entry(KindRegion, r.ID, r.Meta)
		e.country("country", r.Country)
		if r.Provider == "" {
			e.bad("provider is missing (give it per entry or at the top of the file)")
		} else {
			e.provider("provider", r.Provider)
		}
	}
}

func (c *checker) providers() {
	for _, p := range c.k.providers {
		e := c.entry(KindProvider, p.ID, p.Meta)
		e.validID()
		e.named(p.Name)
		e.country("country", p.Country)
		if p.Role != "" && !providerRole.MatchString(p.Role) {
			e.bad("role %q must be lower-case words joined by hyphens", p.Role)
		}
		for _, o := range p.Owners {
			e.provider("owner", o)
		}
		if p.Technology != "" {
			e.provider("technology", p.Technology)
		}
		if p.Parent != "" && e.provider("parent", p.Parent) {
			if cycle := c.k.parentCycle(p.ID); cycle != nil {
				e.bad("parent chain loops: %s", strings.Join(cycle, " -> "))
			}
		}
	}
}

// parentCycle returns the loop reached from id by following parents, or nil.
func (k *KB) parentCycle(id string) []string {
	var path []string
	at := map[string]int{}
	for id != "" {
		if i, seen := at[id]; seen {
			return append(path[i:], id)
		}
		at[id] = len(path)
		path = append(path, id)
		p, ok := k.providers[id]
		if !ok {
			return nil
		}
		id = p.Parent
	}
	return nil
}

// schemes checks schemes in id order, so that of two schemes sharing a
// name the later one is told.
func (c *checker) schemes() {
	owner := map[string]string{} // schemeKey of a name -> the scheme that has it
	for _, s := range sortedValues(c.k.schemes) {
		e := c.entry(KindScheme, s.ID, s.Meta)
		e.validID()
		if s.Name == "" || s.Issuer == "" {
			e.bad("name and issuer are required")
		}
		if s.Jurisdiction != "" {
			e.jurisdiction("jurisdiction", s.Jurisdiction)
		}
		e.oneOf("kind", s.Kind, schemeKinds)
		e.oneOf("status", s.Status, statuses)
		if len(s.Asserts) == 0 {
			e.bad("asserts is missing")
		}
		for _, a := range s.Asserts {
			e.oneOf("asserts", a, assertions)
		}
		if (s.HasAssertion(AssertsLocalisation) || s.HasAssertion(AssertsOperations)) && s.Location == "" {
			e.bad("asserts localisation or operations but gives no location")
		}
		if s.Location != "" {
			e.jurisdiction("location", s.Location)
		}
		if s.Since != "" {
			e.yearOrDate("since", s.Since)
		}
		for _, name := range append([]string{s.ID}, s.Aliases...) {
			key := schemeKey(name)
			if other, taken := owner[key]; taken && other != s.ID {
				e.bad("name %q is also a name of scheme %s", name, other)
			}
			owner[key] = s.ID
		}
	}
}

// exportControls checks export controls in id order, so that of two
// others groups of one rule the later one is told.
func (c *checker) exportControls() {
	others := map[string]string{} // rule -> its others group
	for _, x := range sortedValues(c.k.exports) {
		e := c.entry(KindExportControl, x.ID, x.Meta)
		e.jurisdiction("regime", x.Regime)
		if x.Rule == "" || x.Name == "" || x.Group == "" || x.Items == "" {
			e.bad("rule, name, group and items are required")
		}
		if _, ok := restrictionSeverity[x.Restriction]; !ok {
			e.bad("restriction %q is not one of none, capped, licence, denial", x.Restriction)
		}
		for _, m := range x.Members {
			e.country("member", m)
		}
		if x.Until != "" && x.Ended == "" {
			e.bad("until %s needs ended: what made the group stop applying", x.Until)
		}
		if len(x.Members) == 0 && !x.Others {
			e.bad("has no members and is not the others group")
		}
		if x.Others {
			if prev, ok := others[x.Rule]; ok {
				e.bad("rule %s already has an others group (%s)", x.Rule, prev)
			}
			others[x.Rule] = x.ID
		}
		e.date("effective", x.Effective, true)
		e.date("until", x.Until, false)
		if x.Until != "" && x.Until <= x.Effective {
			e.bad("until %s is not after effective %s", x.Until, x.Effective)
		}
	}
}

// provenance finds the problems a load accepts but a review must fix: no
// source, no valid checked date, contested without a note.
func (c *checker) provenance() {
	for _, e := range c.k.entries {
		if len(e.Sources) == 0 {
			c.warn(e, "no source")
		}
		for _, s := range e.Sources {
			if strings.TrimSpace(s) == "" {
				c.warn(e, "empty source")
			}
		}
		if e.Checked == "" {
			c.warn(e, "no checked date")
		} else if _, err := time.Parse(time.DateOnly, e.Checked); err != nil {
			c.warn(e, fmt.Sprintf("checked %q is not a date (YYYY-MM-DD)", e.Checked))
		}
		if e.Contested && e.Notes == "" {
			c.warn(e, "contested without a note saying what is contested")
		}
	}
}

// warn records a problem of provenance, which does not stop a load.
func (c *checker) warn(e Entry, msg string) {
	c.problems = append(c.problems, Problem{Position: e.Position(), Kind: e.Kind, ID: e.ID, Message: msg})
}
