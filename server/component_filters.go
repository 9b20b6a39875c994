package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/internal/strictyaml"
	"github.com/sovmap/sovmap/scenario"
	"github.com/sovmap/sovmap/store"
)

// Pages that fold a long list of component ids behind a count (a
// scenario's hits, an arrangement's components, a component's dependents,
// a comparison's changes) link the count to the components list filtered
// to exactly those ids. The ids come from the engines (the scenario
// engine, the inventory, the stored dependency edges, the comparison), not
// from the store's query: each set is computed once per version, kept in
// the version cache, and applied to the cached componentIndex selection,
// so that it combines with the other filters, the sort and the paging.

// componentFilter is the part of the components list's filters that the
// engines answer. The zero value filters nothing; set filters combine
// (a component must be in every set named).
type componentFilter struct {
	// Scenario is a scenario id (declared or KIND:TARGET): the components
	// it hits. Hit narrows them to one way of being hit (hitKinds).
	Scenario, Hit string
	// Arrangement is an arrangement id: the components hosted under it.
	Arrangement string
	// Dependents and Dependencies are component ids: the components that
	// depend on it directly, or those it depends on directly.
	Dependents, Dependencies string
	// Change is a kind of change between versions From and To
	// (changeKinds): the components a comparison lists under it.
	Change   string
	From, To int
}

// hitKinds are the values of hit=: the scenario engine's ways of being
// hit, and vital for the vital components it takes down or exposes.
var hitKinds = []string{"direct", "transitive", "degraded", "partial", "vital"}

// changeKinds are the values of change=, each with the side of the
// comparison its components belong to: a removed component is only in the
// earlier version.
var changeKinds = []string{"added", "removed", "moved", "new-exposure", "dropped-exposure"}

// onFromSide says whether a change kind lists components of the earlier
// version.
func onFromSide(kind string) bool { return kind == "removed" || kind == "dropped-exposure" }

// filterParams are the query parameters of componentFilter, which a link
// that clears the filter drops.
var filterParams = []string{"scenario", "hit", "arrangement", "dependents", "dependencies", "change", "from", "to"}

// componentFilterOf reads the engine filters of the components page and
// API; malformed ones are a badInput.
func componentFilterOf(vals url.Values) (componentFilter, error) {
	f := componentFilter{Scenario: strings.TrimSpace(vals.Get("scenario")), Hit: vals.Get("hit"), Arrangement: vals.Get("arrangement"),
		Dependents: vals.Get("dependents"), Dependencies: vals.Get("dependencies"), Change: vals.Get("change")}
	bad := func(format string, args ...any) (componentFilter, error) {
		return componentFilter{}, &badInput{fmt.Errorf(format, args...)}
	}
	if f.Hit != "" {
		if f.Scenario == "" {
			return bad("hit=%s narrows a scenario's hits: name the scenario too (scenario=ID)", f.Hit)
		}
		if !slices.Contains(hitKinds, f.Hit) {
			return bad("hit=%q: one of %s", f.Hit, strings.Join(hitKinds, ", "))
		}
	}
	from, to := vals.Get("from"), vals.Get("to")
	if f.Change == "" {
		if from != "" || to != "" {
			return bad("from= and to= name the versions of a comparison: say which change to list (change=%s)", strings.Join(changeKinds, "|"))
		}
		return f, nil
	}
	if !slices.Contains(changeKinds, f.Change) {
		return bad("change=%q: one of %s", f.Change, strings.Join(changeKinds, ", "))
	}
	for _, p := range []struct {
		name, val string
		n         *int
	}{{"from", from, &f.From}, {"to", to, &f.To}} {
		n, err := strconv.Atoi(p.val)
		if err != nil || n < 1 {
			return bad("change=%s needs %s=N, a version number from 1 (got %q)", f.Change, p.name, p.val)
		}
		*p.n = n
	}
	return f, nil
}

// empty says whether f filters nothing.
func (f componentFilter) empty() bool { return f == componentFilter{} }

// key identifies f in cache keys.
func (f componentFilter) key() string {
	return strings.Join([]string{f.Scenario, f.Hit, f.Arrangement, f.Dependents, f.Dependencies, f.Change, strconv.Itoa(f.From), strconv.Itoa(f.To)}, "\x00")
}

// filterNote says what one engine filter keeps, in words around the id
// it names, which links to that id's page.
type filterNote struct {
	Before, ID, After string
	Link              string
}

// describe says in words what f keeps, for the filtered page's heading;
// vq starts the links' query ("v=N&" or empty).
func (f componentFilter) describe(vq string) []filterNote {
	var out []filterNote
	if f.Scenario != "" {
		how := map[string]string{"": "hits", "direct": "hits directly", "transitive": "takes down or exposes through their dependencies",
			"degraded": "degrades (through a supply dependency)", "partial": "cuts off from some of their locations", "vital": "hits among the vital components"}[f.Hit]
		out = append(out, filterNote{"the components scenario ", f.Scenario, " " + how, "scenarios?" + vq + "name=" + url.QueryEscape(f.Scenario)})
	}
	if f.Arrangement != "" {
		out = append(out, filterNote{"the components hosted under arrangement ", f.Arrangement, "", "embassies?" + vq + "id=" + url.QueryEscape(f.Arrangement)})
	}
	if f.Dependents != "" {
		out = append(out, filterNote{"the components that depend directly on ", f.Dependents, "", "component?" + vq + "id=" + url.QueryEscape(f.Dependents)})
	}
	if f.Dependencies != "" {
		out = append(out, filterNote{"the components ", f.Dependencies, " depends on directly", "component?" + vq + "id=" + url.QueryEscape(f.Dependencies)})
	}
	if f.Change != "" {
		what := map[string]string{"added": "added", "removed": "removed", "moved": "whose levels moved",
			"new-exposure": "newly reached by a foreign law", "dropped-exposure": "no longer reached by a foreign law"}[f.Change]
		out = append(out, filterNote{"the components " + what + " from ", fmt.Sprintf("version %d to %d", f.From, f.To), "",
			fmt.Sprintf("compare?from=%d&to=%d", f.From, f.To)})
	}
	return out
}

// unknownID is an id a filter names that the version does not have: a
// 404 (it is store.ErrNotFound) whose message is the reason alone.
type unknownID struct{ msg string }

func (e *unknownID) Error() string        { return e.msg }
func (e *unknownID) Is(target error) bool { return target == store.ErrNotFound }

// notFoundNear is a 404 for an unknown id that says why (the engine's
// reason, or "" for plain absence) and names the nearest known ids.
func notFoundNear(what, id, why string, known []string) error {
	msg := fmt.Sprintf("%s %q: ", what, id)
	if why == "" {
		msg += fmt.Sprintf("this version has no such %s", what)
	} else {
		msg += why
	}
	if near := closeIDs(id, known, 5); len(near) > 0 {
		msg += fmt.Sprintf("; the closest of its %d: %s", len(known), strings.Join(near, ", "))
	} else {
		msg += fmt.Sprintf("; none of its %d is close", len(known))
	}
	return &unknownID{msg}
}

// closeIDsScan bounds the ids closeIDs compares by edit distance; past it,
// the alphabetical neighbours stand in, which cost a sort, not a distance
// per id.
const closeIDsScan = 20000

// closeIDs returns up to n of known nearest to id: by edit distance (case
// ignored; at most a third of the id's length away) when there are few
// enough, else the ids next to it in alphabetical order.
func closeIDs(id string, known []string, n int) []string {
	if len(known) > closeIDsScan {
		sorted := known
		if !slices.IsSorted(sorted) {
			sorted = slices.Sorted(slices.Values(known))
		}
		i, _ := slices.BinarySearch(sorted, id)
		return sorted[max(0, i-n/2):min(len(sorted), max(0, i-n/2)+n)]
	}
	type near struct {
		id string
		d  int
	}
	var out []near
	lid := strings.ToLower(id)
	for _, k := range known {
		if d := strictyaml.Distance(lid, strings.ToLower(k)); d <= max(2, len(id)/3) {
			out = append(out, near{k, d})
		}
	}
	slices.SortFunc(out, func(a, b near) int { return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.id, b.id)) })
	ids := make([]string, 0, min(n, len(out)))
	for _, x := range out[:min(n, len(out))] {
		ids = append(ids, x.id)
	}
	return ids
}

// filterSets returns the sets of positions in ix that f keeps, one per
// filter it sets; nil when f is empty.
func (s *Server) filterSets(ctx context.Context, ver store.Version, ix *componentIndex, f componentFilter) ([]bitset, error) {
	var sets []bitset
	add := func(part string, ids func(ctx context.Context) ([]string, error)) error {
		set, err := cachedLight(ctx, s.cache, cacheKey{ver.ID, "filter-set", part}, func(ctx context.Context) (bitset, int64, error) {
			list, err := ids(ctx)
			if err != nil {
				return nil, 0, err
			}
			b, err := ix.positions(list)
			return b, 8 * int64(len(b)), err
		})
		if err == nil {
			sets = append(sets, set)
		}
		return err
	}
	if f.Scenario != "" {
		if err := add("scenario\x00"+f.Scenario+"\x00"+f.Hit, func(ctx context.Context) ([]string, error) {
			h, err := s.scenarioHits(ctx, ver, f.Scenario)
			if err != nil {
				return nil, err
			}
			return h[f.Hit], nil
		}); err != nil {
			return nil, err
		}
	}
	if f.Arrangement != "" {
		if err := add("arrangement\x00"+f.Arrangement, func(ctx context.Context) ([]string, error) {
			return s.hostedUnder(ctx, ver, f.Arrangement)
		}); err != nil {
			return nil, err
		}
	}
	for _, d := range []struct {
		kind, id string
	}{{"dependents", f.Dependents}, {"dependencies", f.Dependencies}} {
		if d.id == "" {
			continue
		}
		if err := add(d.kind+"\x00"+d.id, func(ctx context.Context) ([]string, error) {
			return s.directDependencies(ctx, ver, ix, d.kind, d.id)
		}); err != nil {
			return nil, err
		}
	}
	if f.Change != "" {
		var pair [2]store.Version
		for i, n := range [2]int{f.From, f.To} {
			var err error
			pair[i], err = s.store.VersionByNumber(ctx, ver.WorkspaceID, n)
			if errors.Is(err, store.ErrNotFound) {
				return nil, &unknownID{fmt.Sprintf("change=%s from=%d to=%d: this workspace has no version %d", f.Change, f.From, f.To, n)}
			}
			if err != nil {
				return nil, err
			}
		}
		if err := checkChangeSide(ver, f); err != nil {
			return nil, err
		}
		// The comparison is heavy and cached: it is read before the light
		// set that needs it.
		d, err := s.compare(ctx, pair[0], pair[1])
		if err != nil {
			return nil, err
		}
		if err := add(fmt.Sprintf("change\x00%s\x00%d\x00%d", f.Change, f.From, f.To), func(context.Context) ([]string, error) {
			return changedIDs(d, f.Change), nil
		}); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// checkChangeSide refuses a change filter on a version the change's
// components are not in: added components are listed in the later
// version, removed ones in the earlier.
func checkChangeSide(ver store.Version, f componentFilter) error {
	side, name := f.To, "to"
	if onFromSide(f.Change) {
		side, name = f.From, "from"
	}
	if ver.Number != side {
		return &badInput{fmt.Errorf("change=%s lists components of version %d (%s=%d), not of version %d: ask for v=%d", f.Change, side, name, side, ver.Number, side)}
	}
	return nil
}

// changedIDs lists the components a comparison lists under a change kind.
func changedIDs(d *diff.Diff, kind string) []string {
	var ids []string
	switch kind {
	case "added":
		for _, c := range d.Added {
			ids = append(ids, c.ID)
		}
	case "removed":
		for _, c := range d.Removed {
			ids = append(ids, c.ID)
		}
	case "moved":
		for _, m := range d.Moved {
			ids = append(ids, m.ID)
		}
	case "new-exposure", "dropped-exposure":
		list := d.NewExposure
		if kind == "dropped-exposure" {
			list = d.DroppedExposure
		}
		for _, x := range list {
			ids = append(ids, x.Component)
		}
	}
	return ids
}

// scenarioHits runs a scenario with every hit row and lists the ids it
// hits: under "" all of them, under each of hitKinds those hit that way.
// It is kept per version and scenario; an unknown scenario is a 404 that
// names the closest scenarios of the version.
func (s *Server) scenarioHits(ctx context.Context, ver store.Version, name string) (map[string][]string, error) {
	type entry struct {
		hits map[string][]string
		err  error
	}
	e, err := cached(ctx, s.cache, cacheKey{ver.ID, "scenario-hits", name}, func(ctx context.Context) (entry, int64, error) {
		m, err := s.model(ctx, ver)
		if err != nil {
			return entry{}, 0, err
		}
		unknown := func(err error) (entry, int64, error) {
			list, _ := scenario.Scenarios(m)
			ids := make([]string, len(list))
			for i, sc := range list {
				ids[i] = sc.ID
			}
			why := strings.TrimPrefix(err.Error(), fmt.Sprintf("scenario %q: ", name))
			return entry{err: notFoundNear("scenario", name, why, ids)}, 1, nil
		}
		sc, declared, err := scenario.Resolve(m.Inv, name)
		if err != nil {
			return unknown(err)
		}
		r, err := scenario.NewEngine(m, scenario.Options{Assess: s.cfg.AssessOptions(m.Inv, m.KB), Limit: -1}).Run(ctx, sc, declared, true)
		if err != nil {
			return unknown(err)
		}
		hits := map[string][]string{"vital": r.VitalHit}
		size := int64(0)
		for _, h := range r.Hits {
			hits[""] = append(hits[""], h.ID)
			hits[h.How] = append(hits[h.How], h.ID)
			size += 2 * (int64(len(h.ID)) + 16)
		}
		return entry{hits: hits}, size, nil
	})
	if err != nil {
		return nil, err
	}
	return e.hits, e.err
}

// hostedUnder lists the components hosted under an arrangement, as the
// embassy scorecard lists them: those whose arrangement is its id. The
// lists of every arrangement are computed once per version.
func (s *Server) hostedUnder(ctx context.Context, ver store.Version, id string) ([]string, error) {
	type hosts struct {
		ids   []string // arrangement ids, in inventory order
		hosts map[string][]string
	}
	h, err := cached(ctx, s.cache, cacheKey{ver.ID, "arrangement-hosts", ""}, func(ctx context.Context) (hosts, int64, error) {
		inv, err := s.storedInventory(ctx, ver)
		if err != nil {
			return hosts{}, 0, err
		}
		h := hosts{hosts: map[string][]string{}}
		size := int64(0)
		for _, a := range inv.Arrangements {
			h.ids = append(h.ids, a.ID)
			h.hosts[a.ID] = []string{}
		}
		for _, c := range inv.Components {
			if list, ok := h.hosts[c.Arrangement]; ok && c.Arrangement != "" {
				h.hosts[c.Arrangement] = append(list, c.ID)
				size += int64(len(c.ID)) + 16
			}
		}
		return h, size, nil
	})
	if err != nil {
		return nil, err
	}
	list, ok := h.hosts[id]
	if !ok {
		return nil, notFoundNear("arrangement", id, "", h.ids)
	}
	return list, nil
}

// directDependencies lists, once each, the components that depend on id
// directly (kind "dependents") or that id depends on directly
// ("dependencies"), as the component page lists them.
func (s *Server) directDependencies(ctx context.Context, ver store.Version, ix *componentIndex, kind, id string) ([]string, error) {
	if _, ok := ix.find(id); !ok {
		ids := make([]string, len(ix.rows))
		for k, i := range ix.order["id"] {
			ids[k] = ix.rows[i].ID
		}
		return nil, notFoundNear("component", id, "", ids)
	}
	var deps []store.Dependency
	if kind == "dependents" {
		var err error
		if deps, err = s.store.Dependents(ctx, ver.ID, id); err != nil {
			return nil, err
		}
	} else {
		rec, err := s.store.Component(ctx, ver.ID, id)
		if err != nil {
			return nil, err
		}
		deps = rec.DependsOn
	}
	merged := mergeDependencies(deps)
	ids := make([]string, len(merged))
	for i, l := range merged {
		ids[i] = l.ID
	}
	return ids, nil
}

// bitset marks positions of a componentIndex.
type bitset []uint64

func newBitset(n int) bitset      { return make(bitset, (n+63)/64) }
func (b bitset) set(i int32)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) has(i int32) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }

// find returns the position of the component id, by binary search in the
// id order.
func (ix *componentIndex) find(id string) (int32, bool) {
	ord := ix.order["id"]
	k, ok := slices.BinarySearchFunc(ord, id, func(i int32, id string) int { return strings.Compare(ix.rows[i].ID, id) })
	if !ok {
		return 0, false
	}
	return ord[k], true
}

// positions marks the positions of ids; an id the index lacks is an
// error, for the engines and the store disagree.
func (ix *componentIndex) positions(ids []string) (bitset, error) {
	b := newBitset(len(ix.rows))
	for _, id := range ids {
		i, ok := ix.find(id)
		if !ok {
			return nil, fmt.Errorf("component %q is not in the version's list", id)
		}
		b.set(i)
	}
	return b, nil
}

// filterView is what the components page shows of the engine filters:
// what they keep, a link that clears them (and keeps the other filters),
// and the parameters the filter form must carry on.
type filterView struct {
	FilteredBy  []filterNote
	ClearFilter string
	Carried     []param
}

// param is one query parameter.
type param struct{ Name, Value string }

func newFilterView(f componentFilter, vals url.Values) filterView {
	if f.empty() {
		return filterView{}
	}
	vq := ""
	if n := vals.Get("v"); n != "" {
		vq = "v=" + url.QueryEscape(n) + "&"
	}
	v := filterView{FilteredBy: f.describe(vq)}
	rest := url.Values{}
	for k, vs := range vals {
		if !slices.Contains(filterParams, k) && k != "offset" {
			rest[k] = vs
		}
	}
	v.ClearFilter = "components?" + rest.Encode()
	for _, k := range filterParams {
		if val := vals.Get(k); val != "" {
			v.Carried = append(v.Carried, param{k, val})
		}
	}
	return v
}
