package risk

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/plural"
)

// Options tune the vendor register.
type Options struct {
	// Score scores one framework assessment of a provider (the inventory's
	// assessments: section). Nil leaves framework scores out; the CLI wires
	// the framework package here.
	Score func(sovmap.Assessment) (FrameworkScore, error)
	// Trust is the framework whose level scale and dimensions the vendors'
	// trust profiles use (TrustFramework); nil leaves the profiles out.
	Trust *framework.Framework
	// Now is the day the EU Data Act's switching rights are judged on;
	// zero means today, as for the assessment.
	Now time.Time
}

// FrameworkScore is a provider's result on a recognised framework.
type FrameworkScore struct {
	Framework string `json:"framework"`
	// Score is the weighted score in percent.
	Score     float64 `json:"score"`
	Level     int     `json:"level"`
	LevelName string  `json:"level_name"`
}

// Register is the vendor risk register of an inventory.
type Register struct {
	Organization string `json:"organization"`
	Home         string `json:"home"`
	Components   int    `json:"components"`
	// ThirdParty counts components with a provider: the base of the
	// concentration indexes.
	ThirdParty    int           `json:"third_party_components"`
	Critical      int           `json:"critical_components"`
	Vital         int           `json:"vital_components"`
	Concentration Concentration `json:"concentration"`
	// ShareBasis says what a vendor's share and critical share count, and
	// ExitBasis what its lost, vital lost and degraded on exit count: the
	// same figures as the graph's blast radius of the provider and the
	// scenario provider-exit.
	ShareBasis string `json:"share_basis"`
	ExitBasis  string `json:"exit_basis"`
	// Providers has one entry per provider named by a component, Parents
	// one per ultimate controller; both sorted by risk, highest first.
	Providers []Vendor `json:"providers"`
	Parents   []Vendor `json:"parents"`
	// Candidates are providers the inventory assesses on a framework but
	// no component uses yet: offers under evaluation.
	Candidates []Candidate `json:"candidates,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
}

// Candidate is an assessed provider no component uses.
type Candidate struct {
	ID         string           `json:"id"`
	Frameworks []FrameworkScore `json:"frameworks"`
}

// HHI is a Herfindahl-Hirschman index: the sum of the squared percentage
// shares of each group, from near 0 (spread over many) to 10000 (one group).
type HHI struct {
	Index int `json:"hhi"`
	// Band reads the index with the US merger guidelines' thresholds:
	// unconcentrated below 1000, moderate up to 1800, high above.
	Band   string `json:"band"`
	Groups int    `json:"groups"`
	// Top is the largest group and TopShare its share (0-1).
	Top      string  `json:"top,omitempty"`
	TopShare float64 `json:"top_share"`
	// Base is the number of components counted.
	Base int `json:"base"`
	// Basis says what is counted and how it is grouped, for a reader who
	// meets the index beside another: "third-party components (8 of 10),
	// by provider".
	Basis string `json:"basis"`
}

// Concentration gathers the concentration indexes of third-party
// components, and for comparison the index of the assessment's summary.
type Concentration struct {
	// AllComponents is the index of every component by ultimate
	// controller, what the organization runs itself counted as one more
	// group: the assessment's hhi_provider, shown beside the third-party
	// indexes with its basis.
	AllComponents HHI `json:"all_components"`
	Provider      HHI `json:"provider"`
	Parent        HHI `json:"parent"`
	// Jurisdiction groups by the ultimate controller's country.
	Jurisdiction HHI `json:"jurisdiction"`
	// CriticalParent counts only vital and high components.
	CriticalParent HHI                  `json:"critical_parent"`
	Layers         []LayerConcentration `json:"layers"`
}

// LayerConcentration is the concentration of one layer's third-party
// components.
type LayerConcentration struct {
	Layer        sovmap.Layer `json:"layer"`
	Provider     HHI          `json:"provider"`
	Parent       HHI          `json:"parent"`
	Jurisdiction HHI          `json:"jurisdiction"`
}

// Vendor is one row of the register: a provider, or an ultimate parent and
// every provider it controls.
type Vendor struct {
	ID                string `json:"id"`
	Name              string `json:"name,omitempty"`
	Country           string `json:"country,omitempty"`
	Controller        string `json:"controller"`
	ControllerCountry string `json:"controller_country,omitempty"`
	// Tier is the controller country's tier seen from home.
	Tier string `json:"tier"`
	// Providers lists, for a parent, the providers it controls that
	// components name.
	Providers     []string       `json:"providers,omitempty"`
	Components    int            `json:"components"`
	Critical      int            `json:"critical_components"`
	Vital         int            `json:"vital_components"`
	Share         float64        `json:"share"`
	CriticalShare float64        `json:"critical_share"`
	Layers        []sovmap.Layer `json:"layers"`
	// Lost counts the components that go down if the vendor exits: its own,
	// those of every provider it controls, and their runtime dependents
	// (Register.ExitBasis); VitalLost the vital ones among them; Degraded
	// those that depend on them only through supply edges.
	Lost      int `json:"lost_on_exit"`
	VitalLost int `json:"vital_lost_on_exit"`
	Degraded  int `json:"degraded_on_exit"`
	// Exposure lists the foreign jurisdictions whose compelled-access laws
	// reach its components; Exposed counts the components reached without
	// key mitigation.
	Exposure []string `json:"exposure"`
	Exposed  int      `json:"exposed_components"`
	// Alternatives are the providers declared as able to replace it;
	// Substitutable the share of its components with a declared alternative
	// (a component alternative or a provider alternative).
	Alternatives  []string `json:"alternatives"`
	Substitutable float64  `json:"substitutable_share"`
	// Exit is the longest exit among its components, and ExitComponent that
	// component.
	Exit          Exit             `json:"exit"`
	ExitComponent string           `json:"exit_component,omitempty"`
	Frameworks    []FrameworkScore `json:"frameworks,omitempty"`
	// Risk is the register's score (0-100), the sum of the points in Reasons.
	Risk    int      `json:"risk"`
	Reasons []string `json:"reasons"`
	// Trust is the vendor on the digital-embassy trust dimensions; it does
	// not enter Risk (docs/risk.md says how the two relate).
	Trust *TrustProfile `json:"trust,omitempty"`

	substitutable int
	// reliance is max(share, critical share) before rounding: the score
	// uses it, not the rounded shares.
	reliance float64
}

// Points of the risk score: each term's maximum. docs/risk.md gives the
// formula; they add up to 100.
const (
	pointsReliance     = 30
	pointsBlast        = 20
	pointsJurisdiction = 20
	pointsExposure     = 10
	pointsSubstitution = 10
	pointsExit         = 10
)

// tierPoints scores the controller's tier: a foreign controller is a
// standing risk whatever the contract says.
var tierPoints = map[sovmap.Tier]int{
	sovmap.TierHome: 0, sovmap.TierTrusted: 5, sovmap.TierNeutral: 12, sovmap.TierRestricted: 20, sovmap.TierUnknown: 15,
}

// exitPoints scores the exit time in days.
func exitPoints(days int) int {
	switch {
	case days >= 365:
		return pointsExit
	case days >= 180:
		return 6
	case days >= 90:
		return 3
	}
	return 0
}

// NewRegister builds the vendor risk register.
func NewRegister(ctx context.Context, m *Model, opts Options) (*Register, error) {
	n := m.Len()
	reg := &Register{Organization: m.Inv.Organization.Name, Home: m.Inv.Organization.Home, Components: n}
	byProvider := make([][]int32, len(m.providers))
	byController := make([][]int32, len(m.providers))
	for u := int32(0); int(u) < n; u++ {
		if m.critical[u] {
			reg.Critical++
		}
		if m.vital[u] {
			reg.Vital++
		}
		p := m.provider[u]
		if p < 0 {
			continue
		}
		reg.ThirdParty++
		byProvider[p] = append(byProvider[p], u)
		c := m.providers[p].Controller
		byController[c] = append(byController[c], u)
	}
	reg.Concentration = m.concentration(reg.ThirdParty)
	reg.ShareBasis = fmt.Sprintf("share: of all %s, in-house included; critical share: of the %d critical (vital or high) ones",
		plural.Count(n, "component"), reg.Critical)
	reg.ExitBasis = "lost on exit: the vendor's components and those of every provider it controls, with everything that runs on them (runtime edges); degraded: what depends on them through a supply edge"

	scores, notes := m.frameworkScores(opts)
	reg.Notes = notes
	// What each vendor's exit takes down, for every vendor at once.
	var seeds [][]int32
	var rows []*Vendor
	for p, comps := range byProvider {
		if len(comps) > 0 {
			v := m.vendor(int32(p), comps, reg)
			v.Frameworks = scores[v.ID]
			reg.Providers = append(reg.Providers, v)
		}
	}
	for c, comps := range byController {
		if len(comps) == 0 {
			continue
		}
		v := m.vendor(int32(c), comps, reg)
		seen := map[string]bool{}
		for _, u := range comps {
			id := m.providers[m.provider[u]].ID
			if !seen[id] {
				seen[id] = true
				v.Providers = append(v.Providers, id)
			}
		}
		sort.Strings(v.Providers)
		v.Frameworks = scores[v.ID]
		reg.Parents = append(reg.Parents, v)
	}
	for i := range reg.Providers {
		rows = append(rows, &reg.Providers[i])
		// Its exit takes what it controls along, as provider-exit and the
		// graph's blast radius count it.
		seeds = append(seeds, m.UnderProvider(m.providerIndex[reg.Providers[i].ID]))
	}
	for i := range reg.Parents {
		rows = append(rows, &reg.Parents[i])
		seeds = append(seeds, byController[m.providerIndex[reg.Parents[i].ID]])
	}
	err := SpreadCounts(ctx, m, seeds, runtime.GOMAXPROCS(0), func(i int, c Counts) {
		rows[i].Lost, rows[i].VitalLost, rows[i].Degraded = c.Down, c.Vital, c.Degraded
	})
	if err != nil {
		return nil, err
	}
	for _, v := range rows {
		v.score(reg, m.Tiers)
	}
	if opts.Trust != nil {
		tb := newTrustBuilder(m, opts.Trust, opts.Now)
		for i := range reg.Providers {
			v := &reg.Providers[i]
			v.Trust = tb.profile(byProvider[m.providerIndex[v.ID]])
			v.Trust.addFrameworks(v.Frameworks)
		}
		for i := range reg.Parents {
			v := &reg.Parents[i]
			v.Trust = tb.profile(byController[m.providerIndex[v.ID]])
			v.Trust.addFrameworks(v.Frameworks)
		}
	}
	sortVendors(reg.Providers)
	sortVendors(reg.Parents)
	used := map[string]bool{}
	for _, v := range append(slices.Clone(reg.Providers), reg.Parents...) {
		used[v.ID] = true
	}
	for id, fs := range scores {
		if !used[id] {
			reg.Candidates = append(reg.Candidates, Candidate{ID: id, Frameworks: fs})
		}
	}
	sort.Slice(reg.Candidates, func(i, j int) bool { return reg.Candidates[i].ID < reg.Candidates[j].ID })
	return reg, nil
}

func sortVendors(vs []Vendor) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Risk != vs[j].Risk {
			return vs[i].Risk > vs[j].Risk
		}
		if vs[i].Components != vs[j].Components {
			return vs[i].Components > vs[j].Components
		}
		return vs[i].ID < vs[j].ID
	})
}

// frameworkScores scores the inventory's assessments, by provider id.
func (m *Model) frameworkScores(opts Options) (map[string][]FrameworkScore, []string) {
	out := map[string][]FrameworkScore{}
	if opts.Score == nil {
		return out, nil
	}
	var notes []string
	for _, a := range m.Inv.Assessments {
		s, err := opts.Score(a)
		if err != nil {
			notes = append(notes, fmt.Sprintf("assessment of %s on %s not scored: %v", a.Provider, a.Framework, err))
			continue
		}
		out[a.Provider] = append(out[a.Provider], s)
	}
	return out, notes
}

// vendor fills one register row for provider p (a provider, or a
// controller with every component under it), all but what its exit takes
// down and the score.
func (m *Model) vendor(p int32, comps []int32, reg *Register) Vendor {
	info := m.providers[p]
	ctl := m.providers[info.Controller]
	tier := sovmap.TierUnknown
	if ctl.Country != "" {
		tier = m.Tiers.Of(ctl.Country)
	}
	v := Vendor{ID: info.ID, Name: info.Name, Country: info.Country, Controller: ctl.ID, ControllerCountry: ctl.Country,
		Tier: tier.String(), Components: len(comps), Alternatives: append([]string{}, info.Alternatives...), Exposure: []string{}}
	layers := map[sovmap.Layer]bool{}
	exposure := make([]uint64, m.exposure.Words)
	substitutable := 0
	worst := int32(-1)
	for _, u := range comps {
		c := &m.Inv.Components[u]
		layers[c.Layer] = true
		if m.critical[u] {
			v.Critical++
		}
		if m.vital[u] {
			v.Vital++
		}
		for i, word := range m.exposure.Row(u) {
			exposure[i] |= word
		}
		if !m.unmitigated.Empty(u) {
			v.Exposed++
		}
		if len(c.Alternatives) > 0 || len(m.providers[m.provider[u]].Alternatives) > 0 {
			substitutable++
		}
		if d := m.ExitDaysOf(u); worst < 0 || d > v.Exit.Days {
			v.Exit.Days, worst = d, u
		}
	}
	if worst >= 0 {
		v.Exit, v.ExitComponent = m.ExitOf(worst), m.ID(worst)
	}
	for _, l := range sovmap.Layers {
		if layers[l] {
			v.Layers = append(v.Layers, l)
		}
	}
	for i, word := range exposure {
		for b := 0; b < 64; b++ {
			if word&(1<<uint(b)) != 0 {
				v.Exposure = append(v.Exposure, m.countries[i*64+b])
			}
		}
	}
	v.Share = ratio(v.Components, reg.Components)
	v.CriticalShare = ratio(v.Critical, reg.Critical)
	v.reliance = max(exact(v.Components, reg.Components), exact(v.Critical, reg.Critical))
	v.Substitutable = ratio(substitutable, v.Components)
	v.substitutable = substitutable
	return v
}

// score adds up the risk points and says where each comes from.
func (v *Vendor) score(reg *Register, tiers *assess.Tiers) {
	tier := sovmap.TierUnknown
	if v.ControllerCountry != "" {
		tier = tiers.Of(v.ControllerCountry)
	}
	substitutable := v.substitutable
	v.Reasons = []string{}
	add := func(points int, format string, args ...any) {
		if points <= 0 {
			return
		}
		v.Risk += points
		v.Reasons = append(v.Reasons, fmt.Sprintf("+%d ", points)+fmt.Sprintf(format, args...))
	}
	add(round(pointsReliance*v.reliance), "reliance: serves %s of components and %s of critical components", pct(v.Share), pct(v.CriticalShare))
	if reg.Vital > 0 {
		add(round(pointsBlast*float64(v.VitalLost)/float64(reg.Vital)), "blast radius: its exit takes down %d of %s", v.VitalLost, plural.Count(reg.Vital, "vital component"))
	} else if reg.Components > 0 {
		add(round(pointsBlast*float64(v.Lost)/float64(reg.Components)), "blast radius: its exit takes down %d of %s", v.Lost, plural.Count(reg.Components, "component"))
	}
	country := v.ControllerCountry
	if country == "" {
		country = "an unknown country"
	}
	add(tierPoints[tier], "jurisdiction: controlled by %s from %s, a %s jurisdiction", v.Controller, country, tier)
	if v.Exposed > 0 {
		add(round(pointsExposure*float64(v.Exposed)/float64(v.Components)), "exposure: foreign compelled-access law (%s) reaches %d of its %s without key mitigation",
			joinList(v.Exposure), v.Exposed, plural.Count(v.Components, "component"))
	}
	if missing := v.Components - substitutable; missing > 0 {
		add(round(pointsSubstitution*float64(missing)/float64(v.Components)), "substitutability: no alternative declared for %d of its %s", missing, plural.Count(v.Components, "component"))
	}
	add(exitPoints(v.Exit.Days), "exit: leaving takes %s (%s, for %s)", plural.Count(v.Exit.Days, "day"), v.Exit.Basis, v.ExitComponent)
}

func round(x float64) int { return int(math.Round(x)) }

// exact is n/d, 0 when d is 0.
func exact(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// ratio is n/d rounded to four decimals, for display.
func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func joinList(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// concentration computes the HHIs over the thirdParty components with a
// provider, counting by provider index in arrays (one pass over a million
// components), then naming the groups; and the index of all components by
// ultimate controller.
func (m *Model) concentration(thirdParty int) Concentration {
	np := len(m.providers)
	layerIndex := map[sovmap.Layer]int{}
	for i, l := range sovmap.Layers {
		layerIndex[l] = i
	}
	nl := len(sovmap.Layers) + 1 // the last slot for a layer sovmap does not know
	byProvider := make([]int, np*nl)
	critical := make([]int, np)
	layerOf := func(u int) int {
		if i, ok := layerIndex[m.Inv.Components[u].Layer]; ok {
			return i
		}
		return nl - 1
	}
	for u, p := range m.provider {
		if p < 0 {
			continue
		}
		byProvider[int(p)*nl+layerOf(u)]++
		if m.critical[u] {
			critical[m.providers[p].Controller]++
		}
	}
	// group sums the counts of layers (all when layer < 0) by a key of
	// each provider.
	group := func(layer int, key func(p int) string) map[string]int {
		out := map[string]int{}
		for p := 0; p < np; p++ {
			n := 0
			if layer < 0 {
				for l := 0; l < nl; l++ {
					n += byProvider[p*nl+l]
				}
			} else {
				n = byProvider[p*nl+layer]
			}
			if n > 0 {
				out[key(p)] += n
			}
		}
		return out
	}
	provider := func(p int) string { return m.providers[p].ID }
	parent := func(p int) string { return m.providers[m.providers[p].Controller].ID }
	country := func(p int) string {
		if c := m.providers[m.providers[p].Controller].Country; c != "" {
			return c
		}
		return "unknown"
	}
	crit := map[string]int{}
	for p, n := range critical {
		if n > 0 {
			crit[m.providers[p].ID] += n
		}
	}
	n := len(m.provider)
	third := fmt.Sprintf("third-party components (%d of %d)", thirdParty, n)
	all := group(-1, parent)
	if inHouse := n - thirdParty; inHouse > 0 {
		all[inHouseGroup] += inHouse
	}
	nCritical := 0
	for _, c := range crit {
		nCritical += c
	}
	out := Concentration{
		AllComponents:  basis(Herfindahl(all), fmt.Sprintf("all components (%d), by ultimate controller, in-house as one group", n)),
		Provider:       basis(Herfindahl(group(-1, provider)), third+", by provider"),
		Parent:         basis(Herfindahl(group(-1, parent)), third+", by ultimate parent"),
		Jurisdiction:   basis(Herfindahl(group(-1, country)), third+", by the ultimate parent's country"),
		CriticalParent: basis(Herfindahl(crit), fmt.Sprintf("critical (vital or high) third-party components (%d), by ultimate parent", nCritical)),
		Layers:         []LayerConcentration{},
	}
	for i, l := range sovmap.Layers {
		if g := group(i, provider); len(g) > 0 {
			layer := fmt.Sprintf("third-party components of layer %s", l)
			out.Layers = append(out.Layers, LayerConcentration{Layer: l, Provider: basis(Herfindahl(g), layer+", by provider"),
				Parent: basis(Herfindahl(group(i, parent)), layer+", by ultimate parent"), Jurisdiction: basis(Herfindahl(group(i, country)), layer+", by the ultimate parent's country")})
		}
	}
	return out
}

// inHouseGroup names the components the organization runs itself, one
// group of the all-components index.
const inHouseGroup = "(in-house)"

// basis labels an index with what it counts.
func basis(h HHI, b string) HHI {
	h.Basis = b
	return h
}

// Herfindahl computes the HHI of counts per group: the sum over groups of
// (100 x count / total) squared, rounded to an integer.
func Herfindahl(counts map[string]int) HHI {
	h := HHI{Groups: len(counts)}
	for _, c := range counts {
		h.Base += c
	}
	if h.Base == 0 {
		h.Band = "none"
		return h
	}
	sum := 0.0
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		share := float64(counts[k]) / float64(h.Base)
		sum += (share * 100) * (share * 100)
		if counts[k] > counts[h.Top] || h.Top == "" {
			h.Top = k
		}
	}
	h.TopShare = ratio(counts[h.Top], h.Base)
	h.Index = int(math.Round(sum))
	h.Band = Band(h.Index)
	return h
}

// Band names the concentration of an HHI: unconcentrated below 1000,
// moderate from 1000 to 1800, high above 1800 (US DOJ/FTC merger
// guidelines; the 2023 guidelines call a market above 1800 highly
// concentrated).
func Band(hhi int) string {
	switch {
	case hhi > 1800:
		return "high"
	case hhi >= 1000:
		return "moderate"
	}
	return "unconcentrated"
}
