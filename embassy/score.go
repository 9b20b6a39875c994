package embassy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
)

// Scorecard is one arrangement scored on its trust framework, with the
// clauses still to negotiate.
type Scorecard struct {
	Arrangement string `json:"arrangement"`
	Name        string `json:"name,omitempty"`
	Host        string `json:"host"`
	Guest       string `json:"guest"`
	Instrument  string `json:"instrument,omitempty"`
	// Qualifies applies the documented threshold (see Qualifies).
	Qualifies     bool   `json:"qualifies"`
	Qualification string `json:"qualification"`
	// Result holds the tier and score per dimension and overall, the
	// criteria with their evidence, the missing answers and the
	// four-dimension view.
	Result *framework.Result `json:"result"`
	// Clauses are the gaps, as clauses to negotiate, most urgent first.
	Clauses []Clause `json:"clauses"`
	// Components lists the inventory components hosted under the
	// arrangement: those whose location it lifts when it qualifies.
	Components []string `json:"components,omitempty"`
}

// Priority says how urgent a clause is.
type Priority string

// Clause priorities.
const (
	// MustNegotiate clauses block qualification: their criterion is below
	// the qualifying tier, or is a key criterion below the top.
	MustNegotiate Priority = "must"
	// ShouldNegotiate clauses raise the score or the tier above the
	// qualifying one.
	ShouldNegotiate Priority = "should"
)

// Clause is a gap in an arrangement written as a clause a negotiator can
// start from, tied to the criterion it fixes.
type Clause struct {
	Criterion string   `json:"criterion"`
	Dimension string   `json:"dimension"`
	Title     string   `json:"title"`
	Priority  Priority `json:"priority"`
	// Current is the answer today ("unanswered" when missing) and its tier.
	Current     string `json:"current"`
	CurrentTier string `json:"current_tier"`
	// Target is the answer the clause aims at.
	Target string `json:"target"`
	Key    bool   `json:"key,omitempty"`
	Text   string `json:"text"`
}

// Score scores one arrangement of an inventory with opts (a weight set,
// the knowledge base and the day export controls are judged on).
func Score(lib *framework.Library, inv *sovmap.Inventory, a sovmap.Arrangement, opts Options) (*Scorecard, error) {
	res, err := Evaluate(lib, a, inv, opts)
	if err != nil {
		return nil, err
	}
	ok, why := Qualification(res)
	sc := &Scorecard{
		Arrangement:   a.ID,
		Name:          a.Name,
		Host:          a.Host,
		Guest:         a.Guest,
		Instrument:    a.Instrument,
		Qualifies:     ok,
		Qualification: why,
		Result:        res,
		Clauses:       Clauses(res),
	}
	if inv != nil {
		for _, c := range inv.Components {
			if c.Arrangement == a.ID {
				sc.Components = append(sc.Components, c.ID)
			}
		}
	}
	return sc, nil
}

// Clauses lists the criteria below the top as clauses to negotiate: first
// those that block qualification, then the rest, each group from the
// lowest tier up, in the framework's order otherwise.
func Clauses(res *framework.Result) []Clause {
	out := []Clause{}
	for _, c := range res.Criteria {
		if c.AtTop {
			continue
		}
		p := ShouldNegotiate
		if c.Level < QualifyingTier || c.Key {
			p = MustNegotiate
		}
		current := c.Answer
		if c.From == framework.FromMissing {
			current = "unanswered"
		}
		out = append(out, Clause{
			Criterion:   c.ID,
			Dimension:   c.Dimension,
			Title:       c.Title,
			Priority:    p,
			Current:     current,
			CurrentTier: c.LevelName,
			Target:      c.Best,
			Key:         c.Key,
			Text:        strings.TrimSpace(c.Clause),
		})
	}
	level := map[string]int{}
	for _, c := range res.Criteria {
		level[c.ID] = c.Level
	}
	slices.SortStableFunc(out, func(a, b Clause) int {
		if a.Priority != b.Priority {
			if a.Priority == MustNegotiate {
				return -1
			}
			return 1
		}
		return cmp.Compare(level[a.Criterion], level[b.Criterion])
	})
	return out
}

// Find returns the arrangement with the given id, or an error listing the
// ids the inventory has.
func Find(inv *sovmap.Inventory, id string) (sovmap.Arrangement, error) {
	var ids []string
	for _, a := range inv.Arrangements {
		if a.ID == id {
			return a, nil
		}
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return sovmap.Arrangement{}, fmt.Errorf("the inventory has no arrangements (add an arrangements: section)")
	}
	return sovmap.Arrangement{}, fmt.Errorf("no arrangement %q in the inventory (have %s)", id, strings.Join(ids, ", "))
}

// Comparison sets candidate arrangements side by side.
type Comparison struct {
	Framework     string `json:"framework"`
	FrameworkName string `json:"framework_name"`
	WeightSet     string `json:"weight_set"`
	// Ranking orders the arrangements: qualifying first, then by tier,
	// then by score.
	Ranking    []string        `json:"ranking"`
	Dimensions []ComparisonRow `json:"dimensions"`
	// Views holds the same rows for each view of the framework (the four
	// commonly quoted dimensions).
	Views      []ComparisonView `json:"views,omitempty"`
	Scorecards []*Scorecard     `json:"arrangements"`
}

// ComparisonRow is one dimension across the arrangements, in the order of
// Scorecards.
type ComparisonRow struct {
	ID    string           `json:"id"`
	Name  string           `json:"name"`
	Cells []ComparisonCell `json:"cells"`
	// Best lists the arrangements with the highest tier, then score, on
	// this dimension.
	Best []string `json:"best"`
}

// ComparisonView is a view's rows across the arrangements.
type ComparisonView struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Dimensions []ComparisonRow `json:"dimensions"`
}

// ComparisonCell is one arrangement's verdict on one dimension.
type ComparisonCell struct {
	Arrangement string          `json:"arrangement"`
	Score       framework.Ratio `json:"score"`
	Level       int             `json:"level"`
	LevelName   string          `json:"level_name"`
	LevelLabel  string          `json:"level_label"`
}

// Compare scores the arrangements with the given ids with opts, as Score
// does, and sets them side by side. They must share a framework, so that
// the dimensions line up.
func Compare(lib *framework.Library, inv *sovmap.Inventory, ids []string, opts Options) (*Comparison, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("nothing to compare: name at least one arrangement")
	}
	opts.At = opts.day() // one day for every candidate
	seen := map[string]bool{}
	cmpn := &Comparison{}
	for _, id := range ids {
		if seen[id] {
			return nil, fmt.Errorf("arrangement %s named twice", id)
		}
		seen[id] = true
		a, err := Find(inv, id)
		if err != nil {
			return nil, err
		}
		sc, err := Score(lib, inv, a, opts)
		if err != nil {
			return nil, err
		}
		if len(cmpn.Scorecards) > 0 && sc.Result.Framework != cmpn.Framework {
			return nil, fmt.Errorf("arrangement %s is scored on %s and %s on %s: only arrangements on the same framework compare",
				cmpn.Scorecards[0].Arrangement, cmpn.Framework, id, sc.Result.Framework)
		}
		cmpn.Framework, cmpn.FrameworkName, cmpn.WeightSet = sc.Result.Framework, sc.Result.FrameworkName, sc.Result.WeightSet
		cmpn.Scorecards = append(cmpn.Scorecards, sc)
	}
	first := cmpn.Scorecards[0].Result
	cmpn.Dimensions = rows(cmpn.Scorecards, len(first.Dimensions), func(r *framework.Result, i int) framework.DimensionResult { return r.Dimensions[i] })
	for vi, v := range first.Views {
		cmpn.Views = append(cmpn.Views, ComparisonView{
			ID:   v.ID,
			Name: v.Name,
			Dimensions: rows(cmpn.Scorecards, len(v.Dimensions), func(r *framework.Result, i int) framework.DimensionResult {
				return r.Views[vi].Dimensions[i]
			}),
		})
	}
	ranked := slices.Clone(cmpn.Scorecards)
	slices.SortStableFunc(ranked, func(a, b *Scorecard) int {
		if a.Qualifies != b.Qualifies {
			if a.Qualifies {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Result.Level, a.Result.Level); c != 0 {
			return c
		}
		return cmp.Compare(b.Result.Score, a.Result.Score)
	})
	for _, sc := range ranked {
		cmpn.Ranking = append(cmpn.Ranking, sc.Arrangement)
	}
	return cmpn, nil
}

func rows(cards []*Scorecard, n int, dim func(*framework.Result, int) framework.DimensionResult) []ComparisonRow {
	out := make([]ComparisonRow, n)
	for i := range out {
		row := &out[i]
		var best *ComparisonCell
		for _, sc := range cards {
			d := dim(sc.Result, i)
			row.ID, row.Name = d.ID, d.Name
			row.Cells = append(row.Cells, ComparisonCell{
				Arrangement: sc.Arrangement,
				Score:       d.Score,
				Level:       d.Level,
				LevelName:   d.LevelName,
				LevelLabel:  d.LevelLabel,
			})
		}
		for j := range row.Cells {
			c := &row.Cells[j]
			if best == nil || c.Level > best.Level || c.Level == best.Level && c.Score > best.Score {
				best = c
			}
		}
		for _, c := range row.Cells {
			if c.Level == best.Level && c.Score == best.Score {
				row.Best = append(row.Best, c.Arrangement)
			}
		}
	}
	return out
}
