package storetest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

// RowsLayoutMigrates checks that a version stored before migration 6, with
// a row per dependency and per jurisdiction, reads back whole after the
// migrations, beside a version stored after them. old is a SQL store at
// schema version 5 and reopen opens the same database again, migrating
// it. The old version is written here as the store of schema 5 wrote it
// (see writeOldVersion).
func RowsLayoutMigrates(t *testing.T, old store.Store, reopen func() store.Store) {
	t.Helper()
	oldLayoutMigrates(t, old, reopen, 5)
}

// BlocksLayoutMigrates checks that a version stored before migration 7,
// with a row per component, its dependencies in blocks and its dependents
// in buckets, reads back whole after the migration, beside a version
// stored after it, and that both list their components alike. old is a
// SQL store at schema version 6.
func BlocksLayoutMigrates(t *testing.T, old store.Store, reopen func() store.Store) {
	t.Helper()
	oldLayoutMigrates(t, old, reopen, 6)
}

func oldLayoutMigrates(t *testing.T, old store.Store, reopen func() store.Store, schema int) {
	ctx := context.Background()
	alice := newUser(t, old, "alice")
	w := must(old.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, 700, "old")
	writeOldVersion(t, old, nv, recs, schema)
	check(t, old.Close())

	s := reopen()
	defer s.Close()
	oldV := must(s.VersionByNumber(ctx, w.ID, 1))(t)
	nv.Note = "after"
	nv.Positions = []byte("positions")
	newV := must(s.AddVersion(ctx, nv))(t)
	// The old version has no positions (migration 9 added the column
	// empty); the new one keeps its own.
	if p := must(s.VersionPositions(ctx, oldV.ID))(t); p != nil {
		t.Errorf("a version stored at schema %d has positions %q", schema, p)
	}
	if p := must(s.VersionPositions(ctx, newV.ID))(t); string(p) != "positions" {
		t.Errorf("positions after the migration: %q", p)
	}
	for _, v := range []store.Version{oldV, newV} {
		t.Run(v.Note, func(t *testing.T) { sameVersion(t, s, v, recs) })
	}
	t.Run("lists alike", func(t *testing.T) { sameLists(t, s, oldV, newV, recs) })
}

// writeOldVersion writes nv as version 1 of its workspace, as the store of
// the given schema (5 or 6) wrote it, from the tables' own definitions and
// the formats that store/sqlstore/blocks.go and dependents.go document:
// a row per component, with its list columns; its results and specs
// compressed 128 components a block; at schema 5 its jurisdictions and
// dependencies a row each, at schema 6 its dependencies in blocks like the
// results, its dependents by target in buckets, and its facets.
func writeOldVersion(t *testing.T, old store.Store, nv store.NewVersion, recs store.Records, schema int) {
	ctx := context.Background()
	db := old.(interface{ DB() *sql.DB }).DB()
	q := placeholders(db)
	tx, err := db.BeginTx(ctx, nil)
	check(t, err)
	var id int64
	check(t, tx.QueryRowContext(ctx, q(`INSERT INTO versions (workspace_id, number, created_us, created_by, source, note, summary, components)
		VALUES (?, 1, 1, ?, 'api', 'old', ?, ?) RETURNING id`), nv.WorkspaceID, nv.CreatedBy, nv.Summary, len(recs)).Scan(&id))
	exec := func(query string, args ...any) {
		t.Helper()
		_, err := tx.ExecContext(ctx, q(query), args...)
		check(t, err)
	}
	exec(`INSERT INTO version_blobs (version_id, head, inventory) VALUES (?, ?, ?)`, id, gzipped(t, nv.Head), gzipped(t, nv.Inventory))
	field := func(raw []byte, f string) []byte { return append(binary.AppendUvarint(raw, uint64(len(f))), f...) }
	for i, r := range recs {
		exec(`INSERT INTO components (version_id, idx, id, name, layer, provider, controller, level, effective, required, gap, category, sourcing, jurisdictions)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i, r.ID, r.Name, r.Layer, r.Provider, r.Controller, r.Level,
			r.EffectiveLevel, r.RequiredLevel, r.Gap, r.Category, r.Sourcing, strings.Join(r.Jurisdictions, " "))
		if schema >= 6 {
			continue
		}
		for _, j := range r.Jurisdictions {
			exec(`INSERT INTO component_jurisdictions (version_id, idx, code) VALUES (?, ?, ?)`, id, i, j)
		}
		for _, d := range r.DependsOn {
			exec(`INSERT INTO dependencies (version_id, from_idx, to_id, kind) VALUES (?, ?, ?, ?)`, id, i, d.ID, d.Kind)
		}
	}
	for first := 0; first < len(recs); first += 128 {
		var raw, deps []byte
		for _, r := range recs[first:min(len(recs), first+128)] {
			raw = field(field(raw, string(r.Result)), string(r.Spec))
			deps = binary.AppendUvarint(deps, uint64(len(r.DependsOn)))
			for _, d := range r.DependsOn {
				deps = field(field(deps, d.ID), d.Kind)
			}
		}
		exec(`INSERT INTO component_blocks (version_id, first_idx, data) VALUES (?, ?, ?)`, id, first, deflated(t, raw))
		if schema >= 6 {
			exec(`INSERT INTO dependency_blocks (version_id, first_idx, data) VALUES (?, ?, ?)`, id, first, deflated(t, deps))
		}
	}
	if schema >= 6 {
		// As many buckets as blocks; an edge goes in bucket FNV-1a 32 of
		// its target modulo that, sorted by target, dependent and kind.
		buckets := (len(recs) + 127) / 128
		edges := make([][][3]string, buckets)
		providers, jurisdictions := map[string]bool{}, map[string]bool{}
		for _, r := range recs {
			for _, d := range r.DependsOn {
				h := fnv.New32a()
				h.Write([]byte(d.ID))
				b := h.Sum32() % uint32(buckets)
				edges[b] = append(edges[b], [3]string{d.ID, r.ID, d.Kind})
			}
			if r.Provider != "" {
				providers[r.Provider] = true
			}
			for _, j := range r.Jurisdictions {
				jurisdictions[j] = true
			}
		}
		for b, es := range edges {
			slices.SortFunc(es, func(x, y [3]string) int { return slices.Compare(x[:], y[:]) })
			var raw []byte
			for _, e := range es {
				raw = field(field(field(raw, e[0]), e[1]), e[2])
			}
			exec(`INSERT INTO dependent_buckets (version_id, bucket, data) VALUES (?, ?, ?)`, id, b, deflated(t, raw))
		}
		var facets []byte
		for _, set := range []map[string]bool{providers, jurisdictions} {
			facets = binary.AppendUvarint(facets, uint64(len(set)))
			for _, k := range sortedKeys(set) {
				facets = field(facets, k)
			}
		}
		exec(`INSERT INTO version_layouts (version_id, buckets, facets) VALUES (?, ?, ?)`, id, buckets, facets)
	}
	check(t, tx.Commit())
}

// sameLists checks that two versions of the same records, one stored in
// rows and filtered by the database and one not, list alike: for every
// filter and sort, the same total and the same page. On PostgreSQL the
// database orders text by its collation, so the text sort keys are
// compared there as the sets of a page's ids.
func sameLists(t *testing.T, s store.Store, rows, other store.Version, recs store.Records) {
	ctx := context.Background()
	bytewise := strings.Contains(fmt.Sprintf("%T", s.(interface{ DB() *sql.DB }).DB().Driver()), "sqlite")
	level := 2
	queries := []store.ComponentQuery{{}, {Layer: recs[3].Layer}, {Level: &level}, {MinGap: 1}, {Provider: recs[5].Provider},
		{Jurisdiction: "J7"}, {Jurisdiction: "J7 J8"}, {Search: "C001"}, {Search: "Null"}, {Search: "00021NULL"}, {Search: "É"}, {Search: "like"}, {Search: "%_"}, {Layer: recs[4].Layer, MinGap: 2, Desc: true},
		{Offset: 650, Limit: 100}, {Limit: 5000}}
	for _, key := range store.SortKeys {
		queries = append(queries, store.ComponentQuery{Sort: key, Limit: 1000}, store.ComponentQuery{Sort: key, Desc: true, Offset: 100, Limit: 300},
			store.ComponentQuery{Sort: key, MinGap: 1, Jurisdiction: "J3"})
	}
	for _, qu := range queries {
		want, wantTotal := must2(s.ListComponents(ctx, rows.ID, qu))(t)
		got, total := must2(s.ListComponents(ctx, other.ID, qu))(t)
		gotIDs, wantIDs := ids(got), ids(want)
		if !bytewise && (qu.Sort == "id" || qu.Sort == "layer" || qu.Sort == "provider") {
			slices.Sort(gotIDs)
			slices.Sort(wantIDs)
		}
		if total != wantTotal || !slices.Equal(gotIDs, wantIDs) {
			t.Fatalf("ListComponents(%+v): %d, %q; stored in rows: %d, %q", qu, total, gotIDs, wantTotal, wantIDs)
		}
		for i := range got {
			if err := sameListFields(got[i], recs[got[i].Index]); err != nil || got[i].Result != nil || got[i].Spec != nil {
				t.Fatalf("ListComponents(%+v)[%d]: %v, result %q", qu, i, err, got[i].Result)
			}
		}
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

func deflated(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	zw := must(flate.NewWriter(&b, flate.DefaultCompression))(t)
	must(zw.Write(raw))(t)
	check(t, zw.Close())
	return b.Bytes()
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	must(zw.Write(data))(t)
	check(t, zw.Close())
	return b.Bytes()
}
