package sarif

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/finding"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := sample.SharedFixture("sarif/sarif-schema-2.1.0.json")
	if path == "" {
		t.Fatal("shared fixture sarif/sarif-schema-2.1.0.json not found beside the module (../shared/fixtures)")
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile SARIF schema: %v", err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func TestWriteValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct {
		name string
		r    *sovmap.Report
		inv  *sovmap.Inventory
		opts Options
	}{
		{"sample", sample.Report(), sample.Inventory(), Options{ToolVersion: "1.2.3"}},
		{"no inventory, no positions", stripPositions(sample.Report()), nil, Options{}},
		{"empty report", &sovmap.Report{}, nil, Options{}},
		{"source root", absPositions(sample.Report(), "/repo"), nil, Options{SourceRoot: "/repo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOptions(&buf, tt.r, tt.inv, tt.opts); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, sch, buf.Bytes()); err != nil {
				t.Fatalf("output does not validate:\n%v", err)
			}
		})
	}
}

// TestSchemaRejectsBrokenLog makes sure the validation above can fail: a log
// with a result level outside the enumeration must be rejected.
func TestSchemaRejectsBrokenLog(t *testing.T) {
	sch := compileSchema(t)
	var buf bytes.Buffer
	if err := Write(&buf, sample.Report(), sample.Inventory()); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(buf.String(), `"level": "error"`, `"level": "fatal"`, 1)
	if err := validate(t, sch, []byte(broken)); err == nil {
		t.Fatal("schema accepted a result level of \"fatal\"")
	}
}

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteOptions(&buf, sample.Report(), sample.Inventory(), Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "sample.sarif")
	goldenfile.Check(t, golden, buf.Bytes())
}

type decoded struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string                `json:"ruleId"`
			RuleIndex           int                   `json:"ruleIndex"`
			Level               string                `json:"level"`
			Message             struct{ Text string } `json:"message"`
			PartialFingerprints map[string]string     `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					Name string `json:"name"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func decode(t *testing.T, r *sovmap.Report, inv *sovmap.Inventory, opts Options) decoded {
	t.Helper()
	return decodeAs[decoded](t, r, inv, opts)
}

// decodeAs writes a log and decodes it into T.
func decodeAs[T any](t *testing.T, r *sovmap.Report, inv *sovmap.Inventory, opts Options) T {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteOptions(&buf, r, inv, opts); err != nil {
		t.Fatal(err)
	}
	var d T
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestResultsPointAtInventoryLines(t *testing.T) {
	d := decode(t, sample.Report(), sample.Inventory(), Options{})
	run := d.Runs[0]
	type want struct {
		rule, level string
		line        int
	}
	got := map[string]want{}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d does not name rule %s", res.RuleIndex, res.RuleID)
		}
		loc := res.Locations[0]
		if loc.PhysicalLocation == nil {
			t.Fatalf("%s on %s has no physical location", res.RuleID, loc.LogicalLocations[0].Name)
		}
		if loc.PhysicalLocation.ArtifactLocation.URI != sample.File || loc.PhysicalLocation.ArtifactLocation.URIBaseID != SourceRootID {
			t.Errorf("artifact location = %+v, want %s relative to %s", loc.PhysicalLocation.ArtifactLocation, sample.File, SourceRootID)
		}
		got[res.RuleID+" "+loc.LogicalLocations[0].Name] = want{res.RuleID, res.Level, loc.PhysicalLocation.Region.StartLine}
	}
	checks := map[string]want{
		"sovmap/gap train-cluster":                {"sovmap/gap", "error", 18},
		"sovmap/flow-violation chat-logs":         {"sovmap/flow-violation", "error", 62},
		"sovmap/foreign-exposure support":         {"sovmap/foreign-exposure", "note", 52},
		"sovmap/foreign-exposure gpu-pool":        {"sovmap/foreign-exposure", "warning", 30},
		"sovmap/restricted-jurisdiction chat-app": {"sovmap/restricted-jurisdiction", "error", 46},
	}
	for k, w := range checks {
		if got[k] != w {
			t.Errorf("%s = %+v, want %+v", k, got[k], w)
		}
	}
}

func TestGapLevelFollowsGapSize(t *testing.T) {
	r := sample.Report()
	for i := range r.Components {
		if r.Components[i].ID == "train-cluster" {
			r.Components[i].Gap = 1
			r.Components[i].EffectiveLevel = 2
		}
	}
	d := decode(t, r, nil, Options{})
	for _, res := range d.Runs[0].Results {
		if res.RuleID == "sovmap/gap" && res.Locations[0].LogicalLocations[0].Name == "train-cluster" && res.Level != "warning" {
			t.Errorf("a gap of 1 has level %s, want warning", res.Level)
		}
	}
}

func TestFingerprintsStableAcrossRuns(t *testing.T) {
	a := decode(t, sample.Report(), sample.Inventory(), Options{})
	// Same findings, different order and a worse gap: the fingerprints of
	// the same findings must not move.
	r := sample.Report()
	r.Components[0], r.Components[len(r.Components)-1] = r.Components[len(r.Components)-1], r.Components[0]
	b := decode(t, r, nil, Options{})
	fp := func(d decoded) map[string]string {
		m := map[string]string{}
		for _, res := range d.Runs[0].Results {
			m[res.RuleID+" "+res.Locations[0].LogicalLocations[0].Name+" "+res.Level] = res.PartialFingerprints[FingerprintName]
		}
		return m
	}
	fa, fb := fp(a), fp(b)
	if len(fa) == 0 {
		t.Fatal("no results")
	}
	seen := map[string]bool{}
	for k, v := range fa {
		if v == "" {
			t.Errorf("%s has no fingerprint", k)
		}
		if fb[k] != v {
			t.Errorf("%s fingerprint moved: %s -> %s", k, v, fb[k])
		}
		seen[v] = true
	}
	if len(seen) != len(a.Runs[0].Results) {
		t.Errorf("%d distinct fingerprints for %d results", len(seen), len(a.Runs[0].Results))
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct {
		file, root, uri, base string
	}{
		{"inventory.yaml", "", "inventory.yaml", SourceRootID},
		{"./examples/a b.yaml", "", "examples/a%20b.yaml", SourceRootID},
		{"/repo/inv/x.yaml", "/repo", "inv/x.yaml", SourceRootID},
		{"/elsewhere/x.yaml", "/repo", "file:///elsewhere/x.yaml", ""},
		{"/repo2/x.yaml", "/repo", "file:///repo2/x.yaml", ""},
	}
	for _, tt := range tests {
		got := artifactURI(tt.file, tt.root)
		if got.URI != tt.uri || got.URIBaseID != tt.base {
			t.Errorf("artifactURI(%q, %q) = %+v, want {%s %s}", tt.file, tt.root, got, tt.uri, tt.base)
		}
	}
}

func TestWriteNilReport(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil, nil); err == nil {
		t.Fatal("Write(nil report) succeeded")
	}
}

func stripPositions(r *sovmap.Report) *sovmap.Report {
	for i := range r.Components {
		r.Components[i].Pos = sovmap.Pos{}
	}
	for i := range r.Flows {
		r.Flows[i].Pos = sovmap.Pos{}
	}
	return r
}

func absPositions(r *sovmap.Report, root string) *sovmap.Report {
	for i := range r.Components {
		r.Components[i].Pos.File = filepath.Join(root, r.Components[i].Pos.File)
	}
	r.Flows[0].Pos.File = "/outside/flows.yaml"
	return r
}

// TestExamplesValidate writes every example inventory's real assessment and
// validates it: the engine's output, not only the hand-made sample.
func TestExamplesValidate(t *testing.T) {
	sch := compileSchema(t)
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, ex.Report, ex.Inventory); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, sch, buf.Bytes()); err != nil {
				t.Fatalf("output does not validate:\n%v", err)
			}
			var d decoded
			if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			// Every finding of the engine is a result: a clean example
			// (the host comparison's single embassy component) has none.
			if got, want := len(d.Runs[0].Results), len(finding.FromReport(ex.Report, ex.Inventory)); got != want {
				t.Fatalf("%d results, want one per finding (%d)", got, want)
			}
			for _, res := range d.Runs[0].Results {
				pl := res.Locations[0].PhysicalLocation
				if pl == nil || pl.Region.StartLine == 0 || !strings.HasSuffix(pl.ArtifactLocation.URI, "inventory.yaml") {
					t.Errorf("%s result has no inventory line: %+v", res.RuleID, pl)
				}
			}
		})
	}
}

// githubLog is the part of a log GitHub code scanning reads, decoded
// independently of the writer's types.
type githubLog struct {
	Runs []struct {
		AutomationDetails struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Tool struct {
			Driver struct {
				Version         string `json:"version"`
				SemanticVersion string `json:"semanticVersion"`
				Rules           []struct {
					ID         string `json:"id"`
					HelpURI    string `json:"helpUri"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string                `json:"ruleId"`
			Message             struct{ Text string } `json:"message"`
			PartialFingerprints map[string]string     `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// TestGitHubCodeScanning checks what GitHub code scanning needs of a log,
// from its documentation on SARIF support: security-severity counts only
// on rules tagged "security"; the tool's version and semantic version; an
// automationDetails.id; a help URI for every rule, pointing at a section
// that exists in docs/formats.md; file URIs relative to the working
// directory; and results of one rule on one line kept apart, by their own
// primaryLocationLineHash (otherwise computed from the line's text, the
// same for both) and by their messages (the examples have such lines: a
// component reached by two foreign laws).
func TestGitHubCodeScanning(t *testing.T) {
	doc, err := os.ReadFile("../../docs/formats.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			anchors[githubAnchor(h)] = true
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// The sample's positions made absolute under the working directory,
	// as an inventory named by an absolute path is.
	lg := decodeAs[githubLog](t, absPositions(sample.Report(), wd), nil, Options{ToolVersion: "v1.4.2 (2026-11-30T10:00:00Z)"})
	run := lg.Runs[0]
	if d := run.Tool.Driver; d.Version != "v1.4.2 (2026-11-30T10:00:00Z)" || d.SemanticVersion != "1.4.2" {
		t.Errorf("driver version %q, semanticVersion %q; want the version and 1.4.2", d.Version, d.SemanticVersion)
	}
	if id := run.AutomationDetails.ID; id == "" || !strings.Contains(id, "/") {
		t.Errorf("automationDetails.id %q; want a category/ id", id)
	}
	for _, rule := range run.Tool.Driver.Rules {
		if !slices.Contains(rule.Properties.Tags, "security") || rule.Properties.SecuritySeverity == "" {
			t.Errorf("rule %s: tags %v, security-severity %q; GitHub ignores the severity without the security tag", rule.ID, rule.Properties.Tags, rule.Properties.SecuritySeverity)
		}
		anchor, ok := strings.CutPrefix(rule.HelpURI, "https://github.com/sovmap/sovmap/blob/main/docs/formats.md#")
		if !ok || !anchors[anchor] {
			t.Errorf("rule %s: helpUri %q does not name a section of docs/formats.md", rule.ID, rule.HelpURI)
		}
	}
	for _, res := range run.Results {
		al := res.Locations[0].PhysicalLocation.ArtifactLocation
		if al.URIBaseID != SourceRootID || strings.HasPrefix(al.URI, "file:") || strings.HasPrefix(al.URI, "/") {
			t.Errorf("%s: %+v; want a URI relative to the working directory", res.RuleID, al)
		}
	}

	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	shared := 0
	for _, ex := range examples {
		type spot struct {
			rule, uri string
			line      int
		}
		hashes, messages, count := map[spot]map[string]bool{}, map[spot]map[string]bool{}, map[spot]int{}
		for _, res := range decodeAs[githubLog](t, ex.Report, ex.Inventory, Options{}).Runs[0].Results {
			pl := res.Locations[0].PhysicalLocation
			s := spot{res.RuleID, pl.ArtifactLocation.URI, pl.Region.StartLine}
			if hashes[s] == nil {
				hashes[s], messages[s] = map[string]bool{}, map[string]bool{}
			}
			h := res.PartialFingerprints["primaryLocationLineHash"]
			if h == "" {
				t.Errorf("%s: %s: no primaryLocationLineHash", ex.Name, res.RuleID)
			}
			hashes[s][h], messages[s][res.Message.Text] = true, true
			count[s]++
		}
		for s, n := range count {
			if n > 1 {
				shared++
			}
			if len(hashes[s]) != n || len(messages[s]) != n {
				t.Errorf("%s: %v: %d results, %d line hashes, %d messages; want each distinct", ex.Name, s, n, len(hashes[s]), len(messages[s]))
			}
		}
	}
	if shared == 0 {
		t.Error("no example has two results of one rule on one line; the check above proves nothing")
	}
}

// githubAnchor is the anchor GitHub gives a Markdown heading: lower case,
// punctuation dropped, spaces as hyphens.
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// TestSemanticVersion checks which tool versions read as semantic versions.
func TestSemanticVersion(t *testing.T) {
	for v, want := range map[string]string{
		"1.2.3": "1.2.3", "v0.9.0": "0.9.0", "v1.0.0-rc.1 (2026-01-01)": "1.0.0-rc.1",
		"dev": "", "dev (abc123+dirty)": "", "1.2": "", "": "",
	} {
		if got := semanticVersion(v); got != want {
			t.Errorf("semanticVersion(%q) = %q, want %q", v, got, want)
		}
	}
}
