package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStrategyEndToEnd runs `sovmap strategy` on the worked examples and on
// bad input, with the built binary.
func TestStrategyEndToEnd(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nhome: DE\nprerequisites:\n  energy.price: {value: cheap, source: s}\nblocks: {compute: {}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badSet := filepath.Join(dir, "set.yaml")
	if err := os.WriteFile(badSet, []byte("version: 1\nblocks: [compute]\nstrategies:\n  - {id: a, level: 9}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mini := filepath.Join(dir, "mini.yaml")
	if err := os.WriteFile(mini, []byte("version: 1\nname: mini\nblocks: [compute]\nprerequisites:\n  - {id: talent.index, kind: institutional}\nstrategies:\n  - {id: grow, name: Grow talent, level: 3, requires: [{prerequisite: talent.index, min: 80}]}\n  - {id: wait, name: Wait, level: 0}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const monaco = "examples/strategy-small-energy-poor/profile.yaml"
	// An organization in Estonia whose state offers no embassy-hosted
	// services: the step up to a digital embassy is a question for its state.
	const orgProfile = `version: 1
kind: organization
home: EE
prerequisites:
  policy.embassy_framework: {value: false, source: s}
  cybersecurity.gci_tier: {value: 1, source: s}
  talent.index: {value: 40, source: s}
  connectivity.international_routes: {value: 3, source: s}
  capital.available: {value: 100, source: s}
blocks:
  storage: {demand: {power_mw: {value: 1, source: s}}}
candidates:
  - country: LU
    prerequisites:
      energy.spare_capacity: {value: 50, source: s}
      energy.price: {value: 100, source: s}
      water.available: {value: 1000, source: s}
      land.available: {value: 10, source: s}
`
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr string
	}{
		{"table", []string{"strategy", monaco}, "", 0,
			[]string{"compute       Host abroad under a digital embassy", "in-force     5    0      0        yes", "to reach Co-invest regionally", "Not assessed, no facts stated"}, ""},
		{"markdown", []string{"strategy", "--format", "markdown", "examples/strategy-eu-member/profile.yaml"}, "", 0,
			[]string{"| compute | Co-invest regionally | 3 sovereign-partner | same | 3 sovereign-partner | Build domestically (level 4): contract energy.price; invest capital.available |"}, ""},
		{"stated price is above, not missing (issue 14)", []string{"strategy", "examples/strategy-eu-member/profile.yaml"}, "", 0,
			[]string{"energy.price above", "energy.price is 160 EUR/MWh, needs at most 150 EUR/MWh (over by 10 EUR/MWh)"}, ""},
		{"hosts limit", []string{"strategy", "--hosts", "2", monaco}, "", 0, []string{"(1 more ranked host not shown"}, ""},
		{"gulf state", []string{"strategy", "examples/strategy-gulf-uae/profile.yaml"}, "", 0,
			[]string{"compute       Buy on the market", "to reach Partner under safeguards (level 2):", "talent.index is not stated, needs at least 10"}, ""},
		{"african state", []string{"strategy", "examples/strategy-africa-kenya/profile.yaml"}, "", 0,
			[]string{"Partner under safeguards (declare)", "Declare your trusted partners", "AFRICAN-UNION"}, ""},
		{"asian state", []string{"strategy", "--format", "markdown", "examples/strategy-asia-singapore/profile.yaml"}, "", 0,
			[]string{"| compute | Buy on the market | 1 contractual | same | 1 contractual | Partner under safeguards (level 2): state cybersecurity.gci_tier, talent.index; declare partners.trusted |"}, ""},
		{"organization example", []string{"strategy", "examples/strategy-organization/profile.yaml"}, "", 0,
			[]string{"(organization, home EE, Estonia)", "compute   Partner under safeguards", "Ask your state whether it offers embassy-hosted services"}, ""},
		{"organization", []string{"strategy", "-"}, orgProfile, 0,
			[]string{"organization, home EE", "Ask your state whether it offers embassy-hosted services"}, ""},
		{"unknown block", []string{"strategy", "-"}, "version: 1\nhome: DE\nblocks: {gpu: {}}\n", 2, nil, `-:3:10: unknown building block "gpu" (did you mean hardware?`},
		{"out of range", []string{"strategy", "-"}, "version: 1\nhome: DE\nprerequisites:\n  cybersecurity.gci_tier: {value: 7, source: s}\nblocks: {compute: {}}\n", 2, nil, "-:4:35: prerequisites: cybersecurity.gci_tier must be at least 1 and at most 5, found 7"},
		{"profile on stdin", []string{"strategy", "-"}, "version: 1\nhome: DE\nblocks: {compute: {}}\n", 0, []string{"compute  Buy on the market"}, ""},
		{"print defaults", []string{"strategy", "--print-defaults"}, "", 0, []string{"id: host-for-others", "legal_bases:"}, ""},
		{"replacement set", []string{"strategy", "--strategies", mini, monaco}, "", 0, []string{"Strategy set: mini", "compute  Wait", "not used by this strategy set: block connectivity"}, ""},
		{"bad profile", []string{"strategy", bad}, "", 2, nil, "bad.yaml:4:25: prerequisites: energy.price expects a number in EUR/MWh, found cheap"},
		{"bad set", []string{"strategy", "--strategies", badSet, monaco}, "", 2, nil, "set.yaml:4:20: strategy level must be 0 to 4"},
		{"missing file", []string{"strategy", "nope.yaml"}, "", 2, nil, "nope.yaml"},
		{"bad format", []string{"strategy", "--format", "xml", monaco}, "", 2, nil, `unknown --format "xml"`},
		{"bad date", []string{"strategy", "--at", "tomorrow", monaco}, "", 2, nil, "--at"},
		{"no argument", []string{"strategy"}, "", 2, nil, "accepts 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runBinIn(t, filepath.Join("..", ".."), tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.code != 0 && strings.Contains(stderr, "panic") {
				t.Errorf("panicked:\n%s", stderr)
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		stdout, stderr, code := runBinIn(t, filepath.Join("..", ".."), "", "strategy", "--format", "json", "--at", "2026-11-26", "examples/strategy-cheap-renewables/profile.yaml")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r struct {
			Home string `json:"home"`
			Plan []struct {
				Block string `json:"block"`
				Level int    `json:"level"`
			} `json:"plan"`
			Blocks []struct {
				Block       string `json:"block"`
				Recommended struct {
					ID string `json:"id"`
				} `json:"recommended"`
			} `json:"blocks"`
			Hosts struct {
				Ranked []struct {
					Country string `json:"country"`
				} `json:"ranked"`
				Unassessed []struct {
					Country string `json:"country"`
				} `json:"unassessed"`
			} `json:"hosts"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, b := range r.Blocks {
			got[b.Block] = b.Recommended.ID
		}
		if r.Home != "CL" || got["compute"] != "build-domestic" || got["hardware"] != "partner-safeguards" || len(r.Hosts.Unassessed) < 10 || len(r.Plan) != len(r.Blocks) {
			t.Errorf("json report: home %s, blocks %v, %d ranked and %d unassessed hosts, %d plan entries", r.Home, got, len(r.Hosts.Ranked), len(r.Hosts.Unassessed), len(r.Plan))
		}
	})
}
