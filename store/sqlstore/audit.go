package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sovmap/sovmap/store"
)

// rowQuerier is what both *sql.DB and *sql.Tx offer, so that an event can
// be appended alone or inside a larger transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// AppendAudit adds an event to the audit log.
func (s *Store) AppendAudit(ctx context.Context, e store.Event) (store.Event, error) {
	return s.appendAudit(ctx, s.db, e)
}

func (s *Store) appendAudit(ctx context.Context, db rowQuerier, e store.Event) (store.Event, error) {
	if e.Action == "" {
		return e, errors.New("audit: action is required")
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	err := db.QueryRowContext(ctx, s.q(`INSERT INTO audit_log (at_us, actor_id, actor, workspace, action, target, detail, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), micros(e.At), e.ActorID, e.Actor, e.Workspace, e.Action, e.Target, e.Detail, e.Remote).Scan(&e.ID)
	return e, s.wrap(err, "audit")
}

// ListAudit pages through the audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.Event, error) {
	query := `SELECT id, at_us, actor_id, actor, workspace, action, target, detail, remote FROM audit_log WHERE 1 = 1`
	var args []any
	if q.Workspace != "" {
		query, args = query+` AND workspace = ?`, append(args, q.Workspace)
	}
	if q.Site {
		query += ` AND workspace = ''`
	}
	if q.BeforeID > 0 {
		query, args = query+` AND id < ?`, append(args, q.BeforeID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	query, args = query+` ORDER BY id DESC LIMIT ?`, append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, "list audit")
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var e store.Event
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Workspace, &e.Action, &e.Target, &e.Detail, &e.Remote); err != nil {
			return nil, s.wrap(err, "list audit")
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "list audit")
}
