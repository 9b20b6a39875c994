package scenario

import (
	"fmt"
	"sort"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/risk"
)

// restore finds the time to restore: the longest over the components hit
// directly (the others come back with them).
func (e *Engine) restore(s sovmap.Scenario, r *Result, down []int32, hit func(int32) bool) {
	direct := down[:r.Direct]
	if len(direct) == 0 {
		r.RestoreBasis, r.OutageBasis = "nothing is hit", "nothing is hit"
		return
	}
	var worst, outage restoreBasis
	first := true
	for _, u := range direct {
		b := e.restoreOf(s, u, hit)
		if first || b.days > r.RestoreDays {
			r.RestoreDays, worst = b.days, b
		}
		if first || b.outage > r.OutageDays {
			r.OutageDays, outage = b.outage, b
		}
		first = false
	}
	r.RestoreBasis = worst.String(e.m)
	r.OutageBasis = outage.Outage(e.m)
}

// Outage says how the time without service was found. It may come from
// another component than the time to restore: a provider's exit notice
// covers part of one component's migration and not another's.
func (b restoreBasis) Outage(m *risk.Model) string {
	if b.outage == 0 && b.how != basisScenario {
		return "no service is lost"
	}
	id := m.ID(b.u)
	switch b.how {
	case basisScenario:
		if b.outage == 0 {
			return "no service is lost"
		}
		return "restore_days of the scenario"
	case basisFailover:
		return fmt.Sprintf("%s: failover to the declared alternative %s", id, m.ID(b.alt))
	}
	mig, _ := m.MigrationDaysOf(b.u)
	if b.kind == ProviderExit {
		if notice, stated := m.NoticeDaysOf(b.u); stated {
			return fmt.Sprintf("%s: migration %d d less the %d d exit notice", id, mig, notice)
		}
		return fmt.Sprintf("%s: migration %d d, no exit notice stated", id, mig)
	}
	return fmt.Sprintf("%s: migration %d d, the whole time to restore", id, mig)
}

// How a component's time to restore was found.
const (
	basisScenario  = iota // the scenario's restore_days
	basisFailover         // a declared alternative is unaffected
	basisExit             // notice plus migration (compel)
	basisMigration        // migration only
)

// restoreBasis is a time to restore with what it is made of, formatted only
// when shown: a sweep computes millions of them.
type restoreBasis struct {
	days, outage int
	how          int
	u, alt       int32
	kind         string
}

// String says how the time to restore was found.
func (b restoreBasis) String(m *risk.Model) string {
	id := m.ID(b.u)
	mig, stated := m.MigrationDaysOf(b.u)
	src := "migration_days"
	if !stated {
		src = "default migration for " + string(m.Inv.Components[b.u].Layer)
	}
	switch b.how {
	case basisScenario:
		return "restore_days of the scenario"
	case basisFailover:
		return fmt.Sprintf("%s: failover to the declared alternative %s", id, m.ID(b.alt))
	case basisExit:
		return fmt.Sprintf("%s: exit to a provider out of reach: %s", id, m.ExitOf(b.u).Basis)
	}
	switch b.kind {
	case ProviderExit:
		notice, stated := m.NoticeDaysOf(b.u)
		if !stated {
			return fmt.Sprintf("%s: %d d %s; no exit notice stated, so no time to prepare", id, mig, src)
		}
		return fmt.Sprintf("%s: %d d %s, of which the %d d exit notice covers %d", id, mig, src, notice, min(notice, mig))
	case RevokeArrangement:
		return fmt.Sprintf("%s: relocate, %d d %s", id, mig, src)
	case ExportControl:
		return fmt.Sprintf("%s: replace the supply, %d d %s", id, mig, src)
	}
	return fmt.Sprintf("%s: move elsewhere, %d d %s", id, mig, src)
}

// restoreOf returns the time to restore one directly hit component and the
// part of it without service. hit says whether another component is hit
// by the same scenario.
func (e *Engine) restoreOf(s sovmap.Scenario, u int32, hit func(int32) bool) restoreBasis {
	m := e.m
	effect := EffectOf(s.Kind)
	b := restoreBasis{u: u, kind: s.Kind, how: basisMigration}
	if s.RestoreDays != nil {
		b.days, b.how = *s.RestoreDays, basisScenario
		if effect == Lost {
			b.outage = b.days
		}
		return b
	}
	mig, _ := m.MigrationDaysOf(u)
	if effect == Lost {
		for _, alt := range m.Alternatives(u) {
			if !hit(alt) {
				b.days, b.outage, b.how, b.alt = risk.FailoverDays, risk.FailoverDays, basisFailover, alt
				return b
			}
		}
	}
	b.days = mig
	switch s.Kind {
	case ProviderExit:
		b.outage = mig
		if notice, stated := m.NoticeDaysOf(u); stated {
			b.outage = max(0, mig-notice)
		}
	case Compel:
		b.days, b.how = m.ExitDaysOf(u), basisExit
	case RevokeArrangement, ExportControl:
	default:
		b.outage = mig
	}
	return b
}

// walkHit says whether the walker's last walk took u down.
func (e *Engine) walkHit(u int32) bool {
	h := e.w.Hit(u)
	return h == graph.Direct || h == graph.Transitive
}

// data gathers the data classes held by the components hit.
func (e *Engine) data(r *Result, down []int32) {
	m := e.m
	seen := make([]bool, m.NumClasses())
	for _, list := range [][]int32{down, e.partial} {
		for _, u := range list {
			for _, d := range m.Data(u) {
				if !seen[d] {
					seen[d] = true
					r.Data = append(r.Data, m.Class(d))
				}
			}
		}
	}
	sort.Strings(r.Data)
}

// rows lists the components hit, up to the limit.
func (e *Engine) rows(r *Result, down, degraded []int32) {
	m := e.m
	limit := e.opts.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	total := len(down) + len(degraded) + len(e.partial)
	var chain []int32
	add := func(u int32, how string) bool {
		if limit >= 0 && len(r.Hits) >= limit {
			return false
		}
		c := &m.Inv.Components[u]
		h := Hit{ID: c.ID, Layer: c.Layer, Criticality: c.Criticality, How: how, Data: c.Data,
			Before: m.Effective(u), After: m.Effective(u)}
		chain = e.w.Chain(chain[:0], u)
		seed := chain[len(chain)-1]
		switch how {
		case "direct", "partial":
			h.Reason = e.reason(u, how == "partial")
		case "transitive":
			h.Reason = "runs on " + m.ID(e.w.Via(u))
		case "degraded":
			via := e.w.Via(u)
			if e.w.Hit(via) == graph.Degraded {
				h.Reason = "depends on " + m.ID(via) + ", which degrades"
			} else {
				h.Reason = "supplied by " + m.ID(via) + " (a supply dependency)"
			}
		}
		if how == "transitive" || how == "degraded" {
			for _, x := range chain {
				h.Chain = append(h.Chain, m.ID(x))
			}
		}
		switch {
		case r.Effect == Exposed && how != "partial":
			h.After = e.effLevel(u)
		case r.Effect == Lost && (how == "direct" || how == "transitive"):
			h.Lost = true
		}
		if how == "direct" || how == "transitive" {
			h.RestoreDays = e.restoreOf(e.cur, seed, e.walkHit).days
		}
		r.Hits = append(r.Hits, h)
		return true
	}
	for _, u := range down {
		how := "transitive"
		if e.w.Hit(u) == graph.Direct {
			how = "direct"
		}
		if !add(u, how) {
			break
		}
	}
	for _, u := range degraded {
		if !add(u, "degraded") {
			break
		}
	}
	for _, u := range e.partial {
		if !add(u, "partial") {
			break
		}
	}
	r.HitsNotShown = total - len(r.Hits)
}
