package framework

import (
	"fmt"
	"strconv"
	"strings"
)

// Minimums are the levels a tender requires: overall, per dimension, or
// both, as in --min-level 3 or --min-level SOV-2=3,SOV-5=2.
type Minimums struct {
	// Overall is the required overall level; -1 when none is required.
	Overall int
	// Dimensions are the required levels per dimension, in the order given.
	Dimensions []DimensionMinimum
}

// DimensionMinimum is the level one dimension must reach.
type DimensionMinimum struct {
	Dimension string
	Level     int
}

// Requirement is one minimum checked against a result.
type Requirement struct {
	// Dimension is the dimension required, "" for the overall level.
	Dimension string `json:"dimension,omitempty"`
	Want      int    `json:"want"`
	WantName  string `json:"want_name"`
	Got       int    `json:"got"`
	GotName   string `json:"got_name"`
	Met       bool   `json:"met"`
}

// ParseMinimums reads a comma-separated list of minimums: a bare level
// (3 or SEAL-3) is the overall minimum, DIM=LEVEL a dimension's. Levels
// must be on the framework's scale (0..top, or a level id); dimensions
// must exist. The error says which entry is wrong and what is allowed.
func (f *Framework) ParseMinimums(s string) (Minimums, error) {
	m := Minimums{Overall: -1}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return m, fmt.Errorf("empty minimum in %q (want LEVEL or DIMENSION=LEVEL, comma-separated)", s)
		}
		dim, lv, isDim := strings.Cut(part, "=")
		if !isDim {
			lv, dim = part, ""
		}
		level, err := f.parseLevel(strings.TrimSpace(lv))
		if err != nil {
			return m, fmt.Errorf("minimum %q: %w", part, err)
		}
		dim = strings.TrimSpace(dim)
		if seen[dim] {
			return m, fmt.Errorf("minimum %q: %s given twice", part, orOverall(dim))
		}
		seen[dim] = true
		if !isDim {
			m.Overall = level
			continue
		}
		if !f.hasDimension(dim) {
			return m, fmt.Errorf("minimum %q: framework %s has no dimension %q (have %s)", part, f.Key(), dim, strings.Join(f.dimensionIDs(), ", "))
		}
		m.Dimensions = append(m.Dimensions, DimensionMinimum{Dimension: dim, Level: level})
	}
	return m, nil
}

func orOverall(dim string) string {
	if dim == "" {
		return "the overall level"
	}
	return dim
}

// parseLevel reads a level as its number or its id (SEAL-3, met).
func (f *Framework) parseLevel(s string) (int, error) {
	top := f.Top()
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > top {
			return 0, fmt.Errorf("level %d is outside 0..%d", n, top)
		}
		return n, nil
	}
	for i, l := range f.Levels {
		if strings.EqualFold(l.ID, s) {
			return i, nil
		}
	}
	ids := make([]string, len(f.Levels))
	for i, l := range f.Levels {
		ids[i] = l.ID
	}
	return 0, fmt.Errorf("level %q is neither a number 0..%d nor one of %s", s, top, strings.Join(ids, ", "))
}

func (f *Framework) hasDimension(id string) bool {
	for _, d := range f.Dimensions {
		if d.ID == id {
			return true
		}
	}
	return false
}

func (f *Framework) dimensionIDs() []string {
	ids := make([]string, len(f.Dimensions))
	for i, d := range f.Dimensions {
		ids[i] = d.ID
	}
	return ids
}

// Check records each minimum in r.Minimums, met or not, and returns those
// not met.
func (f *Framework) Check(r *Result, m Minimums) []Requirement {
	var failed []Requirement
	add := func(dim string, want, got int) {
		q := Requirement{Dimension: dim, Want: want, WantName: f.LevelName(want), Got: got, GotName: f.LevelName(got), Met: got >= want}
		r.Minimums = append(r.Minimums, q)
		if !q.Met {
			failed = append(failed, q)
		}
	}
	if m.Overall >= 0 {
		add("", m.Overall, r.Level)
	}
	for _, dm := range m.Dimensions {
		if d, ok := r.Dimension(dm.Dimension); ok {
			add(dm.Dimension, dm.Level, d.Level)
		}
	}
	return failed
}

// String describes a requirement, such as "SOV-2 at SEAL-2, below SEAL-3".
func (q Requirement) String() string {
	what := orOverall(q.Dimension)
	if q.Met {
		return fmt.Sprintf("%s at %s, meets %s", what, q.GotName, q.WantName)
	}
	return fmt.Sprintf("%s at %s, below the required %s", what, q.GotName, q.WantName)
}
