package embassy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/framework"
)

// The models a draft agreement follows, cited in its notes.
var (
	modelVCDR = document.Source{Title: "Vienna Convention on Diplomatic Relations (1961), articles 22, 24 and 27",
		Where: "https://legal.un.org/ilc/texts/instruments/english/conventions/9_1_1961.pdf"}
	modelEELU = document.Source{Title: "Agreement between the Republic of Estonia and the Grand Duchy of Luxembourg on the hosting of data and information systems (signed 20 June 2017, in force 16 May 2018; RT II, 28.03.2018, 2)",
		Where: "https://www.riigiteataja.ee/akt/228032018002"}
	modelMCLU = document.Source{Title: "Agreement between the Principality of Monaco and the Grand Duchy of Luxembourg on data hosting, approved by Monaco Law No. 1.545 of 20 April 2023; Monaco Law No. 1.546 extending Monaco's criminal jurisdiction",
		Where: "https://www.99avocats.com/en/publications/sovereign-clouds-twin-in-luxembourg-entry-into-force-of-the-bilateral-agreement-extension-of-monacos-jurisdiction-over-technological-crime"}
	modelBH = document.Source{Title: "Bahrain Legislative Decree No. 56 of 2018 on the provision of cloud computing services to foreign parties",
		Where: "https://www.legalaffairs.gov.bh/"}
	modelWEF = document.Source{Title: "World Economic Forum with Bain & Company, AI Infrastructure in the Age of Sovereignty: a Trusted Framework for Digital Embassies (May 2026)",
		Where: "https://www.weforum.org/publications/ai-infrastructure-in-the-age-of-sovereignty-requirements-strategies-and-a-trusted-framework-for-digital-embassies/"}
)

// article is one article of a draft agreement: its title, the criteria
// of the trust framework it settles, and the note on the models it follows.
type article struct {
	title    string
	criteria []string
	note     string
	models   []document.Source
}

// articles are the articles of a draft, in order, for the
// digital-embassy framework. Each criterion of that framework belongs to
// one article or to the preamble (a test holds them together); criteria
// of another framework go to a last article of other commitments.
var articles = []article{
	{title: "Inviolability", criteria: []string{"inviolability"},
		note:   "Follows the inviolability of a mission's premises (VCDR art. 22(1)) and of its archives and documents at any time and wherever they are (art. 24), which the Estonia-Luxembourg and Monaco-Luxembourg agreements extend to hosted data and systems without making the site a diplomatic mission.",
		models: []document.Source{modelVCDR, modelEELU, modelMCLU}},
	{title: "Immunity", criteria: []string{"immunity"},
		note:   "Follows the immunity of a mission's premises and property from search, requisition, attachment or execution (VCDR art. 22(3)), granted to the hosted data and systems by the Monaco-Luxembourg agreement.",
		models: []document.Source{modelVCDR, modelMCLU}},
	{title: "Entry and access", criteria: []string{"entry-consent", "cleared-personnel"},
		note:   "Follows the rule that the receiving State's agents enter a mission only with the consent of its head (VCDR art. 22(1)); the Monaco-Luxembourg agreement keeps an exception for emergencies such as fire, and the Estonia-Luxembourg arrangement limits access to staff the guest has cleared.",
		models: []document.Source{modelVCDR, modelMCLU, modelEELU}},
	{title: "Applicable law", criteria: []string{"guest-law", "guest-implementing-law"},
		note:   "The guest's law governs its hosted data in the Bahrain model (Legislative Decree No. 56 of 2018); the guest's own implementing law is a condition the real arrangements share. sovmap's trust framework ranks these terms.",
		models: []document.Source{modelBH}},
	{title: "Jurisdiction", criteria: []string{"guest-jurisdiction"},
		note:   "Monaco extended its criminal jurisdiction to offences against its hosted systems in Luxembourg (Law No. 1.546, adopted with the law approving the agreement).",
		models: []document.Source{modelMCLU}},
	{title: "Data classes and residency", criteria: []string{"data-classification", "residency"},
		note:   "Data classification and residency are among the baseline negotiation terms of the WEF / Bain framework.",
		models: []document.Source{modelWEF}},
	{title: "Keys and security of the hosted systems", criteria: []string{"key-custody", "encryption", "confidential-computing", "isolation", "certifications", "facility-tier"},
		note:   "Keys held by the guest and protection of data in use are baseline terms of the WEF / Bain framework; the Estonia-Luxembourg site is a Tier IV government data centre.",
		models: []document.Source{modelWEF, modelEELU}},
	{title: "Communications", criteria: []string{"connectivity"},
		note:   "Follows the freedom of a mission's official communication and the inviolability of its official correspondence (VCDR art. 27).",
		models: []document.Source{modelVCDR}},
	{title: "Access disclosure, inspection and incidents", criteria: []string{"access-disclosure", "audit-rights", "incident-notice", "change-of-control"},
		note:   "Logged access disclosures are a baseline term of the WEF / Bain framework; notice of a change of control is adapted from SecNumCloud 3.2 section 19.6.",
		models: []document.Source{modelWEF}},
	{title: "Continuity", criteria: []string{"crisis-commitment", "continuity"},
		note:   "Resilience by design is one of the principles stated for digital embassies at the World Economic Forum, Davos 2026; the receiving State's special duty to protect a mission's premises (VCDR art. 22(2)) is the model.",
		models: []document.Source{modelWEF, modelVCDR}},
	{title: "Capacity", criteria: []string{"capacity"},
		note:   "In the Estonia-Luxembourg arrangement a separate lease between the governments sets the technical and financial terms; an annex plays that part here.",
		models: []document.Source{modelEELU}},
	{title: "Exit", criteria: []string{"exit-notice", "exit-portability", "deletion"},
		note:   "Exit portability is a baseline term of the WEF / Bain framework; protection that lasts until the guest has left follows the models' aim that no data stays exposed at the end.",
		models: []document.Source{modelWEF}},
	{title: "Dispute settlement", criteria: []string{"dispute-settlement"},
		note:   "Settlement between the Parties rather than in the host's courts keeps the hosted systems out of the host's jurisdiction; check the models' own dispute clauses before adopting one.",
		models: []document.Source{modelEELU, modelMCLU}},
	{title: "Entry into force, duration and termination", criteria: []string{"instrument-kind", "instrument-status", "revocation-notice"},
		note:   "The sources of the digital-embassy framework record that the Estonia-Luxembourg and the Monaco-Luxembourg agreements were both ratified before hosting began; Estonia-Luxembourg was signed on 20 June 2017 and entered into force on 16 May 2018.",
		models: []document.Source{modelEELU, modelMCLU}},
}

// preambleCriteria settle the preamble rather than an article.
var preambleCriteria = []string{"host-relationship"}

// strengths are the article texts, in sovmap's own words, of criteria the
// arrangement already meets at the top tier: they record the commitment
// as offered rather than ask for it.
var strengths = map[string]string{
	"inviolability":          "The premises where the Guest's systems stand, those systems, and all data they hold or carry are inviolable, wherever in the Host's territory they are.",
	"immunity":               "The Guest's systems, data and equipment are immune from search, requisition, attachment and execution, and from any order of the Host's courts or authorities to disclose, copy or withhold them.",
	"entry-consent":          "No agent of the Host enters the hosted premises or reaches the Guest's systems without the prior consent of the Guest's designated authority, except to deal with a fire or another disaster endangering life; the Guest is then told at once and the measures taken are recorded.",
	"cleared-personnel":      "Only persons the Guest has cleared have access to the Guest's systems; Host staff enter the hosted room only under escort, for facility work the Guest has approved.",
	"guest-law":              "The Guest's law governs the hosted data and systems. No law of the Host compels their disclosure, and the Host refuses, and passes to the Guest, any request of a third State for them.",
	"guest-implementing-law": "The Guest has adopted the domestic rules that say which of its institutions may store which classes of data at the site and who answers for them.",
	"guest-jurisdiction":     "Offences against the hosted systems may be prosecuted under the Guest's criminal law, and the Host assists the Guest's investigations on request.",
	"data-classification":    "Annex A lists the classes of data the Guest may host and the handling rules for each; the Host applies them without ever asking to see the data.",
	"residency":              "The Guest's data stays at the sites listed in Annex B. The Host moves neither data nor equipment, and no copy leaves those sites except on the Guest's written instruction.",
	"key-custody":            "The Guest alone generates and holds every cryptographic key that protects its data; neither the Host nor its operators hold or can obtain them, and no rule of the Host may require that they be deposited.",
	"encryption":             "All Guest data is encrypted at rest and in transit with keys under the Guest's sole control, and the links between the site and the Guest are encrypted end to end.",
	"confidential-computing": "Guest workloads on compute the Host operates run only in trusted execution environments whose attestation the Guest checks before it releases keys, or on hardware the Guest owns and runs.",
	"isolation":              "The Guest's equipment stands in a room of its own whose access control the Guest alone administers; no equipment of another party shares it.",
	"certifications":         "The Host keeps the site certified to ISO/IEC 27001 and accredited at the Guest's national high-assurance level, shares the audit reports, and tells the Guest within a week if a certificate lapses.",
	"facility-tier":          "The site is and stays certified Tier IV (or EN 50600 availability class 4) for the whole term.",
	"connectivity":           "The Host provides at least two physically diverse connections to the Guest, ending on the Guest's equipment, and neither inspects nor throttles the traffic.",
	"access-disclosure":      "Every physical or remote access to the hosted premises or systems by anyone other than the Guest's cleared staff is logged, and the log reaches the Guest within 24 hours; the Host has no access the log does not show.",
	"audit-rights":           "The Guest may inspect the site and audit the Host's security controls at any time on 48 hours' notice, and at once after an incident.",
	"incident-notice":        "The Host tells the Guest's designated contact of any incident that could affect the hosted systems within 24 hours of learning of it, and keeps the Guest informed until it is closed.",
	"change-of-control":      "The Host tells the Guest at least six months before any change in the ownership or control of the facility operator; the Guest may then move its systems to another site at the Host's expense.",
	"crisis-commitment":      "The Host does not suspend, restrict or condition the hosting in a state of emergency, an armed conflict or a dispute between the Parties, and treats the hosted systems as its own critical state infrastructure.",
	"continuity":             "The site is part of the Host's continuity plans for critical infrastructure, with priority for power, fuel, cooling and connectivity equal to the Host's own government systems.",
	"capacity":               "The Host reserves for the Guest, for the whole term, the power, space and cooling in Annex C and any accelerator capacity listed there, and does not reallocate them, even in a shortage.",
	"exit-notice":            "After termination the Guest has at least twelve months to move its data and equipment, during which every protection of this Agreement stays in force.",
	"exit-portability":       "The Guest may remove its equipment; the Host returns any data it holds in open formats and assists the move to another site, at cost.",
	"deletion":               "When the hosting ends, the Guest erases or removes all storage media; media left behind are destroyed in the presence of the Guest's representative, who receives a certificate.",
	"dispute-settlement":     "Any dispute on the interpretation or application of this Agreement is settled by consultation between the Parties through diplomatic channels and is not referred to any court of the Host.",
	"instrument-kind":        "This Agreement is a treaty binding both States under international law; no change in the Host's domestic law reduces the protections it grants.",
	"instrument-status":      "This Agreement enters into force on the first day of the month after the later of the Parties' notifications that their procedures are complete; no data of the Guest is moved before that date.",
	"revocation-notice":      "Either Party may terminate this Agreement by written notice through diplomatic channels, taking effect no earlier than twenty-four months after receipt; its protections continue until the Guest has removed all its data and equipment.",
	"host-relationship":      "Recalling the treaties that bind them, by which this Agreement stands, and which no dispute under it suspends,",
}

// Labels of an article's paragraphs: a commitment the arrangement already
// offers at the top tier, or a clause still to negotiate.
const (
	LabelOffered     = "as offered"
	LabelMustDraft   = "to negotiate: blocks qualification"
	LabelShouldDraft = "to negotiate"
)

// Draft writes a draft agreement between the guest and the host of a
// scored arrangement: a preamble, definitions, then an article for each
// group of the trust framework's criteria. A criterion at the top tier is
// written from the arrangement's strength, one below it from the
// framework's clause, marked as still to negotiate with the current answer
// and the target. Notes cite the models each article follows.
//
// names gives the name of a state from its code (the knowledge base's
// countries); nil, or an empty name, keeps the code.
func Draft(sc *Scorecard, names func(code string) string) *document.Document {
	res := sc.Result
	host, guest := sc.Host, sc.Guest
	if names != nil {
		host, guest = cmp.Or(names(host), host), cmp.Or(names(guest), guest)
	}
	d := &document.Document{
		Title:    fmt.Sprintf("Agreement between %s (the Host) and %s (the Guest) on the hosting of data and information systems", host, guest),
		Subtitle: "Draft built from arrangement " + sc.Arrangement + nameSuffix(sc.Name),
		Notice:   document.Disclaimer,
		Fields: []document.Field{
			{Name: "Arrangement", Value: sc.Arrangement},
			{Name: "Instrument", Value: cmp.Or(sc.Instrument, "not stated")},
			{Name: "Scored on", Value: fmt.Sprintf("%s %s", res.FrameworkName, res.Version)},
			{Name: "Weakest-link tier", Value: fmt.Sprintf("%s (%s), score %.1f", res.LevelName, res.LevelLabel, float64(res.Score))},
			{Name: "Qualification", Value: sc.Qualification},
		},
	}
	byID := map[string]framework.CriterionResult{}
	for _, c := range res.Criteria {
		byID[c.ID] = c
	}
	priority := map[string]Priority{}
	for _, cl := range sc.Clauses {
		priority[cl.Criterion] = cl.Priority
	}
	used := map[string]bool{}
	para := func(id string) []document.Block {
		c, ok := byID[id]
		if !ok {
			return nil
		}
		used[id] = true
		return criterionBlocks(c, priority[id])
	}

	fs := frameworkSource(res)
	fw := d.Cite(fs.Title, fs.Where)
	intro := document.Section{Title: "How to read this draft", Blocks: []document.Block{
		document.P("", fmt.Sprintf("Each article is built from the criteria of the %s. Paragraphs marked \"%s\" record what the arrangement already offers at the top tier, in sovmap's words; paragraphs marked \"%s\" are the framework's clause for a criterion below the top, with the answer today and the one the clause aims at; \"%s\" marks those that keep the arrangement from qualifying as a digital embassy. Notes name the models an article follows and refer to the table of sources.", res.FrameworkName, LabelOffered, LabelShouldDraft, LabelMustDraft), fw),
	}}
	preamble := document.Section{Title: "Preamble", Blocks: []document.Block{
		document.P("", fmt.Sprintf("%s (the Host) and %s (the Guest), together the Parties,", host, guest)),
		document.P("", "Wishing to ensure the continuity of the Guest's essential services and registers by hosting its data and information systems in the territory of the Host,"),
	}}
	for _, id := range preambleCriteria {
		preamble.Blocks = append(preamble.Blocks, para(id)...)
	}
	preamble.Blocks = append(preamble.Blocks,
		document.P("", "Inspired by the protection that the Vienna Convention on Diplomatic Relations of 18 April 1961 gives to the premises, archives and communications of a diplomatic mission, without making the hosting site such a mission,", d.Cite(modelVCDR.Title, modelVCDR.Where)),
		document.P("", "Have agreed as follows:"))
	definitions := document.Section{Number: "Article 1", Title: "Definitions", Blocks: []document.Block{
		document.List(true,
			document.Paragraph{Text: "\"Guest's data\" means all data, in any form, that the Guest or its institutions store, process or transmit at the hosting site, including copies and metadata."},
			document.Paragraph{Text: "\"Guest's systems\" means the equipment, software and networks the Guest uses at the hosting site, whoever owns them."},
			document.Paragraph{Text: "\"Hosting site\" means the premises listed in Annex B where the Guest's systems stand, and the links that serve them."},
			document.Paragraph{Text: "\"Designated authority\" means the body the Guest names by diplomatic note to give consents and receive notices under this Agreement."},
			document.Paragraph{Text: "\"Cleared personnel\" means persons the Guest's designated authority has authorised to access the Guest's systems."},
		),
	}}
	d.Sections = append(d.Sections, intro, preamble, definitions)
	n := 2
	for _, a := range articles {
		sec := document.Section{Number: fmt.Sprintf("Article %d", n), Title: a.title}
		for _, id := range a.criteria {
			sec.Blocks = append(sec.Blocks, para(id)...)
		}
		if len(sec.Blocks) == 0 {
			continue // a framework without these criteria
		}
		var cites []int
		for _, m := range a.models {
			cites = append(cites, d.Cite(m.Title, m.Where))
		}
		sec.Blocks = append(sec.Blocks, document.Note(a.note, cites...))
		d.Sections = append(d.Sections, sec)
		n++
	}
	var other document.Section
	for _, c := range res.Criteria {
		if !used[c.ID] {
			other.Blocks = append(other.Blocks, para(c.ID)...)
		}
	}
	if len(other.Blocks) > 0 {
		other.Number, other.Title = fmt.Sprintf("Article %d", n), "Other commitments"
		d.Sections = append(d.Sections, other)
		n++
	}
	d.Sections = append(d.Sections, document.Section{Number: fmt.Sprintf("Article %d", n), Title: "Annexes", Blocks: []document.Block{
		document.List(false,
			document.Paragraph{Text: "Annex A: the classes of data the Guest may host and the handling rules for each (to be completed by the Guest)."},
			document.Paragraph{Text: "Annex B: the hosting sites (to be completed by the Parties)."},
			document.Paragraph{Text: "Annex C: the power, space, cooling and accelerator capacity reserved for the Guest (to be completed by the Parties)."},
		),
	}})
	if len(sc.Components) > 0 {
		d.Fields = append(d.Fields, document.Field{Name: "Components hosted (inventory)", Value: strings.Join(sc.Components, ", ")})
	}
	return d
}

// frameworkSource is the trust framework itself, the source of every
// clause to negotiate.
func frameworkSource(res *framework.Result) document.Source {
	return document.Source{Title: res.FrameworkName + " " + res.Version + " (sovmap framework " + res.Framework + ")", Where: "sovmap framework show " + res.Framework}
}

// criterionBlocks writes one criterion as a paragraph of its article: its
// strength when at the top, its clause to negotiate otherwise.
func criterionBlocks(c framework.CriterionResult, p Priority) []document.Block {
	if c.AtTop {
		text, ok := strengths[c.ID]
		if !ok {
			text = fmt.Sprintf("The Parties confirm the arrangement as offered on %s: %s.", strings.ToLower(c.Title), cmp.Or(c.Meaning, c.Answer))
		}
		out := []document.Block{document.P(LabelOffered, text)}
		if c.Evidence != "" {
			out = append(out, document.Note(fmt.Sprintf("%s: evidence recorded: %s.", c.Title, c.Evidence)))
		}
		return append(out, questionNotes(c)...)
	}
	label := LabelShouldDraft
	if p == MustNegotiate {
		label = LabelMustDraft
	}
	text := strings.Join(strings.Fields(c.Clause), " ")
	if text == "" {
		text = fmt.Sprintf("The Parties shall agree terms that bring %s to the top tier (%s).", strings.ToLower(c.Title), c.Best)
	}
	current := fmt.Sprintf("%q", c.Answer)
	if c.From == framework.FromMissing {
		current = "unanswered (counted as the worst answer)"
	}
	why := fmt.Sprintf("%s: today %s, tier %s", c.Title, current, c.LevelName)
	if c.Meaning != "" && c.From != framework.FromMissing {
		why += " (" + c.Meaning + ")"
	}
	why += fmt.Sprintf("; the clause aims at %q.", c.Best)
	if c.Evidence != "" {
		why += " Evidence recorded: " + c.Evidence + "."
	}
	return append([]document.Block{document.P(label, text), document.Note(why)}, questionNotes(c)...)
}

// questionNotes turns what the inventory could not settle about a
// criterion into a note for the negotiators to answer.
func questionNotes(c framework.CriterionResult) []document.Block {
	if c.Question == "" {
		return nil
	}
	return []document.Block{document.Note(c.Title + ": open question: " + c.Question)}
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// DraftedCriteria lists the criteria of the digital-embassy framework the
// draft places, in the preamble or an article; for tests and docs.
func DraftedCriteria() []string {
	out := slices.Clone(preambleCriteria)
	for _, a := range articles {
		out = append(out, a.criteria...)
	}
	return out
}
