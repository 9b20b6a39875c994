package cyclonedx

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sovmap/sovmap/importer"
)

// FuzzImport feeds arbitrary documents to the importer, strict and
// lenient: it must never panic, and what it accepts must be consistent.
//
//	go test ./importer/cyclonedx -run '^$' -fuzz FuzzImport -fuzztime 60s -fuzzminimizetime 1s
func FuzzImport(f *testing.F) {
	paths, _ := filepath.Glob(fixtures + "/*.json")
	local, _ := filepath.Glob("testdata/*.json")
	for _, p := range append(paths, local...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"data","name":"x","components":[{"bom-ref":"x","type":"library","name":"y"}]}],"dependencies":[{"ref":"x","dependsOn":["x"]}]}`), true)
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		r, err := Import(context.Background(), "fuzz.json", data, Options{Options: importer.Options{KB: k}, Strict: strict})
		if err != nil {
			return
		}
		inv := r.Inventory
		ids := map[string]bool{}
		for _, c := range inv.Components {
			if ids[c.ID] || !c.Layer.Valid() || importer.Clean(c.ID) != c.ID {
				t.Fatalf("component %q: duplicate, bad id or layer %q", c.ID, c.Layer)
			}
			ids[c.ID] = true
			for _, d := range c.Data {
				if !importer.IsDataClass(d) {
					t.Fatalf("%s: data class %q", c.ID, d)
				}
			}
		}
		for _, c := range inv.Components {
			for _, d := range c.DependsOn {
				if !ids[d.ID] || d.ID == c.ID {
					t.Fatalf("%s depends on %q", c.ID, d.ID)
				}
			}
		}
		for _, fl := range inv.Flows {
			if !ids[fl.From] || !ids[fl.To] || fl.From == fl.To {
				t.Fatalf("flow %s: %s -> %s", fl.ID, fl.From, fl.To)
			}
		}
	})
}
