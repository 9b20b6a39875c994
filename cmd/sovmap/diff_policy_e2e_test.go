package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffPolicyEndToEnd changes the bank's transfer policy in its YAML
// (a restricted list, a rule's level, a declared class's level) and runs
// the binary: every format of 'sovmap diff' names each change, a policy
// change alone does not fail the gate, and a saved assessment as the
// baseline says the policy was not compared.
func TestDiffPolicyEndToEnd(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "bank-dora", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("the bank example changed: %q is gone; update this test", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	const trusted = "  trusted: [EU, EEA, CH, GB]\n"
	const class = "  data_classes:\n    - {id: payments.card, level: 2, category: security, reason: card scheme rules}\n"
	base := edit(string(src), trusted, trusted+"  restricted: [RU, BY]\n"+class)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("old.yaml", base)
	// Policy only: restrict CN (where no component is) and require level 3
	// for card data (which no component holds).
	policyOnly := edit(base, "restricted: [RU, BY]", "restricted: [RU, BY, CN]")
	policyOnly = edit(policyOnly, "{id: payments.card, level: 2,", "{id: payments.card, level: 3,")
	write("policy.yaml", policyOnly)
	// A rule's level: it moves a component's required level too.
	write("rule.yaml", edit(base, "    require: 2\n", "    require: 3\n"))
	if _, stderr, code := runBin(t, dir, "assess", "old.yaml", "--format", "json", "-o", "old.json", "--fail-on", "0"); code != 0 {
		t.Fatalf("saving the baseline exited %d: %s", code, stderr)
	}

	stdout, stderr, code := runBin(t, dir, "diff", "old.yaml", "policy.yaml")
	if code != 0 {
		t.Fatalf("a policy change alone exited %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		"2 transfer policy changes", "PASS",
		"jurisdictions: CN: tier\n    was: neutral: no trust or restriction applies (default)\n    now: restricted: listed as restricted by the organization (CN) (policy)",
		"data classes: payments.card: level required\n    was: 2 safeguarded\n    now: 3 sovereign-partner",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	stdout, _, _ = runBin(t, dir, "diff", "old.yaml", "policy.yaml", "--format", "markdown")
	for _, want := range []string{
		"### Transfer policy changed",
		"| jurisdictions | CN | tier | neutral: no trust or restriction applies (default) | restricted: listed as restricted by the organization (CN) (policy) |",
		"| data classes | payments.card | level required | 2 safeguarded | 3 sovereign-partner |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("markdown lacks %q:\n%s", want, stdout)
		}
	}

	var d struct {
		Policy struct {
			Compared bool `json:"compared"`
			Changes  []struct {
				Section, Subject, Change, Old, New string
			} `json:"changes"`
		} `json:"policy"`
		Moved []struct{ ID, Field string } `json:"moved"`
	}
	stdout, _, code = runBin(t, dir, "diff", "old.yaml", "rule.yaml", "--format", "json")
	if code != 1 {
		t.Errorf("the rule's new level opens a gap: exit %d, want 1", code)
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !d.Policy.Compared || len(d.Policy.Changes) != 1 {
		t.Fatalf("policy = %+v", d.Policy)
	}
	if c := d.Policy.Changes[0]; c.Section != "rules" || c.Subject != "dora-exit-plan" || c.Change != "level required" || c.Old != "2 safeguarded" || c.New != "3 sovereign-partner" {
		t.Errorf("change = %+v", c)
	}
	if len(d.Moved) == 0 {
		t.Error("the rule moved no required level")
	}

	stdout, _, _ = runBin(t, dir, "diff", "old.json", "policy.yaml")
	if !strings.Contains(stdout, "Transfer policy not compared: old.json is a saved assessment") {
		t.Errorf("a saved baseline does not say the policy was not compared:\n%s", stdout)
	}
	stdout, _, _ = runBin(t, dir, "diff", "old.json", "policy.yaml", "--format", "json")
	d.Policy.Compared = true
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || d.Policy.Compared {
		t.Errorf("json against a saved baseline: compared %v (%v)", d.Policy.Compared, err)
	}
}
