package framework

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

func loadToy(t testing.TB) *Framework {
	t.Helper()
	data, err := os.ReadFile("testdata/toy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("toy.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The expected figures below are worked out by hand from testdata/toy.yaml
// (see the comments), not taken from the code.
func TestEvaluateScoresAndGates(t *testing.T) {
	f := loadToy(t)
	all := map[string]any{"a1": "yes", "a2": "yes", "a3": "good", "b1": 400, "b2": 10}
	// mixed: a1 partial (L2, .5), a2 no (L0, 0), a3 fair (L2, .25);
	// A = (.5 + 3*0 + .25) / 5 = 15%. b1 100 days (L2, .6), b2 30% (L1,
	// .25); B = 42.5%.
	mixed := map[string]any{"a1": "partial", "a2": "no", "a3": "fair", "b1": 100, "b2": 30}
	tests := []struct {
		name        string
		answers     map[string]any
		weights     string
		score       float64
		level       int
		dimScores   []float64
		dimLevels   []int
		binding     []string
		missing     []string
		critLevels  map[string]int
		critAnswers map[string]string
	}{
		{name: "every answer at the top", answers: all, score: 100, level: 4,
			dimScores: []float64{100, 100}, dimLevels: []int{4, 4}, binding: []string{}, missing: []string{}},
		{name: "mixed answers, even weights", answers: mixed, score: 28.75, level: 0,
			dimScores: []float64{15, 42.5}, dimLevels: []int{0, 1}, binding: []string{"a"}, missing: []string{},
			critLevels: map[string]int{"a1": 2, "a2": 0, "a3": 2, "b1": 2, "b2": 1}},
		{name: "mixed answers, other weight set", answers: mixed, weights: "a-heavy", score: 0.75*15 + 0.25*42.5, level: 0,
			dimScores: []float64{15, 42.5}, dimLevels: []int{0, 1}, binding: []string{"a"}, missing: []string{}},
		{name: "no answers at all: worst everywhere, all listed", answers: nil, score: 0, level: 0,
			dimScores: []float64{0, 0}, dimLevels: []int{0, 0}, binding: []string{"a", "b"},
			missing:     []string{"a1", "a2", "a3", "b1", "b2"},
			critAnswers: map[string]string{"a1": "no", "a3": "bad", "b1": "none"}},
		{name: "one missing answer gates the dimension", answers: map[string]any{"a1": "yes", "a2": "yes", "a3": "good", "b1": 400},
			score: 75, level: 0, dimScores: []float64{100, 50}, dimLevels: []int{4, 0}, binding: []string{"b"}, missing: []string{"b2"}},
		{name: "number below every band", answers: map[string]any{"a1": "yes", "a2": "yes", "a3": "good", "b1": 89, "b2": 50},
			score: 50, level: 0, dimScores: []float64{100, 0}, dimLevels: []int{4, 0}, binding: []string{"b"}, missing: []string{},
			critAnswers: map[string]string{"b1": "89", "b2": "50"}},
		{name: "band edges are inclusive, first band wins", answers: map[string]any{"a1": "yes", "a2": "yes", "a3": "good", "b1": 365, "b2": 24},
			score: 100, level: 4, dimScores: []float64{100, 100}, dimLevels: []int{4, 4}, binding: []string{}, missing: []string{}},
		{name: "booleans, aliases, numeric strings and case", answers: map[string]any{"a1": false, "a2": true, "a3": 2, "b1": "120", "b2": " 10 "},
			// A = (0 + 3*1 + .25)/5 = 65%; B = (.6 + 1)/2 = 80%.
			score: 72.5, level: 0, dimScores: []float64{65, 80}, dimLevels: []int{0, 2}, binding: []string{"a"}, missing: []string{},
			critAnswers: map[string]string{"a1": "no", "a2": "yes", "a3": "fair", "b1": "120", "b2": "10"}},
		{name: "ladder values match case-insensitively", answers: map[string]any{"a1": " YES", "a2": "Yes", "a3": "Good", "b1": 400, "b2": 0},
			score: 100, level: 4, dimScores: []float64{100, 100}, dimLevels: []int{4, 4}, binding: []string{}, missing: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Evaluate(Input{Answers: tt.answers, Weights: tt.weights})
			if err != nil {
				t.Fatal(err)
			}
			if !near(float64(res.Score), tt.score) {
				t.Errorf("score = %v, want %v", res.Score, tt.score)
			}
			if res.Level != tt.level || res.LevelName != f.Levels[tt.level].ID {
				t.Errorf("level = %d %s, want %d", res.Level, res.LevelName, tt.level)
			}
			for i, d := range res.Dimensions {
				if !near(float64(d.Score), tt.dimScores[i]) || d.Level != tt.dimLevels[i] {
					t.Errorf("dimension %s = %v at L%d, want %v at L%d", d.ID, d.Score, d.Level, tt.dimScores[i], tt.dimLevels[i])
				}
			}
			if !slices.Equal(res.Binding, tt.binding) {
				t.Errorf("binding = %v, want %v", res.Binding, tt.binding)
			}
			if !slices.Equal(res.Missing, tt.missing) {
				t.Errorf("missing = %v, want %v", res.Missing, tt.missing)
			}
			for id, want := range tt.critLevels {
				if c, _ := res.Criterion(id); c.Level != want {
					t.Errorf("criterion %s level = %d, want %d", id, c.Level, want)
				}
			}
			for id, want := range tt.critAnswers {
				if c, _ := res.Criterion(id); c.Answer != want {
					t.Errorf("criterion %s answer = %q, want %q", id, c.Answer, want)
				}
			}
		})
	}
}

func TestEvaluateWeightSetsChangeScoreNotGate(t *testing.T) {
	f := loadToy(t)
	answers := map[string]any{"a1": "yes", "a2": "yes", "a3": "good", "b1": 100, "b2": 30}
	even, err := f.Evaluate(Input{Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	heavy, err := f.Evaluate(Input{Answers: answers, Weights: "a-heavy"})
	if err != nil {
		t.Fatal(err)
	}
	// A = 100, B = 42.5: even 71.25, a-heavy .75*100 + .25*42.5 = 85.625.
	if !near(float64(even.Score), 71.25) || !near(float64(heavy.Score), 85.625) {
		t.Errorf("scores = %v / %v, want 71.25 / 85.625", even.Score, heavy.Score)
	}
	if even.Level != heavy.Level || even.Level != 1 {
		t.Errorf("gate = %d / %d, want 1 under both weight sets", even.Level, heavy.Level)
	}
	if even.WeightSet != "even" || heavy.WeightSet != "a-heavy" {
		t.Errorf("weight sets = %s / %s", even.WeightSet, heavy.WeightSet)
	}
	if d, _ := heavy.Dimension("a"); !near(float64(d.Weight), 75) {
		t.Errorf("dimension a weight under a-heavy = %v%%, want 75%%", d.Weight)
	}
}

func TestEvaluateFactsWinOverAnswers(t *testing.T) {
	f := loadToy(t)
	res, err := f.Evaluate(Input{
		Answers:  map[string]any{"a3": "bad"},
		Evidence: map[string]string{"a3": "self-assessment, p. 4", "a1": "https://example.org/a1"},
		Facts:    map[string]Fact{"toy.a3": {Value: "good", Detail: "derived from the inventory"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.Criterion("a3")
	if c.From != FromFact || c.Answer != "good" || c.Level != 4 {
		t.Errorf("a3 = %+v, want the fact's answer", c)
	}
	if c.Evidence != "derived from the inventory; self-assessment, p. 4" {
		t.Errorf("a3 evidence = %q", c.Evidence)
	}
	if a1, _ := res.Criterion("a1"); a1.Evidence != "https://example.org/a1" || a1.From != FromMissing {
		t.Errorf("a1 = %+v, want evidence kept on a missing answer", a1)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "a3: the answer bad disagrees with the inventory fact toy.a3 (good)") {
		t.Errorf("notes = %q", res.Notes)
	}
	// A fact that agrees with the answer needs no note.
	agree, err := f.Evaluate(Input{Answers: map[string]any{"a3": "good"}, Facts: map[string]Fact{"toy.a3": {Value: "good", Detail: "derived"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(agree.Notes) != 0 {
		t.Errorf("notes when the fact agrees = %q", agree.Notes)
	}
	if slices.Contains(res.Missing, "a3") {
		t.Error("a criterion answered by a fact is listed as missing")
	}
}

func TestEvaluateRemedies(t *testing.T) {
	f := loadToy(t)
	res, err := f.Evaluate(Input{Answers: map[string]any{"a1": "partial", "a2": "yes", "b1": 10}})
	if err != nil {
		t.Fatal(err)
	}
	a1, _ := res.Criterion("a1")
	if a1.AtTop || a1.Clause != "Do a1." || a1.Best != "yes" {
		t.Errorf("a1 = %+v, want its clause and best answer", a1)
	}
	a2, _ := res.Criterion("a2")
	if !a2.AtTop || a2.Clause != "" || a2.Best != "" {
		t.Errorf("a2 = %+v, want no remedy at the top", a2)
	}
	b1, _ := res.Criterion("b1")
	if b1.Best != ">= 365 (days)" {
		t.Errorf("b1 best = %q", b1.Best)
	}
}

func TestEvaluateInvalidAnswers(t *testing.T) {
	f := loadToy(t)
	tests := []struct {
		name     string
		in       Input
		problems []string
	}{
		{"answer off the ladder", Input{Answers: map[string]any{"a1": "maybe"}},
			[]string{`criterion a1: answer "maybe" is not on its ladder (no, partial, yes)`}},
		{"alias-only ladder lists values", Input{Answers: map[string]any{"a3": "great"}},
			[]string{`criterion a3: answer "great" is not on its ladder (bad, fair, good)`}},
		{"not a number", Input{Answers: map[string]any{"b1": "soon"}},
			[]string{"criterion b1: answer soon is not a number (days)"}},
		{"a list is no answer", Input{Answers: map[string]any{"a2": []any{"yes"}}},
			[]string{`criterion a2: answer "[yes]" is not on its ladder (no, yes)`}},
		{"NaN is not a number", Input{Answers: map[string]any{"b2": math.NaN()}},
			[]string{"criterion b2: answer NaN is not a number (percent)"}},
		{"unknown criterion with a suggestion", Input{Answers: map[string]any{"a4": "yes"}},
			[]string{`answer to unknown criterion "a4" (did you mean a1?)`}},
		{"unknown evidence without a suggestion", Input{Evidence: map[string]string{"zz": "doc"}},
			[]string{`evidence for unknown criterion "zz"`}},
		{"all problems at once, in a stable order", Input{Answers: map[string]any{"a4": 1, "a1": "maybe", "b1": "x"}},
			[]string{`unknown criterion "a4"`, `criterion a1: answer "maybe"`, "criterion b1: answer x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Evaluate(tt.in)
			var ae *AnswerError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *AnswerError", err)
			}
			if len(ae.Problems) != len(tt.problems) {
				t.Fatalf("problems = %q, want %d", ae.Problems, len(tt.problems))
			}
			for i, want := range tt.problems {
				if !strings.Contains(ae.Problems[i], want) || strings.HasSuffix(want, `"zz"`) && ae.Problems[i] != want {
					t.Errorf("problem %d = %q, want it to contain %q", i, ae.Problems[i], want)
				}
			}
			if !strings.HasPrefix(err.Error(), "framework toy: ") {
				t.Errorf("error %q does not name the framework", err)
			}
		})
	}
	if _, err := f.Evaluate(Input{Weights: "heavy"}); err == nil || !strings.Contains(err.Error(), `no weight set "heavy" (have even, a-heavy)`) {
		t.Errorf("unknown weight set: err = %v", err)
	}
}

// TestViewAgreesWithDimensions checks the hand-computed regrouping of the
// toy framework's view.
func TestViewAgreesWithDimensions(t *testing.T) {
	f := loadToy(t)
	res, err := f.Evaluate(Input{Answers: map[string]any{"a1": "partial", "a2": "no", "a3": "fair", "b1": 100, "b2": 30}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Views) != 1 {
		t.Fatalf("views = %d", len(res.Views))
	}
	v := res.Views[0]
	// Effective weights: a1 .1, a2 .3, a3 .1, b1 .25, b2 .25.
	// X = (.1*.5 + .25*.6)/.35; Y = (.1*.25 + .25*.25)/.65.
	wantX, wantY := (0.05+0.15)/0.35*100, (0.025+0.0625)/0.65*100
	if !near(float64(v.Dimensions[0].Score), wantX) || !near(float64(v.Dimensions[1].Score), wantY) {
		t.Errorf("view scores = %v, %v; want %v, %v", v.Dimensions[0].Score, v.Dimensions[1].Score, wantX, wantY)
	}
	if !near(float64(v.Dimensions[0].Weight), 35) || !near(float64(v.Dimensions[1].Weight), 65) {
		t.Errorf("view weights = %v, %v; want 35, 65", v.Dimensions[0].Weight, v.Dimensions[1].Weight)
	}
	if v.Dimensions[0].Level != 2 || v.Dimensions[1].Level != 0 || !slices.Equal(v.Dimensions[1].Binding, []string{"a2"}) {
		t.Errorf("view levels = %d, %d binding %v", v.Dimensions[0].Level, v.Dimensions[1].Level, v.Dimensions[1].Binding)
	}
	if !near(float64(v.Score), float64(res.Score)) || v.Level != res.Level {
		t.Errorf("view overall %v L%d, framework %v L%d", v.Score, v.Level, res.Score, res.Level)
	}
}

// FuzzEvaluateAnswers throws arbitrary answer values at the toy framework:
// Evaluate either scores them within range or returns an *AnswerError,
// never panics.
func FuzzEvaluateAnswers(f *testing.F) {
	f.Add("a1", "yes", 1.0, true)
	f.Add("b1", "120", -5.0, false)
	f.Add("a3", "2", math.Inf(1), true)
	f.Add("zz", "", math.NaN(), false)
	f.Fuzz(func(t *testing.T, id, s string, x float64, useNumber bool) {
		fw := loadToy(t)
		var v any = s
		if useNumber {
			v = x
		}
		res, err := fw.Evaluate(Input{Answers: map[string]any{id: v}, Evidence: map[string]string{id: s}})
		if err != nil {
			var ae *AnswerError
			if !errors.As(err, &ae) || len(ae.Problems) == 0 {
				t.Fatalf("err = %v, want an *AnswerError with problems", err)
			}
			return
		}
		if res.Level < 0 || res.Level > fw.Top() || res.Score < 0 || res.Score > 100 {
			t.Fatalf("out of range: level %d score %v", res.Level, res.Score)
		}
	})
}

func BenchmarkEvaluateDigitalEmbassy(b *testing.B) {
	lib, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	f, _ := lib.Get("digital-embassy")
	answers := map[string]any{}
	for _, d := range f.Dimensions {
		for i := range d.Criteria {
			answers[d.Criteria[i].ID] = TopAnswer(f, &d.Criteria[i])
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Evaluate(Input{Answers: answers}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDefaultLibrary(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
