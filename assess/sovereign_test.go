package assess_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/graph"
)

// Sovereign-cloud offers, judged as issue 12 reasons from who holds what:
// keys are as safe as their holder, a certification counts only where its
// scheme applies, a licensed stack is a supply dependency, and a bloc's own
// law is home law for its members.

// providersFR are a French-controlled operator running a US company's
// stack, the US company, and a French operator with no such dependency.
const providersFR = `version: 1
organization: {name: Ministère, home: FR}
knowledge:
  providers:
    - {id: big-us, name: Big US Cloud Inc., country: US, sources: ["test"], checked: 2026-12-05}
    - {id: fr-licensee, name: Licensee SAS, country: FR, technology: big-us, sources: ["test"], checked: 2026-12-05}
    - {id: fr-own, name: Own Stack SAS, country: FR, sources: ["test"], checked: 2026-12-05}
`

func TestProviderKeysJudgedByTheirHolder(t *testing.T) {
	r := run(t, providersFR+`components:
  - {id: home-op, layer: storage, provider: fr-own, locations: [FR], operated_from: [FR], data: [confidential], key_custody: provider}
  - {id: home-op-abroad, layer: storage, provider: fr-own, locations: [FR], operated_from: [FR, US], data: [confidential], key_custody: provider}
  - {id: us-op, layer: storage, provider: big-us, locations: [FR], operated_from: [FR], data: [confidential], key_custody: provider}
`, optsNow())
	// A French provider, operated from France, that no foreign law reaches,
	// can be compelled to hand over keys under French law only.
	if f := factor(t, component(t, r, "home-op"), sovmap.FactorKeys); f.Level < sovmap.SovereignPartner {
		t.Errorf("home-controlled, home-operated provider keys: level %d (%s), want no cap at 1", f.Level, f.Reason)
	}
	// Operated from the US: US law reaches its administrators.
	if f := factor(t, component(t, r, "home-op-abroad"), sovmap.FactorKeys); f.Level != sovmap.Contractual {
		t.Errorf("provider keys administered from abroad: level %d (%s), want 1", f.Level, f.Reason)
	}
	// A US-controlled provider holding the keys is reached by US law.
	if f := factor(t, component(t, r, "us-op"), sovmap.FactorKeys); f.Level != sovmap.Contractual {
		t.Errorf("US-controlled provider keys: level %d (%s), want 1", f.Level, f.Reason)
	}
}

func TestLicensedStackIsASupplyDependency(t *testing.T) {
	r := run(t, providersFR+`components:
  - {id: licensed, layer: storage, provider: fr-licensee, locations: [FR], operated_from: [FR], data: [confidential], key_custody: domestic-hsm, contract: {governing_law: FR, exit_notice_days: 90, data_return: true, portability: open}}
  - {id: own, layer: storage, provider: fr-own, locations: [FR], operated_from: [FR], data: [confidential], key_custody: domestic-hsm, contract: {governing_law: FR, exit_notice_days: 90, data_return: true, portability: open}}
`, optsNow())
	own := component(t, r, "own")
	if own.Level != sovmap.Domestic {
		t.Fatalf("a French operator on its own stack: level %d, want 4 (binding %v)", own.Level, own.Binding)
	}
	lic := component(t, r, "licensed")
	// docs/inventory.md: a supply dependency costs at most one level.
	if lic.Level != own.Level-1 {
		t.Errorf("licensed stack: level %d, want %d (one level for the US stack)", lic.Level, own.Level-1)
	}
	f := factor(t, lic, sovmap.FactorTechnology)
	if !strings.Contains(f.Reason, "big-us") || !strings.Contains(f.Reason, "supply dependency") {
		t.Errorf("technology factor reason %q: want the stack's owner and that it is a supply dependency", f.Reason)
	}
	for _, fac := range own.Factors {
		if fac.Name == sovmap.FactorTechnology {
			t.Errorf("an operator on its own stack has a technology factor: %+v", fac)
		}
	}
}

func TestCertificationCountsOnlyWhereItApplies(t *testing.T) {
	r := run(t, providersFR+`components:
  - {id: in-eu, layer: storage, provider: big-us, locations: [FR], operated_from: [FR], data: [confidential], certifications: [SecNumCloud]}
  - {id: in-us, layer: storage, provider: big-us, locations: [US], operated_from: [FR], data: [confidential], certifications: [SecNumCloud]}
  - {id: none, layer: storage, provider: big-us, locations: [US], operated_from: [FR], data: [confidential]}
`, optsNow())
	// SecNumCloud asserts immunity within the EU (§ 19.6); a service in the
	// United States earns nothing from it.
	withUS, without := factor(t, component(t, r, "in-us"), sovmap.FactorLegal), factor(t, component(t, r, "none"), sovmap.FactorLegal)
	if withUS.Level != without.Level || strings.Contains(withUS.Reason, "secnumcloud") {
		t.Errorf("SecNumCloud claimed for a US location: legal level %d (%s), want %d as without it", withUS.Level, withUS.Reason, without.Level)
	}
	if inEU := factor(t, component(t, r, "in-eu"), sovmap.FactorLegal); !strings.Contains(inEU.Reason, "secnumcloud") {
		t.Errorf("SecNumCloud in France: legal reason %q, want the qualification to count", inEU.Reason)
	}
}

func TestBlocLawIsHomeLawForMembers(t *testing.T) {
	src := func(home string) string {
		return "version: 1\norganization: {name: T, home: " + home + "}\nproviders:\n  - {id: p, country: DE}\ncomponents:\n  - {id: c, layer: storage, provider: p, locations: [DE, FR, NL], operated_from: [DE, FR, IE], data: [personal]}\n"
	}
	// Regulation (EU) 2023/1543 is Union law: for a member state it is not
	// foreign law.
	for _, home := range []string{"DE", "EU"} {
		for _, e := range component(t, run(t, src(home), optsNow()), "c").ExposureDetails {
			if strings.Contains(e.Law, "e-Evidence") {
				t.Errorf("home %s: e-Evidence counted as foreign exposure through %s", home, e.Jurisdiction)
			}
		}
	}
	// For the United Kingdom it is foreign law, one instrument: once, under
	// the EU, not once per member state.
	n := 0
	for _, e := range component(t, run(t, src("GB"), optsNow()), "c").ExposureDetails {
		if strings.Contains(e.Law, "e-Evidence") {
			n++
			if e.Jurisdiction != "EU" {
				t.Errorf("e-Evidence reported under %s, want EU", e.Jurisdiction)
			}
		}
	}
	if n != 1 {
		t.Errorf("GB home: e-Evidence appears %d times, want once", n)
	}
}

func optsNow() assess.Options {
	return assess.Options{Now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}
}

// TestStaleGraphIsNotUsed: a graph handed in for other components (an
// inventory changed after loading) is rebuilt, so the verdicts are those
// of the components as they are.
func TestStaleGraphIsNotUsed(t *testing.T) {
	src := org + `components:
  - {id: app, layer: application, locations: [DE], depends_on: [db]}
  - {id: db, layer: storage, locations: [US]}
  - {id: other, layer: storage, locations: [DE]}
`
	inv := parse(t, src)
	stale := graph.Build(inv.Components)
	// After the graph was built, app moves to the German store.
	inv.Components[0].DependsOn[0].ID = "other"
	r := assessInv(t, inv, assess.Options{Graph: stale})
	if app := component(t, r, "app"); app.LimitedBy == "db" || app.EffectiveLevel != app.Level {
		t.Errorf("app assessed with the stale graph: limited by %q, effective %d, own %d", app.LimitedBy, app.EffectiveLevel, app.Level)
	}
}

// TestPrimaryDatabaseAtHome: 152-FZ art. 18(5) (as amended by 23-FZ)
// asks that Russian citizens' personal data be first recorded and stored
// in Russia; a copy abroad is a transfer. A database abroad with none at
// home is the primary one (unmet); with one at home it may be a copy, and
// whether it is is a question (open).
func TestPrimaryDatabaseAtHome(t *testing.T) {
	const head = "version: 1\norganization: {name: T, home: RU}\ncomponents:\n  - {id: abroad, layer: storage, locations: [KZ], data: [personal]}\n"
	for _, tc := range []struct {
		extra string
		want  sovmap.ConditionStatus
	}{
		{"", sovmap.ConditionUnmet},
		{"  - {id: at-home, layer: storage, locations: [RU], data: [personal]}\n", sovmap.ConditionOpen},
	} {
		c := component(t, run(t, head+tc.extra, optsNow()), "abroad")
		got := sovmap.ConditionStatus("")
		for _, q := range c.Reasons {
			if q.Source == "law:ru-242-fz" {
				got = q.Condition
			}
		}
		if got != tc.want {
			t.Errorf("with %q: condition %q, want %q", tc.extra, got, tc.want)
		}
	}
}

// TestTrustedKeyHolderAndRestrictedController: provider-held keys at a
// French provider operated from France, for a German home, are reached
// only by a trusted partner's law: safeguarded (2), not capped at 1 like a
// foreign-controlled holder. And the Data Act's floor is not counted on
// against a controller from a restricted jurisdiction.
func TestTrustedKeyHolderAndRestrictedController(t *testing.T) {
	r := run(t, org+`providers:
  - {id: fr-op, country: FR}
  - {id: ru-op, country: RU}
components:
  - {id: fr-keys, layer: storage, provider: fr-op, locations: [FR], operated_from: [FR], data: [confidential], key_custody: provider}
  - {id: ru-saas, layer: application, provider: ru-op, locations: [DE], operated_from: [DE], data: [internal]}
`, optsNow())
	if f := factor(t, component(t, r, "fr-keys"), sovmap.FactorKeys); f.Level != sovmap.Safeguarded {
		t.Errorf("keys at a trusted provider: level %d (%s), want 2", f.Level, f.Reason)
	}
	if f := factor(t, component(t, r, "ru-saas"), sovmap.FactorExit); f.Level != sovmap.Exposed || strings.Contains(f.Reason, "Data Act") {
		t.Errorf("exit from a restricted controller: level %d (%s), want 0 without the Data Act floor", f.Level, f.Reason)
	}
}
