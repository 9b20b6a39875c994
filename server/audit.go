package server

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap/store"
)

// audit appends an event to the audit log. A failure is logged loudly but
// does not fail the request that already happened; uploads, which must not
// exist without their record, are audited inside their transaction instead.
func (s *Server) audit(r *http.Request, p *principal, workspace, action, target, detail string) {
	e := store.Event{Workspace: workspace, Action: action, Target: target, Detail: detail, Remote: clientAddr(r)}
	if p != nil {
		e.ActorID, e.Actor = p.user.ID, p.actor()
	}
	if _, err := s.store.AppendAudit(r.Context(), e); err != nil {
		s.log.Error("audit log append failed", "action", action, "target", target, "err", err)
	}
}

const auditPage = 100

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request, q *req) {
	s.renderAudit(w, r, q, store.AuditQuery{Workspace: q.ws.Slug})
}

// handleSiteAudit shows the site-wide events (sign-ins, password changes,
// user administration) to site administrators.
func (s *Server) handleSiteAudit(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators read the site's audit log"))
		return
	}
	s.renderAudit(w, r, q, store.AuditQuery{Site: true})
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, q *req, query store.AuditQuery) {
	query.BeforeID, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	query.Limit = auditPage
	events, err := s.store.ListAudit(r.Context(), query)
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	var older int64
	if len(events) == auditPage {
		older = events[len(events)-1].ID
	}
	title, what := "Audit log", "Every sign-in, upload, download and change in this workspace"
	if query.Site {
		title, what = "Site audit log", "Every sign-in, refused sign-in, password change and change to users"
	}
	nav := "audit"
	if query.Site {
		nav = ""
	}
	v := s.newView(q, title, nav)
	v.Data = struct {
		Events []store.Event
		Older  int64
		What   string
	}{events, older, what}
	s.render(w, r, http.StatusOK, "audit", v)
}

// handleAuditCSV exports the workspace's whole audit log, oldest last, as
// CSV (RFC 4180). The export is itself audited.
func (s *Server) handleAuditCSV(w http.ResponseWriter, r *http.Request, q *req) {
	s.audit(r, q.p, q.ws.Slug, "audit.export", "audit log", "csv")
	s.writeAuditCSV(w, r, q.ws.Slug, store.AuditQuery{Workspace: q.ws.Slug})
}

// handleSiteAuditCSV exports the site-wide events, for site administrators.
func (s *Server) handleSiteAuditCSV(w http.ResponseWriter, r *http.Request, q *req) {
	if !q.p.user.SiteAdmin {
		s.pageError(w, r, q, http.StatusForbidden, errors.New("only site administrators read the site's audit log"))
		return
	}
	s.audit(r, q.p, "", "audit.export", "site audit log", "csv")
	s.writeAuditCSV(w, r, "site", store.AuditQuery{Site: true})
}

func (s *Server) writeAuditCSV(w http.ResponseWriter, r *http.Request, name string, query store.AuditQuery) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-audit-%s.csv"`, name, time.Now().UTC().Format("20060102")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "time", "actor", "action", "target", "detail", "remote"})
	query.Limit = 1000
	for {
		events, err := s.store.ListAudit(r.Context(), query)
		if err != nil {
			s.log.Error("audit export", "err", err)
			return // the body is already partly sent; the log says why it is short
		}
		for _, e := range events {
			cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), csvSafe(e.Actor), csvSafe(e.Action), csvSafe(e.Target), csvSafe(e.Detail), csvSafe(e.Remote)})
		}
		if len(events) < 1000 {
			break
		}
		query.BeforeID = events[len(events)-1].ID
	}
	cw.Flush()
}

// csvSafe defuses text that spreadsheets would run as a formula (OWASP
// "CSV injection"): a value starting with = + - @, a tab or a carriage
// return. A spreadsheet set to another delimiter (a semicolon in much of
// Europe, a tab, a pipe) splits the cell where the comma format did not,
// so every piece after such a delimiter is checked too; a leading
// apostrophe makes a spreadsheet show the text as it is.
func csvSafe(s string) string {
	var b strings.Builder
	start := true // at the start of the value or just after a delimiter
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start && c != ' ' && c != '"' {
			if strings.IndexByte("=+-@\t\r", c) >= 0 {
				b.WriteByte('\'')
			}
			start = false
		}
		b.WriteByte(c)
		if strings.IndexByte(",;\t|", c) >= 0 {
			start = true
		}
	}
	return b.String()
}
