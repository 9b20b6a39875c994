package server

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sovmap/sovmap"
)

// BenchmarkColdSources measures what a first view from the store alone
// reads, a version's whole report and its inventory as stored, decoded as
// the server does ("parallel") and, side by side, as it did before: the
// stored results decoded one at a time with encoding/json after reading
// them all with AllComponents, and the inventory with one encoding/json
// call ("serial").
//
//	go test ./server -run '^$' -bench ColdSources -benchtime 3x
func BenchmarkColdSources(b *testing.B) {
	e := newEnv(b)
	v, _ := storeFile(b, e, generatedFile(b, e, 20000))
	ctx := context.Background()
	b.Run("report/parallel", func(b *testing.B) {
		for range b.N {
			if _, err := e.srv.fullReport(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("report/serial", func(b *testing.B) {
		for range b.N {
			recs, err := e.st.AllComponents(ctx, v.ID)
			if err != nil {
				b.Fatal(err)
			}
			out := make([]sovmap.ComponentResult, len(recs))
			for i, rec := range recs {
				if err := json.Unmarshal(rec.Result, &out[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("inventory/parallel", func(b *testing.B) {
		for range b.N {
			if _, err := e.srv.storedInventory(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("inventory/serial", func(b *testing.B) {
		for range b.N {
			blob, err := e.st.VersionInventory(ctx, v.ID)
			if err != nil {
				b.Fatal(err)
			}
			var inv sovmap.Inventory
			if err := json.Unmarshal(blob, &inv); err != nil {
				b.Fatal(err)
			}
		}
	})
}
