package cyclonedx

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/inventory"
	export "github.com/sovmap/sovmap/report/cyclonedx"
)

// TestSovmapBOMComesBackWhole exports example inventories with sovmap's
// own CycloneDX writer and imports them back: everything the export
// carries (ids, names, layers, providers, locations, data, criticality,
// keys, dependencies and their kinds, certifications, contracts,
// alternatives, migration days, tags, the organization, providers, flows,
// arrangements and rules) must come back unchanged.
func TestSovmapBOMComesBackWhole(t *testing.T) {
	k := knowledge(t)
	for _, ex := range []string{"hospital-group", "bank-dora", "ministry-embassy"} {
		t.Run(ex, func(t *testing.T) {
			want, err := inventory.Load(context.Background(), k, "../../examples/"+ex+"/inventory.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var bom bytes.Buffer
			opts := export.Options{SerialNumber: "urn:uuid:00000000-0000-4000-8000-000000000000", Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
			if err := export.WriteOptions(&bom, nil, want, opts); err != nil {
				t.Fatal(err)
			}
			r, err := Import(context.Background(), ex+".cdx.json", bom.Bytes(), Options{Options: importer.Options{KB: k}})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range r.Warnings {
				t.Errorf("warning: %s", w)
			}
			got := r.Inventory
			// Not carried by CycloneDX: assessments, scenarios, knowledge
			// and planning options. A component without a name comes back
			// named by its id.
			want.Assessments, want.Scenarios, want.Knowledge = nil, nil, nil
			o := want.Organization
			want.Organization = sovmap.Organization{Name: o.Name, Home: o.Home, Trusted: o.Trusted, Restricted: o.Restricted, Neutral: o.Neutral}
			for i := range want.Components {
				want.Components[i].Options = nil
				if want.Components[i].Name == "" {
					want.Components[i].Name = want.Components[i].ID
				}
			}
			if a, b := canonical(t, want), canonical(t, got); a != b {
				t.Errorf("the round trip changed the inventory:\n%s", firstDifference(a, b))
			}
		})
	}
}

// canonical writes an inventory as indented JSON, positions left out and
// lists in id order: their order carries no meaning.
func canonical(t *testing.T, inv *sovmap.Inventory) string {
	t.Helper()
	sort.Slice(inv.Components, func(i, j int) bool { return inv.Components[i].ID < inv.Components[j].ID })
	sort.Slice(inv.Providers, func(i, j int) bool { return inv.Providers[i].ID < inv.Providers[j].ID })
	sort.Slice(inv.Flows, func(i, j int) bool { return inv.Flows[i].ID < inv.Flows[j].ID })
	b, err := json.MarshalIndent(inv, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func firstDifference(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := 0; i < len(al) && i < len(bl); i++ {
		if !bytes.Equal(al[i], bl[i]) {
			lo := max(0, i-6)
			return "want:\n" + string(bytes.Join(al[lo:min(len(al), i+3)], []byte("\n"))) + "\ngot:\n" + string(bytes.Join(bl[lo:min(len(bl), i+3)], []byte("\n")))
		}
	}
	return "lengths differ"
}
