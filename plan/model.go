package plan

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
)

// Apply returns the component as it would be with the option. An option
// from the component's current provider (or naming none) is a change to the
// current offer: it replaces only the facts it states. An option from
// another provider is a new offer: every sourcing fact comes from the
// option, and a fact it leaves out is unknown rather than inherited, since
// the old provider's terms say nothing about the new one's.
func Apply(c sovmap.Component, o sovmap.Option) sovmap.Component {
	if o.Provider != "" && o.Provider != c.Provider {
		c.Provider = o.Provider
		c.Locations = o.Locations
		c.OperatedFrom = o.OperatedFrom
		c.KeyCustody = o.KeyCustody
		c.Contract = o.Contract
		c.Arrangement = o.Arrangement
		return c
	}
	if len(o.Locations) > 0 {
		c.Locations = o.Locations
	}
	if len(o.OperatedFrom) > 0 {
		c.OperatedFrom = o.OperatedFrom
	}
	if o.KeyCustody != "" {
		c.KeyCustody = o.KeyCustody
	}
	if o.Contract != nil {
		c.Contract = o.Contract
	}
	if o.Arrangement != "" {
		c.Arrangement = o.Arrangement
	}
	return c
}

// Variant returns a copy of the inventory with choices applied: choice[i]
// is 0 to keep component i, or j to take its option j-1. The input is not
// modified.
func Variant(inv *sovmap.Inventory, choice []int) *sovmap.Inventory {
	out := *inv
	out.Components = make([]sovmap.Component, len(inv.Components))
	copy(out.Components, inv.Components)
	for i, ch := range choice {
		if ch > 0 {
			out.Components[i] = Apply(inv.Components[i], inv.Components[i].Options[ch-1])
		}
	}
	return &out
}

// choice is one way to source a component, with what it costs and the
// levels and controller it leads to.
type choice struct {
	option       string // "" keeps the current offer
	provider     string
	cost         float64
	costOnce     float64
	costYearly   float64
	own, req     sovmap.Level
	controller   string
	jurisdiction string
	prov, jur    int32 // interned, -1 when not counted against a cap
	binding      []sovmap.FactorName
}

// problem is the planning problem in solver form.
type problem struct {
	n        int
	ids      []string
	critical []bool
	g        *graph.Graph
	comp     []int32
	members  [][]int32 // strongly connected components, dependencies first
	choices  [][]choice
	// order lists each component's choice indexes, cheapest first.
	order [][]int
	// vars are the components with more than one choice, in search order.
	vars   []int32
	maxOwn []sovmap.Level
	// possible marks the requirements some plan might meet (with every other
	// component at its best); reach counts them. The others are never met.
	possible []bool
	reach    int
	// need is the level a component's own level must reach for every
	// possible requirement to be met: its own least requirement when it is
	// possible, raised by the possible requirements of what depends on it at
	// runtime or shares a dependency cycle with it.
	need []sovmap.Level
	// base is each possible component's least requirement (0 otherwise),
	// where needs starts from.
	base []sovmap.Level
	// Caps: -1 means none.
	provCap, jurCap int
	budget          float64
	provNames       []string
	jurNames        []string
	nCritical       int
	years           int
}

// build assesses every option once, in rounds: round r applies option r
// to every component that has one, which is sound because a component's own
// and required levels depend only on its own facts.
func build(ctx context.Context, inv *sovmap.Inventory, ev Evaluator, opts Options) (*problem, *Levels, error) {
	n := len(inv.Components)
	p := &problem{n: n, ids: make([]string, n), critical: make([]bool, n), choices: make([][]choice, n),
		order: make([][]int, n), maxOwn: make([]sovmap.Level, n), need: make([]sovmap.Level, n), possible: make([]bool, n),
		provCap: -1, jurCap: -1, budget: opts.Budget, years: opts.Years}
	rounds := 0
	for i := range inv.Components {
		c := &inv.Components[i]
		p.ids[i] = c.ID
		p.critical[i] = c.Criticality.Critical()
		if p.critical[i] {
			p.nCritical++
		}
		seen := map[string]bool{}
		for _, o := range c.Options {
			if o.ID == "" || seen[o.ID] {
				return nil, nil, fmt.Errorf("component %s: option ids must be present and unique (%q)", c.ID, o.ID)
			}
			if o.CostOnce < 0 || o.CostYearly < 0 || math.IsNaN(o.CostOnce) || math.IsNaN(o.CostYearly) || math.IsInf(o.CostOnce+o.CostYearly, 0) {
				return nil, nil, fmt.Errorf("component %s: option %s: costs must be finite and not negative", c.ID, o.ID)
			}
			seen[o.ID] = true
		}
		rounds = max(rounds, len(c.Options))
		p.choices[i] = make([]choice, len(c.Options)+1)
	}
	provIdx, jurIdx := map[string]int32{}, map[string]int32{}
	intern := func(m map[string]int32, names *[]string, s string) int32 {
		if s == "" {
			return -1
		}
		if id, ok := m[s]; ok {
			return id
		}
		id := int32(len(*names))
		m[s] = id
		*names = append(*names, s)
		return id
	}
	var before *Levels
	choiceVec := make([]int, n)
	for r := 0; r <= rounds; r++ {
		for i := range choiceVec {
			choiceVec[i] = 0
			if r <= len(inv.Components[i].Options) {
				choiceVec[i] = r
			}
		}
		lv, err := ev.Levels(ctx, Variant(inv, choiceVec))
		if err != nil {
			if r == 0 {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("assessing option round %d: %w", r, err)
		}
		if len(lv.Own) != n || len(lv.Required) != n || len(lv.Effective) != n || len(lv.Controller) != n || len(lv.Jurisdiction) != n {
			return nil, nil, fmt.Errorf("evaluator returned levels for a different number of components")
		}
		if r == 0 {
			before = lv
		}
		for i := range inv.Components {
			if r > len(inv.Components[i].Options) {
				continue
			}
			ch := choice{own: lv.Own[i], req: lv.Required[i], controller: lv.Controller[i], jurisdiction: lv.Jurisdiction[i],
				provider: inv.Components[i].Provider}
			if lv.Binding != nil && i < len(lv.Binding) {
				ch.binding = lv.Binding[i]
			}
			if r > 0 {
				o := inv.Components[i].Options[r-1]
				ch.option, ch.costOnce, ch.costYearly = o.ID, o.CostOnce, o.CostYearly
				ch.cost = o.CostOnce + float64(opts.Years)*o.CostYearly
				ch.provider = Apply(inv.Components[i], o).Provider
			}
			ch.prov = intern(provIdx, &p.provNames, ch.controller)
			ch.jur = intern(jurIdx, &p.jurNames, ch.jurisdiction)
			p.choices[i][r] = ch
		}
	}
	for i := range p.choices {
		order := make([]int, len(p.choices[i]))
		for j := range order {
			order[j] = j
		}
		cs := p.choices[i]
		sort.SliceStable(order, func(a, b int) bool {
			x, y := cs[order[a]], cs[order[b]]
			if x.cost != y.cost {
				return x.cost < y.cost
			}
			return x.own > y.own
		})
		p.order[i] = order
		for _, c := range cs {
			p.maxOwn[i] = max(p.maxOwn[i], c.own)
		}
	}
	if opts.MaxProviderShare > 0 {
		p.provCap = int(math.Floor(opts.MaxProviderShare*float64(p.nCritical) + 1e-9))
	}
	if opts.MaxJurisdictionShare > 0 {
		p.jurCap = int(math.Floor(opts.MaxJurisdictionShare*float64(p.nCritical) + 1e-9))
	}
	p.g = graph.Build(inv.Components)
	p.comp, p.members = p.g.SCC()
	p.computeNeed()
	// Search components in dependency order, so that a component's
	// effective level is settled as soon as possible.
	for _, scc := range p.members {
		for _, u := range scc {
			if len(p.choices[u]) > 1 {
				p.vars = append(p.vars, u)
			}
		}
	}
	return p, before, nil
}

// computeNeed finds the possible requirements and the static need (see
// needs) for the root of the search.
func (p *problem) computeNeed() {
	eff := make([]sovmap.Level, p.n)
	p.propagate(p.maxOwn, eff)
	for i, cs := range p.choices {
		for _, c := range cs {
			if c.own >= c.req && c.req <= eff[i] {
				p.possible[i] = true
			}
		}
		if p.possible[i] {
			p.reach++
		}
	}
	p.base = make([]sovmap.Level, p.n)
	for i, cs := range p.choices {
		if p.possible[i] {
			p.base[i] = sovmap.MaxLevel
			for _, c := range cs {
				p.base[i] = min(p.base[i], c.req)
			}
		}
	}
	p.needs(eff, p.need)
}

// needs derives, for the bound on meeting every possible requirement, the
// level each component's own level must then reach, given upper bounds eff
// on the effective levels: a component is no more sovereign than what it
// runs on at runtime, and the members of a dependency cycle share their
// minimum, so a requirement travels down runtime edges and across cycles.
// A supply edge costs at most one level: when the supplier cannot reach the
// level, the component's own level must be a step higher.
func (p *problem) needs(eff, need []sovmap.Level) {
	copy(need, p.base)
	for k := len(p.members) - 1; k >= 0; k-- { // dependents first
		scc := p.members[k]
		m := sovmap.Exposed
		for _, u := range scc {
			m = max(m, need[u])
		}
		for _, u := range scc {
			need[u] = m
		}
		for _, u := range scc {
			deps, supply := p.g.Deps(u)
			for j, v := range deps {
				switch {
				case p.comp[v] == p.comp[u]:
				case !supply[j]:
					need[v] = max(need[v], m)
				case eff[v] < m:
					// Beyond 4 means never.
					need[u] = max(need[u], m+1)
				}
			}
		}
	}
}

// propagate computes effective levels from own levels with the assessment's
// rule: a runtime dependency passes its effective level on whole, a supply
// dependency costs at most one level below the component's own, and the
// members of a dependency cycle share their minimum.
func (p *problem) propagate(own, eff []sovmap.Level) {
	for _, scc := range p.members {
		m := sovmap.MaxLevel
		for _, u := range scc {
			m = min(m, own[u])
		}
		for _, u := range scc {
			deps, supply := p.g.Deps(u)
			for j, v := range deps {
				if p.comp[v] == p.comp[u] {
					continue
				}
				l := eff[v]
				if supply[j] {
					l = max(l, own[u]-1)
				}
				m = min(m, l)
			}
		}
		for _, u := range scc {
			eff[u] = m
		}
	}
}
