package sample

import (
	"errors"
	"testing"

	"github.com/sovmap/sovmap"
)

// TestRepeat: n components, each copy's ids and dependencies suffixed with
// its number, the inventory entry of the component copied.
func TestRepeat(t *testing.T) {
	r, inv := Report(), Inventory()
	m := len(r.Components)
	var ids []string
	err := Repeat(r, inv, 2*m+1)(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
		ids = append(ids, res.ID)
		if spec == nil || spec.ID != res.ID {
			t.Fatalf("%s came with %v", res.ID, spec)
		}
		for _, d := range spec.DependsOn {
			if d.ID[len(d.ID)-2:] != res.ID[len(res.ID)-2:] {
				t.Errorf("%s depends on %s, of another copy", res.ID, d.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2*m+1 || ids[0] != r.Components[0].ID+"~0" || ids[m] != r.Components[0].ID+"~1" || ids[2*m] != r.Components[0].ID+"~2" {
		t.Errorf("ids %v", ids)
	}
}

// TestFailingIn: the readings before the failing one are whole; the
// failing one stops halfway with the error.
func TestFailingIn(t *testing.T) {
	r := Report()
	n := len(r.Components)
	each := func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		for i := range r.Components {
			if err := yield(&r.Components[i], nil); err != nil {
				return err
			}
		}
		return nil
	}
	stop := errors.New("stop")
	f := FailingIn(each, 2, n, stop)
	for pass, want := range []int{n, n / 2} {
		got := 0
		err := f(func(*sovmap.ComponentResult, *sovmap.Component) error { got++; return nil })
		if got != want || (pass == 1) != errors.Is(err, stop) {
			t.Errorf("reading %d: %d components, error %v; want %d", pass+1, got, err, want)
		}
	}
}
