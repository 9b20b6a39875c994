package oscal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// generated is the last case, the generated inventory.
func generated(t *testing.T) sample.Assessed {
	t.Helper()
	cases := loadCases(t)
	return cases[len(cases)-1]
}

// TestStreamIsWhole checks that the document written from a stream that
// passes its components through one reused struct, as the server's does,
// is the document of the report held whole, byte for byte, and that the
// stream is read four times: once per list with an item per component.
func TestStreamIsWhole(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			whole := write(t, c.Report, c.Inventory, fixed)
			s, counts := streamtest.Stream(c.Report, c.Inventory)
			var streamed bytes.Buffer
			if err := report.WithOptions(WriteStream, fixed)(&streamed, s); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(streamed.Bytes(), whole) {
				t.Fatalf("the streamed document differs from the whole one (%d and %d bytes)", streamed.Len(), len(whole))
			}
			if counts.Passes != 4 {
				t.Errorf("%d passes over the components, want 4", counts.Passes)
			}
		})
	}
}

// TestStreamValidates validates the streamed document of the generated
// inventory with go-oscal; TestExamplesValidate does the examples.
func TestStreamValidates(t *testing.T) {
	c := generated(t)
	s, _ := streamtest.Stream(c.Report, c.Inventory)
	var buf bytes.Buffer
	if err := WriteStream(&buf, s, fixed); err != nil {
		t.Fatal(err)
	}
	if err := validate(buf.Bytes()); err != nil {
		t.Fatalf("not valid OSCAL: %v", err)
	}
}

// objectives are the targets docs/formats.md gives each finding kind.
var objectives = map[finding.Kind]string{
	finding.Gap:                    "sovmap.required-level",
	finding.FlowViolation:          "sovmap.data-transfer",
	finding.ForeignExposure:        "sovmap.foreign-exposure",
	finding.RestrictedJurisdiction: "sovmap.restricted-jurisdiction",
	finding.LegalCondition:         "sovmap.legal-condition",
}

// subjectOf is the component or flow a risk or finding is about, by its
// props.
func subjectOf(ps []prop) string {
	if s := propValue(ps, "component"); s != "" {
		return s
	}
	return propValue(ps, "flow")
}

// TestRisksAndFindingsAreTheFindings checks the streamed document against
// the report held whole: a risk and a not-satisfied finding per finding of
// finding.FromReport, in whatever order, with its message, severity, kind,
// subject, jurisdiction, law and objective; a satisfied finding per
// component at or above its required level; a definition and an
// observation per component (and one per flow); and the inventory files
// in the back matter.
func TestRisksAndFindingsAreTheFindings(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s, _ := streamtest.Stream(c.Report, c.Inventory)
			var buf bytes.Buffer
			if err := WriteStream(&buf, s, fixed); err != nil {
				t.Fatal(err)
			}
			var d doc
			if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			res := d.AR.Results[0]
			var wantRisks, wantFindings, gotRisks, gotFindings []string
			for _, f := range finding.FromReport(c.Report, c.Inventory) {
				wantRisks = append(wantRisks, fmt.Sprintf("%s|%s|%s|%s|%s|%s", f.Kind, f.Subject, f.Jurisdiction, f.Law, f.Severity, f.Message))
				wantFindings = append(wantFindings, fmt.Sprintf("%s|%s|%s|%s|%s|%s", f.Kind, f.Subject, f.Jurisdiction, f.Law, objectives[f.Kind], f.Message))
			}
			for _, r := range res.Risks {
				severity := ""
				if len(r.Characterizations) == 1 && len(r.Characterizations[0].Facets) == 1 && r.Characterizations[0].Facets[0].Name == "severity" {
					severity = r.Characterizations[0].Facets[0].Value
				}
				gotRisks = append(gotRisks, fmt.Sprintf("%s|%s|%s|%s|%s|%s", propValue(r.Props, "finding-kind"), subjectOf(r.Props),
					propValue(r.Props, "jurisdiction"), propValue(r.Props, "law"), severity, r.Description))
			}
			var satisfied []string
			for _, f := range res.Findings {
				switch f.Target.Status.State {
				case "satisfied":
					satisfied = append(satisfied, f.Title)
				case "not-satisfied":
					gotFindings = append(gotFindings, fmt.Sprintf("%s|%s|%s|%s|%s|%s", propValue(f.Props, "finding-kind"), subjectOf(f.Props),
						propValue(f.Props, "jurisdiction"), propValue(f.Props, "law"), f.Target.TargetID, f.Description))
				default:
					t.Errorf("finding %q has status %q", f.Title, f.Target.Status.State)
				}
			}
			var wantSatisfied, wantDefinitions []string
			for _, comp := range c.Report.Components {
				wantDefinitions = append(wantDefinitions, comp.ID)
				if comp.EffectiveLevel >= comp.RequiredLevel {
					wantSatisfied = append(wantSatisfied, comp.ID+" meets its required level")
				}
			}
			sameItems(t, "risks", gotRisks, wantRisks)
			sameItems(t, "not-satisfied findings", gotFindings, wantFindings)
			sameItems(t, "satisfied findings", satisfied, wantSatisfied)
			var defs []string
			for _, comp := range res.LocalDefinitions.Components[1:] {
				defs = append(defs, comp.Title)
			}
			if res.LocalDefinitions.Components[0].Title != "sovmap" || !slices.Equal(defs, wantDefinitions) {
				t.Errorf("local definitions %v, want sovmap then %v", res.LocalDefinitions.Components, wantDefinitions)
			}
			if got, want := len(res.Observations), len(c.Report.Components)+len(c.Report.Flows); got != want {
				t.Errorf("%d observations, want %d", got, want)
			}
			if c.Name == "generated" {
				if len(res.Risks) < 1000 || len(satisfied) == 0 {
					t.Fatalf("%d risks, %d satisfied findings in the generated report: the checks above prove little", len(res.Risks), len(satisfied))
				}
				var files []string
				for _, l := range d.AR.BackMatter.Resources[0].Rlinks {
					files = append(files, l.Href)
				}
				if want := []string{"generated/part%200.yaml", "generated/part%201.yaml", "generated/part%202.yaml"}; !slices.Equal(files, want) {
					t.Errorf("back matter links %v, want %v", files, want)
				}
			}
		})
	}
}

func sameItems(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s differ:\n got  %d: %q\n want %d: %q", what, len(got), got, len(want), want)
	}
}

// TestStreamOrder checks the order risks and findings are streamed in
// (docs/formats.md): component by component in the report's order, each
// component's in the order of the finding kinds and its satisfied finding
// last, then the flow violations'.
func TestStreamOrder(t *testing.T) {
	rank := map[string]int{}
	for i, k := range []string{"gap", "legal-condition", "flow-violation", "foreign-exposure", "restricted-jurisdiction"} {
		rank[k] = i
	}
	const satisfiedRank = 99
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var d doc
			if err := json.Unmarshal(write(t, c.Report, c.Inventory, fixed), &d); err != nil {
				t.Fatal(err)
			}
			index := map[string]int{}
			for i, comp := range c.Report.Components {
				index[comp.ID] = i
			}
			check := func(what string, items []struct {
				title string
				props []prop
			}) {
				last, lastRank := -1, -1
				for _, it := range items {
					kind := propValue(it.props, "finding-kind")
					at, ok, r := index[subjectOf(it.props)], true, rank[kind]
					switch {
					case kind == "flow-violation":
						at = len(c.Report.Components)
					case kind == "":
						id, isSatisfied := strings.CutSuffix(it.title, " meets its required level")
						at, ok, r = index[id], isSatisfied, satisfiedRank
					default:
						_, ok = index[subjectOf(it.props)]
					}
					if !ok {
						t.Fatalf("%s: %q is about no component", what, it.title)
					}
					if at < last || at == last && r < lastRank {
						t.Fatalf("%s: %q comes after an item of component %d, rank %d", what, it.title, last, lastRank)
					}
					if at != last {
						lastRank = -1
					}
					last, lastRank = at, r
				}
			}
			type item = struct {
				title string
				props []prop
			}
			var risks, findings []item
			for _, r := range d.AR.Results[0].Risks {
				risks = append(risks, item{r.Title, r.Props})
			}
			for _, f := range d.AR.Results[0].Findings {
				findings = append(findings, item{f.Title, f.Props})
			}
			check("risks", risks)
			check("findings", findings)
		})
	}
}

var errStore = errors.New("store gone")

// TestStreamFailure checks that a stream failing midway, in any of the
// four passes, makes the writer fail with its error, and that a writer
// failing (a client gone) stops the reading of the components.
func TestStreamFailure(t *testing.T) {
	c := generated(t)
	n := len(c.Report.Components)
	for pass := range 4 {
		s, counts := streamtest.Stream(c.Report, c.Inventory)
		s.Components = sample.FailingIn(s.Components, pass+1, n, errStore)
		err := WriteStream(io.Discard, s, fixed)
		if !errors.Is(err, errStore) {
			t.Fatalf("failing in pass %d: WriteStream = %v, want %v", pass+1, err, errStore)
		}
		if counts.Passes != pass+1 {
			t.Errorf("failing in pass %d: %d passes made, want no more after the failure", pass+1, counts.Passes)
		}
	}

	streamtest.CheckClientGone(t, c, report.WithOptions(WriteStream, fixed))
}

// TestWritesAsItReads checks that the first bytes leave before the
// generated inventory's components are all read, in the first pass: the
// writer does not gather its output before sending it.
func TestWritesAsItReads(t *testing.T) {
	streamtest.CheckWritesAsItReads(t, generated(t), report.WithOptions(WriteStream, fixed))
}
