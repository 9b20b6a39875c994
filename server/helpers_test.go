package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/postgres/pgtest"
	"github.com/sovmap/sovmap/store/sqlite"
)

// cheap keeps password hashing fast in tests; production uses the defaults.
var cheap = &PasswordParams{Time: 1, Memory: 1024, Threads: 1}

const newPassword = "correct horse battery staple"

type testEnv struct {
	t        testing.TB
	srv      *Server
	ts       *httptest.Server
	st       store.Store
	adminPW  string
	hospital []byte
}

// backends are the stores the server is tested on; PostgreSQL only when
// SOVMAP_TEST_POSTGRES_DSN names a server.
var backends = []struct {
	name string
	open func(t testing.TB) store.Store
}{
	{"sqlite", func(t testing.TB) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sovmap.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{"postgres", func(t testing.TB) store.Store { return pgtest.Open(t) }},
}

// eachBackend runs a test once per store.
func eachBackend(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, newEnvOn(t, b.open(t))) })
	}
}

func newEnv(t testing.TB) *testEnv { return newEnvOn(t, backends[0].open(t)) }

func newEnvOn(t testing.TB, st store.Store) *testEnv { return newEnvWith(t, st, nil) }

// newEnvWith is newEnvOn with the server's Config changed by configure.
func newEnvWith(t testing.TB, st store.Store, configure func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	t.Cleanup(func() { st.Close() })
	login, pw, created, err := Bootstrap(ctx, st, cheap)
	if err != nil || !created || login != "admin" {
		t.Fatalf("bootstrap: %v %v %q", err, created, login)
	}
	k, err := kb.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, KB: k, Password: cheap, Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Writers: map[string]Writer{"json": report.WriteJSON, "markdown": report.WriteMarkdown, "sarif": sarif.Write},
		AssessOptions: func(inv *sovmap.Inventory, k *kb.KB) assess.Options {
			return assess.Options{Qualifies: embassy.QualifierFor(inv, embassy.Options{KB: k})}
		}}
	if configure != nil {
		configure(&cfg)
	}
	srv, ts := startServer(t, cfg)
	hospital, err := os.ReadFile("../examples/hospital-group/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, srv: srv, ts: ts, st: st, adminPW: pw, hospital: hospital}
}

// startServer makes a Server of cfg and serves it on loopback until the
// test ends; the server is closed before the store (registered earlier),
// since warm-ups still building read it.
func startServer(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// hospitalV2 moves the model registry to the US: its levels drop and US
// law newly reaches it.
func (e *testEnv) hospitalV2() []byte {
	old := "    provider: stackit\n    locations: [DE]\n    operated_from: [DE]\n    data: [confidential]"
	if !bytes.Contains(e.hospital, []byte(old)) {
		e.t.Fatal("the hospital example changed; update hospitalV2")
	}
	return bytes.Replace(e.hospital, []byte(old), []byte("    provider: stackit\n    locations: [US]\n    operated_from: [US]\n    data: [confidential]"), 1)
}

type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	csrf string
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, base: e.ts.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	status int
	loc    string
	body   string
	header http.Header
}

func (c *client) do(req *http.Request) resp {
	c.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := resp{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(b), header: res.Header}
	if m := csrfRe.FindStringSubmatch(r.body); m != nil {
		c.csrf = m[1]
	}
	return r
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) get(path string) resp {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) resp {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) login(login, password string) resp {
	c.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"login": {login}, "password": {password}})
}

// signInAdmin signs in with the one-time password and chooses a new one.
func (e *testEnv) signInAdmin() *client {
	e.t.Helper()
	c := e.client()
	if r := c.login("admin", e.adminPW); r.status != http.StatusSeeOther || r.loc != "/password" {
		e.t.Fatalf("first sign-in: %d %q", r.status, r.loc)
	}
	c.get("/password")
	if r := c.post("/password", url.Values{"current": {e.adminPW}, "new": {newPassword}, "confirm": {newPassword}}); r.status != http.StatusSeeOther {
		e.t.Fatalf("password change: %d %s", r.status, r.body)
	}
	if r := c.login("admin", newPassword); r.status != http.StatusSeeOther || r.loc != "/" {
		e.t.Fatalf("sign-in with the new password: %d %q", r.status, r.loc)
	}
	c.get("/")
	return c
}

// upload posts files to the upload form.
func (c *client) upload(ws string, files map[string][]byte, note string) resp {
	c.t.Helper()
	var list []store.File
	for name, data := range files {
		list = append(list, store.File{Name: name, Data: data})
	}
	return c.uploadForm(ws, map[string]string{"note": note}, map[string][]store.File{"files": list})
}

// addUser makes a user with a known password (no forced change) and a role.
func (e *testEnv) addUser(login, ws string, role store.Role) *client {
	e.t.Helper()
	ctx := context.Background()
	hash, err := hashPassword(newPassword, *cheap)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.st.CreateUser(ctx, store.User{Login: login, PasswordHash: hash})
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		w, err := e.st.WorkspaceBySlug(ctx, ws)
		if err != nil {
			e.t.Fatal(err)
		}
		if err := e.st.SetRole(ctx, w.ID, u.ID, role); err != nil {
			e.t.Fatal(err)
		}
	}
	c := e.client()
	if r := c.login(login, newPassword); r.status != http.StatusSeeOther {
		e.t.Fatalf("sign-in of %s: %d", login, r.status)
	}
	c.get("/")
	return c
}

// token makes an API token for the admin in a workspace.
func (e *testEnv) token(ws string, role store.Role) string {
	e.t.Helper()
	ctx := context.Background()
	w, err := e.st.WorkspaceBySlug(ctx, ws)
	if err != nil {
		e.t.Fatal(err)
	}
	admin, err := e.st.UserByLogin(ctx, "admin")
	if err != nil {
		e.t.Fatal(err)
	}
	secret, tok, err := newToken("ci", admin.ID, w.ID, role)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.CreateToken(ctx, tok); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// api calls the JSON API with a bearer token.
func (e *testEnv) api(method, path, token string, body []byte, contentType string) resp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	c := &client{t: e.t, hc: http.DefaultClient}
	return c.do(req)
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", what, w)
		}
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// testLog sends the server's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
