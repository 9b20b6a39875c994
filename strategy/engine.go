// Package strategy recommends, per building block of a nation's or a
// group's AI infrastructure, a reference strategy on the sovereignty
// spectrum (build domestically, co-invest regionally, host abroad under a
// digital embassy, partner under safeguards, buy on the market, or become a
// host for others) from the home's local prerequisites, and ranks candidate
// host countries for a digital embassy.
//
// The strategies, their prerequisites and thresholds are data (a Set): the
// embedded default is one documented choice among many, and a user can
// replace it. The engine only evaluates conditions and explains them.
package strategy

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/kb"
)

// Status is a condition's outcome.
type Status string

// Condition outcomes. A fact that is not stated is Unknown, and an unknown
// fact never satisfies a condition; a stated value that fails is Below or
// Above a numeric threshold, or Differs from the yes/no or named value
// required.
const (
	Met     Status = "met"
	Below   Status = "below"
	Above   Status = "above"
	Differs Status = "differs"
	Unknown Status = "unknown"
)

// Check is one condition evaluated against the profile. Numbers are JSON
// numbers in Unit.
type Check struct {
	Prerequisite string `json:"prerequisite"`
	Name         string `json:"name"`
	Kind         Kind   `json:"kind"`
	Group        string `json:"group"`
	// Value is the stated (or derived) value: a number in Unit, true or
	// false, or a named value; absent when unknown.
	Value  any    `json:"value,omitempty"`
	Unit   string `json:"unit,omitempty"`
	Source string `json:"source,omitempty"`
	// At is where the value was written, file:line:col.
	At string `json:"at,omitempty"`
	// Requirement is the condition, with any demand scaling spelled out.
	Requirement string `json:"requirement"`
	// Min and Max are the thresholds after scaling by demand, in Unit.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// In is the accepted values of a named fact, Is the required yes/no.
	In     []string `json:"in,omitempty"`
	Is     *bool    `json:"is,omitempty"`
	Status Status   `json:"status"`
	// Gap is how far a number misses its threshold, in Unit.
	Gap *float64 `json:"gap,omitempty"`
	// Shortfall says in words by how much the value misses the requirement.
	Shortfall string `json:"shortfall,omitempty"`
	// Note qualifies the check (an assumption made for an unknown fact).
	Note string `json:"note,omitempty"`
	Why  string `json:"why,omitempty"`
	// Close says what closing the shortfall would take, and Effort what
	// kind of step that is (one of Efforts, or "ask your state" for an
	// organization facing a state's act).
	Close  string `json:"close,omitempty"`
	Effort string `json:"effort,omitempty"`
	// closing is the effort of closing the prerequisite should an unknown
	// fact turn out to fail: what ranks a step up by its cost.
	closing string
}

// ValueText formats the value with its unit, "not stated" when unknown.
func (c Check) ValueText() string {
	switch v := c.Value.(type) {
	case nil:
		return "not stated"
	case float64:
		if c.Unit != "" {
			return formatNumber(v) + " " + c.Unit
		}
		return formatNumber(v)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	default:
		return fmt.Sprint(v)
	}
}

// StrategyRef names a strategy and its place on the spectrum.
type StrategyRef struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Level     sovmap.Level `json:"level"`
	LevelName string       `json:"level_name"`
	Place     string       `json:"place,omitempty"`
}

func refOf(s Strategy) StrategyRef {
	return StrategyRef{ID: s.ID, Name: s.Name, Level: s.Level, LevelName: s.Level.String(), Place: s.Place}
}

// Attempt is one strategy tried for a block, with every applicable check.
type Attempt struct {
	Strategy StrategyRef `json:"strategy"`
	Fits     bool        `json:"fits"`
	Checks   []Check     `json:"checks"`
}

// Unmet returns the checks that are not met.
func (a Attempt) Unmet() []Check {
	var out []Check
	for _, c := range a.Checks {
		if c.Status != Met {
			out = append(out, c)
		}
	}
	return out
}

// Quantity is one stated demand of a block.
type Quantity struct {
	Name   string  `json:"name"`
	Amount float64 `json:"amount"`
	Unit   string  `json:"unit,omitempty"`
	Source string  `json:"source"`
}

// NextStep is a more sovereign strategy for a block and what it lacks.
type NextStep struct {
	Strategy StrategyRef `json:"strategy"`
	Missing  []Check     `json:"missing"`
	// Effort is the costliest kind of step among Missing: what the step as
	// a whole takes.
	Effort string `json:"effort,omitempty"`
}

// BlockResult is the recommendation for one building block.
type BlockResult struct {
	Block  string     `json:"block"`
	Demand []Quantity `json:"demand,omitempty"`
	By     int        `json:"by,omitempty"`
	// Recommended is the most sovereign strategy that fits the block on its
	// own; nil when no strategy of the set fits.
	Recommended *StrategyRef `json:"recommended"`
	// Decisive are the recommended strategy's conditions: why it fits.
	Decisive []Check `json:"decisive"`
	// Next is the next-more-sovereign strategy and what it lacks; nil when
	// the recommendation is already the most sovereign one.
	Next *NextStep `json:"next,omitempty"`
	// Cheapest is the more sovereign strategy whose missing facts are the
	// cheapest to close (by Efforts); nil when none is more sovereign.
	Cheapest *NextStep `json:"cheapest_step,omitempty"`
	// Considered lists every strategy tried, most sovereign first, ending
	// with the recommended one.
	Considered []Attempt `json:"considered"`
	// Fitting lists every strategy that fits the block on its own, most
	// sovereign first; the coherent plan chooses among them.
	Fitting []string `json:"fitting"`
}

// Report is the outcome of `sovmap strategy`.
type Report struct {
	Profile  string        `json:"profile"`
	Name     string        `json:"name,omitempty"`
	Kind     string        `json:"kind"`
	Home     string        `json:"home"`
	HomeName string        `json:"home_name,omitempty"`
	Horizon  int           `json:"horizon,omitempty"`
	Set      string        `json:"strategy_set"`
	Spectrum []StrategyRef `json:"spectrum"`
	Blocks   []BlockResult `json:"blocks"`
	// Plan is the coherent strategy for the whole: one choice per block,
	// consistent across dependent blocks.
	Plan []PlanEntry `json:"plan"`
	// Coherence explains where the plan departs from the block-by-block
	// recommendations, and why.
	Coherence []string `json:"coherence,omitempty"`
	// Resources sums the plan's needs of each shared pool.
	Resources []ResourceUse `json:"resources,omitempty"`
	// Hosts ranks digital-embassy hosts; nil when the set has no host criteria.
	Hosts *HostRanking `json:"hosts"`
	Notes []string     `json:"notes,omitempty"`
}

// Options tune a recommendation.
type Options struct {
	// At is the day knowledge-base facts that change over time (export
	// controls) are read for. The zero value means today.
	At time.Time
}

// Recommend evaluates a checked profile against a strategy set. It returns
// an error when the profile does not pass Check.
func Recommend(ctx context.Context, p *Profile, set *Set, k *kb.KB, opts Options) (*Report, error) {
	if err := p.Check(set, k); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := newTiers(p, k)
	if err != nil {
		return nil, err
	}
	at := opts.At
	if at.IsZero() {
		at = time.Now()
	}
	e := &engine{p: p, set: set, k: k, tiers: t, at: at, attempts: map[string]map[string]Attempt{}}
	r := &Report{Profile: p.File, Name: p.Name, Kind: p.Kind, Home: p.Home, Horizon: p.Horizon, Set: set.Name}
	if c, ok := k.Country(p.Home); ok {
		r.HomeName = c.Name
	}
	for _, s := range set.Strategies {
		r.Spectrum = append(r.Spectrum, refOf(s))
	}
	if ignored := p.Ignored(set); len(ignored) > 0 {
		r.Notes = append(r.Notes, "not used by this strategy set: "+strings.Join(ignored, ", "))
	}
	e.regional, e.regionalSrc = e.tiers.regionalPartners(p, k)
	e.trusted, e.trustedSrc = e.tiers.trustedCount()
	e.candidates = e.hostCandidates()

	for _, id := range set.Blocks {
		b, ok := p.Block(id)
		if !ok {
			r.Notes = append(r.Notes, fmt.Sprintf("block %s: not stated in the profile, no recommendation", id))
			continue
		}
		r.Blocks = append(r.Blocks, e.block(b))
	}
	r.Plan, r.Coherence = e.plan(r.Blocks)
	r.Resources = e.resources(r.Plan)
	if set.RanksHosts() {
		hosts := e.rankHosts(e.hostDemand())
		r.Hosts = &hosts
		if hosts.Demand == nil {
			r.Notes = append(r.Notes, "hosts: no power_mw demand stated for "+strings.Join(set.Hosts.DemandBlocks, ", ")+"; host capacity checks are unknown")
		}
	}
	return r, nil
}

type engine struct {
	p     *Profile
	set   *Set
	k     *kb.KB
	tiers *tiers
	at    time.Time
	// exports memoises knowledge-base export-control facts by country.
	exports map[string]Value
	// attempts keeps every strategy evaluated for each block, by block and
	// strategy id, for the plan and the resource sums.
	attempts map[string]map[string]Attempt

	regional, trusted       int
	regionalSrc, trustedSrc string
	candidates              []hostCandidate
}

// demandOf returns a block's numeric demand by quantity.
func demandOf(b Block) map[string]float64 {
	out := map[string]float64{}
	for q, v := range b.Demand {
		if v.Type == Number {
			out[q] = v.Num
		}
	}
	return out
}

// lookupFunc finds a prerequisite's value for one block or host.
type lookupFunc func(id string) (Value, bool)

// withDerived adds the set's derived demand quantities (cooling water from
// power by cooling type) to a demand, and says how each was computed. An
// unknown cooling type takes the highest need, so an unknown fact never
// lowers a threshold.
func (e *engine) withDerived(demand map[string]float64, lookup lookupFunc) (map[string]float64, map[string]string) {
	out := map[string]float64{}
	for q, v := range demand {
		out[q] = v
	}
	how := map[string]string{}
	for _, x := range e.set.DerivedDemand {
		from, ok := demand[x.From]
		if !ok {
			continue
		}
		kind, assumed := x.Unknown, true
		if v, ok := lookup(x.By); ok && v.Type == Enum {
			if _, known := x.Factors[v.Text]; known {
				kind, assumed = v.Text, false
			}
		}
		f := x.Factors[kind]
		out[x.Quantity] = f * from
		s := fmt.Sprintf("%s %s per %s for %s x %s %s", formatNumber(f), x.Unit, x.From, kind, formatNumber(from), x.From)
		if assumed {
			s += fmt.Sprintf("; %s not stated, so the highest need (%s) is assumed", x.By, kind)
		}
		how[x.Quantity] = s
	}
	return out, how
}

func (e *engine) block(b Block) BlockResult {
	res := BlockResult{Block: b.ID, By: b.By}
	for _, q := range sortedKeys(b.Demand) {
		v := b.Demand[q]
		res.Demand = append(res.Demand, Quantity{Name: q, Amount: v.Num, Unit: v.Unit, Source: v.Source})
	}
	base := demandOf(b)
	qualified, qualifiedSrc := e.qualifiedHosts(base)
	derived := map[string]Value{
		"partners.regional": {Type: Number, Num: float64(e.regional), Source: e.regionalSrc},
		"partners.trusted":  {Type: Number, Num: float64(e.trusted), Source: e.trustedSrc},
		"hosts.qualified":   {Type: Number, Num: float64(qualified), Source: qualifiedSrc},
	}
	lookup := func(id string) (Value, bool) {
		if v, ok := derived[id]; ok {
			return v, true
		}
		if v, ok := e.p.Lookup(b.ID, id); ok {
			return v, true
		}
		pr, _ := e.set.Prerequisite(id)
		return e.fromKB(pr, e.p.Home)
	}
	demand, how := e.withDerived(base, lookup)
	var attempts []Attempt
	e.attempts[b.ID] = map[string]Attempt{}
	for _, s := range e.set.Strategies {
		if !e.applies(s, b.ID) {
			continue
		}
		a := e.attempt(s, b.ID, lookup, demand, how)
		attempts = append(attempts, a)
		e.attempts[b.ID][s.ID] = a
		if a.Fits {
			res.Fitting = append(res.Fitting, s.ID)
		}
	}
	for i, a := range attempts {
		res.Considered = append(res.Considered, a)
		if !a.Fits {
			continue
		}
		ref := a.Strategy
		res.Recommended = &ref
		res.Decisive = a.Checks
		if i > 0 {
			res.Next = e.step(attempts[i-1])
			res.Cheapest = e.cheapest(attempts[:i])
		}
		break
	}
	return res
}

// applies reports whether a strategy applies to a block; a combination
// applies where each strategy it combines does.
func (e *engine) applies(s Strategy, block string) bool {
	if !s.AppliesTo(block) {
		return false
	}
	for _, id := range s.Combines {
		if c, ok := e.set.Strategy(id); !ok || !c.AppliesTo(block) {
			return false
		}
	}
	return true
}

// attempt evaluates a strategy's conditions for a block. A combination
// takes the conditions of each strategy it combines, with the needs of an
// additive resource (capital) added up: both approaches are paid for.
func (e *engine) attempt(s Strategy, block string, lookup lookupFunc, demand map[string]float64, how map[string]string) Attempt {
	a := Attempt{Strategy: refOf(s), Fits: true, Checks: []Check{}}
	var conds []Condition
	for _, id := range s.Combines {
		c, _ := e.set.Strategy(id)
		conds = append(conds, c.Requires...)
	}
	conds = append(conds, s.Requires...)
	for _, c := range conds {
		if !c.AppliesTo(block) {
			continue
		}
		pr, _ := e.set.Prerequisite(c.Prerequisite)
		v, have := lookup(c.Prerequisite)
		a.Checks = append(a.Checks, evaluate(c, pr, v, have, demand, how))
	}
	if len(s.Combines) > 0 {
		a.Checks = e.addUp(a.Checks)
	}
	for i, c := range a.Checks {
		pr, _ := e.set.Prerequisite(c.Prerequisite)
		a.Checks[i] = e.advise(c, pr)
		if c.Status != Met {
			a.Fits = false
		}
	}
	return a
}

// addUp merges the minimum checks on each additive resource of a
// combination into one check of their sum.
func (e *engine) addUp(checks []Check) []Check {
	additive := map[string]bool{}
	for _, r := range e.set.Resources {
		if r.Additive {
			additive[r.Prerequisite] = true
		}
	}
	var out []Check
	merged := map[string]int{}
	for _, c := range checks {
		if !additive[c.Prerequisite] || c.Min == nil {
			out = append(out, c)
			continue
		}
		i, seen := merged[c.Prerequisite]
		if !seen {
			merged[c.Prerequisite] = len(out)
			out = append(out, c)
			continue
		}
		m := &out[i]
		sum := *m.Min + *c.Min
		m.Requirement = fmt.Sprintf("at least %s %s (both approaches: %s + %s)", formatNumber(sum), m.Unit, formatNumber(*m.Min), formatNumber(*c.Min))
		m.Min = &sum
		m.Why = "capital for each approach at once"
		if v, ok := m.Value.(float64); ok {
			m.Status, m.Gap, m.Shortfall = Met, nil, ""
			if v < sum {
				gap := sum - v
				m.Status, m.Gap, m.Shortfall = Below, &gap, "short by "+formatNumber(gap)+" "+m.Unit
			}
		}
	}
	return out
}

// advise sets what closing an unmet check takes, for the profile's kind.
func (e *engine) advise(ch Check, pr Prerequisite) Check {
	if ch.Status == Met {
		ch.Close, ch.Effort = "", ""
		return ch
	}
	ch.Close, ch.Effort, ch.closing = pr.Close, pr.Effort, pr.Effort
	if e.p.Kind == KindOrganization {
		if pr.CloseOrganization != "" {
			ch.Close = pr.CloseOrganization
		}
		if pr.Effort == "legislate" {
			ch.Effort, ch.closing = effortAskState, effortAskState
		}
	}
	if ch.Status == Unknown && ch.Value == nil {
		ch.Effort = "state"
		ch.Close = "State the figure with its source (an unknown fact never counts as met). " + ch.Close
	}
	if pr.ID == "partners.trusted" && len(e.p.Trusted) == 0 {
		if alliances := e.tiers.alliances(e.k); len(alliances) > 0 {
			ch.Close += fmt.Sprintf(" The knowledge base records %s as a member of %s; none of them makes its members trusted by default.", e.p.Home, strings.Join(alliances, ", "))
		}
	}
	return ch
}

// effortAskState is the effort of a state's act (a law, a national
// strategy) for an organization: not in its hands, so ranked last.
const effortAskState = "ask your state"

func rankOf(effort string) int {
	if effort == effortAskState {
		return len(Efforts) + 1
	}
	return effortRank(effort)
}

// step describes what a more sovereign strategy lacks. Its Effort is the
// costliest step among them as they stand (an unknown fact needs stating).
func (e *engine) step(a Attempt) *NextStep {
	st := &NextStep{Strategy: a.Strategy, Missing: a.Unmet()}
	worst := -1
	for _, c := range st.Missing {
		if r := rankOf(c.Effort); r > worst {
			worst, st.Effort = r, c.Effort
		}
	}
	return st
}

// cost ranks a step up by its costliest missing fact, counting an unknown
// fact at what closing it would take should it turn out to fail: stating a
// figure is cheap, but the figure may not help.
func cost(st *NextStep) int {
	worst := -1
	for _, c := range st.Missing {
		if r := rankOf(c.closing); r > worst {
			worst = r
		}
	}
	return worst
}

// cheapest picks, among the strategies more sovereign than the
// recommendation, the one whose costliest missing fact is cheapest to
// close, then the one missing fewest facts, then the most sovereign.
func (e *engine) cheapest(above []Attempt) *NextStep {
	var best *NextStep
	bestCost := 0
	for i := len(above) - 1; i >= 0; i-- {
		st := e.step(above[i])
		c := cost(st)
		if best == nil || c < bestCost || c == bestCost && len(st.Missing) <= len(best.Missing) {
			best, bestCost = st, c
		}
	}
	return best
}

// evaluate checks one condition against a value.
func evaluate(c Condition, pr Prerequisite, v Value, have bool, demand map[string]float64, how map[string]string) Check {
	ch := Check{
		Prerequisite: pr.ID, Name: pr.Name, Kind: pr.Kind, Group: pr.Group, Why: c.Why,
	}
	if pr.Type == Number {
		ch.Unit = pr.Unit
	}
	if have {
		switch v.Type {
		case Number:
			ch.Value = v.Num
		case Bool:
			ch.Value = v.Bool
		default:
			ch.Value = v.Text
		}
		ch.Source = v.Source
		ch.At = v.Pos.String()
	}
	unit := func(x float64) string {
		if pr.Unit == "" {
			return formatNumber(x)
		}
		return formatNumber(x) + " " + pr.Unit
	}
	switch pr.Type {
	case Number:
		var parts []string
		var lo, hi float64
		scaled := true
		if c.Min != nil {
			var ok bool
			lo, ok = c.threshold(*c.Min, demand)
			scaled = scaled && ok
			if ok {
				ch.Min = &lo
			}
			parts = append(parts, "at least "+describeBound(*c.Min, lo, ok, c.Per, demand, how, unit))
		}
		if c.Max != nil {
			var ok bool
			hi, ok = c.threshold(*c.Max, demand)
			scaled = scaled && ok
			if ok {
				ch.Max = &hi
			}
			parts = append(parts, "at most "+describeBound(*c.Max, hi, ok, c.Per, demand, how, unit))
		}
		ch.Requirement = strings.Join(parts, " and ")
		switch {
		case !scaled:
			ch.Status, ch.Shortfall = Unknown, fmt.Sprintf("the block states no %s demand to scale by", c.Per)
		case !have && c.Max == nil && pr.RangeMin != nil && lo <= *pr.RangeMin:
			// Any value the range allows meets "at least 0": nothing is needed.
			ch.Status, ch.Note = Met, "nothing is needed"
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case c.Min != nil && v.Num < lo:
			gap := lo - v.Num
			ch.Status, ch.Gap, ch.Shortfall = Below, &gap, "short by "+unit(gap)
		case c.Max != nil && v.Num > hi:
			gap := v.Num - hi
			ch.Status, ch.Gap, ch.Shortfall = Above, &gap, "over by "+unit(gap)
		default:
			ch.Status = Met
		}
	case Bool:
		want := c.Is != nil && *c.Is
		ch.Is = &want
		ch.Requirement = "yes"
		if !want {
			ch.Requirement = "no"
		}
		switch {
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case v.Bool != want:
			ch.Status = Differs
		default:
			ch.Status = Met
		}
	case Enum:
		ch.In = c.In
		ch.Requirement = "one of " + strings.Join(c.In, ", ")
		switch {
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case !contains(c.In, v.Text):
			ch.Status, ch.Shortfall = Differs, "needs "+c.In[len(c.In)-1]+orBetter(c.In, pr.Values)
		default:
			ch.Status = Met
		}
	}
	return ch
}

// orBetter says "or better" when the accepted values are a prefix of the
// ordered values, which is how thresholds on an ordered scale read.
func orBetter(in, values []string) string {
	if len(in) == 0 || len(in) > len(values) {
		return ""
	}
	for i := range in {
		if in[i] != values[i] {
			return ""
		}
	}
	if len(in) == 1 {
		return ""
	}
	return " or better"
}

func describeBound(bound, scaled float64, ok bool, per string, demand map[string]float64, how map[string]string, unit func(float64) string) string {
	if per == "" {
		return unit(bound)
	}
	if !ok {
		return fmt.Sprintf("%s per %s of demand", formatNumber(bound), per)
	}
	s := fmt.Sprintf("%s (%s per %s x %s", unit(scaled), formatNumber(bound), per, formatNumber(demand[per]))
	if h, derived := how[per]; derived {
		s += ": " + h
	}
	return s + ")"
}

// hostDemand is the power the ranked hosts would have to carry: the sum of
// power_mw over the set's host demand blocks the profile states. nil
// means no such demand is stated.
func (e *engine) hostDemand() map[string]float64 {
	total, any := 0.0, false
	for _, id := range e.set.Hosts.DemandBlocks {
		if b, ok := e.p.Block(id); ok {
			if v, ok := b.Demand["power_mw"]; ok && v.Type == Number {
				total += v.Num
				any = true
			}
		}
	}
	if !any || math.IsInf(total, 0) {
		return nil
	}
	return map[string]float64{"power_mw": total}
}

// fromKB reads a prerequisite a profile does not state from the knowledge
// base, for a country, when the prerequisite names a knowledge-base fact.
func (e *engine) fromKB(pr Prerequisite, country string) (Value, bool) {
	switch pr.FromKB {
	case "export-control":
		if v, ok := e.exports[country]; ok {
			return v, true
		}
		v, ok := e.exportControl(pr, country)
		if ok {
			if e.exports == nil {
				e.exports = map[string]Value{}
			}
			e.exports[country] = v
		}
		return v, ok
	}
	return Value{}, false
}

// exportControl reads the most restrictive export-control group on
// advanced accelerators that applies to a country on the engine's day.
func (e *engine) exportControl(pr Prerequisite, country string) (Value, bool) {
	day := e.at.UTC().Format(time.DateOnly)
	groups := e.k.ExportControl(country, e.at)
	if len(groups) == 0 {
		return Value{Type: Enum, Text: pr.KBValues["none"],
			Source: fmt.Sprintf("knowledge base: no recorded export-control group on advanced accelerators applies to %s on %s", country, day)}, true
	}
	g := groups[0] // most restrictive first
	v, ok := pr.KBValues[g.Restriction]
	if !ok {
		return Value{}, false
	}
	return Value{Type: Enum, Text: v,
		Source: fmt.Sprintf("knowledge base: %s, %s (%s, restriction %s, on %s)", g.Regime, g.Group, g.ID, g.Restriction, day)}, true
}
