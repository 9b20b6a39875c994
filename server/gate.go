package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/finding"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/store"
)

// gateResult is the CI gate's answer.
type gateResult struct {
	// Verdict is pass or fail.
	Verdict string `json:"verdict"`
	FailOn  int    `json:"fail_on"`
	// Baseline is the version compared against, when baseline=latest.
	Baseline int `json:"baseline,omitempty"`
	// Version is the version stored, when record=true.
	Version  int               `json:"version,omitempty"`
	Failing  []finding.Finding `json:"failing"`
	Findings int               `json:"findings"`
	Summary  sovmap.Summary    `json:"summary"`
}

// apiGate assesses a pushed inventory and says whether CI should pass, with
// the same findings as `sovmap assess --fail-on` (or, with baseline=latest,
// as `sovmap assess --baseline`: only new or worse findings fail).
// With record=true the inventory is also stored as a new version.
//
// The answer is 200 with verdict pass or fail; a bad inventory is 422 with
// its positioned problems.
func (s *Server) apiGate(w http.ResponseWriter, r *http.Request, q *req) {
	s.metrics.gateRuns.Add(1)
	vals := r.URL.Query()
	failOn := 1
	if v := vals.Get("fail_on"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > int(sovmap.MaxLevel) {
			s.apiError(w, http.StatusBadRequest, errors.New("fail_on must be from 0 (never fail) to 4"))
			return
		}
		failOn = n
	}
	baseline := vals.Get("baseline")
	if baseline != "" && baseline != "latest" {
		s.apiError(w, http.StatusBadRequest, errors.New(`baseline must be "latest" or absent`))
		return
	}
	record := vals.Get("record") == "true" || vals.Get("record") == "1"
	if !validKind(vals.Get("kind")) {
		s.apiError(w, http.StatusBadRequest, fmt.Errorf("kind=%s: want one of inventory, terraform, cyclonedx, sheet", vals.Get("kind")))
		return
	}
	files, overlays, err := s.requestFiles(w, r)
	if err == nil {
		files, _, err = s.importUpload(r.Context(), vals.Get("kind"), files, importOptions{Home: vals.Get("home"), Org: vals.Get("org"), Overlays: overlays})
	}
	if err != nil {
		s.apiUploadError(w, err)
		return
	}
	res := gateResult{FailOn: failOn, Failing: []finding.Finding{}}
	var base *sovmap.Report
	if baseline == "latest" {
		v, err := s.store.LatestVersion(r.Context(), q.ws.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// No baseline yet: everything counts as new.
		case err != nil:
			s.apiError(w, http.StatusInternalServerError, err)
			return
		default:
			if base, err = s.fullReport(r.Context(), v); err != nil {
				s.apiError(w, http.StatusInternalServerError, err)
				return
			}
			res.Baseline = v.Number
		}
	}
	var rep *sovmap.Report
	var inv *sovmap.Inventory
	if record {
		var v store.Version
		v, rep, err = s.storeUpload(r.Context(), q, files, "gate", vals.Get("note"), clientAddr(r))
		res.Version = v.Number
		if err == nil {
			inv, err = s.inventoryOf(r.Context(), v)
		}
	} else {
		inv, rep, _, err = s.assessFiles(r.Context(), files)
	}
	if err != nil {
		s.apiUploadError(w, err)
		return
	}
	all := finding.FromReport(rep, inv)
	res.Findings, res.Summary = len(all), rep.Summary
	if baseline == "latest" {
		res.Failing = append(res.Failing, diff.NewFindings(base, rep, failOn)...)
	} else if failOn > 0 {
		for _, f := range all {
			if f.Gates(failOn) {
				res.Failing = append(res.Failing, f)
			}
		}
	}
	res.Verdict = "pass"
	if len(res.Failing) > 0 {
		res.Verdict = "fail"
	}
	s.audit(r, q.p, q.ws.Slug, "gate.run", res.Verdict, fmt.Sprintf("fail_on %d, %d failing of %s", failOn, len(res.Failing), plural.Count(len(all), "finding")))
	writeJSON(w, http.StatusOK, res)
}
