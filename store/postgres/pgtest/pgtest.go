// Package pgtest gives tests their own empty PostgreSQL schema on the
// server named by SOVMAP_TEST_POSTGRES_DSN (.ci/run starts one and sets it).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/sovmap/sovmap/store/postgres"
	"github.com/sovmap/sovmap/store/sqlstore"
)

// EnvDSN is the variable that names the test server.
const EnvDSN = "SOVMAP_TEST_POSTGRES_DSN"

// DSN returns a connection string whose search_path is a new, empty
// schema, dropped when the test ends, so that tests never see each other's
// rows. It skips the test when no server is configured.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Skip(EnvDSN + " is not set; .ci/run sets it after starting PostgreSQL")
	}
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

// Open opens a store on a fresh schema; the test closes it.
func Open(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
