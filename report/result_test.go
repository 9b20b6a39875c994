package report

import (
	"context"
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// TestAppendComponentResult holds the hand-written encoder of a whole
// result to what the JSON library makes of it, with encoding/json's
// omitempty (the server stored results with encoding/json before): on hand-made results that
// exercise omitted fields and escaping, and on every component of every
// example and of a generated inventory, as the real engine assessed them.
func TestAppendComponentResult(t *testing.T) {
	cases := []sovmap.ComponentResult{
		{ID: "a", Layer: sovmap.LayerCompute},
		{ID: "b", Layer: sovmap.LayerStorage, Factors: []sovmap.Factor{}},
		{ID: "c\"<&>\u2028", Layer: sovmap.LayerModel, Factors: []sovmap.Factor{
			{Name: sovmap.FactorControl, Level: 2, Facts: []string{"provider p, \"quoted\"", "é\t\n"}, Reason: "r <b>", Remedy: "do\\this"},
			{Name: sovmap.FactorKeys, Level: 0, Facts: []string{}, Reason: ""},
		}},
	}
	examples, err := sample.Examples(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		cases = append(cases, ex.Report.Components...)
	}
	_, synthetic, err := sample.Synthetic(context.Background(), 300)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, synthetic.Components...)
	factors := 0
	for i := range cases {
		c := &cases[i]
		factors += len(c.Factors)
		// omitempty as encoding/json reads it, which the struct tags were
		// written for (a false "mitigated" is left out).
		want, err := json.Marshal(c, json.Deterministic(true), jsonv1.OmitEmptyWithLegacySemantics(true))
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendComponentResult([]byte("prefix"), c)
		if err != nil {
			t.Fatal(err)
		}
		if string(got[len("prefix"):]) != string(want) || string(got[:len("prefix")]) != "prefix" {
			t.Errorf("AppendComponentResult(%s):\n got %s\nwant %s", c.ID, got, want)
		}
	}
	if factors < 1000 {
		t.Fatalf("only %d factors checked; the examples should give far more", factors)
	}
	// A field added to the result must be set in some case, or the two
	// encoders would agree on leaving it out.
	typ := reflect.TypeFor[sovmap.ComponentResult]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("json") == "-" {
			continue
		}
		set := false
		for j := range cases {
			if !reflect.ValueOf(cases[j]).Field(i).IsZero() {
				set = true
				break
			}
		}
		if !set {
			t.Errorf("no case sets ComponentResult.%s", f.Name)
		}
	}
}
