package policy

import "testing"

// TestDescribe: each sentence is written by hand from the expression.
func TestDescribe(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		{`"personal.health" in component.data`, `the component holds data of class "personal.health"`},
		{`component.layer == "model" && component.criticality != "low"`, `its layer is "model" and its criticality is not "low"`},
		{`component.controller_country == "US" || component.key_custody == "provider"`, `either the country of its ultimate controller is "US", or its key custody is "provider"`},
		{`!("public" in component.data)`, `not (the component holds data of class "public")`},
		{`component.locations.exists(l, l.startsWith("aws:"))`, `some l of its locations satisfies: l starts with "aws:"`},
		{`size(component.certifications) == 0`, `the number of its certifications is 0`},
		{`component.tags["tier"] == "gold"`, `its tag "tier" is "gold"`},
		{`has(component.tags.owner)`, `its tag owner is recorded`},
		{`component.id + "x" == "ax"`, "`component.id + \"x\"` is \"ax\""},
	} {
		got, err := Describe(c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.expr, got, c.want)
		}
	}
	if _, err := Describe(`component.layer ==`); err == nil {
		t.Error("no error for a broken expression")
	}
}

func FuzzDescribe(f *testing.F) {
	f.Add(`"personal" in component.data && component.layer == "model"`)
	f.Add(`component.locations.all(l, l != "US")`)
	f.Fuzz(func(t *testing.T, expr string) {
		_, _ = Describe(expr) // must not panic
	})
}
