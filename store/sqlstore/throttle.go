package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sovmap/sovmap/store"
)

// ReserveLoginAttempt checks the keys' failures and counts the attempt in
// one transaction. On SQLite the transaction takes the database's write
// lock as it begins (_txlock=immediate), which serialises reservations of
// every process; on PostgreSQL an advisory lock per key does (see
// Dialect.LockKey). Keys are locked in the order given, which callers keep
// fixed, so that two reservations cannot wait for each other.
func (s *Store) ReserveLoginAttempt(ctx context.Context, keys []string, at, since time.Time, limit int) (string, error) {
	var refused string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if s.d.LockKey != "" {
				if _, err := tx.ExecContext(ctx, s.q(s.d.LockKey), k); err != nil {
					return s.wrap(err, "lock login throttle")
				}
			}
		}
		for _, k := range keys {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM login_failures WHERE key = ? AND at_us >= ?`), k, micros(since)).Scan(&n); err != nil {
				return s.wrap(err, "login failures")
			}
			if n >= limit {
				refused = k
				return nil
			}
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO login_failures (key, at_us) VALUES (?, ?)`), k, micros(at)); err != nil {
				return s.wrap(err, "record login failure")
			}
		}
		return nil
	})
	return refused, err
}

// LoginFailures counts failed sign-ins under key since a time.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM login_failures WHERE key = ? AND at_us >= ?`), key, micros(since)).Scan(&n)
	return n, s.wrap(err, "login failures")
}

// ClearLoginFailures forgets the failures under key, after a success.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE key = ?`), key)
	return s.wrap(err, "clear login failures")
}

// PurgeLoginFailures deletes failures older than before.
func (s *Store) PurgeLoginFailures(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE at_us < ?`), micros(before))
	if err != nil {
		return 0, s.wrap(err, "purge login failures")
	}
	n, err := res.RowsAffected()
	return int(n), s.wrap(err, "purge login failures")
}

// CountRefusal counts a refused attempt in its window.
func (s *Store) CountRefusal(ctx context.Context, key string, window, at time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO login_refusals (key, window_us, refusals, first_us, last_us) VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (key, window_us) DO UPDATE SET refusals = login_refusals.refusals + 1, last_us = excluded.last_us
		RETURNING refusals`), key, micros(window), micros(at), micros(at)).Scan(&n)
	return n == 1, s.wrap(err, "count refusal")
}

// FlushRefusals turns the windows that started before before into audit
// events and forgets them. The rows are deleted first, with RETURNING, so
// that a process flushing at the same time finds nothing left to write.
func (s *Store) FlushRefusals(ctx context.Context, before time.Time, event func(store.Refusals) store.Event) (int, error) {
	var written int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM login_refusals WHERE window_us < ? RETURNING key, window_us, refusals, first_us, last_us`), micros(before))
		if err != nil {
			return s.wrap(err, "flush refusals")
		}
		var done []store.Refusals
		for rows.Next() {
			var r store.Refusals
			var window, first, last int64
			if err := rows.Scan(&r.Key, &window, &r.Count, &first, &last); err != nil {
				rows.Close()
				return s.wrap(err, "flush refusals")
			}
			r.Window, r.First, r.Last = fromMicros(window), fromMicros(first), fromMicros(last)
			done = append(done, r)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return s.wrap(err, "flush refusals")
		}
		if err := rows.Close(); err != nil {
			return s.wrap(err, "flush refusals")
		}
		for _, r := range done {
			if r.Count < 2 {
				continue // its first refusal is in the log already
			}
			if _, err := s.appendAudit(ctx, tx, event(r)); err != nil {
				return fmt.Errorf("flush refusals of %s: %w", r.Key, err)
			}
			written++
		}
		return nil
	})
	return written, err
}
