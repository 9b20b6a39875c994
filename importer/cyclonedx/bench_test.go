package cyclonedx

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/sovmap/sovmap/importer"
)

// syntheticBOM builds a reproducible BOM of n services and libraries, each
// service with a provider, data and a dependency on the previous one.
func syntheticBOM(n int) []byte {
	type obj = map[string]any
	var services, components, deps []obj
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			ref := fmt.Sprintf("svc-%d", i)
			services = append(services, obj{"bom-ref": ref, "name": fmt.Sprintf("Service %d", i),
				"provider": obj{"name": fmt.Sprintf("Vendor %d", i%50), "address": obj{"country": "DE"}},
				"data":     []obj{{"flow": "inbound", "classification": "PII"}}})
			if i > 0 {
				deps = append(deps, obj{"ref": ref, "dependsOn": []string{fmt.Sprintf("svc-%d", i-2), fmt.Sprintf("lib-%d", i-1)}})
			}
			continue
		}
		components = append(components, obj{"bom-ref": fmt.Sprintf("lib-%d", i), "type": "library", "name": fmt.Sprintf("lib%d", i),
			"supplier": obj{"name": "Example Foundation"}})
	}
	data, err := json.Marshal(obj{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components, "services": services, "dependencies": deps})
	if err != nil {
		panic(err)
	}
	return data
}

// BenchmarkImport10k measures a BOM of 10,000 components and services:
//
//	go test ./importer/cyclonedx -run '^$' -bench Import -benchmem
func BenchmarkImport10k(b *testing.B) {
	data := syntheticBOM(10_000)
	opts := Options{Options: importer.Options{KB: knowledge(b)}}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Import(context.Background(), "synthetic.json", data, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Inventory.Components) != 10_000 {
			b.Fatalf("%d components", len(r.Inventory.Components))
		}
	}
}
