package inventory_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/inventory"
)

func intp(i int) *int    { return &i }
func boolp(b bool) *bool { return &b }

// TestAppendComponentJSON holds the hand-written encoder to encoding/json,
// which the server used before and whose bytes stored versions hold: on
// hand-made components that exercise every field, omitted and present,
// and strings that need escaping, and on every component of every example
// and of a generated inventory, as the loader read them.
func TestAppendComponentJSON(t *testing.T) {
	cases := []sovmap.Component{
		{},
		{ID: "a", Layer: sovmap.LayerCompute, Locations: []string{}, DependsOn: []sovmap.Dependency{}, Tags: map[string]string{}, Contract: &sovmap.Contract{}},
		everyField(),
		{ID: "c", Contract: &sovmap.Contract{DataReturn: boolp(true)}},
		{ID: "d", Contract: &sovmap.Contract{Portability: "none"}},
	}
	examples, err := sample.Examples(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		cases = append(cases, ex.Inventory.Components...)
	}
	synthetic, _, err := sample.Synthetic(context.Background(), 300)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, synthetic.Components...)
	contracts, options, deps := 0, 0, 0
	for i := range cases {
		c := &cases[i]
		if c.Contract != nil {
			contracts++
		}
		options += len(c.Options)
		deps += len(c.DependsOn)
		checkAppend(t, c)
	}
	// The examples and the generator must give the test real material.
	if contracts < 20 || options < 5 || deps < 1000 {
		t.Fatalf("only %d contracts, %d options and %d dependencies checked", contracts, options, deps)
	}
}

// everyField is a component with every field set, those of its contract and
// of its dependencies too, in strings that need escaping:
// TestEveryFieldIsSet keeps it so when a field is added.
func everyField() sovmap.Component {
	return sovmap.Component{ID: "b\"\\\n<&>é\u2028\u2029\x7f\xff", Name: "name \t", Layer: sovmap.LayerStorage, Provider: "p<1>",
		Locations: []string{"DE", "aws:eu-central-1"}, OperatedFrom: []string{"FR"}, Data: []string{"personal.health"},
		Criticality: "vital", KeyCustody: "customer",
		DependsOn:      []sovmap.Dependency{{ID: "c"}, {ID: "d", Kind: sovmap.Supply, Data: []string{"x"}, Mechanism: sovmap.MechanismSCC}},
		Certifications: []string{"hds"}, Arrangement: "e1", Alternatives: []string{"z"}, RenamedFrom: []string{"old"},
		Contract:      &sovmap.Contract{GoverningLaw: "US", ExitNoticeDays: intp(-3), DataReturn: boolp(false), Portability: "open", AuditRights: boolp(true)},
		MigrationDays: intp(0),
		Options: []sovmap.Option{{ID: "o", CostOnce: 1e21, CostYearly: 0.000001}, {ID: "p", CostOnce: 1234.5, CostYearly: 1e-7,
			Contract: &sovmap.Contract{AuditRights: boolp(false)}}},
		Tags: map[string]string{"team": "a&b", "cost-centre": "42", "": "empty", "é": "\u2028"}}
}

// TestEveryFieldIsSet fails when a field is added to a component, its
// contract or a dependency without being set in everyField, where
// TestAppendComponentJSON would not see that AppendComponentJSON leaves
// it out (json.Marshal omits an empty field too).
func TestEveryFieldIsSet(t *testing.T) {
	c := everyField()
	check := func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Tag.Get("json") == "-" {
				continue
			}
			if v.Field(i).IsZero() {
				t.Errorf("everyField: %s.%s is not set", v.Type().Name(), f.Name)
			}
		}
	}
	check(reflect.ValueOf(c))
	check(reflect.ValueOf(*c.Contract))
	check(reflect.ValueOf(c.DependsOn[len(c.DependsOn)-1]))
}

// checkAppend compares AppendComponentJSON of c, after a prefix it must
// keep, with json.Marshal.
func checkAppend(t *testing.T, c *sovmap.Component) {
	t.Helper()
	want, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := inventory.AppendComponentJSON([]byte("prefix"), c)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[len("prefix"):]) != string(want) || string(got[:len("prefix")]) != "prefix" {
		t.Errorf("AppendComponentJSON(%q):\n got %s\nwant prefix%s", c.ID, got, want)
	}
}

// FuzzAppendComponentJSON holds the encoder to encoding/json on any
// strings in any field that takes one, which is where the two could part
// (what is escaped, and how).
func FuzzAppendComponentJSON(f *testing.F) {
	for _, s := range []string{"", "c123", "aws:eu-central-1", "a\"b", "back\\slash", "tab\t", "é", "\u2028", "<&>", "\x7f", "\xff", "\x00"} {
		f.Add(s, s+"x", 3)
	}
	f.Fuzz(func(t *testing.T, s, u string, n int) {
		c := &sovmap.Component{ID: s, Name: u, Layer: sovmap.Layer(s), Provider: u, Locations: []string{s, u},
			Data: []string{u}, Criticality: sovmap.Criticality(u), KeyCustody: sovmap.KeyCustody(s),
			DependsOn:   []sovmap.Dependency{{ID: u, Kind: sovmap.DependencyKind(s), Data: []string{s}, Mechanism: sovmap.Mechanism(u)}},
			Arrangement: s, Tags: map[string]string{s: u, u: s}, MigrationDays: &n}
		if n%2 == 0 {
			c.Contract = &sovmap.Contract{GoverningLaw: s, Portability: sovmap.Portability(u), ExitNoticeDays: &n, DataReturn: boolp(n%4 == 0)}
		}
		checkAppend(t, c)
	})
}
