package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Tiers places every country of the knowledge base in a tier as seen from
// the organization's home, and says why.
type Tiers struct {
	kb   *kb.KB
	home string
	tier []sovmap.Tier // by kb.CountryIndex
	why  []string      // by kb.CountryIndex
}

// NewTiers computes the tiers for an organization. Defaults come from the
// knowledge base: home (the home country, or every member of a home bloc),
// trusted (members of the trust blocs home belongs to, and the adequacy
// decisions of home's regime), restricted (countries under sanctions marked
// restricted). The organization's own lists replace a default list when given;
// neutral entries move countries out of the trusted tier.
func NewTiers(k *kb.KB, org sovmap.Organization) (*Tiers, error) {
	homeCountries, ok := k.Expand(org.Home)
	if !ok {
		return nil, fmt.Errorf("unknown home jurisdiction %q", org.Home)
	}
	codes := k.CountryCodes()
	t := &Tiers{kb: k, home: org.Home, tier: make([]sovmap.Tier, len(codes)), why: make([]string, len(codes))}
	for i := range t.tier {
		t.tier[i] = sovmap.TierNeutral
		t.why[i] = "no trust or restriction applies"
	}
	set := func(codes []string, tier sovmap.Tier, why string) {
		for _, c := range codes {
			if i := k.CountryIndex(c); i >= 0 {
				t.tier[i], t.why[i] = tier, why
			}
		}
	}

	// Trusted: organization list, or the defaults.
	if org.Trusted != nil {
		for _, code := range org.Trusted {
			members, _ := k.Expand(code)
			set(members, sovmap.TierTrusted, "listed as trusted by the organization ("+code+")")
		}
	} else {
		regimes := map[string]bool{}
		for _, hc := range homeCountries {
			for _, b := range k.BlocsOf(hc) {
				if b.Trust {
					set(b.Members, sovmap.TierTrusted, "member of "+b.ID+" with home")
					regimes[b.ID] = true
				}
			}
		}
		if b, isBloc := k.Bloc(org.Home); isBloc && b.Trust {
			regimes[b.ID] = true
		}
		// The EU's adequacy decisions apply to the whole EEA.
		if regimes["EEA"] {
			regimes["EU"] = true
		}
		for _, hc := range homeCountries {
			regimes[hc] = true // a country's own adequacy list (e.g. GB, CH)
		}
		for regime := range regimes {
			for _, a := range k.Adequacy(regime) {
				if a.Trust() {
					set([]string{a.Country}, sovmap.TierTrusted, fmt.Sprintf("adequacy decision (%s, %s)", regime, a.Act))
				}
			}
		}
	}
	for _, code := range org.Neutral {
		members, _ := k.Expand(code)
		set(members, sovmap.TierNeutral, "listed as neutral by the organization ("+code+")")
	}
	// Restricted: organization list, or the sanctions defaults.
	if org.Restricted != nil {
		for _, code := range org.Restricted {
			members, _ := k.Expand(code)
			set(members, sovmap.TierRestricted, "listed as restricted by the organization ("+code+")")
		}
	} else {
		for _, s := range k.Sanctions() {
			if s.Restricted {
				set([]string{s.Country}, sovmap.TierRestricted, "under sanctions ("+strings.Join(s.By, ", ")+")")
			}
		}
	}
	// Home last: it wins over everything.
	set(homeCountries, sovmap.TierHome, "home jurisdiction ("+org.Home+")")
	return t, nil
}

// Of returns the tier of a country; unknown codes are TierUnknown.
func (t *Tiers) Of(country string) sovmap.Tier {
	if i := t.kb.CountryIndex(country); i >= 0 {
		return t.tier[i]
	}
	return sovmap.TierUnknown
}

// Why says why a country has its tier.
func (t *Tiers) Why(country string) string {
	if i := t.kb.CountryIndex(country); i >= 0 {
		return t.why[i]
	}
	return "unknown jurisdiction"
}

// Home returns the home jurisdiction as the organization wrote it.
func (t *Tiers) Home() string { return t.home }

// Worst returns the worst tier among countries and the first country with
// it. An empty list is TierUnknown.
func (t *Tiers) Worst(countries []string) (sovmap.Tier, string) {
	worst, at := sovmap.TierUnknown, ""
	for i, c := range countries {
		tier := t.Of(c)
		if i == 0 || tier > worst {
			worst, at = tier, c
		}
	}
	return worst, at
}

// Countries returns the sorted countries of a tier.
func (t *Tiers) Countries(tier sovmap.Tier) []string {
	var out []string
	for i, c := range t.kb.CountryCodes() {
		if t.tier[i] == tier {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}
