package strategy

import (
	"fmt"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
)

// tiers places countries in tiers from the home's point of view. It uses
// the assessment engine's rules (assess.NewTiers) so that a strategy and an
// assessment never disagree on who is trusted, and adds what only strategy
// needs: the trust blocs home belongs to, for co-investment.
type tiers struct {
	home   string
	assess *assess.Tiers
	// blocPeers maps a country to the trust blocs it shares with home.
	blocPeers map[string][]string
	// trustBlocs are the ids of the trust blocs home belongs to.
	trustBlocs []string
}

func newTiers(p *Profile, k *kb.KB) (*tiers, error) {
	org := sovmap.Organization{Name: p.Name, Home: p.Home, Trusted: p.Trusted, Restricted: p.Restricted, Neutral: p.Neutral}
	at, err := assess.NewTiers(k, org)
	if err != nil {
		return nil, err
	}
	t := &tiers{home: p.Home, assess: at, blocPeers: map[string][]string{}}
	for _, b := range k.BlocsOf(p.Home) {
		if !b.Trust {
			continue
		}
		t.trustBlocs = append(t.trustBlocs, b.ID)
		for _, m := range b.Members {
			if m != p.Home {
				t.blocPeers[m] = append(t.blocPeers[m], b.ID)
			}
		}
	}
	return t, nil
}

// tier returns the country's tier and the reason for it.
func (t *tiers) tier(country string) (sovmap.Tier, string) {
	return t.assess.Of(country), t.assess.Why(country)
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
func (t *tiers) trustedCount() (int, string) {
	n := len(t.assess.Countries(sovmap.TierTrusted))
	switch {
	case n == 0:
		return 0, "tiers: no country is in the trusted tier (no trust bloc, adequacy decision or trusted list applies)"
	case len(t.trustBlocs) > 0:
		return n, fmt.Sprintf("tiers: trusted through %s membership, adequacy decisions or the profile's trusted list", strings.Join(t.trustBlocs, ", "))
	default:
		return n, "tiers: trusted through adequacy decisions or the profile's trusted list"
	}
}

// alliances lists the blocs home belongs to that do not confer trust by
// themselves (GCC, ASEAN, African Union, ...): candidates for a trusted
// list the profile may declare.
func (t *tiers) alliances(k *kb.KB) []string {
	var out []string
	for _, b := range k.BlocsOf(t.home) {
		if !b.Trust {
			out = append(out, b.ID)
		}
	}
	return out
}
