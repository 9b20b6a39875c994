// Package diff compares two assessments of an inventory, a baseline and a
// candidate, and says what changed: components added or removed, levels
// moved, new foreign exposure, new violating flows, and the findings that are
// new or worse than the baseline. It is the CI gate behind
// `sovmap diff OLD NEW` and `sovmap assess FILE --baseline OLD.json`.
package diff

import (
	"sort"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/finding"
)

// Levels are a component's four figures.
type Levels struct {
	Level     sovmap.Level `json:"level"`
	Effective sovmap.Level `json:"effective_level"`
	Required  sovmap.Level `json:"required_level"`
	Gap       int          `json:"gap"`
}

func levelsOf(c *sovmap.ComponentResult) Levels {
	return Levels{Level: c.Level, Effective: c.EffectiveLevel, Required: c.RequiredLevel, Gap: c.Gap}
}

// Component is a component added or removed.
type Component struct {
	ID       string       `json:"id"`
	Layer    sovmap.Layer `json:"layer"`
	Provider string       `json:"provider,omitempty"`
	Levels
	Exposure []string `json:"exposure,omitempty"`
}

// Field names a component figure that can move.
type Field string

// The figures a Move can be about.
const (
	FieldLevel     Field = "level"
	FieldEffective Field = "effective_level"
	FieldRequired  Field = "required_level"
	FieldGap       Field = "gap"
)

// Move is one figure of one component that changed.
type Move struct {
	ID    string `json:"id"`
	Field Field  `json:"field"`
	Old   int    `json:"old"`
	New   int    `json:"new"`
	// Worse is true when the move hurts: a lower own or effective level, a
	// higher required level or a larger gap.
	Worse bool `json:"worse"`
	// Gates is true when an own or effective level fell by
	// --fail-on-worse levels or more. (A gap that grew gates through its
	// finding.)
	Gates bool `json:"gates,omitempty"`
}

// Rename is a component the candidate calls To and the baseline From.
type Rename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Options say what fails the gate and which components were renamed.
type Options struct {
	// FailOn fails a new or worse gap of this many levels or more; 0 turns
	// this test off.
	FailOn int
	// FailOnWorse fails a gap that grew by this many levels or more (a
	// component new to the baseline grows from 0) and an own or effective
	// level that fell by this many or more; 0 turns this test off.
	//
	// With either test on, a flow that newly violates the transfer rules
	// and a law's condition newly unmet fail too, whatever the threshold.
	FailOnWorse int
	// Renames maps a component's id in the candidate to its id in the
	// baseline (renamed_from in the inventory, or --rename OLD=NEW).
	Renames map[string]string
}

// on reports whether any gate is on.
func (o Options) on() bool { return o.FailOn > 0 || o.FailOnWorse > 0 }

// gates reports whether finding f, new (old nil) or worse than old, fails
// the gate.
func (o Options) gates(f finding.Finding, old *finding.Finding) bool {
	if !o.on() {
		return false
	}
	if f.Kind != finding.Gap {
		// Flow violations and unmet conditions fail at any threshold.
		return f.Gates(1)
	}
	if o.FailOn > 0 && f.Gap >= o.FailOn {
		return true
	}
	was := 0
	if old != nil {
		was = old.Gap
	}
	return o.FailOnWorse > 0 && f.Gap-max(was, 0) >= o.FailOnWorse
}

// Exposure is a foreign jurisdiction that newly reaches a component, or no
// longer does.
type Exposure struct {
	Component    string `json:"component"`
	Jurisdiction string `json:"jurisdiction"`
}

// Flow is a flow whose verdict changed to or from violation.
type Flow struct {
	ID      string   `json:"id"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Reasons []string `json:"reasons,omitempty"`
	// Added is true when the flow did not exist in the baseline.
	Added bool `json:"added,omitempty"`
}

// Policy compares the transfer policies of the baseline and the candidate,
// as `sovmap policy` renders them: home and sectors, the trusted and
// restricted jurisdictions, what each data class requires, the rules per
// destination, the organization's CEL rules and the open questions. A
// policy change does not fail the gate by itself; what it does to
// components and flows shows as findings.
type Policy struct {
	// Compared is false when either side is a saved assessment, which does
	// not record the policy; NotCompared then says why.
	Compared    bool           `json:"compared"`
	NotCompared string         `json:"not_compared,omitempty"`
	Changes     []PolicyChange `json:"changes"`
}

// PolicyChange is one difference between the two policies.
type PolicyChange struct {
	// Section is the policy's section: scope, jurisdictions, data classes,
	// transfers, rules or questions.
	Section string `json:"section"`
	// Subject is what changed in it: a field of the scope, the countries
	// that moved, a data class, a destination, a rule's id, a question.
	Subject string `json:"subject"`
	// Change is "added", "removed", or the figure that changed ("level
	// required", "expression", "tier").
	Change string `json:"change"`
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
}

// FindingChange is a finding that appeared, got worse, got better or went.
type FindingChange struct {
	finding.Finding
	// Old is the baseline's version of a finding that got worse or better.
	Old *finding.Finding `json:"old,omitempty"`
	// Gates is true when the finding fails the gate at the --fail-on used.
	Gates bool `json:"gates"`
}

// Diff is what changed between a baseline and a candidate assessment.
type Diff struct {
	FailOn      int `json:"fail_on"`
	FailOnWorse int `json:"fail_on_worse"`
	// Renamed are the renames the comparison followed: the component is
	// compared with its former self. Unmatched are components removed and
	// added that are otherwise identical: probably renames nobody declared,
	// compared as a removal and an addition.
	Renamed   []Rename `json:"renamed"`
	Unmatched []Rename `json:"undeclared_renames"`
	// Added and Removed are components present on one side only.
	Added   []Component `json:"added"`
	Removed []Component `json:"removed"`
	// Moved lists each changed figure of the components on both sides.
	Moved []Move `json:"moved"`
	// NewExposure lists foreign jurisdictions that newly reach a component
	// (added components included); DroppedExposure the reverse.
	NewExposure     []Exposure `json:"new_exposure"`
	DroppedExposure []Exposure `json:"dropped_exposure"`
	// NewViolations are flows that violate now and did not before (or did
	// not exist); ResolvedViolations the reverse.
	NewViolations      []Flow `json:"new_violations"`
	ResolvedViolations []Flow `json:"resolved_violations"`
	// New, Worse, Better and Resolved classify the findings of package finding.
	New      []FindingChange `json:"new_findings"`
	Worse    []FindingChange `json:"worse_findings"`
	Better   []FindingChange `json:"better_findings"`
	Resolved []FindingChange `json:"resolved_findings"`
	// Policy compares the two transfer policies. An assessment does not
	// record the policy, so the caller sets it from the two inventories
	// (package policydoc); nil leaves it out.
	Policy *Policy `json:"policy,omitempty"`
	// Before and After are the two summaries.
	Before sovmap.Summary `json:"before"`
	After  sovmap.Summary `json:"after"`
}

// PolicyChanges returns the policy changes, none when the policies were
// not compared.
func (d *Diff) PolicyChanges() []PolicyChange {
	if d.Policy == nil {
		return nil
	}
	return d.Policy.Changes
}

// FallingLevels returns the level moves that fail the gate
// (--fail-on-worse).
func (d *Diff) FallingLevels() []Move {
	var out []Move
	for _, m := range d.Moved {
		if m.Gates {
			out = append(out, m)
		}
	}
	return out
}

// Failing returns the new and worse findings that fail the gate.
func (d *Diff) Failing() []finding.Finding {
	var out []finding.Finding
	for _, fc := range append(append([]FindingChange{}, d.New...), d.Worse...) {
		if fc.Gates {
			out = append(out, fc.Finding)
		}
	}
	finding.Sort(out)
	return out
}

// Empty reports whether nothing changed that the diff tracks.
func (d *Diff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Moved) == 0 &&
		len(d.NewExposure) == 0 && len(d.DroppedExposure) == 0 &&
		len(d.NewViolations) == 0 && len(d.ResolvedViolations) == 0 &&
		len(d.New) == 0 && len(d.Worse) == 0 && len(d.Better) == 0 && len(d.Resolved) == 0 &&
		len(d.Renamed) == 0 && len(d.PolicyChanges()) == 0
}

// NewFindings returns the findings of cur that fail a gate at failOn (see
// finding.Finding.Gates) and are new or worse than in base: what
// `assess --baseline` fails on. A nil base counts as an empty baseline.
func NewFindings(base, cur *sovmap.Report, failOn int) []finding.Finding {
	return Compare(base, cur, failOn).Failing()
}

// Compare compares a baseline with a candidate. Either may be nil, meaning
// an empty assessment. failOn marks which new or worse findings gate.
func Compare(base, cur *sovmap.Report, failOn int) *Diff {
	return CompareWith(base, cur, Options{FailOn: failOn})
}

// CompareWith compares a baseline with a candidate, following renames and
// gating as opts says. Either report may be nil, meaning an empty
// assessment.
func CompareWith(base, cur *sovmap.Report, opts Options) *Diff {
	if base == nil {
		base = &sovmap.Report{}
	}
	if cur == nil {
		cur = &sovmap.Report{}
	}
	d := &Diff{
		FailOn: opts.FailOn, FailOnWorse: opts.FailOnWorse, Renamed: []Rename{}, Unmatched: []Rename{},
		Before: base.Summary, After: cur.Summary,
		Added: []Component{}, Removed: []Component{}, Moved: []Move{},
		NewExposure: []Exposure{}, DroppedExposure: []Exposure{},
		NewViolations: []Flow{}, ResolvedViolations: []Flow{},
		New: []FindingChange{}, Worse: []FindingChange{}, Better: []FindingChange{}, Resolved: []FindingChange{},
	}
	base, d.Renamed = rename(base, cur, opts.Renames)
	old := byID(base.Components, func(c *sovmap.ComponentResult) string { return c.ID })
	now := byID(cur.Components, func(c *sovmap.ComponentResult) string { return c.ID })
	for _, id := range sortedKeys(now) {
		c := now[id]
		o, ok := old[id]
		if !ok {
			d.Added = append(d.Added, snapshot(c))
			for _, j := range exposure(c) {
				d.NewExposure = append(d.NewExposure, Exposure{Component: id, Jurisdiction: j})
			}
			continue
		}
		d.Moved = append(d.Moved, moves(o, c, opts.FailOnWorse)...)
		was := set(exposure(o))
		is := set(exposure(c))
		for _, j := range exposure(c) {
			if !was[j] {
				d.NewExposure = append(d.NewExposure, Exposure{Component: id, Jurisdiction: j})
			}
		}
		for _, j := range exposure(o) {
			if !is[j] {
				d.DroppedExposure = append(d.DroppedExposure, Exposure{Component: id, Jurisdiction: j})
			}
		}
	}
	for _, id := range sortedKeys(old) {
		if _, ok := now[id]; !ok {
			d.Removed = append(d.Removed, snapshot(old[id]))
		}
	}
	d.Unmatched = undeclared(d.Removed, d.Added, old, now)
	compareFlows(d, base, cur)
	compareFindings(d, base, cur, opts)
	return d
}

func snapshot(c *sovmap.ComponentResult) Component {
	return Component{ID: c.ID, Layer: c.Layer, Provider: c.Provider, Levels: levelsOf(c), Exposure: exposure(c)}
}

func moves(o, c *sovmap.ComponentResult, failOnWorse int) []Move {
	var out []Move
	add := func(f Field, old, cur int, worseWhenLower bool) {
		if old == cur {
			return
		}
		worse := cur > old
		if worseWhenLower {
			worse = cur < old
		}
		fell := worseWhenLower && failOnWorse > 0 && old-cur >= failOnWorse
		out = append(out, Move{ID: c.ID, Field: f, Old: old, New: cur, Worse: worse, Gates: fell})
	}
	add(FieldLevel, int(o.Level), int(c.Level), true)
	add(FieldEffective, int(o.EffectiveLevel), int(c.EffectiveLevel), true)
	add(FieldRequired, int(o.RequiredLevel), int(c.RequiredLevel), false)
	add(FieldGap, o.Gap, c.Gap, false)
	return out
}

// exposure lists the jurisdictions that reach a component, from the summary
// list and the details, sorted and without duplicates.
func exposure(c *sovmap.ComponentResult) []string {
	seen := map[string]bool{}
	for _, j := range c.Exposure {
		seen[j] = true
	}
	for _, e := range c.ExposureDetails {
		seen[e.Jurisdiction] = true
	}
	delete(seen, "")
	return sortedKeys(seen)
}

// byID maps the id of each item (the last of any that share one) to it.
func byID[T any](items []T, id func(*T) string) map[string]*T {
	m := make(map[string]*T, len(items))
	for i := range items {
		m[id(&items[i])] = &items[i]
	}
	return m
}

func compareFlows(d *Diff, base, cur *sovmap.Report) {
	old := byID(base.Flows, func(f *sovmap.FlowResult) string { return f.ID })
	now := byID(cur.Flows, func(f *sovmap.FlowResult) string { return f.ID })
	for _, id := range sortedKeys(now) {
		f := now[id]
		o, existed := old[id]
		if f.Verdict == sovmap.Violation && (!existed || o.Verdict != sovmap.Violation) {
			d.NewViolations = append(d.NewViolations, Flow{ID: id, From: f.From, To: f.To, Reasons: f.Reasons, Added: !existed})
		}
	}
	for _, id := range sortedKeys(old) {
		o := old[id]
		f, exists := now[id]
		if o.Verdict == sovmap.Violation && (!exists || f.Verdict != sovmap.Violation) {
			d.ResolvedViolations = append(d.ResolvedViolations, Flow{ID: id, From: o.From, To: o.To, Reasons: o.Reasons})
		}
	}
}

func compareFindings(d *Diff, base, cur *sovmap.Report, opts Options) {
	old := map[string]finding.Finding{}
	for _, f := range finding.FromReport(base, nil) {
		old[f.Key()] = f
	}
	seen := map[string]bool{}
	for _, f := range finding.FromReport(cur, nil) {
		key := f.Key()
		seen[key] = true
		o, existed := old[key]
		switch {
		case !existed:
			d.New = append(d.New, FindingChange{Finding: f, Gates: opts.gates(f, nil)})
		case f.Worse(o):
			d.Worse = append(d.Worse, FindingChange{Finding: f, Old: &o, Gates: opts.gates(f, &o)})
		case o.Worse(f):
			d.Better = append(d.Better, FindingChange{Finding: f, Old: &o})
		}
	}
	var gone []finding.Finding
	for key, f := range old {
		if !seen[key] {
			gone = append(gone, f)
		}
	}
	finding.Sort(gone)
	for _, f := range gone {
		d.Resolved = append(d.Resolved, FindingChange{Finding: f})
	}
}

func set(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
