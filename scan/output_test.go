package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/internal/golden"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report/sarif"
)

func scanCorpus(t *testing.T) (*Result, *Rules) {
	t.Helper()
	rules := mustDefault(t)
	res, err := Scan(context.Background(), "testdata/corpus", Options{Rules: rules, App: "corpus"})
	if err != nil {
		t.Fatal(err)
	}
	return res, rules
}

// TestSARIF checks the log against the SARIF 2.1.0 JSON schema (the
// published one, from the shared fixtures), and each result against the
// corpus labels: it points at a labelled line, by a URI relative to the
// scanned directory, and carries what GitHub code scanning reads.
func TestSARIF(t *testing.T) {
	path := sample.SharedFixture("sarif/sarif-schema-2.1.0.json")
	if path == "" {
		t.Fatal("shared fixture sarif/sarif-schema-2.1.0.json not found beside the module (../shared/fixtures)")
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, rules := scanCorpus(t)
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, res, rules, SARIFOptions{ToolVersion: "v1.4.0 (2026-12-01)"}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("the log does not validate against the SARIF schema: %v", err)
	}

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version, SemanticVersion string
					Rules                    []struct {
						ID, HelpURI string
						Properties  struct{ Tags []string }
					}
				}
			}
			AutomationDetails  struct{ ID string }
			OriginalURIBaseIDs map[string]struct{ URI string }
			Results            []struct {
				RuleID, Level string
				RuleIndex     int
				Locations     []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Version == "" || d.SemanticVersion != "1.4.0" {
		t.Errorf("driver version %q, semanticVersion %q: want both, the latter 1.4.0", d.Version, d.SemanticVersion)
	}
	if run.AutomationDetails.ID == "" {
		t.Error("no automationDetails.id")
	}
	if !strings.HasPrefix(run.OriginalURIBaseIDs[sarif.SourceRootID].URI, "file:///") {
		t.Errorf("%s is not given as a file URI: %v", sarif.SourceRootID, run.OriginalURIBaseIDs)
	}
	for _, r := range d.Rules {
		if !strings.HasPrefix(r.HelpURI, "https://") || len(r.Properties.Tags) == 0 {
			t.Errorf("rule %s: helpUri %q, tags %v", r.ID, r.HelpURI, r.Properties.Tags)
		}
	}

	labels := map[string]bool{}
	var ls []labelled
	data, _ := os.ReadFile("testdata/corpus/labels.yaml")
	if err := yaml.Unmarshal(data, &ls); err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		for _, e := range l.Expect {
			labels[fmt.Sprintf("%s:%d:%s", l.File, e.Line, RuleID(e.Service))] = true
		}
	}
	if len(run.Results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(res.Findings))
	}
	prints := map[string]bool{}
	for _, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		uri := loc.ArtifactLocation.URI
		if loc.ArtifactLocation.URIBaseID != sarif.SourceRootID || strings.Contains(uri, ":") || strings.HasPrefix(uri, "/") {
			t.Errorf("result %s: URI %q (base %q) is not relative to the scanned directory", r.RuleID, uri, loc.ArtifactLocation.URIBaseID)
		}
		if key := fmt.Sprintf("%s:%d:%s", uri, loc.Region.StartLine, r.RuleID); !labels[key] {
			t.Errorf("result %s is not a labelled line", key)
		}
		if r.Level != "note" || d.Rules[r.RuleIndex].ID != r.RuleID || loc.Region.StartColumn < 1 {
			t.Errorf("result %s: level %q, rule index %d, column %d", r.RuleID, r.Level, r.RuleIndex, loc.Region.StartColumn)
		}
		fp := r.PartialFingerprints[FingerprintName]
		if fp == "" || prints[fp] {
			t.Errorf("result %s at %s:%d: fingerprint %q empty or repeated", r.RuleID, uri, loc.Region.StartLine, fp)
		}
		prints[fp] = true
	}
}

// TestFragmentLoads checks that the fragment of the whole corpus is an
// inventory file sovmap accepts beside an organization's own, and that
// every location it records is a region of the knowledge base that a
// label gives (never one it guessed).
func TestFragmentLoads(t *testing.T) {
	res, rules := scanCorpus(t)
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	frag := Build(res, rules, k)
	var buf bytes.Buffer
	if err := frag.WriteYAML(&buf, "test"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/ai.yaml", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	org := "version: 1\norganization: {name: Test, home: DE}\ncomponents: []\n"
	if err := os.WriteFile(dir+"/org.yaml", []byte(org), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, dir+"/org.yaml", dir+"/ai.yaml")
	if err != nil {
		t.Fatalf("the fragment does not load beside an organization:\n%v\n%s", err, buf.String())
	}
	var ls []labelled
	data, _ := os.ReadFile("testdata/corpus/labels.yaml")
	if err := yaml.Unmarshal(data, &ls); err != nil {
		t.Fatal(err)
	}
	labelled := map[string]bool{}
	for _, l := range ls {
		for _, e := range l.Expect {
			if e.Region != "" {
				labelled[e.Region] = true
			}
		}
	}
	located := 0
	for _, c := range inv.Components {
		for _, loc := range c.Locations {
			located++
			r, ok := k.Region(loc)
			if !ok || !labelled[r.Name] {
				t.Errorf("%s is located in %s, which is not a labelled region of the knowledge base", c.ID, loc)
			}
		}
		if c.Tags["scan.evidence"] == "" && c.Layer != "application" {
			t.Errorf("%s has no evidence", c.ID)
		}
	}
	if located == 0 {
		t.Error("no component of the corpus is located; the regions are lost")
	}
	for _, f := range inv.Flows {
		if len(frag.FlowEvidence[f.ID]) == 0 {
			t.Errorf("flow %s has no evidence", f.ID)
		}
	}
}

// TestUnknownRegionStaysUnknown checks that a region the knowledge base
// does not know (Vertex AI's "global" location) gives no location and a
// warning, and that a call without a region gives none.
func TestUnknownRegionStaysUnknown(t *testing.T) {
	dir := t.TempDir()
	src := "import vertexai\nvertexai.init(project='p', location='global')\nimport boto3\nb = boto3.client('bedrock-runtime')\n"
	if err := os.WriteFile(dir+"/app.py", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := mustDefault(t)
	res, err := Scan(context.Background(), dir, Options{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := kb.Default()
	frag := Build(res, rules, k)
	for _, c := range frag.Inventory.Components {
		if len(c.Locations) > 0 {
			t.Errorf("%s located in %v", c.ID, c.Locations)
		}
	}
	text := strings.Join(frag.Warnings, "\n")
	if !strings.Contains(text, "gcp:global is not a region of the knowledge base") || !strings.Contains(text, "no region found") {
		t.Errorf("warnings do not say why the locations are unknown:\n%s", text)
	}
}

// TestDemoFragmentGolden pins the fragment of the demo tree (go test
// ./scan -run DemoFragment -update rewrites it; review the diff).
func TestDemoFragmentGolden(t *testing.T) {
	rules := mustDefault(t)
	res, err := Scan(context.Background(), "testdata/demo", Options{Rules: rules, App: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	frag := Build(res, rules, k)
	var buf bytes.Buffer
	if err := frag.WriteYAML(&buf, "Written by the scan tests from scan/testdata/demo."); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&buf, "# warnings:\n")
	for _, w := range append(res.Warnings, frag.Warnings...) {
		fmt.Fprintf(&buf, "#   %s\n", w)
	}
	golden.Check(t, "testdata/golden/demo.yaml", buf.Bytes())
}
