package framework

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// The tests below hold eu-csf@2026 to the Commission calculator as
// published: counts and never-gating criteria from the issue that compared
// sovmap with the calculator, objective results from public provider cards,
// and hand computations from the published rule. Their oracles are typed
// in here from those sources, not read from the framework file.

func calculator(t *testing.T) *Framework {
	t.Helper()
	_, f := shipped(t, "eu-csf@2026")
	return f
}

// topAnswers answers every criterion with its last answer, the
// calculator's best.
func topAnswers(f *Framework) map[string]any {
	answers := map[string]any{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			answers[c.ID] = c.Answers[len(c.Answers)-1].Value
		}
	}
	return answers
}

func TestCalculatorShape(t *testing.T) {
	f := calculator(t)
	want := []int{8, 6, 5, 6, 7, 5, 7, 4}
	for i, d := range f.Dimensions {
		if len(d.Criteria) != want[i] {
			t.Errorf("%s has %d criteria, want %d", d.ID, len(d.Criteria), want[i])
		}
	}
	// The nine criteria whose every answer gives SEAL-4: change of control,
	// financing, economic contribution, EU programmes, industrial
	// alignment, IP origin, firmware, EU regulatory compliance, energy.
	never := []string{"SOV-1.2", "SOV-1.4", "SOV-1.5", "SOV-1.6", "SOV-1.7", "SOV-2.5", "SOV-5.3", "SOV-7.2", "SOV-8.4"}
	var got []string
	for _, d := range f.Dimensions {
		for i := range d.Criteria {
			c := &d.Criteria[i]
			if !f.Gates(c) {
				got = append(got, c.ID)
			}
			if !c.Contested || c.Source == "" {
				t.Errorf("%s: rests on transcriptions but is not marked contested with a source", c.ID)
			}
		}
	}
	if !slices.Equal(got, never) {
		t.Errorf("never-gating criteria = %v, want %v", got, never)
	}
	// Floors from the transcribed SEALs: the worst answer of SOV-1.1 still
	// gives SEAL-1, of SOV-2.6 SEAL-3, of SOV-3.5 SEAL-2; SOV-1.8 can give 0.
	for id, floor := range map[string]int{"SOV-1.1": 1, "SOV-2.6": 3, "SOV-3.5": 2, "SOV-6.3": 2, "SOV-1.8": 0, "SOV-6.5": 0} {
		c, _, _ := f.Criterion(id)
		if got := f.Floor(c); got != floor {
			t.Errorf("floor of %s = %d, want %d", id, got, floor)
		}
	}
	if f.LevelLabel(3) != "Technological sovereignty" || !f.Levels[3].Contested {
		t.Errorf("SEAL-3 = %q (contested %v), want the 2026 name marked contested", f.LevelLabel(3), f.Levels[3].Contested)
	}
}

// TestCalculatorNonGatingAnswer is the example: the top answer
// everywhere but "participation in EU programmes", which cannot lower the
// SEAL. By hand: SOV-1 earns 1000.03 - 125 of 1000.03 points, so the score
// is 100 - 20 x 125 / 1000.03 = 97.50 and the SEAL stays 4.
func TestCalculatorNonGatingAnswer(t *testing.T) {
	f := calculator(t)
	answers := topAnswers(f)
	answers["SOV-1.6"] = "1" // the calculator's option 1: no participation
	res, err := f.Evaluate(Input{Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	if res.LevelName != "SEAL-4" {
		t.Errorf("SEAL = %s, want SEAL-4: EU programmes never gate", res.LevelName)
	}
	if want := 100 - 20*125/1000.03; !near(float64(res.Score), want) {
		t.Errorf("score = %v, want %v", res.Score, want)
	}
	c, _ := res.Criterion("SOV-1.6")
	if c.Gates || c.AtTop || c.Points == nil || *c.Points != 0 {
		t.Errorf("SOV-1.6 = %+v, want 0 points, not gating, not at the top", c)
	}
}

// TestCalculatorHandComputed scores the example offer and compares with a
// hand computation from the transcribed points: each objective's points
// over its highest possible points, weighted 20/10/10/15/10/15/15/5.
func TestCalculatorHandComputed(t *testing.T) {
	inv, k := loadExample(t, "eu-csf-calculator")
	f := calculator(t)
	facts, err := ProviderFacts(inv, k, "eu-sovereign-cloud")
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Evaluate(Input{Answers: inv.Assessments[0].Answers, Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	// Points of the answers given (SOV-6.5 capped by the inventory at
	// "co-designed or integrated in the EU", 100 points, SEAL-3).
	points := map[string][]float64{
		"SOV-1": {125.01, 93.75, 83.34, 93.75, 125, 62.5, 83, 93.75},
		"SOV-2": {167, 167, 167, 125.25, 125.25, 167},
		"SOV-3": {200, 150, 150, 200, 150},
		"SOV-4": {125.25, 167, 125.25, 125.25, 125.25, 125.25},
		"SOV-5": {107.25, 71.5, 35.75, 107.25, 107.25, 71.5, 71.5},
		"SOV-6": {150, 150, 100, 150, 100},
		"SOV-7": {143, 143, 107.25, 107.25, 107.25, 71.5, 107.25},
		"SOV-8": {187.5, 125, 187.5, 125},
	}
	maxima := map[string]float64{"SOV-1": 1000.03, "SOV-2": 1002, "SOV-3": 1000, "SOV-4": 1002, "SOV-5": 1001, "SOV-6": 1000, "SOV-7": 1001, "SOV-8": 1000}
	weights := map[string]float64{"SOV-1": 20, "SOV-2": 10, "SOV-3": 10, "SOV-4": 15, "SOV-5": 10, "SOV-6": 15, "SOV-7": 15, "SOV-8": 5}
	total := 0.0
	for dim, ps := range points {
		sum := 0.0
		for _, p := range ps {
			sum += p
		}
		d, _ := res.Dimension(dim)
		if !near(float64(d.Score), sum/maxima[dim]*100) {
			t.Errorf("%s score = %v, want %v", dim, d.Score, sum/maxima[dim]*100)
		}
		total += weights[dim] * sum / maxima[dim]
	}
	if !near(float64(res.Score), total) {
		t.Errorf("score = %v, want %v", res.Score, total)
	}
	// SEAL by hand: SOV-7.7 answer 4 gives SEAL-1, every other answer 2 or more.
	if res.LevelName != "SEAL-1" || !slices.Equal(res.Binding, []string{"SOV-7"}) {
		t.Errorf("SEAL = %s set by %v, want SEAL-1 set by SOV-7", res.LevelName, res.Binding)
	}
	if d, _ := res.Dimension("SOV-5"); d.LevelName != "SEAL-2" {
		t.Errorf("SOV-5 = %s, want SEAL-2 (SOV-5.6 and 5.7 at their third answer)", d.LevelName)
	}
	hpc, _ := res.Criterion("SOV-6.5")
	if hpc.Answer != "eu-co-designed" || hpc.From != FromFact || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "SOV-6.5: the answer eu-design-fab-ops claims more than the inventory allows") {
		t.Errorf("SOV-6.5 = %+v, notes %q; want the claim capped by the accelerators' vendor", hpc, res.Notes)
	}
	ai, _ := res.Criterion("SOV-3.5")
	if ai.Answer != "eu-ai-foreign-accelerators" || ai.From != FromAnswer || !strings.Contains(ai.Evidence, "nvidia (US)") {
		t.Errorf("SOV-3.5 = %+v, want the answer kept (within the cap) with the fact as evidence", ai)
	}
}

// TestCalculatorPublishedResults reproduces the overall score and SEAL of
// published calculator results (Abilian's provider cards, checked
// 2026-12-05) from their published objective scores and SEALs, with the
// framework's own weights and gate. The cards round to one decimal.
func TestCalculatorPublishedResults(t *testing.T) {
	f := calculator(t)
	type card struct {
		url    string
		scores [8]float64
		seals  [8]int
		score  float64
		seal   int
	}
	const base = "https://csf.hop3.abilian.com/providers/"
	for _, c := range []card{
		{base + "scalingo.html", [8]float64{86.5, 95.8, 80.0, 83.2, 60.7, 60.0, 78.4, 56.3}, [8]int{4, 4, 3, 3, 3, 3, 3, 3}, 77.0, 3},
		{base + "scaleway.html", [8]float64{88.5, 95.8, 80.0, 79.0, 64.2, 55.0, 78.4, 75.1}, [8]int{3, 4, 3, 3, 3, 3, 3, 3}, 77.3, 3},
		{base + "3ds-outscale.html", [8]float64{89.6, 91.6, 80.0, 79.0, 67.9, 55.0, 78.5, 68.8}, [8]int{4, 4, 3, 3, 3, 3, 3, 3}, 77.2, 3},
		{base + "clever-cloud.html", [8]float64{89.6, 95.8, 80.0, 79.0, 60.7, 75.0, 82.0, 68.9}, [8]int{4, 4, 3, 3, 3, 3, 3, 3}, 80.4, 3},
		{base + "alwaysdata.html", [8]float64{74.0, 87.4, 55.0, 70.9, 50.1, 65.0, 36.0, 50.1}, [8]int{2, 2, 1, 3, 1, 3, 1, 0}, 62.3, 0},
		{base + "platform-sh.html", [8]float64{41.8, 46.0, 40.0, 29.3, 35.9, 55.0, 46.7, 43.8}, [8]int{0, 1, 0, 1, 1, 0, 1, 1}, 42.4, 0},
		{base + "qovery.html", [8]float64{59.5, 91.6, 80.0, 62.6, 50.1, 65.0, 50.0, 0.0}, [8]int{2, 2, 1, 2, 1, 3, 1, 0}, 60.7, 0},
		{base + "koyeb.html", [8]float64{72.0, 83.3, 45.0, 58.5, 43.0, 60.0, 39.5, 31.4}, [8]int{2, 2, 0, 3, 1, 3, 1, 0}, 56.8, 0},
	} {
		dims := make([]DimensionResult, 8)
		for i := range dims {
			dims[i] = DimensionResult{ID: f.Dimensions[i].ID, Score: Ratio(c.scores[i]), Level: c.seals[i]}
		}
		score, level, err := f.Combine("", dims)
		if err != nil {
			t.Fatal(err)
		}
		if got := math.Round(float64(score)*10) / 10; got != c.score || level != c.seal {
			t.Errorf("%s: score %v (%.3f) SEAL-%d, published %v SEAL-%d", c.url, got, float64(score), level, c.score, c.seal)
		}
	}
}

// TestCalculatorDivisorReadings settles which reading of the objective
// score fits the published cards, by brute force over every answer set of
// SOV-2 (3 x 5^5 of them): Scalingo's and Scaleway's SOV-2 of 95.8 is
// reachable when the points are divided by the objective's maximum (1002)
// and by no answer set when they are divided by 1000.
func TestCalculatorDivisorReadings(t *testing.T) {
	f := calculator(t)
	d := f.Dimensions[1]
	reach := map[string]bool{}
	for _, set := range []string{"2026", "2026-points-1000"} {
		idx := make([]int, len(d.Criteria))
		for {
			answers := map[string]any{}
			for i, c := range d.Criteria {
				answers[c.ID] = c.Answers[idx[i]].Value
			}
			res, err := f.Evaluate(Input{Answers: answers, Weights: set})
			if err != nil {
				t.Fatal(err)
			}
			dr, _ := res.Dimension("SOV-2")
			if math.Round(float64(dr.Score)*10)/10 == 95.8 {
				reach[set] = true
			}
			i := 0
			for ; i < len(idx); i++ {
				if idx[i]++; idx[i] < len(d.Criteria[i].Answers) {
					break
				}
				idx[i] = 0
			}
			if i == len(idx) {
				break
			}
		}
	}
	if !reach["2026"] || reach["2026-points-1000"] {
		t.Errorf("SOV-2 95.8 reachable: %v; want under 2026 only", reach)
	}
}

// TestCalculatorUnanswered: an unanswered criterion counts as its worst
// answer (sovmap's rule), listed in the result; a never-gating criterion
// left unanswered earns no points but cannot lower the SEAL.
func TestCalculatorUnanswered(t *testing.T) {
	f := calculator(t)
	res, err := f.Evaluate(Input{Answers: map[string]any{"SOV-1.1": "in-eu", "SOV-1.8": "autonomous"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 46 || res.MissingRule != MissingRule || !strings.Contains(MissingRule, "sovmap's rule") {
		t.Errorf("missing = %d (%q), want 46 listed with sovmap's rule", len(res.Missing), res.MissingRule)
	}
	// SOV-8 all unanswered: 0 points; SEAL-0 from SOV-8.2 (its worst answer
	// "no policy" gives SEAL-0); SOV-8.4 stays at SEAL-4.
	d8, _ := res.Dimension("SOV-8")
	energy, _ := res.Criterion("SOV-8.4")
	if d8.Score != 0 || d8.LevelName != "SEAL-0" || !slices.Equal(d8.Binding, []string{"SOV-8.2"}) || energy.LevelName != "SEAL-4" {
		t.Errorf("SOV-8 = %+v, energy %s; want 0 points at SEAL-0 set by SOV-8.2 alone", d8, energy.LevelName)
	}
}

func TestParseMinimums(t *testing.T) {
	f := calculator(t)
	for _, tt := range []struct {
		in      string
		overall int
		dims    []DimensionMinimum
		err     string
	}{
		{in: "3", overall: 3},
		{in: "SEAL-2", overall: 2},
		{in: "SOV-2=3,SOV-5=2", overall: -1, dims: []DimensionMinimum{{"SOV-2", 3}, {"SOV-5", 2}}},
		{in: "2, SOV-3=seal-4", overall: 2, dims: []DimensionMinimum{{"SOV-3", 4}}},
		{in: "0", overall: 0},
		{in: "9", err: "level 9 is outside 0..4"},
		{in: "-1", err: "level -1 is outside 0..4"},
		{in: "SOV-2=5", err: `minimum "SOV-2=5": level 5 is outside 0..4`},
		{in: "SOV-9=2", err: `has no dimension "SOV-9"`},
		{in: "SOV-2=high", err: `level "high" is neither a number 0..4 nor one of SEAL-0`},
		{in: "SOV-2=3,SOV-2=4", err: "SOV-2 given twice"},
		{in: "3,2", err: "the overall level given twice"},
		{in: "", err: "empty minimum"},
		{in: "3,", err: "empty minimum"},
	} {
		m, err := f.ParseMinimums(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseMinimums(%q) err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || m.Overall != tt.overall || !slices.Equal(m.Dimensions, tt.dims) {
			t.Errorf("ParseMinimums(%q) = %+v, %v; want overall %d dims %v", tt.in, m, err, tt.overall, tt.dims)
		}
	}
}

func TestCheckMinimums(t *testing.T) {
	f := calculator(t)
	answers := topAnswers(f)
	answers["SOV-2.2"] = "shielded" // SEAL-2
	answers["SOV-5.7"] = "most"     // SEAL-3
	res, err := f.Evaluate(Input{Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.ParseMinimums("2,SOV-2=3,SOV-5=3,SOV-8=4")
	if err != nil {
		t.Fatal(err)
	}
	failed := f.Check(res, m)
	if len(failed) != 1 || failed[0].Dimension != "SOV-2" || failed[0].String() != "SOV-2 at SEAL-2, below the required SEAL-3" {
		t.Errorf("failed = %+v, want SOV-2 alone", failed)
	}
	if len(res.Minimums) != 4 {
		t.Errorf("minimums recorded = %d, want 4 (met ones too)", len(res.Minimums))
	}
}

// FuzzParseMinimums: the --min-level parser never panics, and what it
// accepts is on the framework's scale and names its dimensions.
func FuzzParseMinimums(f *testing.F) {
	for _, s := range []string{"3", "SEAL-2", "SOV-2=3,SOV-5=2", "2, SOV-3=seal-4", "9", "-1", "SOV-9=2", "", ",", "=", "SOV-2==3", "SOV-2=3,SOV-2=4"} {
		f.Add(s)
	}
	lib, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	fw, _ := lib.Get("eu-csf@2026")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := fw.ParseMinimums(s)
		if err != nil {
			return
		}
		if m.Overall < -1 || m.Overall > fw.Top() {
			t.Fatalf("%q: overall %d off the scale", s, m.Overall)
		}
		for _, d := range m.Dimensions {
			if !fw.hasDimension(d.Dimension) || d.Level < 0 || d.Level > fw.Top() {
				t.Fatalf("%q: accepted %+v", s, d)
			}
		}
	})
}
