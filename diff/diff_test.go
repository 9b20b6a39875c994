package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// comp builds a component result with the figures that matter to a diff.
func comp(id string, level, effective, required sovmap.Level, exposure ...string) sovmap.ComponentResult {
	c := sovmap.ComponentResult{
		ID: id, Layer: sovmap.LayerCompute, Level: level, EffectiveLevel: effective,
		RequiredLevel: required, Gap: int(required) - int(effective), Exposure: exposure,
		Pos: sovmap.Pos{File: "inventory.yaml", Line: 10, Col: 5},
	}
	for _, j := range exposure {
		c.ExposureDetails = append(c.ExposureDetails, sovmap.Exposure{Jurisdiction: j, Law: "a law of " + j, Via: sovmap.ViaControl, Tier: "trusted"})
	}
	return c
}

func flow(id string, v sovmap.Verdict) sovmap.FlowResult {
	return sovmap.FlowResult{ID: id, From: "a", To: "b", Verdict: v, Reasons: []string{"because"}}
}

func rep(comps []sovmap.ComponentResult, flows ...sovmap.FlowResult) *sovmap.Report {
	return &sovmap.Report{Organization: "Org", Home: "DE", Components: comps, Flows: flows}
}

func keys(fs []FindingChange) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Key())
	}
	return strings.Join(s, " ")
}

func TestCompare(t *testing.T) {
	base := rep([]sovmap.ComponentResult{
		comp("a", 3, 3, 2),
		comp("b", 2, 2, 3, "US"), // gap 1
		comp("c", 4, 4, 0),
	}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation))

	tests := []struct {
		name   string
		cur    *sovmap.Report
		failOn int
		// what the diff must say
		added, removed, moved, newExp, dropExp, newViol, resolvedViol string
		newF, worseF, betterF, resolvedF                              string
		failing                                                       int
	}{
		{
			name:    "identical",
			cur:     base,
			failOn:  1,
			failing: 0,
		},
		{
			name: "a new component with a gap and foreign exposure",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 2, 2, 3, "US"), comp("c", 4, 4, 0), comp("d", 1, 1, 3, "CN"),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:  1,
			added:   "d",
			newExp:  "d/CN",
			newF:    "gap/d foreign-exposure/d/CN",
			failing: 1,
		},
		{
			name: "an existing gap gets worse",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 1, 1, 3, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:  1,
			moved:   "b.level:2>1:worse b.effective_level:2>1:worse b.gap:1>2:worse",
			worseF:  "gap/b",
			failing: 1,
		},
		{
			name: "a worse gap still below --fail-on does not gate",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 1, 1, 3, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:  3,
			moved:   "b.level:2>1:worse b.effective_level:2>1:worse b.gap:1>2:worse",
			worseF:  "gap/b",
			failing: 0,
		},
		{
			name: "an existing gap at the same size is not new",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 3, 3, 4, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:  1,
			moved:   "b.level:2>3:better b.effective_level:2>3:better b.required_level:3>4:worse",
			failing: 0,
		},
		{
			name: "a flow becomes a violation, the old violation is fixed",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 2, 2, 3, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Violation), flow("f2", sovmap.Allowed)),
			failOn:       1,
			newViol:      "f1",
			resolvedViol: "f2",
			newF:         "flow-violation/f1",
			resolvedF:    "flow-violation/f2",
			failing:      1,
		},
		{
			name: "gate off",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 2, 2, 3, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Violation), flow("f2", sovmap.Violation)),
			failOn:  0,
			newViol: "f1",
			newF:    "flow-violation/f1",
			failing: 0,
		},
		{
			name: "removal, exposure gone, gap closed",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2), comp("b", 3, 3, 3),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:    1,
			removed:   "c",
			moved:     "b.level:2>3:better b.effective_level:2>3:better b.gap:1>0:better",
			dropExp:   "b/US",
			resolvedF: "gap/b foreign-exposure/b/US",
			failing:   0,
		},
		{
			name: "a new foreign law on an existing component",
			cur: rep([]sovmap.ComponentResult{
				comp("a", 3, 3, 2, "CN"), comp("b", 2, 2, 3, "US"), comp("c", 4, 4, 0),
			}, flow("f1", sovmap.Allowed), flow("f2", sovmap.Violation)),
			failOn:  1,
			newExp:  "a/CN",
			newF:    "foreign-exposure/a/CN",
			failing: 0, // exposure informs; the gap it causes gates
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(base, tt.cur, tt.failOn)
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			var s []string
			for _, c := range d.Added {
				s = append(s, c.ID)
			}
			check("added", strings.Join(s, " "), tt.added)
			s = nil
			for _, c := range d.Removed {
				s = append(s, c.ID)
			}
			check("removed", strings.Join(s, " "), tt.removed)
			s = nil
			for _, m := range d.Moved {
				dir := "better"
				if m.Worse {
					dir = "worse"
				}
				s = append(s, m.ID+"."+string(m.Field)+":"+itoa(m.Old)+">"+itoa(m.New)+":"+dir)
			}
			check("moved", strings.Join(s, " "), tt.moved)
			s = nil
			for _, e := range d.NewExposure {
				s = append(s, e.Component+"/"+e.Jurisdiction)
			}
			check("new exposure", strings.Join(s, " "), tt.newExp)
			s = nil
			for _, e := range d.DroppedExposure {
				s = append(s, e.Component+"/"+e.Jurisdiction)
			}
			check("dropped exposure", strings.Join(s, " "), tt.dropExp)
			s = nil
			for _, f := range d.NewViolations {
				s = append(s, f.ID)
			}
			check("new violations", strings.Join(s, " "), tt.newViol)
			s = nil
			for _, f := range d.ResolvedViolations {
				s = append(s, f.ID)
			}
			check("resolved violations", strings.Join(s, " "), tt.resolvedViol)
			check("new findings", keys(d.New), tt.newF)
			check("worse findings", keys(d.Worse), tt.worseF)
			check("better findings", keys(d.Better), tt.betterF)
			check("resolved findings", keys(d.Resolved), tt.resolvedF)
			if got := len(d.Failing()); got != tt.failing {
				t.Errorf("failing = %d, want %d", got, tt.failing)
			}
			if got := len(NewFindings(base, tt.cur, tt.failOn)); got != tt.failing {
				t.Errorf("NewFindings = %d, want %d", got, tt.failing)
			}
			if (tt.added+tt.removed+tt.moved+tt.newExp+tt.dropExp+tt.newViol+tt.resolvedViol+tt.newF+tt.worseF+tt.betterF+tt.resolvedF == "") != d.Empty() {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestNilBaselineMakesEverythingNew(t *testing.T) {
	cur := rep([]sovmap.ComponentResult{comp("a", 1, 1, 3, "US")}, flow("f", sovmap.Violation))
	got := NewFindings(nil, cur, 1)
	if len(got) != 2 {
		t.Fatalf("NewFindings(nil, ...) = %d findings, want the gap and the violation", len(got))
	}
	if got[0].Key() != "gap/a" || got[1].Key() != "flow-violation/f" {
		t.Errorf("findings = %s, %s", got[0].Key(), got[1].Key())
	}
	if got[0].Pos.Line != 10 {
		t.Errorf("gap finding lost its position: %+v", got[0].Pos)
	}
}

func goldenCase() *Diff {
	base := rep([]sovmap.ComponentResult{
		comp("train|cluster", 2, 2, 3, "US"), comp("old-db", 4, 4, 2),
	}, flow("ehr", sovmap.Allowed))
	cur := rep([]sovmap.ComponentResult{
		comp("train|cluster", 1, 1, 3, "US", "CN"), comp("chat", 0, 0, 2, "RU"),
	}, flow("ehr", sovmap.Violation), flow("logs", sovmap.Violation))
	d := Compare(base, cur, 1)
	d.Policy = &Policy{Compared: true, Changes: []PolicyChange{
		{Section: "jurisdictions", Subject: "CN", Change: "tier", Old: "neutral: no trust or restriction applies (default)", New: "restricted: listed as restricted by the organization (CN) (policy)"},
		{Section: "data classes", Subject: "payments.card", Change: "level required", Old: "2 safeguarded", New: "3 sovereign-partner"},
		{Section: "rules", Subject: "eu-only", Change: "expression", Old: "component.country == 'DE' || component.country == 'FR'", New: "component.country == 'DE'"},
		{Section: "rules", Subject: "keys-at-home", Change: "added", New: "when its key custody is \"customer-held\": requires 3 sovereign-partner, security, policy"},
	}}
	return d
}

// TestPolicyNotCompared: with a saved assessment on one side, every format
// says that the policy was not compared and why, and the JSON says so in
// a field; a policy change alone is a change.
func TestPolicyNotCompared(t *testing.T) {
	r := rep([]sovmap.ComponentResult{comp("a", 3, 3, 2)})
	d := Compare(r, r, 1)
	d.Policy = &Policy{NotCompared: "old.json is a saved assessment", Changes: []PolicyChange{}}
	for name, write := range map[string]func(*bytes.Buffer, *Diff) error{
		"table":    func(b *bytes.Buffer, d *Diff) error { return WriteTable(b, d) },
		"markdown": func(b *bytes.Buffer, d *Diff) error { return WriteMarkdown(b, d) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, d); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "Transfer policy not compared: old.json is a saved assessment") || !strings.Contains(buf.String(), "No changes.") {
			t.Errorf("%s: %s", name, buf.String())
		}
		if strings.Contains(buf.String(), "transfer policy change") {
			t.Errorf("%s: counts policy changes it did not compare: %s", name, buf.String())
		}
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, d); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Policy struct {
			Compared    bool   `json:"compared"`
			NotCompared string `json:"not_compared"`
		} `json:"policy"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || got.Policy.Compared || got.Policy.NotCompared == "" {
		t.Errorf("json policy = %+v (%v)", got.Policy, err)
	}
	if !d.Empty() {
		t.Error("a diff with nothing compared is not empty")
	}
	d.Policy = &Policy{Compared: true, Changes: []PolicyChange{{Section: "scope", Subject: "home", Change: "changed", Old: "DE", New: "FR"}}}
	if d.Empty() {
		t.Error("a policy change alone is a change")
	}
	if len(d.Failing()) != 0 {
		t.Error("a policy change alone fails the gate")
	}
}

func TestWritersGolden(t *testing.T) {
	writers := map[string]func(*bytes.Buffer, *Diff) error{
		"diff.txt":  func(b *bytes.Buffer, d *Diff) error { return WriteTable(b, d) },
		"diff.md":   func(b *bytes.Buffer, d *Diff) error { return WriteMarkdown(b, d) },
		"diff.json": func(b *bytes.Buffer, d *Diff) error { return WriteJSON(b, d) },
	}
	for name, write := range writers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf, goldenCase()); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s; run go test ./diff -update and review the diff", golden)
			}
		})
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, goldenCase()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `train\|cluster`) {
		t.Error("a pipe in an id must be escaped in Markdown tables")
	}
}

func TestTableSaysNoChanges(t *testing.T) {
	r := rep([]sovmap.ComponentResult{comp("a", 3, 3, 2)})
	var buf bytes.Buffer
	if err := WriteTable(&buf, Compare(r, r, 1)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No changes.") || !strings.Contains(buf.String(), "PASS") {
		t.Errorf("table = %q", buf.String())
	}
}

func TestCompareFollowsRenames(t *testing.T) {
	base := rep([]sovmap.ComponentResult{comp("old", 1, 1, 3), comp("gone", 2, 2, 2)})
	cur := rep([]sovmap.ComponentResult{comp("new", 1, 1, 3), comp("twin", 2, 2, 2)})
	// Undeclared: old and new are identical but for their id, and so are
	// gone and twin; both are an addition and a removal.
	d := CompareWith(base, cur, Options{FailOn: 1})
	if len(d.Renamed) != 0 || len(d.Unmatched) != 2 || d.Unmatched[0] != (Rename{From: "old", To: "new"}) {
		t.Errorf("undeclared: renamed %v, unmatched %v", d.Renamed, d.Unmatched)
	}
	if n := len(d.Failing()); n != 1 {
		t.Errorf("undeclared rename: %d failing findings, want 1 (the gap of new)", n)
	}
	// Declared: new is compared with old; the stale declaration of a
	// component the baseline lacks changes nothing.
	d = CompareWith(base, cur, Options{FailOn: 1, Renames: map[string]string{"new": "old", "twin": "absent"}})
	if len(d.Renamed) != 1 || d.Renamed[0] != (Rename{From: "old", To: "new"}) {
		t.Errorf("declared: renamed %v", d.Renamed)
	}
	if n := len(d.Failing()); n != 0 || len(d.Added) != 1 || len(d.Removed) != 1 {
		t.Errorf("declared: %d failing, added %v, removed %v", n, d.Added, d.Removed)
	}
	if base.Components[0].ID != "old" {
		t.Error("the baseline was modified")
	}
}

func TestFailOnWorse(t *testing.T) {
	base := rep([]sovmap.ComponentResult{comp("a", 3, 3, 4), comp("b", 4, 4, 1)})
	tests := []struct {
		name                string
		cur                 []sovmap.ComponentResult
		failOn, failOnWorse int
		findings, levels    int
	}{
		// a's gap grows from 1 to 3 (by 2).
		{"grew by 2, worse 2", []sovmap.ComponentResult{comp("a", 1, 1, 4), comp("b", 4, 4, 1)}, 4, 2, 1, 2},
		{"grew by 2, worse 3", []sovmap.ComponentResult{comp("a", 1, 1, 4), comp("b", 4, 4, 1)}, 4, 3, 0, 0},
		{"grew by 2, fail-on 3", []sovmap.ComponentResult{comp("a", 1, 1, 4), comp("b", 4, 4, 1)}, 3, 0, 1, 0},
		// b's level falls by 3 without a gap.
		{"fell by 3", []sovmap.ComponentResult{comp("a", 3, 3, 4), comp("b", 1, 1, 1)}, 1, 3, 0, 2},
		{"fell by 3, worse 4", []sovmap.ComponentResult{comp("a", 3, 3, 4), comp("b", 1, 1, 1)}, 1, 4, 0, 0},
		// A new component's gap counts from 0.
		{"new, gap 2", []sovmap.ComponentResult{comp("a", 3, 3, 4), comp("b", 4, 4, 1), comp("c", 1, 1, 3)}, 0, 2, 1, 0},
		{"new, gap 2, worse 3", []sovmap.ComponentResult{comp("a", 3, 3, 4), comp("b", 4, 4, 1), comp("c", 1, 1, 3)}, 0, 3, 0, 0},
	}
	for _, tt := range tests {
		d := CompareWith(base, rep(tt.cur), Options{FailOn: tt.failOn, FailOnWorse: tt.failOnWorse})
		if f, l := len(d.Failing()), len(d.FallingLevels()); f != tt.findings || l != tt.levels {
			t.Errorf("%s: %d failing findings and %d falling levels, want %d and %d", tt.name, f, l, tt.findings, tt.levels)
		}
	}
	// A flow violation fails with either test on, and not with both off.
	cur := rep(base.Components, flow("f", sovmap.Violation))
	for _, o := range []Options{{FailOn: 4}, {FailOnWorse: 4}} {
		if n := len(CompareWith(base, cur, o).Failing()); n != 1 {
			t.Errorf("%+v: a new flow violation gives %d failing findings", o, n)
		}
	}
	if n := len(CompareWith(base, cur, Options{}).Failing()); n != 0 {
		t.Errorf("gate off: %d failing findings", n)
	}
}
