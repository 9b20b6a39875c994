package server

import (
	"net/http"
)

// Cross-site request forgery is stopped three ways:
//   - session cookies are SameSite=Strict, so other sites' requests carry none;
//   - http.CrossOriginProtection refuses unsafe requests that browsers mark
//     as cross-origin (Sec-Fetch-Site, Origin);
//   - every form carries the session's CSRF token, and API calls made with
//     a session cookie must send it in the X-CSRF-Token header.
//
// The login form has no session yet: it uses a double-submit cookie.

const (
	csrfField       = "csrf"
	csrfHeader      = "X-CSRF-Token"
	loginCSRFCookie = "sovmap_login_csrf"
)

// checkCSRF verifies the token of an unsafe request made by a session, from
// the X-CSRF-Token header or the form. Token-authenticated API calls carry
// no ambient credentials and need none.
func checkCSRF(r *http.Request, p *principal) bool {
	if p == nil || p.session == nil || isSafeMethod(r.Method) {
		return true
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return sameSecret(got, p.session.CSRF)
}

// checkCSRFHeader is checkCSRF for the API: the token must be in the
// header, so that a request without it is refused before its body is read.
func checkCSRFHeader(r *http.Request, p *principal) bool {
	if p == nil || p.session == nil || isSafeMethod(r.Method) {
		return true
	}
	return sameSecret(r.Header.Get(csrfHeader), p.session.CSRF)
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// loginCSRF returns the login form's token, setting its cookie if needed.
func (s *Server) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	v := randomSecret(24)
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: v, Path: "/login", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	return v
}

// checkLoginCSRF verifies the login form's double-submit token.
func checkLoginCSRF(r *http.Request) bool {
	c, err := r.Cookie(loginCSRFCookie)
	return err == nil && sameSecret(r.PostFormValue(csrfField), c.Value)
}
