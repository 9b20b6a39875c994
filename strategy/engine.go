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
// fact never satisfies a condition.
const (
	Met     Status = "met"
	Missing Status = "missing"
	Unknown Status = "unknown"
)

// Check is one condition evaluated against the profile.
type Check struct {
	Prerequisite string `json:"prerequisite"`
	Name         string `json:"name"`
	Kind         Kind   `json:"kind"`
	Group        string `json:"group"`
	// Value is the stated (or derived) value, formatted with its unit.
	Value  string `json:"value,omitempty"`
	Source string `json:"source,omitempty"`
	// At is where the value was written, file:line:col.
	At string `json:"at,omitempty"`
	// Requirement is the condition, with any demand scaling spelled out.
	Requirement string `json:"requirement"`
	Status      Status `json:"status"`
	// Shortfall says by how much the value misses the requirement.
	Shortfall string `json:"shortfall,omitempty"`
	Why       string `json:"why,omitempty"`
	// Close says what closing the shortfall would take.
	Close string `json:"close,omitempty"`
}

// StrategyRef names a strategy and its place on the spectrum.
type StrategyRef struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Level     sovmap.Level `json:"level"`
	LevelName string       `json:"level_name"`
}

func refOf(s Strategy) StrategyRef {
	return StrategyRef{ID: s.ID, Name: s.Name, Level: s.Level, LevelName: s.Level.String()}
}

// Attempt is one strategy tried for a block, with every applicable check.
type Attempt struct {
	Strategy StrategyRef `json:"strategy"`
	Fits     bool        `json:"fits"`
	Checks   []Check     `json:"checks"`
}

// Unmet returns the checks that are missing or unknown.
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
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// NextStep is the next-more-sovereign strategy for a block and what it lacks.
type NextStep struct {
	Strategy StrategyRef `json:"strategy"`
	Missing  []Check     `json:"missing"`
}

// BlockResult is the recommendation for one building block.
type BlockResult struct {
	Block  string     `json:"block"`
	Demand []Quantity `json:"demand,omitempty"`
	By     int        `json:"by,omitempty"`
	// Recommended is nil when no strategy of the set fits.
	Recommended *StrategyRef `json:"recommended"`
	// Decisive are the recommended strategy's conditions: why it fits.
	Decisive []Check `json:"decisive"`
	// Next is the next-more-sovereign strategy and what it lacks; nil when
	// the recommendation is already the most sovereign one.
	Next *NextStep `json:"next,omitempty"`
	// Considered lists every strategy tried, most sovereign first, ending
	// with the recommended one.
	Considered []Attempt `json:"considered"`
}

// Report is the outcome of `sovmap strategy`.
type Report struct {
	Profile  string        `json:"profile"`
	Name     string        `json:"name,omitempty"`
	Home     string        `json:"home"`
	HomeName string        `json:"home_name,omitempty"`
	Horizon  int           `json:"horizon,omitempty"`
	Set      string        `json:"strategy_set"`
	Spectrum []StrategyRef `json:"spectrum"`
	Blocks   []BlockResult `json:"blocks"`
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
	e := &engine{p: p, set: set, k: k, tiers: t, at: at}
	r := &Report{Profile: p.File, Name: p.Name, Home: p.Home, Horizon: p.Horizon, Set: set.Name}
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

func (e *engine) block(b Block) BlockResult {
	res := BlockResult{Block: b.ID, By: b.By}
	for _, q := range sortedKeys(b.Demand) {
		v := b.Demand[q]
		res.Demand = append(res.Demand, Quantity{Name: q, Value: v.String(), Source: v.Source})
	}
	demand := demandOf(b)
	qualified, qualifiedSrc := e.qualifiedHosts(demand)
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
	var applicable []Strategy
	for _, s := range e.set.Strategies {
		if s.AppliesTo(b.ID) {
			applicable = append(applicable, s)
		}
	}
	for i, s := range applicable {
		a := Attempt{Strategy: refOf(s), Fits: true}
		for _, c := range s.Requires {
			if !c.AppliesTo(b.ID) {
				continue
			}
			pr, _ := e.set.Prerequisite(c.Prerequisite)
			v, have := lookup(c.Prerequisite)
			ch := evaluate(c, pr, v, have, demand)
			if ch.Status != Met {
				a.Fits = false
			}
			a.Checks = append(a.Checks, ch)
		}
		res.Considered = append(res.Considered, a)
		if !a.Fits {
			continue
		}
		ref := refOf(s)
		res.Recommended = &ref
		res.Decisive = a.Checks
		if i > 0 {
			above := res.Considered[i-1]
			res.Next = &NextStep{Strategy: above.Strategy, Missing: above.Unmet()}
		}
		break
	}
	return res
}

// evaluate checks one condition against a value.
func evaluate(c Condition, pr Prerequisite, v Value, have bool, demand map[string]float64) Check {
	ch := Check{
		Prerequisite: pr.ID, Name: pr.Name, Kind: pr.Kind, Group: pr.Group,
		Why: c.Why, Close: pr.Close,
	}
	if have {
		ch.Value = v.String()
		if v.Type == Number && v.Unit == "" && pr.Unit != "" {
			ch.Value = formatNumber(v.Num) + " " + pr.Unit
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
			parts = append(parts, "at least "+describeBound(*c.Min, lo, ok, c.Per, demand, unit))
		}
		if c.Max != nil {
			var ok bool
			hi, ok = c.threshold(*c.Max, demand)
			scaled = scaled && ok
			parts = append(parts, "at most "+describeBound(*c.Max, hi, ok, c.Per, demand, unit))
		}
		ch.Requirement = strings.Join(parts, " and ")
		switch {
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case !scaled:
			ch.Status, ch.Shortfall = Unknown, fmt.Sprintf("the block states no %s demand to scale by", c.Per)
		case c.Min != nil && v.Num < lo:
			ch.Status, ch.Shortfall = Missing, "short by "+unit(lo-v.Num)
		case c.Max != nil && v.Num > hi:
			ch.Status, ch.Shortfall = Missing, "over by "+unit(v.Num-hi)
		default:
			ch.Status = Met
		}
	case Bool:
		want := c.Is != nil && *c.Is
		ch.Requirement = "yes"
		if !want {
			ch.Requirement = "no"
		}
		switch {
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case v.Bool != want:
			ch.Status = Missing
		default:
			ch.Status = Met
		}
	case Enum:
		ch.Requirement = "one of " + strings.Join(c.In, ", ")
		switch {
		case !have:
			ch.Status, ch.Shortfall = Unknown, "not stated"
		case !contains(c.In, v.Text):
			ch.Status, ch.Shortfall = Missing, "needs "+c.In[len(c.In)-1]+orBetter(c.In, pr.Values)
		default:
			ch.Status = Met
		}
	}
	if ch.Status == Met {
		ch.Close = ""
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

func describeBound(bound, scaled float64, ok bool, per string, demand map[string]float64, unit func(float64) string) string {
	if per == "" {
		return unit(bound)
	}
	if !ok {
		return fmt.Sprintf("%s per %s of demand", formatNumber(bound), per)
	}
	return fmt.Sprintf("%s (%s per %s x %s)", unit(scaled), formatNumber(bound), per, formatNumber(demand[per]))
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
