// Package store keeps what the sovmap server must not lose: users and their
// roles, workspaces, API tokens, sessions, every inventory version with its
// assessment, and an append-only audit log.
//
// The interfaces here are small, one per concern, so that the server asks
// for what it uses. Two implementations share one SQL core (package
// store/sqlstore): store/sqlite, an embedded database in one file, and
// store/postgres, for several server processes behind a load balancer.
// Neither keeps state in memory that another process would need.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors every implementation returns, so that callers can test with errors.Is.
var (
	// ErrNotFound means the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique name is already taken.
	ErrConflict = errors.New("already exists")
)

// Role is what a user may do in a workspace. Each role includes the ones
// below it.
type Role string

// The roles, from least to most powerful.
const (
	RoleViewer Role = "viewer" // reads pages, reports and downloads
	RoleEditor Role = "editor" // also uploads inventories and runs the gate
	RoleAdmin  Role = "admin"  // also manages members and tokens and reads the audit log
)

// Roles lists the roles from least to most powerful.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a holder of r may do what needs the role need.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// User is a person who signs in with a password.
type User struct {
	ID int64
	// Login is the name typed on the login form, unique regardless of case
	// (ADMIN and admin are one user).
	Login string
	Name  string
	// PasswordHash is the encoded password hash (see server/password.go).
	PasswordHash string
	// SiteAdmin may create workspaces and users.
	SiteAdmin bool
	// MustChangePassword is set on one-time passwords.
	MustChangePassword bool
	// Disabled users cannot sign in, and their sessions and API tokens stop
	// working; they stay in the audit log and can be enabled again.
	Disabled  bool
	CreatedAt time.Time
}

// Workspace holds the inventory versions of one organization or project.
type Workspace struct {
	ID        int64
	Slug      string
	Name      string
	CreatedAt time.Time
}

// Member is a user's role in a workspace.
type Member struct {
	User User
	Role Role
}

// WorkspaceRole is a workspace with the role a user has in it.
type WorkspaceRole struct {
	Workspace Workspace
	Role      Role
}

// Session is a signed-in browser. The cookie holds a random secret; the
// store keeps only its hash.
type Session struct {
	// Hash is the SHA-256 of the cookie's secret.
	Hash []byte
	User User
	// CSRF is the token forms of this session must carry.
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token for CI. Like sessions, only its hash is stored.
type Token struct {
	ID          int64
	Hash        []byte
	Name        string
	UserID      int64
	WorkspaceID int64
	// Role is what the token may do in its workspace; never more than its
	// user's role, checked when it is used.
	Role       Role
	CreatedAt  time.Time
	LastUsedAt time.Time
	Revoked    bool
}

// Users keeps the people who sign in.
type Users interface {
	// CreateUser returns ErrConflict when the login differs from an
	// existing one only in case.
	CreateUser(ctx context.Context, u User) (User, error)
	// UserByLogin finds a user by login name, regardless of case.
	UserByLogin(ctx context.Context, login string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error
	// SetDisabled disables or enables a user; disabling signs them out.
	SetDisabled(ctx context.Context, userID int64, disabled bool) error
	CountUsers(ctx context.Context) (int, error)
}

// Workspaces keeps workspaces and who may do what in them.
type Workspaces interface {
	CreateWorkspace(ctx context.Context, slug, name string) (Workspace, error)
	WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error)
	// WorkspacesOf lists the workspaces a user is a member of, by slug.
	WorkspacesOf(ctx context.Context, userID int64) ([]WorkspaceRole, error)
	// SetRole adds a member or changes their role.
	SetRole(ctx context.Context, workspaceID, userID int64, role Role) error
	RemoveMember(ctx context.Context, workspaceID, userID int64) error
	// RoleOf returns ErrNotFound when the user is not a member.
	RoleOf(ctx context.Context, workspaceID, userID int64) (Role, error)
	Members(ctx context.Context, workspaceID int64) ([]Member, error)
}

// Sessions keeps signed-in browsers.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns ErrNotFound for unknown or expired sessions.
	SessionByHash(ctx context.Context, hash []byte, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteUserSessions signs a user out of every session but the one whose
	// hash is except (nil signs them out everywhere): after a password
	// change, every other session; after a reset, all.
	DeleteUserSessions(ctx context.Context, userID int64, except []byte) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// Tokens keeps API tokens.
type Tokens interface {
	CreateToken(ctx context.Context, t Token) (Token, error)
	// TokenByHash returns ErrNotFound for unknown or revoked tokens.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	ListTokens(ctx context.Context, workspaceID int64) ([]Token, error)
	RevokeToken(ctx context.Context, workspaceID, id int64) error
}

// LoginThrottle counts failed sign-ins, in the database so that every
// server process sees the same count.
type LoginThrottle interface {
	// ReserveLoginAttempt is the throttle's one atomic step, across
	// processes: when no key has limit failures since since, it counts the
	// attempt as a failure under every key (until ClearLoginFailures, after
	// the right password) and returns ""; otherwise it counts nothing and
	// returns the first key over the limit. Reserving before the password
	// is checked is what keeps parallel attempts within the limit.
	ReserveLoginAttempt(ctx context.Context, keys []string, at, since time.Time, limit int) (refusedBy string, err error)
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
	// PurgeLoginFailures forgets failures older than before.
	PurgeLoginFailures(ctx context.Context, before time.Time) (int, error)
	// CountRefusal counts a refused attempt under key in the window that
	// starts at window, and reports whether it is that window's first.
	CountRefusal(ctx context.Context, key string, window, at time.Time) (first bool, err error)
	// FlushRefusals appends, for every window that started before before
	// with more than one refusal, the event made by event, and forgets the
	// windows, in one transaction: each window is written once even when
	// several processes flush together.
	FlushRefusals(ctx context.Context, before time.Time, event func(Refusals) Event) (int, error)
}

// Refusals is how many attempts were refused under one throttle key in one
// window.
type Refusals struct {
	Key         string
	Window      time.Time
	Count       int
	First, Last time.Time
}

// Store is everything the server keeps.
type Store interface {
	Users
	Workspaces
	Sessions
	Tokens
	LoginThrottle
	Versions
	Questionnaires
	Audit
	// Ping checks that the database answers (for /healthz).
	Ping(ctx context.Context) error
	Close() error
}
