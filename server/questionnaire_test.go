package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/store"
)

// The vendor questionnaire tests check the flow (send, open, draft, files,
// submit, revoke, expiry), what the link can and cannot reach, the audit
// log, and the score: the oracle is the sovmap binary scoring the exported
// inventory, compared with what the server's pages show.

// buildCLI builds the sovmap binary into a directory of the test.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sovmap")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/sovmap").CombinedOutput(); err != nil {
		t.Fatalf("building sovmap: %v\n%s", err, out)
	}
	return bin
}

var (
	linkRe  = regexp.MustCompile(`id="questionnaire-link">([^<]+)<`)
	scoreRe = regexp.MustCompile(`Overall: <strong>([^<]+)</strong>.*?weighted score ([0-9.]+) of 100`)
	// dimRe reads a row of the detail page's per-dimension table.
	dimRe = regexp.MustCompile(`<tr><th scope="row">([^ <]+) <span class="hint">[^<]*</span></th><td class="num">[0-9.]+%</td><td class="num">([0-9.]+)</td><td>([^<]+)</td>`)
)

// sendQuestionnaire posts the send form and returns the vendor's link
// (its path) and the questionnaire's id.
func (c *client) sendQuestionnaire(values map[string]string, files map[string][]store.File) (string, int64, resp) {
	c.t.Helper()
	values["csrf"] = c.csrf
	body, ct := multipartBody(values, files)
	req, _ := http.NewRequest("POST", c.base+"/w/default/questionnaires", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	r := c.do(req)
	m := linkRe.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		return "", 0, r
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		c.t.Fatal(err)
	}
	id := regexp.MustCompile(`Questionnaire (\d+) was created`).FindStringSubmatch(r.body)
	n, _ := strconv.ParseInt(id[1], 10, 64)
	return u.Path, n, r
}

// vendorPost posts the vendor's form with the csrf token of the page last
// read, unless values set one.
func (c *client) vendorPost(path string, values map[string]string, files map[string][]store.File) resp {
	c.t.Helper()
	if _, ok := values["csrf"]; !ok {
		values["csrf"] = c.csrf
	}
	body, ct := multipartBody(values, files)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

// answerAll picks an answer for most criteria of f at random (some are
// left unanswered), returns them as form values and as the answers the
// export must carry. A number that may not exceed another stays within it
// and within the fact the inventory records for it (facts win over
// answers when scored).
func answerAll(f *framework.Framework, rng *rand.Rand, facts map[string]framework.Fact) (map[string]string, map[string]any) {
	form, want := map[string]string{}, map[string]any{}
	numbers := map[string]float64{}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			if rng.IntN(5) == 0 {
				continue
			}
			if c.Kind != framework.Number {
				values := f.AnswerValues(&c)
				v := values[rng.IntN(len(values))]
				form["a."+c.ID], want[c.ID] = v, v
				continue
			}
			lo, hi := 0.0, 400.0
			if c.Min != nil {
				lo = *c.Min
			}
			if c.Max != nil {
				hi = *c.Max
			}
			numbers[c.ID] = float64(int(lo + rng.Float64()*(hi-lo)))
		}
	}
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			x, ok := numbers[c.ID]
			if !ok {
				continue
			}
			if other, ok := numbers[c.NotAbove]; ok && x > other {
				x = other
			}
			if c.NotAbove != "" {
				if limit, ok := numericFact(f, c.NotAbove, facts); ok && x > limit {
					x = limit
				}
			}
			form["a."+c.ID], want[c.ID] = strconv.FormatFloat(x, 'f', -1, 64), x
		}
	}
	return form, want
}

// numericFact returns the number the inventory's facts give criterion id.
func numericFact(f *framework.Framework, id string, facts map[string]framework.Fact) (float64, bool) {
	c, _, ok := f.Criterion(id)
	if !ok || c.Fact == "" {
		return 0, false
	}
	switch v := facts[c.Fact].Value.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	}
	return 0, false
}

// providerFacts returns what the inventory establishes about a provider.
func providerFacts(t *testing.T, e *testEnv, inv []byte, provider string) map[string]framework.Fact {
	t.Helper()
	decoded, err := inventory.Decode(context.Background(), e.srv.cfg.KB, "inventory.yaml", inv)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := framework.ProviderFacts(decoded, e.srv.cfg.KB, provider)
	if err != nil {
		t.Fatal(err)
	}
	return facts
}

// cliScore is what `sovmap framework score --format json` prints of a result.
type cliScore struct {
	Result struct {
		LevelName  string  `json:"level_name"`
		Score      float64 `json:"score"`
		Dimensions []struct {
			ID        string  `json:"id"`
			LevelName string  `json:"level_name"`
			Score     float64 `json:"score"`
		} `json:"dimensions"`
	} `json:"result"`
}

// scoreWithCLI writes an export and scores it with the sovmap binary:
// args start with the command (framework score, embassy score).
func scoreWithCLI(t *testing.T, bin string, export []byte, args ...string) cliScore {
	t.Helper()
	p := filepath.Join(t.TempDir(), "export.yaml")
	if err := os.WriteFile(p, export, 0o644); err != nil {
		t.Fatal(err)
	}
	// args[:2] is the command; the file goes after it.
	cmd := exec.Command(bin, append([]string{args[0], args[1], p, "--format", "json"}, args[2:]...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sovmap framework score %v: %v\n%s", args, err, stderr.String())
	}
	var s cliScore
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("score JSON: %v\n%s", err, out)
	}
	return s
}

// exported is an assessment or an arrangement of an export.
type exported struct {
	ID        string         `yaml:"id"`
	Provider  string         `yaml:"provider"`
	Framework string         `yaml:"framework"`
	Answers   map[string]any `yaml:"answers"`
}

// checkExportedAnswers reads the export with a plain YAML decoder and
// checks that the subject's answers on key (the provider's assessment, or
// the arrangement's) are exactly want.
func checkExportedAnswers(t *testing.T, export []byte, subject, key string, want map[string]any) {
	t.Helper()
	var doc struct {
		Assessments  []exported `yaml:"assessments"`
		Arrangements []exported `yaml:"arrangements"`
	}
	if err := yaml.Unmarshal(export, &doc); err != nil {
		t.Fatalf("export is not YAML: %v", err)
	}
	for i, a := range doc.Arrangements {
		doc.Arrangements[i].Provider = a.ID
	}
	n := 0
	for _, as := range append(doc.Assessments, doc.Arrangements...) {
		if as.Provider != subject || as.Framework != key {
			continue
		}
		n++
		if len(as.Answers) != len(want) {
			t.Errorf("export has %d answers, want %d", len(as.Answers), len(want))
		}
		for id, w := range want {
			got := as.Answers[id]
			if x, ok := w.(float64); ok {
				if g, ok := got.(int); !ok || float64(g) != x {
					t.Errorf("export answer %s = %v (%T), want %v", id, got, got, x)
				}
			} else if got != w {
				t.Errorf("export answer %s = %v, want %v", id, got, w)
			}
		}
	}
	if n != 1 {
		t.Errorf("export has %d sets of answers of %s on %s, want 1", n, subject, key)
	}
}

// sameScore reports whether a score the page shows with one decimal is
// the CLI's, which JSON writes rounded to two: they differ by less than
// the two roundings.
func sameScore(page string, cli float64) bool {
	x, err := strconv.ParseFloat(page, 64)
	return err == nil && math.Abs(x-cli) <= 0.05+0.005+1e-9
}

// checkScorePage compares the detail page's score with the CLI's.
func checkScorePage(t *testing.T, page string, want cliScore) {
	t.Helper()
	m := scoreRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the detail page shows no score:\n%.3000s", page)
	}
	if m[1] != want.Result.LevelName || !sameScore(m[2], want.Result.Score) {
		t.Errorf("page: %s %s; sovmap framework score: %s %.1f", m[1], m[2], want.Result.LevelName, want.Result.Score)
	}
	rows := dimRe.FindAllStringSubmatch(page, -1)
	if len(rows) != len(want.Result.Dimensions) {
		t.Fatalf("page has %d dimension rows, the CLI %d", len(rows), len(want.Result.Dimensions))
	}
	for i, d := range want.Result.Dimensions {
		if rows[i][1] != d.ID || !sameScore(rows[i][2], d.Score) || rows[i][3] != d.LevelName {
			t.Errorf("dimension %s: page %v, CLI %s %.1f", d.ID, rows[i][1:], d.LevelName, d.Score)
		}
	}
}

func TestQuestionnaire(t *testing.T) {
	bin := buildCLI(t)
	eachBackend(t, func(t *testing.T, e *testEnv) { testQuestionnaire(t, e, bin) })
}

func testQuestionnaire(t *testing.T, e *testEnv, bin string) {
	ctx := context.Background()
	hosts, err := os.ReadFile("../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	admin := e.signInAdmin()
	mustContain(t, "questionnaires before any upload", admin.get("/w/default/questionnaires").body, "Upload an inventory first", "No questionnaire was sent")
	if r := admin.upload("default", map[string][]byte{"inventory.yaml": hosts}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	editor := e.addUser("ed", "default", store.RoleEditor)
	viewer := e.addUser("vic", "default", store.RoleViewer)
	outsider := e.addUser("out", "", "")

	// The frameworks page leads to the questionnaires.
	mustContain(t, "frameworks page", editor.get("/w/default/frameworks").body, `<a href="questionnaires">questionnaire</a>`)
	r := editor.get("/w/default/questionnaires")
	mustContain(t, "questionnaires page", r.body, "Send a questionnaire", "<option>lu-ai-operator</option>", "<option>host-lu</option>", "<option>eu-csf@2026</option>",
		"<option>eu-csf@1.2.1</option>", "<option>secnumcloud@", "<option>gaia-x@", "<option>digital-embassy@")

	// Refusals: a viewer cannot send; a provider not in the inventory, a
	// framework of arrangements and a bad duration are refused.
	viewer.get("/w/default/questionnaires")
	if _, _, r := viewer.sendQuestionnaire(map[string]string{"provider": "lu-ai-operator", "framework": "eu-csf@2026", "days": "14"}, nil); r.status != http.StatusForbidden {
		t.Errorf("a viewer sent a questionnaire: %d", r.status)
	}
	for _, bad := range []map[string]string{
		{"provider": "nobody", "framework": "eu-csf@2026", "days": "14"},
		{"provider": "host-lu", "framework": "eu-csf@2026", "days": "14"},
		{"provider": "lu-ai-operator", "framework": "digital-embassy", "days": "14"},
		{"provider": "lu-ai-operator", "framework": "eu-csf@2026", "days": "0"},
		{"provider": "lu-ai-operator", "framework": "eu-csf@2026", "days": "91"},
	} {
		if _, _, r := editor.sendQuestionnaire(bad, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("send %v: %d, want 422", bad, r.status)
		}
	}

	link, id, r := editor.sendQuestionnaire(map[string]string{"provider": "lu-ai-operator", "framework": "eu-csf@2026", "days": "14", "recipient": "sales@lu.example"}, nil)
	if link == "" {
		t.Fatalf("send: %d %.2000s", r.status, r.body)
	}
	// The secret has at least 128 random bits and only its hash is kept.
	token := strings.TrimPrefix(link, "/q/")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 16 {
		t.Fatalf("link secret %q: %v, %d bytes", token, err, len(raw))
	}
	ws, err := e.st.WorkspaceBySlug(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.st.QuestionnaireByID(ctx, ws.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256([]byte(token)); !bytes.Equal(stored.TokenHash, h[:]) {
		t.Error("the stored hash is not the SHA-256 of the link's secret")
	}
	if b, _ := json.Marshal(stored); bytes.Contains(b, []byte(token)) {
		t.Error("the link's secret is stored")
	}
	if d := stored.ExpiresAt.Sub(stored.CreatedAt); d != 14*24*time.Hour {
		t.Errorf("link lasts %v, want 14 days", d)
	}
	// The link is shown once: the list does not show it again.
	if strings.Contains(editor.get("/w/default/questionnaires").body, token) {
		t.Error("the list shows the link's secret again")
	}

	// The vendor opens the link without an account and sees every
	// criterion with the meaning of each answer.
	vendor := e.client()
	r = vendor.get(link)
	if r.status != http.StatusOK {
		t.Fatalf("vendor form: %d %s", r.status, r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("vendor form Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	f, err := e.srv.cfg.Frameworks.Lookup("eu-csf@2026")
	if err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(r.body)
	for _, d := range f.Dimensions {
		for _, c := range d.Criteria {
			mustContain(t, "vendor form", page, `name="a.`+c.ID+`"`, c.Title)
			for _, a := range c.Answers {
				mustContain(t, "vendor form", page, `value="`+a.Value+`"`, a.Meaning)
			}
		}
	}

	// The link opens that questionnaire only: no page, no evidence, no API.
	for _, p := range []string{"/", "/w/default/", "/w/default/questionnaires", fmt.Sprintf("/w/default/questionnaire?id=%d", id),
		fmt.Sprintf("/w/default/questionnaire/export?id=%d", id)} {
		if r := vendor.get(p); r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Errorf("the vendor reached %s: %d %q", p, r.status, r.loc)
		}
	}
	if r := e.api("GET", "/api/v1/workspaces", token, nil, ""); r.status != http.StatusUnauthorized {
		t.Errorf("the link's secret as an API token: %d", r.status)
	}
	if r := vendor.get("/q/" + strings.Repeat("A", len(token))); r.status != http.StatusNotFound || strings.Contains(r.body, "lu-ai-operator") {
		t.Errorf("a made-up link: %d", r.status)
	}

	// CSRF: the form's token, the cookie set with the form, and a same-site
	// request are all required.
	if r := vendor.vendorPost(link, map[string]string{"csrf": "", "action": "save"}, nil); r.status != http.StatusForbidden {
		t.Errorf("vendor post without the form token: %d", r.status)
	}
	stranger := e.client()
	if r := stranger.vendorPost(link, map[string]string{"csrf": stored.CSRF, "action": "save"}, nil); r.status != http.StatusForbidden {
		t.Errorf("vendor post without the cookie: %d", r.status)
	}
	body, ct := multipartBody(map[string]string{"csrf": vendor.csrf, "action": "save"}, nil)
	req, _ := http.NewRequest("POST", vendor.base+link, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := vendor.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site vendor post: %d", r.status)
	}

	// A draft with evidence text and a file; a bad answer saves nothing.
	vendor.get(link)
	first := f.Dimensions[0].Criteria[0]
	rungs := f.AnswerValues(&first)
	best := rungs[len(rungs)-1]
	if r := vendor.vendorPost(link, map[string]string{"a." + first.ID: "not-a-rung", "action": "save"}, nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nothing was saved") {
		t.Errorf("a bad answer: %d", r.status)
	}
	evidence := []byte("%PDF-1.4 certificate of incorporation\n")
	r = vendor.vendorPost(link, map[string]string{"a." + first.ID: best, "e." + first.ID: "Registry extract B123", "action": "save"},
		map[string][]store.File{"f." + first.ID: {{Name: "../extract.pdf", Data: evidence}}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.loc, "?saved=1") {
		t.Fatalf("draft: %d %q %.1000s", r.status, r.loc, r.body)
	}
	mustContain(t, "the draft reopened", vendor.get(r.loc).body, "Your draft was saved", "Registry extract B123", "extract.pdf (")
	// One file over the cap is refused with nothing saved.
	big := make([]byte, maxEvidenceFile+1)
	if r := vendor.vendorPost(link, map[string]string{"action": "save"}, map[string][]store.File{"f." + first.ID: {{Name: "big.bin", Data: big}}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "larger than") {
		t.Errorf("a file over the cap: %d", r.status)
	}
	mustContain(t, "list with a draft", editor.get("/w/default/questionnaires").body, "<td>draft</td>", "1 of 48")

	// The evidence file is for members of the workspace only.
	files, err := e.st.EvidenceFiles(ctx, id)
	if err != nil || len(files) != 1 || files[0].Name != "extract.pdf" {
		t.Fatalf("evidence files = %+v, %v", files, err)
	}
	fileURL := fmt.Sprintf("/w/default/questionnaire/evidence?id=%d&file=%d", id, files[0].ID)
	if r := viewer.get(fileURL); r.status != http.StatusOK || r.body != string(evidence) || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("a viewer's evidence download: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	if r := outsider.get(fileURL); r.status != http.StatusNotFound {
		t.Errorf("a non-member's evidence download: %d", r.status)
	}
	if r := vendor.get(fileURL); r.status != http.StatusSeeOther {
		t.Errorf("the vendor's evidence download: %d", r.status)
	}

	// Submit: every answer at random; then the link is spent.
	rng := rand.New(rand.NewPCG(1, uint64(id)))
	form, want := answerAll(f, rng, providerFacts(t, e, hosts, "lu-ai-operator"))
	form[`a.`+first.ID] = best
	form[`e.`+first.ID] = "Registry extract B123"
	want[first.ID] = form[`a.`+first.ID]
	form["action"] = "submit"
	vendor.get(link)
	if r := vendor.vendorPost(link, form, nil); r.status != http.StatusOK || !strings.Contains(r.body, "were submitted") {
		t.Fatalf("submit: %d %.2000s", r.status, r.body)
	}
	if r := vendor.get(link); r.status != http.StatusGone || strings.Contains(r.body, `name="a.`) {
		t.Errorf("the spent link opens: %d", r.status)
	}
	if r := vendor.vendorPost(link, map[string]string{"action": "submit"}, nil); r.status != http.StatusGone {
		t.Errorf("a second submission: %d", r.status)
	}

	// The editor sees the score, the same as the CLI's on the export.
	list := editor.get("/w/default/questionnaires").body
	mustContain(t, "list after submit", list, "<td>submitted</td>")
	export := editor.get(fmt.Sprintf("/w/default/questionnaire/export?id=%d", id))
	if export.status != http.StatusOK {
		t.Fatalf("export: %d %s", export.status, export.body)
	}
	checkExportedAnswers(t, []byte(export.body), "lu-ai-operator", "eu-csf@2026", want)
	cli := scoreWithCLI(t, bin, []byte(export.body), "framework", "score", "--framework", "eu-csf@2026", "--provider", "lu-ai-operator")
	detail := editor.get(fmt.Sprintf("/w/default/questionnaire?id=%d", id)).body
	checkScorePage(t, detail, cli)
	if m := scoreRe.FindStringSubmatch(detail); m != nil {
		mustContain(t, "list after submit", list, "<td>"+m[1], `<td class="num">`+m[2]+`</td>`)
	} else {
		t.Errorf("no level and score on the questionnaire's page: %.2000s", detail)
	}
	mustContain(t, "detail page", detail, "Registry extract B123", "extract.pdf")
	// The export replaces the inventory's own assessment of the provider on
	// that version only: its eu-csf@1.2.1 assessment stays.
	if !strings.Contains(export.body, "framework: eu-csf@1.2.1") {
		t.Error("the export dropped the assessment on another version of the framework")
	}

	// Revoke: a second link, revoked by the editor, no longer opens; a
	// viewer cannot revoke; a submitted one cannot be revoked.
	link2, id2, r := editor.sendQuestionnaire(map[string]string{"provider": "no-ai-operator", "framework": "secnumcloud", "days": "3"}, nil)
	if link2 == "" {
		t.Fatalf("second send: %d", r.status)
	}
	viewer.get("/w/default/questionnaires")
	if r := viewer.post("/w/default/questionnaire/revoke", url.Values{"id": {strconv.FormatInt(id2, 10)}}); r.status != http.StatusForbidden {
		t.Errorf("a viewer revoked: %d", r.status)
	}
	editor.get(fmt.Sprintf("/w/default/questionnaire?id=%d", id2))
	if r := editor.post("/w/default/questionnaire/revoke", url.Values{"id": {strconv.FormatInt(id2, 10)}}); r.status != http.StatusSeeOther {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	if r := vendor.get(link2); r.status != http.StatusGone || !strings.Contains(r.body, "withdrawn") {
		t.Errorf("a revoked link: %d", r.status)
	}
	if r := editor.post("/w/default/questionnaire/revoke", url.Values{"id": {strconv.FormatInt(id, 10)}}); r.status != http.StatusConflict {
		t.Errorf("revoking a submitted questionnaire: %d", r.status)
	}

	// An expired link is refused, and so is a save that arrives after it.
	expiredToken := randomSecret(tokenBytes)
	_, err = e.st.CreateQuestionnaire(ctx, store.Questionnaire{WorkspaceID: ws.ID, TokenHash: secretHash(expiredToken), Provider: "lu-ai-operator",
		Framework: "eu-csf@2026", CSRF: "x", CreatedBy: stored.CreatedBy, CreatedAt: time.Now().Add(-48 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := vendor.get("/q/" + expiredToken); r.status != http.StatusGone || !strings.Contains(r.body, "expired") {
		t.Errorf("an expired link: %d", r.status)
	}

	// Every step is in the audit log.
	events, err := e.st.ListAudit(ctx, store.AuditQuery{Workspace: "default", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	target := questionnaireTarget(id)
	for _, ev := range events {
		if ev.Target == target || strings.HasPrefix(ev.Action, "questionnaire.") {
			actions = append(actions, ev.Action)
		}
		if ev.Action == "questionnaire.submit" && !strings.Contains(ev.Actor, "vendor of lu-ai-operator") {
			t.Errorf("the submission's actor is %q", ev.Actor)
		}
	}
	for _, a := range []string{"questionnaire.send", "questionnaire.open", "questionnaire.draft", "questionnaire.submit",
		"questionnaire.revoke", "questionnaire.export", "questionnaire.evidence_download"} {
		if !slices.Contains(actions, a) {
			t.Errorf("the audit log lacks %s (has %v)", a, actions)
		}
	}
}

// Every provider framework of the library, and one sent as a file, round
// trips: the server's score equals the CLI's on the export.
func TestQuestionnaireScoresLikeCLI(t *testing.T) {
	bin := buildCLI(t)
	e := newEnv(t)
	hosts, err := os.ReadFile("../examples/embassy-host-comparison/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	toy, err := os.ReadFile("../framework/testdata/toy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := e.signInAdmin()
	if r := c.upload("default", map[string][]byte{"inventory.yaml": hosts}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	type sent struct {
		key   string
		files map[string][]store.File
	}
	var cases []sent
	for _, f := range e.srv.cfg.Frameworks.List() {
		cases = append(cases, sent{key: f.Key()})
	}
	cases = append(cases, sent{key: "toy@1", files: map[string][]store.File{"framework_file": {{Name: "toy.yaml", Data: toy}}}})
	refusals, arrangements := 0, 0
	for i, tc := range cases {
		subjects := []string{"lu-ai-operator", "no-ai-operator"}
		if f, err := e.srv.cfg.Frameworks.Lookup(tc.key); err == nil && f.Subject == "arrangement" {
			subjects = []string{"host-lu", "host-ae"}
			arrangements++
		}
		for _, provider := range subjects {
			c.get("/w/default/questionnaires")
			link, id, r := c.sendQuestionnaire(map[string]string{"provider": provider, "framework": tc.key, "days": "1"}, tc.files)
			if link == "" {
				t.Fatalf("send %s: %d %.1000s", tc.key, r.status, r.body)
			}
			var f *framework.Framework
			if tc.files != nil {
				f, err = framework.Parse("toy.yaml", toy)
			} else {
				f, err = e.srv.cfg.Frameworks.Lookup(tc.key)
			}
			if err != nil {
				t.Fatal(err)
			}
			vendor := e.client()
			vendor.get(link)
			var facts map[string]framework.Fact
			if f.Subject == "provider" {
				facts = providerFacts(t, e, hosts, provider)
			}
			// A number over what the inventory records for the one it may
			// not exceed is refused at submission: it could not be scored
			// (unless the inventory records the number itself, which wins).
			for _, d := range f.Dimensions {
				for _, c := range d.Criteria {
					_, own := numericFact(f, c.ID, facts)
					if limit, ok := numericFact(f, c.NotAbove, facts); ok && !own && c.Max != nil && limit < *c.Max {
						refusals++
						over := strconv.FormatFloat(limit+1, 'f', -1, 64)
						if r := vendor.vendorPost(link, map[string]string{"a." + c.ID: over, "action": "submit"}, nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "cannot exceed") {
							t.Errorf("%s: %s = %s above the recorded %s: %d", tc.key, c.ID, over, c.NotAbove, r.status)
						}
					}
				}
			}
			form, want := answerAll(f, rand.New(rand.NewPCG(uint64(i), uint64(len(provider)))), facts)
			form["action"] = "submit"
			if r := vendor.vendorPost(link, form, nil); r.status != http.StatusOK {
				t.Fatalf("%s submit: %d %.2000s", tc.key, r.status, r.body)
			}
			export := c.get(fmt.Sprintf("/w/default/questionnaire/export?id=%d", id))
			checkExportedAnswers(t, []byte(export.body), provider, tc.key, want)
			args := []string{"framework", "score", "--framework", tc.key, "--provider", provider}
			if f.Subject == "arrangement" {
				args = []string{"embassy", "score", provider}
			}
			if tc.files != nil {
				dir := t.TempDir()
				fw := c.get(fmt.Sprintf("/w/default/questionnaire/framework?id=%d", id))
				if fw.status != http.StatusOK || fw.body != string(toy) {
					t.Fatalf("framework download: %d", fw.status)
				}
				if err := os.WriteFile(filepath.Join(dir, "toy-1.yaml"), []byte(fw.body), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--frameworks", dir)
			}
			cli := scoreWithCLI(t, bin, []byte(export.body), args...)
			checkScorePage(t, c.get(fmt.Sprintf("/w/default/questionnaire?id=%d", id)).body, cli)
		}
	}
	if arrangements == 0 {
		t.Error("the library has no framework of arrangements to send")
	}
	if refusals == 0 {
		t.Error("no case checked the refusal of a number above a recorded fact")
	}
}

// FuzzVendorAnswers: whatever the form holds, the vendor's answers are
// read without a panic, and an answer is kept only as a rung of its
// criterion's ladder, spelt as the ladder spells it, or a finite number.
func FuzzVendorAnswers(f *testing.F) {
	toy, err := os.ReadFile("../framework/testdata/toy.yaml")
	if err != nil {
		f.Fatal(err)
	}
	fw, err := framework.Parse("toy.yaml", toy)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("YES", "365", "good", "x")
	f.Add("maybe", "NaN", "2", "")
	f.Add("", "+Inf", "GOOD", strings.Repeat("e", 4001))
	f.Fuzz(func(t *testing.T, a1, b1, a3, evidence string) {
		form := url.Values{"a.a1": {a1}, "a.b1": {b1}, "a.a3": {a3}, "e.a2": {evidence}}
		req, _ := http.NewRequest("POST", "/q/x", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		answers, _, _, problems := readVendorAnswers(req, fw)
		for id, v := range answers {
			c, _, _ := fw.Criterion(id)
			if c.Kind == framework.Number {
				if x, ok := v.(float64); !ok || math.IsNaN(x) || math.IsInf(x, 0) {
					t.Errorf("%s kept as %v", id, v)
				}
			} else if !slices.Contains(fw.AnswerValues(c), v.(string)) {
				t.Errorf("%s kept as %q, not a rung of %v", id, v, fw.AnswerValues(c))
			}
		}
		if len(evidence) > maxEvidenceText && len(strings.TrimSpace(evidence)) > maxEvidenceText && len(problems) == 0 {
			t.Errorf("evidence of %d bytes accepted", len(evidence))
		}
		if _, err := json.Marshal(answers); err != nil {
			t.Errorf("answers cannot be stored: %v", err)
		}
	})
}

// FuzzSafeFileName: an evidence file's name is reduced to a harmless,
// non-empty last path element.
func FuzzSafeFileName(f *testing.F) {
	f.Add("../../etc/passwd")
	f.Add(`C:\Users\x\report "final".pdf`)
	f.Add("..")
	f.Fuzz(func(t *testing.T, name string) {
		got := safeFileName(name)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\"\r\n;") {
			t.Errorf("safeFileName(%q) = %q", name, got)
		}
		for _, r := range got {
			if r > 0x7e || r < 0x20 {
				t.Errorf("safeFileName(%q) = %q keeps %q", name, got, r)
			}
		}
	})
}

// TestVendorPageShowsQuestionnaires: a questionnaire answered by a vendor
// of the register appears on that vendor's page with the level and score
// of the questionnaire's own page, and another vendor's page does not list
// it.
func TestVendorPageShowsQuestionnaires(t *testing.T) {
	e := newEnv(t)
	hospital, err := os.ReadFile("../examples/hospital-group/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	editor := e.signInAdmin()
	if r := editor.upload("default", map[string][]byte{"inventory.yaml": hospital}, ""); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	mustContain(t, "vendor page before any questionnaire", editor.get("/w/default/vendors/stackit").body, "No questionnaire was sent to this vendor")
	editor.get("/w/default/questionnaires")
	link, id, r := editor.sendQuestionnaire(map[string]string{"provider": "stackit", "framework": "eu-csf@2026", "days": "14"}, nil)
	if link == "" {
		t.Fatalf("send: %d %.2000s", r.status, r.body)
	}
	mustContain(t, "vendor page, sent", editor.get("/w/default/vendors/stackit").body, fmt.Sprintf("questionnaire?id=%d", id), "not submitted")
	f, err := e.srv.cfg.Frameworks.Lookup("eu-csf@2026")
	if err != nil {
		t.Fatal(err)
	}
	vendor := e.client()
	vendor.get(link)
	form, _ := answerAll(f, rand.New(rand.NewPCG(7, 7)), providerFacts(t, e, hospital, "stackit"))
	form["action"] = "submit"
	if r := vendor.vendorPost(link, form, nil); r.status != http.StatusOK || !strings.Contains(r.body, "were submitted") {
		t.Fatalf("submit: %d %.2000s", r.status, r.body)
	}
	detail := editor.get(fmt.Sprintf("/w/default/questionnaire?id=%d", id)).body
	m := scoreRe.FindStringSubmatch(detail)
	if m == nil {
		t.Fatalf("no level and score on the questionnaire's page: %.2000s", detail)
	}
	page := editor.get("/w/default/vendors/stackit").body
	mustContain(t, "vendor page, submitted", page, fmt.Sprintf("questionnaire?id=%d", id), "<td>submitted</td>", "<td>"+m[1]+"</td>", `<td class="num">`+m[2]+`</td>`)
	other := editor.get("/w/default/vendors/aws-emea")
	if other.status != http.StatusOK || strings.Contains(other.body, fmt.Sprintf("questionnaire?id=%d", id)) {
		t.Errorf("another vendor's page (%d) lists stackit's questionnaire, or does not open", other.status)
	}
}
