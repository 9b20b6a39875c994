package kb

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// base is a minimal valid knowledge base the loader tests add to.
var base = fstest.MapFS{
	"countries.yaml": {Data: []byte(`sources: ["test"]
checked: 2026-01-01
countries:
  - {code: DE, alpha3: DEU, numeric: "276", name: Germany}
  - {code: FR, alpha3: FRA, numeric: "250", name: France}
  - {code: US, alpha3: USA, numeric: "840", name: United States}
`)},
	"providers.yaml": {Data: []byte(`sources: ["test"]
checked: 2026-01-01
providers:
  - {id: acme, name: Acme Inc., country: US}
  - {id: acme-eu, name: Acme EU GmbH, country: DE, parent: acme}
`)},
}

func withFiles(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, f := range base {
		fsys[name] = f
	}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"duplicate id within a file", map[string]string{"more.yaml": `sources: [x]
checked: 2026-01-01
providers:
  - {id: globex, name: Globex, country: US}
  - {id: globex, name: Globex again, country: US}
`}, []string{"more.yaml:5:5: provider globex: duplicate id (first at more.yaml:4:5)"}},
		{"duplicate id across files", map[string]string{"more.yaml": `sources: [x]
checked: 2026-01-01
providers:
  - {id: acme, name: Acme again, country: US}
`}, []string{"provider acme: duplicate id (first at "}},
		{"duplicate region across files", map[string]string{
			"a.yaml": "cloud: c\nprovider: acme\nsources: [x]\nchecked: 2026-01-01\nregions:\n  - {id: r1, country: DE}\n",
			"b.yaml": "sources: [x]\nchecked: 2026-01-01\nregions:\n  - {id: \"c:r1\", provider: acme, country: FR}\n",
		}, []string{"region c:r1: duplicate id"}},
		{"duplicate mapping key", map[string]string{"more.yaml": "providers:\n  - {id: a, id: b, name: x, country: US}\n"},
			[]string{`more.yaml:2:13: providers[0]: duplicate key "id"`}},
		{"unknown entry key with position", map[string]string{"more.yaml": "providers:\n  - id: globex\n    name: Globex\n    countyr: US\n"},
			[]string{`more.yaml:4:5: providers[0]: unknown field "countyr" (did you mean "country"?) (known: `}},
		{"unknown nested key", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nlaws:\n  - id: l\n    condition: {locatd_in: [DE]}\n"},
			[]string{`more.yaml:5:17: laws[0]: unknown field "locatd_in" (did you mean "located_in"?)`}},
		{"unknown top-level key", map[string]string{"more.yaml": "provders: []\n"},
			[]string{`more.yaml:1:1: unknown key "provders" (did you mean "providers"?) (want `}},
		{"malformed YAML with its position", map[string]string{"more.yaml": "sources: [x]\nproviders:\n  - {id: g, name: G\n  - {id: h}\n"},
			[]string{"more.yaml:3:3: malformed YAML: did not find expected ',' or '}'"}},
		{"list that is not a list", map[string]string{"more.yaml": "providers: {id: x}\n"},
			[]string{"more.yaml:1:12: providers: want a list"}},
		{"not a mapping", map[string]string{"more.yaml": "- just\n- a list\n"},
			[]string{"more.yaml:1:1: want a mapping"}},
		{"alias", map[string]string{"more.yaml": "sources: &s [x]\nchecked: 2026-01-01\nproviders:\n  - {id: g, name: G, country: US, sources: *s}\n"},
			[]string{"more.yaml:4:44: YAML aliases are not allowed"}},
		{"unknown country", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nproviders:\n  - {id: g, name: G, country: ZZ}\n"},
			[]string{`more.yaml:4:5: provider g: country "ZZ" is not a country code`}},
		{"unknown parent", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nproviders:\n  - {id: g, name: G, country: US, parent: nobody}\n"},
			[]string{`provider g: parent "nobody" is not a provider`}},
		{"parent cycle", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nproviders:\n  - {id: g, name: G, country: US, parent: h}\n  - {id: h, name: H, country: US, parent: g}\n"},
			[]string{"parent chain loops: g -> h -> g"}},
		{"region without cloud", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nregions:\n  - {id: r1, provider: acme, country: DE}\n"},
			[]string{"region r1: no cloud"}},
		{"region with unknown provider", map[string]string{"more.yaml": "cloud: c\nsources: [x]\nchecked: 2026-01-01\nregions:\n  - {id: r1, provider: nobody, country: DE}\n"},
			[]string{`region c:r1: provider "nobody" is not a provider`}},
		{"bloc member not a country", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nblocs:\n  - {id: XB, name: X, members: [DE, XX]}\n"},
			[]string{`bloc XB: member "XX" is not a country`}},
		{"bloc id that is a country code", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nblocs:\n  - {id: FR, name: X, members: [DE]}\n"},
			[]string{"bloc FR: id is also a country code"}},
		{"localisation law without data", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nlaws:\n  - {id: l, jurisdiction: DE, kind: localisation, name: L, require: 3}\n"},
			[]string{"law l: a localisation law needs data classes"}},
		{"bad data class", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nlaws:\n  - {id: l, jurisdiction: DE, kind: localisation, name: L, require: 3, data: [Health]}\n"},
			[]string{`data class "Health" is not a dotted class`}},
		{"compelled access without reach", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nlaws:\n  - {id: l, jurisdiction: US, kind: compelled-access, name: L}\n"},
			[]string{"law l: a compelled-access law needs reach"}},
		{"scheme asserting localisation without location", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nschemes:\n  - {id: s, name: S, issuer: I, kind: label, status: in-force, asserts: [localisation]}\n"},
			[]string{"scheme s: asserts localisation or operations but gives no location"}},
		{"scheme alias clash", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nschemes:\n  - {id: s1, name: S, issuer: I, kind: label, status: in-force, asserts: [security-level]}\n  - {id: s2, name: S, issuer: I, kind: label, status: in-force, asserts: [security-level], aliases: [S-1]}\n"},
			[]string{`name "S-1" is also a name of scheme s1`}},
		{"export control with bad dates", map[string]string{"more.yaml": "sources: [x]\nchecked: 2026-01-01\nexport_controls:\n  - {id: e, regime: US, rule: r, name: N, items: I, group: G, members: [FR], restriction: denial, effective: 2025-05-01, until: 2025-01-01}\n"},
			[]string{"until 2025-01-01 is not after effective 2025-05-01"}},
		{"wrong type", map[string]string{"more.yaml": "laws:\n  - {id: l, jurisdiction: US, kind: compelled-access, name: L, year: soon}\n"},
			[]string{`more.yaml:2:70: laws[0]: year: expected a whole number, found "soon"`}},
		{"too large", map[string]string{"more.yaml": "notes: \"" + strings.Repeat("x", maxFileBytes) + "\"\n"},
			[]string{"more.yaml: file is", "more than the limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(withFiles(tt.files))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadErrorIsALoadError(t *testing.T) {
	_, err := Load(withFiles(map[string]string{"x.yaml": "providers:\n  - {id: g, name: G, country: ZZ}\n"}))
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 || !le.Problems[0].Fatal {
		t.Fatalf("err = %#v, want one fatal problem", err)
	}
}

func TestOverlayReplacesAndRecordsOverrides(t *testing.T) {
	k, err := Load(base)
	if err != nil {
		t.Fatal(err)
	}
	err = k.Overlay(fstest.MapFS{"ours/acme.yml": {Data: []byte(`sources: ["our legal review 2026-02"]
checked: 2026-02-01
providers:
  - {id: acme-eu, name: Acme EU GmbH, country: DE}
  - {id: newco, name: NewCo SAS, country: FR}
`)}})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := k.Provider("acme-eu")
	if p.Parent != "" || p.Sources[0] != "our legal review 2026-02" || p.File != "ours/acme.yml" || p.Line != 4 {
		t.Errorf("acme-eu = %+v, want the overlay's entry", p)
	}
	if _, ok := k.Provider("newco"); !ok {
		t.Error("newco not added")
	}
	ov := k.Overrides()
	if len(ov) != 1 || ov[0].Entry.ID != "acme-eu" || ov[0].Replaced.File != "providers.yaml" || ov[0].Entry.File != "ours/acme.yml" {
		t.Errorf("overrides = %+v", ov)
	}
}

func TestOverlayIsAllOrNothing(t *testing.T) {
	k, err := Load(base)
	if err != nil {
		t.Fatal(err)
	}
	before := len(k.Entries())
	err = k.Overlay(fstest.MapFS{"bad.yaml": {Data: []byte(`sources: [x]
checked: 2026-01-01
providers:
  - {id: fine, name: Fine, country: FR}
  - {id: broken, name: Broken, country: QQ}
`)}})
	if err == nil {
		t.Fatal("overlay with an unknown country succeeded")
	}
	if _, ok := k.Provider("fine"); ok || len(k.Entries()) != before {
		t.Error("a failed overlay changed the knowledge base")
	}
}

func TestOverlayMayNotRepeatAnIDButMayReplaceOne(t *testing.T) {
	k, err := Load(base)
	if err != nil {
		t.Fatal(err)
	}
	twice := fstest.MapFS{
		"a.yaml": {Data: []byte("providers:\n  - {id: acme, name: A, country: US}\n")},
		"b.yaml": {Data: []byte("providers:\n  - {id: acme, name: B, country: US}\n")},
	}
	if err := k.Overlay(twice); err == nil || !strings.Contains(err.Error(), "duplicate id") {
		t.Errorf("err = %v, want a duplicate id", err)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	k, err := Load(base)
	if err != nil {
		t.Fatal(err)
	}
	c := k.Clone()
	if err := c.OverlayKnowledge(map[string]any{"providers": []any{map[string]any{"id": "acme", "name": "Acme", "country": "FR"}}}); err != nil {
		t.Fatal(err)
	}
	if p, _ := k.Provider("acme"); p.Country != "US" {
		t.Errorf("original changed: acme country %s", p.Country)
	}
	if p, _ := c.Provider("acme"); p.Country != "FR" {
		t.Errorf("clone not changed: acme country %s", p.Country)
	}
	if len(k.Overrides()) != 0 || len(c.Overrides()) != 1 {
		t.Errorf("overrides: original %d, clone %d", len(k.Overrides()), len(c.Overrides()))
	}
}

func TestEmptyFilesAndNullListsAddNothing(t *testing.T) {
	k, err := Load(withFiles(map[string]string{"empty.yaml": "", "nulls.yaml": "providers:\nregions: ~\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Providers()) != 2 {
		t.Errorf("providers = %d", len(k.Providers()))
	}
}
