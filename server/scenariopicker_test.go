package server

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/store"
)

// TestScenarioPickerNames: the picker groups scenarios by kind and names
// them in words; a compelled-access scenario names the laws of the
// knowledge base that reach the estate, read here from the knowledge base's
// data rather than through the page's code.
func TestScenarioPickerNames(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	body := html.UnescapeString(c.get("/w/default/scenarios").body)

	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	var usLaws []string
	for _, l := range k.Laws(kb.CompelledAccess) {
		if l.Jurisdiction == "US" {
			usLaws = append(usLaws, l.Name)
		}
	}
	if len(usLaws) < 2 {
		t.Fatalf("the knowledge base lists %d US compelled-access laws; the test expects the CLOUD Act and FISA 702", len(usLaws))
	}
	m := regexp.MustCompile(`<option value="compel:US"[^>]*>([^<]*)</option>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no option for compel:US:\n%s", body)
	}
	if !strings.HasPrefix(m[1], "United States authorities compel access: ") {
		t.Errorf("compel:US is named %q", m[1])
	}
	for _, l := range usLaws {
		if !strings.Contains(m[1], l) {
			t.Errorf("compel:US's name %q lacks the law %q", m[1], l)
		}
	}
	// Grouped by kind: the compel option sits in its kind's group, and a
	// provider's exit under its name from the inventory.
	mustContain(t, "the picker", body, `<optgroup label="Foreign authorities compel access to data">`,
		`<optgroup label="A provider exits">`, `<option value="provider-exit:aws-emea">Amazon Web Services EMEA SARL (aws-emea) exits</option>`)
	if strings.Contains(body, `<option>compel:US</option>`) {
		t.Error("the picker still shows bare machine ids")
	}

	// Run it: the heading names the scenario, and Impact is defined.
	body = html.UnescapeString(c.get("/w/default/scenarios?name=compel:US").body)
	mustContain(t, "the result", body, m[1]+" <code>compel:US</code></h2>", `id="impact-def"`, "weighted by criticality")
}

// TestScenarioImpactAsDefined recomputes a scenario's Impact from the
// definition the page prints (vital 8, high 4, medium 2, low or unstated
// 1; degraded counts half, partial a quarter) and the hits the API lists,
// and compares it with the figure the page shows.
func TestScenarioImpactAsDefined(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	page := c.get("/w/default/scenarios?name=compel:US").body
	for _, want := range []string{"8 if vital", "4 if high", "2 if medium", "1 if low or not stated", "counts half", "a quarter"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the page's definition of Impact lacks %q; this test follows it", want)
		}
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Load(context.Background(), k, "../examples/hospital-group/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	weight := map[sovmap.Criticality]float64{"vital": 8, "high": 4, "medium": 2, "low": 1, "": 1}
	crit := map[string]sovmap.Criticality{}
	total := 0.0
	for _, comp := range inv.Components {
		crit[comp.ID] = comp.Criticality
		total += weight[comp.Criticality]
	}
	tok := e.token("default", store.RoleViewer)
	for _, name := range []string{"compel:US", "provider-exit:aws-emea", "export-control:accelerators", "energy-shortage:DE"} {
		r := e.api("GET", "/api/v1/workspaces/default/versions/latest/scenarios?name="+name, tok, nil, "")
		var res struct {
			Impact       float64
			HitsNotShown int `json:"hits_not_shown"`
			Hits         []struct{ ID, How string }
		}
		if err := json.Unmarshal([]byte(r.body), &res); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: %d %v", name, r.status, err)
		}
		if res.HitsNotShown != 0 {
			t.Fatalf("%s: %d hits not shown", name, res.HitsNotShown)
		}
		score := 0.0
		for _, h := range res.Hits {
			share := map[string]float64{"direct": 1, "transitive": 1, "degraded": 0.5, "partial": 0.25}[h.How]
			if share == 0 {
				t.Fatalf("%s: hit %s is %q, a kind the definition does not name", name, h.ID, h.How)
			}
			score += share * weight[crit[h.ID]]
		}
		if want := 100 * score / total; math.Abs(want-res.Impact) > 0.01 {
			t.Errorf("%s: Impact %.2f, by the page's definition %.2f", name, res.Impact, want)
		}
	}
}

func TestMergeDependencies(t *testing.T) {
	got := mergeDependencies([]store.Dependency{{ID: "a", Kind: "runtime"}, {ID: "b", Kind: "supply"}, {ID: "a", Kind: "runtime"}, {ID: "a", Kind: "supply"}, {ID: "c"}})
	want := []dependencyLink{{"a", []string{"runtime", "supply"}, 3}, {"b", []string{"supply"}, 1}, {"c", nil, 1}}
	if !slices.EqualFunc(got, want, func(x, y dependencyLink) bool {
		return x.ID == y.ID && x.Times == y.Times && slices.Equal(x.Kinds, y.Kinds)
	}) {
		t.Errorf("merged: %+v, want %+v", got, want)
	}
}

// TestComponentPageMergesDependencies: a dependency listed twice in the
// inventory is shown once on the component page, with how often it is listed.
func TestComponentPageMergesDependencies(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	inv := strings.Replace(string(e.hospital), "depends_on: [notes-model, inference-api, ehr-db]", "depends_on: [notes-model, inference-api, ehr-db, ehr-db]", 1)
	if inv == string(e.hospital) {
		t.Fatal("the hospital example changed; update the test")
	}
	if r := c.upload("default", map[string][]byte{"inventory.yaml": []byte(inv)}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	body := c.get("/w/default/component?id=clinician-app").body
	if n := strings.Count(body, `id=ehr-db">ehr-db</a>`); n != 1 {
		t.Errorf("ehr-db is listed %d times on clinician-app's page, want once", n)
	}
	mustContain(t, "clinician-app", body, "listed 2 times")
	// The stack counts clinician-app once among ehr-db's users, as the
	// filtered list of ehr-db's dependents lists it once.
	row := regexp.MustCompile(`(?s)<th scope="row"><a href="component\?id=ehr-db">ehr-db</a>.*?</tr>`).FindString(c.get("/w/default/stack").body)
	mustContain(t, "ehr-db's row of the stack", row, `dependents=ehr-db" title="list them">2</a>`)
	list := c.get("/w/default/components?dependents=ehr-db").body
	mustContain(t, "ehr-db's dependents", list, "of 2 components", `id=clinician-app"`, `id=feature-store"`)
}

// TestPickersAtScale: on a synthetic inventory with more than 100
// providers, the provider filter suggests every provider of the version
// (a datalist), and the scenario picker offers exactly the scenarios the
// API lists, each named in words rather than by its id.
func TestPickersAtScale(t *testing.T) {
	e := newEnv(t)
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: 1000, Providers: 400, Flows: 30, Seed: 7})
	var buf bytes.Buffer
	if err := gen.WriteJSON(&buf, inv); err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.json": buf.Bytes()}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	body := c.get("/w/default/components").body
	mustContain(t, "the components page", body, `list="f-provider-list"`, `<datalist id="f-provider-list">`)
	list := regexp.MustCompile(`(?s)<datalist id="f-provider-list">(.*?)</datalist>`).FindStringSubmatch(body)
	if list == nil {
		t.Fatal("no datalist of providers")
	}
	suggested := regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(list[1], -1)
	var providers []string
	for _, comp := range inv.Components {
		if comp.Provider != "" && !slices.Contains(providers, comp.Provider) {
			providers = append(providers, comp.Provider)
		}
	}
	if len(providers) <= 100 || len(suggested) != len(providers) {
		t.Errorf("the datalist suggests %d providers; the inventory's components use %d (the test needs more than 100)", len(suggested), len(providers))
	}

	tok := e.token("default", store.RoleViewer)
	var api struct{ Declared, Builtin []string }
	if err := json.Unmarshal([]byte(e.api("GET", "/api/v1/workspaces/default/versions/latest/scenarios", tok, nil, "").body), &api); err != nil {
		t.Fatal(err)
	}
	options := regexp.MustCompile(`<option value="([^"]+)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(c.get("/w/default/scenarios").body, -1)
	var offered []string
	for _, o := range options {
		offered = append(offered, o[1])
		if o[2] == o[1] {
			t.Errorf("scenario %s is offered by its id alone", o[1])
		}
	}
	want := append(slices.Clone(api.Declared), api.Builtin...)
	slices.Sort(want)
	slices.Sort(offered)
	if !slices.Equal(offered, want) {
		t.Errorf("the picker offers %d scenarios, the API lists %d", len(offered), len(want))
	}
}
