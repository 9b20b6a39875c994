package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const riskFixture = "risk/testdata/agency.yaml"

func TestE2EVendors(t *testing.T) {
	out, stderr, code := runAtRoot(t, "vendors", riskFixture)
	if code != 0 || !strings.Contains(out, "CONCENTRATION (HHI of third-party components (11 of 15)") || !strings.Contains(out, "ULTIMATE PARENTS (by risk)") {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, stderr, out)
	}
	out, _, code = runAtRoot(t, "vendors", riskFixture, "--format", "json")
	var reg struct {
		Components    int `json:"components"`
		Concentration struct {
			Parent struct {
				HHI int `json:"hhi"`
			} `json:"parent"`
		} `json:"concentration"`
		Providers []struct {
			ID   string `json:"id"`
			Risk int    `json:"risk"`
		} `json:"providers"`
	}
	if err := json.Unmarshal([]byte(out), &reg); err != nil || code != 0 {
		t.Fatalf("json: %v (exit %d)", err, code)
	}
	if reg.Components != 15 || reg.Concentration.Parent.HHI == 0 || len(reg.Providers) == 0 {
		t.Errorf("register %+v", reg)
	}
	out, _, _ = runAtRoot(t, "vendors", riskFixture, "--format", "markdown")
	if !strings.HasPrefix(out, "# Vendor risk register: ") {
		t.Errorf("markdown starts %q", out[:min(len(out), 40)])
	}
	path := filepath.Join(t.TempDir(), "vendors.md")
	if _, _, code := runAtRoot(t, "vendors", riskFixture, "-f", "md", "-o", path); code != 0 {
		t.Fatalf("--output exit %d", code)
	}
	if data, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(data, []byte("# Vendor risk register")) {
		t.Errorf("--output wrote %q, %v", data, err)
	}
}

func TestE2EGraph(t *testing.T) {
	out, _, code := runAtRoot(t, "graph", riskFixture, "--component", "citizen-app")
	if code != 0 || !strings.Contains(out, "citizen-app [US]: citizen-app runs on model-endpoint (model), which runs on inference-cluster (compute)") {
		t.Fatalf("exit %d, out:\n%s", code, out)
	}
	out, _, code = runAtRoot(t, "graph", riskFixture, "--format", "json", "--limit", "2")
	var a struct {
		SinglePoints []struct{ ID string } `json:"single_points_of_failure"`
		Truncated    []string              `json:"truncated"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil || code != 0 {
		t.Fatalf("json: %v (exit %d)", err, code)
	}
	if len(a.SinglePoints) != 2 || a.SinglePoints[0].ID != "grid" || len(a.Truncated) == 0 {
		t.Errorf("graph json %+v", a)
	}
	if out, _, _ := runAtRoot(t, "graph", riskFixture, "-f", "markdown"); !strings.HasPrefix(out, "# Dependency analysis: ") {
		t.Errorf("markdown starts %q", out[:min(len(out), 40)])
	}
}

func TestE2EScenario(t *testing.T) {
	out, _, code := runAtRoot(t, "scenario", riskFixture, "us-orders")
	if code != 0 || !strings.Contains(out, "scenario us-orders (declared: compel US)") || !strings.Contains(out, "levels after:  0:10") {
		t.Fatalf("exit %d, out:\n%s", code, out)
	}
	out, _, code = runAtRoot(t, "scenario", riskFixture, "region-cut:aws:eu-central-1", "--format", "json")
	var r struct {
		Kind, Target string
		Direct       int `json:"direct"`
		Hits         []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("json: %v (exit %d)", err, code)
	}
	if r.Kind != "region-cut" || r.Target != "aws:eu-central-1" || r.Direct != 1 || r.Hits[0].ID != "train-cluster" {
		t.Errorf("region cut %+v", r)
	}
	out, _, code = runAtRoot(t, "scenario", riskFixture, "--sweep", "--kind", "provider-exit", "--limit", "3", "-f", "markdown")
	if code != 0 || !strings.Contains(out, "| 1 | provider-exit:eon |") || strings.Contains(out, "compel:") || !strings.Contains(out, "more scenarios (use --limit)") {
		t.Errorf("sweep exit %d:\n%s", code, out)
	}
	out, _, code = runAtRoot(t, "scenario", riskFixture, "--list", "--kind", "compel")
	if code != 0 || !strings.Contains(out, "us-orders\tdeclared") || !strings.Contains(out, "compel:US\tbuilt-in") || strings.Contains(out, "provider-exit") {
		t.Errorf("list exit %d:\n%s", code, out)
	}
}

// TestE2ERiskErrors: bad usage and bad input exit 2 with a clear message.
func TestE2ERiskErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scenario", riskFixture}, "give a scenario NAME after the inventory"},
		{[]string{"scenario", riskFixture, "flood:DE"}, `unknown kind "flood"`},
		{[]string{"scenario", riskFixture, "provider-exit:nobody"}, `no component depends on provider "nobody"`},
		{[]string{"scenario", riskFixture, "--sweep", "--list"}, "exclude each other"},
		{[]string{"scenario", riskFixture, "--sweep", "--kind", "flood"}, `unknown --kind "flood"`},
		{[]string{"vendors", riskFixture, "--format", "pdf"}, `unknown --format "pdf"`},
		{[]string{"graph", riskFixture, "--jurisdiction", "XX"}, `unknown jurisdiction "XX"`},
		{[]string{"graph", "no/such/inventory.yaml"}, "no/such/inventory.yaml"},
		{[]string{"vendors"}, "needs a subcommand (compare) or a FILE|DIR to read"},
		{[]string{"vendors", "compar", riskFixture}, `unknown command "compar" for sovmap vendors; did you mean compare?`},
	}
	for _, tt := range tests {
		_, stderr, code := runAtRoot(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	// A broken inventory names the file, line and column.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\norganization: {home: DE}\ncomponents:\n  - id: a\n    layer: compute\n    depends_on: [ghost]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runAtRoot(t, "vendors", bad)
	if code != 2 || !strings.Contains(stderr, "bad.yaml:6:") || !strings.Contains(stderr, "ghost") {
		t.Errorf("bad inventory: exit %d, stderr %q", code, stderr)
	}
}

// TestE2EVendorsFrameworkScores: the register scores the inventory's
// framework assessments with the framework package.
func TestE2EVendorsFrameworkScores(t *testing.T) {
	out, stderr, code := runAtRoot(t, "vendors", "examples/embassy-host-comparison/inventory.yaml", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The example's operators are candidates: assessed, not yet used.
	var reg struct {
		Candidates []struct {
			ID         string `json:"id"`
			Frameworks []struct {
				Framework string  `json:"framework"`
				Score     float64 `json:"score"`
				LevelName string  `json:"level_name"`
			} `json:"frameworks"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatal(err)
	}
	for _, p := range reg.Candidates {
		if p.ID != "lu-ai-operator" {
			continue
		}
		if len(p.Frameworks) == 0 || p.Frameworks[0].Framework != "eu-csf" || p.Frameworks[0].Score <= 0 || p.Frameworks[0].LevelName == "" {
			t.Errorf("lu-ai-operator frameworks %+v", p.Frameworks)
		}
		return
	}
	t.Errorf("no lu-ai-operator in the register")
}
