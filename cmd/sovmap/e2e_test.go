package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// e2eBin is the sovmap binary TestMain builds once for the end-to-end tests.
var e2eBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sovmap-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	e2eBin = filepath.Join(dir, "sovmap")
	if out, err := exec.Command("go", "build", "-o", e2eBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building sovmap: %v\n%s", err, out)
		return 2
	}
	return m.Run()
}

// runBin runs the binary in dir and returns stdout, stderr and the exit code.
func runBin(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	return runBinIn(t, dir, "", args...)
}

// runAtRoot runs the binary from the module root, where the examples are.
func runAtRoot(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runBinIn(t, filepath.Join("..", ".."), "", args...)
}

// runBinIn runs the binary in dir with stdin as its input and returns
// stdout, stderr and the exit code.
func runBinIn(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(e2eBin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return stdout.String(), stderr.String(), ee.ExitCode()
	case err != nil:
		t.Fatalf("running sovmap %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), 0
}

// repoRoot is the module root, where the examples are.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// exampleInventories lists the example inventories, relative to the root.
func exampleInventories(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"examples/*/inventory.yaml", "examples/*/inventory.json"} {
		m, err := filepath.Glob(filepath.Join(repoRoot(t), pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(repoRoot(t), p)
			out = append(out, rel)
		}
	}
	if len(out) < 3 {
		t.Fatalf("only %d example inventories found", len(out))
	}
	return out
}

// assessment is the part of `assess --format json` the tests read.
type assessment struct {
	Components []struct {
		ID       string   `json:"id"`
		Gap      int      `json:"gap"`
		Level    int      `json:"level"`
		Sourcing string   `json:"sourcing"`
		Binding  []string `json:"binding"`
		Reasons  []any    `json:"reasons"`
	} `json:"components"`
	Flows []struct {
		Verdict string `json:"verdict"`
	} `json:"flows"`
	Summary struct {
		Components int `json:"components"`
		Gaps       int `json:"gaps"`
		MaxGap     int `json:"max_gap"`
		Violations int `json:"violations"`
		Unmet      int `json:"unmet_conditions"`
	} `json:"summary"`
}

func assessJSON(t *testing.T, dir, path string) assessment {
	t.Helper()
	out, stderr, code := runBin(t, dir, "assess", path, "--format", "json", "--fail-on", "0")
	if code != 0 {
		t.Fatalf("assess %s: exit %d: %s", path, code, stderr)
	}
	var a assessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("assess %s --format json: %v\n%s", path, err, out)
	}
	return a
}

func TestE2EInitValidateAssess(t *testing.T) {
	dir := t.TempDir()
	printed, _, code := runBin(t, dir, "init")
	if code != 0 || !strings.Contains(printed, "version: 1") {
		t.Fatalf("init to stdout: exit %d\n%s", code, printed)
	}
	_, stderr, code := runBin(t, dir, "init", "inventory.yaml")
	if code != 0 || stderr != "wrote inventory.yaml; next: sovmap assess inventory.yaml\n" {
		t.Fatalf("init inventory.yaml: exit %d, stderr %q", code, stderr)
	}
	written, err := os.ReadFile(filepath.Join(dir, "inventory.yaml"))
	if err != nil || string(written) != printed {
		t.Fatalf("the file init writes differs from what it prints (%v)", err)
	}
	_, stderr, code = runBin(t, dir, "init", "inventory.yaml")
	if code != 2 || stderr != "sovmap: inventory.yaml already exists (use --force to overwrite it)\n" {
		t.Errorf("init over an existing file: exit %d, stderr %q", code, stderr)
	}
	if _, _, code = runBin(t, dir, "init", "--force", "inventory.yaml"); code != 0 {
		t.Errorf("init --force: exit %d", code)
	}

	out, stderr, code := runBin(t, dir, "validate", "inventory.yaml")
	if code != 0 || !strings.HasPrefix(out, "ok: 3 components, 2 providers, 1 flow,") {
		t.Errorf("validate: exit %d, %q %q", code, out, stderr)
	}
	// The starting inventory has a finding to show: a gap of 2.
	out, stderr, code = runBin(t, dir, "assess", "inventory.yaml")
	if code != 1 || !strings.Contains(out, "train-cluster") || !strings.Contains(stderr, "1 finding at or above --fail-on 1") {
		t.Errorf("assess: exit %d\n%s\n%s", code, out, stderr)
	}
	if _, _, code = runBin(t, dir, "assess", "inventory.yaml", "--fail-on", "3"); code != 0 {
		t.Errorf("assess --fail-on 3: exit %d, want 0 (the largest gap is 2)", code)
	}
}

// TestE2EExamples runs validate, assess and explain on every example. The
// gate, every format and directory input are checked in full on the first
// example, to keep the suite fast; the others get the default gate and the
// human and machine formats.
func TestE2EExamples(t *testing.T) {
	root := repoRoot(t)
	for i, ex := range exampleInventories(t) {
		first := i == 0
		t.Run(filepath.Base(filepath.Dir(ex)), func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runBin(t, root, "validate", ex)
			if code != 0 || !strings.HasPrefix(out, "ok: ") {
				t.Fatalf("validate: exit %d\n%s%s", code, out, stderr)
			}
			a := assessJSON(t, root, ex)
			if len(a.Components) == 0 || a.Summary.Components != len(a.Components) {
				t.Fatalf("%d components, summary says %d", len(a.Components), a.Summary.Components)
			}
			// Each example shows findings, except the host comparison, whose
			// one component (state compute in a qualifying embassy, exit held
			// by the EU Data Act) is clean: the example is about the hosts.
			clean := filepath.Base(filepath.Dir(ex)) == "embassy-host-comparison"
			if shows := a.Summary.Gaps > 0 || a.Summary.Violations > 0 || a.Summary.Unmet > 0; shows == clean {
				t.Errorf("gaps %d, violations %d, unmet legal conditions %d: want findings %v", a.Summary.Gaps, a.Summary.Violations, a.Summary.Unmet, !clean)
			}
			// --fail-on N: exit 1 exactly when a gap reaches N or a flow is a violation.
			gates := []int{1}
			formats := []string{"table", "markdown"}
			if first {
				gates = []int{0, 1, 2, 3, 4}
				formats = strings.Split(assessFormats().names(), ", ")
			}
			for _, n := range gates {
				want := 0
				if n > 0 && (a.Summary.MaxGap >= n || a.Summary.Violations > 0 || a.Summary.Unmet > 0) {
					want = 1
				}
				_, stderr, code := runBin(t, root, "assess", ex, "--fail-on", fmt.Sprint(n), "--format", "json")
				if code != want {
					t.Errorf("--fail-on %d: exit %d, want %d (max gap %d, %d violations) %s", n, code, want, a.Summary.MaxGap, a.Summary.Violations, stderr)
				}
			}
			// Every format writes something, and the gate does not depend on it.
			for _, format := range formats {
				out, stderr, code := runBin(t, root, "assess", ex, "--format", format, "--fail-on", "0")
				if code != 0 || len(out) == 0 {
					t.Errorf("--format %s: exit %d, %d bytes: %s", format, code, len(out), stderr)
				}
			}
			// The directory holding the example assesses the same.
			if first {
				if b := assessJSON(t, root, filepath.Dir(ex)); b.Summary != a.Summary {
					t.Errorf("directory: summary %+v, file: %+v", b.Summary, a.Summary)
				}
			}
			// explain the first component and the one with the largest gap.
			largest := 0
			for j, c := range a.Components {
				if c.Gap > a.Components[largest].Gap {
					largest = j
				}
			}
			for _, j := range []int{0, largest} {
				c := a.Components[j]
				out, stderr, code := runBin(t, root, "explain", ex, c.ID)
				if code != 0 {
					t.Errorf("explain %s: exit %d: %s", c.ID, code, stderr)
					continue
				}
				for _, want := range []string{c.ID + " (", "Factors (the own level is the weakest of them):", "control", "location",
					"operations", "legal", "keys", "exit", fmt.Sprintf("Own level: %d ", c.Level), "Required level:", fmt.Sprintf("Gap: %d", c.Gap)} {
					if !strings.Contains(out, want) {
						t.Errorf("explain %s lacks %q:\n%s", c.ID, want, out)
					}
				}
				if c.Gap > 0 && !strings.Contains(out, "to raise it: ") && !strings.Contains(out, "lowered by its dependency") {
					t.Errorf("explain %s has a gap but says nothing about what would raise it:\n%s", c.ID, out)
				}
			}
		})
	}
}

func TestE2EAssessOptions(t *testing.T) {
	root := repoRoot(t)
	ex := exampleInventories(t)[0]
	dir := t.TempDir()
	report := filepath.Join(dir, "report.md")
	out, _, code := runBin(t, root, "assess", ex, "--format", "md", "--fail-on", "0", "--output", report)
	if code != 0 || out != "" {
		t.Errorf("--output: exit %d, stdout %q", code, out)
	}
	if b, err := os.ReadFile(report); err != nil || !bytes.HasPrefix(b, []byte("# Sovereignty assessment: ")) {
		t.Errorf("--output file: %v %.40q", err, b)
	}
	_, stderr, code := runBin(t, root, "assess", ex, "--output", filepath.Join(dir, "missing", "x.md"))
	if code != 2 || !strings.HasPrefix(stderr, "sovmap: ") {
		t.Errorf("--output into a missing directory: exit %d %q", code, stderr)
	}
	for _, args := range [][]string{
		{"assess", ex, "--format", "nope"},
		{"assess", ex, "--fail-on", "5"},
		{"assess", ex, "--fail-on", "-1"},
		{"assess"},
		{"explain", ex},
		{"explain", ex, "no-such-component"},
		{"explain", ex, "x", "--format", "yaml"},
		{"schema", "extra"},
		{"no-such-command"},
	} {
		_, stderr, code := runBin(t, root, args...)
		if code != 2 || stderr == "" {
			t.Errorf("sovmap %v: exit %d, stderr %q; want exit 2 and a message", args, code, stderr)
		}
	}
	_, stderr, _ = runBin(t, root, "explain", ex, "no-such-component")
	if stderr != "sovmap: no component \"no-such-component\" in "+ex+"\n" {
		t.Errorf("explain of an unknown component: %q", stderr)
	}
	_, stderr, _ = runBin(t, root, "assess", ex, "--format", "nope")
	if !strings.HasPrefix(stderr, `sovmap: unknown --format "nope" (one of `) {
		t.Errorf("unknown format: %q", stderr)
	}
	// explain --format json writes the component's full result.
	a := assessJSON(t, root, ex)
	out, _, code = runBin(t, root, "explain", ex, a.Components[0].ID, "--format", "json")
	var one struct {
		Components []struct {
			ID      string `json:"id"`
			Factors []struct {
				Name string `json:"name"`
			} `json:"factors"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(out), &one); code != 0 || err != nil || len(one.Components) != 1 || len(one.Components[0].Factors) < 6 {
		t.Errorf("explain --format json: exit %d, %v\n%s", code, err, out)
	}
}

// TestE2EBadInput checks that bad inventories exit 2 with the file, line
// and column of each problem, for validate and assess alike.
func TestE2EBadInput(t *testing.T) {
	const head = "version: 1\norganization: {name: X, home: DE}\n"
	cases := []struct {
		name  string
		files map[string]string
		arg   string
		want  string // all of stderr
	}{
		{"unknown field", map[string]string{"inv.yaml": head + "components:\n  - {id: a, layer: storage, key_custdy: provider}\n"}, "inv.yaml",
			"sovmap: inv.yaml:4:29: unknown field \"key_custdy\" (did you mean \"key_custody\"?)\n"},
		{"unknown ids", map[string]string{"inv.yaml": head + "components:\n  - {id: a, layer: computer, provider: ghost, depends_on: [b]}\n"}, "inv.yaml",
			"sovmap: inv.yaml:4:20: component a: unknown layer \"computer\" (did you mean \"compute\"?) (one of energy, facility, hardware, compute, storage, connectivity, platform, model, data, application, security, operations)\n" +
				"inv.yaml:4:40: component a: unknown provider \"ghost\" (declare it under providers:, or use a provider of the knowledge base: sovmap kb search)\n" +
				"inv.yaml:4:60: component a: depends on unknown component \"b\"\n"},
		{"unknown region", map[string]string{"inv.json": `{"version": 1, "organization": {"name": "X", "home": "DE"},
 "components": [{"id": "a", "layer": "storage", "locations": ["aws:moon-1"]}]}`}, "inv.json",
			"sovmap: inv.json:2:63: component a: unknown region \"aws:moon-1\" (see sovmap kb search; add it under knowledge: regions, or use a country code)\n"},
		{"malformed YAML", map[string]string{"inv.yaml": "version: 1\norganization: {name: X, home: DE\n"}, "inv.yaml",
			"sovmap: inv.yaml:2:1: malformed YAML: did not find expected ',' or '}'\n"},
		{"malformed JSON", map[string]string{"inv.json": "{\"version\": 1,\n \"organization\": {\"name\": \"X\" \"home\": \"DE\"}}"}, "inv.json",
			"sovmap: inv.json:2:31: malformed JSON: invalid character '\"' after object value (expecting ',' or '}')\n"},
		{"wrong type", map[string]string{"inv.yaml": head + "components:\n  - id: a\n    layer: storage\n    migration_days: soon\n"}, "inv.yaml",
			"sovmap: inv.yaml:6:21: migration_days: expected a whole number, found \"soon\"\n"},
		{"duplicate ids across files", map[string]string{
			"inv/a.yaml": head + "components:\n  - {id: db, layer: storage}\n",
			"inv/b.yaml": "components:\n  - {id: db, layer: storage}\n"}, "inv",
			"sovmap: " + filepath.Join("inv", "b.yaml") + ":2:10: duplicate component id \"db\" (first at " + filepath.Join("inv", "a.yaml") + ":4:5)\n"},
		{"rule that does not compile", map[string]string{"inv.yaml": head + "components: []\nrules:\n  - {id: r, when: \"component.layr == 'x'\", require: 2, category: security}\n"}, "inv.yaml",
			"sovmap: inv.yaml:5:5: rule r: when: undefined field 'layr'\n | component.layr == 'x'\n | .........^\n"},
		{"empty file", map[string]string{"inv.yaml": ""}, "inv.yaml", "sovmap: inv.yaml:1:1: the file is empty\n"},
		{"missing file", nil, "nothing.yaml", "sovmap: stat nothing.yaml: no such file or directory\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, command := range []string{"validate", "assess"} {
				out, stderr, code := runBin(t, dir, command, tc.arg)
				if code != 2 || stderr != tc.want || out != "" {
					t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", command, code, out, stderr, tc.want)
				}
			}
		})
	}
}

// yamlToJSON reads a YAML inventory as the JSON value it stands for.
func yamlToJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if strings.HasSuffix(path, ".json") {
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
	} else if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s as JSON: %v", path, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestE2ESchema(t *testing.T) {
	root := repoRoot(t)
	out, stderr, code := runBin(t, root, "schema")
	if code != 0 {
		t.Fatalf("schema: exit %d: %s", code, stderr)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("schema output is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sovmap.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sovmap.schema.json")
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	// Empty lists written as bare keys (null in YAML) load, so the schema
	// accepts them too.
	dir := t.TempDir()
	nulls := filepath.Join(dir, "nulls.yaml")
	if err := os.WriteFile(nulls, []byte("version: 1\norganization:\n  name: X\n  home: DE\n  trusted:\nproviders:\ncomponents:\n  - id: a\n    layer: storage\n    tags:\n    locations:\nflows:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runBin(t, dir, "validate", "nulls.yaml"); code != 0 {
		t.Fatalf("validate nulls.yaml: %s", stderr)
	}
	valid := append(exampleInventories(t), "cmd/sovmap/init.yaml", "inventory/testdata/every-field.yaml", nulls)
	for _, p := range valid {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if err := sch.Validate(yamlToJSON(t, p)); err != nil {
			t.Errorf("%s does not satisfy the schema: %v", p, err)
		}
	}
	// The schema must refuse what the loader refuses.
	const head = "version: 1\norganization: {name: X, home: DE}\n"
	invalid := map[string]string{
		"unknown field":      head + "components:\n  - {id: a, layer: storage, colour: red}\n",
		"unknown layer":      head + "components:\n  - {id: a, layer: computee}\n",
		"missing layer":      head + "components:\n  - {id: a}\n",
		"bad dependency":     head + "components:\n  - {id: a, layer: storage, depends_on: [{kind: supply}]}\n",
		"bad key custody":    head + "components:\n  - {id: a, layer: storage, key_custody: mine}\n",
		"level out of range": head + "components: []\nrules:\n  - {id: r, when: 'true', require: 7, category: security}\n",
		"unknown top key":    head + "components: []\nextra: 1\n",
		"no organization":    "version: 1\ncomponents: []\n",
		"string version":     "version: one\norganization: {name: X, home: DE}\ncomponents: []\n",
		// Data classes and the basis of requirements.
		"malformed class":           head + "components:\n  - {id: a, layer: storage, data: [Personal Health]}\n",
		"declared below a root":     "version: 1\norganization: {name: X, home: DE, data_classes: [{id: personal.x, level: 2, category: security}]}\ncomponents: []\n",
		"declared without category": "version: 1\norganization: {name: X, home: DE, data_classes: [{id: x, level: 2}]}\ncomponents: []\n",
		"regulatory on policy":      head + "components: []\nrules:\n  - {id: r, when: 'true', require: 3, category: regulatory, basis: policy}\n",
		"law without citation":      head + "components: []\nrules:\n  - {id: r, when: 'true', require: 3, category: security, basis: law}\n",
		"unknown basis":             head + "components: []\nrules:\n  - {id: r, when: 'true', require: 3, category: security, basis: default}\n",
	}
	for name, src := range invalid {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(yamlToJSON(t, p)); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
		if _, _, code := runBin(t, dir, "validate", filepath.Base(p)); code != 2 {
			t.Errorf("%s: validate exits %d, want 2", name, code)
		}
	}
}
