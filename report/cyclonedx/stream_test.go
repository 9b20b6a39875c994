package cyclonedx

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/importer"
	cdximport "github.com/sovmap/sovmap/importer/cyclonedx"
	goldenfile "github.com/sovmap/sovmap/internal/golden"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
)

// streamCase is a report to stream, with the passes WriteStream must make
// over its components, counted by hand from what the case holds.
type streamCase struct {
	sample.Assessed
	passes int
}

// streamCases are the examples and a generated inventory assessed by the
// real engine, an SBOM imported and assessed, the exporters' hand-written
// sample with and without its inventory, a sample whose components ask for
// bom-refs (one another's ids, the same one twice), and an empty report.
func streamCases(t *testing.T) []streamCase {
	t.Helper()
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var cases []streamCase
	for _, ex := range examples {
		cases = append(cases, streamCase{Assessed: ex}) // passes not counted by hand
	}
	inv, rep, err := sample.Synthetic(t.Context(), 2000)
	if err != nil {
		t.Fatal(err)
	}
	sbomInv, sbomRep := importedSBOM(t)
	refs := sample.Inventory()
	// ehr-db asks for the id of a later component, which must stay
	// support's: only a second pass can tell; train-cluster and gpu-pool
	// ask for the same one, which the first gets; cuda asks for an earlier
	// component's id.
	refs.Components[0].Tags = map[string]string{TagBOMRef: "support"}
	refs.Components[1].Tags = map[string]string{TagBOMRef: "pkg:x"}
	refs.Components[2].Tags = map[string]string{TagBOMRef: "pkg:x"}
	refs.Components[3].Tags = map[string]string{TagBOMRef: "ehr-db"}
	refs.Components[4].Tags = map[string]string{TagBOMRef: "pkg:y"}
	empty := sample.Report()
	empty.Components = nil
	return append(cases,
		// components and services: facts, components, services, dependencies
		streamCase{sample.Assessed{Name: "synthetic-2000", Inventory: inv, Report: rep}, 4},
		streamCase{sample.Assessed{Name: "sample", Inventory: sample.Inventory(), Report: sample.Report()}, 4},
		streamCase{sample.Assessed{Name: "report only", Report: sample.Report()}, 4},
		// bom-refs asked for: a second pass for which are ids
		streamCase{sample.Assessed{Name: "bom-refs", Inventory: refs, Report: sample.Report()}, 5},
		// components only, with bom-refs: no pass for services
		streamCase{sample.Assessed{Name: "sbom", Inventory: sbomInv, Report: sbomRep}, 4},
		// nothing to list: the facts pass only
		streamCase{sample.Assessed{Name: "empty", Report: empty}, 1},
	)
}

// importedSBOM is a third-party operating-system BOM imported and
// assessed: nearly a thousand components that keep their bom-refs.
func importedSBOM(t *testing.T) (*sovmap.Inventory, *sovmap.Report) {
	t.Helper()
	path := sample.SharedFixture("third-party/cyclonedx/bomex-obom-standalone-1.4.json")
	if path == "" {
		t.Fatal("shared fixture third-party/cyclonedx/bomex-obom-standalone-1.4.json not found beside the module")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := cdximport.Import(t.Context(), "obom.json", data, cdximport.Options{Options: importer.Options{KB: k}})
	if err != nil {
		t.Fatal(err)
	}
	res.Inventory.Organization.Home = "DE"
	rep, err := assess.Assess(t.Context(), res.Inventory, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Inventory, rep
}

// buildAndEncode is the BOM as the writer made it before it streamed:
// Build's BOM, encoded whole by cyclonedx-go's encoder.
func buildAndEncode(t *testing.T, r *sovmap.Report, inv *sovmap.Inventory) []byte {
	t.Helper()
	if inv == nil {
		inv = fromReport(r)
	}
	bom, err := Build(r, inv, fixed)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, doc []byte) *cdx.BOM {
	t.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("cyclonedx-go cannot decode the BOM: %v", err)
	}
	return &bom
}

// TestStreamIsBuild: the BOM streamed through one reused result and one
// reused component (as the server yields them) decodes with cyclonedx-go
// to the BOM Build makes whole, is byte for byte what cyclonedx-go's
// encoder writes of it, and is what the whole writer writes.
func TestStreamIsBuild(t *testing.T) {
	for _, tc := range streamCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			s := report.StreamOf(tc.Report, tc.Inventory)
			s.Components = sample.Reusing(s.Components)
			var got bytes.Buffer
			if err := WriteStream(&got, s, fixed); err != nil {
				t.Fatal(err)
			}
			want := buildAndEncode(t, tc.Report, tc.Inventory)
			if !reflect.DeepEqual(decode(t, got.Bytes()), decode(t, want)) {
				t.Error("the streamed BOM decodes to another BOM than Build's")
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("streamed BOM differs from Build's: %s", goldenfile.Diff(string(want), got.String()))
			}
			if whole := write(t, tc.Report, tc.Inventory, fixed); !bytes.Equal(whole, want) {
				t.Errorf("the whole writer differs from Build's: %s", goldenfile.Diff(string(want), string(whole)))
			}
		})
	}
}

// TestInventoryOnlyIsBuild: an inventory not assessed is written as Build
// makes it.
func TestInventoryOnlyIsBuild(t *testing.T) {
	for _, inv := range []*sovmap.Inventory{sample.Inventory(), streamCases(t)[0].Inventory} {
		got := write(t, nil, inv, fixed)
		if want := buildAndEncode(t, nil, inv); !bytes.Equal(got, want) {
			t.Errorf("%s: the BOM of the inventory differs from Build's: %s", inv.Organization.Name, goldenfile.Diff(string(want), string(got)))
		}
	}
}

// TestStreamPasses counts the passes over the components, checks that the
// envelope and metadata are out before the first, and that an error of the
// stream in the middle of each pass is returned, not swallowed.
func TestStreamPasses(t *testing.T) {
	stop := errors.New("store failed")
	for _, tc := range streamCases(t) {
		if tc.passes == 0 {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			s := report.StreamOf(tc.Report, tc.Inventory)
			var out bytes.Buffer
			passes := 0
			counted := sample.Counting(s.Components, &passes)
			s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
				if passes == 0 && !bytes.Contains(out.Bytes(), []byte(`"metadata": {`)) {
					t.Errorf("%d bytes written before the components are read; want the envelope and metadata", out.Len())
				}
				return counted(yield)
			}
			if err := WriteStream(&out, s, fixed); err != nil {
				t.Fatal(err)
			}
			if passes != tc.passes {
				t.Errorf("%d passes over the components, want %d", passes, tc.passes)
			}
			for fail := 1; fail <= tc.passes && len(tc.Report.Components) > 0; fail++ {
				s := report.StreamOf(tc.Report, tc.Inventory)
				s.Components = sample.FailingIn(s.Components, fail, len(tc.Report.Components), stop)
				if err := WriteStream(new(bytes.Buffer), s, fixed); !errors.Is(err, stop) {
					t.Errorf("the stream failed in pass %d; WriteStream returned %v", fail, err)
				}
			}
		})
	}
}
