package server

import (
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/sovmap/sovmap/store"
)

// routes lists every URL the server answers. Pages live under /w/{ws}/,
// the API under /api/v1/; docs/server.md and openapi.json describe them.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /assets/", s.handleAsset)
	mux.HandleFunc("GET /api/openapi.json", s.handleOpenAPI)

	mux.HandleFunc("GET /login", s.handleLoginForm)
	mux.HandleFunc("POST /login", s.handleLogin)
	mux.HandleFunc("POST /logout", s.page("", s.handleLogout))
	mux.HandleFunc("GET /password", s.page("", s.handlePasswordForm))
	mux.HandleFunc("POST /password", s.page("", s.handlePassword))
	mux.HandleFunc("GET /{$}", s.page("", s.handleHome))
	mux.HandleFunc("POST /workspaces", s.page("", s.handleCreateWorkspace))
	mux.HandleFunc("GET /admin/users", s.page("", s.handleUsers))
	mux.HandleFunc("POST /admin/users", s.page("", s.handleCreateUser))
	mux.HandleFunc("POST /admin/users/status", s.page("", s.handleDisableUser))
	mux.HandleFunc("POST /admin/users/password", s.page("", s.handleResetPassword))
	mux.HandleFunc("GET /admin/audit", s.page("", s.handleSiteAudit))
	mux.HandleFunc("GET /admin/audit.csv", s.page("", s.handleSiteAuditCSV))

	mux.HandleFunc("GET /w/{ws}/{$}", s.page(store.RoleViewer, s.handleOverview))
	mux.HandleFunc("GET /w/{ws}/components", s.page(store.RoleViewer, s.handleComponents))
	mux.HandleFunc("GET /w/{ws}/component", s.page(store.RoleViewer, s.handleComponent))
	mux.HandleFunc("GET /w/{ws}/flows", s.page(store.RoleViewer, s.handleFlows))
	mux.HandleFunc("GET /w/{ws}/map", s.page(store.RoleViewer, s.handleMap))
	mux.HandleFunc("GET /w/{ws}/versions", s.page(store.RoleViewer, s.handleVersions))
	mux.HandleFunc("GET /w/{ws}/compare", s.page(store.RoleViewer, s.handleCompare))
	mux.HandleFunc("GET /w/{ws}/downloads", s.page(store.RoleViewer, s.handleDownloads))
	mux.HandleFunc("GET /w/{ws}/download", s.page(store.RoleViewer, s.handleDownload))
	mux.HandleFunc("GET /w/{ws}/file", s.page(store.RoleViewer, s.handleFile))
	mux.HandleFunc("GET /w/{ws}/upload", s.page(store.RoleEditor, s.handleUploadForm))
	mux.HandleFunc("POST /w/{ws}/upload", s.page(store.RoleEditor, s.handleUpload))
	mux.HandleFunc("GET /w/{ws}/audit", s.page(store.RoleAdmin, s.handleAudit))
	mux.HandleFunc("GET /w/{ws}/audit.csv", s.page(store.RoleAdmin, s.handleAuditCSV))
	mux.HandleFunc("GET /w/{ws}/settings", s.page(store.RoleAdmin, s.handleSettings))
	mux.HandleFunc("POST /w/{ws}/members", s.page(store.RoleAdmin, s.handleSetMember))
	mux.HandleFunc("POST /w/{ws}/tokens", s.page(store.RoleAdmin, s.handleCreateToken))
	mux.HandleFunc("POST /w/{ws}/tokens/revoke", s.page(store.RoleAdmin, s.handleRevokeToken))
	s.extraPages(mux)
	s.vendorPages(mux)
	s.questionnaireRoutes(mux)

	for _, rt := range s.apiRoutes() {
		mux.HandleFunc(rt.pattern, s.api(rt.need, rt.h))
	}

	return s.observe(s.minRate(securityHeaders(http.NewCrossOriginProtection().Handler(mux))))
}

// apiRoute is one JSON API endpoint. openapi.json documents exactly these;
// a test holds the two together.
type apiRoute struct {
	pattern string
	need    store.Role
	h       handler
}

func (s *Server) apiRoutes() []apiRoute {
	routes := []apiRoute{
		{"GET /api/v1/workspaces", "", s.apiWorkspaces},
		{"GET /api/v1/workspaces/{ws}/versions", store.RoleViewer, s.apiVersions},
		{"POST /api/v1/workspaces/{ws}/versions", store.RoleEditor, s.apiUpload},
		{"GET /api/v1/workspaces/{ws}/versions/{n}", store.RoleViewer, s.apiVersion},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/components", store.RoleViewer, s.apiComponents},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/components/{id}", store.RoleViewer, s.apiComponent},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/flows", store.RoleViewer, s.apiFlows},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/report", store.RoleViewer, s.apiReport},
		{"GET /api/v1/workspaces/{ws}/compare", store.RoleViewer, s.apiCompare},
		{"POST /api/v1/workspaces/{ws}/gate", store.RoleEditor, s.apiGate},
		{"GET /api/v1/workspaces/{ws}/audit", store.RoleAdmin, s.apiAudit},
	}
	return append(routes, s.extraAPI()...)
}

// req is what a handler knows about an authorised request.
type req struct {
	p *principal
	// ws and role are set on workspace routes.
	ws   store.Workspace
	role store.Role
}

type handler func(w http.ResponseWriter, r *http.Request, q *req)

// page wraps a page handler: sign-in (or a redirect to the login form), the
// forced password change, the workspace role when need is not empty, and
// the CSRF check of forms. The role is checked, and the body capped, before
// the body is read.
func (s *Server) page(need store.Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
		}
		p, err := s.authenticate(r)
		if err != nil {
			s.pageError(w, r, nil, http.StatusInternalServerError, err)
			return
		}
		if p == nil || p.session == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if p.user.MustChangePassword && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		q := &req{p: p}
		if need != "" {
			status, err := s.resolveWorkspace(r, q, need)
			if err != nil {
				s.pageError(w, r, q, status, err)
				return
			}
		}
		if r.Method == http.MethodPost {
			// A token sent in the header is checked before the body is read;
			// a form's token, once the (capped) body is parsed.
			ok := r.Header.Get(csrfHeader) == "" || checkCSRF(r, p)
			if ok {
				if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
					s.pageError(w, r, q, statusOfBodyError(err), s.bodyReadError(err))
					return
				}
				ok = checkCSRF(r, p)
			}
			if !ok {
				s.pageError(w, r, q, http.StatusForbidden, errors.New("the form has expired or did not come from this site: reload the page and try again"))
				return
			}
		}
		h(w, r, q)
	}
}

// api wraps an API handler like page, answering in JSON instead of
// redirecting. Nothing of the body is read before the principal, the CSRF
// header and the role are checked.
func (s *Server) api(need store.Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !isSafeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
		}
		p, err := s.authenticate(r)
		if err != nil {
			s.apiError(w, http.StatusInternalServerError, err)
			return
		}
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sovmap"`)
			s.apiError(w, http.StatusUnauthorized, errors.New("sign in or send an API token as Authorization: Bearer sovmap_<token>"))
			return
		}
		if p.session != nil && p.user.MustChangePassword {
			s.apiError(w, http.StatusForbidden, errors.New("change the one-time password first"))
			return
		}
		if !checkCSRFHeader(r, p) {
			s.apiError(w, http.StatusForbidden, errors.New("requests made with a session cookie must send the X-CSRF-Token header"))
			return
		}
		q := &req{p: p}
		if need != "" {
			status, err := s.resolveWorkspace(r, q, need)
			if err != nil {
				s.apiError(w, status, err)
				return
			}
		}
		h(w, r, q)
	}
}

// resolveWorkspace loads the {ws} of the route and checks the role. A
// workspace the principal cannot see is reported as not found.
func (s *Server) resolveWorkspace(r *http.Request, q *req, need store.Role) (int, error) {
	slug := r.PathValue("ws")
	ws, err := s.store.WorkspaceBySlug(r.Context(), slug)
	if err == nil {
		q.role, err = s.roleIn(r.Context(), q.p, ws)
	}
	if errors.Is(err, store.ErrNotFound) {
		return http.StatusNotFound, errors.New("no workspace " + slug + " that you can see")
	}
	if err != nil {
		return http.StatusInternalServerError, err
	}
	q.ws = ws
	if !q.role.Allows(need) {
		return http.StatusForbidden, errors.New("this needs the " + string(need) + " role in " + slug + "; you are " + string(q.role))
	}
	return 0, nil
}

func statusOfBodyError(err error) int {
	var tooLarge *http.MaxBytesError
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &pathErr):
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// bodyReadError is what a client is told when its request body could not be
// read. A file error is the server's (its temporary directory, which
// multipart forms spill to): it is logged, and the client is told nothing
// of the server's paths.
func (s *Server) bodyReadError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		s.log.Error("reading an upload", "err", err)
		return errors.New("the upload could not be stored for reading; the server log has the details")
	}
	return errors.New("the form could not be read: " + err.Error())
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs every request and feeds the metrics, labelled by the route
// pattern rather than the path so that label values stay few.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Add(1)
		defer s.metrics.inFlight.Add(-1)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(r.Pattern, r.Method, sw.code, d)
		s.log.LogAttrs(r.Context(), levelOf(sw.code), "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", r.Pattern),
			slog.Int("status", sw.code), slog.Duration("duration", d), slog.String("remote", clientAddr(r)))
	})
}

// securityHeaders sets the headers every response carries. The content
// security policy allows no script at all: no page needs one.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// apiErrorBody is every API error: a message and, for bad inventories, the
// positioned problems.
type apiErrorBody struct {
	Error    string       `json:"error"`
	Problems []problemOut `json:"problems,omitempty"`
}

func (s *Server) apiError(w http.ResponseWriter, status int, err error) {
	body := apiErrorBody{Error: err.Error()}
	if status >= 500 {
		s.log.Error("api", "err", err)
		body.Error = "internal error; the server log has the details"
	}
	body.Problems = problemsOf(err)
	writeJSON(w, status, body)
}

// levelOf logs server errors as errors and everything else as information.
func levelOf(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
