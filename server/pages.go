package server

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/report/svg"
	"github.com/sovmap/sovmap/store"
)

// pages holds one parsed template per page, each with the shared layout.
type pages struct {
	byName map[string]*template.Template
	assets fs.FS
}

var funcs = template.FuncMap{
	"levelNames": func() []string {
		out := make([]string, sovmap.MaxLevel+1)
		for l := sovmap.Exposed; l <= sovmap.MaxLevel; l++ {
			out[l] = l.String()
		}
		return out
	},
	"levelBadge": levelBadge,
	"count":      plural.Count,
	"pick":       plural.Pick,
	"fmtTime":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join": func(v any, sep string) string {
		switch x := v.(type) {
		case []string:
			return strings.Join(x, sep)
		case []sovmap.FactorName:
			s := make([]string, len(x))
			for i, f := range x {
				s[i] = string(f)
			}
			return strings.Join(s, sep)
		}
		return fmt.Sprint(v)
	},
	"roleAllows": func(have store.Role, need string) bool { return have.Allows(store.Role(need)) },
	"isBinding": func(c *sovmap.ComponentResult, f sovmap.FactorName) bool {
		return slices.Contains(c.Binding, f)
	},
	"pct":       func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"has":       func(list []string, s string) bool { return slices.Contains(list, s) },
	"add":       func(a, b int) int { return a + b },
	"tierLabel": svg.TierLabel,
}

// levelBadge shows a level as a coloured number whose name screen readers
// and tooltips give.
func levelBadge(v any) template.HTML {
	var l int
	switch x := v.(type) {
	case int:
		l = x
	case sovmap.Level:
		l = int(x)
	default:
		return template.HTML(template.HTMLEscapeString(fmt.Sprint(v)))
	}
	name := sovmap.Level(l).String()
	return template.HTML(fmt.Sprintf(`<span class="lvl lvl-%d" title="%s">%d<span class="visually-hidden"> %s</span></span>`, max(0, min(l, 4)), name, l, name))
}

func loadPages(fsys fs.FS) (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	var err error
	if p.assets, err = fs.Sub(fsys, "assets"); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html", "templates/versionbar.html", "templates/worldmap.html"}
	for _, n := range names {
		if slices.Contains(shared, n) {
			continue
		}
		t, err := template.New(path.Base(n)).Funcs(funcs).ParseFS(fsys, append(slices.Clone(shared), n)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		p.byName[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return p, nil
}

// tab is one entry of a workspace's navigation.
type tab struct {
	Key, Label, Path string
	Need             store.Role
}

// tabs lists the workspace pages; extraTabs adds those of optional packages.
func (s *Server) tabs(role store.Role) []tab {
	all := []tab{
		{"overview", "Overview", "", store.RoleViewer},
		{"map", "Map", "map", store.RoleViewer},
		{"components", "Components", "components", store.RoleViewer},
		{"flows", "Flows", "flows", store.RoleViewer},
	}
	all = append(all, s.extraTabs()...)
	all = append(all,
		tab{"versions", "Versions", "versions", store.RoleViewer},
		tab{"downloads", "Downloads", "downloads", store.RoleViewer},
		tab{"upload", "Upload", "upload", store.RoleEditor},
		tab{"audit", "Audit log", "audit", store.RoleAdmin},
		tab{"settings", "Settings", "settings", store.RoleAdmin},
	)
	var out []tab
	for _, t := range all {
		if role.Allows(t.Need) {
			out = append(out, t)
		}
	}
	return out
}

// view is what every page template gets.
type view struct {
	Title      string
	User       *store.User
	CSRF       string
	WS         *store.Workspace
	Role       store.Role
	Tabs       []tab
	Nav        string
	Version    *store.Version
	Flash      string
	Error      string
	Problems   []problemOut
	AppVersion string
	Data       any
}

func (s *Server) newView(q *req, title, nav string) *view {
	v := &view{Title: title, Nav: nav, AppVersion: s.cfg.Version}
	if q != nil && q.p != nil {
		v.User = &q.p.user
		if q.p.session != nil {
			v.CSRF = q.p.session.CSRF
		}
		if q.ws.ID != 0 {
			v.WS, v.Role, v.Tabs = &q.ws, q.role, s.tabs(q.role)
		}
	}
	return v
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		s.log.Error("rendering page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// pageError shows an error page; server errors are logged and not shown.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, q *req, status int, err error) {
	if status == 0 {
		status = statusOf(err)
	}
	v := s.newView(q, http.StatusText(status), "")
	v.Error = err.Error()
	if status >= 500 && !errors.Is(err, errHeavyBusy) {
		s.log.Error("page", "path", r.URL.Path, "err", err)
		v.Error = "Something went wrong on the server; the log has the details."
	}
	v.Problems = problemsOf(err)
	retryAfter(w, err)
	s.render(w, r, status, "error", v)
}

// statusOf maps errors to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.As(err, new(*badInput)):
		return http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errNoVersion):
		return http.StatusNotFound
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, errHeavyBusy):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.StripPrefix("/assets/", http.FileServerFS(s.pages.assets)).ServeHTTP(w, r)
}
