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
	lawKinds     = []string{CompelledAccess, Localisation, Sourcing, DataProtection}
	reaches      = []string{ReachControl, ReachLocation, ReachOperations}
	assertions   = []string{AssertsSecurityLevel, AssertsLocalisation, AssertsImmunity, AssertsOperations}
	statuses     = []string{StatusInForce, StatusDraft, StatusWithdrawn}
	schemeKinds  = []string{"certification", "attestation", "qualification", "authorisation", "label", "registry", "standard"}
	sanctionBy   = "UN" // the only issuer of sanctions that is neither a country nor a bloc
	providerRole = regexp.MustCompile(`^[a-z][a-z-]*$`)
)

// check validates references and shapes. With fatalOnly it skips the
// provenance checks a load does not enforce.
func (k *KB) check(fatalOnly bool) []Problem {
	var ps []Problem
	bad := func(kind, id string, m Meta, format string, args ...any) {
		ps = append(ps, Problem{Position: m.Position(), Kind: kind, ID: id, Message: fmt.Sprintf(format, args...), Fatal: true})
	}
	country := func(kind, id string, m Meta, field, code string) {
		if _, ok := k.countries[code]; !ok {
			bad(kind, id, m, "%s %q is not a country code of the knowledge base", field, code)
		}
	}
	jurisdiction := func(kind, id string, m Meta, field, code string) {
		if !k.IsJurisdiction(code) {
			bad(kind, id, m, "%s %q is neither a country nor a bloc", field, code)
		}
	}
	date := func(kind, id string, m Meta, field, v string, required bool) {
		if v == "" {
			if required {
				bad(kind, id, m, "%s is missing", field)
			}
			return
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			bad(kind, id, m, "%s %q is not a date (YYYY-MM-DD)", field, v)
		}
	}

	for _, c := range k.countries {
		if !countryCodeRE.MatchString(c.Code) {
			bad(KindCountry, c.Code, c.Meta, "code must be two capital letters")
		}
		if c.Name == "" {
			bad(KindCountry, c.Code, c.Meta, "name is missing")
		}
	}
	for _, b := range k.blocs {
		if !idRE.MatchString(b.ID) {
			bad(KindBloc, b.ID, b.Meta, "id %q is not a valid id", b.ID)
		}
		if _, clash := k.countries[b.ID]; clash {
			bad(KindBloc, b.ID, b.Meta, "id is also a country code, so the jurisdiction would be ambiguous")
		}
		if b.Name == "" {
			bad(KindBloc, b.ID, b.Meta, "name is missing")
		}
		if len(b.Members) == 0 {
			bad(KindBloc, b.ID, b.Meta, "has no members")
		}
		seen := map[string]bool{}
		for _, m := range b.Members {
			country(KindBloc, b.ID, b.Meta, "member", m)
			if seen[m] {
				bad(KindBloc, b.ID, b.Meta, "member %s is listed twice", m)
			}
			seen[m] = true
		}
		if b.Since != "" && !yearOrDateRE.MatchString(b.Since) {
			bad(KindBloc, b.ID, b.Meta, "since %q is not YYYY, YYYY-MM or YYYY-MM-DD", b.Since)
		}
	}
	for _, a := range k.adequacy {
		id := adequacyID(a)
		jurisdiction(KindAdequacy, id, a.Meta, "regime", a.Regime)
		country(KindAdequacy, id, a.Meta, "country", a.Country)
		if !yearOrDateRE.MatchString(a.Date) {
			bad(KindAdequacy, id, a.Meta, "date %q is not YYYY, YYYY-MM or YYYY-MM-DD", a.Date)
		}
		if a.Act == "" {
			bad(KindAdequacy, id, a.Meta, "act is missing")
		}
		if !slices.Contains(Scopes, a.Scope) {
			bad(KindAdequacy, id, a.Meta, "scope %q is not one of %s", a.Scope, strings.Join(Scopes, ", "))
		}
		if a.Scope != ScopeFull && a.Recipients == "" {
			bad(KindAdequacy, id, a.Meta, "a limited decision needs recipients: who it covers, in words")
		}
	}
	for _, s := range k.sanctions {
		country(KindSanction, s.Country, s.Meta, "country", s.Country)
		if len(s.By) == 0 {
			bad(KindSanction, s.Country, s.Meta, "by is missing")
		}
		for _, by := range s.By {
			if by != sanctionBy && !k.IsJurisdiction(by) {
				bad(KindSanction, s.Country, s.Meta, "by %q is neither UN, a country nor a bloc", by)
			}
		}
	}
	for _, l := range k.laws {
		if !idRE.MatchString(l.ID) {
			bad(KindLaw, l.ID, l.Meta, "id %q is not a valid id", l.ID)
		}
		jurisdiction(KindLaw, l.ID, l.Meta, "jurisdiction", l.Jurisdiction)
		if !slices.Contains(lawKinds, l.Kind) {
			bad(KindLaw, l.ID, l.Meta, "kind %q is not one of %s", l.Kind, strings.Join(lawKinds, ", "))
		}
		if l.Name == "" {
			bad(KindLaw, l.ID, l.Meta, "name is missing")
		}
		for _, r := range l.Reach {
			if !slices.Contains(reaches, r) {
				bad(KindLaw, l.ID, l.Meta, "reach %q is not one of %s", r, strings.Join(reaches, ", "))
			}
		}
		if l.Kind == CompelledAccess && len(l.Reach) == 0 {
			bad(KindLaw, l.ID, l.Meta, "a compelled-access law needs reach")
		}
		if l.Kind == Localisation || l.Kind == Sourcing {
			if l.Kind == Localisation && len(l.Data) == 0 {
				bad(KindLaw, l.ID, l.Meta, "a localisation law needs data classes")
			}
			if l.Citation == "" {
				bad(KindLaw, l.ID, l.Meta, "a %s law needs a citation: the articles its requirement rests on", l.Kind)
			}
			if l.Basis != "" && l.Basis != "law" && l.Basis != "guidance" {
				bad(KindLaw, l.ID, l.Meta, "basis %q is not law or guidance", l.Basis)
			}
			k.checkCondition(l, bad)
			if l.Require < 0 || l.Require > 4 {
				bad(KindLaw, l.ID, l.Meta, "require %d is not a level 0-4", l.Require)
			}
		}
		for _, d := range l.Data {
			root, _, _ := strings.Cut(d, ".")
			if !dataClassRE.MatchString(d) || !slices.Contains(dataClassRoots, root) {
				bad(KindLaw, l.ID, l.Meta, "data class %q is not a dotted class under %s", d, strings.Join(dataClassRoots, ", "))
			}
		}
	}
	for _, r := range k.regions {
		country(KindRegion, r.ID, r.Meta, "country", r.Country)
		if r.Provider == "" {
			bad(KindRegion, r.ID, r.Meta, "provider is missing (give it per entry or at the top of the file)")
		} else if _, ok := k.providers[r.Provider]; !ok {
			bad(KindRegion, r.ID, r.Meta, "provider %q is not a provider of the knowledge base", r.Provider)
		}
	}
	for _, p := range k.providers {
		if !idRE.MatchString(p.ID) {
			bad(KindProvider, p.ID, p.Meta, "id %q is not a valid id", p.ID)
		}
		if p.Name == "" {
			bad(KindProvider, p.ID, p.Meta, "name is missing")
		}
		country(KindProvider, p.ID, p.Meta, "country", p.Country)
		if p.Role != "" && !providerRole.MatchString(p.Role) {
			bad(KindProvider, p.ID, p.Meta, "role %q must be lower-case words joined by hyphens", p.Role)
		}
		for _, o := range p.Owners {
			if _, ok := k.providers[o]; !ok {
				bad(KindProvider, p.ID, p.Meta, "owner %q is not a provider of the knowledge base", o)
			}
		}
		if p.Technology != "" {
			if _, ok := k.providers[p.Technology]; !ok {
				bad(KindProvider, p.ID, p.Meta, "technology %q is not a provider of the knowledge base", p.Technology)
			}
		}
		if p.Parent == "" {
			continue
		}
		if _, ok := k.providers[p.Parent]; !ok {
			bad(KindProvider, p.ID, p.Meta, "parent %q is not a provider of the knowledge base", p.Parent)
			continue
		}
		if cycle := k.parentCycle(p.ID); cycle != nil {
			bad(KindProvider, p.ID, p.Meta, "parent chain loops: %s", strings.Join(cycle, " -> "))
		}
	}
	keys := map[string]string{}
	for _, s := range sortedValues(k.schemes) {
		if !idRE.MatchString(s.ID) {
			bad(KindScheme, s.ID, s.Meta, "id %q is not a valid id", s.ID)
		}
		if s.Name == "" || s.Issuer == "" {
			bad(KindScheme, s.ID, s.Meta, "name and issuer are required")
		}
		if s.Jurisdiction != "" {
			jurisdiction(KindScheme, s.ID, s.Meta, "jurisdiction", s.Jurisdiction)
		}
		if !slices.Contains(schemeKinds, s.Kind) {
			bad(KindScheme, s.ID, s.Meta, "kind %q is not one of %s", s.Kind, strings.Join(schemeKinds, ", "))
		}
		if !slices.Contains(statuses, s.Status) {
			bad(KindScheme, s.ID, s.Meta, "status %q is not one of %s", s.Status, strings.Join(statuses, ", "))
		}
		if len(s.Asserts) == 0 {
			bad(KindScheme, s.ID, s.Meta, "asserts is missing")
		}
		for _, a := range s.Asserts {
			if !slices.Contains(assertions, a) {
				bad(KindScheme, s.ID, s.Meta, "asserts %q is not one of %s", a, strings.Join(assertions, ", "))
			}
		}
		if (s.HasAssertion(AssertsLocalisation) || s.HasAssertion(AssertsOperations)) && s.Location == "" {
			bad(KindScheme, s.ID, s.Meta, "asserts localisation or operations but gives no location")
		}
		if s.Location != "" {
			jurisdiction(KindScheme, s.ID, s.Meta, "location", s.Location)
		}
		if s.Since != "" && !yearOrDateRE.MatchString(s.Since) {
			bad(KindScheme, s.ID, s.Meta, "since %q is not YYYY, YYYY-MM or YYYY-MM-DD", s.Since)
		}
		for _, name := range append([]string{s.ID}, s.Aliases...) {
			key := schemeKey(name)
			if other, taken := keys[key]; taken && other != s.ID {
				bad(KindScheme, s.ID, s.Meta, "name %q is also a name of scheme %s", name, other)
			}
			keys[key] = s.ID
		}
	}
	others := map[string]string{}
	for _, e := range sortedValues(k.exports) {
		jurisdiction(KindExportControl, e.ID, e.Meta, "regime", e.Regime)
		if e.Rule == "" || e.Name == "" || e.Group == "" || e.Items == "" {
			bad(KindExportControl, e.ID, e.Meta, "rule, name, group and items are required")
		}
		if _, ok := restrictionSeverity[e.Restriction]; !ok {
			bad(KindExportControl, e.ID, e.Meta, "restriction %q is not one of none, capped, licence, denial", e.Restriction)
		}
		for _, m := range e.Members {
			country(KindExportControl, e.ID, e.Meta, "member", m)
		}
		if len(e.Members) == 0 && !e.Others {
			bad(KindExportControl, e.ID, e.Meta, "has no members and is not the others group")
		}
		if e.Others {
			if prev, ok := others[e.Rule]; ok {
				bad(KindExportControl, e.ID, e.Meta, "rule %s already has an others group (%s)", e.Rule, prev)
			}
			others[e.Rule] = e.ID
		}
		date(KindExportControl, e.ID, e.Meta, "effective", e.Effective, true)
		date(KindExportControl, e.ID, e.Meta, "until", e.Until, false)
		if e.Until != "" && e.Until <= e.Effective {
			bad(KindExportControl, e.ID, e.Meta, "until %s is not after effective %s", e.Until, e.Effective)
		}
	}
	if fatalOnly {
		return ps
	}
	for _, e := range k.entries {
		warn := func(msg string) {
			ps = append(ps, Problem{Position: e.Position(), Kind: e.Kind, ID: e.ID, Message: msg})
		}
		if len(e.Sources) == 0 {
			warn("no source")
		}
		for _, s := range e.Sources {
			if strings.TrimSpace(s) == "" {
				warn("empty source")
			}
		}
		if e.Checked == "" {
			warn("no checked date")
		} else if _, err := time.Parse(time.DateOnly, e.Checked); err != nil {
			warn(fmt.Sprintf("checked %q is not a date (YYYY-MM-DD)", e.Checked))
		}
		if e.Contested && e.Notes == "" {
			warn("contested without a note saying what is contested")
		}
	}
	return ps
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

// checkCondition checks that a law's condition names schemes, places and
// criticalities the knowledge base and the inventory format know.
func (k *KB) checkCondition(l Law, bad func(kind, id string, m Meta, format string, args ...any)) {
	for _, c := range l.Criticality {
		if !slices.Contains([]string{"vital", "high", "medium", "low"}, c) {
			bad(KindLaw, l.ID, l.Meta, "criticality %q is not vital, high, medium or low", c)
		}
	}
	c := l.Condition
	if c == nil {
		return
	}
	if c.Certification != nil {
		if _, ok := k.schemes[c.Certification.Scheme]; !ok {
			bad(KindLaw, l.ID, l.Meta, "condition names scheme %q, which is not a scheme of the knowledge base", c.Certification.Scheme)
		}
	}
	for _, place := range c.LocatedIn {
		if place != "adequacy" && !k.IsJurisdiction(place) {
			bad(KindLaw, l.ID, l.Meta, "condition located_in %q is neither a country, a bloc nor adequacy", place)
		}
	}
	if c.Establishment != "" {
		if _, ok := k.countries[c.Establishment]; !ok {
			bad(KindLaw, l.ID, l.Meta, "condition establishment %q is not a country code of the knowledge base", c.Establishment)
		}
	}
}
