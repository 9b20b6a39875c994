package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// gateInventory is the baseline inventory of TestGateEveryBaselineForm:
// each component is there for one change of gateChanges.
const gateInventory = `version: 1
organization: {name: Gate test, home: DE}
components:
  - id: portal
    layer: application
    provider: stackit
    locations: [DE]
    operated_from: [DE]
    data: [personal.health]
    criticality: high
  - id: records
    layer: storage
    provider: aws-emea
    locations: [aws:eu-central-1]
    operated_from: [IE, US]
    data: [personal.health]
    key_custody: provider
  - id: old-cache
    layer: storage
    provider: aws-emea
    locations: [aws:eu-central-1]
    operated_from: [IE, US]
    data: [internal]
    key_custody: provider
  - id: blob-store
    layer: storage
    provider: aws-emea
    locations: [aws:eu-central-1]
    operated_from: [IE, US]
    data: [personal]
    key_custody: provider
  - id: vault
    layer: storage
    provider: aws-emea
    locations: [aws:eu-central-1]
    operated_from: [IE]
    data: [internal]
    key_custody: domestic-hsm
  - id: us-reports
    layer: application
    provider: aws-emea
    locations: [US]
    operated_from: [US]
flows:
  - {id: portal-to-records, from: portal, to: records, data: [personal.health]}
`

// gateChanges are the candidate inventories: one change each.
var gateChanges = []struct{ name, old, new string }{
	{"unchanged", "", ""},
	// portal is now also operated from Russia: its gap grows from 2 to 3.
	{"worse", "    operated_from: [DE]\n    data: [personal.health]", "    operated_from: [DE, RU]\n    data: [personal.health]"},
	// records holds personal instead of health data: gap 2 to 1.
	{"better", "    operated_from: [IE, US]\n    data: [personal.health]", "    operated_from: [IE, US]\n    data: [personal]"},
	{"added", "  - id: vault\n", "  - id: analytics\n    layer: compute\n    provider: aws-emea\n    locations: [aws:eu-central-1]\n    data: [personal]\n  - id: vault\n"},
	{"removed", "  - id: old-cache\n    layer: storage\n    provider: aws-emea\n    locations: [aws:eu-central-1]\n    operated_from: [IE, US]\n    data: [internal]\n    key_custody: provider\n", ""},
	{"flow", "flows:\n", "flows:\n  - {id: records-to-reports, from: records, to: us-reports, data: [personal.health], mechanism: none}\n"},
	{"renamed", "  - id: blob-store\n", "  - id: object-store\n    renamed_from: [blob-store]\n"},
	{"undeclared", "  - id: blob-store\n", "  - id: object-store\n"},
	// vault's keys move from a domestic HSM into the provider's key
	// service: the US exposure is no longer mitigated.
	{"keys", "    data: [internal]\n    key_custody: domestic-hsm", "    data: [internal]\n    key_custody: customer-managed"},
}

// gateOutcome is what the comparison of one change must find, the same
// whatever form the baseline was saved in.
type gateOutcome struct {
	code                 int
	newFindings, worse   []string // kind/subject(/jurisdiction)
	better, resolved     int
	renamed, undeclared  []string // old>new
	added, removed       []string
	newViolations        []string
	stderr, stdoutSubstr string
}

var gateWant = map[string]gateOutcome{
	"unchanged": {code: 0},
	"worse": {code: 1, worse: []string{"gap/portal"}, newFindings: []string{"restricted-jurisdiction/portal/RU"},
		stderr: "1 finding new or worse than BASE at --fail-on 1", stdoutSubstr: "gap/portal gap 3"},
	"better":     {code: 0, better: 1},
	"added":      {code: 1, added: []string{"analytics"}, newFindings: []string{"gap/analytics", "foreign-exposure/analytics/US"}, stderr: "1 finding new or worse"},
	"removed":    {code: 0, removed: []string{"old-cache"}, resolved: 1},
	"flow":       {code: 1, newFindings: []string{"flow-violation/records-to-reports"}, newViolations: []string{"records-to-reports"}, stderr: "1 finding new or worse"},
	"renamed":    {code: 0, renamed: []string{"blob-store>object-store"}, stdoutSubstr: "Renamed (compared with their former selves)"},
	"undeclared": {code: 1, undeclared: []string{"blob-store>object-store"}, added: []string{"object-store"}, removed: []string{"blob-store"}, resolved: 2, newFindings: []string{"gap/object-store", "foreign-exposure/object-store/US"}, stdoutSubstr: "Possibly renamed, not declared"},
	// Exposure informs, it does not gate: the regression is a worse
	// finding (a mitigated note becomes a warning), exit 0.
	"keys": {code: 0, worse: []string{"foreign-exposure/vault/US"}},
}

// TestGateEveryBaselineForm saves the baseline in each form docs/ci.md
// allows (plain JSON, json-full, the inventory itself), makes each change
// of gateChanges, and checks that every form gives the same verdict: the
// one the change calls for, written down by hand in gateWant.
func TestGateEveryBaselineForm(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("base.yaml", gateInventory)
	for _, c := range gateChanges {
		if c.old != "" && !strings.Contains(gateInventory, c.old) {
			t.Fatalf("change %s: %q is not in the inventory", c.name, c.old)
		}
		write(c.name+".yaml", strings.Replace(gateInventory, c.old, c.new, 1))
	}
	for _, f := range []string{"json", "json-full"} {
		if _, stderr, code := runBin(t, dir, "assess", "base.yaml", "--format", f, "-o", "base."+f, "--fail-on", "0"); code != 0 {
			t.Fatalf("saving the %s baseline: exit %d: %s", f, code, stderr)
		}
	}
	for _, base := range []string{"base.json", "base.json-full", "base.yaml"} {
		for _, c := range gateChanges {
			want := gateWant[c.name]
			t.Run(base+"/"+c.name, func(t *testing.T) {
				stdout, stderr, code := runBin(t, dir, "diff", base, c.name+".yaml", "--format", "json")
				if code != want.code {
					t.Fatalf("exit %d, want %d\n%s\n%s", code, want.code, stdout, stderr)
				}
				if msg := strings.ReplaceAll(want.stderr, "BASE", base); !strings.Contains(stderr, msg) {
					t.Errorf("stderr %q lacks %q", stderr, msg)
				}
				var raw map[string]json.RawMessage
				if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, stdout)
				}
				findings := func(key string) []string {
					var fs []struct{ Kind, Subject, Jurisdiction string }
					if err := json.Unmarshal(raw[key], &fs); err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					var out []string
					for _, f := range fs {
						k := f.Kind + "/" + f.Subject
						if f.Jurisdiction != "" {
							k += "/" + f.Jurisdiction
						}
						out = append(out, k)
					}
					return out
				}
				check := func(what string, got, want []string) {
					slices.Sort(got)
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("%s = %v, want %v", what, got, want)
					}
				}
				check("new findings", findings("new_findings"), want.newFindings)
				check("worse findings", findings("worse_findings"), want.worse)
				if n := len(findings("better_findings")); n != want.better {
					t.Errorf("%d better findings, want %d", n, want.better)
				}
				if n := len(findings("resolved_findings")); n != want.resolved {
					t.Errorf("%d resolved findings, want %d", n, want.resolved)
				}
				pairs := func(key string) []string {
					var rs []struct{ From, To string }
					if err := json.Unmarshal(raw[key], &rs); err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					var out []string
					for _, r := range rs {
						out = append(out, r.From+">"+r.To)
					}
					return out
				}
				check("renamed", pairs("renamed"), want.renamed)
				check("undeclared renames", pairs("undeclared_renames"), want.undeclared)
				ids := func(key string) []string {
					var cs []struct{ ID string }
					if err := json.Unmarshal(raw[key], &cs); err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					var out []string
					for _, c := range cs {
						out = append(out, c.ID)
					}
					return out
				}
				check("added", ids("added"), want.added)
				check("removed", ids("removed"), want.removed)
				check("new violations", ids("new_violations"), want.newViolations)
				if want.stdoutSubstr != "" {
					table, _, _ := runBin(t, dir, "diff", base, c.name+".yaml")
					if !strings.Contains(table, want.stdoutSubstr) {
						t.Errorf("the table lacks %q:\n%s", want.stdoutSubstr, table)
					}
				}
			})
		}
	}
}

// TestGateThresholds checks --fail-on and --fail-on-worse against the
// changes of TestGateEveryBaselineForm, with a plain JSON baseline and
// through both commands that gate.
func TestGateThresholds(t *testing.T) {
	dir := t.TempDir()
	for _, c := range gateChanges {
		if err := os.WriteFile(filepath.Join(dir, c.name+".yaml"), []byte(strings.Replace(gateInventory, c.old, c.new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, stderr, code := runBin(t, dir, "assess", "unchanged.yaml", "--format", "json", "-o", "base.json", "--fail-on", "0"); code != 0 {
		t.Fatalf("saving the baseline: %s", stderr)
	}
	tests := []struct {
		change string
		flags  []string
		code   int
		stderr string
	}{
		// The gap of portal grew from 2 to 3.
		{"worse", []string{"--fail-on", "3"}, 1, "1 finding new or worse than"},
		{"worse", []string{"--fail-on", "3"}, 1, "base.json at --fail-on 3"},
		{"worse", []string{"--fail-on", "4"}, 0, ""},
		{"worse", []string{"--fail-on", "4", "--fail-on-worse", "1"}, 1, "at --fail-on 4 --fail-on-worse 1"},
		{"worse", []string{"--fail-on", "4", "--fail-on-worse", "2"}, 0, ""},
		// Its own and effective levels fell from 1 to 0.
		{"worse", []string{"--fail-on", "0", "--fail-on-worse", "1"}, 1, "and 2 levels fallen by 1 or more since"},
		{"worse", []string{"--fail-on", "0"}, 0, ""},
		// A new component's gap (2) counts from 0.
		{"added", []string{"--fail-on", "4", "--fail-on-worse", "2"}, 1, "1 finding new or worse"},
		{"added", []string{"--fail-on", "4", "--fail-on-worse", "3"}, 0, ""},
		// A flow violation fails at any threshold, with either test on.
		{"flow", []string{"--fail-on", "4"}, 1, "1 finding new or worse"},
		{"flow", []string{"--fail-on", "0", "--fail-on-worse", "4"}, 1, "1 finding new or worse"},
		{"flow", []string{"--fail-on", "0"}, 0, ""},
		{"better", []string{"--fail-on", "1", "--fail-on-worse", "1"}, 0, ""},
		{"keys", []string{"--fail-on", "1", "--fail-on-worse", "1"}, 0, ""},
		// An undeclared rename is an addition: --rename declares it.
		{"undeclared", []string{"--rename", "blob-store=object-store"}, 0, ""},
		{"undeclared", []string{"--rename", "nothing=object-store"}, 2, `the baseline has no component "nothing"`},
		{"undeclared", []string{"--rename", "blob-store"}, 2, "want OLD=NEW"},
		{"unchanged", []string{"--fail-on-worse", "5"}, 2, "--fail-on-worse must be from 0 (off) to 4"},
	}
	for _, tt := range tests {
		for _, cmd := range [][]string{
			{"diff", "base.json", tt.change + ".yaml"},
			{"assess", tt.change + ".yaml", "--baseline", "base.json", "--format", "json", "-o", "out.json", "--force"},
		} {
			args := append(slices.Clone(cmd), tt.flags...)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				stdout, stderr, code := runBin(t, dir, args...)
				if code != tt.code {
					t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, stdout, stderr)
				}
				if !strings.Contains(stderr, tt.stderr) {
					t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
				}
			})
		}
	}
}

// TestGateRefusesBadBaselines: a baseline cut short, a JSON file of
// another kind and one saved without exposure details are refused (exit 2)
// with the file, line and column, for diff and assess --baseline alike.
func TestGateRefusesBadBaselines(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "inv.yaml"), []byte(gateInventory), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBin(t, dir, "assess", "inv.yaml", "--format", "json", "-o", "full.json", "--fail-on", "0"); code != 0 {
		t.Fatalf("saving the baseline: %s", stderr)
	}
	full, err := os.ReadFile(filepath.Join(dir, "full.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A saved assessment without exposure_details, as sovmap wrote them
	// before they were part of the plain JSON.
	old := regexp.MustCompile(`,"exposure_details":\[[^\]]*\]`).ReplaceAll(full, nil)
	if len(old) == len(full) {
		t.Fatal("the baseline has no exposure_details to strip")
	}
	files := map[string][]byte{
		"cut.json":     full[:len(full)/2],
		"foreign.json": []byte("{\n  \"name\": \"not an assessment\"\n}\n"),
		"list.json":    []byte("[1, 2]\n"),
		"old.json":     old,
		// Lines count from the top of the file, blank lines included;
		// columns count characters ("Zürich" is 8, in 9 bytes).
		"blank-lines.json": []byte("\n\n{\"summary\": ,}\n"),
		"zurich.json":      []byte(`{"organization": "Zürich", "summary": ,}`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ file, want string }{
		{"cut.json", `^cut\.json:\d+:\d+: not a sovmap assessment`},
		{"foreign.json", `^foreign\.json:1:1: not a sovmap assessment`},
		{"list.json", `^list\.json:1:1: not a sovmap assessment`},
		{"blank-lines.json", `^blank-lines\.json:3:13: not a sovmap assessment`},
		{"zurich.json", `^zurich\.json:1:39: not a sovmap assessment`},
		{"old.json", `^old\.json:\d+:\d+: component [a-z-]+: foreign exposure \(US\) without exposure_details.*incomplete baseline`},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{"diff", tt.file, "inv.yaml"}, {"assess", "inv.yaml", "--baseline", tt.file}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				_, stderr, code := runBin(t, dir, args...)
				if code != 2 {
					t.Fatalf("exit %d, want 2: %s", code, stderr)
				}
				msg := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(stderr), "sovmap: "), "--baseline: ")
				if !regexp.MustCompile(tt.want).MatchString(msg) {
					t.Errorf("message %q does not match %s", msg, tt.want)
				}
				if strings.Contains(stderr, "expected an object") {
					t.Errorf("read as an inventory: %s", stderr)
				}
			})
		}
	}
}
