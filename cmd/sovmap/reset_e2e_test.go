//go:build !noserver

package main

import (
	"net/http"
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
	signInAdmin := func(password string) (int, string) {
		_, code, loc := signIn(t, p.base, "admin", password)
		return code, loc
	}
	if code, _ := signInAdmin(p.password); code != http.StatusUnauthorized {
		t.Errorf("the first one-time password still signs in: %d", code)
	}
	if code, loc := signInAdmin(m[1]); code != http.StatusSeeOther || loc != "/password" {
		t.Errorf("sign-in with the reset password: %d %q, want the password page", code, loc)
	}
	if _, stderr, code := runBin(t, t.TempDir(), "serve", "--db", db, "--reset-password", "nobody"); code == 0 || !strings.Contains(stderr, `no user "nobody"`) {
		t.Errorf("resetting an unknown user: exit %d, %s", code, stderr)
	}
}
