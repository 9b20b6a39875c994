package framework

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap/internal/strictyaml"
)

// Input is what a framework scores: the answers and evidence of one subject
// (a provider's assessment, an arrangement) and the facts sovmap knows.
type Input struct {
	// Answers maps criterion ids to answers: a ladder value, true/false
	// for yes/no, or a number.
	Answers map[string]any
	// Evidence maps criterion ids to the document or link that backs the
	// answer.
	Evidence map[string]string
	// Facts are inventory facts by name. A criterion that names a known
	// fact is answered by it rather than by Answers, so that what the
	// inventory says about ownership or key custody wins over a claim.
	Facts map[string]Fact
	// Weights names the weight set; "" means the framework's default.
	Weights string
}

// Fact is an answer sovmap derived from the inventory.
type Fact struct {
	Value any `json:"value"`
	// Detail says how the fact was derived; it is shown as evidence.
	Detail string `json:"detail"`
	// Cap makes the fact a ceiling rather than an answer: the inventory
	// shows the answer can be at most Value (accelerators designed outside
	// the EU rule out "EU design and fabrication") but not whether it
	// reaches it, so a lower answer stands and a higher one is cut down.
	Cap bool `json:"cap,omitempty"`
	// Note is a remark the result carries whenever the fact is used, such
	// as a doubt the inventory itself raises about it.
	Note string `json:"note,omitempty"`
	// Question is what to ask because the inventory cannot settle the
	// fact, or settles only part of it (accelerators whose vendor's
	// country is unknown). The result lists it with its criterion. A fact
	// with a Question and no Value answers nothing: the criterion keeps
	// its answer.
	Question string `json:"question,omitempty"`
}

// Where an answer came from.
const (
	FromAnswer  = "answer"
	FromFact    = "fact"
	FromMissing = "missing"
)

// Ratio is a number rounded to two decimals when written as JSON, so that
// reports are stable and readable.
type Ratio float64

// MarshalJSON writes the ratio with at most two decimals.
func (r Ratio) MarshalJSON() ([]byte, error) {
	x := float64(r)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	return []byte(strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)), nil
}

// CriterionResult is the verdict on one criterion.
type CriterionResult struct {
	ID        string `json:"id"`
	Dimension string `json:"dimension"`
	Title     string `json:"title"`
	// Answer is the answer as scored: the value given, the fact's value, or
	// for a missing answer the worst value of the ladder.
	Answer  string `json:"answer"`
	Meaning string `json:"meaning,omitempty"`
	// From is answer, fact or missing.
	From string `json:"from"`
	// Score is between 0 and 1.
	Score Ratio `json:"score"`
	// Points and MaxPoints are set for points-based criteria: what the
	// answer earns and the most any answer earns.
	Points    *Ratio `json:"points,omitempty"`
	MaxPoints *Ratio `json:"max_points,omitempty"`
	Level     int    `json:"level"`
	LevelName string `json:"level_name"`
	// Gates is false for a criterion every answer of which is at the top
	// level: it counts towards the score and never lowers the level.
	Gates bool `json:"gates"`
	// AtTop says the answer reaches the framework's top level.
	AtTop    bool   `json:"at_top"`
	Key      bool   `json:"key,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	// Clause is the remedy to seek; set when the answer is below the top.
	Clause string `json:"clause,omitempty"`
	// Best is the answer that would reach the top, for remedies.
	Best string `json:"best,omitempty"`
	Note string `json:"note,omitempty"`
	// Question is what the inventory could not settle about the
	// criterion's fact (Fact.Question).
	Question string `json:"question,omitempty"`
	// weight is the criterion's share of the overall score.
	weight float64
	// overridden is the answer given when an inventory fact replaced or
	// capped it with something else, for the notes.
	overridden string
}

// DimensionResult is the verdict on one dimension.
type DimensionResult struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Weight is the dimension's share of the overall score, in percent.
	Weight Ratio `json:"weight"`
	// Score is the weighted mean of its criteria scores, in percent.
	Score      Ratio  `json:"score"`
	Level      int    `json:"level"`
	LevelName  string `json:"level_name"`
	LevelLabel string `json:"level_label"`
	// Binding lists the criteria at the dimension's level, below the top:
	// what must change to raise it.
	Binding  []string `json:"binding"`
	Missing  []string `json:"missing,omitempty"`
	Criteria []string `json:"criteria"`
}

// ViewResult is the same evaluation regrouped under a view's headings.
type ViewResult struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Score      Ratio             `json:"score"`
	Level      int               `json:"level"`
	LevelName  string            `json:"level_name"`
	Dimensions []DimensionResult `json:"dimensions"`
}

// Result is a framework's verdict on one subject.
type Result struct {
	Framework     string `json:"framework"`
	FrameworkName string `json:"framework_name"`
	Version       string `json:"version"`
	WeightSet     string `json:"weight_set"`
	// Score is the weighted score in percent (0-100).
	Score Ratio `json:"score"`
	// Level is the gate: the minimum over dimensions of the minimum over
	// their criteria.
	Level     int    `json:"level"`
	LevelName string `json:"level_name"`
	// LevelLabel is the level's descriptive name, such as "protected".
	LevelLabel string `json:"level_label"`
	TopLevel   int    `json:"top_level"`
	// Binding lists the dimensions at the overall level, below the top.
	Binding    []string          `json:"binding"`
	Dimensions []DimensionResult `json:"dimensions"`
	Criteria   []CriterionResult `json:"criteria"`
	// Missing lists the criteria without an answer; each counted as the
	// worst answer.
	Missing []string `json:"missing"`
	// MissingRule says how missing answers are counted: sovmap's own rule,
	// not the framework's.
	MissingRule string `json:"missing_rule"`
	// Minimums are the required levels checked with Check, each met or not.
	Minimums []Requirement `json:"minimums,omitempty"`
	Views    []ViewResult  `json:"views,omitempty"`
	// Notes are remarks on the evaluation, such as an answer a fact
	// overrode.
	Notes []string `json:"notes,omitempty"`
	// Questions are what the inventory could not settle for a criterion
	// that names a fact, as "criterion: question", to put to the provider
	// or the host.
	Questions []string `json:"questions,omitempty"`
}

// AnswerError lists the answers a framework cannot score. Callers prefix it
// with the subject and its position.
type AnswerError struct {
	Framework string
	Problems  []string
}

func (e *AnswerError) Error() string {
	return fmt.Sprintf("framework %s: %s", e.Framework, strings.Join(e.Problems, "; "))
}

// Criterion returns the result for the criterion with the given id.
func (r *Result) Criterion(id string) (*CriterionResult, bool) {
	for i := range r.Criteria {
		if r.Criteria[i].ID == id {
			return &r.Criteria[i], true
		}
	}
	return nil, false
}

// Dimension returns the result for the dimension with the given id.
func (r *Result) Dimension(id string) (*DimensionResult, bool) {
	for i := range r.Dimensions {
		if r.Dimensions[i].ID == id {
			return &r.Dimensions[i], true
		}
	}
	return nil, false
}

// Evaluate scores the input. Unknown criterion ids and answers that are not
// on a criterion's ladder are errors (an *AnswerError listing all of them);
// missing answers are not: they count as the worst answer and are listed in
// Result.Missing.
func (f *Framework) Evaluate(in Input) (*Result, error) {
	ws, err := f.WeightSet(in.Weights)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, id := range sortedKeys(in.Answers) {
		if _, ok := f.index[id]; !ok {
			problems = append(problems, fmt.Sprintf("answer to unknown criterion %q%s", id, f.suggest(id)))
		}
	}
	for _, id := range sortedKeys(in.Evidence) {
		if _, ok := f.index[id]; !ok {
			problems = append(problems, fmt.Sprintf("evidence for unknown criterion %q%s", id, f.suggest(id)))
		}
	}
	top := f.Top()
	res := &Result{
		Framework:     f.ID,
		FrameworkName: f.Name,
		Version:       f.Version,
		WeightSet:     ws.ID,
		TopLevel:      top,
		Missing:       []string{},
		MissingRule:   MissingRule,
		Binding:       []string{},
	}
	totalWeight := 0.0
	for _, d := range f.Dimensions {
		totalWeight += ws.Weights[d.ID]
	}
	for _, d := range f.Dimensions {
		dr := DimensionResult{ID: d.ID, Name: d.Name, Binding: []string{}, Level: top}
		dimShare := ws.Weights[d.ID] / totalWeight
		dr.Weight = Ratio(dimShare * 100)
		sumW, sumWS, points := 0.0, 0.0, 0.0
		allPoints := true
		for i := range d.Criteria {
			c := &d.Criteria[i]
			cr, msg := f.grade(c, d.ID, in)
			if msg != "" {
				problems = append(problems, msg)
				continue
			}
			sumW += c.weight()
			sumWS += c.weight() * float64(cr.Score)
			if cr.Points != nil {
				points += float64(*cr.Points)
			} else {
				allPoints = false
			}
			if cr.Level < dr.Level {
				dr.Level = cr.Level
			}
			if cr.From == FromMissing {
				dr.Missing = append(dr.Missing, c.ID)
				res.Missing = append(res.Missing, c.ID)
			}
			dr.Criteria = append(dr.Criteria, c.ID)
			res.Criteria = append(res.Criteria, cr)
		}
		// Effective weights are set once the dimension's criteria weight
		// sum is known; views regroup criteria with them.
		for i := len(res.Criteria) - len(dr.Criteria); i < len(res.Criteria); i++ {
			cd, _, _ := f.Criterion(res.Criteria[i].ID)
			res.Criteria[i].weight = dimShare * cd.weight() / sumW
		}
		switch {
		case ws.PointsDivisor > 0 && allPoints:
			dr.Score = Ratio(points / ws.PointsDivisor * 100)
		case sumW > 0:
			dr.Score = Ratio(sumWS / sumW * 100)
		}
		for _, cr := range res.Criteria[len(res.Criteria)-len(dr.Criteria):] {
			if cr.Level == dr.Level && dr.Level < top {
				dr.Binding = append(dr.Binding, cr.ID)
			}
		}
		dr.LevelName = f.LevelName(dr.Level)
		dr.LevelLabel = f.LevelLabel(dr.Level)
		res.Dimensions = append(res.Dimensions, dr)
	}
	problems = append(problems, f.crossCheck(res)...)
	if len(problems) > 0 {
		return nil, &AnswerError{Framework: f.Ref(), Problems: problems}
	}
	score, overallLevel, err := f.Combine(ws.ID, res.Dimensions)
	if err != nil {
		return nil, err
	}
	res.Score = score
	res.Level = overallLevel
	res.LevelName = f.LevelName(overallLevel)
	res.LevelLabel = f.LevelLabel(overallLevel)
	for _, dr := range res.Dimensions {
		if dr.Level == overallLevel && overallLevel < top {
			res.Binding = append(res.Binding, dr.ID)
		}
	}
	for _, cr := range res.Criteria {
		if cr.Question != "" {
			res.Questions = append(res.Questions, cr.ID+": "+cr.Question)
		}
		if c, _, _ := f.Criterion(cr.ID); cr.From == FromFact && in.Facts[c.Fact].Note != "" {
			res.Notes = append(res.Notes, cr.ID+": "+in.Facts[c.Fact].Note)
		}
		if cr.overridden == "" {
			continue
		}
		c, _, _ := f.Criterion(cr.ID)
		if in.Facts[c.Fact].Cap {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: the answer %s claims more than the inventory allows (%s), so %s was counted", cr.ID, cr.overridden, c.Fact, cr.Answer))
			continue
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s: the answer %s disagrees with the inventory fact %s (%s), which was used", cr.ID, cr.overridden, c.Fact, cr.Answer))
	}
	if len(f.Views) > 0 {
		at := make(map[string]*CriterionResult, len(res.Criteria))
		for i := range res.Criteria {
			at[res.Criteria[i].ID] = &res.Criteria[i]
		}
		for _, v := range f.Views {
			res.Views = append(res.Views, f.view(v, at))
		}
	}
	return res, nil
}

// Combine aggregates dimension results into the overall score and level:
// the weighted mean of the dimension scores under the weight set, and the
// lowest dimension level. Evaluate uses it; it also lets a published
// per-objective result be checked against the framework's weights.
func (f *Framework) Combine(weights string, dims []DimensionResult) (Ratio, int, error) {
	ws, err := f.WeightSet(weights)
	if err != nil {
		return 0, 0, err
	}
	total := 0.0
	for _, d := range f.Dimensions {
		total += ws.Weights[d.ID]
	}
	level, score := f.Top(), 0.0
	for _, dr := range dims {
		w, ok := ws.Weights[dr.ID]
		if !ok {
			return 0, 0, fmt.Errorf("framework %s has no dimension %q", f.Ref(), dr.ID)
		}
		score += w / total * float64(dr.Score)
		level = min(level, dr.Level)
	}
	return Ratio(score), level, nil
}

// view regroups a result's criteria under the view's headings. Each
// criterion keeps its effective weight, so the view's overall score and
// gate equal the framework's.
func (f *Framework) view(v View, at map[string]*CriterionResult) ViewResult {
	top := f.Top()
	vr := ViewResult{ID: v.ID, Name: v.Name, Level: top}
	total := 0.0
	for _, vd := range v.Dimensions {
		dr := DimensionResult{ID: vd.ID, Name: vd.Name, Level: top, Binding: []string{}, Criteria: vd.Criteria}
		w, ws, plain := 0.0, 0.0, 0.0
		for _, id := range vd.Criteria {
			cr := at[id]
			w += cr.weight
			ws += cr.weight * float64(cr.Score)
			plain += float64(cr.Score)
			if cr.Level < dr.Level {
				dr.Level = cr.Level
			}
			if cr.From == FromMissing {
				dr.Missing = append(dr.Missing, id)
			}
		}
		switch {
		case w > 0:
			dr.Score = Ratio(ws / w * 100)
		case len(vd.Criteria) > 0:
			// A heading whose criteria all weigh nothing under this
			// weight set still shows how they were answered.
			dr.Score = Ratio(plain / float64(len(vd.Criteria)) * 100)
		}
		for _, id := range vd.Criteria {
			if at[id].Level == dr.Level && dr.Level < top {
				dr.Binding = append(dr.Binding, id)
			}
		}
		dr.Weight = Ratio(w * 100)
		dr.LevelName = f.LevelName(dr.Level)
		dr.LevelLabel = f.LevelLabel(dr.Level)
		total += ws * 100
		if dr.Level < vr.Level {
			vr.Level = dr.Level
		}
		vr.Dimensions = append(vr.Dimensions, dr)
	}
	vr.Score = Ratio(total)
	vr.LevelName = f.LevelName(vr.Level)
	return vr
}

// MissingRule is how sovmap counts a criterion without an answer. It is
// sovmap's rule, not any framework's: a missing answer must never raise a
// level or a score, so it counts as the criterion's worst answer.
const MissingRule = "sovmap's rule, not the framework's: an unanswered criterion counts as its worst answer (lowest score, then lowest level)"

// grade scores one criterion. It returns a problem message instead when the
// answer is not on the ladder or out of range.
func (f *Framework) grade(c *Criterion, dim string, in Input) (CriterionResult, string) {
	top := f.Top()
	cr := CriterionResult{
		ID:        c.ID,
		Dimension: dim,
		Title:     c.Title,
		Key:       c.Key,
		Gates:     f.Gates(c),
		Evidence:  in.Evidence[c.ID],
	}
	value, given := in.Answers[c.ID]
	if given && value == nil {
		given = false
	}
	cr.From = FromAnswer
	if !given {
		cr.From = FromMissing
	}
	var g graded
	switch {
	case !given:
		g = f.worst(c)
		cr.Note = "no answer: counted as the worst answer"
	default:
		var msg string
		if g, msg = f.gradeValue(c, value); msg != "" {
			return cr, msg
		}
	}
	fact, ok := in.Facts[c.Fact]
	if ok && c.Fact != "" {
		cr.Question = fact.Question
	}
	if ok && c.Fact != "" && fact.Value != nil {
		fg, msg := f.gradeValue(c, fact.Value)
		if msg != "" {
			return cr, "inventory fact " + c.Fact + ": " + msg
		}
		switch {
		case !fact.Cap:
			if given && g.answer != fg.answer {
				cr.overridden = g.answer
			}
			g, cr.From, cr.Note = fg, FromFact, ""
			cr.Evidence = joinEvidence(fact.Detail, cr.Evidence)
		case given && fg.better(g):
			// The answer stays within what the inventory allows.
			cr.Evidence = joinEvidence(cr.Evidence, "inventory allows at most "+fg.answer+": "+fact.Detail)
		case given:
			cr.overridden = g.answer
			g, cr.From = fg, FromFact
			cr.Evidence = joinEvidence(fact.Detail, cr.Evidence)
		default:
			// Unanswered, the worst answer counts, which no ceiling
			// lowers; the ceiling is still shown, as what the answer
			// could reach at most.
			cr.Evidence = joinEvidence(cr.Evidence, "inventory allows at most "+fg.answer+": "+fact.Detail)
		}
	}
	cr.Answer, cr.Level, cr.Score, cr.Meaning = g.answer, g.level, Ratio(g.score), g.meaning
	if m, ok := c.maxPoints(); ok {
		p, mp := Ratio(g.score*m), Ratio(m)
		cr.Points, cr.MaxPoints = &p, &mp
	}
	cr.LevelName = f.LevelName(g.level)
	cr.AtTop = g.level == top
	if cr.Points != nil {
		// A points-based answer is at the top only with the most points:
		// a non-gating criterion is at the top level whatever the answer.
		cr.AtTop = cr.AtTop && *cr.Points == *cr.MaxPoints
	}
	if !cr.AtTop {
		cr.Clause = c.Clause
		cr.Best = f.best(c)
	}
	return cr, ""
}

// graded is an answer placed on a criterion's ladder.
type graded struct {
	answer, meaning string
	level           int
	score           float64
}

// better reports whether g is at least as good as h: a higher score, or the
// same score at a higher level.
func (g graded) better(h graded) bool {
	return g.score > h.score || g.score == h.score && g.level >= h.level
}

// gradeValue places an answer (or a fact's value) on the ladder.
func (f *Framework) gradeValue(c *Criterion, value any) (graded, string) {
	top := f.Top()
	if c.Kind == Number {
		x, ok := toNumber(value)
		if !ok {
			return graded{}, fmt.Sprintf("criterion %s: answer %v is not a number%s", c.ID, value, unitNote(c))
		}
		if c.Min != nil && x < *c.Min || c.Max != nil && x > *c.Max {
			return graded{}, fmt.Sprintf("criterion %s: answer %s is outside %s..%s%s", c.ID, num(x), boundText(c.Min), boundText(c.Max), unitNote(c))
		}
		g := graded{answer: num(x), meaning: "below every band"}
		for _, b := range c.Bands {
			if b.matches(x) {
				g.level, g.score, g.meaning = b.Level, scoreOf(b.Score, b.Level, top), b.Meaning
				break
			}
		}
		return g, ""
	}
	s, ok := toAnswer(value)
	a, found := f.rung(c, s)
	if !ok || !found {
		return graded{}, fmt.Sprintf("criterion %s: answer %q is not on its ladder (%s)", c.ID, fmt.Sprint(value), strings.Join(f.AnswerValues(c), ", "))
	}
	return graded{answer: a.Value, meaning: a.Meaning, level: a.Level, score: c.answerScore(a, top)}, ""
}

// answerScore is the score of a rung: its points over the ladder's highest
// points, its explicit score, or its level over the top level.
func (c *Criterion) answerScore(a Answer, top int) float64 {
	if m, ok := c.maxPoints(); ok && a.Points != nil {
		return *a.Points / m
	}
	return scoreOf(a.Score, a.Level, top)
}

func boundText(b *float64) string {
	if b == nil {
		return ""
	}
	return num(*b)
}

// crossCheck checks answers against each other: a number criterion with
// not_above may not exceed the criterion it names (a single holder's share
// cannot exceed the total).
func (f *Framework) crossCheck(res *Result) []string {
	var out []string
	for _, cr := range res.Criteria {
		c, _, _ := f.Criterion(cr.ID)
		if c.NotAbove == "" || cr.From == FromMissing {
			continue
		}
		other, ok := res.Criterion(c.NotAbove)
		if !ok || other.From == FromMissing {
			continue
		}
		x, _ := toNumber(cr.Answer)
		y, _ := toNumber(other.Answer)
		if x > y {
			out = append(out, fmt.Sprintf("criterion %s: answer %s is above %s's %s, which it cannot exceed", c.ID, cr.Answer, c.NotAbove, other.Answer))
		}
	}
	return out
}

func unitNote(c *Criterion) string {
	if c.Unit == "" {
		return ""
	}
	return " (" + c.Unit + ")"
}

func joinEvidence(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// rung finds the ladder entry for an answer.
func (f *Framework) rung(c *Criterion, s string) (Answer, bool) {
	s = normalize(s)
	for _, a := range c.ladder(f.Top()) {
		if normalize(a.Value) == s {
			return a, true
		}
		for _, alias := range a.Aliases {
			if normalize(alias) == s {
				return a, true
			}
		}
	}
	return Answer{}, false
}

// worst returns the answer a missing one counts as: the lowest-scoring
// rung (then the lowest level), or for numbers "below every band".
func (f *Framework) worst(c *Criterion) graded {
	top := f.Top()
	if c.Kind == Number {
		return graded{answer: "none", meaning: "no number given"}
	}
	var w graded
	for i, a := range c.ladder(top) {
		g := graded{answer: a.Value, meaning: a.Meaning, level: a.Level, score: c.answerScore(a, top)}
		if i == 0 || !g.better(w) {
			w = g
		}
	}
	return w
}

// best describes the answer that reaches the top level.
func (f *Framework) best(c *Criterion) string {
	top := f.Top()
	if c.Kind == Number {
		for _, b := range c.Bands {
			if b.Level == top {
				return b.String() + unitNote(c)
			}
		}
		return ""
	}
	if v, ok := TopAnswer(f, c).(string); ok {
		return v
	}
	return ""
}

// toNumber reads a numeric answer. Numbers may come from YAML (int, float),
// JSON (float64) or be written as strings.
func toNumber(v any) (float64, bool) {
	var x float64
	switch n := v.(type) {
	case int:
		x = float64(n)
	case int64:
		x = float64(n)
	case uint64:
		x = float64(n)
	case float64:
		x = n
	case float32:
		x = float64(n)
	case string:
		p, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err != nil {
			return 0, false
		}
		x = p
	default:
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// toAnswer reads a ladder answer: a string, a boolean (true is yes) or a
// number written as a rung name.
func toAnswer(v any) (string, bool) {
	switch a := v.(type) {
	case string:
		return a, true
	case bool:
		if a {
			return "yes", true
		}
		return "no", true
	case int, int64, uint64, float64:
		x, _ := toNumber(a)
		return num(x), true
	}
	return "", false
}

// suggest proposes the closest criterion id for a misspelt one.
func (f *Framework) suggest(id string) string {
	// Only close matches help: at most one edit per four characters.
	best, bestD := "", max(1, len(id)/4)+1
	for c := range f.index {
		if d := strictyaml.Distance(strings.ToLower(id), strings.ToLower(c)); d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
