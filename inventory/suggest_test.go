package inventory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/inventory"
)

// TestSuggestions: every mistake of one file is reported in one run, each
// with the value meant where sovmap can tell: a country written by name,
// a region with a slip of its separators, a misspelt provider or layer.
func TestSuggestions(t *testing.T) {
	src := `version: 1
organization: {name: X, home: DE}
providers:
  - {id: p, country: Netherlands}
components:
  - {id: a, layer: storag, locations: [azure:west-europe], provider: stackt}
  - {id: b, layer: storage, locations: [Germany], operated_from: [france]}
  - {id: c, layer: storage, provider: azure}
  - {id: d, layer: storage, provider: hyperscaler}
`
	_, err := inventory.Decode(context.Background(), knowledge(t), "inv.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`inv.yaml:4:22: provider p: unknown country "Netherlands" (did you mean "NL"?)`,
		`unknown layer "storag" (did you mean "storage"?)`,
		`unknown region "azure:west-europe" (did you mean "azure:westeurope"?)`,
		`unknown provider "stackt" (did you mean "stackit"?)`,
		`unknown location "Germany" (did you mean "DE"?)`,
		`operated_from: unknown country or bloc "france" (did you mean "FR"?)`,
		// A brand for the knowledge base's legal entity.
		`unknown provider "azure" (did you mean "microsoft-azure"?)`,
		`unknown provider "hyperscaler" (declare it`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}
