package kb

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The embedded knowledge base is the product: these tests hold every fact
// in it to the rules docs/knowledge-base.md promises.

func mustDefault(t testing.TB) *KB {
	t.Helper()
	k, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return k
}

func TestDefaultHasNoProblems(t *testing.T) {
	k := mustDefault(t)
	for _, p := range k.Check() {
		t.Errorf("%s", p)
	}
}

func TestDefaultCoverage(t *testing.T) {
	k := mustDefault(t)
	clouds := map[string]bool{}
	for _, r := range k.Regions() {
		clouds[r.Cloud] = true
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"countries", len(k.CountryCodes()), 249},
		{"clouds with regions", len(clouds), 20},
		{"providers", len(k.Providers()), 60},
		{"schemes", len(k.Schemes()), 20},
		{"blocs", len(k.Blocs()), 12},
		{"data-protection laws", len(k.Laws(DataProtection)), 50},
		{"compelled-access laws", len(k.Laws(CompelledAccess)), 12},
		{"localisation laws", len(k.Laws(Localisation)), 10},
	} {
		if c.got < c.want {
			t.Errorf("%s: %d, want at least %d", c.what, c.got, c.want)
		}
	}
	for _, cloud := range []string{"aws", "azure", "gcp", "oci", "ibm", "alibaba", "tencent", "huawei", "ovhcloud", "scaleway",
		"hetzner", "ionos", "stackit", "otc", "bleu", "s3ns", "delos", "core42"} {
		if !clouds[cloud] {
			t.Errorf("no regions for cloud %s", cloud)
		}
	}
	for _, regime := range []string{"EU", "GB", "CH"} {
		if len(k.Adequacy(regime)) < 10 {
			t.Errorf("adequacy regime %s has %d decisions", regime, len(k.Adequacy(regime)))
		}
	}
}

func TestEveryRegionIsInACountryAndRunByAKnownProvider(t *testing.T) {
	k := mustDefault(t)
	for _, r := range k.Regions() {
		if _, ok := k.Country(r.Country); !ok {
			t.Errorf("region %s: country %q unknown", r.ID, r.Country)
		}
		if _, ok := k.Provider(r.Provider); !ok {
			t.Errorf("region %s: provider %q unknown", r.ID, r.Provider)
		}
		if r.ID != r.Cloud+":"+r.Name {
			t.Errorf("region %s: id is not cloud:name (%s:%s)", r.ID, r.Cloud, r.Name)
		}
	}
}

func TestEveryParentChainEnds(t *testing.T) {
	k := mustDefault(t)
	for _, p := range k.Providers() {
		chain := k.ParentChain(p.ID)
		if len(chain) == 0 || chain[0].ID != p.ID {
			t.Fatalf("%s: chain %v does not start with the provider", p.ID, chain)
		}
		last := chain[len(chain)-1]
		if last.Parent != "" {
			t.Errorf("%s: chain stops at %s whose parent %q is unknown or loops", p.ID, last.ID, last.Parent)
		}
		seen := map[string]bool{}
		for _, c := range chain {
			if seen[c.ID] {
				t.Errorf("%s: %s twice in its chain", p.ID, c.ID)
			}
			seen[c.ID] = true
		}
	}
}

func TestEveryBlocMemberIsACountry(t *testing.T) {
	k := mustDefault(t)
	for _, b := range k.Blocs() {
		if _, clash := k.Country(b.ID); clash {
			t.Errorf("bloc id %s is also a country code", b.ID)
		}
		for _, m := range b.Members {
			if _, ok := k.Country(m); !ok {
				t.Errorf("bloc %s: member %q is not a country", b.ID, m)
			}
		}
	}
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func TestEveryEntryHasASourceAndACheckedDate(t *testing.T) {
	k := mustDefault(t)
	entries := k.Entries()
	if len(entries) < 900 {
		t.Fatalf("only %d entries", len(entries))
	}
	for _, e := range entries {
		if len(e.Sources) == 0 || strings.TrimSpace(e.Sources[0]) == "" {
			t.Errorf("%s %s: no source", e.Kind, e.ID)
		}
		if !dateRE.MatchString(e.Checked) {
			t.Errorf("%s %s: checked %q is not YYYY-MM-DD", e.Kind, e.ID, e.Checked)
		} else if _, err := time.Parse(time.DateOnly, e.Checked); err != nil {
			t.Errorf("%s %s: checked %q: %v", e.Kind, e.ID, e.Checked, err)
		}
		if e.Contested && e.Notes == "" {
			t.Errorf("%s %s: contested without a note", e.Kind, e.ID)
		}
		if e.File == "" {
			t.Errorf("%s %s: no file", e.Kind, e.ID)
		}
	}
}

func TestNoDuplicateEntries(t *testing.T) {
	k := mustDefault(t)
	seen := map[string]bool{}
	for _, e := range k.Entries() {
		key := e.Kind + " " + e.ID
		if seen[key] {
			t.Errorf("duplicate %s", key)
		}
		seen[key] = true
	}
}

func TestLawsAreWellFormed(t *testing.T) {
	k := mustDefault(t)
	for _, l := range k.Laws(CompelledAccess) {
		if len(l.Reach) == 0 {
			t.Errorf("%s: no reach", l.ID)
		}
	}
	for _, l := range k.Laws(Localisation) {
		// A localisation law is judged by its condition: where the data
		// may be, and what it asks of the host.
		if l.Condition == nil || len(l.Condition.LocatedIn) == 0 || len(l.Data) == 0 || l.Requirement == "" || l.Citation == "" {
			t.Errorf("%s: condition %+v, data %v, requirement %q, citation %q", l.ID, l.Condition, l.Data, l.Requirement, l.Citation)
		}
	}
	// One comprehensive law per jurisdiction at most: a second entry is
	// more likely a duplicate under another id than a second law.
	per := map[string][]string{}
	for _, l := range k.Laws(DataProtection) {
		per[l.Jurisdiction] = append(per[l.Jurisdiction], l.ID)
	}
	for j, ids := range per {
		if len(ids) > 1 {
			t.Errorf("%s has %d data-protection laws: %v", j, len(ids), ids)
		}
	}
}

func TestSchemesAssertOnlyWhatTheyCanBack(t *testing.T) {
	k := mustDefault(t)
	for _, s := range k.Schemes() {
		if (s.HasAssertion(AssertsLocalisation) || s.HasAssertion(AssertsOperations)) && s.Location == "" {
			t.Errorf("%s: asserts localisation or operations without a location", s.ID)
		}
		if s.Status == StatusDraft && slices.ContainsFunc(s.Asserts, func(a string) bool { return a != AssertsSecurityLevel }) {
			t.Errorf("%s: a draft scheme should assert no more than a security level", s.ID)
		}
	}
	snc, ok := k.Scheme("secnumcloud")
	if !ok || !snc.HasAssertion(AssertsImmunity) || snc.Location != "EU" {
		t.Errorf("secnumcloud = %+v, want immunity in the EU", snc)
	}
}

func TestExportControlRulesHaveOneOthersGroupAndOrderedDates(t *testing.T) {
	k := mustDefault(t)
	for _, e := range k.ExportControls() {
		if e.Until != "" && e.Until <= e.Effective {
			t.Errorf("%s: until %s not after effective %s", e.ID, e.Until, e.Effective)
		}
	}
}
