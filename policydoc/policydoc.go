// Package policydoc renders an organization's cross-border data transfer
// policy as a document, from the same inventory and assessment that the
// gate enforces: scope and home, the trusted and restricted jurisdictions
// and why, what each data class requires and where it may go, the transfer
// rules per destination tier, the organization's own rules in plain
// language beside their CEL, who approves exceptions, and an annex of the
// current flows with their verdicts.
//
// Every statement carries its basis: law, guidance, the organization's
// policy, or sovmap's default. What the inventory does not record is
// written as an open question, not filled in.
package policydoc

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/policy"
)

// Document is the transfer policy of one organization.
type Document struct {
	Organization string   `json:"organization"`
	Home         string   `json:"home"`
	Sectors      []string `json:"sectors,omitempty"`
	// Regime is the transfer regime of home whose adequacy decisions
	// apply ("EU"), empty when the knowledge base knows none.
	Regime     string `json:"regime,omitempty"`
	Components int    `json:"components"`
	Flows      int    `json:"flows"`
	// Jurisdictions groups the countries that are not neutral by tier and
	// reason.
	Jurisdictions []JurisdictionGroup `json:"jurisdictions"`
	// DataClasses are the classes the inventory uses or declares.
	DataClasses  []ClassPolicy     `json:"data_classes"`
	Destinations []DestinationRule `json:"destinations"`
	Laws         []LawCondition    `json:"laws,omitempty"`
	Rules        []RuleText        `json:"rules"`
	// Questions are what the inventory does not record and the policy
	// needs, such as who approves exceptions.
	Questions []string            `json:"questions"`
	Annex     []sovmap.FlowResult `json:"annex"`
	// Allowed and Violations count the annex's verdicts.
	Allowed    int `json:"allowed"`
	Violations int `json:"violations"`
}

// JurisdictionGroup is a set of countries that share a tier and a reason.
type JurisdictionGroup struct {
	Tier      string       `json:"tier"`
	Reason    string       `json:"reason"`
	Basis     sovmap.Basis `json:"basis"`
	Countries []string     `json:"countries"`
}

// ClassPolicy is what one data class requires.
type ClassPolicy struct {
	Class     string          `json:"class"`
	Level     sovmap.Level    `json:"level"`
	LevelName string          `json:"level_name"`
	Category  sovmap.Category `json:"category"`
	Basis     sovmap.Basis    `json:"basis"`
	Reason    string          `json:"reason"`
	Citation  string          `json:"citation,omitempty"`
	// Where says where a component holding the class may be stored and
	// processed: the definition of the level it requires.
	Where string `json:"where"`
	// Rule names the entry that decides: the class itself or a parent.
	Rule       string   `json:"rule"`
	Components []string `json:"components"`
}

// DestinationRule is what a flow needs to reach a kind of destination:
// home, covered by adequacy, a third country, restricted. The trusted tier
// is not a transfer ground by itself: a country the organization trusts
// without an adequacy decision still needs a mechanism for personal data.
type DestinationRule struct {
	Tier         string       `json:"tier"`
	Requirement  string       `json:"requirement"`
	Basis        sovmap.Basis `json:"basis"`
	Supplemental string       `json:"supplementary_measures,omitempty"`
}

// LawCondition is a law the assessment found applies to components, with
// what it asks.
type LawCondition struct {
	Source     string       `json:"source"`
	Reason     string       `json:"reason"`
	Basis      sovmap.Basis `json:"basis"`
	Citation   string       `json:"citation,omitempty"`
	Components []string     `json:"components"`
}

// RuleText is an organization rule with its plain-language reading.
type RuleText struct {
	ID       string          `json:"id"`
	When     string          `json:"when"`
	Plain    string          `json:"plain"`
	Require  sovmap.Level    `json:"require"`
	Category sovmap.Category `json:"category"`
	Basis    sovmap.Basis    `json:"basis"`
	Reason   string          `json:"reason,omitempty"`
	Citation string          `json:"citation,omitempty"`
}

// levelWhere reads each level of the spectrum as a placement rule, in the
// words of the level definitions (package sovmap).
var levelWhere = map[sovmap.Level]string{
	sovmap.Domestic:         "at home only: controlled, located and operated at home, under home law alone",
	sovmap.SovereignPartner: "abroad or on foreign technology only when under home control in practice (a sovereign partner, or a qualifying arrangement)",
	sovmap.Safeguarded:      "with a trusted partner under enforceable safeguards (home or trusted jurisdictions)",
	sovmap.Contractual:      "with a foreign provider under contractual commitments",
	sovmap.Exposed:          "anywhere outside restricted jurisdictions (open market)",
}

// Build derives the policy document. rep is the assessment of inv with k.
func Build(inv *sovmap.Inventory, rep *sovmap.Report, k *kb.KB) (*Document, error) {
	org := inv.Organization
	tiers, err := assess.NewTiers(k, org)
	if err != nil {
		return nil, err
	}
	d := &Document{Organization: org.Name, Home: org.Home, Sectors: org.Sectors, Components: len(inv.Components),
		Flows: len(rep.Flows), Questions: []string{}, Annex: rep.Flows}
	if r, ok := k.TransferRegime(org.Home); ok {
		d.Regime = r
	}
	d.Jurisdictions = jurisdictions(k, tiers)
	d.DataClasses = classes(inv)
	d.Destinations = destinations(org, d.Regime)
	d.Laws = laws(rep)
	for _, r := range inv.Rules {
		plain, err := policy.Describe(r.When)
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s: %w", r.Pos, r.ID, err)
		}
		basis := r.Basis
		if basis == "" {
			basis = sovmap.BasisPolicy
		}
		d.Rules = append(d.Rules, RuleText{ID: r.ID, When: r.When, Plain: plain, Require: r.Require, Category: r.Category, Basis: basis, Reason: r.Reason, Citation: r.Citation})
	}
	if d.Rules == nil {
		d.Rules = []RuleText{}
	}
	// The inventory format has no field for who approves exceptions: ask.
	d.Questions = append(d.Questions, "Who approves exceptions to this policy, and how are they recorded? The inventory does not say.")
	if org.Restricted == nil {
		d.Questions = append(d.Questions, "The organization keeps no restricted list of its own, so the knowledge base's sanctions list stands in (sovmap's default): is that the organization's choice?")
	}
	for _, f := range rep.Flows {
		if f.Verdict == sovmap.Violation {
			d.Violations++
		} else {
			d.Allowed++
		}
	}
	return d, nil
}

// basisOfTier reads the reason Tiers gives for a country's tier.
func basisOfTier(why string) sovmap.Basis {
	switch {
	case strings.Contains(why, "by the organization"), strings.HasPrefix(why, "home jurisdiction"):
		// The lists and the home are the organization's own declarations.
		return sovmap.BasisPolicy
	case strings.HasPrefix(why, "adequacy decision"):
		return sovmap.BasisLaw
	}
	return sovmap.BasisDefault
}

func jurisdictions(k *kb.KB, t *assess.Tiers) []JurisdictionGroup {
	groups := map[[2]string]*JurisdictionGroup{}
	for _, c := range k.CountryCodes() {
		tier := t.Of(c)
		if tier == sovmap.TierNeutral && !strings.Contains(t.Why(c), "by the organization") {
			continue
		}
		key := [2]string{tier.String(), t.Why(c)}
		g, ok := groups[key]
		if !ok {
			g = &JurisdictionGroup{Tier: key[0], Reason: key[1], Basis: basisOfTier(key[1])}
			groups[key] = g
		}
		g.Countries = append(g.Countries, c)
	}
	out := make([]JurisdictionGroup, 0, len(groups))
	for _, g := range groups {
		slices.Sort(g.Countries)
		out = append(out, *g)
	}
	order := map[string]int{"home": 0, "trusted": 1, "neutral": 2, "restricted": 3}
	slices.SortFunc(out, func(a, b JurisdictionGroup) int {
		if c := cmp.Compare(order[a.Tier], order[b.Tier]); c != 0 {
			return c
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
	return out
}

// classes lists every data class the inventory uses or declares with the
// entry that decides its level: the organization's declared class first
// (its own basis, policy by default), else sovmap's default, the most
// specific prefix winning.
func classes(inv *sovmap.Inventory) []ClassPolicy {
	holders := map[string][]string{}
	add := func(class, comp string) {
		h, ok := holders[class]
		switch {
		case comp == "":
			if !ok {
				holders[class] = []string{}
			}
		// A component's classes are added together, so a class it lists
		// twice ends its list: checking the last entry keeps this linear.
		case len(h) == 0 || h[len(h)-1] != comp:
			holders[class] = append(h, comp)
		}
	}
	for _, c := range inv.Components {
		for _, x := range c.Data {
			add(x, c.ID)
		}
		for _, dep := range c.DependsOn {
			for _, x := range dep.Data {
				add(x, "")
			}
		}
	}
	for _, f := range inv.Flows {
		for _, x := range f.Data {
			add(x, "")
		}
	}
	for _, dc := range inv.Organization.DataClasses {
		add(dc.ID, "")
	}
	defaults := assess.DefaultRequirements().Data
	var out []ClassPolicy
	for class, comps := range holders {
		cp := ClassPolicy{Class: class, Components: comps}
		if dc, ok := declared(inv.Organization.DataClasses, class); ok {
			cp.Level, cp.Category, cp.Basis, cp.Reason, cp.Citation, cp.Rule = dc.Level, dc.Category, cmp.Or(dc.Basis, sovmap.BasisPolicy), dc.Reason, dc.Citation, "organization.data_classes "+dc.ID
			if cp.Reason == "" {
				cp.Reason = "declared by the organization"
			}
		} else if def, ok := defaultFor(defaults, class); ok {
			cp.Level, cp.Category, cp.Basis, cp.Reason, cp.Citation, cp.Rule = def.Level, def.Category, cmp.Or(def.Basis, sovmap.BasisDefault), def.Reason, def.Citation, "sovmap default "+def.Key
		} else {
			cp.Basis, cp.Reason, cp.Rule = sovmap.BasisDefault, "no entry decides this class", "-"
		}
		cp.LevelName, cp.Where = cp.Level.String(), levelWhere[cp.Level]
		slices.Sort(cp.Components)
		out = append(out, cp)
	}
	slices.SortFunc(out, func(a, b ClassPolicy) int { return cmp.Compare(a.Class, b.Class) })
	return out
}

// parents lists class and its dotted parents, most specific first.
func parents(class string) []string {
	out := []string{class}
	for i := strings.LastIndexByte(class, '.'); i >= 0; i = strings.LastIndexByte(class, '.') {
		class = class[:i]
		out = append(out, class)
	}
	return out
}

func declared(dcs []sovmap.DataClass, class string) (sovmap.DataClass, bool) {
	for _, p := range parents(class) {
		for _, dc := range dcs {
			if dc.ID == p {
				return dc, true
			}
		}
	}
	return sovmap.DataClass{}, false
}

func defaultFor(defs []assess.Default, class string) (assess.Default, bool) {
	for _, p := range parents(class) {
		for _, d := range defs {
			if d.Key == p {
				return d, true
			}
		}
	}
	return assess.Default{}, false
}

// destinations states the rules the transfer check applies per destination
// tier (package transfer), each with its basis.
func destinations(org sovmap.Organization, regime string) []DestinationRule {
	restrictedBasis, restrictedWho := sovmap.BasisDefault, "the knowledge base's sanctions list (sovmap's default)"
	if org.Restricted != nil {
		restrictedBasis, restrictedWho = sovmap.BasisPolicy, "the organization's restricted list"
	}
	law := "home's data protection law"
	if regime != "" {
		law = "the transfer rules of the " + regime + " regime"
	}
	return []DestinationRule{
		{Tier: "home", Basis: sovmap.BasisDefault, Requirement: "no cross-border transfer; the level each data class requires still applies to the component that holds it"},
		{Tier: "adequacy or home bloc", Basis: sovmap.BasisLaw, Requirement: "personal data may flow without a further mechanism where an adequacy decision or a common bloc covers the destination (" + law + "); a flow that claims adequacy for a destination no decision covers is refused"},
		{Tier: "any", Basis: sovmap.BasisLaw, Requirement: "a localisation law of home that keeps a class at home refuses the flow whatever the tier"},
		{Tier: "third country without adequacy", Basis: sovmap.BasisLaw, Requirement: "personal data needs a transfer mechanism: standard contractual clauses, binding corporate rules, a treaty, or a derogation for a specific situation (" + law + ")",
			Supplemental: "remote administration of the destination from a third country without adequacy is a transfer too and needs a mechanism (guidance); keys held by the organization outside the provider (customer-held, or a domestic HSM) keep a foreign compelled-access law from readable data, except on compute, which processes data in clear (sovmap's assessment rule, default)"},
		{Tier: "any foreign", Basis: sovmap.BasisDefault, Requirement: "classified data does not leave home, and does not go where a foreign law can compel its disclosure"},
		{Tier: "restricted", Basis: restrictedBasis, Requirement: "no flow may involve a restricted jurisdiction, whatever the mechanism, and sensitive data may not go where a restricted jurisdiction's law reaches the destination; restricted jurisdictions come from " + restrictedWho},
		{Tier: "unknown location", Basis: sovmap.BasisDefault, Requirement: "sensitive data may not go to a component with no stated location: the transfer cannot be checked"},
	}
}

// laws gathers the law and guidance requirements the assessment found,
// with the components they apply to.
func laws(rep *sovmap.Report) []LawCondition {
	byKey := map[string]*LawCondition{}
	var keys []string
	for _, c := range rep.Components {
		for _, r := range c.Reasons {
			if !r.Basis.Legal() {
				continue
			}
			key := r.Source + "\x00" + r.Reason
			l, ok := byKey[key]
			if !ok {
				l = &LawCondition{Source: r.Source, Reason: r.Reason, Basis: r.Basis, Citation: r.Citation}
				byKey[key] = l
				keys = append(keys, key)
			}
			// A component's reasons come together: the last entry is
			// the only possible repeat, which keeps this linear.
			if n := len(l.Components); n == 0 || l.Components[n-1] != c.ID {
				l.Components = append(l.Components, c.ID)
			}
		}
	}
	slices.Sort(keys)
	var out []LawCondition
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}
