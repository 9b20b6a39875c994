package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanEndToEnd runs `sovmap plan` on the worked example, under
// constraints, and on bad input, with the built binary.
func TestPlanEndToEnd(t *testing.T) {
	const example = "examples/strategy-sourcing-plan/inventory.yaml"
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", example))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	bad := strings.Replace(string(src), "      - id: aleph-alpha\n        provider: aleph-alpha", "      - id: aleph-alpha\n        provider: no-such-provider", 1)
	if bad == string(src) {
		t.Fatal("the example changed: update this test")
	}
	if err := os.WriteFile(broken, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"default", []string{"plan", example}, 0,
			[]string{"every requirement met at 4,092,000", "gpu-training     stackit-gpu-hsm", "7    0     5       4,092,000"}, ""},
		{"budget", []string{"plan", "--budget", "3000000", example}, 1,
			[]string{"the best meets 6 of 7 at 1,142,000", "budget: meeting every requirement within the caps costs 4,092,000"}, ""},
		{"provider cap as a percentage", []string{"plan", "--max-provider-share", "40%", "--format", "markdown", example}, 0,
			[]string{"| assistant-model | aleph-alpha |", "| provider | schwarz-group | 2 | 40% | 2 |"}, ""},
		{"five years", []string{"plan", "--years", "5", example}, 0, []string{"costs over 5 years"}, ""},
		{"bad share", []string{"plan", "--max-provider-share", "150%", example}, 2, nil, "--max-provider-share: a share must be above 0 and at most 1"},
		{"bad years", []string{"plan", "--years", "0", example}, 2, nil, "--years must be at least 1"},
		{"bad format", []string{"plan", "--format", "pdf", example}, 2, nil, `unknown --format "pdf"`},
		{"bad inventory", []string{"plan", broken}, 2, nil, `option aleph-alpha: unknown provider "no-such-provider"`},
		{"no argument", []string{"plan"}, 2, nil, "requires at least 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runBinIn(t, filepath.Join("..", ".."), "", tc.args...)
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
		})
	}
	t.Run("json", func(t *testing.T) {
		stdout, stderr, code := runBinIn(t, filepath.Join("..", ".."), "", "plan", "--format", "json", example)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r struct {
			Feasible bool    `json:"feasible"`
			Optimal  bool    `json:"optimal"`
			Cost     float64 `json:"cost"`
			Plan     []struct {
				Component string `json:"component"`
				Option    string `json:"option"`
			} `json:"plan"`
			Curve []struct {
				Met  int     `json:"met"`
				Cost float64 `json:"cost"`
			} `json:"curve"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Feasible || !r.Optimal || r.Cost != 4_092_000 || len(r.Plan) != 7 || len(r.Curve) != 6 {
			t.Errorf("json result %+v", r)
		}
	})
}
