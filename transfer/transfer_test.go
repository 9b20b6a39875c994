package transfer_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/transfer"
)

// endpoints are the components flows run between, one per place: the name
// says where it is.
func endpoints() []sovmap.Component {
	at := func(id string, loc ...string) sovmap.Component {
		return sovmap.Component{ID: id, Layer: sovmap.LayerStorage, Locations: loc, OperatedFrom: []string{"DE"}}
	}
	usCloud := at("de-us-controlled", "DE")
	usCloud.Provider, usCloud.OperatedFrom = "aws-emea", []string{"DE"}
	// Russian law reaches a provider's data through its operations in
	// Russia (374-FZ binds operators there), not through control alone.
	ruCloud := at("de-ru-controlled", "DE")
	ruCloud.Provider, ruCloud.OperatedFrom = "ru-cloud", []string{"RU"}
	inOps := at("de-in-operated", "DE")
	inOps.Provider, inOps.OperatedFrom = "stackit", []string{"IN"}
	usOps := at("de-us-operated", "DE")
	usOps.Provider, usOps.OperatedFrom = "stackit", []string{"US"}
	chOps := at("de-ch-operated", "DE")
	chOps.Provider, chOps.OperatedFrom = "stackit", []string{"CH"}
	jpOps := at("de-jp-operated", "DE")
	jpOps.Provider, jpOps.OperatedFrom = "stackit", []string{"JP"}
	selfIn := at("de-self-in-operated", "DE")
	selfIn.OperatedFrom = []string{"IN"}
	return []sovmap.Component{
		at("de", "DE"), at("de2", "DE"), at("fr", "FR"), at("ch", "CH"), at("us", "US"), at("in", "IN"), at("ru", "RU"),
		at("nowhere"), usCloud, ruCloud, inOps, usOps, chOps, jpOps, selfIn,
	}
}

// check assesses an inventory of the endpoints with flows and returns the
// flow results by id.
func check(t *testing.T, flows []sovmap.Flow, extra ...sovmap.Component) map[string]sovmap.FlowResult {
	t.Helper()
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	// A health organization, so that the sectoral localisation law of home
	// (Social Code Book V § 393) binds it.
	inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "DE", Sectors: []string{"health"}},
		Providers:  []sovmap.Provider{{ID: "ru-cloud", Country: "RU"}},
		Components: append(endpoints(), extra...), Flows: flows}
	r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sovmap.FlowResult{}
	for _, f := range r.Flows {
		out[f.ID] = f
	}
	return out
}

func TestFlowMechanismsAndViolations(t *testing.T) {
	tests := []struct {
		name, from, to, data, mech string
		verdict                    sovmap.Verdict
		codes                      []string
		reason                     string // a part of some reason
	}{
		// Where the data may go without a mechanism.
		{"home", "de", "de2", "personal", "none", sovmap.Allowed, nil, "stays in the home jurisdiction"},
		{"bloc peer", "de", "fr", "personal", "none", sovmap.Allowed, nil, "inside a bloc shared with home"},
		{"full adequacy", "de", "ch", "personal", "none", sovmap.Allowed, nil, "relies on an adequacy decision"},
		{"not personal", "de", "in", "internal", "none", sovmap.Allowed, nil, "no personal data: the transfer rules of data-protection law do not apply"},
		// Each mechanism to a third country without adequacy.
		{"scc", "de", "in", "personal", "scc", sovmap.Allowed, nil, "relies on SCC (GDPR art. 46-47): a transfer impact assessment"},
		{"bcr", "de", "in", "personal", "bcr", sovmap.Allowed, nil, "relies on BCR"},
		{"treaty", "de", "in", "personal", "treaty", sovmap.Allowed, nil, "relies on an instrument between public authorities or bodies (GDPR art. 46(2)(a) and (3)(b)): available only when both ends are public"},
		{"derogation", "de", "in", "personal", "derogation", sovmap.Allowed, nil, "derogation for a specific situation (GDPR art. 49): only for occasional, non-repetitive transfers"},
		{"partial adequacy claimed", "de", "us", "personal", "adequacy", sovmap.Allowed, nil, "covers only organisations certified under the EU-US Data Privacy Framework: the recipient must be among them"},
		// Each kind of violation.
		{"no mechanism", "de", "in", "personal", "none", sovmap.Violation, []string{transfer.CodeNoMechanism}, "with no transfer mechanism"},
		{"partial adequacy, no mechanism", "de", "us", "personal", "", sovmap.Violation, []string{transfer.CodeNoMechanism}, "covers only organisations certified under the EU-US Data Privacy Framework, so name adequacy if the recipient is among them"},
		{"unfounded adequacy", "de", "in", "personal", "adequacy", sovmap.Violation, []string{transfer.CodeUnfoundedAdequacy}, "no adequacy decision of EU covers IN"},
		{"restricted destination", "de", "ru", "public", "scc", sovmap.Violation, []string{transfer.CodeRestricted}, "RU is a restricted jurisdiction"},
		{"restricted source", "ru", "de", "public", "none", sovmap.Violation, []string{transfer.CodeRestricted}, "RU is a restricted jurisdiction"},
		{"classified abroad", "de", "fr", "classified", "treaty", sovmap.Violation, []string{transfer.CodeClassifiedAbroad, transfer.CodeCompelledClassified}, "classified data leaves the home jurisdiction for FR"},
		// SGB V § 393 asks something of the cloud service that processes
		// the data (judged on that component), not of a transfer: the flow
		// is judged by GDPR chapter V alone.
		{"a law on hosts does not refuse flows", "de", "in", "personal.health", "scc", sovmap.Allowed, nil, "relies on SCC (GDPR art. 46-47)"},
		// § 393 SGB V allows the EU/EEA, Switzerland and adequacy countries.
		{"inside the EEA", "de", "fr", "personal.health", "none", sovmap.Allowed, nil, "stays inside a bloc shared with home"},
		{"unknown destination", "de", "nowhere", "confidential", "none", sovmap.Violation, []string{transfer.CodeNoLocation}, "has no stated location"},
		{"compelled classified", "de", "de-us-controlled", "classified", "none", sovmap.Violation, []string{transfer.CodeCompelledClassified}, "can be compelled to disclose"},
		{"restricted access", "de", "de-ru-controlled", "confidential", "none", sovmap.Violation, []string{transfer.CodeRestrictedAccess}, "a restricted jurisdiction's law reaches the destination"},
		{"unknown mechanism", "de", "in", "personal", "pinky-swear", sovmap.Violation, []string{transfer.CodeUnknownMechanism, transfer.CodeNoMechanism}, `"pinky-swear" is not one of`},
		// Administration from a third country is a transfer too (EDPB
		// Guidelines 05/2021), though the data stays at home.
		{"remote access, no mechanism", "de", "de-in-operated", "personal", "none", sovmap.Violation, []string{transfer.CodeRemoteAccess}, "administered from IN, a third country without adequacy"},
		{"remote access, partial adequacy", "de", "de-us-operated", "personal", "none", sovmap.Violation, []string{transfer.CodeRemoteAccess}, "administered from US, whose adequacy decision (Commission Implementing Decision (EU) 2023/1795) covers only"},
		{"remote access under scc", "de", "de-in-operated", "personal", "scc", sovmap.Allowed, nil, "covered by the flow's scc"},
		{"remote access, partial adequacy claimed", "de", "de-us-operated", "personal", "adequacy", sovmap.Allowed, nil, "the administrators must be among them"},
		{"remote access from full adequacy", "de", "de-ch-operated", "personal", "none", sovmap.Allowed, nil, "stays in the home jurisdiction"},
		// Japan's decision covers business operators under the APPI only
		// (Implementing Decision (EU) 2019/419): whether the administrators
		// are among them is a fact the flow must affirm by naming adequacy.
		{"remote access from adequacy for a sector, none named", "de", "de-jp-operated", "personal", "none", sovmap.Violation, []string{transfer.CodeRemoteAccess}, "covers only personal information handling business operators under the APPI"},
		{"remote access from adequacy for a sector, claimed", "de", "de-jp-operated", "personal", "adequacy", sovmap.Allowed, nil, "the administrators must be among them"},
		{"self-run, staff abroad", "de", "de-self-in-operated", "personal", "none", sovmap.Allowed, nil, "administered by the organization itself from IN"},
		{"remote access, not personal", "de", "de-in-operated", "internal", "none", sovmap.Allowed, nil, "stays in the home jurisdiction"},
		// Notes that do not change the verdict.
		{"compelled personal is a note", "de", "de-us-controlled", "personal", "none", sovmap.Allowed, nil, "can be compelled to disclose"},
		{"no location, not sensitive", "de", "nowhere", "public", "none", sovmap.Allowed, nil, "has no stated location"},
	}
	var flows []sovmap.Flow
	for _, tt := range tests {
		flows = append(flows, sovmap.Flow{ID: tt.name, From: tt.from, To: tt.to, Data: []string{tt.data}, Mechanism: sovmap.Mechanism(tt.mech)})
	}
	got := check(t, flows)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := got[tt.name]
			if !ok {
				t.Fatal("flow not checked")
			}
			if r.Verdict != tt.verdict || !slices.Equal(r.Codes, tt.codes) {
				t.Errorf("%s %v, want %s %v (%v)", r.Verdict, r.Codes, tt.verdict, tt.codes, r.Reasons)
			}
			if !strings.Contains(strings.Join(r.Reasons, " | "), tt.reason) {
				t.Errorf("reasons %q lack %q", r.Reasons, tt.reason)
			}
			if r.Inferred {
				t.Error("an explicit flow is marked inferred")
			}
		})
	}
}

func TestInferredFlows(t *testing.T) {
	withDeps := func(id string, loc string, ds ...sovmap.Dependency) sovmap.Component {
		return sovmap.Component{ID: id, Layer: sovmap.LayerApplication, Locations: []string{loc}, OperatedFrom: []string{"DE"}, DependsOn: ds}
	}
	personal := []string{"personal"}
	extra := []sovmap.Component{
		// Home app sends personal data to an Indian model API: app -> in.
		withDeps("app", "DE", sovmap.Dependency{ID: "in", Kind: sovmap.Runtime, Data: personal}),
		// An Indian job reads a home store: the data leaves home, de -> job.
		withDeps("job", "IN", sovmap.Dependency{ID: "de", Kind: sovmap.Runtime, Data: personal, Mechanism: "scc"}),
		// A dependency without data implies no flow.
		withDeps("quiet", "DE", sovmap.Dependency{ID: "in", Kind: sovmap.Runtime}),
		// An explicit flow between the pair wins over the inferred one.
		withDeps("covered", "DE", sovmap.Dependency{ID: "us", Kind: sovmap.Supply, Data: personal}),
	}
	got := check(t, []sovmap.Flow{{ID: "explicit", From: "us", To: "covered", Data: personal, Mechanism: "scc"}}, extra...)
	if len(got) != 3 {
		t.Fatalf("%d flows: %v", len(got), got)
	}
	a := got["inferred:app->in"]
	if !a.Inferred || a.From != "app" || a.To != "in" || a.Verdict != sovmap.Violation || !slices.Equal(a.Codes, []string{transfer.CodeNoMechanism}) {
		t.Errorf("app->in %+v", a)
	}
	j := got["inferred:de->job"]
	if !j.Inferred || j.Mechanism != "scc" || j.Verdict != sovmap.Allowed || !slices.Equal(j.ToJurisdictions, []string{"IN"}) {
		t.Errorf("de->job %+v", j)
	}
	if e := got["explicit"]; e.Inferred {
		t.Errorf("explicit flow %+v", e)
	}
}

// TestInferOrientation checks Infer on its own: the flow goes towards the
// end in the worse tier, from the dependent between equals.
func TestInferOrientation(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := assess.NewTiers(k, sovmap.Organization{Home: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	where := func(c *sovmap.Component) []string { return c.Locations }
	inv := &sovmap.Inventory{Components: []sovmap.Component{
		{ID: "a", Locations: []string{"US"}, DependsOn: []sovmap.Dependency{{ID: "b", Data: []string{"internal"}}}},
		{ID: "b", Locations: []string{"DE"}},
		{ID: "c", Locations: []string{"DE"}, DependsOn: []sovmap.Dependency{{ID: "b", Data: []string{"internal"}}, {ID: "ghost", Data: []string{"x"}}}},
		{ID: "d", Locations: []string{"US"}, DependsOn: []sovmap.Dependency{{ID: "a", Data: []string{"internal"}}}},
		// A US job reading a store in Germany and France: the data goes to the US.
		{ID: "job", Locations: []string{"US"}, DependsOn: []sovmap.Dependency{{ID: "store", Data: []string{"personal"}}}},
		{ID: "store", Locations: []string{"DE", "FR"}},
		// A French app using a US service: the data goes to the US.
		{ID: "app", Locations: []string{"FR"}, DependsOn: []sovmap.Dependency{{ID: "d", Data: []string{"personal"}}}},
		// Nowhere is worse than anywhere.
		{ID: "lost", DependsOn: []sovmap.Dependency{{ID: "d", Data: []string{"personal"}}}},
	}}
	var ids []string
	for _, f := range transfer.Infer(inv, tiers, where) {
		ids = append(ids, f.ID)
	}
	want := []string{"inferred:b->a", "inferred:c->b", "inferred:d->a", "inferred:store->job", "inferred:app->d", "inferred:d->lost"}
	if !slices.Equal(ids, want) {
		t.Errorf("inferred %v, want %v", ids, want)
	}
}

// TestSectoralLocalisation: the health-sector law of home binds only an
// organization in that sector.
func TestSectoralLocalisation(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, sectors := range [][]string{nil, {"banking"}} {
		inv := &sovmap.Inventory{Version: 1, Organization: sovmap.Organization{Home: "DE", Sectors: sectors}, Components: endpoints(),
			Providers: []sovmap.Provider{{ID: "ru-cloud", Country: "RU"}},
			Flows:     []sovmap.Flow{{ID: "f", From: "de", To: "fr", Data: []string{"personal.health"}}}}
		r, err := assess.Assess(context.Background(), inv, k, assess.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f := r.Flows[0]; f.Verdict != sovmap.Allowed || len(f.Codes) != 0 {
			t.Errorf("sectors %v: %s %v %v", sectors, f.Verdict, f.Codes, f.Reasons)
		}
	}
}
