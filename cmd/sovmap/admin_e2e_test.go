//go:build !noserver

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store/postgres/pgtest"
)

// testPassword passes the password policy (a test of its own checks that).
const testPassword = "quartz ferret lantern obelisk"

// tokenLine is all that `admin token create` may print: the token and a
// line ending.
var tokenLine = regexp.MustCompile(`^sovmap_[A-Za-z0-9_-]{43}\n$`)

// adminRun runs `sovmap admin ARGS...` with stdin as its input.
func adminRun(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runBinIn(t, t.TempDir(), stdin, append([]string{"admin"}, args...)...)
}

// createToken runs `admin token create` and returns the token, checking
// that it is the only thing on standard output.
func createToken(t *testing.T, db, login, role, name string) string {
	t.Helper()
	out, stderr, code := adminRun(t, "", "token", "create", "--db", db, "--login", login, "--workspace", "default", "--role", role, "--name", name)
	if code != 0 || !tokenLine.MatchString(out) {
		t.Fatalf("token create: exit %d, stdout %q, stderr %s", code, out, stderr)
	}
	return strings.TrimSuffix(out, "\n")
}

// TestAdminBootstrapThenServe: on a new database, `admin user create` and
// `admin token create` set up what an automated deployment needs; serve
// then prints no one-time password, the token uploads and reads through
// the API, the password signs in, the user administers the default
// workspace, and the audit logs name the command line as the actor.
func TestAdminBootstrapThenServe(t *testing.T) {
	for _, c := range []struct {
		name string
		db   func(t testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "sovmap.db") }},
		{"postgres", pgtest.DSN},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := c.db(t)
			// A token for a user of an empty database: nobody to give it to.
			if out, stderr, code := adminRun(t, "", "token", "create", "--db", db, "--login", "ops", "--workspace", "default", "--role", "editor"); code != 1 || out != "" || !strings.Contains(stderr, `no user "ops"`) {
				t.Fatalf("token create on an empty database: exit %d, %q, %s", code, out, stderr)
			}
			// A CRLF line ending, as from a Windows-edited secret file, is not
			// part of the password: the sign-in below uses it without.
			if out, stderr, code := adminRun(t, testPassword+"\r\n", "user", "create", "--db", db, "--login", "ops", "--name", "Operations", "--site-admin", "--password-stdin"); code != 0 || !strings.Contains(out, `Created user "ops"`) {
				t.Fatalf("user create: exit %d, %q, %s", code, out, stderr)
			}
			editor := createToken(t, db, "ops", "editor", "ci")
			auditor := createToken(t, db, "ops", "admin", "siem")

			p := startServe(t, db)
			if p.password != "" {
				t.Fatal("serve printed a one-time password on a database that has a user")
			}
			hospital, err := os.ReadFile("../../examples/hospital-group/inventory.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if code, body := apiCall(t, "POST", p.base+"/api/v1/workspaces/default/versions", editor, bytes.NewReader(hospital)); code != http.StatusCreated {
				t.Fatalf("upload with the editor token: %d %s", code, body)
			}
			if code, body := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/versions/1", editor, nil); code != http.StatusOK {
				t.Fatalf("reading the version with the editor token: %d %s", code, body)
			}
			// The editor token does not read the audit log; the admin one does.
			if code, _ := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/audit", editor, nil); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("the editor token read the audit log: %d", code)
			}
			code, body := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/audit", auditor, nil)
			if code != http.StatusOK {
				t.Fatalf("audit with the admin token: %d %s", code, body)
			}
			var audit struct {
				Events []struct{ Actor, Action, Target, Detail string }
			}
			if err := json.Unmarshal(body, &audit); err != nil {
				t.Fatal(err)
			}
			created := map[string]string{}
			for _, e := range audit.Events {
				if e.Action == "token.create" && strings.HasPrefix(e.Actor, "cli (sovmap admin token create") {
					created[e.Target] = e.Detail
				}
			}
			if created["ci"] != "editor, for user ops" || created["siem"] != "admin, for user ops" {
				t.Errorf("token.create events by the command line: %v; want ci and siem: %s", created, body)
			}

			// The password signs in, with no change asked (the first user), and
			// the user administers the default workspace.
			hc, code, loc := signIn(t, p.base, "ops", testPassword)
			if code != http.StatusSeeOther || loc != "/" {
				t.Fatalf("sign-in: %d %q, want a redirect to /", code, loc)
			}
			var ws struct{ Workspaces []struct{ Slug, Role string } }
			if err := json.Unmarshal([]byte(getBody(t, hc, p.base+"/api/v1/workspaces")), &ws); err != nil {
				t.Fatal(err)
			}
			if len(ws.Workspaces) != 1 || ws.Workspaces[0].Slug != "default" || ws.Workspaces[0].Role != "admin" {
				t.Errorf("ops's workspaces: %+v; want default as admin", ws.Workspaces)
			}
			rows, err := csv.NewReader(strings.NewReader(getBody(t, hc, p.base+"/admin/audit.csv"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range rows {
				// id, time, actor, action, target, detail, remote
				if r[3] == "user.create" && r[4] == "ops" && strings.HasPrefix(r[2], "cli (sovmap admin user create") && strings.Contains(r[5], "first user") {
					found = true
				}
				if r[3] == "user.bootstrap" {
					t.Errorf("serve bootstrapped a user after admin user create: %v", r)
				}
			}
			if !found {
				t.Errorf("no user.create event of ops by the command line in the site audit log: %v", rows)
			}
		})
	}
}

// TestAdminRefusals: usage mistakes and passwords the policy refuses exit
// 2, what the database refuses exits 1, each with a message saying why and
// nothing on standard output; a refused command changes nothing.
func TestAdminRefusals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sovmap.db")
	pw := testPassword + "\n"
	steps := []struct {
		stdin string
		args  string
		code  int
		want  string // in stderr, or in stdout when code is 0
	}{
		{pw, "user create --login ops --site-admin", 2, "--password-stdin is required"},
		{"", "user create --login ops --site-admin --password-stdin", 2, "no password on standard input"},
		{"\n", "user create --login ops --site-admin --password-stdin", 2, "no password on standard input"},
		{"password1234\n", "user create --login ops --site-admin --password-stdin", 2, "too easy to guess"},
		{"short\n", "user create --login ops --site-admin --password-stdin", 2, "at least 12 characters"},
		{"opsopsopsops\n", "user create --login opsopsopsops --site-admin --password-stdin", 2, "must not be the login name"},
		{pw, "user create --login o/ps --site-admin --password-stdin", 2, "a login name has"},
		{pw, "user create --site-admin --password-stdin", 2, `"login" not set`},
		{pw, "user create --login bot --password-stdin", 1, "first user of a database must be a site administrator"},
		// The refused first user does not exist.
		{"", "token create --login bot --workspace default --role viewer", 1, `no user "bot"`},
		{pw, "user create --login ops --site-admin --password-stdin", 0, `Created user "ops" (site administrator)`},
		{pw, "user create --login OPS --password-stdin", 1, `the login "OPS" is taken`},
		{"x" + pw, "user create --login bot --password-stdin", 0, "to choose a new password at the first sign-in"},
		{"y" + pw, "user create --login carol --must-change-password=false --password-stdin", 0, "Created user \"carol\"\n"},
		{"", "token create --login ops --workspace default --role owner", 2, `--role must be viewer, editor or admin, not "owner"`},
		{"", "token create --login ops --role viewer", 2, `"workspace" not set`},
		{"", "token create --login ops --workspace nowhere --role viewer", 1, `no workspace "nowhere"`},
		{"", "token create --login nobody --workspace default --role viewer", 1, `no user "nobody"`},
		{"", "token create --login ops --workspace default --role viewer --name " + strings.Repeat("n", 101), 2, "1 to 100 characters"},
		{"", "token create --login bot --workspace default --role viewer", 1, `"bot" is not a member of workspace "default"`},
		{"", "member set --login bot --workspace default --role owner", 2, "--role must be viewer, editor, admin or none"},
		{"", "member set --login bot --workspace nowhere --role viewer", 1, `no workspace "nowhere"`},
		{"", "member set --login bot --workspace default --role viewer", 0, "bot is now viewer in default"},
		{"", "token create --login bot --workspace default --role editor", 1, `"bot" is viewer in workspace "default", and a token never carries more`},
		{"", "token create --login bot --workspace default --role viewer", 0, "sovmap_"},
		{"", "member set --login bot --workspace default --role none", 0, "bot is no longer a member of default"},
		{"", "token create --login bot --workspace default --role viewer", 1, "is not a member"},
	}
	for _, s := range steps {
		args := append(strings.Fields(s.args), "--db", db)
		out, stderr, code := adminRun(t, s.stdin, args...)
		said := stderr
		if s.code == 0 {
			said = out
		} else if out != "" {
			t.Errorf("admin %s: printed %q on standard output", s.args, out)
		}
		if code != s.code || !strings.Contains(said, s.want) {
			t.Errorf("admin %s: exit %d, stdout %q, stderr %q; want exit %d and %q", s.args, code, out, stderr, s.code, s.want)
		}
	}
}

// TestReadPassword: one trailing line ending is removed, nothing else.
func TestReadPassword(t *testing.T) {
	for in, want := range map[string]string{
		"a b c\n":   "a b c",
		"a b c\r\n": "a b c",
		"a b c":     "a b c",
		"a b c\n\n": "a b c\n",
		" a b c \n": " a b c ",
	} {
		got, err := readPassword(strings.NewReader(in))
		if err != nil || got != want {
			t.Errorf("readPassword(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := readPassword(strings.NewReader(strings.Repeat("x", maxPasswordInput+1))); err == nil {
		t.Error("an oversized input was read as a password")
	}
}

// signIn signs in through the login form and returns the client holding
// the session cookie, the status and the redirect's target.
func signIn(t *testing.T, base, login, password string) (*http.Client, int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(getBody(t, hc, base+"/login"))
	if csrf == nil {
		t.Fatal("no CSRF token on the login form")
	}
	res, err := hc.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}, "csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return hc, res.StatusCode, res.Header.Get("Location")
}

// getBody GETs url with hc and returns the body of a 200 answer.
func getBody(t *testing.T, hc *http.Client, url string) string {
	t.Helper()
	res, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", url, res.StatusCode, err, b)
	}
	return string(b)
}
