package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/internal/streamtest"
	"github.com/sovmap/sovmap/report"
)

// streamWriters are the text formats' stream writers, beside the whole
// writers of the same names (writers, in report_test.go).
var streamWriters = map[string]report.StreamWriter{
	"table":     report.WriteTableStream,
	"wide":      report.WriteWideTableStream,
	"json-full": report.WriteJSONDetailStream,
	"markdown":  report.WriteMarkdownStream,
}

// reused is the stream of r as the server gives it (streamtest.Stream).
func reused(r *sovmap.Report, inv *sovmap.Inventory) report.Stream {
	s, _ := streamtest.Stream(r, inv)
	return s
}

// streamWriterCases are the reports of every example inventory and of a
// generated one, assessed by the real engine, the hand-written sample
// report, testdata/small.yaml's, and a report of strings that need
// escaping.
func streamWriterCases(t *testing.T) []sample.Assessed {
	t.Helper()
	ctx := context.Background()
	cases, err := sample.Examples(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5 {
		t.Fatalf("%d examples", len(cases))
	}
	inv, r, err := sample.Synthetic(ctx, 2000)
	if err != nil {
		t.Fatal(err)
	}
	smallInv, smallRep := small(t)
	return append(cases,
		sample.Assessed{Name: "synthetic-2000", Inventory: inv, Report: r},
		sample.Assessed{Name: "sample", Inventory: sample.Inventory(), Report: sample.Report()},
		sample.Assessed{Name: "small", Inventory: smallInv, Report: smallRep},
		sample.Assessed{Name: "random", Report: randomReport(7, 300)})
}

// TestStreamWritersAreWhole: each text format's stream writer, over a
// stream that reuses one result and one inventory component as the server
// does, writes byte for byte what its whole writer writes of the report
// held whole (whose bytes the golden files pin).
func TestStreamWritersAreWhole(t *testing.T) {
	cases := streamWriterCases(t)
	for _, w := range writers {
		stream, ok := streamWriters[w.name]
		if !ok {
			continue // json streams from stored bytes: TestWriteJSONStreamIsWriteJSON
		}
		for _, tc := range cases {
			t.Run(w.name+"/"+tc.Name, func(t *testing.T) {
				var want, got bytes.Buffer
				if err := w.write(&want, tc.Report, tc.Inventory); err != nil {
					t.Fatal(err)
				}
				if err := stream(&got, reused(tc.Report, tc.Inventory)); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					i := firstDiffAt(got.Bytes(), want.Bytes())
					t.Fatalf("the stream differs from the whole report at byte %d:\n got …%q\nwant …%q", i,
						got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want.Bytes()[max(0, i-80):min(want.Len(), i+80)])
				}
			})
		}
	}
	if len(streamWriters) != 4 {
		t.Errorf("%d stream writers checked, want the 4 text formats", len(streamWriters))
	}
}

func firstDiffAt(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// needsAttention reports whether any component has a gap or a law's
// condition unmet or open: what the table explains under WHY (its doc).
func needsAttention(r *sovmap.Report) (gaps, why bool) {
	for _, c := range r.Components {
		gaps = gaps || c.Gap != 0
		why = why || c.Gap > 0
		for _, q := range c.Reasons {
			why = why || q.Condition == sovmap.ConditionUnmet || q.Condition == sovmap.ConditionOpen
		}
	}
	return gaps, why
}

// TestStreamWriterPasses counts how many times each writer reads the
// components, as its doc says: the table three times when a component
// needs a WHY line and twice when none does, the wide table twice,
// Markdown twice when a component has a gap and once when none has, the
// JSON once.
func TestStreamWriterPasses(t *testing.T) {
	inv, r := small(t)
	calm := *r
	calm.Components = append([]sovmap.ComponentResult(nil), r.Components...)
	for i := range calm.Components {
		c := &calm.Components[i]
		c.Gap = 0
		c.Reasons = nil
	}
	for _, tc := range []struct {
		name string
		r    *sovmap.Report
		want map[string]int
	}{
		{"small", r, map[string]int{"table": 3, "wide": 2, "json-full": 1, "markdown": 2}},
		{"no gaps or conditions", &calm, map[string]int{"table": 2, "wide": 2, "json-full": 1, "markdown": 1}},
	} {
		gaps, why := needsAttention(tc.r)
		if gaps != why || gaps != (tc.name == "small") {
			t.Fatalf("%s: gaps %v, WHY lines %v: the case does not test what it says", tc.name, gaps, why)
		}
		for name, stream := range streamWriters {
			s, counts := streamtest.Stream(tc.r, inv)
			var b bytes.Buffer
			if err := stream(&b, s); err != nil {
				t.Fatal(err)
			}
			if counts.Passes != tc.want[name] {
				t.Errorf("%s, %s: %d passes over the components, want %d", tc.name, name, counts.Passes, tc.want[name])
			}
		}
	}
}

// TestStreamWritersFail: whichever component of whichever pass the
// components' source fails on, the writer returns its error, without
// panicking; and a writer whose output fails stops reading the components
// at once, rather than reading the rest into a buffer that writes nothing.
func TestStreamWritersFail(t *testing.T) {
	inv, r := small(t)
	failure := errors.New("the store went away")
	for name, stream := range streamWriters {
		s, counts := streamtest.Stream(r, inv)
		if err := stream(&bytes.Buffer{}, s); err != nil {
			t.Fatal(err)
		}
		reads := counts.Yields
		for at := range reads {
			s := reused(r, inv)
			whole := s.Components
			n := 0
			s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
				return whole(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
					if n == at {
						return failure
					}
					n++
					return yield(res, spec)
				})
			}
			if err := stream(&bytes.Buffer{}, s); !errors.Is(err, failure) {
				t.Errorf("%s, failing at read %d of %d: %v, want %v", name, at+1, reads, err, failure)
			}
		}
	}

	inv, big, err := sample.Synthetic(context.Background(), 2000)
	if err != nil {
		t.Fatal(err)
	}
	for name, stream := range streamWriters {
		s := reused(big, inv)
		out := &watched{w: &failingWriter{n: 100 << 10}}
		all, after := s.Components, 0
		s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
			return all(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
				if out.failed {
					after++
				}
				return yield(res, spec)
			})
		}
		if err := stream(out, s); err == nil {
			t.Errorf("%s: no error from a failing output", name)
		}
		if !out.failed || after > 1 {
			t.Errorf("%s: %d components read after its output failed (failed: %v), want at most 1", name, after, out.failed)
		}
	}
}

// watched is a writer that says whether the writer under it has failed.
type watched struct {
	w      io.Writer
	failed bool
}

func (w *watched) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.failed = w.failed || err != nil
	return n, err
}

// TestTablesWriteTitleFirst: the tables write their title before their
// first pass, which reads every component before a row can be written, so
// that a server sends a first byte before it has read them.
func TestTablesWriteTitleFirst(t *testing.T) {
	inv, r := small(t)
	for _, name := range []string{"table", "wide"} {
		var b bytes.Buffer
		s := reused(r, inv)
		all, calls := s.Components, 0
		s.Components = func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
			if calls++; calls == 1 && !bytes.HasPrefix(b.Bytes(), []byte("sovmap assessment of "+r.Organization)) {
				t.Errorf("%s: %q written before the first pass, want the title", name, b.Bytes())
			}
			return all(yield)
		}
		if err := streamWriters[name](&b, s); err != nil {
			t.Fatal(err)
		}
	}
}

// A server holding a version's components as stored JSON, one a line,
// writes the Markdown report decoding one component at a time into one
// result, reused: the same bytes as the report written whole.
func ExampleWriteMarkdownStream() {
	r := sample.Report()
	var stored [][]byte // as the server keeps them
	for i := range r.Components {
		b, _ := report.AppendComponentResult(nil, &r.Components[i])
		stored = append(stored, b)
	}
	head := *r
	head.Components = nil
	s := report.Stream{Head: &head, Components: func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		var one sovmap.ComponentResult
		for _, b := range stored {
			one = sovmap.ComponentResult{}
			if err := json.Unmarshal(b, &one); err != nil {
				return err
			}
			if err := yield(&one, nil); err != nil {
				return err
			}
		}
		return nil
	}}
	var streamed, whole bytes.Buffer
	if err := report.WriteMarkdownStream(&streamed, s); err != nil {
		fmt.Println(err)
	}
	_ = report.WriteMarkdown(&whole, r, nil)
	fmt.Println(bytes.Equal(streamed.Bytes(), whole.Bytes()))
	// Output: true
}

// TestStreamWritersHoldNoComponents: what a stream writer holds at the end
// of each pass over a generated report of 50,000 components, measured as
// the live heap after a collection, is bounded by its buffers, not
// proportional to the components: a writer that kept a row or a line per
// component (as the tables did when written whole) would hold several
// times the bound.
func TestStreamWritersHoldNoComponents(t *testing.T) {
	const n, bound = 50_000, 4 << 20
	_, r, err := sample.Synthetic(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	live := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	head := *r
	head.Components = nil
	for name, stream := range streamWriters {
		var one sovmap.ComponentResult
		var held int64
		base := live()
		s := report.Stream{Head: &head, Components: func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
			for i := range r.Components {
				one = r.Components[i]
				if err := yield(&one, nil); err != nil {
					return err
				}
			}
			held = max(held, live()-base)
			return nil
		}}
		if err := stream(io.Discard, s); err != nil {
			t.Fatal(err)
		}
		if held > bound {
			t.Errorf("%s held %.1f MiB at the end of a pass over %d components, want at most %d MiB", name, float64(held)/(1<<20), n, bound>>20)
		}
		t.Logf("%s: %.2f MiB held at most", name, float64(held)/(1<<20))
	}
}
