package streamtest

import (
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// TestReusingCounts checks the counts the tests of stream writers read:
// passes and components passed, over two passes of the sample, each
// passing every component once, in order.
func TestReusingCounts(t *testing.T) {
	r := sample.Report()
	s, counts := Reusing(r, sample.Inventory())
	for pass := 1; pass <= 2; pass++ {
		i := 0
		err := s.Components(func(c *sovmap.ComponentResult, spec *sovmap.Component) error {
			if c.ID != r.Components[i].ID || spec == nil || spec.ID != c.ID {
				t.Errorf("pass %d: component %d is %s (spec %v), want %s", pass, i, c.ID, spec, r.Components[i].ID)
			}
			i++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if counts.Passes != pass || counts.Yields != pass*len(r.Components) {
			t.Errorf("counts %+v after pass %d of %d components", *counts, pass, len(r.Components))
		}
	}
}

// TestFirstWrite checks that FirstWrite notes the count at the first
// non-empty write only.
func TestFirstWrite(t *testing.T) {
	counts := &Counts{}
	w := &FirstWrite{Counts: counts, At: -1}
	counts.Yields = 3
	w.Write(nil)
	counts.Yields = 5
	w.Write([]byte("x"))
	counts.Yields = 9
	w.Write([]byte("y"))
	if w.At != 5 {
		t.Errorf("At = %d, want 5", w.At)
	}
}
