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

// TestArrangementAcceleratorFacts: accelerators hosted under an arrangement
// in a country the vendor's export rules put under a licence requirement
// (the UAE for US chips, 88 FR 73458, D:1/D:4) cap the capacity guarantee
// at partial; in Luxembourg no rule applies and the answer stands.
func TestArrangementAcceleratorFacts(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := &sovmap.Inventory{Components: []sovmap.Component{
		{ID: "gpus-ae", Layer: sovmap.LayerHardware, Provider: "nvidia", Arrangement: "host-ae"},
		{ID: "train-lu", Layer: sovmap.LayerCompute, Arrangement: "host-lu", DependsOn: []sovmap.Dependency{{ID: "gpus-lu"}}},
		{ID: "gpus-lu", Layer: sovmap.LayerHardware, Provider: "nvidia"},
	}}
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	ae, err := ArrangementFacts(inv, k, sovmap.Arrangement{ID: "host-ae", Host: "AE"}, day)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := ae[FactAcceleratorSupply]
	if !ok || f.Value != "partial" || !f.Cap || !strings.Contains(f.Detail, "gpus-ae from nvidia (US); US puts the host AE in") {
		t.Fatalf("host-ae facts = %+v", ae)
	}
	lu, err := ArrangementFacts(inv, k, sovmap.Arrangement{ID: "host-lu", Host: "LU"}, day)
	if err != nil || len(lu) != 0 {
		t.Errorf("host-lu facts = %+v, %v; want none", lu, err)
	}
	lib, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	de, _ := lib.Get("digital-embassy")
	res, err := de.Evaluate(Input{Answers: map[string]any{"capacity": "yes"}, Facts: ae})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.Criterion("capacity")
	if c.Answer != "partial" || c.From != FromFact || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "capacity: the answer yes claims more than the inventory allows") {
		t.Errorf("capacity = %+v, notes %q; want capped at partial", c, res.Notes)
	}
	res, err = de.Evaluate(Input{Answers: map[string]any{"capacity": "no"}, Facts: ae})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := res.Criterion("capacity"); c.Answer != "no" || c.From != FromAnswer {
		t.Errorf("capacity = %+v, want the lower answer kept", c)
	}
}
