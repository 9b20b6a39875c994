package assess_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/kb"
)

func TestTiers(t *testing.T) {
	type want struct {
		country string
		tier    sovmap.Tier
		why     string // a part of Why
	}
	cases := []struct {
		name  string
		org   sovmap.Organization
		wants []want
	}{
		{"EU member home", sovmap.Organization{Home: "DE"}, []want{
			{"DE", sovmap.TierHome, "home jurisdiction (DE)"},
			{"FR", sovmap.TierTrusted, "member of EU with home"},
			{"NO", sovmap.TierTrusted, "member of EEA with home"},
			{"CH", sovmap.TierTrusted, "adequacy decision (EU,"},
			{"GB", sovmap.TierTrusted, "adequacy decision (EU,"},
			{"JP", sovmap.TierTrusted, "adequacy decision (EU,"},
			// Adequacy for certified organisations only is not trust in a jurisdiction.
			{"US", sovmap.TierNeutral, "no trust or restriction applies"},
			// Commission Implementing Decision (EU) 2026/179.
			{"BR", sovmap.TierTrusted, "adequacy decision (EU,"},
			{"IN", sovmap.TierNeutral, "no trust or restriction applies"},
			{"CN", sovmap.TierNeutral, ""},
			{"RU", sovmap.TierRestricted, "under sanctions"},
			{"KP", sovmap.TierRestricted, "under sanctions"},
			// Sanctioned but not comprehensively: not restricted by default.
			{"VE", sovmap.TierNeutral, ""},
			{"XX", sovmap.TierUnknown, "unknown jurisdiction"},
		}},
		{"bloc home", sovmap.Organization{Home: "EU"}, []want{
			{"DE", sovmap.TierHome, "home jurisdiction (EU)"},
			{"FR", sovmap.TierHome, "home jurisdiction (EU)"},
			{"IS", sovmap.TierTrusted, "member of EEA with home"},
			{"CH", sovmap.TierTrusted, "adequacy decision (EU,"},
			{"US", sovmap.TierNeutral, ""},
			{"RU", sovmap.TierRestricted, ""},
		}},
		{"EEA member outside the EU", sovmap.Organization{Home: "NO"}, []want{
			{"NO", sovmap.TierHome, ""},
			{"DE", sovmap.TierTrusted, "member of EEA with home"},
			// The EU's adequacy decisions apply to the whole EEA.
			{"CH", sovmap.TierTrusted, "adequacy decision (EU,"},
		}},
		{"home with its own adequacy list", sovmap.Organization{Home: "GB"}, []want{
			{"GB", sovmap.TierHome, ""},
			{"FR", sovmap.TierTrusted, "adequacy decision (GB,"},
			{"US", sovmap.TierNeutral, ""},
			{"RU", sovmap.TierRestricted, ""},
		}},
		{"home without trust blocs or adequacy list", sovmap.Organization{Home: "US"}, []want{
			{"US", sovmap.TierHome, ""},
			{"DE", sovmap.TierNeutral, "no trust or restriction applies"},
			{"GB", sovmap.TierNeutral, ""},
			{"IR", sovmap.TierRestricted, ""},
		}},
		{"trusted list replaces the defaults", sovmap.Organization{Home: "DE", Trusted: []string{"CH", "EEA"}}, []want{
			{"CH", sovmap.TierTrusted, "listed as trusted by the organization (CH)"},
			{"FR", sovmap.TierTrusted, "listed as trusted by the organization (EEA)"},
			{"GB", sovmap.TierNeutral, ""},
			{"DE", sovmap.TierHome, ""},
		}},
		{"an empty trusted list trusts nobody", sovmap.Organization{Home: "DE", Trusted: []string{}}, []want{
			{"FR", sovmap.TierNeutral, ""},
			{"DE", sovmap.TierHome, ""},
			{"RU", sovmap.TierRestricted, ""},
		}},
		{"restricted list replaces the sanctions defaults", sovmap.Organization{Home: "DE", Restricted: []string{"CN"}}, []want{
			{"CN", sovmap.TierRestricted, "listed as restricted by the organization (CN)"},
			{"RU", sovmap.TierNeutral, ""},
			{"FR", sovmap.TierTrusted, ""},
		}},
		{"neutral takes countries out of the default trust", sovmap.Organization{Home: "DE", Neutral: []string{"GB", "CH"}}, []want{
			{"GB", sovmap.TierNeutral, "listed as neutral by the organization (GB)"},
			{"CH", sovmap.TierNeutral, "listed as neutral by the organization (CH)"},
			{"FR", sovmap.TierTrusted, ""},
		}},
		{"restricted wins over trusted", sovmap.Organization{Home: "DE", Trusted: []string{"US"}, Restricted: []string{"US"}}, []want{
			{"US", sovmap.TierRestricted, ""},
		}},
		{"home wins over every list", sovmap.Organization{Home: "DE", Trusted: []string{"EU"}, Restricted: []string{"EU"}, Neutral: []string{"DE"}}, []want{
			{"DE", sovmap.TierHome, "home jurisdiction (DE)"},
			{"FR", sovmap.TierRestricted, ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tiers, err := assess.NewTiers(knowledge(t), tc.org)
			if err != nil {
				t.Fatal(err)
			}
			if tiers.Home() != tc.org.Home {
				t.Errorf("Home() = %q", tiers.Home())
			}
			for _, w := range tc.wants {
				if got := tiers.Of(w.country); got != w.tier {
					t.Errorf("%s is %s, want %s (%s)", w.country, got, w.tier, tiers.Why(w.country))
				}
				if why := tiers.Why(w.country); !strings.Contains(why, w.why) {
					t.Errorf("%s: why %q, want it to contain %q", w.country, why, w.why)
				}
			}
		})
	}
}

func TestTiersUnknownHome(t *testing.T) {
	if _, err := assess.NewTiers(knowledge(t), sovmap.Organization{Home: "XX"}); err == nil {
		t.Error("an unknown home gave no error")
	}
}

func TestTiersWorstAndCountries(t *testing.T) {
	tiers, err := assess.NewTiers(knowledge(t), sovmap.Organization{Home: "EU"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		countries []string
		tier      sovmap.Tier
		at        string
	}{
		{nil, sovmap.TierUnknown, ""},
		{[]string{"DE"}, sovmap.TierHome, "DE"},
		{[]string{"DE", "CH", "FR"}, sovmap.TierTrusted, "CH"},
		{[]string{"US", "RU", "CN"}, sovmap.TierRestricted, "RU"},
		{[]string{"DE", "XX"}, sovmap.TierUnknown, "XX"},
	}
	for _, tc := range cases {
		tier, at := tiers.Worst(tc.countries)
		if tier != tc.tier || at != tc.at {
			t.Errorf("Worst(%v) = %s %q, want %s %q", tc.countries, tier, at, tc.tier, tc.at)
		}
	}
	home := tiers.Countries(sovmap.TierHome)
	if len(home) != 27 || !slices.IsSorted(home) || !slices.Contains(home, "DE") || slices.Contains(home, "NO") {
		t.Errorf("home countries of the EU = %v", home)
	}
	for _, c := range tiers.Countries(sovmap.TierRestricted) {
		if tiers.Of(c) != sovmap.TierRestricted {
			t.Errorf("Countries(restricted) lists %s, which is %s", c, tiers.Of(c))
		}
	}
}

// TestOrganizationTiersInAssessment checks that the organization's lists
// reach the factors: the same provider is trusted or not as they say.
func TestOrganizationTiersInAssessment(t *testing.T) {
	comp := "components:\n  - {id: c, layer: storage, locations: [CH]}\n"
	cases := []struct {
		org   string
		level sovmap.Level
	}{
		{"{name: X, home: DE}", 3},
		{"{name: X, home: DE, neutral: [CH]}", 1},
		{"{name: X, home: DE, restricted: [CH]}", 0},
		{"{name: X, home: CH}", 4},
		{"{name: X, home: EFTA}", 4},
	}
	for _, tc := range cases {
		r := run(t, "version: 1\norganization: "+tc.org+"\n"+comp, assess.Options{})
		if got := component(t, r, "c").Level; got != tc.level {
			t.Errorf("%s: level %d, want %d", tc.org, got, tc.level)
		}
	}
}

// TestContestedAdequacyIsNotTrust: a contested decision whose scope is not
// plainly full (here one added by a knowledge-base overlay) does not make
// the country trusted by default; the same decision uncontested does.
func TestContestedAdequacyIsNotTrust(t *testing.T) {
	for _, tc := range []struct {
		contested bool
		want      sovmap.Tier
	}{{true, sovmap.TierNeutral}, {false, sovmap.TierTrusted}} {
		k, err := kb.Default()
		if err != nil {
			t.Fatal(err)
		}
		decision := fmt.Sprintf(`decisions:
  - {regime: EU, country: MX, scope: private-sector, recipients: "the private sector", date: 2026-01-01, act: "Test decision", contested: %v, notes: "under challenge in this test", sources: ["https://example.org/test"]}
`, tc.contested)
		if err := k.Overlay(fstest.MapFS{"adequacy/test.yaml": {Data: []byte("sources: [\"https://example.org/test\"]\nchecked: 2026-11-26\n" + decision)}}); err != nil {
			t.Fatal(err)
		}
		tiers, err := assess.NewTiers(k, sovmap.Organization{Home: "DE"})
		if err != nil {
			t.Fatal(err)
		}
		if got := tiers.Of("MX"); got != tc.want {
			t.Errorf("contested %v: MX is %s, want %s (%s)", tc.contested, got, tc.want, tiers.Why("MX"))
		}
	}
}
