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
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr string
	}{
		{"table", []string{"strategy", monaco}, "", 0,
			[]string{"compute       Host abroad under a digital embassy", "1     LU Luxembourg  trusted  in-force", "to reach Co-invest regionally"}, ""},
		{"markdown", []string{"strategy", "--format", "markdown", "examples/strategy-eu-member/profile.yaml"}, "", 0,
			[]string{"| compute | Co-invest regionally | 3 sovereign-partner | Build domestically |"}, ""},
		{"hosts limit", []string{"strategy", "--hosts", "2", monaco}, "", 0, []string{"more candidates not shown"}, ""},
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
			Home   string `json:"home"`
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
			} `json:"hosts"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, b := range r.Blocks {
			got[b.Block] = b.Recommended.ID
		}
		if r.Home != "CL" || got["compute"] != "build-domestic" || got["hardware"] != "partner-safeguards" || len(r.Hosts.Ranked) < 10 {
			t.Errorf("json report: home %s, blocks %v, %d hosts", r.Home, got, len(r.Hosts.Ranked))
		}
	})
}
