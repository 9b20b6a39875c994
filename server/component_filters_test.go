package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/scenario"
	"github.com/sovmap/sovmap/store"
)

// apiIDs pages through the components API of a version with query and
// returns the ids in the order given, and the total the API states.
func apiIDs(t *testing.T, e *testEnv, tok, version, query string) ([]string, int) {
	t.Helper()
	var ids []string
	for off := 0; ; off += 1000 {
		r := e.api("GET", fmt.Sprintf("/api/v1/workspaces/default/versions/%s/components?%s&limit=1000&offset=%d", version, query, off), tok, nil, "")
		if r.status != http.StatusOK {
			t.Fatalf("components?%s: %d %s", query, r.status, r.body)
		}
		page := decode[struct {
			Total      int
			Components []struct{ ID string }
		}](t, r)
		for _, c := range page.Components {
			ids = append(ids, c.ID)
		}
		if off+1000 >= page.Total {
			return ids, page.Total
		}
	}
}

// apiUpload stores each YAML file as a new version through the API.
func apiUpload(t *testing.T, e *testEnv, tok string, files ...[]byte) {
	t.Helper()
	for _, f := range files {
		if r := e.api("POST", "/api/v1/workspaces/default/versions?name=inventory.yaml", tok, f, "application/yaml"); r.status != http.StatusCreated {
			t.Fatalf("upload: %d %.300s", r.status, r.body)
		}
	}
}

// embassyExample is an inventory with three arrangements, each hosting
// components.
func embassyExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../examples/embassy-ai-compute/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rowID finds the component of each row of the components page.
var rowID = regexp.MustCompile(`<tr>\s*<th scope="row"><a href="component\?[^"]*id=([^"&]+)">`)

// pageIDs reads the ids the components page at link lists (up to 1,000).
func pageIDs(t *testing.T, c *client, link string) []string {
	t.Helper()
	r := c.get("/w/default/" + html.UnescapeString(link) + "&limit=1000")
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %.300s", link, r.status, r.body)
	}
	mustContain(t, link, r.body, `id="filtered-by"`, "Clear this filter")
	var ids []string
	for _, m := range rowID.FindAllStringSubmatch(r.body, -1) {
		id, err := url.QueryUnescape(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// sameSet reports whether a and b hold the same ids, each once in a.
func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Compact(slices.Sorted(slices.Values(b)))
	return slices.Equal(a, b)
}

// assessed decodes, assesses and models an inventory file afresh, as the
// oracle of the filters: the engines run directly, not through the
// server.
func assessed(t *testing.T, e *testEnv, name string, data []byte) (*sovmap.Inventory, *sovmap.Report, *risk.Model, assess.Options) {
	t.Helper()
	ctx := context.Background()
	inv, err := inventory.Decode(ctx, e.srv.cfg.KB, name, data)
	if err != nil {
		t.Fatal(err)
	}
	k, err := inventory.WithKnowledge(e.srv.cfg.KB, inv)
	if err != nil {
		t.Fatal(err)
	}
	opts := assess.Options{Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})}
	rep, err := assess.Assess(ctx, inv, k, opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := risk.NewModel(ctx, inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	return inv, rep, m, opts
}

// TestScenarioAndDependencyFilters checks the scenario and dependency
// filters of the components API against the scenario engine run on the
// uploaded file (one scenario of each kind, every way of being hit) and
// against the inventory's own dependency edges; then their combination
// with the other filters, a sort and paging against the database's query
// narrowed by the engine's set.
func TestScenarioAndDependencyFilters(t *testing.T) { eachBackend(t, testScenarioAndDependencyFilters) }

func testScenarioAndDependencyFilters(t *testing.T, e *testEnv) {
	ctx := context.Background()
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: 600, Providers: 60, Seed: 11})); err != nil {
		t.Fatal(err)
	}
	tok := e.token("default", store.RoleEditor)
	if r := e.api("POST", "/api/v1/workspaces/default/versions?name=synthetic.json", tok, buf.Bytes(), ""); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	inv, _, m, opts := assessed(t, e, "synthetic.json", buf.Bytes())

	list, declared := scenario.Scenarios(m)
	seen := map[string]bool{}
	nonEmpty := map[string]int{}
	for i, sc := range list {
		if seen[sc.Kind] {
			continue
		}
		seen[sc.Kind] = true
		r, err := scenario.NewEngine(m, scenario.Options{Assess: opts, Limit: -1}).Run(ctx, sc, declared[i], true)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{"": nil, "vital": r.VitalHit}
		for _, k := range hitKinds[:4] {
			want[k] = nil
		}
		for _, h := range r.Hits {
			want[""] = append(want[""], h.ID)
			want[h.How] = append(want[h.How], h.ID)
		}
		for hit, ids := range want {
			q := "scenario=" + url.QueryEscape(sc.ID)
			if hit != "" {
				q += "&hit=" + hit
			}
			got, total := apiIDs(t, e, tok, "1", q)
			if total != len(got) || !sameSet(got, ids) {
				t.Errorf("%s: the API lists %d (total %d), the engine hits %d", q, len(got), total, len(ids))
			}
			if len(ids) > 0 {
				nonEmpty[hit]++
			}
		}
	}
	for _, hit := range []string{"", "direct", "transitive", "degraded", "vital"} {
		if nonEmpty[hit] == 0 {
			t.Errorf("no scenario hit any component as %q: the test proves nothing for it", hit)
		}
	}

	// The inventory's edges, each pair once.
	dependents := map[string][]string{}
	maxDeps, busiest := 0, ""
	for _, c := range inv.Components {
		for _, d := range c.DependsOn {
			if !slices.Contains(dependents[d.ID], c.ID) {
				dependents[d.ID] = append(dependents[d.ID], c.ID)
			}
		}
	}
	for id, ds := range dependents {
		if len(ds) > maxDeps || len(ds) == maxDeps && id < busiest {
			maxDeps, busiest = len(ds), id
		}
	}
	if maxDeps <= 12 {
		t.Fatalf("the busiest component has %d dependents; the test wants a list the page folds", maxDeps)
	}
	for _, c := range inv.Components[:40] {
		var deps []string
		for _, d := range c.DependsOn {
			deps = append(deps, d.ID)
		}
		if got, _ := apiIDs(t, e, tok, "1", "dependencies="+url.QueryEscape(c.ID)); !sameSet(got, deps) {
			t.Errorf("dependencies=%s: %v, the inventory %v", c.ID, got, deps)
		}
		if got, _ := apiIDs(t, e, tok, "1", "dependents="+url.QueryEscape(c.ID)); !sameSet(got, dependents[c.ID]) {
			t.Errorf("dependents=%s: %v, the inventory %v", c.ID, got, dependents[c.ID])
		}
	}

	// Combined with the other filters, sorted and paged: the database's
	// own answer to the rest of the query, narrowed to the engine's set.
	ws := mustWorkspace(t, e, "default")
	ver, err := e.st.VersionByNumber(ctx, ws.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := apiIDs(t, e, tok, "1", "dependents="+url.QueryEscape(busiest))
	in := func(id string) bool { return slices.Contains(set, id) }
	// Two engine filters keep what both keep.
	hits, _ := apiIDs(t, e, tok, "1", "scenario="+url.QueryEscape(list[0].ID))
	both, _ := apiIDs(t, e, tok, "1", "scenario="+url.QueryEscape(list[0].ID)+"&dependents="+url.QueryEscape(busiest))
	if want := slices.DeleteFunc(slices.Clone(hits), func(id string) bool { return !in(id) }); !sameSet(both, want) || len(want) == 0 {
		t.Errorf("scenario=%s and dependents=%s: %v, want the %d in both", list[0].ID, busiest, both, len(want))
	}
	one := 1
	for _, q := range []store.ComponentQuery{{Sort: "gap", Desc: true, Limit: 7}, {Sort: "id", Offset: 5, Limit: 4}, {MinGap: 1, Sort: "provider", Limit: 1000},
		{Level: &one, Limit: 1000}, {Desc: true, Offset: 3, Limit: 10}} {
		all := q
		all.Offset, all.Limit = 0, 1000
		rows, _, err := e.st.ListComponents(ctx, ver.ID, all)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, r := range rows {
			if in(r.ID) {
				want = append(want, r.ID)
			}
		}
		total := len(want)
		want = want[min(q.Offset, len(want)):min(q.Offset+q.Limit, len(want))]
		recs, gotTotal, err := e.srv.listComponents(ctx, ver, q, componentFilter{Dependents: busiest})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(recs))
		for i, r := range recs {
			got[i] = r.ID
		}
		if gotTotal != total || !slices.Equal(got, want) {
			t.Errorf("%+v with dependents=%s: %v of %d, want %v of %d", q, busiest, got, gotTotal, want, total)
		}
	}
}

// TestArrangementAndChangeFilters checks the arrangement filter against
// the embassy scorecards and the change filters against diff.Compare of
// two fresh assessments.
func TestArrangementAndChangeFilters(t *testing.T) {
	e := newEnv(t)
	tok := e.token("default", store.RoleEditor)
	data := embassyExample(t)
	files := [][]byte{data, e.hospital, e.hospitalV2()}
	apiUpload(t, e, tok, files...)
	inv, _, _, _ := assessed(t, e, "inventory.yaml", data)
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	k, err := inventory.WithKnowledge(e.srv.cfg.KB, inv)
	if err != nil {
		t.Fatal(err)
	}
	hosting := 0
	for _, a := range inv.Arrangements {
		sc, err := embassy.Score(lib, inv, a, embassy.Options{KB: k})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := apiIDs(t, e, tok, "1", "arrangement="+url.QueryEscape(a.ID))
		if !sameSet(got, sc.Components) {
			t.Errorf("arrangement=%s: %v, the scorecard %v", a.ID, got, sc.Components)
		}
		hosting += min(1, len(sc.Components))
	}
	if hosting < 2 {
		t.Fatalf("%d arrangements host components; the test wants several", hosting)
	}

	_, before, _, _ := assessed(t, e, "inventory.yaml", files[1])
	_, after, _, _ := assessed(t, e, "inventory.yaml", files[2])
	d := diff.Compare(before, after, 1)
	want := map[string][]string{}
	for _, c := range d.Added {
		want["added"] = append(want["added"], c.ID)
	}
	for _, c := range d.Removed {
		want["removed"] = append(want["removed"], c.ID)
	}
	for _, mv := range d.Moved {
		want["moved"] = append(want["moved"], mv.ID)
	}
	for _, x := range d.NewExposure {
		want["new-exposure"] = append(want["new-exposure"], x.Component)
	}
	for _, x := range d.DroppedExposure {
		want["dropped-exposure"] = append(want["dropped-exposure"], x.Component)
	}
	if len(want["moved"]) == 0 || len(want["new-exposure"]) == 0 {
		t.Fatalf("the two hospital versions differ too little: %v", want)
	}
	for _, kind := range changeKinds {
		v := "3"
		if onFromSide(kind) {
			v = "2"
		}
		got, _ := apiIDs(t, e, tok, v, "change="+kind+"&from=2&to=3")
		if !sameSet(got, want[kind]) {
			t.Errorf("change=%s: %v, the comparison %v", kind, got, want[kind])
		}
	}
	// Compared the other way round, what was added is what was removed.
	added, _ := apiIDs(t, e, tok, "2", "change=added&from=3&to=2")
	removed, _ := apiIDs(t, e, tok, "2", "change=removed&from=2&to=3")
	if !slices.Equal(added, removed) {
		t.Errorf("added 3→2 %v, removed 2→3 %v", added, removed)
	}
}

// TestFilterErrors checks that an unknown id is a 404 naming the nearest
// ids, and a malformed filter a 400 that says what is wanted, on the API
// and the page.
func TestFilterErrors(t *testing.T) {
	e := newEnv(t)
	tok := e.token("default", store.RoleEditor)
	data := embassyExample(t)
	apiUpload(t, e, tok, data, data)
	inv, _, _, _ := assessed(t, e, "inventory.yaml", data)
	comp := inv.Components[0].ID
	for _, tc := range []struct {
		query  string
		status int
		want   []string
	}{
		{"arrangement=gpu-lux", 404, []string{`arrangement \"gpu-lux\": this version has no such arrangement; the closest of its 3: gpu-lu`}},
		{"arrangement=nothing-like-it-at-all", 404, []string{"no such arrangement", "none of its 3 is close"}},
		{"dependents=" + comp + "x", 404, []string{"component", comp}},
		{"dependencies=" + comp[:len(comp)-1], 404, []string{comp}},
		{"scenario=provider-exit:nosuchprovider", 404, []string{"scenario", "provider-exit:"}},
		{"scenario=compel:U", 404, []string{`unknown jurisdiction \"U\"`, "the closest of its", "compel:US"}},
		{"scenario=nonsense", 404, []string{"KIND:TARGET"}},
		{"hit=vital", 400, []string{"scenario=ID"}},
		{"scenario=compel:US&hit=sideways", 400, []string{"direct, transitive"}},
		{"change=added", 400, []string{"from=N"}},
		{"change=sideways&from=1&to=2", 400, []string{"added, removed"}},
		{"from=1&to=2", 400, []string{"change="}},
		{"change=added&from=1&to=2&v=1", 400, []string{"version 2", "v=2"}},
		{"change=added&from=1&to=9", 404, []string{"no version 9"}},
		{"change=removed&from=7&to=2", 404, []string{"change=removed from=7 to=2: this workspace has no version 7"}},
	} {
		version := "2"
		if v, ok := strings.CutPrefix(tc.query[strings.LastIndex(tc.query, "&")+1:], "v="); ok {
			version = v
		}
		r := e.api("GET", "/api/v1/workspaces/default/versions/"+version+"/components?"+tc.query, tok, nil, "")
		if r.status != tc.status {
			t.Errorf("API %s: %d %s, want %d", tc.query, r.status, r.body, tc.status)
		}
		mustContain(t, "API "+tc.query, r.body, tc.want...)
	}
	c := e.signInAdmin()
	if r := c.get("/w/default/components?arrangement=gpu-lux"); r.status != http.StatusNotFound || !strings.Contains(r.body, "gpu-lu") {
		t.Errorf("page, unknown arrangement: %d, want 404 naming gpu-lu", r.status)
	}
	if r := c.get("/w/default/components?hit=vital"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "scenario=ID") {
		t.Errorf("page, hit without a scenario: %d", r.status)
	}
	// A known id whose list is empty is no error: the page says what it
	// is filtered by.
	r := c.get("/w/default/components?dependents=" + url.QueryEscape(inv.Components[len(inv.Components)-1].ID) + "&layer=energy")
	last := inv.Components[len(inv.Components)-1].ID
	mustContain(t, "empty filtered page", r.body, `id="filtered-by"`, "No component matches.",
		`Filtered to the components that depend directly on <a href="component?id=`+url.QueryEscape(last)+`">`+last+`</a>.`)
}

func TestCloseIDs(t *testing.T) {
	known := []string{"gpu-lu", "gpu-no", "gpu-ae", "compute-lu", "storage"}
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"gpu-lux", []string{"gpu-lu"}},
		{"GPU-LU", []string{"gpu-lu", "gpu-ae", "gpu-no"}},
		{"gpu-n", []string{"gpu-no", "gpu-ae", "gpu-lu"}},
		{"zzzzzzzzzz", nil},
	} {
		if got := closeIDs(tc.id, known, 5); !slices.Equal(got, tc.want) {
			t.Errorf("closeIDs(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
	// Past closeIDsScan ids, the alphabetical neighbours.
	many := make([]string, closeIDsScan+1)
	for i := range many {
		many[i] = fmt.Sprintf("c%06d", i)
	}
	if got := closeIDs("c000100x", many, 4); !slices.Equal(got, []string{"c000099", "c000100", "c000101", "c000102"}) {
		t.Errorf("neighbours = %v", got)
	}
}

// linksTo finds the links of a page to the components list filtered by
// param, with their text.
func linksTo(body, param string) [][2]string {
	re := regexp.MustCompile(`<a href="(components\?[^"]*` + param + `=[^"]*)"[^>]*>([^<]*)</a>`)
	var out [][2]string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// idsIn lists the component ids a fragment of a page names: linked
// (component?…id=X) or as the first word of a list item.
func idsIn(t *testing.T, fragment string) []string {
	t.Helper()
	var ids []string
	for _, m := range regexp.MustCompile(`component\?[^"]*id=([^"&]+)"|<li>([^<\s]+) `).FindAllStringSubmatch(fragment, -1) {
		id, err := url.QueryUnescape(html.UnescapeString(m[1] + m[2]))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestFoldedCountsLinkToTheirLists follows, on the scenario, component,
// embassy and comparison pages, each count that links to the filtered
// components list and checks that the list holds exactly the components
// the page counts or folds.
func TestFoldedCountsLinkToTheirLists(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: 600, Providers: 60, Seed: 11})); err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.json": buf.Bytes()}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	inv, _, m, _ := assessed(t, e, "inventory.json", buf.Bytes())

	// Scenarios: every count links to a list of that many; the folded
	// vital ids are the linked list's; the list of all hits has as many as
	// the page says, the rows shown among them.
	list, _ := scenario.Scenarios(m)
	folded := false
	for _, sc := range list[:min(8, len(list))] {
		r := c.get("/w/default/scenarios?name=" + url.QueryEscape(sc.ID))
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", sc.ID, r.status)
		}
		links := linksTo(r.body, "scenario")
		if len(links) == 0 {
			t.Errorf("%s: no count links to the components list", sc.ID)
		}
		for _, l := range links {
			ids := pageIDs(t, c, l[0])
			var n int
			fmt.Sscan(l[1], &n)
			if n != len(ids) {
				t.Errorf("%s: the link %q says %d, the list holds %d", sc.ID, l[1], n, len(ids))
			}
			if strings.Contains(l[0], "hit=vital") && strings.Contains(r.body, `<details class="ids"><summary>`) {
				folded = true
				i := strings.Index(r.body, `<details class="ids">`)
				if want := idsIn(t, r.body[i:i+strings.Index(r.body[i:], "</details>")]); !sameSet(ids, want) {
					t.Errorf("%s: the vital list links to %d components, the page folds %d", sc.ID, len(ids), len(want))
				}
			}
			if strings.Contains(l[0], "hit=") {
				continue
			}
			i := strings.Index(r.body, `id="hits"`)
			for _, id := range idsIn(t, r.body[i:]) {
				if !slices.Contains(ids, id) {
					t.Errorf("%s: the table lists %s, the linked list of every hit does not", sc.ID, id)
					break
				}
			}
		}
	}
	if !folded {
		t.Error("no scenario folded its vital components: the test proves nothing for the folded list")
	}

	// The stack page: each count of dependents links to that many, in the
	// table of the biggest dependencies and in the table of every
	// component.
	r := c.get("/w/default/stack")
	links := linksTo(r.body, "dependents")
	if len(links) < 20 {
		t.Fatalf("the stack page links %d counts of dependents", len(links))
	}
	for _, l := range links[:25] {
		var n int
		fmt.Sscan(l[1], &n)
		if ids := pageIDs(t, c, l[0]); n != len(ids) {
			t.Errorf("stack: %s says %d, the list holds %d", l[0], n, len(ids))
		}
	}

	// The component page: both dependency lists link to exactly their ids.
	count := map[string]int{}
	for _, c := range inv.Components {
		for _, d := range c.DependsOn {
			count[d.ID]++
		}
	}
	// The most depended-on component that depends on others itself.
	busiest := ""
	for _, x := range inv.Components {
		if n := count[x.ID]; len(x.DependsOn) > 0 && (busiest == "" || n > count[busiest]) {
			busiest = x.ID
		}
	}
	r = c.get("/w/default/component?id=" + url.QueryEscape(busiest))
	split := strings.Index(r.body, "<h3>Depended on by</h3>")
	end := strings.Index(r.body, `aria-labelledby="facts"`)
	if split < 0 || end < split || !strings.Contains(r.body[split:end], `<details class="ids">`) {
		t.Fatalf("the component page of %s does not fold its %d dependents", busiest, count[busiest])
	}
	for _, part := range []struct{ name, html string }{{"dependencies", r.body[:split]}, {"dependents", r.body[split:end]}} {
		l := linksTo(part.html, part.name)
		if len(l) != 1 {
			t.Fatalf("%s of %s: %d links to the list", part.name, busiest, len(l))
		}
		ids := pageIDs(t, c, l[0][0])
		want := idsIn(t, part.html[strings.Index(part.html, l[0][0]):])
		if !sameSet(ids, want) {
			t.Errorf("%s of %s: the link lists %v, the page %v", part.name, busiest, ids, want)
		}
	}
}

// TestEmbassyAndCompareLinks follows the embassy page's hosted
// components and the comparison's change lists to the components list.
func TestEmbassyAndCompareLinks(t *testing.T) {
	e := newEnv(t)
	data := embassyExample(t)
	c := e.signInAdmin()
	for _, f := range [][]byte{data, e.hospital, e.hospitalV2()} {
		if r := c.upload("default", map[string][]byte{"inventory.yaml": f}, ""); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %.300s", r.status, r.body)
		}
	}
	inv, _, _, _ := assessed(t, e, "inventory.yaml", data)
	for _, a := range inv.Arrangements {
		r := c.get("/w/default/embassies?v=1&id=" + url.QueryEscape(a.ID))
		l := linksTo(r.body, "arrangement")
		i := strings.Index(r.body, "Components hosted under it: ")
		if len(l) != 1 || i < 0 {
			t.Errorf("%s: %d links, listed at %d", a.ID, len(l), i)
			continue
		}
		want := idsIn(t, r.body[i:i+strings.Index(r.body[i:], "</p>")])
		if ids := pageIDs(t, c, l[0][0]); len(want) == 0 || !sameSet(ids, want) {
			t.Errorf("%s: the link lists %v, the page %v", a.ID, ids, want)
		}
	}
	// 2 and 3 are one hospital before and after a move (levels moved, new
	// exposure); 1 and 2 two organizations (components added and removed,
	// exposure new and gone).
	kinds := map[string]bool{}
	for _, cmp := range []string{"from=2&to=3", "from=3&to=2", "from=1&to=2"} {
		r := c.get("/w/default/compare?" + cmp)
		sections := strings.Split(r.body, "<section ")[1:]
		linked := 0
		for _, sec := range sections {
			sec = sec[:strings.Index(sec, "</section>")]
			l := linksTo(sec, "change")
			if len(l) == 0 {
				continue
			}
			linked++
			kinds[regexp.MustCompile(`change=([a-z-]+)`).FindStringSubmatch(l[0][0])[1]] = true
			want := idsIn(t, sec[strings.Index(sec, "</p>"):])
			if ids := pageIDs(t, c, l[0][0]); len(want) == 0 || !sameSet(ids, want) {
				t.Errorf("%s, %.40s: the link lists %v, the section %v", cmp, sec, ids, want)
			}
		}
		if linked < 2 {
			t.Errorf("%s: %d sections link to the list", cmp, linked)
		}
	}
	for _, k := range changeKinds {
		if !kinds[k] {
			t.Errorf("no comparison linked to change=%s", k)
		}
	}
}

// BenchmarkFilteredComponents measures the first page of the components
// API filtered by a scenario's vital hits and by the dependents of a
// component, on a synthetic inventory: the first request of a version
// (the index, the risk model and the scenario run computed) and later
// ones (from the cache). Run it with
//
//	go test ./server -run '^$' -bench FilteredComponents -benchtime 3x
func BenchmarkFilteredComponents(b *testing.B) {
	for _, n := range []int{5000, 100000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			e := newEnv(b)
			var buf bytes.Buffer
			if err := gen.WriteJSON(&buf, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: n, Seed: 1})); err != nil {
				b.Fatal(err)
			}
			e.srv.cfg.MaxUploadBytes = 1 << 30
			tok := e.token("default", store.RoleEditor)
			if r := e.api("POST", "/api/v1/workspaces/default/versions?name=synthetic.json", tok, buf.Bytes(), ""); r.status != http.StatusCreated {
				b.Fatalf("upload: %d %.300s", r.status, r.body)
			}
			for _, q := range []string{"scenario=compel:US&hit=vital&sort=gap&desc=1", "dependents=c1&sort=gap&desc=1"} {
				get := func() {
					r := e.api("GET", "/api/v1/workspaces/default/versions/latest/components?"+q, tok, nil, "")
					if r.status != http.StatusOK {
						b.Fatalf("%s: %d %.300s", q, r.status, r.body)
					}
				}
				kind, _, _ := strings.Cut(q, "=")
				b.Run(kind+"/first", func(b *testing.B) {
					for b.Loop() {
						e.srv.cache = newVersionCache(e.srv.cfg.CacheBytes, e.srv.cfg.HeavyWork, e.srv.cfg.HeavyQueue)
						get()
					}
				})
				b.Run(kind+"/cached", func(b *testing.B) {
					// The garbage of the first views is not this one's.
					runtime.GC()
					for b.Loop() {
						get()
					}
				})
			}
		})
	}
}
