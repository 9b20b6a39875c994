package strategy

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func planOf(t *testing.T, r *Report, block string) PlanEntry {
	t.Helper()
	for _, p := range r.Plan {
		if p.Block == block {
			return p
		}
	}
	t.Fatalf("no plan entry for %s", block)
	return PlanEntry{}
}

// TestCoherentPlan checks the plan across the facility and what it hosts,
// each case worked out by hand from the rules in docs/strategy.md: systems
// the home owns run where their facility is, a facility of the home's hosts
// some of the home's systems, and a hosted block reaches no more than its
// facility's level.
func TestCoherentPlan(t *testing.T) {
	type want struct {
		strategy string
		level    int
		changed  bool
	}
	cases := []struct {
		name  string
		home  string
		facts map[string]string
		extra string
		want  map[string]want
		note  string // a substring of the coherence notes
	}{
		{
			// The facility's own cyber tier 5 leaves it only the market
			// (level 1). Compute and storage could host for others on their
			// own, but their systems would run in a facility bought on the
			// market: level 1. Partnering puts them in the partner's
			// facility at level 2, the best the group reaches: 1 + 2 + 2.
			name: "storage built at home, facility bought on the market",
			home: "DE", facts: strong,
			extra: goodHost + "  # facility override below\n",
			want: map[string]want{
				"facility": {"buy-market", 1, false},
				"compute":  {"partner-safeguards", 2, true},
				"storage":  {"partner-safeguards", 2, true},
			},
			note: "would run in a facility from Buy on the market (level 1)",
		},
		{
			// Compute cannot pay for its own servers abroad (its own pool of
			// 100 is below 25 x 100), so it is partnered; storage's pool
			// of 100 is below 10 x 100 too. A facility abroad would host
			// nothing of the home's: the plan partners the facility too.
			name:  "facility under an embassy, everything it would host partnered",
			home:  "EE",
			facts: with("energy.price=200", "policy.regional_programme=false"),
			extra: goodHost + "trusted: [EU]\n",
			want: map[string]want{
				"facility": {"partner-safeguards", 2, true},
				"compute":  {"partner-safeguards", 2, false},
				"storage":  {"partner-safeguards", 2, false},
			},
			note: "would host none of the home's own systems",
		},
		{
			// Compute could be built at home, but the facility can only be
			// abroad under the embassy, partnered or bought. Building compute
			// at home with a partnered facility reaches 2 + 2; moving compute
			// and storage into the embassy reaches 3 + 3 + 3.
			name:  "compute built at home, facility only abroad",
			home:  "EE",
			facts: with("policy.regional_programme=false"),
			extra: goodHost + "trusted: [EU]\n",
			want: map[string]want{
				"facility": {"digital-embassy", 3, false},
				"compute":  {"digital-embassy", 3, true},
				"storage":  {"digital-embassy", 3, true},
			},
			note: "must be in the same place",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := string(profileYAML(tc.home, tc.facts, tc.extra))
			switch tc.name {
			case "storage built at home, facility bought on the market":
				src = strings.Replace(src, "  facility: {demand: {power_mw: {value: 100, source: test}}}\n",
					"  facility: {demand: {power_mw: {value: 100, source: test}}, prerequisites: {cybersecurity.gci_tier: {value: 5, source: test}}}\n", 1)
			case "facility under an embassy, everything it would host partnered":
				for _, b := range []string{"compute", "storage"} {
					src = strings.Replace(src, "  "+b+": {demand: {power_mw: {value: 100, source: test}}}\n",
						"  "+b+": {demand: {power_mw: {value: 100, source: test}}, prerequisites: {capital.available: {value: 100, source: test}}}\n", 1)
				}
			case "compute built at home, facility only abroad":
				src = strings.Replace(src, "  facility: {demand: {power_mw: {value: 100, source: test}}}\n",
					"  facility: {demand: {power_mw: {value: 100, source: test}}, prerequisites: {land.available: {value: 1, source: test}}}\n", 1)
			}
			r := recommend(t, []byte(src))
			for block, w := range tc.want {
				p := planOf(t, r, block)
				got := ""
				if p.Strategy != nil {
					got = p.Strategy.ID
				}
				if got != w.strategy || int(p.Level) != w.level || p.Changed != w.changed {
					t.Errorf("%s: plan %s level %d changed %v, want %s level %d changed %v (on its own: %s; why %q)",
						block, got, p.Level, p.Changed, w.strategy, w.level, w.changed, blockOf(t, r, block).Recommended.ID, p.Why)
				}
				if p.Changed && len(p.Why) == 0 {
					t.Errorf("%s changed without a reason", block)
				}
			}
			said := append([]string(nil), r.Coherence...)
			for _, p := range r.Plan {
				said = append(said, p.Why...)
			}
			if !strings.Contains(strings.Join(said, "\n"), tc.note) {
				t.Errorf("neither the coherence notes nor the plan say %q:\n%s", tc.note, strings.Join(said, "\n"))
			}
		})
	}
}

// TestResources checks the sums of shared pools against a hand computation
// from the default set's published figures: EUR 25 m per MW of compute,
// 10 per MW of storage, 11 per MW of facility (Cushman & Wakefield 2025),
// 1.5 per MW of energy, 20 for connectivity; 43.2 m3/day of water per MW
// with evaporative cooling (LBNL 2016: 1.8 L/kWh x 24); 0.25 ha per MW.
func TestResources(t *testing.T) {
	facts := with("capital.available=300", "policy.host_framework=false", "policy.embassy_framework=false")
	src := "version: 1\nname: test\nhome: DE\nprerequisites:\n"
	for _, k := range sortedKeys(facts) {
		src += "  " + k + ": {value: " + facts[k] + ", source: test}\n"
	}
	src += `blocks:
  compute: {demand: {power_mw: {value: 10, source: test}}}
  storage: {demand: {power_mw: {value: 5, source: test}}}
  facility: {demand: {power_mw: {value: 15, source: test}}}
  energy: {demand: {power_mw: {value: 15, source: test}}}
  connectivity: {}
`
	r := recommend(t, []byte(src))
	for _, p := range r.Plan {
		if p.Strategy == nil || p.Strategy.ID != "build-domestic" {
			t.Fatalf("%s: plan %+v, want build-domestic for every block", p.Block, p.Strategy)
		}
	}
	byName := map[string]ResourceUse{}
	for _, u := range r.Resources {
		byName[u.Resource] = u
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// capital: 25 x 10 + 10 x 5 + 11 x 15 + 1.5 x 15 + 20 = 507.5 > 300.
	capital := byName["capital"]
	if !near(capital.Needed, 507.5) || capital.Available == nil || *capital.Available != 300 || capital.Short == nil || !near(*capital.Short, 207.5) {
		t.Errorf("capital = %+v", capital)
	}
	if !strings.Contains(capital.Warning, "507.5 EUR m") || !strings.Contains(capital.Warning, "short by 207.5 EUR m") {
		t.Errorf("capital warning = %q", capital.Warning)
	}
	// power: compute 10 and storage 5 run in the 15 MW facility: max(15, 10 + 5) = 15.
	if p := byName["power"]; !near(p.Needed, 15) || p.Short != nil {
		t.Errorf("power = %+v", p)
	}
	// water: max(43.2 x 15, 43.2 x 10 + 43.2 x 5) = 648.
	if w := byName["water"]; !near(w.Needed, 648) {
		t.Errorf("water = %+v", w)
	}
	// land: 0.25 x 15 = 3.75 (facility only).
	if l := byName["land"]; !near(l.Needed, 3.75) {
		t.Errorf("land = %+v", l)
	}
	// talent is a score: the strictest need, 50 to build, is reported, not a sum.
	if tl := byName["talent"]; tl.Additive || tl.Needed != 50 || tl.Short != nil {
		t.Errorf("talent = %+v", tl)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, WriteOptions{}); err != nil || !strings.Contains(buf.String(), "warning: capital: the plan needs 507.5 EUR m") {
		t.Errorf("table lacks the capital warning (%v):\n%s", err, buf.String())
	}

	// A block with its own capital is a separate pool: 507.5 - 250 = 257.5
	// from the home-wide 300, no warning.
	src = strings.Replace(src, "  compute: {demand: {power_mw: {value: 10, source: test}}}\n",
		"  compute: {demand: {power_mw: {value: 10, source: test}}, prerequisites: {capital.available: {value: 250, source: test}}}\n", 1)
	r = recommend(t, []byte(src))
	for _, u := range r.Resources {
		if u.Resource == "capital" && (!near(u.Needed, 257.5) || u.Short != nil) {
			t.Errorf("capital with compute's own pool = %+v", u)
		}
	}
}

// TestTrustAdvice checks that trust comes from the profile's own list and
// that, without one, the cheapest step up says to declare it.
func TestTrustAdvice(t *testing.T) {
	facts := map[string]string{"cybersecurity.gci_tier": "1", "talent.index": "40"}
	r := recommend(t, profileYAML("KE", facts, ""))
	b := blockOf(t, r, "compute")
	if b.Recommended.ID != "buy-market" || b.Cheapest == nil || b.Cheapest.Strategy.ID != "partner-safeguards" {
		t.Fatalf("Kenya without a trusted list: %s, cheapest %+v", b.Recommended.ID, b.Cheapest)
	}
	if len(b.Cheapest.Missing) != 1 {
		t.Fatalf("missing %+v", b.Cheapest.Missing)
	}
	c := b.Cheapest.Missing[0]
	if c.Prerequisite != "partners.trusted" || c.Effort != "declare" || !strings.Contains(c.Close, "Declare your trusted partners") || !strings.Contains(c.Close, "AFRICAN-UNION") {
		t.Errorf("trust advice = %+v", c)
	}
	for _, s := range []string{"adequacy decision", "Negotiate"} {
		if strings.HasPrefix(c.Close, s) {
			t.Errorf("advice leads with %q rather than the declaration: %s", s, c.Close)
		}
	}
	// Declared trust (an alliance, as a bloc id, or a country) is enough.
	for _, list := range []string{"trusted: [US]\n", "trusted: [EU]\n"} {
		r = recommend(t, profileYAML("KE", facts, list))
		if b := blockOf(t, r, "compute"); b.Recommended.ID != "partner-safeguards" {
			t.Errorf("with %s: %s", strings.TrimSpace(list), b.Recommended.ID)
		}
	}
}

// TestOrganizationAdvice checks that an organization is never told to pass
// a law: steps a state takes by law become questions for its state.
func TestOrganizationAdvice(t *testing.T) {
	src := strings.Replace(string(profileYAML("DE", with("policy.embassy_framework=false", "policy.host_framework=false", "policy.ai_strategy=false"), "")),
		"version: 1\n", "version: 1\nkind: organization\n", 1)
	r := recommend(t, []byte(src))
	if r.Kind != KindOrganization {
		t.Fatalf("kind %q", r.Kind)
	}
	set := defaultSet(t)
	var advice []Check
	for _, b := range r.Blocks {
		for _, a := range b.Considered {
			advice = append(advice, a.Unmet()...)
		}
	}
	if len(advice) == 0 {
		t.Fatal("no advice to check")
	}
	sawState := false
	for _, c := range advice {
		pr, _ := set.Prerequisite(c.Prerequisite)
		if pr.Effort == "legislate" {
			sawState = true
			if c.Effort != "ask your state" || c.Close != pr.CloseOrganization {
				t.Errorf("%s for an organization: effort %q, close %q", c.Prerequisite, c.Effort, c.Close)
			}
		}
		for _, bad := range []string{"Pass the", "Adopt a hosting law", "Adopt a national"} {
			if strings.Contains(c.Close, bad) {
				t.Errorf("%s tells an organization to %q: %s", c.Prerequisite, bad, c.Close)
			}
		}
	}
	if !sawState {
		t.Error("no state act among the advice: the test checks nothing")
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, WriteOptions{}); err != nil || !strings.Contains(buf.String(), "Ask your state whether it offers embassy-hosted services") {
		t.Errorf("table lacks the embassy-hosted services advice (%v)", err)
	}
}

// TestJSONNumbers checks that JSON carries numbers as numbers, with units
// in fields, and lists hosts with no stated fact apart.
func TestJSONNumbers(t *testing.T) {
	r := loadExample(t, "strategy-eu-member")
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Blocks []struct {
			Block  string `json:"block"`
			Demand []struct {
				Name   string  `json:"name"`
				Amount float64 `json:"amount"`
			} `json:"demand"`
			Considered []struct {
				Strategy struct{ ID string } `json:"strategy"`
				Checks   []map[string]any    `json:"checks"`
			} `json:"considered"`
		} `json:"blocks"`
		Hosts struct {
			DemandMW   float64          `json:"demand_mw"`
			Ranked     []map[string]any `json:"ranked"`
			Unassessed []map[string]any `json:"unassessed"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	compute := doc.Blocks[0]
	if compute.Block != "compute" || compute.Demand[0].Amount != 120 {
		t.Fatalf("compute demand %+v", compute.Demand)
	}
	found := false
	for _, a := range compute.Considered {
		for _, c := range a.Checks {
			if c["prerequisite"] != "energy.price" || a.Strategy.ID != "build-domestic" {
				continue
			}
			found = true
			// Issue 14: the profile states 160 EUR/MWh; it is above 150, not missing.
			if c["value"] != 160.0 || c["unit"] != "EUR/MWh" || c["max"] != 150.0 || c["gap"] != 10.0 || c["status"] != "above" {
				t.Errorf("energy.price check = %v", c)
			}
		}
	}
	if !found {
		t.Fatal("no energy.price check for build-domestic")
	}
	if doc.Hosts.DemandMW != 140 || len(doc.Hosts.Ranked) != 3 || len(doc.Hosts.Unassessed) == 0 {
		t.Errorf("hosts: %v MW, %d ranked, %d unassessed", doc.Hosts.DemandMW, len(doc.Hosts.Ranked), len(doc.Hosts.Unassessed))
	}
	for _, h := range doc.Hosts.Unassessed {
		if h["stated"] != 0.0 {
			t.Errorf("unassessed host with stated facts: %v", h)
		}
	}
	var table bytes.Buffer
	if err := WriteTable(&table, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := table.String(); strings.Contains(s, "energy.price missing") || !strings.Contains(s, "energy.price above") {
		t.Errorf("the stated price still reads as missing:\n%s", s)
	}
}
