package svg

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
)

func TestWorldmapData(t *testing.T) {
	if n := len(worldmapData); n > 300_000 {
		t.Errorf("worldmap.txt is %d bytes; keep it under 300 KB", n)
	}
	codes := map[string]bool{}
	for _, o := range baseMap() {
		if o.code != "" {
			if codes[o.code] {
				t.Errorf("country %s twice", o.code)
			}
			codes[o.code] = true
		}
		if o.box[0] < 0 || o.box[2] > mapW || o.box[1] < 0 || o.box[3] > mapH {
			t.Errorf("%s (%s) outside the map: %v", o.name, o.code, o.box)
		}
	}
	if len(codes) < 170 {
		t.Errorf("%d countries with a code, want the 170 or so of Natural Earth 110m", len(codes))
	}
	// Known places, by hand from an atlas: Berlin (13.4E, 52.5N) lies in
	// Germany's box, Washington (77W, 38.9N) in that of the United States.
	at := func(lon, lat float64) (float64, float64) {
		return (lon + 180) / 360 * mapW, (mapNorth - lat) / 360 * mapW
	}
	for code, p := range map[string][2]float64{"DE": {13.4, 52.5}, "US": {-77, 38.9}, "JP": {139.7, 35.7}, "BR": {-47.9, -15.8}} {
		x, y := at(p[0], p[1])
		var found bool
		for _, o := range baseMap() {
			if o.code == code {
				found = true
				if x < o.box[0] || x > o.box[2] || y < o.box[1] || y > o.box[3] {
					t.Errorf("%s: capital at %.0f,%.0f outside its box %v", code, x, y, o.box)
				}
			}
		}
		if !found {
			t.Errorf("no outline for %s", code)
		}
	}
}

// fakePlaces resolves two region ids and gives fixed tiers.
type fakePlaces struct{}

func (fakePlaces) Country(l string) string {
	switch l {
	case "aws:us-east-1":
		return "US"
	case "nowhere:x":
		return ""
	}
	return l
}

func (fakePlaces) Tier(c string) string {
	return map[string]string{"DE": "home", "FR": "trusted", "IE": "trusted", "US": "neutral", "RU": "restricted"}[c]
}

func TestBuildGeoAndMap(t *testing.T) {
	inv := &sovmap.Inventory{Components: []sovmap.Component{
		{ID: "db", Locations: []string{"DE", "FR"}, OperatedFrom: []string{"DE"}},
		{ID: "gpu", Locations: []string{"aws:us-east-1", "nowhere:x"}, OperatedFrom: []string{"US", "IE"}},
		{ID: "chat", Locations: []string{"RU"}},
	}}
	cloud := sovmap.Exposure{Jurisdiction: "US", Law: "CLOUD Act", Via: sovmap.ViaControl, Tier: "neutral"}
	rep := &sovmap.Report{Home: "DE",
		Components: []sovmap.ComponentResult{
			{ID: "db", ExposureDetails: []sovmap.Exposure{{Jurisdiction: "US", Law: "CLOUD Act", Mitigated: true}}, Exposure: []string{"US"}},
			{ID: "gpu", ExposureDetails: []sovmap.Exposure{cloud}, Exposure: []string{"US"}},
			{ID: "chat"},
		},
		Flows: []sovmap.FlowResult{
			{ID: "f1", From: "db", To: "gpu", FromJurisdictions: []string{"DE"}, ToJurisdictions: []string{"US"}, Verdict: sovmap.Allowed},
			{ID: "f2", From: "db", To: "chat", FromJurisdictions: []string{"DE"}, ToJurisdictions: []string{"RU"}, Verdict: sovmap.Violation},
			{ID: "f3", From: "gpu", To: "db", FromJurisdictions: []string{"US"}, ToJurisdictions: []string{"DE"}, Verdict: sovmap.Allowed},
		},
	}
	g := BuildGeo(rep, inv, fakePlaces{})
	by := map[string]GeoCountry{}
	for _, c := range g.Countries {
		by[c.Code] = c
	}
	// By hand: DE has db located and operated; FR db located; US gpu
	// located and operated; IE gpu operated; RU chat located.
	want := map[string][2]int{"DE": {1, 1}, "FR": {1, 0}, "US": {1, 1}, "IE": {0, 1}, "RU": {1, 0}}
	for code, w := range want {
		if c := by[code]; c.Located != w[0] || c.Operated != w[1] || c.Components != 1 {
			t.Errorf("%s: located %d operated %d, want %v", code, c.Located, c.Operated, w)
		}
	}
	if g.Unresolved != 1 {
		t.Errorf("unresolved %d, want 1 (nowhere:x)", g.Unresolved)
	}
	// The CLOUD Act reaches gpu (unmitigated) in US and IE; in US it is not
	// foreign, in DE it is mitigated by db's keys.
	if got := by["IE"].ForeignLaws; !slices.Equal(got, []string{"CLOUD Act (US)"}) {
		t.Errorf("IE foreign laws %v", got)
	}
	if len(by["US"].ForeignLaws) != 0 || len(by["DE"].ForeignLaws) != 0 {
		t.Errorf("US %v, DE %v: want none", by["US"].ForeignLaws, by["DE"].ForeignLaws)
	}
	if by["US"].Reaches != 1 {
		t.Errorf("US laws reach %d, want 1 (gpu)", by["US"].Reaches)
	}
	// Flows, violations first: f2 violation; f1 into gpu, reached by US;
	// f3 into db, whose exposure is mitigated: plainly allowed.
	wantFlows := []GeoFlow{{"DE", "RU", FlowViolation, 1}, {"DE", "US", FlowReachable, 1}, {"US", "DE", FlowAllowed, 1}}
	if !slices.Equal(g.Flows, wantFlows) {
		t.Errorf("flows %+v, want %+v", g.Flows, wantFlows)
	}

	out := WorldMap(g)
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("map is not well-formed XML: %v", err)
		}
	}
	for _, s := range []string{"<title>Ireland (IE), trusted: 0 located, 1 operated from; reached by CLOUD Act (US)</title>",
		"url(#worldmap-hatch)", `marker-end="url(#worldmap-arrow-violation)"`, "allowed, reachable by foreign law", "<script"} {
		if has := strings.Contains(out, s); has != (s != "<script") {
			t.Errorf("map: contains %q is %v", s, has)
		}
	}
	// An empty estate still draws the whole world.
	if empty := WorldMap(Geo{Home: "DE"}); !strings.Contains(empty, `viewBox="0.0 0.0 1000.0`) {
		t.Errorf("empty map: %.200s", empty)
	}
}
