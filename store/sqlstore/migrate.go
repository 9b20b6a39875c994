package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrate brings the schema forward to the newest migration, in one
// transaction: a failed migration leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d.MigrationLock != "" {
			if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
				return fmt.Errorf("%s: migration lock: %w", s.d.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_us BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("%s: schema_migrations: %w", s.d.Name, err)
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return fmt.Errorf("%s: schema version: %w", s.d.Name, err)
		}
		if current > len(s.d.Migrations) {
			return fmt.Errorf("%s: the database schema is at version %d but this sovmap knows only %d: upgrade sovmap", s.d.Name, current, len(s.d.Migrations))
		}
		for v := current + 1; v <= len(s.d.Migrations); v++ {
			for i, stmt := range s.d.Migrations[v-1] {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: migration %d, statement %d: %w", s.d.Name, v, i+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_us) VALUES (?, ?)`), v, micros(time.Now())); err != nil {
				return fmt.Errorf("%s: migration %d: %w", s.d.Name, v, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the schema version the database is at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, s.wrap(err, "schema version")
}
