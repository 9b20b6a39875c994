package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/storetest"
)

// testDSN returns the server to test against. The suite needs a real
// PostgreSQL: .ci/run starts one and sets SOVMAP_TEST_POSTGRES_DSN.
func testDSN(t *testing.T) string {
	dsn := os.Getenv("SOVMAP_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("SOVMAP_TEST_POSTGRES_DSN is not set; .ci/run sets it after starting PostgreSQL")
	}
	return dsn
}

// withSchema returns dsn with a search_path of a new, empty schema, dropped
// when the test ends, so that tests never see each other's rows.
func withSchema(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "sovmap_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func TestConformance(t *testing.T) {
	dsn := testDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), withSchema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestProcessesStartingTogetherMigrateOnce opens several stores on one
// empty schema at once, as several serve processes behind a load balancer
// would; the advisory lock lets exactly one of them migrate.
func TestProcessesStartingTogetherMigrateOnce(t *testing.T) {
	dsn := withSchema(t, testDSN(t))
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := Open(context.Background(), dsn)
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
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(migrations) {
		t.Fatalf("%d migration rows, want %d", rows, len(migrations))
	}
}

func TestOpenReportsUnreachableServer(t *testing.T) {
	_, err := Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Fatalf("connecting to a closed port: %v", err)
	}
}
