package strategy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/sovmap/sovmap/kb"
)

var (
	kbOnce sync.Once
	kbVal  *kb.KB
	kbErr  error
)

func testKB(t testing.TB) *kb.KB {
	t.Helper()
	kbOnce.Do(func() { kbVal, kbErr = kb.Default() })
	if kbErr != nil {
		t.Fatal(kbErr)
	}
	return kbVal
}

func defaultSet(t testing.TB) *Set {
	t.Helper()
	s, err := DefaultSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// strong is a home that meets every condition of the default set for
// compute, storage, facility and connectivity, up to becoming a host.
var strong = map[string]string{
	"energy.spare_capacity":             "5000",
	"energy.price":                      "50",
	"energy.carbon_intensity":           "40",
	"water.available":                   "100000",
	"land.available":                    "1000",
	"hardware.export_control":           "unrestricted",
	"hardware.supply_chain":             "leading-edge",
	"cybersecurity.gci_tier":            "1",
	"connectivity.international_routes": "10",
	"connectivity.ixp":                  "true",
	"policy.ai_strategy":                "true",
	"policy.permitting_months":          "12",
	"policy.embassy_framework":          "true",
	"policy.host_framework":             "true",
	"policy.regional_programme":         "true",
	"talent.index":                      "90",
	"capital.available":                 "100000",
}

// with returns strong with some facts changed; an empty value removes one.
func with(changes ...string) map[string]string {
	m := maps.Clone(strong)
	for _, c := range changes {
		id, v, _ := strings.Cut(c, "=")
		if v == "" {
			delete(m, id)
		} else {
			m[id] = v
		}
	}
	return m
}

// profileYAML writes a profile: home, the facts, 100 MW of demand for the
// blocks that take power, and extra YAML (candidates, lists).
func profileYAML(home string, facts map[string]string, extra string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: test\nhome: %s\nhorizon: 2030\nprerequisites:\n", home)
	keys := slices.Sorted(maps.Keys(facts))
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: {value: %s, source: test}\n", k, facts[k])
	}
	b.WriteString("blocks:\n")
	for _, blk := range []string{"compute", "storage", "facility", "energy"} {
		fmt.Fprintf(&b, "  %s: {demand: {power_mw: {value: 100, source: test}}}\n", blk)
	}
	b.WriteString("  connectivity: {demand: {gbps: {value: 1000, source: test}}}\n")
	b.WriteString("  hardware: {demand: {gpus: {value: 10000, source: test}}}\n")
	b.WriteString(extra)
	return []byte(b.String())
}

// goodHost is a candidate that qualifies for 100 MW when it is trusted and
// has a legal basis.
const goodHost = `
candidates:
  - country: LU
    prerequisites:
      energy.spare_capacity: {value: 1000, source: test}
      energy.price: {value: 100, source: test}
      water.available: {value: 100000, source: test}
      land.available: {value: 100, source: test}
`

func recommend(t *testing.T, data []byte) *Report {
	t.Helper()
	set := defaultSet(t)
	k := testKB(t)
	p, err := ReadProfile("test.yaml", data, set, k)
	if err != nil {
		t.Fatalf("profile: %v\n%s", err, data)
	}
	r, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func blockOf(t *testing.T, r *Report, id string) BlockResult {
	t.Helper()
	for _, b := range r.Blocks {
		if b.Block == id {
			return b
		}
	}
	t.Fatalf("no block %s in report", id)
	return BlockResult{}
}

func ids(cs []Check) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Prerequisite) {
			out = append(out, c.Prerequisite)
		}
	}
	sort.Strings(out)
	return out
}

// TestDefaultDecisions walks the default set's spectrum one prerequisite at
// a time: each case removes what the previous strategy needed and checks
// the recommendation, the next-more-sovereign strategy, and exactly which
// prerequisites it lacks.
func TestDefaultDecisions(t *testing.T) {
	cases := []struct {
		name    string
		home    string
		facts   map[string]string
		extra   string
		block   string
		want    string   // recommended strategy id ("" for none)
		next    string   // next-more-sovereign strategy id ("" for none)
		missing []string // prerequisites the next strategy lacks
	}{
		{"everything strong: host for others", "DE", strong, goodHost, "compute", "host-for-others", "", nil},
		{"carbon too high to host: domestic core with an embassy", "DE", with("energy.carbon_intensity=300"), goodHost, "compute", "domestic-core-embassy", "host-for-others", []string{"energy.carbon_intensity"}},
		{"no hosting law: domestic core, host needs the law", "DE", with("policy.host_framework=false"), goodHost, "compute", "domestic-core-embassy", "host-for-others", []string{"policy.host_framework"}},
		{"spare power for own demand only", "DE", with("energy.spare_capacity=150"), goodHost, "compute", "domestic-core-embassy", "host-for-others", []string{"energy.spare_capacity"}},
		{"no embassy law: build, the combination needs it", "DE", with("policy.host_framework=false", "policy.embassy_framework=false"), goodHost, "compute", "build-domestic", "domestic-core-embassy", []string{"policy.embassy_framework"}},
		// 100 MW of compute: building needs 25 x 100 = 2500, an embassy copy
		// another 25 x 100 = 2500, both together 5000 (EUR m).
		{"capital to build, not to build and copy abroad", "DE", with("policy.host_framework=false", "capital.available=4999"), goodHost, "compute", "build-domestic", "domestic-core-embassy", []string{"capital.available"}},
		{"capital to build and copy abroad", "DE", with("policy.host_framework=false", "capital.available=5000"), goodHost, "compute", "domestic-core-embassy", "host-for-others", []string{"policy.host_framework"}},
		{"no embassy host: build, the combination needs a host", "DE", with("policy.host_framework=false"), "", "compute", "build-domestic", "domestic-core-embassy", []string{"hosts.qualified"}},
		{"power too dear to build: co-invest in the EU", "DE", with("energy.price=200"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"energy.price"}},
		{"not enough power at home: co-invest", "DE", with("energy.spare_capacity=50"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"energy.spare_capacity"}},
		{"not enough water: co-invest", "DE", with("water.available=1000"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"water.available"}},
		{"cyber tier 3: co-invest, build needs tier 2", "DE", with("cybersecurity.gci_tier=3"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"cybersecurity.gci_tier"}},
		{"no national strategy: co-invest", "DE", with("policy.ai_strategy=false"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"policy.ai_strategy"}},
		{"capital for a share only: co-invest", "DE", with("capital.available=1000"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"capital.available"}},
		{"unknown power price never counts as met", "DE", with("energy.price="), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"energy.price"}},
		{"no regional programme: digital embassy", "DE", with("energy.price=200", "policy.regional_programme=false"), goodHost + "trusted: [LU]\n", "compute", "digital-embassy", "co-invest-regional", []string{"policy.regional_programme"}},
		{"no partners outside a bloc: embassy", "CL", with("energy.price=200"), goodHost + "trusted: [LU]\n", "compute", "digital-embassy", "co-invest-regional", []string{"partners.regional"}},
		{"partners outside a bloc count", "CL", with("energy.price=200"), goodHost + "trusted: [LU]\npartners: [AR]\n", "compute", "co-invest-regional", "build-domestic", []string{"energy.price"}},
		{"no embassy law: partner", "CL", with("energy.price=200", "policy.embassy_framework=false"), goodHost + "trusted: [LU]\n", "compute", "partner-safeguards", "digital-embassy", []string{"policy.embassy_framework"}},
		{"no qualified host: partner", "CL", with("energy.price=200"), "trusted: [LU]\n", "compute", "partner-safeguards", "digital-embassy", []string{"hosts.qualified"}},
		{"host not trusted: partner", "CL", with("energy.price=200"), goodHost + "trusted: [GB]\n", "compute", "partner-safeguards", "digital-embassy", []string{"hosts.qualified"}},
		{"too little talent for an embassy: partner", "CL", with("energy.price=200", "talent.index=15"), goodHost + "trusted: [LU]\n", "compute", "partner-safeguards", "digital-embassy", []string{"talent.index"}},
		{"no trusted jurisdiction: buy", "CL", with("energy.price=200", "policy.embassy_framework=false"), "", "compute", "buy-market", "partner-safeguards", []string{"partners.trusted"}},
		{"cyber tier 5: buy", "DE", with("cybersecurity.gci_tier=5"), goodHost, "compute", "buy-market", "partner-safeguards", []string{"cybersecurity.gci_tier"}},
		{"embargoed home (knowledge base) cannot build compute", "VE", with("hardware.export_control=", "energy.price=200"), "trusted: [EU]\n", "compute", "partner-safeguards", "digital-embassy", []string{"hosts.qualified"}},
		{"hardware: leading-edge fab and deep talent build", "DE", strong, "", "hardware", "build-domestic", "", nil},
		{"hardware: no domestic capability, co-invest needs assembly", "DE", with("hardware.supply_chain=none"), "", "hardware", "partner-safeguards", "co-invest-regional", []string{"hardware.supply_chain"}},
		{"hardware: assembly allows co-invest", "DE", with("hardware.supply_chain=assembly"), "", "hardware", "co-invest-regional", "build-domestic", []string{"hardware.supply_chain"}},
		{"hardware: embargo stops partnering", "DE", with("hardware.supply_chain=none", "hardware.export_control=embargoed"), "", "hardware", "buy-market", "partner-safeguards", []string{"hardware.export_control"}},
		{"connectivity: many routes and an IXP host", "DE", strong, "", "connectivity", "host-for-others", "", nil},
		{"connectivity: five routes build", "DE", with("connectivity.international_routes=5"), "", "connectivity", "build-domestic", "host-for-others", []string{"connectivity.international_routes"}},
		{"connectivity: no IXP, co-invest", "DE", with("connectivity.ixp=false"), "", "connectivity", "co-invest-regional", "build-domestic", []string{"connectivity.ixp"}},
		{"connectivity: one route, partner", "DE", with("connectivity.international_routes=1"), "", "connectivity", "partner-safeguards", "co-invest-regional", []string{"connectivity.international_routes"}},
		{"energy: no hosting strategy, build", "DE", strong, "", "energy", "build-domestic", "", nil},
		{"energy: slow permits, co-invest", "DE", with("policy.permitting_months=48"), "", "energy", "co-invest-regional", "build-domestic", []string{"policy.permitting_months"}},
		{"facility: too little land to build", "DE", with("land.available=10"), "", "facility", "co-invest-regional", "build-domestic", []string{"land.available"}},
		{"facility: land for own demand, not for guests", "DE", with("land.available=30"), goodHost, "facility", "domestic-core-embassy", "host-for-others", []string{"land.available"}},
		// Water: 100 MW of evaporative cooling needs 43.2 x 100 = 4320 m3/day
		// to build, twice that to host; dry cooling needs none.
		{"evaporative cooling, water for 100 MW", "DE", with("water.available=4320", "cooling.type=evaporative", "policy.embassy_framework=false"), goodHost, "compute", "build-domestic", "domestic-core-embassy", []string{"policy.embassy_framework"}},
		{"evaporative cooling, water short by 1", "DE", with("water.available=4319", "cooling.type=evaporative", "policy.embassy_framework=false"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"water.available"}},
		{"cooling type unknown: evaporative assumed", "DE", with("water.available=4319", "policy.embassy_framework=false"), goodHost, "compute", "co-invest-regional", "build-domestic", []string{"water.available"}},
		{"dry cooling needs no water", "DE", with("water.available=0", "cooling.type=dry"), goodHost, "compute", "host-for-others", "", nil},
		{"sea-water cooling, water not stated", "DE", with("water.available=", "cooling.type=sea-water"), goodHost, "compute", "host-for-others", "", nil},
		{"liquid cooling, water not stated", "DE", with("water.available=", "cooling.type=liquid", "policy.host_framework=false", "policy.embassy_framework=false"), goodHost, "storage", "build-domestic", "domestic-core-embassy", []string{"policy.embassy_framework"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := recommend(t, profileYAML(tc.home, tc.facts, tc.extra))
			b := blockOf(t, r, tc.block)
			got := ""
			if b.Recommended != nil {
				got = b.Recommended.ID
			}
			if got != tc.want {
				t.Fatalf("recommended %q, want %q; considered:\n%s", got, tc.want, describe(b))
			}
			for _, c := range b.Decisive {
				if c.Status != Met {
					t.Errorf("decisive check %s is %s, want met", c.Prerequisite, c.Status)
				}
			}
			gotNext := ""
			if b.Next != nil {
				gotNext = b.Next.Strategy.ID
			}
			if gotNext != tc.next {
				t.Fatalf("next %q, want %q", gotNext, tc.next)
			}
			if b.Next != nil {
				if got := ids(b.Next.Missing); !slices.Equal(got, tc.missing) {
					t.Errorf("missing for %s = %v, want %v", tc.next, got, tc.missing)
				}
				for _, c := range b.Next.Missing {
					if c.Close == "" {
						t.Errorf("missing %s says nothing about closing it", c.Prerequisite)
					}
				}
			}
		})
	}
}

func describe(b BlockResult) string {
	var s strings.Builder
	for _, a := range b.Considered {
		fmt.Fprintf(&s, "  %s fits=%v unmet=%v\n", a.Strategy.ID, a.Fits, ids(a.Unmet()))
	}
	return s.String()
}

// TestReasons checks the wording of a decision: values with their sources,
// demand scaling, shortfalls, unknown facts and knowledge-base facts.
func TestReasons(t *testing.T) {
	r := recommend(t, profileYAML("DE", with("energy.spare_capacity=150", "energy.price="), goodHost))
	b := blockOf(t, r, "compute")
	find := func(a Attempt, id string) Check {
		for _, c := range a.Checks {
			if c.Prerequisite == id {
				return c
			}
		}
		t.Fatalf("%s has no check on %s", a.Strategy.ID, id)
		return Check{}
	}
	host := b.Considered[0]
	spare := find(host, "energy.spare_capacity")
	if spare.Status != Below || spare.Requirement != "at least 200 MW (2 per power_mw x 100)" || spare.Shortfall != "short by 50 MW" {
		t.Errorf("spare capacity check = %+v", spare)
	}
	if spare.ValueText() != "150 MW" || spare.Source != "test" || !strings.HasPrefix(spare.At, "test.yaml:") {
		t.Errorf("spare capacity value = %q from %q at %q", spare.Value, spare.Source, spare.At)
	}
	price := find(host, "energy.price")
	if price.Status != Unknown || price.Shortfall != "not stated" || price.Value != nil || price.Effort != "state" {
		t.Errorf("unstated price check = %+v", price)
	}
	attempt := func(id string) Attempt {
		for _, a := range b.Considered {
			if a.Strategy.ID == id {
				return a
			}
		}
		t.Fatalf("%s not considered", id)
		return Attempt{}
	}
	export := find(attempt("build-domestic"), "hardware.export_control")
	if export.Status != Met || export.Source != "test" {
		t.Errorf("stated export control = %+v", export)
	}
	partners := find(attempt("co-invest-regional"), "partners.regional")
	if partners.Kind != Derived || partners.Status != Met || !strings.Contains(partners.Source, "EU") {
		t.Errorf("derived regional partners = %+v", partners)
	}
	// The price is unknown: build does not fit and co-invest does.
	if b.Recommended == nil || b.Recommended.ID != "co-invest-regional" {
		t.Fatalf("recommended %+v", b.Recommended)
	}

	// An export-control status not stated comes from the knowledge base.
	r = recommend(t, profileYAML("CN", with("hardware.export_control="), ""))
	b = blockOf(t, r, "compute")
	c := find(attempt("build-domestic"), "hardware.export_control")
	if c.Value != "embargoed" || c.Status != Differs || !strings.HasPrefix(c.Source, "knowledge base: US") {
		t.Errorf("export control from the knowledge base = %+v", c)
	}
}

// TestHostRanking checks tiers, legal bases and capacity in the ranking.
func TestHostRanking(t *testing.T) {
	extra := `
trusted: [EU, GB]
candidates:
  - country: GB
    legal_basis: {value: law, source: test}
    prerequisites:
      energy.spare_capacity: {value: 1000, source: test}
      energy.price: {value: 100, source: test}
      water.available: {value: 100000, source: test}
      land.available: {value: 100, source: test}
  - country: FR
    prerequisites:
      energy.spare_capacity: {value: 10, source: test}
  - country: RU
    legal_basis: {value: law, source: test}
    prerequisites:
      energy.spare_capacity: {value: 1000, source: test}
      energy.price: {value: 100, source: test}
      water.available: {value: 100000, source: test}
      land.available: {value: 100, source: test}
`
	r := recommend(t, profileYAML("EE", strong, goodHost[:0]+extra))
	byCountry := map[string]HostResult{}
	order := []string{}
	for _, h := range r.Hosts.Hosts {
		byCountry[h.Country] = h
		order = append(order, h.Country)
	}
	if *r.Hosts.Demand != 200 {
		t.Errorf("host demand = %v, want 200 (compute + storage)", *r.Hosts.Demand)
	}
	gb := byCountry["GB"]
	if !gb.Qualified || gb.LegalBasis != BasisLaw || !gb.FromProfile {
		t.Errorf("GB = %+v", gb)
	}
	// LU: in force for an Estonian home, but the profile states none of its
	// facts, so it is listed apart after the ranked hosts.
	var lu HostResult
	for _, h := range r.Hosts.Unassessed {
		if h.Stated != 0 {
			t.Errorf("unassessed host %s has %d stated facts", h.Country, h.Stated)
		}
		if h.Country == "LU" {
			lu = h
		}
	}
	if lu.LegalBasis != BasisInForce || lu.Qualified || lu.Unknown != 4 {
		t.Errorf("LU for an Estonian home: in force but with unknown capacity, got %+v", lu)
	}
	fr := byCountry["FR"]
	if fr.Qualified || fr.Unmet != 1 || fr.Unknown != 3 {
		t.Errorf("FR = %+v", fr)
	}
	ru := byCountry["RU"]
	if ru.Qualified || ru.Tier != "restricted" {
		t.Errorf("RU = %+v", ru)
	}
	if order[0] != "GB" {
		t.Errorf("first host = %s, want GB (the only qualified one); order %v", order[0], order)
	}
	if _, ranked := byCountry["LU"]; ranked {
		t.Errorf("LU, with no fact stated, is ranked: %v", order)
	}
	if slices.Index(order, "RU") != len(order)-1 {
		t.Errorf("RU (restricted) should rank last: %v", order)
	}
	if _, ok := byCountry["EE"]; ok {
		t.Errorf("home ranked as its own host")
	}
}

// TestCustomSet shows that strategies are data: a two-strategy set with its
// own names and a strategy with an unmet condition at the bottom.
func TestCustomSet(t *testing.T) {
	set, err := DecodeSet("custom.yaml", []byte(`
version: 1
name: two steps
blocks: [compute]
prerequisites:
  - {id: energy.price, kind: technical, unit: EUR/MWh}
  - {id: talent.index, kind: institutional}
strategies:
  - id: own
    name: Own it
    level: 4
    requires:
      - {prerequisite: energy.price, max: 100}
  - id: rent
    name: Rent it
    level: 2
    requires:
      - {prerequisite: talent.index, min: 10}
`))
	if err != nil {
		t.Fatal(err)
	}
	k := testKB(t)
	run := func(facts string) BlockResult {
		t.Helper()
		p, err := ReadProfile("p.yaml", []byte("version: 1\nhome: DE\nprerequisites:\n"+facts+"blocks:\n  compute: {}\n"), set, k)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay})
		if err != nil {
			t.Fatal(err)
		}
		return r.Blocks[0]
	}
	b := run("  energy.price: {value: 80, source: t}\n")
	if b.Recommended == nil || b.Recommended.Name != "Own it" {
		t.Errorf("cheap power: %+v", b.Recommended)
	}
	b = run("  energy.price: {value: 180, source: t}\n  talent.index: {value: 20, source: t}\n")
	if b.Recommended == nil || b.Recommended.ID != "rent" || b.Next == nil || b.Next.Strategy.ID != "own" {
		t.Errorf("dear power: %+v next %+v", b.Recommended, b.Next)
	}
	// A fact the set does not use is ignored and noted, not an error; a
	// typo of a known one is an error.
	p, err := ReadProfile("p.yaml", []byte("version: 1\nhome: DE\nprerequisites:\n  capital.available: {value: 5, source: t}\nblocks:\n  compute: {}\n  hardware: {}\n"), set, k)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay})
	if err != nil || len(rep.Notes) != 1 || rep.Notes[0] != "not used by this strategy set: block hardware, prerequisite capital.available" {
		t.Errorf("notes %q, err %v", rep.Notes, err)
	}
	if _, err := ReadProfile("p.yaml", []byte("version: 1\nhome: DE\nprerequisites:\n  energy.prise: {value: 5, source: t}\nblocks:\n  compute: {}\n"), set, k); err == nil || !strings.Contains(err.Error(), "did you mean energy.price") {
		t.Errorf("typo: %v", err)
	}

	b = run("  energy.price: {value: 180, source: t}\n")
	if b.Recommended != nil || len(b.Considered) != 2 {
		t.Errorf("nothing fits: recommended %+v, considered %d", b.Recommended, len(b.Considered))
	}
	var buf strings.Builder
	r := &Report{Blocks: []BlockResult{b}, Notes: rep.Notes}
	if err := WriteTable(&buf, r, WriteOptions{}); err != nil || !strings.Contains(buf.String(), "none fits") {
		t.Errorf("table for no fit: %v\n%s", err, buf.String())
	}
}
