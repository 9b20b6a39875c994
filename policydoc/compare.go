package policydoc

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sovmap/sovmap/diff"
)

// The sections of the policy a change can be in, named as the document
// names them.
const (
	sectionScope         = "scope"
	sectionJurisdictions = "jurisdictions"
	sectionDataClasses   = "data classes"
	sectionTransfers     = "transfers"
	sectionRules         = "rules"
	sectionQuestions     = "questions"
)

// Compare lists what differs between the policies of two documents, old
// (the baseline) and cur: the scope (home, regime, sectors), the tier and
// reason of every country, what each data class requires, the rules per
// destination, the organization's rules and the open questions. What is
// not policy is left out: the components and flows counted, which
// components hold a class, the laws the assessment found and the annex of
// flows (the assessment's own diff covers those). A data class on one side
// only is a change when that side declares it: a class that a component
// merely starts or stops using is decided by the same entry as before.
// Texts are on one line, so that a table can show them.
func Compare(old, cur *Document) []diff.PolicyChange {
	c := &comparer{out: []diff.PolicyChange{}}
	c.field(sectionScope, "home", "", old.Home, cur.Home)
	c.field(sectionScope, "transfer regime", "", old.Regime, cur.Regime)
	c.field(sectionScope, "sectors", "", strings.Join(old.Sectors, ", "), strings.Join(cur.Sectors, ", "))
	c.jurisdictions(old, cur)
	c.classes(old, cur)
	c.destinations(old, cur)
	c.rules(old, cur)
	c.questions(old, cur)
	return c.out
}

type comparer struct{ out []diff.PolicyChange }

// field records a change of one figure; change empty names the subject
// alone (a scope field).
func (c *comparer) field(section, subject, change, old, cur string) {
	old, cur = oneLine(old), oneLine(cur)
	if old == cur {
		return
	}
	if change == "" {
		change = "changed"
	}
	c.out = append(c.out, diff.PolicyChange{Section: section, Subject: subject, Change: change, Old: old, New: cur})
}

func (c *comparer) added(section, subject, what string) {
	c.out = append(c.out, diff.PolicyChange{Section: section, Subject: subject, Change: "added", New: oneLine(what)})
}

func (c *comparer) removed(section, subject, what string) {
	c.out = append(c.out, diff.PolicyChange{Section: section, Subject: subject, Change: "removed", Old: oneLine(what)})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// placement is a country's tier and reason as the document states them.
type placement struct{ tier, why string }

func (p placement) String() string { return p.tier + ": " + p.why }

// neutral is the placement of a country no group lists.
var neutral = placement{"neutral", "no trust or restriction applies (default)"}

func placements(d *Document) map[string]placement {
	out := map[string]placement{}
	for _, g := range d.Jurisdictions {
		for _, country := range g.Countries {
			out[country] = placement{g.Tier, fmt.Sprintf("%s (%s)", g.Reason, g.Basis)}
		}
	}
	return out
}

// jurisdictions compares every country's placement and reports the
// countries that moved the same way together, as one change.
func (c *comparer) jurisdictions(old, cur *Document) {
	was, is := placements(old), placements(cur)
	type move struct{ from, to placement }
	moved := map[move][]string{}
	for _, country := range keys(was, is) {
		from, ok := was[country]
		if !ok {
			from = neutral
		}
		to, ok := is[country]
		if !ok {
			to = neutral
		}
		if from != to {
			moved[move{from, to}] = append(moved[move{from, to}], country)
		}
	}
	var moves []move
	for m := range moved {
		moves = append(moves, m)
	}
	slices.SortFunc(moves, func(a, b move) int { return cmp.Compare(moved[a][0], moved[b][0]) })
	for _, m := range moves {
		change := "tier"
		if m.from.tier == m.to.tier {
			change = "why"
		}
		c.field(sectionJurisdictions, strings.Join(moved[m], ", "), change, m.from.String(), m.to.String())
	}
}

// declares reports whether the document's class is decided by an entry of
// the organization's data classes for that very class.
func (p ClassPolicy) declares() bool { return p.Rule == "organization.data_classes "+p.Class }

func (p ClassPolicy) summary() string {
	s := fmt.Sprintf("level %d %s, %s, %s: %s", p.Level, p.LevelName, p.Category, p.Basis, p.Reason)
	if p.Citation != "" {
		s += " (" + p.Citation + ")"
	}
	return s
}

func (c *comparer) classes(old, cur *Document) {
	was, is := index(old.DataClasses, func(p ClassPolicy) string { return p.Class }), index(cur.DataClasses, func(p ClassPolicy) string { return p.Class })
	for _, id := range keys(was, is) {
		o, inOld := was[id]
		n, inCur := is[id]
		switch {
		case !inOld:
			if n.declares() {
				c.added(sectionDataClasses, id, n.summary())
			}
		case !inCur:
			if o.declares() {
				c.removed(sectionDataClasses, id, o.summary())
			}
		default:
			c.field(sectionDataClasses, id, "level required", fmt.Sprintf("%d %s", o.Level, o.LevelName), fmt.Sprintf("%d %s", n.Level, n.LevelName))
			c.field(sectionDataClasses, id, "category", string(o.Category), string(n.Category))
			c.field(sectionDataClasses, id, "basis", string(o.Basis), string(n.Basis))
			c.field(sectionDataClasses, id, "why", o.Reason, n.Reason)
			c.field(sectionDataClasses, id, "citation", o.Citation, n.Citation)
			c.field(sectionDataClasses, id, "decided by", o.Rule, n.Rule)
		}
	}
}

func (c *comparer) destinations(old, cur *Document) {
	was, is := index(old.Destinations, func(r DestinationRule) string { return r.Tier }), index(cur.Destinations, func(r DestinationRule) string { return r.Tier })
	for _, tier := range keys(was, is) {
		o, inOld := was[tier]
		n, inCur := is[tier]
		switch {
		case !inOld:
			c.added(sectionTransfers, tier, n.Requirement)
		case !inCur:
			c.removed(sectionTransfers, tier, o.Requirement)
		default:
			c.field(sectionTransfers, tier, "requirement", o.Requirement, n.Requirement)
			c.field(sectionTransfers, tier, "supplementary measures", o.Supplemental, n.Supplemental)
			c.field(sectionTransfers, tier, "basis", string(o.Basis), string(n.Basis))
		}
	}
}

func (r RuleText) summary() string {
	return fmt.Sprintf("when %s (%s): requires %d %s, %s, %s", r.Plain, r.When, r.Require, r.Require, r.Category, r.Basis)
}

func (c *comparer) rules(old, cur *Document) {
	was, is := index(old.Rules, func(r RuleText) string { return r.ID }), index(cur.Rules, func(r RuleText) string { return r.ID })
	for _, id := range keys(was, is) {
		o, inOld := was[id]
		n, inCur := is[id]
		switch {
		case !inOld:
			c.added(sectionRules, id, n.summary())
		case !inCur:
			c.removed(sectionRules, id, o.summary())
		default:
			// The plain reading follows from the expression: show both,
			// the reading being what a board reviews.
			c.field(sectionRules, id, "expression", o.When, n.When)
			c.field(sectionRules, id, "in plain language", o.Plain, n.Plain)
			c.field(sectionRules, id, "level required", fmt.Sprintf("%d %s", o.Require, o.Require), fmt.Sprintf("%d %s", n.Require, n.Require))
			c.field(sectionRules, id, "category", string(o.Category), string(n.Category))
			c.field(sectionRules, id, "basis", string(o.Basis), string(n.Basis))
			c.field(sectionRules, id, "why", o.Reason, n.Reason)
			c.field(sectionRules, id, "citation", o.Citation, n.Citation)
		}
	}
}

func (c *comparer) questions(old, cur *Document) {
	for _, q := range old.Questions {
		if !slices.Contains(cur.Questions, q) {
			c.removed(sectionQuestions, "open question", q)
		}
	}
	for _, q := range cur.Questions {
		if !slices.Contains(old.Questions, q) {
			c.added(sectionQuestions, "open question", q)
		}
	}
}

// index maps a list by key; a key given twice keeps its first entry (the
// inventory's validation refuses duplicate ids).
func index[T any](xs []T, key func(T) string) map[string]T {
	out := make(map[string]T, len(xs))
	for _, x := range xs {
		if _, ok := out[key(x)]; !ok {
			out[key(x)] = x
		}
	}
	return out
}

// keys returns the sorted union of the keys of a and b.
func keys[T any](a, b map[string]T) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
