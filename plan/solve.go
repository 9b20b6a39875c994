package plan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
)

// Solve finds the least-cost plan that meets every requirement under the
// constraints, or, when none does, the least-cost plan among those meeting
// the most requirements, with the reasons the others cannot be met.
func Solve(ctx context.Context, inv *sovmap.Inventory, ev Evaluator, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Years == 0 {
		opts.Years = DefaultYears
	}
	if opts.MaxNodes == 0 {
		opts.MaxNodes = DefaultMaxNodes
	}
	if opts.CurveNodes == 0 {
		opts.CurveNodes = DefaultCurveNodes
	}
	p, before, err := build(ctx, inv, ev, opts)
	if err != nil {
		return nil, err
	}
	// Phase 1: the plan that meets the most requirements at the least
	// cost. Phase 2: the rest of the trade-off curve, with its own node
	// budget, starting from what phase 1 found.
	s := newSearch(ctx, p, opts.MaxNodes, 0, true)
	s.run()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	curve := newSearch(ctx, p, opts.CurveNodes, 0, false)
	copy(curve.best, s.best)
	copy(curve.bestPlan, s.bestPlan)
	curve.dfs(0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r := &Result{Organization: inv.Organization.Name, Home: inv.Organization.Home, Years: opts.Years,
		Constraints: opts.Constraints, Components: p.n, Critical: p.nCritical, Nodes: s.nodes, CurveNodes: curve.nodes}
	metBefore := make([]bool, p.n)
	for i := range inv.Components {
		if len(inv.Components[i].Options) > 0 {
			r.WithOptions++
		}
		if metBefore[i] = before.Effective[i] >= before.Required[i]; metBefore[i] {
			r.MetBefore++
		}
	}
	r.GapsBefore = p.n - r.MetBefore
	if r.WithOptions == 0 {
		r.Notes = append(r.Notes, "no component lists options: add alternative offers under options: to let the planner change anything")
	}

	target := -1
	for q := p.n; q >= 0; q-- {
		if s.best[q] < inf {
			target = q
			break
		}
	}
	if target < 0 {
		// Not even keeping everything respects the constraints.
		r.Feasible = false
		r.Optimal = !s.aborted
		r.Blocking = p.constraintConflicts(inv)
		r.Curve = []Point{}
		r.Plan = []Choice{}
		r.Shares = p.shares(keepAll(p.n))
		r.Met, r.Gaps = r.MetBefore, r.GapsBefore
		r.Notes = append(r.Notes, "no plan respects the constraints, not even keeping every component as it is")
		return r, nil
	}
	plan := s.bestPlan[target]
	r.Feasible = target == p.n
	r.Cost = s.best[target]
	r.LowerBound = min(s.best[target], s.open[target])
	r.Optimal = !s.aborted || s.open[target] >= s.best[target]
	if s.aborted {
		r.Notes = append(r.Notes, fmt.Sprintf("the search stopped at its limit of %d nodes: the plan is the best found, and no plan meeting as many requirements costs less than %s (the proven lower bound)", opts.MaxNodes, money(r.LowerBound)))
		if !r.Feasible && s.open[p.n] < inf {
			r.Notes = append(r.Notes, "a plan meeting every requirement may exist in the part of the search not explored; raise --max-nodes")
		}
	}

	// Levels after, from the evaluator itself, and a check that the
	// solver's model of effective levels agrees with it.
	after, err := ev.Levels(ctx, Variant(inv, plan))
	if err != nil {
		return nil, fmt.Errorf("verifying the plan: %w", err)
	}
	model := make([]sovmap.Level, p.n)
	own := make([]sovmap.Level, p.n)
	for i := range own {
		own[i] = p.choices[i][plan[i]].own
	}
	p.propagate(own, model)
	var disagree []string
	for i := range model {
		if model[i] != after.Effective[i] || own[i] != after.Own[i] {
			disagree = append(disagree, p.ids[i])
		}
	}
	if len(disagree) > 0 {
		r.Notes = append(r.Notes, "the assessment of the plan differs from the planner's model for "+strings.Join(disagree, ", ")+"; levels after are the assessment's, and nothing the search found is claimed proven")
	}

	for i := range inv.Components {
		ch := p.choices[i][plan[i]]
		c := Choice{Component: p.ids[i], Option: ch.option, Provider: ch.provider, Controller: ch.controller,
			Jurisdiction: ch.jurisdiction, Critical: p.critical[i], Cost: ch.cost,
			Before: ComponentLevels{Own: before.Own[i], Effective: before.Effective[i], Required: before.Required[i]},
			After:  ComponentLevels{Own: after.Own[i], Effective: after.Effective[i], Required: after.Required[i]}}
		r.CostOnce += ch.costOnce
		r.CostYearly += ch.costYearly
		if c.After.Met() {
			r.Met++
		}
		r.Plan = append(r.Plan, c)
	}
	r.Gaps = p.n - r.Met
	r.Shares = p.shares(plan)
	r.Curve = curve.curve(metBefore, s)
	if len(p.shared) > 0 {
		r.Notes = append(r.Notes, "components share a digital-embassy arrangement whose qualification depends on the key custody of every component it hosts: "+
			strings.Join(p.shared, "; ")+"; the planner assesses their options apart, so its plan and curve are not proven optimal, and the plan's levels are those of its own assessment")
	}
	if len(p.shared) > 0 || len(disagree) > 0 {
		// The search's levels are not every plan's: nothing it found is
		// proven, and the plan is judged by its own assessment.
		r.Optimal, r.LowerBound = false, 0
		for k := range r.Curve {
			r.Curve[k].Optimal, r.Curve[k].LowerBound = false, 0
		}
		r.Feasible = r.Met == p.n
	}

	if !r.Feasible {
		r.Unmet = p.explain(plan, after)
		r.Blocking = p.blocking(ctx, opts)
	}
	return r, nil
}

func keepAll(n int) []int { return make([]int, n) }

// curve lists the corners of the trade-off curve: for each number of
// requirements met, the least cost, keeping only points that cost more
// than the next one up would (the others are dominated). main is the
// phase-1 search, whose proof covers the points from its floor up;
// metBefore marks the requirements met when everything is kept.
func (s *search) curve(metBefore []bool, main *search) []Point {
	p := s.p
	own, eff := make([]sovmap.Level, p.n), make([]sovmap.Level, p.n)
	var out []Point
	for q := 0; q <= p.n; q++ {
		if s.best[q] == inf || (q < p.n && s.best[q+1] <= s.best[q]) {
			continue
		}
		proven := !s.aborted || s.open[q] >= s.best[q]
		lower := min(s.best[q], s.open[q])
		if q >= main.floor && (!main.aborted || main.open[q] >= s.best[q]) {
			proven, lower = true, s.best[q]
		} else if q >= main.floor {
			lower = max(lower, min(main.best[q], main.open[q]))
		}
		pt := Point{Met: q, Gaps: p.n - q, Cost: s.best[q], Optimal: proven, LowerBound: lower, Changes: []string{}}
		for i, c := range s.bestPlan[q] {
			if c > 0 {
				pt.Changes = append(pt.Changes, p.ids[i]+"="+p.choices[i][c].option)
			}
			own[i] = p.choices[i][c].own
		}
		p.propagate(own, eff)
		for i, c := range s.bestPlan[q] {
			switch met := eff[i] >= p.choices[i][c].req; {
			case met && !metBefore[i]:
				pt.Closed++
			case !met && metBefore[i]:
				pt.Opened++
			}
		}
		out = append(out, pt)
	}
	return out
}

// shares counts critical components by controller and foreign jurisdiction.
func (p *problem) shares(plan []int) []Share {
	prov := make([]int, len(p.provNames))
	jur := make([]int, len(p.jurNames))
	for i, c := range plan {
		if !p.critical[i] {
			continue
		}
		ch := p.choices[i][c]
		if ch.prov >= 0 {
			prov[ch.prov]++
		}
		if ch.jur >= 0 {
			jur[ch.jur]++
		}
	}
	var out []Share
	add := func(kind string, names []string, counts []int, cap int) {
		for k, n := range counts {
			if n == 0 {
				continue
			}
			sh := Share{Kind: kind, Name: names[k], Critical: n, Cap: cap}
			if p.nCritical > 0 {
				sh.Share = float64(n) / float64(p.nCritical)
			}
			out = append(out, sh)
		}
	}
	add("provider", p.provNames, prov, p.provCap)
	add("jurisdiction", p.jurNames, jur, p.jurCap)
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Kind != out[b].Kind {
			return out[a].Kind > out[b].Kind // provider first
		}
		if out[a].Critical != out[b].Critical {
			return out[a].Critical > out[b].Critical
		}
		return out[a].Name < out[b].Name
	})
	return out
}

// constraintConflicts says which caps the components without options
// already break on their own.
func (p *problem) constraintConflicts(inv *sovmap.Inventory) []string {
	var out []string
	for _, sh := range p.shares(keepAll(p.n)) {
		if sh.Cap < 0 || sh.Critical <= sh.Cap {
			continue
		}
		forced := 0
		for i := range inv.Components {
			if !p.critical[i] {
				continue
			}
			all := true
			for _, c := range p.choices[i] {
				name := c.controller
				if sh.Kind == "jurisdiction" {
					name = c.jurisdiction
				}
				if name != sh.Name {
					all = false
				}
			}
			if all {
				forced++
			}
		}
		if forced > sh.Cap {
			out = append(out, fmt.Sprintf("%s %s: %d critical components have no option away from it, above the cap of %d", sh.Kind, sh.Name, forced, sh.Cap))
		}
	}
	if len(out) == 0 {
		out = append(out, "the caps cannot all be met at once with the options listed")
	}
	return out
}

// explain says why each requirement the plan leaves unmet cannot be met:
// no choice reaches it on its own; or, with everything else at its best,
// what the component runs on, takes supplies from or shares a cycle with
// still holds it down; or it can be met, but not together with the rest
// within the constraints.
func (p *problem) explain(plan []int, after *Levels) []Unmet {
	var out []Unmet
	for i := range plan {
		if after.Effective[i] >= after.Required[i] {
			continue
		}
		u := Unmet{Component: p.ids[i], Required: after.Required[i], Effective: after.Effective[i]}
		var reaching []choice
		for _, c := range p.choices[i] {
			if c.own >= c.req {
				reaching = append(reaching, c)
			}
		}
		if len(reaching) == 0 {
			var parts []string
			for _, c := range p.choices[i] {
				part := fmt.Sprintf("%s reaches %d %s", choiceName(c), c.own, c.own)
				if len(c.binding) > 0 {
					part += " (limited by " + joinFactors(c.binding) + ")"
				}
				parts = append(parts, part)
			}
			u.Why = append(u.Why, fmt.Sprintf("no choice reaches the required level %d on its own: %s", p.choices[i][plan[i]].req, strings.Join(parts, "; ")))
			out = append(out, u)
			continue
		}
		// Every other component at its best: does any reaching choice
		// make it?
		own := slices.Clone(p.maxOwn)
		eff := make([]sovmap.Level, p.n)
		var names []string
		possible := false
		limits := map[string]bool{}
		for _, c := range reaching {
			own[i] = c.own
			p.propagate(own, eff)
			if eff[i] >= c.req {
				possible = true
				names = append(names, choiceName(c))
				continue
			}
			with := ""
			if len(reaching) > 1 {
				with = "with " + choiceName(c) + ": "
			}
			for _, why := range p.limits(i, own, eff, c.req) {
				limits[with+why] = true
			}
		}
		if possible {
			u.Why = append(u.Why, fmt.Sprintf("reachable with %s, but not together with the other requirements within the constraints", strings.Join(names, " or ")))
		} else {
			u.Why = append(u.Why, sortedKeys(limits)...)
		}
		out = append(out, u)
	}
	return out
}

// limits says what holds component i below level req when its own level
// and every other component's are as given (at their best), by the
// assessment's rule: a runtime dependency below req, or a supply
// dependency below req when i's own level is not a step above req. A
// dependency in i's own cycle is named as such: its level may be what i's
// holds down in turn.
func (p *problem) limits(i int, own, eff []sovmap.Level, req sovmap.Level) []string {
	var out []string
	deps, supply := p.g.Deps(int32(i))
	for j, v := range deps {
		if int(v) == i || eff[v] >= req {
			continue
		}
		cycle := ""
		if p.comp[v] == p.comp[int32(i)] {
			cycle = " (in a dependency cycle with it)"
		}
		switch {
		case !supply[j]:
			out = append(out, fmt.Sprintf("runs on %s%s, which cannot get above level %d", p.ids[v], cycle, eff[v]))
		case own[i] <= req:
			out = append(out, fmt.Sprintf("takes supplies from %s%s, which cannot get above level %d; a supply dependency costs at most one level, so %s would need an own level of %d%s",
				p.ids[v], cycle, eff[v], p.ids[i], req+1, reachText(p.maxOwn[i], req+1)))
		}
	}
	if len(out) == 0 {
		out = append(out, "held down by its dependencies")
	}
	return out
}

// reachText says, after "would need an own level of level", why a
// component whose best choice reaches best cannot simply take it: the level
// is off the scale, or no choice reaches it (else nothing is added, since
// the caller names the choice that falls short).
func reachText(best, level sovmap.Level) string {
	switch {
	case level > sovmap.MaxLevel:
		return fmt.Sprintf(", above the top of the scale (%d)", sovmap.MaxLevel)
	case best < level:
		return fmt.Sprintf(", and no choice reaches it (the best reaches %d)", best)
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// blocking reruns the search without each constraint to tell which of them
// keep every requirement from being met.
func (p *problem) blocking(ctx context.Context, opts Options) []string {
	if p.budget <= 0 && p.provCap < 0 && p.jurCap < 0 {
		return nil
	}
	try := func(budget float64, provCap, jurCap int) (bool, []int, float64) {
		q := *p
		q.budget, q.provCap, q.jurCap = budget, provCap, jurCap
		s := newSearch(ctx, &q, opts.MaxNodes, p.n, false)
		s.run()
		if s.best[p.n] < inf {
			return true, s.bestPlan[p.n], s.best[p.n]
		}
		return false, nil, 0
	}
	var out []string
	if ok, _, _ := try(0, -1, -1); !ok {
		return nil // not met even without constraints: explain covers it
	}
	if p.budget > 0 {
		if ok, _, cost := try(0, p.provCap, p.jurCap); ok {
			out = append(out, fmt.Sprintf("budget: meeting every requirement within the caps costs %s, above the budget of %s", money(cost), money(p.budget)))
		}
	}
	if p.provCap >= 0 || p.jurCap >= 0 {
		if ok, plan, cost := try(p.budget, -1, -1); ok {
			var over []string
			for _, sh := range p.shares(plan) {
				if sh.Cap >= 0 && sh.Critical > sh.Cap {
					over = append(over, fmt.Sprintf("%s %s with %d of %d critical components (cap %d)", sh.Kind, sh.Name, sh.Critical, p.nCritical, sh.Cap))
				}
			}
			out = append(out, fmt.Sprintf("concentration caps: the cheapest plan meeting every requirement (cost %s) puts %s", money(cost), strings.Join(over, ", ")))
		}
	}
	if len(out) == 0 {
		out = append(out, "budget and concentration caps together: relaxing either alone is not enough")
	}
	return out
}

func choiceName(c choice) string {
	if c.option == "" {
		return "keeping it"
	}
	return "option " + c.option
}

func joinFactors(fs []sovmap.FactorName) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
