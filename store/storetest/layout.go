package storetest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

// RowsLayoutMigrates checks that a version stored before migration 6, with
// a row per dependency and per jurisdiction, reads back whole after the
// migration, beside a version stored after it. old is a SQL store at
// schema version 5 and reopen opens the same database again, migrating
// it. The old version is written here as the store of schema 5 wrote it,
// from the tables' own definitions and the block format that
// store/sqlstore/blocks.go documents: its components, results and specs
// compressed 128 components a block, its jurisdictions and dependencies.
func RowsLayoutMigrates(t *testing.T, old store.Store, reopen func() store.Store) {
	t.Helper()
	ctx := context.Background()
	alice := newUser(t, old, "alice")
	w := must(old.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, 700, "rows")
	db := old.(interface{ DB() *sql.DB }).DB()
	q := placeholders(db)
	tx, err := db.BeginTx(ctx, nil)
	check(t, err)
	var id int64
	check(t, tx.QueryRowContext(ctx, q(`INSERT INTO versions (workspace_id, number, created_us, created_by, source, note, summary, components)
		VALUES (?, 1, 1, ?, 'api', 'rows', ?, ?) RETURNING id`), w.ID, alice.ID, nv.Summary, len(recs)).Scan(&id))
	_, err = tx.ExecContext(ctx, q(`INSERT INTO version_blobs (version_id, head, inventory) VALUES (?, ?, ?)`), id, gzipped(t, nv.Head), gzipped(t, nv.Inventory))
	check(t, err)
	for i, r := range recs {
		_, err := tx.ExecContext(ctx, q(`INSERT INTO components (version_id, idx, id, name, layer, provider, controller, level, effective, required, gap, category, sourcing, jurisdictions)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, i, r.ID, r.Name, r.Layer, r.Provider, r.Controller, r.Level,
			r.EffectiveLevel, r.RequiredLevel, r.Gap, r.Category, r.Sourcing, strings.Join(r.Jurisdictions, " "))
		check(t, err)
		for _, j := range r.Jurisdictions {
			_, err := tx.ExecContext(ctx, q(`INSERT INTO component_jurisdictions (version_id, idx, code) VALUES (?, ?, ?)`), id, i, j)
			check(t, err)
		}
		for _, d := range r.DependsOn {
			_, err := tx.ExecContext(ctx, q(`INSERT INTO dependencies (version_id, from_idx, to_id, kind) VALUES (?, ?, ?, ?)`), id, i, d.ID, d.Kind)
			check(t, err)
		}
	}
	for first := 0; first < len(recs); first += 128 {
		var raw []byte
		for _, r := range recs[first:min(len(recs), first+128)] {
			raw = binary.AppendUvarint(raw, uint64(len(r.Result)))
			raw = append(raw, r.Result...)
			raw = binary.AppendUvarint(raw, uint64(len(r.Spec)))
			raw = append(raw, r.Spec...)
		}
		var b bytes.Buffer
		zw := must(flate.NewWriter(&b, flate.DefaultCompression))(t)
		must(zw.Write(raw))(t)
		check(t, zw.Close())
		_, err := tx.ExecContext(ctx, q(`INSERT INTO component_blocks (version_id, first_idx, data) VALUES (?, ?, ?)`), id, first, b.Bytes())
		check(t, err)
	}
	check(t, tx.Commit())
	check(t, old.Close())

	s := reopen()
	defer s.Close()
	oldV := must(s.VersionByNumber(ctx, w.ID, 1))(t)
	nv.Note = "after"
	newV := must(s.AddVersion(ctx, nv))(t)
	for _, v := range []store.Version{oldV, newV} {
		t.Run(v.Note, func(t *testing.T) { sameVersion(t, s, v, recs) })
	}
}

// sameVersion checks every read of a stored version against the records
// it was stored from, the lists and counts by brute force over them.
func sameVersion(t *testing.T, s store.Store, v store.Version, recs store.Records) {
	ctx := context.Background()
	all := must(s.AllComponents(ctx, v.ID))(t)
	if len(all) != len(recs) {
		t.Fatalf("AllComponents: %d, want %d", len(all), len(recs))
	}
	providers, jurisdictions := map[string]bool{}, map[string]bool{}
	dependents := map[string][]store.Dependency{}
	for i, r := range recs {
		if err := sameListFields(all[i], r); err != nil || !bytes.Equal(all[i].Result, r.Result) {
			t.Fatalf("AllComponents[%d]: %v, result %q want %q", i, err, all[i].Result, r.Result)
		}
		c := must(s.Component(ctx, v.ID, r.ID))(t)
		want := slices.Clone(r.DependsOn)
		slices.SortFunc(want, compareDeps)
		if err := sameListFields(c, r); err != nil || !bytes.Equal(c.Result, r.Result) || !bytes.Equal(c.Spec, r.Spec) ||
			!slices.Equal(c.DependsOn, want) {
			t.Fatalf("Component(%q) = %+v (%v), want dependencies %q", r.ID, c, err, want)
		}
		if r.Provider != "" {
			providers[r.Provider] = true
		}
		for _, j := range r.Jurisdictions {
			jurisdictions[j] = true
		}
		for _, d := range r.DependsOn {
			dependents[d.ID] = append(dependents[d.ID], store.Dependency{ID: r.ID, Kind: d.Kind})
		}
	}
	dependents["nobody"] = nil
	for id, want := range dependents {
		got := must(s.Dependents(ctx, v.ID, id))(t)
		slices.SortFunc(got, compareDeps)
		slices.SortFunc(want, compareDeps)
		if !slices.Equal(got, want) {
			t.Fatalf("Dependents(%q) = %q, want %q", id, got, want)
		}
	}
	// Sorted by the database's collation for a version stored before
	// migration 6: compared as sets.
	f := must(s.Facets(ctx, v.ID))(t)
	slices.Sort(f.Providers)
	slices.Sort(f.Jurisdictions)
	if !slices.Equal(f.Providers, sortedKeys(providers)) || !slices.Equal(f.Jurisdictions, sortedKeys(jurisdictions)) {
		t.Fatalf("Facets = %q, want %q and %q", f, sortedKeys(providers), sortedKeys(jurisdictions))
	}
	for _, j := range append(sortedKeys(jurisdictions), "J", "J7 J8", "nowhere") {
		want := 0
		for _, r := range recs {
			if slices.Contains(r.Jurisdictions, j) {
				want++
			}
		}
		if _, total := must2(s.ListComponents(ctx, v.ID, store.ComponentQuery{Jurisdiction: j}))(t); total != want {
			t.Fatalf("components in %q: %d, want %d", j, total, want)
		}
	}
}

func compareDeps(a, b store.Dependency) int {
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return strings.Compare(a.Kind, b.Kind)
}

func sortedKeys(set map[string]bool) []string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// must2 is must for functions of two results and an error.
func must2[T, U any](v T, u U, err error) func(t *testing.T) (T, U) {
	return func(t *testing.T) (T, U) {
		t.Helper()
		check(t, err)
		return v, u
	}
}

// placeholders rewrites ? placeholders for db's driver: PostgreSQL's are
// numbered.
func placeholders(db *sql.DB) func(string) string {
	return func(query string) string {
		if !strings.Contains(fmt.Sprintf("%T", db.Driver()), "sqlite") {
			for i := 1; strings.Contains(query, "?"); i++ {
				query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
			}
		}
		return query
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	must(zw.Write(data))(t)
	check(t, zw.Close())
	return b.Bytes()
}
