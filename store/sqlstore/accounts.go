package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sovmap/sovmap/store"
)

const userColumns = `id, login, name, password_hash, site_admin, must_change, disabled, created_us`

type scanner interface{ Scan(dest ...any) error }

func scanUser(row scanner) (store.User, error) {
	var u store.User
	var created int64
	err := row.Scan(&u.ID, &u.Login, &u.Name, &u.PasswordHash, &u.SiteAdmin, &u.MustChangePassword, &u.Disabled, &created)
	u.CreatedAt = fromMicros(created)
	return u, err
}

// CreateUser adds a user; the login must be free.
func (s *Store) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	if u.Login == "" || u.PasswordHash == "" {
		return store.User{}, fmt.Errorf("create user: login and password hash are required")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO users (login, name, password_hash, site_admin, must_change, created_us)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.Login, u.Name, u.PasswordHash, u.SiteAdmin, u.MustChangePassword, micros(u.CreatedAt)).Scan(&u.ID)
	return u, s.wrap(err, "create user "+u.Login)
}

// UserByLogin finds a user by login name, regardless of case (the unique
// index users_login_nocase serves the lookup).
func (s *Store) UserByLogin(ctx context.Context, login string) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE lower(login) = lower(?)`), login))
	return u, s.wrap(err, "user "+login)
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	return u, s.wrap(err, fmt.Sprintf("user %d", id))
}

// ListUsers lists every user by login.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	if err != nil {
		return nil, s.wrap(err, "list users")
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.wrap(err, "list users")
		}
		out = append(out, u)
	}
	return out, s.wrap(rows.Err(), "list users")
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?`), hash, mustChange, userID)
	return s.expectOne(res, err, fmt.Sprintf("set password of user %d", userID))
}

// CountUsers counts users, to know whether the server was ever set up.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, s.wrap(err, "count users")
}

// expectOne turns "no row changed" into ErrNotFound.
func (s *Store) expectOne(res sql.Result, err error, what string) error {
	if err != nil {
		return s.wrap(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(err, what)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	if se.CreatedAt.IsZero() {
		se.CreatedAt = time.Now().UTC()
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO sessions (hash, user_id, csrf, created_us, expires_us) VALUES (?, ?, ?, ?, ?)`),
		se.Hash, se.User.ID, se.CSRF, micros(se.CreatedAt), micros(se.ExpiresAt))
	return s.wrap(err, "create session")
}

// SessionByHash finds a live session and its user.
func (s *Store) SessionByHash(ctx context.Context, hash []byte, now time.Time) (store.Session, error) {
	row := s.db.QueryRowContext(ctx, s.q(`SELECT s.csrf, s.created_us, s.expires_us, u.id, u.login, u.name, u.password_hash, u.site_admin, u.must_change, u.created_us
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires_us > ? AND u.disabled = ?`), hash, micros(now), false)
	se := store.Session{Hash: hash}
	var created, expires, userCreated int64
	err := row.Scan(&se.CSRF, &created, &expires, &se.User.ID, &se.User.Login, &se.User.Name, &se.User.PasswordHash,
		&se.User.SiteAdmin, &se.User.MustChangePassword, &userCreated)
	se.CreatedAt, se.ExpiresAt, se.User.CreatedAt = fromMicros(created), fromMicros(expires), fromMicros(userCreated)
	return se, s.wrap(err, "session")
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE hash = ?`), hash)
	return s.wrap(err, "delete session")
}

// SetDisabled disables or enables a user. Disabling also deletes their
// sessions, in the same transaction; their tokens stop working because
// TokenByHash skips the tokens of disabled users.
func (s *Store) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled = ? WHERE id = ?`), disabled, userID)
		if err := s.expectOne(res, err, "disable user"); err != nil {
			return err
		}
		if disabled {
			_, err = tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE user_id = ?`), userID)
		}
		return s.wrap(err, "disable user")
	})
}

// DeleteUserSessions signs a user out of every session but except.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, except []byte) error {
	if except == nil {
		except = []byte{} // matches no session: hashes are never empty
	}
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE user_id = ? AND hash <> ?`), userID, except)
	return s.wrap(err, "delete sessions")
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE expires_us <= ?`), micros(now))
	if err != nil {
		return 0, s.wrap(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	return int(n), s.wrap(err, "delete expired sessions")
}

const tokenColumns = `id, hash, name, user_id, workspace_id, role, created_us, last_used_us, revoked`

func scanToken(row scanner) (store.Token, error) {
	var t store.Token
	var role string
	var created, used int64
	err := row.Scan(&t.ID, &t.Hash, &t.Name, &t.UserID, &t.WorkspaceID, &role, &created, &used, &t.Revoked)
	t.Role, t.CreatedAt, t.LastUsedAt = store.Role(role), fromMicros(created), fromMicros(used)
	return t, err
}

// CreateToken stores a new API token.
func (s *Store) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	if !t.Role.Valid() {
		return store.Token{}, fmt.Errorf("create token: invalid role %q", t.Role)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO api_tokens (hash, name, user_id, workspace_id, role, created_us, last_used_us, revoked)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?) RETURNING id`), t.Hash, t.Name, t.UserID, t.WorkspaceID, string(t.Role), micros(t.CreatedAt), false).Scan(&t.ID)
	return t, s.wrap(err, "create token "+t.Name)
}

// TokenByHash finds a token that has not been revoked.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.q(`SELECT `+tokenColumns+` FROM api_tokens
		WHERE hash = ? AND revoked = ? AND user_id IN (SELECT id FROM users WHERE disabled = ?)`), hash, false, false))
	return t, s.wrap(err, "token")
}

// TouchToken records when a token was last used.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE api_tokens SET last_used_us = ? WHERE id = ?`), micros(at), id)
	return s.wrap(err, "touch token")
}

// ListTokens lists a workspace's tokens, revoked ones included.
func (s *Store) ListTokens(ctx context.Context, workspaceID int64) ([]store.Token, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+tokenColumns+` FROM api_tokens WHERE workspace_id = ? ORDER BY id`), workspaceID)
	if err != nil {
		return nil, s.wrap(err, "list tokens")
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.wrap(err, "list tokens")
		}
		out = append(out, t)
	}
	return out, s.wrap(rows.Err(), "list tokens")
}

// RevokeToken revokes a token of a workspace. Tokens are kept, revoked, so
// that the audit log's references stay meaningful.
func (s *Store) RevokeToken(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE api_tokens SET revoked = ? WHERE id = ? AND workspace_id = ?`), true, id, workspaceID)
	return s.expectOne(res, err, fmt.Sprintf("revoke token %d", id))
}
