package svg

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/sample"
)

// wellFormed parses the document as XML and returns its root element name
// and whether it has a title and a desc.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var root string
	var title, desc bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
				if se.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q", se.Name.Space)
				}
			}
			title = title || se.Name.Local == "title"
			desc = desc || se.Name.Local == "desc"
		}
	}
	if root != "svg" || !title || !desc {
		t.Errorf("root %q, title %v, desc %v: want an svg with a title and a desc", root, title, desc)
	}
	if !strings.Contains(s, `role="img"`) {
		t.Error("picture lacks role=img")
	}
	if strings.Contains(s, "http") && strings.Count(s, "http://www.w3.org/2000/svg") != strings.Count(s, "http") {
		t.Error("picture refers to the network")
	}
}

func TestSpectrum(t *testing.T) {
	r := sample.Report()
	s := Spectrum(r.Layers)
	wellFormed(t, s)
	// One segment per non-zero level count, each coloured by its level.
	segments := 0
	for _, l := range r.Layers {
		for _, n := range l.ByLevel {
			if n > 0 {
				segments++
			}
		}
	}
	if got := strings.Count(s, "<rect x=") - 5; got != segments { // 5 legend swatches
		t.Errorf("%d bar segments, want %d", got, segments)
	}
	// The stack reads top down: operations first, hardware last.
	if strings.Index(s, ">operations<") > strings.Index(s, ">hardware<") {
		t.Error("operations must be drawn above hardware")
	}
	if !strings.Contains(s, "compute: 1 contractual (level 1)") {
		t.Error("segments must say their level in words")
	}
	if !strings.Contains(s, "application: 1 component (1 exposed)") {
		t.Errorf("desc does not describe the bars:\n%s", s)
	}
}

func TestSpectrumEmpty(t *testing.T) {
	s := Spectrum(nil)
	wellFormed(t, s)
	if !strings.Contains(s, "No components.") {
		t.Error("empty spectrum must say so")
	}
}

func TestConcentration(t *testing.T) {
	r := sample.Report()
	s := Concentration(r.Providers, r.Summary.HHIProvider)
	wellFormed(t, s)
	if !strings.Contains(s, "HHI 2653: highly concentrated") {
		t.Error("HHI band missing")
	}
	// aws-emea and amazon share a controller: one bar of 3/7.
	if !strings.Contains(s, "amazon (US), trusted tier: 43% (3 components, 1 critical)") {
		t.Errorf("controllers not summed:\n%s", s)
	}
}

func TestControllerSharesFoldsTheTail(t *testing.T) {
	var ps []sovmap.ProviderResult
	for i := 0; i < 15; i++ {
		ps = append(ps, sovmap.ProviderResult{ID: fmt.Sprintf("p%02d", i), Controller: fmt.Sprintf("c%02d", i), Components: 1, Share: float64(15-i) / 120, Tier: "trusted"})
	}
	got := ControllerShares(ps, 10)
	if len(got) != 10 {
		t.Fatalf("%d bars, want 10", len(got))
	}
	if got[0].Label != "c00" || got[9].Label != "6 others" || got[9].Components != 6 {
		t.Errorf("bars = %+v", got)
	}
}

func TestHHIBand(t *testing.T) {
	tests := []struct {
		hhi  int
		want string
	}{{0, "unconcentrated"}, {999, "unconcentrated"}, {1000, "moderately concentrated"}, {1800, "moderately concentrated"}, {1801, "highly concentrated"}, {10000, "highly concentrated"}}
	for _, tt := range tests {
		if got := HHIBand(tt.hhi); got != tt.want {
			t.Errorf("HHIBand(%d) = %s, want %s", tt.hhi, got, tt.want)
		}
	}
}

func TestDependenciesSample(t *testing.T) {
	s := Dependencies(sample.Report(), sample.Inventory(), 0)
	wellFormed(t, s)
	// 7 boxes, 4 dependency arrows (train-cluster -> gpu-pool, cuda; triage-model -> train-cluster).
	if got := strings.Count(s, `rx="4"`); got != 7 {
		t.Errorf("%d boxes, want 7", got)
	}
	if got := strings.Count(s, "marker-end="); got != 3 {
		t.Errorf("%d arrows, want 3", got)
	}
	if !strings.Contains(s, `stroke-dasharray="5 3"`) {
		t.Error("the supply dependency on cuda must be dashed")
	}
	// Gaps have a thick dashed border and a mark, not colour alone:
	// chat-app, train-cluster, triage-model.
	if got := strings.Count(s, `stroke-width="3" stroke-dasharray="6 3"`); got != 3 {
		t.Errorf("%d boxes with a gap border, want 3", got)
	}
	if got := strings.Count(s, `">`+GapMark+" ") - 1; got != 3 { // one in the legend
		t.Errorf("%d boxes with a gap border, want 3", got)
	}
}

func TestDependenciesSummarisesLargeStacks(t *testing.T) {
	r := &sovmap.Report{}
	inv := &sovmap.Inventory{}
	for i := 0; i < 120; i++ {
		id := fmt.Sprintf("c%03d<&>", i)
		layer := sovmap.Layers[i%len(sovmap.Layers)]
		gap := 0
		if i%10 == 0 {
			gap = 2
		}
		r.Components = append(r.Components, sovmap.ComponentResult{ID: id, Layer: layer, EffectiveLevel: sovmap.Level(i % 5), Gap: gap})
		c := sovmap.Component{ID: id, Layer: layer}
		if i > 0 {
			c.DependsOn = []sovmap.Dependency{{ID: fmt.Sprintf("c%03d<&>", i/2), Kind: sovmap.Runtime}}
		}
		inv.Components = append(inv.Components, c)
	}
	s := Dependencies(r, inv, 50)
	wellFormed(t, s)
	boxes := strings.Count(s, `rx="4"`)
	more := regexp.MustCompile(`\+(\d+) more`).FindAllStringSubmatch(s, -1)
	hidden := 0
	for _, m := range more {
		var n int
		fmt.Sscan(m[1], &n)
		hidden += n
	}
	if boxes != 50+len(more) {
		t.Errorf("%d boxes with %d summary boxes, want 50 components drawn", boxes, len(more))
	}
	if hidden != 70 {
		t.Errorf("summary boxes stand for %d components, want 70", hidden)
	}
	// Every component with a gap is among those drawn.
	for i := 0; i < 120; i += 10 {
		if !strings.Contains(s, fmt.Sprintf("<title>c%03d&lt;&amp;&gt; (", i)) {
			t.Errorf("component c%03d has a gap but is not drawn", i)
		}
	}
	if !strings.Contains(s, "50 of 120 components drawn") {
		t.Error("the picture must say it summarises")
	}
}

func TestDependenciesWithoutInventory(t *testing.T) {
	s := Dependencies(sample.Report(), nil, 10)
	wellFormed(t, s)
	if strings.Contains(s, "marker-end=") {
		t.Error("no inventory, no edges")
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("äbcdefgh", 4); got != "äbc…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("abc", 4); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}

// grouped is a report past GroupThreshold, its components spread over the
// layers and three providers, with an inventory in which component i
// depends on component i/2 (at run time) and, every seventh, on an id no
// component has.
func grouped() (*sovmap.Report, *sovmap.Inventory) {
	r, inv := &sovmap.Report{}, &sovmap.Inventory{}
	for i := range GroupThreshold + 300 {
		id := fmt.Sprintf("c%04d", i)
		layer := sovmap.Layers[i%len(sovmap.Layers)]
		r.Components = append(r.Components, sovmap.ComponentResult{ID: id, Layer: layer, Provider: fmt.Sprintf("p%d", i%3), EffectiveLevel: sovmap.Level(i % 5)})
		c := sovmap.Component{ID: id, Layer: layer}
		if i > 0 {
			c.DependsOn = []sovmap.Dependency{{ID: fmt.Sprintf("c%04d", i/2), Kind: sovmap.Runtime}}
		}
		if i%7 == 0 {
			c.DependsOn = append(c.DependsOn, sovmap.Dependency{ID: "elsewhere", Kind: sovmap.Supply})
		}
		inv.Components = append(inv.Components, c)
	}
	return r, inv
}

// draw draws r's picture from a Picture given, for component i, spec(i).
func draw(r *sovmap.Report, spec func(i int) *sovmap.Component) (string, *Picture) {
	p := NewPicture(0)
	for i := range r.Components {
		p.Add(&r.Components[i], spec(i))
	}
	if p.NeedsEdges() {
		for i := range r.Components {
			p.AddEdges(&r.Components[i], spec(i))
		}
	}
	return p.Draw(), p
}

// TestPictureKeepsIDsOnlyForArrows: a picture past GroupThreshold without
// inventory entries draws no arrows and keeps no component's id.
func TestPictureKeepsIDsOnlyForArrows(t *testing.T) {
	r, _ := grouped()
	s, p := draw(r, func(int) *sovmap.Component { return nil })
	wellFormed(t, s)
	if len(p.groupOf) != 0 {
		t.Errorf("%d ids kept without an inventory", len(p.groupOf))
	}
	if strings.Contains(s, "marker-end=") {
		t.Error("no inventory, no arrows")
	}
}

// TestPictureEntriesLate: in grouped mode, components that come without
// their inventory entry before the first that has one still receive the
// arrows of the components that depend on them: the picture is the one of
// the same components each with an entry, those without one depending on
// nothing. Every dependency on a component of the report is counted (the
// text alternative says how many, counted here by hand from the
// inventory's rule: i depends on i/2).
func TestPictureEntriesLate(t *testing.T) {
	r, inv := grouped()
	const late = 40 // components before the first entry
	want, _ := draw(r, func(i int) *sovmap.Component {
		if i < late {
			return &sovmap.Component{ID: inv.Components[i].ID, Layer: inv.Components[i].Layer}
		}
		return &inv.Components[i]
	})
	got, _ := draw(r, func(i int) *sovmap.Component {
		if i < late {
			return nil
		}
		return &inv.Components[i]
	})
	wellFormed(t, got)
	if got != want {
		t.Errorf("the picture differs when the first %d components come without their entry", late)
	}
	// Components late..n-1 each depend on i/2, a component of the report;
	// half of them, i/2 < late for i < 2*late, on one without an entry.
	deps := len(r.Components) - late
	if phrase := fmt.Sprintf("%d dependencies", deps); !strings.Contains(got, phrase) {
		t.Errorf("the picture does not say %q", phrase)
	}
}
