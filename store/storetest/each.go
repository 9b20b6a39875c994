package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/sovmap/sovmap/store"
)

// testEachComponent: EachComponent walks a version as AllComponents reads
// it whole (the oracle), on a version of many groups, one stored before
// blocks, and an empty one; it stops at fn's error, and a version with
// missing results is an error, never a short walk.
func testEachComponent(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, bulkComponents, "each")
	v := must(s.AddVersion(ctx, nv))(t)
	same := func(t *testing.T, v store.Version, recs store.Records) {
		t.Helper()
		all := must(s.AllComponents(ctx, v.ID))(t)
		n := 0
		var kept []store.ComponentRecord
		check(t, s.EachComponent(ctx, v.ID, func(c store.ComponentRecord) error {
			kept = append(kept, c)
			if n >= len(all) {
				return fmt.Errorf("component %d of %d", n, len(all))
			}
			if err := sameListFields(c, all[n]); err != nil {
				return fmt.Errorf("component %d: %w", n, err)
			}
			if c.Index != n || !bytes.Equal(c.Result, all[n].Result) || !bytes.Equal(c.Spec, recs[n].Spec) {
				return fmt.Errorf("component %d: index %d, result %q, spec %q; want %q, %q", n, c.Index, c.Result, c.Spec, all[n].Result, recs[n].Spec)
			}
			n++
			return nil
		}))
		if n != len(all) || n != v.Components {
			t.Fatalf("EachComponent visited %d components, AllComponents read %d, the version has %d", n, len(all), v.Components)
		}
		// What fn kept is still what it was given: the store does not
		// reuse the bytes it passed (the server batches records).
		for i, c := range kept {
			if !bytes.Equal(c.Result, all[i].Result) || !bytes.Equal(c.Spec, recs[i].Spec) {
				t.Fatalf("component %d's bytes changed after its call", i)
			}
		}
	}
	t.Run("blocks", func(t *testing.T) { same(t, v, recs) })

	t.Run("stops at fn's error", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := s.EachComponent(ctx, v.ID, func(store.ComponentRecord) error {
			if calls++; calls == 1500 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 1500 {
			t.Fatalf("EachComponent = %v after %d calls, want %v after 1500", err, calls, stop)
		}
	})

	t.Run("unknown version", func(t *testing.T) {
		err := s.EachComponent(ctx, v.ID+1000, func(store.ComponentRecord) error { return nil })
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("EachComponent of a missing version = %v, want ErrNotFound", err)
		}
	})

	t.Run("empty version", func(t *testing.T) {
		nv, _ := bulkVersion(w.ID, alice.ID, 0, "empty")
		empty := must(s.AddVersion(ctx, nv))(t)
		check(t, s.EachComponent(ctx, empty.ID, func(c store.ComponentRecord) error {
			return fmt.Errorf("component %q in an empty version", c.ID)
		}))
	})

	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		calls := 0
		err := s.EachComponent(cctx, v.ID, func(store.ComponentRecord) error {
			if calls++; calls == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || calls >= v.Components {
			t.Fatalf("EachComponent canceled after 10 = %v after %d calls", err, calls)
		}
	})

	db, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		return
	}
	exec := func(t *testing.T, query string, args ...any) {
		t.Helper()
		_, err := db.DB().ExecContext(ctx, placeholders(db.DB())(query), args...)
		check(t, err)
	}

	t.Run("stored before blocks", func(t *testing.T) {
		// More than one group of rows (1,024 in store/sqlstore).
		nv, recs := bulkVersion(w.ID, alice.ID, 1100, "legacy")
		old := must(s.AddVersion(ctx, nv))(t)
		for i, r := range recs {
			exec(t, `INSERT INTO component_details (version_id, idx, result, spec) VALUES (?, ?, ?, ?)`, old.ID, i, append([]byte{}, r.Result...), append([]byte{}, r.Spec...))
		}
		exec(t, `DELETE FROM component_blocks WHERE version_id = ?`, old.ID)
		same(t, old, recs)
	})

	t.Run("missing results", func(t *testing.T) {
		nv, _ := bulkVersion(w.ID, alice.ID, 1000, "short")
		short := must(s.AddVersion(ctx, nv))(t)
		// The last block goes: a walk that ended at the blocks would look complete.
		exec(t, `DELETE FROM component_blocks WHERE version_id = ? AND first_idx = (SELECT MAX(first_idx) FROM component_blocks WHERE version_id = ?)`, short.ID, short.ID)
		n := 0
		err := s.EachComponent(ctx, short.ID, func(store.ComponentRecord) error { n++; return nil })
		if err == nil {
			t.Fatalf("EachComponent of a version missing its last block visited %d of %d components and said nothing", n, short.Components)
		}
	})
}
