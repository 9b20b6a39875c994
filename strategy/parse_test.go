package strategy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileErrors checks that each mistake is reported with the line and
// column where it was written.
func TestProfileErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // substrings of the error, each "line:col: message"
	}{
		{"empty", "", []string{"p.yaml: file is empty"}},
		{"not a mapping", "- a\n- b\n", []string{"p.yaml:1:1: expected a mapping at the top of the file"}},
		{"bad yaml", "version: 1\nhome: [\n", []string{"p.yaml:3:1: invalid YAML: did not find expected node content"}},
		{"bad yaml inside", "version: 1\nblocks:\n  compute: {}\n bad\nhome: DE\n", []string{"p.yaml:4:2: invalid YAML"}},
		{"alias", "a: &x [1]\nb: *x\n", []string{"p.yaml:2:4: YAML aliases"}},
		{"two documents", "version: 1\n---\nversion: 1\n", []string{"only one document"}},
		{"missing version and home", "blocks:\n  compute: {}\n", []string{"p.yaml:1:1: profile: version must be 1", "p.yaml:1:1: profile: home"}},
		{"unknown field", "version: 1\nhome: DE\nhorizn: 2030\nblocks: {compute: {}}\n", []string{`p.yaml:3:1: profile: unknown field "horizn" (did you mean "horizon"?)`}},
		{"duplicate key", "version: 1\nhome: DE\nhome: FR\nblocks: {compute: {}}\n", []string{`p.yaml:3:1: profile: "home" is given twice`}},
		{"value without source", "version: 1\nhome: DE\nprerequisites:\n  talent.index: {value: 40}\nblocks: {compute: {}}\n", []string{"p.yaml:4:17: prerequisites.talent.index: source is required"}},
		{"bare value", "version: 1\nhome: DE\nprerequisites:\n  talent.index: 40\nblocks: {compute: {}}\n", []string{"p.yaml:4:17: prerequisites.talent.index: expected {value: ..., source: ...}"}},
		{"list as value", "version: 1\nhome: DE\nprerequisites:\n  talent.index: {value: [1], source: s}\nblocks: {compute: {}}\n", []string{"p.yaml:4:25: prerequisites.talent.index: value must be a number"}},
		{"negative demand", "version: 1\nhome: DE\nblocks:\n  compute: {demand: {power_mw: {value: -3, source: s}}}\n", []string{"p.yaml:4:40: compute.demand.power_mw: demand cannot be negative"}},
		{"text demand", "version: 1\nhome: DE\nblocks:\n  compute:\n    demand:\n      power_mw: {value: lots, source: s}\n", []string{"compute.demand.power_mw: expected a number"}},
		{"candidate without country", "version: 1\nhome: DE\nblocks: {compute: {}}\ncandidates:\n  - prerequisites: {}\n", []string{"p.yaml:5:5: candidate: country is required"}},
		{"bad legal basis", "version: 1\nhome: DE\nblocks: {compute: {}}\ncandidates:\n  - {country: LU, legal_basis: {value: maybe, source: s}}\n", []string{"p.yaml:5:40: candidate legal_basis must be one of"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeProfile("p.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestProfileCheck checks the problems found against the strategy set and
// the knowledge base, all reported in one pass.
func TestProfileCheck(t *testing.T) {
	src := `version: 1
home: XX
trusted: [FR, ZZ]
prerequisites:
  energy.spare_capacty: {value: 5, source: s}
  energy.price: {value: cheap, source: s}
  energy.carbon_intensity: {value: 50, unit: kg, source: s}
  cybersecurity.gci_tier: {value: 2, unit: tier, source: s}
  hardware.export_control: {value: sometimes, source: s}
  hosts.qualified: {value: 3, source: s}
  talent.index: {value: 40}
blocks:
  computer: {}
  compute:
    demand:
      power_mw: {value: 10, unit: GW, source: s}
candidates:
  - {country: QQ}
`
	_, err := ReadProfile("p.yaml", []byte(src), defaultSet(t), testKB(t))
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		`p.yaml:2:7: home "XX" is not an ISO 3166-1`,
		`p.yaml:3:15: trusted: unknown jurisdiction "ZZ"`,
		`p.yaml:5:33: prerequisites: unknown prerequisite "energy.spare_capacty" (did you mean energy.spare_capacity?)`,
		`p.yaml:6:25: prerequisites: energy.price expects a number in EUR/MWh, found cheap`,
		`p.yaml:7:36: prerequisites: energy.carbon_intensity is measured in gCO2e/kWh, found unit "kg"`,
		`p.yaml:8:35: prerequisites: cybersecurity.gci_tier takes no unit`,
		`p.yaml:9:36: prerequisites: hardware.export_control must be one of unrestricted, licensed, embargoed`,
		`p.yaml:10:28: prerequisites: hosts.qualified is derived by sovmap`,
		`p.yaml:11:17: prerequisites.talent.index: source is required`,
		`p.yaml:13:3: unknown building block "computer"`,
		`p.yaml:16:25: compute.demand.power_mw is measured in MW, found unit "GW"`,
		`p.yaml:18:5: candidate "QQ" is not a country code`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%s", w, err)
		}
	}
}

// TestSetErrors checks a replacement strategy set's validation.
func TestSetErrors(t *testing.T) {
	base := `version: 1
blocks: [compute]
prerequisites:
  - {id: energy.price, kind: technical, unit: EUR/MWh}
  - {id: policy.law, kind: institutional, type: bool}
  - {id: grade, kind: technical, type: enum, values: [a, b]}
  - {id: derived.thing, kind: derived}
`
	cases := []struct {
		name, src, want string
	}{
		{"no strategies", "version: 1\nblocks: [compute]\n", "strategies must list at least one strategy"},
		{"no blocks", "version: 1\nstrategies: [{id: s, level: 1}]\n", "blocks must list at least one"},
		{"bad version", "version: 2\nblocks: [compute]\nstrategies: [{id: s, level: 1}]\n", "version must be 1"},
		{"unknown prerequisite", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: nope, min: 1}]}\n", `set.yaml:9:34: strategy s: unknown prerequisite "nope"`},
		{"bool with min", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: policy.law, min: 1}]}\n", "a bool takes is: true or is: false"},
		{"number with in", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: energy.price, in: [x]}]}\n", "a number takes min and/or max"},
		{"enum value unknown", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: grade, in: [c]}]}\n", `"c" is not one of a, b`},
		{"min above max", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: energy.price, min: 5, max: 1}]}\n", "min is above max"},
		{"no operator", base + "strategies:\n  - {id: s, level: 1, requires: [{prerequisite: energy.price}]}\n", "needs min, max, in or is"},
		{"unknown block", base + "strategies:\n  - {id: s, level: 1, blocks: [storage]}\n", `unknown block "storage"`},
		{"level order", base + "strategies:\n  - {id: a, level: 2}\n  - {id: b, level: 3}\n", "strategies are listed most sovereign first"},
		{"self hosting", base + "strategies: [{id: s, level: 1}]\nhosting: {compute: [compute]}\n", "block compute cannot host itself"},
		{"unknown place", base + "strategies: [{id: s, level: 1, place: moon}]\n", "strategy place must be one of home, shared, abroad, provider"},
		{"combines unknown", base + "strategies: [{id: s, level: 1, combines: [nope]}]\n", `strategy s: combines unknown strategy "nope"`},
		{"range min above max", "version: 1\nblocks: [compute]\nprerequisites:\n  - {id: x, kind: technical, range: {min: 5, max: 1}}\nstrategies: [{id: s, level: 1}]\n", "prerequisite range: min is above max"},
		{"resource on a bool", base + "strategies: [{id: s, level: 1}]\nresources: [{prerequisite: policy.law}]\n", "resource policy.law: policy.law is not a number"},
		{"derived demand assumes less than the most", base + "strategies: [{id: s, level: 1}]\nderived_demand: [{quantity: q, from: power_mw, by: grade, factors: {a: 1, b: 2}, unknown: a, sources: [s]}]\n", "must have the highest factor"},
		{"level range", base + "strategies:\n  - {id: a, level: 7}\n", "strategy level must be 0 to 4"},
		{"duplicate strategy", base + "strategies:\n  - {id: a, level: 2}\n  - {id: a, level: 1}\n", "strategy a is defined twice"},
		{"derived host criterion", base + "strategies:\n  - {id: a, level: 2}\nhosts:\n  requires: [{prerequisite: derived.thing, min: 1}]\n", "cannot be a host criterion"},
		{"unknown tier", base + "strategies:\n  - {id: a, level: 2}\nhosts:\n  tiers: [friendly]\n", `unknown tier "friendly"`},
		{"legal basis without source", base + "strategies:\n  - {id: a, level: 2}\nlegal_bases:\n  - {country: LU, basis: law}\n", "at least one source is required"},
		{"enum without values", "version: 1\nblocks: [compute]\nprerequisites:\n  - {id: g, kind: technical, type: enum}\nstrategies: [{id: a, level: 1}]\n", "an enum needs values"},
		{"from_kb unknown", "version: 1\nblocks: [compute]\nprerequisites:\n  - {id: g, kind: technical, type: enum, values: [a], from_kb: weather}\nstrategies: [{id: a, level: 1}]\n", `unknown knowledge-base fact "weather"`},
		{"from_kb unmapped", "version: 1\nblocks: [compute]\nprerequisites:\n  - {id: g, kind: technical, type: enum, values: [a], from_kb: export-control, kb_values: {none: a}}\nstrategies: [{id: a, level: 1}]\n", `kb_values must map the knowledge-base value "capped"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeSet("set.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestDefaultSetRoundTrip checks that the text --print-defaults writes is
// the set sovmap uses, and that every default strategy and condition is
// documented.
func TestDefaultSetRoundTrip(t *testing.T) {
	s, err := DecodeSet("printed.yaml", DefaultSetYAML())
	if err != nil {
		t.Fatal(err)
	}
	def := defaultSet(t)
	if len(s.Strategies) != len(def.Strategies) || len(s.Prerequisites) != len(def.Prerequisites) {
		t.Fatalf("printed set differs from the default")
	}
	want := []string{"host-for-others", "domestic-core-embassy", "build-domestic", "co-invest-regional", "digital-embassy", "partner-safeguards", "buy-market"}
	if len(s.Strategies) != len(want) {
		t.Fatalf("%d strategies, want %d", len(s.Strategies), len(want))
	}
	for i, st := range s.Strategies {
		if st.Place == "" {
			t.Errorf("strategy %s has no place", st.ID)
		}
		if st.ID != want[i] {
			t.Errorf("strategy %d is %s, want %s", i, st.ID, want[i])
		}
		if st.Description == "" {
			t.Errorf("strategy %s has no description", st.ID)
		}
		for _, c := range st.Requires {
			if c.Why == "" {
				t.Errorf("strategy %s: condition on %s says not why", st.ID, c.Prerequisite)
			}
		}
	}
	for _, p := range s.Prerequisites {
		if p.Description == "" || p.Close == "" {
			t.Errorf("prerequisite %s lacks a description or a way to close it", p.ID)
		}
		if p.Effort == "" {
			t.Errorf("prerequisite %s says not what kind of step closes it (effort)", p.ID)
		}
		// An organization cannot legislate: every step a state takes by law
		// needs advice an organization can act on.
		if p.Effort == "legislate" && p.CloseOrganization == "" {
			t.Errorf("prerequisite %s is closed by legislation but has no close_organization", p.ID)
		}
		if p.Type == Number && p.Kind != Derived && p.RangeMin == nil {
			t.Errorf("prerequisite %s has no documented range", p.ID)
		}
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "strategy.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Prerequisites {
		if !strings.Contains(string(doc), "`"+p.ID+"`") {
			t.Errorf("docs/strategy.md does not document prerequisite %s", p.ID)
		}
	}
	for _, st := range s.Strategies {
		if !strings.Contains(string(doc), "`"+st.ID+"`") {
			t.Errorf("docs/strategy.md does not document strategy %s", st.ID)
		}
	}
}

// FuzzDecodeProfile feeds arbitrary bytes to the profile parser and, when
// they parse, through the checks and the engine: nothing may panic.
func FuzzDecodeProfile(f *testing.F) {
	for _, name := range examples {
		if b, err := os.ReadFile(filepath.Join("..", "examples", name, "profile.yaml")); err == nil {
			f.Add(b)
		}
	}
	f.Add(profileYAML("DE", strong, goodHost))
	f.Add([]byte(`{"version": 1, "home": "DE", "blocks": {"compute": {"demand": {"power_mw": {"value": 1e308, "source": "x"}}}}}`))
	f.Add([]byte("version: 1\nhome: DE\nblocks: {compute: {demand: {power_mw: {value: .nan, source: x}}}}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	set, err := DefaultSet()
	if err != nil {
		f.Fatal(err)
	}
	k := testKB(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadProfile("fuzz.yaml", data, set, k)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		r, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay})
		if err != nil {
			return
		}
		var b strings.Builder
		for _, write := range writers(WriteOptions{Hosts: 3}) {
			if err := write(&b, r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzDecodeSet feeds arbitrary bytes to the strategy-set parser and, when
// they parse, runs a profile through the set.
func FuzzDecodeSet(f *testing.F) {
	f.Add(DefaultSetYAML())
	f.Add([]byte("version: 1\nblocks: [compute]\nstrategies: [{id: a, level: 1}]\n"))
	f.Add([]byte("version: 1\nblocks: [compute]\nprerequisites: [{id: x, kind: technical}]\nstrategies: [{id: a, level: 1, requires: [{prerequisite: x, min: 1, per: power_mw}]}]\n"))
	k := testKB(f)
	profile := profileYAML("DE", strong, goodHost)
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := DecodeSet("fuzz.yaml", data)
		if err != nil {
			return
		}
		p, err := ReadProfile("p.yaml", profile, set, k)
		if err != nil {
			return
		}
		if _, err := Recommend(context.Background(), p, set, k, Options{At: goldenDay}); err != nil {
			t.Fatalf("a checked profile failed: %v", err)
		}
	})
}

// TestRangesAndBlocks checks the documented ranges, whole numbers, unknown
// blocks and the profile kind, each reported where it was written.
func TestRangesAndBlocks(t *testing.T) {
	src := `version: 1
kind: company
home: DE
prerequisites:
  cybersecurity.gci_tier: {value: 7, source: s}
  talent.index: {value: 150, source: s}
  energy.spare_capacity: {value: -50, unit: MW, source: s}
  connectivity.international_routes: {value: 2.5, source: s}
  cooling.type: {value: seawater, source: s}
blocks:
  gpu: {}
  compute:
    prerequisites:
      capital.available: {value: -1, unit: EUR m, source: s}
candidates:
  - country: LU
    prerequisites:
      water.available: {value: -3, source: s}
`
	_, err := ReadProfile("p.yaml", []byte(src), defaultSet(t), testKB(t))
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		`p.yaml:2:7: profile: kind must be state or organization, found "company"`,
		`p.yaml:5:35: prerequisites: cybersecurity.gci_tier must be at least 1 and at most 5, found 7`,
		`p.yaml:6:25: prerequisites: talent.index must be at least 0 and at most 100, found 150`,
		`p.yaml:7:34: prerequisites: energy.spare_capacity must be at least 0, found -50`,
		`p.yaml:8:46: prerequisites: connectivity.international_routes must be a whole number, found 2.5`,
		`p.yaml:9:25: prerequisites: cooling.type must be one of dry, liquid, sea-water, evaporative, found "seawater"`,
		`p.yaml:11:3: unknown building block "gpu" (did you mean hardware? blocks: compute, storage,`,
		`p.yaml:14:34: compute.prerequisites: capital.available must be at least 0, found -1`,
		`p.yaml:18:32: candidate LU: water.available must be at least 0, found -3`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%s", w, err)
		}
	}
	// Within range, and a block of the default set unknown to a replacement
	// set, pass.
	ok := "version: 1\nhome: DE\nprerequisites:\n  cybersecurity.gci_tier: {value: 5, source: s}\n  talent.index: {value: 0, source: s}\nblocks:\n  compute: {}\n"
	if _, err := ReadProfile("p.yaml", []byte(ok), defaultSet(t), testKB(t)); err != nil {
		t.Errorf("in range: %v", err)
	}
}
