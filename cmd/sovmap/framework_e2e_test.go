package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const exCSF = "examples/eu-csf-calculator/inventory.yaml"

// TestE2EFrameworkVersionsAndMinimums runs the framework command as a user
// does: versions by name, per-objective minimums gating CI with the failing
// objectives named, bad minimums refused as usage mistakes.
func TestE2EFrameworkVersionsAndMinimums(t *testing.T) {
	runCLICases(t, []cliCase{
		{name: "bare id is the calculator", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud"},
			stdout: []string{"EU Cloud Sovereignty Framework (Commission calculator) 2026, weights 2026", "Level         SEAL-1 (Jurisdictional sovereignty), the minimum over SOV-7",
				"Score         75.1 / 100", "SOV-1.2    unlikely                    93.75/125      SEAL-4 (never gates)",
				"Unanswered criteria (0): none. Rule: sovmap's rule"}},
		{name: "objective minimums met", args: []string{"framework", "score", exCSF, "--framework", "eu-csf@2026", "--provider", "eu-sovereign-cloud", "--min-level", "SOV-2=3,SOV-5=2"},
			stdout: []string{"Minimum: SOV-2 at SEAL-3, meets SEAL-3", "Minimum: SOV-5 at SEAL-2, meets SEAL-2"}},
		{name: "objective minimums gate CI", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud", "--min-level", "2,SOV-2=4,SOV-5=2,SOV-7=3"}, code: 1,
			stderr: []string{"sovmap: eu-sovereign-cloud on eu-csf@2026 fails 3 minimums: the overall level at SEAL-1, below the required SEAL-2; SOV-2 at SEAL-3, below the required SEAL-4; SOV-7 at SEAL-1, below the required SEAL-3"}},
		{name: "level above the scale", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud", "--min-level", "9"}, code: 2,
			stderr: []string{`--min-level: minimum "9": level 9 is outside 0..4`}},
		{name: "negative level", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud", "--min-level=-1"}, code: 2,
			stderr: []string{`level -1 is outside 0..4`}},
		{name: "unknown objective", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud", "--min-level", "SOV-12=2"}, code: 2,
			stderr: []string{`has no dimension "SOV-12"`}},
		{name: "never-gating answer keeps SEAL-4", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "all-top-but-programmes"},
			stdout: []string{"Level         SEAL-4", "Score         97.5 / 100"}},
		{name: "unanswered listed", args: []string{"framework", "score", exCSF, "--framework", "eu-csf", "--provider", "half-answered", "--format", "markdown"},
			stdout: []string{"Unanswered criteria (44): SOV-1.2, SOV-1.3,", "sovmap's rule, not the framework's"}},
		{name: "v1.2.1 assessment is not the calculator's", args: []string{"framework", "score", exHosts, "--framework", "eu-csf", "--provider", "lu-ai-operator"},
			stdout: []string{"the inventory has no assessment of lu-ai-operator on eu-csf", "Unanswered criteria (48)"}},
		{name: "unknown version", args: []string{"framework", "show", "eu-csf@2027"}, code: 2,
			stderr: []string{`unknown framework "eu-csf@2027"`}},
		{name: "check names the version", args: []string{"framework", "check", exCSF},
			stdout: []string{"ok: 0 arrangements and 3 assessments"}},
	})
}

// cliCase is one run of the binary from the repository root: the exit
// code, what stdout and stderr must contain, and optionally a golden file
// stdout must equal.
type cliCase struct {
	name       string
	args       []string
	code       int
	stdout     []string
	stderr     []string
	goldenFile string
}

func runCLICases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runAtRoot(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.goldenFile != "" && stdout != readRepoFileE2E(t, tt.goldenFile) {
				t.Errorf("stdout differs from %s:\n%s", tt.goldenFile, stdout)
			}
		})
	}
}

func TestE2EFrameworkScoreJSON(t *testing.T) {
	stdout, stderr, code := runAtRoot(t, "framework", "score", exCSF, "--framework", "eu-csf", "--provider", "eu-sovereign-cloud", "--format", "json", "--min-level", "SOV-2=3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Result struct {
			Version     string   `json:"version"`
			LevelName   string   `json:"level_name"`
			Missing     []string `json:"missing"`
			MissingRule string   `json:"missing_rule"`
			Minimums    []struct {
				Dimension string `json:"dimension"`
				Met       bool   `json:"met"`
			} `json:"minimums"`
			Criteria []struct {
				ID        string   `json:"id"`
				Points    *float64 `json:"points"`
				MaxPoints *float64 `json:"max_points"`
				Gates     bool     `json:"gates"`
			} `json:"criteria"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	r := out.Result
	if r.Version != "2026" || r.LevelName != "SEAL-1" || r.Missing == nil || r.MissingRule == "" || len(r.Minimums) != 1 || !r.Minimums[0].Met || len(r.Criteria) != 48 {
		t.Errorf("result = %+v", r)
	}
	if c := r.Criteria[1]; c.ID != "SOV-1.2" || c.Gates || c.Points == nil || *c.Points != 93.75 || *c.MaxPoints != 125 {
		t.Errorf("SOV-1.2 = %+v, want 93.75 of 125 points, not gating", c)
	}
}
