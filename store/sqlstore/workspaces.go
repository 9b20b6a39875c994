package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sovmap/sovmap/store"
)

// CreateWorkspace adds a workspace; the slug must be free.
func (s *Store) CreateWorkspace(ctx context.Context, slug, name string) (store.Workspace, error) {
	w := store.Workspace{Slug: slug, Name: name, CreatedAt: time.Now().UTC()}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO workspaces (slug, name, created_us) VALUES (?, ?, ?) RETURNING id`),
		slug, name, micros(w.CreatedAt)).Scan(&w.ID)
	return w, s.wrap(err, "create workspace "+slug)
}

// WorkspaceBySlug finds a workspace.
func (s *Store) WorkspaceBySlug(ctx context.Context, slug string) (store.Workspace, error) {
	w := store.Workspace{}
	var created int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, slug, name, created_us FROM workspaces WHERE slug = ?`), slug).Scan(&w.ID, &w.Slug, &w.Name, &created)
	w.CreatedAt = fromMicros(created)
	return w, s.wrap(err, "workspace "+slug)
}

// WorkspacesOf lists the workspaces a user belongs to, with their role.
func (s *Store) WorkspacesOf(ctx context.Context, userID int64) ([]store.WorkspaceRole, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT w.id, w.slug, w.name, w.created_us, m.role
		FROM memberships m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY w.slug`), userID)
	if err != nil {
		return nil, s.wrap(err, "workspaces of user")
	}
	defer rows.Close()
	var out []store.WorkspaceRole
	for rows.Next() {
		var wr store.WorkspaceRole
		var created int64
		var role string
		if err := rows.Scan(&wr.Workspace.ID, &wr.Workspace.Slug, &wr.Workspace.Name, &created, &role); err != nil {
			return nil, s.wrap(err, "workspaces of user")
		}
		wr.Workspace.CreatedAt, wr.Role = fromMicros(created), store.Role(role)
		out = append(out, wr)
	}
	return out, s.wrap(rows.Err(), "workspaces of user")
}

// SetRole adds a member to a workspace or changes their role.
func (s *Store) SetRole(ctx context.Context, workspaceID, userID int64, role store.Role) error {
	if !role.Valid() {
		return fmt.Errorf("set role: invalid role %q", role)
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`), workspaceID, userID, string(role))
	return s.wrap(err, "set role")
}

// RemoveMember takes a user out of a workspace.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID int64) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?`), workspaceID, userID)
	return s.expectOne(res, err, "remove member")
}

// RoleOf returns a user's role in a workspace.
func (s *Store) RoleOf(ctx context.Context, workspaceID, userID int64) (store.Role, error) {
	var role string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?`), workspaceID, userID).Scan(&role)
	return store.Role(role), s.wrap(err, "role")
}

// Members lists a workspace's members by login.
func (s *Store) Members(ctx context.Context, workspaceID int64) ([]store.Member, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT u.id, u.login, u.name, u.password_hash, u.site_admin, u.must_change, u.created_us, m.role
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY u.login`), workspaceID)
	if err != nil {
		return nil, s.wrap(err, "members")
	}
	defer rows.Close()
	var out []store.Member
	for rows.Next() {
		var m store.Member
		var created int64
		var role string
		if err := rows.Scan(&m.User.ID, &m.User.Login, &m.User.Name, &m.User.PasswordHash, &m.User.SiteAdmin, &m.User.MustChangePassword, &created, &role); err != nil {
			return nil, s.wrap(err, "members")
		}
		m.User.CreatedAt, m.Role = fromMicros(created), store.Role(role)
		out = append(out, m)
	}
	return out, s.wrap(rows.Err(), "members")
}
