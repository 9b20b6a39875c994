// Package tia drafts transfer impact assessments: for a flow of personal
// data that relies on standard contractual clauses or binding corporate
// rules, the six steps of the EDPB's Recommendations 01/2020 (version 2.0,
// 18 June 2021) filled in from the inventory, the assessment and the
// knowledge base.
//
// The draft states only what sovmap knows, each statement labelled with
// its basis (law, guidance, policy, default) or as an inventory fact, and
// turns every fact it lacks (purposes, pseudonymisation, the practice of
// the destination's authorities, redress) into a question to answer. It is
// a starting point for the data-protection officer and counsel, not an
// assessment they can sign as it is.
package tia

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/kb"
)

// Labels of statements that are not a basis.
const (
	// LabelFact marks what the inventory records.
	LabelFact = "fact"
	// LabelQuestion marks a fact to establish before the assessment can
	// conclude.
	LabelQuestion = "question"
)

// The texts the draft follows and cites.
const (
	recommendations    = "EDPB Recommendations 01/2020 on measures that supplement transfer tools to ensure compliance with the EU level of protection of personal data (version 2.0, adopted 18 June 2021)"
	recommendationsURL = "https://edpb.europa.eu/our-work-tools/our-documents/recommendations/recommendations-012020-measures-supplement-transfer_en"
	guarantees         = "EDPB Recommendations 02/2020 on the European Essential Guarantees for surveillance measures (10 November 2020)"
	guaranteesURL      = "https://edpb.europa.eu/our-work-tools/our-documents/recommendations/edpb-recommendations-022020-european-essential_en"
	interplay          = "EDPB Guidelines 05/2021 on the interplay between the application of article 3 and the provisions on international transfers as per chapter V of the GDPR (version 2.0, 14 February 2023)"
	gdpr               = "Regulation (EU) 2016/679 (GDPR)"
	gdprURL            = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
	sccDecision        = "Commission Implementing Decision (EU) 2021/914 on standard contractual clauses for the transfer of personal data to third countries"
	sccDecisionURL     = "https://eur-lex.europa.eu/eli/dec_impl/2021/914/oj"
)

// Mechanisms that need a transfer impact assessment: the transfer tools of
// GDPR art. 46 whose effectiveness depends on the destination's law.
var assessed = []sovmap.Mechanism{sovmap.MechanismSCC, sovmap.MechanismBCR}

// Options set what the draft cannot take from the inventory.
type Options struct {
	// Date is the day of the draft; the re-evaluation date counts from it.
	Date time.Time
	// ReviewMonths is the interval to the re-evaluation; 0 means 12.
	ReviewMonths int
}

// Needs reports whether a checked flow needs a transfer impact assessment:
// it carries personal data under SCC or BCR.
func Needs(f *sovmap.FlowResult) bool {
	return slices.Contains(assessed, f.Mechanism) && personal(f.Data)
}

func personal(classes []string) bool {
	for _, d := range classes {
		if d == "personal" || strings.HasPrefix(d, "personal.") {
			return true
		}
	}
	return false
}

// Select returns the flows of the report to assess: those named by ids, in
// that order, or with all every flow that Needs an assessment. A named flow
// that does not exist, or carries no personal data, is an error.
func Select(r *sovmap.Report, ids []string, all bool) ([]*sovmap.FlowResult, error) {
	var out []*sovmap.FlowResult
	if all {
		for i := range r.Flows {
			if Needs(&r.Flows[i]) {
				out = append(out, &r.Flows[i])
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no flow carries personal data under SCC or BCR, so none needs a transfer impact assessment")
		}
		return out, nil
	}
	for _, id := range ids {
		i := slices.IndexFunc(r.Flows, func(f sovmap.FlowResult) bool { return f.ID == id })
		if i < 0 {
			var have []string
			for _, f := range r.Flows {
				have = append(have, f.ID)
			}
			if len(have) == 0 {
				return nil, fmt.Errorf("no flow %q: the inventory has no flows", id)
			}
			return nil, fmt.Errorf("no flow %q in the inventory (have %s)", id, strings.Join(have, ", "))
		}
		f := &r.Flows[i]
		if !personal(f.Data) {
			return nil, fmt.Errorf("flow %s carries no personal data (%s): the transfer rules of data-protection law, and so a transfer impact assessment, do not apply", id, strings.Join(f.Data, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// Draft writes the transfer impact assessment of the given flows (see
// Select) as one document, a part per flow, then the questions to answer.
func Draft(inv *sovmap.Inventory, r *sovmap.Report, k *kb.KB, flows []*sovmap.FlowResult, opts Options) *document.Document {
	months := opts.ReviewMonths
	if months <= 0 {
		months = 12
	}
	regime, hasRegime := k.TransferRegime(inv.Organization.Home)
	d := &document.Document{
		Title:    "Transfer impact assessment (draft)",
		Subtitle: "Following the six steps of EDPB Recommendations 01/2020",
		Notice:   document.Disclaimer,
		Fields: []document.Field{
			{Name: "Organization (data exporter)", Value: inv.Organization.Name},
			{Name: "Home", Value: inv.Organization.Home},
			{Name: "Transfer rules", Value: regimeName(regime, hasRegime)},
			{Name: "Drafted on", Value: opts.Date.Format(time.DateOnly)},
			{Name: "Re-evaluate by", Value: opts.Date.AddDate(0, months, 0).Format(time.DateOnly)},
		},
	}
	b := &builder{d: d, inv: inv, r: r, k: k, regime: regime, months: months, date: opts.Date}
	b.rec = d.Cite(recommendations, recommendationsURL)
	intro := document.Section{Number: "0", Title: "How to read this draft", Blocks: []document.Block{
		document.P("", "Each statement is labelled with what it rests on: law (a binding rule, cited), guidance (supervisory guidance, cited), policy (the organization's own choice), default (sovmap's opinion, which the organization may replace), fact (what the inventory records) or question (a fact sovmap does not have, to be answered before the assessment concludes). Numbers in brackets refer to the table of sources."),
		document.P(string(sovmap.BasisGuidance), "The structure follows the six steps of the EDPB's roadmap: know the transfer, identify the transfer tool, assess the law and practice of the destination, identify supplementary measures, take the procedural steps, and re-evaluate at appropriate intervals.", b.rec),
	}}
	if !hasRegime || regime != "EU" {
		intro.Blocks = append(intro.Blocks, document.P(string(sovmap.BasisDefault),
			fmt.Sprintf("The organization's home (%s) is not under the GDPR's transfer rules: this draft follows the EDPB's structure, which its own regulator's guidance may not; check each step against the rules that bind it.", inv.Organization.Home)))
	}
	d.Sections = append(d.Sections, intro)
	for i, f := range flows {
		d.Sections = append(d.Sections, b.flow(i+1, f))
	}
	if len(b.questions) > 0 {
		d.Sections = append(d.Sections, document.Section{
			Number: fmt.Sprint(len(flows) + 1), Title: "Questions to answer",
			Blocks: []document.Block{
				document.P("", "The assessment cannot conclude until these are answered; sovmap has not assumed an answer to any of them."),
				document.List(true, b.questions...),
			},
		})
	}
	return d
}

func regimeName(regime string, ok bool) string {
	switch {
	case !ok:
		return "none recorded in sovmap's knowledge base"
	case regime == "EU":
		return "EU: GDPR chapter V"
	default:
		return regime + " (its own adequacy list)"
	}
}

// builder holds what the parts of the draft share.
type builder struct {
	d         *document.Document
	inv       *sovmap.Inventory
	r         *sovmap.Report
	k         *kb.KB
	regime    string
	months    int
	date      time.Time
	rec       int
	questions []document.Paragraph
}

// ask adds a question to the part and to the list at the end, prefixed
// with the flow it is about.
func (b *builder) ask(blocks *[]document.Block, flow, text string, sources ...int) {
	*blocks = append(*blocks, document.P(LabelQuestion, text, sources...))
	b.questions = append(b.questions, document.Paragraph{Label: flow, Text: text, Sources: sources})
}

func (b *builder) component(id string) (*sovmap.Component, *sovmap.ComponentResult) {
	var c *sovmap.Component
	for i := range b.inv.Components {
		if b.inv.Components[i].ID == id {
			c = &b.inv.Components[i]
			break
		}
	}
	var cr *sovmap.ComponentResult
	for i := range b.r.Components {
		if b.r.Components[i].ID == id {
			cr = &b.r.Components[i]
			break
		}
	}
	return c, cr
}

func (b *builder) provider(id string) (name, country string) {
	for _, p := range b.inv.Providers {
		if p.ID == id {
			return cmp.Or(p.Name, p.ID), p.Country
		}
	}
	if p, ok := b.k.Provider(id); ok {
		return p.Name, p.Country
	}
	return id, ""
}

func (b *builder) controller(providerID string) (id, country string) {
	for _, p := range b.r.Providers {
		if p.ID == providerID {
			return p.Controller, p.ControllerCountry
		}
	}
	return "", ""
}

// foreign lists the third countries of list, each once: those outside
// home and, for a home under the GDPR, outside the EEA, whose members apply
// the same transfer rules (a transfer between them is no transfer under
// chapter V).
func (b *builder) foreign(list []string) []string {
	home, _ := b.k.Expand(b.inv.Organization.Home)
	var out []string
	for _, o := range list {
		members, ok := b.k.Expand(o)
		if !ok {
			members = []string{o}
		}
		for _, m := range members {
			if slices.Contains(home, m) || slices.Contains(out, m) {
				continue
			}
			if r, ok := b.k.TransferRegime(m); ok && r == "EU" && b.regime == "EU" {
				continue
			}
			out = append(out, m)
		}
	}
	return out
}

func (b *builder) flow(n int, f *sovmap.FlowResult) document.Section {
	num := fmt.Sprint(n)
	src, _ := b.component(f.From)
	dst, dstRes := b.component(f.To)
	if dstRes == nil {
		dstRes = &sovmap.ComponentResult{} // the report assesses every component; never nil in practice
	}
	part := document.Section{Number: num, Title: fmt.Sprintf("Transfer %s: %s to %s", f.ID, f.From, f.To)}
	part.Sections = []document.Section{
		b.step1(num, f, src, dst),
		b.step2(num, f, dst),
		b.step3(num, f, dst, dstRes),
		b.step4(num, f, dst, dstRes),
		b.step5(num, f),
		b.step6(num, f, dstRes),
	}
	return part
}

func (b *builder) step1(num string, f *sovmap.FlowResult, src, dst *sovmap.Component) document.Section {
	s := document.Section{Number: num + ".1", Title: "Step 1: know the transfer"}
	fact := func(format string, args ...any) {
		s.Blocks = append(s.Blocks, document.P(LabelFact, fmt.Sprintf(format, args...)))
	}
	fact("Data classes: %s.", strings.Join(f.Data, ", "))
	fact("Exporter: %s (home %s), from component %s%s, located in %s.", b.inv.Organization.Name, b.inv.Organization.Home,
		src.ID, named(src), orNone(f.FromJurisdictions))
	if dst.Provider == "" {
		fact("Importer: the organization itself runs the destination %s%s, located in %s.", dst.ID, named(dst), orNone(f.ToJurisdictions))
	} else {
		name, country := b.provider(dst.Provider)
		fact("Importer: %s (provider %s, established in %s), running the destination %s%s, located in %s.",
			name, dst.Provider, orUnknown(country), dst.ID, named(dst), orNone(f.ToJurisdictions))
		if country == "" {
			b.ask(&s.Blocks, f.ID, fmt.Sprintf("In which country is the importer %s established? The inventory does not say.", name))
		}
		if ctl, cc := b.controller(dst.Provider); ctl != "" && ctl != dst.Provider {
			fact("The importer is controlled, through its parent chain, by %s (%s).", ctl, orUnknown(cc))
		}
	}
	if len(f.ToJurisdictions) == 0 {
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Where is the destination %s located? The inventory states no location.", dst.ID))
	}
	b.ask(&s.Blocks, f.ID, fmt.Sprintf("What are the purposes of transfer %s, and is every data class in it necessary for them? The inventory does not record purposes.", f.ID), b.rec)
	rem := b.d.Cite(interplay, "https://edpb.europa.eu/our-work-tools/documents/public-consultation/2021/guidelines-052021-interplay-between-application-article-3_en")
	switch third := b.foreign(dst.OperatedFrom); {
	case len(dst.OperatedFrom) == 0 && dst.Provider != "":
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("From which countries is %s administered and supported? Access from a third country is a transfer too.", dst.ID), b.rec, rem)
	case len(dst.OperatedFrom) == 0:
		fact("The destination is run by the organization itself; the inventory states no country it is administered from.")
	case len(third) > 0:
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
			fmt.Sprintf("The destination is administered from %s; access from a third country (%s) for administration or support is itself a transfer to be assessed here.", strings.Join(dst.OperatedFrom, ", "), strings.Join(third, ", ")), b.rec, rem))
	default:
		fact("The destination is administered from %s, none of them a third country.", strings.Join(dst.OperatedFrom, ", "))
	}
	var onward []string
	for _, dep := range dst.DependsOn {
		c, _ := b.component(dep.ID)
		if c == nil || !c.Holds() && len(dep.Data) == 0 {
			continue
		}
		onward = append(onward, fmt.Sprintf("%s (%s)", c.ID, orNone(c.Locations)))
	}
	for i := range b.r.Flows {
		if o := &b.r.Flows[i]; o.From == dst.ID && personal(o.Data) {
			onward = append(onward, fmt.Sprintf("flow %s to %s (%s)", o.ID, o.To, orNone(o.ToJurisdictions)))
		}
	}
	if len(onward) > 0 {
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
			"Possible onward transfers recorded in the inventory (dependencies of the destination that hold data, and flows out of it): "+strings.Join(onward, "; ")+". Onward transfers belong to this assessment.", b.rec))
	}
	recorded := "The inventory records none."
	if len(onward) > 0 {
		recorded = "The inventory records only those listed above."
	}
	b.ask(&s.Blocks, f.ID, fmt.Sprintf("Does the importer of %s pass the data to sub-processors or other recipients, and where are they? %s", f.ID, recorded), b.rec)
	return s
}

func named(c *sovmap.Component) string {
	if c.Name == "" {
		return ""
	}
	return " (" + c.Name + ")"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "no stated location"
	}
	return strings.Join(list, ", ")
}

func orUnknown(s string) string {
	if s == "" {
		return "country not recorded"
	}
	return s
}

// third lists the countries the transfer reaches outside home: where the
// destination is and where it is administered from.
func (b *builder) third(f *sovmap.FlowResult, dst *sovmap.Component) []string {
	return b.foreign(append(slices.Clone(f.ToJurisdictions), dst.OperatedFrom...))
}

func (b *builder) step2(num string, f *sovmap.FlowResult, dst *sovmap.Component) document.Section {
	s := document.Section{Number: num + ".2", Title: "Step 2: the transfer tool"}
	g := b.d.Cite(gdpr, gdprURL)
	switch f.Mechanism {
	case sovmap.MechanismSCC:
		scc := b.d.Cite(sccDecision, sccDecisionURL)
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw), "The flow relies on standard contractual clauses (GDPR art. 46(2)(c)), adopted by the Commission in Implementing Decision (EU) 2021/914.", g, scc))
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Which module of the clauses is signed for %s, on what date, and with which annexes (description of the transfer, technical and organisational measures, sub-processors)?", f.ID), scc)
	case sovmap.MechanismBCR:
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw), "The flow relies on binding corporate rules (GDPR art. 47), which bind only the members of the group that adopted them.", g))
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Which supervisory authority approved the binding corporate rules relied on for %s, and is the importer a member of the group bound by them?", f.ID))
	default:
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
			fmt.Sprintf("The flow names %q as its mechanism, not standard contractual clauses or binding corporate rules: the assessment of steps 3 to 5 is required for the transfer tools of GDPR art. 46; name the tool this transfer is to rely on.", f.Mechanism), b.rec, g))
	}
	decisions := b.k.AdequacyByCountry(b.regime)
	for _, c := range b.third(f, dst) {
		a, ok := decisions[c]
		switch {
		case !ok:
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw),
				fmt.Sprintf("%s: the knowledge base records no adequacy decision of %s (GDPR art. 45), so the transfer needs a tool of art. 46.", c, cmp.Or(b.regime, "the home regime")), g))
		case a.Partial():
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw),
				fmt.Sprintf("%s: an adequacy decision (%s, %s) covers only %s.", c, a.Act, a.Date, a.Covers()), g, b.d.Cite(a.Act, kbWhere(a.Meta))))
			b.ask(&s.Blocks, f.ID, fmt.Sprintf("Is the importer of %s among the recipients the %s decision covers (%s)? If it is, the transfer may rely on that decision instead (GDPR art. 45).", f.ID, c, a.Covers()), g)
		default:
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw),
				fmt.Sprintf("%s: an adequacy decision (%s, %s) covers every recipient; a transfer there needs no art. 46 tool, only the monitoring of the decision.", c, a.Act, a.Date), g, b.d.Cite(a.Act, kbWhere(a.Meta))))
		}
		if ok && a.Contested {
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault), "The decision is contested: "+a.Notes, b.d.Cite(a.Act, kbWhere(a.Meta))))
		}
	}
	verdict := fmt.Sprintf("sovmap's transfer check of the flow: %s", f.Verdict)
	if len(f.Reasons) > 0 {
		verdict += "; deciding reason: " + f.Reasons[0]
	}
	var cites []int
	if f.Citation != "" {
		cites = append(cites, b.d.Cite(f.Citation, ""))
	}
	s.Blocks = append(s.Blocks, document.P(string(f.Basis), verdict+".", cites...))
	return s
}

func kbWhere(m kb.Meta) string {
	where := "sovmap knowledge base " + m.Position()
	if m.Checked != "" {
		where += ", checked " + m.Checked
	}
	if len(m.Sources) > 0 {
		where += "; " + strings.Join(m.Sources, "; ")
	}
	return where
}

// law finds the knowledge-base entry of an exposure: the compelled-access
// law of that name in that jurisdiction.
func (b *builder) law(e sovmap.Exposure) (kb.Law, bool) {
	for _, l := range b.k.Laws(kb.CompelledAccess) {
		if l.Name == e.Law && l.Jurisdiction == e.Jurisdiction {
			return l, true
		}
	}
	for _, l := range b.k.LawsFor(e.Jurisdiction, kb.CompelledAccess) {
		if l.Name == e.Law {
			return l, true
		}
	}
	return kb.Law{}, false
}

// through says in words how a law reaches the destination.
func (b *builder) through(e sovmap.Exposure, dst *sovmap.Component, cr *sovmap.ComponentResult) string {
	switch e.Via {
	case sovmap.ViaControl:
		name, _ := b.provider(cr.Controller)
		return fmt.Sprintf("through control: the importer's ultimate controller, %s, is subject to it, wherever the data is stored", name)
	case sovmap.ViaLocation:
		if slices.Equal(dst.Locations, []string{e.Jurisdiction}) {
			return fmt.Sprintf("through location: the data is stored in %s", e.Jurisdiction)
		}
		return fmt.Sprintf("through location: the data is stored in %s (%s)", e.Jurisdiction, strings.Join(dst.Locations, ", "))
	default:
		return fmt.Sprintf("through operations: the destination is administered or supported from %s (operated_from: %s)", e.Jurisdiction, strings.Join(dst.OperatedFrom, ", "))
	}
}

func (b *builder) step3(num string, f *sovmap.FlowResult, dst *sovmap.Component, cr *sovmap.ComponentResult) document.Section {
	s := document.Section{Number: num + ".3", Title: "Step 3: the law and practice of the destination"}
	eeg := b.d.Cite(guarantees, guaranteesURL)
	s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
		"This step asks whether anything in the law or practice of the third countries involved impinges on the effectiveness of the transfer tool, above all the powers of public authorities to access the data, judged against the European Essential Guarantees (clear and accessible rules, necessity and proportionality, independent oversight, effective remedies).", b.rec, eeg))
	if cr == nil || len(cr.ExposureDetails) == 0 {
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault),
			"The knowledge base records no foreign compelled-access law that reaches the destination. Its list of such laws is not exhaustive: absence there is not proof of absence."))
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Which laws of %s let public authorities access data held by the importer of %s?", orNone(b.third(f, dst)), f.ID), b.rec, eeg)
	}
	var rows [][]string
	jurisdictions := []string{}
	for _, g := range groupExposures(cr.ExposureDetails) {
		l, ok := b.law(g.Exposure)
		var cite []int
		var how []string
		for _, via := range g.vias {
			e := g.Exposure
			e.Via = via
			how = append(how, b.through(e, dst, cr))
		}
		text := fmt.Sprintf("%s (%s) reaches the importer %s.", g.Law, g.Jurisdiction, strings.Join(how, "; and "))
		if ok {
			for _, src := range l.Sources {
				cite = append(cite, b.d.Cite(src, kbWhere(kb.Meta{File: l.File, Line: l.Line, Column: l.Column, Checked: l.Checked})))
			}
			if l.Notes != "" {
				text += " " + l.Notes
			}
		}
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw), text, cite...))
		if ok && l.Contested {
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault), fmt.Sprintf("The knowledge base marks %s as contested or changing: its reach and its current legal footing must be checked on the date of the assessment (checked %s).", g.Law, l.Checked)))
		}
		rows = append(rows, []string{g.Law, g.Jurisdiction, joinVias(g.vias), yesNo(g.Mitigated)})
		if !slices.Contains(jurisdictions, g.Jurisdiction) {
			jurisdictions = append(jurisdictions, g.Jurisdiction)
		}
	}
	if len(rows) > 0 {
		s.Blocks = append(s.Blocks, document.Table([]string{"Law", "Jurisdiction", "Reaches through", "Blunted by the organization's keys (step 4)"}, rows))
	}
	decisions := b.k.AdequacyByCountry(b.regime)
	for _, j := range jurisdictions {
		if a, ok := decisions[j]; ok {
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw),
				fmt.Sprintf("%s has an adequacy decision (%s, covering %s). In adopting it the Commission assessed, among other things, the rules on public authorities' access and the redress available (GDPR art. 45(2)(a)); whether that assessment carries over to this importer is for counsel.", j, a.Act, a.Covers()), b.d.Cite(gdpr, gdprURL), b.d.Cite(a.Act, kbWhere(a.Meta))))
		} else {
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisLaw), fmt.Sprintf("%s has no adequacy decision of %s recorded in the knowledge base.", j, cmp.Or(b.regime, "the home regime")), b.d.Cite(gdpr, gdprURL)))
		}
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("What effective redress does %s give data subjects whose data is accessed under these laws (the fourth European Essential Guarantee), and is it open to the data subjects of %s?", j, f.ID), eeg)
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("What is the practice in %s: has the importer of %s, or have comparable importers, received requests from public authorities (transparency reports, documented experience)? Practice counts as much as the letter of the law.", j, f.ID), b.rec)
	}
	return s
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

var custodyWords = map[sovmap.KeyCustody]string{
	sovmap.KeysProvider:        "the provider generates and holds the keys",
	sovmap.KeysCustomerManaged: "the organization controls the keys inside the provider's key service, so the provider's systems can still use them",
	sovmap.KeysCustomerHeld:    "the organization holds the keys outside the provider",
	sovmap.KeysDomesticHSM:     "the keys are in a hardware security module located and operated at home",
}

func (b *builder) step4(num string, f *sovmap.FlowResult, dst *sovmap.Component, cr *sovmap.ComponentResult) document.Section {
	s := document.Section{Number: num + ".4", Title: "Step 4: supplementary measures in place"}
	if dst.KeyCustody == "" {
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Who holds the keys that protect the data at %s? The inventory does not say.", dst.ID), b.rec)
	} else {
		s.Blocks = append(s.Blocks, document.P(LabelFact, fmt.Sprintf("Key custody at %s: %s (%s).", dst.ID, dst.KeyCustody, custodyWords[dst.KeyCustody])))
	}
	for _, g := range groupExposures(cr.ExposureDetails) {
		e := g.Exposure
		e.Via = sovmap.Via(joinVias(g.vias))
		switch {
		case e.Mitigated:
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault),
				fmt.Sprintf("Against %s (%s, via %s): the keys stay out of the importer's hands, so an order served on the importer yields encrypted data only, provided the data is never decrypted at the destination. sovmap's reading, which counsel must confirm against the use cases of the Recommendations (encryption with keys kept by the exporter).", e.Law, e.Jurisdiction, e.Via), b.rec))
		default:
			s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault),
				fmt.Sprintf("Against %s (%s, via %s): no technical measure recorded keeps the importer from producing readable data, since it holds or can use the keys; contractual and organisational measures alone do not stop access the law compels.", e.Law, e.Jurisdiction, e.Via), b.rec))
		}
	}
	if dst.KeyCustody == sovmap.KeysCustomerHeld || dst.KeyCustody == sovmap.KeysDomesticHSM {
		b.ask(&s.Blocks, f.ID, fmt.Sprintf("Is the data decrypted at %s to be used (%s layer)? Keys held by the organization protect only data the importer never reads in clear; if it must, step 4 has no technical measure against the laws above.", dst.ID, dst.Layer), b.rec)
	}
	b.ask(&s.Blocks, f.ID, fmt.Sprintf("Is the data of %s pseudonymised before it leaves, with the additional information kept by the exporter? The inventory does not record pseudonymisation.", f.ID), b.rec)
	b.ask(&s.Blocks, f.ID, fmt.Sprintf("Is the data of %s encrypted in transit, and with what protocol and keys? The inventory does not record it.", f.ID), b.rec)
	if dst.Contract != nil {
		var terms []string
		if dst.Contract.GoverningLaw != "" {
			terms = append(terms, "governing law "+dst.Contract.GoverningLaw)
		}
		if dst.Contract.AuditRights != nil {
			terms = append(terms, "audit rights "+yesNo(*dst.Contract.AuditRights))
		}
		if len(terms) > 0 {
			s.Blocks = append(s.Blocks, document.P(LabelFact, "Contract terms recorded: "+strings.Join(terms, ", ")+"."))
		}
	}
	b.ask(&s.Blocks, f.ID, fmt.Sprintf("Has the importer of %s committed to challenge disproportionate requests, to tell the exporter of any request it may disclose, and to publish transparency reports?", f.ID), b.rec)
	s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
		"If the destination's law impinges on the transfer tool and no measure makes the protection essentially equivalent, the transfer must not start, or must be suspended or ended.", b.rec))
	return s
}

func (b *builder) step5(num string, f *sovmap.FlowResult) document.Section {
	s := document.Section{Number: num + ".5", Title: "Step 5: procedural steps"}
	switch f.Mechanism {
	case sovmap.MechanismSCC:
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
			"Supplementary measures added to the standard contractual clauses must not contradict them, directly or indirectly; clauses that are changed are no longer the standard clauses and need the authorisation of the competent supervisory authority (GDPR art. 46(3)(a)).", b.rec, b.d.Cite(gdpr, gdprURL)))
	case sovmap.MechanismBCR:
		s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisGuidance),
			"Supplementary measures for transfers under binding corporate rules are adopted within the group that the rules bind, without changing the approved rules themselves.", b.rec))
	}
	s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault),
		"Record this assessment, its conclusion and the measures adopted, so that it can be shown to the supervisory authority on request (GDPR art. 5(2), accountability).", b.d.Cite(gdpr, gdprURL)))
	return s
}

func (b *builder) step6(num string, f *sovmap.FlowResult, cr *sovmap.ComponentResult) document.Section {
	s := document.Section{Number: num + ".6", Title: "Step 6: re-evaluation"}
	s.Blocks = append(s.Blocks, document.P(string(sovmap.BasisDefault),
		fmt.Sprintf("Re-evaluate by %s, %d months after this draft: sovmap's default interval. The Recommendations ask for monitoring at appropriate intervals and set no fixed period.", b.date.AddDate(0, b.months, 0).Format(time.DateOnly), b.months), b.rec))
	var watch []document.Paragraph
	seen := map[string]bool{}
	for _, e := range cr.ExposureDetails {
		l, ok := b.law(e)
		if !ok || seen[l.ID] {
			continue
		}
		seen[l.ID] = true
		text := fmt.Sprintf("%s: knowledge-base entry checked %s", l.Name, l.Checked)
		if l.Contested {
			text += "; contested, so re-check as soon as its status changes"
		}
		watch = append(watch, document.Paragraph{Label: string(sovmap.BasisDefault), Text: text + "."})
	}
	decisions := b.k.AdequacyByCountry(b.regime)
	for _, c := range b.foreign(append(slices.Clone(f.ToJurisdictions), cr.Exposure...)) {
		if a, ok := decisions[c]; ok && a.Contested {
			watch = append(watch, document.Paragraph{Label: string(sovmap.BasisDefault), Text: fmt.Sprintf("%s: contested (%s); re-evaluate when the courts decide.", a.Act, a.Notes)})
		}
	}
	if len(watch) > 0 {
		s.Blocks = append(s.Blocks, document.P("", "Re-evaluate earlier if any of these change:"), document.List(false, watch...))
	}
	return s
}

// lawExposure is one law's exposures of a component, all its channels
// together.
type lawExposure struct {
	sovmap.Exposure
	vias []sovmap.Via
}

// groupExposures gathers the exposures of each law (the assessment lists
// one per channel), in the order the laws first appear.
func groupExposures(list []sovmap.Exposure) []lawExposure {
	var out []lawExposure
	for _, e := range list {
		i := slices.IndexFunc(out, func(g lawExposure) bool { return g.Law == e.Law && g.Jurisdiction == e.Jurisdiction })
		if i < 0 {
			out = append(out, lawExposure{Exposure: e})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].vias, e.Via) {
			out[i].vias = append(out[i].vias, e.Via)
		}
		out[i].Mitigated = out[i].Mitigated && e.Mitigated
	}
	return out
}

func joinVias(vias []sovmap.Via) string {
	return strings.Join(sovmap.Names(vias), ", ")
}
