package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/sovmap/sovmap/store"
)

// CopyRows is a batch of rows for Dialect.Copy, read one at a time. It has
// the method set of pgx's CopyFromSource, so that a dialect can hand it
// to its driver as it is.
type CopyRows interface {
	// Next moves to the next row and reports whether there is one.
	Next() bool
	// Values returns the row's values, in the order of the columns. The
	// slice is reused for the next row.
	Values() ([]any, error)
	// Err is nil: rows are built in memory and cannot fail.
	Err() error
}

// maxParams caps the placeholders of one multi-row INSERT, well under the
// limits of SQLite (32766) and PostgreSQL (65535).
const maxParams = 8000

// componentBatch is how many components are encoded and written at a time:
// large enough that a batch is a few statements per table, small enough
// that two batches in memory are a few megabytes. A multiple of
// blockComponents, so that blocks start at multiples of it.
const componentBatch = 32 * blockComponents

// bulkSession opens a connection for a large write, prepared with the
// dialect's BulkSession statements, and returns it with the function that
// undoes them and gives the connection back. A connection that cannot be
// reset is closed rather than returned to the pool.
func (s *Store) bulkSession(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: connect: %w", s.d.Name, err)
	}
	// Reset even when ctx is done, so that the pool gets the connection
	// back as it was.
	rctx := context.WithoutCancel(ctx)
	reset := func() {
		for _, q := range s.d.BulkReset {
			if _, err := conn.ExecContext(rctx, q); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
				break
			}
		}
		conn.Close()
	}
	release := reset
	if len(s.d.BulkAfter) > 0 {
		release = func() {
			s.bgMu.Lock()
			defer s.bgMu.Unlock()
			if s.closing {
				// Close has begun: leave the work to the database
				// (SQLite checkpoints as its last connection closes).
				reset()
				return
			}
			s.bg.Add(1)
			go func() {
				defer s.bg.Done()
				for _, q := range s.d.BulkAfter {
					// Work put off, not a setting: one that fails is
					// done another time (SQLite checkpoints again).
					_, _ = conn.ExecContext(rctx, q)
				}
				reset()
			}()
		}
	}
	for _, q := range s.d.BulkSession {
		// A hint the database refuses only costs speed; a connection that
		// no longer works fails the transaction's first statement.
		_, _ = conn.ExecContext(ctx, q)
	}
	return conn, release, nil
}

// bulkWriter writes many rows in one transaction: with the dialect's Copy
// where it has one, else with multi-row INSERTs whose full-size statements
// are prepared once per table and reused for every batch.
type bulkWriter struct {
	s     *Store
	conn  *sql.Conn
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	args  []any
}

func (w *bulkWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// rows writes n rows to table; row appends the values of row i to args.
func (w *bulkWriter) rows(ctx context.Context, table string, cols []string, n int, row func(i int, args []any) []any) error {
	if n == 0 {
		return nil
	}
	if w.s.d.Copy != nil {
		return w.s.d.Copy(ctx, w.conn, table, cols, &copyRows{n: n, i: -1, row: row, args: w.args[:0]})
	}
	per := max(1, maxParams/len(cols))
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		w.args = w.args[:0]
		for i := start; i < end; i++ {
			w.args = row(i, w.args)
		}
		if end-start < per {
			if _, err := w.tx.ExecContext(ctx, w.s.q(w.s.insertSQL(table, cols, end-start)), w.args...); err != nil {
				return err
			}
			continue
		}
		st := w.stmts[table]
		if st == nil {
			var err error
			if st, err = w.tx.PrepareContext(ctx, w.s.q(w.s.insertSQL(table, cols, per))); err != nil {
				return err
			}
			if w.stmts == nil {
				w.stmts = map[string]*sql.Stmt{}
			}
			w.stmts[table] = st
		}
		if _, err := st.ExecContext(ctx, w.args...); err != nil {
			return err
		}
	}
	return nil
}

// copyRows gives the rows of bulkWriter.rows to Dialect.Copy.
type copyRows struct {
	n, i int
	row  func(i int, args []any) []any
	args []any
}

func (r *copyRows) Next() bool {
	r.i++
	return r.i < r.n
}

func (r *copyRows) Values() ([]any, error) {
	r.args = r.row(r.i, r.args[:0])
	return r.args, nil
}

func (r *copyRows) Err() error { return nil }

func (s *Store) insertSQL(table string, cols []string, rows int) string {
	var b strings.Builder
	b.WriteString(cmp.Or(s.d.BulkInsert, "INSERT"))
	b.WriteString(" INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return b.String()
}

// writeComponents writes a version's components a batch at a time: while
// one batch is written, the source fills the next on another goroutine, so
// that encoding the components' JSON and the database's work overlap. Then
// it writes the version's dependents and facets (see dependents.go).
func (s *Store) writeComponents(ctx context.Context, w *bulkWriter, versionID int64, src store.ComponentSource) error {
	n := src.Len()
	idx := newVersionIndex(n)
	type batch struct {
		start int
		recs  []store.ComponentRecord
		enc   *blockEncoder
		err   error
	}
	free := make(chan batch, 2)
	for range 2 {
		free <- batch{recs: make([]store.ComponentRecord, min(n, componentBatch)), enc: &blockEncoder{}}
	}
	filled := make(chan batch)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(filled)
		for start := 0; start < n; start += componentBatch {
			var b batch
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
			b.start, b.recs = start, b.recs[:min(componentBatch, n-start)]
			b.err = b.enc.fillEncode(src, start, b.recs)
			select {
			case filled <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	// On any return, stop the filler and wait for it, so that nothing runs
	// on after the transaction ends.
	defer func() {
		cancel()
		for range filled {
		}
	}()
	written := 0
	for b := range filled {
		if b.err != nil {
			return fmt.Errorf("add version: components %d to %d: %w", b.start, b.start+len(b.recs), b.err)
		}
		if err := s.writeBatch(ctx, w, versionID, b.start, b.recs, b.enc); err != nil {
			return err
		}
		// Here rather than in the filler, whose stages are the slower:
		// the writer mostly waits for them.
		idx.add(b.recs)
		written += len(b.recs)
		b.recs = b.recs[:cap(b.recs)]
		free <- b
	}
	if written != n {
		return fmt.Errorf("add version: %d of %d components written: %w", written, n, ctx.Err())
	}
	buckets, err := encodeBuckets(idx.buckets, 3, false)
	if err != nil {
		return fmt.Errorf("add version: dependents: %w", err)
	}
	// A duplicate id is found here, and fails the transaction.
	ids, err := encodeBuckets(idx.ids, 2, true)
	if err != nil {
		return fmt.Errorf("add version: %w", err)
	}
	for _, t := range []struct {
		table, what string
		data        [][]byte
	}{{"dependent_buckets", "dependents", buckets}, {"component_ids", "component ids", ids}} {
		err := w.rows(ctx, t.table, bucketCols, len(t.data), func(i int, args []any) []any {
			return append(args, versionID, i, t.data[i])
		})
		if err != nil {
			return s.wrap(err, "add version: "+t.what)
		}
	}
	_, err = w.tx.ExecContext(ctx, s.q(`INSERT INTO version_layouts (version_id, buckets, facets, id_buckets) VALUES (?, ?, ?, ?)`),
		versionID, len(buckets), idx.facets(), len(ids))
	return s.wrap(err, "add version: facets")
}

var (
	blockCols  = []string{"version_id", "first_idx", "data"}
	bucketCols = []string{"version_id", "bucket", "data"}
)

// writeBatch writes one batch of components, the first start: their
// blocks of list columns, of results and specs and of dependencies,
// compressed (see blocks.go and lists.go).
func (s *Store) writeBatch(ctx context.Context, w *bulkWriter, versionID int64, start int, cs []store.ComponentRecord, enc *blockEncoder) error {
	// Blocks are found by position: a record's Index must be it.
	for i := range cs {
		if cs[i].Index != start+i {
			return fmt.Errorf("add version: component %s at position %d has index %d", cs[i].ID, start+i, cs[i].Index)
		}
	}
	for _, t := range []struct {
		table, what string
		blocks      [][]byte
	}{
		{"component_lists", "components", enc.lists},
		{"component_blocks", "component results", enc.blocks},
		{"dependency_blocks", "dependencies", enc.deps},
	} {
		err := w.rows(ctx, t.table, blockCols, len(t.blocks), func(i int, args []any) []any {
			return append(args, versionID, start+i*blockComponents, t.blocks[i])
		})
		if err != nil {
			return s.wrap(err, "add version: "+t.what)
		}
	}
	return nil
}
