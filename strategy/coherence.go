package strategy

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sovmap/sovmap"
)

// maxCombinations bounds the combinations the plan tries for one hosting
// group. The default set has 7 x 7 x 7 = 343 at most; a replacement set that
// hosts many blocks in one could otherwise ask for billions.
const maxCombinations = 100000

// PlanEntry is the coherent plan's choice for one block.
type PlanEntry struct {
	Block string `json:"block"`
	// Strategy is nil when no strategy of the set fits the block.
	Strategy *StrategyRef `json:"strategy"`
	// Level is the level the block reaches within the plan: a block whose
	// own systems run in another block (compute in the facility) reaches no
	// more than that block's level.
	Level sovmap.Level `json:"level"`
	// Changed is true when the plan departs from the block's own
	// recommendation, and Why says why.
	Changed bool     `json:"changed"`
	Why     []string `json:"why,omitempty"`
}

// plan chooses one fitting strategy per block so that dependent blocks are
// consistent: a block whose own systems run in a host block (compute and
// storage in the facility) must be in the same place as the host when both
// are the home's own, a host of the home's own must host at least one of the
// home's blocks, and a hosted block reaches no more than its host's level.
// Among consistent choices it maximises the sum of the levels reached, then
// keeps as many block-by-block recommendations as it can, then prefers more
// sovereign choices for the host and then the hosted blocks. Every
// combination is tried: a hosting group has at most a few blocks and each
// block a handful of fitting strategies.
func (e *engine) plan(blocks []BlockResult) ([]PlanEntry, []string) {
	byBlock := map[string]BlockResult{}
	for _, b := range blocks {
		byBlock[b.Block] = b
	}
	chosen := map[string]string{} // block -> strategy id ("" when none fits)
	for _, b := range blocks {
		if b.Recommended != nil {
			chosen[b.Block] = b.Recommended.ID
		} else {
			chosen[b.Block] = ""
		}
	}
	var notes []string
	why := map[string][]string{}
	for _, host := range sortedKeys(e.set.Hosting) {
		if _, ok := byBlock[host]; !ok {
			continue
		}
		group := []string{host}
		for _, h := range e.set.Hosting[host] {
			if _, ok := byBlock[h]; ok {
				group = append(group, h)
			}
		}
		if len(group) < 2 {
			continue
		}
		original := make([]string, len(group))
		options := make([][]string, len(group))
		for i, b := range group {
			original[i] = chosen[b]
			options[i] = byBlock[b].Fitting
			if len(options[i]) == 0 {
				options[i] = []string{""}
			}
		}
		combos := 1
		for _, o := range options {
			combos *= len(o)
			if combos > maxCombinations {
				break
			}
		}
		if combos > maxCombinations {
			notes = append(notes, fmt.Sprintf("%s: %d hosted blocks with these many fitting strategies are more than the plan tries (%d combinations); the block-by-block choices are kept unchecked", host, len(group)-1, maxCombinations))
			continue
		}
		best := e.bestCombination(group, options, original)
		problems := e.problems(group, original)
		for i, b := range group {
			if best[i] == original[i] {
				continue
			}
			chosen[b] = best[i]
			reason := "consistent with " + others(group, i)
			if p, ok := problems[b]; ok {
				reason = p
			}
			why[b] = append(why[b], fmt.Sprintf("on its own the block fits %s; the plan takes %s because %s", e.name(original[i]), e.name(best[i]), reason))
		}
		if len(problems) > 0 {
			// A changed block's problem is its plan entry's reason; the
			// notes keep the problems the plan could not remove.
			for i, b := range group {
				if p, ok := problems[b]; ok && best[i] == original[i] {
					notes = append(notes, b+": "+p)
				}
			}
			if !slices.Equal(best, original) {
				var parts []string
				for i, b := range group {
					parts = append(parts, b+": "+e.name(best[i]))
				}
				notes = append(notes, "consistent plan for "+strings.Join(group, ", ")+": "+strings.Join(parts, "; "))
			}
		}
	}
	var out []PlanEntry
	for _, b := range blocks {
		entry := PlanEntry{Block: b.Block, Changed: chosen[b.Block] != recommendedID(b), Why: why[b.Block]}
		if s, ok := e.set.Strategy(chosen[b.Block]); ok {
			ref := refOf(s)
			entry.Strategy = &ref
			entry.Level = s.Level
			if host, ok := e.set.hostOf(b.Block); ok && ownsSystems(s.Place) {
				if hs, ok := e.set.Strategy(chosen[host]); ok && hs.Level < entry.Level {
					entry.Level = hs.Level
					entry.Why = append(entry.Why, fmt.Sprintf("its systems run in the %s (%s, level %d), so it reaches no more than level %d", host, hs.Name, hs.Level, hs.Level))
				}
			}
		}
		out = append(out, entry)
	}
	return out, notes
}

func recommendedID(b BlockResult) string {
	if b.Recommended == nil {
		return ""
	}
	return b.Recommended.ID
}

func others(group []string, i int) string {
	var out []string
	for j, b := range group {
		if j != i {
			out = append(out, b)
		}
	}
	return strings.Join(out, " and ")
}

// name is a strategy's name, "no strategy" for "".
func (e *engine) name(id string) string {
	if s, ok := e.set.Strategy(id); ok {
		return s.Name
	}
	return "no strategy"
}

// place is where a strategy puts the home's systems; "" for none.
func (e *engine) place(id string) string {
	s, _ := e.set.Strategy(id)
	return s.Place
}

func (e *engine) level(id string) sovmap.Level {
	s, ok := e.set.Strategy(id)
	if !ok {
		return 0
	}
	return s.Level
}

// problems says, by block, why a combination for a hosting group (host
// first) is not consistent; empty when it is. Hosted blocks held below their
// own level by the host are reported too: the combination is possible, but
// the hosted block's level is capped.
func (e *engine) problems(group, combo []string) map[string]string {
	host := group[0]
	hostPlace := e.place(combo[0])
	out := map[string]string{}
	owned := 0
	for i := 1; i < len(group); i++ {
		p := e.place(combo[i])
		if !ownsSystems(p) {
			continue
		}
		owned++
		switch {
		case ownsSystems(hostPlace) && p != hostPlace:
			out[group[i]] = fmt.Sprintf("%s puts its systems %s, but the %s (%s) is %s: the systems and the %s that hosts them must be in the same place",
				e.name(combo[i]), placeWords(p), host, e.name(combo[0]), placeWords(hostPlace), host)
		case e.level(combo[0]) < e.level(combo[i]):
			out[group[i]] = fmt.Sprintf("%s (level %d) would run in a %s from %s (level %d), so its control is no stronger than level %d",
				e.name(combo[i]), e.level(combo[i]), host, e.name(combo[0]), e.level(combo[0]), e.level(combo[0]))
		}
	}
	if ownsSystems(hostPlace) && owned == 0 {
		out[host] = fmt.Sprintf("%s would host none of the home's own systems: %s come from providers", e.name(combo[0]), strings.Join(group[1:], " and "))
	}
	return out
}

// consistent reports whether a combination has no place conflict and no
// idle host (a capped level is allowed: it only lowers the score).
func (e *engine) consistent(combo []string) bool {
	hostPlace := e.place(combo[0])
	owned := 0
	for _, id := range combo[1:] {
		p := e.place(id)
		if !ownsSystems(p) {
			continue
		}
		owned++
		if ownsSystems(hostPlace) && p != hostPlace {
			return false
		}
	}
	return !ownsSystems(hostPlace) || owned > 0
}

// score is the sum of the levels a combination reaches, hosted blocks
// capped at their host's level.
func (e *engine) score(combo []string) int {
	host := e.level(combo[0])
	total := int(host)
	for _, id := range combo[1:] {
		l := e.level(id)
		if ownsSystems(e.place(id)) && combo[0] != "" && host < l {
			l = host
		}
		total += int(l)
	}
	return total
}

// bestCombination tries every combination of fitting strategies for a
// hosting group (options are most sovereign first).
func (e *engine) bestCombination(group []string, options [][]string, original []string) []string {
	var best []string
	bestScore, bestKept := math.MinInt, -1
	combo := make([]string, len(group))
	var walk func(i int)
	walk = func(i int) {
		if i == len(group) {
			if !e.consistent(combo) {
				return
			}
			sc, kept := e.score(combo), 0
			for j := range combo {
				if combo[j] == original[j] {
					kept++
				}
			}
			// Options are walked most sovereign first, so on a tie the first
			// combination found is kept.
			if sc > bestScore || sc == bestScore && kept > bestKept {
				best = append(best[:0], combo...)
				bestScore, bestKept = sc, kept
			}
			return
		}
		for _, id := range options[i] {
			combo[i] = id
			walk(i + 1)
		}
	}
	walk(0)
	if best == nil {
		return original
	}
	return best
}

func placeWords(p string) string {
	switch p {
	case PlaceHome:
		return "at home"
	case PlaceShared:
		return "in a facility shared with partners"
	case PlaceAbroad:
		return "abroad under a digital embassy"
	default:
		return "with a provider"
	}
}

// ResourceUse is what the plan needs of one shared pool.
type ResourceUse struct {
	Resource     string `json:"resource"`
	Prerequisite string `json:"prerequisite"`
	Unit         string `json:"unit,omitempty"`
	// Additive is false for a score (talent), where Needed is the strictest
	// single need rather than a sum.
	Additive bool `json:"additive"`
	// Needed is the plan's total need of the home-wide pool, in Unit.
	Needed float64 `json:"needed"`
	// Available is the home-wide value; nil when not stated.
	Available *float64   `json:"available"`
	Source    string     `json:"source,omitempty"`
	Blocks    []BlockUse `json:"blocks"`
	// Short is how much Needed exceeds Available, in Unit.
	Short   *float64 `json:"short,omitempty"`
	Warning string   `json:"warning,omitempty"`
}

// BlockUse is one block's need of a pool under the plan.
type BlockUse struct {
	Block    string  `json:"block"`
	Strategy string  `json:"strategy"`
	Needed   float64 `json:"needed"`
	// Own is true when the block states its own value of the pool: it is
	// a separate pool, not counted in the home-wide total.
	Own bool `json:"own"`
}

// resources adds up what the plan's strategies need of each shared pool and
// warns where the total exceeds what the home has, although each block
// passes on its own.
func (e *engine) resources(plan []PlanEntry) []ResourceUse {
	var out []ResourceUse
	for _, r := range e.set.Resources {
		pr, _ := e.set.Prerequisite(r.Prerequisite)
		use := ResourceUse{Resource: r.Name, Prerequisite: r.Prerequisite, Unit: pr.Unit, Additive: r.Additive}
		need := map[string]float64{}
		for _, entry := range plan {
			if entry.Strategy == nil || len(r.Blocks) > 0 && !contains(r.Blocks, entry.Block) {
				continue
			}
			n, ok := e.need(entry.Block, entry.Strategy.ID, r.Prerequisite)
			if !ok {
				continue
			}
			b, _ := e.p.Block(entry.Block)
			_, own := b.Prerequisites[r.Prerequisite]
			use.Blocks = append(use.Blocks, BlockUse{Block: entry.Block, Strategy: entry.Strategy.ID, Needed: n, Own: own})
			if !own {
				need[entry.Block] = n
			}
		}
		if len(use.Blocks) == 0 {
			continue
		}
		use.Needed = e.total(r, need)
		if v, ok := e.p.Prerequisites[r.Prerequisite]; ok && v.Type == Number {
			avail := v.Num
			use.Available, use.Source = &avail, v.Source
			if r.Additive && use.Needed > avail {
				short := use.Needed - avail
				use.Short = &short
				use.Warning = fmt.Sprintf("%s: the plan needs %s together (%s%s) but %s is available, short by %s; each block passes on its own, but not all of them from one pool: give blocks their own %s, or step one down",
					r.Name, withUnit(use.Needed, pr.Unit), blockList(use.Blocks), e.siteNote(r), withUnit(avail, pr.Unit), withUnit(short, pr.Unit), r.Prerequisite)
			}
		}
		if !r.Additive {
			use.Warning = fmt.Sprintf("%s: %s is a score, not a quantity, so sovmap cannot add the blocks' needs; the strictest is %s", r.Name, r.Prerequisite, formatNumber(use.Needed))
		}
		out = append(out, use)
	}
	return out
}

// need is what a block's strategy needs of a pool: the largest minimum its
// conditions on the prerequisite set.
func (e *engine) need(block, strategy, prerequisite string) (float64, bool) {
	a, ok := e.attempts[block][strategy]
	if !ok {
		return 0, false
	}
	n, found := 0.0, false
	for _, c := range a.Checks {
		if c.Prerequisite == prerequisite && c.Min != nil && *c.Min > n {
			n, found = *c.Min, true
		}
	}
	return n, found
}

// total adds up the home-wide needs of a pool. For a site resource, each
// hosting group needs the larger of its host's need and the sum of its
// hosted blocks' needs; for a score, the strictest need counts.
func (e *engine) total(r Resource, need map[string]float64) float64 {
	if !r.Additive {
		m := 0.0
		for _, n := range need {
			m = math.Max(m, n)
		}
		return m
	}
	counted := map[string]bool{}
	sum := 0.0
	if r.Site {
		for _, host := range sortedKeys(e.set.Hosting) {
			hosted := 0.0
			for _, h := range e.set.Hosting[host] {
				hosted += need[h]
				counted[h] = true
			}
			sum += math.Max(need[host], hosted)
			counted[host] = true
		}
	}
	for _, b := range sortedKeys(need) {
		if !counted[b] {
			sum += need[b]
		}
	}
	return sum
}

func withUnit(x float64, unit string) string {
	if unit == "" {
		return formatNumber(x)
	}
	return formatNumber(x) + " " + unit
}

// siteNote says how hosted blocks are counted for a site resource.
func (e *engine) siteNote(r Resource) string {
	if !r.Site {
		return ""
	}
	var parts []string
	for _, host := range sortedKeys(e.set.Hosting) {
		parts = append(parts, fmt.Sprintf("%s run in the %s and count once with it", strings.Join(e.set.Hosting[host], " and "), host))
	}
	return "; " + strings.Join(parts, "; ")
}

func blockList(uses []BlockUse) string {
	var parts []string
	for _, u := range uses {
		if !u.Own {
			parts = append(parts, u.Block+" "+formatNumber(u.Needed))
		}
	}
	return strings.Join(parts, ", ")
}
