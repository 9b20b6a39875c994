package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeResetPassword: when no administrator can sign in, `serve
// --reset-password` prints a new one-time password, which signs in to the
// running server and leads to the password page; the old one is dead.
func TestServeResetPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sovmap.db")
	p := startServe(t, db)
	stdout, stderr, code := runBin(t, t.TempDir(), "serve", "--db", db, "--reset-password", "admin")
	m := regexp.MustCompile(`One-time password for "admin": (\S+)`).FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("reset: exit %d\n%s%s", code, stdout, stderr)
	}
	signIn := func(password string) (int, string) {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := hc.Get(p.base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := res.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		res.Body.Close()
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body.String())
		if csrf == nil {
			t.Fatal("no CSRF token on the login form")
		}
		res, err = hc.PostForm(p.base+"/login", url.Values{"login": {"admin"}, "password": {password}, "csrf": {csrf[1]}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Location")
	}
	if code, _ := signIn(p.password); code != http.StatusUnauthorized {
		t.Errorf("the first one-time password still signs in: %d", code)
	}
	if code, loc := signIn(m[1]); code != http.StatusSeeOther || loc != "/password" {
		t.Errorf("sign-in with the reset password: %d %q, want the password page", code, loc)
	}
	if _, stderr, code := runBin(t, t.TempDir(), "serve", "--db", db, "--reset-password", "nobody"); code == 0 || !strings.Contains(stderr, `no user "nobody"`) {
		t.Errorf("resetting an unknown user: exit %d, %s", code, stderr)
	}
}
