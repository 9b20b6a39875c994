package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap/store"
)

type loginData struct{ CSRF, Next, Login string }

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	v := s.newView(nil, "Sign in", "")
	v.Data = loginData{CSRF: s.loginCSRF(w, r), Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", v)
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, nil, http.StatusBadRequest, errors.New("the form could not be read"))
		return
	}
	login, next := strings.TrimSpace(r.PostFormValue("login")), safeNext(r.PostFormValue("next"))
	again := func(status int, msg string) {
		v := s.newView(nil, "Sign in", "")
		v.Error = msg
		v.Data = loginData{CSRF: s.loginCSRF(w, r), Next: next, Login: login}
		s.render(w, r, status, "login", v)
	}
	if !checkLoginCSRF(r) {
		again(http.StatusForbidden, "The sign-in form expired. Please try again.")
		return
	}
	if len(login) > maxLoginLen {
		// No user has such a name: refused before it is looked up, hashed
		// or written to the audit log.
		login = ""
		again(http.StatusBadRequest, fmt.Sprintf("A login name has at most %d characters.", maxLoginLen))
		return
	}
	addr := clientAddr(r)
	u, secret, err := s.signIn(r.Context(), login, r.PostFormValue("password"), addr)
	var throttled *throttledError
	switch {
	case errors.As(err, &throttled):
		s.auditRefusal(r, throttled, "login.throttled", login)
		w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.LoginWindow.Seconds())))
		again(http.StatusTooManyRequests, "Too many failed sign-ins for this name or from this address. Wait "+s.cfg.LoginWindow.String()+" and try again.")
		return
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "5")
		again(http.StatusServiceUnavailable, "The server is busy. Try again in a few seconds.")
		return
	case errors.Is(err, errBadLogin):
		s.audit(r, nil, "", "login.failed", login, "")
		again(http.StatusUnauthorized, "Unknown login name or wrong password.")
		return
	case errors.Is(err, errDisabled):
		s.audit(r, nil, "", "login.disabled", login, "")
		again(http.StatusForbidden, "This account is disabled. Ask a site administrator to enable it.")
		return
	case err != nil:
		s.pageError(w, r, nil, http.StatusInternalServerError, err)
		return
	}
	s.audit(r, &principal{user: u}, "", "login", u.Login, "")
	s.setSessionCookie(w, r, secret, int(s.cfg.SessionTTL.Seconds()))
	if u.MustChangePassword {
		next = "/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, q *req) {
	if err := s.store.DeleteSession(r.Context(), q.p.session.Hash); err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	s.audit(r, q.p, "", "logout", q.p.user.Login, "")
	s.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request, q *req) {
	s.render(w, r, http.StatusOK, "password", s.newView(q, "Choose a password", ""))
}

// handlePassword changes the signed-in user's password. Wrong current
// passwords are throttled like sign-ins, per user, so that a stolen session
// cannot guess it. Every other session of the user is signed out; this one
// stays.
func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request, q *req) {
	fail := func(status int, msg string) {
		v := s.newView(q, "Choose a password", "")
		v.Error = msg
		s.render(w, r, status, "password", v)
	}
	ctx := r.Context()
	keys := []string{"password:" + strconv.FormatInt(q.p.user.ID, 10)}
	var throttled *throttledError
	err := s.reserve(ctx, keys, time.Now())
	if errors.As(err, &throttled) {
		s.auditRefusal(r, throttled, "password.throttled", q.p.user.Login)
		w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.LoginWindow.Seconds())))
		fail(http.StatusTooManyRequests, "Too many wrong current passwords. Wait "+s.cfg.LoginWindow.String()+" and try again.")
		return
	}
	var ok bool
	if err == nil {
		ok, err = s.checkPassword(ctx, q.p.user.Login, q.p.user.PasswordHash, r.PostFormValue("current"))
	}
	if errors.Is(err, errBusy) {
		w.Header().Set("Retry-After", "5")
		fail(http.StatusServiceUnavailable, "The server is busy. Try again in a few seconds.")
		return
	}
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		s.audit(r, q.p, "", "password.failed", q.p.user.Login, "wrong current password")
		fail(http.StatusUnprocessableEntity, "The current password is wrong.")
		return
	}
	if err := s.clearFailures(ctx, keys); err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	pw := r.PostFormValue("new")
	if pw != r.PostFormValue("confirm") {
		fail(http.StatusUnprocessableEntity, "The two new passwords differ.")
		return
	}
	if err := checkNewPassword(q.p.user.Login, q.p.user.Name, pw); err != nil {
		fail(http.StatusUnprocessableEntity, capitalize(err.Error())+".")
		return
	}
	if pw == r.PostFormValue("current") {
		fail(http.StatusUnprocessableEntity, "Choose a password different from the current one.")
		return
	}
	hash, err := s.hashPassword(ctx, pw)
	if err == nil {
		err = s.store.SetPassword(ctx, q.p.user.ID, hash, false)
	}
	if err == nil {
		err = s.store.DeleteUserSessions(ctx, q.p.user.ID, q.p.session.Hash)
	}
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	s.audit(r, q.p, "", "password.change", q.p.user.Login, "every other session signed out")
	http.Redirect(w, r, "/?flash="+url.QueryEscape("Your password was changed; your other sessions are signed out."), http.StatusSeeOther)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request, q *req) {
	ws, err := s.store.WorkspacesOf(r.Context(), q.p.user.ID)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	if len(ws) == 1 && r.URL.Query().Get("all") == "" && !q.p.user.SiteAdmin {
		http.Redirect(w, r, "/w/"+ws[0].Workspace.Slug+"/", http.StatusSeeOther)
		return
	}
	v := s.newView(q, "Workspaces", "")
	v.Flash = r.URL.Query().Get("flash")
	if v.Data, err = s.portfolio(r.Context(), ws); err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", v)
}

var (
	slugPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	loginPattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)
)

func (s *Server) handleCreateWorkspace(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators create workspaces"))
		return
	}
	slug, name := r.PostFormValue("slug"), strings.TrimSpace(r.PostFormValue("name"))
	if !slugPattern.MatchString(slug) || name == "" || len(name) > 200 {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("a workspace needs a short name of lower-case letters, digits and dashes, and a title"))
		return
	}
	ws, err := s.store.CreateWorkspace(r.Context(), slug, name)
	if err == nil {
		err = s.store.SetRole(r.Context(), ws.ID, q.p.user.ID, store.RoleAdmin)
	}
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, slug, "workspace.create", slug, name)
	http.Redirect(w, r, "/w/"+slug+"/", http.StatusSeeOther)
}

// createdUser is a one-time password to show once: of a new user, or of
// one whose password was reset.
type createdUser struct {
	Login, Password string
	Reset           bool
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, q *req) {
	s.renderUsers(w, r, q, nil, "")
}

// handleDisableUser disables or enables a user (action=disable|enable).
// Disabling signs them out and stops their API tokens; their history stays.
func (s *Server) handleDisableUser(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators manage users"))
		return
	}
	login, action := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("action")
	if action != "disable" && action != "enable" {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, fmt.Errorf("unknown action %q (disable or enable)", action))
		return
	}
	u, err := s.store.UserByLogin(r.Context(), login)
	if err != nil {
		s.pageError(w, r, q, 0, fmt.Errorf("no user %q", login))
		return
	}
	if u.ID == q.p.user.ID {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("you cannot disable yourself; ask another site administrator"))
		return
	}
	if err := s.store.SetDisabled(r.Context(), u.ID, action == "disable"); err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, "", "user."+action, u.Login, "")
	s.renderUsers(w, r, q, nil, fmt.Sprintf("%s is %sd.", u.Login, action))
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, q *req, created *createdUser, flash string) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators manage users"))
		return
	}
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	v := s.newView(q, "Users", "")
	v.Flash = flash
	v.Data = struct {
		Users   []store.User
		Created *createdUser
	}{users, created}
	s.render(w, r, http.StatusOK, "users", v)
}

func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators manage users"))
		return
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	if !loginPattern.MatchString(login) {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("a login name has 1 to 64 letters, digits and . _ @ -"))
		return
	}
	password := randomSecret(15)
	hash, err := s.hashPassword(r.Context(), password)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	u, err := s.store.CreateUser(r.Context(), store.User{Login: login, Name: strings.TrimSpace(r.PostFormValue("name")),
		PasswordHash: hash, SiteAdmin: r.PostFormValue("site_admin") == "1", MustChangePassword: true})
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	detail := "one-time password issued"
	if u.SiteAdmin {
		detail += "; site administrator"
	}
	s.audit(r, q.p, "", "user.create", u.Login, detail)
	s.renderUsers(w, r, q, &createdUser{Login: u.Login, Password: password}, "")
}

// handleResetPassword gives a user a new one-time password, for one who
// lost theirs or forgot their own: their sessions end, and they must choose
// a password at their next sign-in. Their API tokens keep working (disable
// the user to stop those). Nobody resets their own password here: they
// change it on the password page, which asks for the current one.
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators manage users"))
		return
	}
	ctx := r.Context()
	u, err := s.store.UserByLogin(ctx, strings.TrimSpace(r.PostFormValue("login")))
	if err != nil {
		s.pageError(w, r, q, 0, fmt.Errorf("no user %q", r.PostFormValue("login")))
		return
	}
	if u.ID == q.p.user.ID {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("change your own password on the password page"))
		return
	}
	var password string
	if herr := s.hashes.do(ctx, func() { password, err = resetPassword(ctx, s.store, u, *s.cfg.Password) }); herr != nil {
		err = herr
	}
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	s.audit(r, q.p, "", "user.password_reset", u.Login, resetDetail)
	s.renderUsers(w, r, q, &createdUser{Login: u.Login, Password: password, Reset: true}, "")
}
