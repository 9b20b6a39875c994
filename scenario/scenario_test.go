package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
)

func knowledge(t testing.TB) *kb.KB {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func model(t testing.TB, inv *sovmap.Inventory, opts assess.Options) *risk.Model {
	t.Helper()
	k := knowledge(t)
	ctx := context.Background()
	rep, err := assess.Assess(ctx, inv, k, opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := risk.NewModel(ctx, inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func days(n int) *int { return &n }

func yes() *bool { b := true; return &b }

func deps(ids ...string) []sovmap.Dependency {
	var out []sovmap.Dependency
	for _, id := range ids {
		if rest, ok := strings.CutPrefix(id, "~"); ok {
			out = append(out, sovmap.Dependency{ID: rest, Kind: sovmap.Supply})
		} else {
			out = append(out, sovmap.Dependency{ID: id, Kind: sovmap.Runtime})
		}
	}
	return out
}

// stressInventory is the hand-checked inventory of the scenario tests:
//
//	app (vital, DE, self) -> cluster (cloud-a, aws:eu-central-1, IE ops) -> store (de-cloud, DE+FR)
//	app -> cable (de-cloud, PT);  app ~> lib (cloud-a, US);  cluster ~> chip (us-parent, US)
//	cluster's declared alternative: spare (de-cloud, DE)
//	hosted (de-cloud, SG) under the embassy arrangement emb
//
// cloud-a (IE) is controlled by us-parent (US).
func stressInventory() *sovmap.Inventory {
	contract := func(notice int, law string) *sovmap.Contract {
		return &sovmap.Contract{GoverningLaw: law, ExitNoticeDays: days(notice), DataReturn: yes(), Portability: "open"}
	}
	return &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Stress", Home: "DE"},
		Providers: []sovmap.Provider{
			{ID: "us-parent", Country: "US"},
			{ID: "cloud-a", Country: "IE", Parent: "us-parent"},
			{ID: "de-cloud", Country: "DE"},
		},
		Components: []sovmap.Component{
			{ID: "store", Layer: sovmap.LayerStorage, Provider: "de-cloud", Locations: []string{"DE", "FR"}, OperatedFrom: []string{"DE"},
				Data: []string{"personal"}, Criticality: sovmap.CriticalityVital, KeyCustody: sovmap.KeysDomesticHSM, Contract: contract(60, "DE"), MigrationDays: days(100)},
			{ID: "cluster", Layer: sovmap.LayerCompute, Provider: "cloud-a", Locations: []string{"aws:eu-central-1"}, OperatedFrom: []string{"IE"},
				Data: []string{"personal"}, Criticality: sovmap.CriticalityHigh, KeyCustody: sovmap.KeysProvider, DependsOn: deps("store", "~chip"),
				Contract: contract(30, "IE"), MigrationDays: days(50), Alternatives: []string{"spare"}},
			{ID: "spare", Layer: sovmap.LayerCompute, Provider: "de-cloud", Locations: []string{"DE"}, OperatedFrom: []string{"DE"}, Criticality: sovmap.CriticalityMedium},
			{ID: "app", Layer: sovmap.LayerApplication, Locations: []string{"DE"}, Data: []string{"personal.health"}, Criticality: sovmap.CriticalityVital,
				DependsOn: deps("cluster", "cable", "~lib")},
			{ID: "lib", Layer: sovmap.LayerPlatform, Provider: "cloud-a", Locations: []string{"US"}, OperatedFrom: []string{"US"}, Criticality: sovmap.CriticalityLow},
			{ID: "chip", Layer: sovmap.LayerHardware, Provider: "us-parent", Locations: []string{"US"}, Criticality: sovmap.CriticalityHigh},
			{ID: "cable", Layer: sovmap.LayerConnectivity, Provider: "de-cloud", Locations: []string{"PT"}, OperatedFrom: []string{"DE"}, Criticality: sovmap.CriticalityHigh},
			{ID: "hosted", Layer: sovmap.LayerStorage, Provider: "de-cloud", Locations: []string{"SG"}, OperatedFrom: []string{"DE"}, Data: []string{"confidential"},
				Criticality: sovmap.CriticalityHigh, KeyCustody: sovmap.KeysCustomerHeld, Arrangement: "emb", Contract: contract(90, "DE")},
		},
		Arrangements: []sovmap.Arrangement{{ID: "emb", Host: "SG", Guest: "DE", Instrument: "treaty"}},
		Scenarios: []sovmap.Scenario{
			{ID: "cut", Kind: RegionCut, Target: "cable", RestoreDays: days(3), Description: "anchor drag"},
			{ID: "bad", Kind: ProviderExit, Target: "nobody"},
		},
	}
}

// embassyQualifies makes the arrangement emb a qualifying digital embassy.
func embassyQualifies(a sovmap.Arrangement) (bool, string) { return a.ID == "emb", "test embassy" }

func run(t *testing.T, m *risk.Model, opts Options, name string) *Result {
	t.Helper()
	s, declared, err := Resolve(m.Inv, name)
	if err != nil {
		t.Fatal(err)
	}
	opts.Limit = -1
	r, err := NewEngine(m, opts).Run(context.Background(), s, declared, true)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// hits renders the hit rows as "id:how:after" with after a level or "lost".
func hits(r *Result) string {
	var out []string
	for _, h := range r.Hits {
		after := fmt.Sprint(int(h.After))
		if h.Lost {
			after = "lost"
		}
		out = append(out, fmt.Sprintf("%s:%s:%s", h.ID, h.How, after))
	}
	return strings.Join(out, " ")
}

func TestScenariosKnownAnswers(t *testing.T) {
	m := model(t, stressInventory(), assess.Options{Qualifies: embassyQualifies})
	level := func(id string) int {
		u, ok := m.Index(id)
		if !ok {
			t.Fatalf("no component %q", id)
		}
		return int(m.Effective(u))
	}
	tests := []struct {
		name     string
		effect   Effect
		hits     string
		vital    []string
		data     []string
		restore  int
		outage   int
		basis    string
		declared bool
	}{
		{name: "compel:US", effect: Exposed,
			hits:  "cluster:direct:0 lib:direct:0 chip:direct:0 app:transitive:0",
			vital: []string{"app"}, data: []string{"personal", "personal.health"},
			restore: 180, basis: "lib: exit to a provider out of reach: notice not stated + migration 180 d (default for platform)"},
		// Ireland's only compelled-access law in the knowledge base is the
		// EU's e-Evidence Regulation, home law for a German organization
		// (Regulation (EU) 2023/1543 is Union law): nothing is hit.
		{name: "compel:IE", effect: Exposed, hits: ""},
		{name: "provider-exit:us-parent", effect: Lost,
			hits:  "cluster:direct:lost lib:direct:lost chip:direct:lost app:transitive:lost",
			vital: []string{"app"}, data: []string{"personal", "personal.health"}, restore: 180, outage: 180,
			basis: "lib: 180 d default migration for platform; no exit notice stated, so no time to prepare"},
		{name: "provider-exit:de-cloud", effect: Lost,
			hits:  "store:direct:lost spare:direct:lost cable:direct:lost hosted:direct:lost cluster:transitive:lost app:transitive:lost",
			vital: []string{"store", "app"}, data: []string{"confidential", "personal", "personal.health"}, restore: 120, outage: 90},
		{name: "region-cut:aws:eu-central-1", effect: Lost, hits: "cluster:direct:lost app:transitive:lost", vital: []string{"app"},
			data: []string{"personal", "personal.health"}, restore: 1, outage: 1, basis: "cluster: failover to the declared alternative spare"},
		{name: "energy-shortage:DE", effect: Lost,
			hits:  "cluster:direct:lost spare:direct:lost app:direct:lost store:partial:" + fmt.Sprint(level("store")),
			vital: []string{"app"}, data: []string{"personal", "personal.health"}, restore: 120, outage: 120},
		{name: "energy-shortage:FR", effect: Lost, hits: "store:partial:" + fmt.Sprint(level("store")), vital: []string{},
			data: []string{"personal"}, basis: "nothing is hit"},
		{name: "region-cut:cable", effect: Lost, hits: "cable:direct:lost app:transitive:lost", vital: []string{"app"},
			data: []string{"personal.health"}, restore: 90, outage: 90},
		{name: "cut", effect: Lost, hits: "cable:direct:lost app:transitive:lost", vital: []string{"app"},
			data: []string{"personal.health"}, restore: 3, outage: 3, basis: "restore_days of the scenario", declared: true},
		{name: "region-cut:PT", effect: Lost, hits: "cable:direct:lost app:transitive:lost", vital: []string{"app"},
			data: []string{"personal.health"}, restore: 90, outage: 90},
		{name: "export-control:accelerators", effect: SupplyCut,
			hits:  fmt.Sprintf("chip:direct:%d cluster:degraded:%d app:degraded:%d", level("chip"), level("cluster"), level("app")),
			vital: []string{}, data: []string{}, restore: 180},
		{name: "export-control:US", effect: SupplyCut,
			hits:  fmt.Sprintf("chip:direct:%d cluster:degraded:%d app:degraded:%d", level("chip"), level("cluster"), level("app")),
			vital: []string{}, data: []string{}, restore: 180},
		{name: "export-control:CN", effect: SupplyCut, vital: []string{}, data: []string{}, basis: "nothing is hit"},
		{name: "revoke-arrangement:emb", effect: Exposed, hits: "hosted:direct:1", vital: []string{}, data: []string{"confidential"}, restore: 120},
		{name: "compel:DE", effect: Exposed, vital: []string{}, data: []string{}, basis: "nothing is hit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, m, Options{Assess: assess.Options{Qualifies: embassyQualifies}}, tt.name)
			if r.Effect != tt.effect || hits(r) != tt.hits {
				t.Errorf("effect %s hits %q, want %s %q", r.Effect, hits(r), tt.effect, tt.hits)
			}
			if !slices.Equal(r.VitalHit, tt.vital) || !slices.Equal(r.Data, tt.data) {
				t.Errorf("vital %v data %v, want %v %v", r.VitalHit, r.Data, tt.vital, tt.data)
			}
			if r.RestoreDays != tt.restore || r.OutageDays != tt.outage {
				t.Errorf("restore %d outage %d (%s), want %d %d", r.RestoreDays, r.OutageDays, r.RestoreBasis, tt.restore, tt.outage)
			}
			if tt.basis != "" && r.RestoreBasis != tt.basis {
				t.Errorf("basis %q, want %q", r.RestoreBasis, tt.basis)
			}
			if r.Declared != tt.declared {
				t.Errorf("declared %v", r.Declared)
			}
			// The levels after add up to the inventory, lost included.
			sum := r.After.Lost
			for _, n := range r.After.ByLevel {
				sum += n
			}
			if sum != m.Len() {
				t.Errorf("levels after count %d components, want %d", sum, m.Len())
			}
		})
	}
}

func TestScenarioFigures(t *testing.T) {
	m := model(t, stressInventory(), assess.Options{})
	r := run(t, m, Options{}, "provider-exit:de-cloud")
	if r.Direct != 4 || r.Transitive != 2 || r.Degraded != 0 || r.Partial != 0 || r.VitalCount != 2 || r.CriticalHit != 5 || r.DataComponents != 4 {
		t.Errorf("counts %+v", r)
	}
	// Weights: store 8, spare 2, cable 4, hosted 4, cluster 4, app 8 = 30 of
	// 8+4+2+8+1+4+4+4 = 35.
	if r.Score != 30 || r.Impact != 85.71 {
		t.Errorf("score %v impact %v", r.Score, r.Impact)
	}
	if r.After.Lost != 6 {
		t.Errorf("after %+v", r.After)
	}
	// Breadth first from the seeds in order: app is first reached from the
	// cable, whose restore it shares.
	app := r.Hits[len(r.Hits)-1]
	if app.ID != "app" || !slices.Equal(app.Chain, []string{"app", "cable"}) || app.Reason != "runs on cable" || app.RestoreDays != 90 {
		t.Errorf("app row %+v", app)
	}
	r = run(t, m, Options{}, "export-control:accelerators")
	if r.Degraded != 2 || r.Score != 4+0.5*(4+8) || r.After.ByLevel != r.Before.ByLevel {
		t.Errorf("export control: degraded %d score %v after %+v", r.Degraded, r.Score, r.After)
	}
	if rows := hits(r); !strings.Contains(rows, "app:degraded") || r.Hits[2].Reason != "depends on cluster, which degrades" {
		t.Errorf("degraded rows %q %q", rows, r.Hits[2].Reason)
	}
	if len(r.Notes) == 0 {
		t.Error("export control without a note on the knowledge base")
	}
	r = run(t, m, Options{}, "energy-shortage:DE")
	if r.Partial != 1 || !strings.HasPrefix(r.Hits[3].Reason, "loses DE to an energy shortage in DE but keeps FR") {
		t.Errorf("partial %d, reason %q", r.Partial, r.Hits[3].Reason)
	}
	// Without a qualifying embassy, revoking changes no level.
	r = run(t, m, Options{}, "revoke-arrangement:emb")
	hosted, _ := m.Index("hosted")
	if hits(r) != fmt.Sprintf("hosted:direct:%d", m.Effective(hosted)) || len(r.Notes) != 1 {
		t.Errorf("revoke without embassy: %q %v", hits(r), r.Notes)
	}
}

func TestScenarioLimit(t *testing.T) {
	m := model(t, stressInventory(), assess.Options{})
	s, _ := Parse("provider-exit:de-cloud")
	r, err := NewEngine(m, Options{Limit: 2}).Run(context.Background(), s, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 2 || r.HitsNotShown != 4 {
		t.Errorf("%d rows, %d not shown", len(r.Hits), r.HitsNotShown)
	}
}

func TestScenarioErrors(t *testing.T) {
	m := model(t, stressInventory(), assess.Options{})
	e := NewEngine(m, Options{})
	for name, want := range map[string]string{
		"provider-exit:nobody":         `no component depends on provider "nobody"`,
		"region-cut:aws:nowhere-9":     `unknown region "aws:nowhere-9"`,
		"region-cut:zz-top":            `region-cut target "zz-top" is neither`,
		"energy-shortage:XX":           `unknown jurisdiction "XX"`,
		"compel:XX":                    `unknown jurisdiction "XX"`,
		"revoke-arrangement:nope":      `no arrangement "nope"`,
		"export-control:graphics-card": `export-control target "graphics-card" is neither`,
	} {
		s, err := Parse(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Run(context.Background(), s, false, true); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
	r, err := e.Run(context.Background(), sovmap.Scenario{ID: "x", Kind: RegionCut, Target: "aws:us-west-2"}, false, true)
	if err != nil || r.Direct != 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "no component is located in aws:us-west-2") {
		t.Errorf("unused region: %v %+v", err, r)
	}
	// A declared scenario's error names its position.
	bad := sovmap.Scenario{ID: "bad", Kind: ProviderExit, Target: "nobody", Pos: sovmap.Pos{File: "inv.yaml", Line: 7, Col: 5}}
	if _, err := e.Run(context.Background(), bad, true, true); err == nil || !strings.HasPrefix(err.Error(), "inv.yaml:7:5: ") {
		t.Errorf("declared error: %v", err)
	}
}

func TestParseAndResolve(t *testing.T) {
	for name, want := range map[string]sovmap.Scenario{
		"compel:US":                   {ID: "compel:US", Kind: Compel, Target: "US"},
		"region-cut:aws:eu-central-1": {ID: "region-cut:aws:eu-central-1", Kind: RegionCut, Target: "aws:eu-central-1"},
		"export-control:accelerators": {ID: "export-control:accelerators", Kind: ExportControl, Target: Accelerators},
	} {
		got, err := Parse(name)
		if err != nil || got.ID != want.ID || got.Kind != want.Kind || got.Target != want.Target {
			t.Errorf("Parse(%q) = %+v, %v", name, got, err)
		}
	}
	for _, bad := range []string{"compel", "compel:", "flood:DE", ":US", ""} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	inv := stressInventory()
	s, declared, err := Resolve(inv, "cut")
	if err != nil || !declared || s.Target != "cable" || *s.RestoreDays != 3 {
		t.Errorf("Resolve(cut) = %+v %v %v", s, declared, err)
	}
	if _, declared, err := Resolve(inv, "compel:US"); err != nil || declared {
		t.Errorf("Resolve(compel:US) declared %v err %v", declared, err)
	}
	for _, k := range Kinds {
		if EffectOf(k) == "" {
			t.Errorf("kind %s has no effect", k)
		}
	}
}

// FuzzParse: any name either parses into a kind and target that spell it
// back, or is refused with an error; never a panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"compel:US", "region-cut:aws:eu-central-1", "export-control:accelerators", "flood:DE", ":", "compel:", "", "provider-exit:a:b:c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s, err := Parse(name)
		if err != nil {
			return
		}
		if s.Kind+":"+s.Target != name || s.ID != name || s.Target == "" || !slices.Contains(Kinds, s.Kind) {
			t.Errorf("Parse(%q) = %+v", name, s)
		}
	})
}
