package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/importer"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/store"
)

// Vendor questionnaires: an editor sends a framework's questions to a
// provider of the current version (or, for a framework of arrangements
// such as digital-embassy, to the host of an arrangement) through a
// one-time link; the vendor answers without an account
// (questionnaire_vendor.go); the answers are scored as the CLI scores them
// in the inventory (`sovmap framework score` an assessment of the provider,
// `sovmap embassy score` an arrangement: its answers plus the facts the
// inventory establishes), and exported as that inventory with the answers
// in it, so that the CLI gives the same result.

// Limits of questionnaires.
const (
	// questionnaireDays is how long a link lasts unless the editor says
	// otherwise; questionnaireMaxDays is the longest allowed.
	questionnaireDays    = 14
	questionnaireMaxDays = 90
	// tokenBytes is the link secret's size: 256 random bits.
	tokenBytes = 32
	// Evidence files: each at most maxEvidenceFile bytes, at most
	// maxEvidenceFiles and maxEvidenceBytes per questionnaire.
	maxEvidenceFile  = 10 << 20
	maxEvidenceFiles = 20
	maxEvidenceBytes = 50 << 20
)

// questionnaireTarget is how the audit log names a questionnaire.
func questionnaireTarget(id int64) string { return "questionnaire " + strconv.FormatInt(id, 10) }

// questionnaireRoutes registers the editor's and the vendor's pages.
func (s *Server) questionnaireRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /w/{ws}/questionnaires", s.page(store.RoleViewer, s.handleQuestionnaires))
	mux.HandleFunc("POST /w/{ws}/questionnaires", s.page(store.RoleEditor, s.handleSendQuestionnaire))
	mux.HandleFunc("GET /w/{ws}/questionnaire", s.page(store.RoleViewer, s.handleQuestionnaire))
	mux.HandleFunc("POST /w/{ws}/questionnaire/revoke", s.page(store.RoleEditor, s.handleRevokeQuestionnaire))
	mux.HandleFunc("GET /w/{ws}/questionnaire/export", s.page(store.RoleViewer, s.handleExportQuestionnaire))
	mux.HandleFunc("GET /w/{ws}/questionnaire/framework", s.page(store.RoleViewer, s.handleQuestionnaireFramework))
	mux.HandleFunc("GET /w/{ws}/questionnaire/evidence", s.page(store.RoleViewer, s.handleEvidenceDownload))
	mux.HandleFunc("GET /q/{token}", s.handleVendorForm)
	mux.HandleFunc("POST /q/{token}", s.handleVendorSave)
}

// questionnaireFramework returns the framework a questionnaire asks.
func (s *Server) questionnaireFramework(q store.Questionnaire) (*framework.Framework, error) {
	_, f, err := s.questionnaireLibrary(q)
	return f, err
}

// questionnaireLibrary returns the library the questionnaire's framework
// is named in, built as the CLI builds it for the export: the server's,
// with the framework file sent with the questionnaire laid over it (what
// --frameworks DIR does), and the framework itself.
func (s *Server) questionnaireLibrary(q store.Questionnaire) (*framework.Library, *framework.Framework, error) {
	lib := s.cfg.Frameworks
	if len(q.FrameworkYAML) > 0 {
		var err error
		lib, err = lib.Overlay(fstest.MapFS{frameworkFileName(q): {Data: q.FrameworkYAML}})
		if err != nil {
			return nil, nil, err
		}
	}
	f, err := lib.Lookup(q.Framework)
	return lib, f, err
}

// frameworkFileName names the framework file sent with a questionnaire, in
// the overlay and as a download.
func frameworkFileName(q store.Questionnaire) string {
	return strings.ReplaceAll(q.Framework, "@", "-") + ".yaml"
}

// decodeAnswers reads a questionnaire's stored answers and evidence.
func decodeAnswers(q store.Questionnaire) (map[string]any, map[string]string, error) {
	answers, evidence := map[string]any{}, map[string]string{}
	if len(q.Answers) > 0 {
		if err := json.Unmarshal(q.Answers, &answers); err != nil {
			return nil, nil, fmt.Errorf("%s answers: %w", questionnaireTarget(q.ID), err)
		}
	}
	if len(q.Evidence) > 0 {
		if err := json.Unmarshal(q.Evidence, &evidence); err != nil {
			return nil, nil, fmt.Errorf("%s evidence: %w", questionnaireTarget(q.ID), err)
		}
	}
	return answers, evidence, nil
}

// assessmentOf is the questionnaire's answers as an assessment of its
// subject (the provider, or the arrangement), the evidence of each
// criterion followed by the names of its files.
func assessmentOf(q store.Questionnaire, f *framework.Framework, files []store.EvidenceFile) (sovmap.Assessment, error) {
	answers, evidence, err := decodeAnswers(q)
	if err != nil {
		return sovmap.Assessment{}, err
	}
	attached := map[string][]string{}
	for _, file := range files {
		attached[file.Criterion] = append(attached[file.Criterion], file.Name)
	}
	for id, names := range attached {
		text := "attached: " + strings.Join(names, ", ")
		if e := evidence[id]; e != "" {
			text = e + " (" + text + ")"
		}
		evidence[id] = text
	}
	as := sovmap.Assessment{ID: "questionnaire-" + strconv.FormatInt(q.ID, 10), Provider: q.Provider, Framework: f.Key(), Answers: answers, Evidence: evidence}
	if len(as.Answers) == 0 {
		as.Answers = nil
	}
	if len(as.Evidence) == 0 {
		as.Evidence = nil
	}
	return as, nil
}

// scoredQuestionnaire is a questionnaire with what the pages show of it.
type scoredQuestionnaire struct {
	Q         store.Questionnaire
	Status    string
	Framework *framework.Framework
	Files     []store.EvidenceFile
	// Answered counts the criteria answered of Criteria.
	Answered, Criteria int
	// Command scores the export in the CLI.
	Command string
	// Result is the score on the latest version, once submitted; Error
	// says why there is none.
	Result  *framework.Result
	Version int
	Error   string
}

// latestInventory returns the workspace's latest version and its inventory.
func (s *Server) latestInventory(ctx context.Context, ws store.Workspace) (store.Version, *sovmap.Inventory, error) {
	ver, err := s.versionOf(ctx, ws, "latest")
	if err != nil {
		return ver, nil, err
	}
	inv, err := s.inventoryOf(ctx, ver)
	return ver, inv, err
}

// scoreQuestionnaire scores a questionnaire's answers with the facts of the
// inventory inv, exactly as the CLI scores them in the exported inventory:
// `sovmap framework score` a provider's assessment, `sovmap embassy score`
// an arrangement with these answers.
func (s *Server) scoreQuestionnaire(inv *sovmap.Inventory, lib *framework.Library, f *framework.Framework, as sovmap.Assessment) (*framework.Result, error) {
	k, err := inventory.WithKnowledge(s.cfg.KB, inv)
	if err != nil {
		return nil, err
	}
	if f.Subject == arrangementSubject {
		arr, err := embassy.Find(inv, as.Provider)
		if err != nil {
			return nil, err
		}
		// As `sovmap embassy score` does: with the inventory's knowledge
		// base, so that export controls cap the capacity criterion.
		return embassy.Evaluate(lib, withAnswers(arr, f, as), inv, embassy.Options{KB: k})
	}
	facts, err := framework.ProviderFacts(inv, k, as.Provider)
	if err != nil {
		return nil, err
	}
	return f.Evaluate(framework.Input{Answers: as.Answers, Evidence: as.Evidence, Facts: facts})
}

// arrangementSubject is the Subject of frameworks that score arrangements.
const arrangementSubject = "arrangement"

// withAnswers is the arrangement answered by the questionnaire.
func withAnswers(arr sovmap.Arrangement, f *framework.Framework, as sovmap.Assessment) sovmap.Arrangement {
	arr.Framework, arr.Answers, arr.Evidence = f.Key(), as.Answers, as.Evidence
	return arr
}

// scoreCommand is the CLI command that scores an export.
func scoreCommand(file string, q store.Questionnaire, f *framework.Framework) string {
	cmd := fmt.Sprintf("sovmap framework score %s --framework %s --provider %s", file, f.Key(), q.Provider)
	if f.Subject == arrangementSubject {
		cmd = fmt.Sprintf("sovmap embassy score %s %s", file, q.Provider)
	}
	if len(q.FrameworkYAML) > 0 {
		cmd += " --frameworks DIR"
	}
	return cmd
}

// describe fills what the list and the detail page show of q; with inv it
// also scores a submitted questionnaire.
func (s *Server) describe(ctx context.Context, q store.Questionnaire, inv *sovmap.Inventory, ver store.Version, now time.Time) scoredQuestionnaire {
	sq := scoredQuestionnaire{Q: q, Status: q.Status(now)}
	lib, f, err := s.questionnaireLibrary(q)
	if err != nil {
		sq.Error = err.Error()
		return sq
	}
	sq.Framework, sq.Criteria, sq.Command = f, f.Criteria(), scoreCommand("FILE", q, f)
	if sq.Files, err = s.store.EvidenceFiles(ctx, q.ID); err != nil {
		sq.Error = err.Error()
		return sq
	}
	as, err := assessmentOf(q, f, sq.Files)
	if err != nil {
		sq.Error = err.Error()
		return sq
	}
	sq.Answered = len(as.Answers)
	if q.SubmittedAt.IsZero() || inv == nil {
		return sq
	}
	sq.Version = ver.Number
	if sq.Result, err = s.scoreQuestionnaire(inv, lib, f, as); err != nil {
		sq.Error = err.Error()
	}
	return sq
}

// questionnaireSubjects lists what a framework of the subject kind can be
// asked about in an inventory: its arrangements, or its providers.
func questionnaireSubjects(inv *sovmap.Inventory, subject string) []string {
	if subject == arrangementSubject {
		var out []string
		for _, a := range inv.Arrangements {
			out = append(out, a.ID)
		}
		return out
	}
	return questionnaireProviders(inv)
}

// questionnaireProviders lists the providers of an inventory: those it
// declares and those its components name, sorted.
func questionnaireProviders(inv *sovmap.Inventory) []string {
	var out []string
	for _, p := range inv.Providers {
		out = append(out, p.ID)
	}
	for i := range inv.Components {
		if p := inv.Components[i].Provider; p != "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sendableFrameworks lists the library's frameworks that can be sent:
// those of providers, then those of arrangements.
func (s *Server) sendableFrameworks() []string {
	var out, arrangements []string
	for _, f := range s.cfg.Frameworks.List() {
		switch f.Subject {
		case "provider":
			out = append(out, f.Key())
		case arrangementSubject:
			arrangements = append(arrangements, f.Key())
		}
	}
	return append(out, arrangements...)
}

// questionnairesPage is the list page's model.
type questionnairesPage struct {
	Version      int
	Providers    []string
	Arrangements []string
	Frameworks   []string
	Days         int
	MaxDays      int
	List         []scoredQuestionnaire
	// Sent is the link of the questionnaire just sent, shown once.
	Sent     string
	SentID   int64
	Form     sendForm
	MaxFiles int
	MaxMiB   int
}

// sendForm is what the editor entered, kept when a send is refused.
type sendForm struct {
	Provider, Framework, Recipient string
	Days                           int
}

func (s *Server) handleQuestionnaires(w http.ResponseWriter, r *http.Request, q *req) {
	s.renderQuestionnaires(w, r, q, http.StatusOK, "", questionnairesPage{Form: sendForm{Days: questionnaireDays}})
}

// renderQuestionnaires renders the list with the send form, and problem
// when a send was refused.
func (s *Server) renderQuestionnaires(w http.ResponseWriter, r *http.Request, q *req, status int, problem string, page questionnairesPage) {
	ctx := r.Context()
	v := s.newView(q, "Questionnaires", "frameworks")
	ver, inv, err := s.latestInventory(ctx, q.ws)
	if err != nil && !errors.Is(err, errNoVersion) {
		s.pageError(w, r, q, 0, err)
		return
	}
	list, err := s.store.ListQuestionnaires(ctx, q.ws.ID)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	now := time.Now()
	for _, one := range list {
		// The list has no answers; one with answers is read whole to count
		// and score them.
		if !one.SavedAt.IsZero() {
			if one, err = s.store.QuestionnaireByID(ctx, q.ws.ID, one.ID); err != nil {
				s.pageError(w, r, q, 0, err)
				return
			}
		}
		page.List = append(page.List, s.describe(ctx, one, inv, ver, now))
	}
	if inv != nil {
		page.Version, page.Providers = ver.Number, questionnaireProviders(inv)
		page.Arrangements = questionnaireSubjects(inv, arrangementSubject)
	}
	page.Frameworks, page.Days, page.MaxDays = s.sendableFrameworks(), questionnaireDays, questionnaireMaxDays
	page.MaxFiles, page.MaxMiB = maxEvidenceFiles, maxEvidenceBytes>>20
	if page.Form.Days == 0 {
		page.Form.Days = questionnaireDays
	}
	v.Error = problem
	v.Data = page
	s.render(w, r, status, "questionnaires", v)
}

// handleSendQuestionnaire creates a questionnaire and shows its link once.
func (s *Server) handleSendQuestionnaire(w http.ResponseWriter, r *http.Request, q *req) {
	ctx := r.Context()
	form := sendForm{Provider: strings.TrimSpace(r.PostFormValue("provider")), Framework: r.PostFormValue("framework"),
		Recipient: strings.TrimSpace(r.PostFormValue("recipient"))}
	refuse := func(format string, args ...any) {
		s.renderQuestionnaires(w, r, q, http.StatusUnprocessableEntity, fmt.Sprintf(format, args...), questionnairesPage{Form: form})
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	form.Days = days
	if err != nil || days < 1 || days > questionnaireMaxDays {
		refuse("The link must last from 1 to %d days.", questionnaireMaxDays)
		return
	}
	if len(form.Recipient) > 200 {
		refuse("The recipient is longer than 200 characters.")
		return
	}
	ver, inv, err := s.latestInventory(ctx, q.ws)
	if err != nil {
		if errors.Is(err, errNoVersion) {
			refuse("Upload an inventory first: a questionnaire goes to a provider of the current version.")
			return
		}
		s.pageError(w, r, q, 0, err)
		return
	}
	// A framework file sent with the form is asked instead of the library's.
	var custom []byte
	var subject string
	if file, header, err := r.FormFile("framework_file"); err == nil {
		defer file.Close()
		if custom, err = io.ReadAll(io.LimitReader(file, framework.MaxFileSize+1)); err != nil {
			s.pageError(w, r, q, http.StatusBadRequest, err)
			return
		}
		f, err := framework.Parse(header.Filename, custom)
		if err != nil {
			refuse("The framework file cannot be used: %v", err)
			return
		}
		if f.Subject != "provider" && f.Subject != arrangementSubject {
			refuse("Framework %s scores %ss, neither providers nor arrangements.", f.ID, f.Subject)
			return
		}
		form.Framework, subject = f.Key(), f.Subject
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		s.pageError(w, r, q, http.StatusBadRequest, err)
		return
	} else {
		f, err := s.cfg.Frameworks.Lookup(form.Framework)
		if err != nil || !slices.Contains(s.sendableFrameworks(), f.Key()) {
			refuse("Choose one of the frameworks: %s.", strings.Join(s.sendableFrameworks(), ", "))
			return
		}
		form.Framework, subject = f.Key(), f.Subject
	}
	if !slices.Contains(questionnaireSubjects(inv, subject), form.Provider) {
		refuse("%q is not %s of version %d: framework %s scores %ss.", form.Provider, article(subject), ver.Number, form.Framework, subject)
		return
	}
	token := randomSecret(tokenBytes)
	now := time.Now().UTC()
	expires := now.Add(time.Duration(days) * 24 * time.Hour)
	detail := fmt.Sprintf("%s %s, framework %s, link expires %s", subject, form.Provider, form.Framework, expires.Format("2006-01-02 15:04 UTC"))
	if form.Recipient != "" {
		detail += ", given to " + form.Recipient
	}
	if custom != nil {
		detail += " (framework file sent with it)"
	}
	created, err := s.store.CreateQuestionnaire(ctx, store.Questionnaire{
		WorkspaceID: q.ws.ID, TokenHash: secretHash(token), Provider: form.Provider, Framework: form.Framework, FrameworkYAML: custom,
		Recipient: form.Recipient, CSRF: randomSecret(24), CreatedBy: q.p.user.ID, CreatedAt: now, ExpiresAt: expires,
	}, &store.Event{ActorID: q.p.user.ID, Actor: q.p.actor(), Workspace: q.ws.Slug, Action: "questionnaire.send", Detail: detail, Remote: clientAddr(r)})
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	s.renderQuestionnaires(w, r, q, http.StatusOK, "", questionnairesPage{Form: sendForm{Days: questionnaireDays},
		Sent: scheme + "://" + r.Host + "/q/" + token, SentID: created.ID})
}

// workspaceQuestionnaire reads the questionnaire named by the id parameter.
func (s *Server) workspaceQuestionnaire(w http.ResponseWriter, r *http.Request, q *req, param string) (store.Questionnaire, bool) {
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil {
		s.pageError(w, r, q, http.StatusNotFound, fmt.Errorf("no questionnaire %q", param))
		return store.Questionnaire{}, false
	}
	one, err := s.store.QuestionnaireByID(r.Context(), q.ws.ID, id)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return one, false
	}
	return one, true
}

// questionnaireAnswer is one criterion of the detail page.
type questionnaireAnswer struct {
	Dimension string
	Criterion framework.Criterion
	Answer    string
	Evidence  string
	Files     []store.EvidenceFile
	Result    *framework.CriterionResult
}

func (s *Server) handleQuestionnaire(w http.ResponseWriter, r *http.Request, q *req) {
	one, ok := s.workspaceQuestionnaire(w, r, q, r.URL.Query().Get("id"))
	if !ok {
		return
	}
	ver, inv, err := s.latestInventory(r.Context(), q.ws)
	if err != nil && !errors.Is(err, errNoVersion) {
		s.pageError(w, r, q, 0, err)
		return
	}
	sq := s.describe(r.Context(), one, inv, ver, time.Now())
	var rows []questionnaireAnswer
	if sq.Framework != nil {
		answers, evidence, err := decodeAnswers(one)
		if err != nil {
			s.pageError(w, r, q, 0, err)
			return
		}
		for _, d := range sq.Framework.Dimensions {
			for _, c := range d.Criteria {
				row := questionnaireAnswer{Dimension: d.ID, Criterion: c, Evidence: evidence[c.ID]}
				if a, ok := answers[c.ID]; ok {
					row.Answer = fmt.Sprint(a)
				}
				for _, f := range sq.Files {
					if f.Criterion == c.ID {
						row.Files = append(row.Files, f)
					}
				}
				if sq.Result != nil {
					row.Result, _ = sq.Result.Criterion(c.ID)
				}
				rows = append(rows, row)
			}
		}
	}
	v := s.newView(q, "Questionnaire "+strconv.FormatInt(one.ID, 10), "frameworks")
	v.Flash = r.URL.Query().Get("flash")
	v.Data = struct {
		S    scoredQuestionnaire
		Rows []questionnaireAnswer
		Open bool
	}{sq, rows, one.Open(time.Now())}
	s.render(w, r, http.StatusOK, "questionnaire", v)
}

func (s *Server) handleRevokeQuestionnaire(w http.ResponseWriter, r *http.Request, q *req) {
	one, ok := s.workspaceQuestionnaire(w, r, q, r.PostFormValue("id"))
	if !ok {
		return
	}
	err := s.store.RevokeQuestionnaire(r.Context(), q.ws.ID, one.ID, time.Now().UTC(),
		&store.Event{ActorID: q.p.user.ID, Actor: q.p.actor(), Workspace: q.ws.Slug, Action: "questionnaire.revoke",
			Target: questionnaireTarget(one.ID), Detail: "provider " + one.Provider + ", framework " + one.Framework, Remote: clientAddr(r)})
	if errors.Is(err, store.ErrClosed) {
		s.pageError(w, r, q, http.StatusConflict, fmt.Errorf("%s was already submitted or revoked", questionnaireTarget(one.ID)))
		return
	}
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/w/%s/questionnaire?id=%d&flash=%s", q.ws.Slug, one.ID, "The+link+was+revoked%3A+it+no+longer+opens."), http.StatusSeeOther)
}

// exportInventory is the latest version's inventory with the
// questionnaire's answers as the provider's assessment on the framework,
// in place of any the inventory had.
func (s *Server) exportInventory(ctx context.Context, ws store.Workspace, one store.Questionnaire) ([]byte, string, error) {
	lib, f, err := s.questionnaireLibrary(one)
	if err != nil {
		return nil, "", err
	}
	files, err := s.store.EvidenceFiles(ctx, one.ID)
	if err != nil {
		return nil, "", err
	}
	as, err := assessmentOf(one, f, files)
	if err != nil {
		return nil, "", err
	}
	ver, inv, err := s.latestInventory(ctx, ws)
	if err != nil {
		return nil, "", err
	}
	name := fmt.Sprintf("%s-questionnaire-%d.yaml", ws.Slug, one.ID)
	header := fmt.Sprintf("Workspace %s, version %d, with the answers of questionnaire %d (%s on %s, %s).\n",
		ws.Slug, ver.Number, one.ID, one.Provider, f.Key(), one.Status(time.Now()))
	if f.Subject == arrangementSubject {
		i := slices.IndexFunc(inv.Arrangements, func(a sovmap.Arrangement) bool { return a.ID == one.Provider })
		if i < 0 {
			return nil, "", fmt.Errorf("version %d has no arrangement %s any more", ver.Number, one.Provider)
		}
		inv.Arrangements[i] = withAnswers(inv.Arrangements[i], f, as)
		header += fmt.Sprintf("They replace the answers of arrangement %s.\n", one.Provider)
	} else if replaced := replaceAssessment(inv, lib, as); replaced > 0 {
		header += fmt.Sprintf("They replace the inventory's own assessment of %s on %s.\n", one.Provider, f.ID)
	}
	header += "Score it: " + scoreCommand(name, one, f)
	if len(one.FrameworkYAML) > 0 {
		header += " (DIR holding the framework file, downloadable beside this one)"
	}
	var b bytes.Buffer
	if err := importer.WriteYAML(&b, inv, header); err != nil {
		return nil, "", err
	}
	return b.Bytes(), name, nil
}

// replaceAssessment puts as in place of the inventory's assessments of the
// same provider on the same framework version, and counts those replaced.
func replaceAssessment(inv *sovmap.Inventory, lib *framework.Library, as sovmap.Assessment) int {
	kept := inv.Assessments[:0:0]
	replaced := 0
	for _, a := range inv.Assessments {
		// The CLI's rule for which assessment it scores (findAssessment).
		if a.Provider == as.Provider && lib.Same(a.Framework, as.Framework) {
			replaced++
			continue
		}
		kept = append(kept, a)
	}
	inv.Assessments = append(kept, as)
	return replaced
}

// article names one of a subject kind: "a provider", "an arrangement".
func article(subject string) string {
	if strings.HasPrefix(subject, "a") {
		return "an " + subject
	}
	return "a " + subject
}

func (s *Server) handleExportQuestionnaire(w http.ResponseWriter, r *http.Request, q *req) {
	one, ok := s.workspaceQuestionnaire(w, r, q, r.URL.Query().Get("id"))
	if !ok {
		return
	}
	body, name, err := s.exportInventory(r.Context(), q.ws, one)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, q.ws.Slug, "questionnaire.export", questionnaireTarget(one.ID), name)
	attachment(w, name, "application/yaml", body)
}

// handleQuestionnaireFramework downloads a framework file sent with a
// questionnaire, which the CLI needs (--frameworks) to score the export.
func (s *Server) handleQuestionnaireFramework(w http.ResponseWriter, r *http.Request, q *req) {
	one, ok := s.workspaceQuestionnaire(w, r, q, r.URL.Query().Get("id"))
	if !ok {
		return
	}
	if len(one.FrameworkYAML) == 0 {
		s.pageError(w, r, q, http.StatusNotFound, fmt.Errorf("%s asks %s from sovmap's library: sovmap framework show %s", questionnaireTarget(one.ID), one.Framework, one.Framework))
		return
	}
	name := frameworkFileName(one)
	s.audit(r, q.p, q.ws.Slug, "questionnaire.framework_download", questionnaireTarget(one.ID), name)
	attachment(w, name, "application/yaml", one.FrameworkYAML)
}

// handleEvidenceDownload sends an evidence file, to members of the
// workspace only: the vendor's link does not reach it.
func (s *Server) handleEvidenceDownload(w http.ResponseWriter, r *http.Request, q *req) {
	one, ok := s.workspaceQuestionnaire(w, r, q, r.URL.Query().Get("id"))
	if !ok {
		return
	}
	fileID, err := strconv.ParseInt(r.URL.Query().Get("file"), 10, 64)
	if err != nil {
		s.pageError(w, r, q, http.StatusNotFound, errors.New("no such evidence file"))
		return
	}
	f, err := s.store.EvidenceFile(r.Context(), one.ID, fileID)
	if err != nil {
		s.pageError(w, r, q, 0, err)
		return
	}
	s.audit(r, q.p, q.ws.Slug, "questionnaire.evidence_download", questionnaireTarget(one.ID), f.Criterion+": "+f.Name)
	// Always a download, never shown inline: the file is the vendor's.
	attachment(w, safeFileName(f.Name), "application/octet-stream", f.Data)
}

// safeFileName keeps a file name to its last element and printable ASCII
// letters, digits and a few marks, so that it is harmless in a header.
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	if strings.Trim(name, "._") == "" {
		return "evidence"
	}
	return name
}
