package html

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// streamCase is a report to stream, with the passes WriteStream must make
// over its components, counted by hand.
type streamCase struct {
	sample.Assessed
	passes int
	window int // rows of the gaps table held; 0 for WriteStream's
}

// write writes the case's page with its window.
func (tc streamCase) write(w io.Writer, s report.Stream) error {
	if tc.window == 0 {
		return WriteStream(w, s, fixed)
	}
	return writeStream(w, s, fixed, tc.window)
}

// gaps counts the components with a gap.
func gaps(r *sovmap.Report) int {
	n := 0
	for _, c := range r.Components {
		if c.Gap > 0 {
			n++
		}
	}
	return n
}

// streamCases are the engine's reports of TestGoldenEngine (one pass for
// the facts, one for the table of every component), a generated inventory
// of 2,000 components, past svg.GroupThreshold (a pass more for the links
// between the picture's boxes), with and without its inventory (without
// it, there are no links to gather), and the hand-written sample; some
// hold fewer rows of the gaps table than they have (a pass per window).
func streamCases(t *testing.T) []streamCase {
	t.Helper()
	var cases []streamCase
	for _, tc := range goldenCases(t) {
		passes := 2
		if len(tc.Report.Components) > 1000 {
			passes = 3
		}
		cases = append(cases, streamCase{tc, passes, 0})
		if tc.Name == "hospital-group" {
			// Two rows of the gaps table a pass: a pass per two gaps.
			tc.Name += " window 2"
			cases = append(cases, streamCase{tc, passes + (gaps(tc.Report)+1)/2, 2})
		}
	}
	inv, r, err := sample.Synthetic(t.Context(), 2000)
	if err != nil {
		t.Fatal(err)
	}
	return append(cases,
		streamCase{sample.Assessed{Name: "synthetic-2000", Inventory: inv, Report: r}, 3, 0},
		streamCase{sample.Assessed{Name: "synthetic-2000 window 500", Inventory: inv, Report: r}, 3 + (gaps(r)+499)/500, 500},
		streamCase{sample.Assessed{Name: "synthetic-2000 report only", Report: r}, 2, 0},
		streamCase{sample.Assessed{Name: "sample", Inventory: sample.Inventory(), Report: sample.Report()}, 2, 0},
		streamCase{sample.Assessed{Name: "sample window 1", Inventory: sample.Inventory(), Report: sample.Report()}, 2 + gaps(sample.Report()), 1},
		streamCase{sample.Assessed{Name: "sample report only", Report: sample.Report()}, 2, 0})
}

// TestStreamIsWhole: the page streamed through one reused result and one
// reused component (as the server yields them) is byte for byte the page
// of the report held whole (TestGoldenEngine holds those to the writer
// before it streamed).
func TestStreamIsWhole(t *testing.T) {
	for _, tc := range streamCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			want := render(t, tc.Report, tc.Inventory, fixed)
			s := report.StreamOf(tc.Report, tc.Inventory)
			s.Components = sample.Reusing(s.Components)
			var got bytes.Buffer
			if err := tc.write(&got, s); err != nil {
				t.Fatal(err)
			}
			if got.String() != want {
				t.Fatalf("the streamed page differs: %s", goldenfile.Diff(want, got.String()))
			}
		})
	}
}

// TestStreamPasses counts the passes over the components, checks that the
// page's header is out before the first, and that an error of the stream
// in the middle of each pass is returned, not swallowed.
func TestStreamPasses(t *testing.T) {
	stop := errors.New("store failed")
	for _, tc := range streamCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			s := report.StreamOf(tc.Report, tc.Inventory)
			var out bytes.Buffer
			passes := 0
			counted := sample.Counting(s.Components, &passes)
			s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
				if passes == 0 && !strings.HasSuffix(out.String(), "<main id=\"main\">\n") {
					t.Errorf("%d bytes written before the components are read; want the header", out.Len())
				}
				return counted(yield)
			}
			if err := tc.write(&out, s); err != nil {
				t.Fatal(err)
			}
			if passes != tc.passes {
				t.Errorf("%d passes over the components, want %d", passes, tc.passes)
			}
			for fail := 1; fail <= tc.passes; fail++ {
				s := report.StreamOf(tc.Report, tc.Inventory)
				s.Components = sample.FailingIn(s.Components, fail, len(tc.Report.Components), stop)
				if err := tc.write(new(bytes.Buffer), s); !errors.Is(err, stop) {
					t.Errorf("the stream failed in pass %d; WriteStream returned %v", fail, err)
				}
			}
		})
	}
}
