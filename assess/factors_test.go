package assess_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
)

// The organization in these tables is German with the default tiers: DE is
// home, EU/EEA members and EU adequacy countries (CH, GB, ...) are trusted,
// RU, BY, KP, IR, CU, SY are restricted, the rest (US, CN, ...) neutral.

func TestControlFactor(t *testing.T) {
	runFactorCases(t, sovmap.FactorControl, []factorCase{
		{name: "no provider: run by the organization itself",
			component: "{id: c, layer: storage, locations: [DE]}",
			level:     4, reason: "run by the organization itself, so controlled from home", remedy: "-", fact: "no provider"},
		{name: "home provider without a parent",
			providers: "  - {id: p, country: DE}\n", component: "{id: c, layer: storage, provider: p}",
			level: 4, reason: "ultimately controlled from DE, a home jurisdiction", remedy: "-", fact: "provider p, not controlled by another entity"},
		{name: "provider in a trusted country",
			providers: "  - {id: p, country: FR}\n", component: "{id: c, layer: storage, provider: p}",
			level: 2, reason: "ultimately controlled from FR, a trusted jurisdiction (member of EU with home)", remedy: "choose a provider controlled from the home jurisdiction"},
		{name: "home subsidiary of a foreign parent",
			providers: "  - {id: p, country: DE, parent: q}\n  - {id: q, country: US}\n", component: "{id: c, layer: storage, provider: p}",
			level: 1, reason: "ultimately controlled from US, a neutral jurisdiction", fact: "ultimate controller q in US"},
		{name: "parent chain reaching into the knowledge base",
			providers: "  - {id: p, country: LU, parent: google}\n", component: "{id: c, layer: storage, provider: p}",
			level: 1, reason: "controlled from US", fact: "provider p, controlled by google -> alphabet"},
		{name: "provider known only to the knowledge base",
			component: "{id: c, layer: storage, provider: aws-emea}",
			level:     1, reason: "controlled from US", fact: "provider aws-emea, controlled by amazon"},
		{name: "knowledge base fills facts the inventory leaves out",
			providers: "  - {id: aws-emea, name: AWS EMEA}\n", component: "{id: c, layer: storage, provider: aws-emea}",
			level: 1, reason: "controlled from US", fact: "ultimate controller amazon in US"},
		{name: "controller in a restricted country",
			providers: "  - {id: p, country: DE, parent: q}\n  - {id: q, country: RU}\n", component: "{id: c, layer: storage, provider: p}",
			level: 0, reason: "ultimately controlled from RU, a restricted jurisdiction (under sanctions"},
		{name: "provider country unknown",
			providers: "  - {id: p, name: Somebody}\n", component: "{id: c, layer: storage, provider: p}",
			level: 0, reason: "the country of p's ultimate controller is unknown", remedy: "state the provider's country and parent"},
		{name: "unknown country at the top of the chain",
			providers: "  - {id: p, country: DE, parent: q}\n  - {id: q, name: Holding}\n", component: "{id: c, layer: storage, provider: p}",
			level: 0, reason: "ultimate controller is unknown"},
	})
}

func TestLocationFactor(t *testing.T) {
	runFactorCases(t, sovmap.FactorLocation, []factorCase{
		{name: "home", component: "{id: c, layer: storage, locations: [DE]}",
			level: 4, reason: "located in DE, a home jurisdiction", remedy: "-", fact: "locations: DE (DE)"},
		{name: "not stated", component: "{id: c, layer: storage}",
			level: 0, reason: "no location is stated", remedy: "state the locations"},
		{name: "trusted country", component: "{id: c, layer: storage, locations: [FR]}",
			level: 3, reason: "located in FR, a trusted jurisdiction", remedy: "move it to a region in the home jurisdiction"},
		{name: "adequacy country", component: "{id: c, layer: storage, locations: [CH]}",
			level: 3, reason: "located in CH, a trusted jurisdiction (adequacy decision (EU,"},
		{name: "neutral country", component: "{id: c, layer: storage, locations: [US]}",
			level: 1, reason: "located in US, a neutral jurisdiction", remedy: "or host it under a qualifying digital embassy"},
		{name: "restricted country", component: "{id: c, layer: storage, locations: [RU]}",
			level: 0, reason: "located in RU, a restricted jurisdiction"},
		{name: "the worst location binds", component: "{id: c, layer: storage, locations: [DE, US, FR]}",
			level: 1, reason: "located in US"},
		{name: "AWS region at home", component: "{id: c, layer: storage, locations: [\"aws:eu-central-1\"]}",
			level: 4, fact: "locations: aws:eu-central-1 (DE)", remedy: "-"},
		{name: "Azure and Google regions at home", component: "{id: c, layer: storage, locations: [\"azure:germanywestcentral\", \"gcp:europe-west3\"]}",
			level: 4, fact: "(DE)", remedy: "-"},
		{name: "region abroad", component: "{id: c, layer: storage, locations: [\"aws:us-east-1\"]}",
			level: 1, reason: "located in US"},
		{name: "region in a trusted country", component: "{id: c, layer: storage, locations: [\"gcp:europe-west2\"]}",
			level: 3, reason: "located in GB, a trusted jurisdiction"},
		{name: "a bloc stands for all its members", component: "{id: c, layer: storage, locations: [EU]}",
			level: 3, reason: "a trusted jurisdiction"},
	})
}

func TestOperationsFactor(t *testing.T) {
	const p = "  - {id: p, country: DE}\n"
	runFactorCases(t, sovmap.FactorOperations, []factorCase{
		{name: "run by the organization", component: "{id: c, layer: storage}",
			level: 4, reason: "operated by the organization itself, from home", remedy: "-"},
		{name: "provider, not stated", providers: p, component: "{id: c, layer: storage, provider: p}",
			level: 0, reason: "operated_from is not stated", remedy: "state where it is administered and supported from"},
		{name: "from home", providers: p, component: "{id: c, layer: storage, provider: p, operated_from: [DE]}",
			level: 4, reason: "operated from DE, a home jurisdiction", remedy: "-"},
		{name: "from a trusted country", providers: p, component: "{id: c, layer: storage, provider: p, operated_from: [IE]}",
			level: 2, reason: "operated from IE, a trusted jurisdiction", remedy: "have it administered and supported from home"},
		{name: "from a neutral country", providers: p, component: "{id: c, layer: storage, provider: p, operated_from: [DE, US]}",
			level: 1, reason: "operated from US, a neutral jurisdiction"},
		{name: "from a restricted country", providers: p, component: "{id: c, layer: storage, provider: p, operated_from: [CN, RU]}",
			level: 0, reason: "operated from RU, a restricted jurisdiction"},
		{name: "from a bloc", providers: p, component: "{id: c, layer: storage, provider: p, operated_from: [EU]}",
			level: 2, reason: "a trusted jurisdiction"},
		{name: "run by the organization from abroad", component: "{id: c, layer: storage, operated_from: [US]}",
			level: 1, reason: "operated from US"},
	})
}

func TestLegalFactor(t *testing.T) {
	const (
		home    = "  - {id: p, country: DE}\n"
		foreign = "  - {id: p, country: DE, parent: q}\n  - {id: q, country: US}\n"
		russian = "  - {id: p, country: DE, parent: q}\n  - {id: q, country: RU}\n"
	)
	runFactorCases(t, sovmap.FactorLegal, []factorCase{
		{name: "home only", providers: home, component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [DE]}",
			level: 4, reason: "no foreign compelled-access law in the knowledge base reaches it", remedy: "-"},
		{name: "home laws do not count", component: "{id: c, layer: storage, locations: [DE], operated_from: [DE]}",
			level: 4, reason: "no foreign compelled-access law"},
		{name: "through control", providers: foreign, component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [DE]}",
			level: 1, reason: "US can compel access through control (neutral jurisdiction)", remedy: "hold keys yourself", fact: "(US) via control"},
		{name: "through location", component: "{id: c, layer: storage, locations: [US]}",
			level: 1, reason: "US can compel access through location"},
		{name: "through control and location", component: "{id: c, layer: storage, provider: aws-emea, locations: [\"aws:us-east-1\"], operated_from: [DE]}",
			level: 1, reason: "US can compel access through control and location"},
		{name: "through operations", providers: home, component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [CN]}",
			level: 1, reason: "CN can compel access through operations"},
		{name: "a law that does not reach operations", providers: home, component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [US]}",
			level: 4, reason: "no foreign compelled-access law"},
		{name: "a trusted jurisdiction's law", providers: home, component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [GB]}",
			level: 2, reason: "GB can compel access through operations (trusted jurisdiction)"},
		{name: "customer-held keys regain a level", providers: foreign,
			component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [DE], data: [personal], key_custody: customer-held}",
			level:     2, reason: "keys held by the customer mean compelled access yields ciphertext", remedy: "choose a provider, location and operators outside the reach of US's laws"},
		{name: "a domestic HSM regains a level", providers: foreign,
			component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [DE], data: [personal], key_custody: domestic-hsm}",
			level:     2, reason: "keys held by the customer"},
		{name: "customer-managed keys do not", providers: foreign,
			component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [DE], data: [personal], key_custody: customer-managed}",
			level:     1, remedy: "hold keys yourself (customer-held or a domestic HSM)"},
		{name: "keys do not protect data in use", providers: foreign,
			component: "{id: c, layer: compute, provider: p, locations: [DE], operated_from: [DE], data: [personal], key_custody: customer-held}",
			level:     1, remedy: "use confidential computing with customer-held keys"},
		// 374-FZ binds operators in Russia (location and operations), not
		// a foreign company through its Russian parent (kb re-check of
		// 5 December 2026): operated from Russia, it reaches.
		{name: "a restricted jurisdiction, mitigated", providers: russian,
			component: "{id: c, layer: storage, provider: p, locations: [DE], operated_from: [RU], data: [personal], key_custody: customer-held}",
			level:     1, reason: "RU can compel access through operations (restricted jurisdiction)"},
		{name: "the worst jurisdiction binds", component: "{id: c, layer: storage, locations: [GB, US, CN]}",
			level: 1, reason: "can compel access through location (neutral jurisdiction)"},
	})
}

func TestExposureList(t *testing.T) {
	r := run(t, org+`components:
  - {id: c, layer: storage, provider: aws-emea, locations: ["aws:us-east-1", GB], operated_from: [CN, IE], data: [personal], key_custody: customer-held}
  - {id: d, layer: storage, locations: [DE]}
`, assess.Options{})
	c := component(t, r, "c")
	// IE is reached only by the EU's e-Evidence Regulation, which is home
	// law for a German home, not foreign exposure.
	if got := strings.Join(c.Exposure, ","); got != "CN,GB,US" {
		t.Errorf("exposure = %s, want CN,GB,US (sorted, each once)", got)
	}
	vias := map[string]bool{}
	for _, e := range c.ExposureDetails {
		vias[e.Jurisdiction+" "+string(e.Via)] = true
		if !e.Mitigated {
			t.Errorf("%s via %s is not marked mitigated by customer-held keys", e.Jurisdiction, e.Via)
		}
		if e.Law == "" || e.Tier == "" {
			t.Errorf("exposure without law or tier: %+v", e)
		}
	}
	for _, want := range []string{"US control", "US location", "GB location", "CN operations"} {
		if !vias[want] {
			t.Errorf("no exposure %s; have %v", want, vias)
		}
	}
	if d := component(t, r, "d"); len(d.Exposure) != 0 || d.Exposure == nil {
		t.Errorf("home component exposure = %#v, want an empty list", d.Exposure)
	}
}

func TestKeysFactor(t *testing.T) {
	const p = "  - {id: p, country: DE}\n"
	runFactorCases(t, sovmap.FactorKeys, []factorCase{
		{name: "holds no data", providers: p, component: "{id: c, layer: compute, provider: p, key_custody: provider}",
			level: 4, reason: "holds no data, so key custody does not apply", remedy: "-"},
		{name: "domestic HSM", providers: p, component: "{id: c, layer: storage, provider: p, data: [internal], key_custody: domestic-hsm}",
			level: 4, reason: "keys are in an HSM located and operated at home", remedy: "-"},
		{name: "customer-held", providers: p, component: "{id: c, layer: storage, provider: p, data: [internal], key_custody: customer-held}",
			level: 3, reason: "keys are held by the organization, outside the provider", remedy: "keep the keys in a domestic HSM"},
		{name: "customer-managed", providers: p, component: "{id: c, layer: storage, provider: p, data: [internal], key_custody: customer-managed}",
			level: 2, reason: "inside the provider's key service", remedy: "hold keys yourself"},
		{name: "provider-held", providers: p, component: "{id: c, layer: storage, provider: p, data: [internal], key_custody: provider}",
			level: 1, reason: "the provider holds the keys", remedy: "hold keys yourself"},
		{name: "not stated, with a provider", providers: p, component: "{id: c, layer: storage, provider: p, data: [internal]}",
			level: 1, reason: "key custody is not stated, so the provider is assumed to hold the keys", remedy: "state key_custody"},
		{name: "not stated, run by the organization", component: "{id: c, layer: storage, data: [internal]}",
			level: 4, reason: "run by the organization itself, which holds its keys", remedy: "-"},
	})
}

func TestExitFactor(t *testing.T) {
	const p = "  - {id: p, country: DE}\n"
	c := func(contract string) string {
		// A colocation facility is not a data processing service, so the
		// contract alone decides (the EU Data Act's floor is tested below).
		return "{id: c, layer: facility, provider: p, contract: " + contract + "}"
	}
	runFactorCases(t, sovmap.FactorExit, []factorCase{
		{name: "run by the organization", component: "{id: c, layer: storage}",
			level: 4, reason: "no provider to exit", remedy: "-"},
		{name: "no contract", providers: p, component: "{id: c, layer: facility, provider: p}",
			level: 0, reason: "no contract terms are recorded", remedy: "add an exit clause"},
		{name: "complete terms under home law", providers: p, component: c("{governing_law: DE, exit_notice_days: 90, data_return: true, portability: open}"),
			level: 4, reason: "data return, standard portability, a notice period and a trusted governing law are agreed", remedy: "-", fact: "governing_law: DE"},
		{name: "complete terms under a trusted law", providers: p, component: c("{governing_law: LU, exit_notice_days: 30, data_return: true, portability: standard}"),
			level: 4, remedy: "-"},
		{name: "governing law of a bloc", providers: p, component: c("{governing_law: EU, exit_notice_days: 30, data_return: true, portability: standard}"),
			level: 4, remedy: "-"},
		{name: "no right to data", providers: p, component: c("{governing_law: DE, exit_notice_days: 90, data_return: false, portability: open}"),
			level: 1, reason: "the contract gives no right to get data back", remedy: "add a data-return clause"},
		{name: "data return not stated", providers: p, component: c("{governing_law: DE, exit_notice_days: 90, portability: open}"),
			level: 1, reason: "the right to get data back is not stated"},
		{name: "proprietary format", providers: p, component: c("{governing_law: DE, exit_notice_days: 90, data_return: true, portability: proprietary}"),
			level: 2, reason: "proprietary format", remedy: "require export in a standard or open format"},
		{name: "portability not stated", providers: p, component: c("{governing_law: DE, exit_notice_days: 90, data_return: true}"),
			level: 2, reason: "portability is not stated"},
		{name: "no notice period", providers: p, component: c("{governing_law: DE, data_return: true, portability: open}"),
			level: 2, reason: "no exit notice period is stated", remedy: "agree an exit notice period"},
		{name: "neutral governing law", providers: p, component: c("{governing_law: US, exit_notice_days: 90, data_return: true, portability: open}"),
			level: 1, reason: "governed by the law of US, a neutral jurisdiction", remedy: "agree a governing law of the home or a trusted jurisdiction"},
		{name: "restricted governing law", providers: p, component: c("{governing_law: RU, exit_notice_days: 90, data_return: true, portability: open}"),
			level: 0, reason: "governed by the law of RU, a restricted jurisdiction"},
		{name: "governing law not stated is no better than the worst stated one", providers: p, component: c("{exit_notice_days: 90, data_return: true, portability: open}"),
			level: 0, reason: "the governing law is not stated", remedy: "agree a governing law of the home or a trusted jurisdiction"},
		{name: "every shortfall is listed", providers: p, component: c("{governing_law: US, data_return: false, portability: none}"),
			level: 1, reason: "the contract gives no right to get data back; ", remedy: "add a data-return clause; require export in a standard or open format; agree an exit notice period long enough to migrate; agree a governing law"},
	})
}

// TestDataActSwitchingFloor: Regulation (EU) 2023/2854, art. 23-31,
// applicable from 12 September 2025 (art. 50): a provider of data
// processing services offered in the Union must accept notice of at most
// two months and complete the switch within 30 days (art. 25), whatever
// the contract says. A customer at home in the Union therefore has exit
// rights even when its contract records none; one outside it, or buying a
// service that is not data processing, has only what its contract says.
func TestDataActSwitchingFloor(t *testing.T) {
	cases := []struct {
		name, home, layer, contract string
		want                        sovmap.Level
		statutory                   bool
	}{
		{"EU home, cloud storage, no contract", "DE", "storage", "", sovmap.SovereignPartner, true},
		{"EU bloc home, SaaS, no right to data", "EU", "application", ", contract: {governing_law: US, data_return: false}", sovmap.SovereignPartner, true},
		{"EU home, a better contract stands", "DE", "storage", ", contract: {governing_law: DE, exit_notice_days: 90, data_return: true, portability: open}", sovmap.Domestic, false},
		{"EU home, colocation is not data processing", "DE", "facility", "", sovmap.Exposed, false},
		{"Swiss home: not in the Union", "CH", "storage", "", sovmap.Exposed, false},
		{"Norwegian home: the EEA has not taken the Data Act over in sovmap's knowledge base", "NO", "storage", "", sovmap.Exposed, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "version: 1\norganization: {name: T, home: "+tc.home+"}\nproviders:\n  - {id: p, country: DE}\ncomponents:\n  - {id: c, layer: "+tc.layer+", provider: p"+tc.contract+"}\n", assess.Options{Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
			f := factor(t, component(t, r, "c"), sovmap.FactorExit)
			if f.Level != tc.want {
				t.Errorf("exit level %d, want %d (%s)", f.Level, tc.want, f.Reason)
			}
			if got := strings.Contains(f.Reason, "EU Data Act"); got != tc.statutory {
				t.Errorf("reason cites the Data Act: %v, want %v (%s)", got, tc.statutory, f.Reason)
			}
		})
	}
	// Before the chapter applied, only the contract counted.
	r := run(t, "version: 1\norganization: {name: T, home: DE}\nproviders:\n  - {id: p, country: DE}\ncomponents:\n  - {id: c, layer: storage, provider: p}\n", assess.Options{Now: time.Date(2025, 9, 11, 0, 0, 0, 0, time.UTC)})
	if f := factor(t, component(t, r, "c"), sovmap.FactorExit); f.Level != sovmap.Exposed {
		t.Errorf("on 11 September 2025 exit level %d, want 0 (%s)", f.Level, f.Reason)
	}
}

func TestBindingFactors(t *testing.T) {
	r := run(t, org+`providers:
  - {id: p, country: DE, parent: q}
  - {id: q, country: US}
components:
  - {id: home, layer: storage, locations: [DE]}
  - {id: tie, layer: storage, provider: p, locations: [US], operated_from: [DE], data: [internal], key_custody: provider,
     contract: {governing_law: DE, exit_notice_days: 90, data_return: true, portability: open}}
  - {id: one, layer: storage, provider: p, locations: [DE], operated_from: [DE], data: [internal], key_custody: domestic-hsm,
     contract: {governing_law: DE, exit_notice_days: 90, data_return: true, portability: open}}
`, assess.Options{})
	cases := []struct {
		id      string
		level   sovmap.Level
		binding string
	}{
		{"home", 4, ""},
		{"tie", 1, "control,location,legal,keys"},
		{"one", 1, "control"},
	}
	for _, tc := range cases {
		c := component(t, r, tc.id)
		var names []string
		for _, b := range c.Binding {
			names = append(names, string(b))
		}
		if c.Level != tc.level || strings.Join(names, ",") != tc.binding {
			t.Errorf("%s: level %d binding %q, want %d %q", tc.id, c.Level, names, tc.level, tc.binding)
		}
		if c.Binding == nil {
			t.Errorf("%s: binding is nil, want a list (JSON [])", tc.id)
		}
		// The level is the minimum of the factors, and binding lists
		// exactly the factors at the minimum.
		low := sovmap.MaxLevel
		for _, f := range c.Factors {
			low = sovmap.Min(low, f.Level)
		}
		if low != c.Level {
			t.Errorf("%s: level %d, minimum of factors %d", tc.id, c.Level, low)
		}
	}
}

// TestEmbassyLocation checks that a qualifying arrangement makes its host
// count as home for location (up to sovereign-partner) and shields the
// component from the host's compelled-access laws, and that a
// non-qualifying one changes nothing.
func TestEmbassyLocation(t *testing.T) {
	src := `version: 1
organization: {name: Ministry, home: EE, trusted: []}
arrangements:
  - {id: lux, host: LU, guest: EE, instrument: treaty}
components:
  - {id: registers, layer: storage, locations: [LU], operated_from: [EE], arrangement: lux}
  - {id: elsewhere, layer: storage, locations: [LU], operated_from: [EE]}
`
	yes := func(a sovmap.Arrangement) (bool, string) { return a.ID == "lux", "test threshold met" }
	no := func(sovmap.Arrangement) (bool, string) { return false, "" }
	cases := []struct {
		name      string
		qualifies func(sovmap.Arrangement) (bool, string)
		level     sovmap.Level
		reason    string
	}{
		{"qualifying", yes, 3, "under the qualifying digital-embassy arrangement lux (test threshold met): counts as home, abroad"},
		{"not qualifying", no, 1, "located in LU, a neutral jurisdiction (no trust or restriction applies)"},
		{"no qualifier", nil, 1, "located in LU, a neutral jurisdiction"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, src, assess.Options{Qualifies: tc.qualifies})
			c := component(t, r, "registers")
			f := factor(t, c, sovmap.FactorLocation)
			if f.Level != tc.level || !strings.Contains(f.Reason, tc.reason) {
				t.Errorf("location %d %q, want %d %q", f.Level, f.Reason, tc.level, tc.reason)
			}
			if other := factor(t, component(t, r, "elsewhere"), sovmap.FactorLocation); other.Level != 1 {
				t.Errorf("a component outside the arrangement got location %d", other.Level)
			}
		})
	}
}
