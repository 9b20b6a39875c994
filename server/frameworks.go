package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/store"
)

// The frameworks page lists the schemes sovmap scores against (as `sovmap
// framework list`) and scores the inventory's provider assessments
// (assessments:) on them, as `sovmap framework score` does: the answers of
// the assessment plus the facts the inventory itself establishes, evaluated
// by the framework package.

// providerScore is one assessment of the inventory, scored. Error is set
// instead of Result when the assessment cannot be scored (an unknown
// framework, an answer off the ladder), so one bad assessment does not hide
// the others.
type providerScore struct {
	Provider   string            `json:"provider"`
	Framework  string            `json:"framework"`
	Assessment string            `json:"assessment,omitempty"`
	Result     *framework.Result `json:"result,omitempty"`
	Error      string            `json:"error,omitempty"`
}

// Shade places a level of the assessment's framework on the dashboard's
// five-colour level scale (0 to 4), by its position between the
// framework's lowest and top level, so that a framework's levels read
// dark to light like sovmap's. The level's own name is always printed
// beside the colour.
func (p providerScore) Shade(level int) int {
	if p.Result == nil || p.Result.TopLevel <= 0 {
		return 0
	}
	top := p.Result.TopLevel
	return max(0, min(int(sovmap.MaxLevel), (level*int(sovmap.MaxLevel)+top/2)/top))
}

// frameworksOut is the frameworks page's model and the API's answer.
type frameworksOut struct {
	Frameworks []framework.Summary `json:"frameworks"`
	// Assessments are the version's provider assessments in inventory order.
	Assessments []providerScore `json:"assessments"`
}

// frameworkSummaries lists the library's frameworks.
func (s *Server) frameworkSummaries() []framework.Summary {
	out := []framework.Summary{}
	for _, f := range s.cfg.Frameworks.List() {
		out = append(out, framework.Summarize(f))
	}
	return out
}

// scoreAssessments scores every provider assessment of a version.
func (s *Server) scoreAssessments(ctx context.Context, ver store.Version) (*frameworksOut, error) {
	inv, err := s.inventoryOf(ctx, ver)
	if err != nil {
		return nil, err
	}
	k, err := inventory.WithKnowledge(s.cfg.KB, inv)
	if err != nil {
		return nil, err
	}
	out := &frameworksOut{Frameworks: s.frameworkSummaries(), Assessments: []providerScore{}}
	for i := range inv.Assessments {
		out.Assessments = append(out.Assessments, s.scoreAssessment(inv, k, &inv.Assessments[i]))
	}
	return out, nil
}

// scoreAssessment scores one assessment with its answers and the facts
// the inventory establishes about the provider (facts win over claims).
func (s *Server) scoreAssessment(inv *sovmap.Inventory, k *kb.KB, as *sovmap.Assessment) providerScore {
	ps := providerScore{Provider: as.Provider, Framework: as.Framework, Assessment: as.ID}
	fail := func(err error) providerScore {
		if where := as.Pos.String(); where != "" {
			ps.Error = where + ": " + err.Error()
		} else {
			ps.Error = err.Error()
		}
		return ps
	}
	f, err := s.cfg.Frameworks.Lookup(as.Framework)
	if err != nil {
		return fail(err)
	}
	if f.Subject != "provider" {
		return fail(fmt.Errorf("framework %s scores %ss, not providers", f.ID, f.Subject))
	}
	facts, err := framework.ProviderFacts(inv, k, as.Provider)
	if err != nil {
		return fail(err)
	}
	res, err := f.Evaluate(framework.Input{Answers: as.Answers, Evidence: as.Evidence, Facts: facts})
	if err != nil {
		return fail(err)
	}
	ps.Result = res
	return ps
}

func (s *Server) handleFrameworks(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Frameworks", "frameworks")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	fo, err := s.scoreAssessments(r.Context(), ver)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	v.Data = struct {
		versionPage
		F *frameworksOut
	}{vp, fo}
	s.render(w, r, http.StatusOK, "frameworks", v)
}

func (s *Server) apiFrameworkList(w http.ResponseWriter, r *http.Request, q *req) {
	writeJSON(w, http.StatusOK, map[string]any{"frameworks": s.frameworkSummaries()})
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiError(w, statusOf(err), err)
		return
	}
	fo, err := s.scoreAssessments(r.Context(), ver)
	if err != nil {
		s.apiError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, fo)
}
