package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffEndToEnd runs the CI gate as docs/ci.md describes it: save a
// baseline, change the inventory, compare. It also runs each exporter's
// --format through assess, with the same binary.
func TestDiffEndToEnd(t *testing.T) {
	t.Run("export formats", func(t *testing.T) { exportFormatsEndToEnd(t) })
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "hospital-group", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	// The regression: the feature store's keys go to the provider and it is
	// now also operated from the US, which makes the flow of health data
	// into it a transfer without a mechanism (remote access).
	before := "    operated_from: [DE]\n    data: [personal.health.pseudonymised]\n    criticality: high\n    key_custody: customer-held"
	after := "    operated_from: [DE, US]\n    data: [personal.health.pseudonymised]\n    criticality: high\n    key_custody: provider"
	if !strings.Contains(string(src), before) {
		t.Fatal("the hospital example changed: update this test's regression")
	}
	changed := strings.Replace(string(src), before, after, 1)
	if err := os.WriteFile(filepath.Join(dir, "new.yaml"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}

	if _, stderr, code := runBin(t, dir, "assess", "old.yaml", "--format", "json", "-o", "baseline.json", "--fail-on", "0"); code != 0 {
		t.Fatalf("saving the baseline exited %d: %s", code, stderr)
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		jsonBody bool
	}{
		{"unchanged against its own baseline", []string{"diff", "baseline.json", "old.yaml"}, 0,
			[]string{"PASS", "No changes."}, "", false},
		{"two inventories, unchanged", []string{"diff", "old.yaml", "old.yaml"}, 0, []string{"PASS"}, "", false},
		{"regression fails the gate", []string{"diff", "baseline.json", "new.yaml"}, 1,
			[]string{"FAIL: 2 new or worse", "gap/feature-store gap 2", "flow-violation/ehr-to-features", "remote access", "new.yaml:", "feature-store  effective_level"},
			"new or worse than baseline.json", false},
		// --fail-on 3 lets the gap of 2 through, not the flow violation.
		{"regression below --fail-on 3 fails on the flow only", []string{"diff", "baseline.json", "new.yaml", "--fail-on", "3"}, 1,
			[]string{"FAIL: 1 new or worse", "flow-violation/ehr-to-features", "Other new or worse findings", "gap/feature-store gap 2"}, "", false},
		{"markdown", []string{"diff", "baseline.json", "new.yaml", "--format", "markdown"}, 1,
			[]string{"## sovmap diff", "| error | gap/feature-store gap 2 |"}, "", false},
		{"json", []string{"diff", "baseline.json", "new.yaml", "--format", "json"}, 1, nil, "", true},
		{"the fix passes", []string{"diff", "baseline.json", "old.yaml"}, 0, []string{"PASS"}, "", false},
		{"missing file", []string{"diff", "baseline.json", "nope.yaml"}, 2, nil, "nope.yaml", false},
		{"bad format", []string{"diff", "baseline.json", "old.yaml", "--format", "xml"}, 2, nil, "unknown --format", false},
		{"bad fail-on", []string{"diff", "baseline.json", "old.yaml", "--fail-on", "9"}, 2, nil, "--fail-on", false},
		{"one argument", []string{"diff", "baseline.json"}, 2, nil, "accepts 2 arg", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runBin(t, dir, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if tt.stderr != "" && !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q: %s", tt.stderr, stderr)
			}
			if tt.jsonBody {
				var d struct {
					New []struct {
						Kind    string `json:"kind"`
						Subject string `json:"subject"`
						Gates   bool   `json:"gates"`
					} `json:"new_findings"`
				}
				if err := json.Unmarshal([]byte(stdout), &d); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if len(d.New) == 0 || d.New[0].Subject != "feature-store" || !d.New[0].Gates {
					t.Errorf("new findings = %+v", d.New)
				}
			}
		})
	}

	// A broken baseline names file, line and column.
	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{\n  \"summary\": {},\n  \"components\": [1]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runBin(t, dir, "diff", "broken.json", "old.yaml")
	if code != 2 || !strings.Contains(stderr, "broken.json:3:") {
		t.Errorf("broken baseline: exit %d, stderr %q", code, stderr)
	}
}

// exportFormatsEndToEnd runs assess with each exporter's --format.
func exportFormatsEndToEnd(t *testing.T) {
	inv := filepath.Join("..", "..", "examples", "hospital-group", "inventory.yaml")
	tests := []struct {
		format string
		starts string
	}{
		{"sarif", "{"},
		{"oscal", "{"},
		{"cyclonedx", "{"},
		{"csv", "id,layer,provider,level,effective_level,required_level,gap,sourcing,binding,exposure,reasons"},
		{"xlsx", "PK"},
		{"html", "<!DOCTYPE html>"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			stdout, stderr, code := runBin(t, ".", "assess", inv, "--format", tt.format, "--fail-on", "0")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.HasPrefix(stdout, tt.starts) {
				t.Errorf("output starts %q, want %q", stdout[:min(len(stdout), 40)], tt.starts)
			}
			if tt.starts == "{" && !json.Valid([]byte(stdout)) {
				t.Error("output is not valid JSON")
			}
		})
	}
}
