package plan

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
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
	// effective is the assessment's rule for effective levels over g;
	// its buffers are shared, so a problem is searched by one goroutine
	// at a time.
	effective *assess.Effective
	comp      []int32
	members   [][]int32 // strongly connected components, dependencies first
	choices   [][]choice
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
	// held is needs' scratch space.
	held []sovmap.Level
	// shared names the arrangements under which two or more components
	// with options may be hosted (see sharedArrangements): their own
	// levels are not independent, so the search is not exact.
	shared []string
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
	p.shared = sharedArrangements(inv)
	p.g = graph.Build(inv.Components)
	p.comp, p.members = p.g.SCC()
	p.effective = assess.NewEffective(p.g, &graph.Condensation{Comp: p.comp, Members: p.members})
	p.held = make([]sovmap.Level, n)
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

// sharedArrangements lists, as "id (component, component...)", the
// arrangements under which more than one component that lists options may
// be hosted, by some choice of each. `sovmap assess` judges whether a
// digital embassy qualifies with the facts of every component it hosts (the
// weakest key custody among them), so such components' own levels depend on
// each other's choices, and assessing each option once, in rounds, no longer
// gives every plan's own levels. With one such component (the others kept
// as they are) the rounds stay exact.
func sharedArrangements(inv *sovmap.Inventory) []string {
	hosted := map[string][]string{}
	var ids []string
	for _, c := range inv.Components {
		if len(c.Options) == 0 {
			continue
		}
		seen := map[string]bool{}
		add := func(a string) {
			if a == "" || seen[a] {
				return
			}
			seen[a] = true
			if hosted[a] == nil {
				ids = append(ids, a)
			}
			hosted[a] = append(hosted[a], c.ID)
		}
		add(c.Arrangement)
		for _, o := range c.Options {
			add(Apply(c, o).Arrangement)
		}
	}
	var out []string
	for _, a := range ids {
		if cs := hosted[a]; len(cs) > 1 {
			out = append(out, fmt.Sprintf("%s (%s)", a, strings.Join(cs, ", ")))
		}
	}
	return out
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
// on the effective levels (any completion's levels are at most these).
//
// It follows the assessment's rule (assess.Effective). A component is no
// more sovereign than what it runs on, so a requirement on its effective
// level travels down every runtime edge, inside dependency cycles as well
// as out of them, and the dependency's own level must reach it too. A
// supply edge costs at most one level: a component held to level m needs
// its supplier at m, or an own level of m+1; when the supplier's bound is
// below m the component's own level must be a step higher (beyond 4 means
// never). Nothing else is implied: in a cycle through a supply edge the
// members do not share one level.
func (p *problem) needs(eff, need []sovmap.Level) {
	// held[u] is the level u's effective level must reach; need[u] what
	// its own level must.
	held := p.held
	copy(held, p.base)
	for k := len(p.members) - 1; k >= 0; k-- { // dependents first
		scc := p.members[k]
		// Inside the cycle, requirements travel along runtime edges until
		// none rises; each rise is one of a few levels, so this ends.
		for changed := len(scc) > 1; changed; {
			changed = false
			for _, u := range scc {
				deps, supply := p.g.Deps(u)
				for j, v := range deps {
					if !supply[j] && p.comp[v] == p.comp[u] && held[v] < held[u] {
						held[v], changed = held[u], true
					}
				}
			}
		}
		for _, u := range scc {
			need[u] = held[u]
			deps, supply := p.g.Deps(u)
			for j, v := range deps {
				switch {
				case !supply[j]:
					held[v] = max(held[v], held[u])
				case eff[v] < held[u]:
					need[u] = max(need[u], held[u]+1)
				}
			}
		}
	}
}

// propagate computes effective levels from own levels with the
// assessment's own rule.
func (p *problem) propagate(own, eff []sovmap.Level) {
	p.effective.Levels(own, eff)
}
