package streamtest

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// TestStreamCounts checks the counts the tests of stream writers read:
// passes and components passed, over two passes of the sample, each
// passing every component once, in order.
func TestStreamCounts(t *testing.T) {
	r := sample.Report()
	s, counts := Stream(r, sample.Inventory())
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

// TestFromRoot checks that fromRoot makes the relative positions of a
// report and an inventory relative to the module root, leaves absolute
// and empty ones as they are, and reaches positions inside lists.
func TestFromRoot(t *testing.T) {
	root, err := sample.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(root, "examples", "x.yaml")
	inv := &sovmap.Inventory{Components: []sovmap.Component{{ID: "a", Pos: sovmap.Pos{File: "a.yaml", Line: 3}}, {ID: "b", Pos: sovmap.Pos{File: abs}}, {ID: "c"}}}
	r := &sovmap.Report{Components: []sovmap.ComponentResult{{ID: "a", Pos: sovmap.Pos{File: "../b.yaml", Line: 4}}}}
	for _, v := range []any{inv, r} {
		if err := fromRoot(reflect.ValueOf(v), root); err != nil {
			t.Fatal(err)
		}
	}
	// The tests run in internal/streamtest, by hand two levels below the root.
	for _, c := range []struct{ got, want sovmap.Pos }{
		{inv.Components[0].Pos, sovmap.Pos{File: filepath.Join("internal", "streamtest", "a.yaml"), Line: 3}},
		{inv.Components[1].Pos, sovmap.Pos{File: abs}},
		{inv.Components[2].Pos, sovmap.Pos{}},
		{r.Components[0].Pos, sovmap.Pos{File: filepath.Join("internal", "b.yaml"), Line: 4}},
	} {
		if c.got != c.want {
			t.Errorf("position %+v, want %+v", c.got, c.want)
		}
	}
}
