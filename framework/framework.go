// Package framework scores answers against recognised assessment schemes
// described as data: the EU Cloud Sovereignty Framework, SecNumCloud §19.6,
// the Gaia-X labels and sovmap's digital-embassy trust framework.
//
// A framework has dimensions (the EU framework calls them objectives), each
// holding criteria. A criterion has an answer ladder: named answers
// (ordinal levels or yes/partial/no) or numeric bands. Every answer maps to
// a score between 0 and 1 and to a level of the framework's level scale.
//
// Aggregation is the same for every scheme, and is twofold:
//   - the weighted score: a dimension's score is the weighted mean of its
//     criteria scores, the overall score the weighted mean of the dimension
//     scores under a named weight set (the EU framework's
//     sum(objective score / max * weight));
//   - the gate: a dimension's level is the minimum over its criteria, the
//     overall level the minimum over dimensions (the EU framework's SEAL).
//
// Missing answers count as the worst answer on the ladder and are listed, so
// that an unanswered question never raises a level.
package framework

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind says what shape of answer a criterion takes.
type Kind string

// The answer kinds.
const (
	// Ordinal answers are named rungs of a ladder, such as
	// none / signed / ratified.
	Ordinal Kind = "ordinal"
	// YesPartialNo answers are yes, partial or no. Without an explicit
	// ladder, yes reaches the top level, partial the middle level and no
	// level 0.
	YesPartialNo Kind = "yes-partial-no"
	// YesNo answers are yes or no: the top level or level 0.
	YesNo Kind = "yes-no"
	// Number answers are compared with bands (at_least / at_most), the
	// first band that matches wins; a number no band matches scores 0 at
	// level 0.
	Number Kind = "number"
)

// Framework is one assessment scheme.
type Framework struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Released is when this version was published (YYYY-MM or
	// YYYY-MM-DD): of several versions of one id, the latest released is
	// what the bare id names.
	Released    string `yaml:"released,omitempty" json:"released,omitempty"`
	Publisher   string `yaml:"publisher,omitempty" json:"publisher,omitempty"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Subject says what is assessed: "provider" (vendor scoring from the
	// inventory's assessments) or "arrangement" (digital embassies).
	Subject string   `yaml:"subject" json:"subject"`
	Sources []Source `yaml:"sources" json:"sources"`
	// Levels is the level scale, worst first: its index is the level number.
	Levels     []LevelDef  `yaml:"levels" json:"levels"`
	Dimensions []Dimension `yaml:"dimensions" json:"dimensions"`
	// WeightSets are named weightings of the dimensions; the first is the
	// default.
	WeightSets []WeightSet `yaml:"weight_sets" json:"weight_sets"`
	// Views regroup the same criteria under other headings (the four
	// commonly quoted digital-embassy dimensions, for example). Every
	// criterion appears in exactly one dimension of each view.
	Views []View `yaml:"views,omitempty" json:"views,omitempty"`

	// index maps a criterion id to its dimension and position.
	index map[string]critRef
	// file is the name the framework was loaded from, for messages.
	file string
	// versioned is set when the library holds several versions of the id,
	// so that messages name the version.
	versioned bool
}

type critRef struct{ dim, crit int }

// Source is a document the framework's content comes from.
type Source struct {
	Title     string `yaml:"title" json:"title"`
	URL       string `yaml:"url,omitempty" json:"url,omitempty"`
	Published string `yaml:"published,omitempty" json:"published,omitempty"`
	// Checked is the date the content was last compared with the source.
	Checked string `yaml:"checked,omitempty" json:"checked,omitempty"`
	Note    string `yaml:"note,omitempty" json:"note,omitempty"`
}

// LevelDef names one level of a framework's scale.
type LevelDef struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Source and Contested say where the name comes from and whether only
	// a third-party transcription of it could be read.
	Source    string `yaml:"source,omitempty" json:"source,omitempty"`
	Contested bool   `yaml:"contested,omitempty" json:"contested,omitempty"`
}

// Dimension is a group of criteria scored together: an objective of the EU
// framework, a trust dimension of the digital-embassy framework.
type Dimension struct {
	ID          string      `yaml:"id" json:"id"`
	Name        string      `yaml:"name" json:"name"`
	Description string      `yaml:"description,omitempty" json:"description,omitempty"`
	Criteria    []Criterion `yaml:"criteria" json:"criteria"`
}

// Criterion is one question with its answer ladder.
type Criterion struct {
	ID       string `yaml:"id" json:"id"`
	Title    string `yaml:"title" json:"title"`
	Question string `yaml:"question,omitempty" json:"question,omitempty"`
	Kind     Kind   `yaml:"kind" json:"kind"`
	// Weight is the criterion's weight inside its dimension; 0 means 1.
	Weight float64 `yaml:"weight,omitempty" json:"weight,omitempty"`
	// Answers is the ladder of named answers (ordinal, or an explicit
	// yes/partial/no ladder).
	Answers []Answer `yaml:"answers,omitempty" json:"answers,omitempty"`
	// Bands grade numeric answers; Unit names what the number counts.
	Bands []Band `yaml:"bands,omitempty" json:"bands,omitempty"`
	Unit  string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Key marks a criterion a threshold (such as the digital-embassy
	// qualification) requires at the top level.
	Key bool `yaml:"key,omitempty" json:"key,omitempty"`
	// Fact names an inventory fact that answers the criterion when known;
	// see Facts.
	Fact string `yaml:"fact,omitempty" json:"fact,omitempty"`
	// Clause is the remedy when the answer is below the top: for an
	// arrangement, a clause to negotiate; for a provider, what to ask for.
	Clause string `yaml:"clause,omitempty" json:"clause,omitempty"`
	// Source says which part of a source document the criterion comes from.
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// Contested marks a criterion whose ladder rests on a third-party
	// transcription rather than on the publisher's own text; Source names
	// the transcription.
	Contested bool `yaml:"contested,omitempty" json:"contested,omitempty"`
	// Min and Max bound a number answer (a share between 0 and 100, say):
	// an answer outside is an error, not a level.
	Min *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	// NotAbove names another number criterion this answer may not exceed
	// (the largest single holding cannot exceed the total).
	NotAbove string `yaml:"not_above,omitempty" json:"not_above,omitempty"`
}

// Answer is one rung of a ladder.
type Answer struct {
	Value string `yaml:"value" json:"value"`
	// Aliases are other spellings accepted for the same rung, such as "2"
	// for "SEAL-2".
	Aliases []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Level   int      `yaml:"level" json:"level"`
	// Score is between 0 and 1; nil means Level divided by the top level.
	Score *float64 `yaml:"score,omitempty" json:"score,omitempty"`
	// Points is what the answer earns in a points-based scheme (the EU
	// calculator's): its score is then Points over the ladder's highest
	// points, independent of its level. A ladder gives points to every
	// answer or to none.
	Points  *float64 `yaml:"points,omitempty" json:"points,omitempty"`
	Meaning string   `yaml:"meaning,omitempty" json:"meaning,omitempty"`
}

// Band grades a numeric answer: it matches numbers at least AtLeast and at
// most AtMost (either may be absent).
type Band struct {
	AtLeast *float64 `yaml:"at_least,omitempty" json:"at_least,omitempty"`
	AtMost  *float64 `yaml:"at_most,omitempty" json:"at_most,omitempty"`
	Level   int      `yaml:"level" json:"level"`
	Score   *float64 `yaml:"score,omitempty" json:"score,omitempty"`
	Meaning string   `yaml:"meaning,omitempty" json:"meaning,omitempty"`
}

// WeightSet weights the dimensions. Weights need not sum to 100: the score
// divides by their sum.
type WeightSet struct {
	ID      string             `yaml:"id" json:"id"`
	Name    string             `yaml:"name,omitempty" json:"name,omitempty"`
	Source  string             `yaml:"source,omitempty" json:"source,omitempty"`
	Weights map[string]float64 `yaml:"weights" json:"weights"`
	// PointsDivisor, when set, divides a points-based dimension's points
	// by this number instead of by its highest possible points (one
	// reading of the EU calculator divides by 1000 whatever the maximum).
	PointsDivisor float64 `yaml:"points_divisor,omitempty" json:"points_divisor,omitempty"`
	Contested     bool    `yaml:"contested,omitempty" json:"contested,omitempty"`
}

// View regroups the criteria of a framework under other headings.
type View struct {
	ID          string          `yaml:"id" json:"id"`
	Name        string          `yaml:"name" json:"name"`
	Description string          `yaml:"description,omitempty" json:"description,omitempty"`
	Dimensions  []ViewDimension `yaml:"dimensions" json:"dimensions"`
}

// ViewDimension is one heading of a view and the criteria it gathers.
type ViewDimension struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Criteria []string `yaml:"criteria" json:"criteria"`
}

// Key names this version of the framework: id@version.
func (f *Framework) Key() string { return f.ID + "@" + f.Version }

// Ref names the framework in messages: its bare id, or id@version when
// its library holds several versions of the id.
func (f *Framework) Ref() string {
	if f.versioned {
		return f.Key()
	}
	return f.ID
}

// Top is the highest level of the framework's scale.
func (f *Framework) Top() int { return len(f.Levels) - 1 }

// LevelName returns the id of level n, such as "SEAL-2".
func (f *Framework) LevelName(n int) string {
	if n < 0 || n >= len(f.Levels) {
		return "level-" + strconv.Itoa(n)
	}
	return f.Levels[n].ID
}

// LevelLabel returns the descriptive name of level n, such as "protected".
func (f *Framework) LevelLabel(n int) string {
	if n < 0 || n >= len(f.Levels) {
		return ""
	}
	return f.Levels[n].Name
}

// Criterion returns the criterion with the given id and its dimension.
func (f *Framework) Criterion(id string) (*Criterion, *Dimension, bool) {
	r, ok := f.index[id]
	if !ok {
		return nil, nil, false
	}
	d := &f.Dimensions[r.dim]
	return &d.Criteria[r.crit], d, true
}

// Criteria counts the criteria of the framework.
func (f *Framework) Criteria() int { return len(f.index) }

// WeightSet returns the named weight set; "" names the default (the first).
func (f *Framework) WeightSet(id string) (*WeightSet, error) {
	if id == "" {
		return &f.WeightSets[0], nil
	}
	for i := range f.WeightSets {
		if f.WeightSets[i].ID == id {
			return &f.WeightSets[i], nil
		}
	}
	ids := make([]string, len(f.WeightSets))
	for i, w := range f.WeightSets {
		ids[i] = w.ID
	}
	return nil, fmt.Errorf("framework %s has no weight set %q (have %s)", f.Ref(), id, strings.Join(ids, ", "))
}

// weight returns the criterion's weight inside its dimension.
func (c *Criterion) weight() float64 {
	if c.Weight != 0 {
		return c.Weight
	}
	// A points-based criterion weighs its highest points, so that the
	// dimension's score is its points over its highest possible points.
	if m, ok := c.maxPoints(); ok && m > 0 {
		return m
	}
	return 1
}

// maxPoints returns the highest points of the criterion's ladder and
// whether the ladder has points at all.
func (c *Criterion) maxPoints() (float64, bool) {
	best, has := 0.0, false
	for _, a := range c.Answers {
		if a.Points != nil {
			has = true
			best = max(best, *a.Points)
		}
	}
	return best, has
}

// Floor is the lowest level any answer to the criterion gives: a criterion
// whose floor is above 0 can never pull the gate below it.
func (f *Framework) Floor(c *Criterion) int {
	if c.Kind == Number {
		return 0 // a number below every band is level 0
	}
	floor := f.Top()
	for _, a := range c.ladder(f.Top()) {
		floor = min(floor, a.Level)
	}
	return floor
}

// Gates reports whether some answer to the criterion can lower the level
// below the top. A criterion whose every answer is at the top (the EU
// calculator's change-of-control, financing or energy questions) only
// counts towards the score.
func (f *Framework) Gates(c *Criterion) bool { return f.Floor(c) < f.Top() }

// ladder returns the named answers of the criterion, with the default
// ladders of the yes/partial/no and yes/no kinds filled in.
func (c *Criterion) ladder(top int) []Answer {
	if len(c.Answers) > 0 || c.Kind == Ordinal || c.Kind == Number {
		return c.Answers
	}
	mid := top / 2
	switch c.Kind {
	case YesPartialNo:
		return []Answer{
			{Value: "no", Level: 0, Meaning: "not provided"},
			{Value: "partial", Level: mid, Meaning: "partly provided"},
			{Value: "yes", Level: top, Meaning: "provided"},
		}
	case YesNo:
		return []Answer{
			{Value: "no", Level: 0, Meaning: "not provided"},
			{Value: "yes", Level: top, Meaning: "provided"},
		}
	}
	return nil
}

// AnswerValues lists the answers a criterion accepts, for messages and
// documentation: the ladder's values, or the bands of a number.
func (f *Framework) AnswerValues(c *Criterion) []string {
	if c.Kind == Number {
		var out []string
		for _, b := range c.Bands {
			out = append(out, b.String())
		}
		return out
	}
	var out []string
	for _, a := range c.ladder(f.Top()) {
		out = append(out, a.Value)
	}
	return out
}

// String describes the band, such as ">= 180" or "<= 24".
func (b Band) String() string {
	switch {
	case b.AtLeast != nil && b.AtMost != nil:
		return fmt.Sprintf("%s..%s", num(*b.AtLeast), num(*b.AtMost))
	case b.AtLeast != nil:
		return ">= " + num(*b.AtLeast)
	case b.AtMost != nil:
		return "<= " + num(*b.AtMost)
	}
	return "any"
}

func (b Band) matches(x float64) bool {
	if b.AtLeast != nil && x < *b.AtLeast {
		return false
	}
	if b.AtMost != nil && x > *b.AtMost {
		return false
	}
	return true
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func scoreOf(explicit *float64, level, top int) float64 {
	if explicit != nil {
		return *explicit
	}
	if top <= 0 {
		return 0
	}
	return float64(level) / float64(top)
}

// validScore reports whether s is a usable score.
func validScore(s float64) bool { return !math.IsNaN(s) && s >= 0 && s <= 1 }

// TopAnswer returns an answer that reaches the framework's top level for
// the criterion: a ladder value, or a number inside the top band. It is
// what a remedy aims at, and what tests use to build ideal answers.
func TopAnswer(f *Framework, c *Criterion) any {
	top := f.Top()
	if c.Kind == Number {
		for _, b := range c.Bands {
			if b.Level != top {
				continue
			}
			if b.AtLeast != nil {
				return *b.AtLeast
			}
			return *b.AtMost
		}
		return nil
	}
	// On a points ladder the top answer is the one with the most points
	// (every answer of a never-gating criterion is at the top level).
	best, bestPoints := "", -1.0
	for _, a := range c.ladder(top) {
		if a.Level != top {
			continue
		}
		p := 0.0
		if a.Points != nil {
			p = *a.Points
		}
		if p > bestPoints {
			best, bestPoints = a.Value, p
		}
	}
	if best == "" {
		return nil
	}
	return best
}
