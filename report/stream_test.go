package report

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// streamed writes r as the server streams it: from each component's
// stored result (store), through AppendStoredComponent, into
// WriteJSONStream. It says how many components were cut rather than
// decoded again.
func streamed(t *testing.T, r *sovmap.Report, store func(*sovmap.ComponentResult) ([]byte, error)) ([]byte, int) {
	t.Helper()
	head := *r
	head.Components = nil
	cut := 0
	var b bytes.Buffer
	err := WriteJSONStream(&b, &head, func(yield func([]byte) error) error {
		var item []byte
		for i := range r.Components {
			stored, err := store(&r.Components[i])
			if err != nil {
				return err
			}
			if _, ok := cutFactors(stored); ok {
				cut++
			}
			if item, err = AppendStoredComponent(item[:0], stored); err != nil {
				return err
			}
			if err := yield(item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), cut
}

func storedNow(c *sovmap.ComponentResult) ([]byte, error) { return AppendComponentResult(nil, c) }

// storedBefore is how the server stored a result before
// AppendComponentResult: encoding/json, which writes nil lists as null
// and escapes <, > and &.
func storedBefore(c *sovmap.ComponentResult) ([]byte, error) { return stdjson.Marshal(c) }

// streamCases are reports from the real engine (the examples, a generated
// inventory), the exporters' hand-written sample, and reports of no
// components and of the odd results TestAppendComponent checks.
func streamCases(t *testing.T) []sample.Assessed {
	t.Helper()
	ctx := context.Background()
	cases, err := sample.Examples(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inv, r, err := sample.Synthetic(ctx, 3000)
	if err != nil {
		t.Fatal(err)
	}
	odd := sample.Report()
	odd.Components = append(odd.Components, oddResults()...)
	empty := sample.Report()
	empty.Components = nil
	return append(cases,
		sample.Assessed{Name: "synthetic-3000", Inventory: inv, Report: r},
		sample.Assessed{Name: "sample", Report: sample.Report()},
		sample.Assessed{Name: "odd", Report: odd},
		sample.Assessed{Name: "empty", Report: empty})
}

// oddResults exercise every branch of the contract's encoder: empty and
// missing lists, omitted fields, strings to escape and strings that look
// like the keys the cut looks for.
func oddResults() []sovmap.ComponentResult {
	return []sovmap.ComponentResult{
		{ID: "a", Layer: sovmap.LayerCompute, Sourcing: sovmap.SourceOpenMarket},
		{ID: "b\"\\\n<&>é\u2028", Layer: sovmap.LayerStorage, Provider: "p", Controller: "q", Level: 1, LimitedBy: "c",
			RequiredLevel: 3, Gap: 3, Sourcing: sovmap.SourceSovereignPartner,
			Binding: []sovmap.FactorName{sovmap.FactorControl}, Exposure: []string{"US"},
			ExposureDetails: []sovmap.Exposure{{Jurisdiction: "US", Law: "CLOUD Act", Via: "provider", Tier: "1", Mitigated: true}},
			Reasons:         []sovmap.Requirement{{Level: 3, Category: sovmap.CategoryRegulatory, Source: "data:x", Reason: `,"factors":[`}},
			Factors:         []sovmap.Factor{{Name: sovmap.FactorControl, Level: 1, Facts: []string{`"},"factors":[{"`}, Reason: "null", Remedy: `:null\u`}}},
		{ID: "c", Layer: sovmap.LayerModel, Binding: []sovmap.FactorName{}, Exposure: []string{}, Reasons: []sovmap.Requirement{},
			Factors: []sovmap.Factor{}},
		{ID: "e", Layer: sovmap.LayerModel, Reasons: []sovmap.Requirement{{Level: 1, Source: "data:y", Reason: "nil lists, then factors"}},
			Factors: []sovmap.Factor{{Name: sovmap.FactorLegal, Level: 1, Reason: "r"}}},
		{ID: "d", Layer: sovmap.LayerStorage, Reasons: []sovmap.Requirement{
			{Level: 0, Category: sovmap.CategoryRegulatory, Basis: sovmap.BasisLaw, Source: "law:x", Reason: "r", Citation: "§ 1 \"a\"",
				Contested: true, Condition: sovmap.ConditionUnmet, Checks: []sovmap.Check{
					{Part: "p1", Status: sovmap.ConditionMet, Why: "w\n1"}, {Part: "p2", Status: sovmap.ConditionUnmet}}}}},
	}
}

// TestWriteJSONStreamIsWriteJSON: a report streamed from stored results is
// byte for byte what WriteJSON writes of the report (the oracle), whether
// the results were stored as the server stores them now or as it did
// before; and results stored now are cut, not decoded again.
func TestWriteJSONStreamIsWriteJSON(t *testing.T) {
	for _, tc := range streamCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			var want bytes.Buffer
			if err := WriteJSON(&want, tc.Report, tc.Inventory); err != nil {
				t.Fatal(err)
			}
			for _, how := range []struct {
				name  string
				store func(*sovmap.ComponentResult) ([]byte, error)
			}{{"stored now", storedNow}, {"stored before", storedBefore}} {
				got, cut := streamed(t, tc.Report, how.store)
				if !bytes.Equal(got, want.Bytes()) {
					t.Fatalf("%s: streamed JSON differs from WriteJSON at byte %d:\n got …%s\nwant …%s", how.name,
						firstDiff(got, want.Bytes()), around(got, firstDiff(got, want.Bytes())), around(want.Bytes(), firstDiff(got, want.Bytes())))
				}
				if how.name == "stored now" && tc.Name != "odd" && cut != len(tc.Report.Components) {
					t.Errorf("%s: %d of %d components cut, the others decoded again", how.name, cut, len(tc.Report.Components))
				}
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(b []byte, i int) []byte { return b[max(0, i-80):min(len(b), i+80)] }

// TestWriteJSONStreamFails: an error of the components' source comes back
// from WriteJSONStream, and what was written is not a complete report.
func TestWriteJSONStreamFails(t *testing.T) {
	r := sample.Report()
	failure := errors.New("the store went away")
	var b bytes.Buffer
	err := WriteJSONStream(&b, r, func(yield func([]byte) error) error {
		for i := range r.Components {
			if i == 2 {
				return failure
			}
			item, err := appendComponent(nil, &r.Components[i])
			if err != nil {
				return err
			}
			if err := yield(item); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, failure) {
		t.Fatalf("WriteJSONStream = %v, want %v", err, failure)
	}
	if stdjson.Valid(b.Bytes()) {
		t.Fatalf("a failed stream wrote a complete report: %s", b.Bytes())
	}
}

// FuzzAppendStoredComponent: whatever the strings of a result, it comes
// back from its stored JSON, stored now or before, as the contract's
// encoder writes the result itself; and any bytes at all give a result or
// an error, never a panic.
func FuzzAppendStoredComponent(f *testing.F) {
	f.Add("a", "p", "reason", "fact", []byte(`{"id":"a","reasons":[],"factors":[]}`))
	f.Add(`,"factors":[`, `:null`, `\u0041`, `"},"factors":[{"`, []byte(`{"id":"x"`))
	f.Fuzz(func(t *testing.T, id, provider, reason, fact string, raw []byte) {
		_, _ = AppendStoredComponent(nil, raw)
		if !utf8.ValidString(id) || !utf8.ValidString(provider) || !utf8.ValidString(reason) || !utf8.ValidString(fact) {
			return // the engine's strings come from validated YAML and JSON: UTF-8
		}
		c := sovmap.ComponentResult{ID: id, Layer: sovmap.LayerCompute, Provider: provider, Sourcing: sovmap.SourceOpenMarket,
			Binding: []sovmap.FactorName{sovmap.FactorLegal}, Exposure: []string{provider},
			Reasons: []sovmap.Requirement{{Level: 2, Category: sovmap.CategorySecurity, Source: "data:" + id, Reason: reason, Citation: fact}},
			Factors: []sovmap.Factor{{Name: sovmap.FactorLegal, Level: 1, Facts: []string{fact}, Reason: reason, Remedy: id}}}
		want, err := appendComponent(nil, &c)
		if err != nil {
			t.Fatal(err)
		}
		for _, store := range []func(*sovmap.ComponentResult) ([]byte, error){storedNow, storedBefore} {
			stored, err := store(&c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendStoredComponent(nil, stored)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("from %s:\n got %s (%v)\nwant %s", stored, got, err, want)
			}
		}
	})
}

func ExampleWriteJSONStream() {
	r := sample.Report()
	var b bytes.Buffer
	_ = WriteJSONStream(&b, r, func(yield func([]byte) error) error {
		for i := range r.Components {
			stored, _ := AppendComponentResult(nil, &r.Components[i]) // as the server stores it
			item, err := AppendStoredComponent(nil, stored)
			if err != nil {
				return err
			}
			if err := yield(item); err != nil {
				return err
			}
		}
		return nil
	})
	var whole bytes.Buffer
	_ = WriteJSON(&whole, r, nil)
	fmt.Println(bytes.Equal(b.Bytes(), whole.Bytes()))
	// Output: true
}
