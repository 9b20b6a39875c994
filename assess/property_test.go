package assess_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/inventory"
)

// day fixes the date export controls are judged on, so that runs agree.
var day = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// randomInventory builds a valid inventory of n components that mixes every
// fact the factors read: providers with parent chains (some reaching into
// the knowledge base, some with unknown countries), countries, blocs and
// cloud regions, operators, data classes, key custody, contracts with any
// subset of terms, certifications, arrangements and dependencies of both
// kinds, cycles included.
func randomInventory(seed uint64, n int) *sovmap.Inventory {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	some := func(xs []string, max int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			out = append(out, pick(xs))
		}
		return out
	}
	countries := []string{"DE", "FR", "LU", "IE", "CH", "GB", "US", "CN", "RU", "IN", "EU", "EEA"}
	locations := append([]string{"aws:eu-central-1", "aws:us-east-1", "gcp:europe-west2", "azure:germanywestcentral"}, countries...)
	inv := &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Random", Home: pick([]string{"DE", "FR", "EU", "GB", "US"})},
		Providers: []sovmap.Provider{
			{ID: "home-co", Country: "DE"},
			{ID: "sub", Country: "LU", Parent: "foreign-parent"},
			{ID: "foreign-parent", Country: "US"},
			{ID: "mystery"},
			{ID: "kb-child", Country: "IE", Parent: "google"},
			{ID: "ru-co", Country: "RU"},
		},
		Arrangements: []sovmap.Arrangement{{ID: "emb", Host: "LU", Guest: "EE"}},
	}
	providers := []string{"", "", "home-co", "sub", "foreign-parent", "mystery", "kb-child", "ru-co", "aws-emea", "microsoft-ireland"}
	layers := sovmap.Layers
	for i := range n {
		c := sovmap.Component{
			ID:           fmt.Sprintf("c%d", i),
			Layer:        layers[rng.IntN(len(layers))],
			Provider:     pick(providers),
			Locations:    some(locations, 3),
			OperatedFrom: some(countries, 2),
			Data:         some([]string{"personal", "personal.health", "confidential", "public", "classified", "internal"}, 2),
			Criticality:  sovmap.Criticality(pick([]string{"", "vital", "high", "medium", "low"})),
			KeyCustody:   sovmap.KeyCustody(pick([]string{"", "provider", "customer-managed", "customer-held", "domestic-hsm"})),
		}
		if rng.IntN(2) == 0 {
			// A well-sourced component with one weakness, so that the
			// weakness binds and a change to it shows in the level.
			days, yes := 90, true
			c.Provider, c.Locations, c.OperatedFrom, c.KeyCustody = "home-co", []string{"DE"}, []string{"DE"}, sovmap.KeysDomesticHSM
			c.Contract = &sovmap.Contract{GoverningLaw: "DE", ExitNoticeDays: &days, DataReturn: &yes, Portability: "open"}
			switch rng.IntN(7) {
			case 0:
				c.Contract.GoverningLaw = pick(countries)
			case 1:
				no := false
				c.Contract.DataReturn = &no
			case 2:
				c.Contract.Portability = sovmap.Portability(pick(sovmap.Names(sovmap.Portabilities)))
			case 3:
				c.Locations = some(locations, 2)
			case 4:
				c.OperatedFrom = some(countries, 2)
			case 5:
				c.KeyCustody = sovmap.KeyCustody(pick([]string{"provider", "customer-managed", "customer-held"}))
			case 6:
				c.Provider = pick(providers)
			}
			if c.Provider == "" {
				c.Provider = "home-co"
			}
		}
		if rng.IntN(3) == 0 {
			c.Certifications = []string{pick([]string{"secnumcloud", "ISO27001", "C5"})}
		}
		if rng.IntN(5) == 0 {
			c.Arrangement = "emb"
		}
		if c.Contract == nil && rng.IntN(4) != 0 {
			k := &sovmap.Contract{}
			if rng.IntN(3) != 0 {
				k.GoverningLaw = pick(countries)
			}
			if rng.IntN(3) != 0 {
				days := rng.IntN(400)
				k.ExitNoticeDays = &days
			}
			if rng.IntN(3) != 0 {
				b := rng.IntN(2) == 0
				k.DataReturn = &b
			}
			if rng.IntN(3) != 0 {
				k.Portability = sovmap.Portability(pick(sovmap.Names(sovmap.Portabilities)))
			}
			c.Contract = k
		}
		for range rng.IntN(3) {
			if i == 0 {
				break
			}
			kind := sovmap.Runtime
			if rng.IntN(3) == 0 {
				kind = sovmap.Supply
			}
			// Mostly backward edges, some forward ones: cycles happen.
			to := rng.IntN(i)
			if rng.IntN(6) == 0 {
				to = rng.IntN(n)
			}
			c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: fmt.Sprintf("c%d", to), Kind: kind})
		}
		inv.Components = append(inv.Components, c)
	}
	return inv
}

// corpus returns the inventories the properties are checked on: the
// examples and random ones.
func corpus(t *testing.T) map[string]*sovmap.Inventory {
	t.Helper()
	out := map[string]*sovmap.Inventory{}
	files, err := filepath.Glob("../examples/*/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := inventory.Decode(context.Background(), knowledge(t), f, data)
		if err != nil {
			t.Fatalf("example %s does not load: %v", f, err)
		}
		out[f] = inv
	}
	if len(out) < 3 {
		t.Fatalf("only %d example inventories", len(out))
	}
	for seed := uint64(1); seed <= 4; seed++ {
		out[fmt.Sprintf("random-%d", seed)] = randomInventory(seed, 40)
	}
	return out
}

// clone deep-copies an inventory through its exported fields.
func clone(inv *sovmap.Inventory) *sovmap.Inventory {
	out := *inv
	out.Providers = append([]sovmap.Provider(nil), inv.Providers...)
	out.Components = make([]sovmap.Component, len(inv.Components))
	for i, c := range inv.Components {
		if c.Contract != nil {
			k := *c.Contract
			c.Contract = &k
		}
		out.Components[i] = c
	}
	return &out
}

// removals are the facts of a component with a provider that can be made
// unknown. A component without a provider is the organization's own, and
// for it an absent operator, key custody or contract means "the
// organization's", so it is left out; so are data classes (absent data
// means the component holds none) and dependencies, which are structure,
// not facts about a component.
var removals = []struct {
	name   string
	remove func(c *sovmap.Component) bool // reports whether there was a fact to remove
}{
	{"locations", func(c *sovmap.Component) bool { had := len(c.Locations) > 0; c.Locations = nil; return had }},
	{"operated_from", func(c *sovmap.Component) bool { had := len(c.OperatedFrom) > 0; c.OperatedFrom = nil; return had }},
	{"key_custody", func(c *sovmap.Component) bool { had := c.KeyCustody != ""; c.KeyCustody = ""; return had }},
	{"certifications", func(c *sovmap.Component) bool { had := len(c.Certifications) > 0; c.Certifications = nil; return had }},
	{"arrangement", func(c *sovmap.Component) bool { had := c.Arrangement != ""; c.Arrangement = ""; return had }},
	{"contract", func(c *sovmap.Component) bool { had := c.Contract != nil; c.Contract = nil; return had }},
	{"governing_law", func(c *sovmap.Component) bool {
		had := c.Contract != nil && c.Contract.GoverningLaw != ""
		if had {
			c.Contract.GoverningLaw = ""
		}
		return had
	}},
	{"exit_notice_days", func(c *sovmap.Component) bool {
		had := c.Contract != nil && c.Contract.ExitNoticeDays != nil
		if had {
			c.Contract.ExitNoticeDays = nil
		}
		return had
	}},
	{"data_return", func(c *sovmap.Component) bool {
		had := c.Contract != nil && c.Contract.DataReturn != nil
		if had {
			c.Contract.DataReturn = nil
		}
		return had
	}},
	{"portability", func(c *sovmap.Component) bool {
		had := c.Contract != nil && c.Contract.Portability != ""
		if had {
			c.Contract.Portability = ""
		}
		return had
	}},
}

func assessQuiet(t *testing.T, inv *sovmap.Inventory) *sovmap.Report {
	t.Helper()
	k, err := inventory.WithKnowledge(knowledge(t), inv)
	if err != nil {
		t.Fatal(err)
	}
	r, err := assess.Assess(context.Background(), inv, k, assess.Options{Now: day, Qualifies: func(a sovmap.Arrangement) (bool, string) { return true, "test" }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestUnknownFactsNeverRaiseALevel removes one fact at a time from every
// component and checks that no component's own or effective level rises.
func TestUnknownFactsNeverRaiseALevel(t *testing.T) {
	checked := 0
	for name, inv := range corpus(t) {
		base := assessQuiet(t, inv)
		check := func(what string, mutated *sovmap.Inventory) {
			r := assessQuiet(t, mutated)
			checked++
			for i := range r.Components {
				b, m := &base.Components[i], &r.Components[i]
				if m.Level > b.Level || m.EffectiveLevel > b.EffectiveLevel {
					t.Errorf("%s: removing %s raised %s from own %d effective %d to own %d effective %d",
						name, what, m.ID, b.Level, b.EffectiveLevel, m.Level, m.EffectiveLevel)
				}
			}
		}
		for i := range inv.Components {
			if inv.Components[i].Provider == "" {
				continue
			}
			for _, rm := range removals {
				mutated := clone(inv)
				if rm.remove(&mutated.Components[i]) {
					check(rm.name+" of "+inv.Components[i].ID, mutated)
				}
			}
		}
		for i, p := range inv.Providers {
			if p.Country == "" {
				continue
			}
			mutated := clone(inv)
			mutated.Providers[i].Country = ""
			check("the country of provider "+p.ID, mutated)
		}
	}
	if checked < 200 {
		t.Errorf("only %d mutations checked", checked)
	}
}

// TestMemoisedVerdictsMatchIsolatedOnes assesses each component of a large
// random inventory on its own and checks that the verdicts shared through
// the engine's memo are the ones the component gets alone.
func TestMemoisedVerdictsMatchIsolatedOnes(t *testing.T) {
	inv := randomInventory(42, 300)
	all := assessQuiet(t, inv)
	for i, c := range inv.Components {
		alone := *inv
		alone.Components = []sovmap.Component{c}
		r := assessQuiet(t, &alone).Components[0]
		got := all.Components[i]
		if got.Level != r.Level || got.RequiredLevel != r.RequiredLevel || got.Controller != r.Controller ||
			!reflect.DeepEqual(got.Factors, r.Factors) || !reflect.DeepEqual(got.Binding, r.Binding) ||
			!reflect.DeepEqual(got.Exposure, r.Exposure) || !reflect.DeepEqual(got.ExposureDetails, r.ExposureDetails) ||
			!reflect.DeepEqual(got.Reasons, r.Reasons) {
			t.Fatalf("%s differs in the full inventory:\nfull:  %+v\nalone: %+v", c.ID, got, r)
		}
	}
}

// TestAssessIsDeterministic assesses the same inventory twice.
func TestAssessIsDeterministic(t *testing.T) {
	inv := randomInventory(9, 200)
	a, b := assessQuiet(t, inv), assessQuiet(t, clone(inv))
	if !reflect.DeepEqual(a, b) {
		t.Error("two assessments of the same inventory differ")
	}
}
