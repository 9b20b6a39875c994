// Package sqlstore implements store.Store over database/sql. The SQL is
// written once, with ? placeholders; a Dialect gives what differs between
// databases: the schema, placeholders, row locks and error codes.
// store/sqlite and store/postgres provide the two dialects.
package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"

	"github.com/sovmap/sovmap/store"
)

// Dialect is what one database needs that the others do not.
type Dialect struct {
	// Name is shown in errors and logs: sqlite or postgres.
	Name string
	// Numbered placeholders ($1, $2) instead of ?.
	Numbered bool
	// Migrations are the schema changes in order; migration i brings the
	// schema to version i+1. Each is a list of statements run in one
	// transaction. Never edit a released migration: add one.
	Migrations [][]string
	// ForUpdate is appended to a SELECT to lock the rows it reads until the
	// end of the transaction, where the database has row locks.
	ForUpdate string
	// MigrationLock, when not empty, is run first in the migration
	// transaction so that processes starting together migrate one at a time.
	MigrationLock string
	// LockKey, when not empty, is a statement that takes a lock on the text
	// of its one argument until the end of the transaction; it serialises
	// login-throttle reservations where transactions do not already.
	LockKey string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// Copy, when set, writes rows in bulk on conn, inside the transaction
	// open on it: PostgreSQL's COPY. Without it, a version's components go
	// in prepared multi-row INSERTs.
	Copy func(ctx context.Context, conn *sql.Conn, table string, cols []string, rows CopyRows) error
	// BulkInsert begins the multi-row INSERTs of a version's rows where
	// there is no Copy; empty means INSERT. Any failure fails the whole
	// version, so a dialect may roll the transaction back at once rather
	// than keep a journal to undo one statement.
	BulkInsert string
	// Instr is the function that finds a string in another, called as
	// Instr(haystack, needle) and greater than zero when found: instr in
	// SQLite (the default), strpos in PostgreSQL.
	Instr string
	// BulkSession lists statements run on a connection before it writes a
	// version, and BulkReset those that undo them after, such as SQLite's
	// foreign-key checks turned off (the code checks the rows it writes).
	// They are hints: one the database refuses is skipped.
	BulkSession, BulkReset []string
	// BulkAfter lists statements run on that connection once the
	// version's transaction has ended, before BulkReset, on a goroutine
	// of their own so that the upload does not wait for them (Close
	// does): SQLite's checkpoint of its write-ahead log, which
	// BulkSession puts off.
	BulkAfter []string
}

// Store is a store.Store on a SQL database.
type Store struct {
	db *sql.DB
	d  Dialect
	// bg counts the bulk sessions still running their BulkAfter
	// statements; once closing is set (under bgMu), no more start.
	bg      sync.WaitGroup
	bgMu    sync.Mutex
	closing bool
}

var _ store.Store = (*Store)(nil)

// New migrates the database forward and returns a store on it. It fails
// when the database's schema is newer than this build knows.
func New(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	s := &Store{db: db, d: d}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// DB returns the underlying database, for tests and maintenance.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the database.
func (s *Store) Close() error {
	s.bgMu.Lock()
	s.closing = true
	s.bgMu.Unlock()
	s.bg.Wait()
	return s.db.Close()
}

// q rewrites a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if !s.d.Numbered {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// inTx runs fn in a transaction and commits it, or rolls it back when fn
// fails: the unit of "stored whole or not at all".
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", s.d.Name, err)
	}
	return nil
}

// wrap turns driver errors into the store's errors.
func (s *Store) wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	case s.d.IsUnique != nil && s.d.IsUnique(err):
		return fmt.Errorf("%s: %w", what, store.ErrConflict)
	default:
		return fmt.Errorf("%s: %s: %w", what, s.d.Name, err)
	}
}

// Times are stored as microseconds since the Unix epoch, the same way on
// every database, so that comparisons need no dialect.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// s2Stream is the first byte of S2's stream format (its stream identifier
// chunk), and never of gzip's (0x1f).
const s2Stream = 0xff

// pack compresses a large blob (a version's report head, inventory or an
// uploaded file) before it is stored, in S2's stream format, whose first
// byte (0xff) tells it from the gzip that versions stored before were
// written in (0x1f); unpack reads both. By the CPU profile of a
// 100,000-component upload, S2 takes about half the CPU gzip's fastest
// level took (0.2 s against 0.4 s).
func pack(data []byte) ([]byte, error) {
	var c chunks
	zw := s2.NewWriter(&c)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return bytes.Join(c, nil), nil
}

// chunks keeps what is written to it piece by piece, to be joined once at
// its final size (bytes.Join): a buffer grown by doubling clears and
// copies what it holds at each step, on one core, which for the file and
// inventory of a million components took a second and a half.
type chunks [][]byte

func (c *chunks) Write(p []byte) (int, error) {
	*c = append(*c, bytes.Clone(p))
	return len(p), nil
}

func unpack(data []byte) ([]byte, error) {
	var r io.Reader
	switch {
	case len(data) == 0:
		// S2 writes nothing for nothing; gzip always wrote a header.
		return []byte{}, nil
	case data[0] == s2Stream:
		r = s2.NewReader(bytes.NewReader(data))
	default:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("stored blob: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("stored blob: %w", err)
	}
	return out, nil
}
