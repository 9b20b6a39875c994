package risk

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/kb"
)

// TrustFramework is the framework whose level scale (T0-T4) and dimension
// names the trust profiles use: the digital-embassy trust framework, so
// that a commercial vendor and an embassy host sit on one scale.
const TrustFramework = "digital-embassy"

// The trust dimensions of a vendor: the digital-embassy framework's
// four-dimension view, plus its political dimension for the five-dimension
// view.
const (
	DimLegal     = "legal-jurisdiction"
	DimData      = "data-sovereignty"
	DimSecurity  = "security-standards"
	DimExit      = "exit-rights"
	DimPolitical = "political"
)

// TrustDimensions lists the four dimensions in the order they are shown.
var TrustDimensions = []string{DimLegal, DimData, DimSecurity, DimExit}

// Unknown is the tier of a dimension no fact decides.
const Unknown = -1

// TrustProfile is a vendor on the trust dimensions of the digital-embassy
// framework. Each of the four dimensions has a tier, a score, the facts it
// rests on and the questions still open; Political completes the
// five-dimension view and stays unknown for a commercial vendor unless the
// inventory records a state commitment.
type TrustProfile struct {
	Dimensions []TrustDimension `json:"dimensions"`
	Political  TrustDimension   `json:"political"`
	// Weakest names the dimension with the lowest tier (then the lowest
	// score), as the overall tier of an embassy is its weakest dimension.
	Weakest string `json:"weakest"`
	// Tier is the weakest dimension's tier.
	Tier      int    `json:"tier"`
	TierName  string `json:"tier_name"`
	TierLabel string `json:"tier_label"`
	// Questions gathers every dimension's open questions: what to ask the
	// vendor.
	Questions int `json:"questions"`
}

// TrustDimension is one dimension of a trust profile.
type TrustDimension struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Tier is the lowest tier over the vendor's components (Unknown when no
	// fact decides); TierName is its id on the framework's scale ("T2")
	// and TierLabel its name ("safeguarded").
	Tier      int    `json:"tier"`
	TierName  string `json:"tier_name"`
	TierLabel string `json:"tier_label"`
	// Score is the mean over the vendor's components of their tier divided
	// by the top tier, in percent: it ranks vendors that share a tier.
	Score int `json:"score"`
	// Facts are what the tier rests on, each naming its component.
	Facts []string `json:"facts"`
	// Questions are the facts the inventory lacks, to put to the vendor.
	// An unknown is counted at the tier the assessment gives it (the worst
	// for a missing control, location or contract) and said here, never
	// guessed.
	Questions []string `json:"questions"`
}

// Dimension returns the dimension with the given id (one of
// TrustDimensions or DimPolitical).
func (p *TrustProfile) Dimension(id string) (TrustDimension, bool) {
	if id == DimPolitical {
		return p.Political, true
	}
	for _, d := range p.Dimensions {
		if d.ID == id {
			return d, true
		}
	}
	return TrustDimension{}, false
}

// trustScale names tiers on the framework's level scale.
type trustScale struct{ f *framework.Framework }

func (s trustScale) top() int { return len(s.f.Levels) - 1 }

func (s trustScale) name(t int) (string, string) {
	if t == Unknown {
		return "unknown", "unknown"
	}
	return s.f.LevelName(t), s.f.LevelLabel(t)
}

// dimName is the dimension's name in the framework (the four-dimension
// view, or the five dimensions for political), or the id.
func (s trustScale) dimName(id string) string {
	for _, v := range s.f.Views {
		for _, d := range v.Dimensions {
			if d.ID == id {
				return d.Name
			}
		}
	}
	for _, d := range s.f.Dimensions {
		if d.ID == id {
			return d.Name
		}
	}
	return id
}

// trustBuilder derives trust profiles from a model.
type trustBuilder struct {
	m         *Model
	scale     trustScale
	switching bool
	// flows lists, per component index, the flows that start or end there.
	flows map[string][]sovmap.FlowResult
}

func newTrustBuilder(m *Model, f *framework.Framework, now time.Time) *trustBuilder {
	if now.IsZero() {
		now = time.Now()
	}
	b := &trustBuilder{m: m, scale: trustScale{f}, switching: assess.SwitchingRights(m.KB, m.Inv.Organization.Home, now), flows: map[string][]sovmap.FlowResult{}}
	for _, fl := range m.Report.Flows {
		b.flows[fl.From] = append(b.flows[fl.From], fl)
		if fl.To != fl.From {
			b.flows[fl.To] = append(b.flows[fl.To], fl)
		}
	}
	return b
}

// dimAcc accumulates one dimension over a vendor's components.
type dimAcc struct {
	tier      int
	sum       float64
	n         int
	facts     []string
	questions []string
}

func newAcc(top int) *dimAcc { return &dimAcc{tier: top} }

func (a *dimAcc) add(tier int) {
	a.tier = min(a.tier, tier)
	a.sum += float64(tier)
	a.n++
}

func (a *dimAcc) fact(format string, args ...any) {
	a.facts = append(a.facts, fmt.Sprintf(format, args...))
}
func (a *dimAcc) ask(format string, args ...any) {
	q := fmt.Sprintf(format, args...)
	if !slices.Contains(a.questions, q) {
		a.questions = append(a.questions, q)
	}
}

func (b *trustBuilder) dimension(id string, a *dimAcc) TrustDimension {
	d := TrustDimension{ID: id, Name: b.scale.dimName(id), Tier: Unknown, Facts: a.facts, Questions: a.questions}
	if d.Facts == nil {
		d.Facts = []string{}
	}
	if d.Questions == nil {
		d.Questions = []string{}
	}
	if a.n > 0 {
		d.Tier = a.tier
		d.Score = int(math.Round(100 * a.sum / float64(a.n) / float64(b.scale.top())))
	}
	d.TierName, d.TierLabel = b.scale.name(d.Tier)
	return d
}

// factor returns the named factor of a component result, if assessed.
func factor(r *sovmap.ComponentResult, name sovmap.FactorName) (sovmap.Factor, bool) {
	for _, f := range r.Factors {
		if f.Name == name {
			return f, true
		}
	}
	return sovmap.Factor{}, false
}

// profile builds the trust profile of the vendor whose components are comps.
func (b *trustBuilder) profile(comps []int32) *TrustProfile {
	top := b.scale.top()
	legal, data, sec, exit := newAcc(top), newAcc(top), newAcc(top), newAcc(top)
	pol := newAcc(top)
	for _, u := range comps {
		c, r := &b.m.Inv.Components[u], &b.m.Report.Components[u]
		b.legal(legal, c, r)
		b.data(data, c, r)
		b.security(sec, c)
		b.exit(exit, c, r)
		b.political(pol, c)
	}
	p := &TrustProfile{Dimensions: []TrustDimension{
		b.dimension(DimLegal, legal), b.dimension(DimData, data), b.dimension(DimSecurity, sec), b.dimension(DimExit, exit),
	}, Political: b.dimension(DimPolitical, pol)}
	p.Tier = Unknown
	for i, d := range p.Dimensions {
		p.Questions += len(d.Questions)
		if d.Tier == Unknown {
			continue
		}
		w, ok := p.Dimension(p.Weakest)
		if !ok || d.Tier < w.Tier || d.Tier == w.Tier && d.Score < w.Score {
			p.Weakest, p.Tier = p.Dimensions[i].ID, d.Tier
		}
	}
	p.Questions += len(p.Political.Questions)
	p.TierName, p.TierLabel = b.scale.name(p.Tier)
	return p
}

// legal: the tier is the lowest of the assessment's control and legal
// factors (the controller's country and tier, the compelled-access laws that
// reach the component and whether keys mitigate them); the governing law of
// the contract is a fact, and a question when not recorded.
func (b *trustBuilder) legal(a *dimAcc, c *sovmap.Component, r *sovmap.ComponentResult) {
	tier := b.scale.top()
	for _, name := range []sovmap.FactorName{sovmap.FactorControl, sovmap.FactorLegal} {
		if f, ok := factor(r, name); ok {
			tier = min(tier, int(f.Level))
			a.fact("%s: %s %s (%s)", c.ID, name, b.tierOf(int(f.Level)), f.Reason)
		}
	}
	if r.Controller == "" || b.m.Tiers.Of(b.controllerCountry(r.Controller)) == sovmap.TierUnknown {
		a.ask("Who ultimately controls the provider of %s, and from which country?", c.ID)
	}
	for _, e := range r.ExposureDetails {
		m := ""
		if e.Mitigated {
			m = ", mitigated"
		}
		a.fact("%s: %s law reaches it via %s: %s (%s tier%s)", c.ID, e.Jurisdiction, e.Via, e.Law, e.Tier, m)
	}
	switch {
	case c.Contract != nil && c.Contract.GoverningLaw != "":
		a.fact("%s: contract governed by the law of %s (%s)", c.ID, c.Contract.GoverningLaw, b.m.Tiers.Of(c.Contract.GoverningLaw))
	default:
		a.ask("Which law governs the contract for %s?", c.ID)
	}
	a.add(tier)
}

func (b *trustBuilder) controllerCountry(id string) string {
	if i, ok := b.m.providerIndex[id]; ok {
		return b.m.providers[i].Country
	}
	return ""
}

func (b *trustBuilder) tierOf(t int) string {
	n, l := b.scale.name(t)
	return n + " " + l
}

// data: the lowest of the location, operations and (for data holders) key
// factors; a flow into the component that the law or the policy forbids
// caps it at T0 (a forbidden flow out of it is listed, and counted at its
// destination).
func (b *trustBuilder) data(a *dimAcc, c *sovmap.Component, r *sovmap.ComponentResult) {
	tier := b.scale.top()
	for _, name := range []sovmap.FactorName{sovmap.FactorLocation, sovmap.FactorOperations, sovmap.FactorKeys} {
		if f, ok := factor(r, name); ok {
			tier = min(tier, int(f.Level))
			a.fact("%s: %s %s (%s)", c.ID, name, b.tierOf(int(f.Level)), f.Reason)
		}
	}
	if len(c.Locations) == 0 {
		a.ask("Where is %s located (countries or provider regions)?", c.ID)
	}
	if len(c.OperatedFrom) == 0 {
		a.ask("From which countries is %s administered and supported?", c.ID)
	}
	if c.Holds() {
		a.fact("%s: holds %s", c.ID, strings.Join(c.Data, ", "))
		if c.KeyCustody == "" {
			a.ask("Who holds the keys that protect the data in %s?", c.ID)
		}
	}
	for _, fl := range b.flows[c.ID] {
		switch {
		case fl.Verdict != sovmap.Violation:
			a.fact("%s: flow %s (%s -> %s) allowed", c.ID, fl.ID, fl.From, fl.To)
		case fl.To == c.ID:
			// The data arrives at this vendor against the policy or the law.
			tier = 0
			a.fact("%s: inbound flow %s from %s is a violation (caps at T0): %s", c.ID, fl.ID, fl.From, strings.Join(fl.Reasons, "; "))
		default:
			// The organization sends the data on; the vendor only holds the source.
			a.fact("%s: outbound flow %s to %s is a violation (the destination's profile carries it): %s", c.ID, fl.ID, fl.To, strings.Join(fl.Reasons, "; "))
		}
	}
	a.add(tier)
}

// security: the certifications recorded on the component, read in the
// knowledge base on the digital-embassy framework's certifications ladder
// (none T1, a security baseline such as ISO/IEC 27001 T3, a high-assurance
// qualification T4); a contract without audit rights caps it at T2, the
// middle of that framework's audit-rights ladder. Incident notice is not an
// inventory fact: it is always asked.
func (b *trustBuilder) security(a *dimAcc, c *sovmap.Component) {
	tier := 1
	for _, name := range c.Certifications {
		s, ok := b.m.KB.Scheme(name)
		switch {
		case !ok:
			a.fact("%s: certification %q is not in the knowledge base: not counted", c.ID, name)
			a.ask("What is %q (issuer, scope) held for %s?", name, c.ID)
		case s.Status != kb.StatusInForce:
			a.fact("%s: %s is %s: not counted", c.ID, s.Name, s.Status)
		case s.Level == "high" || s.HasAssertion(kb.AssertsImmunity):
			tier = max(tier, 4)
			a.fact("%s: %s (high assurance)", c.ID, s.Name)
		case s.HasAssertion(kb.AssertsSecurityLevel):
			tier = max(tier, 3)
			a.fact("%s: %s (security baseline)", c.ID, s.Name)
		default:
			a.fact("%s: %s asserts %s, no security level", c.ID, s.Name, strings.Join(s.Asserts, ", "))
		}
	}
	if len(c.Certifications) == 0 {
		a.fact("%s: no certification recorded (counted as none)", c.ID)
		a.ask("Which certifications (ISO/IEC 27001, SOC 2, C5, SecNumCloud, HDS, ...) cover %s?", c.ID)
	}
	switch {
	case c.Contract == nil || c.Contract.AuditRights == nil:
		a.ask("Does the contract for %s grant audit rights?", c.ID)
	case *c.Contract.AuditRights:
		a.fact("%s: audit rights granted", c.ID)
	default:
		tier = min(tier, 2)
		a.fact("%s: no audit rights (caps at T2)", c.ID)
	}
	a.ask("Within how many hours must the provider of %s report an incident?", c.ID)
	a.add(tier)
}

// exit: the assessment's exit factor (notice, data return, portability,
// governing law, and the EU Data Act's switching floor), with the exit time
// and the alternatives as facts.
func (b *trustBuilder) exit(a *dimAcc, c *sovmap.Component, r *sovmap.ComponentResult) {
	f, ok := factor(r, sovmap.FactorExit)
	if !ok {
		return
	}
	a.fact("%s: exit %s (%s)", c.ID, b.tierOf(int(f.Level)), f.Reason)
	ctl := b.m.Tiers.Of(b.controllerCountry(r.Controller))
	if assess.StatutoryExit(b.switching, c, ctl) {
		a.fact("%s: EU Data Act switching rights apply (Regulation (EU) 2023/2854, chapter VI)", c.ID)
	}
	k := c.Contract
	if k == nil || k.ExitNoticeDays == nil {
		a.ask("What notice does the contract for %s require to leave?", c.ID)
	}
	if k == nil || k.DataReturn == nil {
		a.ask("Does the provider of %s return the data at the end?", c.ID)
	}
	if k == nil || k.Portability == "" {
		a.ask("In what format can the data and workloads of %s leave (none, proprietary, standard, open)?", c.ID)
	}
	if c.MigrationDays == nil {
		a.ask("How many days would moving %s to another provider take?", c.ID)
	} else {
		a.fact("%s: migration %d d", c.ID, *c.MigrationDays)
	}
	if len(c.Alternatives) > 0 {
		a.fact("%s: alternatives %s", c.ID, strings.Join(c.Alternatives, ", "))
	}
	a.add(int(f.Level))
}

// political: a commercial contract binds no state; a component under an
// arrangement is scored by 'sovmap embassy score', not here.
func (b *trustBuilder) political(a *dimAcc, c *sovmap.Component) {
	if c.Arrangement != "" {
		a.fact("%s: hosted under arrangement %s (see sovmap embassy score)", c.ID, c.Arrangement)
		return
	}
	a.ask("Does any state commitment (treaty, agreement) cover %s, beyond the commercial contract?", c.ID)
}

// addFrameworks lists the vendor's framework scores (the inventory's
// assessments) among the facts of security standards. They are on their
// own scales, so they inform the reader and leave the tier alone.
func (p *TrustProfile) addFrameworks(fs []FrameworkScore) {
	for i := range p.Dimensions {
		if p.Dimensions[i].ID != DimSecurity {
			continue
		}
		for _, f := range fs {
			p.Dimensions[i].Facts = append(p.Dimensions[i].Facts,
				fmt.Sprintf("assessed on %s: %.0f%%, level %s (own scale, not counted in the tier)", f.Framework, f.Score, f.LevelName))
		}
	}
}
