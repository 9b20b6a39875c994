package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sovmap/sovmap/store"
)

type newTokenShown struct{ Name, Secret string }

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request, q *req) {
	s.renderSettings(w, r, q, nil, "")
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, q *req, tok *newTokenShown, flash string) {
	members, err := s.store.Members(r.Context(), q.ws.ID)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	tokens, err := s.store.ListTokens(r.Context(), q.ws.ID)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	v := s.newView(q, "Settings", "settings")
	v.Flash = flash
	v.Data = struct {
		Members  []store.Member
		Tokens   []store.Token
		NewToken *newTokenShown
		Base     string
	}{members, tokens, tok, scheme + "://" + r.Host}
	s.render(w, r, http.StatusOK, "settings", v)
}

func (s *Server) handleSetMember(w http.ResponseWriter, r *http.Request, q *req) {
	login, role := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("role")
	u, err := s.store.UserByLogin(r.Context(), login)
	if err != nil {
		s.pageError(w, r, q, 0, fmt.Errorf("no user %q: a site administrator creates users first", login))
		return
	}
	if u.ID == q.p.user.ID {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("you cannot change your own role; ask another administrator"))
		return
	}
	if role == "none" {
		err = s.store.RemoveMember(r.Context(), q.ws.ID, u.ID)
	} else if !store.Role(role).Valid() {
		err = &badInput{fmt.Errorf("unknown role %q", role)}
	} else {
		err = s.store.SetRole(r.Context(), q.ws.ID, u.ID, store.Role(role))
	}
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, q.ws.Slug, "member.set", u.Login, role)
	s.renderSettings(w, r, q, nil, fmt.Sprintf("%s is now %s.", u.Login, role))
}

func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request, q *req) {
	role := store.Role(r.PostFormValue("role"))
	if role == store.RoleAdmin {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, errors.New("tokens are for CI and reading: viewer or editor"))
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	secret, t, err := newToken(name, q.p.user.ID, q.ws.ID, role)
	if err != nil {
		s.pageError(w, r, q, http.StatusUnprocessableEntity, err)
		return
	}
	if _, err := s.store.CreateToken(r.Context(), t); err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, q.ws.Slug, "token.create", name, string(role))
	s.renderSettings(w, r, q, &newTokenShown{Name: name, Secret: secret}, "")
}

func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request, q *req) {
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		s.pageError(w, r, q, http.StatusBadRequest, errors.New("no token id"))
		return
	}
	if err := s.store.RevokeToken(r.Context(), q.ws.ID, id); err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, q.ws.Slug, "token.revoke", strconv.FormatInt(id, 10), "")
	s.renderSettings(w, r, q, nil, "The token was revoked.")
}
