package tia_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/document"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/internal/golden"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/tia"
)

var day = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

func load(t *testing.T, src string) (*sovmap.Inventory, *sovmap.Report, *kb.KB) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var inv *sovmap.Inventory
	if strings.HasPrefix(src, "version:") {
		inv, err = inventory.Decode(ctx, k, "test.yaml", []byte(src))
	} else {
		inv, err = inventory.Load(ctx, k, filepath.Join("..", "examples", src, "inventory.yaml"))
	}
	if err != nil {
		t.Fatal(err)
	}
	r, err := assess.Assess(ctx, inv, k, assess.Options{Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})})
	if err != nil {
		t.Fatal(err)
	}
	return inv, r, k
}

func TestGoldenBankTransfers(t *testing.T) {
	inv, r, k := load(t, "bank-transfers")
	flows, err := tia.Select(r, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	d := tia.Draft(inv, r, k, flows, tia.Options{Date: day})
	var md, html bytes.Buffer
	if err := document.WriteMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := document.WriteHTML(&html, d); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "bank-transfers.md"), md.Bytes())
	golden.Check(t, filepath.Join("testdata", "bank-transfers.html"), html.Bytes())
}

func TestNeeds(t *testing.T) {
	for _, tc := range []struct {
		mech sovmap.Mechanism
		data []string
		want bool
	}{
		{sovmap.MechanismSCC, []string{"personal.health"}, true},
		{sovmap.MechanismBCR, []string{"confidential", "personal"}, true},
		{sovmap.MechanismSCC, []string{"confidential"}, false},
		{sovmap.MechanismAdequacy, []string{"personal"}, false},
		{sovmap.MechanismDerogation, []string{"personal"}, false},
		{sovmap.MechanismNone, []string{"personal"}, false},
		{sovmap.MechanismSCC, []string{"personalised"}, false},
	} {
		if got := tia.Needs(&sovmap.FlowResult{Mechanism: tc.mech, Data: tc.data}); got != tc.want {
			t.Errorf("Needs(%s, %v) = %v, want %v", tc.mech, tc.data, got, tc.want)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	_, r, _ := load(t, "bank-transfers")
	if _, err := tia.Select(r, []string{"nope"}, false); err == nil || !strings.Contains(err.Error(), "card-transactions-to-us") {
		t.Errorf("unknown flow: %v (want the flows it has)", err)
	}
}

// paragraphs lists every paragraph of a section and its subsections.
func paragraphs(s document.Section) []document.Paragraph {
	var out []document.Paragraph
	for _, b := range s.Blocks {
		switch b.Kind {
		case document.KindParagraph, document.KindNote:
			out = append(out, b.Para)
		case document.KindList:
			out = append(out, b.Items...)
		}
	}
	for _, sub := range s.Sections {
		out = append(out, paragraphs(sub)...)
	}
	return out
}

// TestSixStepsAndLabels: every transfer has the six steps in order, and
// every statement carries a basis, a fact or a question label.
func TestSixStepsAndLabels(t *testing.T) {
	inv, r, k := load(t, "bank-transfers")
	flows, _ := tia.Select(r, nil, true)
	d := tia.Draft(inv, r, k, flows, tia.Options{Date: day})
	labels := append(sovmap.Names(sovmap.Bases), tia.LabelFact, tia.LabelQuestion)
	parts := 0
	for _, s := range d.Sections {
		if !strings.HasPrefix(s.Title, "Transfer ") {
			continue
		}
		parts++
		if len(s.Sections) != 6 {
			t.Fatalf("%s: %d steps", s.Title, len(s.Sections))
		}
		for i, step := range s.Sections {
			if want := "Step " + string(rune('1'+i)) + ":"; !strings.HasPrefix(step.Title, want) {
				t.Errorf("%s: step %d is %q", s.Title, i+1, step.Title)
			}
			for _, p := range paragraphs(step) {
				if p.Label == "" && strings.HasPrefix(p.Text, "Re-evaluate earlier") {
					continue // the heading of the list of triggers
				}
				if !slices.Contains(labels, p.Label) {
					t.Errorf("%s / %s: statement without a basis: [%s] %s", s.Title, step.Title, p.Label, p.Text)
				}
			}
		}
	}
	if parts != 2 {
		t.Errorf("%d transfers drafted, want the example's 2 SCC flows", parts)
	}
	// 12 months after 2026-12-05, counted by hand.
	if !slices.Contains(d.Fields, document.Field{Name: "Re-evaluate by", Value: "2027-12-05"}) {
		t.Errorf("re-evaluation date: %v", d.Fields)
	}
}

// TestLawsThatReach: the draft names, for each destination, exactly the
// compelled-access laws of the knowledge base that reach it, found here
// from the law entries themselves: a law of the provider's controlling
// country that reaches through control, and laws of the countries where
// the data is or from where it is run that reach through location or
// operations.
func TestLawsThatReach(t *testing.T) {
	inv, r, k := load(t, "bank-transfers")
	flows, _ := tia.Select(r, nil, true)
	d := tia.Draft(inv, r, k, flows, tia.Options{Date: day})
	expect := map[string][]string{} // flow -> law names
	add := func(flow, country, via string) {
		for _, l := range k.Laws(kb.CompelledAccess) {
			if l.Jurisdiction == country && slices.Contains(l.Reach, via) && !slices.Contains(expect[flow], l.Name) {
				expect[flow] = append(expect[flow], l.Name)
			}
		}
	}
	// card-transactions-to-us: Fraudlens Inc. (US, no parent), aws:us-east-1 (US), run from US.
	add("card-transactions-to-us", "US", kb.ReachControl)
	add("card-transactions-to-us", "US", kb.ReachLocation)
	add("card-transactions-to-us", "US", kb.ReachOperations)
	// kyc-files-to-india: Exemple Services India (IN), located in IN, run from IN.
	add("kyc-files-to-india", "IN", kb.ReachControl)
	add("kyc-files-to-india", "IN", kb.ReachLocation)
	add("kyc-files-to-india", "IN", kb.ReachOperations)
	if len(expect["card-transactions-to-us"]) < 2 || len(expect["kyc-files-to-india"]) < 1 {
		t.Fatalf("the knowledge base lost the US or Indian laws: %v", expect)
	}
	all := map[string]bool{}
	for _, l := range k.Laws(kb.CompelledAccess) {
		all[l.Name] = true
	}
	for _, s := range d.Sections {
		for flow, laws := range expect {
			if !strings.Contains(s.Title, flow) {
				continue
			}
			var table [][]string
			for _, b := range s.Sections[2].Blocks {
				if b.Kind == document.KindTable {
					table = b.Rows
				}
			}
			var got []string
			for _, row := range table {
				got = append(got, row[0])
			}
			slices.Sort(got)
			want := slices.Clone(laws)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: laws %v, want %v", flow, got, want)
			}
		}
	}
}

// TestKeysDecideMitigation: the same SCC flow drafted with each key
// custody; only keys outside the provider are said to blunt the laws, and
// then the draft asks whether the data is decrypted at the destination.
func TestKeysDecideMitigation(t *testing.T) {
	for _, tc := range []struct {
		custody string
		blunted bool
	}{{"provider", false}, {"customer-managed", false}, {"customer-held", true}, {"domestic-hsm", true}} {
		inv, r, k := load(t, `version: 1
organization: {name: Org, home: DE}
providers: [{id: us-saas, name: US SaaS Inc., country: US}]
components:
  - {id: crm, layer: application, locations: [DE], data: [personal]}
  - {id: saas, layer: storage, provider: us-saas, locations: [US], operated_from: [US], data: [personal], key_custody: `+tc.custody+`}
flows:
  - {id: f, from: crm, to: saas, data: [personal], mechanism: scc}
`)
		flows, err := tia.Select(r, []string{"f"}, false)
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if err := document.WriteMarkdown(&md, tia.Draft(inv, r, k, flows, tia.Options{Date: day})); err != nil {
			t.Fatal(err)
		}
		out := md.String()
		blunted := strings.Contains(out, "the keys stay out of the importer's hands")
		notBlunted := strings.Contains(out, "no technical measure recorded keeps the importer from producing readable data")
		asksClear := strings.Contains(out, "Is the data decrypted at saas")
		if blunted != tc.blunted || notBlunted == tc.blunted || asksClear != tc.blunted {
			t.Errorf("%s: blunted %v, not blunted %v, asks about clear data %v; want blunted %v", tc.custody, blunted, notBlunted, asksClear, tc.blunted)
		}
		for _, q := range []string{"What are the purposes of transfer f", "pseudonymised", "effective redress does US give", "What is the practice in US"} {
			if !strings.Contains(out, q) {
				t.Errorf("%s: the draft does not ask %q", tc.custody, q)
			}
		}
	}
}

// TestNamedFlows: a flow of non-personal data is refused
// with the reason; one without an SCC is drafted, saying so in step 2.
func TestNamedFlows(t *testing.T) {
	inv, r, k := load(t, `version: 1
organization: {name: Org, home: FR}
providers: [{id: p, name: P Inc., country: US}]
components:
  - {id: a, layer: application, locations: [FR], data: [personal, confidential]}
  - {id: b, layer: storage, provider: p, locations: [US], operated_from: [US], data: [personal, confidential], key_custody: provider}
flows:
  - {id: docs, from: a, to: b, data: [confidential], mechanism: scc}
  - {id: people, from: a, to: b, data: [personal], mechanism: none}
`)
	if _, err := tia.Select(r, []string{"docs"}, false); err == nil || !strings.Contains(err.Error(), "no personal data") {
		t.Errorf("non-personal flow: %v", err)
	}
	flows, err := tia.Select(r, []string{"people"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	_ = document.WriteMarkdown(&md, tia.Draft(inv, r, k, flows, tia.Options{Date: day}))
	if !strings.Contains(md.String(), `names "none" as its mechanism`) {
		t.Errorf("step 2 does not say the flow names no SCC or BCR:\n%s", md.String())
	}
	if _, err := tia.Select(r, nil, true); err == nil {
		t.Error("--all found a flow that needs a TIA in an inventory without one")
	}
}

// TestUnknownFactsAreQuestions: an importer whose country, administration
// and key custody the inventory does not state gets questions, not
// guesses.
func TestUnknownFactsAreQuestions(t *testing.T) {
	inv, r, k := load(t, `version: 1
organization: {name: Org, home: DE}
providers: [{id: p, name: Somewhere Ltd}]
components:
  - {id: a, layer: application, locations: [DE], data: [personal]}
  - {id: b, layer: storage, provider: p, locations: [BR], data: [personal]}
flows:
  - {id: f, from: a, to: b, data: [personal], mechanism: bcr}
`)
	flows, err := tia.Select(r, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	d := tia.Draft(inv, r, k, flows, tia.Options{Date: day})
	var questions []string
	for _, s := range d.Sections {
		for _, p := range paragraphs(s) {
			if p.Label == tia.LabelQuestion {
				questions = append(questions, p.Text)
			}
		}
	}
	all := strings.Join(questions, "\n")
	for _, want := range []string{"In which country is the importer Somewhere Ltd established?", "From which countries is b administered", "Who holds the keys that protect the data at b?", "binding corporate rules"} {
		if !strings.Contains(all, want) {
			t.Errorf("no question %q among:\n%s", want, all)
		}
	}
}

// TestEEAIsNoThirdCountry: administration from another EEA state is no
// transfer under chapter V, so it is not assessed as one; from the US it
// is. Membership is read from the knowledge base's EEA bloc.
func TestEEAIsNoThirdCountry(t *testing.T) {
	inv, r, k := load(t, `version: 1
organization: {name: Org, home: FR}
providers: [{id: p, name: P SAS, country: FR}]
components:
  - {id: a, layer: application, locations: [FR], data: [personal]}
  - {id: b, layer: storage, provider: p, locations: [FR], operated_from: [IE, "NO", US], data: [personal], key_custody: provider}
flows:
  - {id: f, from: a, to: b, data: [personal], mechanism: scc}
`)
	eea, ok := k.Bloc("EEA")
	if !ok || !slices.Contains(eea.Members, "IE") || !slices.Contains(eea.Members, "NO") {
		t.Fatalf("the knowledge base's EEA bloc lacks IE or NO: %v", eea.Members)
	}
	flows, _ := tia.Select(r, nil, true)
	var md bytes.Buffer
	_ = document.WriteMarkdown(&md, tia.Draft(inv, r, k, flows, tia.Options{Date: day}))
	out := md.String()
	if !strings.Contains(out, "access from a third country (US)") {
		t.Errorf("administration from the US is not assessed as a transfer:\n%s", out)
	}
	for _, bad := range []string{"IE: the knowledge base records no adequacy", "NO: the knowledge base records no adequacy", "third country (IE", "NO, US)"} {
		if strings.Contains(out, bad) {
			t.Errorf("an EEA state is treated as a third country: %q", bad)
		}
	}
}
