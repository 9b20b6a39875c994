package terraform

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
)

// FuzzImport feeds arbitrary documents to the importer: it must never
// panic, and what it accepts must be a consistent inventory. The seeds are
// whole plans, so run it with a short minimisation time:
//
//	go test ./importer/terraform -run '^$' -fuzz FuzzImport -fuzztime 60s -fuzzminimizetime 1s
func FuzzImport(f *testing.F) {
	paths, _ := filepath.Glob(fixtures + "/*.json")
	local, _ := filepath.Glob("testdata/*.json")
	for _, p := range append(paths, local...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"module.a.aws_vpc.x","mode":"managed","type":"aws_vpc","depends_on":["module.a.aws_vpc.x","aws_vpc.y"]}]}}}`))
	f.Add([]byte(`{"format_version":"1.0","configuration":{"root_module":{"module_calls":{"a":{"expressions":{"v":{"references":["var.v"]}},"module":{"resources":[{"address":"aws_vpc.x","provider_config_key":"module.a:aws","expressions":{"r":{"references":["var.v","module.a.o"]}}}]}}}}},"resource_changes":[{"address":"module.a.aws_vpc.x","mode":"managed","type":"aws_vpc","change":{"actions":["create"],"after":{}}}]}`))
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Import(context.Background(), "fuzz.json", data, Options{Options: importer.Options{KB: k}})
		if err != nil {
			return
		}
		checkConsistent(t, r.Inventory)
	})
}

// checkConsistent fails when ids repeat, layers are unknown or
// dependencies point nowhere.
func checkConsistent(t *testing.T, inv *sovmap.Inventory) {
	t.Helper()
	ids := map[string]bool{}
	for _, c := range inv.Components {
		if ids[c.ID] {
			t.Fatalf("duplicate id %q", c.ID)
		}
		ids[c.ID] = true
		if !c.Layer.Valid() {
			t.Fatalf("%s: layer %q", c.ID, c.Layer)
		}
	}
	for _, c := range inv.Components {
		for _, d := range c.DependsOn {
			if !ids[d.ID] || d.ID == c.ID {
				t.Fatalf("%s depends on %q", c.ID, d.ID)
			}
		}
	}
}
