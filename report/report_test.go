package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
)

type writer func(io.Writer, *sovmap.Report, *sovmap.Inventory) error

var writers = []struct {
	name  string
	write writer
}{
	{"table", report.WriteTable},
	{"wide", report.WriteWideTable},
	{"json", report.WriteJSON},
	{"json-full", report.WriteJSONDetail},
	{"markdown", report.WriteMarkdown},
}

// small assesses testdata/small.yaml with the embedded knowledge base, on a
// fixed day.
func small(t *testing.T) (*sovmap.Inventory, *sovmap.Report) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inv, err := inventory.Load(ctx, k, "testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := assess.Assess(ctx, inv, k, assess.Options{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return inv, r
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestGolden(t *testing.T) {
	inv, r := small(t)
	fixtures := []struct {
		name string
		inv  *sovmap.Inventory
		r    *sovmap.Report
	}{
		{"small", inv, r},
		{"sample", sample.Inventory(), sample.Report()},
	}
	for _, f := range fixtures {
		for _, w := range writers {
			t.Run(f.name+"/"+w.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := w.write(&b, f.r, f.inv); err != nil {
					t.Fatal(err)
				}
				golden(t, f.name+"."+w.name+".golden", b.Bytes())
			})
		}
	}
}

// TestSmallVerdicts pins the verdicts the golden files show, so that a
// golden update cannot quietly accept a wrong assessment.
func TestSmallVerdicts(t *testing.T) {
	_, r := small(t)
	want := map[string]string{
		"records": "own 4 eff 4 req 3 gap 0",
		"train":   "own 1 eff 0 req 3 gap 3",
		"mirror":  "own 0 eff 0 req 0 gap 0",
		"portal":  "own 4 eff 0 req 0 gap 0",
	}
	got := map[string]string{}
	for _, c := range r.Components {
		got[c.ID] = fmt.Sprintf("own %d eff %d req %d gap %d", c.Level, c.EffectiveLevel, c.RequiredLevel, c.Gap)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %s", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d components in the report, want %d", len(got), len(want))
	}
	verdicts := map[string]sovmap.Verdict{}
	for _, f := range r.Flows {
		verdicts[f.ID] = f.Verdict
	}
	if verdicts["to-train"] != sovmap.Allowed || verdicts["to-mirror"] != sovmap.Violation {
		t.Errorf("flow verdicts %v, want to-train allowed and to-mirror a violation", verdicts)
	}
}

// TestJSONContract checks the JSON output against the Outputs contract of
// docs/inventory.md: the fields every consumer may rely on, with their types.
func TestJSONContract(t *testing.T) {
	inv, r := small(t)
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r, inv); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	for _, key := range []string{"organization", "home", "components", "flows", "providers", "summary"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("no %q", key)
		}
	}
	comps, _ := doc["components"].([]any)
	if len(comps) != 4 {
		t.Fatalf("%d components", len(comps))
	}
	for _, c := range comps {
		m := c.(map[string]any)
		for key, kind := range map[string]string{"id": "string", "level": "number", "effective_level": "number", "required_level": "number",
			"gap": "number", "sourcing": "string", "binding": "list", "exposure": "list", "reasons": "list"} {
			if !isKind(m[key], kind) {
				t.Errorf("component %v: %s is %T, want a %s", m["id"], key, m[key], kind)
			}
		}
		for _, q := range m["reasons"].([]any) {
			cat := q.(map[string]any)["category"]
			if cat != "regulatory" && cat != "security" && cat != "operational" {
				t.Errorf("component %v: reason category %v", m["id"], cat)
			}
		}
	}
	for _, f := range doc["flows"].([]any) {
		m := f.(map[string]any)
		if !isKind(m["id"], "string") || (m["verdict"] != "allowed" && m["verdict"] != "violation") || !isKind(m["reasons"], "list") {
			t.Errorf("flow %v", m)
		}
	}
	for _, key := range []string{"components", "by_level", "gaps", "max_gap", "violations", "hhi_provider"} {
		if _, ok := doc["summary"].(map[string]any)[key]; !ok {
			t.Errorf("summary has no %q", key)
		}
	}
}

func isKind(v any, kind string) bool {
	switch kind {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "list":
		_, ok := v.([]any)
		return ok
	}
	return false
}

// TestMarkdownTables checks that every table row has as many cells as its
// header, whatever characters the inventory uses.
func TestMarkdownTables(t *testing.T) {
	inv, r := small(t)
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, r, inv); err != nil {
		t.Fatal(err)
	}
	cols := 0
	for i, line := range strings.Split(b.String(), "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, cols, line)
		}
	}
}

// TestEmptyReport writes a report of nothing in every format: no panic, and
// JSON that parses with empty lists.
func TestEmptyReport(t *testing.T) {
	r := &sovmap.Report{}
	for _, w := range writers {
		var b bytes.Buffer
		if err := w.write(&b, r, &sovmap.Inventory{}); err != nil {
			t.Errorf("%s: %v", w.name, err)
		}
		if b.Len() == 0 {
			t.Errorf("%s wrote nothing", w.name)
		}
		if strings.HasPrefix(w.name, "json") {
			var doc map[string]any
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Errorf("%s: %v", w.name, err)
			}
		}
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components []any `json:"components"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc.Components == nil {
		t.Errorf("components of an empty report: %v %v, want []", doc.Components, err)
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, io.ErrShortWrite
	}
	f.n -= len(p)
	return len(p), nil
}

// TestWriteErrors checks that a failing output is reported, not swallowed.
func TestWriteErrors(t *testing.T) {
	inv, r := small(t)
	for _, w := range writers {
		if err := w.write(&failingWriter{n: 10}, r, inv); err == nil {
			t.Errorf("%s: no error from a failing writer", w.name)
		}
	}
}

// randomReport builds a report of n components with strings that need
// escaping, empty and nil lists, and omitted fields.
func randomReport(seed uint64, n int) *sovmap.Report {
	rng := rand.New(rand.NewPCG(seed, 11))
	words := []string{"a", "b\"q", "c\\d", "é", "\u2028", "<&>", "tab\t", "nl\n", "\x01", "🙂", ""}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(words[rng.IntN(len(words))])
		}
		return b.String()
	}
	r := &sovmap.Report{Organization: str(), Home: "DE"}
	for i := range n {
		c := sovmap.ComponentResult{ID: fmt.Sprintf("c%d%s", i, str()), Layer: sovmap.Layers[rng.IntN(len(sovmap.Layers))],
			Provider: str(), Controller: str(), Level: sovmap.Level(rng.IntN(5)), EffectiveLevel: sovmap.Level(rng.IntN(5)),
			LimitedBy: str(), RequiredLevel: sovmap.Level(rng.IntN(5)), Gap: rng.IntN(5), Sourcing: sovmap.SourcingFor(sovmap.Level(rng.IntN(5)))}
		if rng.IntN(3) > 0 {
			c.Binding = []sovmap.FactorName{}
			for range rng.IntN(3) {
				c.Binding = append(c.Binding, sovmap.FactorLegal)
			}
			c.Exposure = []string{}
			for range rng.IntN(3) {
				c.Exposure = append(c.Exposure, str())
			}
		}
		for range rng.IntN(3) {
			c.Reasons = append(c.Reasons, sovmap.Requirement{Level: sovmap.Level(rng.IntN(5)), Category: sovmap.CategorySecurity, Source: str(), Reason: str()})
		}
		c.Factors = []sovmap.Factor{{Name: sovmap.FactorControl, Level: c.Level, Reason: str()}}
		r.Components = append(r.Components, c)
	}
	return r
}

// TestJSONMatchesDetail checks the streamed contract JSON against the full
// JSON written by the library, component by component, on reports large
// enough to be written in parallel chunks.
func TestJSONMatchesDetail(t *testing.T) {
	for _, n := range []int{0, 1, 4097, 9000} {
		r := randomReport(uint64(n), n)
		var contract, full bytes.Buffer
		if err := report.WriteJSON(&contract, r, nil); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteJSONDetail(&full, r, nil); err != nil {
			t.Fatal(err)
		}
		var a, b struct {
			Organization string           `json:"organization"`
			Components   []map[string]any `json:"components"`
		}
		if err := json.Unmarshal(contract.Bytes(), &a); err != nil {
			t.Fatalf("n=%d: contract JSON does not parse: %v", n, err)
		}
		if err := json.Unmarshal(full.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		if a.Organization != r.Organization || len(a.Components) != n || len(b.Components) != n {
			t.Fatalf("n=%d: organization %q, %d and %d components", n, a.Organization, len(a.Components), len(b.Components))
		}
		for i := range a.Components {
			want := b.Components[i]
			delete(want, "factors")
			delete(want, "exposure_details")
			for _, list := range []string{"binding", "exposure", "reasons"} {
				if want[list] == nil {
					want[list] = []any{} // the contract always writes lists
				}
			}
			got, _ := json.Marshal(a.Components[i])
			exp, _ := json.Marshal(want)
			if !bytes.Equal(got, exp) {
				t.Fatalf("n=%d, component %d:\n got %s\nwant %s", n, i, got, exp)
			}
		}
	}
}

// TestMarkdownEscapesHTML: Markdown passes raw HTML through, so names from
// an inventory must not arrive as markup (issue 15, item 12). The report
// writes no HTML of its own: any < in it came from the inventory unescaped.
func TestMarkdownEscapesHTML(t *testing.T) {
	inv, r := small(t)
	const script, img = `<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`
	r.Organization = script
	r.Components[0].ID = img
	r.Components[1].LimitedBy = img
	r.Providers[0].Controller = script
	r.Notes = append(r.Notes, img)
	for i := range r.Components {
		for j := range r.Components[i].Reasons {
			r.Components[i].Reasons[j].Reason = script
		}
	}
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, r, inv); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "<>") {
		for i, line := range strings.Split(out, "\n") {
			if strings.ContainsAny(line, "<>") {
				t.Errorf("line %d has raw markup: %s", i+1, line)
			}
		}
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") || !strings.Contains(out, "&lt;script&gt;") {
		t.Error("the names are missing from the report, instead of shown escaped")
	}
}
