package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/internal/streamtest"
	"github.com/sovmap/sovmap/report"
)

// loadCases loads the reports the stream writer is checked on (see
// streamtest.Cases) once.
var loadCases = streamtest.NewCases(2000)

// moduleRoot is the repository root, the source root of the logs below,
// so that every location is relative.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestStreamIsWhole checks that the log written from a stream that passes
// its components through one reused struct, as the server's does, is the
// log of the report held whole, byte for byte, and that the stream is read
// once.
func TestStreamIsWhole(t *testing.T) {
	opts := Options{ToolVersion: "1.2.3", SourceRoot: moduleRoot(t)}
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var whole, streamed bytes.Buffer
			if err := WriteOptions(&whole, c.Report, c.Inventory, opts); err != nil {
				t.Fatal(err)
			}
			s, counts := streamtest.Stream(c.Report, c.Inventory)
			if err := report.WithOptions(WriteStream, opts)(&streamed, s); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(streamed.Bytes(), whole.Bytes()) {
				t.Fatalf("the streamed log differs from the whole one (%d and %d bytes)", streamed.Len(), whole.Len())
			}
			if counts.Passes != 1 {
				t.Errorf("%d passes over the components, want 1", counts.Passes)
			}
		})
	}
}

// TestStreamValidates validates the streamed log of the generated
// inventory (many results, several artifacts) against the SARIF schema;
// TestExamplesValidate does the examples.
func TestStreamValidates(t *testing.T) {
	sch := compileSchema(t)
	c := generated(t)
	s, _ := streamtest.Stream(c.Report, c.Inventory)
	var buf bytes.Buffer
	if err := WriteStream(&buf, s, Options{SourceRoot: moduleRoot(t)}); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, sch, buf.Bytes()); err != nil {
		t.Fatalf("output does not validate:\n%v", err)
	}
}

// spot is what a result says, decoded independently of the writer's types.
type spot struct {
	rule, fingerprint, message, level, base, uri, name string
	line, col                                          int
}

func resultsOf(t *testing.T, data []byte) []spot {
	t.Helper()
	var lg decoded
	if err := json.Unmarshal(data, &lg); err != nil {
		t.Fatal(err)
	}
	var out []spot
	for _, res := range lg.Runs[0].Results {
		s := spot{rule: res.RuleID, fingerprint: res.PartialFingerprints["sovmapFinding/v1"], message: res.Message.Text, level: res.Level}
		loc := res.Locations[0]
		s.name = loc.LogicalLocations[0].Name
		if pl := loc.PhysicalLocation; pl != nil {
			s.base, s.uri, s.line, s.col = pl.ArtifactLocation.URIBaseID, pl.ArtifactLocation.URI, pl.Region.StartLine, pl.Region.StartColumn
		}
		out = append(out, s)
	}
	return out
}

// expected is what the result of a finding says, worked out by hand from
// docs/formats.md: rule sovmap/KIND, the finding's fingerprint, its
// message ending with its remedies, its severity as level, and the file
// and line where its subject is written, relative to root (%SRCROOT%,
// spaces escaped).
func expected(f finding.Finding, root string) spot {
	msg := f.Message
	if len(f.Remedies) > 0 {
		msg += " Remedy: " + strings.Join(f.Remedies, "; ") + "."
	}
	s := spot{rule: "sovmap/" + string(f.Kind), fingerprint: f.Fingerprint(), message: msg, level: string(f.Severity), name: f.Subject}
	if f.Pos.File != "" {
		file := f.Pos.File
		if filepath.IsAbs(file) {
			file, _ = filepath.Rel(root, file)
		}
		s.base, s.uri, s.line, s.col = "%SRCROOT%", strings.ReplaceAll(filepath.ToSlash(file), " ", "%20"), f.Pos.Line, f.Pos.Col
	}
	return s
}

// TestResultsAreTheFindings checks that the streamed log's results, in
// whatever order, are the findings finding.FromReport gives for the report
// held whole, one result each.
func TestResultsAreTheFindings(t *testing.T) {
	root := moduleRoot(t)
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s, _ := streamtest.Stream(c.Report, c.Inventory)
			var buf bytes.Buffer
			if err := WriteStream(&buf, s, Options{SourceRoot: root}); err != nil {
				t.Fatal(err)
			}
			got := resultsOf(t, buf.Bytes())
			var want []spot
			for _, f := range finding.FromReport(c.Report, c.Inventory) {
				want = append(want, expected(f, root))
			}
			order := func(a, b spot) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) }
			slices.SortFunc(got, order)
			slices.SortFunc(want, order)
			if !slices.Equal(got, want) {
				t.Fatalf("results differ from the findings:\n got  %d: %v\n want %d: %v", len(got), got, len(want), want)
			}
			if c.Name == "generated" && len(got) < 1000 {
				t.Fatalf("only %d results in the generated report: the check above proves little", len(got))
			}
		})
	}
}

// TestResultOrder checks the order results are streamed in
// (docs/formats.md): component by component in the report's order, each
// component's results in the order of the rules, then the flow violations.
func TestResultOrder(t *testing.T) {
	rank := map[string]int{}
	for i, k := range []string{"gap", "legal-condition", "flow-violation", "foreign-exposure", "restricted-jurisdiction"} {
		rank["sovmap/"+k] = i
	}
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, c.Report, c.Inventory); err != nil {
				t.Fatal(err)
			}
			index := map[string]int{}
			for i, comp := range c.Report.Components {
				index[comp.ID] = i
			}
			flows := len(c.Report.Components)
			last, lastRule := -1, -1
			for _, res := range resultsOf(t, buf.Bytes()) {
				at, ok := index[res.name]
				if res.rule == "sovmap/flow-violation" {
					at, ok = flows, true
				}
				if !ok {
					t.Fatalf("result on %s, which is no component", res.name)
				}
				if at < last || at == last && rank[res.rule] < lastRule {
					t.Fatalf("%s on %s comes after a result on component %d, rule %d", res.rule, res.name, last, lastRule)
				}
				if at != last {
					lastRule = -1
				}
				last, lastRule = at, rank[res.rule]
			}
		})
	}
}

var errStore = errors.New("store gone")

// TestStreamFailure checks that a stream failing midway makes the writer
// fail with its error, and that a writer failing (a client gone) stops
// the reading of the components.
func TestStreamFailure(t *testing.T) {
	c := generated(t)
	s, _ := streamtest.Stream(c.Report, c.Inventory)
	s.Components = sample.FailingIn(s.Components, 1, len(c.Report.Components), errStore)
	err := WriteStream(io.Discard, s, Options{})
	if !errors.Is(err, errStore) {
		t.Fatalf("WriteStream = %v, want %v", err, errStore)
	}

	streamtest.CheckClientGone(t, c, report.WithOptions(WriteStream, Options{}))
}

// TestWritesAsItReads checks that the first bytes leave before the
// generated inventory's components are all read, in the first pass: the
// writer does not gather its output before sending it.
func TestWritesAsItReads(t *testing.T) {
	streamtest.CheckWritesAsItReads(t, generated(t), report.WithOptions(WriteStream, Options{}))
}

// generated is the last case, the generated inventory.
func generated(t *testing.T) sample.Assessed {
	t.Helper()
	cases := loadCases(t)
	return cases[len(cases)-1]
}
