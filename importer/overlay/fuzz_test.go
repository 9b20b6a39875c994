package overlay

import (
	"os"
	"testing"

	"github.com/sovmap/sovmap"
)

// FuzzLoadApply loads arbitrary overlays and applies those it accepts to a
// small inventory: neither step may panic.
//
//	go test ./importer/overlay -run '^$' -fuzz FuzzLoadApply -fuzztime 60s
func FuzzLoadApply(f *testing.F) {
	data, err := os.ReadFile("testdata/overlay.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("components: [{id: '[', data: [x]}, {id: a, contract: {exit_notice_days: 3}, tags: {a: b}}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Load("fuzz.yaml", data)
		if err != nil {
			return
		}
		inv := &sovmap.Inventory{Version: 1, Components: []sovmap.Component{
			{ID: "a", Layer: sovmap.LayerCompute, Tags: map[string]string{"k": "v"}},
			{ID: "b", Layer: sovmap.LayerStorage},
		}}
		o.Apply(inv)
		if len(inv.Components) != 2 || inv.Components[0].ID != "a" || inv.Components[1].ID != "b" {
			t.Fatalf("components changed: %+v", inv.Components)
		}
	})
}
