package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	exEE    = "examples/embassy-estonia-luxembourg/inventory.yaml"
	exMC    = "examples/embassy-monaco-luxembourg/inventory.yaml"
	exHosts = "examples/embassy-host-comparison/inventory.yaml"
	exAI    = "examples/embassy-ai-compute"
)

func readRepoFileE2E(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestE2EEmbassy(t *testing.T) {
	runCLICases(t, []cliCase{
		{name: "score the Estonian embassy", args: []string{"embassy", "score", exEE, "ee-lu"},
			stdout: []string{"T3 protected", "yes: qualifies as a digital embassy", "Clauses to negotiate"}, goldenFile: "embassy/testdata/golden/score-ee-lu.txt"},
		{name: "score as markdown", args: []string{"embassy", "score", exMC, "mc-lu", "--format", "markdown"},
			goldenFile: "embassy/testdata/golden/score-mc-lu.md"},
		{name: "gate in CI", args: []string{"embassy", "score", exMC, "mc-lu", "--fail-unless-qualifies"}, code: 1,
			stdout: []string{"Missing answers, counted as the worst: incident-notice, capacity"},
			stderr: []string{"sovmap: arrangement mc-lu does not qualify as a digital embassy"}},
		{name: "compare three hosts", args: []string{"embassy", "compare", exHosts, "host-lu", "host-no", "host-ae", "--weights", "ai-compute"},
			goldenFile: "embassy/testdata/golden/compare-hosts.txt"},
		{name: "compare as html", args: []string{"embassy", "compare", exHosts, "host-lu", "host-no", "host-ae", "--weights", "ai-compute", "--format", "html"},
			goldenFile: "embassy/testdata/golden/compare-hosts.html"},
		{name: "unknown arrangement", args: []string{"embassy", "score", exEE, "ee-fi"}, code: 2,
			stderr: []string{`sovmap: no arrangement "ee-fi" in the inventory (have ee-lu)`}},
		{name: "unknown format", args: []string{"embassy", "score", exEE, "ee-lu", "--format", "pdf"}, code: 2,
			stderr: []string{`unknown --format "pdf"`}},
		{name: "unknown weight set", args: []string{"embassy", "score", exEE, "ee-lu", "--weights", "heavy"}, code: 2,
			stderr: []string{`no weight set "heavy" (have balanced, registers, ai-compute)`}},
		{name: "compare needs two ids", args: []string{"embassy", "compare", exHosts, "host-lu"}, code: 2,
			stderr: []string{"requires at least 3 arg(s)"}},
		// US accelerators hosted in the UAE: 88 FR 73458 requires a licence
		// (D:1/D:4), which sovmap reads as capacity guaranteed in part.
		{name: "accelerators under a licence requirement", args: []string{"embassy", "score", exAI, "gpu-ae", "--on", "2026-12-05", "--fail-unless-qualifies"}, code: 1,
			stdout: []string{"Tier          T2 safeguarded (weakest link: capacity)", "capacity                partial (inventory)", "gpus-ae from nvidia (controlled from US)", "licence required, reviewed case by case (us-acs-2023-d1-d4, 88 FR 73458", "marked contested", "sovmap's reading", "Note: capacity: the answer yes claims more than the inventory allows"},
			stderr: []string{"sovmap: arrangement gpu-ae does not qualify as a digital embassy: its weakest-link tier T2 (safeguarded) is below T3, set by capacity"}},
		// The same accelerators in Luxembourg: under the AI diffusion rule's
		// Tier 2 in March 2025, under no rule after its rescission.
		{name: "accelerators under the AI diffusion rule", args: []string{"embassy", "score", exAI, "gpu-lu", "--on", "2025-03-01"},
			stdout: []string{"capacity                partial (inventory)", "Tier 2 (all other countries): exports within country quotas (us-ai-diffusion-tier2, 90 FR 4544", "Qualifies     no"}},
		{name: "accelerators after the rescission", args: []string{"embassy", "score", exAI, "gpu-lu", "--on", "2026-12-05", "--fail-unless-qualifies"},
			stdout: []string{"Qualifies     yes", "inventory allows at most yes", "records no export control of US on advanced AI accelerators to LU", "no longer in force: us-ai-diffusion-tier2", "rescinded by BIS on 13 May 2025", "contested in form"}},
		{name: "accelerators of unknown origin are asked about", args: []string{"embassy", "score", exAI, "gpu-no", "--on", "2026-12-05"},
			stdout: []string{"capacity                yes ", "Question: capacity: Which country controls nordic-integrator, the vendor of the accelerators gpus-no?"}},
		{name: "compare as JSON carries the question", args: []string{"embassy", "compare", exAI, "gpu-lu", "gpu-ae", "gpu-no", "--on", "2026-12-05", "--format", "json"},
			stdout: []string{`"ranking": [` + "\n" + `    "gpu-lu",` + "\n" + `    "gpu-no",` + "\n" + `    "gpu-ae"`, `"questions": [`}},
		{name: "bad --on", args: []string{"embassy", "score", exAI, "gpu-ae", "--on", "2025-13-01"}, code: 2,
			stderr: []string{`sovmap: --on "2025-13-01": want a date YYYY-MM-DD`}},
		{name: "list frameworks", args: []string{"framework", "list"},
			goldenFile: "framework/testdata/golden/list.txt"},
		{name: "show the EU framework", args: []string{"framework", "show", "eu-csf"},
			goldenFile: "framework/testdata/golden/show-eu-csf-2026.md"},
		{name: "show the EU framework v1.2.1", args: []string{"framework", "show", "eu-csf@1.2.1"},
			goldenFile: "framework/testdata/golden/show-eu-csf-1.2.1.md"},
		{name: "score a vendor on EU CSF, 2026 weights", args: []string{"framework", "score", exHosts, "--framework", "eu-csf@1.2.1", "--provider", "lu-ai-operator", "--weights", "2026"},
			stdout: []string{"Answers from  lu-ai-operator-csf at examples/embassy-host-comparison/inventory.yaml:"}},
		{name: "SecNumCloud gate", args: []string{"framework", "score", exHosts, "--framework", "secnumcloud", "--provider", "no-ai-operator", "--min-level", "1"}, code: 1,
			stdout: []string{"snc-foreign-share-total   45 (inventory)"}, stderr: []string{"sovmap: no-ai-operator on secnumcloud@3.2 fails 1 minimum: the overall level at not-met, below the required met"}},
		{name: "provider without an assessment is scored from facts", args: []string{"framework", "score", exHosts, "--framework", "secnumcloud", "--provider", "lu-ai-operator"},
			stdout: []string{"snc-seat-eu               yes (inventory)", "only inventory facts answer"}},
		{name: "arrangement framework is not for vendors", args: []string{"framework", "score", exHosts, "--framework", "digital-embassy", "--provider", "ria"}, code: 2,
			stderr: []string{"framework digital-embassy scores arrangements: use sovmap embassy score"}},
		{name: "unknown framework", args: []string{"framework", "show", "c5"}, code: 2,
			stderr: []string{`unknown framework "c5" (have digital-embassy, eu-csf, eu-csf@1.2.1, eu-csf@2026, gaia-x, secnumcloud)`}},
		{name: "unknown provider", args: []string{"framework", "score", exHosts, "--framework", "eu-csf", "--provider", "acme"}, code: 2,
			stderr: []string{`unknown provider "acme"`}},
	})
}

func TestE2EEmbassyJSON(t *testing.T) {
	stdout, stderr, code := runAtRoot(t, "embassy", "compare", exHosts, "host-ae", "host-lu", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Ranking      []string `json:"ranking"`
		Arrangements []struct {
			Arrangement string `json:"arrangement"`
			Qualifies   bool   `json:"qualifies"`
			Result      struct {
				LevelName string   `json:"level_name"`
				Missing   []string `json:"missing"`
			} `json:"result"`
			Clauses []struct {
				Criterion, Priority, Text string
			} `json:"clauses"`
		} `json:"arrangements"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if strings.Join(out.Ranking, ",") != "host-lu,host-ae" {
		t.Errorf("ranking = %v", out.Ranking)
	}
	ae := out.Arrangements[0]
	if ae.Arrangement != "host-ae" || ae.Qualifies || ae.Result.LevelName != "T0" || len(ae.Result.Missing) != 2 {
		t.Errorf("host-ae = %+v", ae)
	}
	if len(ae.Clauses) == 0 || ae.Clauses[0].Priority != "must" || ae.Clauses[0].Text == "" {
		t.Errorf("host-ae clauses = %+v", ae.Clauses)
	}
}

// TestE2EBadAnswersArePositioned feeds an arrangement with answers off the
// ladder: the error names the file, line and column, and the exit code is 2.
func TestE2EBadAnswersArePositioned(t *testing.T) {
	dir := t.TempDir()
	inv := `version: 1
organization: {name: Test, home: EE}
components:
  - {id: c, layer: storage, locations: [LU], arrangement: lux}
arrangements:
  - id: lux
    host: LU
    guest: EE
    answers:
      immunity: total
      inviolabilty: "yes"
`
	path := filepath.Join(dir, "inv.yaml")
	if err := os.WriteFile(path, []byte(inv), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"embassy", "score", abs, "lux"}, {"framework", "check", abs}} {
		_, stderr, code := runAtRoot(t, args...)
		if code != 2 {
			t.Fatalf("%v: exit %d, want 2: %s", args, code, stderr)
		}
		for _, w := range []string{"inv.yaml:6:5: arrangement lux", `answer to unknown criterion "inviolabilty" (did you mean inviolability?)`, `criterion immunity: answer "total" is not on its ladder (none, partial, full)`} {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, w, stderr)
			}
		}
	}
	stdout, stderr, code := runAtRoot(t, "framework", "check", exHosts)
	if code != 0 || stdout != "ok: 3 arrangements and 3 assessments answer their frameworks\n" {
		t.Errorf("framework check on a valid inventory: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestE2EFrameworksOverlay(t *testing.T) {
	dir := t.TempDir()
	mine := `id: house
name: House rules
version: "1"
subject: provider
sources: [{title: our procurement policy, checked: "2026-07-01"}]
levels: [{id: fail, name: fail}, {id: pass, name: pass}]
weight_sets: [{id: only, weights: {d: 1}}]
dimensions:
  - id: d
    name: Exit
    criteria:
      - {id: exit-plan, title: Tested exit plan, kind: yes-no, clause: Ask for a tested exit plan.}
`
	if err := os.WriteFile(filepath.Join(dir, "house.yaml"), []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runAtRoot(t, "framework", "list", "--frameworks", dir)
	if code != 0 || !strings.Contains(stdout, "house@1                 house            providers") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("id: broken\nlevels: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runAtRoot(t, "framework", "list", "--frameworks", dir)
	if code != 2 || !strings.Contains(stderr, "broken.yaml") {
		t.Errorf("broken overlay: exit %d, stderr %s", code, stderr)
	}
}
