package risk

import (
	"fmt"
	"math"
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
	tier int
	sum  float64
	n    int
	// facts and questions group texts by the components they hold for,
	// so that a vendor with many alike components reads as a few lines.
	facts, questions grouped
}

func newAcc(top int) *dimAcc { return &dimAcc{tier: top} }

func (a *dimAcc) add(tier int) {
	a.tier = min(a.tier, tier)
	a.sum += float64(tier)
	a.n++
}

// fact records a fact about component comp.
func (a *dimAcc) fact(comp, format string, args ...any) {
	text := format
	if len(args) > 0 {
		text = fmt.Sprintf(format, args...)
	}
	a.facts.add(text, comp)
}

// ask records a question about component comp; format has one %s where
// the components are named.
func (a *dimAcc) ask(comp, format string) { a.questions.add(format, comp) }

// grouped keeps texts in first-seen order with the components each holds
// for.
type grouped struct {
	texts []string
	comps [][]string
	index map[string]int
}

func (g *grouped) add(text, comp string) {
	i, ok := g.index[text]
	if !ok {
		if g.index == nil {
			g.index = map[string]int{}
		}
		i = len(g.texts)
		g.index[text] = i
		g.texts = append(g.texts, text)
		g.comps = append(g.comps, nil)
	}
	g.comps[i] = append(g.comps[i], comp)
}

// maxNamed is how many components a grouped text names before counting
// the rest.
const maxNamed = 5

// renderFacts writes the grouped facts: "a, b: text", or "a, b, c, d, e
// and 7 more: text".
func (a *dimAcc) renderFacts() []string {
	out := make([]string, len(a.facts.texts))
	for i, text := range a.facts.texts {
		out[i] = named(a.facts.comps[i]) + ": " + text
	}
	return out
}

// renderQuestions writes the grouped questions, naming their components.
func (a *dimAcc) renderQuestions() []string {
	out := make([]string, len(a.questions.texts))
	for i, format := range a.questions.texts {
		out[i] = fmt.Sprintf(format, named(a.questions.comps[i]))
	}
	return out
}

// named lists components, the first maxNamed by name: "a, b, c, d, e and
// 7 more".
func named(comps []string) string {
	s := strings.Join(comps[:min(len(comps), maxNamed)], ", ")
	if len(comps) > maxNamed {
		s += fmt.Sprintf(" and %d more", len(comps)-maxNamed)
	}
	return s
}

func (b *trustBuilder) dimension(id string, a *dimAcc) TrustDimension {
	d := TrustDimension{ID: id, Name: b.scale.dimName(id), Tier: Unknown, Facts: a.renderFacts(), Questions: a.renderQuestions()}
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
			a.fact(c.ID, "%s %s (%s)", name, b.tierOf(int(f.Level)), f.Reason)
		}
	}
	if r.Controller == "" || b.m.Tiers.Of(b.controllerCountry(r.Controller)) == sovmap.TierUnknown {
		a.ask(c.ID, "Who ultimately controls the provider of %s, and from which country?")
	}
	for _, e := range r.ExposureDetails {
		m := ""
		if e.Mitigated {
			m = ", mitigated"
		}
		a.fact(c.ID, "%s law reaches it via %s: %s (%s tier%s)", e.Jurisdiction, e.Via, e.Law, e.Tier, m)
	}
	switch {
	case c.Contract != nil && c.Contract.GoverningLaw != "":
		a.fact(c.ID, "contract governed by the law of %s (%s)", c.Contract.GoverningLaw, b.m.Tiers.Of(c.Contract.GoverningLaw))
	default:
		a.ask(c.ID, "Which law governs the contract for %s?")
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
			a.fact(c.ID, "%s %s (%s)", name, b.tierOf(int(f.Level)), f.Reason)
		}
	}
	if len(c.Locations) == 0 {
		a.ask(c.ID, "Where is %s located (countries or provider regions)?")
	}
	if len(c.OperatedFrom) == 0 {
		a.ask(c.ID, "From which countries is %s administered and supported?")
	}
	if c.Holds() {
		a.fact(c.ID, "holds %s", strings.Join(c.Data, ", "))
		if c.KeyCustody == "" {
			a.ask(c.ID, "Who holds the keys that protect the data in %s?")
		}
	}
	for _, fl := range b.flows[c.ID] {
		switch {
		case fl.Verdict != sovmap.Violation:
			a.fact(c.ID, "flow %s (%s -> %s) allowed", fl.ID, fl.From, fl.To)
		case fl.To == c.ID:
			// The data arrives at this vendor against the policy or the law.
			tier = 0
			a.fact(c.ID, "inbound flow %s from %s is a violation (caps at T0): %s", fl.ID, fl.From, strings.Join(fl.Reasons, "; "))
		default:
			// The organization sends the data on; the vendor only holds the source.
			a.fact(c.ID, "outbound flow %s to %s is a violation (the destination's profile carries it): %s", fl.ID, fl.To, strings.Join(fl.Reasons, "; "))
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
			a.fact(c.ID, "certification %q is not in the knowledge base: not counted", name)
			a.ask(c.ID, fmt.Sprintf("What is %q (issuer, scope), held for %%s?", name))
		case s.Status != kb.StatusInForce:
			a.fact(c.ID, "%s is %s: not counted", s.Name, s.Status)
		case s.Level == "high" || s.HasAssertion(kb.AssertsImmunity):
			tier = max(tier, 4)
			a.fact(c.ID, "%s (high assurance)", s.Name)
		case s.HasAssertion(kb.AssertsSecurityLevel):
			tier = max(tier, 3)
			a.fact(c.ID, "%s (security baseline)", s.Name)
		default:
			a.fact(c.ID, "%s asserts %s, no security level", s.Name, strings.Join(s.Asserts, ", "))
		}
	}
	if len(c.Certifications) == 0 {
		a.fact(c.ID, "no certification recorded (counted as none)")
		a.ask(c.ID, "Which certifications (ISO/IEC 27001, SOC 2, C5, SecNumCloud, HDS, ...) cover %s?")
	}
	switch {
	case c.Contract == nil || c.Contract.AuditRights == nil:
		a.ask(c.ID, "Does the contract for %s grant audit rights?")
	case *c.Contract.AuditRights:
		a.fact(c.ID, "audit rights granted")
	default:
		tier = min(tier, 2)
		a.fact(c.ID, "no audit rights (caps at T2)")
	}
	a.ask(c.ID, "Within how many hours must the provider of %s report an incident?")
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
	a.fact(c.ID, "exit %s (%s)", b.tierOf(int(f.Level)), f.Reason)
	ctl := b.m.Tiers.Of(b.controllerCountry(r.Controller))
	if assess.StatutoryExit(b.switching, c, ctl) {
		a.fact(c.ID, "EU Data Act switching rights apply (Regulation (EU) 2023/2854, chapter VI)")
	}
	k := c.Contract
	if k == nil || k.ExitNoticeDays == nil {
		a.ask(c.ID, "What notice does the contract for %s require to leave?")
	}
	if k == nil || k.DataReturn == nil {
		a.ask(c.ID, "Does the provider of %s return the data at the end?")
	}
	if k == nil || k.Portability == "" {
		a.ask(c.ID, "In what format can the data and workloads of %s leave (none, proprietary, standard, open)?")
	}
	if c.MigrationDays == nil {
		a.ask(c.ID, "How many days would moving %s to another provider take?")
	} else {
		a.fact(c.ID, "migration %d d", *c.MigrationDays)
	}
	if len(c.Alternatives) > 0 {
		a.fact(c.ID, "alternatives %s", strings.Join(c.Alternatives, ", "))
	}
	a.add(int(f.Level))
}

// political: a commercial contract binds no state; a component under an
// arrangement is scored by 'sovmap embassy score', not here.
func (b *trustBuilder) political(a *dimAcc, c *sovmap.Component) {
	if c.Arrangement != "" {
		a.fact(c.ID, "hosted under arrangement %s (see sovmap embassy score)", c.Arrangement)
		return
	}
	a.ask(c.ID, "Does any state commitment (treaty, agreement) cover %s, beyond the commercial contract?")
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
