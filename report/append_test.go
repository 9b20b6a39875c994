package report

import (
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sovmap/sovmap"
)

// TestAppendComponent holds the hand-written encoder to what the JSON
// library makes of the same fields, on results that exercise every branch:
// empty and full lists, omitted fields, and strings that need escaping.
func TestAppendComponent(t *testing.T) {
	cases := []sovmap.ComponentResult{
		{ID: "a", Layer: sovmap.LayerCompute, Sourcing: sovmap.SourceOpenMarket},
		{ID: "b\"\\\n<&>é\u2028", Layer: sovmap.LayerStorage, Provider: "p", Controller: "q", Level: 1, EffectiveLevel: 0,
			LimitedBy: "c", RequiredLevel: 3, Gap: 3, Sourcing: sovmap.SourceSovereignPartner,
			Binding: []sovmap.FactorName{sovmap.FactorControl, sovmap.FactorLegal}, Exposure: []string{"US", "CN"},
			Reasons: []sovmap.Requirement{
				{Level: 3, Category: sovmap.CategoryRegulatory, Source: "data:personal.health", Reason: "health \"data\"\t"},
				{Level: 0, Category: sovmap.CategorySecurity, Source: "data:public", Reason: ""},
			}},
		{ID: "c", Layer: sovmap.LayerModel, Binding: []sovmap.FactorName{}, Exposure: []string{}, Reasons: []sovmap.Requirement{}},
		{ID: "d", Layer: sovmap.LayerStorage, Reasons: []sovmap.Requirement{
			{Level: 0, Category: sovmap.CategoryRegulatory, Basis: sovmap.BasisLaw, Source: "law:x", Reason: "r", Citation: "§ 1 \"a\"",
				Contested: true, Condition: sovmap.ConditionUnmet, Checks: []sovmap.Check{
					{Part: "p1", Status: sovmap.ConditionMet, Why: "w\n1"}, {Part: "p2", Status: sovmap.ConditionUnmet, Why: ""}}},
			{Level: 2, Category: sovmap.CategorySecurity, Basis: sovmap.BasisDefault, Source: "data:personal", Reason: "d", Condition: sovmap.ConditionMet},
		}},
	}
	for _, c := range cases {
		want, err := json.Marshal(contractView(&c), json.Deterministic(true))
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendComponent(nil, &c)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("appendComponent:\n got %s\nwant %s", got, want)
		}
	}
}

// componentView, the test's oracle, is a component's result without the factor breakdown.
type componentView struct {
	ID             string               `json:"id"`
	Layer          sovmap.Layer         `json:"layer"`
	Provider       string               `json:"provider,omitempty"`
	Controller     string               `json:"controller,omitempty"`
	Level          sovmap.Level         `json:"level"`
	EffectiveLevel sovmap.Level         `json:"effective_level"`
	LimitedBy      string               `json:"limited_by,omitempty"`
	RequiredLevel  sovmap.Level         `json:"required_level"`
	Gap            int                  `json:"gap"`
	Sourcing       sovmap.Sourcing      `json:"sourcing"`
	Binding        []sovmap.FactorName  `json:"binding"`
	Exposure       []string             `json:"exposure"`
	Details        []sovmap.Exposure    `json:"exposure_details,omitempty"`
	Reasons        []sovmap.Requirement `json:"reasons"`
}

func contractView(c *sovmap.ComponentResult) *componentView {
	return &componentView{ID: c.ID, Layer: c.Layer, Provider: c.Provider, Controller: c.Controller, Level: c.Level,
		EffectiveLevel: c.EffectiveLevel, LimitedBy: c.LimitedBy, RequiredLevel: c.RequiredLevel, Gap: c.Gap,
		Sourcing: c.Sourcing, Binding: c.Binding, Exposure: c.Exposure, Details: c.ExposureDetails, Reasons: c.Reasons}
}

// FuzzAppendString holds the plain-ASCII shortcut to the library's quoting.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "c123", "aws:eu-central-1", "a\"b", "back\\slash", "tab\t", "é", "\u2028", "<&>", "\x7f", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := appendString([]byte("x"), s)
		want, wantErr := jsontext.AppendQuote([]byte("x"), s)
		if (gotErr != nil) != (wantErr != nil) || string(got) != string(want) {
			t.Fatalf("appendString(%q) = %q, %v; the library makes %q, %v", s, got, gotErr, want, wantErr)
		}
	})
}
