package server

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
)

// TestInventoryJSONIsMarshal holds inventoryJSON, which marshals the
// components apart and splices them in, to encoding/json on the whole
// inventory, byte for byte, and each component's place in it to the
// component marshalled alone: over every example, a generated inventory
// (more components than one range of a core), one with a component far
// larger than the others, and an empty one.
func TestInventoryJSONIsMarshal(t *testing.T) {
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob("../examples/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	// One component far larger than the sample of them inventoryJSON
	// sizes its buffer by, so that its range outgrows its room.
	outgrown := gen.Inventory(k, gen.Options{Components: 3000, Seed: 1})
	outgrown.Components[1000].Name = strings.Repeat("long name <&> ", 100_000)
	invs := map[string]*sovmap.Inventory{
		"generated":     gen.Inventory(k, gen.Options{Components: 3000, Seed: 1}),
		"outgrown":      outgrown,
		"no components": {Version: 1, Organization: sovmap.Organization{Name: "none", Home: "DE"}},
		"empty list":    {Version: 1, Organization: sovmap.Organization{Name: "none", Home: "DE"}, Components: []sovmap.Component{}},
	}
	for _, dir := range dirs {
		inv, err := inventory.Load(context.Background(), k, dir)
		if err != nil {
			continue // the examples that are not inventories (a calculator's answers)
		}
		invs[filepath.Base(dir)] = inv
	}
	if len(invs) < 10 {
		t.Fatalf("only %d inventories to test", len(invs))
	}
	for name, inv := range invs {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			// Room to spare, and none: ranges that outgrow their regions.
			var got []byte
			var specs []int
			for _, room := range []int{1 << 30, 0} {
				got, specs, err = inventoryJSON(inv, room)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("inventoryJSON(room %d) differs from json.Marshal:\n got %.300s\nwant %.300s", room, got, want)
				}
			}
			if len(specs) != len(inv.Components)+1 {
				t.Fatalf("%d offsets for %d components", len(specs), len(inv.Components))
			}
			for i := range inv.Components {
				c, _ := json.Marshal(&inv.Components[i])
				if spec := got[specs[i] : specs[i+1]-1]; !bytes.Equal(spec, c) {
					t.Fatalf("component %d at %d: %.200s, want %.200s", i, specs[i], spec, c)
				}
			}
		})
	}
}
