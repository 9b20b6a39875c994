package embassy

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sovmap/sovmap/framework"
)

// randomAnswers answers each criterion of f at random: a ladder value, a
// number in or around the bands, or nothing (a missing answer).
func randomAnswers(r *rand.Rand, f *framework.Framework) map[string]any {
	out := map[string]any{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			if r.IntN(8) == 0 {
				continue // missing
			}
			if c.Kind == framework.Number {
				out[c.ID] = float64(r.IntN(1000))
				continue
			}
			values := f.AnswerValues(&c)
			out[c.ID] = values[r.IntN(len(values))]
		}
	}
	return out
}

// TestFourAndFiveDimensionViewsAgree checks that the four often quoted
// dimensions (legal jurisdiction, data sovereignty, security standards,
// exit rights) are a faithful regrouping of the five trust dimensions: for
// random answers under every weight set, both give the same weakest-link
// tier and the same weighted score, each heading's tier is the minimum of
// its criteria, and the headings' weights add up to the whole.
func TestFourAndFiveDimensionViewsAgree(t *testing.T) {
	lib := defaultLib(t)
	f, err := lib.Lookup(DefaultFramework)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Views) != 1 || len(f.Views[0].Dimensions) != 4 || len(f.Dimensions) != 5 {
		t.Fatalf("want five dimensions and one four-heading view, have %d and %v", len(f.Dimensions), f.Views)
	}
	r := rand.New(rand.NewPCG(2026, 5))
	for _, ws := range f.WeightSets {
		for i := 0; i < 300; i++ {
			answers := randomAnswers(r, f)
			res, err := f.Evaluate(framework.Input{Answers: answers, Weights: ws.ID})
			if err != nil {
				t.Fatal(err)
			}
			v := res.Views[0]
			if v.Level != res.Level {
				t.Fatalf("%s #%d: four-dimension tier %s, five-dimension tier %s", ws.ID, i, v.LevelName, res.LevelName)
			}
			if math.Abs(float64(v.Score-res.Score)) > 1e-9 {
				t.Fatalf("%s #%d: four-dimension score %v, five-dimension score %v", ws.ID, i, v.Score, res.Score)
			}
			weights, recomputed := 0.0, 0.0
			for _, vd := range v.Dimensions {
				weights += float64(vd.Weight)
				recomputed += float64(vd.Weight) * float64(vd.Score) / 100
				low := res.TopLevel
				for _, id := range vd.Criteria {
					c, ok := res.Criterion(id)
					if !ok {
						t.Fatalf("view names %s, the result has no such criterion", id)
					}
					low = min(low, c.Level)
				}
				if vd.Level != low {
					t.Fatalf("%s: tier %d, minimum of its criteria %d", vd.ID, vd.Level, low)
				}
			}
			if math.Abs(weights-100) > 1e-9 || math.Abs(recomputed-float64(res.Score)) > 1e-9 {
				t.Fatalf("%s #%d: view weights sum to %v and rebuild a score of %v, want 100 and %v", ws.ID, i, weights, recomputed, res.Score)
			}
		}
	}
}

// TestViewCoversEveryCriterionOnce makes the agreement test meaningful: a
// view that dropped or doubled a criterion could still agree by chance.
func TestViewCoversEveryCriterionOnce(t *testing.T) {
	lib := defaultLib(t)
	f, _ := lib.Lookup(DefaultFramework)
	var inView []string
	for _, vd := range f.Views[0].Dimensions {
		inView = append(inView, vd.Criteria...)
	}
	var all []string
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			all = append(all, c.ID)
		}
	}
	slices.Sort(inView)
	slices.Sort(all)
	if !slices.Equal(inView, all) {
		t.Errorf("view criteria %v\nframework criteria %v", inView, all)
	}
}
