package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/internal/plural"
	"github.com/sovmap/sovmap/store"
)

// The vendor's side of a questionnaire. The vendor has no account: the
// link's secret, of which the store keeps only the hash, opens this one
// questionnaire and nothing else (no session is created, so every other
// page and the API still ask to sign in). Its form carries a CSRF token
// that must match both a cookie set with the form and the questionnaire's
// own; the server's cross-origin protection applies too.

// vendorCSRFCookie is the vendor form's double-submit cookie.
const vendorCSRFCookie = "sovmap_q_csrf"

// maxEvidenceText bounds the evidence text of one answer.
const maxEvidenceText = 4000

// vendorCriterion is one question of the vendor's form.
type vendorCriterion struct {
	Criterion framework.Criterion
	// Options are the named answers with what each means; Bands grade a
	// number instead.
	Options  []framework.Answer
	Bands    []framework.Band
	Value    string
	Evidence string
	Files    []string
}

// vendorDimension is one heading of the form.
type vendorDimension struct {
	ID, Name, Description string
	Criteria              []vendorCriterion
}

// vendorPage is the vendor form's model.
type vendorPage struct {
	Q          store.Questionnaire
	Framework  *framework.Framework
	Dimensions []vendorDimension
	CSRF       string
	Action     string
	MaxFileMiB int
	MaxFiles   int
	MaxMiB     int
	Done       string
}

// vendorQuestionnaire finds the questionnaire of the link. A link that is
// unknown answers 404, one that was spent, revoked or expired 410, with
// nothing of the questionnaire shown.
func (s *Server) vendorQuestionnaire(w http.ResponseWriter, r *http.Request) (store.Questionnaire, bool) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	token := r.PathValue("token")
	var one store.Questionnaire
	err := store.ErrNotFound
	if len(token) >= 40 && len(token) <= 64 {
		one, err = s.store.QuestionnaireByToken(r.Context(), secretHash(token))
	}
	if errors.Is(err, store.ErrNotFound) {
		s.vendorClosed(w, r, http.StatusNotFound, "This questionnaire link is not valid. Check that it was copied whole, or ask the person who sent it.")
		return one, false
	}
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "Something went wrong on the server; try again later.")
		s.log.Error("questionnaire link", "err", err)
		return one, false
	}
	now := time.Now()
	switch one.Status(now) {
	case "submitted":
		s.vendorClosed(w, r, http.StatusGone, "These answers were submitted on "+one.SubmittedAt.Format("2006-01-02 15:04 UTC")+". The link is spent; ask the person who sent it for a new one to change them.")
		return one, false
	case "revoked":
		s.vendorClosed(w, r, http.StatusGone, "This questionnaire was withdrawn by the organization that sent it.")
		return one, false
	case "expired":
		s.vendorClosed(w, r, http.StatusGone, "This link expired on "+one.ExpiresAt.Format("2006-01-02 15:04 UTC")+". Ask the person who sent it for a new one.")
		return one, false
	}
	return one, true
}

// vendorClosed renders a page with one message and nothing else.
func (s *Server) vendorClosed(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := s.newView(nil, "Questionnaire", "")
	v.Data = msg
	s.render(w, r, status, "questionnaire_closed", v)
}

// vendorAudit is an audit event of the vendor's, who has no account.
func vendorAudit(r *http.Request, one store.Questionnaire, action, detail string) *store.Event {
	return &store.Event{Actor: "vendor of " + one.Provider + " (link of " + questionnaireTarget(one.ID) + ")", Workspace: one.WorkspaceSlug,
		Action: action, Target: questionnaireTarget(one.ID), Detail: detail, Remote: clientAddr(r)}
}

func (s *Server) handleVendorForm(w http.ResponseWriter, r *http.Request) {
	one, ok := s.vendorQuestionnaire(w, r)
	if !ok {
		return
	}
	f, err := s.questionnaireFramework(one)
	if err != nil {
		s.log.Error("questionnaire framework", "questionnaire", one.ID, "err", err)
		s.vendorClosed(w, r, http.StatusInternalServerError, "This questionnaire's framework cannot be read; tell the person who sent it.")
		return
	}
	if _, err := s.store.MarkQuestionnaireOpened(r.Context(), one.ID, time.Now().UTC(), vendorAudit(r, one, "questionnaire.open", "")); err != nil {
		s.log.Error("questionnaire open", "questionnaire", one.ID, "err", err)
	}
	answers, evidence, err := decodeAnswers(one)
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "The saved draft cannot be read; tell the person who sent it.")
		return
	}
	files, err := s.store.EvidenceFiles(r.Context(), one.ID)
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "Something went wrong on the server; try again later.")
		return
	}
	values := map[string]string{}
	for id, a := range answers {
		values[id] = answerString(a)
	}
	done := ""
	if r.URL.Query().Get("saved") == "1" {
		done = "Your draft was saved. You may come back to this link until it expires, and submit when you are done."
	}
	s.renderVendor(w, r, http.StatusOK, one, f, values, evidence, files, done, "")
}

// answerString writes a stored answer as the form shows it.
func answerString(a any) string {
	if x, ok := a.(float64); ok {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(a)
}

// renderVendor renders the vendor's form with the values given.
func (s *Server) renderVendor(w http.ResponseWriter, r *http.Request, status int, one store.Questionnaire, f *framework.Framework,
	values, evidence map[string]string, files []store.EvidenceFile, done, problem string) {
	http.SetCookie(w, &http.Cookie{Name: vendorCSRFCookie, Value: one.CSRF, Path: "/q/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r), Expires: one.ExpiresAt})
	page := vendorPage{Q: one, Framework: f, CSRF: one.CSRF, Action: "/q/" + r.PathValue("token"), Done: done,
		MaxFileMiB: maxEvidenceFile >> 20, MaxFiles: maxEvidenceFiles, MaxMiB: maxEvidenceBytes >> 20}
	attached := map[string][]string{}
	for _, file := range files {
		attached[file.Criterion] = append(attached[file.Criterion], fmt.Sprintf("%s (%s)", file.Name, byteSize(file.Size)))
	}
	for _, d := range f.Dimensions {
		vd := vendorDimension{ID: d.ID, Name: d.Name, Description: d.Description}
		for _, c := range d.Criteria {
			vc := vendorCriterion{Criterion: c, Value: values[c.ID], Evidence: evidence[c.ID], Files: attached[c.ID]}
			if c.Kind == framework.Number {
				vc.Bands = c.Bands
			} else {
				vc.Options = f.Ladder(&c)
			}
			vd.Criteria = append(vd.Criteria, vc)
		}
		page.Dimensions = append(page.Dimensions, vd)
	}
	v := s.newView(nil, f.Name+": questionnaire for "+one.Provider, "")
	v.Error = problem
	v.Data = page
	s.render(w, r, status, "questionnaire_vendor", v)
}

// byteSize writes a size in bytes, KiB or MiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return plural.Count(int(n), "byte")
}

func (s *Server) handleVendorSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceBytes+1<<20)
	one, ok := s.vendorQuestionnaire(w, r)
	if !ok {
		return
	}
	// The cookie is checked before the body is read, the form's token after.
	forged := func() {
		s.vendorClosed(w, r, http.StatusForbidden, "The form has expired or did not come from this site: open the link again and resend your answers.")
	}
	if c, err := r.Cookie(vendorCSRFCookie); err != nil || !sameSecret(c.Value, one.CSRF) {
		forged()
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		status := statusOfBodyError(err)
		s.vendorClosed(w, r, status, "The form could not be read: "+s.bodyReadError(err).Error())
		return
	}
	if !sameSecret(r.PostFormValue(csrfField), one.CSRF) {
		forged()
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f, err := s.questionnaireFramework(one)
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "This questionnaire's framework cannot be read; tell the person who sent it.")
		return
	}
	answers, evidence, values, problems := readVendorAnswers(r, f)
	newFiles, fileProblems, err := readEvidenceFiles(r.MultipartForm, f)
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "The files could not be read; try again.")
		s.log.Error("questionnaire evidence", "questionnaire", one.ID, "err", err)
		return
	}
	problems = append(problems, fileProblems...)
	submit := r.PostFormValue("action") == "submit"
	if len(problems) == 0 {
		problems = s.answerProblems(r.Context(), one, f, answers, evidence, submit)
	}
	stored, err := s.store.EvidenceFiles(r.Context(), one.ID)
	if err != nil {
		s.vendorClosed(w, r, http.StatusInternalServerError, "Something went wrong on the server; try again later.")
		return
	}
	if len(problems) > 0 {
		s.renderVendor(w, r, http.StatusUnprocessableEntity, one, f, values, stringMap(evidence), stored, "",
			"Nothing was saved: "+strings.Join(problems, "; ")+". Files chosen must be chosen again.")
		return
	}
	action, what := "questionnaire.draft", "draft saved"
	if submit {
		action, what = "questionnaire.submit", "submitted"
	}
	detail := fmt.Sprintf("%s: %d of %d criteria answered, %s attached", what, len(answers), f.Criteria(), plural.Count(len(stored)+len(newFiles), "file"))
	aj, err := json.Marshal(answers)
	ej, eerr := json.Marshal(evidence)
	if err = errors.Join(err, eerr); err != nil {
		s.log.Error("questionnaire answers", "questionnaire", one.ID, "err", err)
		s.vendorClosed(w, r, http.StatusInternalServerError, "Something went wrong on the server; nothing was saved. Try again later.")
		return
	}
	err = s.store.SaveQuestionnaireAnswers(r.Context(), one.ID, store.QuestionnaireAnswers{
		Answers: aj, Evidence: ej, Files: newFiles, Submit: submit, At: time.Now().UTC(),
		MaxFiles: maxEvidenceFiles, MaxBytes: maxEvidenceBytes, Audit: vendorAudit(r, one, action, detail)})
	switch {
	case errors.Is(err, store.ErrClosed):
		s.vendorClosed(w, r, http.StatusGone, "This questionnaire was closed (submitted, withdrawn or expired) before your answers arrived; nothing was saved.")
		return
	case errors.Is(err, store.ErrTooLarge):
		s.renderVendor(w, r, http.StatusRequestEntityTooLarge, one, f, values, stringMap(evidence), stored, "",
			fmt.Sprintf("Nothing was saved: a questionnaire takes at most %d files and %d MiB in all.", maxEvidenceFiles, maxEvidenceBytes>>20))
		return
	case err != nil:
		s.log.Error("questionnaire save", "questionnaire", one.ID, "err", err)
		s.vendorClosed(w, r, http.StatusInternalServerError, "Something went wrong on the server; nothing was saved. Try again later.")
		return
	}
	if submit {
		s.vendorClosed(w, r, http.StatusOK, fmt.Sprintf("Thank you: your answers (%d of %d criteria) were submitted. The link is now spent.", len(answers), f.Criteria()))
		return
	}
	http.Redirect(w, r, "/q/"+r.PathValue("token")+"?saved=1", http.StatusSeeOther)
}

// answerProblems runs the framework's own checks of answers: bounds, and
// numbers one may not exceed. A submission is also checked with the facts
// the latest inventory records about the subject, which take precedence
// over answers when it is scored: what is submitted can then be scored
// (the same check refuses the export in the CLI).
func (s *Server) answerProblems(ctx context.Context, one store.Questionnaire, f *framework.Framework, answers map[string]any, evidence map[string]string, submit bool) []string {
	var ae *framework.AnswerError
	if _, err := f.Evaluate(framework.Input{Answers: answers, Evidence: evidence}); errors.As(err, &ae) {
		return ae.Problems
	} else if err != nil {
		return []string{err.Error()}
	}
	if !submit {
		return nil
	}
	_, inv, err := s.latestInventory(ctx, store.Workspace{ID: one.WorkspaceID, Slug: one.WorkspaceSlug})
	var lib *framework.Library
	if err == nil {
		lib, _, err = s.questionnaireLibrary(one)
	}
	if err == nil {
		_, err = s.scoreQuestionnaire(inv, lib, f, sovmap.Assessment{Provider: one.Provider, Answers: answers, Evidence: evidence})
	}
	if errors.As(err, &ae) {
		return ae.Problems
	}
	// Any other failure (no inventory, a provider no longer in it) is the
	// workspace's to solve: the answers are kept and the score page says why
	// there is no score.
	return nil
}

func stringMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// readVendorAnswers reads the form's answers: a ladder value (written as
// the ladder spells it) or a number per criterion, and evidence text.
// values keeps what was typed, to show it again with the problems.
func readVendorAnswers(r *http.Request, f *framework.Framework) (answers map[string]any, evidence, values map[string]string, problems []string) {
	answers, evidence, values = map[string]any{}, map[string]string{}, map[string]string{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			raw := strings.TrimSpace(r.PostFormValue("a." + c.ID))
			values[c.ID] = raw
			if e := strings.TrimSpace(r.PostFormValue("e." + c.ID)); e != "" {
				if len(e) > maxEvidenceText {
					problems = append(problems, fmt.Sprintf("%s: the evidence text is longer than %d characters", c.ID, maxEvidenceText))
				}
				evidence[c.ID] = e
			}
			if raw == "" {
				continue
			}
			if c.Kind == framework.Number {
				x, err := strconv.ParseFloat(raw, 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					problems = append(problems, fmt.Sprintf("%s: %q is not a number", c.ID, raw))
					continue
				}
				answers[c.ID] = x
				continue
			}
			found := false
			for _, a := range f.Ladder(&c) {
				if strings.EqualFold(a.Value, raw) {
					answers[c.ID], found = a.Value, true
				}
			}
			if !found {
				problems = append(problems, fmt.Sprintf("%s: %q is not one of %s", c.ID, raw, strings.Join(f.AnswerValues(&c), ", ")))
			}
		}
	}
	return answers, evidence, values, problems
}

// readEvidenceFiles reads the files attached to each criterion (fields
// f.ID), refusing one over maxEvidenceFile.
func readEvidenceFiles(form *multipart.Form, f *framework.Framework) ([]store.EvidenceFile, []string, error) {
	if form == nil {
		return nil, nil, nil
	}
	var files []store.EvidenceFile
	var problems []string
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			for _, h := range form.File["f."+c.ID] {
				if h.Size > maxEvidenceFile {
					problems = append(problems, fmt.Sprintf("%s: %s is larger than %d MiB", c.ID, h.Filename, maxEvidenceFile>>20))
					continue
				}
				fh, err := h.Open()
				if err != nil {
					return nil, nil, err
				}
				data, err := io.ReadAll(io.LimitReader(fh, maxEvidenceFile+1))
				fh.Close()
				if err != nil {
					return nil, nil, err
				}
				if len(data) > maxEvidenceFile {
					problems = append(problems, fmt.Sprintf("%s: %s is larger than %d MiB", c.ID, h.Filename, maxEvidenceFile>>20))
					continue
				}
				name := safeFileName(h.Filename)
				files = append(files, store.EvidenceFile{Criterion: c.ID, Name: name, ContentType: http.DetectContentType(data), Data: data})
			}
		}
	}
	return files, problems, nil
}
