package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
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
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	events, err := s.store.ListAudit(r.Context(), store.AuditQuery{Workspace: q.ws.Slug, BeforeID: before, Limit: auditPage})
	if err != nil {
		s.pageError(w, r, q, http.StatusInternalServerError, err)
		return
	}
	var older int64
	if len(events) == auditPage {
		older = events[len(events)-1].ID
	}
	v := s.newView(q, "Audit log", "audit")
	v.Data = struct {
		Events []store.Event
		Older  int64
	}{events, older}
	s.render(w, r, http.StatusOK, "audit", v)
}

// handleAuditCSV exports the workspace's whole audit log, oldest last, as
// CSV (RFC 4180). The export is itself audited.
func (s *Server) handleAuditCSV(w http.ResponseWriter, r *http.Request, q *req) {
	s.audit(r, q.p, q.ws.Slug, "audit.export", "audit log", "csv")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-audit-%s.csv"`, q.ws.Slug, time.Now().UTC().Format("20060102")))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "time", "actor", "action", "target", "detail", "remote"})
	var before int64
	for {
		events, err := s.store.ListAudit(r.Context(), store.AuditQuery{Workspace: q.ws.Slug, BeforeID: before, Limit: 1000})
		if err != nil {
			s.log.Error("audit export", "err", err)
			return // the body is already partly sent; the log says why it is short
		}
		for _, e := range events {
			cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), csvSafe(e.Actor), csvSafe(e.Action), csvSafe(e.Target), csvSafe(e.Detail), e.Remote})
		}
		if len(events) < 1000 {
			break
		}
		before = events[len(events)-1].ID
	}
	cw.Flush()
}

// csvSafe defuses cells that spreadsheets would run as formulas (OWASP
// "CSV injection").
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
