// Package assess places every component of an inventory on the sovereignty
// spectrum: its own level (the weakest of independent factors), its
// effective level (what it depends on included), the level it requires and
// why, the gap, and the sourcing advice that follows.
//
// The engine is linear in components plus edges. Factor verdicts are
// memoised by the facts they depend on, because large inventories repeat a
// few hundred provider, location and contract profiles across millions of
// components.
package assess

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/policy"
	"github.com/sovmap/sovmap/transfer"
)

// Options tune an assessment. The zero value uses the defaults.
type Options struct {
	// Defaults replaces the default requirement set.
	Defaults *Defaults
	// Qualifies decides whether a hosting arrangement is a qualifying digital
	// embassy, whose host location then counts as home. Nil means no
	// arrangement qualifies.
	Qualifies func(sovmap.Arrangement) (ok bool, why string)
	// Now is the day export controls are judged on; zero means today.
	Now time.Time
	// Graph is the inventory's dependency graph if the caller has it
	// (inventory.LoadGraph resolves it while checking ids). It is used only
	// if it still describes the components; otherwise it is rebuilt.
	Graph *graph.Graph
}

// Assess assesses an inventory that the inventory package has validated.
func Assess(ctx context.Context, inv *sovmap.Inventory, k *kb.KB, opts Options) (*sovmap.Report, error) {
	tiers, err := NewTiers(k, inv.Organization)
	if err != nil {
		return nil, err
	}
	rules, err := policy.Compile(inv.Rules)
	if err != nil {
		return nil, err
	}
	defaults := opts.Defaults
	if defaults == nil {
		defaults = DefaultRequirements()
	}
	defaults = defaults.withDeclared(inv.Organization.DataClasses)
	var adequacy map[string]kb.Adequacy
	if regime, ok := k.TransferRegime(inv.Organization.Home); ok {
		adequacy = k.AdequacyByCountry(regime)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	newEngine := func() *engine {
		e := &engine{
			kb: k, inv: inv, tiers: tiers, facts: newFacts(k, tiers, inv), defaults: defaults, rules: rules,
			memo: newMemo(), reqs: map[string]*requirements{}, embassies: map[string]*embassy{},
			qualifies: opts.Qualifies, ruleErrors: map[string]int{}, exports: map[*control]sovmap.Factor{}, now: now,
			adequacy: adequacy, switchingRights: SwitchingRights(k, inv.Organization.Home, now), primary: map[string]bool{}, lawReqs: map[string]sovmap.Requirement{},
		}
		e.localisation(inv.Organization)
		return e
	}
	r := &sovmap.Report{Organization: inv.Organization.Name, Home: inv.Organization.Home,
		Components: make([]sovmap.ComponentResult, len(inv.Components))}
	// Components are assessed on every core, each worker with an engine
	// of its own: the memo maps are per worker, so no locks are taken on
	// the hot path, at the price of resolving a few facts twice.
	n := len(inv.Components)
	// The strongly connected components of the dependency graph depend on
	// the graph alone: they are found (on one core, Tarjan's algorithm is
	// sequential) while the components are assessed on the others.
	g := opts.Graph
	if !g.Describes(inv.Components) {
		g = graph.Build(inv.Components)
	}
	var comp []int32
	var members [][]int32
	sccDone := make(chan struct{})
	go func() {
		defer close(sccDone)
		comp, members = g.SCC()
	}()
	const perWorker = 4096
	engines := make([]*engine, fanout.Workers(n, perWorker))
	for w := range engines {
		engines[w] = newEngine()
	}
	err = fanout.Ranges(n, perWorker, func(w, lo, hi int) error {
		return engines[w].components(ctx, inv.Components[lo:hi], r.Components[lo:hi])
	})
	<-sccDone
	if err != nil {
		return nil, err
	}
	e := engines[0]
	for _, other := range engines[1:] {
		for id, count := range other.ruleErrors {
			e.ruleErrors[id] += count
		}
	}
	// The providers read only what the components' assessments found: they
	// are summed on another core while the effective levels are computed,
	// with facts (memo maps) of their own.
	var post sync.WaitGroup
	post.Add(1)
	go func() {
		defer post.Done()
		r.Providers = providers(newFacts(k, tiers, inv), tiers, inv, r.Components)
	}()
	effective(g, comp, members, r.Components, cycleSweeps)
	for i := range r.Components {
		c := &r.Components[i]
		c.Gap = max(0, int(c.RequiredLevel)-int(c.EffectiveLevel))
	}
	post.Add(1)
	go func() {
		defer post.Done()
		r.Layers = layers(r.Components)
		r.Summary = summary(r.Components)
	}()
	r.Flows = transfer.Check(inv, g.Index, r.Components, k, tiers, func(c *sovmap.Component) []string { return e.facts.countries(c.Locations) })
	post.Wait()
	r.Summary.Flows = len(r.Flows)
	for _, f := range r.Flows {
		if f.Verdict == sovmap.Violation {
			r.Summary.Violations++
		}
	}
	for id, n := range e.ruleErrors {
		r.Notes = append(r.Notes, fmt.Sprintf("rule %s could not be evaluated on %d components (treated as not applying)", id, n))
	}
	if note := nothingRequired(r.Components); note != "" {
		r.Notes = append(r.Notes, note)
	}
	sort.Strings(r.Notes)
	return r, nil
}

// nothingRequired says so when no component requires any level: an
// imported inventory knows where things run but not what they hold or how
// critical they are, and a report without gaps would read as all clear.
func nothingRequired(cs []sovmap.ComponentResult) string {
	if len(cs) == 0 || !RequiresNothing(cs) {
		return ""
	}
	return "no component requires a level, so no gap can show: say what each component holds (data), how critical it is (criticality), or add rules (docs/inventory.md, Requirements)"
}

// RequiresNothing reports whether no assessed component requires any level
// above 0, so that the report cannot show a gap for want of a requirement.
func RequiresNothing(cs []sovmap.ComponentResult) bool {
	for i := range cs {
		for _, q := range cs[i].Reasons {
			if q.Counts() && q.Level > 0 {
				return false
			}
		}
	}
	return true
}

// engine holds what one assessment resolves and memoises.
type engine struct {
	kb         *kb.KB
	inv        *sovmap.Inventory
	tiers      *Tiers
	facts      *facts
	defaults   *Defaults
	rules      []policy.Rule
	localLaws  []kb.Law
	memo       memo
	reqs       map[string]*requirements
	embassies  map[string]*embassy
	qualifies  func(sovmap.Arrangement) (bool, string)
	ruleErrors map[string]int
	now        time.Time
	exports    map[*control]sovmap.Factor
	// adequacy holds the adequacy decisions of home's transfer regime, by
	// country, for laws that let data go to adequate countries.
	adequacy map[string]kb.Adequacy
	// switchingRights: the EU Data Act's switching rights protect home
	// (a member of the Union) on the assessment day.
	switchingRights bool
	// primary memoises primaryAtHome by law id.
	primary map[string]bool
	// lawReqs memoises law requirements by the facts their conditions read
	// (lawKey): an inventory repeats few distinct combinations.
	lawReqs map[string]sovmap.Requirement
	lawBuf  []byte
}

// profile is the part of an assessment that depends only on a component's
// sourcing facts, shared by every component with the same facts.
type profile struct {
	controller string
	control    *control // nil when the organization runs the component
	countries  []string
	operated   []string // the countries it is operated from
	placement  int32    // ids of the memoised placement and operators
	operators  int32
	level      sovmap.Level
	factors    []sovmap.Factor
	binding    []sovmap.FactorName
	exposure   []string
	details    []sovmap.Exposure
}

type requirements struct {
	level   sovmap.Level
	reasons []sovmap.Requirement
}

func (e *engine) localisation(org sovmap.Organization) {
	home := org.Home
	homeCountries, _ := e.kb.Expand(home)
	for _, l := range append(e.kb.Laws(kb.Localisation), e.kb.Laws(kb.Sourcing)...) {
		members, ok := e.kb.Expand(l.Jurisdiction)
		if !ok || l.Condition == nil || !l.AppliesToSectors(org.Sectors) {
			continue
		}
		if l.Jurisdiction == home || overlaps(members, homeCountries) {
			e.localLaws = append(e.localLaws, l)
		}
	}
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// components assesses a run of components into out, checking ctx now and
// then: a million components take seconds.
func (e *engine) components(ctx context.Context, cs []sovmap.Component, out []sovmap.ComponentResult) error {
	for i := range cs {
		if i%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := e.component(&cs[i], &out[i]); err != nil {
			return err
		}
	}
	return nil
}

func (e *engine) component(c *sovmap.Component, out *sovmap.ComponentResult) error {
	var p profile
	e.profile(c, &p)
	req, err := e.requirements(c, &p)
	if err != nil {
		return err
	}
	*out = sovmap.ComponentResult{
		ID: c.ID, Layer: c.Layer, Provider: c.Provider, Controller: p.controller,
		Level: p.level, EffectiveLevel: p.level, RequiredLevel: req.level, Sourcing: sovmap.SourcingFor(req.level),
		Binding: p.binding, Exposure: p.exposure, ExposureDetails: p.details, Reasons: req.reasons, Factors: p.factors, Pos: c.Pos,
	}
	return nil
}

// profile assesses a component's sourcing facts. Each factor is memoised
// by exactly the facts it reads, in maps looked up with a reused key buffer,
// so a large inventory pays for each distinct provider, location set,
// operator set and contract once, even when no two components share all of
// them.
func (e *engine) profile(c *sovmap.Component, p *profile) {
	f := e.facts
	var ctl *control
	controlF := selfControl
	if c.Provider != "" {
		ctl = f.control(c.Provider)
		controlF = ctl.factor
		p.controller = ctl.controller
		p.control = ctl
	}
	m := &e.memo
	loc, ok := m.location[string(m.key(c.Arrangement, c.Locations))]
	if !ok {
		loc = &placement{id: int32(len(m.location)), countries: f.countries(c.Locations)}
		loc.embassy = e.embassy(c, loc.countries)
		loc.factor = locationFactor(f, c, loc.countries, loc.embassy)
		reachable := loc.countries
		if loc.embassy != nil {
			// A qualifying embassy is immune from the host's search,
			// requisition and compelled access.
			reachable = without(loc.countries, loc.embassy.host)
		}
		loc.exposures = exposures(f, reachable, sovmap.ViaLocation)
		loc.exposureID = f.intern(loc.exposures)
		m.location[string(m.buf)] = loc
	}
	p.countries = loc.countries
	// Operations read only whether there is a provider, and operated_from.
	ops, ok := m.operations[string(m.key(string(boolByte(c.Provider != "")), c.OperatedFrom))]
	if !ok {
		ops = &operators{id: int32(len(m.operations)), factor: operationsFactor(f, c), countries: f.expand(c.OperatedFrom)}
		ops.exposures = exposures(f, ops.countries, sovmap.ViaOperations)
		ops.exposureID = f.intern(ops.exposures)
		m.operations[string(m.buf)] = ops
	}
	p.operated = ops.countries
	p.placement, p.operators = loc.id, ops.id
	immune := f.immunity(c.Certifications, loc.countries, ops.countries)
	lk := legalKey{control: -1, location: loc.exposureID, operations: ops.exposureID, mitigation: e.mitigationClass(c, immune), immune: immune}
	if ctl != nil {
		lk.control = ctl.exposureID
	}
	legal, ok := m.legal[lk]
	if !ok {
		var byControl []exposure
		if ctl != nil {
			byControl = ctl.exposures
		}
		legal.factor, legal.details = legalFactor(f, c, immune, byControl, loc.exposures, ops.exposures)
		legal.exposure = []string{}
		for _, d := range legal.details {
			legal.exposure = appendUnique(legal.exposure, d.Jurisdiction)
		}
		m.legal[lk] = legal
	}
	kk := keysKey{custody: c.KeyCustody, holds: c.Holds(), provider: c.Provider != "", holder: e.keyHolder(ctl, ops, legal.details)}
	keys, ok := m.keys[kk]
	if !ok {
		keys = keysFactor(c, kk.holder)
		m.keys[kk] = keys
	}
	controllerTier := sovmap.TierUnknown
	if ctl != nil && ctl.country != "" {
		controllerTier = e.tiers.Of(ctl.country)
	}
	statutory := StatutoryExit(e.switchingRights, c, controllerTier)
	exit, ok := m.exit[string(m.contractKey(c, statutory))]
	if !ok {
		exit = exitFactor(f, c, statutory)
		m.exit[string(m.buf)] = exit
	}

	p.factors = make([]sovmap.Factor, 6, 8)
	p.factors[0], p.factors[1], p.factors[2], p.factors[3], p.factors[4], p.factors[5] = controlF, loc.factor, ops.factor, legal.factor, keys, exit
	if c.Layer == sovmap.LayerHardware {
		p.factors = append(p.factors, e.exportFactor(ctl))
	}
	p.level = sovmap.Domestic
	for _, fac := range p.factors {
		p.level = sovmap.Min(p.level, fac.Level)
	}
	if ctl != nil && ctl.technology != nil {
		// A licensed stack is a supply dependency: it costs at most one
		// level below what the other factors allow.
		tech := technologyFactor(ctl.technology, p.level)
		p.factors = append(p.factors, tech)
		p.level = sovmap.Min(p.level, tech.Level)
	}
	p.binding = noBinding
	if p.level < sovmap.Domestic {
		// The binding factors are one of few combinations: share each
		// combination's list rather than allocate one per component.
		var mask uint8
		for i, fac := range p.factors {
			if fac.Level == p.level {
				mask |= 1 << i
			}
		}
		if p.binding = m.binding[mask]; p.binding == nil {
			for i, fac := range p.factors {
				if mask&(1<<i) != 0 {
					p.binding = append(p.binding, fac.Name)
				}
			}
			m.binding[mask] = p.binding
		}
	}
	p.details = legal.details
	p.exposure = legal.exposure
}

// placement is the memoised verdict on a set of locations under an
// arrangement; id numbers it for keys that combine it with other facts.
type placement struct {
	id         int32
	countries  []string
	embassy    *embassy
	factor     sovmap.Factor
	exposures  []exposure // through location
	exposureID int32
}

func without(list []string, drop string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// operators is the memoised verdict on a provider's operated_from list.
type operators struct {
	id         int32
	countries  []string
	factor     sovmap.Factor
	exposures  []exposure // through operations
	exposureID int32
}

// legalKey is everything the legal factor reads: the interned exposure
// lists through control, location and operations, and what can mitigate them.
type legalKey struct {
	control    int32
	location   int32
	operations int32
	mitigation byte
	immune     string // the certification that asserts immunity where the component is
}

type keysKey struct {
	custody  sovmap.KeyCustody
	holds    bool
	provider bool
	holder   keyHolder
}

var (
	selfControl = sovmap.Factor{Name: sovmap.FactorControl, Level: sovmap.Domestic, Facts: []string{"no provider"},
		Reason: "run by the organization itself, so controlled from home"}
	noBinding = []sovmap.FactorName{}
)

// mitigationClass captures what decides whether keys mitigate legal
// exposure: the key custody, and whether the component computes on data in use.
func (e *engine) mitigationClass(c *sovmap.Component, immune string) byte {
	b := byte('0')
	if c.KeyCustody == sovmap.KeysCustomerHeld || c.KeyCustody == sovmap.KeysDomesticHSM {
		b |= 1
	}
	if c.Layer == sovmap.LayerCompute {
		b |= 2
	}
	if immune != "" {
		b |= 4
	}
	return b
}

// keyHolder classes the provider that holds keys it manages: keys are as
// safe from foreign compelled access as whoever holds them.
type keyHolder byte

const (
	holderForeign keyHolder = iota // controlled or operated outside home and trusted jurisdictions, or reached by such a law
	holderHome                     // home-controlled, operated from home, reached by no foreign law
	holderTrusted                  // controlled and operated from home or trusted jurisdictions, reached only by their laws
)

// keyHolder classes a component's provider as a key holder, from the tiers
// of its controller and operators and of the compelled-access laws that
// reach the component.
func (e *engine) keyHolder(ctl *control, ops *operators, exposures []sovmap.Exposure) keyHolder {
	if ctl == nil || ctl.country == "" || len(ops.countries) == 0 {
		return holderForeign
	}
	worst := e.tiers.Of(ctl.country)
	for _, country := range ops.countries {
		worst = max(worst, e.tiers.Of(country))
	}
	for _, x := range exposures {
		if x.Tier != sovmap.TierTrusted.String() {
			return holderForeign // a law from outside the trusted circle reaches it
		}
		worst = max(worst, sovmap.TierTrusted)
	}
	switch worst {
	case sovmap.TierHome:
		return holderHome
	case sovmap.TierTrusted:
		return holderTrusted
	}
	return holderForeign
}

// processingLayers are the layers whose third-party components are data
// processing services in the sense of the EU Data Act (art. 2(8)): cloud
// and edge services, IaaS, PaaS and SaaS; not energy, buildings, hardware,
// carriage of data or people's services.
var processingLayers = map[sovmap.Layer]bool{
	sovmap.LayerCompute: true, sovmap.LayerStorage: true, sovmap.LayerPlatform: true, sovmap.LayerModel: true,
	sovmap.LayerData: true, sovmap.LayerApplication: true, sovmap.LayerSecurity: true,
}

func boolByte(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// memo holds the per-factor caches of one assessment.
type memo struct {
	buf        []byte
	location   map[string]*placement
	operations map[string]*operators
	legal      map[legalKey]legalVerdict
	keys       map[keysKey]sovmap.Factor
	exit       map[string]sovmap.Factor
	binding    [1 << 8][]sovmap.FactorName // by bit mask of factor positions
}

type legalVerdict struct {
	factor   sovmap.Factor
	details  []sovmap.Exposure
	exposure []string
}

func newMemo() memo {
	return memo{location: map[string]*placement{}, operations: map[string]*operators{},
		legal: map[legalKey]legalVerdict{}, keys: map[keysKey]sovmap.Factor{}, exit: map[string]sovmap.Factor{}}
}

// key writes head and list into the reused buffer and returns it. The
// result is only valid until the next call.
func (m *memo) key(head string, list []string) []byte {
	b := append(m.buf[:0], head...)
	for _, s := range list {
		b = append(b, 0)
		b = append(b, s...)
	}
	m.buf = b
	return b
}

func (m *memo) contractKey(c *sovmap.Component, statutory bool) []byte {
	b := append(m.buf[:0], boolByte(c.Provider != ""), boolByte(statutory))
	if k := c.Contract; k != nil {
		b = append(b, 0)
		b = append(b, k.GoverningLaw...)
		b = append(b, 0)
		if k.ExitNoticeDays != nil {
			b = strconv.AppendInt(b, int64(*k.ExitNoticeDays), 10)
		}
		b = append(b, 0)
		if k.DataReturn != nil {
			b = strconv.AppendBool(b, *k.DataReturn)
		}
		b = append(b, 0)
		b = append(b, k.Portability...)
	}
	m.buf = b
	return b
}

// embassy returns the qualifying arrangement that hosts the component in
// its host country, if there is one.
func (e *engine) embassy(c *sovmap.Component, countries []string) *embassy {
	if c.Arrangement == "" || e.qualifies == nil {
		return nil
	}
	if emb, ok := e.embassies[c.Arrangement]; ok {
		return emb
	}
	var emb *embassy
	for _, a := range e.inv.Arrangements {
		if a.ID != c.Arrangement {
			continue
		}
		if ok, why := e.qualifies(a); ok {
			emb = &embassy{id: a.ID, host: a.Host, why: why}
		}
	}
	e.embassies[c.Arrangement] = emb
	return emb
}

// requirements gathers every requirement that applies to a component: the
// defaults for its data classes and criticality (memoised by them), the
// conditions of the laws that cover it, and the organization's rules.
func (e *engine) requirements(c *sovmap.Component, p *profile) (*requirements, error) {
	key := e.memo.key(string(c.Criticality), c.Data)
	base, ok := e.reqs[string(key)]
	if !ok {
		base = e.baseRequirements(c)
		e.reqs[string(key)] = base
	}
	var extra []sovmap.Requirement
	for i := range e.localLaws {
		law := &e.localLaws[i]
		if applies, unknown := lawApplies(law, c); applies {
			key := e.lawKey(i, law.Condition, unknown, c, p)
			r, ok := e.lawReqs[string(key)]
			if !ok {
				r = e.lawRequirement(law, c, p, unknown)
				e.lawReqs[string(key)] = r
			}
			extra = append(extra, r)
		}
	}
	if len(e.rules) > 0 {
		facts := e.policyFacts(c, p)
		for i := range e.rules {
			rule := &e.rules[i]
			applies, err := rule.Applies(facts)
			if err != nil {
				e.ruleErrors[rule.ID]++
				continue
			}
			if applies {
				extra = append(extra, ruleRequirement(rule))
			}
		}
	}
	if len(extra) == 0 {
		return base, nil
	}
	r := &requirements{level: base.level, reasons: append(append([]sovmap.Requirement(nil), base.reasons...), extra...)}
	for _, x := range extra {
		if x.Counts() {
			r.level = max(r.level, x.Level)
		}
	}
	sortReasons(r.reasons)
	return r, nil
}

// lawKey writes what a law's condition reads of a component into a reused
// buffer, and only that, so that components differing in what the law
// ignores share one verdict: the law and whether its criticality is
// unknown; the placement (locations and their countries) for places, an
// establishment abroad,
// stated locations and certifications; the operators and certifications
// for a certification; the provider for an establishment; the contract's
// exit terms. The result is valid until the next call.
func (e *engine) lawKey(law int, cond *kb.Condition, criticalityUnknown bool, c *sovmap.Component, p *profile) []byte {
	b := strconv.AppendInt(e.lawBuf[:0], int64(law), 10)
	b = append(b, 0, boolByte(criticalityUnknown), 0)
	if cond == nil {
		e.lawBuf = b
		return b
	}
	if len(cond.LocatedIn) > 0 || cond.LocationsStated || cond.Certification != nil || cond.Establishment != "" {
		b = strconv.AppendInt(b, int64(p.placement), 10)
	}
	b = append(b, 0)
	if cond.Certification != nil {
		b = strconv.AppendInt(b, int64(p.operators), 10)
		for _, cert := range c.Certifications {
			b = append(b, 0)
			b = append(b, cert...)
		}
	}
	b = append(b, 1)
	if cond.Establishment != "" {
		b = append(b, c.Provider...)
	}
	b = append(b, 1)
	if k := c.Contract; cond.ExitTerms && k != nil {
		if k.DataReturn != nil {
			b = strconv.AppendBool(b, *k.DataReturn)
		}
		b = append(b, 0)
		if k.ExitNoticeDays != nil {
			b = strconv.AppendInt(b, int64(*k.ExitNoticeDays), 10)
		}
	}
	e.lawBuf = b
	return b
}

// ruleRequirement is what an organization's rule asks: its own policy, or a
// law or guidance the rule encodes when it names one.
func ruleRequirement(rule *policy.Rule) sovmap.Requirement {
	reason := rule.Reason
	if reason == "" {
		reason = "organization rule: " + rule.When
	}
	basis := rule.Basis
	if basis == "" {
		basis = sovmap.BasisPolicy
	}
	return sovmap.Requirement{Level: rule.Require, Category: rule.Category, Basis: basis, Source: "rule:" + rule.ID, Reason: reason, Citation: rule.Citation}
}

func (e *engine) baseRequirements(c *sovmap.Component) *requirements {
	r := &requirements{reasons: []sovmap.Requirement{}}
	seen := map[string]bool{}
	for _, class := range c.Data {
		d, ok := e.defaults.forClass(class)
		if !ok || seen[d.Key] {
			continue
		}
		seen[d.Key] = true
		r.reasons = append(r.reasons, sovmap.Requirement{Level: d.Level, Category: d.Category, Basis: d.basis(), Source: "data:" + d.Key, Reason: d.Reason, Citation: d.Citation})
	}
	if c.Criticality != "" {
		if d, ok := e.defaults.forCriticality(c.Criticality); ok {
			r.reasons = append(r.reasons, sovmap.Requirement{Level: d.Level, Category: d.Category, Basis: d.basis(), Source: "criticality:" + d.Key, Reason: d.Reason, Citation: d.Citation})
		}
	}
	for _, x := range r.reasons {
		r.level = max(r.level, x.Level)
	}
	sortReasons(r.reasons)
	return r
}

func lawCovers(law kb.Law, classes []string) bool {
	for _, d := range law.Data {
		for _, c := range classes {
			if covers(d, c) {
				return true
			}
		}
	}
	return false
}

// sortReasons puts the strongest requirement first: it is the one that
// sets the required level. A law whose condition is met sets nothing, so
// it goes after those that count.
func sortReasons(rs []sovmap.Requirement) {
	weight := func(r *sovmap.Requirement) int {
		if !r.Counts() {
			return -1
		}
		return int(r.Level)
	}
	sort.SliceStable(rs, func(i, j int) bool { return weight(&rs[i]) > weight(&rs[j]) })
}

func (e *engine) policyFacts(c *sovmap.Component, p *profile) *policy.Facts {
	f := &policy.Facts{
		ID: c.ID, Name: c.Name, Layer: string(c.Layer), Provider: c.Provider, Controller: p.controller,
		Locations: c.Locations, Countries: p.countries, OperatedFrom: c.OperatedFrom, Data: c.Data,
		Criticality: string(c.Criticality), KeyCustody: string(c.KeyCustody), Certifications: c.Certifications,
		Arrangement: c.Arrangement, Tags: c.Tags,
	}
	if c.Provider != "" {
		f.ControllerCountry = e.facts.control(c.Provider).country
	}
	for _, d := range c.DependsOn {
		f.DependsOn = append(f.DependsOn, d.ID)
	}
	nilToEmpty(&f.Locations, &f.Countries, &f.OperatedFrom, &f.Data, &f.Certifications, &f.DependsOn)
	if f.Tags == nil {
		f.Tags = map[string]string{}
	}
	return f
}

func nilToEmpty(lists ...*[]string) {
	for _, l := range lists {
		if *l == nil {
			*l = []string{}
		}
	}
}

// effective sets the components' effective levels from their own levels
// (see Effective) and names, for each component held below its own level,
// the dependency that sets its level (LimitedBy).
//
// sweeps bounds the forward sweeps tried on a cycle through supply edges
// before its edges are reversed (tests set it to 0 to exercise the
// reversal).
func effective(g *graph.Graph, comp []int32, members [][]int32, cs []sovmap.ComponentResult, sweeps int) {
	// The walk reads levels at random across the graph: keep them in two
	// byte arrays that stay in cache, not in the results.
	own := make([]sovmap.Level, len(cs))
	eff := make([]sovmap.Level, len(cs))
	for i := range cs {
		own[i] = cs[i].Level
	}
	e := Effective{g: g, comp: comp, members: members, cyc: cycle{sweeps: sweeps}}
	e.Levels(own, eff)
	for u := range cs {
		cs[u].EffectiveLevel = eff[u]
		if eff[u] < own[u] {
			if v := limitedBy(g, comp, own, eff, int32(u)); v >= 0 {
				cs[u].LimitedBy = g.IDs[v]
			}
		}
	}
}

// Effective derives effective levels from own levels over one dependency
// graph, by the rule Assess applies: a component is no more sovereign than
// what it runs on. A runtime dependency passes its effective level on whole;
// a supply dependency costs at most one level below the component's own.
// Strongly connected components are visited dependencies first. In a cycle
// of runtime edges every member ends at the cycle's minimum; a cycle that
// runs through a supply edge is solved by lowering members until no edge
// lowers any further, so that its supply edges still cost at most one level.
// The result is the greatest levels, each at most the component's own, that
// no edge lowers.
//
// It exists so that a caller weighing many combinations of own levels (the
// planner) gets exactly the assessment's effective levels without
// reassessing the inventory each time. An Effective reuses its buffers from
// call to call and is not safe for concurrent use.
type Effective struct {
	g       *graph.Graph
	comp    []int32
	members [][]int32
	cyc     cycle
}

// NewEffective prepares the rule for graph g, whose strongly connected
// components are c (as g.Condense or g.SCC finds them).
func NewEffective(g *graph.Graph, c *graph.Condensation) *Effective {
	return &Effective{g: g, comp: c.Comp, members: c.Members, cyc: cycle{sweeps: cycleSweeps}}
}

// Levels sets eff[u] to the effective level of node u of the graph when
// own[u] is its own level. Both slices have one entry per node.
func (e *Effective) Levels(own, eff []sovmap.Level) {
	g, comp, cyc := e.g, e.comp, &e.cyc
	for _, scc := range e.members {
		internalSupply := false
		big := len(scc) > 1
		if big {
			cyc.reset(scc, len(own))
		}
		for _, u := range scc {
			l := own[u]
			deps, supply := g.Deps(u)
			for i, v := range deps {
				if comp[v] == comp[u] {
					if big && v != u {
						internalSupply = internalSupply || supply[i]
						cyc.addEdge(v, supply[i])
					}
					continue
				}
				l = min(l, through(eff[v], supply[i], own[u]))
			}
			eff[u] = l
			if big {
				cyc.endMember()
			}
		}
		switch {
		case len(scc) == 1:
		case !internalSupply:
			m := sovmap.MaxLevel
			for _, u := range scc {
				m = min(m, eff[u])
			}
			for _, u := range scc {
				eff[u] = m
			}
		default:
			cyc.relax(own, eff, scc)
		}
	}
}

// cycleSweeps is how many sweeps over a cycle through supply edges are
// tried before its edges are reversed. On the generated million-node
// inventory six sweeps settle a cycle of 386,000 members, in less time
// than reversing its edges takes; the bound keeps the worst case (a drop
// that must travel a long way against the sweep order) linear.
const cycleSweeps = 16

// cycle holds the internal edges of one strongly connected component as a
// graph of its own, over the members' positions in the component, copied
// out in the order the members are visited so that repeated sweeps read
// contiguous memory. Its buffers are reused from one component to the next.
type cycle struct {
	sweeps int         // sweeps to try before reversing the edges
	slot   []int32     // a node's position within the current component
	local  graph.Graph // the current component's internal edges
}

// reset starts the component scc, in a graph of n nodes.
func (c *cycle) reset(scc []int32, n int) {
	if len(c.slot) < n {
		c.slot = make([]int32, n)
	}
	for i, u := range scc {
		c.slot[u] = int32(i)
	}
	c.local.Off = append(c.local.Off[:0], 0)
	c.local.Dst, c.local.Supply = c.local.Dst[:0], c.local.Supply[:0]
}

// addEdge records an internal edge of the current member to node v.
func (c *cycle) addEdge(v int32, supply bool) {
	c.local.Dst = append(c.local.Dst, c.slot[v])
	c.local.Supply = append(c.local.Supply, supply)
}

// endMember closes the current member's edges.
func (c *cycle) endMember() { c.local.Off = append(c.local.Off, int32(len(c.local.Dst))) }

// relax lowers members until no edge lowers any further: the greatest
// levels that satisfy every edge. Sweeping the members in Tarjan's order
// usually settles a cycle in a few sweeps. If it has not settled after
// c.sweeps, the edges are reversed and the users of each lowered member are
// lowered in turn; a member drops at most MaxLevel times, so each edge is
// relaxed a bounded number of times.
func (c *cycle) relax(own, eff []sovmap.Level, scc []int32) {
	g := &c.local
	for range c.sweeps {
		changed := false
		for i, u := range scc {
			e := eff[u]
			deps, supply := g.Deps(int32(i))
			for k, j := range deps {
				e = min(e, through(eff[scc[j]], supply[k], own[u]))
			}
			if e < eff[u] {
				eff[u], changed = e, true
			}
		}
		if !changed {
			return
		}
	}
	rev := g.Reverse()
	queue := make([]int32, len(scc))
	for i := range queue {
		queue[i] = int32(i)
	}
	for len(queue) > 0 {
		j := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		v := scc[j]
		users, supply := rev.Deps(j)
		for k, i := range users {
			u := scc[i]
			if l := through(eff[v], supply[k], own[u]); l < eff[u] {
				eff[u] = l
				queue = append(queue, i)
			}
		}
	}
}

// limitedBy returns the dependency of u that sets its effective level,
// preferring one outside u's cycle: that is where the level comes from.
func limitedBy(g *graph.Graph, comp []int32, own, eff []sovmap.Level, u int32) int32 {
	deps, supply := g.Deps(u)
	found := int32(-1)
	for i, v := range deps {
		if v == u || through(eff[v], supply[i], own[u]) != eff[u] {
			continue
		}
		if comp[v] != comp[u] {
			return v
		}
		if found < 0 {
			found = v
		}
	}
	return found
}

// through is the level a dependency at effective level dep allows a
// component of own level own: all of it for a runtime edge, at most one
// level less than own for a supply edge.
func through(dep sovmap.Level, supply bool, own sovmap.Level) sovmap.Level {
	if supply {
		return max(dep, own-1)
	}
	return dep
}

func providers(f *facts, tiers *Tiers, inv *sovmap.Inventory, cs []sovmap.ComponentResult) []sovmap.ProviderResult {
	type acc struct {
		res      sovmap.ProviderResult
		exposure map[string]bool
	}
	byID := map[string]*acc{}
	critical := 0
	for i := range cs {
		c := &inv.Components[i]
		if c.Criticality.Critical() {
			critical++
		}
		if c.Provider == "" {
			continue
		}
		a := byID[c.Provider]
		if a == nil {
			name, country, _, _ := f.provider(c.Provider)
			ctl := f.control(c.Provider)
			tier := sovmap.TierUnknown
			if ctl.country != "" {
				tier = tiers.Of(ctl.country)
			}
			a = &acc{res: sovmap.ProviderResult{ID: c.Provider, Name: name, Country: country, Controller: ctl.controller,
				ControllerCountry: ctl.country, Tier: tier.String()}, exposure: map[string]bool{}}
			byID[c.Provider] = a
		}
		a.res.Components++
		if c.Criticality.Critical() {
			a.res.Critical++
		}
		for _, j := range cs[i].Exposure {
			a.exposure[j] = true
		}
	}
	out := make([]sovmap.ProviderResult, 0, len(byID))
	for _, a := range byID {
		a.res.Share = ratio(a.res.Components, len(cs))
		a.res.CriticalShare = ratio(a.res.Critical, critical)
		a.res.Exposure = sortedKeys(a.exposure)
		out = append(out, a.res)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Components != out[j].Components {
			return out[i].Components > out[j].Components
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(int(float64(n)/float64(d)*10000+0.5)) / 10000
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func layers(cs []sovmap.ComponentResult) []sovmap.LayerSummary {
	idx := map[sovmap.Layer]int{}
	out := make([]sovmap.LayerSummary, 0, len(sovmap.Layers))
	for _, l := range sovmap.Layers {
		idx[l] = len(out)
		out = append(out, sovmap.LayerSummary{Layer: l, Lowest: sovmap.MaxLevel})
	}
	for i := range cs {
		c := &cs[i]
		j, ok := idx[c.Layer]
		if !ok {
			continue
		}
		s := &out[j]
		s.Components++
		s.ByLevel[c.EffectiveLevel]++
		if c.Gap > 0 {
			s.Gaps++
		}
		s.Lowest = sovmap.Min(s.Lowest, c.EffectiveLevel)
	}
	kept := out[:0]
	for _, s := range out {
		if s.Components > 0 {
			kept = append(kept, s)
		}
	}
	return kept
}

// summary totals the components; the caller adds the flows.
func summary(cs []sovmap.ComponentResult) sovmap.Summary {
	s := sovmap.Summary{Components: len(cs), GapsByCategory: map[sovmap.Category]int{}}
	byController := map[string]int{}
	for i := range cs {
		c := &cs[i]
		s.ByLevel[c.EffectiveLevel]++
		if len(c.Exposure) > 0 {
			s.Exposed++
		}
		controller := c.Controller
		if controller == "" {
			controller = "(the organization)"
		}
		byController[controller]++
		if unmet, open := c.Conditions(); unmet > 0 {
			s.Unmet++
		} else if open > 0 {
			s.Open++
		}
		if c.Gap == 0 {
			continue
		}
		s.Gaps++
		s.MaxGap = max(s.MaxGap, c.Gap)
		if len(c.Reasons) > 0 {
			s.GapsByCategory[c.Reasons[0].Category]++
		}
	}
	if n := len(cs); n > 0 {
		hhi := 0.0
		for _, count := range byController {
			share := float64(count) / float64(n) * 100
			hhi += share * share
		}
		s.HHIProvider = int(hhi + 0.5)
	}
	return s
}
