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
		{"data: [personal.health]", 3, sovmap.SourceSovereignPartner, "3 regulatory data:personal.health"},
		// Hierarchical: the most specific default that is a prefix applies.
		{"data: [personal.health.pseudonymised]", 3, sovmap.SourceSovereignPartner, "3 regulatory data:personal.health"},
		{"data: [personal.genetic]", 3, sovmap.SourceSovereignPartner, "3 regulatory data:personal.genetic"},
		{"data: [personal.criminal]", 3, sovmap.SourceSovereignPartner, "3 regulatory data:personal.criminal"},
		{"data: [personal]", 2, sovmap.SourceTrustedPartner, "2 regulatory data:personal"},
		{"data: [personal.financial]", 2, sovmap.SourceTrustedPartner, "2 regulatory data:personal"},
		// A class that only starts like a default is not below it.
		{"data: [personalised-ads]", 0, sovmap.SourceOpenMarket, ""},
		{"data: [confidential]", 2, sovmap.SourceTrustedPartner, "2 security data:confidential"},
		{"data: [internal]", 1, sovmap.SourceOpenMarket, "1 security data:internal"},
		{"data: [public]", 0, sovmap.SourceOpenMarket, "0 security data:public"},
		{"data: [telemetry]", 0, sovmap.SourceOpenMarket, ""},
		{"", 0, sovmap.SourceOpenMarket, ""},
		{"criticality: vital", 3, sovmap.SourceSovereignPartner, "3 operational criticality:vital"},
		{"criticality: high", 2, sovmap.SourceTrustedPartner, "2 operational criticality:high"},
		{"criticality: medium", 1, sovmap.SourceOpenMarket, "1 operational criticality:medium"},
		{"criticality: low", 0, sovmap.SourceOpenMarket, "0 operational criticality:low"},
		// Every requirement is listed, strongest first; the strongest sets the level.
		{"data: [public, personal, classified], criticality: vital", 4, sovmap.SourceDomestic,
			"4 security data:classified; 3 operational criticality:vital; 2 regulatory data:personal; 0 security data:public"},
		// Two classes under one default give one reason.
		{"data: [personal.health.x, personal.health.y]", 3, sovmap.SourceSovereignPartner, "3 regulatory data:personal.health"},
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
			}
		})
	}
}

func TestLocalisationLaws(t *testing.T) {
	cases := []struct {
		name     string
		org      string
		data     string
		required sovmap.Level
		source   string // a law that must be among the reasons, or ""
		absent   string // a law that must not be
	}{
		{"Russian home, personal data", "{name: X, home: RU}", "[personal]", 3, "law:ru-242-fz", ""},
		{"Russian home, a class below personal", "{name: X, home: RU}", "[personal.health]", 3, "law:ru-242-fz", ""},
		{"Russian home, no personal data", "{name: X, home: RU}", "[confidential]", 2, "", "law:ru-242-fz"},
		{"German home, not a listed sector", "{name: X, home: DE}", "[personal.health]", 3, "", "law:de-sgb-v-393"},
		{"German home in the health sector", "{name: X, home: DE, sectors: [health]}", "[personal.health]", 3, "law:de-sgb-v-393", ""},
		{"a law of another country does not apply", "{name: X, home: DE, sectors: [health]}", "[personal]", 2, "", "law:ru-242-fz"},
		{"French home in government", "{name: X, home: FR, sectors: [government]}", "[confidential]", 3, "law:fr-doctrine-cloud-au-centre", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "version: 1\norganization: "+tc.org+"\ncomponents:\n  - {id: c, layer: storage, data: "+tc.data+"}\n", assess.Options{})
			c := component(t, r, "c")
			if c.RequiredLevel != tc.required {
				t.Errorf("required %d, want %d (%s)", c.RequiredLevel, tc.required, reasonList(c.Reasons))
			}
			sources := map[string]sovmap.Requirement{}
			for _, q := range c.Reasons {
				sources[q.Source] = q
			}
			if tc.source != "" {
				q, ok := sources[tc.source]
				if !ok {
					t.Fatalf("no %s among %s", tc.source, reasonList(c.Reasons))
				}
				if q.Category != sovmap.CategoryRegulatory || !strings.Contains(q.Reason, ": ") {
					t.Errorf("law requirement %+v: want regulatory, with the law's name and what it requires", q)
				}
			}
			if _, ok := sources[tc.absent]; tc.absent != "" && ok {
				t.Errorf("%s applies, but should not: %s", tc.absent, reasonList(c.Reasons))
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
  - {id: health-compute, when: "'personal.health' in component.data && component.layer == 'compute'", require: 4, category: regulatory, reason: Health training stays at home.}
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
		{"train", 4, "4 regulatory rule:health-compute; 3 regulatory data:personal.health"},
		// A rule below the defaults is listed but does not lower the level.
		{"store", 3, "3 regulatory data:personal.health; 1 security rule:registers"},
		{"api", 3, "3 operational criticality:vital; 2 security rule:us-controlled"},
	}
	for _, tc := range cases {
		c := component(t, r, tc.id)
		if c.RequiredLevel != tc.required || reasonList(c.Reasons) != tc.reasons {
			t.Errorf("%s: required %d, reasons %q; want %d, %q", tc.id, c.RequiredLevel, reasonList(c.Reasons), tc.required, tc.reasons)
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
