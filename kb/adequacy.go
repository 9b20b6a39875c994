package kb

import "slices"

// Adequacy scopes (Adequacy.Scope): which recipients in the country a
// decision covers.
const (
	// ScopeFull: every recipient in the country.
	ScopeFull = "full"
	// ScopeCommercial: commercial organisations under a named law (Canada:
	// PIPEDA).
	ScopeCommercial = "commercial"
	// ScopePrivateSector: the private sector under a named law (Japan: APPI
	// with supplementary rules).
	ScopePrivateSector = "private-sector"
	// ScopeSubjectToLaw: recipients subject to a named law, with listed
	// exclusions (Korea: PIPA).
	ScopeSubjectToLaw = "subject-to-law"
	// ScopeAutomated: automated international transfers and automated
	// processing (Israel).
	ScopeAutomated = "automated-processing"
	// ScopeCertified: only organisations certified under a framework (the
	// United States: the Data Privacy Framework).
	ScopeCertified = "certified"
)

// Scopes lists the valid adequacy scopes.
var Scopes = []string{ScopeFull, ScopeCommercial, ScopePrivateSector, ScopeSubjectToLaw, ScopeAutomated, ScopeCertified}

// Partial reports whether the decision covers only some recipients in the
// country: a flow relying on it must say that its recipient is covered.
func (a Adequacy) Partial() bool { return a.Scope != ScopeFull }

// Trust reports whether the decision makes the country trusted by default:
// a decision for the country's general regime, even one limited to a
// sector, does; one that covers only organisations that opt in
// (certified) does not, and neither does a contested decision that is not
// full.
func (a Adequacy) Trust() bool {
	if a.Scope == ScopeFull {
		return true
	}
	return !a.Contested && a.Scope != ScopeCertified
}

// Covers says in words which recipients the decision covers.
func (a Adequacy) Covers() string {
	if a.Scope == ScopeFull {
		return "every recipient"
	}
	if a.Recipients != "" {
		return a.Recipients
	}
	return a.Scope
}

// AdequacyByCountry returns the adequacy decisions of a regime (EU, GB,
// CH), by the country they are about.
func (k *KB) AdequacyByCountry(regime string) map[string]Adequacy {
	out := map[string]Adequacy{}
	for _, a := range k.Adequacy(regime) {
		out[a.Country] = a
	}
	return out
}

// Within reports whether country lies in one of places: countries, blocs,
// or "adequacy" for a country with a full decision among decisions. When
// it does not, limited is its decision if that covers only some recipients,
// which a law naming "adequacy" may or may not accept.
func (k *KB) Within(country string, places []string, decisions map[string]Adequacy) (in bool, limited *Adequacy) {
	for _, place := range places {
		if place == "adequacy" {
			if a, ok := decisions[country]; ok {
				if !a.Partial() {
					return true, nil
				}
				limited = &a
			}
			continue
		}
		if members, ok := k.Expand(place); ok && slices.Contains(members, country) {
			return true, nil
		}
	}
	return false, limited
}

// TransferRegime returns whose adequacy decisions govern transfers of
// personal data out of home: "EU" for the EU, the EEA and their members
// (the EEA states apply the Commission's decisions), the home country for
// a country with an adequacy list of its own (GB, CH). ok is false when
// the knowledge base records no transfer regime for home: sovmap then
// judges no transfer of personal data as a violation of law.
func (k *KB) TransferRegime(home string) (regime string, ok bool) {
	if home == "EU" || home == "EEA" {
		return "EU", true
	}
	members, _ := k.Expand(home)
	for _, c := range members {
		for _, b := range k.BlocsOf(c) {
			if b.ID == "EU" || b.ID == "EEA" {
				return "EU", true
			}
		}
	}
	if len(k.Adequacy(home)) > 0 {
		return home, true
	}
	return "", false
}
