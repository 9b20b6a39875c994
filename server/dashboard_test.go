package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report/svg"
	"github.com/sovmap/sovmap/store"
)

// TestOneLevelScale holds the stylesheet's level colours equal to the
// pictures' (report/svg.LevelColors), so that badges and charts agree.
func TestOneLevelScale(t *testing.T) {
	css, err := embedded.ReadFile("assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	for i := range svg.LevelColors {
		for name, want := range map[string]string{fmt.Sprintf("--l%d", i): svg.LevelColors[i], fmt.Sprintf("--l%d-text", i): svg.LevelText[i]} {
			m := regexp.MustCompile(regexp.QuoteMeta(name) + `:\s*(#[0-9a-fA-F]{6})`).FindSubmatch(css)
			if m == nil || !strings.EqualFold(string(m[1]), want) {
				t.Errorf("style.css %s = %q, want %s", name, m, want)
			}
		}
	}
}

func TestFixFirstOrder(t *testing.T) {
	req := func(l sovmap.Level, b sovmap.Basis) []sovmap.Requirement {
		return []sovmap.Requirement{{Level: l, Basis: b, Reason: "why " + string(b) + ". More."}}
	}
	rep := &sovmap.Report{
		Components: []sovmap.ComponentResult{
			{ID: "a-default-gap2", RequiredLevel: 3, EffectiveLevel: 1, Level: 1, Gap: 2, Reasons: req(3, sovmap.BasisDefault), Binding: []sovmap.FactorName{"keys"},
				Factors: []sovmap.Factor{{Name: "keys", Remedy: "hold the keys"}}},
			{ID: "b-law-gap1", RequiredLevel: 2, EffectiveLevel: 1, Level: 1, Gap: 1, Reasons: req(2, sovmap.BasisLaw)},
			{ID: "c-policy-gap2-vital", RequiredLevel: 3, EffectiveLevel: 1, Level: 3, LimitedBy: "dep", Gap: 2, Reasons: req(3, sovmap.BasisPolicy)},
			{ID: "d-law-gap2", RequiredLevel: 3, EffectiveLevel: 1, Level: 1, Gap: 2, Reasons: req(3, sovmap.BasisLaw)},
			{ID: "e-fine", RequiredLevel: 1, EffectiveLevel: 2},
		},
		Flows: []sovmap.FlowResult{
			{ID: "f-allowed", Verdict: sovmap.Allowed, Reasons: []string{"fine"}},
			{ID: "f-policy", To: "x", Verdict: sovmap.Violation, Basis: sovmap.BasisPolicy, Reasons: []string{"restricted"}, Codes: []string{"restricted-jurisdiction"}},
			{ID: "f-law", To: "y", Verdict: sovmap.Violation, Basis: sovmap.BasisLaw, Reasons: []string{"no mechanism", "a note"}, Codes: []string{"no-mechanism"}},
		},
	}
	specs := map[string]*sovmap.Component{"c-policy-gap2-vital": {Criticality: sovmap.CriticalityVital}, "a-default-gap2": {Criticality: sovmap.CriticalityLow}}
	items := fixFirst(rep, specs, "")
	total := len(items)
	var got []string
	for _, it := range items {
		got = append(got, it.ID)
	}
	// By hand: violations (law, then policy); then gaps of 2 by criticality
	// (vital first, then unset d, then low a), then the gap of 1.
	want := []string{"f-law", "f-policy", "c-policy-gap2-vital", "d-law-gap2", "a-default-gap2", "b-law-gap1"}
	if !slices.Equal(got, want) || total != 6 {
		t.Fatalf("order %v (total %d), want %v", got, total, want)
	}
	if it := items[2]; it.Binding != "dependency dep" || !strings.Contains(it.Remedy, "raise dep") {
		t.Errorf("limited component: binding %q remedy %q", it.Binding, it.Remedy)
	}
	if it := items[4]; it.Remedy != "hold the keys" || it.Why != "why default." || it.Basis != sovmap.BasisDefault {
		t.Errorf("own gap: %+v", it)
	}
	if items[0].Why != "no mechanism" || items[0].Remedy == "" || items[0].Link != "component?id=y" {
		t.Errorf("violation: %+v", items[0])
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"health data are special (GDPR art. 9 and others). Home control.": "health data are special (GDPR art. 9 and others).",
		"One. Two.":                      "One. Two.",
		"Short sentence here. Next one.": "Short sentence here.",
		"no full stop":                   "no full stop",
		"ends with art. 9":               "ends with art. 9",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFlowRows(t *testing.T) {
	rep := &sovmap.Report{
		Components: []sovmap.ComponentResult{
			{ID: "us-model", ExposureDetails: []sovmap.Exposure{{Jurisdiction: "US", Law: "CLOUD Act"}}},
			{ID: "keyed", ExposureDetails: []sovmap.Exposure{{Jurisdiction: "US", Law: "CLOUD Act", Mitigated: true}}},
		},
		Flows: []sovmap.FlowResult{
			{ID: "1-plain", To: "keyed", Verdict: sovmap.Allowed, Reasons: []string{"adequacy"}},
			{ID: "2-reach", To: "us-model", Verdict: sovmap.Allowed, Reasons: []string{"SCC", "note"}},
			{ID: "3-default", To: "keyed", Verdict: sovmap.Violation, Basis: sovmap.BasisDefault, Reasons: []string{"d"}},
			{ID: "4-law", To: "keyed", Verdict: sovmap.Violation, Basis: sovmap.BasisLaw, Reasons: []string{"deciding", "other"}},
		},
	}
	rows, counts := flowRows(rep, false)
	var got []string
	for _, r := range rows {
		got = append(got, r.ID+"="+r.State)
	}
	want := []string{"4-law=violation", "3-default=violation", "2-reach=allowed, reachable by foreign law", "1-plain=allowed"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if rows[0].Deciding != "deciding" || !slices.Equal(rows[0].Others, []string{"other"}) {
		t.Errorf("deciding %q, others %v", rows[0].Deciding, rows[0].Others)
	}
	if !slices.Equal(rows[2].ReachedBy, []string{"US"}) {
		t.Errorf("reached by %v", rows[2].ReachedBy)
	}
	if counts["violation"] != 2 || counts["allowed"] != 1 || counts["allowed, reachable by foreign law"] != 1 {
		t.Errorf("counts %v", counts)
	}
	if only, _ := flowRows(rep, true); len(only) != 2 {
		t.Errorf("only violations: %d rows", len(only))
	}
}

// TestPagesAtScale uploads a synthetic inventory with many providers: the
// vendor register is paged riskiest first in the API's order, and the
// overview, map and flows pages render with the Fix-first list and the map.
func TestPagesAtScale(t *testing.T) {
	e := newEnv(t)
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, gen.Inventory(k, gen.Options{Components: 400, Providers: 150, Flows: 30, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.json": buf.Bytes()}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	tok := e.token("default", store.RoleViewer)
	var reg struct{ Providers []struct{ ID string } }
	r := e.api("GET", "/api/v1/workspaces/default/versions/latest/vendors", tok, nil, "")
	if err := json.Unmarshal([]byte(r.body), &reg); err != nil || len(reg.Providers) <= vendorsPageSize {
		t.Fatalf("API vendors: %v, %d providers; the test needs more than a page", err, len(reg.Providers))
	}
	rowID := regexp.MustCompile(`<tr><th scope="row"><a href="components\?provider=([^"]+)">`)
	pages := (len(reg.Providers) + vendorsPageSize - 1) / vendorsPageSize
	var seen []string
	for p := range pages {
		r := c.get(fmt.Sprintf("/w/default/vendors?offset=%d", p*vendorsPageSize))
		mustContain(t, "vendors page", r.body, fmt.Sprintf("Page %d of %d", p+1, pages))
		for _, m := range rowID.FindAllStringSubmatch(r.body, -1) {
			seen = append(seen, m[1])
		}
	}
	var want []string
	for _, p := range reg.Providers {
		want = append(want, p.ID)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("the pages list %d providers, the API %d; first difference at %d", len(seen), len(want),
			slices.IndexFunc(seen, func(s string) bool { return !slices.Contains(want, s) }))
	}
	if r := c.get("/w/default/vendors?offset=x"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad offset: %d", r.status)
	}
	r = c.get("/w/default/")
	mustContain(t, "overview at scale", r.body, `id="fixfirst"`, `<ol class="fixfirst">`, `id="worldmap-title"`, "Countries of the estate")
	if n := strings.Count(r.body, `<li class="fix `); n != fixFirstLimit {
		t.Errorf("Fix first lists %d items, want %d", n, fixFirstLimit)
	}
	// Past stackMatrixFrom components the stack page is a matrix whose
	// rows add up to every component, counted here from the API.
	var deps struct {
		Components []struct {
			DependedOnBy int `json:"depended_on_by"`
		}
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/latest/dependencies", tok, nil, "")
	if err := json.Unmarshal([]byte(r.body), &deps); err != nil || len(deps.Components) < stackMatrixFrom {
		t.Fatalf("API dependencies: %v, %d components", err, len(deps.Components))
	}
	r = c.get("/w/default/stack")
	i, j := strings.Index(r.body, `id="matrix-h"`), strings.Index(r.body, "The components most others depend on")
	if i < 0 || j < i {
		t.Fatalf("the stack page has no matrix and biggest dependencies")
	}
	sum := 0
	for _, m := range regexp.MustCompile(`<td class="num">(\d+)</td></tr>`).FindAllStringSubmatch(r.body[i:j], -1) {
		var n int
		fmt.Sscan(m[1], &n)
		sum += n
	}
	if sum != len(deps.Components) {
		t.Errorf("the matrix rows add up to %d, the API lists %d components", sum, len(deps.Components))
	}
	most := 0
	for _, d := range deps.Components {
		most = max(most, d.DependedOnBy)
	}
	if m := regexp.MustCompile(`<td class="num"><a [^>]*>(\d+)</a></td></tr>`).FindStringSubmatch(r.body[j:]); m == nil || m[1] != fmt.Sprint(most) {
		t.Errorf("the biggest dependency is depended on by %v, want %d", m, most)
	}
	for _, page := range []string{"/w/default/map", "/w/default/flows", "/w/default/stack"} {
		if r := c.get(page); r.status != http.StatusOK {
			t.Errorf("%s: %d", page, r.status)
		}
	}
}

// BenchmarkOverview measures one signed-in client reading the Overview of a
// synthetic inventory: the first view of a version (Fix-first ranking and
// map computed) and later ones (from the cache). Run it with
//
//	go test ./server -run '^$' -bench Overview -benchtime 3x
func BenchmarkOverview(b *testing.B) {
	for _, n := range []int{5000, 100000} {
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			e := newEnv(b)
			k, err := kb.Default()
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := gen.WriteJSON(&buf, gen.Inventory(k, gen.Options{Components: n, Seed: 1})); err != nil {
				b.Fatal(err)
			}
			e.srv.cfg.MaxUploadBytes = 1 << 30
			tok := e.token("default", store.RoleEditor)
			if r := e.api("POST", "/api/v1/workspaces/default/versions?name=synthetic.json", tok, buf.Bytes(), ""); r.status != http.StatusCreated {
				b.Fatalf("upload: %d %.300s", r.status, r.body)
			}
			c := e.signInAdmin()
			b.Run("first", func(b *testing.B) {
				for b.Loop() {
					e.srv.cache = newVersionCache(e.srv.cfg.CacheBytes, e.srv.cfg.HeavyWork, e.srv.cfg.HeavyQueue)
					if r := c.get("/w/default/"); r.status != http.StatusOK {
						b.Fatal(r.status)
					}
				}
			})
			b.Run("cached", func(b *testing.B) {
				for b.Loop() {
					if r := c.get("/w/default/"); r.status != http.StatusOK {
						b.Fatal(r.status)
					}
				}
			})
		})
	}
}
