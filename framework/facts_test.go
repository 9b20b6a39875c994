package framework

import (
	"strings"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

func share(x float64) *float64 { return &x }

func TestProviderFacts(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := &sovmap.Inventory{
		Providers: []sovmap.Provider{
			{ID: "eu-cloud", Country: "FR", ForeignOwnership: share(10)},
			{ID: "eu-sub", Country: "DE", Parent: "us-parent", ForeignOwnership: share(100)},
			{ID: "us-parent", Country: "US"},
			{ID: "kb-child", Country: "LU", Parent: "amazon"}, // parent from the knowledge base
			{ID: "lost", Country: "FR", Parent: "nowhere"},
			{ID: "stateless"},
			{ID: "loop-a", Country: "FR", Parent: "loop-b"},
			{ID: "loop-b", Country: "FR", Parent: "loop-a"},
			{ID: "mid-share", Country: "FR", ForeignOwnership: share(30)},
		},
		Components: []sovmap.Component{
			{ID: "eu-db", Provider: "eu-cloud", OperatedFrom: []string{"FR", "DE"}, Data: []string{"personal"}, KeyCustody: sovmap.KeysProvider},
			{ID: "sub-db", Provider: "eu-sub", OperatedFrom: []string{"DE"}, Data: []string{"personal"}, KeyCustody: sovmap.KeysCustomerManaged},
			{ID: "kb-db", Provider: "kb-child", OperatedFrom: []string{"IE", "US"}},
			{ID: "mid-db", Provider: "mid-share", Data: []string{"personal"}, KeyCustody: sovmap.KeysCustomerHeld},
		},
	}
	tests := []struct {
		provider string
		want     map[string]any // fact -> value; nil value: the fact must be absent
		detail   map[string]string
	}{
		{"eu-cloud", map[string]any{FactSeatEU: "yes", FactEUControl: "yes", FactForeignOwnershipTotal: 10.0, FactForeignOwnershipSingle: 10.0, FactNoNonEUAccess: "yes"},
			map[string]string{FactEUControl: "control chain all in the EU: eu-cloud (FR)", FactNoNonEUAccess: "the 1 component of eu-cloud is operated from the EU"}},
		{"eu-sub", map[string]any{FactSeatEU: "yes", FactEUControl: "no", FactForeignOwnershipTotal: 100.0, FactForeignOwnershipSingle: nil, FactNoNonEUAccess: "no"},
			map[string]string{FactEUControl: "us-parent is registered in US, outside the EU (chain eu-sub (DE) -> us-parent (US))", FactNoNonEUAccess: "keys of sub-db are not held by the customer"}},
		{"kb-child", map[string]any{FactSeatEU: "yes", FactEUControl: "no", FactForeignOwnershipTotal: nil, FactNoNonEUAccess: "no"},
			map[string]string{FactEUControl: "knowledge base: amazon is registered in US", FactNoNonEUAccess: "component kb-db is operated from US"}},
		{"lost", map[string]any{FactSeatEU: "yes", FactEUControl: nil}, nil},
		{"stateless", map[string]any{FactSeatEU: nil, FactEUControl: nil, FactNoNonEUAccess: nil}, nil},
		// Operated-from unknown: no access fact either way.
		{"mid-share", map[string]any{FactForeignOwnershipTotal: 30.0, FactForeignOwnershipSingle: nil, FactNoNonEUAccess: nil}, nil},
		{"ovhcloud", map[string]any{FactSeatEU: "yes", FactEUControl: "yes", FactNoNonEUAccess: nil},
			map[string]string{FactSeatEU: "knowledge base: provider ovhcloud is registered in FR"}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			facts, err := ProviderFacts(inv, k, tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				got, ok := facts[name]
				if want == nil {
					if ok {
						t.Errorf("%s = %v, want no fact", name, got.Value)
					}
					continue
				}
				if !ok || got.Value != want {
					t.Errorf("%s = %v (present %v), want %v", name, got.Value, ok, want)
				}
			}
			for name, want := range tt.detail {
				if !strings.Contains(facts[name].Detail, want) {
					t.Errorf("%s detail = %q, want it to contain %q", name, facts[name].Detail, want)
				}
			}
		})
	}
	if _, err := ProviderFacts(inv, k, "loop-a"); err == nil || !strings.Contains(err.Error(), "parent chain loops") {
		t.Errorf("loop: err = %v", err)
	}
	if _, err := ProviderFacts(inv, k, "ghost"); err == nil || !strings.Contains(err.Error(), `unknown provider "ghost"`) {
		t.Errorf("unknown provider: err = %v", err)
	}
}

// TestSecNumCloudFromFacts scores §19.6 from inventory facts alone: a
// US-controlled EU subsidiary fails on control however it answers.
func TestSecNumCloudFromFacts(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := lib.Get("secnumcloud")
	inv := &sovmap.Inventory{Providers: []sovmap.Provider{{ID: "sub", Country: "IE", Parent: "microsoft"}}}
	facts, err := ProviderFacts(inv, k, "sub")
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Evaluate(Input{Facts: facts, Answers: map[string]any{"snc-eu-control": "yes", "snc-no-veto": "yes", "snc-operating-autonomy": "yes", "snc-change-notice": "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.Criterion("snc-eu-control")
	if c.From != FromFact || c.Answer != "no" || res.LevelName != "not-met" {
		t.Errorf("snc-eu-control = %+v, level %s", c, res.LevelName)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "snc-eu-control") {
		t.Errorf("notes = %q, want the overridden answer noted", res.Notes)
	}
	if s, _ := res.Criterion("snc-seat-eu"); s.From != FromFact || !s.AtTop {
		t.Errorf("snc-seat-eu = %+v, want met from the inventory (IE)", s)
	}
}

// TestArrangementAcceleratorFacts checks the capacity ceiling against the
// published rules, worked by hand for each host and day (not read from the
// knowledge base): the answer a US vendor's accelerators hosted there allow,
// and the citation the fact must give.
//
//   - 88 FR 73458 (October 2023, in force 17 November 2023): 3A090/4A090
//     items need a licence for Country Groups D:1 and D:4 (the UAE), with a
//     presumption of denial for D:5 and Macau (China).
//   - 90 FR 4544 (the AI diffusion rule, 13 January 2025): Tier 1 (France,
//     Germany) without licence, Tier 2 (everyone else, Luxembourg and
//     Portugal included) within country caps; rescinded by BIS on 13 May
//     2025, so from then on Luxembourg is under no rule again.
//   - Cambodia left D:5 on 3 February 2026 but stays in D:1: a licence.
//
// sovmap reads a licence or a cap as "partial", a presumption of denial as
// "no", no rule as "yes" (docs/frameworks.md).
func TestArrangementAcceleratorFacts(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, day string
		want      string   // the ceiling; "" for no fact value
		cites     []string // the fact's detail must contain each
	}{
		{"AE", "2026-12-05", "partial", []string{"88 FR 73458", "licence required, reviewed case by case", "contested"}},
		{"AE", "2023-06-01", "yes", []string{"records no export control of US"}}, // before the October 2023 rule
		{"CN", "2026-12-05", "no", []string{"presumption of denial", "88 FR 73458", "also in force, for some items: us-h200-2026-china"}},
		{"CN", "2023-01-01", "no", []string{"87 FR 62186"}},
		{"LU", "2025-03-01", "partial", []string{"90 FR 4544", "Tier 2", "within country quotas"}},
		{"PT", "2025-05-12", "partial", []string{"Tier 2"}}, // the last day before the rescission
		{"LU", "2025-05-13", "yes", []string{"records no export control of US", "no longer in force: us-ai-diffusion-tier2", "contested in form"}},
		{"LU", "2024-06-01", "yes", []string{"records no export control of US"}},
		{"FR", "2025-03-01", "yes", []string{"Tier 1", "no licence required"}},
		{"KH", "2026-01-20", "no", []string{"D:5"}},
		{"KH", "2026-03-01", "partial", []string{"D:1", "licence required"}},
	}
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	de, _ := lib.Get("digital-embassy")
	for _, tt := range tests {
		t.Run(tt.host+"@"+tt.day, func(t *testing.T) {
			at, err := time.Parse(time.DateOnly, tt.day)
			if err != nil {
				t.Fatal(err)
			}
			// The accelerators are reached through the hosted compute.
			inv := &sovmap.Inventory{Components: []sovmap.Component{
				{ID: "train", Layer: sovmap.LayerCompute, Arrangement: "emb", DependsOn: []sovmap.Dependency{{ID: "gpus"}}},
				{ID: "gpus", Layer: sovmap.LayerHardware, Provider: "nvidia"},
			}}
			facts, err := ArrangementFacts(inv, k, sovmap.Arrangement{ID: "emb", Host: tt.host}, at)
			if err != nil {
				t.Fatal(err)
			}
			f := facts[FactAcceleratorSupply]
			if f.Value != tt.want || !f.Cap || f.Question != "" {
				t.Fatalf("fact = %+v, want a ceiling at %s and no question", f, tt.want)
			}
			for _, c := range append(tt.cites, "gpus from nvidia (controlled from US)", "sovmap's reading") {
				if !strings.Contains(f.Detail, c) {
					t.Errorf("detail %q lacks %q", f.Detail, c)
				}
			}
			// Through the framework: a "yes" is cut to the ceiling with a
			// note, a lower answer stands, an unanswered one shows it.
			res, err := de.Evaluate(Input{Answers: map[string]any{"capacity": "yes"}, Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			c, _ := res.Criterion("capacity")
			capped := tt.want != "yes"
			if c.Answer != tt.want || (c.From == FromFact) != capped || (len(res.Notes) == 1) != capped {
				t.Errorf("capacity = %s from %s, notes %q; want %s", c.Answer, c.From, res.Notes, tt.want)
			}
			res, err = de.Evaluate(Input{Answers: map[string]any{"capacity": "no"}, Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := res.Criterion("capacity"); c.Answer != "no" || c.From != FromAnswer || !strings.Contains(c.Evidence, "inventory allows at most "+tt.want) {
				t.Errorf("capacity = %+v, want the lower answer kept with the ceiling shown", c)
			}
			res, err = de.Evaluate(Input{Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := res.Criterion("capacity"); c.From != FromMissing || !strings.Contains(c.Evidence, "inventory allows at most "+tt.want) {
				t.Errorf("unanswered capacity = %+v, want the ceiling shown", c)
			}
		})
	}
}

// TestArrangementFactQuestions: what the inventory cannot tell is asked,
// never guessed, and an unknown never lowers the answer.
func TestArrangementFactQuestions(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	de, _ := lib.Get("digital-embassy")
	tests := []struct {
		name  string
		comps []sovmap.Component
		provs []sovmap.Provider
		host  string
		want  any    // the ceiling, nil for none
		ask   string // in the question; "" for no question
	}{
		{"nothing hosted", nil, nil, "AE", nil, ""},
		{"data only", []sovmap.Component{{ID: "db", Layer: sovmap.LayerData, Arrangement: "emb"}}, nil, "AE", nil, ""},
		{"compute without hardware", []sovmap.Component{{ID: "train", Layer: sovmap.LayerCompute, Arrangement: "emb"}}, nil, "AE", nil, "Does the compute hosted under emb (train) run on accelerators"},
		{"hardware without vendor", []sovmap.Component{{ID: "gpus", Layer: sovmap.LayerHardware, Arrangement: "emb"}}, nil, "AE", nil, "Who makes the accelerators in gpus"},
		{"vendor of unknown country", []sovmap.Component{{ID: "gpus", Layer: sovmap.LayerHardware, Provider: "chipco", Arrangement: "emb"}},
			[]sovmap.Provider{{ID: "chipco"}}, "AE", nil, "Which country controls chipco"},
		{"one known, one unknown", []sovmap.Component{
			{ID: "gpus", Layer: sovmap.LayerHardware, Provider: "nvidia", Arrangement: "emb"},
			{ID: "npus", Layer: sovmap.LayerHardware, Provider: "chipco", Arrangement: "emb"}},
			[]sovmap.Provider{{ID: "chipco"}}, "AE", "partial", "Which country controls chipco"},
		// Denial is the floor: nothing unknown can lower it, so nothing is asked.
		{"known denial", []sovmap.Component{
			{ID: "gpus", Layer: sovmap.LayerHardware, Provider: "nvidia", Arrangement: "emb"},
			{ID: "npus", Layer: sovmap.LayerHardware, Provider: "chipco", Arrangement: "emb"}},
			[]sovmap.Provider{{ID: "chipco"}}, "CN", "no", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &sovmap.Inventory{Components: tt.comps, Providers: tt.provs}
			facts, err := ArrangementFacts(inv, k, sovmap.Arrangement{ID: "emb", Host: tt.host}, day)
			if err != nil {
				t.Fatal(err)
			}
			f, ok := facts[FactAcceleratorSupply]
			if ok != (tt.want != nil || tt.ask != "") || f.Value != tt.want {
				t.Fatalf("facts = %+v, want value %v", facts, tt.want)
			}
			if (tt.ask == "") != (f.Question == "") || !strings.Contains(f.Question, tt.ask) {
				t.Errorf("question %q, want one containing %q", f.Question, tt.ask)
			}
			// Through the framework: a question alone leaves the answer.
			res, err := de.Evaluate(Input{Answers: map[string]any{"capacity": "yes"}, Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			c, _ := res.Criterion("capacity")
			if tt.want == nil && (c.Answer != "yes" || c.From != FromAnswer) {
				t.Errorf("capacity = %+v, want the answer kept", c)
			}
			if asked := len(res.Questions) == 1 && strings.HasPrefix(res.Questions[0], "capacity: ") && c.Question != ""; asked != (tt.ask != "") {
				t.Errorf("questions %q (criterion %q), want asked %v", res.Questions, c.Question, tt.ask != "")
			}
		})
	}
}

// TestProviderAcceleratorFacts works the EU calculator's AI criteria by hand
// from the accelerators' vendor and location: SOV-6.5 ("co-designed or
// integrated in the EU" at best for a non-EU vendor, "imported black-box
// machines" when installed outside the EU) and SOV-3.5 ("EU-led AI on
// foreign accelerators" at best, "black-box AI on restricted chips" where
// the vendor's country requires a licence for the place they are installed:
// the UAE under 88 FR 73458). Region ids are placed by the knowledge base;
// what cannot be placed or traced is asked.
func TestProviderAcceleratorFacts(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		vendor    string
		locations []string
		hpc, ai   any    // the ceilings, nil for none
		ask       string // in both questions; "" for none
	}{
		{"US chips in France", "nvidia", []string{"FR"}, "eu-co-designed", "eu-ai-foreign-accelerators", ""},
		{"US chips in a German region", "nvidia", []string{"aws:eu-central-1"}, "eu-co-designed", "eu-ai-foreign-accelerators", ""},
		{"US chips in a UAE region", "nvidia", []string{"aws:me-central-1"}, "imported-black-box", "black-box-restricted-chips", ""},
		{"US chips in Norway", "nvidia", []string{"NO"}, "imported-black-box", "eu-ai-foreign-accelerators", ""},
		{"US chips in an unknown region", "nvidia", []string{"acme:north-1"}, "eu-co-designed", "eu-ai-foreign-accelerators", "In which country is acme:north-1"},
		{"chips of unknown origin", "chipco", []string{"FR"}, nil, nil, "Which country controls chipco"},
		{"EU chips", "eu-chips", []string{"FR"}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &sovmap.Inventory{
				Providers: []sovmap.Provider{{ID: "cloud", Country: "FR"}, {ID: "chipco"}, {ID: "eu-chips", Country: "NL"}},
				Components: []sovmap.Component{
					{ID: "ai", Layer: sovmap.LayerCompute, Provider: "cloud", DependsOn: []sovmap.Dependency{{ID: "gpus"}}},
					{ID: "gpus", Layer: sovmap.LayerHardware, Provider: tt.vendor, Locations: tt.locations},
				},
			}
			facts, err := ProviderFactsAt(inv, k, "cloud", day)
			if err != nil {
				t.Fatal(err)
			}
			hpc, ai := facts[FactHPCSovereignty], facts[FactAIChips]
			if hpc.Value != tt.hpc || ai.Value != tt.ai {
				t.Errorf("SOV-6.5 at most %v, SOV-3.5 at most %v; want %v, %v", hpc.Value, ai.Value, tt.hpc, tt.ai)
			}
			if tt.ai == "black-box-restricted-chips" && !strings.Contains(ai.Detail, "88 FR 73458") {
				t.Errorf("restricted chips without the rule's citation: %q", ai.Detail)
			}
			for _, f := range []Fact{hpc, ai} {
				if (tt.ask == "") != (f.Question == "") || !strings.Contains(f.Question, tt.ask) {
					t.Errorf("question %q, want one containing %q", f.Question, tt.ask)
				}
			}
		})
	}
}
