// Package transfer checks cross-border data flows: which data classes move
// from where to where, under which legal mechanism, against the home's
// transfer rules, localisation laws, restricted jurisdictions and the
// compelled-access exposure of the destination.
package transfer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Tiers says how a country stands from home.
type Tiers interface {
	Of(country string) sovmap.Tier
	Home() string
}

// Endpoints gives the countries a component is located in.
type Endpoints func(c *sovmap.Component) []string

// Check checks every flow of the inventory. results are the component
// assessments, in inventory order, for the destination's exposure.
func Check(inv *sovmap.Inventory, results []sovmap.ComponentResult, k *kb.KB, t Tiers, where Endpoints) []sovmap.FlowResult {
	out := make([]sovmap.FlowResult, 0, len(inv.Flows))
	if len(inv.Flows) == 0 {
		return out
	}
	index := make(map[string]int, len(inv.Flows)*2)
	for _, f := range inv.Flows {
		index[f.From], index[f.To] = -1, -1
	}
	for i := range inv.Components {
		if _, want := index[inv.Components[i].ID]; want {
			index[inv.Components[i].ID] = i
		}
	}
	c := &checker{kb: k, tiers: t, sectors: inv.Organization.Sectors}
	c.prepare()
	for _, f := range inv.Flows {
		fi, ti := index[f.From], index[f.To]
		if fi < 0 || ti < 0 {
			continue // the loader reports unknown ends
		}
		from, to := &inv.Components[fi], &inv.Components[ti]
		out = append(out, c.check(f, where(from), where(to), from, &results[ti]))
	}
	return out
}

type checker struct {
	kb        *kb.KB
	tiers     Tiers
	homeSet   []string
	blocPeers map[string]bool // countries sharing a trust bloc with home
	adequacy  map[string]kb.Adequacy
	regime    string
	localLaws []kb.Law
	sectors   []string // the organization's sectors, for sectoral localisation laws
}

func (c *checker) prepare() {
	home := c.tiers.Home()
	c.homeSet, _ = c.kb.Expand(home)
	c.blocPeers = map[string]bool{}
	c.regime = home
	for _, hc := range c.homeSet {
		for _, b := range c.kb.BlocsOf(hc) {
			if !b.Trust {
				continue
			}
			for _, m := range b.Members {
				c.blocPeers[m] = true
			}
			if b.ID == "EU" || b.ID == "EEA" {
				c.regime = "EU"
			}
		}
	}
	if b, ok := c.kb.Bloc(home); ok && (b.ID == "EU" || b.ID == "EEA") {
		c.regime = "EU"
	}
	c.adequacy = map[string]kb.Adequacy{}
	for _, a := range c.kb.Adequacy(c.regime) {
		c.adequacy[a.Country] = a
	}
	for _, l := range c.kb.Laws(kb.Localisation) {
		if !l.AppliesToSectors(c.sectors) {
			continue
		}
		members, _ := c.kb.Expand(l.Jurisdiction)
		for _, m := range members {
			if slices.Contains(c.homeSet, m) {
				c.localLaws = append(c.localLaws, l)
				break
			}
		}
	}
}

func hasClass(classes []string, parent string) bool {
	for _, d := range classes {
		if d == parent || strings.HasPrefix(d, parent+".") {
			return true
		}
	}
	return false
}

func (c *checker) check(f sovmap.Flow, from, to []string, src *sovmap.Component, dst *sovmap.ComponentResult) sovmap.FlowResult {
	data := f.Data
	if len(data) == 0 {
		data = src.Data
	}
	mech := f.Mechanism
	if mech == "" {
		mech = "none"
	}
	r := sovmap.FlowResult{ID: f.ID, From: f.From, To: f.To, Data: data, Mechanism: mech, Inferred: f.Inferred,
		FromJurisdictions: from, ToJurisdictions: to, Verdict: sovmap.Allowed, Reasons: []string{}, Pos: f.Pos}
	violate := func(format string, args ...any) {
		r.Verdict = sovmap.Violation
		r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...))
	}
	note := func(format string, args ...any) { r.Reasons = append(r.Reasons, fmt.Sprintf(format, args...)) }

	personal := hasClass(data, "personal")
	classified := hasClass(data, "classified")
	sensitive := personal || classified || hasClass(data, "confidential")

	for _, country := range append(append([]string{}, from...), to...) {
		if c.tiers.Of(country) == sovmap.TierRestricted {
			violate("%s is a restricted jurisdiction: no flow may involve it, whatever the mechanism", country)
			return r
		}
	}
	if len(to) == 0 {
		if sensitive {
			violate("the destination %s has no stated location, so the transfer cannot be checked", f.To)
		} else {
			note("the destination %s has no stated location", f.To)
		}
		return r
	}
	var foreign []string
	for _, country := range to {
		if c.tiers.Of(country) != sovmap.TierHome {
			foreign = append(foreign, country)
		}
	}
	if len(foreign) == 0 {
		note("stays in the home jurisdiction (%s)", strings.Join(to, ", "))
	}
	if classified && len(foreign) > 0 {
		violate("classified data leaves the home jurisdiction for %s", strings.Join(foreign, ", "))
	}
	for _, law := range c.localLaws {
		covered := false
		for _, d := range law.Data {
			covered = covered || hasClass(data, d)
		}
		if covered && len(foreign) > 0 {
			violate("%s requires %s data to stay in %s, but it flows to %s", law.Name, strings.Join(law.Data, ", "), law.Jurisdiction, strings.Join(foreign, ", "))
		}
	}
	if personal {
		for _, country := range foreign {
			c.personalTransfer(country, mech, violate, note)
		}
	}
	if sensitive && len(dst.ExposureDetails) > 0 {
		var laws []string
		for _, e := range dst.ExposureDetails {
			laws = append(laws, fmt.Sprintf("%s (%s, via %s)", e.Law, e.Jurisdiction, e.Via))
		}
		msg := fmt.Sprintf("the destination can be compelled to disclose the data under %s", strings.Join(dedupe(laws), "; "))
		if classified {
			violate("%s", msg)
		} else {
			note("%s", msg)
		}
	}
	if r.Verdict == sovmap.Allowed && len(r.Reasons) == 0 {
		note("no transfer rule applies to %s", strings.Join(data, ", "))
	}
	return r
}

func (c *checker) personalTransfer(country, mech string, violate, note func(string, ...any)) {
	switch {
	case c.blocPeers[country]:
		note("personal data to %s stays inside a bloc shared with home: no transfer mechanism is needed", country)
		return
	}
	if a, ok := c.adequacy[country]; ok {
		partial := a.Scope != "full" && (strings.Contains(a.Scope, "only") || strings.Contains(a.Scope, "certified"))
		switch {
		case !partial:
			note("personal data to %s relies on an adequacy decision (%s)", country, a.Act)
			return
		case mech == "adequacy":
			note("personal data to %s relies on an adequacy decision limited to %s (%s): the recipient must be covered", country, a.Scope, a.Act)
			return
		}
	}
	switch mech {
	case "scc", "bcr", "treaty":
		note("personal data to %s relies on %s: a transfer impact assessment must show the destination's law does not undermine it", country, strings.ToUpper(mech))
	case "derogation":
		note("personal data to %s relies on a derogation (GDPR art. 49), for occasional transfers only", country)
	case "adequacy":
		violate("personal data to %s claims adequacy, but no adequacy decision of %s covers %s", country, c.regime, country)
	default:
		violate("personal data flows to %s, a third country without adequacy, with no transfer mechanism (SCC, BCR, derogation or treaty)", country)
	}
}

func dedupe(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}
