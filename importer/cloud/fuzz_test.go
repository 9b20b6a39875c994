package cloud

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sovmap/sovmap/importer"
)

// fuzzImporter feeds arbitrary bytes, seeded with the fixtures, to an
// importer: it must never panic, and what it accepts must have valid ids
// and layers.
func fuzzImporter(f *testing.F, imp importFunc, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("{}"))
	f.Add([]byte("[]"))
	k := knowledge(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := imp(context.Background(), "f.json", data, importer.Options{KB: k})
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, c := range r.Inventory.Components {
			if ids[c.ID] || !importer.IsID(c.ID) || !c.Layer.Valid() {
				t.Fatalf("component %q: duplicate or bad id, or layer %q", c.ID, c.Layer)
			}
			ids[c.ID] = true
		}
	})
}

// go test ./importer/cloud -run '^$' -fuzz FuzzAWS -fuzztime 60s
func FuzzAWS(f *testing.F) {
	fuzzImporter(f, ImportAWS, "aws-config-snapshot.json", "aws-resource-explorer.json")
}

// go test ./importer/cloud -run '^$' -fuzz FuzzAzure -fuzztime 60s
func FuzzAzure(f *testing.F) { fuzzImporter(f, ImportAzure, "azure-resource-graph.json") }

// go test ./importer/cloud -run '^$' -fuzz FuzzGCP -fuzztime 60s
func FuzzGCP(f *testing.F) {
	fuzzImporter(f, ImportGCP, "gcp-asset-export.jsonl", "gcp-search-all-resources.json")
}

// go test ./importer/cloud -run '^$' -fuzz FuzzKubernetes -fuzztime 60s
func FuzzKubernetes(f *testing.F) { fuzzImporter(f, ImportKubernetes, "kubectl-nodes-pods.json") }
