// Package streamtest helps test and measure stream writers: the reports
// to check them on (Cases), a stream that passes its components the way
// the server does and counts what was read (Stream), writers that fail
// or note when output starts (FailingWriter, FirstWrite), checks a stream
// writer meets (CheckClientGone, CheckWritesAsItReads), and a
// benchmark of a format's whole and stream writers (Bench).
package streamtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/report"
)

// Stream returns the stream of a report held whole as the server gives
// it: every component decoded into one ComponentResult and one Component,
// trampled after each yield (sample.Reusing). The counts are kept as the
// stream is read.
func Stream(r *sovmap.Report, inv *sovmap.Inventory) (report.Stream, *Counts) {
	s := report.StreamOf(r, inv)
	counts := &Counts{}
	reused := sample.Reusing(s.Components)
	yields := func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		return reused(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
			counts.Yields++
			return yield(c, spec)
		})
	}
	s.Components = sample.Counting(yields, &counts.Passes)
	return s, counts
}

// Counts are how much of a stream was read.
type Counts struct {
	// Passes counts the calls of the stream's Components.
	Passes int
	// Yields counts the components passed, over every pass.
	Yields int
}

// NewCases returns a loader of the reports stream writers are checked on
// (see Cases) that loads them once, at its first call.
func NewCases(n int) func(testing.TB) []sample.Assessed {
	load := sync.OnceValues(func() ([]sample.Assessed, error) { return Cases(context.Background(), n) })
	return func(t testing.TB) []sample.Assessed {
		t.Helper()
		cases, err := load()
		if err != nil {
			t.Fatal(err)
		}
		return cases
	}
}

// Cases are the reports stream writers are checked on: every example
// inventory's assessment (sample.Examples), its positions made relative
// to the module root (the source root a SARIF log is checked against,
// which sample.Examples's, relative to the working directory, are not),
// the hand-made sample, and, last, a generated inventory of n components
// spread over three files (the generator gives no positions), so that a
// writer meets several.
func Cases(ctx context.Context, n int) ([]sample.Assessed, error) {
	cases, err := sample.Examples(ctx)
	if err != nil {
		return nil, err
	}
	root, err := sample.ModuleRoot()
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		if err := fromRoot(reflect.ValueOf(c.Inventory), root); err != nil {
			return nil, err
		}
		if err := fromRoot(reflect.ValueOf(c.Report), root); err != nil {
			return nil, err
		}
	}
	inv, r, err := sample.Synthetic(ctx, n)
	if err != nil {
		return nil, err
	}
	for i := range inv.Components {
		inv.Components[i].Pos = sovmap.Pos{File: fmt.Sprintf("generated/part %d.yaml", i%3), Line: i + 1, Col: 3}
	}
	cases = append(cases, sample.Assessed{Name: "sample", Report: sample.Report(), Inventory: sample.Inventory()})
	return append(cases, sample.Assessed{Name: "generated", Report: r, Inventory: inv}), nil
}

// fromRoot makes every relative file position reachable from v (through
// pointers, structs and lists) relative to root instead of the working
// directory.
func fromRoot(v reflect.Value, root string) error {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return fromRoot(v.Elem(), root)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[sovmap.Pos]() {
			file := v.FieldByName("File")
			if file.String() == "" || filepath.IsAbs(file.String()) {
				return nil
			}
			abs, err := filepath.Abs(file.String())
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, abs)
			file.SetString(rel)
			return err
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if err := fromRoot(v.Field(i), root); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := fromRoot(v.Index(i), root); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrClientGone is the error of a FailingWriter.
var ErrClientGone = errors.New("client gone")

// FailingWriter fails with ErrClientGone once Left bytes are written, as
// a connection whose client went away.
type FailingWriter struct{ Left int }

// Write counts p against Left, and fails once it is spent.
func (w *FailingWriter) Write(p []byte) (int, error) {
	if w.Left -= len(p); w.Left < 0 {
		return 0, ErrClientGone
	}
	return len(p), nil
}

// Bench measures a format's writer on the assessment of a generated
// inventory of n components: held whole, as the command line writes it
// ("whole"), and from the report's stream (report.StreamOf), which passes
// the report's own components ("stream"): the writer's cost alone, without
// the decoding a server's stream adds (or a test's, sample.Reusing).
func Bench(b *testing.B, n int, whole func(io.Writer, *sovmap.Report, *sovmap.Inventory) error, stream report.StreamWriter) {
	inv, r, err := sample.Synthetic(b.Context(), n)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := whole(io.Discard, r, inv); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		s := report.StreamOf(r, inv)
		b.ReportAllocs()
		for b.Loop() {
			if err := stream(io.Discard, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FirstWrite is a writer that notes how many components a stream had
// passed (Counts.Yields) when the first byte was written, so that a test
// sees a writer send its output as it reads, not after.
type FirstWrite struct {
	Counts *Counts
	// At is Counts.Yields at the first write, or -1 before it.
	At int
}

// Write notes the count at the first write and discards p.
func (w *FirstWrite) Write(p []byte) (int, error) {
	if w.At < 0 && len(p) > 0 {
		w.At = w.Counts.Yields
	}
	return len(p), nil
}

// CheckClientGone checks that write, given c's stream and an output that
// fails (a client gone) after 128 KiB, returns ErrClientGone and stops
// reading the components before the first pass ends.
func CheckClientGone(t *testing.T, c sample.Assessed, write report.StreamWriter) {
	t.Helper()
	s, counts := Stream(c.Report, c.Inventory)
	err := write(&FailingWriter{Left: 1 << 17}, s)
	if !errors.Is(err, ErrClientGone) {
		t.Fatalf("WriteStream to a failing writer = %v, want %v", err, ErrClientGone)
	}
	if n := len(c.Report.Components); counts.Yields >= n {
		t.Errorf("%d components read after the writer failed, of %d", counts.Yields, n)
	}
}

// CheckWritesAsItReads checks that write sends its first bytes before
// half of c's components are read: it does not gather its output before
// sending it.
func CheckWritesAsItReads(t *testing.T, c sample.Assessed, write report.StreamWriter) {
	t.Helper()
	s, counts := Stream(c.Report, c.Inventory)
	w := &FirstWrite{Counts: counts, At: -1}
	if err := write(w, s); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Report.Components); w.At < 0 || w.At >= n/2 {
		t.Errorf("first byte written after %d of %d components (%d passes)", w.At, n, counts.Passes)
	}
}
