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
func (e *Engine) restore(s sovmap.Scenario, r *Result, down []int32) {
	direct := down[:r.Direct]
	if len(direct) == 0 {
		r.RestoreBasis = "nothing is hit"
		return
	}
	if s.RestoreDays != nil {
		r.RestoreDays = *s.RestoreDays
		r.RestoreBasis = "restore_days of the scenario"
		if r.Effect == Lost {
			r.OutageDays = r.RestoreDays
		}
		return
	}
	first := true
	for _, u := range direct {
		days, outage, basis := e.restoreOf(s, u)
		if first || days > r.RestoreDays {
			r.RestoreDays, r.RestoreBasis = days, fmt.Sprintf("%s: %s", e.m.ID(u), basis)
			first = false
		}
		r.OutageDays = max(r.OutageDays, outage)
	}
}

// restoreOf returns the time to restore one directly hit component, the
// part of it without service, and how it was found.
func (e *Engine) restoreOf(s sovmap.Scenario, u int32) (days, outage int, basis string) {
	m := e.m
	if s.RestoreDays != nil {
		d := *s.RestoreDays
		if EffectOf(s.Kind) == Lost {
			outage = d
		}
		return d, outage, "restore_days of the scenario"
	}
	mig, stated := m.MigrationDaysOf(u)
	src := "migration_days"
	if !stated {
		src = "default migration for " + string(m.Inv.Components[u].Layer)
	}
	if EffectOf(s.Kind) == Lost {
		for _, alt := range m.Alternatives(u) {
			if h := e.w.Hit(alt); h == graph.NotHit || h == graph.Degraded {
				return risk.FailoverDays, risk.FailoverDays, "failover to the declared alternative " + m.ID(alt)
			}
		}
	}
	switch s.Kind {
	case ProviderExit:
		notice := int(m.NoticeDays[u])
		if notice < 0 {
			return mig, mig, fmt.Sprintf("%d d %s; no exit notice stated, so no time to prepare", mig, src)
		}
		return mig, max(0, mig-notice), fmt.Sprintf("%d d %s, of which the %d d exit notice covers %d", mig, src, notice, min(notice, mig))
	case Compel:
		x := m.ExitOf(u)
		return x.Days, 0, "exit to a provider out of reach: " + x.Basis
	case RevokeArrangement:
		return mig, 0, fmt.Sprintf("relocate: %d d %s", mig, src)
	case ExportControl:
		return mig, 0, fmt.Sprintf("replace the supply: %d d %s", mig, src)
	}
	return mig, mig, fmt.Sprintf("move elsewhere: %d d %s", mig, src)
}

// data gathers the data classes held by the components hit.
func (e *Engine) data(r *Result, down []int32) {
	m := e.m
	seen := make([]bool, len(m.Classes))
	for _, list := range [][]int32{down, e.partial} {
		for _, u := range list {
			for _, d := range m.Data(u) {
				if !seen[d] {
					seen[d] = true
					r.Data = append(r.Data, m.Classes[d])
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
			Before: m.Effective[u], After: m.Effective[u]}
		chain = e.w.Chain(chain[:0], u)
		seed := u
		if how != "partial" && len(chain) > 0 {
			seed = chain[len(chain)-1]
		}
		switch how {
		case "direct", "partial":
			h.Reason = e.reasons[u]
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
		if how != "degraded" {
			h.RestoreDays, _, _ = e.restoreOf(e.cur, seed)
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
