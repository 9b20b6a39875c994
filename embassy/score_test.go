package embassy

import (
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
)

func TestClausesOrderAndPriority(t *testing.T) {
	lib := defaultLib(t)
	top := topAnswers(t)
	a := sovmap.Arrangement{ID: "x", Host: "LU", Guest: "EE", Answers: with(top,
		"facility-tier", 3, // T3, not key: should
		"immunity", "partial", // T2, key: must
		"instrument-status", "ratified-host", // T3 but key: must
		"deletion", nil, // missing, T0: must, first
	)}
	sc, err := Score(lib, nil, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range sc.Clauses {
		got = append(got, string(c.Priority)+":"+c.Criterion)
	}
	want := []string{"must:deletion", "must:immunity", "must:instrument-status", "should:facility-tier"}
	if !slices.Equal(got, want) {
		t.Errorf("clauses = %v, want %v", got, want)
	}
	del := sc.Clauses[0]
	if del.Current != "unanswered" || del.CurrentTier != "T0" || del.Target != "yes" || !strings.Contains(del.Text, "erases or removes all storage media") {
		t.Errorf("deletion clause = %+v", del)
	}
	ft := sc.Clauses[3]
	if ft.Current != "3" || ft.Target != ">= 4 (tier)" || ft.Dimension != "technical" {
		t.Errorf("facility-tier clause = %+v", ft)
	}
	if sc.Qualifies {
		t.Error("an arrangement with must clauses qualifies")
	}
}

func TestScoreAtTheTopHasNoClauses(t *testing.T) {
	sc, err := Score(defaultLib(t), nil, sovmap.Arrangement{ID: "x", Answers: topAnswers(t)}, Options{Weights: "registers"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Clauses) != 0 || !sc.Qualifies || sc.Result.Score != 100 || sc.Result.WeightSet != "registers" {
		t.Errorf("scorecard = %+v", sc)
	}
}

// mustFacts is Facts without a knowledge base, failing the test on error.
func mustFacts(t *testing.T, a sovmap.Arrangement, inv *sovmap.Inventory) map[string]framework.Fact {
	t.Helper()
	facts, err := Facts(a, inv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return facts
}

func TestFactsFromTheInventory(t *testing.T) {
	inv := &sovmap.Inventory{Components: []sovmap.Component{
		{ID: "db", Data: []string{"personal"}, KeyCustody: sovmap.KeysDomesticHSM, Arrangement: "lux"},
		{ID: "cache", Data: []string{"internal"}, KeyCustody: sovmap.KeysCustomerManaged, Arrangement: "lux"},
		{ID: "dc", KeyCustody: sovmap.KeysProvider, Arrangement: "lux"}, // holds no data: ignored
		{ID: "other", Data: []string{"personal"}, KeyCustody: sovmap.KeysProvider, Arrangement: "elsewhere"},
	}}
	a := sovmap.Arrangement{ID: "lux", Instrument: "treaty"}
	facts := mustFacts(t, a, inv)
	if f := facts["arrangement.key_custody"]; f.Value != "customer-managed" || !strings.Contains(f.Detail, "component cache") {
		t.Errorf("key custody fact = %+v, want the weakest (cache, customer-managed)", f)
	}
	if f := facts["arrangement.instrument"]; f.Value != "treaty" {
		t.Errorf("instrument fact = %+v", f)
	}
	inv.Components[1].KeyCustody = ""
	if _, ok := mustFacts(t, a, inv)["arrangement.key_custody"]; ok {
		t.Error("an unstated key custody still produced a fact")
	}
	if _, ok := mustFacts(t, sovmap.Arrangement{ID: "lux", Instrument: "handshake"}, nil)["arrangement.instrument"]; ok {
		t.Error("an instrument off the ladder produced a fact")
	}
}

func TestQualifierForUsesComponentKeys(t *testing.T) {
	top := topAnswers(t)
	a := sovmap.Arrangement{ID: "lux", Answers: with(top, "key-custody", nil)}
	hosted := func(k sovmap.KeyCustody) *sovmap.Inventory {
		return &sovmap.Inventory{Components: []sovmap.Component{{ID: "db", Data: []string{"personal"}, KeyCustody: k, Arrangement: "lux"}}}
	}
	if ok, why := Qualifies(a); ok || !strings.Contains(why, "key-custody is unanswered") {
		t.Errorf("without the inventory: %v, %s", ok, why)
	}
	if ok, why := QualifierFor(hosted(sovmap.KeysCustomerHeld), Options{})(a); !ok {
		t.Errorf("customer-held component keys: %s", why)
	}
	claimed := sovmap.Arrangement{ID: "lux", Answers: top} // claims guest-held keys
	if ok, why := QualifierFor(hosted(sovmap.KeysProvider), Options{})(claimed); ok || !strings.Contains(why, `key-custody is "provider"`) {
		t.Errorf("provider-held component keys must override the claim: %v, %s", ok, why)
	}
}

func TestCompareErrors(t *testing.T) {
	lib := defaultLib(t)
	top := topAnswers(t)
	inv := &sovmap.Inventory{Arrangements: []sovmap.Arrangement{
		{ID: "a", Answers: top},
		{ID: "b", Answers: with(top, "immunity", "partial")},
		{ID: "bad", Answers: with(top, "immunity", "total"), Pos: sovmap.Pos{File: "inv.yaml", Line: 9, Col: 5}},
	}}
	tests := []struct {
		ids  []string
		want string
	}{
		{nil, "name at least one arrangement"},
		{[]string{"a", "a"}, "arrangement a named twice"},
		{[]string{"a", "zz"}, `no arrangement "zz" in the inventory (have a, b, bad)`},
		{[]string{"a", "bad"}, `inv.yaml:9:5: arrangement bad: framework digital-embassy: criterion immunity: answer "total" is not on its ladder`},
	}
	for _, tt := range tests {
		if _, err := Compare(lib, inv, tt.ids, Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compare(%v): err = %v, want %q", tt.ids, err, tt.want)
		}
	}
	if _, err := Find(&sovmap.Inventory{}, "a"); err == nil || !strings.Contains(err.Error(), "no arrangements") {
		t.Errorf("Find in an empty inventory: %v", err)
	}
	c, err := Compare(lib, inv, []string{"b", "a"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Ranking, []string{"a", "b"}) {
		t.Errorf("ranking = %v, want the qualifying a first", c.Ranking)
	}
	legal := c.Dimensions[1]
	if legal.ID != "legal" || !slices.Equal(legal.Best, []string{"a"}) || legal.Cells[0].LevelName != "T2" {
		t.Errorf("legal row = %+v", legal)
	}
	if len(c.Views) != 1 || len(c.Views[0].Dimensions) != 4 {
		t.Errorf("views = %+v", c.Views)
	}
}

func TestHTMLEscapesInventoryText(t *testing.T) {
	top := topAnswers(t)
	a := sovmap.Arrangement{ID: "x<script>", Name: `"><img src=x>`, Host: "LU", Guest: "EE",
		Answers: top, Evidence: map[string]string{"immunity": "<b>bold</b> & more"}}
	sc, err := Score(defaultLib(t), nil, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteScorecardHTML(&b, sc); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "<img src=x>", "<b>bold</b>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	if !strings.Contains(out, "x&lt;script&gt;") || !strings.Contains(out, "&lt;b&gt;bold&lt;/b&gt; &amp; more") {
		t.Error("escaped text missing from the page")
	}
}
