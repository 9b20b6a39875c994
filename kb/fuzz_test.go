package kb

import (
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

// FuzzLoad feeds arbitrary bytes to the loader as a data file next to a
// valid one. Whatever the input, Load must return a KB or an error, never
// panic, and a KB it returns must pass its own fatal checks.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"",
		"providers:\n  - {id: g, name: G, country: US}\n",
		"cloud: c\nprovider: acme\nregions:\n  - {id: r, country: DE}\n",
		"regions:\n  - {id: \"a:b:c\", provider: acme, country: DE}\n",
		"blocs:\n  - {id: B, name: B, members: [DE, FR]}\n",
		"laws:\n  - {id: l, jurisdiction: DE, kind: localisation, name: L, data: [personal.health], require: 3}\n",
		"export_controls:\n  - {id: e, regime: US, rule: r, name: N, items: I, group: G, others: true, restriction: capped, effective: 2025-01-13}\n",
		"schemes:\n  - {id: s, name: S, issuer: I, kind: label, status: in-force, asserts: [localisation], location: EU}\n",
		"a: &a [1]\nb: *a\n",
		"providers: [[[[",
		"- 1\n- 2\n",
		"decisions:\n  - {regime: DE, country: FR, scope: full, date: \"2020\", act: A}\n",
		"programmes:\n  - {country: US, by: [UN], comprehensive: true}\n",
		"\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := withFiles(nil)
		fsys["fuzz.yaml"] = &fstest.MapFile{Data: data}
		k, err := Load(fsys)
		if err != nil {
			return
		}
		for _, p := range k.check(true) {
			t.Fatalf("loaded KB has a fatal problem: %s", p)
		}
		k.Entries()
		k.Search("a")
		k.Stale(0, day("2026-01-01"))
	})
}

// FuzzOverlayKnowledge does the same for an inventory's knowledge:
// section, given as a YAML document decoded into a map.
func FuzzOverlayKnowledge(f *testing.F) {
	f.Add("providers:\n  - {id: x, name: X, country: FR}\n")
	f.Add("regions:\n  - {id: \"onprem:a\", provider: acme, country: DE}\n")
	f.Add("schemes: 3\n")
	f.Fuzz(func(t *testing.T, doc string) {
		var section map[string]any
		if err := yamlUnmarshal([]byte(doc), &section); err != nil {
			return
		}
		k, err := Load(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.OverlayKnowledge(section); err != nil {
			return
		}
		for _, p := range k.check(true) {
			t.Fatalf("overlaid KB has a fatal problem: %s", p)
		}
	})
}

func yamlUnmarshal(b []byte, v any) error { return yaml.Unmarshal(b, v) }
