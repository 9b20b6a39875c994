//go:build !noserver

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store/postgres/pgtest"
)

// TestTwoServesOnePostgres runs two `sovmap serve` processes on one
// PostgreSQL database, as behind a load balancer without sticky sessions
// (docs/server.md "Deploying with PostgreSQL"): what is uploaded through
// one is read through the other, a version stored by the second is seen by
// the first, a session and an API token work on both, signing out through
// one ends the session on the other, and sign-in failures counted through
// one lock the name out on the other.
func TestTwoServesOnePostgres(t *testing.T) {
	db := pgtest.DSN(t) // skips when SOVMAP_TEST_POSTGRES_DSN is unset
	if _, stderr, code := adminRun(t, testPassword+"\n", "user", "create", "--db", db, "--login", "ops", "--site-admin", "--password-stdin"); code != 0 {
		t.Fatalf("user create: exit %d: %s", code, stderr)
	}
	token := createToken(t, db, "ops", "editor", "ci")
	a, b := startServe(t, db), startServe(t, db)
	if a.password != "" || b.password != "" {
		t.Fatal("a serve printed a one-time password on a database that has a user")
	}

	// Uploaded through one, read through the other, both ways; the token
	// works on both.
	upload := func(p *serveProc, file string) {
		t.Helper()
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if code, out := apiCall(t, "POST", p.base+"/api/v1/workspaces/default/versions", token, bytes.NewReader(body)); code != http.StatusCreated {
			t.Fatalf("upload to %s: %d %s", p.base, code, out)
		}
	}
	report := func(p *serveProc, n string) string {
		t.Helper()
		code, out := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/versions/"+n+"/report?format=json", token, nil)
		if code != http.StatusOK {
			t.Fatalf("report of version %s from %s: %d %s", n, p.base, code, out)
		}
		return string(out)
	}
	upload(a, "../../examples/hospital-group/inventory.yaml")
	if ra, rb := report(a, "1"), report(b, "1"); ra != rb || !strings.Contains(rb, "hospital") {
		t.Errorf("version 1 reads differently through the two processes:\n%.300s\n%.300s", ra, rb)
	}
	upload(b, "../../examples/bank-dora/inventory.yaml")
	if ra, rb := report(a, "2"), report(b, "2"); ra != rb || ra == report(a, "1") {
		t.Errorf("version 2, stored through the second process, reads differently through the first:\n%.300s\n%.300s", ra, rb)
	}
	code, body := apiCall(t, "GET", a.base+"/api/v1/workspaces/default/versions", token, nil)
	var list struct{ Versions []struct{ Number int } }
	if err := json.Unmarshal(body, &list); code != http.StatusOK || err != nil || len(list.Versions) != 2 {
		t.Errorf("the first process's version list, after an upload through the second: %d %v %s", code, err, body)
	}

	// A session made by one process works on the other, and signing out
	// through the other ends it on the first.
	hc, code, loc := signIn(t, a.base, "ops", testPassword)
	if code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in through the first process: %d %q", code, loc)
	}
	session := sessionCookie(t, hc, a.base)
	if code := withCookie(t, "GET", b.base+"/api/v1/workspaces", session, nil); code != http.StatusOK {
		t.Fatalf("the session from the first process, on the second: %d", code)
	}
	if code := withCookie(t, "GET", b.base+"/api/v1/workspaces", nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("the second process without a session: %d, want 401 (or the check above proves nothing)", code)
	}
	page := cookieBody(t, b.base+"/w/default/", session)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no sign-out form on the second process's page")
	}
	if code := withCookie(t, "POST", b.base+"/logout", session, url.Values{"csrf": {csrf[1]}}); code != http.StatusSeeOther {
		t.Fatalf("sign-out through the second process: %d", code)
	}
	if code := withCookie(t, "GET", a.base+"/api/v1/workspaces", session, nil); code != http.StatusUnauthorized {
		t.Errorf("the session signed out through the second process still works on the first: %d", code)
	}

	// The throttle: 5 failures in 15 minutes per name (the server's
	// default), counted through the first process, refuse even the right
	// password on the second.
	for i := range 5 {
		if _, code, _ := signIn(t, a.base, "ops", "wrong password "+testPassword); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d through the first process: %d, want 401", i+1, code)
		}
	}
	if _, code, _ := signIn(t, b.base, "ops", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("the right password on the second process after 5 failures on the first: %d, want 429", code)
	}
	// The token is not a sign-in: it still works on both.
	for _, p := range []*serveProc{a, b} {
		if code, out := apiCall(t, "GET", p.base+"/api/v1/workspaces/default/versions", token, nil); code != http.StatusOK {
			t.Errorf("the token on %s during the lock-out: %d %s", p.base, code, out)
		}
	}
}

// sessionCookie is the session cookie hc holds for base.
func sessionCookie(t *testing.T, hc *http.Client, base string) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(base)
	for _, c := range hc.Jar.Cookies(u) {
		if c.Name == "sovmap_session" && c.Value != "" {
			return c
		}
	}
	t.Fatal("no session cookie after signing in")
	return nil
}

// withCookie sends a request with the cookie c (none when nil), and form
// as the body of a POST, without following redirects; it returns the
// status.
func withCookie(t *testing.T, method, target string, c *http.Cookie, form url.Values) int {
	t.Helper()
	res := sendWithCookie(t, method, target, c, form)
	res.Body.Close()
	return res.StatusCode
}

// cookieBody GETs target with the cookie c and returns the body of a 200.
func cookieBody(t *testing.T, target string, c *http.Cookie) string {
	t.Helper()
	res := sendWithCookie(t, "GET", target, c, nil)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", target, res.StatusCode, err)
	}
	return string(b)
}

func sendWithCookie(t *testing.T, method, target string, c *http.Cookie, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		req.AddCookie(c)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
