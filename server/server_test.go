package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

func TestSignInFlow(t *testing.T) { eachBackend(t, testSignInFlow) }

func testSignInFlow(t *testing.T, e *testEnv) {
	c := e.client()
	if r := c.get("/w/default/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login?next=") {
		t.Fatalf("unauthenticated page: %d %q", r.status, r.loc)
	}
	r := c.get("/login")
	mustContain(t, "login page", r.body, `<label for="login">`, `autocomplete="current-password"`)
	if r := c.post("/login", url.Values{"login": {"admin"}, "password": {"wrong"}}); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", r.status)
	}
	r = c.post("/login", url.Values{"login": {"admin"}, "password": {e.adminPW}, "next": {"/w/default/components"}})
	if r.status != http.StatusSeeOther || r.loc != "/password" {
		t.Fatalf("one-time password must lead to /password, got %d %q", r.status, r.loc)
	}
	var session *http.Cookie
	for _, ck := range c.hc.Jar.Cookies(mustURL(t, e.ts.URL)) {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	setCookie := strings.Join(r.header.Values("Set-Cookie"), "\n")
	mustContain(t, "session cookie", setCookie, "HttpOnly", "SameSite=Strict")
	if r := c.get("/w/default/"); r.status != http.StatusSeeOther || r.loc != "/password" {
		t.Fatalf("pages before the password change: %d %q", r.status, r.loc)
	}
	// A second browser signed in before the change.
	other := e.client()
	if r := other.login("admin", e.adminPW); r.status != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", r.status)
	}
	c.get("/password")
	for _, bad := range []url.Values{
		{"current": {"nope"}, "new": {newPassword}, "confirm": {newPassword}},
		{"current": {e.adminPW}, "new": {"short"}, "confirm": {"short"}},
		{"current": {e.adminPW}, "new": {newPassword}, "confirm": {newPassword + "x"}},
		{"current": {e.adminPW}, "new": {"password1234"}, "confirm": {"password1234"}},
	} {
		if r := c.post("/password", bad); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad password change %v: %d", bad, r.status)
		}
	}
	changed := c.post("/password", url.Values{"current": {e.adminPW}, "new": {newPassword}, "confirm": {newPassword}})
	if changed.status != http.StatusSeeOther {
		t.Fatalf("password change: %d", changed.status)
	}
	// The change signs every other session out, as the page says, and
	// keeps this one.
	if r := other.get("/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
		t.Fatalf("another session survived the password change: %d %q", r.status, r.loc)
	}
	if r := c.get(changed.loc); r.status != http.StatusOK || !strings.Contains(r.body, "other sessions are signed out") {
		t.Fatalf("the session that changed the password: %d %q", r.status, r.loc)
	}
	if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if r := c.login("admin", e.adminPW); r.status != http.StatusUnauthorized {
		t.Fatalf("the one-time password still works: %d", r.status)
	}
	r = c.login("admin", newPassword)
	if r.status != http.StatusSeeOther || r.loc != "/" {
		t.Fatalf("sign-in: %d %q", r.status, r.loc)
	}
	r = c.get("/")
	mustContain(t, "home", r.body, "Default workspace", "New workspace")
	if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if r := c.get("/"); r.status != http.StatusSeeOther {
		t.Fatalf("signed out but still in: %d", r.status)
	}
	events, err := e.st.ListAudit(context.Background(), store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	for _, want := range []string{"login.failed", "login", "password.change", "logout", "user.bootstrap"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLoginThrottle(t *testing.T) { eachBackend(t, testLoginThrottle) }

func testLoginThrottle(t *testing.T, e *testEnv) {
	c := e.client()
	for i := range 5 {
		if r := c.login("admin", "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	r := c.login("admin", e.adminPW)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt with the right password: %d, want 429 with Retry-After", r.status)
	}
	// Another login name from the same address is throttled too.
	if r := c.login("someone", "x"); r.status != http.StatusTooManyRequests {
		t.Fatalf("other name, same address: %d", r.status)
	}
	if n := e.srv.metrics.loginThrottled.Load(); n != 2 {
		t.Fatalf("throttled counter %d, want 2", n)
	}
}

func TestLoginRejectsForeignForms(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/login")
	if r := c.post("/login", url.Values{"login": {"admin"}, "password": {e.adminPW}, "csrf": {"forged"}}); r.status != http.StatusForbidden {
		t.Fatalf("login with a forged token: %d", r.status)
	}
	if r := c.post("/login?next=https://evil.example/", url.Values{"login": {"admin"}, "password": {e.adminPW}, "next": {"//evil.example/"}}); r.status != http.StatusSeeOther || r.loc != "/password" {
		t.Fatalf("sign-in: %d %q", r.status, r.loc)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	good := c.csrf
	c.csrf = "forged"
	if r := c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, ""); r.status != http.StatusForbidden {
		t.Fatalf("upload with a forged token: %d", r.status)
	}
	c.csrf = good
	// A browser's cross-site request is refused before any token check.
	req, _ := http.NewRequest("POST", e.ts.URL+"/logout", strings.NewReader("csrf="+good))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.status != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", r.status)
	}
	// API calls with the session cookie need the header.
	req, _ = http.NewRequest("POST", e.ts.URL+"/api/v1/workspaces/default/versions", strings.NewReader(string(e.hospital)))
	if r := c.do(req); r.status != http.StatusForbidden {
		t.Fatalf("API POST with a cookie and no X-CSRF-Token: %d", r.status)
	}
	req, _ = http.NewRequest("POST", e.ts.URL+"/api/v1/workspaces/default/versions", strings.NewReader(string(e.hospital)))
	req.Header.Set(csrfHeader, good)
	if r := c.do(req); r.status != http.StatusCreated {
		t.Fatalf("API POST with a cookie and the header: %d %s", r.status, r.body)
	}
}

func TestUploadPagesAndDownloads(t *testing.T) { eachBackend(t, testUploadPagesAndDownloads) }

func testUploadPagesAndDownloads(t *testing.T, e *testEnv) {
	c := e.signInAdmin()
	if r := c.get("/w/default/"); !strings.Contains(r.body, "Nothing has been uploaded to this workspace yet") {
		t.Fatalf("empty workspace page: %s", r.body)
	}
	r := c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "first")
	if r.status != http.StatusSeeOther || r.loc != "/w/default/?uploaded=1" {
		t.Fatalf("upload: %d %q %s", r.status, r.loc, r.body)
	}
	r = c.get(r.loc)
	mustContain(t, "overview", r.body, "Version 1 was stored", "Rhein-Main Kliniken Gruppe", "<svg", "Gaps by reason", "regulatory", "Trend over versions", `aria-current="page"`)

	r = c.get("/w/default/components?sort=gap&desc=1")
	mustContain(t, "components", r.body, "Showing 1–9 of 9 components", "inference-api", `aria-sort="descending"`)
	r = c.get("/w/default/components?layer=storage")
	mustContain(t, "storage components", r.body, "ehr-db", "feature-store", "of 2 components")
	if strings.Contains(r.body, "gpu-training</a>") {
		t.Error("the layer filter let a compute component through")
	}
	r = c.get("/w/default/components?jurisdiction=US&min_gap=1")
	mustContain(t, "US components with a gap", r.body, "inference-api")
	if r := c.get("/w/default/components?level=9"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("level=9: %d", r.status)
	}
	if r := c.get("/w/default/components?sort=nonsense"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("sort=nonsense: %d", r.status)
	}
	r = c.get("/w/default/component?id=gpu-training")
	mustContain(t, "component page", r.body, "Factors", "binding", "Remediation", "h100-supply", "notes-model", "Depended on by", "aws:eu-central-1")
	if r := c.get("/w/default/component?id=nope"); r.status != http.StatusNotFound {
		t.Errorf("unknown component: %d", r.status)
	}
	r = c.get("/w/default/flows?verdict=violation")
	mustContain(t, "flows", r.body, "letters-to-llm", "violation")

	r = c.upload("default", map[string][]byte{"inventory.yaml": e.hospitalV2()}, "registry moved")
	if r.status != http.StatusSeeOther {
		t.Fatalf("second upload: %d", r.status)
	}
	r = c.get("/w/default/versions")
	mustContain(t, "versions", r.body, "registry moved", "Compare two versions")
	r = c.get("/w/default/compare?from=1&to=2")
	mustContain(t, "compare", r.body, "Levels moved", "model-registry", "New exposure", "<strong>US</strong>", "worse")
	r = c.get("/w/default/?v=1")
	mustContain(t, "old version overview", r.body, "Version <strong>1</strong> of 2", "Show the latest")

	r = c.get("/w/default/downloads")
	mustContain(t, "downloads", r.body, "format=json", "format=sarif", "format=markdown")
	r = c.get("/w/default/download?v=1&format=json")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "default-v1.json") {
		t.Fatalf("json download: %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	var rep struct {
		Components []struct{ ID string } `json:"components"`
	}
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || len(rep.Components) != 9 {
		t.Fatalf("downloaded JSON: %v, %d components", err, len(rep.Components))
	}
	r = c.get("/w/default/download?format=sarif")
	mustContain(t, "sarif download", r.body, `"version": "2.1.0"`, "inventory.yaml")
	if r := c.get("/w/default/download?format=pdf"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown format: %d", r.status)
	}
	r = c.get("/w/default/file?v=1&i=0")
	if r.body != string(e.hospital) {
		t.Error("the original file did not come back byte for byte")
	}

	r = c.get("/w/default/audit")
	mustContain(t, "audit page", r.body, "version.upload", "version 2", "report.download", "file.download")
	r = c.get("/w/default/audit.csv")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) < 5 || rows[0][3] != "action" {
		t.Fatalf("audit CSV: %v %v", err, rows)
	}
	r = c.get("/metrics")
	mustContain(t, "metrics", r.body, `sovmap_http_requests_total{route="GET /w/{ws}/components",method="GET",code="200"}`,
		"sovmap_uploads_total 2", `sovmap_http_request_duration_seconds_bucket{route="GET /w/{ws}/{$}",le="0.1"}`)
}

func TestDirectoryUpload(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	// The same inventory split in two files, plus a README that is ignored.
	text := string(e.hospital)
	i := strings.Index(text, "\nflows:")
	main := text[:i] + "\n"
	flows := "version: 1\n" + text[i+1:]
	r := c.upload("default", map[string][]byte{"inv/main.yaml": []byte(main), "inv/flows.yaml": []byte(flows), "inv/README.md": []byte("# notes")}, "")
	if r.status != http.StatusSeeOther {
		t.Fatalf("directory upload: %d %s", r.status, r.body)
	}
	r = c.get("/w/default/flows")
	mustContain(t, "flows of a split inventory", r.body, "letters-to-llm", "3 flows")
}

func TestBadUploadShowsPositions(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	bad := strings.Replace(string(e.hospital), "layer: compute", "layer: computer", 1)
	line := strings.Count(bad[:strings.Index(bad, "layer: computer")], "\n") + 1
	r := c.upload("default", map[string][]byte{"inventory.yaml": []byte(bad)}, "")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad upload: %d", r.status)
	}
	mustContain(t, "bad upload page", r.body, "was not stored", "<code>inventory.yaml:"+strconv.Itoa(line)+":", "computer")
	if r := c.upload("default", map[string][]byte{"notes.txt": []byte("hello")}, ""); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, ".yaml, .yml or .json") {
		t.Fatalf("a text file: %d", r.status)
	}
	if v, err := e.st.ListVersions(context.Background(), 1); err != nil || len(v) != 0 {
		t.Fatalf("bad uploads left versions: %v %v", v, err)
	}
	if n := e.srv.metrics.uploadsBad.Load(); n != 1 {
		t.Fatalf("rejected uploads counted %d, want 1", n)
	}
}

func TestRoles(t *testing.T) { eachBackend(t, testRoles) }

func testRoles(t *testing.T, e *testEnv) {
	admin := e.signInAdmin()
	admin.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	viewer := e.addUser("vera", "default", store.RoleViewer)
	editor := e.addUser("ed", "default", store.RoleEditor)
	stranger := e.addUser("sam", "", "")

	tests := []struct {
		who    *client
		name   string
		path   string
		status int
	}{
		{viewer, "viewer reads the overview", "/w/default/", http.StatusOK},
		{viewer, "viewer downloads", "/w/default/download?format=json", http.StatusOK},
		{viewer, "viewer cannot open the upload form", "/w/default/upload", http.StatusForbidden},
		{viewer, "viewer cannot read the audit log", "/w/default/audit", http.StatusForbidden},
		{editor, "editor opens the upload form", "/w/default/upload", http.StatusOK},
		{editor, "editor cannot read the audit log", "/w/default/audit.csv", http.StatusForbidden},
		{editor, "editor cannot manage members", "/w/default/settings", http.StatusForbidden},
		{stranger, "a non-member does not see the workspace", "/w/default/", http.StatusNotFound},
		{stranger, "nor a workspace that does not exist", "/w/nowhere/", http.StatusNotFound},
		{admin, "admin reads the audit log", "/w/default/audit", http.StatusOK},
		{viewer, "users page is for site admins", "/admin/users", http.StatusForbidden},
	}
	for _, tc := range tests {
		if r := tc.who.get(tc.path); r.status != tc.status {
			t.Errorf("%s: %s answered %d, want %d", tc.name, tc.path, r.status, tc.status)
		}
	}
	if r := viewer.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, ""); r.status != http.StatusForbidden {
		t.Errorf("viewer upload: %d", r.status)
	}
	if r := editor.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, ""); r.status != http.StatusSeeOther {
		t.Errorf("editor upload: %d", r.status)
	}
	// The tabs follow the role.
	body := viewer.get("/w/default/").body
	if strings.Contains(body, ">Upload<") || strings.Contains(body, ">Audit log<") {
		t.Error("a viewer is offered the upload or audit tab")
	}
	// An admin promotes the viewer; the change is audited.
	admin.get("/w/default/settings")
	if r := admin.post("/w/default/members", url.Values{"login": {"vera"}, "role": {"editor"}}); r.status != http.StatusOK || !strings.Contains(r.body, "vera is now editor") {
		t.Fatalf("promote: %d", r.status)
	}
	if r := viewer.get("/w/default/upload"); r.status != http.StatusOK {
		t.Errorf("promoted viewer: %d", r.status)
	}
	if r := admin.post("/w/default/members", url.Values{"login": {"sam"}, "role": {"owner"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown role: %d", r.status)
	}
}

func TestAdministration(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAdmin()
	if r := admin.post("/workspaces", url.Values{"slug": {"Bad Slug"}, "name": {"x"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad slug: %d", r.status)
	}
	if r := admin.post("/workspaces", url.Values{"slug": {"health"}, "name": {"Health"}}); r.status != http.StatusSeeOther || r.loc != "/w/health/" {
		t.Fatalf("create workspace: %d %q", r.status, r.loc)
	}
	if r := admin.post("/workspaces", url.Values{"slug": {"health"}, "name": {"Again"}}); r.status != http.StatusConflict {
		t.Errorf("duplicate workspace: %d", r.status)
	}
	admin.get("/admin/users")
	r := admin.post("/admin/users", url.Values{"login": {"nina"}, "name": {"Nina"}})
	m := regexpOneTime.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("create user: %d", r.status)
	}
	admin.get("/w/health/settings")
	admin.post("/w/health/members", url.Values{"login": {"nina"}, "role": {"viewer"}})
	nina := e.client()
	if r := nina.login("nina", m[1]); r.loc != "/password" {
		t.Fatalf("new user's first sign-in: %d %q", r.status, r.loc)
	}
	// Tokens: created once, shown once, revocable.
	r = admin.post("/w/health/tokens", url.Values{"name": {"ci"}, "role": {"editor"}})
	tok := regexpToken.FindString(r.body)
	if tok == "" {
		t.Fatal("the new token is not shown")
	}
	if r := e.api("GET", "/api/v1/workspaces/health/versions", tok, nil, ""); r.status != http.StatusOK {
		t.Fatalf("new token: %d", r.status)
	}
	if strings.Contains(admin.get("/w/health/settings").body, tok) {
		t.Fatal("the token is shown again")
	}
	list, _ := e.st.ListTokens(context.Background(), 2)
	admin.post("/w/health/tokens/revoke", url.Values{"id": {strconv.FormatInt(list[0].ID, 10)}})
	if r := e.api("GET", "/api/v1/workspaces/health/versions", tok, nil, ""); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", r.status)
	}
	if r := admin.post("/w/health/tokens", url.Values{"name": {"root"}, "role": {"admin"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("admin token: %d", r.status)
	}
}

var (
	regexpOneTime = regexpMust(`one-time password; it is shown only once:</p><p><code>([^<]+)</code>`)
	regexpToken   = regexpMust(`sovmap_[A-Za-z0-9_-]{40,}`)
)

// TestDisableUser: a site administrator disables a user, who is signed out
// at once, whose API tokens stop working and who cannot sign in; enabling
// restores the tokens and the sign-in. Nobody can disable themselves.
func TestDisableUser(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAdmin()
	admin.post("/workspaces", url.Values{"slug": {"health"}, "name": {"Health"}})
	admin.get("/admin/users")
	m := regexpOneTime.FindStringSubmatch(admin.post("/admin/users", url.Values{"login": {"nina"}, "name": {"Nina"}}).body)
	if m == nil {
		t.Fatal("no one-time password shown")
	}
	admin.get("/w/health/settings")
	admin.post("/w/health/members", url.Values{"login": {"nina"}, "role": {"admin"}})

	nina := e.client()
	nina.login("nina", m[1])
	nina.get("/password")
	if r := nina.post("/password", url.Values{"current": {m[1]}, "new": {newPassword}, "confirm": {newPassword}}); r.status != http.StatusSeeOther {
		t.Fatalf("nina's password change: %d", r.status)
	}
	nina.login("nina", newPassword)
	nina.get("/w/health/settings")
	tok := regexpToken.FindString(nina.post("/w/health/tokens", url.Values{"name": {"ci"}, "role": {"editor"}}).body)
	if tok == "" {
		t.Fatal("nina's token is not shown")
	}
	apiStatus := func() int { return e.api("GET", "/api/v1/workspaces/health/versions", tok, nil, "").status }
	if s := apiStatus(); s != http.StatusOK {
		t.Fatalf("nina's token before: %d", s)
	}

	page := admin.get("/admin/users")
	if !strings.Contains(page.body, `aria-label="Disable nina"`) || strings.Contains(page.body, `aria-label="Disable admin"`) {
		t.Fatal("the users page should offer to disable nina and not the admin looking at it")
	}
	if r := admin.post("/admin/users/status", url.Values{"login": {"nina"}, "action": {"disable"}}); r.status != http.StatusOK || !strings.Contains(r.body, "nina is disabled.") {
		t.Fatalf("disable: %d", r.status)
	}
	if r := nina.get("/w/health/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
		t.Errorf("a disabled user's session still works: %d %q", r.status, r.loc)
	}
	if s := apiStatus(); s != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d, want 401", s)
	}
	if r := e.client().login("nina", newPassword); r.status != http.StatusForbidden || !strings.Contains(r.body, "This account is disabled") {
		t.Errorf("a disabled user signs in: %d", r.status)
	}
	if r := e.client().login("nina", "wrong password"); r.status != http.StatusUnauthorized || strings.Contains(r.body, "disabled") {
		t.Errorf("a wrong password for a disabled account must not reveal it: %d", r.status)
	}
	if r := admin.post("/admin/users/status", url.Values{"login": {"admin"}, "action": {"disable"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("disabling oneself: %d", r.status)
	}
	if r := admin.post("/admin/users/status", url.Values{"login": {"nina"}, "action": {"delete"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown action: %d", r.status)
	}

	admin.post("/admin/users/status", url.Values{"login": {"nina"}, "action": {"enable"}})
	if s := apiStatus(); s != http.StatusOK {
		t.Errorf("the token after enabling: %d", s)
	}
	if r := e.client().login("nina", newPassword); r.status != http.StatusSeeOther {
		t.Errorf("sign-in after enabling: %d", r.status)
	}
	var actions []string
	entries, _ := e.st.ListAudit(context.Background(), store.AuditQuery{})
	for _, a := range entries {
		actions = append(actions, a.Action)
	}
	for _, want := range []string{"user.disable", "login.disabled", "user.enable"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit log lacks %s: %v", want, actions)
		}
	}
}
