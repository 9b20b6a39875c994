package strategy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// tiers places countries in tiers from the home's point of view, with the
// defaults of DESIGN.md: the profile's own lists first, then comprehensive
// sanctions (restricted), shared trust blocs and adequacy decisions
// (trusted); everything else is neutral.
type tiers struct {
	home       string
	restricted map[string]bool
	neutral    map[string]bool
	trusted    map[string]bool
	// blocPeers maps a country to the trust blocs it shares with home.
	blocPeers map[string][]string
	// adequacy maps a country to the act of a non-contested adequacy
	// decision of a regime the home applies.
	adequacy   map[string]string
	sanctioned map[string]bool
	// trustBlocs are the ids of the trust blocs home belongs to.
	trustBlocs []string
}

func newTiers(p *Profile, k *kb.KB) *tiers {
	t := &tiers{
		home: p.Home, restricted: expandAll(k, p.Restricted), neutral: expandAll(k, p.Neutral),
		trusted: expandAll(k, p.Trusted), blocPeers: map[string][]string{}, adequacy: map[string]string{},
		sanctioned: map[string]bool{},
	}
	regimes := []string{p.Home}
	for _, b := range k.BlocsOf(p.Home) {
		if !b.Trust {
			continue
		}
		t.trustBlocs = append(t.trustBlocs, b.ID)
		regimes = append(regimes, b.ID)
		for _, m := range b.Members {
			if m != p.Home {
				t.blocPeers[m] = append(t.blocPeers[m], b.ID)
			}
		}
	}
	for _, r := range regimes {
		for _, a := range k.Adequacy(r) {
			// A contested decision (or one limited to certified
			// organisations) is not a safe default: the user can still
			// list the country as trusted.
			if a.Contested {
				continue
			}
			t.adequacy[a.Country] = fmt.Sprintf("%s adequacy decision (%s)", a.Regime, a.Act)
		}
	}
	for _, s := range k.Sanctions() {
		if s.Restricted {
			t.sanctioned[s.Country] = true
		}
	}
	return t
}

func expandAll(k *kb.KB, list []string) map[string]bool {
	out := map[string]bool{}
	for _, j := range list {
		countries, _ := k.Expand(j)
		for _, c := range countries {
			out[c] = true
		}
	}
	return out
}

// tier returns the country's tier and the reason for it.
func (t *tiers) tier(country string) (sovmap.Tier, string) {
	switch {
	case country == t.home:
		return sovmap.TierHome, "home"
	case t.restricted[country]:
		return sovmap.TierRestricted, "restricted by the profile"
	case t.neutral[country]:
		return sovmap.TierNeutral, "neutral by the profile"
	case t.trusted[country]:
		return sovmap.TierTrusted, "trusted by the profile"
	case t.sanctioned[country]:
		return sovmap.TierRestricted, "sanctions programme in the knowledge base"
	}
	if b, ok := t.blocPeers[country]; ok {
		return sovmap.TierTrusted, "shares " + strings.Join(b, ", ") + " with home"
	}
	if a, ok := t.adequacy[country]; ok {
		return sovmap.TierTrusted, a
	}
	return sovmap.TierNeutral, "no shared trust bloc or adequacy decision"
}

// regionalPartners counts the countries home could co-invest with: trust
// bloc peers and the profile's partners, less restricted ones.
func (t *tiers) regionalPartners(p *Profile, k *kb.KB) (int, string) {
	set := map[string]bool{}
	for c := range t.blocPeers {
		set[c] = true
	}
	for c := range expandAll(k, p.Partners) {
		if c != p.Home {
			set[c] = true
		}
	}
	n := 0
	for c := range set {
		if tier, _ := t.tier(c); tier != sovmap.TierRestricted {
			n++
		}
	}
	var from []string
	if len(t.trustBlocs) > 0 {
		from = append(from, "knowledge base: member of "+strings.Join(t.trustBlocs, ", "))
	}
	if len(p.Partners) > 0 {
		from = append(from, "profile partners: "+strings.Join(p.Partners, ", "))
	}
	if len(from) == 0 {
		from = append(from, "knowledge base: home belongs to no trust bloc; profile lists no partners")
	}
	return n, strings.Join(from, "; ")
}

// trustedCount counts the countries of the knowledge base in the trusted tier.
func (t *tiers) trustedCount(k *kb.KB) (int, string) {
	n := 0
	for _, c := range k.CountryCodes() {
		if tier, _ := t.tier(c); tier == sovmap.TierTrusted {
			n++
		}
	}
	var from []string
	if len(t.trustBlocs) > 0 {
		from = append(from, "trust blocs "+strings.Join(t.trustBlocs, ", "))
	}
	if len(t.adequacy) > 0 {
		acts := make([]string, 0, len(t.adequacy))
		for c := range t.adequacy {
			acts = append(acts, c)
		}
		sort.Strings(acts)
		from = append(from, "adequacy decisions for "+strings.Join(acts, ", "))
	}
	if len(t.trusted) > 0 {
		from = append(from, "the profile's trusted list")
	}
	if len(from) == 0 {
		return n, "knowledge base: no trust bloc, adequacy decision or trusted list applies"
	}
	return n, "knowledge base: " + strings.Join(from, "; ")
}
