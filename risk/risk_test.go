package risk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/graph"
	"github.com/sovmap/sovmap/kb"
)

func knowledge(t testing.TB) *kb.KB {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// model assesses an inventory built in Go and interns it.
func model(t testing.TB, inv *sovmap.Inventory) *Model {
	t.Helper()
	k := knowledge(t)
	ctx := context.Background()
	rep, err := assess.Assess(ctx, inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(ctx, inv, rep, k)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func days(n int) *int { return &n }

func yes() *bool { b := true; return &b }

// dep parses "id" (runtime) or "~id" (supply).
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

// vendorInventory: two providers under one US parent (cloud-a, cloud-b ->
// us-parent), a German provider with an alternative, and in-house
// components.
//
//	app (vital, self) -> api (cloud-a) -> db (de-cloud)
//	batch (high, cloud-b) ~> db            (supply)
//	report (self) -> batch
//	hw (hardware, cloud-a)
func vendorInventory() *sovmap.Inventory {
	contract := func(notice int) *sovmap.Contract {
		return &sovmap.Contract{GoverningLaw: "DE", ExitNoticeDays: days(notice), DataReturn: yes(), Portability: "open"}
	}
	return &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Test agency", Home: "DE"},
		Providers: []sovmap.Provider{
			{ID: "us-parent", Name: "US Parent Inc.", Country: "US"},
			{ID: "cloud-a", Country: "IE", Parent: "us-parent"},
			{ID: "cloud-b", Country: "NL", Parent: "us-parent"},
			{ID: "de-cloud", Country: "DE", Alternatives: []string{"ionos"}},
		},
		Components: []sovmap.Component{
			{ID: "app", Layer: sovmap.LayerApplication, Locations: []string{"DE"}, Criticality: sovmap.CriticalityVital, DependsOn: deps("api")},
			{ID: "api", Layer: sovmap.LayerModel, Provider: "cloud-a", Locations: []string{"IE"}, OperatedFrom: []string{"IE"},
				Data: []string{"personal"}, Criticality: sovmap.CriticalityHigh, DependsOn: deps("db"), Contract: contract(30), MigrationDays: days(200)},
			{ID: "db", Layer: sovmap.LayerStorage, Provider: "de-cloud", Locations: []string{"DE"}, OperatedFrom: []string{"DE"},
				Data: []string{"personal"}, Criticality: sovmap.CriticalityVital, KeyCustody: sovmap.KeysDomesticHSM, Contract: contract(90)},
			{ID: "batch", Layer: sovmap.LayerCompute, Provider: "cloud-b", Locations: []string{"NL"}, OperatedFrom: []string{"NL"},
				Criticality: sovmap.CriticalityHigh, DependsOn: deps("~db"), Alternatives: []string{"report"}},
			{ID: "report", Layer: sovmap.LayerApplication, Locations: []string{"DE"}, DependsOn: deps("batch")},
			{ID: "hw", Layer: sovmap.LayerHardware, Provider: "cloud-a", Locations: []string{"US"}},
		},
	}
}

func vendor(t *testing.T, vs []Vendor, id string) Vendor {
	t.Helper()
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no vendor %s", id)
	return Vendor{}
}

func TestRegisterKnownAnswers(t *testing.T) {
	m := model(t, vendorInventory())
	reg, err := NewRegister(context.Background(), m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Components != 6 || reg.ThirdParty != 4 || reg.Critical != 4 || reg.Vital != 2 {
		t.Errorf("totals %d/%d/%d/%d", reg.Components, reg.ThirdParty, reg.Critical, reg.Vital)
	}
	// Third-party components: cloud-a 2, de-cloud 1, cloud-b 1.
	c := reg.Concentration
	if c.Provider.Index != 3750 || c.Provider.Top != "cloud-a" || c.Provider.Band != "high" {
		t.Errorf("provider HHI %+v, want 50²+25²+25² = 3750", c.Provider)
	}
	if c.Parent.Index != 6250 || c.Parent.Top != "us-parent" || c.Parent.TopShare != 0.75 {
		t.Errorf("parent HHI %+v, want 75²+25² = 6250", c.Parent)
	}
	if c.Jurisdiction.Index != 6250 || c.Jurisdiction.Top != "US" {
		t.Errorf("jurisdiction HHI %+v", c.Jurisdiction)
	}
	// Critical third-party: api, batch (us-parent), db (de-cloud).
	if c.CriticalParent.Index != 5556 || c.CriticalParent.Base != 3 {
		t.Errorf("critical parent HHI %+v, want 66.7²+33.3² = 5556", c.CriticalParent)
	}
	if len(c.Layers) != 4 || c.Layers[0].Layer != sovmap.LayerHardware || c.Layers[0].Provider.Index != 10000 {
		t.Errorf("layers %+v", c.Layers)
	}

	a := vendor(t, reg.Providers, "cloud-a")
	if a.Controller != "us-parent" || a.ControllerCountry != "US" || a.Tier != "neutral" || a.Components != 2 || a.Critical != 1 {
		t.Errorf("cloud-a %+v", a)
	}
	// Losing cloud-a takes api, hw and app (runtime); nothing only through supply.
	if a.Lost != 3 || a.VitalLost != 1 || a.Degraded != 0 {
		t.Errorf("cloud-a exit: lost %d vital %d degraded %d", a.Lost, a.VitalLost, a.Degraded)
	}
	// api: notice 30 + migration 200; hw: no contract, hardware default 180.
	if a.Exit.Days != 230 || a.ExitComponent != "api" || a.Exit.Estimated {
		t.Errorf("cloud-a exit %+v (%s)", a.Exit, a.ExitComponent)
	}
	// IE is reached only by the EU's e-Evidence Regulation: home law for
	// a German organization, so not an exposure.
	if !slices.Equal(a.Exposure, []string{"US"}) || a.Exposed != 2 {
		t.Errorf("cloud-a exposure %v, %d exposed", a.Exposure, a.Exposed)
	}
	d := vendor(t, reg.Providers, "de-cloud")
	// db down takes api and app; batch only loses supply.
	if d.Lost != 3 || d.VitalLost != 2 || d.Degraded != 2 || d.Substitutable != 1 || d.Tier != "home" {
		t.Errorf("de-cloud %+v", d)
	}
	// db: notice 90 + the storage default of docs/risk.md, 120 days.
	if d.Exit.Days != 210 || !d.Exit.Estimated {
		t.Errorf("de-cloud exit %+v", d.Exit)
	}
	b := vendor(t, reg.Providers, "cloud-b")
	if b.Substitutable != 1 || b.Exit.NoticeDays != -1 || !strings.Contains(b.Exit.Basis, "notice not stated") {
		t.Errorf("cloud-b %+v", b)
	}
	// The parent sums its subsidiaries.
	p := vendor(t, reg.Parents, "us-parent")
	if p.Components != 3 || !slices.Equal(p.Providers, []string{"cloud-a", "cloud-b"}) || p.Lost != 5 || p.Share != 0.5 {
		t.Errorf("us-parent %+v", p)
	}
	for _, v := range append(slices.Clone(reg.Providers), reg.Parents...) {
		sum := 0
		for _, why := range v.Reasons {
			var pts int
			if _, err := fmt.Sscanf(why, "+%d ", &pts); err != nil {
				t.Fatalf("reason %q has no points", why)
			}
			sum += pts
		}
		if sum != v.Risk || v.Risk > 100 {
			t.Errorf("%s: risk %d, reasons add up to %d", v.ID, v.Risk, sum)
		}
	}
	for i := 1; i < len(reg.Providers); i++ {
		if reg.Providers[i-1].Risk < reg.Providers[i].Risk {
			t.Errorf("providers not sorted by risk: %d before %d", reg.Providers[i-1].Risk, reg.Providers[i].Risk)
		}
	}
}

func TestRegisterFrameworkScores(t *testing.T) {
	inv := vendorInventory()
	inv.Assessments = []sovmap.Assessment{{Provider: "de-cloud", Framework: "toy"}, {Provider: "cloud-a", Framework: "broken"},
		{Provider: "ionos", Framework: "toy"}}
	m := model(t, inv)
	score := func(a sovmap.Assessment) (FrameworkScore, error) {
		if a.Framework == "broken" {
			return FrameworkScore{}, fmt.Errorf("unknown framework")
		}
		return FrameworkScore{Framework: a.Framework, Score: 75, Level: 2, LevelName: "two"}, nil
	}
	reg, err := NewRegister(context.Background(), m, Options{Score: score})
	if err != nil {
		t.Fatal(err)
	}
	if fs := vendor(t, reg.Providers, "de-cloud").Frameworks; len(fs) != 1 || fs[0].Score != 75 {
		t.Errorf("de-cloud frameworks %+v", fs)
	}
	if len(reg.Notes) != 1 || !strings.Contains(reg.Notes[0], "cloud-a on broken not scored") {
		t.Errorf("notes %v", reg.Notes)
	}
	if len(reg.Candidates) != 1 || reg.Candidates[0].ID != "ionos" || reg.Candidates[0].Frameworks[0].Framework != "toy" {
		t.Errorf("candidates %+v", reg.Candidates)
	}
}

func TestHerfindahl(t *testing.T) {
	equal := func(n int) map[string]int {
		m := map[string]int{}
		for i := range n {
			m[fmt.Sprint(i)] = 1
		}
		return m
	}
	tests := []struct {
		counts map[string]int
		hhi    int
		band   string
	}{
		{map[string]int{"a": 7}, 10000, "high"},
		{equal(2), 5000, "high"},
		{map[string]int{"a": 3, "b": 1}, 6250, "high"},
		{equal(5), 2000, "high"},
		{equal(6), 1667, "moderate"},
		{equal(10), 1000, "moderate"},
		{equal(11), 909, "unconcentrated"},
		{map[string]int{}, 0, "none"},
	}
	for _, tt := range tests {
		h := Herfindahl(tt.counts)
		if h.Index != tt.hhi || h.Band != tt.band {
			t.Errorf("%v: %d %s, want %d %s", tt.counts, h.Index, h.Band, tt.hhi, tt.band)
		}
	}
	for hhi, band := range map[int]string{999: "unconcentrated", 1000: "moderate", 1800: "moderate", 1801: "high"} {
		if Band(hhi) != band {
			t.Errorf("Band(%d) = %s, want %s", hhi, Band(hhi), band)
		}
	}
}

func TestModelProviderChains(t *testing.T) {
	inv := &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Home: "DE"},
		Providers: []sovmap.Provider{
			{ID: "loop-a", Country: "FR", Parent: "loop-b"},
			{ID: "loop-b", Country: "BE", Parent: "loop-a"},
		},
		Components: []sovmap.Component{
			{ID: "x", Layer: sovmap.LayerCompute, Provider: "aws-emea", Locations: []string{"aws:eu-central-1"}},
			{ID: "y", Layer: sovmap.LayerCompute, Provider: "loop-a", Locations: []string{"FR"}},
		},
	}
	m := model(t, inv)
	p := m.providers[m.provider[0]]
	if p.ID != "aws-emea" || m.providers[p.Controller].ID != "amazon" || m.providers[p.Parent].ID != "amazon" {
		t.Errorf("aws-emea chain: %+v", p)
	}
	// A parent cycle stops where it would repeat: loop-b controls loop-a, as
	// in the assessment.
	q := m.providers[m.provider[1]]
	if m.providers[q.Controller].ID != "loop-b" || m.Report.Components[1].Controller != "loop-b" {
		t.Errorf("loop chain: controller %s, assessment says %s", m.providers[q.Controller].ID, m.Report.Components[1].Controller)
	}
	if !m.Controls(m.providerIndex["amazon"], m.providerIndex["aws-emea"]) || m.Controls(m.providerIndex["aws-emea"], m.providerIndex["amazon"]) {
		t.Error("Controls is wrong")
	}
	if got := m.Locations(0); len(got) != 1 || m.countries[got[0]] != "DE" {
		t.Errorf("aws:eu-central-1 is in %v", got)
	}
	if len(m.regions) != 1 || m.regions[0] != "aws:eu-central-1" || len(m.InRegion(0)) != 1 {
		t.Errorf("regions %v", m.regions)
	}
}

// TestTransitiveExposureMatchesBFS checks the bitset closure against a
// breadth-first search from every component of a generated inventory.
func TestTransitiveExposureMatchesBFS(t *testing.T) {
	k := knowledge(t)
	inv := gen.Inventory(k, gen.Options{Components: 1500, Providers: 60, Seed: 3})
	m := model(t, inv)
	te := m.TransitiveExposure()
	f := graph.NewFinder(m.RT)
	inherited := 0
	for u := int32(0); int(u) < m.Len(); u++ {
		want := make([]uint64, m.exposure.Words)
		var reach []int32
		// Collect everything u reaches through runtime edges.
		f.Path(nil, u, func(v int32) bool { reach = append(reach, v); return false })
		for _, v := range reach {
			for i, w := range m.exposure.Row(v) {
				want[i] |= w
			}
		}
		if !slices.Equal(te.Row(u), want) {
			t.Fatalf("%s: closure %v, BFS %v", m.ID(u), te.Row(u), want)
		}
		if !slices.Equal(te.Row(u), m.exposure.Row(u)) {
			inherited++
		}
	}
	if inherited == 0 {
		t.Error("the generated inventory inherits no exposure: the test checks nothing")
	}
}

// chainInventory: a portal runs on a model endpoint, which runs on a
// cluster, whose key service is controlled from the US; a tool only takes
// updates from the key service.
func chainInventory() *sovmap.Inventory {
	self := func(id string, layer sovmap.Layer, crit sovmap.Criticality, d ...string) sovmap.Component {
		return sovmap.Component{ID: id, Layer: layer, Locations: []string{"DE"}, Criticality: crit, DependsOn: deps(d...)}
	}
	cluster := sovmap.Component{ID: "cluster", Layer: sovmap.LayerCompute, Provider: "stackit", Locations: []string{"DE"}, OperatedFrom: []string{"DE"},
		Criticality: sovmap.CriticalityHigh, DependsOn: deps("kms")}
	kms := sovmap.Component{ID: "kms", Layer: sovmap.LayerSecurity, Provider: "microsoft-ireland", Locations: []string{"azure:westeurope"}, OperatedFrom: []string{"DE"}}
	return &sovmap.Inventory{
		Version:      1,
		Organization: sovmap.Organization{Name: "Chains", Home: "DE"},
		Components: []sovmap.Component{
			self("portal", sovmap.LayerApplication, sovmap.CriticalityVital, "endpoint"),
			self("endpoint", sovmap.LayerModel, sovmap.CriticalityVital, "cluster"),
			cluster, kms,
			self("batch", sovmap.LayerApplication, sovmap.CriticalityLow, "cluster"),
			self("tool", sovmap.LayerOperations, "", "~kms"),
		},
	}
}

func TestAnalyzeKnownAnswers(t *testing.T) {
	m := model(t, chainInventory())
	a, err := Analyze(context.Background(), m, AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.RuntimeEdges != 4 || a.SupplyEdges != 1 || a.Cycles != 0 || a.Targets != "vital" || a.TargetCount != 2 {
		t.Errorf("header %+v", a)
	}
	var got []string
	for _, s := range a.SinglePoints {
		got = append(got, fmt.Sprintf("%s:%d/%d/%d", s.ID, s.Targets, s.Down, s.Degraded))
	}
	// Ranked by vital components down, then by all components down.
	want := []string{"kms:2/5/1", "cluster:2/4/0", "endpoint:2/2/0", "portal:1/1/0"}
	if !slices.Equal(got, want) {
		t.Errorf("single points %v, want %v", got, want)
	}
	// The nearest vital component that goes down with kms.
	if ex := a.SinglePoints[0].Example; !slices.Equal(ex, []string{"endpoint", "cluster", "kms"}) {
		t.Errorf("kms example %v", ex)
	}
	blast := func(bs []Blast) []string {
		var out []string
		for _, b := range bs {
			out = append(out, fmt.Sprintf("%s:%d/%d/%d/%d", b.ID, b.Direct, b.Down, b.Degraded, b.Vital))
		}
		return out
	}
	if got := blast(a.Providers); !slices.Equal(got, []string{"microsoft:1/5/1/2", "microsoft-ireland:1/5/1/2", "schwarz-group:1/4/0/2", "stackit:1/4/0/2"}) {
		t.Errorf("provider blast %v", got)
	}
	if got := blast(a.Regions); !slices.Equal(got, []string{"azure:westeurope:1/5/1/2"}) {
		t.Errorf("region blast %v", got)
	}
	us := slices.IndexFunc(a.Jurisdictions, func(b Blast) bool { return b.ID == "US" })
	if us < 0 || blast(a.Jurisdictions[us : us+1])[0] != "US:1/5/1/2" {
		t.Errorf("jurisdiction blast %v", blast(a.Jurisdictions))
	}
	// Inherited exposure: endpoint, portal (vital), cluster (high), batch.
	if a.Exposed != 5 || a.Inherited != 4 {
		t.Errorf("exposed %d inherited %d", a.Exposed, a.Inherited)
	}
	var comps []string
	for _, c := range a.Chains {
		if c.Jurisdiction != "US" || c.Direct {
			t.Errorf("chain %+v", c)
		}
		comps = append(comps, c.Component)
	}
	if !slices.Equal(comps, []string{"portal", "endpoint", "cluster", "batch"}) {
		t.Errorf("chains for %v", comps)
	}
	c := a.Chains[1]
	if !slices.Equal(c.Path, []string{"endpoint", "cluster", "kms"}) ||
		!strings.HasPrefix(c.Explanation, "endpoint runs on cluster (compute), which runs on kms (security); kms is controlled from US (provider microsoft-ireland, ultimate controller microsoft), so US law reaches it: ") ||
		!strings.Contains(c.Explanation, "(via control)") {
		t.Errorf("endpoint chain %+v", c)
	}
}

func TestAnalyzeOptions(t *testing.T) {
	m := model(t, chainInventory())
	ctx := context.Background()
	a, err := Analyze(ctx, m, AnalysisOptions{Component: "kms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Chains) != 1 || !a.Chains[0].Direct || !slices.Equal(a.Chains[0].Path, []string{"kms"}) ||
		!strings.HasPrefix(a.Chains[0].Explanation, "kms is controlled from US") {
		t.Errorf("kms chains %+v", a.Chains)
	}
	if c := a.Component; c == nil || c.ID != "kms" || c.Targets != 2 || c.Down != 5 || c.Degraded != 1 ||
		!slices.Equal(c.Example, []string{"endpoint", "cluster", "kms"}) {
		t.Errorf("kms blast radius %+v", a.Component)
	}
	a, err = Analyze(ctx, m, AnalysisOptions{Jurisdiction: "CN"})
	if err != nil || len(a.Chains) != 0 {
		t.Errorf("CN chains %+v, %v", a.Chains, err)
	}
	a, err = Analyze(ctx, m, AnalysisOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.SinglePoints) != 1 || len(a.Chains) != 1 || len(a.Truncated) == 0 || !strings.Contains(a.Truncated[0], "1 of 4 shown") {
		t.Errorf("limit 1: %d single points, %d chains, truncated %v", len(a.SinglePoints), len(a.Chains), a.Truncated)
	}
	if a, _ = Analyze(ctx, m, AnalysisOptions{Limit: -1}); len(a.SinglePoints) != 4 || len(a.Truncated) != 0 {
		t.Errorf("no limit: %d single points, truncated %v", len(a.SinglePoints), a.Truncated)
	}
	if _, err := Analyze(ctx, m, AnalysisOptions{Component: "nope"}); err == nil || !strings.Contains(err.Error(), `no component "nope"`) {
		t.Errorf("unknown component: %v", err)
	}
	if _, err := Analyze(ctx, m, AnalysisOptions{Jurisdiction: "XX"}); err == nil || !strings.Contains(err.Error(), "unknown jurisdiction") {
		t.Errorf("unknown jurisdiction: %v", err)
	}
}

func TestAnalyzeTargetsFallBack(t *testing.T) {
	inv := chainInventory()
	for i := range inv.Components {
		if inv.Components[i].Criticality == sovmap.CriticalityVital {
			inv.Components[i].Criticality = sovmap.CriticalityMedium
		}
	}
	a, err := Analyze(context.Background(), model(t, inv), AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Only the cluster is still critical (high): kms takes it down, and more.
	if a.Targets != "critical" || a.TargetCount != 1 || a.SinglePoints[0].ID != "kms" || a.SinglePoints[0].Targets != 1 ||
		!slices.Equal(a.SinglePoints[0].Example, []string{"cluster", "kms"}) {
		t.Errorf("targets %s/%d, first %+v", a.Targets, a.TargetCount, a.SinglePoints[0])
	}
	for i := range inv.Components {
		inv.Components[i].Criticality = ""
	}
	a, _ = Analyze(context.Background(), model(t, inv), AnalysisOptions{})
	if a.Targets != "all" || a.TargetCount != 6 || a.SinglePoints[0].ID != "kms" || a.SinglePoints[0].Targets != 5 {
		t.Errorf("all targets: %s/%d, first %+v", a.Targets, a.TargetCount, a.SinglePoints[0])
	}
}

func TestCycleCounted(t *testing.T) {
	inv := chainInventory()
	inv.Components[3].DependsOn = deps("cluster") // kms -> cluster -> kms
	a, err := Analyze(context.Background(), model(t, inv), AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Cycles != 1 || a.LargestCycle != 2 {
		t.Errorf("cycles %d largest %d", a.Cycles, a.LargestCycle)
	}
}

// TestSinglePointsBySketch: above 4096 targets the ranking comes from a
// sketch, but the figures shown are exact and the best is found.
func TestSinglePointsBySketch(t *testing.T) {
	inv := gen.Inventory(knowledge(t), gen.Options{Components: 5000, Providers: 50, Deps: 3, Seed: 8})
	for i := range inv.Components {
		inv.Components[i].Criticality = sovmap.CriticalityVital
	}
	m := model(t, inv)
	a, err := Analyze(context.Background(), m, AnalysisOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Estimated || a.TargetCount != 5000 || len(a.SinglePoints) != 10 {
		t.Fatalf("estimated %v, %d targets, %d rows", a.Estimated, a.TargetCount, len(a.SinglePoints))
	}
	all := make([]int32, m.Len())
	for u := range all {
		all[u] = int32(u)
	}
	exact, err := m.RT.CountDependents(context.Background(), all, m.RTCond)
	if err != nil {
		t.Fatal(err)
	}
	best := int32(0)
	for _, c := range exact {
		best = max(best, c)
	}
	w := graph.NewWalker(m.Rev)
	for _, sp := range a.SinglePoints {
		u := m.G.Index[sp.ID]
		down, degraded := w.Walk([]int32{u})
		if sp.Targets != int(exact[u]) || sp.Down != len(down) || sp.Degraded != len(degraded) {
			t.Errorf("%s: %d/%d/%d, exact %d/%d/%d", sp.ID, sp.Targets, sp.Down, sp.Degraded, exact[u], len(down), len(degraded))
		}
	}
	if int32(a.SinglePoints[0].Targets) != best {
		t.Errorf("first single point takes down %d, the most is %d", a.SinglePoints[0].Targets, best)
	}
}

// TestRelianceFromExactShare: a provider with 1 of 12 components and no
// critical one scores 30 x 1/12 = 2.5 points, which rounds to 3; the
// share rounded for display first (0.0833) would give 2.499 and 2.
func TestRelianceFromExactShare(t *testing.T) {
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Name: "x", Home: "DE"},
		Providers: []sovmap.Provider{{ID: "solo-co", Name: "Solo", Country: "DE"}}}
	for i := range 12 {
		c := sovmap.Component{ID: fmt.Sprintf("c%02d", i), Layer: sovmap.LayerApplication, Locations: []string{"DE"}}
		if i == 0 {
			c.Provider = "solo-co"
		}
		inv.Components = append(inv.Components, c)
	}
	reg, err := NewRegister(context.Background(), model(t, inv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := vendor(t, reg.Providers, "solo-co")
	if v.Share != 0.0833 {
		t.Errorf("share %v, want 0.0833 shown", v.Share)
	}
	if len(v.Reasons) == 0 || !strings.HasPrefix(v.Reasons[0], "+3 reliance") {
		t.Errorf("reasons %q, want +3 reliance first", v.Reasons)
	}
}
