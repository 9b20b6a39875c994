// Package postgres opens a sovmap store on a PostgreSQL server with
// github.com/jackc/pgx/v5, for several sovmap serve processes sharing one
// database. Every piece of state lives in the database: sessions, login
// throttling and the audit log included.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver

	"github.com/sovmap/sovmap/store/sqlstore"
)

// migrationLockKey is the advisory lock that serialises migrations of
// processes starting together ("sovmap" in ASCII, as a number).
const migrationLockKey = 0x736f766d6170

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string) and migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s, err := sqlstore.New(ctx, db, Dialect())
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Dialect is PostgreSQL's SQL dialect and schema.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:          "postgres",
		Numbered:      true,
		Migrations:    migrations,
		ForUpdate:     " FOR UPDATE",
		MigrationLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", migrationLockKey),
		// The two-key form of advisory locks has a key space of its own, apart
		// from the migration lock's; the class number is "sovm".
		LockKey:  "SELECT pg_advisory_xact_lock(1936684653, hashtext(?))",
		IsUnique: isUnique,
		Copy:     copyRows,
		Instr:    "strpos",
	}
}

// copyRows writes rows with COPY, on the pgx connection under conn, in
// the transaction open on it: a version's components travel as one stream
// per table and batch instead of as statements.
func copyRows(ctx context.Context, conn *sql.Conn, table string, cols []string, rows sqlstore.CopyRows) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: copy into %s: the connection is a %T, not pgx's", table, dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
		return err
	})
}

func isUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// migrations is the schema history; it mirrors store/sqlite's, and the
// tests of store/sqlstore (schema_test.go) compare the two, tables,
// columns, keys and indexes. Times are microseconds since the Unix epoch.
// Never edit a migration once released.
var migrations = [][]string{
	{ // 1: accounts, workspaces, versions and the audit log
		`CREATE TABLE users (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			login TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL DEFAULT '',
			password_hash TEXT NOT NULL,
			site_admin BOOLEAN NOT NULL DEFAULT FALSE,
			must_change BOOLEAN NOT NULL DEFAULT FALSE,
			created_us BIGINT NOT NULL)`,
		`CREATE TABLE workspaces (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			slug TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL,
			created_us BIGINT NOT NULL)`,
		`CREATE TABLE memberships (
			workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
			user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
			PRIMARY KEY (workspace_id, user_id))`,
		`CREATE TABLE sessions (
			hash BYTEA PRIMARY KEY,
			user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			csrf TEXT NOT NULL,
			created_us BIGINT NOT NULL,
			expires_us BIGINT NOT NULL)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		`CREATE TABLE api_tokens (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			hash BYTEA NOT NULL UNIQUE,
			name TEXT NOT NULL,
			user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
			role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
			created_us BIGINT NOT NULL,
			last_used_us BIGINT NOT NULL DEFAULT 0,
			revoked BOOLEAN NOT NULL DEFAULT FALSE)`,
		`CREATE TABLE login_failures (key TEXT NOT NULL, at_us BIGINT NOT NULL)`,
		`CREATE INDEX login_failures_key ON login_failures (key, at_us)`,
		`CREATE TABLE versions (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
			number INTEGER NOT NULL,
			created_us BIGINT NOT NULL,
			created_by BIGINT NOT NULL REFERENCES users(id),
			source TEXT NOT NULL,
			note TEXT NOT NULL DEFAULT '',
			summary BYTEA NOT NULL,
			components INTEGER NOT NULL,
			UNIQUE (workspace_id, number))`,
		// The large blobs live apart, so that listing versions never reads them.
		`CREATE TABLE version_blobs (
			version_id BIGINT PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
			head BYTEA NOT NULL,
			inventory BYTEA NOT NULL)`,
		`CREATE TABLE version_files (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			seq INTEGER NOT NULL,
			name TEXT NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, seq))`,
		`CREATE TABLE components (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			idx INTEGER NOT NULL,
			id TEXT NOT NULL,
			name TEXT NOT NULL,
			layer TEXT NOT NULL,
			provider TEXT NOT NULL,
			controller TEXT NOT NULL,
			level INTEGER NOT NULL,
			effective INTEGER NOT NULL,
			required INTEGER NOT NULL,
			gap INTEGER NOT NULL,
			category TEXT NOT NULL,
			sourcing TEXT NOT NULL,
			jurisdictions TEXT NOT NULL,
			PRIMARY KEY (version_id, idx),
			UNIQUE (version_id, id))`,
		// Each component's full assessment and inventory entry live apart,
		// so that lists scan small rows.
		`CREATE TABLE component_details (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			idx INTEGER NOT NULL,
			result BYTEA NOT NULL,
			spec BYTEA NOT NULL,
			PRIMARY KEY (version_id, idx))`,
		`CREATE INDEX components_effective ON components (version_id, effective, idx)`,
		`CREATE INDEX components_gap ON components (version_id, gap, idx)`,
		`CREATE INDEX components_layer ON components (version_id, layer, idx)`,
		`CREATE INDEX components_provider ON components (version_id, provider, idx)`,
		`CREATE TABLE component_jurisdictions (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			idx INTEGER NOT NULL,
			code TEXT NOT NULL,
			PRIMARY KEY (version_id, code, idx))`,
		`CREATE TABLE dependencies (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			from_idx INTEGER NOT NULL,
			to_id TEXT NOT NULL,
			kind TEXT NOT NULL)`,
		`CREATE INDEX dependencies_from ON dependencies (version_id, from_idx)`,
		`CREATE INDEX dependencies_to ON dependencies (version_id, to_id)`,
		`CREATE TABLE audit_log (
			id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			at_us BIGINT NOT NULL,
			actor_id BIGINT NOT NULL DEFAULT 0,
			actor TEXT NOT NULL,
			workspace TEXT NOT NULL,
			action TEXT NOT NULL,
			target TEXT NOT NULL,
			detail TEXT NOT NULL,
			remote TEXT NOT NULL)`,
		`CREATE INDEX audit_log_workspace ON audit_log (workspace, id)`,
		// The audit log is append-only in the database itself.
		`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'audit log is append-only';
		END $$`,
		`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
			FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
		`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
			FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
	},
	{ // 2: site administrators can disable a user without deleting their history
		`ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE`,
	},
	{ // 3: case-insensitive login names, counted refusals, purging, no REPLACE of audit rows
		// Login names become unique regardless of case. Where two already
		// differ only in case, the later ones are renamed LOGIN-ID, and the
		// audit log says so, before the index is made.
		`INSERT INTO audit_log (at_us, actor_id, actor, workspace, action, target, detail, remote)
			SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT, 0, 'system', '', 'user.rename', u.login,
				'renamed to ' || u.login || '-' || u.id || ': another login name differs from it only in case', ''
			FROM users u WHERE EXISTS (SELECT 1 FROM users o WHERE lower(o.login) = lower(u.login) AND o.id < u.id)`,
		`UPDATE users SET login = login || '-' || id
			WHERE EXISTS (SELECT 1 FROM users o WHERE lower(o.login) = lower(users.login) AND o.id < users.id)`,
		`CREATE UNIQUE INDEX users_login_nocase ON users (lower(login))`,
		// Repeated refused sign-ins are counted per key and window, and
		// written to the audit log as one line when the window ends.
		`CREATE TABLE login_refusals (
			key TEXT NOT NULL,
			window_us BIGINT NOT NULL,
			refusals INTEGER NOT NULL,
			first_us BIGINT NOT NULL,
			last_us BIGINT NOT NULL,
			PRIMARY KEY (key, window_us))`,
		// Purging old failures and expired sessions reads by time.
		`CREATE INDEX login_failures_at ON login_failures (at_us)`,
		`CREATE INDEX sessions_expires ON sessions (expires_us)`,
	},
	{ // 4: component results and specs in compressed blocks, a row per 128 components (store/sqlstore/blocks.go)
		`CREATE TABLE component_blocks (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
	},
	questionnairesMigration, // 5: vendor questionnaires (questionnaires.go)
	{ // 6: dependencies in blocks, dependents in buckets, facets per version (store/sqlstore/dependents.go)
		// A version with a row here keeps its dependencies in
		// dependency_blocks and dependent_buckets, and no rows in
		// dependencies or component_jurisdictions; versions stored before
		// keep theirs and are read from them.
		`CREATE TABLE version_layouts (
			version_id BIGINT PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
			buckets INTEGER NOT NULL,
			facets BYTEA NOT NULL)`,
		`CREATE TABLE dependency_blocks (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
		`CREATE TABLE dependent_buckets (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			bucket INTEGER NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, bucket))`,
		// The dashboard filters and sorts lists in memory (server/cache_components.go):
		// these indexes cost every upload and no longer serve a page.
		`DROP INDEX components_effective`,
		`DROP INDEX components_gap`,
		`DROP INDEX components_layer`,
	},
	{ // 7: component lists in blocks, ids in buckets (store/sqlstore/lists.go)
		// A version whose layout has id_buckets > 0 keeps its components'
		// list columns in component_lists, 128 components a row, and its
		// ids in component_ids, by hash; it has no rows in components.
		// Versions stored before keep their rows and are read from them.
		`CREATE TABLE component_lists (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
		`CREATE TABLE component_ids (
			version_id BIGINT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			bucket INTEGER NOT NULL,
			data BYTEA NOT NULL,
			PRIMARY KEY (version_id, bucket))`,
		`ALTER TABLE version_layouts ADD COLUMN id_buckets INTEGER NOT NULL DEFAULT 0`,
	},
	{ // 8: blocks, buckets and blobs compressed with S2 (store/sqlstore/blocks.go, pack)
		// They arrive compressed: PostgreSQL's own compression of large
		// values (TOAST, pglz by default) spent more CPU failing to shrink
		// them than the rest of the COPY (1.9 to 2.3 s against 0.70 to
		// 0.74 s with EXTERNAL, no compression, for 2,400 rows of 40 KB
		// blocks; docs/benchmarks.md). The migration also marks the format:
		// a sovmap from before it refuses the database ("upgrade sovmap")
		// rather than failing on every version stored since.
		`ALTER TABLE component_blocks ALTER COLUMN data SET STORAGE EXTERNAL`,
		`ALTER TABLE component_lists ALTER COLUMN data SET STORAGE EXTERNAL`,
		`ALTER TABLE dependency_blocks ALTER COLUMN data SET STORAGE EXTERNAL`,
		`ALTER TABLE dependent_buckets ALTER COLUMN data SET STORAGE EXTERNAL`,
		`ALTER TABLE component_ids ALTER COLUMN data SET STORAGE EXTERNAL`,
		`ALTER TABLE version_blobs ALTER COLUMN head SET STORAGE EXTERNAL`,
		`ALTER TABLE version_blobs ALTER COLUMN inventory SET STORAGE EXTERNAL`,
		`ALTER TABLE version_files ALTER COLUMN data SET STORAGE EXTERNAL`,
	},
	{ // 9: the positions of an inventory's entities in its files (server/positions.go)
		// NULL for versions stored before: the server decodes their files
		// again for the positions. As after every migration, a sovmap from
		// before refuses the database ("upgrade sovmap").
		// Compressed before it arrives, like the other blobs (migration 8).
		`ALTER TABLE version_blobs ADD COLUMN positions BYTEA`,
		`ALTER TABLE version_blobs ALTER COLUMN positions SET STORAGE EXTERNAL`,
	},
}
