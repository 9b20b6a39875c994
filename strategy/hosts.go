package strategy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// HostResult is one candidate host country for a digital embassy.
type HostResult struct {
	Country string `json:"country"`
	Name    string `json:"name,omitempty"`
	Tier    string `json:"tier"`
	// TierReason says where the tier comes from.
	TierReason string `json:"tier_reason"`
	LegalBasis string `json:"legal_basis"`
	Instrument string `json:"instrument,omitempty"`
	// BasisSource cites the legal basis.
	BasisSource string  `json:"basis_source,omitempty"`
	Checks      []Check `json:"checks"`
	Met         int     `json:"met"`
	Unmet       int     `json:"unmet"`
	Unknown     int     `json:"unknown"`
	Qualified   bool    `json:"qualified"`
	// Stated counts the host facts the profile states.
	Stated int `json:"stated"`
	// Why lists what keeps an unqualified host from qualifying.
	Why []string `json:"why,omitempty"`
	// FromProfile is true when the profile lists the host as a candidate;
	// the others come from the knowledge base and the strategy set.
	FromProfile bool `json:"from_profile"`
}

// HostRanking ranks candidate hosts for the demand the profile would place
// abroad.
type HostRanking struct {
	// Demand is the power (MW) a host would carry; nil when not stated.
	Demand *float64 `json:"demand_mw"`
	// Hosts are the hosts with at least one fact known, ranked.
	Hosts []HostResult `json:"ranked"`
	// Unassessed are the hosts about which nothing but their tier and legal
	// basis is known (the profile states none of their facts), listed apart
	// after the ranked ones, by tier, legal basis and country code.
	Unassessed []HostResult `json:"unassessed"`
	Tiers      []string     `json:"qualifying_tiers"`
	Bases      []string     `json:"qualifying_legal_bases"`
	Blocks     []string     `json:"demand_blocks"`
}

type hostCandidate struct {
	country     string
	fromProfile bool
	cand        *Candidate
	basis       string
	instrument  string
	basisSource string
}

// hostCandidates gathers the countries worth ranking: the profile's
// candidates, the hosts with a known legal basis, and the countries the
// home trusts (trust-bloc peers, adequacy, the profile's trusted list).
func (e *engine) hostCandidates() []hostCandidate {
	seen := map[string]bool{e.p.Home: true}
	var out []hostCandidate
	add := func(country string, c *Candidate) {
		if seen[country] {
			return
		}
		if _, ok := e.k.Country(country); !ok {
			return
		}
		seen[country] = true
		hc := hostCandidate{country: country, fromProfile: c != nil, cand: c, basis: BasisNone}
		for _, lb := range e.set.LegalBases {
			if lb.Country != country {
				continue
			}
			hc.basis, hc.instrument = lb.Basis, lb.Instrument
			hc.basisSource = strings.Join(lb.Sources, "; ")
			if contains(lb.Guests, e.p.Home) {
				hc.basis = BasisInForce
			}
		}
		if c != nil && c.LegalBasis != nil {
			hc.basis = c.LegalBasis.Text
			hc.basisSource = c.LegalBasis.Source
			if c.LegalBasis.Note != "" {
				hc.instrument = c.LegalBasis.Note
			}
		}
		out = append(out, hc)
	}
	for i := range e.p.Candidates {
		add(e.p.Candidates[i].Country, &e.p.Candidates[i])
	}
	for _, lb := range e.set.LegalBases {
		add(lb.Country, nil)
	}
	trusted := e.tiers.assess.Countries(sovmap.TierTrusted)
	for _, c := range trusted {
		add(c, nil)
	}
	return out
}

func basisRank(b string) int {
	for i, x := range Bases {
		if x == b {
			return i
		}
	}
	return len(Bases)
}

// assessHost evaluates one candidate against the host criteria for a demand.
func (e *engine) assessHost(hc hostCandidate, demand map[string]float64) HostResult {
	tier, why := e.tiers.tier(hc.country)
	h := HostResult{
		Country: hc.country, Tier: tier.String(), TierReason: why, LegalBasis: hc.basis,
		Instrument: hc.instrument, BasisSource: hc.basisSource, FromProfile: hc.fromProfile,
	}
	if c, ok := e.k.Country(hc.country); ok {
		h.Name = c.Name
	}
	tierOK := false
	for _, t := range e.set.Hosts.Tiers {
		if t == tier {
			tierOK = true
		}
	}
	if !tierOK {
		h.Why = append(h.Why, fmt.Sprintf("tier %s (%s) is not one of %s", tier, why, tierList(e.set.Hosts.Tiers)))
	}
	if !contains(e.set.Hosts.Bases, hc.basis) {
		h.Why = append(h.Why, fmt.Sprintf("legal basis %s is not one of %s", hc.basis, strings.Join(e.set.Hosts.Bases, ", ")))
	}
	var unknown []string
	lookup := func(id string) (Value, bool) {
		if hc.cand != nil {
			if v, ok := hc.cand.Prerequisites[id]; ok {
				return v, true
			}
		}
		pr, _ := e.set.Prerequisite(id)
		return e.fromKB(pr, hc.country)
	}
	full, how := e.withDerived(demand, lookup)
	for _, c := range e.set.Hosts.Requires {
		pr, _ := e.set.Prerequisite(c.Prerequisite)
		v, have := lookup(c.Prerequisite)
		if hc.cand != nil {
			if _, stated := hc.cand.Prerequisites[c.Prerequisite]; stated {
				h.Stated++
			}
		}
		ch := evaluate(c, pr, v, have, full, how)
		switch ch.Status {
		case Met:
			h.Met++
		case Unknown:
			h.Unknown++
			unknown = append(unknown, pr.ID)
		default:
			h.Unmet++
			h.Why = append(h.Why, fmt.Sprintf("%s %s (needs %s)", pr.ID, shortfallText(ch), ch.Requirement))
		}
		h.Checks = append(h.Checks, ch)
	}
	if len(unknown) > 0 {
		why := "unknown: " + strings.Join(unknown, ", ")
		if hc.cand == nil {
			why += " (list the host under candidates: with these facts to assess it)"
		}
		h.Why = append(h.Why, why)
	}
	h.Qualified = len(h.Why) == 0
	return h
}

func tierList(ts []sovmap.Tier) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// rankHosts assesses every candidate and sorts them: qualified first, then
// by tier, legal basis, conditions met, fewest unknowns, and country code.
func (e *engine) rankHosts(demand map[string]float64) HostRanking {
	r := HostRanking{Bases: e.set.Hosts.Bases, Blocks: e.set.Hosts.DemandBlocks}
	for _, t := range e.set.Hosts.Tiers {
		r.Tiers = append(r.Tiers, t.String())
	}
	if demand != nil {
		d := demand["power_mw"]
		r.Demand = &d
	}
	for _, hc := range e.candidates {
		h := e.assessHost(hc, demand)
		if h.Stated == 0 && h.Unknown > 0 {
			r.Unassessed = append(r.Unassessed, h)
		} else {
			r.Hosts = append(r.Hosts, h)
		}
	}
	tierRank := func(s string) int {
		t, _ := parseTier(s)
		return int(t)
	}
	sort.SliceStable(r.Hosts, func(i, j int) bool {
		a, b := r.Hosts[i], r.Hosts[j]
		switch {
		case a.Qualified != b.Qualified:
			return a.Qualified
		case a.Tier != b.Tier:
			return tierRank(a.Tier) < tierRank(b.Tier)
		case a.LegalBasis != b.LegalBasis:
			return basisRank(a.LegalBasis) < basisRank(b.LegalBasis)
		case a.Met != b.Met:
			return a.Met > b.Met
		case a.Unknown != b.Unknown:
			return a.Unknown < b.Unknown
		default:
			return a.Country < b.Country
		}
	})
	sort.SliceStable(r.Unassessed, func(i, j int) bool {
		a, b := r.Unassessed[i], r.Unassessed[j]
		switch {
		case a.Tier != b.Tier:
			return tierRank(a.Tier) < tierRank(b.Tier)
		case a.LegalBasis != b.LegalBasis:
			return basisRank(a.LegalBasis) < basisRank(b.LegalBasis)
		default:
			return a.Country < b.Country
		}
	})
	return r
}

// shortfallText says how a failed check misses, for one line of text.
func shortfallText(c Check) string {
	if c.Shortfall != "" {
		return c.Shortfall
	}
	return "is " + c.ValueText()
}

// qualifiedHosts counts the hosts that qualify for a block's demand and
// says which, as the source of the derived hosts.qualified fact.
func (e *engine) qualifiedHosts(demand map[string]float64) (int, string) {
	var names []string
	for _, hc := range e.candidates {
		if e.assessHost(hc, demand).Qualified {
			names = append(names, hc.country)
		}
	}
	if len(names) == 0 {
		return 0, fmt.Sprintf("host criteria: none of %d candidate hosts qualifies for this block's demand", len(e.candidates))
	}
	return len(names), fmt.Sprintf("host criteria: qualifying for this block's demand: %s", strings.Join(names, ", "))
}
