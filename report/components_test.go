package report_test

import (
	"errors"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/report"
)

// TestStreamOf: the stream of a report held whole yields its components in
// order, each with the inventory component of the same ID, on every pass,
// and stops at the first error.
func TestStreamOf(t *testing.T) {
	inv, rep := small(t)
	if len(rep.Components) < 2 {
		t.Fatalf("small.yaml has %d components; the test needs two", len(rep.Components))
	}
	s := report.StreamOf(rep, inv)
	if s.Head.Components != nil || s.Inventory.Components != nil {
		t.Error("the head or the inventory keeps its components")
	}
	if len(rep.Components) == 0 || len(inv.Components) == 0 {
		t.Error("StreamOf emptied the report or inventory it was given")
	}
	for pass := range 2 {
		var ids []string
		err := s.Components(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
			if spec == nil || spec.ID != res.ID {
				t.Errorf("pass %d: component %s came with inventory component %v", pass, res.ID, spec)
			}
			ids = append(ids, res.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != len(rep.Components) {
			t.Fatalf("pass %d: %d components, want %d", pass, len(ids), len(rep.Components))
		}
		for i, id := range ids {
			if id != rep.Components[i].ID {
				t.Errorf("pass %d: component %d is %s, want %s", pass, i, id, rep.Components[i].ID)
			}
		}
	}
	stop := errors.New("stop")
	n := 0
	err := s.Components(func(*sovmap.ComponentResult, *sovmap.Component) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("after an error: %d calls, error %v; want 1 call and the error", n, err)
	}
	if bare := report.StreamOf(rep, nil); bare.Inventory != nil {
		t.Error("a stream without an inventory has one")
	} else {
		_ = bare.Components(func(_ *sovmap.ComponentResult, spec *sovmap.Component) error {
			if spec != nil {
				t.Errorf("a stream without an inventory gave component %s", spec.ID)
			}
			return nil
		})
	}
}

// TestStreamOfOutOfOrder: inventory components in another order than the
// report's are still matched by ID.
func TestStreamOfOutOfOrder(t *testing.T) {
	inv, rep := small(t)
	shuffled := *inv
	shuffled.Components = append([]sovmap.Component(nil), inv.Components...)
	for i, j := 0, len(shuffled.Components)-1; i < j; i, j = i+1, j-1 {
		shuffled.Components[i], shuffled.Components[j] = shuffled.Components[j], shuffled.Components[i]
	}
	n := 0
	err := report.StreamOf(rep, &shuffled).Components(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
		n++
		if spec == nil || spec.ID != res.ID {
			t.Errorf("component %s came with inventory component %v", res.ID, spec)
		}
		return nil
	})
	if err != nil || n != len(rep.Components) {
		t.Errorf("%d components, error %v", n, err)
	}
}
