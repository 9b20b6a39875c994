package storetest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/klauspost/compress/s2"

	"github.com/sovmap/sovmap/store"
)

// blobTables are the tables whose rows hold a version's components
// compressed (store/sqlstore: blocks.go, lists.go, dependents.go), with
// the column that tells a version's rows apart.
var blobTables = []struct{ table, key string }{
	{"component_lists", "first_idx"}, {"component_blocks", "first_idx"}, {"dependency_blocks", "first_idx"},
	{"dependent_buckets", "bucket"}, {"component_ids", "bucket"},
}

// testDeflateBlocks checks that a version whose blocks and buckets were
// compressed with DEFLATE, as the stores wrote them before S2, reads back
// whole beside one stored now. A version is stored, then each of its
// compressed rows is rewritten as DEFLATE of the same bytes (by the
// standard library's compress/flate, not the store's code), and every read
// is checked against the records it was stored from, by brute force, and
// its lists against a version stored after it.
func testDeflateBlocks(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, 700, "deflate")
	old := must(s.AddVersion(ctx, nv))(t)
	db := s.(interface{ DB() *sql.DB }).DB()
	q := placeholders(db)
	for _, tb := range blobTables {
		keys, blobs := []int64{}, [][]byte{}
		rows, err := db.QueryContext(ctx, q(`SELECT `+tb.key+`, data FROM `+tb.table+` WHERE version_id = ?`), old.ID)
		check(t, err)
		for rows.Next() {
			var k int64
			var data []byte
			check(t, rows.Scan(&k, &data))
			keys, blobs = append(keys, k), append(blobs, data)
		}
		check(t, rows.Err())
		check(t, rows.Close())
		if len(keys) == 0 {
			t.Fatalf("%s: no rows for the version", tb.table)
		}
		for i, data := range blobs {
			// What the store writes now: S2's block format behind a
			// marker byte that no DEFLATE stream starts with.
			if len(data) == 0 || data[0] != 0xff {
				t.Fatalf("%s %d: not S2 behind its marker: % x", tb.table, keys[i], data[:min(len(data), 8)])
			}
			raw, err := s2.Decode(nil, data[1:])
			check(t, err)
			_, err = db.ExecContext(ctx, q(`UPDATE `+tb.table+` SET data = ? WHERE version_id = ? AND `+tb.key+` = ?`),
				deflated(t, raw), old.ID, keys[i])
			check(t, err)
		}
	}
	nv.Note = "s2"
	now := must(s.AddVersion(ctx, nv))(t)
	for _, v := range []store.Version{old, now} {
		t.Run(v.Note, func(t *testing.T) { sameVersion(t, s, v, recs) })
	}
	t.Run("lists alike", func(t *testing.T) { sameLists(t, s, old, now, recs) })
}
