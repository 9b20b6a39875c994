package html

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/sovmap/sovmap/internal/golden"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/internal/sample"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report/svg"
)

var fixed = Options{Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), ToolVersion: "test"}

func render(t *testing.T, r *sovmap.Report, inv *sovmap.Inventory, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteOptions(&buf, r, inv, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	got := render(t, sample.Report(), sample.Inventory(), fixed)
	golden := filepath.Join("testdata", "sample.html")
	goldenfile.Check(t, golden, []byte(got))
}

// TestSelfContained checks that the page loads nothing from elsewhere.
func TestSelfContained(t *testing.T) {
	page := render(t, sample.Report(), sample.Inventory(), fixed)
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(http", "src=", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// The only absolute URL is the SVG namespace.
	urls := regexp.MustCompile(`https?://[^"' )<]+`).FindAllString(page, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("page refers to %s", u)
		}
	}
}

func TestAccessibleMarkup(t *testing.T) {
	page := render(t, sample.Report(), sample.Inventory(), fixed)
	if !strings.Contains(page, `<html lang="en">`) {
		t.Error("no language on <html>")
	}
	if n := strings.Count(page, "<h1>"); n != 1 {
		t.Errorf("%d h1 headings, want 1", n)
	}
	if tables, captions := strings.Count(page, "<table>"), strings.Count(page, "<caption>"); tables == 0 || tables != captions {
		t.Errorf("%d tables, %d captions: every table needs a caption", tables, captions)
	}
	if svgs, titles := strings.Count(page, "<svg "), strings.Count(page, "-title\">"); svgs != 4 || titles != 4 {
		t.Errorf("%d pictures, %d titles: want 4 titled pictures (spectrum, stack, map, concentration)", svgs, titles)
	}
	if strings.Count(page, `role="img"`) != 4 {
		t.Error("pictures need role=img")
	}
	// Headings never skip a level: h1, then h2 sections, no h4.
	if strings.Contains(page, "<h4") {
		t.Error("heading levels skip")
	}
}

func TestContent(t *testing.T) {
	page := render(t, sample.Report(), sample.Inventory(), fixed)
	wants := []string{
		// escaping of the organization name
		"Klinikverbund &lt;Nord&gt; &amp; Söhne",
		// gaps with remediation, the binding factors' remedies
		"hold the keys yourself (customer-held or a domestic HSM)",
		"dependency <code>train-cluster</code> (own level 4)",
		"choose a provider controlled from a trusted jurisdiction",
		// vendor concentration
		"<strong>2653</strong> (highly concentrated",
		// flows
		`<td class="violation">violation</td>`,
		// restricted jurisdiction called out
		"Restricted jurisdictions involved: chat-app (RU)",
		// exposure grouped by jurisdiction: US reaches 3 components, 1 mitigated
		`<th scope="row">US</th><td>trusted</td><td>us-cloud-act, us-fisa-702</td><td class="num">3</td><td class="num">1</td>`,
	}
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	// The legal condition the sample fails is listed with its law and basis.
	if !strings.Contains(page, `id="conditions"`) || !strings.Contains(page, "<code>law:de-sgb-v-393</code>") || !strings.Contains(page, "law: SGB V § 393") {
		t.Error("page lacks the legal-conditions section with the unmet law, its basis and citation")
	}
	if strings.Contains(page, "<Nord>") {
		t.Error("organization name is not escaped")
	}
	// Largest gap first, then by id, in the gaps section.
	gaps := page[strings.Index(page, `id="gaps"`):]
	i1 := strings.Index(gaps, "<th scope=\"row\"><code>chat-app</code>")
	i2 := strings.Index(gaps, "<th scope=\"row\"><code>train-cluster</code>")
	if i1 < 0 || i2 < 0 || i1 > i2 {
		t.Error("gaps are not sorted by size, then id")
	}
}

// TestLevelColoursMatchPictures keeps the badges and the SVG pictures in
// the same colours.
func TestLevelColoursMatchPictures(t *testing.T) {
	page := render(t, &sovmap.Report{}, nil, fixed)
	for l, c := range svg.LevelColors {
		if !strings.Contains(page, fmt.Sprintf(".l%d { background: %s;", l, c)) {
			t.Errorf("CSS colour of level %d is not %s", l, c)
		}
	}
}

func TestEmptyReport(t *testing.T) {
	page := render(t, &sovmap.Report{}, nil, fixed)
	for _, w := range []string{"No component is below its required level.", "No foreign compelled-access law", "declares no data flows"} {
		if !strings.Contains(page, w) {
			t.Errorf("empty report lacks %q", w)
		}
	}
}

func TestExamples(t *testing.T) {
	examples, err := sample.Examples(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range examples {
		page := render(t, ex.Report, ex.Inventory, fixed)
		for _, c := range ex.Report.Components {
			if !strings.Contains(page, "<code>"+c.ID+"</code>") {
				t.Errorf("%s: component %s missing from the page", ex.Name, c.ID)
			}
		}
	}
}

func TestNilReport(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil, nil); err == nil {
		t.Fatal("Write(nil) succeeded")
	}
}

// TestOneLevelScale holds the report's level badges to the pictures' colours.
func TestOneLevelScale(t *testing.T) {
	page := render(t, sample.Report(), sample.Inventory(), fixed)
	for i := range svg.LevelColors {
		want := fmt.Sprintf(".l%d { background: %s; color: %s; }", i, svg.LevelColors[i], svg.LevelText[i])
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(page, `id="worldmap-title"`) || !strings.Contains(page, "Countries of the estate") {
		t.Error("the report has no world map with its table")
	}
}

// assessed builds and assesses a synthetic inventory of n components.
func assessed(t *testing.T, n, providers int) (*sovmap.Report, *sovmap.Inventory) {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := gen.Inventory(k, gen.Options{Components: n, Providers: providers, Seed: 3})
	r, err := assess.Assess(t.Context(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r, inv
}

// TestStackAtScale renders the report of 1,500 components: the stack
// picture must fold them by layer and provider into a few boxes per layer
// whose counts, read back from the labels, add up to every component of
// each layer, and draw few arrows.
func TestStackAtScale(t *testing.T) {
	r, inv := assessed(t, 1500, 40)
	page := render(t, r, inv, fixed)
	stack := regexp.MustCompile(`(?s)<svg[^>]*aria-labelledby="stack-title.*?</svg>`).FindString(page)
	if stack == "" {
		t.Fatal("no stack picture")
	}
	perLayer := map[sovmap.Layer]int{}
	for _, c := range r.Components {
		perLayer[c.Layer]++
	}
	// Boxes: a rect and a label "provider ×N" or "K others ×N", in bands
	// whose y is the box's layer.
	boxes := regexp.MustCompile(`<rect x="[0-9.]+" y="([0-9.]+)" width="\d+" height="\d+" rx="4"[^>]*/><text[^>]*>([^<]*) ×(\d+) <tspan`).FindAllStringSubmatch(stack, -1)
	bandOf := map[string]sovmap.Layer{}
	for _, m := range regexp.MustCompile(`<text x="8" y="([0-9.]+)"[^>]*>([a-z]+)</text>`).FindAllStringSubmatch(stack, -1) {
		bandOf[m[1]] = sovmap.Layer(m[2])
	}
	counted, perBand := map[sovmap.Layer]int{}, map[sovmap.Layer]int{}
	for _, b := range boxes {
		y, _ := strconv.ParseFloat(b[1], 64)
		layer := bandOf[strconv.Itoa(int(y)+15)] // the band's label is at the box's middle
		n, _ := strconv.Atoi(b[3])
		counted[layer] += n
		perBand[layer]++
	}
	for l, n := range perLayer {
		if counted[l] != n {
			t.Errorf("layer %s: boxes count %d components, the report has %d", l, counted[l], n)
		}
		if perBand[l] > 6 {
			t.Errorf("layer %s: %d boxes; want at most 6", l, perBand[l])
		}
	}
	if arrows := strings.Count(stack, `marker-end="url(#stack-arrow)"`); arrows > 40 || arrows == 0 {
		t.Errorf("%d arrows; want at most the 40 heaviest", arrows)
	}
	if !strings.Contains(stack, "1500 components folded by layer and provider") {
		t.Error("the picture does not say how it is folded")
	}
	// Below the threshold the picture still draws components.
	r, inv = assessed(t, 200, 40)
	if small := render(t, r, inv, fixed); !strings.Contains(small, `50 of 200 components drawn`) {
		t.Error("200 components: the picture is not the one of single components")
	}
}

// TestNoProviders renders an inventory whose components name no provider:
// the concentration must say there are none, not "HHI 10000: highly
// concentrated" for the organization as its own single vendor.
func TestNoProviders(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "DE"}, Components: []sovmap.Component{
		{ID: "rack", Layer: sovmap.LayerHardware, Locations: []string{"DE"}},
		{ID: "app", Layer: sovmap.LayerApplication, Locations: []string{"DE"}},
	}}
	r, err := assess.Assess(t.Context(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := render(t, r, inv, fixed)
	for _, bad := range []string{"highly concentrated", "HHI 10000", ">10000<"} {
		if strings.Contains(page, bad) {
			t.Errorf("page says %q with no provider", bad)
		}
	}
	if !strings.Contains(page, "No providers") {
		t.Error("page does not say there are no providers")
	}
	t.Logf("HHI of the report: %d", r.Summary.HHIProvider)
}
