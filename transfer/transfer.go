// Package transfer checks cross-border data flows: which data classes move
// from where to where, under which legal mechanism, against the home's
// transfer rules, localisation laws, restricted jurisdictions and the
// compelled-access exposure of the destination.
//
// Flows come from the inventory's flows: section and, inferred, from
// dependencies that carry data (depends_on entries with data:). Each
// violation carries a code (FlowResult.Codes) as well as its reason.
package transfer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Violation codes, one per kind of rule a flow can break.
const (
	// CodeRestricted: an end of the flow is in a restricted jurisdiction.
	CodeRestricted = "restricted-jurisdiction"
	// CodeNoLocation: sensitive data goes to a component with no known location.
	CodeNoLocation = "unknown-destination"
	// CodeClassifiedAbroad: classified data leaves the home jurisdiction.
	CodeClassifiedAbroad = "classified-abroad"
	// CodeLocalisation: a localisation law of home keeps the data at home.
	CodeLocalisation = "localisation"
	// CodeNoMechanism: personal data goes to a third country without
	// adequacy and without a transfer mechanism.
	CodeNoMechanism = "no-mechanism"
	// CodeUnfoundedAdequacy: the flow claims adequacy where no decision of
	// home's regime covers the destination.
	CodeUnfoundedAdequacy = "adequacy-unfounded"
	// CodeUnknownMechanism: the mechanism is not one sovmap knows.
	CodeUnknownMechanism = "unknown-mechanism"
	// CodeCompelledClassified: a foreign law can compel disclosure of
	// classified data at the destination.
	CodeCompelledClassified = "compelled-access"
	// CodeRestrictedAccess: a restricted jurisdiction's law reaches the
	// destination of sensitive data (through control or operations), even
	// though the data does not go there.
	CodeRestrictedAccess = "restricted-access"
	// CodeRemoteAccess: the destination of personal data is administered
	// from a third country without adequacy, and the flow names no transfer
	// mechanism: remote access is a transfer too.
	CodeRemoteAccess = "remote-access"
)

// Tiers says how a country stands from home.
type Tiers interface {
	Of(country string) sovmap.Tier
	Home() string
}

// Endpoints gives the countries a component is located in.
type Endpoints func(c *sovmap.Component) []string

// Check checks every flow of the inventory, then the flows inferred from
// data-carrying dependencies (see Infer). index maps component ids to
// their positions in inv.Components (graph.Graph.Index); results are the
// component assessments, in inventory order, for the destination's
// exposure.
func Check(inv *sovmap.Inventory, index map[string]int32, results []sovmap.ComponentResult, k *kb.KB, t Tiers, where Endpoints) []sovmap.FlowResult {
	inferred := Infer(inv, t, where)
	out := make([]sovmap.FlowResult, 0, len(inv.Flows)+len(inferred))
	if len(inv.Flows) == 0 && len(inferred) == 0 {
		return out
	}
	c := &checker{kb: k, tiers: t, sectors: inv.Organization.Sectors, restrictedBasis: sovmap.BasisDefault}
	if inv.Organization.Restricted != nil {
		c.restrictedBasis = sovmap.BasisPolicy
	}
	c.prepare()
	for _, flows := range [][]sovmap.Flow{inv.Flows, inferred} {
		for _, f := range flows {
			fi, okFrom := index[f.From]
			ti, okTo := index[f.To]
			if !okFrom || !okTo {
				continue // the loader reports unknown ends
			}
			from, to := &inv.Components[fi], &inv.Components[ti]
			out = append(out, c.check(f, where(from), where(to), from, to, &results[ti]))
		}
	}
	return out
}

// Infer returns the flows that dependencies carrying data imply: for each
// depends_on entry with data classes, one flow between the component and
// its dependency, with the entry's mechanism. Data on such an edge sits at
// both ends, and the check is about where it may go, so the flow is
// oriented towards the end in the worse tier (the worst tier among its
// locations; no location counts as unknown, the worst); between ends of the
// same tier it goes from the dependent to its dependency. Pairs that an
// explicit flow already covers, in either direction, are left out.
func Infer(inv *sovmap.Inventory, t Tiers, where Endpoints) []sovmap.Flow {
	var out []sovmap.Flow
	var explicit map[[2]string]bool
	worst := func(c *sovmap.Component) sovmap.Tier {
		cs := where(c)
		if len(cs) == 0 {
			return sovmap.TierUnknown
		}
		w := sovmap.TierHome
		for _, country := range cs {
			w = max(w, t.Of(country))
		}
		return w
	}
	var index map[string]int
	for i := range inv.Components {
		c := &inv.Components[i]
		for _, d := range c.DependsOn {
			if len(d.Data) == 0 {
				continue
			}
			if index == nil {
				index = make(map[string]int, len(inv.Components))
				for j := range inv.Components {
					index[inv.Components[j].ID] = j
				}
				explicit = make(map[[2]string]bool, len(inv.Flows))
				for _, f := range inv.Flows {
					explicit[[2]string{f.From, f.To}] = true
					explicit[[2]string{f.To, f.From}] = true
				}
			}
			j, ok := index[d.ID]
			if !ok || explicit[[2]string{c.ID, d.ID}] {
				continue
			}
			from, to := c.ID, d.ID
			if worst(c) > worst(&inv.Components[j]) {
				from, to = d.ID, c.ID
			}
			out = append(out, sovmap.Flow{ID: "inferred:" + from + "->" + to, From: from, To: to, Data: d.Data,
				Mechanism: d.Mechanism, Inferred: true, Pos: c.Pos})
		}
	}
	return out
}

type checker struct {
	kb        *kb.KB
	tiers     Tiers
	homeSet   []string
	blocPeers map[string]bool // countries sharing a trust bloc with home
	adequacy  map[string]kb.Adequacy
	// regime is whose transfer rules apply (EU, GB, CH); hasRegime is false
	// for a home whose transfer rules the knowledge base does not record.
	regime    string
	hasRegime bool
	law       transferLaw
	localLaws []kb.Law
	sectors   []string // the organization's sectors, for sectoral localisation laws
	// restrictedBasis is policy when the organization lists its restricted
	// jurisdictions, default when sovmap's sanctions-based list applies.
	restrictedBasis sovmap.Basis
}

// transferLaw names the articles of a regime's transfer rules and the
// guidance its supervisors give on them.
type transferLaw struct {
	name        string // "GDPR"
	transfers   string // the chapter or articles on transfers
	adequacy    string
	safeguards  string
	publicBody  string // agreements between public authorities or bodies
	derogation  string
	remote      string // guidance: remote access from abroad is a transfer
	remoteShort string // the same, named in a sentence
	assessment  string // guidance: the transfer impact assessment
	derogations string // guidance: derogations are for occasional transfers
}

// transferLaws are the transfer rules of the regimes whose adequacy lists
// the knowledge base records. The United Kingdom's are as amended by the
// Data (Use and Access) Act 2025 (transfer provisions in force 5 February
// 2026).
var transferLaws = map[string]transferLaw{
	"EU": {name: "GDPR", transfers: "GDPR chapter V (art. 44-49)", adequacy: "GDPR art. 45", safeguards: "GDPR art. 46-47",
		publicBody: "GDPR art. 46(2)(a) and (3)(b)", derogation: "GDPR art. 49",
		remoteShort: "EDPB Guidelines 05/2021",
		remote:      "EDPB Guidelines 05/2021 on the interplay between art. 3 and chapter V GDPR (version 2.0, 14 February 2023)",
		assessment:  "EDPB Recommendations 01/2020 on supplementary measures (version 2.0, 18 June 2021)",
		derogations: "EDPB Guidelines 2/2018 on derogations of art. 49"},
	"GB": {name: "UK GDPR", transfers: "UK GDPR chapter V (art. 44A-49, as amended by the Data (Use and Access) Act 2025)",
		adequacy: "UK GDPR art. 45A-45C (transfers approved by regulations)", safeguards: "UK GDPR art. 46-47 (the data protection test)",
		publicBody: "UK GDPR art. 46(2)(a)", derogation: "UK GDPR art. 49",
		remoteShort: "ICO guidance on international transfers",
		remote:      "ICO guidance on international transfers (restricted transfers include remote access from abroad)",
		assessment:  "ICO guidance on international transfers (the transfer risk assessment)",
		derogations: "ICO guidance on international transfers (exceptions are for occasional transfers)"},
	"CH": {name: "FADP", transfers: "FADP art. 16-17", adequacy: "FADP art. 16(1)", safeguards: "FADP art. 16(2)",
		publicBody: "FADP art. 16(2)(a)", derogation: "FADP art. 17",
		remoteShort: "FDPIC guidance on transfers abroad",
		remote:      "FDPIC guidance on transfers abroad (access from abroad counts as disclosure)",
		assessment:  "FDPIC guidance on transfers abroad (assessment of the destination's law)",
		derogations: "FADP art. 17 (exceptions for individual cases)"},
}

func (c *checker) prepare() {
	home := c.tiers.Home()
	c.homeSet, _ = c.kb.Expand(home)
	c.blocPeers = map[string]bool{}
	for _, hc := range c.homeSet {
		for _, b := range c.kb.BlocsOf(hc) {
			if b.Trust {
				for _, m := range b.Members {
					c.blocPeers[m] = true
				}
			}
		}
	}
	// A home without a recorded regime has no transfer rules judged: the
	// checks that read c.law run only when hasRegime.
	c.regime, c.hasRegime = c.kb.TransferRegime(home)
	c.law = transferLaws[c.regime]
	c.adequacy = c.kb.AdequacyByCountry(c.regime)
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

// lawAllows reports whether a localisation law lets its data go to a
// country: one of the places its condition allows (kb.Within).
func (c *checker) lawAllows(law kb.Law, country string) bool {
	if law.Condition == nil {
		return false
	}
	in, _ := c.kb.Within(country, law.Condition.LocatedIn, c.adequacy)
	return in
}

func hasClass(classes []string, parent string) bool {
	for _, d := range classes {
		if d == parent || strings.HasPrefix(d, parent+".") {
			return true
		}
	}
	return false
}

// finding is one reason of a flow's verdict with what it rests on.
type finding struct {
	text     string
	basis    sovmap.Basis
	citation string
}

// verdict collects a flow's findings: the reasons that make it a violation
// first, then the notes, so that a report showing one reason shows why the
// flow is refused, and the flow's basis is that of its deciding reason.
type verdict struct {
	r          *sovmap.FlowResult
	violations []finding
	notes      []finding
}

func (v *verdict) violate(code string, basis sovmap.Basis, citation, format string, args ...any) {
	v.r.Verdict = sovmap.Violation
	v.violations = append(v.violations, finding{fmt.Sprintf(format, args...), basis, citation})
	if !slices.Contains(v.r.Codes, code) {
		v.r.Codes = append(v.r.Codes, code)
	}
}

func (v *verdict) note(basis sovmap.Basis, citation, format string, args ...any) {
	v.notes = append(v.notes, finding{fmt.Sprintf(format, args...), basis, citation})
}

// close writes the findings into the result.
func (v *verdict) close() {
	all := append(v.violations, v.notes...)
	for _, f := range all {
		v.r.Reasons = append(v.r.Reasons, f.text)
	}
	if len(all) > 0 {
		v.r.Basis, v.r.Citation = all[0].basis, all[0].citation
	}
}

func (c *checker) check(f sovmap.Flow, from, to []string, src, dstComp *sovmap.Component, dst *sovmap.ComponentResult) (r sovmap.FlowResult) {
	data := f.Data
	if len(data) == 0 {
		data = src.Data
	}
	mech := f.Mechanism
	if mech == "" {
		mech = sovmap.MechanismNone
	}
	r = sovmap.FlowResult{ID: f.ID, From: f.From, To: f.To, Data: data, Mechanism: mech, Inferred: f.Inferred,
		FromJurisdictions: from, ToJurisdictions: to, Verdict: sovmap.Allowed, Reasons: []string{}, Pos: f.Pos}
	v := &verdict{r: &r}
	defer v.close() // r is the named result, so the reasons reach the caller

	personal := hasClass(data, "personal")
	classified := hasClass(data, "classified")
	sensitive := personal || classified || hasClass(data, "confidential")

	if !mech.Valid() {
		v.violate(CodeUnknownMechanism, sovmap.BasisDefault, "", "transfer mechanism %q is not one of %s", mech, strings.Join(sovmap.Names(sovmap.Mechanisms), ", "))
		mech = sovmap.MechanismNone
	}
	for _, country := range append(append([]string{}, from...), to...) {
		if c.tiers.Of(country) == sovmap.TierRestricted {
			who := "the organization's restricted list"
			if c.restrictedBasis == sovmap.BasisDefault {
				who = "sovmap's default restricted list (comprehensive sanctions; override it with organization.restricted)"
			}
			v.violate(CodeRestricted, c.restrictedBasis, "", "%s is a restricted jurisdiction on %s: no flow may involve it, whatever the mechanism (a policy, not a rule of law)", country, who)
			c.restrictedLegalPosition(v, country, personal)
			return r
		}
	}
	if len(to) == 0 {
		switch {
		case sensitive:
			v.violate(CodeNoLocation, sovmap.BasisDefault, "", "the destination %s has no stated location, so the transfer cannot be checked", f.To)
		default:
			v.note(sovmap.BasisDefault, "", "the destination %s has no stated location", f.To)
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
		v.note(c.factBasis(), c.lawCite(c.law.transfers), "stays in the home jurisdiction (%s)", strings.Join(to, ", "))
	}
	if classified && len(foreign) > 0 {
		v.violate(CodeClassifiedAbroad, sovmap.BasisDefault, "", "classified data leaves the home jurisdiction for %s (sovmap's default: classified information stays under national control; home's classification rules decide)", strings.Join(foreign, ", "))
	}
	for _, law := range c.localLaws {
		if law.ProvidersOnly || law.PrimaryOnly {
			// Such a law asks something of a host (a certification, where
			// it stores) or of the primary database, not of a transfer: it
			// is judged on the components it covers, and a flow is judged
			// by the transfer rules.
			continue
		}
		covered := false
		for _, d := range law.Data {
			covered = covered || hasClass(data, d)
		}
		if !covered {
			continue
		}
		var outside []string
		for _, country := range foreign {
			if !c.lawAllows(law, country) {
				outside = append(outside, country)
			}
		}
		if len(outside) > 0 {
			where := law.Jurisdiction
			if law.Condition != nil {
				where = strings.Join(law.Condition.LocatedIn, ", ")
			}
			v.violate(CodeLocalisation, sovmap.BasisLaw, law.Citation, "%s requires %s data to stay in %s, but it flows to %s", law.Name, strings.Join(law.Data, ", "), where, strings.Join(outside, ", "))
		} else if len(foreign) > 0 {
			v.note(sovmap.BasisLaw, law.Citation, "%s lets %s data go to %s", law.Name, strings.Join(law.Data, ", "), strings.Join(foreign, ", "))
		}
	}
	switch {
	case personal && !c.hasRegime && len(foreign) > 0:
		v.note(sovmap.BasisDefault, "", "sovmap records no cross-border transfer rules of %s's data-protection law, so the transfer of personal data to %s is not judged: check that law", c.tiers.Home(), strings.Join(foreign, ", "))
	case personal && c.hasRegime:
		remote := c.remoteAccess(v, dstComp, to, mech)
		for _, country := range foreign {
			c.personalTransfer(v, country, mech, remote)
		}
	case !personal && len(foreign) > 0:
		v.note(c.factBasis(), c.lawCite(c.law.transfers), "no personal data: the transfer rules of data-protection law do not apply to %s", strings.Join(data, ", "))
	}
	if sensitive && len(dst.ExposureDetails) > 0 {
		var laws, restricted []string
		for _, e := range dst.ExposureDetails {
			laws = append(laws, fmt.Sprintf("%s (%s, via %s)", e.Law, e.Jurisdiction, e.Via))
			if c.tiers.Of(e.Jurisdiction) == sovmap.TierRestricted {
				restricted = append(restricted, fmt.Sprintf("%s (%s, via %s)", e.Law, e.Jurisdiction, e.Via))
			}
		}
		msg := fmt.Sprintf("the destination can be compelled to disclose the data under %s", strings.Join(dedupe(laws), "; "))
		switch {
		case len(restricted) > 0:
			v.violate(CodeRestrictedAccess, c.restrictedBasis, "", "a restricted jurisdiction's law reaches the destination: %s", strings.Join(dedupe(restricted), "; "))
		case classified:
			v.violate(CodeCompelledClassified, sovmap.BasisDefault, "", "%s (sovmap's default: classified data stays out of foreign reach)", msg)
		default:
			v.note(sovmap.BasisDefault, "", "%s", msg)
		}
	}
	if r.Verdict == sovmap.Allowed && len(v.notes) == 0 {
		v.note(sovmap.BasisDefault, "", "no transfer rule applies to %s", strings.Join(data, ", "))
	}
	return r
}

// factBasis is the basis of a statement about where the transfer rules
// reach: law for a home whose rules sovmap records, its default otherwise.
func (c *checker) factBasis() sovmap.Basis {
	if c.hasRegime {
		return sovmap.BasisLaw
	}
	return sovmap.BasisDefault
}

// lawCite returns cite for a home whose transfer rules sovmap records.
func (c *checker) lawCite(cite string) string {
	if c.hasRegime {
		return cite
	}
	return ""
}

// restrictedLegalPosition states what the law says of a flow that the
// restricted list refuses, apart from the policy.
func (c *checker) restrictedLegalPosition(v *verdict, country string, personal bool) {
	switch {
	case !personal:
		v.note(c.factBasis(), c.lawCite(c.law.transfers), "legal position apart from the policy: no personal data, so the transfer rules of data-protection law do not apply")
	case !c.hasRegime:
		v.note(sovmap.BasisDefault, "", "legal position apart from the policy: sovmap records no cross-border transfer rules of %s's data-protection law", c.tiers.Home())
	default:
		if cov, _, _ := c.coverOf(country, sovmap.MechanismNone); cov == coverAdequacy || cov == coverBloc {
			v.note(sovmap.BasisLaw, c.law.adequacy, "legal position apart from the policy: personal data may go to %s under %s", country, c.law.adequacy)
			return
		}
		v.note(sovmap.BasisGuidance, c.law.safeguards+"; "+c.law.assessment, "legal position apart from the policy: personal data to %s needs a transfer mechanism (%s) and a transfer impact assessment, which is very unlikely to show the destination's law and practice leave the safeguards effective", country, c.law.safeguards)
	}
}

// remoteAccess checks administration from a third country, which is itself
// a transfer under the EDPB's reading of GDPR chapter V (Guidelines 05/2021
// on the interplay of article 3 and chapter V): the provider's people who
// run the destination can reach the data from where they sit, so that
// access needs a mechanism as much as the data's own destination does. A
// component the organization runs itself is administered by its own staff,
// which the guidelines do not count as a transfer (their example of an
// employee abroad), unless they work for a separate entity there: that is
// a note. The mechanism is judged as for the data's destination (coverOf).
func (c *checker) remoteAccess(v *verdict, dst *sovmap.Component, located []string, mech sovmap.Mechanism) (transfers bool) {
	var third []string
	for _, o := range dst.OperatedFrom {
		members, _ := c.kb.Expand(o)
		for _, m := range members {
			if c.tiers.Of(m) == sovmap.TierHome || slices.Contains(located, m) || slices.Contains(third, m) {
				continue
			}
			if cov, _, _ := c.coverOf(m, mech); cov == coverBloc || cov == coverAdequacy {
				continue
			}
			third = append(third, m)
		}
	}
	if len(third) == 0 {
		return false
	}
	cite := c.law.transfers + "; " + c.law.remote
	if dst.Provider == "" {
		v.note(sovmap.BasisGuidance, c.law.remote, "the destination is administered by the organization itself from %s: a transfer too if its administrators there work for a separate entity ("+c.law.remoteShort+")", strings.Join(third, ", "))
		return false
	}
	for _, m := range third {
		switch cov, a, limited := c.coverOf(m, mech); {
		case cov == coverMechanism && mech == sovmap.MechanismDerogation:
			v.violate(CodeRemoteAccess, sovmap.BasisGuidance, cite+"; "+c.law.derogations, "the destination is administered from %s: remote administration is a structural, repeated transfer, which a derogation for specific situations (%s) cannot cover (%s); it needs adequacy, SCC, BCR or another safeguard", m, c.law.derogation, c.law.derogations)
		case cov == coverMechanism:
			v.note(sovmap.BasisGuidance, cite, "the destination is administered from %s: remote access to personal data from a third country is a transfer too ("+c.law.remoteShort+"), covered by the flow's %s", m, mech)
		case cov == coverLimited:
			v.note(sovmap.BasisGuidance, cite, "the destination is administered from %s: remote access is a transfer too ("+c.law.remoteShort+"), relying on %s's adequacy decision (%s), which covers only %s: the administrators must be among them", m, m, a.Act, a.Covers())
		case limited:
			v.violate(CodeRemoteAccess, sovmap.BasisGuidance, cite, "the destination is administered from %s, whose adequacy decision (%s) covers only %s: remote access to personal data is a transfer too ("+c.law.remoteShort+") and needs a mechanism (adequacy if the administrators are covered, else SCC, BCR, a derogation or a treaty)", m, a.Act, a.Covers())
		default:
			v.violate(CodeRemoteAccess, sovmap.BasisGuidance, cite, "the destination is administered from %s, a third country without adequacy: remote access to personal data is a transfer too ("+c.law.remoteShort+") and needs a transfer mechanism (SCC, BCR, derogation or treaty)", m)
		}
	}
	return true
}

// cover is how a flow's mechanism covers personal data reaching a country.
type cover int

const (
	coverBloc      cover = iota // inside a bloc shared with home: nothing needed
	coverAdequacy               // an adequacy decision for the country
	coverLimited                // adequacy claimed under a decision for some recipients only
	coverMechanism              // SCC, BCR, a treaty or a derogation
	coverUnfounded              // adequacy claimed where no decision exists
	coverNone                   // no mechanism
)

// coverOf judges personal data reaching country under mech, for both the
// data's destination and its administrators. It also returns the
// country's adequacy decision and whether that decision covers only some
// recipients.
func (c *checker) coverOf(country string, mech sovmap.Mechanism) (cov cover, a kb.Adequacy, limited bool) {
	if c.blocPeers[country] {
		return coverBloc, a, false
	}
	a, ok := c.adequacy[country]
	limited = ok && a.Partial()
	switch {
	case ok && !limited:
		return coverAdequacy, a, false
	case mech == sovmap.MechanismAdequacy && limited:
		return coverLimited, a, true
	case mech == sovmap.MechanismSCC || mech == sovmap.MechanismBCR || mech == sovmap.MechanismTreaty || mech == sovmap.MechanismDerogation:
		return coverMechanism, a, limited
	case mech == sovmap.MechanismAdequacy:
		return coverUnfounded, a, limited
	}
	return coverNone, a, limited
}

// personalTransfer judges personal data reaching a foreign country. When
// remote administration already makes the flow a transfer, the location
// alone is not said to need no mechanism.
func (c *checker) personalTransfer(v *verdict, country string, mech sovmap.Mechanism, remote bool) {
	l := c.law
	switch cov, a, limited := c.coverOf(country, mech); {
	case cov == coverBloc && remote:
		v.note(sovmap.BasisLaw, l.transfers, "personal data stored in %s stays inside a bloc shared with home; its administration from a third country is judged above", country)
	case cov == coverBloc:
		v.note(sovmap.BasisLaw, l.transfers, "personal data to %s stays inside a bloc shared with home: %s does not apply, no transfer mechanism is needed", country, l.transfers)
	case cov == coverAdequacy && a.Exclusions != "":
		v.note(sovmap.BasisLaw, l.adequacy, "personal data to %s relies on an adequacy decision (%s; %s), which leaves out %s", country, a.Act, l.adequacy, a.Exclusions)
	case cov == coverAdequacy:
		v.note(sovmap.BasisLaw, l.adequacy, "personal data to %s relies on an adequacy decision (%s; %s)", country, a.Act, l.adequacy)
	case cov == coverLimited:
		v.note(sovmap.BasisLaw, l.adequacy, "personal data to %s relies on an adequacy decision (%s; %s) that covers only %s: the recipient must be among them", country, a.Act, l.adequacy, a.Covers())
	case cov == coverMechanism && mech == sovmap.MechanismDerogation:
		v.note(sovmap.BasisGuidance, l.derogation+"; "+l.derogations, "personal data to %s relies on a derogation for a specific situation (%s): only for occasional, non-repetitive transfers that meet one of its conditions (%s); a regular flow needs another mechanism", country, l.derogation, l.derogations)
	case cov == coverMechanism && mech == sovmap.MechanismTreaty:
		v.note(sovmap.BasisLaw, l.publicBody, "personal data to %s relies on an instrument between public authorities or bodies (%s): available only when both ends are public authorities or bodies", country, l.publicBody)
	case cov == coverMechanism:
		v.note(sovmap.BasisGuidance, l.safeguards+"; "+c.law.assessment, "personal data to %s relies on %s (%s): a transfer impact assessment must show the destination's law and practice do not undermine it", country, strings.ToUpper(string(mech)), l.safeguards)
	case cov == coverUnfounded:
		v.violate(CodeUnfoundedAdequacy, sovmap.BasisLaw, l.adequacy, "personal data to %s claims adequacy, but no adequacy decision of %s covers %s (%s)", country, c.regime, country, l.adequacy)
	case limited:
		v.violate(CodeNoMechanism, sovmap.BasisLaw, l.transfers, "personal data flows to %s with no transfer mechanism; %s's adequacy decision (%s) covers only %s, so name adequacy if the recipient is among them, else SCC, BCR, a derogation or a treaty (%s)", country, country, a.Act, a.Covers(), l.transfers)
	default:
		v.violate(CodeNoMechanism, sovmap.BasisLaw, l.transfers, "personal data flows to %s, a third country without adequacy, with no transfer mechanism (SCC, BCR, derogation or treaty; %s)", country, l.transfers)
	}
}

func dedupe(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}
