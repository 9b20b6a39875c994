package streamtest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// TestReusingWipesWhatItPassed checks what the tests of stream writers
// rely on: what a writer keeps from a yield is gone after it (the struct
// zeroed, the lists' items cleared), the same components come in every
// pass, the report stays intact, and the passes are counted.
func TestReusingWipesWhatItPassed(t *testing.T) {
	r, inv := sample.Report(), sample.Inventory()
	want := sample.Report()
	s, counts := Reusing(r, inv)
	for pass := 1; pass <= 2; pass++ {
		var kept *sovmap.ComponentResult
		var keptSpec *sovmap.Component
		var keptFactors []sovmap.Factor
		i := 0
		err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
			if !reflect.DeepEqual(*c, r.Components[i]) {
				t.Errorf("pass %d: component %d = %+v, want %+v", pass, i, *c, r.Components[i])
			}
			if spec == nil || spec.ID != c.ID {
				t.Errorf("pass %d: component %s has spec %v", pass, c.ID, spec)
			}
			if kept != nil && kept != c {
				t.Errorf("pass %d: a new struct for component %d; want one reused", pass, i)
			}
			kept, keptSpec, keptFactors = c, spec, c.Factors
			i++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i != len(r.Components) {
			t.Fatalf("pass %d: %d components, want %d", pass, i, len(r.Components))
		}
		if counts.Passes != pass || counts.Yields != pass*len(r.Components) {
			t.Errorf("counts %+v after pass %d of %d components", *counts, pass, len(r.Components))
		}
		if kept.ID != "" || keptSpec.ID != "" {
			t.Errorf("pass %d: the last component is still there after its yield: %q, %q", pass, kept.ID, keptSpec.ID)
		}
		for _, f := range keptFactors {
			if f.Name != "" {
				t.Errorf("pass %d: a kept factor list still holds %q", pass, f.Name)
			}
		}
	}
	if !reflect.DeepEqual(r, want) {
		t.Error("the report changed under the stream")
	}
}

func TestFailing(t *testing.T) {
	boom := errors.New("boom")
	s, _ := Reusing(sample.Report(), nil)
	s = Failing(s, 10, boom) // 7 components: the third of the second pass
	n := 0
	count := func(*sovmap.ComponentResult, *sovmap.Component) error { n++; return nil }
	if err := s.Components(count); err != nil {
		t.Fatalf("first pass: %v", err)
	}
	if err := s.Components(count); !errors.Is(err, boom) {
		t.Fatalf("second pass: %v, want %v", err, boom)
	}
	if n != 9 {
		t.Errorf("%d yields before the failure, want 9", n)
	}
}
