package diff

import (
	"encoding/json"
	"slices"
	"sort"

	"github.com/sovmap/sovmap"
)

// RenamesOf collects the renames an inventory declares (renamed_from), as
// Options.Renames wants them: new id to former id.
func RenamesOf(inv *sovmap.Inventory) map[string]string {
	out := map[string]string{}
	if inv == nil {
		return out
	}
	for i := range inv.Components {
		c := &inv.Components[i]
		for _, old := range c.RenamedFrom {
			out[c.ID] = old
		}
	}
	return out
}

// rename returns base with the components that renames maps to a candidate
// id carrying that id, so that they are compared with their former selves,
// and the renames it followed. A rename is followed only when its former id
// is in the baseline and not in the candidate, and its new id is in the
// candidate and not in the baseline: an inventory keeps its renamed_from
// after the baseline is refreshed, and that must change nothing. base is
// not modified.
func rename(base, cur *sovmap.Report, renames map[string]string) (*sovmap.Report, []Rename) {
	followed := []Rename{}
	if len(renames) == 0 {
		return base, followed
	}
	inBase := map[string]bool{}
	for i := range base.Components {
		inBase[base.Components[i].ID] = true
	}
	inCur := map[string]bool{}
	for i := range cur.Components {
		inCur[cur.Components[i].ID] = true
	}
	to := map[string]string{} // former id -> new id
	for now, was := range renames {
		if inBase[was] && !inCur[was] && inCur[now] && !inBase[now] {
			to[was] = now
			followed = append(followed, Rename{From: was, To: now})
		}
	}
	if len(to) == 0 {
		return base, followed
	}
	sort.Slice(followed, func(i, j int) bool { return followed[i].To < followed[j].To })
	idOf := func(id string) string {
		if n, ok := to[id]; ok {
			return n
		}
		return id
	}
	out := *base
	out.Components = slices.Clone(base.Components)
	for i := range out.Components {
		c := &out.Components[i]
		c.ID, c.LimitedBy = idOf(c.ID), idOf(c.LimitedBy)
	}
	out.Flows = slices.Clone(base.Flows)
	for i := range out.Flows {
		f := &out.Flows[i]
		f.From, f.To = idOf(f.From), idOf(f.To)
	}
	return &out, followed
}

// undeclared pairs the removed and added components that are identical but
// for their id (same layer, provider, controller, levels, sourcing, binding
// factors, exposure and reasons): most likely renames nobody declared. A
// component pairs only when exactly one candidate matches on each side.
func undeclared(removed, added []Component, old, now map[string]*sovmap.ComponentResult) []Rename {
	out := []Rename{}
	if len(removed) == 0 || len(added) == 0 {
		return out
	}
	byPrint := map[string][]string{}
	for _, c := range removed {
		p := fingerprint(old[c.ID])
		byPrint[p] = append(byPrint[p], c.ID)
	}
	addedBy := map[string][]string{}
	for _, c := range added {
		p := fingerprint(now[c.ID])
		addedBy[p] = append(addedBy[p], c.ID)
	}
	for p, news := range addedBy {
		if olds := byPrint[p]; len(olds) == 1 && len(news) == 1 {
			out = append(out, Rename{From: olds[0], To: news[0]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out
}

// fingerprint is everything a comparison sees of a component but its id.
func fingerprint(c *sovmap.ComponentResult) string {
	v := *c
	v.ID, v.Pos = "", sovmap.Pos{}
	v.Exposure = exposure(c)
	// The factors' wording may name the component; what they decide is in
	// the levels and binding factors.
	v.Factors = nil
	b, err := json.Marshal(v)
	if err != nil {
		return c.ID // cannot happen for these plain values; pairs with nothing
	}
	return string(b)
}
