package embassy

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
)

// topAnswers answers every criterion of the digital-embassy framework with
// an answer at the top tier.
func topAnswers(t *testing.T) map[string]any {
	t.Helper()
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := lib.Lookup(DefaultFramework)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			out[c.ID] = framework.TopAnswer(f, &c)
		}
	}
	return out
}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestQualifies(t *testing.T) {
	top := topAnswers(t)
	tests := []struct {
		name       string
		arr        sovmap.Arrangement
		want       bool
		whyContain []string
	}{
		{"every answer at the top", sovmap.Arrangement{ID: "a", Host: "LU", Guest: "EE", Answers: top}, true,
			[]string{"qualifies", "T4"}},
		{"non-key criterion at T3 still qualifies", sovmap.Arrangement{ID: "a", Answers: with(top, "facility-tier", 3)}, true,
			[]string{"T3 (protected)"}},
		{"key criterion partial", sovmap.Arrangement{ID: "a", Answers: with(top, "immunity", "partial")}, false,
			[]string{"below T3", "immunity is \"partial\""}},
		{"key criterion at T3 is not enough", sovmap.Arrangement{ID: "a", Answers: with(top, "instrument-status", "ratified-host")}, false,
			[]string{"key criteria below the top: instrument-status is \"ratified-host\""}},
		{"weakest link below T3", sovmap.Arrangement{ID: "a", Answers: with(top, "isolation", "dedicated-hardware")}, false,
			[]string{"T2 (safeguarded) is below T3, set by isolation"}},
		{"missing answer counts as worst", sovmap.Arrangement{ID: "a", Answers: with(top, "deletion", nil)}, false,
			[]string{"T0", "deletion"}},
		{"missing key answer is named", sovmap.Arrangement{ID: "a", Answers: with(top, "key-custody", nil)}, false,
			[]string{"key-custody is unanswered"}},
		{"instrument field is a fact that wins", sovmap.Arrangement{ID: "a", Instrument: "contract", Answers: top}, false,
			[]string{"T1 (contractual)", "instrument-kind"}},
		{"invalid answer never qualifies", sovmap.Arrangement{ID: "lux", Pos: sovmap.Pos{File: "inv.yaml", Line: 7, Col: 5}, Answers: with(top, "immunity", "total")}, false,
			[]string{"inv.yaml:7:5: arrangement lux", "immunity", `"total" is not on its ladder (none, partial, full)`}},
		{"unknown criterion never qualifies", sovmap.Arrangement{ID: "lux", Answers: with(top, "inviolabilty", "yes")}, false,
			[]string{`unknown criterion "inviolabilty" (did you mean inviolability?)`}},
		{"unknown framework", sovmap.Arrangement{ID: "lux", Framework: "nope", Answers: top}, false,
			[]string{`unknown framework "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := Qualifies(tt.arr)
			if ok != tt.want {
				t.Errorf("Qualifies = %v, want %v (%s)", ok, tt.want, why)
			}
			for _, w := range tt.whyContain {
				if !strings.Contains(why, w) {
					t.Errorf("why = %q, want it to contain %q", why, w)
				}
			}
		})
	}
}

// vendorFramework is a minimal provider framework: arrangements cannot be
// scored on it.
const vendorFramework = `
id: vendor
name: Vendor scheme
version: "1"
subject: provider
sources: [{title: test}]
levels: [{id: L0, name: low}, {id: L1, name: high}]
weight_sets: [{id: only, weights: {d: 1}}]
dimensions:
  - id: d
    name: D
    criteria:
      - {id: c, title: C, kind: yes-no}
`

func TestQualifiesInRejectsProviderFramework(t *testing.T) {
	lib, err := framework.Load(fstest.MapFS{"vendor.yaml": {Data: []byte(vendorFramework)}})
	if err != nil {
		t.Fatal(err)
	}
	ok, why := QualifiesIn(lib, sovmap.Arrangement{ID: "lux", Framework: "vendor", Answers: map[string]any{"c": "yes"}})
	if ok || !strings.Contains(why, "framework vendor scores providers, not arrangements") {
		t.Errorf("QualifiesIn = %v, %q; want false and a subject error", ok, why)
	}
}

func BenchmarkQualifierFor(b *testing.B) {
	lib, err := framework.Default()
	if err != nil {
		b.Fatal(err)
	}
	f, _ := lib.Lookup(DefaultFramework)
	answers := map[string]any{}
	for _, d := range f.Dimensions {
		for i := range d.Criteria {
			answers[d.Criteria[i].ID] = framework.TopAnswer(f, &d.Criteria[i])
		}
	}
	a := sovmap.Arrangement{ID: "lux", Answers: answers}
	q := QualifierFor(&sovmap.Inventory{Arrangements: []sovmap.Arrangement{a}}, Options{})
	b.ReportAllocs()
	for b.Loop() {
		if ok, why := q(a); !ok {
			b.Fatal(why)
		}
	}
}
