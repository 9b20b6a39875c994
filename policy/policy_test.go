package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/policy"
)

func facts() *policy.Facts {
	return &policy.Facts{
		ID: "train", Name: "Training cluster", Layer: "compute", Provider: "aws-emea", Controller: "amazon",
		ControllerCountry: "US", Locations: []string{"aws:eu-central-1"}, Countries: []string{"DE"},
		OperatedFrom: []string{"IE", "US"}, Data: []string{"personal.health"}, Criticality: "high",
		KeyCustody: "customer-managed", Certifications: []string{"C5"}, Arrangement: "",
		Tags: map[string]string{"team": "ml"}, DependsOn: []string{"store"},
	}
}

func rule(id, when string) sovmap.Rule {
	return sovmap.Rule{ID: id, When: when, Require: 3, Category: sovmap.CategoryRegulatory}
}

// TestEveryFactIsReadable checks each field a rule can read, by its
// inventory name, and the string extension functions.
func TestEveryFactIsReadable(t *testing.T) {
	cases := []struct {
		when string
		want bool
	}{
		{"component.id == 'train'", true},
		{"component.name.startsWith('Training')", true},
		{"component.layer == 'compute'", true},
		{"component.provider == 'aws-emea'", true},
		{"component.controller == 'amazon'", true},
		{"component.controller_country == 'US'", true},
		{"'aws:eu-central-1' in component.locations", true},
		{"component.countries == ['DE']", true},
		{"component.operated_from.exists(c, c == 'US')", true},
		{"component.data.exists(d, d.startsWith('personal'))", true},
		{"component.criticality in ['vital', 'high']", true},
		{"component.key_custody == 'customer-held'", false},
		{"'C5' in component.certifications", true},
		{"component.arrangement == ''", true},
		{"component.tags['team'] == 'ml'", true},
		{"'team' in component.tags && !('owner' in component.tags)", true},
		{"size(component.depends_on) == 1", true},
		{"component.layer.upperAscii() == 'COMPUTE'", true},
		{"false", false},
	}
	for _, tc := range cases {
		rules, err := policy.Compile([]sovmap.Rule{rule("r", tc.when)})
		if err != nil {
			t.Errorf("%s: %v", tc.when, err)
			continue
		}
		got, err := rules[0].Applies(facts())
		if err != nil || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.when, got, err, tc.want)
		}
	}
}

func TestCompileNothing(t *testing.T) {
	rules, err := policy.Compile(nil)
	if rules != nil || err != nil {
		t.Errorf("Compile(nil) = %v, %v", rules, err)
	}
}

func TestCompileErrors(t *testing.T) {
	bad := []sovmap.Rule{
		rule("ok", "true"),
		{ID: "typo", When: "component.layr == 'x'", Pos: sovmap.Pos{File: "inv.yaml", Line: 4, Col: 5}},
		{ID: "number", When: "size(component.data)", Pos: sovmap.Pos{File: "inv.yaml", Line: 5, Col: 5}},
		{ID: "unpositioned", When: "component.id =="},
	}
	rules, err := policy.Compile(bad)
	if rules != nil {
		t.Errorf("compiled rules returned with errors: %v", rules)
	}
	var errs policy.Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("error %v, want policy.Errors with 3 rules", err)
	}
	want := []string{
		"inv.yaml:4:5: rule typo: when: undefined field 'layr'\n | component.layr == 'x'\n | .........^",
		"inv.yaml:5:5: rule number: when must be true or false, but \"size(component.data)\" gives int",
		"rule unpositioned: when: Syntax error: ",
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d:\n%s\nwant it to start with:\n%s", i, errs[i].Error(), w)
		}
		if errs[i].Rule.ID != bad[i+1].ID {
			t.Errorf("error %d is for rule %s", i, errs[i].Rule.ID)
		}
	}
	if got := err.Error(); !strings.HasPrefix(got, want[0]+"\n"+want[1]+"\n") {
		t.Errorf("joined message:\n%s", got)
	}
}

func TestMultiLineExpressionError(t *testing.T) {
	_, err := policy.Compile([]sovmap.Rule{{ID: "m", When: "component.layer == 'compute' &&\n  component.nope"}})
	if err == nil || !strings.Contains(err.Error(), "undefined field 'nope'\n |   component.nope\n | ...........^") {
		t.Errorf("error %v, want the second line of the expression with a caret", err)
	}
}

func TestEvaluationError(t *testing.T) {
	rules, err := policy.Compile([]sovmap.Rule{rule("by-owner", "component.tags['owner'] == 'x'")})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := rules[0].Applies(facts())
	if ok || err == nil || !strings.HasPrefix(err.Error(), "rule by-owner on train: ") || !strings.Contains(err.Error(), "owner") {
		t.Errorf("Applies = %v, %v; want false and an error naming the rule, the component and the key", ok, err)
	}
}
