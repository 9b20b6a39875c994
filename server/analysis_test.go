package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

func TestAnalysisPages(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")

	r := c.get("/w/default/vendors")
	mustContain(t, "vendors", r.body, "Risk register by provider", "openai-ireland", "Concentration by provider (HHI)", "<svg")
	r = c.get("/w/default/scenarios")
	mustContain(t, "scenario list", r.body, `<option value="compel:US">`, "provider-exit:aws-emea")
	r = c.get("/w/default/scenarios?name=compel:US")
	mustContain(t, "compel:US", r.body, "<code>compel:US</code></h2>", "Components hit", "inference-api", "Time to restore")
	r = c.get("/w/default/scenarios?name=provider-exit:aws-emea")
	mustContain(t, "provider exit", r.body, "gpu-training", "direct")
	if r := c.get("/w/default/scenarios?custom=meteor:moon"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown scenario kind: %d", r.status)
	}
	r = c.get("/w/default/embassies")
	mustContain(t, "embassies without arrangements", r.body, "This inventory describes no digital embassy")
}

func TestEmbassyComparison(t *testing.T) {
	e := newEnv(t)
	hosts, err := os.ReadFile("../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.yaml": hosts}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := c.get("/w/default/embassies")
	mustContain(t, "embassies", r.body, "host-lu", "host-no", "host-ae", "Qualifies as an embassy", `name="compare"`)
	r = c.get("/w/default/embassies?compare=host-lu&compare=host-no")
	mustContain(t, "comparison", r.body, "Side by side", "Ranking:", `<span class="tag">best</span>`)
	r = c.get("/w/default/embassies?id=host-ae")
	mustContain(t, "scorecard", r.body, "Clauses still to negotiate", "Dimensions")
	if r := c.get("/w/default/embassies?compare=host-lu"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("comparing one arrangement: %d", r.status)
	}
	if r := c.get("/w/default/embassies?id=nope"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown arrangement: %d", r.status)
	}

	tok := e.token("default", store.RoleViewer)
	var cmp struct {
		Ranking    []string
		Dimensions []json.RawMessage
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/latest/embassies?compare=host-lu,host-no,host-ae", tok, nil, "")
	if err := json.Unmarshal([]byte(r.body), &cmp); err != nil || len(cmp.Ranking) != 3 || len(cmp.Dimensions) == 0 {
		t.Fatalf("API comparison: %d %v %s", r.status, err, r.body[:min(300, len(r.body))])
	}
	var cards struct {
		Arrangements []struct{ Arrangement string }
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/1/embassies", tok, nil, "")
	if err := json.Unmarshal([]byte(r.body), &cards); err != nil || len(cards.Arrangements) != 3 {
		t.Fatalf("API scorecards: %v %s", err, r.body[:min(300, len(r.body))])
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/1/vendors", tok, nil, "")
	if r.status != http.StatusOK || !strings.Contains(r.body, `"concentration"`) {
		t.Fatalf("API vendors: %d", r.status)
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/1/scenarios", tok, nil, "")
	if r.status != http.StatusOK || !strings.Contains(r.body, "provider-exit:ria") {
		t.Fatalf("API scenario list: %d %s", r.status, r.body[:min(300, len(r.body))])
	}
	r = e.api("GET", "/api/v1/workspaces/default/versions/1/scenarios?name=energy-shortage:EE", tok, nil, "")
	if r.status != http.StatusOK || !strings.Contains(r.body, `"kind": "energy-shortage"`) {
		t.Fatalf("API scenario run: %d %s", r.status, r.body[:min(300, len(r.body))])
	}
}

// TestVendorsTrustProfiles: with the register's trust option wired as
// `sovmap serve` wires it, the Vendors page shows each provider's tier on
// each trust dimension and its weakest, as the register computes them (the
// same figures `sovmap vendors --format json` gives).
func TestVendorsTrustProfiles(t *testing.T) {
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	trust, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, backends[0].open(t), func(c *Config) {
		c.RiskOptions = func(*risk.Model) risk.Options { return risk.Options{Trust: trust} }
	})
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	page := c.get("/w/default/vendors").body
	ver, err := e.st.VersionByNumber(context.Background(), mustWorkspace(t, e, "default").ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	reg, _, err := e.srv.register(context.Background(), ver)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Providers) == 0 {
		t.Fatal("no providers")
	}
	i := strings.Index(page, `id="trust"`)
	if i < 0 {
		t.Fatal("the Vendors page has no trust profile table")
	}
	table := page[i:]
	for _, v := range reg.Providers {
		if v.Trust == nil {
			t.Fatalf("%s has no trust profile", v.ID)
		}
		row := table[strings.Index(table, `<th scope="row">`+v.ID+`</th>`):]
		row = row[:strings.Index(row, "</tr>")]
		for _, d := range v.Trust.Dimensions {
			want := "unknown"
			if d.Tier >= 0 {
				want = d.TierName + " " + d.TierLabel
			}
			if !strings.Contains(row, want) {
				t.Errorf("%s: the row lacks %s %q: %s", v.ID, d.ID, want, row)
			}
		}
		if !strings.Contains(row, "<td>"+v.Trust.Weakest+"</td>") {
			t.Errorf("%s: weakest %q not shown: %s", v.ID, v.Trust.Weakest, row)
		}
	}
}
