package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sovmap/sovmap/store"
)

const (
	sessionCookie = "sovmap_session"
	// tokenPrefix marks sovmap API tokens, so that secret scanners can
	// recognise a leaked one.
	tokenPrefix = "sovmap_"
)

// principal is who makes a request: a signed-in browser or an API token.
type principal struct {
	user    store.User
	session *store.Session
	token   *store.Token
}

// actor names the principal in the audit log.
func (p *principal) actor() string {
	if p.token != nil {
		return p.user.Login + " (token " + p.token.Name + ")"
	}
	return p.user.Login
}

func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// authenticate finds the principal of a request, or nil. A bearer token
// wins over a cookie.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		// RFC 9110 §11.1: the scheme is case-insensitive.
		scheme, secret, _ := strings.Cut(strings.TrimSpace(h), " ")
		secret = strings.TrimSpace(secret)
		if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(secret, tokenPrefix) {
			return nil, nil
		}
		t, err := s.store.TokenByHash(ctx, secretHash(secret))
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		u, err := s.store.UserByID(ctx, t.UserID)
		if err != nil {
			return nil, err
		}
		if u.Disabled { // TokenByHash skips them already; a user disabled since
			return nil, nil
		}
		if err := s.store.TouchToken(ctx, t.ID, time.Now()); err != nil {
			s.log.Warn("recording token use", "token", t.ID, "err", err)
		}
		return &principal{user: u, token: &t}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	se, err := s.store.SessionByHash(ctx, secretHash(c.Value), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &principal{user: se.User, session: &se}, nil
}

// roleIn returns what the principal may do in a workspace: the member's
// role (site admins are admins everywhere), capped by the token's role.
// ErrNotFound means no access at all.
func (s *Server) roleIn(ctx context.Context, p *principal, ws store.Workspace) (store.Role, error) {
	if p.token != nil && p.token.WorkspaceID != ws.ID {
		return "", store.ErrNotFound
	}
	role := store.RoleAdmin
	if !p.user.SiteAdmin {
		var err error
		if role, err = s.store.RoleOf(ctx, ws.ID, p.user.ID); err != nil {
			return "", err
		}
	}
	if p.token != nil && !p.token.Role.Allows(role) {
		role = p.token.Role
	}
	return role, nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r),
	})
}

func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

// clientAddr is the client's IP address, the key of per-address throttling.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return next
}

// maxLoginLen is the longest login name (loginPattern allows 64); longer
// names are refused before anything is looked up, hashed or logged.
const maxLoginLen = 64

// loginKeys are the throttle keys of a sign-in, in a fixed order (the
// store locks them in this order).
func loginKeys(login, addr string) []string {
	return []string{"login:" + strings.ToLower(login), "addr:" + addr}
}

// signIn checks a login and password with throttling by login name and by
// client address, and starts a session. It returns the session's secret.
// The attempt is counted as a failure before the password is checked and
// forgotten when it is right, so that parallel attempts stay in the limit.
func (s *Server) signIn(ctx context.Context, login, password, addr string) (store.User, string, error) {
	now := time.Now()
	keys := loginKeys(login, addr)
	if err := s.reserve(ctx, keys, now); err != nil {
		return store.User{}, "", err
	}
	u, err := s.store.UserByLogin(ctx, login)
	hash := u.PasswordHash
	if errors.Is(err, store.ErrNotFound) {
		hash = s.dummyHash
	} else if err != nil {
		return store.User{}, "", err
	}
	ok, herr := s.checkPassword(ctx, login, hash, password)
	if herr != nil {
		return store.User{}, "", herr
	}
	if err != nil || !ok {
		s.metrics.loginFailures.Add(1)
		return store.User{}, "", errBadLogin
	}
	if err := s.clearFailures(ctx, keys); err != nil {
		return store.User{}, "", err
	}
	// Checked after the password, so that only someone who knows it
	// learns that the account exists and is disabled.
	if u.Disabled {
		return store.User{}, "", errDisabled
	}
	secret := randomSecret(32)
	se := store.Session{Hash: secretHash(secret), User: u, CSRF: randomSecret(24), CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.CreateSession(ctx, se); err != nil {
		return store.User{}, "", err
	}
	return u, secret, nil
}

var errBadLogin = errors.New("unknown login name or wrong password")

// errDisabled means the right password for a disabled account.
var errDisabled = errors.New("account disabled")

// Bootstrap makes the first administrator, a "default" workspace they
// administer, on a store without users, and returns the one-time password
// to show. It returns created=false when the store already has users (or
// another process just made them).
func Bootstrap(ctx context.Context, st store.Store, params *PasswordParams) (login, password string, created bool, err error) {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", "", false, err
	}
	p := DefaultPasswordParams
	if params != nil {
		p = *params
	}
	password = randomSecret(15)
	hash, err := hashPassword(password, p)
	if err != nil {
		return "", "", false, err
	}
	u, err := st.CreateUser(ctx, store.User{Login: "admin", Name: "Administrator", PasswordHash: hash, SiteAdmin: true, MustChangePassword: true})
	if errors.Is(err, store.ErrConflict) {
		return "", "", false, nil // another process bootstrapped first
	}
	if err != nil {
		return "", "", false, err
	}
	if err := setUpDefaultWorkspace(ctx, st, u); err != nil {
		return "", "", false, err
	}
	if _, err := st.AppendAudit(ctx, store.Event{ActorID: u.ID, Actor: "system", Action: "user.bootstrap", Target: u.Login, Detail: "first administrator with a one-time password"}); err != nil {
		return "", "", false, err
	}
	return u.Login, password, true, nil
}

// setUpDefaultWorkspace makes the "default" workspace that the first user
// of a database administers, unless it exists already (another process or
// an earlier start made it).
func setUpDefaultWorkspace(ctx context.Context, st store.Store, first store.User) error {
	ws, err := st.CreateWorkspace(ctx, "default", "Default workspace")
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	if err != nil {
		return err
	}
	return st.SetRole(ctx, ws.ID, first.ID, store.RoleAdmin)
}

// ResetPassword gives the user login a new one-time password, signs them
// out everywhere and returns the password to show, for `sovmap serve
// --reset-password` when no site administrator can sign in to reset it on
// the users page. actor names who asked, for the audit log.
func ResetPassword(ctx context.Context, st store.Store, login, actor string, params *PasswordParams) (string, error) {
	u, err := st.UserByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("no user %q", login)
	}
	if err != nil {
		return "", err
	}
	p := DefaultPasswordParams
	if params != nil {
		p = *params
	}
	password, err := resetPassword(ctx, st, u, p)
	if err != nil {
		return "", err
	}
	if _, err := st.AppendAudit(ctx, store.Event{Actor: actor, Action: "user.password_reset", Target: u.Login, Detail: resetDetail}); err != nil {
		return "", err
	}
	return password, nil
}

const resetDetail = "one-time password issued; signed out everywhere"

// resetPassword is a reset without its audit record: a new one-time
// password, every session ended, the throttle on the name lifted.
func resetPassword(ctx context.Context, st store.Store, u store.User, p PasswordParams) (string, error) {
	password := randomSecret(15)
	hash, err := hashPassword(password, p)
	if err != nil {
		return "", err
	}
	if err := st.SetPassword(ctx, u.ID, hash, true); err != nil {
		return "", err
	}
	if err := st.DeleteUserSessions(ctx, u.ID, nil); err != nil {
		return "", err
	}
	return password, st.ClearLoginFailures(ctx, loginKeys(u.Login, "")[0])
}

// newToken makes an API token secret and its stored record.
func newToken(name string, userID, workspaceID int64, role store.Role) (string, store.Token, error) {
	if name == "" || len(name) > 100 {
		return "", store.Token{}, fmt.Errorf("a token needs a name of 1 to 100 characters")
	}
	if !role.Valid() {
		return "", store.Token{}, fmt.Errorf("unknown role %q", role)
	}
	secret := tokenPrefix + randomSecret(32)
	return secret, store.Token{Hash: secretHash(secret), Name: name, UserID: userID, WorkspaceID: workspaceID, Role: role}, nil
}

// sameSecret compares two secrets in constant time.
func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ErrRefused marks what the database's content forbids rather than what
// was asked badly: a first user who is not a site administrator, a token
// worth more than its user's role, a token for a disabled user.
var ErrRefused = errors.New("refused")

// refusal is an error of kind (ErrRefused, store.ErrNotFound or
// store.ErrConflict) whose message is said in full without the kind's.
type refusal struct {
	msg  string
	kind error
}

func (e *refusal) Error() string { return e.msg }
func (e *refusal) Unwrap() error { return e.kind }

func refuse(kind error, format string, args ...any) error {
	return &refusal{fmt.Sprintf(format, args...), kind}
}

// NewUser is a user created from the command line with a password they
// (or the automation that deploys the server) chose.
type NewUser struct {
	Login, Name, Password string
	SiteAdmin             bool
	// MustChangePassword nil asks for a new password at the first sign-in
	// of every user but the first, as Gitea's `admin user create` does: the
	// first is the deployment's own administrator, the others are people
	// whose password the operator knows.
	MustChangePassword *bool
}

// CreateUser creates a user with a chosen password, for `sovmap admin user
// create`. The password must pass the policy of the password page. The
// first user of a database must be a site administrator, since nobody else
// could administer it (and serve no longer makes "admin" once a user
// exists); they get what serve's first start gives its "admin": the
// "default" workspace, which they administer. actor names who asked, for
// the audit log.
func CreateUser(ctx context.Context, st store.Store, nu NewUser, actor string, params *PasswordParams) (store.User, error) {
	nu.Name = strings.TrimSpace(nu.Name)
	if !loginPattern.MatchString(nu.Login) {
		return store.User{}, &badInput{fmt.Errorf("login name %q: a login name has 1 to 64 letters, digits and . _ @ -", nu.Login)}
	}
	if len(nu.Name) > 200 {
		return store.User{}, &badInput{errors.New("the name is longer than 200 bytes")}
	}
	if err := checkNewPassword(nu.Login, nu.Name, nu.Password); err != nil {
		return store.User{}, &badInput{err}
	}
	n, err := st.CountUsers(ctx)
	if err != nil {
		return store.User{}, err
	}
	first := n == 0
	if first && !nu.SiteAdmin {
		return store.User{}, refuse(ErrRefused, "the first user of a database must be a site administrator (--site-admin), or nobody could manage it")
	}
	mustChange := !first
	if nu.MustChangePassword != nil {
		mustChange = *nu.MustChangePassword
	}
	p := DefaultPasswordParams
	if params != nil {
		p = *params
	}
	hash, err := hashPassword(nu.Password, p)
	if err != nil {
		return store.User{}, err
	}
	u, err := st.CreateUser(ctx, store.User{Login: nu.Login, Name: nu.Name, PasswordHash: hash, SiteAdmin: nu.SiteAdmin, MustChangePassword: mustChange})
	if errors.Is(err, store.ErrConflict) {
		return store.User{}, refuse(err, "the login %q is taken (logins are unique regardless of case)", nu.Login)
	}
	if err != nil {
		return store.User{}, err
	}
	detail := "password chosen on the command line"
	if u.SiteAdmin {
		detail += "; site administrator"
	}
	if mustChange {
		detail += "; to be changed at the first sign-in"
	}
	if first {
		if err := setUpDefaultWorkspace(ctx, st, u); err != nil {
			return store.User{}, err
		}
		detail += "; first user, administrator of the default workspace"
	}
	if _, err := st.AppendAudit(ctx, store.Event{Actor: actor, Action: "user.create", Target: u.Login, Detail: detail}); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// CreateToken makes an API token of user login in a workspace, for `sovmap
// admin token create`, and returns its secret. Like Gitea's
// `generate-access-token`, it grants nothing: a token never carries more
// than its user's role in the workspace (the server caps it when it is
// used), so one asked above that role is refused rather than issued
// useless. actor names who asked, for the audit log.
func CreateToken(ctx context.Context, st store.Store, login, workspace, name string, role store.Role, actor string) (string, error) {
	secret, t, err := newToken(name, 0, 0, role)
	if err != nil {
		return "", &badInput{err}
	}
	u, ws, have, err := memberRole(ctx, st, login, workspace)
	if err != nil {
		return "", err
	}
	t.UserID, t.WorkspaceID = u.ID, ws.ID
	switch {
	case u.Disabled:
		return "", refuse(ErrRefused, "user %q is disabled, so their tokens would not work; a site administrator enables them on the users page", login)
	case have == "":
		return "", refuse(ErrRefused, "user %q is not a member of workspace %q; make them one first (sovmap admin member set)", login, workspace)
	case !have.Allows(role):
		return "", refuse(ErrRefused, "user %q is %s in workspace %q, and a token never carries more than its user's role", login, have, workspace)
	}
	if _, err := st.CreateToken(ctx, t); err != nil {
		return "", err
	}
	if _, err := st.AppendAudit(ctx, store.Event{Workspace: ws.Slug, Actor: actor, Action: "token.create", Target: name, Detail: fmt.Sprintf("%s, for user %s", role, u.Login)}); err != nil {
		return "", err
	}
	return secret, nil
}

// SetMember gives user login a role in a workspace, or removes them from
// it (role "none"), for `sovmap admin member set`, as an administrator
// does on the workspace's settings page. actor names who asked.
func SetMember(ctx context.Context, st store.Store, login, workspace string, role store.Role, actor string) error {
	if role != "none" && !role.Valid() {
		return &badInput{fmt.Errorf("unknown role %q: viewer, editor, admin or none", role)}
	}
	u, ws, _, err := memberRole(ctx, st, login, workspace)
	if err != nil {
		return err
	}
	if role == "none" {
		err = st.RemoveMember(ctx, ws.ID, u.ID)
	} else {
		err = st.SetRole(ctx, ws.ID, u.ID, role)
	}
	if err != nil {
		return err
	}
	_, err = st.AppendAudit(ctx, store.Event{Workspace: ws.Slug, Actor: actor, Action: "member.set", Target: u.Login, Detail: string(role)})
	return err
}

// memberRole finds a user, a workspace and the user's role in it: admin
// for a site administrator, "" for someone who is not a member.
func memberRole(ctx context.Context, st store.Store, login, workspace string) (store.User, store.Workspace, store.Role, error) {
	u, err := st.UserByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, store.Workspace{}, "", refuse(err, "no user %q", login)
	}
	if err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	ws, err := st.WorkspaceBySlug(ctx, workspace)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, store.Workspace{}, "", refuse(err, "no workspace %q", workspace)
	}
	if err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	if u.SiteAdmin {
		return u, ws, store.RoleAdmin, nil
	}
	role, err := st.RoleOf(ctx, ws.ID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return u, ws, "", nil
	}
	return u, ws, role, err
}
