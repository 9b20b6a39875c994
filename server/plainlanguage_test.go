package server

import (
	"html"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/framework"
)

// exampleLink finds links to the repository's files in a page.
var exampleLink = regexp.MustCompile(`href="https://github\.com/sovmap/sovmap/blob/main/([^"]+)"`)

// yamlJargon is a YAML key shown as code, such as <code>arrangements:</code>:
// an empty state should say what the feature is, not which key to write.
var yamlJargon = regexp.MustCompile(`<code>[a-z_]+:</code>`)

// TestEmptyStatesExplainAndLinkAnExample: a page with nothing to show says
// in words what the feature is and links to an example that exists in the
// repository.
func TestEmptyStatesExplainAndLinkAnExample(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	check := func(page, path string, wants ...string) {
		t.Helper()
		body := c.get(path).body
		mustContain(t, page, html.UnescapeString(body), wants...)
		links := exampleLink.FindAllStringSubmatch(body, -1)
		if len(links) == 0 {
			t.Errorf("%s links to no example", page)
		}
		for _, l := range links {
			if _, err := os.Stat("../" + l[1]); err != nil {
				t.Errorf("%s links to %s, which is not in the repository: %v", page, l[1], err)
			}
		}
		if j := yamlJargon.FindString(body); j != "" {
			t.Errorf("%s speaks YAML: %s", page, j)
		}
	}
	check("the empty workspace", "/w/default/", "Nothing has been uploaded", "inventory", "See an example")

	// An inventory with no flow, no arrangement and no assessment.
	bare := []byte("version: 1\norganization: {name: Bare, home: DE}\ncomponents:\n  - {id: db, layer: storage, provider: stackit, locations: [DE], operated_from: [DE]}\nproviders:\n  - {id: stackit, name: STACKIT, country: DE}\n")
	if r := c.upload("default", map[string][]byte{"bare.yaml": bare}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	check("the flows page", "/w/default/flows", "describes no data flow", "data flow</strong> is")
	check("the embassies page", "/w/default/embassies", "describes no digital embassy", "digital embassy</strong> is")
	check("the frameworks page", "/w/default/frameworks", "records no provider assessment", "provider assessment</strong> is")
}

// compareRow reads a row of the comparison's summary.
var compareRow = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td class="num">(-?\d+)</td><td class="num">(-?\d+)</td><td(?: class="(\w+)")?>([^<]+)</td></tr>`)

// TestCompareChangeColumnAndOrganizations: the summary has a change column
// (the difference, worse when a figure other than the component count
// grows), and comparing versions of two organizations says so.
func TestCompareChangeColumnAndOrganizations(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospitalV2()}, "")
	bank, err := os.ReadFile("../examples/bank-dora/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.upload("default", map[string][]byte{"inventory.yaml": bank}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}

	body := c.get("/w/default/compare?from=1&to=2").body
	rows := compareRow.FindAllStringSubmatch(body, -1)
	if len(rows) != 5 {
		t.Fatalf("the summary has %d rows, want 5:\n%s", len(rows), body)
	}
	changed := 0
	for _, r := range rows {
		before, _ := strconv.Atoi(r[2])
		after, _ := strconv.Atoi(r[3])
		d := after - before
		want, class := "no change", ""
		if d != 0 {
			changed++
			want = strconv.Itoa(d)
			if d > 0 {
				want = "+" + want
			}
			if r[1] != "Components" {
				class = map[bool]string{true: "worse", false: "better"}[d > 0]
				want += " (" + class + ")"
			}
		}
		if html.UnescapeString(r[5]) != want || r[4] != class {
			t.Errorf("%s: %s → %s reads %q (class %q), want %q (class %q)", r[1], r[2], r[3], r[5], r[4], want, class)
		}
	}
	// Moving the model registry to the US makes US law reach it.
	if changed == 0 {
		t.Error("no figure changed between the hospital's two versions")
	}
	if strings.Contains(body, "different organizations") {
		t.Error("two versions of one organization are flagged as different organizations")
	}
	body = html.UnescapeString(c.get("/w/default/compare?from=2&to=3").body)
	mustContain(t, "hospital against bank", body, "These versions describe different organizations", "Rhein-Main Kliniken Gruppe")
}

// TestFrameworkLevelShade: a framework's levels spread over the five
// colours by position, computed here by hand.
func TestFrameworkLevelShade(t *testing.T) {
	for _, tc := range []struct {
		top   int
		level []int
		want  []int
	}{
		{4, []int{0, 1, 2, 3, 4}, []int{0, 1, 2, 3, 4}},
		{2, []int{0, 1, 2}, []int{0, 2, 4}},
		// 1/3 of the way is 1.33 (1), 2/3 is 2.67 (3).
		{3, []int{0, 1, 2, 3}, []int{0, 1, 3, 4}},
		{1, []int{0, 1}, []int{0, 4}},
		{0, []int{0}, []int{0}},
	} {
		p := providerScore{Result: &framework.Result{TopLevel: tc.top}}
		for i, l := range tc.level {
			if got := p.Shade(l); got != tc.want[i] {
				t.Errorf("top %d, level %d: shade %d, want %d", tc.top, l, got, tc.want[i])
			}
		}
	}
	if got := (providerScore{}).Shade(2); got != 0 {
		t.Errorf("an unscored assessment has shade %d", got)
	}
}

// TestFrameworksPageWording: the typo the review found is gone and the
// levels carry the colour scale.
func TestFrameworksPageWording(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	hosts, err := os.ReadFile("../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c.upload("default", map[string][]byte{"inventory.yaml": hosts}, "")
	body := c.get("/w/default/frameworks").body
	if strings.Contains(body, "scores answers twice") {
		t.Error(`the frameworks page still reads "scores answers twice"`)
	}
	if !regexp.MustCompile(`<span class="lvl lvl-[0-4]">SEAL-\d</span>`).MatchString(body) {
		t.Error("the frameworks page shows no level on the colour scale")
	}
}
