package sample

import (
	"errors"
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"

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

// TestReusing: each component comes as it is (its JSON and its positions),
// the originals stay as they were, and what a writer keeps past a yield,
// down to a list inside a list, a pointed-to contract and the tags, no
// longer holds the component after it: a writer that keeps instead of
// copying writes other bytes.
func TestReusing(t *testing.T) {
	edit := func(r *sovmap.Report, inv *sovmap.Inventory) {
		c := &r.Components[1] // train-cluster, with a contract in the inventory
		c.Reasons[0].Checks = []sovmap.Check{{Part: "certified", Status: sovmap.ConditionOpen, Why: "no certificate on file"}}
		c.Factors[0].Facts = []string{"a fact"}
		inv.Components[1].Tags = map[string]string{"team": "ml"}
	}
	r, inv := Report(), Inventory()
	edit(r, inv)
	wantR, wantInv := Report(), Inventory()
	edit(wantR, wantInv)
	if inv.Components[1].ID != r.Components[1].ID || inv.Components[1].Contract == nil {
		t.Fatal("the sample no longer has a contract on its second component: pick another")
	}
	each := func(yield func(*sovmap.ComponentResult, *sovmap.Component) error) error {
		for i := range r.Components {
			if err := yield(&r.Components[i], &inv.Components[i]); err != nil {
				return err
			}
		}
		return nil
	}
	jsonOf := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var (
		kept     *sovmap.ComponentResult
		checks   []sovmap.Check
		facts    []string
		contract *sovmap.Contract
		tags     map[string]string
	)
	i := 0
	err := Reusing(each)(func(res *sovmap.ComponentResult, spec *sovmap.Component) error {
		if jsonOf(res) != jsonOf(&r.Components[i]) || res.Pos != r.Components[i].Pos {
			t.Errorf("component %d came as %s at %v, want %s at %v", i, jsonOf(res), res.Pos, jsonOf(&r.Components[i]), r.Components[i].Pos)
		}
		if spec == nil || jsonOf(spec) != jsonOf(&inv.Components[i]) || spec.Pos != inv.Components[i].Pos {
			t.Errorf("inventory component %d came as %v", i, spec)
		}
		if res == &r.Components[i] || spec == &inv.Components[i] {
			t.Fatalf("component %d passed as it is held, not through the reused structs", i)
		}
		if i == 1 {
			kept, checks, facts, contract, tags = res, res.Reasons[0].Checks, res.Factors[0].Facts, spec.Contract, spec.Tags
		}
		i++
		return nil
	})
	if err != nil || i != len(r.Components) {
		t.Fatalf("%d of %d components, %v", i, len(r.Components), err)
	}
	if kept.ID == "train-cluster" || checks[0].Why == "no certificate on file" || facts[0] == "a fact" ||
		contract.GoverningLaw == "LU" || tags["team"] == "ml" {
		t.Errorf("what was kept still holds the component: %s %v %v %v %v", kept.ID, checks, facts, *contract, tags)
	}
	if !reflect.DeepEqual(r, wantR) || !reflect.DeepEqual(inv, wantInv) {
		t.Error("the originals were changed")
	}

	stop := errors.New("stop")
	n := 0
	if err := Reusing(each)(func(*sovmap.ComponentResult, *sovmap.Component) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("a failing yield: %v after %d components, want %v after 1", err, n, stop)
	}
}
