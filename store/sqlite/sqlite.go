// Package sqlite opens a sovmap store in one SQLite file, with the pure Go
// driver modernc.org/sqlite: no cgo, nothing to install beside the binary.
//
// The database runs in WAL mode, so that pages keep reading while an upload
// is written, with synchronous=FULL, so that a committed version survives a
// crash of the process or the machine, and with foreign keys on. Writes take
// the database lock when their transaction begins (_txlock=immediate), which
// avoids deadlocks between two writers that both started as readers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sovmap/sovmap/store/sqlstore"
)

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(15000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// Readers run in parallel in WAL mode; writers queue on the busy timeout.
	db.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, Dialect())
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Dialect is SQLite's SQL dialect and schema.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:       "sqlite",
		Migrations: migrations,
		IsUnique:   isUnique,
		// SQLite copies every page a multi-row INSERT changes to a statement
		// journal, to undo that statement alone when a constraint fails;
		// the whole version is undone anyway, so a failure rolls the
		// transaction back (OR ROLLBACK). The foreign keys of the rows
		// written are checked by the code rather than by SQLite, which
		// would also need the journal: every row names the version that
		// the same transaction has just inserted.
		BulkInsert: "INSERT OR ROLLBACK",
		// Since migration 7 a version's rows are all written in key order
		// (blocks by position, buckets by number): SQLite's default page
		// cache serves, where the random index of component ids needed a
		// larger one (see docs/benchmarks.md).
		// The foreign keys go off for the write, as BulkInsert says.
		// The commit does not checkpoint the write-ahead log (copy the
		// version's pages into the database file, which took half of the
		// commit's time); the connection does it after, while the upload
		// is answered.
		BulkSession: []string{"PRAGMA foreign_keys = OFF", "PRAGMA wal_autocheckpoint = 0"},
		BulkAfter:   []string{"PRAGMA wal_checkpoint(PASSIVE)"},
		BulkReset:   []string{"PRAGMA foreign_keys = ON", "PRAGMA wal_autocheckpoint = 1000"},
	}
}

func isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// migrations is the schema history. Times are microseconds since the Unix
// epoch; flags are 0 or 1. Never edit a migration once released: append,
// here and in store/postgres alike (store/sqlstore's schema_test.go
// compares the two).
var migrations = [][]string{
	{ // 1: accounts, workspaces, versions and the audit log
		`CREATE TABLE users (
			id INTEGER PRIMARY KEY,
			login TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL DEFAULT '',
			password_hash TEXT NOT NULL,
			site_admin INTEGER NOT NULL DEFAULT 0,
			must_change INTEGER NOT NULL DEFAULT 0,
			created_us INTEGER NOT NULL)`,
		`CREATE TABLE workspaces (
			id INTEGER PRIMARY KEY,
			slug TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL,
			created_us INTEGER NOT NULL)`,
		`CREATE TABLE memberships (
			workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
			user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
			PRIMARY KEY (workspace_id, user_id))`,
		`CREATE TABLE sessions (
			hash BLOB PRIMARY KEY,
			user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			csrf TEXT NOT NULL,
			created_us INTEGER NOT NULL,
			expires_us INTEGER NOT NULL)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		`CREATE TABLE api_tokens (
			id INTEGER PRIMARY KEY,
			hash BLOB NOT NULL UNIQUE,
			name TEXT NOT NULL,
			user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
			role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
			created_us INTEGER NOT NULL,
			last_used_us INTEGER NOT NULL DEFAULT 0,
			revoked INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE login_failures (key TEXT NOT NULL, at_us INTEGER NOT NULL)`,
		`CREATE INDEX login_failures_key ON login_failures (key, at_us)`,
		`CREATE TABLE versions (
			id INTEGER PRIMARY KEY,
			workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
			number INTEGER NOT NULL,
			created_us INTEGER NOT NULL,
			created_by INTEGER NOT NULL REFERENCES users(id),
			source TEXT NOT NULL,
			note TEXT NOT NULL DEFAULT '',
			summary BLOB NOT NULL,
			components INTEGER NOT NULL,
			UNIQUE (workspace_id, number))`,
		// The large blobs live apart, so that listing versions never reads them.
		`CREATE TABLE version_blobs (
			version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
			head BLOB NOT NULL,
			inventory BLOB NOT NULL)`,
		`CREATE TABLE version_files (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			seq INTEGER NOT NULL,
			name TEXT NOT NULL,
			data BLOB NOT NULL,
			PRIMARY KEY (version_id, seq))`,
		`CREATE TABLE components (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
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
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			idx INTEGER NOT NULL,
			result BLOB NOT NULL,
			spec BLOB NOT NULL,
			PRIMARY KEY (version_id, idx))`,
		`CREATE INDEX components_effective ON components (version_id, effective, idx)`,
		`CREATE INDEX components_gap ON components (version_id, gap, idx)`,
		`CREATE INDEX components_layer ON components (version_id, layer, idx)`,
		`CREATE INDEX components_provider ON components (version_id, provider, idx)`,
		`CREATE TABLE component_jurisdictions (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			idx INTEGER NOT NULL,
			code TEXT NOT NULL,
			PRIMARY KEY (version_id, code, idx))`,
		`CREATE TABLE dependencies (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			from_idx INTEGER NOT NULL,
			to_id TEXT NOT NULL,
			kind TEXT NOT NULL)`,
		`CREATE INDEX dependencies_from ON dependencies (version_id, from_idx)`,
		`CREATE INDEX dependencies_to ON dependencies (version_id, to_id)`,
		`CREATE TABLE audit_log (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			at_us INTEGER NOT NULL,
			actor_id INTEGER NOT NULL DEFAULT 0,
			actor TEXT NOT NULL,
			workspace TEXT NOT NULL,
			action TEXT NOT NULL,
			target TEXT NOT NULL,
			detail TEXT NOT NULL,
			remote TEXT NOT NULL)`,
		`CREATE INDEX audit_log_workspace ON audit_log (workspace, id)`,
		// The audit log is append-only in the database itself.
		`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
		`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
	},
	{ // 2: site administrators can disable a user without deleting their history
		`ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0`,
	},
	{ // 3: case-insensitive login names, counted refusals, purging, no REPLACE of audit rows
		// Login names become unique regardless of case. Where two already
		// differ only in case, the later ones are renamed LOGIN-ID, and the
		// audit log says so, before the index is made.
		`INSERT INTO audit_log (at_us, actor_id, actor, workspace, action, target, detail, remote)
			SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 0, 'system', '', 'user.rename', u.login,
				'renamed to ' || u.login || '-' || u.id || ': another login name differs from it only in case', ''
			FROM users u WHERE EXISTS (SELECT 1 FROM users o WHERE lower(o.login) = lower(u.login) AND o.id < u.id)`,
		`UPDATE users SET login = login || '-' || id
			WHERE EXISTS (SELECT 1 FROM users o WHERE lower(o.login) = lower(users.login) AND o.id < users.id)`,
		`CREATE UNIQUE INDEX users_login_nocase ON users (lower(login))`,
		// Repeated refused sign-ins are counted per key and window, and
		// written to the audit log as one line when the window ends.
		`CREATE TABLE login_refusals (
			key TEXT NOT NULL,
			window_us INTEGER NOT NULL,
			refusals INTEGER NOT NULL,
			first_us INTEGER NOT NULL,
			last_us INTEGER NOT NULL,
			PRIMARY KEY (key, window_us))`,
		// Purging old failures and expired sessions reads by time.
		`CREATE INDEX login_failures_at ON login_failures (at_us)`,
		`CREATE INDEX sessions_expires ON sessions (expires_us)`,
		// INSERT OR REPLACE deletes the row it replaces without firing the
		// delete trigger (recursive triggers are off): refuse an insert of
		// an id that exists.
		`CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
			WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
			BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
	},
	{ // 4: component results and specs in compressed blocks, a row per 128 components (store/sqlstore/blocks.go)
		`CREATE TABLE component_blocks (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BLOB NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
	},
	questionnairesMigration, // 5: vendor questionnaires (questionnaires.go)
	{ // 6: dependencies in blocks, dependents in buckets, facets per version (store/sqlstore/dependents.go)
		// A version with a row here keeps its dependencies in
		// dependency_blocks and dependent_buckets, and no rows in
		// dependencies or component_jurisdictions; versions stored before
		// keep theirs and are read from them.
		`CREATE TABLE version_layouts (
			version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
			buckets INTEGER NOT NULL,
			facets BLOB NOT NULL)`,
		`CREATE TABLE dependency_blocks (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BLOB NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
		`CREATE TABLE dependent_buckets (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			bucket INTEGER NOT NULL,
			data BLOB NOT NULL,
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
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			first_idx INTEGER NOT NULL,
			data BLOB NOT NULL,
			PRIMARY KEY (version_id, first_idx))`,
		`CREATE TABLE component_ids (
			version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
			bucket INTEGER NOT NULL,
			data BLOB NOT NULL,
			PRIMARY KEY (version_id, bucket))`,
		`ALTER TABLE version_layouts ADD COLUMN id_buckets INTEGER NOT NULL DEFAULT 0`,
	},
	{ // 8: blocks, buckets and blobs compressed with S2 (store/sqlstore/blocks.go, pack)
		// No change to the tables: the number marks the format, so that a
		// sovmap from before it refuses the database ("upgrade sovmap")
		// rather than failing on every version stored since. PostgreSQL's
		// migration 8 also stops compressing these columns again.
	},
	{ // 9: the positions of an inventory's entities in its files (server/positions.go)
		// NULL for versions stored before: the server decodes their files
		// again for the positions. As after every migration, a sovmap from
		// before refuses the database ("upgrade sovmap").
		`ALTER TABLE version_blobs ADD COLUMN positions BLOB`,
	},
}
