package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// figuresInventory is small enough to work out by hand. Third-party
// components: api and analytics (megacorp-eu, a subsidiary of megacorp),
// gpu (megacorp), db (hostco), link (netco); in-house: app, backup, web.
// Runtime edges: app->api, api->db, api->gpu, analytics->db, web->link,
// web->app; supply: backup->db.
const figuresInventory = `version: 1
organization: {name: Figures test, home: DE}
providers:
  - {id: hostco, name: Host Co, country: DE}
  - {id: megacorp, name: Megacorp Inc, country: US}
  - {id: megacorp-eu, name: Megacorp Europe, country: IE, parent: megacorp}
  - {id: netco, name: Net Co, country: FR}
components:
  - {id: app, layer: application, locations: [DE], criticality: vital, depends_on: [api]}
  - {id: api, layer: compute, provider: megacorp-eu, locations: [DE], criticality: high, depends_on: [db, gpu]}
  - {id: db, layer: storage, provider: hostco, locations: [DE], criticality: vital}
  - {id: gpu, layer: hardware, provider: megacorp, locations: [DE], criticality: medium}
  - {id: analytics, layer: compute, provider: megacorp-eu, locations: [IE], criticality: low, depends_on: [db]}
  - {id: backup, layer: storage, locations: [DE], depends_on: [{id: db, kind: supply}]}
  - {id: link, layer: connectivity, provider: netco, locations: [FR], criticality: high}
  - {id: web, layer: application, locations: [DE], depends_on: [link, app]}
`

// exitOracle is what each provider's exit takes, worked out by hand from
// the edges above. megacorp's exit takes megacorp-eu's components along:
// gpu, api, analytics, then app (runs on api) and web (runs on app).
var exitOracle = map[string]struct{ direct, down, degraded, vital int }{
	"megacorp":    {direct: 3, down: 5, degraded: 0, vital: 1},
	"megacorp-eu": {direct: 2, down: 4, degraded: 0, vital: 1},
	"hostco":      {direct: 1, down: 5, degraded: 1, vital: 2}, // db, api, analytics, app, web; backup degrades
	"netco":       {direct: 1, down: 2, degraded: 0, vital: 0}, // link, web
}

// TestFiguresAgreeAcrossCommands checks that the register, the graph's
// blast radius and the provider-exit scenarios give one figure for one
// question, the one worked out by hand, and that every concentration
// figure states its basis.
func TestFiguresAgreeAcrossCommands(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "inv.yaml"), []byte(figuresInventory), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(v any, args ...string) {
		t.Helper()
		stdout, stderr, code := runBin(t, dir, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), v); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stdout)
		}
	}
	type hhi struct {
		HHI   int     `json:"hhi"`
		Top   string  `json:"top"`
		Share float64 `json:"top_share"`
		Basis string  `json:"basis"`
	}
	type vendor struct {
		ID         string
		Components int
		Share      float64
		Lost       int `json:"lost_on_exit"`
		VitalLost  int `json:"vital_lost_on_exit"`
		Degraded   int `json:"degraded_on_exit"`
	}
	var reg struct {
		Concentration struct {
			AllComponents  hhi `json:"all_components"`
			Provider       hhi
			Parent         hhi
			Jurisdiction   hhi
			CriticalParent hhi `json:"critical_parent"`
		}
		ShareBasis string `json:"share_basis"`
		ExitBasis  string `json:"exit_basis"`
		Providers  []vendor
		Parents    []vendor
	}
	run(&reg, "vendors", "inv.yaml", "--format", "json")
	var rep struct {
		Summary struct {
			HHI int `json:"hhi_provider"`
		}
	}
	run(&rep, "assess", "inv.yaml", "--format", "json", "--fail-on", "0")

	// Concentration, by hand: 5 third-party components of 8.
	//   by provider: megacorp-eu 2, gpu's megacorp 1, hostco 1, netco 1:
	//     40² + 3 x 20² = 2800
	//   by parent and by country: megacorp (US) 3, hostco (DE) 1, netco (FR) 1:
	//     60² + 2 x 20² = 4400
	//   critical by parent: api (megacorp), db (hostco), link (netco): 3 x 33.3² = 3333
	//   all 8 by ultimate controller, in-house (app, backup, web) as one group:
	//     2 x 37.5² + 2 x 12.5² = 3125
	c := reg.Concentration
	for _, tt := range []struct {
		name  string
		got   hhi
		index int
		basis string
	}{
		{"provider", c.Provider, 2800, "third-party components (5 of 8), by provider"},
		{"parent", c.Parent, 4400, "third-party components (5 of 8), by ultimate parent"},
		{"jurisdiction", c.Jurisdiction, 4400, "third-party components (5 of 8), by the ultimate parent's country"},
		{"critical parent", c.CriticalParent, 3333, "critical (vital or high) third-party components (3), by ultimate parent"},
		{"all components", c.AllComponents, 3125, "all components (8), by ultimate controller, in-house as one group"},
	} {
		if tt.got.HHI != tt.index || tt.got.Basis != tt.basis {
			t.Errorf("%s: HHI %d (%q), want %d (%q)", tt.name, tt.got.HHI, tt.got.Basis, tt.index, tt.basis)
		}
	}
	if rep.Summary.HHI != c.AllComponents.HHI {
		t.Errorf("assess's hhi_provider %d, the register's all-components index %d: one question, two figures", rep.Summary.HHI, c.AllComponents.HHI)
	}
	// The top parent's share is of third-party components (3 of 5); its
	// row's share is of all components (3 of 8), as the share basis says.
	if c.Parent.Top != "megacorp" || c.Parent.Share != 0.6 {
		t.Errorf("top parent %s %.4f, want megacorp 0.6", c.Parent.Top, c.Parent.Share)
	}
	if !strings.HasPrefix(reg.ShareBasis, "share: of all 8 components") || !strings.Contains(reg.ExitBasis, "every provider it controls") {
		t.Errorf("bases %q, %q", reg.ShareBasis, reg.ExitBasis)
	}
	rows := map[string]vendor{}
	for _, v := range reg.Providers {
		rows["provider "+v.ID] = v
	}
	for _, v := range reg.Parents {
		rows["parent "+v.ID] = v
	}
	if p := rows["parent megacorp"]; p.Components != 3 || p.Share != 0.375 {
		t.Errorf("parent megacorp: %d components, share %.4f; want 3 and 0.375", p.Components, p.Share)
	}

	var rawGraph struct {
		BlastBasis string `json:"blast_basis"`
		Providers  []struct {
			ID       string `json:"id"`
			Direct   int    `json:"direct"`
			Down     int    `json:"down"`
			Degraded int    `json:"degraded"`
			Vital    int    `json:"vital_down"`
		} `json:"providers"`
	}
	run(&rawGraph, "graph", "inv.yaml", "--format", "json", "--limit", "-1")
	if !strings.Contains(rawGraph.BlastBasis, "every provider it controls") {
		t.Errorf("blast basis %q", rawGraph.BlastBasis)
	}
	blast := map[string]int{}
	for i, b := range rawGraph.Providers {
		blast[b.ID] = i
	}
	for id, want := range exitOracle {
		// The register: a provider's row, and a parent's for the parents.
		if v, ok := rows["provider "+id]; !ok || v.Lost != want.down || v.VitalLost != want.vital || v.Degraded != want.degraded {
			t.Errorf("register %s: lost %d, vital %d, degraded %d; want %d, %d, %d", id, v.Lost, v.VitalLost, v.Degraded, want.down, want.vital, want.degraded)
		}
		if v, ok := rows["parent "+id]; ok && v.Lost != want.down {
			t.Errorf("register parent %s: lost %d, want %d", id, v.Lost, want.down)
		}
		// The graph.
		i, ok := blast[id]
		if !ok {
			t.Errorf("graph: no blast radius for %s", id)
			continue
		}
		if b := rawGraph.Providers[i]; b.Direct != want.direct || b.Down != want.down || b.Degraded != want.degraded || b.Vital != want.vital {
			t.Errorf("graph %s: %+v, want %+v", id, b, want)
		}
		// The scenario.
		var r struct {
			Direct, Transitive, Degraded int
			Vital                        int `json:"vital_count"`
			Basis                        string
		}
		run(&r, "scenario", "inv.yaml", "provider-exit:"+id, "--format", "json")
		if r.Direct != want.direct || r.Direct+r.Transitive != want.down || r.Degraded != want.degraded || r.Vital != want.vital {
			t.Errorf("provider-exit:%s: %d direct + %d transitive, %d degraded, %d vital; want %+v", id, r.Direct, r.Transitive, r.Degraded, r.Vital, want)
		}
		if !strings.Contains(r.Basis, "every provider it controls") {
			t.Errorf("provider-exit:%s basis %q", id, r.Basis)
		}
	}
}

// TestBlocLocationsAgree: a component located in the bloc EU is hit in
// part, not at all nor whole, by an energy shortage or a cut of one
// member, and is not in that member's blast radius; the whole bloc hits it.
func TestBlocLocationsAgree(t *testing.T) {
	dir := t.TempDir()
	inv := `version: 1
organization: {name: Bloc test, home: DE}
components:
  - {id: eu-store, layer: storage, locations: [EU], operated_from: [DE], criticality: vital}
  - {id: app, layer: application, locations: [DE], depends_on: [eu-store]}
`
	if err := os.WriteFile(filepath.Join(dir, "inv.yaml"), []byte(inv), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		scenario                 string
		direct, transitive, part int
	}{
		{"energy-shortage:AT", 0, 0, 1},
		{"region-cut:AT", 0, 0, 1},
		// app is located in DE, a member: hit directly too.
		{"energy-shortage:EU", 2, 0, 0},
		{"region-cut:EU", 2, 0, 0},
	} {
		stdout, stderr, code := runBin(t, dir, "scenario", "inv.yaml", tt.scenario, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.scenario, code, stderr)
		}
		var r struct{ Direct, Transitive, Partial int }
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		if r.Direct != tt.direct || r.Transitive != tt.transitive || r.Partial != tt.part {
			t.Errorf("%s: %+v, want %d direct, %d transitive, %d partial", tt.scenario, r, tt.direct, tt.transitive, tt.part)
		}
	}
	stdout, stderr, code := runBin(t, dir, "graph", "inv.yaml", "--format", "json", "--limit", "-1")
	if code != 0 {
		t.Fatalf("graph: %s", stderr)
	}
	var g struct {
		Jurisdictions []struct {
			ID           string `json:"id"`
			Direct, Down int
		} `json:"jurisdictions"`
	}
	if err := json.Unmarshal([]byte(stdout), &g); err != nil {
		t.Fatal(err)
	}
	for _, j := range g.Jurisdictions {
		switch j.ID {
		case "AT":
			t.Errorf("AT's blast radius takes %d down; a component in the bloc EU is only partly in AT", j.Down)
		case "DE": // operated from DE: hit through operations
			if j.Direct != 2 || j.Down != 2 {
				t.Errorf("DE: %+v, want 2 direct (eu-store operated from DE, app located there), 2 down", j)
			}
		}
	}
}
