package server

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

// The oracle of these tests is the CLI's own output for the hospital
// example, saved in testdata by:
//
//	go run ./cmd/sovmap vendors examples/hospital-group --format json > server/testdata/hospital-vendors.json
//	go run ./cmd/sovmap vendors compare examples/hospital-group stackit aws-emea openai-ireland --format json > server/testdata/hospital-compare.json
//
// When the engine changes what it says of a vendor, these tests fail until
// the files are made again and reviewed.

// trustEnv is a server on st wired as `sovmap serve` wires the register:
// with trust profiles on the embassy framework.
func trustEnv(t *testing.T, st store.Store) *testEnv {
	t.Helper()
	lib, err := framework.Default()
	if err != nil {
		t.Fatal(err)
	}
	trust, err := lib.Lookup(risk.TrustFramework)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, st, func(c *Config) {
		c.RiskOptions = func(*risk.Model) risk.Options { return risk.Options{Trust: trust} }
	})
}

func readCLI(t *testing.T, name string, into any) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// text is a page's HTML with its tags dropped and entities decoded, its
// spaces collapsed: what a reader sees, to search for the CLI's strings.
func text(page string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tags.ReplaceAllString(page, " "))), " ")
}

var tags = regexp.MustCompile(`<[^>]*>`)

// section returns the part of page from the element with the given id to
// the end of the table or list it opens.
func section(t *testing.T, page, id, end string) string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the page has no #%s", id)
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		t.Fatalf("#%s does not end with %s", id, end)
	}
	return page[i : i+j]
}

func tierText(d risk.TrustDimension) string {
	if d.Tier < 0 {
		return "unknown"
	}
	return d.TierName + " " + d.TierLabel
}

// TestVendorDetail: every provider's page says what `sovmap vendors
// --format json` says of it: each dimension's tier, score, facts and
// questions, the weakest marked, the register's figures and reasons; and
// its component counts lead to a components list of that many.
func TestVendorDetail(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testVendorDetail(t, trustEnv(t, b.open(t))) })
	}
}

func testVendorDetail(t *testing.T, e *testEnv) {
	var cli risk.Register
	readCLI(t, "hospital-vendors.json", &cli)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")

	list := c.get("/w/default/vendors").body
	mustContain(t, "vendors page", list, `href="vendor-comparison?"`)
	for _, v := range cli.Providers {
		t.Run(v.ID, func(t *testing.T) {
			if !strings.Contains(list, `href="vendors/`+v.ID+`?"`) {
				t.Errorf("the Vendors page does not link to %s's details", v.ID)
			}
			r := c.get("/w/default/vendors/" + v.ID)
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			trust := section(t, r.body, "trust", "</table>")
			rows := strings.Split(trust, "<tr")[2:] // the head, then one row per dimension
			dims := append(append([]risk.TrustDimension{}, v.Trust.Dimensions...), v.Trust.Political)
			if len(rows) != len(dims) {
				t.Fatalf("%d rows, want %d dimensions", len(rows), len(dims))
			}
			for i, d := range dims {
				row := text("<tr" + rows[i])
				want := []string{d.Name, tierText(d), fmt.Sprint(d.Score)}
				want = append(append(want, d.Facts...), d.Questions...)
				for _, w := range want {
					if !strings.Contains(row, w) {
						t.Errorf("%s: the row lacks %q: %s", d.ID, w, row)
					}
				}
				if weakest := strings.Contains(row, "weakest"); weakest != (d.ID == v.Trust.Weakest) {
					t.Errorf("%s: marked weakest %v, the CLI's weakest is %s", d.ID, weakest, v.Trust.Weakest)
				}
			}
			summary := text(section(t, r.body, "trust-summary", "</p>"))
			weakName, _ := v.Trust.Dimension(v.Trust.Weakest)
			for _, w := range []string{"Overall " + v.Trust.TierName + " " + v.Trust.TierLabel, weakName.Name, plural.Count(v.Trust.Questions, "open question")} {
				if !strings.Contains(summary, w) {
					t.Errorf("summary lacks %q: %s", w, summary)
				}
			}
			reg := text(section(t, r.body, "register", "</dl>"))
			for _, w := range []string{
				fmt.Sprintf("Risk (0–100) %d", v.Risk),
				fmt.Sprintf("lost on exit %d %d vital; %d degraded", v.Lost, v.VitalLost, v.Degraded),
				fmt.Sprintf("Exit %d days", v.Exit.Days),
				fmt.Sprintf("%.0f%% of all components", v.Share*100),
			} {
				if !strings.Contains(reg, w) {
					t.Errorf("register figures lack %q: %s", w, reg)
				}
			}
			page := text(r.body)
			for _, reason := range v.Reasons {
				if !strings.Contains(page, reason) {
					t.Errorf("reason %q not shown", reason)
				}
			}
			// The count of all its components links to a list of as many.
			comps := section(t, r.body, "components", "</table>")
			link := regexp.MustCompile(`<a href="(/w/default/components\?provider=` + regexp.QuoteMeta(v.ID) + `)">(\d+)</a>`).FindStringSubmatch(comps)
			if link == nil || link[2] != fmt.Sprint(v.Components) {
				t.Fatalf("no link to %d components in %s", v.Components, comps)
			}
			listed := c.get(html.UnescapeString(link[1])).body
			if !strings.Contains(text(listed), "of "+plural.Count(v.Components, "component")+".") {
				t.Errorf("the components list behind the link does not count %d: %s", v.Components, text(section(t, listed, "main", "</table>")))
			}
		})
	}

	// An ultimate parent has a page too, listing the providers it controls.
	for _, p := range cli.Parents {
		if p.ID == p.Providers[0] {
			continue
		}
		r := c.get("/w/default/vendors/" + p.ID)
		mustContain(t, "parent "+p.ID, r.body, "Ultimate parent of", `href="/w/default/vendors/`+p.Providers[0]+`?"`)
		break
	}
	if r := c.get("/w/default/vendors/nobody"); r.status != http.StatusNotFound {
		t.Errorf("an unknown vendor: %d", r.status)
	}
}

// TestVendorComparison: the comparison of three vendors ranks them and
// marks the best on each dimension as `sovmap vendors compare` does; the
// form refuses one vendor or five; a component preselects its candidates.
func TestVendorComparison(t *testing.T) {
	var cli risk.TrustComparison
	readCLI(t, "hospital-compare.json", &cli)
	e := trustEnv(t, backends[0].open(t))
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")

	var q []string
	for _, v := range cli.Vendors {
		q = append(q, "vendor="+v.ID)
	}
	r := c.get("/w/default/vendor-comparison?" + strings.Join(q, "&"))
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := text(section(t, r.body, "ranking", "</p>")); !strings.Contains(got, "Ranking: "+strings.Join(cli.Ranking, " › ")) {
		t.Errorf("ranking %q, the CLI's %v", got, cli.Ranking)
	}
	table := section(t, r.body, "comparison", "</table>")
	for _, dim := range cli.Dimensions {
		i := strings.Index(table, `<th scope="row">`+dim.Name+`</th>`)
		if i < 0 {
			t.Fatalf("no row %s", dim.Name)
		}
		cells := strings.Split(table[i:strings.Index(table[i:], "</tr>")+i], "<td>")[1:]
		if len(cells) != len(cli.Vendors) {
			t.Fatalf("%s: %d cells, want %d", dim.Name, len(cells), len(cli.Vendors))
		}
		for j, cell := range cells {
			want := tierText(dim.Cells[j]) + " " + fmt.Sprint(dim.Cells[j].Score)
			if got := text(cell); !strings.HasPrefix(got, want) {
				t.Errorf("%s, %s: %q, the CLI's %q", dim.Name, cli.Vendors[j].ID, got, want)
			}
			best := strings.Contains(cell, `<span class="tag">best</span>`)
			if cliBest := strings.Contains(" "+strings.Join(dim.Best, " ")+" ", " "+cli.Vendors[j].ID+" "); best != cliBest {
				t.Errorf("%s, %s: best %v, the CLI's %v", dim.Name, cli.Vendors[j].ID, best, cliBest)
			}
		}
	}
	weakest := text(table[strings.Index(table, "Weakest"):])
	for _, v := range cli.Vendors {
		if !strings.Contains(weakest, v.Trust.Weakest) {
			t.Errorf("%s: weakest %s not shown", v.ID, v.Trust.Weakest)
		}
	}

	for _, bad := range []string{"vendor=stackit&vendor=aws-emea&vendor=nvidia&vendor=hospital-it&vendor=openai-ireland", "vendor=stackit&vendor=nobody", "component=nothing"} {
		if r := c.get("/w/default/vendor-comparison?" + bad); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", bad, r.status)
		}
	}
	// The form alone, and a component with a single candidate: its
	// provider ticked, no comparison yet.
	r = c.get("/w/default/vendor-comparison")
	mustContain(t, "form", r.body, `name="vendor" value="stackit"`, `<option value="ehr-db">`)
	r = c.get("/w/default/vendor-comparison?component=ehr-db")
	mustContain(t, "candidates", r.body, `value="stackit" id="vc-stackit" checked`, `id="tick-more"`)
	if strings.Contains(r.body, `id="comparison"`) {
		t.Error("one candidate was compared")
	}
	// The vendor page's link: one vendor ticked, the form asks for more.
	r = c.get("/w/default/vendor-comparison?vendor=aws-emea")
	mustContain(t, "one vendor", r.body, `value="aws-emea" id="vc-aws-emea" checked`, "Tick at least one more vendor to compare with aws-emea")
	if r.status != http.StatusOK || strings.Contains(r.body, `id="comparison"`) {
		t.Errorf("one vendor: status %d, or compared alone", r.status)
	}
}
