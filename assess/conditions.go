package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// A law that sets a condition (a certified host, storage in a region, an
// establishment, exit terms) is judged by that condition, not by a spectrum
// level: a component that meets it has no gap under the law whatever its
// level, and one that does not is told which part fails. A part whose fact
// the inventory does not record is open: a question, never a guess.

// lawApplies reports whether a law with a condition covers a component:
// its data classes, its criticality and, for a law that binds hosts, a
// provider. A law limited by criticality leaves a component whose
// criticality is not stated open rather than out of scope.
func lawApplies(law *kb.Law, c *sovmap.Component) (applies, criticalityUnknown bool) {
	if len(law.Data) > 0 && !lawCovers(*law, c.Data) {
		return false, false
	}
	if law.ProvidersOnly && c.Provider == "" {
		return false, false
	}
	if len(law.Criticality) > 0 {
		if c.Criticality == "" {
			return true, true
		}
		if !slices.Contains(law.Criticality, string(c.Criticality)) {
			return false, false
		}
	}
	return true, false
}

// lawRequirement judges a law's condition on a component.
func (e *engine) lawRequirement(law *kb.Law, c *sovmap.Component, p *profile, criticalityUnknown bool) sovmap.Requirement {
	basis := sovmap.BasisLaw
	if law.Basis == string(sovmap.BasisGuidance) {
		basis = sovmap.BasisGuidance
	}
	r := sovmap.Requirement{Level: sovmap.Level(law.Require), Category: sovmap.CategoryRegulatory, Basis: basis,
		Source: "law:" + law.ID, Citation: law.Citation, Contested: law.Contested}
	r.Reason = law.Name
	if law.Requirement != "" {
		r.Reason += ": " + law.Requirement
	}
	if law.Contested {
		r.Reason += " (contested: " + law.Notes + ")"
	}
	if criticalityUnknown {
		r.Checks = append(r.Checks, sovmap.Check{Part: "criticality " + strings.Join(law.Criticality, " or "), Status: sovmap.ConditionOpen,
			Why: "the criticality is not stated, so whether the law covers this component is a question: state criticality"})
	}
	if cond := law.Condition; cond != nil {
		if cond.Certification != nil {
			r.Checks = append(r.Checks, e.certificationCheck(cond.Certification, c, p))
		}
		if len(cond.LocatedIn) > 0 {
			ch := e.locationCheck(cond.LocatedIn, c, p)
			if law.PrimaryOnly && ch.Status == sovmap.ConditionUnmet && e.primaryAtHome(law) {
				// Only the primary database must be at home; a copy abroad
				// is a transfer, which the law allows under its own rules.
				ch.Status = sovmap.ConditionOpen
				ch.Why += ": is this the primary database? The law asks that personal data be first recorded and stored in databases at home; a copy abroad is a transfer under the law's transfer rules"
			}
			r.Checks = append(r.Checks, ch)
		}
		if cond.Establishment != "" {
			if ch, ok := e.establishmentCheck(cond, c, p); ok {
				r.Checks = append(r.Checks, ch)
			}
		}
		if cond.ExitTerms {
			r.Checks = append(r.Checks, exitTermsCheck(c))
		}
		if cond.LocationsStated {
			ch := sovmap.Check{Part: "locations of service and processing stated", Status: sovmap.ConditionMet, Why: "locations: " + strings.Join(c.Locations, ", ")}
			if len(c.Locations) == 0 {
				ch.Status, ch.Why = sovmap.ConditionOpen, "no location is recorded: state where the service is provided and the data processed"
			}
			r.Checks = append(r.Checks, ch)
		}
	}
	r.Condition = sovmap.ConditionMet
	for _, ch := range r.Checks {
		switch {
		case ch.Status == sovmap.ConditionUnmet:
			r.Condition = sovmap.ConditionUnmet
		case ch.Status == sovmap.ConditionOpen && r.Condition == sovmap.ConditionMet:
			r.Condition = sovmap.ConditionOpen
		}
	}
	return r
}

// primaryAtHome reports whether some component located inside the law's
// places holds data the law covers: then a component abroad may be a copy
// of that primary database, which the law allows as a transfer. Without
// one, the component abroad can only be the primary database itself.
func (e *engine) primaryAtHome(law *kb.Law) bool {
	if v, ok := e.primary[law.ID]; ok {
		return v
	}
	found := false
	for i := range e.inv.Components {
		c := &e.inv.Components[i]
		if !lawCovers(*law, c.Data) {
			continue
		}
		countries := e.facts.countries(c.Locations)
		inside := len(countries) > 0
		for _, country := range countries {
			inside = inside && e.inAny(country, law.Condition.LocatedIn)
		}
		if inside {
			found = true
			break
		}
	}
	e.primary[law.ID] = found
	return found
}

// certificationCheck looks for a certification of the scheme the law asks
// for, in an accepted variant, valid where the component is.
func (e *engine) certificationCheck(want *kb.CertCondition, c *sovmap.Component, p *profile) sovmap.Check {
	scheme, _ := e.kb.Scheme(want.Scheme)
	part := want.Part
	if part == "" {
		part = "certified " + scheme.Name
	}
	ch := sovmap.Check{Part: part, Status: sovmap.ConditionUnmet, Why: "no " + scheme.Name + " certification is recorded (certifications)"}
	for _, cert := range c.Certifications {
		s, ok := e.kb.Scheme(cert)
		if !ok || s.ID != scheme.ID {
			continue
		}
		if slices.ContainsFunc(want.Excluded, func(v string) bool { return kb.SameSpelling(v, cert) }) {
			if ch.Status != sovmap.ConditionOpen {
				ch.Why = fmt.Sprintf("certification %q is no longer accepted by the law: it asks for %s", cert, strings.Join(want.Variants, " or "))
			}
			continue
		}
		if len(want.Variants) > 0 && !slices.ContainsFunc(want.Variants, func(v string) bool { return kb.SameSpelling(v, cert) }) {
			ch.Status = sovmap.ConditionOpen
			ch.Why = fmt.Sprintf("certification %q does not say whether it is %s: record the exact certification", cert, strings.Join(want.Variants, " or "))
			continue
		}
		if ok, why := e.facts.certificationApplies(s, p.countries, p.operated); !ok {
			ch.Status, ch.Why = sovmap.ConditionUnmet, fmt.Sprintf("certification %s does not apply here: %s", cert, why)
			continue
		}
		return sovmap.Check{Part: part, Status: sovmap.ConditionMet, Why: "certification " + cert + " (" + scheme.ID + ")"}
	}
	return ch
}

// locationCheck asks that every location be inside the places the law
// allows. "adequacy" stands for the countries with an adequacy decision of
// home's regime: a full decision satisfies it, a limited one leaves it
// open, since whether such a decision counts is a reading of the law.
func (e *engine) locationCheck(places []string, c *sovmap.Component, p *profile) sovmap.Check {
	ch := sovmap.Check{Part: "located in " + strings.Join(places, ", "), Status: sovmap.ConditionMet}
	if len(p.countries) == 0 {
		ch.Status, ch.Why = sovmap.ConditionOpen, "no location is recorded: state the locations"
		return ch
	}
	var outside, limited []string
	for _, country := range p.countries {
		in, a := e.kb.Within(country, places, e.adequacy)
		switch {
		case in:
		case a != nil:
			limited = append(limited, fmt.Sprintf("%s (%s, limited to %s)", country, a.Act, a.Covers()))
			outside = append(outside, country)
		default:
			outside = append(outside, country)
		}
	}
	switch {
	case len(outside) == 0:
		ch.Why = "located in " + strings.Join(p.countries, ", ")
	case len(limited) == len(outside):
		ch.Status = sovmap.ConditionOpen
		ch.Why = "located in " + strings.Join(limited, "; ") + ": whether a decision limited to some recipients satisfies the law is contested"
	default:
		ch.Status = sovmap.ConditionUnmet
		ch.Why = "located in " + strings.Join(outside, ", ") + ", outside " + strings.Join(places, ", ")
	}
	return ch
}

// establishmentCheck asks that the provider, or an entity of its group, be
// established in a country; ok is false when the law asks it only of
// components located elsewhere and this one is not.
func (e *engine) establishmentCheck(cond *kb.Condition, c *sovmap.Component, p *profile) (sovmap.Check, bool) {
	if len(cond.EstablishmentIfOutside) > 0 {
		inside := len(p.countries) > 0
		for _, country := range p.countries {
			if !e.inAny(country, cond.EstablishmentIfOutside) {
				inside = false
			}
		}
		if inside {
			return sovmap.Check{}, false
		}
	}
	ch := sovmap.Check{Part: "the processing provider established in " + cond.Establishment}
	// The law asks it of the processing entity itself: the provider's own
	// country, not its parent's. A parent there is a hint, not the fact.
	if _, country, _, ok := e.facts.provider(c.Provider); ok && country == cond.Establishment {
		ch.Status, ch.Why = sovmap.ConditionMet, "the provider "+c.Provider+" is incorporated in "+cond.Establishment
		return ch, true
	}
	ch.Status = sovmap.ConditionOpen
	ch.Why = "no establishment of the provider " + c.Provider + " itself in " + cond.Establishment + " is recorded (a branch counts; an entity of its group elsewhere in the chain does not): confirm it with the provider"
	if p.control != nil && slices.Contains(p.control.countries, cond.Establishment) {
		ch.Why += "; its group has an entity in " + cond.Establishment + " (" + strings.Join(p.control.chain, " -> ") + ")"
	}
	return ch, true
}

func (e *engine) inAny(country string, places []string) bool {
	in, _ := e.kb.Within(country, places, nil)
	return in
}

// exitTermsCheck asks that the contract record a termination notice and
// the return of data.
func exitTermsCheck(c *sovmap.Component) sovmap.Check {
	ch := sovmap.Check{Part: "exit terms in the contract (notice and return of data)"}
	k := c.Contract
	switch {
	case k != nil && k.DataReturn != nil && !*k.DataReturn:
		ch.Status, ch.Why = sovmap.ConditionUnmet, "the contract gives no right to get data back"
	case k == nil || k.DataReturn == nil || k.ExitNoticeDays == nil:
		ch.Status, ch.Why = sovmap.ConditionOpen, "the contract's exit terms are not recorded: record exit_notice_days and data_return (contract:)"
	default:
		ch.Status, ch.Why = sovmap.ConditionMet, fmt.Sprintf("exit notice of %d days and data return agreed", *k.ExitNoticeDays)
	}
	return ch
}

// certificationApplies reports whether a scheme's certification holds
// where the component is: a scheme with a territory covers components
// located, and (when it asserts operations) operated, inside it.
func (f *facts) certificationApplies(s kb.Scheme, located, operated []string) (bool, string) {
	if s.Location == "" {
		return true, ""
	}
	members, _ := f.kb.Expand(s.Location)
	for _, country := range located {
		if !slices.Contains(members, country) {
			return false, fmt.Sprintf("located in %s, outside the scheme's territory (%s)", country, s.Location)
		}
	}
	if s.HasAssertion(kb.AssertsOperations) {
		for _, country := range operated {
			if !slices.Contains(members, country) {
				return false, fmt.Sprintf("operated from %s, outside the scheme's territory (%s)", country, s.Location)
			}
		}
	}
	return true, ""
}
