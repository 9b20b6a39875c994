package server

// Regression tests of the attacks of issue 15 that got through: each sends
// the attack and checks that it is refused.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sovmap/sovmap/store"
)

// loginRequest builds a sign-in as a browser sends it, from addr, with the
// login form's double-submit token, to be served without a network so
// that the client address can be chosen.
func loginRequest(login, password, addr string) *http.Request {
	const token = "0123456789abcdef0123456789abcdef"
	form := url.Values{"login": {login}, "password": {password}, "csrf": {token}}
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: token})
	r.RemoteAddr = addr + ":40000"
	return r
}

// parallelLogins sends n wrong sign-ins for admin at once, from one
// address or each from its own, and counts the answers by status.
func parallelLogins(e *testEnv, n int, oneAddress bool) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range n {
		addr := "192.0.2.1"
		if !oneAddress {
			addr = fmt.Sprintf("198.51.100.%d", i+1)
		}
		wg.Go(func() {
			w := httptest.NewRecorder()
			e.srv.ServeHTTP(w, loginRequest("admin", "wrong password", addr))
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return codes
}

// Issue 15, item 1: 30 wrong passwords fired at once were all checked.
func TestParallelWrongLoginsStayInTheLimit(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, oneAddress := range []bool{true, false} {
				e := newEnvOn(t, b.open(t))
				codes := parallelLogins(e, 30, oneAddress)
				// The limit is 5 failures per login name (and per address).
				if codes[http.StatusUnauthorized] != 5 || codes[http.StatusTooManyRequests] != 25 {
					t.Errorf("30 parallel wrong sign-ins (one address: %v): %v, want 5 checked (401) and 25 refused (429)", oneAddress, codes)
				}
			}
		})
	}
}

// Issue 15, item 2: parallel sign-ins each hashed 64 MiB at once.
func TestPasswordHashingIsBounded(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) {
		c.MaxHashes = 2
		c.HashWait = 5 * time.Minute // they queue; the race detector and a busy machine slow the hashes
		c.LoginFailures = 1000       // so that every attempt reaches the hash
		c.Password = &PasswordParams{Time: 1, Memory: 4 << 10, Threads: 1}
	})
	var wg sync.WaitGroup
	var unauthorized atomic.Int64
	for i := range 20 {
		wg.Go(func() {
			w := httptest.NewRecorder()
			e.srv.ServeHTTP(w, loginRequest(fmt.Sprintf("nobody%d", i), "wrong password", fmt.Sprintf("203.0.113.%d", i+1)))
			if w.Code == http.StatusUnauthorized {
				unauthorized.Add(1)
			}
		})
	}
	wg.Wait()
	if peak := e.srv.hashes.peak.Load(); peak > 2 || peak < 1 {
		t.Errorf("%d password hashes ran at once, want at most 2", peak)
	}
	if n := unauthorized.Load(); n != 20 {
		t.Errorf("%d of 20 sign-ins were checked, want all (they queue for a slot)", n)
	}

	// With every slot taken for longer than HashWait, a sign-in is 503.
	busy := newEnvWith(t, backends[0].open(t), func(c *Config) { c.MaxHashes = 1; c.HashWait = 10 * time.Millisecond })
	busy.srv.hashes.slots <- struct{}{}
	w := httptest.NewRecorder()
	busy.srv.ServeHTTP(w, loginRequest("admin", "whatever", "192.0.2.9"))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("sign-in with every hashing slot taken: %d, want 503 with Retry-After", w.Code)
	}
}

func countAudit(t *testing.T, st store.Store, action string) []store.Event {
	t.Helper()
	events, err := st.ListAudit(context.Background(), store.AuditQuery{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Event
	for _, ev := range events {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// Issue 15, item 3: throttled sign-ins with huge names filled the audit log.
func TestThrottledSignInsAreCountedNotLogged(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) { c.LoginWindow = time.Hour })
	serve := func(r *http.Request) int {
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		return w.Code
	}
	// A 60 KB name is refused before it is looked up or logged.
	if code := serve(loginRequest(strings.Repeat("x", 60<<10), "pw", "192.0.2.1")); code != http.StatusBadRequest {
		t.Fatalf("60 KB login name: %d, want 400", code)
	}
	if n, _ := e.st.ListAudit(context.Background(), store.AuditQuery{Site: true}); len(n) != 1 { // the bootstrap
		t.Fatalf("a refused 60 KB name was logged: %+v", n)
	}
	for range 5 {
		serve(loginRequest("admin", "wrong", "192.0.2.1"))
	}
	for i := range 200 {
		name := fmt.Sprintf("%064d", i) // the longest name accepted, a new one each time
		if code := serve(loginRequest(name, "wrong", "192.0.2.1")); code != http.StatusTooManyRequests {
			t.Fatalf("attempt %d after 5 failures: %d, want 429", i+1, code)
		}
	}
	if rows := countAudit(t, e.st, "login.throttled"); len(rows) != 1 {
		t.Fatalf("200 throttled attempts wrote %d audit rows, want 1", len(rows))
	}
	// When the window has ended, the count is written as one row.
	e.srv.maintain(context.Background(), time.Now().Add(2*time.Hour))
	rows := countAudit(t, e.st, "login.throttled")
	if len(rows) != 2 || !strings.HasPrefix(rows[0].Detail, "200 attempts refused") || rows[0].Target != "addr:192.0.2.1" {
		t.Fatalf("audit rows after the window: %+v", rows)
	}
}

// countingReader is an endless upload that counts what the server read.
type countingReader struct{ n atomic.Int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// Issue 15, item 4: an upload without the CSRF header was read whole (300
// MB, 272 MB of temporary files) before the 403.
func TestUploadsAreRefusedBeforeTheirBodyIsRead(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) { c.MaxUploadBytes = 1 << 20 })
	admin := e.signInAdmin()
	viewer := e.addUser("vera", "default", store.RoleViewer)
	cookies := func(c *client) []*http.Cookie { return c.hc.Jar.Cookies(mustURL(t, e.ts.URL)) }
	send := func(path, contentType string, with []*http.Cookie, header http.Header) (int, int64) {
		body := &countingReader{}
		r := httptest.NewRequest(http.MethodPost, path, io.LimitReader(body, 300<<20))
		r.Header.Set("Content-Type", contentType)
		for k, v := range header {
			r.Header[k] = v
		}
		for _, ck := range with {
			r.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		return w.Code, body.n.Load()
	}
	const multipartType = "multipart/form-data; boundary=xyz"
	for _, tc := range []struct {
		name, path, contentType string
		cookies                 []*http.Cookie
		header                  http.Header
		want                    int
		maxRead                 int64
	}{
		{"API upload with a session and no CSRF header", "/api/v1/workspaces/default/versions", "application/yaml", cookies(admin), nil, http.StatusForbidden, 0},
		{"API multipart upload with a session and no CSRF header", "/api/v1/workspaces/default/versions", multipartType, cookies(admin), nil, http.StatusForbidden, 0},
		{"API gate with a wrong CSRF header", "/api/v1/workspaces/default/gate", "application/yaml", cookies(admin), http.Header{"X-Csrf-Token": {"forged"}}, http.StatusForbidden, 0},
		{"page upload by a viewer", "/w/default/upload", multipartType, cookies(viewer), nil, http.StatusForbidden, 0},
		{"page upload with a wrong CSRF header", "/w/default/upload", multipartType, cookies(admin), http.Header{"X-Csrf-Token": {"forged"}}, http.StatusForbidden, 0},
		{"API upload without credentials", "/api/v1/workspaces/default/versions", "application/yaml", nil, nil, http.StatusUnauthorized, 0},
		// An authorised upload is read up to the limit (1 MiB here), no further.
		{"oversized API upload with a token", "/api/v1/workspaces/default/versions", "application/yaml", nil, http.Header{"Authorization": {"Bearer " + e.token("default", store.RoleEditor)}}, http.StatusRequestEntityTooLarge, 2 << 20},
	} {
		code, read := send(tc.path, tc.contentType, tc.cookies, tc.header)
		if code != tc.want || read > tc.maxRead {
			t.Errorf("%s: %d after reading %d bytes, want %d after at most %d", tc.name, code, read, tc.want, tc.maxRead)
		}
	}
}

// Issue 15, item 6 is tested in store/storetest (AuditIsAppendOnly).

// Issue 15, item 7: every invented method made a new metrics series.
func TestUnknownMethodsShareOneMetricsLabel(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		req, _ := http.NewRequest(fmt.Sprintf("BREW%d", i), e.ts.URL+"/healthz", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	body := e.client().get("/metrics").body
	if strings.Contains(body, "BREW") {
		t.Errorf("the metrics name invented methods:\n%s", body)
	}
	if !regexpMust(`sovmap_http_requests_total\{route="[^"]*",method="other",code="\d+"\} 5\n`).MatchString(body) {
		t.Errorf("the 5 requests are not counted under method=\"other\":\n%s", body)
	}
}

// Issue 15, item 8: site-wide events were shown nowhere.
func TestSiteAuditLog(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAdmin()
	e.client().login("admin", "wrong password")
	viewer := e.addUser("vera", "default", store.RoleViewer)
	if r := viewer.get("/admin/audit"); r.status != http.StatusForbidden {
		t.Errorf("a viewer reads the site audit log: %d", r.status)
	}
	if r := viewer.get("/admin/audit.csv"); r.status != http.StatusForbidden {
		t.Errorf("a viewer exports the site audit log: %d", r.status)
	}
	admin.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	r := admin.get("/admin/audit")
	mustContain(t, "site audit page", r.body, "Site audit log", "login.failed", "password.change", "user.bootstrap")
	if strings.Contains(r.body, "version.upload") {
		t.Error("the site audit page shows a workspace's events")
	}
	r = admin.get("/admin/audit.csv")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("site audit CSV: %v, Cache-Control %q", err, r.header.Get("Cache-Control"))
	}
	var actions []string
	for _, row := range rows[1:] {
		actions = append(actions, row[3])
	}
	mustContain(t, "site audit CSV", strings.Join(actions, " "), "login.failed", "login", "user.bootstrap")
	if strings.Contains(strings.Join(actions, " "), "version.upload") {
		t.Error("the site audit CSV has a workspace's events")
	}
}

// Issue 15, item 9: POST /password let a stolen session guess the current
// password without limit.
func TestPasswordChangeIsThrottled(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.addUser("nina", "default", store.RoleViewer)
		c.get("/password")
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		form := url.Values{"current": {"guess guess guess"}, "new": {"zebra lantern quietly orbit"}, "confirm": {"zebra lantern quietly orbit"}, "csrf": {c.csrf}}
		for range 12 {
			wg.Go(func() {
				// The session's http.Client is safe for parallel use; the
				// test client, which remembers the last token, is not.
				res, err := c.hc.PostForm(e.ts.URL+"/password", form)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				mu.Lock()
				codes[res.StatusCode]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[http.StatusUnprocessableEntity] != 5 || codes[http.StatusTooManyRequests] != 7 {
			t.Fatalf("12 parallel wrong current passwords: %v, want 5 checked (422) and 7 refused (429)", codes)
		}
		// The right one is refused too until the window ends.
		if r := c.post("/password", url.Values{"current": {newPassword}, "new": {"zebra lantern quietly orbit"}, "confirm": {"zebra lantern quietly orbit"}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("right current password while throttled: %d", r.status)
		}
		if rows := countAudit(t, e.st, "password.throttled"); len(rows) != 1 {
			t.Fatalf("%d password.throttled rows, want 1", len(rows))
		}
	})
}

// Issue 15, item 10: ADMIN could be created beside admin; the Bearer scheme
// was case-sensitive.
func TestLoginNamesIgnoreCase(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAdmin()
	admin.get("/admin/users")
	if r := admin.post("/admin/users", url.Values{"login": {"ADMIN"}}); r.status != http.StatusConflict {
		t.Errorf("creating ADMIN beside admin: %d, want 409", r.status)
	}
	if r := e.client().login("Admin", newPassword); r.status != http.StatusSeeOther {
		t.Errorf("signing in as Admin: %d", r.status)
	}
	// The throttle counts Admin and admin as one name.
	c := e.client()
	for _, l := range []string{"admin", "ADMIN", "Admin", "aDmin", "admiN"} {
		c.login(l, "wrong")
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, loginRequest("ADMIN", newPassword, "192.0.2.77"))
	if w.Code != http.StatusTooManyRequests {
		t.Errorf("sixth failure under another case, from another address: %d, want 429", w.Code)
	}
	tok := e.token("default", store.RoleViewer)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/api/v1/workspaces", nil)
		req.Header.Set("Authorization", scheme+" "+tok)
		if r := (&client{t: t, hc: http.DefaultClient}).do(req); r.status != http.StatusOK {
			t.Errorf("Authorization: %s <token>: %d", scheme, r.status)
		}
	}
}

// Issue 15, item 13: errors of multi-file uploads named the server's
// temporary files.
func TestUploadErrorsNameNoServerPath(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	// Files past 32 MiB go to the temporary directory; make it unusable.
	tmp := filepath.Join(t.TempDir(), "gone")
	t.Setenv("TMPDIR", tmp)
	big := bytes.Repeat([]byte("# padding\n"), 34<<20/10)
	r := c.upload("default", map[string][]byte{"a.yaml": big, "b.yaml": []byte("components: []\n")}, "")
	if r.status != http.StatusInternalServerError || strings.Contains(r.body, tmp) || strings.Contains(r.body, "multipart-") {
		t.Errorf("upload that could not be spooled: %d, body names the server's paths: %v", r.status, strings.Contains(r.body, tmp))
	}
	tok := e.token("default", store.RoleEditor)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, data := range map[string][]byte{"a.yaml": big, "b.yaml": []byte("components: []\n")} {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(data)
	}
	mw.Close()
	ar := e.api(http.MethodPost, "/api/v1/workspaces/default/versions", tok, b.Bytes(), mw.FormDataContentType())
	if ar.status != http.StatusInternalServerError || strings.Contains(ar.body, tmp) {
		t.Errorf("API upload that could not be spooled: %d %s", ar.status, ar.body)
	}
}

// Issue 15, item 14: downloads could be kept by caches.
func TestDownloadsAreNotCached(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	c.upload("default", map[string][]byte{"inventory.yaml": e.hospital}, "")
	tok := e.token("default", store.RoleViewer)
	for what, r := range map[string]resp{
		"file":       c.get("/w/default/file?i=0"),
		"download":   c.get("/w/default/download?format=json"),
		"API report": e.api(http.MethodGet, "/api/v1/workspaces/default/versions/latest/report?format=markdown", tok, nil, ""),
		"audit CSV":  c.get("/w/default/audit.csv"),
	} {
		if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q, want no-store", what, r.status, r.header.Get("Cache-Control"))
		}
	}
}

// Issue 15, item 15: a client sending one byte a second held a connection
// for minutes.
func TestSlowBodiesAreCutOff(t *testing.T) {
	e := newEnvWith(t, backends[0].open(t), func(c *Config) {
		c.BodyGrace = 300 * time.Millisecond
		c.MinBodyRate = 1000
	})
	tok := e.token("default", store.RoleEditor)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/workspaces/default/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/yaml\r\nContent-Length: 100000\r\n\r\n", tok)
	answered := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(conn) // until the server closes the connection
		answered <- string(b)
	}()
	sent := 0
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case got := <-answered:
			if !strings.HasPrefix(got, "HTTP/1.1 4") || sent > 50 {
				t.Fatalf("after %d bytes the server answered %.40q", sent, got)
			}
			return
		case <-deadline:
			t.Fatalf("the server still waits after %d bytes at 10 bytes a second", sent)
		case <-tick.C:
			if _, err := conn.Write([]byte("#")); err == nil {
				sent++
			}
		}
	}
}

// Issue 15, item 17: expired sessions and old failures were never purged.
func TestMaintainPurges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.client().login("admin", "wrong")
	admin, err := e.st.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreateSession(ctx, store.Session{Hash: []byte("old"), User: admin, CSRF: "c", ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	e.srv.maintain(ctx, time.Now().Add(time.Hour))
	if n, err := e.st.DeleteExpiredSessions(ctx, time.Now()); err != nil || n != 0 {
		t.Errorf("an expired session was left for the next purge: %d %v", n, err)
	}
	if n, err := e.st.LoginFailures(ctx, "login:admin", time.Time{}); err != nil || n != 0 {
		t.Errorf("%d old sign-in failures were left: %v", n, err)
	}
}

// Issue 15, item 18: the formula guard looked at the first character only.
// The export is read back as a spreadsheet set to semicolons (most of
// Europe), tabs or commas would split it.
func TestAuditCSVDefusesFormulasAfterDelimiters(t *testing.T) {
	e := newEnv(t)
	c := e.signInAdmin()
	ws, err := e.st.WorkspaceBySlug(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, attack := range []string{`x;=HYPERLINK("http://evil.example","click")`, "a,b;@SUM(1+1)", "name\t+cmd|' /C calc'!A0", `ok; -2+3`, `=1`} {
		if _, err := e.st.AppendAudit(context.Background(), store.Event{Workspace: ws.Slug, Action: "test", Target: attack, Detail: attack}); err != nil {
			t.Fatal(err)
		}
	}
	body := c.get("/w/default/audit.csv").body
	for _, comma := range []rune{',', ';', '\t'} {
		rd := csv.NewReader(strings.NewReader(body))
		rd.Comma, rd.FieldsPerRecord, rd.LazyQuotes = comma, -1, true
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("reading with %q: %v", comma, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if v := strings.TrimLeft(cell, ` "`); v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
					t.Errorf("read with %q as delimiter, cell %q would be a formula", comma, cell)
				}
			}
		}
	}
}

// The lost one-time password: a site administrator resets it.
func TestResetPassword(t *testing.T) {
	e := newEnv(t)
	admin := e.signInAdmin()
	nina := e.addUser("nina", "default", store.RoleViewer)
	admin.get("/admin/users")
	r := admin.post("/admin/users/password", url.Values{"login": {"nina"}})
	m := regexpMust(`<code>([^<]+)</code>`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := nina.get("/"); r.status != http.StatusSeeOther {
		t.Errorf("nina's session survived the reset: %d", r.status)
	}
	if r := e.client().login("nina", newPassword); r.status != http.StatusUnauthorized {
		t.Errorf("the old password works after the reset: %d", r.status)
	}
	if r := e.client().login("nina", m[1]); r.status != http.StatusSeeOther || r.loc != "/password" {
		t.Errorf("sign-in with the new one-time password: %d %q, want the password page", r.status, r.loc)
	}
	if rows := countAudit(t, e.st, "user.password_reset"); len(rows) != 1 || rows[0].Target != "nina" {
		t.Errorf("audit of the reset: %+v", rows)
	}
	if r := nina.post("/admin/users/password", url.Values{"login": {"admin"}}); r.status != http.StatusSeeOther && r.status != http.StatusForbidden {
		t.Errorf("a non-administrator resets a password: %d", r.status)
	}
}

// ResetPassword is the command line's way back in when no site
// administrator can sign in.
func TestResetPasswordFromTheCommandLine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pw, err := ResetPassword(ctx, e.st, "ADMIN", "system (test)", cheap)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := checkPassword(u.PasswordHash, pw); !ok || err != nil || !u.MustChangePassword {
		t.Fatalf("after the reset: password matches %v (%v), must change %v", ok, err, u.MustChangePassword)
	}
	if r := e.client().login("admin", e.adminPW); r.status != http.StatusUnauthorized {
		t.Errorf("the old one-time password still works: %d", r.status)
	}
	if rows := countAudit(t, e.st, "user.password_reset"); len(rows) != 1 || rows[0].Actor != "system (test)" {
		t.Errorf("audit of the reset: %+v", rows)
	}
	if _, err := ResetPassword(ctx, e.st, "nobody", "system", cheap); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("resetting an unknown user: %v", err)
	}
}
