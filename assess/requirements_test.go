package assess_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/policy"
)

// reasonList writes requirements as "level category source" lines, in order.
func reasonList(rs []sovmap.Requirement) string {
	var lines []string
	for _, r := range rs {
		lines = append(lines, string(rune('0'+r.Level))+" "+string(r.Category)+" "+r.Source)
	}
	return strings.Join(lines, "; ")
}

func TestDataClassAndCriticalityDefaults(t *testing.T) {
	cases := []struct {
		fields   string // extra fields of the component
		required sovmap.Level
		sourcing sovmap.Sourcing
		reasons  string
	}{
		{"data: [classified]", 4, sovmap.SourceDomestic, "4 security data:classified"},
		{"data: [personal.health]", 3, sovmap.SourceSovereignPartner, "3 security data:personal.health"},
		// Hierarchical: the most specific default that is a prefix applies.
		{"data: [personal.health.pseudonymised]", 3, sovmap.SourceSovereignPartner, "3 security data:personal.health"},
		{"data: [personal.genetic]", 3, sovmap.SourceSovereignPartner, "3 security data:personal.genetic"},
		{"data: [personal.criminal]", 3, sovmap.SourceSovereignPartner, "3 security data:personal.criminal"},
		{"data: [personal]", 2, sovmap.SourceTrustedPartner, "2 security data:personal"},
		{"data: [personal.financial]", 2, sovmap.SourceTrustedPartner, "2 security data:personal"},
		{"data: [confidential]", 2, sovmap.SourceTrustedPartner, "2 security data:confidential"},
		{"data: [internal]", 1, sovmap.SourceOpenMarket, "1 security data:internal"},
		{"data: [public]", 0, sovmap.SourceOpenMarket, "0 security data:public"},
		{"", 0, sovmap.SourceOpenMarket, ""},
		{"criticality: vital", 3, sovmap.SourceSovereignPartner, "3 operational criticality:vital"},
		{"criticality: high", 2, sovmap.SourceTrustedPartner, "2 operational criticality:high"},
		{"criticality: medium", 1, sovmap.SourceOpenMarket, "1 operational criticality:medium"},
		{"criticality: low", 0, sovmap.SourceOpenMarket, "0 operational criticality:low"},
		// Every requirement is listed, strongest first; the strongest sets the level.
		{"data: [public, personal, classified], criticality: vital", 4, sovmap.SourceDomestic,
			"4 security data:classified; 3 operational criticality:vital; 2 security data:personal; 0 security data:public"},
		// Two classes under one default give one reason.
		{"data: [personal.health.x, personal.health.y]", 3, sovmap.SourceSovereignPartner, "3 security data:personal.health"},
	}
	for _, tc := range cases {
		t.Run(tc.fields, func(t *testing.T) {
			fields := ""
			if tc.fields != "" {
				fields = ", " + tc.fields
			}
			r := run(t, org+"components:\n  - {id: c, layer: storage, locations: [DE]"+fields+"}\n", assess.Options{})
			c := component(t, r, "c")
			if c.RequiredLevel != tc.required || c.Sourcing != tc.sourcing {
				t.Errorf("required %d sourcing %s, want %d %s", c.RequiredLevel, c.Sourcing, tc.required, tc.sourcing)
			}
			if got := reasonList(c.Reasons); got != tc.reasons {
				t.Errorf("reasons %q, want %q", got, tc.reasons)
			}
			if c.Reasons == nil {
				t.Error("reasons is nil, want a list (JSON [])")
			}
			for _, q := range c.Reasons {
				if !q.Category.Valid() || q.Reason == "" {
					t.Errorf("requirement %+v has no valid category or no reason", q)
				}
				// The defaults are sovmap's opinion: never law, never
				// regulatory (docs/inventory.md's default levels rest on no law).
				if q.Basis != sovmap.BasisDefault || q.Category == sovmap.CategoryRegulatory {
					t.Errorf("default requirement %s has basis %q, category %s; want basis default, not regulatory", q.Source, q.Basis, q.Category)
				}
			}
		})
	}
}

// TestLocalisationLaws judges laws by their own conditions, each case
// reasoned from the text cited beside it: a component that meets the
// condition has no gap under the law whatever its level; one that does not
// is told which part fails; a missing fact leaves the condition open.
func TestLocalisationLaws(t *testing.T) {
	providers := `providers:
  - {id: de-cloud, country: DE}
  - {id: fr-cloud, country: FR}
  - {id: us-cloud, country: US}
  - {id: at-cloud, country: AT, parent: de-cloud}
`
	cases := []struct {
		name      string
		org       string
		component string // the fields of component c
		law       string // the law that must be among the reasons, or ""
		condition sovmap.ConditionStatus
		failing   string // a word of the part that fails or is open
		absent    string // a law that must not apply
	}{
		// Federal Law 152-FZ art. 18(5): databases of personal data of
		// Russian citizens located in Russia.
		// As amended by 23-FZ, art. 18(5) asks for the primary database in
		// Russia; a copy abroad is a transfer: whether this is the primary
		// database is the question.
		{"Russian home, personal data abroad", "{name: X, home: RU}", "data: [personal], locations: [DE]", "law:ru-242-fz", sovmap.ConditionUnmet, "located", ""},
		{"Russian home, personal data at home", "{name: X, home: RU}", "data: [personal.health], locations: [RU]", "law:ru-242-fz", sovmap.ConditionMet, "", ""},
		{"Russian home, no personal data", "{name: X, home: RU}", "data: [confidential], locations: [DE]", "", "", "", "law:ru-242-fz"},
		// SGB V § 393 binds providers of health care in the statutory
		// system, and only cloud computing services.
		{"German home, not a listed sector", "{name: X, home: DE}", "data: [personal.health], provider: de-cloud, locations: [DE]", "", "", "", "law:de-sgb-v-393"},
		{"German health, run in house", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], locations: [DE]", "", "", "", "law:de-sgb-v-393"},
		// § 393 (2)-(4): EU/EEA/CH or adequacy, a German establishment for
		// processing abroad, a current C5 Type 2 attestation.
		{"German health, C5 Type 2 in Germany", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: de-cloud, locations: [DE], certifications: [C5 Type 2]", "law:de-sgb-v-393", sovmap.ConditionMet, "", ""},
		{"German health, C5 of unstated type", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: de-cloud, locations: [DE], certifications: [C5]", "law:de-sgb-v-393", sovmap.ConditionOpen, "C5", ""},
		{"German health, US region, no C5", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: us-cloud, locations: [US]", "law:de-sgb-v-393", sovmap.ConditionUnmet, "located", ""},
		{"German health in Austria: establishment open", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: us-cloud, locations: [AT], certifications: [C5 Type 2]", "law:de-sgb-v-393", sovmap.ConditionOpen, "established", ""},
		// § 393 (4): a Type 1 report counted only until 30 June 2025.
		{"German health, C5 Type 1 only", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: de-cloud, locations: [DE], certifications: [C5 Type 1]", "law:de-sgb-v-393", sovmap.ConditionUnmet, "no longer accepted", ""},
		// § 393 (2): the processing body itself has an establishment in
		// Germany; a German parent is not the processor's establishment.
		{"German health in Austria, German provider", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: de-cloud, locations: [AT], certifications: [C5 Type 2]", "law:de-sgb-v-393", sovmap.ConditionMet, "", ""},
		{"German health in Austria, Austrian provider with a German parent", "{name: X, home: DE, sectors: [health]}", "data: [personal.health], provider: at-cloud, locations: [AT], certifications: [C5 Type 2]", "law:de-sgb-v-393", sovmap.ConditionOpen, "its group has an entity in DE", ""},
		// Sector ids match exactly: a private insurer is not a statutory
		// health insurer.
		{"German private insurer", "{name: X, home: DE, sectors: [insurance]}", "data: [personal.health], provider: us-cloud, locations: [US]", "", "", "", "law:de-sgb-v-393"},
		{"a law of another country does not apply", "{name: X, home: DE, sectors: [health]}", "data: [personal], locations: [DE]", "", "", "", "law:ru-242-fz"},
		// Circular 6282-SG and SREN art. 31: SecNumCloud-qualified, in the EU.
		{"French State, SecNumCloud in France", "{name: X, home: FR, sectors: [government]}", "data: [confidential], provider: fr-cloud, locations: [FR], operated_from: [FR], certifications: [SecNumCloud]", "law:fr-doctrine-cloud-au-centre", sovmap.ConditionMet, "", ""},
		{"French State, no qualification", "{name: X, home: FR, sectors: [government]}", "data: [confidential], provider: fr-cloud, locations: [FR], operated_from: [FR]", "law:fr-doctrine-cloud-au-centre", sovmap.ConditionUnmet, "SecNumCloud", ""},
		{"French State, qualification claimed in the US", "{name: X, home: FR, sectors: [government]}", "data: [confidential], provider: fr-cloud, locations: [US], operated_from: [FR], certifications: [SecNumCloud]", "law:fr-doctrine-cloud-au-centre", sovmap.ConditionUnmet, "SecNumCloud", ""},
		// CSP art. L.1111-8 and HDS v2: a certified host, storage in the EEA.
		{"French hospital, HDS host in Germany", "{name: X, home: FR, sectors: [health]}", "data: [personal.health], provider: de-cloud, locations: [DE], certifications: [HDS], key_custody: customer-held", "law:fr-hds", sovmap.ConditionMet, "", ""},
		{"French hospital, HDS host in the US", "{name: X, home: FR, sectors: [health]}", "data: [personal.health], provider: us-cloud, locations: [US], certifications: [HDS]", "law:fr-hds", sovmap.ConditionUnmet, "located", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "version: 1\norganization: "+tc.org+"\n"+providers+"components:\n  - {id: c, layer: storage, "+tc.component+"}\n", assess.Options{})
			c := component(t, r, "c")
			sources := map[string]sovmap.Requirement{}
			for _, q := range c.Reasons {
				sources[q.Source] = q
			}
			if _, ok := sources[tc.absent]; tc.absent != "" && ok {
				t.Errorf("%s applies, but should not: %s", tc.absent, reasonList(c.Reasons))
			}
			if tc.law == "" {
				return
			}
			q, ok := sources[tc.law]
			if !ok {
				t.Fatalf("no %s among %s", tc.law, reasonList(c.Reasons))
			}
			if q.Category != sovmap.CategoryRegulatory || q.Basis != sovmap.BasisLaw || q.Citation == "" || !strings.Contains(q.Reason, ": ") {
				t.Errorf("law requirement %+v: want regulatory, basis law, a citation, the law's name and what it requires", q)
			}
			if q.Condition != tc.condition {
				t.Errorf("condition %s, want %s; checks %+v", q.Condition, tc.condition, q.Checks)
			}
			if tc.failing != "" {
				found := false
				for _, ch := range q.Checks {
					found = found || ch.Status != sovmap.ConditionMet && strings.Contains(ch.Part+" "+ch.Why, tc.failing)
				}
				if !found {
					t.Errorf("no failing or open check mentions %q: %+v", tc.failing, q.Checks)
				}
			}
			// A met condition sets no level; the defaults still do.
			if q.Condition == sovmap.ConditionMet && c.RequiredLevel > 0 && c.Reasons[0].Source == tc.law {
				t.Errorf("a met law sets the required level: %s", reasonList(c.Reasons))
			}
		})
	}
}

func TestRules(t *testing.T) {
	src := org + `providers:
  - {id: p, country: DE, parent: q}
  - {id: q, country: US}
components:
  - {id: train, layer: compute, data: [personal.health], locations: [DE]}
  - {id: store, layer: storage, data: [personal.health], locations: [DE], tags: {team: registers}}
  - {id: api, layer: application, provider: p, locations: ["aws:us-east-1"], criticality: vital}
rules:
  - {id: health-compute, when: "'personal.health' in component.data && component.layer == 'compute'", require: 4, category: security, reason: Health training stays at home.}
  - {id: registers, when: "'team' in component.tags && component.tags['team'] == 'registers'", require: 1, category: security}
  - {id: us-controlled, when: "component.controller_country == 'US' && component.countries.exists(c, c == 'US')", require: 2, category: security, reason: US-controlled services in the US.}
  - {id: never, when: "false", require: 4, category: security}
`
	r := run(t, src, assess.Options{})
	cases := []struct {
		id       string
		required sovmap.Level
		reasons  string
	}{
		{"train", 4, "4 security rule:health-compute; 3 security data:personal.health"},
		// A rule below the defaults is listed but does not lower the level.
		{"store", 3, "3 security data:personal.health; 1 security rule:registers"},
		{"api", 3, "3 operational criticality:vital; 2 security rule:us-controlled"},
	}
	for _, tc := range cases {
		c := component(t, r, tc.id)
		if c.RequiredLevel != tc.required || reasonList(c.Reasons) != tc.reasons {
			t.Errorf("%s: required %d, reasons %q; want %d, %q", tc.id, c.RequiredLevel, reasonList(c.Reasons), tc.required, tc.reasons)
		}
	}
	for _, q := range component(t, r, "train").Reasons {
		if q.Source == "rule:health-compute" && q.Basis != sovmap.BasisPolicy {
			t.Errorf("a rule that names no basis is the organization's policy, got %q", q.Basis)
		}
	}
	for _, q := range component(t, r, "store").Reasons {
		if q.Source == "rule:registers" && q.Reason != "organization rule: 'team' in component.tags && component.tags['team'] == 'registers'" {
			t.Errorf("a rule without a reason is explained by its expression, got %q", q.Reason)
		}
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes %q, want none", r.Notes)
	}
}

func TestRuleEvaluationErrorIsANote(t *testing.T) {
	r := run(t, org+`components:
  - {id: a, layer: storage, locations: [DE], tags: {team: x}}
  - {id: b, layer: storage, locations: [DE]}
  - {id: c, layer: storage, locations: [DE]}
rules:
  - {id: by-team, when: "component.tags['team'] == 'x'", require: 2, category: security}
`, assess.Options{})
	if got := component(t, r, "a").RequiredLevel; got != 2 {
		t.Errorf("a: required %d, want 2", got)
	}
	if got := component(t, r, "b").RequiredLevel; got != 0 {
		t.Errorf("b: required %d, want 0 (the rule does not apply where it fails)", got)
	}
	want := []string{"rule by-team could not be evaluated on 2 components (treated as not applying)"}
	if strings.Join(r.Notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q, want %q", r.Notes, want)
	}
}

func TestRuleCompileErrors(t *testing.T) {
	src := org + `components:
  - {id: a, layer: storage}
rules:
  - {id: ok, when: "true", require: 1, category: security}
  - {id: typo, when: "component.layr == 'compute'", require: 2, category: security}
  - {id: not-bool, when: "component.id", require: 2, category: security}
  - {id: syntax, when: "component.id ==", require: 2, category: security}
`
	inv := parse(t, src)
	_, err := assess.Assess(context.Background(), inv, knowledge(t), assess.Options{})
	if err == nil {
		t.Fatal("rules that do not compile gave no error")
	}
	var errs policy.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T, want policy.Errors", err)
	}
	lines := strings.Split(err.Error(), "\n")
	// Each wrong rule is reported at its position in the file.
	wants := []struct{ prefix, part string }{
		{"inv.yaml:7:5: rule typo: when: undefined field 'layr'\n | component.layr == 'compute'\n | .........^", ""},
		{"inv.yaml:8:5: rule not-bool: when must be true or false, but \"component.id\" gives string", ""},
		{"inv.yaml:9:5: rule syntax: when: Syntax error: mismatched input", "component.id ==\n | ...............^"},
	}
	if len(lines) < len(wants) || len(errs) != len(wants) {
		t.Fatalf("%d errors, want %d:\n%v", len(errs), len(wants), err)
	}
	for i, w := range wants {
		if !strings.HasPrefix(errs[i].Error(), w.prefix) || !strings.Contains(errs[i].Error(), w.part) {
			t.Errorf("error %d = %q, want %q... containing %q", i, errs[i].Error(), w.prefix, w.part)
		}
	}
}

func TestReplacedDefaults(t *testing.T) {
	defaults := &assess.Defaults{
		Data:        []assess.Default{{Key: "personal", Level: 4, Category: sovmap.CategorySecurity, Reason: "all personal data at home"}},
		Criticality: []assess.Default{{Key: "low", Level: 1, Category: sovmap.CategoryOperational, Reason: "even low matters"}},
	}
	r := run(t, org+`components:
  - {id: a, layer: storage, data: [personal.health], criticality: low}
  - {id: b, layer: storage, data: [classified], criticality: vital}
`, assess.Options{Defaults: defaults})
	if c := component(t, r, "a"); c.RequiredLevel != 4 || reasonList(c.Reasons) != "4 security data:personal; 1 operational criticality:low" {
		t.Errorf("a: %d %q", c.RequiredLevel, reasonList(c.Reasons))
	}
	// Classes and criticalities the replacement leaves out require nothing.
	if c := component(t, r, "b"); c.RequiredLevel != 0 || len(c.Reasons) != 0 {
		t.Errorf("b: %d %q", c.RequiredLevel, reasonList(c.Reasons))
	}
	if d := assess.DefaultRequirements(); len(d.Data) == 0 || len(d.Criticality) != 4 {
		t.Errorf("default requirements: %+v", d)
	}
}

// TestNothingRequiredIsANote: an inventory that says nothing about what its
// components hold or how critical they are (as an import gives) cannot show
// a gap, and the report says why rather than reading as all clear; one
// requirement anywhere is enough to drop the note.
func TestNothingRequiredIsANote(t *testing.T) {
	bare := org + `components:
  - {id: a, layer: storage, locations: [US]}
  - {id: b, layer: compute, locations: [US]}
`
	r := run(t, bare, assess.Options{})
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "no component requires a level") {
		t.Errorf("notes %q, want the nothing-required note", r.Notes)
	}
	r = run(t, bare+"  - {id: c, layer: storage, locations: [DE], data: [personal]}\n", assess.Options{})
	for _, n := range r.Notes {
		if strings.Contains(n, "no component requires a level") {
			t.Errorf("a component requires a level, yet the note is there: %q", n)
		}
	}
}
