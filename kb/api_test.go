package kb

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind+":"+e.ID)
	}
	return out
}

func TestStale(t *testing.T) {
	k, err := Load(withFiles(map[string]string{"dated.yaml": `providers:
  - {id: old, name: Old, country: US, sources: [x], checked: 2024-01-10}
  - {id: older, name: Older, country: US, sources: [x], checked: 2023-06-01}
  - {id: undated, name: Undated, country: US, sources: [x]}
  - {id: baddate, name: Bad date, country: US, sources: [x], checked: "last spring"}
`}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		olderThan time.Duration
		now       string
		want      []string
	}{
		{"a year before 2025-02-01", 365 * 24 * time.Hour, "2025-02-01",
			[]string{"provider:baddate", "provider:undated", "provider:older", "provider:old"}},
		{"a year before 2024-12-01 spares old", 365 * 24 * time.Hour, "2024-12-01",
			[]string{"provider:baddate", "provider:undated", "provider:older"}},
		{"three years: only undated", 3 * 365 * 24 * time.Hour, "2026-01-01",
			[]string{"provider:baddate", "provider:undated"}},
		{"zero age: everything checked before now", 0, "2026-01-02",
			nil}, // filled below: every entry
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(k.Stale(tt.olderThan, day(tt.now)))
			if tt.want == nil {
				if len(got) != len(k.Entries()) {
					t.Errorf("got %d stale, want all %d", len(got), len(k.Entries()))
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	k := mustDefault(t)
	tests := []struct {
		text      string
		first     string   // kind:id expected first, "" for no hits
		include   []string // kind:id that must be among the hits
		exclude   []string // kind:id that must not be
		atMostAll int      // upper bound on the number of hits, 0 for none
	}{
		{text: "us-cloud-act", first: "law:us-cloud-act"},
		{text: "CLOUD Act", include: []string{"law:us-cloud-act"}, exclude: []string{"provider:akamai"}},
		{text: "frank", include: []string{"region:aws:eu-central-1", "region:gcp:europe-west3"}},
		{text: "Frankfurt aws", first: "region:aws:eu-central-1", atMostAll: 3},
		{text: "secnumcloud", first: "scheme:secnumcloud", include: []string{"provider:s3ns"}},
		{text: "  ", first: ""},
		{text: "zzzz-no-such-thing", first: ""},
		{text: "act", exclude: []string{"country:AD"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := ids(k.Search(tt.text))
			if tt.first == "" && len(tt.include) == 0 && len(tt.exclude) == 0 {
				if len(got) != 0 {
					t.Fatalf("got %v, want nothing", got)
				}
				return
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("first hit of %v, want %s", got, tt.first)
			}
			for _, w := range tt.include {
				if !slices.Contains(got, w) {
					t.Errorf("%s missing from %v", w, got)
				}
			}
			for _, w := range tt.exclude {
				if slices.Contains(got, w) {
					t.Errorf("%s should not match", w)
				}
			}
			if tt.atMostAll > 0 && len(got) > tt.atMostAll {
				t.Errorf("%d hits, want at most %d: %v", len(got), tt.atMostAll, got)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	k := mustDefault(t)
	tests := []struct {
		code   string
		ok     bool
		n      int
		member string
	}{
		{"DE", true, 1, "DE"},
		{"EU", true, 27, "FR"},
		{"EEA", true, 30, "NO"},
		{"FVEY", true, 5, "NZ"},
		{"AFRICAN-UNION", true, 55, "ZA"},
		{"AU", true, 1, "AU"}, // Australia, not the African Union
		{"XX", false, 0, ""},
		{"eu", false, 0, ""}, // ids are case-sensitive
	}
	for _, tt := range tests {
		got, ok := k.Expand(tt.code)
		if ok != tt.ok || len(got) != tt.n || (tt.member != "" && !slices.Contains(got, tt.member)) {
			t.Errorf("Expand(%s) = %v, %v; want %d members incl. %q, ok %v", tt.code, got, ok, tt.n, tt.member, tt.ok)
		}
	}
	// The result is the caller's: changing it must not change the bloc.
	got, _ := k.Expand("EU")
	got[0] = "ZZ"
	if again, _ := k.Expand("EU"); again[0] == "ZZ" {
		t.Error("Expand returned the bloc's own slice")
	}
}

func TestOverlayKnowledge(t *testing.T) {
	tests := []struct {
		name    string
		section map[string]any
		wantErr string
		check   func(t *testing.T, k *KB)
	}{
		{name: "empty section is a no-op", section: nil, check: func(t *testing.T, k *KB) {
			if len(k.Overrides()) != 0 {
				t.Error("overrides recorded")
			}
		}},
		{name: "override a provider's parent", section: map[string]any{
			"sources": []any{"contract 2026-17"}, "checked": "2026-03-01",
			"providers": []any{map[string]any{"id": "acme-eu", "name": "Acme EU GmbH", "country": "DE"}},
		}, check: func(t *testing.T, k *KB) {
			p, _ := k.Provider("acme-eu")
			if p.Parent != "" || p.Checked != "2026-03-01" || p.File != "knowledge.providers[0]" {
				t.Errorf("acme-eu = %+v", p)
			}
			if top, _ := k.UltimateParent("acme-eu"); top.ID != "acme-eu" {
				t.Errorf("ultimate parent %s", top.ID)
			}
		}},
		{name: "add a private region written cloud:region", section: map[string]any{
			"regions": []any{map[string]any{"id": "onprem:dc1", "provider": "acme-eu", "country": "FR", "city": "Lyon", "sources": []any{"asset register"}, "checked": "2026-01-01"}},
		}, check: func(t *testing.T, k *KB) {
			r, ok := k.Region("onprem:dc1")
			if !ok || r.Cloud != "onprem" || r.Name != "dc1" || r.Country != "FR" {
				t.Errorf("region = %+v, %v", r, ok)
			}
		}},
		{name: "add a scheme found by alias", section: map[string]any{
			"schemes": []any{map[string]any{"id": "house-audit", "name": "Our audit", "issuer": "CISO office", "kind": "attestation",
				"status": "in-force", "asserts": []any{"security-level"}, "aliases": []any{"HA-1"}}},
		}, check: func(t *testing.T, k *KB) {
			if s, ok := k.Scheme("ha 1"); !ok || s.ID != "house-audit" {
				t.Errorf("Scheme(ha 1) = %+v, %v", s, ok)
			}
		}},
		{name: "unknown key names the entry", section: map[string]any{
			"providers": []any{map[string]any{"id": "x", "name": "X", "contry": "FR"}},
		}, wantErr: `knowledge: providers[0]: unknown field "contry" (did you mean "country"?)`},
		{name: "unknown list", section: map[string]any{"vendors": []any{}}, wantErr: `unknown key "vendors"`},
		{name: "broken reference", section: map[string]any{
			"providers": []any{map[string]any{"id": "x", "name": "X", "country": "FR", "parent": "ghost"}},
		}, wantErr: `knowledge.providers[0]: provider x: parent "ghost" is not a provider`},
		{name: "region cloud mismatch", section: map[string]any{
			"regions": []any{map[string]any{"id": "aws:x", "cloud": "gcp", "provider": "acme", "country": "FR"}},
		}, wantErr: `id names cloud "aws" but the entry's cloud is "gcp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Load(base)
			if err != nil {
				t.Fatal(err)
			}
			err = k.OverlayKnowledge(tt.section)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, k)
		})
	}
}

func TestSchemeLookupIgnoresCaseAndPunctuation(t *testing.T) {
	k := mustDefault(t)
	for in, want := range map[string]string{
		"SecNumCloud": "secnumcloud", "ISO27001": "iso27001", "ISO/IEC 27001": "iso27001", "iso-27001": "iso27001",
		"C5": "c5", "BSI C5": "c5", "SOC 2 Type II": "soc2", "ENS Alta": "ens-high", "Gaia-X L3": "gaia-x-label-3",
	} {
		if s, ok := k.Scheme(in); !ok || s.ID != want {
			t.Errorf("Scheme(%q) = %q, %v; want %q", in, s.ID, ok, want)
		}
	}
	if _, ok := k.Scheme("no such scheme"); ok {
		t.Error("unknown scheme found")
	}
}

func TestExportControl(t *testing.T) {
	k := mustDefault(t)
	tests := []struct {
		country, on string
		want        []string // ids in force, most restrictive first
	}{
		{"CN", "2022-06-01", nil},
		{"CN", "2023-01-01", []string{"us-acs-2022-china"}},
		{"CN", "2024-06-01", []string{"us-acs-2023-d5"}},
		{"CN", "2025-03-01", []string{"us-acs-2023-d5", "us-ai-diffusion-tier3"}},
		{"CN", "2026-11-26", []string{"us-acs-2023-d5-from-2026", "us-h200-2026-china"}},
		{"DE", "2025-03-01", []string{"us-ai-diffusion-tier1"}},
		{"DE", "2025-06-01", nil},
		{"PT", "2025-03-01", []string{"us-ai-diffusion-tier2"}}, // an "others" country
		{"PT", "2024-03-01", nil},
		{"KH", "2026-01-20", []string{"us-acs-2023-d5"}},
		// Out of D:5 from 3 February 2026, still in D:1: a licence.
		{"KH", "2026-03-01", []string{"us-acs-2023-d1-kh-from-2026"}},
		{"AE", "2024-03-01", []string{"us-acs-2023-d1-d4"}},
		{"ZZ", "2025-03-01", nil}, // not a country: not an "other" either
	}
	for _, tt := range tests {
		var got []string
		for _, e := range k.ExportControl(tt.country, day(tt.on)) {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ExportControl(%s, %s) = %v, want %v", tt.country, tt.on, got, tt.want)
		}
	}
	if h := k.ExportControlHistory("CN"); len(h) < 5 || h[0].ID != "us-acs-2022-china" {
		t.Errorf("history of CN = %d entries starting %v", len(h), h)
	}
}

func TestDataProtectionAndLawsFor(t *testing.T) {
	k := mustDefault(t)
	for c, want := range map[string]bool{"DE": true, "NO": true, "GB": true, "BR": true, "IN": true, "US": false, "KP": false} {
		if got := k.HasDataProtectionLaw(c); got != want {
			t.Errorf("HasDataProtectionLaw(%s) = %v, want %v", c, got, want)
		}
	}
	var de []string
	for _, l := range k.LawsFor("DE", "") {
		de = append(de, l.ID)
	}
	for _, want := range []string{"eu-gdpr", "eu-e-evidence", "de-g10", "de-sgb-v-393"} {
		if !slices.Contains(de, want) {
			t.Errorf("LawsFor(DE) = %v, missing %s", de, want)
		}
	}
	if got := k.LawsFor("US", CompelledAccess); len(got) != 2 {
		t.Errorf("LawsFor(US, compelled-access) = %v", got)
	}
}

func TestAppliesToSectors(t *testing.T) {
	tests := []struct {
		sector  string
		sectors []string
		want    bool
	}{
		{"", nil, true},
		{"", []string{"health"}, true},
		{"health and statutory health insurance", []string{"health"}, true},
		{"health and statutory health insurance", []string{"Health "}, true},
		{"banking", []string{"health"}, false},
		{"banking", nil, false},
		{"government (State administrations and their operators)", []string{"retail", "government"}, true},
		{"banking", []string{""}, false},
	}
	for _, tt := range tests {
		if got := (Law{Sector: tt.sector}).AppliesToSectors(tt.sectors); got != tt.want {
			t.Errorf("sector %q, sectors %q: %v, want %v", tt.sector, tt.sectors, got, tt.want)
		}
	}
}

func TestParentChainAndOwners(t *testing.T) {
	k := mustDefault(t)
	tests := []struct {
		id   string
		want []string
	}{
		{"aws-esc", []string{"aws-esc", "amazon"}},
		{"exoscale", []string{"exoscale", "a1-group", "america-movil"}},
		{"s3ns", []string{"s3ns", "thales"}},
		{"bleu", []string{"bleu"}},
		{"arm", []string{"arm", "softbank"}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range k.ParentChain(tt.id) {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParentChain(%s) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if b, _ := k.Provider("bleu"); !slices.Equal(b.Owners, []string{"orange", "capgemini"}) {
		t.Errorf("bleu owners = %v", b.Owners)
	}
}

// TestConcurrentReads runs every reader at once; with -race it proves a
// built KB needs no locking.
func TestConcurrentReads(t *testing.T) {
	k := mustDefault(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			k.Search("frankfurt")
			k.Stale(time.Hour, day("2030-01-01"))
			k.ExportControl("CN", day("2026-01-01"))
			k.Expand("EU")
			k.ParentChain("aws-esc")
			k.Scheme("C5")
			k.LawsFor("FR", "")
			k.Clone().OverlayKnowledge(map[string]any{"providers": []any{map[string]any{"id": "x", "name": "X", "country": "FR", "sources": []any{"s"}, "checked": "2026-01-01"}}})
		})
	}
	wg.Wait()
	if _, ok := k.Provider("x"); ok {
		t.Error("an overlay of a clone reached the shared KB")
	}
}

func TestLoadFromMapFSWithSubdirectories(t *testing.T) {
	fsys := withFiles(map[string]string{"regions/c.yaml": "cloud: c\nprovider: acme\nsources: [x]\nchecked: 2026-01-01\nregions:\n  - {id: r1, country: DE}\n", "README.md": "not yaml: [", "skip.txt": "x"})
	k, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := k.Region("c:r1"); !ok || r.File != "regions/c.yaml" || r.Provider != "acme" {
		t.Errorf("region = %+v, %v", r, ok)
	}
}
