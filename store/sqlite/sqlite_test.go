package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/sqlstore"
	"github.com/sovmap/sovmap/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sovmap.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestReservationsAcrossProcesses: two stores on one file stand for two
// server processes; their reservations together stay within the limit.
func TestReservationsAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sovmap.db")
	a, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.ConcurrentReservations(t, a, b)
}

// atSchema opens a new database file migrated to schema version n only,
// and returns it with the function that opens it again, migrating it on.
func atSchema(t *testing.T, n int) (store.Store, func() store.Store) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sovmap.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	d := Dialect()
	d.Migrations = d.Migrations[:n]
	old, err := sqlstore.New(ctx, db, d)
	if err != nil {
		t.Fatal(err)
	}
	return old, func() store.Store {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestMigrations(t *testing.T) {
	storetest.Migrations(t, atSchema)
}

func TestMigrationsRunOnceAndRefuseNewerSchemas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sovmap.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, store.User{Login: "alice", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Reopening migrates nothing and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != len(migrations) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(migrations))
	}
	if _, err := s.UserByLogin(ctx, "alice"); err != nil {
		t.Fatalf("user lost on reopening: %v", err)
	}
	// A database written by a newer sovmap is refused, not damaged.
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_us) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "upgrade sovmap") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}

func TestOpenRejectsEmptyPath(t *testing.T) {
	if _, err := Open(context.Background(), ""); err == nil {
		t.Fatal("an empty path was accepted")
	}
}

// TestSchema8RefusesPositions: a sovmap from before the positions column
// (it knows migrations 1 to 8) refuses a database migrated to 9 rather
// than storing versions without the positions a newer one expects, as
// migration 8 made sovmaps before it refuse the S2 blobs.
func TestSchema8RefusesPositions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sovmap.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := Dialect()
	d.Migrations = d.Migrations[:8]
	if old, err := sqlstore.New(ctx, db, d); err == nil || !strings.Contains(err.Error(), "but this sovmap knows only 8: upgrade sovmap") {
		if err == nil {
			old.Close()
		}
		t.Fatalf("a sovmap of schema 8 opening schema 9: %v", err)
	}
}
