package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/postgres"
	"github.com/sovmap/sovmap/store/postgres/pgtest"
	"github.com/sovmap/sovmap/store/sqlstore"
	"github.com/sovmap/sovmap/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgtest.Open(t) })
}

// TestReservationsAcrossProcesses: two stores on one schema stand for two
// server processes; their reservations together stay within the limit.
func TestReservationsAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.ConcurrentReservations(t, a, b)
}

// atSchema opens a new schema migrated to version n only, and returns it
// with the function that opens it again, migrating it on.
func atSchema(t *testing.T, n int) (store.Store, func() store.Store) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	d := postgres.Dialect()
	d.Migrations = d.Migrations[:n]
	old, err := sqlstore.New(ctx, db, d)
	if err != nil {
		t.Fatal(err)
	}
	return old, func() store.Store {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestMigrations(t *testing.T) {
	storetest.Migrations(t, atSchema)
}

// TestProcessesStartingTogetherMigrateOnce opens several stores on one
// empty schema at once, as several serve processes behind a load balancer
// would; the advisory lock lets exactly one of them migrate.
func TestProcessesStartingTogetherMigrateOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if want := len(postgres.Dialect().Migrations); rows != want {
		t.Fatalf("%d migration rows, want %d", rows, want)
	}
}

func TestOpenReportsUnreachableServer(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Fatalf("connecting to a closed port: %v", err)
	}
}
